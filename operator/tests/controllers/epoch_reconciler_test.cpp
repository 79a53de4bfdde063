// The epoch reconciler with in-memory ports and a fixed clock (issue 13 item 3): each test runs
// passes over TeeEpochs and asserts on what was written (TeeEpoch status, folder status, TeeEpoch
// creation), sent (signer calls), emitted (events) and measured (metrics).
#include "controllers/epoch/epoch_reconciler.h"

#include <gtest/gtest.h>

#include "cbx/attest/event_log.h"
#include "cbx/crypto/secp256k1.h"
#include "cbx/epoch/report_data.h"
#include "cbx/epoch/tdx_quote.h"
#include "controllers/epoch/epoch_key_check.h"
#include "epoch_test_objects.h"
#include "memory_ledger_store.h"
#include "republish_fixtures.h"

namespace cbx::op {
namespace {

using namespace std::chrono_literals;
using testing::at;
using testing::FolderObject;

constexpr char kComposeHash[] = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
constexpr char kAppId[] = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
constexpr char kSignerA[] = "http://signer-a";
constexpr char kSignerB[] = "http://signer-b";

// A signer: each (signer, epoch) derives its own key; its quote binds (epoch, key, nonce) and its
// event log replays to the quote's RTMR3.
class FakeSigner : public EpochSigner {
 public:
  FakeSigner(std::uint8_t seed, bool simulated) : seed_(seed), simulated_(simulated) {}

  Result<EpochKeyAnswer> epoch_public_key(std::uint64_t epoch,
                                          const std::string& nonce_hex) override {
    ++key_requests;
    if (unavailable) return make_error("UNAVAILABLE", "connection refused");
    auto nonce = *hex_decode(nonce_hex);
    auto pk = public_key(epoch);
    auto rd = epoch::epoch_report_data(epoch, pk, nonce);
    auto log = attest::build_runtime_event_log(attest::dstack_boot_events(
        {kComposeHash, kAppId, std::string(40, 'c'), R"({"name":"test"})", ""}));
    std::array<epoch::Measurement, 4> rtmr{};
    rtmr[3] = log.rtmr3;
    auto quote = epoch::build_simulated_tdx_quote(rd, {}, rtmr);
    return EpochKeyAnswer{epoch, hex_encode(pk), hex_encode(quote), log.json_text, simulated_};
  }

  Result<std::vector<RewrapOutcome>> rewrap(const RewrapDestination& target,
                                            const std::vector<RewrapRequest>& entries) override {
    targets.push_back(target);
    rewrapped.push_back(entries);
    if (!refusal.empty()) return make_error(refusal, "the rotation authority did not sign this");
    std::vector<RewrapOutcome> out;
    for (const auto& e : entries) {
      if (undecryptable.contains(e.id)) {
        out.push_back(RewrapOutcome{e.id, false, {}, "DECRYPT_FAILED", "not this signer's"});
      } else {
        out.push_back(RewrapOutcome{e.id, true, {target.epoch, "cmV3cmFwcGVk"}, "", ""});
      }
    }
    return out;
  }

  std::string public_key_hex(std::uint64_t epoch) const { return hex_encode(public_key(epoch)); }

  bool unavailable = false;
  std::string refusal;                  // request-level refusal code for /v1/rewrap
  std::set<std::string> undecryptable;  // folder keys it cannot re-encrypt
  int key_requests = 0;
  std::vector<RewrapDestination> targets;
  std::vector<std::vector<RewrapRequest>> rewrapped;
  std::uint8_t seed_shift = 0;  // != 0: the signer now derives other keys

 private:
  Bytes public_key(std::uint64_t epoch) const {
    auto fill = static_cast<std::uint8_t>(seed_ * 16 + epoch + seed_shift);
    auto sk = SecretBytes(Bytes(32, fill).data(), 32);
    return *secp256k1::public_key(sk);
  }
  std::uint8_t seed_;
  bool simulated_;
};

class FakeSignerPool : public EpochSignerPool {
 public:
  Result<std::shared_ptr<EpochSigner>> signer_for(const SignerSpec& spec) override {
    if (token_unreadable.contains(spec.url))
      return make_error("SIGNER_TOKEN_UNAVAILABLE", "Secret cbx/token: not found");
    auto it = signers.find(spec.url);
    if (it == signers.end()) return make_error("UNAVAILABLE", "no such signer");
    return std::shared_ptr<EpochSigner>(it->second);
  }
  void retain(const std::set<std::string>& in_use) override { retained = in_use; }

  std::map<std::string, std::shared_ptr<FakeSigner>> signers;
  std::set<std::string> token_unreadable;
  std::set<std::string> retained;
};

struct EpochWrite {
  std::string name;
  TeeEpochStatus status;
};
struct EpochCreate {
  std::string name;
  TeeEpochSpec spec;
  std::map<std::string, std::string> labels;
};

class FakeEpochWriter : public TeeEpochWriter {
 public:
  Status write_status(const TeeEpoch& epoch, const TeeEpochStatus& status) override {
    if (conflict) return make_error("CONFLICT", "changed");
    writes.push_back({epoch.name, status});
    return ok_status();
  }
  Status create(const std::string& name, const TeeEpochSpec& spec,
                const std::map<std::string, std::string>& labels) override {
    creates.push_back({name, spec, labels});
    return ok_status();
  }
  // The last status written for the epoch named so (nullptr: none).
  const TeeEpochStatus* last(const std::string& name) const {
    for (auto it = writes.rbegin(); it != writes.rend(); ++it) {
      if (it->name == name) return &it->status;
    }
    return nullptr;
  }
  bool conflict = false;
  std::vector<EpochWrite> writes;
  std::vector<EpochCreate> creates;
};

// Folders: the API server's objects; cached() reads them as the informer cache would.
class FakeFolders : public FolderReader, public FolderKeyWriter {
 public:
  explicit FakeFolders(FolderIndex& index) : index_(index) {}
  void put(const FolderObject& f) {
    objects[f.key()] = f;
    index_.upsert(f.key(), index_entry(f.json()));
  }
  std::optional<IpnsRepublish> cached(const std::string& key) override {
    auto it = objects.find(key);
    if (it == objects.end()) return std::nullopt;
    auto obj = parse_ipns_republish(it->second.json());
    return obj ? std::optional(*obj) : std::nullopt;
  }
  Result<Fresh> read_fresh() override {
    ++fresh_reads;
    if (fresh_error) return make_error("UNAVAILABLE", "API server unreachable");
    Fresh fresh;
    for (const auto& [key, f] : objects) fresh.folders.push_back(folder_key_copies(f.json()));
    fresh.ledger = fresh_ledger;
    return fresh;
  }
  // Writes status and lets the index see the update (the informer's delta).
  Status write_status(const IpnsRepublish& folder, const IpnsRepublishStatus& status) override {
    auto& f = objects.at(folder.key());
    if (f.resource_version != folder.resource_version) return make_error("CONFLICT", "stale");
    status_writes.push_back({folder.key(), status});
    f.migrated = status.migrated_key;
    f.resource_version = std::to_string(std::stoi(f.resource_version) + 1);
    index_.upsert(f.key(), index_entry(f.json()));
    return ok_status();
  }

  std::map<std::string, FolderObject> objects;
  std::vector<LedgerKeyCopies> fresh_ledger;
  bool fresh_error = false;
  int fresh_reads = 0;
  std::vector<std::pair<std::string, IpnsRepublishStatus>> status_writes;

 private:
  FolderIndex& index_;
};

struct Event {
  std::uint64_t epoch;
  bool warning;
  std::string reason;
};
class FakeEvents : public EpochEvents {
 public:
  void emit(const TeeEpoch& epoch, bool warning, const std::string& reason,
            const std::string&) override {
    events.push_back({epoch.spec.epoch, warning, reason});
  }
  bool has(std::uint64_t epoch, const std::string& reason) const {
    for (const auto& e : events) {
      if (e.epoch == epoch && e.reason == reason) return true;
    }
    return false;
  }
  std::vector<Event> events;
};

class FakeMetrics : public EpochMetrics {
 public:
  void signer_key_changed(std::uint64_t epoch) override { key_changed.push_back(epoch); }
  void attestation_rejected(std::uint64_t epoch, const std::string& reason) override {
    rejected.push_back({epoch, reason});
  }
  void set_epoch_phase(std::uint64_t epoch, const std::string& phase) override {
    phases[epoch] = phase;
  }
  void set_epoch_attested(std::uint64_t epoch, bool attested) override {
    attested_by_epoch[epoch] = attested;
  }
  void set_folder_counts(const FolderCounts& c) override { counts = c; }
  void retain_epoch_phases(const std::set<std::uint64_t>&) override {}

  std::vector<std::uint64_t> key_changed;
  std::vector<std::pair<std::uint64_t, std::string>> rejected;
  std::map<std::uint64_t, std::string> phases;
  std::map<std::uint64_t, bool> attested_by_epoch;
  FolderCounts counts;
};

class FakeClock : public EpochClock {
 public:
  SysTime now() override { return wall; }
  std::chrono::steady_clock::time_point steady_now() override { return steady; }
  void advance(std::chrono::nanoseconds d) {
    wall += d;
    steady += std::chrono::duration_cast<std::chrono::steady_clock::duration>(d);
  }
  SysTime wall = at("2026-06-01T00:00:00Z");
  std::chrono::steady_clock::time_point steady{};
};

// A chain verifier with a fixed verdict (a real platform cannot be made to produce them).
class FixedVerdict : public QuoteChainVerifier {
 public:
  Result<ChainVerdict> verify(ByteView, SysTime) override {
    ++calls;
    if (!verdict) return make_error("COLLATERAL_UNAVAILABLE", "PCCS unreachable");
    return *verdict;
  }
  Result<std::string> collateral_json(ByteView, SysTime) override { return std::string("{}"); }
  std::optional<ChainVerdict> verdict;
  int calls = 0;
};

TeeEpoch new_epoch(std::uint64_t n, const std::string& url, bool simulator = true) {
  TeeEpoch e;
  e.name = "epoch-" + std::to_string(n);
  e.resource_version = "1";
  e.generation = 1;
  e.spec.epoch = n;
  e.spec.signer.url = url;
  e.spec.signer.insecure_simulator = simulator;
  if (!simulator) {
    e.spec.signer.compose_hash = kComposeHash;
    e.spec.signer.app_id = kAppId;
  }
  e.spec.grace_period = 1h;
  return e;
}

FolderObject folder_on(const std::string& name, std::uint8_t key_fill, std::uint64_t epoch) {
  FolderObject f;
  f.name = name;
  f.ipns_name = testing::folder_key(key_fill).name.text();
  f.spec_epoch = epoch;
  return f;
}

struct World {
  FolderIndex index;
  FakeFolders folders{index};
  FakeEpochWriter epoch_writer;
  FakeSignerPool pool;
  FakeEvents events;
  FakeMetrics metrics;
  FakeClock clock;
  FixedVerdict chain;
  testing::MemoryLedgerStore ledger_store;
  KeyLedgerWriter ledger_writer{ledger_store};
  EpochReconcilerOptions options;
  std::unique_ptr<EpochReconciler> reconciler;
  std::vector<TeeEpoch> epochs;

  World() { options.chain = &chain; }

  std::shared_ptr<FakeSigner> signer(const std::string& url, std::uint8_t seed,
                                     bool simulated = true) {
    auto s = std::make_shared<FakeSigner>(seed, simulated);
    pool.signers[url] = s;
    return s;
  }

  // One pass; the written statuses become the cached epochs (as the informer would see them).
  Result<EpochPassResult> pass() {
    if (!reconciler) {
      reconciler = std::make_unique<EpochReconciler>(
          EpochReconcilerDeps{epoch_writer, folders, folders, index, pool, events, metrics, clock,
                              &ledger_writer},
          options);
    }
    epoch_writer.writes.clear();
    auto result = reconciler->reconcile(epochs);
    for (auto& e : epochs) {
      if (const auto* st = epoch_writer.last(e.name)) {
        e.status = *st;
        e.resource_version = std::to_string(std::stoi(e.resource_version) + 1);
      }
    }
    return result;
  }
  TeeEpoch& epoch(std::uint64_t n) {
    for (auto& e : epochs) {
      if (e.spec.epoch == n) return e;
    }
    throw std::out_of_range("no epoch " + std::to_string(n));
  }
};

const Condition& condition(const TeeEpochStatus& st, const char* type) {
  const auto* c = find_condition(st.conditions, type);
  if (!c) throw std::out_of_range(std::string("no condition ") + type);
  return *c;
}

// --- attestation -----------------------------------------------------------------------------

TEST(EpochReconcilerTest, APendingEpochBecomesActiveOnceItsAttestationIsVerified) {
  World w;
  auto a = w.signer(kSignerA, 1, /*simulated=*/false);
  w.epochs = {new_epoch(1, kSignerA, /*simulator=*/false)};
  // No verdict reachable yet: the key is known but not trusted, the epoch stays Pending.
  ASSERT_TRUE(w.pass());
  const auto* st = w.epoch_writer.last("epoch-1");
  ASSERT_TRUE(st);
  EXPECT_EQ(st->phase, phase::kPending);
  EXPECT_EQ(condition(*st, "Attested").reason, to_string(Reason::kVerifierUnavailable));
  EXPECT_EQ(condition(*st, "Ready").status, "False");
  EXPECT_TRUE(st->public_key.empty());

  w.chain.verdict = ChainVerdict{true, "UpToDate", {}, "test", {}, {}, "", ""};
  ASSERT_TRUE(w.pass());
  st = w.epoch_writer.last("epoch-1");
  ASSERT_TRUE(st);
  EXPECT_EQ(st->phase, phase::kActive);
  EXPECT_EQ(st->public_key, a->public_key_hex(1));
  EXPECT_EQ(condition(*st, "Attested").status, "True");
  EXPECT_EQ(condition(*st, "Attested").reason, to_string(Reason::kVerified));
  EXPECT_EQ(condition(*st, "Ready").reason, "KeyVerified");
  ASSERT_TRUE(st->attestation);
  EXPECT_TRUE(st->attestation->verified);
  EXPECT_EQ(st->attestation->tcb_status, "UpToDate");
  EXPECT_EQ(st->activated_at, std::chrono::floor<std::chrono::seconds>(w.clock.wall));
  EXPECT_TRUE(w.events.has(1, "PhaseActive"));
  EXPECT_EQ(w.metrics.phases[1], phase::kActive);
  EXPECT_TRUE(w.metrics.attested_by_epoch[1]);
  // Nothing changed on the next pass: nothing is written, the key is not asked for again.
  int asked = a->key_requests;
  ASSERT_TRUE(w.pass());
  EXPECT_TRUE(w.epoch_writer.writes.empty());
  EXPECT_EQ(a->key_requests, asked);
}

TEST(EpochReconcilerTest, ARefusedAttestationKeepsTheEpochFromBeingActive) {
  World w;
  w.signer(kSignerA, 1, /*simulated=*/false);
  w.epochs = {new_epoch(1, kSignerA, /*simulator=*/false)};
  w.chain.verdict = ChainVerdict{true, "OutOfDate", {"INTEL-SA-00837"}, "test", {}, {}, "", ""};
  ASSERT_TRUE(w.pass());
  const auto* st = w.epoch_writer.last("epoch-1");
  ASSERT_TRUE(st);
  EXPECT_EQ(st->phase, phase::kPending);
  EXPECT_FALSE(st->activated_at);
  EXPECT_EQ(condition(*st, "Ready").reason, "AttestationRejected");
  EXPECT_EQ(condition(*st, "Attested").reason, to_string(Reason::kTcbStatusNotAccepted));
  ASSERT_TRUE(st->attestation);
  EXPECT_EQ(st->attestation->tcb_status, "OutOfDate");  // the verdict is shown
  EXPECT_TRUE(w.events.has(1, "AttestationRejected"));
  ASSERT_EQ(w.metrics.rejected.size(), 1u);
  EXPECT_EQ(w.metrics.rejected[0].second, to_string(Reason::kTcbStatusNotAccepted));
  EXPECT_FALSE(w.metrics.attested_by_epoch[1]);
}

TEST(EpochReconcilerTest, AnActiveEpochWhosePlatformIsNoLongerTrustedLeavesActive) {
  World w;
  w.signer(kSignerA, 1, /*simulated=*/false);
  w.epochs = {new_epoch(1, kSignerA, /*simulator=*/false)};
  w.chain.verdict = ChainVerdict{true, "UpToDate", {}, "test", {}, {}, "", ""};
  ASSERT_TRUE(w.pass());
  ASSERT_EQ(w.epoch(1).status.phase, phase::kActive);
  // A TCB recovery: the next re-check (after key_recheck) gets OutOfDate.
  w.chain.verdict->tcb_status = "OutOfDate";
  w.clock.advance(w.options.key_recheck);
  ASSERT_TRUE(w.pass());
  EXPECT_EQ(w.epoch(1).status.phase, phase::kPending);
  EXPECT_EQ(condition(w.epoch(1).status, "Ready").reason, "AttestationRejected");
  EXPECT_TRUE(w.events.has(1, "AttestationRejected"));
}

TEST(EpochReconcilerTest, ASignerThatDerivesAnotherKeyFailsTheEpoch) {
  World w;
  auto a = w.signer(kSignerA, 1);
  w.epochs = {new_epoch(1, kSignerA)};
  ASSERT_TRUE(w.pass());
  ASSERT_EQ(w.epoch(1).status.phase, phase::kActive);
  a->seed_shift = 7;
  w.clock.advance(w.options.key_recheck);
  ASSERT_TRUE(w.pass());
  EXPECT_EQ(w.epoch(1).status.phase, phase::kFailed);
  EXPECT_EQ(condition(w.epoch(1).status, "Ready").reason, "SignerKeyChanged");
  EXPECT_EQ(w.metrics.key_changed, (std::vector<std::uint64_t>{1}));
  EXPECT_TRUE(w.events.has(1, "SignerKeyChanged"));
  // Failed is final: its signer is not asked again.
  int asked = a->key_requests;
  w.clock.advance(w.options.key_recheck);
  ASSERT_TRUE(w.pass());
  EXPECT_EQ(a->key_requests, asked);
}

// --- signer unavailable ----------------------------------------------------------------------

TEST(EpochReconcilerTest, AnUnreachableSignerKeepsAReadyEpochButHoldsANewOne) {
  World w;
  auto a = w.signer(kSignerA, 1);
  w.epochs = {new_epoch(1, kSignerA)};
  ASSERT_TRUE(w.pass());
  ASSERT_EQ(w.epoch(1).status.phase, phase::kActive);
  a->unavailable = true;
  w.clock.advance(w.options.key_recheck);
  ASSERT_TRUE(w.pass());
  EXPECT_EQ(w.epoch(1).status.phase, phase::kActive);  // its key is still known
  EXPECT_EQ(condition(w.epoch(1).status, "Ready").status, "True");

  w.epochs.push_back(new_epoch(2, kSignerA));
  ASSERT_TRUE(w.pass());
  const auto* st = w.epoch_writer.last("epoch-2");
  ASSERT_TRUE(st);
  EXPECT_EQ(st->phase, phase::kPending);
  EXPECT_EQ(condition(*st, "Ready").reason, "SignerUnavailable");
  EXPECT_EQ(w.epoch(1).status.phase, phase::kActive);
}

TEST(EpochReconcilerTest, AnUnreadableTokenKeepsTheEpochPendingAndNothingIsSent) {
  World w;
  auto a = w.signer(kSignerA, 1);
  w.pool.token_unreadable.insert(kSignerA);
  w.epochs = {new_epoch(1, kSignerA)};
  ASSERT_TRUE(w.pass());
  const auto* st = w.epoch_writer.last("epoch-1");
  ASSERT_TRUE(st);
  EXPECT_EQ(st->phase, phase::kPending);
  EXPECT_EQ(condition(*st, "Ready").reason, "SignerTokenUnavailable");
  EXPECT_EQ(a->key_requests, 0);
}

// --- rotation, grace period, retirement ------------------------------------------------------

TEST(EpochReconcilerTest, RotateAfterCreatesTheNextEpochOnTheSameSigner) {
  World w;
  w.signer(kSignerA, 1);
  auto e1 = new_epoch(1, kSignerA);
  e1.spec.rotate_after = 24h;
  e1.spec.signer.auth_secret_name = "signer-token";
  e1.spec.signer.auth_secret_key = "token";
  w.epochs = {e1};
  ASSERT_TRUE(w.pass());
  ASSERT_EQ(w.epoch(1).status.phase, phase::kActive);
  EXPECT_TRUE(w.epoch_writer.creates.empty());
  w.clock.advance(23h);
  ASSERT_TRUE(w.pass());
  EXPECT_TRUE(w.epoch_writer.creates.empty());  // not due yet
  w.clock.advance(1h);
  ASSERT_TRUE(w.pass());
  ASSERT_EQ(w.epoch_writer.creates.size(), 1u);
  const auto& created = w.epoch_writer.creates[0];
  EXPECT_EQ(created.name, "epoch-2");
  EXPECT_EQ(created.spec.epoch, 2u);
  EXPECT_EQ(created.spec.signer, e1.spec.signer);
  EXPECT_EQ(created.spec.grace_period, e1.spec.grace_period);
  EXPECT_EQ(created.spec.rotate_after, e1.spec.rotate_after);
  EXPECT_EQ(created.labels.at("republish.cipherbox.io/created-by"), "rotateAfter");
  EXPECT_TRUE(w.events.has(1, "RotationStarted"));
  // Once epoch 2 exists, nothing more is created.
  w.epochs.push_back(new_epoch(2, kSignerA));
  w.epoch_writer.creates.clear();
  ASSERT_TRUE(w.pass());
  EXPECT_TRUE(w.epoch_writer.creates.empty());
}

TEST(EpochReconcilerTest, ASupersededEpochRetiresAfterItsGracePeriodOnlyWhenNoKeyNeedsIt) {
  World w;
  w.signer(kSignerA, 1);
  w.epochs = {new_epoch(1, kSignerA)};
  auto f = folder_on("photos", 1, 1);
  w.folders.put(f);
  ASSERT_TRUE(w.pass());
  ASSERT_EQ(w.epoch(1).status.phase, phase::kActive);
  EXPECT_EQ(w.epoch(1).status.entries, 1);

  w.epochs.push_back(new_epoch(2, kSignerA));  // same signer: lazy migration
  ASSERT_TRUE(w.pass());
  EXPECT_EQ(w.epoch(2).status.phase, phase::kActive);
  EXPECT_EQ(w.epoch(1).status.phase, phase::kSuperseded);
  auto superseded_at = std::chrono::floor<std::chrono::seconds>(w.clock.wall);
  EXPECT_EQ(w.epoch(1).status.superseded_at, superseded_at);
  EXPECT_EQ(w.epoch(1).status.retire_after, superseded_at + 1h);
  EXPECT_EQ(condition(w.epoch(2).status, migrated::kCondition).reason,
            to_string(Reason::kLazyMigration));

  // The folder's next republish re-encrypted its key to epoch 2 (status.migratedKey).
  f.migrated = EncryptedKeyRef{2, "bGF6eQ=="};
  w.folders.put(f);
  w.clock.advance(30min);
  ASSERT_TRUE(w.pass());
  EXPECT_EQ(w.epoch(1).status.phase, phase::kSuperseded);  // grace period not over
  EXPECT_EQ(w.epoch(1).status.entries, 0);

  // Grace period over, no entries: but spec.encryptedKey (the durable copy) is only on epoch 1.
  w.clock.advance(31min);
  ASSERT_TRUE(w.pass());
  EXPECT_EQ(w.epoch(1).status.phase, phase::kSuperseded);
  EXPECT_EQ(w.epoch(1).status.keys_needed, 1);
  EXPECT_FALSE(w.epoch(1).status.safe_to_decommission);
  EXPECT_EQ(w.folders.fresh_reads, 0);

  // The ledger now holds the epoch-2 copy (cache): retirement is re-checked against a fresh
  // read, which does not show it yet: still held.
  w.index.upsert_ledger("cbx/" + f.ipns_name, LedgerKeyCopies{f.ipns_name, {2}, true});
  ASSERT_TRUE(w.pass());
  EXPECT_EQ(w.folders.fresh_reads, 1);
  EXPECT_EQ(w.epoch(1).status.phase, phase::kSuperseded);
  EXPECT_EQ(w.epoch(1).status.keys_needed, 1);

  // The fresh read fails: nothing retires this pass.
  w.folders.fresh_error = true;
  ASSERT_TRUE(w.pass());
  EXPECT_EQ(w.epoch(1).status.phase, phase::kSuperseded);

  // The API server agrees: Retired, and safe to decommission (its signer serves epoch 2,
  // Active, so the CVM is not).
  w.folders.fresh_error = false;
  w.folders.fresh_ledger = {LedgerKeyCopies{f.ipns_name, {2}, true}};
  ASSERT_TRUE(w.pass());
  EXPECT_EQ(w.epoch(1).status.phase, phase::kRetired);
  EXPECT_EQ(w.epoch(1).status.keys_needed, 0);
  EXPECT_FALSE(w.epoch(1).status.safe_to_decommission);  // same signer still serves epoch 2
  EXPECT_TRUE(w.events.has(1, "PhaseRetired"));
  EXPECT_EQ(w.metrics.phases[1], phase::kRetired);
}

// --- pre-rotation ----------------------------------------------------------------------------

struct PreRotation : World {
  std::shared_ptr<FakeSigner> a = signer(kSignerA, 1);
  std::shared_ptr<FakeSigner> b = signer(kSignerB, 2);
  std::vector<FolderObject> on_a;

  explicit PreRotation(int folders, double rate = 2) {
    options.rewrap_rate = rate;
    epochs = {new_epoch(1, kSignerA)};
    for (int i = 0; i < folders; ++i) {
      on_a.push_back(folder_on("f" + std::to_string(i), static_cast<std::uint8_t>(i + 1), 1));
      this->folders.put(on_a.back());
    }
  }
  void add_new_signer_epoch(const std::string& approval) {
    auto e2 = new_epoch(2, kSignerB);
    e2.spec.approval = approval;
    epochs.push_back(e2);
  }
};

TEST(EpochReconcilerTest, ANewEpochOnAnotherSignerTriggersPreRotationAndIsHeldUntilDone) {
  PreRotation w(3);
  ASSERT_TRUE(w.pass());
  w.add_new_signer_epoch("YXBwcm92YWw=");
  auto first = w.pass();
  ASSERT_TRUE(first);
  // Held: epoch 2 is Ready but Pending, epoch 1 stays Active.
  EXPECT_EQ(w.epoch(2).status.phase, phase::kPending);
  EXPECT_EQ(condition(w.epoch(2).status, "Ready").status, "True");
  EXPECT_EQ(w.epoch(1).status.phase, phase::kActive);
  // The OLD signer re-encrypted a batch of rewrap_rate keys to epoch 2's attested key.
  ASSERT_EQ(w.a->rewrapped.size(), 1u);
  EXPECT_TRUE(w.b->rewrapped.empty());
  EXPECT_EQ(w.a->rewrapped[0].size(), 2u);
  EXPECT_EQ(w.a->targets[0].epoch, 2u);
  EXPECT_EQ(w.a->targets[0].public_key_hex, w.b->public_key_hex(2));
  EXPECT_EQ(w.a->targets[0].approval, "YXBwcm92YWw=");
  EXPECT_EQ(w.a->rewrapped[0][0].key.epoch, 1u);
  // Each stored through the ledger first, then the folder's status (migratedKey + keyEpoch).
  ASSERT_EQ(w.folders.status_writes.size(), 2u);
  for (const auto& [key, st] : w.folders.status_writes) {
    ASSERT_TRUE(st.migrated_key);
    EXPECT_EQ(st.migrated_key->epoch, 2u);
    EXPECT_EQ(st.key_epoch, 2u);
    auto name = w.folders.objects.at(key).ipns_name;
    ASSERT_TRUE(w.ledger_store.objects.contains(name));
    EXPECT_EQ(w.ledger_store.objects.at(name).keys.back().epoch, 2u);
  }
  const auto& migrating = condition(w.epoch(2).status, migrated::kCondition);
  EXPECT_EQ(migrating.reason, to_string(Reason::kMigrating));
  EXPECT_NE(migrating.message.find("3 folder(s) on epoch(s) 1"), std::string::npos);
  ASSERT_TRUE(first->rewrap_again_in);  // one key left: the next pass comes at the pace
  EXPECT_EQ(*first->rewrap_again_in, std::chrono::seconds(1));  // 2 keys at 2 keys/s
  EXPECT_EQ(w.metrics.counts.entries_per_epoch.at(1), 3);       // counted before this pass's writes

  // Before the pace allows it, nothing is sent.
  ASSERT_TRUE(w.pass());
  EXPECT_EQ(w.a->rewrapped.size(), 1u);
  w.clock.advance(1s);
  auto second = w.pass();
  ASSERT_TRUE(second);
  ASSERT_EQ(w.a->rewrapped.size(), 2u);
  EXPECT_EQ(w.a->rewrapped[1].size(), 1u);
  EXPECT_FALSE(second->rewrap_again_in);
  EXPECT_NE(condition(w.epoch(2).status, migrated::kCondition).message.find("1 folder(s)"),
            std::string::npos);
  EXPECT_EQ(w.epoch(2).status.phase,
            phase::kPending);  // decided on the folders the pass began with

  ASSERT_TRUE(w.pass());
  EXPECT_EQ(condition(w.epoch(2).status, migrated::kCondition).reason,
            to_string(Reason::kAllKeysMigrated));
  EXPECT_EQ(w.epoch(2).status.phase, phase::kActive);
  EXPECT_EQ(w.epoch(2).status.entries, 3);
  EXPECT_EQ(w.epoch(1).status.phase, phase::kSuperseded);
  EXPECT_EQ(w.epoch(1).status.entries, 0);
  EXPECT_EQ(w.metrics.counts.entries_per_epoch.at(2), 3);
}

TEST(EpochReconcilerTest, WithoutApprovalNothingIsSentAndTheNewEpochWaits) {
  PreRotation w(2);
  ASSERT_TRUE(w.pass());
  w.add_new_signer_epoch("");
  ASSERT_TRUE(w.pass());
  EXPECT_TRUE(w.a->rewrapped.empty());
  EXPECT_EQ(condition(w.epoch(2).status, migrated::kCondition).reason,
            to_string(Reason::kApprovalRequired));
  EXPECT_EQ(w.epoch(2).status.phase, phase::kPending);
  EXPECT_EQ(w.epoch(1).status.phase, phase::kActive);
}

TEST(EpochReconcilerTest, TheOldSignersRefusalIsRecordedAndNotRetriedBeforeTheRecheck) {
  PreRotation w(2);
  w.a->refusal = "APPROVAL_INVALID";
  ASSERT_TRUE(w.pass());
  w.add_new_signer_epoch("YmFk");
  ASSERT_TRUE(w.pass());
  ASSERT_EQ(w.a->rewrapped.size(), 1u);
  EXPECT_EQ(condition(w.epoch(2).status, migrated::kCondition).reason,
            to_string(Reason::kApprovalInvalid));
  EXPECT_TRUE(w.events.has(2, to_string(Reason::kApprovalInvalid)));
  EXPECT_TRUE(w.folders.status_writes.empty());
  EXPECT_EQ(w.epoch(2).status.phase, phase::kPending);
  w.clock.advance(10s);
  ASSERT_TRUE(w.pass());
  EXPECT_EQ(w.a->rewrapped.size(), 1u);  // not asked again so soon
  w.clock.advance(w.options.key_recheck);
  w.a->refusal.clear();
  ASSERT_TRUE(w.pass());
  EXPECT_EQ(w.a->rewrapped.size(), 2u);
  EXPECT_EQ(w.folders.status_writes.size(), 2u);
}

TEST(EpochReconcilerTest, KeysTheOldSignerCannotReEncryptDoNotHoldTheNewEpochForever) {
  PreRotation w(2, 10);
  w.a->undecryptable.insert("default/f0");
  ASSERT_TRUE(w.pass());
  w.add_new_signer_epoch("YXBwcm92YWw=");
  ASSERT_TRUE(w.pass());
  EXPECT_EQ(w.folders.status_writes.size(), 1u);  // f1 migrated, f0 refused per entry
  w.clock.advance(1s);
  ASSERT_TRUE(w.pass());
  // Only the stranded f0 is left on epoch 1: it is not asked for again, epoch 2 is promoted.
  EXPECT_EQ(w.a->rewrapped.size(), 1u);
  EXPECT_EQ(w.epoch(2).status.phase, phase::kActive);
  EXPECT_EQ(w.epoch(1).status.entries, 1);
  // The owner re-seals f0 (a new ciphertext on epoch 1): it is a new attempt.
  auto f0 = w.on_a[0];
  f0.spec_key = "cmVzZWFsZWQ=";
  w.folders.put(f0);
  w.a->undecryptable.clear();
  w.clock.advance(1s);
  ASSERT_TRUE(w.pass());
  ASSERT_EQ(w.a->rewrapped.size(), 2u);
  EXPECT_EQ(w.a->rewrapped[1][0].key.encrypted_key, "cmVzZWFsZWQ=");
}

TEST(EpochReconcilerTest, AConflictingTeeEpochWriteFailsThePassForARetry) {
  World w;
  w.signer(kSignerA, 1);
  w.epochs = {new_epoch(1, kSignerA)};
  w.epoch_writer.conflict = true;
  auto result = w.pass();
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, "CONFLICT");
}

}  // namespace
}  // namespace cbx::op
