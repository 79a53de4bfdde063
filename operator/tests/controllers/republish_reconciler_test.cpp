// The reconciler against in-memory ports: a status store with resourceVersion preconditions, a
// signer that signs for real with the folders' seeds (and refuses like the real one), and a
// publisher that keeps every record it was given. Crashes are injected between any two steps.
#include "controllers/republish/republish_reconciler.h"

#include <gtest/gtest.h>

#include <map>
#include <random>

#include "cbx/ipns/record.h"
#include "controllers/republish/status_transitions.h"
#include "memory_ledger_store.h"
#include "republish_fixtures.h"
#include "signer_handles.h"

namespace cbx::op {
namespace {

using namespace testing;
using namespace std::chrono_literals;

struct Crash {};  // thrown by the store to stop the reconciler mid-cycle, like SIGKILL would

class MemoryStatusStore : public StatusWriter {
 public:
  IpnsRepublish stored;
  int writes = 0;
  int crash_at_write = -1;  // 1-based write index that "crashes" before persisting
  int fail_at_write = -1;   // 1-based write index answered with a transport error, not persisted

  Result<IpnsRepublish> write_status(const IpnsRepublish& obj,
                                     const IpnsRepublishStatus& st) override {
    if (obj.resource_version != stored.resource_version) {
      return make_error("CONFLICT", "resourceVersion " + obj.resource_version + " is stale");
    }
    if (++writes == crash_at_write) throw Crash{};
    if (writes == fail_at_write) return make_error("TRANSPORT", "connect: Connection refused");
    stored.status = st;
    stored.resource_version = std::to_string(std::stoi(stored.resource_version) + 1);
    return stored;
  }
};

class SeedSigner : public RecordSigner {
 public:
  explicit SeedSigner(const FolderKey& key) : key_(key) {}
  int calls = 0;
  bool down = false;
  std::optional<EncryptedKeyRef> rewrap;  // answered as `rewrapped`
  std::string last_key;                   // encryptedKey of the last entry

  void sign(const SignerRef&, std::uint64_t, SignRequest e, SignDone done) override {
    done(answer(e));
  }
  Result<SignOutcome> answer(const SignRequest& e) {
    ++calls;
    last_key = e.key.encrypted_key;
    if (down) return make_error("UNAVAILABLE", "connection refused");
    SignOutcome r;
    r.id = e.id;
    auto proof = ipns::verify_record_signature(key_.name, e.proof_record);
    if (!proof || proof->value != e.value) {
      r.error_code = "VALUE_NOT_OWNER_SIGNED";
      return r;
    }
    if (e.sequence <= proof->sequence) {
      r.error_code = "SEQUENCE_NOT_NEWER";
      return r;
    }
    auto record =
        ipns::make_record(key_.key, {e.value, e.validity, e.sequence,
                                     static_cast<std::uint64_t>(e.ttl.count()) * 1'000'000'000ULL});
    r.ok = true;
    r.record = base64_encode(*record);
    r.sequence = e.sequence;
    r.rewrapped = rewrap;
    return r;
  }

 private:
  const FolderKey& key_;
};

class MemoryPublisher : public RecordPublisher {
 public:
  std::vector<Bytes> published;
  std::optional<Bytes> network;
  bool failing = false;
  bool lookup_fails = false;
  std::vector<std::string> unanswered;  // endpoints that fail while another answers
  int lookups = 0;

  Result<NetworkLookup> resolve(const std::string&) override {
    ++lookups;
    if (lookup_fails) return make_error("UNAVAILABLE", "no routing endpoint answered: 503");
    return NetworkLookup{network, unanswered};
  }
  std::vector<EndpointResult> publish(const std::string&, ByteView record) override {
    if (failing) return {{"http://routing", false, "UNAVAILABLE", "503", std::nullopt}};
    published.emplace_back(record.begin(), record.end());
    network = published.back();
    return {{"http://routing", true, "", "", std::nullopt}};
  }
};

class NullEvents : public EventSink {
 public:
  std::vector<std::string> reasons;
  std::vector<std::string> messages;
  std::vector<bool> warnings;
  void emit(const IpnsRepublish&, bool warning, const std::string& reason,
            const std::string& message) override {
    reasons.push_back(reason);
    messages.push_back(message);
    warnings.push_back(warning);
  }
};

struct World {
  FolderKey key = folder_key(7);
  MemoryStatusStore store;
  SeedSigner signer{key};
  MemoryPublisher publisher;
  NullEvents events;
  RepublishReconciler reconciler{{store, signer, publisher, events}, BackoffPolicy{5s, 5min, 0.0}};
  ActiveEpoch epoch{1, "http://signer", signer_named("http://signer")};

  World() {
    store.stored = folder(key, kCidA);
    store.stored.resource_version = "1";
    store.stored.spec.owner_record = signed_record(key, "/ipfs/" + std::string(kCidA), 2);
  }
  Result<ReconcileResult> run(SysTime now) {
    return reconciler.reconcile(store.stored, epoch, now);
  }
};

TEST(RepublishReconcilerTest, FirstCycleSignsOncePublishesAndSchedulesTheNext) {
  World w;
  auto now = at("2026-06-01T00:00:00Z");
  auto r = w.run(now);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->outcome, "Published");
  EXPECT_EQ(w.signer.calls, 1);
  ASSERT_EQ(w.publisher.published.size(), 1u);
  auto record = ipns::validate_record(w.key.name, w.publisher.published[0], now);
  ASSERT_TRUE(record);
  EXPECT_EQ(record->sequence, 3u);
  EXPECT_EQ(w.store.writes, 2);  // reserve, published (the record is not written before)
  const auto* key_current =
      find_condition(w.store.stored.status.conditions, condition::kKeyCurrent);
  ASSERT_NE(key_current, nullptr) << "the cycle's writes carry KeyCurrent";
  EXPECT_EQ(key_current->status, "True");
  auto echo = w.run(now + 1s);  // the reconcile the cycle's own write causes
  ASSERT_TRUE(echo) << echo.error().message;
  EXPECT_EQ(echo->outcome, to_string(Reason::kNotDue));
  EXPECT_EQ(w.store.writes, 2) << "a folder's first cycle costs 2 status writes, not 3";
  EXPECT_EQ(w.store.stored.status.published_sequence, 3u);
  EXPECT_EQ(w.store.stored.status.published_cid, kCidA);
  ASSERT_EQ(w.store.stored.status.endpoints.size(), 1u);
  EXPECT_EQ(w.store.stored.status.endpoints[0].published_sequence, 3u);
  EXPECT_GT(*r->requeue_at, now + 5h);
  EXPECT_EQ(w.events.reasons, std::vector<std::string>{"Published"});
  w.store.stored.requested_at = "2026-06-01T00:30:00Z";
  ASSERT_EQ(w.run(now + 30min)->outcome, "Published");
  EXPECT_EQ(w.events.reasons.size(), 1u) << "a routine republish is no state change: no event";
  auto idle = w.run(now + 1h);
  ASSERT_TRUE(idle);
  EXPECT_EQ(idle->outcome, to_string(Reason::kNotDue));
  EXPECT_EQ(w.signer.calls, 2);
}

TEST(RepublishReconcilerTest, PublishFailuresRetryTheSameRecordWithoutSigningAgain) {
  World w;
  auto now = at("2026-06-01T00:00:00Z");
  w.publisher.failing = true;
  auto r = w.run(now);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->outcome, "PublishFailed");
  EXPECT_EQ(w.store.writes, 2);  // reserve; the record kept in status.pending with the failure
  ASSERT_TRUE(w.store.stored.status.pending);
  auto pending = w.store.stored.status.pending->record;
  for (int i = 1; i <= 4; ++i) {
    now = *r->requeue_at;
    r = w.run(now);
    ASSERT_TRUE(r);
  }
  w.publisher.failing = false;
  r = w.run(*r->requeue_at);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->outcome, "Published");
  EXPECT_EQ(w.signer.calls, 1);
  ASSERT_EQ(w.publisher.published.size(), 1u);
  EXPECT_EQ(base64_encode(w.publisher.published[0]), pending);
}

TEST(RepublishReconcilerTest, SignerDownBacksOffAndCatchesUp) {
  World w;
  auto now = at("2026-06-01T00:00:00Z");
  w.signer.down = true;
  auto r = w.run(now);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->outcome, "SignerUnavailable");
  EXPECT_EQ(*r->requeue_at, now + 5s);
  auto early = w.run(now + 1s);  // not yet: backing off, no signer call
  ASSERT_TRUE(early);
  EXPECT_EQ(early->outcome, to_string(Reason::kBackingOff));
  EXPECT_EQ(w.signer.calls, 1);
  w.signer.down = false;
  r = w.run(now + 5s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->outcome, "Published");
  EXPECT_EQ(w.store.stored.status.failures.count, 0u);
}

TEST(RepublishReconcilerTest, AFailedScheduledCycleStaysDueUntilItSucceeds) {
  World w;
  auto now = at("2026-06-01T00:00:00Z");
  ASSERT_EQ(w.run(now)->outcome, "Published");
  w.store.stored.requested_at = "2026-06-01T01:00:00Z";  // republish-now, then the signer dies
  w.signer.down = true;
  auto r = w.run(now + 1h);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->outcome, "SignerUnavailable");
  for (int i = 0; i < 3; ++i) {
    r = w.run(*r->requeue_at);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->outcome, "SignerUnavailable") << "attempt " << i;
  }
  EXPECT_EQ(w.store.stored.status.failures.count, 4u);
  w.signer.down = false;
  r = w.run(*r->requeue_at);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->outcome, "Published");
  // Each failed attempt reserved (and skipped) a sequence: never reused, never lower.
  EXPECT_EQ(w.store.stored.status.published_sequence, 8u);
  EXPECT_EQ(w.store.stored.status.sequence, 8u);
}

// The e2e API-server restart: the reservation landed, the write of the signed record did not.
// The queue retries the key; that retry must finish the requested cycle, not find it "NotDue".
TEST(RepublishReconcilerTest, AStatusWriteFailingAfterTheReservationDoesNotLoseTheCycle) {
  World w;
  auto now = at("2026-06-01T00:00:00Z");
  ASSERT_EQ(w.run(now)->outcome, "Published");
  auto published = *w.store.stored.status.published_sequence;
  w.store.stored.requested_at = "2026-06-01T01:00:00Z";
  w.store.fail_at_write = w.store.writes + 2;  // 1: reservation, 2: the write after publishing
  auto r = w.run(now + 1h);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "TRANSPORT");
  EXPECT_EQ(w.store.stored.status.sequence, published + 1);
  ASSERT_EQ(w.publisher.published.size(), 2u);  // the record went out before the failed write
  EXPECT_EQ(ipns::unmarshal_record(w.publisher.published[1])->sequence, published + 1);
  EXPECT_EQ(w.store.stored.status.last_handled_request, w.store.stored.requested_at);

  r = w.run(now + 1h + 1s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->outcome, "Published");
  // The interrupted reservation's sequence is skipped, never reused.
  EXPECT_EQ(w.store.stored.status.published_sequence, published + 2);
  EXPECT_FALSE(w.store.stored.status.pending);
}

TEST(RepublishReconcilerTest, StaleObjectIsAConflictForTheQueueToRetry) {
  World w;
  auto stale = w.store.stored;
  w.store.stored.resource_version = "9";
  auto r = w.reconciler.reconcile(stale, w.epoch, at("2026-06-01T00:00:00Z"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "CONFLICT");
  EXPECT_EQ(w.signer.calls, 0);
}

TEST(RepublishReconcilerTest, NoProofRecordMeansNothingIsSigned) {
  World w;
  w.store.stored.spec.owner_record.reset();
  auto r = w.run(at("2026-06-01T00:00:00Z"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->outcome, to_string(Reason::kNoOwnerRecord));
  EXPECT_EQ(w.signer.calls, 0);
  EXPECT_FALSE(condition_is_true(w.store.stored.status.conditions, condition::kReady));
}

std::string value_of(const Bytes& record) {
  auto parsed = ipns::unmarshal_record(record);
  return parsed ? parsed->value : "";
}

// Issue 10 item 1: spec.cid = A with an owner record for A; the owner publishes B at a higher
// sequence. Every later cycle serves B — the old code re-signed A in the cycle after NetworkAhead.
TEST(RepublishReconcilerTest, OwnersNewerValueIsNeverRolledBackInLaterCycles) {
  World w;
  auto now = at("2026-06-01T00:00:00Z");
  ASSERT_EQ(w.run(now)->outcome, "Published");
  const std::string b = "/ipfs/" + std::string(kCidB);
  w.publisher.network = signed_record(w.key, b, 10);  // the owner's client, online elsewhere
  for (int cycle = 1; cycle <= 3; ++cycle) {
    now += 7h;
    auto r = w.run(now);
    ASSERT_TRUE(r) << r.error().message;
    ASSERT_EQ(r->outcome, "Published") << "cycle " << cycle;
    EXPECT_EQ(value_of(w.publisher.published.back()), b) << "cycle " << cycle;
    EXPECT_EQ(w.store.stored.status.published_sequence, 10u + static_cast<unsigned>(cycle));
    EXPECT_TRUE(condition_is_true(w.store.stored.status.conditions, condition::kNetworkAhead))
        << "cycle " << cycle;
    const auto* ready = find_condition(w.store.stored.status.conditions, condition::kReady);
    ASSERT_NE(ready, nullptr);
    EXPECT_EQ(ready->reason, to_string(Reason::kNetworkAhead));
  }
  EXPECT_EQ(w.store.stored.status.published_cid, kCidB);
}

// Issue 10 item 2: the object is re-created (no status, no spec.sequence) while the network holds
// the owner's newer value: the old spec.cid / ownerRecord value is not signed over it.
TEST(RepublishReconcilerTest, RecreatedObjectExtendsTheNetworksNewerValue) {
  World w;
  const std::string b = "/ipfs/" + std::string(kCidB);
  w.publisher.network = signed_record(w.key, b, 40);
  auto r = w.run(at("2026-06-01T00:00:00Z"));
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->outcome, "Published");
  ASSERT_EQ(w.publisher.published.size(), 1u);
  EXPECT_EQ(value_of(w.publisher.published[0]), b);
  EXPECT_EQ(w.store.stored.status.published_sequence, 41u);
}

// Issue 10 item 3: with no sequence known and every routing lookup failing, nothing is signed
// (the sequence it would pick may exist already with another value); retried with backoff.
TEST(RepublishReconcilerTest, NoKnownSequenceAndNoRoutingAnswerSignsNothing) {
  World w;
  auto now = at("2026-06-01T00:00:00Z");
  w.publisher.lookup_fails = true;
  auto r = w.run(now);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->outcome, to_string(Reason::kRoutingLookupFailed));
  EXPECT_EQ(w.signer.calls, 0);
  EXPECT_FALSE(w.store.stored.status.sequence) << "no sequence reserved";
  EXPECT_EQ(*r->requeue_at, now + 5s);
  const auto* ready = find_condition(w.store.stored.status.conditions, condition::kReady);
  ASSERT_NE(ready, nullptr);
  EXPECT_EQ(ready->status, "False");
  EXPECT_EQ(ready->reason, to_string(Reason::kRoutingLookupFailed));
  r = w.run(now + 5s);  // still failing: backs off further
  ASSERT_TRUE(r);
  EXPECT_EQ(r->outcome, to_string(Reason::kRoutingLookupFailed));
  EXPECT_EQ(*r->requeue_at, now + 5s + 10s);
  EXPECT_EQ(w.signer.calls, 0);
  w.publisher.lookup_fails = false;  // one endpoint answers (here: not found)
  r = w.run(now + 15s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->outcome, "Published");
  EXPECT_EQ(w.signer.calls, 1);
  EXPECT_EQ(w.store.stored.status.failures.count, 0u);
  EXPECT_TRUE(w.store.stored.status.failures.reason.empty());
}

// One endpoint answers "not found" while another fails: the owner's newest record may be on the
// failing one (CI saw the operator sign sequence 2 over the owner's sequence 2 this way).
TEST(RepublishReconcilerTest, NoKnownSequenceAndAPartialLookupSignsNothing) {
  World w;
  auto now = at("2026-06-01T00:00:00Z");
  w.publisher.unanswered = {"http://routing-2: UNAVAILABLE 503"};
  auto r = w.run(now);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->outcome, to_string(Reason::kRoutingLookupFailed));
  EXPECT_EQ(w.signer.calls, 0);
  EXPECT_FALSE(w.store.stored.status.sequence) << "no sequence reserved";
  const auto* ready = find_condition(w.store.stored.status.conditions, condition::kReady);
  ASSERT_NE(ready, nullptr);
  EXPECT_NE(ready->message.find("http://routing-2"), std::string::npos) << ready->message;
  w.publisher.unanswered.clear();  // every endpoint answers
  r = w.run(*r->requeue_at);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->outcome, "Published");
  EXPECT_EQ(w.signer.calls, 1);
}

// With a sequence of its own, a partial answer is enough: the operator never reuses its own
// reserved sequences, and a folder must not stop because one endpoint is down.
TEST(RepublishReconcilerTest, KnownSequenceRepublishesAfterAPartialLookup) {
  World w;
  auto now = at("2026-06-01T00:00:00Z");
  ASSERT_EQ(w.run(now)->outcome, "Published");
  w.publisher.unanswered = {"http://routing-2: UNAVAILABLE 503"};
  w.store.stored.requested_at = "2026-06-01T00:00:01Z";  // republish now
  auto r = w.run(now + 1s);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->outcome, "Published");
  EXPECT_EQ(w.signer.calls, 2);
}

TEST(RepublishReconcilerTest, KnownSequenceStillRepublishesWhenTheLookupFails) {
  World w;
  auto now = at("2026-06-01T00:00:00Z");
  ASSERT_EQ(w.run(now)->outcome, "Published");
  w.publisher.lookup_fails = true;
  auto r = w.run(now + 7h);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->outcome, "Published");
  EXPECT_EQ(w.store.stored.status.published_sequence, 4u);
}

// Issue 10 item 4: a duplicate of another object's name is never signed nor published, says
// why in Ready, and raises one Warning event naming the owner (not one per reconcile).
TEST(RepublishReconcilerTest, DuplicateNameIsNeverSignedAndNamesTheOwner) {
  World w;
  auto now = at("2026-06-01T00:00:00Z");
  w.store.stored.status.pending =
      PendingRecord{3, base64_encode(signed_record(w.key, "/ipfs/" + std::string(kCidA), 3)),
                    now + 48h, now, "/ipfs/" + std::string(kCidA)};
  auto r = w.reconciler.reconcile_duplicate(w.store.stored, "team-a/photos", now);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->outcome, to_string(Reason::kDuplicateName));
  EXPECT_FALSE(r->requeue_at);
  EXPECT_EQ(w.signer.calls, 0);
  EXPECT_EQ(w.publisher.lookups, 0);
  EXPECT_TRUE(w.publisher.published.empty()) << "not even its pending record";
  const auto* ready = find_condition(w.store.stored.status.conditions, condition::kReady);
  ASSERT_NE(ready, nullptr);
  EXPECT_EQ(ready->status, "False");
  EXPECT_EQ(ready->reason, to_string(Reason::kDuplicateName));
  EXPECT_NE(ready->message.find("team-a/photos"), std::string::npos);
  ASSERT_EQ(w.events.reasons, std::vector<std::string>{to_string(Reason::kDuplicateName)});
  EXPECT_TRUE(w.events.warnings[0]);
  EXPECT_NE(w.events.messages[0].find("team-a/photos"), std::string::npos);
  int writes = w.store.writes;
  ASSERT_TRUE(w.reconciler.reconcile_duplicate(w.store.stored, "team-a/photos", now + 1min));
  EXPECT_EQ(w.store.writes, writes) << "nothing changed: no write";
  EXPECT_EQ(w.events.reasons.size(), 1u) << "no second event";
}

// Issue 10 item 12 (shape): after a success the last failure's reason, message and time are
// written as explicit nulls, which a JSON merge patch needs to remove them.
TEST(RepublishReconcilerTest, SuccessWritesNullsOverTheLastFailure) {
  World w;
  auto now = at("2026-06-01T00:00:00Z");
  w.signer.down = true;
  ASSERT_EQ(w.run(now)->outcome, "SignerUnavailable");
  EXPECT_EQ(w.store.stored.status.failures.reason, "SignerUnavailable");
  w.signer.down = false;
  ASSERT_EQ(w.run(now + 5s)->outcome, "Published");
  auto failures = status_to_json(w.store.stored.status)["failures"];
  EXPECT_EQ(failures["count"], 0);
  for (const char* field : {"reason", "message", "lastAttemptAt"}) {
    ASSERT_TRUE(failures.contains(field)) << field;
    EXPECT_TRUE(failures[field].is_null()) << field;
  }
}

// Invariants 1-4 under crashes at every possible write, over many cycles: published sequences
// strictly increase, every published record validates, a pending record is never lost.
TEST(RepublishReconcilerTest, CrashesAtAnyStepBreakNoInvariant) {
  World w;
  std::mt19937 rng(42);
  auto now = at("2026-06-01T00:00:00Z");
  std::map<std::uint64_t, Bytes> by_sequence;
  for (int cycle = 0; cycle < 300; ++cycle) {
    w.store.crash_at_write = w.store.writes + 1 + static_cast<int>(rng() % 4);  // 4: no crash
    std::optional<PendingRecord> pending_before = w.store.stored.status.pending;
    try {
      auto r = w.run(now);
      ASSERT_TRUE(r) << r.error().message;
    } catch (const Crash&) {
    }
    if (pending_before && w.store.stored.status.pending) {
      EXPECT_EQ(w.store.stored.status.pending->record, pending_before->record);
    }
    now += (rng() % 2) ? 7h : 1min;
  }
  ASSERT_GT(w.publisher.published.size(), 50u);
  std::uint64_t last = 0;
  for (const auto& bytes : w.publisher.published) {
    auto rec = ipns::verify_record_signature(w.key.name, bytes);
    ASSERT_TRUE(rec);
    EXPECT_GE(rec->sequence, last);  // the same pending record may be published again after a crash
    auto [it, inserted] = by_sequence.emplace(rec->sequence, bytes);
    if (!inserted) {
      EXPECT_EQ(it->second, bytes) << "two different records with sequence " << rec->sequence;
    }
    last = rec->sequence;
  }
}

// Issue 14: a key the signer re-encrypted (lazy migration) is in the key ledger before status
// holds it, so a folder deleted right after the cycle (or a crash before the pending write)
// still has it.
TEST(RepublishReconcilerTest, ARewrappedKeyIsInTheLedgerBeforeStatusHoldsIt) {
  World w;
  testing::MemoryLedgerStore ledgers;
  KeyLedgerWriter writer(ledgers);
  RepublishReconciler reconciler{{w.store, w.signer, w.publisher, w.events, &writer},
                                 BackoffPolicy{5s, 5min, 0.0}};
  w.signer.rewrap = EncryptedKeyRef{2, "cmV3cmFwcGVk"};
  // Reserve is write 1; the write after publishing (with migratedKey) crashes.
  w.store.crash_at_write = 2;
  EXPECT_THROW((void)reconciler.reconcile(
                   w.store.stored, ActiveEpoch{2, "http://signer", signer_named("http://signer")},
                   at("2026-06-01T00:00:00Z")),
               Crash);
  EXPECT_FALSE(w.store.stored.status.migrated_key) << "status never got it";
  const auto& ledger = ledgers.objects.at(w.key.name.text());
  ASSERT_NE(ledger.key_for(2), nullptr);
  EXPECT_EQ(ledger.key_for(2)->encrypted_key, "cmV3cmFwcGVk");
  EXPECT_EQ(ledger.key_for(2)->source, ledger_source::kRewrapped);
}

TEST(RepublishReconcilerTest, AResumedKeyIsWrittenToStatusAnnouncedAndSignedWith) {
  World w;
  auto now = at("2026-06-01T00:00:00Z");
  Resumption resumption;
  resumption.key = EncryptedKeyRef{2, "bGVkZ2Vy"};
  auto resumed = w.reconciler.resume(w.store.stored, resumption);
  ASSERT_TRUE(resumed) << resumed.error().message;
  EXPECT_EQ(w.store.stored.status.migrated_key->epoch, 2u);
  EXPECT_EQ(*w.store.stored.status.key_epoch, 2u);
  EXPECT_EQ(w.events.reasons, std::vector<std::string>{"KeyResumed"});
  EXPECT_EQ(w.events.messages[0].find("bGVkZ2Vy"), std::string::npos) << "no key in events";
  w.epoch = ActiveEpoch{2, "http://signer-b", signer_named("http://signer-b")};
  auto r = w.run(now);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->outcome, "Published");
  EXPECT_EQ(w.signer.last_key, "bGVkZ2Vy");
}

}  // namespace
}  // namespace cbx::op
