// Epoch rotation logic: pre-rotation plan and promotion hold, phases with held epochs and
// safeToDecommission per signer, the per-folder signer choice, the reconciler refusing to send a
// stranded key anywhere, and quote verifier verdicts.
#include <gtest/gtest.h>

#include "controllers/epoch/epoch_key_check.h"
#include "controllers/epoch/epoch_phases.h"
#include "controllers/epoch/pre_rotation.h"
#include "controllers/epoch/signer_choice.h"
#include "controllers/republish/republish_reconciler.h"
#include "republish_fixtures.h"

namespace cbx::op {
namespace {

using namespace std::chrono_literals;
using testing::at;

constexpr char kSignerA[] = "http://signer-a";
constexpr char kSignerB[] = "http://signer-b";

TeeEpoch epoch_on(std::uint64_t n, const char* url, const char* phase, bool ready = true) {
  TeeEpoch e;
  e.name = "epoch-" + std::to_string(n);
  e.generation = 1;
  e.spec.epoch = n;
  e.spec.signer.url = url;
  e.spec.grace_period = 1h;
  e.status.phase = phase;
  e.status.signer = SignerIdentity{url, "", "", true};
  if (ready) set_condition(e.status.conditions, "Ready", true, Reason::kKeyVerified, "", 1, {});
  return e;
}

void set_migrated(TeeEpoch& e, bool done, Reason reason) {
  set_condition(e.status.conditions, migrated::kCondition, done, reason, "", 1, {});
}

// --- plan_pre_rotation ---------------------------------------------------------------------

TEST(PreRotationPlanTest, NewEpochOnAnotherSignerIsHeldWhileOldEpochsHaveFolders) {
  std::vector<TeeEpoch> epochs = {epoch_on(1, kSignerA, "Superseded"),
                                  epoch_on(2, kSignerA, "Active"), epoch_on(3, kSignerB, "")};
  auto plan = plan_pre_rotation(epochs, {{1, 2}, {2, 5}});
  EXPECT_EQ(plan.target, 3u);
  EXPECT_EQ(plan.sources, (std::vector<std::uint64_t>{1, 2}));
  EXPECT_EQ(plan.remaining, 7);
  EXPECT_TRUE(plan.hold);
  auto done = plan_pre_rotation(epochs, {{3, 7}});
  EXPECT_TRUE(done.sources.empty());
  EXPECT_FALSE(done.hold);
}

TEST(PreRotationPlanTest, SameSignerRotationIsLazyAndNeverHeld) {
  std::vector<TeeEpoch> epochs = {epoch_on(1, kSignerA, "Active"), epoch_on(2, kSignerA, "")};
  auto plan = plan_pre_rotation(epochs, {{1, 4}});
  EXPECT_EQ(plan.target, 2u);
  EXPECT_TRUE(plan.sources.empty());
  EXPECT_EQ(plan.lazy, 4);
  EXPECT_FALSE(plan.hold);
}

TEST(PreRotationPlanTest, FailedOldEpochsAndAnActiveTargetHoldNothing) {
  std::vector<TeeEpoch> epochs = {epoch_on(1, kSignerA, "Failed"), epoch_on(2, kSignerB, "")};
  auto plan = plan_pre_rotation(epochs, {{1, 3}});
  EXPECT_TRUE(plan.sources.empty());  // stranded: the signer no longer derives that key
  EXPECT_FALSE(plan.hold);
  std::vector<TeeEpoch> promoted = {epoch_on(1, kSignerA, "Superseded"),
                                    epoch_on(2, kSignerB, "Active")};
  auto late = plan_pre_rotation(promoted, {{1, 1}});
  EXPECT_EQ(late.sources, (std::vector<std::uint64_t>{1}));  // still migrated...
  EXPECT_FALSE(late.hold);                                   // ...but never demoted
}

TEST(PreRotationPlanTest, NotReadyNewEpochIsNoTarget) {
  std::vector<TeeEpoch> epochs = {epoch_on(1, kSignerA, "Active"),
                                  epoch_on(2, kSignerB, "", false)};
  EXPECT_EQ(plan_pre_rotation(epochs, {{1, 3}}).target, 1u);
}

TEST(PreRotationPlanTest, MigrationRefusedOnlyForApprovalReasons) {
  auto e = epoch_on(2, kSignerB, "");
  EXPECT_FALSE(migration_refused(e));
  set_migrated(e, false, Reason::kMigrating);
  EXPECT_FALSE(migration_refused(e));
  set_migrated(e, false, Reason::kApprovalRequired);
  EXPECT_TRUE(migration_refused(e));
  set_migrated(e, false, Reason::kApprovalInvalid);
  EXPECT_TRUE(migration_refused(e));
}

// --- compute_phases with a held epoch and safeToDecommission per signer ----------------------

TEST(EpochPhasesHoldTest, HeldEpochStaysPendingAndTheOldOneStaysActive) {
  std::vector<TeeEpoch> epochs = {epoch_on(2, kSignerA, "Active"), epoch_on(3, kSignerB, "")};
  auto now = at("2026-06-01T00:00:00Z");
  auto held = compute_phases(epochs, {{2, 5}}, now, {3});
  EXPECT_EQ(held[0].phase, phase::kActive);
  EXPECT_EQ(held[1].phase, phase::kPending);
  EXPECT_FALSE(held[0].safe_to_decommission);
  auto promoted = compute_phases(epochs, {{3, 5}}, now);
  EXPECT_EQ(promoted[0].phase, phase::kSuperseded);
  EXPECT_EQ(promoted[1].phase, phase::kActive);
  EXPECT_TRUE(promoted[0].safe_to_decommission);  // signer A serves nothing any more
}

TEST(EpochPhasesHoldTest, NotSafeToDecommissionWhileTheSameSignerServesTheActiveEpoch) {
  std::vector<TeeEpoch> epochs = {epoch_on(1, kSignerA, "Superseded"),
                                  epoch_on(2, kSignerA, "Active")};
  auto st = compute_phases(epochs, {{2, 3}}, at("2026-06-01T00:00:00Z"));
  EXPECT_EQ(st[0].entries, 0);
  EXPECT_FALSE(st[0].safe_to_decommission);  // same CVM as the active epoch
  std::vector<TeeEpoch> moved = {epoch_on(1, kSignerA, "Superseded"),
                                 epoch_on(2, kSignerA, "Superseded"),
                                 epoch_on(3, kSignerB, "Active")};
  auto after = compute_phases(moved, {{1, 0}, {2, 1}, {3, 4}}, at("2026-06-01T00:00:00Z"));
  EXPECT_FALSE(after[0].safe_to_decommission);  // epoch 2 on signer A still has a folder
  EXPECT_FALSE(after[1].safe_to_decommission);
  auto done = compute_phases(moved, {{3, 5}}, at("2026-06-01T00:00:00Z"));
  EXPECT_TRUE(done[0].safe_to_decommission);
  EXPECT_TRUE(done[1].safe_to_decommission);
  EXPECT_FALSE(done[2].safe_to_decommission);
}

// --- choose_signer -------------------------------------------------------------------------

IpnsRepublish folder_on(std::uint64_t key_epoch, std::optional<std::uint64_t> migrated = {}) {
  static const auto key = testing::folder_key(7);
  auto obj = testing::folder(key, testing::kCidA);
  obj.spec.key_epoch = key_epoch;
  if (migrated) obj.status.migrated_key = EncryptedKeyRef{*migrated, "bWlncmF0ZWQ="};
  return obj;
}

TEST(SignerChoiceTest, SameSignerOlderEpochSignsAtTheActiveEpoch) {
  std::vector<TeeEpoch> epochs = {epoch_on(1, kSignerA, "Superseded"),
                                  epoch_on(2, kSignerA, "Active")};
  auto t = choose_signer(folder_on(1), epochs);
  ASSERT_TRUE(t.signer);
  EXPECT_EQ(t.signer->epoch, 2u);  // lazy migration: currentEpoch = active
  EXPECT_EQ(t.signer->signer, kSignerA);
  EXPECT_FALSE(t.key.current);
  EXPECT_EQ(t.key.reason, Reason::kKeyOnOlderEpoch);
  auto current = choose_signer(folder_on(1, 2), epochs);
  EXPECT_TRUE(current.key.current);
  EXPECT_EQ(current.signer->epoch, 2u);
}

TEST(SignerChoiceTest, KeyOnAnotherSignersEpochSignsThereAtItsOwnEpoch) {
  std::vector<TeeEpoch> epochs = {epoch_on(2, kSignerA, "Active"), epoch_on(3, kSignerB, "")};
  auto old = choose_signer(folder_on(2), epochs);
  ASSERT_TRUE(old.signer);
  EXPECT_EQ(old.signer->epoch, 2u);
  EXPECT_EQ(old.signer->signer, kSignerA);
  EXPECT_EQ(old.key.reason, Reason::kKeyMigrationPending);
  auto migrated = choose_signer(folder_on(2, 3), epochs);  // rewrapped by pre-rotation
  ASSERT_TRUE(migrated.signer);
  EXPECT_EQ(migrated.signer->epoch, 3u);
  EXPECT_EQ(migrated.signer->signer, kSignerB);
  EXPECT_TRUE(migrated.key.current);

  std::vector<TeeEpoch> promoted = {epoch_on(2, kSignerA, "Superseded"),
                                    epoch_on(3, kSignerB, "Active")};
  auto left = choose_signer(folder_on(2), promoted);
  ASSERT_TRUE(left.signer);  // never to signer B: it cannot decrypt an epoch-2 key of signer A
  EXPECT_EQ(left.signer->epoch, 2u);
  EXPECT_EQ(left.signer->signer, kSignerA);
}

TEST(SignerChoiceTest, KeyOnTheActiveEpochWaitsForAHeldEpochOnAnotherSigner) {
  std::vector<TeeEpoch> epochs = {epoch_on(1, kSignerA, "Superseded"),
                                  epoch_on(2, kSignerA, "Active"), epoch_on(3, kSignerB, "")};
  auto t = choose_signer(folder_on(1, 2), epochs);
  ASSERT_TRUE(t.signer);
  EXPECT_EQ(t.signer->epoch, 2u);
  EXPECT_EQ(t.signer->signer, kSignerA);
  EXPECT_FALSE(t.key.current);
  EXPECT_EQ(t.key.reason, Reason::kKeyMigrationPending);
  auto lazy = choose_signer(folder_on(1), epochs);  // epoch 1 key: signer A migrates it to 2
  EXPECT_EQ(lazy.signer->epoch, 2u);
  EXPECT_EQ(lazy.key.reason, Reason::kKeyOnOlderEpoch);
}

TEST(SignerChoiceTest, RefusedMigrationSaysKeyMigrationRequiredAndKeepsServing) {
  std::vector<TeeEpoch> epochs = {epoch_on(2, kSignerA, "Active"), epoch_on(3, kSignerB, "")};
  set_migrated(epochs[1], false, Reason::kApprovalRequired);
  auto t = choose_signer(folder_on(2), epochs);
  ASSERT_TRUE(t.signer);
  EXPECT_EQ(t.signer->signer, kSignerA);
  EXPECT_FALSE(t.key.current);
  EXPECT_EQ(t.key.reason, Reason::kKeyMigrationRequired);
  EXPECT_NE(t.key.message.find("seal --epoch 3"), std::string::npos);
}

TEST(SignerChoiceTest, FailedUnknownOrNotReadyEpochSendsNothing) {
  std::vector<TeeEpoch> epochs = {epoch_on(1, kSignerA, "Failed"), epoch_on(2, kSignerB, "Active"),
                                  epoch_on(4, kSignerB, "", false)};
  auto failed = choose_signer(folder_on(1), epochs);
  EXPECT_FALSE(failed.signer);
  EXPECT_EQ(failed.key.reason, Reason::kKeyMigrationRequired);
  auto unknown = choose_signer(folder_on(9), epochs);
  EXPECT_FALSE(unknown.signer);
  EXPECT_EQ(unknown.key.reason, Reason::kKeyMigrationRequired);
  auto retired_elsewhere =
      std::vector<TeeEpoch>{epoch_on(1, kSignerA, "Retired"), epoch_on(2, kSignerB, "Active")};
  EXPECT_FALSE(choose_signer(folder_on(1), retired_elsewhere).signer);
  auto not_ready = choose_signer(folder_on(4), epochs);
  EXPECT_FALSE(not_ready.signer);
  EXPECT_EQ(not_ready.key.reason, Reason::kEpochNotReady);
}

// --- the reconciler with a stranded key ----------------------------------------------------

class Store : public StatusWriter {
 public:
  IpnsRepublish stored;
  Result<IpnsRepublish> write_status(const IpnsRepublish& obj,
                                     const IpnsRepublishStatus& st) override {
    if (obj.resource_version != stored.resource_version) return make_error("CONFLICT", "stale");
    stored.status = st;
    stored.resource_version = std::to_string(std::stoi(stored.resource_version) + 1);
    return stored;
  }
};
class CountingSigner : public RecordSigner {
 public:
  int calls = 0;
  void sign(const SignerRef&, std::uint64_t, SignRequest, SignDone done) override {
    ++calls;
    done(make_error("UNAVAILABLE", "must not be called"));
  }
};
class NoPublisher : public RecordPublisher {
 public:
  int calls = 0;
  Result<NetworkLookup> resolve(const std::string&) override {
    ++calls;
    return NetworkLookup{};
  }
  std::vector<EndpointResult> publish(const std::string&, ByteView) override {
    ++calls;
    return {};
  }
};
class NoEvents : public EventSink {
 public:
  void emit(const IpnsRepublish&, bool, const std::string&, const std::string&) override {}
};

TEST(StrandedKeyTest, DueFolderOnAFailedEpochFailsWithKeyMigrationRequiredAndSendsNothing) {
  Store store;
  CountingSigner signer;
  NoPublisher publisher;
  NoEvents events;
  RepublishReconciler reconciler({store, signer, publisher, events});
  store.stored = folder_on(1);
  store.stored.resource_version = "1";
  std::vector<TeeEpoch> epochs = {epoch_on(1, kSignerA, "Failed"), epoch_on(2, kSignerB, "Active")};
  auto target = choose_signer(store.stored, epochs);
  auto result = reconciler.reconcile(store.stored, target, at("2026-06-01T00:00:00Z"));
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result->outcome, to_string(Reason::kKeyMigrationRequired));
  EXPECT_EQ(signer.calls, 0);
  const auto& st = store.stored.status;
  EXPECT_EQ(st.failures.reason, to_string(Reason::kKeyMigrationRequired));
  const auto* key = find_condition(st.conditions, "KeyCurrent");
  ASSERT_NE(key, nullptr);
  EXPECT_EQ(key->status, "False");
  EXPECT_EQ(key->reason, to_string(Reason::kKeyMigrationRequired));
  const auto* ready = find_condition(st.conditions, "Ready");
  ASSERT_NE(ready, nullptr);
  EXPECT_EQ(ready->status, "False");
  EXPECT_EQ(ready->reason, to_string(Reason::kKeyMigrationRequired));
}

// --- quote verdicts ---------------------------------------------------------------------------

EpochKeyCheck hardware_check() {
  EpochKeyCheck c;
  c.attested_reason = Reason::kChainNotVerified;
  return c;
}

ChainVerdict chain_verdict(bool verified, const std::string& tcb_status) {
  ChainVerdict v;
  v.verified = verified;
  v.tcb_status = tcb_status;
  v.advisory_ids = {"INTEL-SA-00837"};
  v.trust_anchor = "intel";
  v.collateral_next_update = parse_rfc3339("2026-07-01T00:00:00Z");
  if (!verified) {
    v.error_code = "BAD_SIGNATURE";
    v.error_message = "quote signature invalid";
  }
  return v;
}

TEST(QuoteVerdictTest, ChainVerdictAgainstTheAcceptedTcbStatuses) {
  TeeEpochSpec spec;  // accepted: [UpToDate]
  auto ok = hardware_check();
  apply_chain_verdict(ok, spec, chain_verdict(true, "UpToDate"));
  EXPECT_TRUE(ok.attested);
  EXPECT_TRUE(ok.attestation.verified);
  EXPECT_EQ(std::string(to_string(ok.attested_reason)), "Verified");
  EXPECT_FALSE(ok.quote_rejected);
  EXPECT_EQ(ok.attestation.tcb_status, "UpToDate");
  EXPECT_EQ(ok.attestation.trust_anchor, "intel");
  EXPECT_EQ(ok.attestation.advisory_ids, std::vector<std::string>{"INTEL-SA-00837"});
  EXPECT_TRUE(ok.attestation.collateral_next_update);

  auto hardening = hardware_check();
  apply_chain_verdict(hardening, spec, chain_verdict(true, "SWHardeningNeeded"));
  EXPECT_FALSE(hardening.attested);
  EXPECT_TRUE(hardening.quote_rejected);
  EXPECT_EQ(std::string(to_string(hardening.attested_reason)), "TcbStatusNotAccepted");
  EXPECT_FALSE(hardening.attestation.verified);
  EXPECT_EQ(hardening.attestation.tcb_status, "SWHardeningNeeded");

  spec.signer.accepted_tcb_statuses = {"UpToDate", "SWHardeningNeeded"};
  auto listed = hardware_check();
  apply_chain_verdict(listed, spec, chain_verdict(true, "SWHardeningNeeded"));
  EXPECT_TRUE(listed.attested);

  auto out_of_date = hardware_check();
  apply_chain_verdict(out_of_date, spec, chain_verdict(true, "OutOfDate"));
  EXPECT_TRUE(out_of_date.quote_rejected);
  EXPECT_NE(out_of_date.attested_message.find("OutOfDate"), std::string::npos);

  auto bad = hardware_check();
  apply_chain_verdict(bad, spec, chain_verdict(false, "UpToDate"));
  EXPECT_FALSE(bad.attested);
  EXPECT_EQ(std::string(to_string(bad.attested_reason)), "QuoteRejected");
  EXPECT_TRUE(bad.quote_rejected);
  EXPECT_NE(bad.attested_message.find("BAD_SIGNATURE"), std::string::npos);

  auto down = hardware_check();
  apply_chain_verdict(down, spec, Result<ChainVerdict>(make_error("COLLATERAL", "refused")));
  EXPECT_EQ(std::string(to_string(down.attested_reason)), "VerifierUnavailable");
  EXPECT_FALSE(down.attested);
  EXPECT_FALSE(down.quote_rejected);
}

TEST(QuoteVerdictTest, SecondOpinion) {
  TeeEpochSpec spec;
  auto ok = hardware_check();
  apply_chain_verdict(ok, spec, chain_verdict(true, "UpToDate"));
  apply_second_opinion(ok, ExternalQuoteVerdict{true, ""});
  EXPECT_TRUE(ok.attested);

  auto vetoed = hardware_check();
  apply_chain_verdict(vetoed, spec, chain_verdict(true, "UpToDate"));
  apply_second_opinion(vetoed, ExternalQuoteVerdict{false, "TCB out of date"});
  EXPECT_FALSE(vetoed.attested);
  EXPECT_TRUE(vetoed.quote_rejected);
  EXPECT_EQ(std::string(to_string(vetoed.attested_reason)), "SecondOpinionRejected");
  EXPECT_NE(vetoed.attested_message.find("TCB out of date"), std::string::npos);

  auto down = hardware_check();
  apply_chain_verdict(down, spec, chain_verdict(true, "UpToDate"));
  apply_second_opinion(down, Result<ExternalQuoteVerdict>(make_error("UNAVAILABLE", "refused")));
  EXPECT_TRUE(down.attested);
  EXPECT_NE(down.attested_message.find("unavailable"), std::string::npos);
}

}  // namespace
}  // namespace cbx::op
