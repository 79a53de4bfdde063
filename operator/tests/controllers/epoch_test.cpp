#include <gtest/gtest.h>

#include "cbx/attest/event_log.h"
#include "cbx/crypto/secp256k1.h"
#include "cbx/epoch/report_data.h"
#include "cbx/epoch/tdx_quote.h"
#include "controllers/epoch/epoch_key_check.h"
#include "controllers/epoch/epoch_phases.h"

namespace cbx::op {
namespace {

using namespace std::chrono_literals;

SysTime at(const char* t) {
  return *parse_rfc3339(t);
}

constexpr char kComposeHash[] = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
constexpr char kAppId[] = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

// What a signer answers: a quote binding (epoch, key, nonce) whose RTMR3 the dstack-shaped event
// log replays to (the log measures compose_hash and app_id).
struct SignerAnswer {
  Bytes nonce = Bytes(16, 0x42);
  std::string public_key_hex;
  EpochKeyAnswer answer;

  explicit SignerAnswer(std::uint64_t epoch, bool simulated = true,
                        const std::string& compose_hash = kComposeHash,
                        const std::string& app_id = kAppId) {
    auto sk = SecretBytes(Bytes(32, 0x11).data(), 32);
    auto pk = *secp256k1::public_key(sk);
    public_key_hex = hex_encode(pk);
    auto rd = epoch::epoch_report_data(epoch, pk, nonce);
    auto log = attest::build_runtime_event_log(attest::dstack_boot_events(
        {compose_hash, app_id, std::string(40, 'c'), R"({"name":"test"})", ""}));
    std::array<epoch::Measurement, 4> rtmr{};
    rtmr[3] = log.rtmr3;
    auto quote = epoch::build_simulated_tdx_quote(rd, {}, rtmr);
    answer = EpochKeyAnswer{epoch, public_key_hex, hex_encode(quote), log.json_text, simulated};
  }
};

TeeEpochSpec spec_for(std::uint64_t epoch) {
  TeeEpochSpec spec;
  spec.epoch = epoch;
  spec.signer.url = "http://127.0.0.1:1";
  spec.signer.insecure_simulator = true;
  return spec;
}

TeeEpochSpec hardware_spec(std::uint64_t epoch) {
  auto spec = spec_for(epoch);
  spec.signer.insecure_simulator = false;
  spec.signer.compose_hash = kComposeHash;
  spec.signer.app_id = kAppId;
  return spec;
}

TEST(EpochKeyCheckTest, AcceptsAQuoteThatBindsEpochKeyAndNonce) {
  SignerAnswer s(3);
  auto check = check_epoch_key(spec_for(3), s.answer, s.nonce, at("2026-06-01T00:00:00Z"));
  ASSERT_TRUE(check) << check.error().message;
  EXPECT_EQ(check->public_key_hex, s.public_key_hex);
  EXPECT_TRUE(check->attestation.simulated);
  EXPECT_FALSE(check->attestation.verified);
  EXPECT_FALSE(check->attested);
  EXPECT_EQ(std::string(to_string(check->attested_reason)), "Simulated");
  EXPECT_EQ(check->attestation.quote_sha256.size(), 64u);
  EXPECT_EQ(check->attestation.compose_hash, kComposeHash);
  EXPECT_EQ(check->attestation.app_id, kAppId);
  EXPECT_EQ(check->attestation.instance_id, std::string(40, 'c'));
  EXPECT_EQ(check->attestation.rtmr3.size(), 96u);
  EXPECT_EQ(check->identity.compose_hash, kComposeHash);
}

TEST(EpochKeyCheckTest, RejectsAQuoteForAnotherNonceEpochOrKey) {
  SignerAnswer s(3);
  auto spec = spec_for(3);
  auto other_nonce = Bytes(16, 0x43);
  EXPECT_EQ(check_epoch_key(spec, s.answer, other_nonce, {}).error().code, "REPORT_DATA_MISMATCH");
  auto swapped = s.answer;
  swapped.public_key_hex =
      hex_encode(*secp256k1::public_key(SecretBytes(Bytes(32, 0x12).data(), 32)));
  EXPECT_EQ(check_epoch_key(spec, swapped, s.nonce, {}).error().code, "REPORT_DATA_MISMATCH");
  EXPECT_EQ(check_epoch_key(spec_for(4), s.answer, s.nonce, {}).error().code, "EPOCH_MISMATCH");
  auto garbage = s.answer;
  garbage.quote_hex = "00ff";
  EXPECT_EQ(check_epoch_key(spec, garbage, s.nonce, {}).error().code, "BAD_QUOTE");
}

TEST(EpochKeyCheckTest, SimulatedSignerNeedsInsecureSimulatorAndPinsAreEnforcedOnIt) {
  SignerAnswer s(1);
  auto spec = spec_for(1);
  spec.signer.insecure_simulator = false;
  EXPECT_EQ(check_epoch_key(spec, s.answer, s.nonce, {}).error().code, "SIMULATED_NOT_ALLOWED");
  spec.signer.insecure_simulator = true;
  spec.signer.compose_hash = std::string(64, 'b');
  EXPECT_EQ(check_epoch_key(spec, s.answer, s.nonce, {}).error().code, "COMPOSE_HASH_MISMATCH");
  spec.signer.compose_hash = kComposeHash;
  spec.signer.app_id = std::string(40, 'd');
  EXPECT_EQ(check_epoch_key(spec, s.answer, s.nonce, {}).error().code, "APP_ID_MISMATCH");
  spec.signer.app_id = kAppId;
  EXPECT_TRUE(check_epoch_key(spec, s.answer, s.nonce, {}));
}

// The old code compared the pin with the signer's own "composeHash" JSON field: a signer
// measuring another app could claim the pinned hash. Only the replayed log counts now (the
// answer the reconciler sees has no self-reported compose hash or app id at all; the adapter
// drops them, app/client_epoch_signer_test.cpp).
TEST(EpochKeyCheckTest, OnlyTheReplayedLogNamesComposeHashAndAppId) {
  SignerAnswer other(1, false, std::string(64, 'e'), std::string(40, 'f'));
  auto spec = hardware_spec(1);
  EXPECT_EQ(check_epoch_key(spec, other.answer, other.nonce, {}).error().code,
            "COMPOSE_HASH_MISMATCH");
  spec.signer.compose_hash = std::string(64, 'e');
  EXPECT_EQ(check_epoch_key(spec, other.answer, other.nonce, {}).error().code, "APP_ID_MISMATCH");
  spec.signer.app_id = "";
  auto check = check_epoch_key(spec, other.answer, other.nonce, {});
  ASSERT_TRUE(check) << check.error().message;
  EXPECT_EQ(check->identity.app_id, std::string(40, 'f'));
}

TEST(EpochKeyCheckTest, EventLogMustReplayToTheQuote) {
  SignerAnswer s(1);
  auto spec = spec_for(1);
  auto empty = s.answer;
  empty.event_log = "[]";
  EXPECT_EQ(check_epoch_key(spec, empty, s.nonce, {}).error().code, "RTMR_MISMATCH");
  auto other_log = s.answer;
  other_log.event_log = SignerAnswer(1, true, std::string(64, 'e')).answer.event_log;
  EXPECT_EQ(check_epoch_key(spec, other_log, s.nonce, {}).error().code, "RTMR_MISMATCH");
  auto garbage = s.answer;
  garbage.event_log = "{";
  EXPECT_EQ(check_epoch_key(spec, garbage, s.nonce, {}).error().code, "EVENT_LOG_INVALID");
}

TEST(EpochKeyCheckTest, HardwareQuoteWaitsForAChainVerdict) {
  SignerAnswer real(1, false);
  auto check = check_epoch_key(hardware_spec(1), real.answer, real.nonce, {});
  ASSERT_TRUE(check) << check.error().message;
  EXPECT_FALSE(check->attested);
  EXPECT_EQ(std::string(to_string(check->attested_reason)), "ChainNotVerified");
  auto unpinned = hardware_spec(1);
  unpinned.signer.compose_hash = "";
  EXPECT_EQ(check_epoch_key(unpinned, real.answer, real.nonce, {}).error().code,
            "COMPOSE_HASH_NOT_PINNED");
}

TeeEpoch epoch(std::uint64_t n, bool ready, const char* phase = "") {
  TeeEpoch e;
  e.name = "epoch-" + std::to_string(n);
  e.spec.epoch = n;
  e.spec.grace_period = 1h;
  e.status.phase = phase;
  if (ready) set_condition(e.status.conditions, "Ready", true, Reason::kKeyVerified, "", 1, {});
  return e;
}

TEST(EpochPhasesTest, HighestReadyEpochIsActiveAndOlderOnesAreSuperseded) {
  std::vector<TeeEpoch> epochs = {epoch(1, true, "Active"), epoch(2, true), epoch(3, false)};
  auto now = at("2026-06-01T00:00:00Z");
  auto st = compute_phases(epochs, {{1, 5}}, now);
  EXPECT_EQ(st[0].phase, phase::kSuperseded);
  EXPECT_EQ(st[0].superseded_at, now);
  EXPECT_EQ(st[0].retire_after, now + 1h);
  EXPECT_EQ(st[0].entries, 5);
  EXPECT_FALSE(st[0].safe_to_decommission);
  EXPECT_EQ(st[1].phase, phase::kActive);
  EXPECT_EQ(st[1].activated_at, now);
  EXPECT_EQ(st[2].phase, phase::kPending);
}

TEST(EpochPhasesTest, RetiresOnlyAfterTheGracePeriodAndWhenNoFolderDependsOnIt) {
  auto start = at("2026-06-01T00:00:00Z");
  std::vector<TeeEpoch> epochs = {epoch(1, true, "Superseded"), epoch(2, true, "Active")};
  epochs[0].spec.signer.url =
      "http://old-cvm";  // safeToDecommission: its signer serves nothing else
  epochs[1].spec.signer.url = "http://new-cvm";
  epochs[0].status.superseded_at = start;
  auto before = compute_phases(epochs, {}, start + 59min);
  EXPECT_EQ(before[0].phase, phase::kSuperseded);
  EXPECT_TRUE(before[0].safe_to_decommission);
  auto still_used = compute_phases(epochs, {{1, 1}}, start + 2h);
  EXPECT_EQ(still_used[0].phase, phase::kSuperseded);  // invariant 5
  auto after = compute_phases(epochs, {}, start + 2h);
  EXPECT_EQ(after[0].phase, phase::kRetired);
}

TEST(EpochPhasesTest, FailedEpochIsNeverActiveAndStaysFailed) {
  std::vector<TeeEpoch> epochs = {epoch(1, true, "Superseded"), epoch(2, true, "Failed")};
  auto st = compute_phases(epochs, {}, at("2026-06-01T00:00:00Z"));
  EXPECT_EQ(st[1].phase, phase::kFailed);
  EXPECT_EQ(st[0].phase, phase::kActive);
}

}  // namespace
}  // namespace cbx::op
