// The read-back checker against in-memory ports: routing endpoints that keep, drop or forge
// records, a status store with resourceVersion preconditions. Nothing here can sign: a re-PUT
// can only be the record status already holds.
#include "controllers/readback/readback_checker.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>

#include "controllers/readback/resolvable_condition.h"
#include "republish_fixtures.h"

namespace cbx::op {
namespace {

using namespace testing;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;
using namespace std::chrono_literals;

constexpr char kGood[] = "http://good";
constexpr char kBad[] = "http://bad";

class FakeRouting : public EndpointRouting {
 public:
  struct Endpoint {
    std::optional<Bytes> served;
    bool drops_puts = false;  // accepts PUTs, keeps nothing (the routing server's knob)
    bool down = false;
    int lookups = 0;
    std::vector<Bytes> puts;
  };
  std::map<std::string, Endpoint> endpoints;

  std::vector<std::string> endpoint_urls() const override {
    std::vector<std::string> urls;
    for (const auto& [url, e] : endpoints) urls.push_back(url);
    return urls;
  }
  Result<std::optional<Bytes>> resolve_at(const std::string& url, const std::string&) override {
    auto& e = endpoints.at(url);
    ++e.lookups;
    if (e.down) return make_error("UNAVAILABLE", "503");
    return e.served;
  }
  EndpointResult publish_at(const std::string& url, const std::string&, ByteView record) override {
    auto& e = endpoints.at(url);
    if (e.down) return {url, false, "UNAVAILABLE", "503", std::nullopt};
    e.puts.emplace_back(record.begin(), record.end());
    if (!e.drops_puts) e.served = e.puts.back();
    return {url, true, "", "", std::nullopt};
  }
};

class MemoryStatus : public StatusWriter {
 public:
  IpnsRepublish stored;
  int writes = 0;
  bool conflict = false;
  Result<IpnsRepublish> write_status(const IpnsRepublish& obj,
                                     const IpnsRepublishStatus& st) override {
    if (conflict || obj.resource_version != stored.resource_version) {
      return make_error("CONFLICT", "stale");
    }
    ++writes;
    stored.status = st;
    stored.resource_version = std::to_string(std::stoi(stored.resource_version) + 1);
    return stored;
  }
};

class Recorder : public EventSink, public ReadBackObserver {
 public:
  std::vector<std::string> event_reasons, event_messages, checks;
  void emit(const IpnsRepublish&, bool, const std::string& reason,
            const std::string& message) override {
    event_reasons.push_back(reason);
    event_messages.push_back(message);
  }
  void checked(const std::string& url, const std::string& result) override {
    checks.push_back(url + " " + result);
  }
};

const SysTime kPublishedAt = at("2026-12-01T00:00:00Z");

struct World {
  FolderKey key = folder_key(9);
  Bytes record = signed_record(key, std::string("/ipfs/") + kCidA, 5, kPublishedAt + 48h);
  FakeRouting routing;
  MemoryStatus status;
  Recorder recorder;
  int paced = 0;
  ReadBackOptions options{10s, 24h, 30s, 30min, Nanos::zero()};
  ReadBackChecker checker{{routing, status, recorder, recorder, [this] { ++paced; }}, options};

  World() {
    auto obj = folder(key, kCidA);
    obj.resource_version = "1";
    obj.status.published_sequence = 5;
    obj.status.last_record = base64_encode(record);
    obj.status.last_published_at = kPublishedAt;
    obj.status.valid_until = kPublishedAt + 48h;
    for (const char* url : {kGood, kBad}) {
      EndpointStatus e;
      e.url = url;
      e.published_sequence = 5;
      obj.status.endpoints.push_back(e);
    }
    status.stored = obj;
    routing.endpoints[kGood].served = record;  // both accepted the PUT; only one kept it
    routing.endpoints[kBad].drops_puts = true;
  }

  Result<ReadBackResult> check(SysTime now) { return checker.check(status.stored, now); }
  const EndpointStatus& endpoint(const std::string& url) const {
    for (const auto& e : status.stored.status.endpoints) {
      if (e.url == url) return e;
    }
    throw std::runtime_error("no endpoint " + url);
  }
  const ReadBack& read_back(const std::string& url) const { return *endpoint(url).read_back; }
  const Condition* resolvable() const {
    return find_condition(status.stored.status.conditions, condition::kResolvable);
  }
};

TEST(ReadBackChecker, WaitsForTheDelayAfterAPublication) {
  World w;
  auto r = w.check(kPublishedAt + 9s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->checked, 0);
  EXPECT_EQ(r->next_at, kPublishedAt + 10s);
  EXPECT_EQ(w.routing.endpoints[kGood].lookups, 0);
  EXPECT_EQ(w.status.writes, 0);
}

TEST(ReadBackChecker, GoodEndpointVerifiedBadOneMarkedAndGivenTheSameRecordAgain) {
  World w;
  auto now = kPublishedAt + 10s;
  auto r = w.check(now);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->checked, 2);

  const auto& good = w.read_back(kGood);
  EXPECT_EQ(good.result, readback::kVerified);
  EXPECT_EQ(good.verified_sequence, 5u);
  EXPECT_EQ(good.verified_valid_until, kPublishedAt + 48h);
  EXPECT_EQ(good.verified_at, now);

  const auto& bad = w.read_back(kBad);
  EXPECT_EQ(bad.result, readback::kMismatch);
  EXPECT_EQ(bad.failures, 1u);
  EXPECT_FALSE(bad.verified_sequence);
  EXPECT_THAT(bad.message, HasSubstr("serves no record"));
  // Re-PUT without a signer: byte for byte the record status holds.
  ASSERT_EQ(w.routing.endpoints[kBad].puts.size(), 1u);
  EXPECT_EQ(w.routing.endpoints[kBad].puts[0], w.record);
  EXPECT_TRUE(w.routing.endpoints[kGood].puts.empty());

  ASSERT_NE(w.resolvable(), nullptr);
  EXPECT_EQ(w.resolvable()->status, "True");
  EXPECT_EQ(w.resolvable()->reason, "Served");
  EXPECT_EQ(w.recorder.event_reasons, std::vector<std::string>{readback::kMismatch});
  EXPECT_THAT(w.recorder.event_messages[0], HasSubstr(kBad));
  EXPECT_THAT(w.recorder.checks, UnorderedElementsAre(std::string(kGood) + " Verified",
                                                      std::string(kBad) + " ReadBackMismatch"));
  EXPECT_EQ(w.paced, 3);  // two lookups and one re-PUT, each paced
  // The good one comes back when its record's validity reaches the margin; the bad one soon.
  EXPECT_EQ(r->next_at, now + 30s);
}

TEST(ReadBackChecker, MismatchRetriesOnItsOwnBackoffAndRecovers) {
  World w;
  auto first = kPublishedAt + 10s;
  ASSERT_TRUE(w.check(first));
  auto r = w.check(first + 29s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->checked, 0);
  r = w.check(first + 30s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->checked, 1);  // only the bad endpoint
  EXPECT_EQ(w.routing.endpoints[kGood].lookups, 1);
  EXPECT_EQ(w.read_back(kBad).failures, 2u);
  EXPECT_EQ(r->next_at, first + 30s + 60s);
  EXPECT_EQ(w.recorder.event_reasons.size(), 1u) << "one event per publication, not per retry";
  EXPECT_EQ(w.routing.endpoints[kBad].puts.size(), 2u);

  w.routing.endpoints[kBad].drops_puts = false;  // it keeps the next PUT
  ASSERT_TRUE(w.check(first + 90s));
  EXPECT_EQ(w.read_back(kBad).result, readback::kMismatch);
  ASSERT_TRUE(w.check(first + 90s + 120s));
  EXPECT_EQ(w.read_back(kBad).result, readback::kVerified);
  EXPECT_EQ(w.read_back(kBad).failures, 0u);
  EXPECT_EQ(w.read_back(kBad).verified_sequence, 5u);
}

TEST(ReadBackChecker, BackoffIsCappedAtTheMaximum) {
  World w;
  w.options.retry_max = 2min;
  ReadBackChecker checker{{w.routing, w.status, w.recorder, w.recorder, nullptr}, w.options};
  auto now = kPublishedAt + 10s;
  std::optional<SysTime> next;
  for (int i = 0; i < 6; ++i) {
    auto r = checker.check(w.status.stored, now);
    ASSERT_TRUE(r);
    next = r->next_at;
    now = *next;
  }
  auto last_checked = *w.read_back(kBad).checked_at;
  EXPECT_EQ(*next - last_checked, 2min);
}

TEST(ReadBackChecker, ANewPublicationIsReadBackAfterTheDelayAndStartsTheBackoffOver) {
  World w;
  ASSERT_TRUE(w.check(kPublishedAt + 10s));
  ASSERT_TRUE(w.check(kPublishedAt + 40s));
  EXPECT_EQ(w.read_back(kBad).failures, 2u);
  auto later = kPublishedAt + 6h;
  auto next_record = signed_record(w.key, std::string("/ipfs/") + kCidA, 6, later + 48h);
  auto& st = w.status.stored.status;
  st.published_sequence = 6;
  st.last_record = base64_encode(next_record);
  st.last_published_at = later;
  st.valid_until = later + 48h;
  for (auto& e : st.endpoints) e.published_sequence = 6;
  w.routing.endpoints[kGood].served = next_record;
  auto r = w.check(later + 1s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->checked, 0);
  EXPECT_EQ(r->next_at, later + 10s);
  ASSERT_TRUE(w.check(later + 10s));
  EXPECT_EQ(w.read_back(kGood).verified_sequence, 6u);
  EXPECT_EQ(w.read_back(kBad).failures, 1u);
  EXPECT_EQ(w.read_back(kBad).sequence, 6u);
  EXPECT_EQ(w.recorder.event_reasons.size(), 2u) << "a new publication's mismatch is news";
}

TEST(ReadBackChecker, NotResolvableWhenNoEndpointServesTheRecord) {
  World w;
  w.routing.endpoints[kGood].served.reset();
  w.routing.endpoints[kGood].drops_puts = true;
  ASSERT_TRUE(w.check(kPublishedAt + 10s));
  ASSERT_NE(w.resolvable(), nullptr);
  EXPECT_EQ(w.resolvable()->status, "False");
  EXPECT_EQ(w.resolvable()->reason, "NotServed");
}

TEST(ReadBackChecker, NotResolvableWhenTheServedRecordIsValidForLessThanTheMargin) {
  World w;
  auto now = kPublishedAt + 10s;
  ASSERT_TRUE(w.check(now));
  EXPECT_EQ(w.resolvable()->status, "True");
  // The good endpoint is re-read when its record's validity reaches the margin.
  auto r = w.check(now + 30s);
  ASSERT_TRUE(r);
  auto margin_reached = kPublishedAt + 48h - 24h;
  std::optional<SysTime> t = r->next_at;
  while (t && *t < margin_reached) {
    r = w.check(*t);
    ASSERT_TRUE(r);
    t = r->next_at;
  }
  ASSERT_TRUE(w.check(margin_reached + 1s));
  EXPECT_EQ(w.resolvable()->status, "False");
  EXPECT_EQ(w.resolvable()->reason, "ValidityBelowMargin");
  EXPECT_GE(w.routing.endpoints[kGood].lookups, 2);
}

TEST(ReadBackChecker, AForgedOrForeignRecordIsAMismatchEvenWithAHigherSequence) {
  World w;
  auto other = folder_key(10);
  w.routing.endpoints[kGood].served =
      signed_record(other, std::string("/ipfs/") + kCidB, 99, kPublishedAt + 48h);
  ASSERT_TRUE(w.check(kPublishedAt + 10s));
  EXPECT_EQ(w.read_back(kGood).result, readback::kMismatch);
  EXPECT_THAT(w.read_back(kGood).message, HasSubstr("did not sign"));
  EXPECT_EQ(w.resolvable()->status, "False");
}

TEST(ReadBackChecker, AnUnreachableEndpointIsRetriedButNotRePut) {
  World w;
  w.routing.endpoints[kBad].down = true;
  ASSERT_TRUE(w.check(kPublishedAt + 10s));
  EXPECT_EQ(w.read_back(kBad).result, readback::kUnreachable);
  EXPECT_TRUE(w.routing.endpoints[kBad].puts.empty());
  EXPECT_EQ(w.resolvable()->status, "True");
  EXPECT_TRUE(w.recorder.event_reasons.empty());
}

TEST(ReadBackChecker, AnExpiredPublishedRecordIsNotPutAgain) {
  World w;
  auto now = kPublishedAt + 49h;
  ASSERT_TRUE(w.check(now));
  EXPECT_EQ(w.read_back(kBad).result, readback::kMismatch);
  EXPECT_TRUE(w.routing.endpoints[kBad].puts.empty());
  EXPECT_THAT(w.read_back(kBad).message, HasSubstr("expired"));
}

TEST(ReadBackChecker, EndpointsThatNeverAcceptedOrAreNoLongerConfiguredAreLeftAlone) {
  World w;
  w.status.stored.status.endpoints[1].published_sequence.reset();  // kBad never accepted
  EndpointStatus gone;
  gone.url = "http://removed";
  gone.published_sequence = 5;
  w.status.stored.status.endpoints.push_back(gone);
  auto r = w.check(kPublishedAt + 10s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->checked, 1);
  EXPECT_EQ(w.routing.endpoints[kBad].lookups, 0);
  EXPECT_FALSE(w.endpoint("http://removed").read_back);
}

TEST(ReadBackChecker, AStatusConflictIsReturnedForARetry) {
  World w;
  w.status.conflict = true;
  auto r = w.check(kPublishedAt + 10s);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "CONFLICT");
  EXPECT_TRUE(w.recorder.event_reasons.empty()) << "no event for a result not stored";
}

TEST(ReadBackChecker, NothingToDoBeforeTheFirstPublication) {
  World w;
  w.status.stored.status.published_sequence.reset();
  w.status.stored.status.last_record.clear();
  auto r = w.check(kPublishedAt + 1h);
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->next_at);
  EXPECT_EQ(r->checked, 0);
}

TEST(ReadBackStatus, SurvivesTheJsonRoundTrip) {
  World w;
  ASSERT_TRUE(w.check(kPublishedAt + 10s));
  nlohmann::json object = {{"metadata", {{"name", "photos"}, {"namespace", "default"}}},
                           {"spec",
                            {{"ipnsName", w.key.name.text()},
                             {"cid", kCidA},
                             {"encryptedKey", "c2VhbGVk"},
                             {"keyEpoch", 1}}},
                           {"status", status_to_json(w.status.stored.status)}};
  auto parsed = parse_ipns_republish(object);
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(status_to_json(parsed->status), status_to_json(w.status.stored.status));
  const auto& rb = *parsed->status.endpoints[0].read_back;
  EXPECT_EQ(rb.result, readback::kVerified);
  EXPECT_EQ(rb.verified_sequence, 5u);
}

TEST(JudgeServed, OlderSequenceAndSameSequenceOtherRecordAreMismatchesNewerIsVerified) {
  World w;
  auto value = std::string("/ipfs/") + kCidA;
  Result<std::optional<Bytes>> older = std::optional<Bytes>(signed_record(w.key, value, 4));
  Result<std::optional<Bytes>> twin =
      std::optional<Bytes>(signed_record(w.key, std::string("/ipfs/") + kCidB, 5));
  Result<std::optional<Bytes>> newer = std::optional<Bytes>(signed_record(w.key, value, 7));
  EXPECT_EQ(judge_served(w.key.name, w.record, older).result, readback::kMismatch);
  EXPECT_EQ(judge_served(w.key.name, w.record, twin).result, readback::kMismatch);
  auto v = judge_served(w.key.name, w.record, newer);
  EXPECT_EQ(v.result, readback::kVerified);
  EXPECT_EQ(v.served_sequence, 7u);
  Result<std::optional<Bytes>> garbage = std::optional<Bytes>(Bytes{1, 2, 3});
  EXPECT_EQ(judge_served(w.key.name, w.record, garbage).result, readback::kMismatch);
}

}  // namespace
}  // namespace cbx::op
