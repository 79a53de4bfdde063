root='/work/wt/attest-epoch/'
p=root+'signer/src/signer/target_attestation.h'
s=open(p).read()
old='''// Errors: TARGET_ATTESTATION_REQUIRED (no attestation),'''
new='''// verify_tdx_quote (cbx/attest/quote_verifier.h) against Intel's pinned root, collateral parsed
// from the request: what a signer in a real CVM uses.
TargetChainCheck intel_target_chain();

// Errors: TARGET_ATTESTATION_REQUIRED (no attestation),'''
assert old in s; s=s.replace(old,new); open(p,'w').write(s)
p=root+'signer/src/signer/target_attestation.cpp'
s=open(p).read()
s=s.replace('''#include "cbx/attest/event_log.h"''','''#include "cbx/attest/collateral.h"
#include "cbx/attest/event_log.h"
#include "cbx/attest/quote_verifier.h"''')
old='''Result<TargetAttestation> verify_target_attestation('''
new='''TargetChainCheck intel_target_chain() {
  return [](ByteView quote, std::string_view collateral_json) -> Result<TargetChainVerdict> {
    auto collateral = attest::parse_collateral_json(collateral_json);
    if (!collateral) return collateral.error();
    auto now = std::chrono::time_point_cast<std::chrono::nanoseconds>(
        std::chrono::system_clock::now());
    auto v = attest::verify_tdx_quote(quote, *collateral, now, attest::TrustAnchors::intel());
    return TargetChainVerdict{v.verified, std::string(attest::to_string(v.tcb_status)),
                              v.trust_anchor,
                              v.error ? v.error->code + ": " + v.error->message : ""};
  };
}

Result<TargetAttestation> verify_target_attestation('''
assert old in s; s=s.replace(old,new,1); open(p,'w').write(s)
p=root+'signer/src/signer/main.cpp'
s=open(p).read()
old='''  config.target_policy.require_chain = !(*provider)->simulated();'''
new='''  config.target_policy.require_chain = !(*provider)->simulated();
  config.target_policy.chain = intel_target_chain();'''
assert old in s; s=s.replace(old,new); open(p,'w').write(s)
