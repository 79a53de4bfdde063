// Decommission and retirement predicates (issue 14): an old epoch is Retired, and its signer's
// CVM safe to shut down, only when no folder's spec, ledger entry or pending record still needs
// it, or every such key is also held durably (spec or ledger) under a live epoch. Every test runs
// compute_phases (the old logic) and then apply_needs; the assertions marked "old:" are what the
// old logic alone got wrong.
#include "controllers/epoch/decommission.h"

#include <gtest/gtest.h>

#include "controllers/epoch/epoch_phases.h"
#include "controllers/epoch/ledger_copies.h"
#include "republish_fixtures.h"

namespace cbx::op {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using testing::at;

constexpr char kSignerA[] = "http://signer-a";
constexpr char kSignerB[] = "http://signer-b";
constexpr char kName[] = "k51qzi5uqu5dlvj2baxnqndepeb86cbk3ng7n3i46uzyxzyqj2xjonzllnv0v8";
constexpr char kOther[] = "k51qzi5uqu5dgutdk6i1ynyzgkqngpha5xpgia3a5qqp4jsh0u4csozksxel3r";

const SysTime kStart = at("2026-06-01T00:00:00Z");
const SysTime kLater = kStart + 2h;  // past the 1 h grace period

TeeEpoch epoch_on(std::uint64_t n, const char* url, const char* phase, bool ready = true) {
  TeeEpoch e;
  e.name = "epoch-" + std::to_string(n);
  e.generation = 1;
  e.spec.epoch = n;
  e.spec.signer.url = url;
  e.spec.grace_period = 1h;
  e.status.phase = phase;
  e.status.signer = SignerIdentity{url, "", "", true};
  if (std::string(phase) == "Superseded") e.status.superseded_at = kStart;
  if (ready) set_condition(e.status.conditions, "Ready", true, Reason::kKeyVerified, "", 1, {});
  return e;
}

// Epoch 1 on signer A superseded an hour past its grace period; epoch 2 on signer B Active.
std::vector<TeeEpoch> pre_rotated() {
  return {epoch_on(1, kSignerA, "Superseded"), epoch_on(2, kSignerB, "Active")};
}

json folder_json(const std::string& name, std::uint64_t spec_epoch) {
  return {{"apiVersion", "republish.cipherbox.io/v1alpha1"},
          {"kind", "IpnsRepublish"},
          {"metadata", {{"namespace", "ns"}, {"name", name}, {"generation", 1}}},
          {"spec",
           {{"ipnsName", kName},
            {"cid", testing::kCidA},
            {"encryptedKey", "c3BlYw=="},
            {"keyEpoch", spec_epoch}}}};
}

json with_migrated(json f, std::uint64_t epoch) {
  f["status"]["migratedKey"] = {{"epoch", epoch}, {"encryptedKey", "bWlncmF0ZWQ="}};
  f["status"]["keyEpoch"] = epoch;
  return f;
}

struct Outcome {
  std::vector<TeeEpochStatus> old_logic;
  std::vector<TeeEpochStatus> now;
  EpochNeeds needs;
};

// entries: effective keys per epoch, as the controller counts them from parsed folders.
Outcome decide(const std::vector<TeeEpoch>& epochs, const std::vector<json>& objects,
               const std::vector<LedgerKeyCopies>& ledger,
               const std::map<std::uint64_t, std::int64_t>& entries, SysTime now = kLater) {
  Outcome out;
  out.old_logic = compute_phases(epochs, entries, now);
  out.now = out.old_logic;
  std::vector<FolderKeyCopies> folders;
  for (const auto& o : objects) folders.push_back(folder_key_copies(o));
  out.needs = compute_needs(folders, ledger, live_epochs(epochs, out.now));
  apply_needs(epochs, out.now, out.needs);
  return out;
}

TEST(DecommissionTest, SpecOnTheOldEpochWithTheMigratedKeyOnlyInStatusNeedsTheOldSigner) {
  auto r = decide(pre_rotated(), {with_migrated(folder_json("f", 1), 2)}, {}, {{2, 1}});
  EXPECT_EQ(r.old_logic[0].phase, phase::kRetired);  // old: a re-apply strands the key
  EXPECT_TRUE(r.old_logic[0].safe_to_decommission);  // old
  EXPECT_EQ(r.now[0].phase, phase::kSuperseded);
  EXPECT_FALSE(r.now[0].safe_to_decommission);
  EXPECT_EQ(r.now[0].spec_entries, 1);
  EXPECT_EQ(r.now[0].keys_needed, 1);
  EXPECT_EQ(r.now[1].spec_entries, 0);
  EXPECT_EQ(r.now[1].keys_needed, 0);
}

TEST(DecommissionTest, TheSameKeyHeldInTheLedgerUnderTheLiveEpochFreesTheOldOne) {
  auto r =
      decide(pre_rotated(), {with_migrated(folder_json("f", 1), 2)}, {{kName, {1, 2}}}, {{2, 1}});
  EXPECT_EQ(r.now[0].phase, phase::kRetired);
  EXPECT_TRUE(r.now[0].safe_to_decommission);
  EXPECT_EQ(r.now[0].spec_entries, 1);  // still tells the user to export and commit
  EXPECT_EQ(r.now[0].keys_needed, 0);
}

TEST(DecommissionTest, ExportedAndCommittedSpecFreesTheOldEpoch) {
  auto r = decide(pre_rotated(), {with_migrated(folder_json("f", 2), 2)}, {}, {{2, 1}});
  EXPECT_EQ(r.now[0].phase, phase::kRetired);
  EXPECT_TRUE(r.now[0].safe_to_decommission);
  EXPECT_EQ(r.now[0].spec_entries, 0);
  EXPECT_EQ(r.now[1].spec_entries, 1);
}

TEST(DecommissionTest, AFolderTheParserRefusesStillCountsOnItsSpecEpoch) {
  auto broken = folder_json("broken", 1);
  broken["spec"].erase("cid");  // refused by parse_ipns_republish: the old count skipped it
  auto r = decide(pre_rotated(), {broken}, {}, {});
  EXPECT_EQ(r.old_logic[0].phase, phase::kRetired);  // old
  EXPECT_TRUE(r.old_logic[0].safe_to_decommission);  // old
  EXPECT_EQ(r.needs.unparsed, 1);
  EXPECT_EQ(r.now[0].phase, phase::kSuperseded);
  EXPECT_FALSE(r.now[0].safe_to_decommission);
  EXPECT_EQ(r.now[0].keys_needed, 1);
}

TEST(DecommissionTest, AnUnreadableKeyEpochHoldsEveryEpoch) {
  auto broken = folder_json("broken", 1);
  broken["spec"]["keyEpoch"] = "one";
  std::vector<TeeEpoch> epochs = {epoch_on(1, kSignerA, "Superseded"),
                                  epoch_on(2, kSignerB, "Superseded"),
                                  epoch_on(3, kSignerB, "Active")};
  epochs[1].spec.signer.url = epochs[1].status.signer->url = "http://signer-c";
  auto r = decide(epochs, {broken}, {}, {});
  EXPECT_EQ(r.needs.unknown, 1);
  for (int i : {0, 1}) {
    EXPECT_EQ(r.old_logic[i].phase, phase::kRetired) << i;  // old
    EXPECT_EQ(r.now[i].phase, phase::kSuperseded) << i;
    EXPECT_FALSE(r.now[i].safe_to_decommission) << i;
  }
}

TEST(DecommissionTest, AnUnreadableFolderWhoseKeyTheLedgerHoldsUnderTheLiveEpochHoldsNothing) {
  auto broken = folder_json("broken", 1);
  broken["spec"]["keyEpoch"] = -3;
  auto r = decide(pre_rotated(), {broken}, {{kName, {2}}}, {});
  EXPECT_EQ(r.needs.unknown, 0);
  EXPECT_EQ(r.now[0].phase, phase::kRetired);
}

TEST(DecommissionTest, APendingRecordSignedOnTheOldEpochHoldsItUntilPublished) {
  auto f = folder_json("f", 2);  // re-sealed to epoch 2 while a cycle on epoch 1 was in flight
  f["status"]["keyEpoch"] = 1;
  f["status"]["pending"] = {
      {"sequence", "5"}, {"record", "cmVjb3Jk"}, {"validUntil", "2026-06-03T00:00:00Z"}};
  auto r = decide(pre_rotated(), {f}, {}, {{2, 1}});
  EXPECT_EQ(r.old_logic[0].phase, phase::kRetired);  // old
  EXPECT_EQ(r.now[0].phase, phase::kSuperseded);
  EXPECT_FALSE(r.now[0].safe_to_decommission);
  f["status"]["pending"] = nullptr;  // published
  auto published = decide(pre_rotated(), {f}, {}, {{2, 1}});
  EXPECT_EQ(published.now[0].phase, phase::kRetired);
  EXPECT_TRUE(published.now[0].safe_to_decommission);
}

TEST(DecommissionTest, ALedgerOnlyFolderNeedsTheEpochsItsCopiesAreOn) {
  auto r = decide(pre_rotated(), {}, {{kOther, {1}}}, {});
  EXPECT_EQ(r.old_logic[0].phase, phase::kRetired);  // old: a deleted folder was nobody
  EXPECT_TRUE(r.old_logic[0].safe_to_decommission);  // old
  EXPECT_EQ(r.now[0].phase, phase::kSuperseded);
  EXPECT_FALSE(r.now[0].safe_to_decommission);
  EXPECT_EQ(r.now[0].keys_needed, 1);
  auto migrated = decide(pre_rotated(), {}, {{kOther, {1, 2}}}, {});
  EXPECT_EQ(migrated.now[0].phase, phase::kRetired);
  EXPECT_TRUE(migrated.now[0].safe_to_decommission);
}

TEST(DecommissionTest, AnUnreadableLedgerObjectHoldsEveryEpochUnlessItsNameIsCovered) {
  LedgerKeyCopies broken{"", {}, false};
  auto r = decide(pre_rotated(), {}, {broken}, {});
  EXPECT_EQ(r.needs.unknown, 1);
  EXPECT_EQ(r.now[0].phase, phase::kSuperseded);
  EXPECT_FALSE(r.now[0].safe_to_decommission);
  LedgerKeyCopies named{kName, {}, false};
  auto covered = decide(pre_rotated(), {folder_json("f", 2)}, {named}, {{2, 1}});
  EXPECT_EQ(covered.needs.unknown, 0);  // the folder's spec holds the key under epoch 2
  EXPECT_EQ(covered.now[0].phase, phase::kRetired);
}

TEST(DecommissionTest, ACopyOnAnotherSupersededEpochIsNotLive) {
  std::vector<TeeEpoch> epochs = {epoch_on(1, kSignerA, "Superseded"),
                                  epoch_on(2, kSignerB, "Superseded"),
                                  epoch_on(3, "http://signer-c", "Active")};
  auto r = decide(epochs, {}, {{kOther, {1, 2}}}, {});
  EXPECT_EQ(r.now[0].keys_needed, 1);
  EXPECT_EQ(r.now[1].keys_needed, 1);
  EXPECT_FALSE(r.now[0].safe_to_decommission);
  EXPECT_FALSE(r.now[1].safe_to_decommission);
}

TEST(DecommissionTest, AHeldPreRotationTargetThatIsReadyIsLive) {
  std::vector<TeeEpoch> epochs = {epoch_on(1, kSignerA, "Active"), epoch_on(2, kSignerB, "")};
  auto phases = compute_phases(epochs, {}, kLater, {2});
  EXPECT_EQ(live_epochs(epochs, phases), (std::set<std::uint64_t>{1, 2}));
  epochs[1].status.conditions.clear();  // not Ready: its key is not verified
  phases = compute_phases(epochs, {}, kLater);
  EXPECT_EQ(live_epochs(epochs, phases), (std::set<std::uint64_t>{1}));
}

TEST(DecommissionTest, AnotherEpochOfTheSameSignerThatIsNeededKeepsTheCvmRunning) {
  std::vector<TeeEpoch> epochs = {epoch_on(1, kSignerA, "Superseded"),
                                  epoch_on(2, kSignerA, "Superseded"),
                                  epoch_on(3, kSignerB, "Active")};
  auto r = decide(epochs, {with_migrated(folder_json("f", 2), 3)}, {}, {{3, 1}});
  EXPECT_TRUE(r.old_logic[0].safe_to_decommission);  // old
  EXPECT_EQ(r.now[0].keys_needed, 0);
  EXPECT_EQ(r.now[0].phase, phase::kRetired);   // epoch 1 itself is free...
  EXPECT_FALSE(r.now[0].safe_to_decommission);  // ...but its CVM still opens epoch 2's keys
  EXPECT_EQ(r.now[1].phase, phase::kSuperseded);
}

TEST(DecommissionTest, AFailedEpochIsSafeOnlyWhenNoKeyNeedsIt) {
  std::vector<TeeEpoch> epochs = {epoch_on(1, kSignerA, "Failed"), epoch_on(2, kSignerB, "Active")};
  auto r = decide(epochs, {with_migrated(folder_json("f", 1), 2)}, {}, {{2, 1}});
  EXPECT_TRUE(r.old_logic[0].safe_to_decommission);  // old
  EXPECT_FALSE(r.now[0].safe_to_decommission);
  EXPECT_EQ(r.now[0].phase, phase::kFailed);
  auto held = decide(epochs, {with_migrated(folder_json("f", 1), 2)}, {{kName, {2}}}, {{2, 1}});
  EXPECT_TRUE(held.now[0].safe_to_decommission);
}

TEST(DecommissionTest, AnEpochRetiredBeforeStaysRetired) {
  auto epochs = pre_rotated();
  epochs[0].status.phase = phase::kRetired;
  auto r = decide(epochs, {folder_json("f", 1)}, {}, {{1, 1}});
  EXPECT_EQ(r.now[0].phase, phase::kRetired);  // final; the folder says KeyMigrationRequired
  EXPECT_EQ(r.now[0].keys_needed, 1);
  EXPECT_FALSE(r.now[0].safe_to_decommission);
}

TEST(DecommissionTest, FoldersSharingANameShareTheirDurableCopies) {
  auto a = folder_json("a", 1);
  auto b = folder_json("b", 2);  // the same key, sealed to the live epoch
  auto r = decide(pre_rotated(), {a, b}, {}, {{1, 1}, {2, 1}});
  EXPECT_EQ(r.now[0].spec_entries, 1);
  EXPECT_EQ(r.now[0].keys_needed, 0);
}

TEST(DecommissionTest, RetirableNeedsNoEffectiveEntryNoNeedAndNothingUnknown) {
  EpochNeeds needs;
  EXPECT_TRUE(retirable(1, 0, needs));
  EXPECT_FALSE(retirable(1, 1, needs));
  needs.needed[1] = 1;
  EXPECT_FALSE(retirable(1, 0, needs));
  EXPECT_TRUE(retirable(2, 0, needs));
  needs.unknown = 1;
  EXPECT_FALSE(retirable(2, 0, needs));
}

json ledger_json(const std::string& name, json keys) {
  return {{"apiVersion", "republish.cipherbox.io/v1alpha1"},
          {"kind", "KeyLedger"},
          {"metadata", {{"name", name}, {"namespace", "cbx"}, {"resourceVersion", "3"}}},
          {"spec", {{"ipnsName", name}, {"keys", keys}}}};
}

json ledger_key(std::uint64_t epoch) {
  return {{"epoch", epoch},
          {"encryptedKey", "c2VhbGVk"},
          {"source", "Migrated"},
          {"recordedAt", "2026-12-01T05:00:00Z"}};
}

TEST(LedgerKeyCopiesTest, ReadsTheEpochsOfEveryKeyLedger) {
  const auto name = testing::folder_key(7).name.text();
  auto copies = ledger_key_copies({ledger_json(name, {ledger_key(1), ledger_key(3)})});
  ASSERT_EQ(copies.size(), 1u);
  EXPECT_TRUE(copies[0].readable);
  EXPECT_EQ(copies[0].ipns_name, name);
  EXPECT_EQ(copies[0].epochs, (std::set<std::uint64_t>{1, 3}));
}

TEST(LedgerKeyCopiesTest, ObjectsTheCodecRefusesAreUnreadableUnderTheirMetadataName) {
  auto twice = ledger_json(kName, {ledger_key(1), ledger_key(1)});  // two entries, one epoch
  auto copies = ledger_key_copies(
      {twice, json(nullptr), json{{"metadata", {{"name", 5}}}}, ledger_json(kOther, "keys")});
  ASSERT_EQ(copies.size(), 4u);
  for (const auto& c : copies) EXPECT_FALSE(c.readable);
  EXPECT_EQ(copies[0].ipns_name, kName);
  EXPECT_EQ(copies[1].ipns_name, "");
  EXPECT_EQ(copies[3].ipns_name, kOther);
  auto r = decide(pre_rotated(), {}, copies, {});
  EXPECT_EQ(r.needs.unknown, 4);
  EXPECT_EQ(r.now[0].phase, phase::kSuperseded);
}

TEST(FolderKeyCopiesTest, ReadsSpecMigratedAndPendingEpochs) {
  auto f = with_migrated(folder_json("f", 3), 4);
  f["status"]["pending"] = {{"sequence", "1"}};
  auto c = folder_key_copies(f);
  EXPECT_TRUE(c.parsed);
  EXPECT_TRUE(c.readable);
  EXPECT_EQ(c.key, "ns/f");
  EXPECT_EQ(c.ipns_name, kName);
  EXPECT_EQ(c.spec_epoch, 3u);
  EXPECT_EQ(c.migrated_epoch, 4u);
  EXPECT_EQ(c.pending_epoch, 4u);
  auto defaulted = folder_json("g", 1);
  defaulted["spec"].erase("keyEpoch");
  EXPECT_EQ(folder_key_copies(defaulted).spec_epoch, 1u);
  auto keyless = folder_json("h", 1);
  keyless["spec"].erase("encryptedKey");
  auto k = folder_key_copies(keyless);
  EXPECT_TRUE(k.readable);
  EXPECT_FALSE(k.spec_epoch);
}

TEST(FolderKeyCopiesTest, HostileObjectsNeverThrowAndAreUnreadable) {
  std::vector<json> hostile = {
      json(nullptr),
      json::array({1, 2}),
      json("text"),
      json{{"metadata", "x"}, {"spec", json::array()}},
      json{{"metadata", {{"generation", "two"}}},
           {"spec", {{"ipnsName", kName}, {"encryptedKey", 7}}}},
      json{{"metadata", {{"name", 5}}}, {"spec", {{"encryptedKey", "a"}, {"keyEpoch", 0}}}},
      json{{"metadata", json::object()},
           {"spec", {{"encryptedKey", "a"}, {"keyEpoch", "99999999999999999999999"}}}},
      json{{"metadata", json::object()},
           {"spec", {{"encryptedKey", "a"}}},
           {"status", {{"migratedKey", {{"epoch", "x"}, {"encryptedKey", "a"}}}}}},
      json{{"metadata", json::object()},
           {"spec", {{"encryptedKey", "a"}}},
           {"status", {{"migratedKey", json::array()}}}},
      json{{"metadata", json::object()},
           {"spec", {{"encryptedKey", "a"}}},
           {"status", {{"pending", {{"sequence", "1"}}}, {"keyEpoch", 1.5}}}},
  };
  for (const auto& h : hostile) {
    FolderKeyCopies c;
    EXPECT_NO_THROW(c = folder_key_copies(h)) << h.dump();
    EXPECT_FALSE(c.parsed) << h.dump();
    EXPECT_FALSE(c.readable) << h.dump();
  }
}

}  // namespace
}  // namespace cbx::op
