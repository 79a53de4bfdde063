#include "cbx/attest/event_log.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "attest/json_canonical.h"
#include "cbx/crypto/hash.h"

namespace cbx::attest {
namespace {

using nlohmann::json;

struct Capture {
  epoch::TdxQuote quote;
  json events;  // the event_log array
};

Capture load(const std::string& name) {
  std::ifstream in(std::string(CBX_SOURCE_DIR) + "/tests/vectors/attestation/" + name);
  std::stringstream text;
  text << in.rdbuf();
  auto doc = json::parse(text.str());
  // The registers as the TDX v4 layout places them (RTMR0 at offset 376, 48 bytes each); read
  // here directly so that this library's tests need nothing else.
  auto bytes = *hex_decode(doc["quote"].get<std::string>());
  epoch::TdxQuote quote;
  for (std::size_t i = 0; i < 4; ++i) {
    std::copy_n(bytes.begin() + static_cast<std::ptrdiff_t>(epoch::kTdxRtmr0Offset + 48 * i), 48,
                quote.rtmr[i].begin());
  }
  return Capture{quote, json::parse(doc["event_log"].get<std::string>())};
}

// dstack fixture quote-report.json: runtime events carry their V1 digests.
Capture v1_capture() {
  return load("dstack-quote-with-eventlog.json");
}
// dstack 0.6 "lite" fixture: runtime events stripped of their digest, boot events of payload.
Capture lite_capture() {
  return load("dstack-tdx-lite-getquote.json");
}

std::size_t index_of(const json& events, const std::string& name) {
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (events[i]["imr"] == 3 && events[i]["event"] == name) return i;
  }
  ADD_FAILURE() << "no event " << name;
  return 0;
}

std::string error_code(const json& events, const epoch::TdxQuote& quote) {
  auto r = verify_event_log(events.dump(), quote);
  return r ? "OK" : r.error().code;
}

TEST(EventLogTest, V1CaptureReplaysAllFourRtmrsByteExact) {
  auto c = v1_capture();
  auto r = verify_event_log(c.events.dump(), c.quote);
  ASSERT_TRUE(r) << r.error().message;
  // The quote's registers (offsets 376..567), independently replayed in Python.
  EXPECT_EQ(hex_encode(r->rtmr[0]),
            "2e3843265f8ecdd4e2282694747f6f2f111605c33f2a8882f5734ee6f3a6ce63d8f34aeef06093dcda76fa"
            "5f9d33d8d6");
  EXPECT_EQ(hex_encode(r->rtmr[3]),
            "0f787c3877f3e95095d5a4d13dd0fe0233803b30120d8469866719dc28f519ce021fe1e53459121e7a5a44"
            "43147185a8");
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(r->rtmr[i], c.quote.rtmr[i]) << "RTMR" << i;
    EXPECT_TRUE(r->carried[i]);
  }
  EXPECT_EQ(r->identity.compose_hash,
            "3763bc34552cf3a27ff71ad5f7a90471562a1a2df552dfc1998cba2d60da27e7");
  EXPECT_EQ(r->identity.app_id, "3763bc34552cf3a27ff71ad5f7a90471562a1a2d");
  EXPECT_EQ(r->identity.instance_id, "c3714eb66990eace777b4e664c16e09375dec4c9");
  EXPECT_EQ(
      r->identity.key_provider,
      R"({"name":"local-sgx","id":"1b7a49378403249b6986a907844cab0921eca32dd47e657f3c10311ccaeccf8b"})");
  EXPECT_EQ(r->identity.os_image_hash, "");  // this older image does not measure it
}

TEST(EventLogTest, LiteCaptureReplaysFromRecomputedRuntimeDigests) {
  auto c = lite_capture();
  // Why the lite capture does not replay "as given": its runtime events have no digest at all
  // (dstack 0.6 strips them: the verifier recomputes them from name and payload).
  for (const auto& e : c.events) {
    if (e["imr"] == 3) {
      EXPECT_EQ(e["digest"], "");
    }
  }
  auto r = verify_event_log(c.events.dump(), c.quote);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(hex_encode(r->rtmr[3]),
            "6f24c170d0fd63fc2b1b53202eea47b013978437fa6982cf5e0438ff95c208994aaa0f4ebab2e3a66824b5"
            "b56869137e");
  for (int i = 0; i < 4; ++i) EXPECT_EQ(r->rtmr[i], c.quote.rtmr[i]) << "RTMR" << i;
  EXPECT_EQ(r->identity.compose_hash,
            "86b0e55f2fa8e4fb69d890f14f54d5612707646e2573d54e0d2ddaaade77caa9");
  EXPECT_EQ(r->identity.app_id, "86b0e55f2fa8e4fb69d890f14f54d5612707646e");
  EXPECT_EQ(r->identity.instance_id, "050bf89570575fe8fab4cb8f0a62a9e64efe8ead");
  EXPECT_EQ(r->identity.os_image_hash,
            "07a2388c7a6a1b6a646d443f1517990a4ec294471d63146cda9d56972765051d");
  EXPECT_EQ(r->identity.key_provider.substr(0, 22), R"({"name":"kms","id":"30)");
}

TEST(EventLogTest, TheAgentsJsonInAStringFormIsAccepted) {
  auto c = lite_capture();
  EXPECT_TRUE(verify_event_log(json(c.events.dump()).dump(), c.quote));
}

TEST(EventLogTest, ChangedPayloadWithItsDigestIsADigestMismatch) {
  auto c = v1_capture();
  auto i = index_of(c.events, "compose-hash");
  c.events[i]["event_payload"] = std::string(64, 'a');
  EXPECT_EQ(error_code(c.events, c.quote), "EVENT_DIGEST_MISMATCH");
}

TEST(EventLogTest, ChangedPayloadOfAStrippedEventDoesNotReplay) {
  auto c = lite_capture();
  auto i = index_of(c.events, "compose-hash");
  c.events[i]["event_payload"] = std::string(64, 'a');
  EXPECT_EQ(error_code(c.events, c.quote), "RTMR_MISMATCH");
}

TEST(EventLogTest, ChangedPayloadWithARecomputedDigestDoesNotReplay) {
  auto c = v1_capture();
  auto i = index_of(c.events, "app-id");
  c.events[i]["event_payload"] = std::string(40, 'b');
  LogEvent e{3, kDstackRuntimeEventType, {}, "app-id", Bytes(20, 0xbb), 1, std::nullopt};
  c.events[i]["digest"] = hex_encode(*runtime_event_digest(e));
  EXPECT_EQ(error_code(c.events, c.quote), "RTMR_MISMATCH");
}

TEST(EventLogTest, ReorderedEventsDoNotReplay) {
  for (auto c : {v1_capture(), lite_capture()}) {
    auto a = index_of(c.events, "app-id"), b = index_of(c.events, "compose-hash");
    std::swap(c.events[a], c.events[b]);
    EXPECT_EQ(error_code(c.events, c.quote), "RTMR_MISMATCH");
  }
}

TEST(EventLogTest, ExtraEventDoesNotReplay) {
  for (auto c : {v1_capture(), lite_capture()}) {
    c.events.push_back({{"imr", 3},
                        {"event_type", kDstackRuntimeEventType},
                        {"digest", ""},
                        {"event", "extra"},
                        {"event_payload", "00"}});
    EXPECT_EQ(error_code(c.events, c.quote), "RTMR_MISMATCH");
  }
}

TEST(EventLogTest, ExtraBootEventDoesNotReplayItsRegister) {
  auto c = v1_capture();
  c.events.push_back({{"imr", 1},
                      {"event_type", 4},
                      {"digest", std::string(96, 'c')},
                      {"event", ""},
                      {"event_payload", ""}});
  auto r = verify_event_log(c.events.dump(), c.quote);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "RTMR_MISMATCH");
  EXPECT_NE(r.error().message.find("RTMR1"), std::string::npos);
}

TEST(EventLogTest, DroppedEventDoesNotReplay) {
  auto c = lite_capture();
  c.events.erase(index_of(c.events, "storage-fs"));
  EXPECT_EQ(error_code(c.events, c.quote), "RTMR_MISMATCH");
}

// An application may emit its own events after system-ready (dstack EmitEvent); a
// "compose-hash" among them must not become the identity.
TEST(EventLogTest, IdentityComesOnlyFromEventsBeforeSystemReady) {
  DstackAppIdentity id{std::string(64, 'a'), std::string(40, 'b'), std::string(40, 'c'),
                       R"({"name":"kms"})", ""};
  auto events = dstack_boot_events(id);
  events.push_back({"compose-hash", Bytes(32, 0xee)});
  auto built = build_runtime_event_log(events);
  auto parsed = parse_event_log(built.json_text);
  ASSERT_TRUE(parsed);
  auto r = replay_event_log(*parsed);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->identity.compose_hash, std::string(64, 'a'));
  EXPECT_EQ(r->rtmr[3], built.rtmr3);
}

TEST(EventLogTest, BuiltBootLogReplaysToItsRtmr3AndIdentity) {
  DstackAppIdentity id{std::string(64, 'a'), std::string(40, 'b'), std::string(40, 'c'),
                       R"({"name":"simulator"})", std::string(64, 'd')};
  auto built = build_runtime_event_log(dstack_boot_events(id));
  auto r = replay_event_log(*parse_event_log(built.json_text));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->rtmr[3], built.rtmr3);
  EXPECT_FALSE(r->carried[0]);
  EXPECT_EQ(r->identity.compose_hash, id.compose_hash);
  EXPECT_EQ(r->identity.app_id, id.app_id);
  EXPECT_EQ(r->identity.instance_id, id.instance_id);
  EXPECT_EQ(r->identity.key_provider, id.key_provider);
  EXPECT_EQ(r->identity.os_image_hash, id.os_image_hash);
}

std::string replay_code(const std::vector<RuntimeEventInput>& events) {
  auto parsed = parse_event_log(build_runtime_event_log(events).json_text);
  if (!parsed) return parsed.error().code;
  auto r = replay_event_log(*parsed);
  return r ? "OK" : r.error().code;
}

TEST(EventLogTest, IdentityEventsMustBeCompleteAndUnique) {
  DstackAppIdentity id{std::string(64, 'a'), std::string(40, 'b'), "", "{}", ""};
  auto events = dstack_boot_events(id);
  EXPECT_EQ(replay_code(events), "OK");
  auto no_ready = events;
  no_ready.pop_back();
  EXPECT_EQ(replay_code(no_ready), "EVENT_LOG_INCOMPLETE");
  auto twice = events;
  twice.insert(twice.begin() + 1, {"compose-hash", Bytes(32, 0x01)});
  EXPECT_EQ(replay_code(twice), "EVENT_LOG_INCOMPLETE");
  auto no_app_id = events;
  no_app_id.erase(no_app_id.begin() + 1);
  EXPECT_EQ(replay_code(no_app_id), "EVENT_LOG_INCOMPLETE");
}

TEST(EventLogTest, StructuralRefusals) {
  auto c = v1_capture();
  auto bad = [&](auto edit) {
    auto events = c.events;
    edit(events);
    return error_code(events, c.quote);
  };
  EXPECT_EQ(bad([](json& e) { e[0]["imr"] = 4; }), "EVENT_LOG_INVALID");
  EXPECT_EQ(bad([](json& e) { e[0]["imr"] = -1; }), "EVENT_LOG_INVALID");
  EXPECT_EQ(bad([](json& e) { e[0]["digest"] = "zz"; }), "EVENT_LOG_INVALID");
  EXPECT_EQ(bad([](json& e) { e[0]["digest"] = "abcd"; }), "EVENT_DIGEST_MISMATCH");
  EXPECT_EQ(bad([&](json& e) { e[index_of(c.events, "app-id")]["event_type"] = 4; }),
            "EVENT_LOG_INVALID");  // IMR 3 holds runtime events only
  EXPECT_EQ(bad([&](json& e) { e[index_of(c.events, "app-id")]["version"] = 3; }),
            "EVENT_LOG_INVALID");
  EXPECT_EQ(bad([](json& e) { e = json::object(); }), "EVENT_LOG_INVALID");
  EXPECT_EQ(verify_event_log("[[[[[[[[[[]]]]]]]]]]", c.quote).error().code, "EVENT_LOG_INVALID");
  EXPECT_EQ(verify_event_log("not json", c.quote).error().code, "EVENT_LOG_INVALID");
  EXPECT_EQ(verify_event_log(std::string(kMaxEventLogSize + 1, ' '), c.quote).error().code,
            "EVENT_LOG_INVALID");
}

// dstack documents these V2 canonical forms (cc-eventlog runtime_events.rs tests).
TEST(EventLogTest, V2CanonicalJson) {
  EXPECT_EQ(
      canonical_runtime_event_json("compose-hash", kDstackRuntimeEventType, Bytes{0xab, 0xcd}),
      R"({"name":"compose-hash","payload":"abcd","type":134217729})");
  EXPECT_EQ(canonical_runtime_event_json("event\"with\\special\nchars", kDstackRuntimeEventType,
                                         Bytes{0xff}),
            R"({"name":"event\"with\\special\nchars","payload":"ff","type":134217729})");
  EXPECT_EQ(canonical_runtime_event_json("\x08\x0c\n\r\t\x01", kDstackRuntimeEventType, {}),
            R"({"name":"\b\f\n\r\t\u0001","payload":"","type":134217729})");
}

TEST(EventLogTest, V2EventsReplayAndTheirPreimageMustBeCanonical) {
  LogEvent v2{3, kDstackRuntimeEventType, {}, "compose-hash", Bytes{0xab, 0xcd}, 2, std::nullopt};
  auto digest = runtime_event_digest(v2);
  ASSERT_TRUE(digest);
  auto expected = sha384(as_bytes(R"({"name":"compose-hash","payload":"abcd","type":134217729})"));
  EXPECT_TRUE(std::equal(digest->begin(), digest->end(), expected.begin()));
  LogEvent v1 = v2;
  v1.version = 1;
  EXPECT_NE(*runtime_event_digest(v1), *digest);

  std::vector<LogEvent> events = {
      {3, kDstackRuntimeEventType, {}, "app-id", Bytes(20, 1), 2, std::nullopt},
      v2,
      {3, kDstackRuntimeEventType, {}, "system-ready", {}, 2, std::nullopt}};
  EXPECT_TRUE(replay_event_log(events));
  std::string reordered = R"({"type":134217729,"name":"compose-hash","payload":"abcd"})";
  events[1].preimage = Bytes(reordered.begin(), reordered.end());
  auto r = replay_event_log(events);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "EVENT_DIGEST_MISMATCH");
}

}  // namespace
}  // namespace cbx::attest
