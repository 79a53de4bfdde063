// The signer's records are checked before they are stored (issue 10 item 6): a record of another
// key, over another value, with another sequence, TTL or a longer validity than planned is
// dropped (never stored, never published), raised as a Warning event and counted as the cycle's
// outcome SignedRecordRejected. A record the signer capped is kept, and status and schedule use
// the validity it really carries.
#include "controllers/republish/signed_record_check.h"

#include <gtest/gtest.h>

#include "cbx/ipns/record.h"
#include "controllers/republish/republish_reconciler.h"
#include "controllers/republish/status_transitions.h"
#include "republish_fixtures.h"
#include "signer_handles.h"

namespace cbx::op {
namespace {

using namespace testing;
using namespace std::chrono_literals;

const SysTime kNow = at("2026-06-01T00:00:00Z");

enum class Fault {
  kNone,
  kOtherKey,
  kOtherValue,
  kOtherSequence,
  kOtherJsonSequence,
  kLonger,
  kExpired,
  kOtherTtl,
  kCapped,
  kNotBase64,
  kRewrappedElsewhere
};

// Signs for real with the folder's seed (or another one), then bends one field as told.
class FaultySigner : public RecordSigner {
 public:
  FaultySigner(const FolderKey& key, const FolderKey& other) : key_(key), other_(other) {}
  Fault fault = Fault::kNone;
  int calls = 0;

  void sign(const SignerRef&, std::uint64_t, SignRequest e, SignDone done) override {
    done(answer(e));
  }
  Result<SignOutcome> answer(const SignRequest& e) {
    ++calls;
    ipns::RecordFields fields{e.value, e.validity, e.sequence,
                              static_cast<std::uint64_t>(e.ttl.count()) * 1'000'000'000ULL};
    const FolderKey* signer = &key_;
    switch (fault) {
      case Fault::kOtherKey:
        signer = &other_;
        break;
      case Fault::kOtherValue:
        fields.value = "/ipfs/" + std::string(kCidB);
        break;
      case Fault::kOtherSequence:
        fields.sequence = e.sequence - 1;
        break;
      case Fault::kLonger:
        fields.validity = ipns::format_validity(*ipns::parse_validity(e.validity) + 1s);
        break;
      case Fault::kExpired:
        fields.validity = ipns::format_validity(kNow - 1s);
        break;
      case Fault::kOtherTtl:
        fields.ttl_ns += 1;
        break;
      case Fault::kCapped:
        fields.validity = ipns::format_validity(kNow + 168h);
        break;
      default:
        break;
    }
    SignOutcome r;
    r.id = e.id;
    r.ok = true;
    r.record = base64_encode(*ipns::make_record(signer->key, fields));
    r.sequence = fault == Fault::kOtherJsonSequence ? e.sequence + 1 : e.sequence;
    r.validity = fields.validity;
    if (fault == Fault::kNotBase64) r.record = "not base64!";
    if (fault == Fault::kRewrappedElsewhere) {
      r.rewrapped = EncryptedKeyRef{7, "c2VhbGVk"};
    }
    return r;
  }

 private:
  const FolderKey& key_;
  const FolderKey& other_;
};

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

class Routing : public RecordPublisher {
 public:
  std::vector<Bytes> published;
  Result<NetworkLookup> resolve(const std::string&) override { return NetworkLookup{}; }
  std::vector<EndpointResult> publish(const std::string&, ByteView record) override {
    published.emplace_back(record.begin(), record.end());
    return {{"http://routing", true, "", "", std::nullopt}};
  }
};

class Events : public EventSink {
 public:
  struct Event {
    bool warning;
    std::string reason, message;
  };
  std::vector<Event> events;
  void emit(const IpnsRepublish&, bool warning, const std::string& reason,
            const std::string& message) override {
    events.push_back({warning, reason, message});
  }
};

struct World {
  FolderKey key = folder_key(7);
  FolderKey other = folder_key(8);
  Store store;
  FaultySigner signer{key, other};
  Routing routing;
  Events events;
  RepublishReconciler reconciler{{store, signer, routing, events}, BackoffPolicy{5s, 5min, 0.0}};

  World() {
    store.stored = folder(key, kCidA);
    store.stored.resource_version = "1";
    store.stored.spec.owner_record = signed_record(key, "/ipfs/" + std::string(kCidA), 2);
  }
  Result<ReconcileResult> run(SysTime now) {
    return reconciler.reconcile(
        store.stored, ActiveEpoch{1, "http://signer", signer_named("http://signer")}, now);
  }
};

struct Case {
  Fault fault;
  const char* what;
};

TEST(SignedRecordCheckTest, AWrongRecordIsDroppedNeverStoredNorPublished) {
  for (auto [fault, what] :
       {Case{Fault::kOtherKey, "signed by another key"}, Case{Fault::kOtherValue, "another value"},
        Case{Fault::kOtherSequence, "another sequence in the record"},
        Case{Fault::kOtherJsonSequence, "another sequence in the answer"},
        Case{Fault::kLonger, "valid longer than planned"}, Case{Fault::kExpired, "already expired"},
        Case{Fault::kOtherTtl, "another TTL"}, Case{Fault::kNotBase64, "not base64"},
        Case{Fault::kRewrappedElsewhere, "key rewrapped to an epoch not asked"}}) {
    World w;
    w.signer.fault = fault;
    auto r = w.run(kNow);
    ASSERT_TRUE(r) << what;
    EXPECT_EQ(r->outcome, to_string(Reason::kSignedRecordRejected)) << what;
    EXPECT_EQ(w.signer.calls, 1) << what;
    EXPECT_TRUE(w.routing.published.empty()) << what;
    EXPECT_FALSE(w.store.stored.status.pending) << what;
    EXPECT_TRUE(w.store.stored.status.last_record.empty()) << what;
    EXPECT_FALSE(w.store.stored.status.migrated_key) << what;
    EXPECT_EQ(w.store.stored.status.failures.reason, to_string(Reason::kSignedRecordRejected))
        << what;
    EXPECT_EQ(w.store.stored.status.sequence, 3u) << what << ": the reserved sequence stays burnt";
    ASSERT_EQ(w.events.events.size(), 1u) << what;
    EXPECT_TRUE(w.events.events[0].warning) << what;
    EXPECT_EQ(w.events.events[0].reason, to_string(Reason::kSignedRecordRejected)) << what;
    // The next cycle signs afresh with a new sequence; a good record then goes out.
    w.signer.fault = Fault::kNone;
    auto next = w.run(*r->requeue_at);
    ASSERT_TRUE(next) << what;
    EXPECT_EQ(next->outcome, "Published") << what;
    ASSERT_EQ(w.routing.published.size(), 1u) << what;
    EXPECT_EQ(ipns::verify_record_signature(w.key.name, w.routing.published[0])->sequence, 4u);
  }
}

TEST(SignedRecordCheckTest, ACappedRecordIsKeptAndItsRealValidityDrivesStatusAndSchedule) {
  World w;
  w.store.stored.spec.lifetime = 400h;
  w.store.stored.spec.interval = 200h;
  w.signer.fault = Fault::kCapped;  // the signer's default --max-lifetime 168h
  auto r = w.run(kNow);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->outcome, "Published");
  const auto& st = w.store.stored.status;
  EXPECT_EQ(st.valid_until, kNow + 168h) << "status.validUntil is the record's, not the plan's";
  ASSERT_TRUE(st.next_republish_at);
  // 200h/400h of the real 168h: republished at most 84 h after publishing (minus jitter).
  EXPECT_LE(*st.next_republish_at, kNow + 84h);
  EXPECT_GE(*st.next_republish_at, kNow + 84h - 84h / 10 - 1s);
  const auto* capped = find_condition(st.conditions, condition::kLifetimeCapped);
  ASSERT_TRUE(capped);
  EXPECT_EQ(capped->status, "True");
  EXPECT_EQ(capped->reason, "SignerCap");
  // An uncapped record later clears the condition.
  w.store.stored.spec.lifetime = 48h;
  w.store.stored.spec.interval = 6h;
  w.store.stored.generation = 2;
  w.signer.fault = Fault::kNone;
  ASSERT_EQ(w.run(kNow + 1h)->outcome, "Published");
  EXPECT_EQ(find_condition(w.store.stored.status.conditions, condition::kLifetimeCapped)->status,
            "False");
}

TEST(SignedRecordCheckTest, APendingCappedRecordIsReSignedAtHalfItsRealLifetime) {
  IpnsRepublish obj = folder(folder_key(7), kCidA);
  obj.spec.lifetime = 400h;
  obj.spec.interval = 200h;
  obj.status.pending = PendingRecord{3, "AAAA", kNow + 168h, kNow, "/ipfs/x"};
  EXPECT_EQ(evaluate_due(obj, kNow + 83h, {}).action, DueAction::kPublishPending);
  // 85 h later less than half of the real 168 h is left (half of spec.lifetime would be 200 h).
  EXPECT_EQ(evaluate_due(obj, kNow + 85h, {}).action, DueAction::kSign);
}

TEST(SignedRecordCheckTest, EffectiveIntervalScalesOnlyWhenCapped) {
  IpnsRepublishSpec spec;
  spec.interval = 6h;
  spec.lifetime = 48h;
  EXPECT_EQ(effective_interval(spec, 48h), 6h);
  EXPECT_EQ(effective_interval(spec, 100h), 6h);
  EXPECT_EQ(effective_interval(spec, 24h), 3h);
  EXPECT_EQ(effective_interval(spec, 1s), 1min) << "never a hot loop";
  EXPECT_EQ(effective_interval(spec, -5h), 1min);
}

TEST(SignedRecordCheckTest, SignOutcomesMapToDocumentedReasons) {
  auto key = folder_key(7);
  IpnsRepublish obj = folder(key, kCidA);
  SigningPlan plan;
  auto unavailable = accept_sign_outcome(obj, plan, 1, make_error("UNAVAILABLE", "down"), kNow);
  EXPECT_EQ(unavailable.error().code, to_string(Reason::kSignerUnavailable));
  auto unreadable = accept_sign_outcome(obj, plan, 1, make_error("BAD_RESPONSE", "junk"), kNow);
  EXPECT_EQ(unreadable.error().code, to_string(Reason::kSignerProtocolError));
  SignOutcome refused;
  refused.error_code = "VALUE_NOT_OWNER_SIGNED";
  EXPECT_EQ(accept_sign_outcome(obj, plan, 1, refused, kNow).error().code,
            "VALUE_NOT_OWNER_SIGNED");
  refused.error_code.clear();
  EXPECT_EQ(accept_sign_outcome(obj, plan, 1, refused, kNow).error().code,
            to_string(Reason::kSignerProtocolError));
}

TEST(SignedRecordCheckTest, AGoodRecordPassesWithItsValidity) {
  auto key = folder_key(7);
  IpnsRepublish obj = folder(key, kCidA);
  SigningPlan plan;
  plan.value = "/ipfs/" + std::string(kCidA);
  plan.sequence = 9;
  plan.valid_until = kNow + 48h;
  plan.validity = ipns::format_validity(plan.valid_until);
  plan.ttl = 5min;
  plan.key = EncryptedKeyRef{1, "c2VhbGVk"};
  SignOutcome result;
  result.ok = true;
  result.sequence = 9;
  result.record = base64_encode(
      *ipns::make_record(key.key, {plan.value, plan.validity, 9, 300'000'000'000ULL}));
  result.rewrapped = EncryptedKeyRef{2, "bmV3"};
  auto checked = check_signed_record(obj, plan, 2, result, kNow);
  ASSERT_TRUE(checked) << checked.error().message;
  EXPECT_EQ(checked->valid_until, plan.valid_until);
  ASSERT_TRUE(checked->rewrapped);
  EXPECT_EQ(checked->rewrapped->epoch, 2u);
}

}  // namespace
}  // namespace cbx::op
