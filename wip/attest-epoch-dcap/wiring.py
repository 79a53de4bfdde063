root='/work/wt/attest-epoch/'
p=root+'operator/src/app/operator_app.h'
s=open(p).read()
old='''  std::string attestation_verifier;  // quote verifier URL (empty: none)'''
new='''  std::string attestation_verifier;  // second-opinion quote verifier URL (empty: none)
  std::string pccs_url;              // collateral for the in-process quote verification
  int collateral_max_age_seconds = 3600;
  std::string insecure_test_root_ca;  // TESTS ONLY: PEM root replacing Intel's (status says "test")'''
assert old in s; s=s.replace(old,new); open(p,'w').write(s)

p=root+'operator/src/app/operator_app.cpp'
s=open(p).read()
old='''  EpochControllerOptions epoch_options;'''
new='''  auto chain = make_quote_chain(options);
  if (!chain) {
    log::error("cannot set up quote verification", {{"error", chain.error().message}});
    return 1;
  }
  EpochControllerOptions epoch_options;
  epoch_options.chain = chain->verifier.get();'''
assert old in s; s=s.replace(old,new)
open(p,'w').write(s)
s=open(p).read()
s=s.replace('#include "app/metrics.h"\n','#include "app/metrics.h"\n#include "app/quote_chain_setup.h"\n',1)
s=s.replace('''  auto chain = make_quote_chain(options);''','''  auto chain = make_quote_chain(options);  // in-process DCAP (PCCS collateral, pinned root)''')
open(p,'w').write(s)
p=root+'operator/src/cli/run.cpp'
s=open(p).read()
old='''  command->add_option("--attestation-verifier", o.attestation_verifier,'''
new='''  command->add_option("--pccs-url", o.pccs_url,
                      "PCCS base URL for quote verification collateral (default: Phala's PCCS)");
  command->add_option("--collateral-max-age", flags->collateral_max_age,
                      "refetch collateral at least this often (a TCB recovery shows up then)");
  command->add_option("--insecure-test-root-ca", o.insecure_test_root_ca,
                      "TESTS ONLY: verify quotes against this PEM root instead of Intel's "
                      "(TeeEpoch status shows trustAnchor \\"test\\")");
  command->add_option("--attestation-verifier", o.attestation_verifier,'''
assert old in s; s=s.replace(old,new)
open(p,'w').write(s)
s=open(p).read()
s=s.replace('''  std::string epoch_resync = "15s";
};''','''  std::string epoch_resync = "15s";
  std::string collateral_max_age = "1h";
};''',1)
old='''  flags.options.epoch_resync_seconds = *resync;'''
new='''  flags.options.epoch_resync_seconds = *resync;
  auto max_age = seconds_of(flags.collateral_max_age);
  if (!max_age || *max_age < 1) return usage_error(io, "--collateral-max-age takes a duration of at least 1s");
  flags.options.collateral_max_age_seconds = static_cast<int>(*max_age);'''
assert old in s; s=s.replace(old,new,1)
open(p,'w').write(s)
