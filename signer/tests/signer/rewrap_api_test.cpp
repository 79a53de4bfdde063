// POST /v1/rewrap: to an epoch this signer derives, or to an external key only with a valid
// approval by the configured rotation authority (DESIGN §6).
#include "attest/test_chain.h"
#include "cbx/attest/collateral.h"
#include "cbx/attest/event_log.h"
#include "cbx/crypto/secp256k1.h"
#include "cbx/epoch/approval.h"
#include "cbx/epoch/report_data.h"
#include "cbx/epoch/tdx_quote.h"
#include "signer_test_support.h"

namespace cbx::signer::test {
namespace {

const std::string kComposeHash(64, 'c');

ed25519::KeyPair authority_key() {
  return ed25519::key_pair_from_seed(Bytes(32, 0xa7)).value();
}

json rewrap_entry_json(SignerHarness& h, const Folder& f, std::uint64_t epoch,
                       const std::string& id) {
  return {
      {"id", id}, {"ipnsName", f.name}, {"encryptedKey", h.seal(f, epoch)}, {"keyEpoch", epoch}};
}

Bytes open(const SecretBytes& key, const json& result) {
  auto ct = base64_decode(result["encryptedKey"].get<std::string>()).value();
  auto seed = ecies::decrypt(key, ct);
  EXPECT_TRUE(seed) << "rewrapped key does not decrypt under the target key";
  return seed ? Bytes(seed->span().begin(), seed->span().end()) : Bytes{};
}

struct External {
  SecretBytes private_key = secp256k1::generate_private_key();
  Bytes public_key = secp256k1::public_key(private_key).value();
};

// What the new signer's GetQuote gives (simulated quote layout): a quote binding (epoch, key,
// nonce) whose RTMR3 the dstack-shaped event log measuring `compose_hash` replays to.
json attestation_of(const External& ext, std::uint64_t epoch,
                    const std::string& compose_hash = kComposeHash, Bytes nonce = Bytes(16, 0x5a)) {
  auto log = attest::build_runtime_event_log(attest::dstack_boot_events(
      {compose_hash, std::string(40, 'a'), std::string(40, 'b'), "{}", ""}));
  std::array<epoch::Measurement, 4> rtmr{};
  rtmr[3] = log.rtmr3;
  auto quote = epoch::build_simulated_tdx_quote(
      epoch::epoch_report_data(epoch, ext.public_key, nonce), {}, rtmr);
  return {{"quote", hex_encode(quote)}, {"eventLog", log.json_text}, {"nonce", hex_encode(nonce)}};
}

json external_target(const External& ext, std::uint64_t epoch,
                     std::optional<std::string> approval) {
  json t = {{"epoch", epoch},
            {"publicKey", hex_encode(ext.public_key)},
            {"composeHash", kComposeHash},
            {"attestation", attestation_of(ext, epoch)}};
  if (approval) t["approval"] = *approval;
  return t;
}

std::string approve(const ed25519::KeyPair& key, const External& ext, std::uint64_t epoch) {
  auto subject = epoch::approval_subject_from_hex(epoch, hex_encode(ext.public_key), kComposeHash);
  return epoch::sign_approval(key, subject.value()).value();
}

TEST(RewrapApiTest, ReencryptsToALocallyDerivedEpoch) {
  SignerHarness h;
  Folder a = make_folder(0x61), b = make_folder(0x62);
  auto r = h.post("/v1/rewrap", {{"targetEpoch", 3},
                                 {"entries", json::array({rewrap_entry_json(h, a, 1, "a"),
                                                          rewrap_entry_json(h, b, 2, "b")})}});
  ASSERT_EQ(r.status, 200u) << r.raw;
  auto epoch3 = h.provider().derive_epoch_key(3).value();
  for (std::size_t i = 0; i < 2; ++i) {
    const auto& result = r.body["results"][i];
    ASSERT_TRUE(result["ok"].get<bool>()) << result.dump();
    EXPECT_EQ(result["epoch"], 3);
    EXPECT_EQ(open(epoch3, result), i == 0 ? a.seed : b.seed);
  }
}

TEST(RewrapApiTest, PerEntryErrorsKeepTheirCodes) {
  SignerHarness h;
  Folder a = make_folder(0x63), b = make_folder(0x64);
  json mismatch = rewrap_entry_json(h, a, 1, "mismatch");
  mismatch["ipnsName"] = b.name;
  json wrong_epoch = rewrap_entry_json(h, a, 1, "wrong-epoch");
  wrong_epoch["keyEpoch"] = 2;
  auto r =
      h.post("/v1/rewrap", {{"targetEpoch", 3}, {"entries", json::array({mismatch, wrong_epoch})}});
  ASSERT_EQ(r.status, 200u);
  EXPECT_EQ(r.body["results"][0]["error"]["code"], "KEY_NAME_MISMATCH");
  EXPECT_EQ(r.body["results"][1]["error"]["code"], "DECRYPT_FAILED");
}

TEST(RewrapApiTest, ExternalTargetIsRefusedWithoutAnAuthority) {
  SignerHarness h;  // no --authority-public-key
  Folder a = make_folder(0x65);
  External ext;
  auto r =
      h.post("/v1/rewrap", {{"target", external_target(ext, 2, approve(authority_key(), ext, 2))},
                            {"entries", json::array({rewrap_entry_json(h, a, 1, "a")})}});
  EXPECT_EQ(r.status, 403u);
  EXPECT_EQ(r.body["error"]["code"], "APPROVAL_REQUIRED");
  EXPECT_FALSE(r.body.contains("results"));
}

TEST(RewrapApiTest, ExternalTargetNeedsAValidApprovalOfThatExactTarget) {
  auto authority = authority_key();
  SignerHarness h(authority.public_key);
  Folder a = make_folder(0x66);
  External ext, other;
  json entries = json::array({rewrap_entry_json(h, a, 1, "a")});
  auto refused = [&](const json& target) {
    return h.post("/v1/rewrap", {{"target", target}, {"entries", entries}});
  };
  auto missing = refused(external_target(ext, 2, std::nullopt));
  EXPECT_EQ(missing.status, 403u);
  EXPECT_EQ(missing.body["error"]["code"], "APPROVAL_REQUIRED");
  EXPECT_EQ(refused(external_target(ext, 2, std::string())).body["error"]["code"],
            "APPROVAL_REQUIRED");
  const std::pair<const char*, json> invalid[] = {
      {"approval of another key", external_target(ext, 2, approve(authority, other, 2))},
      {"approval of another epoch", external_target(ext, 3, approve(authority, ext, 2))},
      {"approval by someone else",
       external_target(ext, 2, approve(ed25519::key_pair_from_seed(Bytes(32, 1)).value(), ext, 2))},
      {"garbage approval", external_target(ext, 2, std::string("bm90IGEgc2lnbmF0dXJl"))},
  };
  for (const auto& [name, target] : invalid) {
    SCOPED_TRACE(name);
    auto r = refused(target);
    EXPECT_EQ(r.status, 403u);
    EXPECT_EQ(r.body["error"]["code"], "APPROVAL_INVALID");
  }
  json other_hash = external_target(ext, 2, approve(authority, ext, 2));
  other_hash["composeHash"] = std::string(64, 'd');
  EXPECT_EQ(refused(other_hash).body["error"]["code"], "APPROVAL_INVALID");

  auto ok = refused(external_target(ext, 2, approve(authority, ext, 2)));
  ASSERT_EQ(ok.status, 200u) << ok.raw;
  ASSERT_TRUE(ok.body["results"][0]["ok"].get<bool>());
  EXPECT_EQ(ok.body["results"][0]["epoch"], 2);
  EXPECT_EQ(open(ext.private_key, ok.body["results"][0]), a.seed);
}

// Besides the approval, the old signer verifies the target's attestation itself: a quote binding
// exactly that key, an event log replaying to it and measuring the approved compose hash.
TEST(RewrapApiTest, ExternalTargetMustBeAttestedForTheApprovedComposeHash) {
  auto authority = authority_key();
  SignerHarness h(authority.public_key);
  Folder a = make_folder(0x68);
  External ext, other;
  json entries = json::array({rewrap_entry_json(h, a, 1, "a")});
  auto post = [&](const json& target) {
    return h.post("/v1/rewrap", {{"target", target}, {"entries", entries}});
  };
  auto target = external_target(ext, 2, approve(authority, ext, 2));
  auto missing = target;
  missing.erase("attestation");
  auto r = post(missing);
  EXPECT_EQ(r.status, 403u);
  EXPECT_EQ(r.body["error"]["code"], "TARGET_ATTESTATION_REQUIRED");
  EXPECT_FALSE(r.body.contains("results"));

  auto other_key = target;
  other_key["attestation"] = attestation_of(other, 2);
  auto other_epoch = target;
  other_epoch["attestation"] = attestation_of(ext, 3);
  auto other_compose = target;
  other_compose["attestation"] = attestation_of(ext, 2, std::string(64, 'e'));
  auto other_nonce = target;
  other_nonce["attestation"]["nonce"] = "00";
  auto tampered_log = target;
  auto events = json::parse(target["attestation"]["eventLog"].get<std::string>());
  events[2]["event_payload"] = std::string(64, 'e');  // compose-hash
  events[2]["digest"] = "";
  tampered_log["attestation"]["eventLog"] = events.dump();
  const std::pair<const char*, json> invalid[] = {
      {"quote of another key", other_key},
      {"quote of another epoch", other_epoch},
      {"event log of another compose hash", other_compose},
      {"another nonce", other_nonce},
      {"event log that does not replay", tampered_log},
  };
  for (const auto& [name, t] : invalid) {
    SCOPED_TRACE(name);
    auto refused = post(t);
    EXPECT_EQ(refused.status, 403u) << refused.raw;
    EXPECT_EQ(refused.body["error"]["code"], "TARGET_ATTESTATION_INVALID");
  }
  auto ok = post(target);
  ASSERT_EQ(ok.status, 200u) << ok.raw;
  EXPECT_EQ(open(ext.private_key, ok.body["results"][0]), a.seed);
}

// The nonce is at most 64 bytes (epoch::kMaxNonceSize) even when the quote binds a longer one.
TEST(RewrapApiTest, AnOversizedNonceIsABadRequestNamingItsPath) {
  auto authority = authority_key();
  SignerHarness h(authority.public_key);
  Folder a = make_folder(0x69);
  External ext;
  json entries = json::array({rewrap_entry_json(h, a, 1, "a")});
  auto target = external_target(ext, 2, approve(authority, ext, 2));
  target["attestation"] = attestation_of(ext, 2, kComposeHash, Bytes(65, 0x5a));
  auto r = h.post("/v1/rewrap", {{"target", target}, {"entries", entries}});
  EXPECT_EQ(r.status, 400u) << r.raw;
  EXPECT_EQ(r.body["error"]["code"], "BAD_REQUEST") << r.raw;
  EXPECT_EQ(r.body["error"]["message"], "target.attestation.nonce: longer than 64 bytes decoded");
  target["attestation"] = attestation_of(ext, 2, kComposeHash, Bytes(64, 0x5a));
  auto ok = h.post("/v1/rewrap", {{"target", target}, {"entries", entries}});
  ASSERT_EQ(ok.status, 200u) << ok.raw;
  EXPECT_EQ(open(ext.private_key, ok.body["results"][0]), a.seed);
}

// A signer in a real CVM also verifies the target quote's chain: a simulated quote (dummy
// signature) or a missing collateral is refused, whatever the approval says.
TEST(RewrapApiTest, HardwareSignerRequiresAVerifiedTargetChain) {
  auto authority = authority_key();
  TargetAttestationPolicy policy;  // require_chain, no chain verifier in this harness
  SignerHarness no_verifier(authority.public_key, {}, policy);
  Folder a = make_folder(0x69);
  External ext;
  auto target = external_target(ext, 2, approve(authority, ext, 2));
  json entries = json::array({rewrap_entry_json(no_verifier, a, 1, "a")});
  auto r = no_verifier.post("/v1/rewrap", {{"target", target}, {"entries", entries}});
  EXPECT_EQ(r.status, 403u);
  EXPECT_EQ(r.body["error"]["code"], "TARGET_ATTESTATION_INVALID");

  int calls = 0;
  policy.chain = [&](ByteView, std::string_view collateral) -> Result<TargetChainVerdict> {
    ++calls;
    EXPECT_EQ(collateral, R"({"tcb_info":"x"})");
    return TargetChainVerdict{true, "OutOfDate", "intel", ""};
  };
  SignerHarness out_of_date(authority.public_key, {}, policy);
  auto without_collateral =
      out_of_date.post("/v1/rewrap", {{"target", target}, {"entries", entries}});
  EXPECT_EQ(without_collateral.body["error"]["code"], "TARGET_ATTESTATION_INVALID");
  EXPECT_EQ(calls, 0);
  target["attestation"]["collateral"] = {{"tcb_info", "x"}};
  auto refused = out_of_date.post("/v1/rewrap", {{"target", target}, {"entries", entries}});
  EXPECT_EQ(refused.body["error"]["code"], "TARGET_ATTESTATION_INVALID");
  EXPECT_NE(refused.body["error"]["message"].get<std::string>().find("OutOfDate"),
            std::string::npos);
  EXPECT_EQ(calls, 1);

  policy.accepted_tcb_statuses = {"UpToDate", "OutOfDate"};
  SignerHarness accepting(authority.public_key, {}, policy);
  auto ok = accepting.post("/v1/rewrap", {{"target", target}, {"entries", entries}});
  ASSERT_EQ(ok.status, 200u) << ok.raw;
  EXPECT_TRUE(ok.body["results"][0]["ok"].get<bool>());
}

// The chain check a signer in a real CVM runs (dcap_target_chain, the same verify_tdx_quote as
// the operator's): a target quote signed through a DCAP chain (here the TEST PKI) verifies only
// to that chain's root, with the collateral the request carries, and only with its TCB status
// accepted.
TEST(RewrapApiTest, DcapChainCheckOfATargetQuote) {
  using namespace std::chrono_literals;
  namespace t = attest::testing;
  auto now = std::chrono::time_point_cast<Nanos>(std::chrono::system_clock::now());
  auto chain = t::TestChain::create(now - 24h);
  auto authority = authority_key();
  External ext;
  Bytes nonce(16, 0x5a);
  auto log = attest::build_runtime_event_log(attest::dstack_boot_events(
      {kComposeHash, std::string(40, 'a'), std::string(40, 'b'), "{}", ""}));
  t::QuoteSpec q;
  q.report_data = epoch::epoch_report_data(2, ext.public_key, nonce);
  q.rtmr[3] = log.rtmr3;
  auto collateral = [&](attest::TcbStatus status) {
    return json::parse(attest::collateral_to_json(
        chain.collateral(chain.collateral_spec(status, now - 1h, now + 24h))));
  };
  auto target = external_target(ext, 2, approve(authority, ext, 2));
  target["attestation"] = {{"quote", hex_encode(chain.quote(q))},
                           {"eventLog", log.json_text},
                           {"nonce", hex_encode(nonce)},
                           {"collateral", collateral(attest::TcbStatus::UpToDate)}};
  Folder a = make_folder(0x6a);
  TargetAttestationPolicy test_root;
  test_root.chain = dcap_target_chain(chain.anchors());
  SignerHarness h(authority.public_key, {}, test_root);
  json entries = json::array({rewrap_entry_json(h, a, 1, "a")});
  auto ok = h.post("/v1/rewrap", {{"target", target}, {"entries", entries}});
  ASSERT_EQ(ok.status, 200u) << ok.raw;
  EXPECT_EQ(open(ext.private_key, ok.body["results"][0]), a.seed);

  TargetAttestationPolicy intel;
  intel.chain = dcap_target_chain(attest::TrustAnchors::intel());
  SignerHarness production(authority.public_key, {}, intel);
  auto refused = production.post("/v1/rewrap", {{"target", target}, {"entries", entries}});
  EXPECT_EQ(refused.status, 403u);
  EXPECT_EQ(refused.body["error"]["code"], "TARGET_ATTESTATION_INVALID");
  EXPECT_NE(refused.body["error"]["message"].get<std::string>().find("chain rejected"),
            std::string::npos)
      << refused.raw;

  target["attestation"]["collateral"] = collateral(attest::TcbStatus::OutOfDate);
  auto out_of_date = h.post("/v1/rewrap", {{"target", target}, {"entries", entries}});
  EXPECT_EQ(out_of_date.status, 403u);
  EXPECT_NE(out_of_date.body["error"]["message"].get<std::string>().find("OutOfDate"),
            std::string::npos)
      << out_of_date.raw;
}

TEST(RewrapApiTest, MalformedTargetsAreBadRequests) {
  SignerHarness h(authority_key().public_key);
  Folder a = make_folder(0x67);
  json entries = json::array({rewrap_entry_json(h, a, 1, "a")});
  External ext;
  json bad_key = external_target(ext, 2, std::string("x"));
  bad_key["publicKey"] = "04abcd";
  const std::pair<const char*, json> cases[] = {
      {"neither target", {{"entries", entries}}},
      {"both targets",
       {{"entries", entries},
        {"targetEpoch", 2},
        {"target", external_target(ext, 2, std::nullopt)}}},
      {"target not an object", {{"entries", entries}, {"target", 5}}},
      {"bad public key", {{"entries", entries}, {"target", bad_key}}},
  };
  for (const auto& [name, body] : cases) {
    SCOPED_TRACE(name);
    auto r = h.post("/v1/rewrap", body);
    EXPECT_EQ(r.status, 400u) << r.raw;
    EXPECT_EQ(r.body["error"]["code"], "BAD_REQUEST");
  }
  EXPECT_EQ(h.post("/v1/rewrap", {{"entries", entries}, {"targetEpoch", 0}}).body["error"]["code"],
            "UNKNOWN_EPOCH");
}

}  // namespace
}  // namespace cbx::signer::test
