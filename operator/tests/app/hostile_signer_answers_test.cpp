// Malformed signer answers, served by a real HTTP server on loopback to the real SignerClient
// (Beast transport) and the sign batcher: each one fails the entries of its call with
// BAD_RESPONSE (reason SignerProtocolError in the folders' status), never throws, never ends the
// batcher's threads. A real signer cannot be made to send these, hence the scripted server.
#include <gtest/gtest.h>

#include <future>
#include <mutex>

#include "../../../common/tests/http_client/test_server.h"
#include "../controllers/signer_handles.h"
#include "app/client_signer_handle.h"
#include "cbx/http/beast_client.h"
#include "clients/signer_answers.h"
#include "clients/signer_client.h"
#include "controllers/republish/sign_batcher.h"

namespace cbx::op {
namespace {

using namespace std::chrono_literals;
using http::testing::Reply;
using http::testing::Seen;

// A well-formed ok result for `id` (its record is checked later, by signed_record_check).
std::string ok_result(const std::string& id, const std::string& sequence = "\"3\"") {
  return R"({"id":")" + id + R"(","ok":true,"record":"AAAA","sequence":)" + sequence +
         R"(,"validity":"2026-12-02T00:00:00.000000000Z"})";
}

std::string answer_of(const std::string& results) {
  return R"({"results":[)" + results + "]}";
}

struct Hostile {
  const char* what;
  std::string body;
  std::string content_type = "application/json";
};

std::vector<Hostile> hostile_answers() {
  std::string deep = std::string(20000, '[') + std::string(20000, ']');
  return {
      {"a result that is a number", R"({"results":[1]})"},
      {"ok as a string", answer_of(R"({"id":"ns/a","ok":"yes"})")},
      {"ok missing", answer_of(R"({"id":"ns/a","record":"AAAA","sequence":"3","validity":"x"})")},
      {"ok result without record",
       answer_of(R"({"id":"ns/a","ok":true,"sequence":"3","validity":"x"})")},
      {"record as a number",
       answer_of(R"({"id":"ns/a","ok":true,"record":42,"sequence":"3","validity":"x"})")},
      {"record not base64",
       answer_of(R"({"id":"ns/a","ok":true,"record":"!!!!","sequence":"3","validity":"x"})")},
      {"record over 10 KiB",
       answer_of(R"({"id":"ns/a","ok":true,"record":")" + std::string(20000, 'A') +
                 R"(","sequence":"3","validity":"x"})")},
      {"negative sequence string", answer_of(ok_result("ns/a", "\"-1\""))},
      {"sequence over 64 bits", answer_of(ok_result("ns/a", "\"18446744073709551616\""))},
      {"sequence with a leading zero", answer_of(ok_result("ns/a", "\"03\""))},
      {"sequence with spaces", answer_of(ok_result("ns/a", "\" 3\""))},
      {"negative sequence number", answer_of(ok_result("ns/a", "-3"))},
      {"fractional sequence", answer_of(ok_result("ns/a", "3.5"))},
      {"sequence as an object", answer_of(ok_result("ns/a", "{}"))},
      {"validity as a number",
       answer_of(R"({"id":"ns/a","ok":true,"record":"AAAA","sequence":"3","validity":5})")},
      {"rewrapped as a string",
       answer_of(
           R"({"id":"ns/a","ok":true,"record":"AAAA","sequence":"3","validity":"x","rewrapped":"x"})")},
      {"rewrapped epoch not a number",
       answer_of(
           R"({"id":"ns/a","ok":true,"record":"AAAA","sequence":"3","validity":"x","rewrapped":{"epoch":"two","encryptedKey":"AAAA"}})")},
      {"rewrapped key not base64",
       answer_of(
           R"({"id":"ns/a","ok":true,"record":"AAAA","sequence":"3","validity":"x","rewrapped":{"epoch":2,"encryptedKey":"%%"}})")},
      {"refusal without error", answer_of(R"({"id":"ns/a","ok":false})")},
      {"refusal with a string error", answer_of(R"({"id":"ns/a","ok":false,"error":"nope"})")},
      {"error code that is no reason",
       answer_of(R"({"id":"ns/a","ok":false,"error":{"code":"NO GOOD","message":"m"}})")},
      {"error message as a number",
       answer_of(R"({"id":"ns/a","ok":false,"error":{"code":"X","message":5}})")},
      {"id as a number", answer_of(R"({"id":5,"ok":false,"error":{"code":"X"}})")},
      {"id missing", answer_of(R"({"ok":false,"error":{"code":"X"}})")},
      {"a result for an id not asked", answer_of(ok_result("ns/zzz"))},
      {"an extra result for an id not asked",
       answer_of(ok_result("ns/a") + "," + ok_result("ns/zzz"))},
      {"two results for one id", answer_of(ok_result("ns/a") + "," + ok_result("ns/a"))},
      {"no results", answer_of("")},
      {"results as an object", R"({"results":{}})"},
      {"results missing", R"({"answers":[]})"},
      {"an array", "[]"},
      {"a string", R"("results")"},
      {"null", "null"},
      {"an empty body", ""},
      {"not JSON", "<html>busy</html>"},
      {"truncated JSON", answer_of(ok_result("ns/a")).substr(0, 40)},
      {"deeply nested arrays", R"({"results":)" + deep + "}"},
      {"a huge body", answer_of(ok_result("ns/a")) + std::string(kMaxSignerAnswerBytes, ' ')},
      {"the right answer as text/html", answer_of(ok_result("ns/a")), "text/html"},
      {"the right answer without a content type", answer_of(ok_result("ns/a")), ""},
  };
}

struct ScriptedSigner {
  std::mutex mutex;
  std::string body;
  std::string content_type = "application/json";
  http::testing::Server server{[this](const Seen&) {
    std::lock_guard lock(mutex);
    Reply reply;
    reply.body = body;
    if (!content_type.empty()) reply.headers.emplace_back("Content-Type", content_type);
    return reply;
  }};
  void answer(std::string b, std::string type = "application/json") {
    std::lock_guard lock(mutex);
    body = std::move(b);
    content_type = std::move(type);
  }
};

SecretBytes token() {
  std::string t = "secret-token";
  return SecretBytes(reinterpret_cast<const std::uint8_t*>(t.data()), t.size());
}

SignEntry entry(const std::string& id) {
  SignEntry e;
  e.id = id;
  e.sequence = 3;
  return e;
}

SignRequest request(const std::string& id) {
  SignRequest r;
  r.id = id;
  r.sequence = 3;
  return r;
}

// One request through the batcher, waited for.
Result<SignOutcome> sign_one(SignBatcher& batcher, const SignerRef& signer, SignRequest r) {
  std::promise<Result<SignOutcome>> outcome;
  auto future = outcome.get_future();
  batcher.sign(signer, 1, std::move(r),
               [&outcome](Result<SignOutcome> o) { outcome.set_value(std::move(o)); });
  return future.get();
}

std::unique_ptr<http::HttpTransport> transport() {
  return std::move(http::make_beast_client({}).value());
}

TEST(HostileSignerAnswersTest, EachMalformedAnswerFailsTheCallCleanly) {
  ScriptedSigner signer;
  auto http = transport();
  SignerClient client(*http, signer.server.url("/"), token());
  for (const auto& hostile : hostile_answers()) {
    signer.answer(hostile.body, hostile.content_type);
    Result<std::vector<SignResult>> results = make_error("UNSET", "");
    EXPECT_NO_THROW(results = client.sign(1, {entry("ns/a")})) << hostile.what;
    ASSERT_FALSE(results) << hostile.what;
    EXPECT_EQ(results.error().code, "BAD_RESPONSE")
        << hostile.what << ": " << results.error().message;
  }
}

TEST(HostileSignerAnswersTest, FewerResultsThanEntriesFailTheCall) {
  ScriptedSigner signer;
  auto http = transport();
  SignerClient client(*http, signer.server.url("/"), token());
  signer.answer(answer_of(ok_result("ns/a")));
  auto results = client.sign(1, {entry("ns/a"), entry("ns/b")});
  ASSERT_FALSE(results);
  EXPECT_EQ(results.error().code, "BAD_RESPONSE");
}

TEST(HostileSignerAnswersTest, WellFormedAnswersStillParse) {
  ScriptedSigner signer;
  auto http = transport();
  SignerClient client(*http, signer.server.url("/"), token());
  signer.answer(
      answer_of(ok_result("ns/b", "\"18446744073709551615\"") + "," +
                R"({"id":"ns/a","ok":false,"error":{"code":"SEQUENCE_NOT_NEWER","message":"m"}})"),
      "application/json; charset=utf-8");
  auto results = client.sign(1, {entry("ns/a"), entry("ns/b")});
  ASSERT_TRUE(results) << results.error().message;
  ASSERT_EQ(results->size(), 2u);
  EXPECT_EQ((*results)[0].id, "ns/b");
  EXPECT_TRUE((*results)[0].ok);
  EXPECT_EQ((*results)[0].sequence, 18446744073709551615ULL);
  EXPECT_FALSE((*results)[1].ok);
  EXPECT_EQ((*results)[1].error_code, "SEQUENCE_NOT_NEWER");
}

TEST(HostileSignerAnswersTest, PublicKeyAndRewrapAnswersAreCheckedToo) {
  ScriptedSigner signer;
  auto http = transport();
  SignerClient client(*http, signer.server.url("/"), token());
  std::string key(130, 'a');
  for (std::string body :
       {R"({"epoch":1,"publicKey":")" + key + R"(","simulated":"yes"})",
        R"({"epoch":"x","publicKey":")" + key + R"("})",
        std::string(R"({"epoch":1,"publicKey":5})"),
        R"({"epoch":1,"publicKey":")" + std::string(130, 'z') + R"("})", std::string("[1]")}) {
    signer.answer(body);
    Result<EpochPublicKey> answer = make_error("UNSET", "");
    EXPECT_NO_THROW(answer = client.epoch_public_key(1, "00")) << body;
    ASSERT_FALSE(answer) << body;
    EXPECT_EQ(answer.error().code, "BAD_RESPONSE") << body;
  }
  for (std::string body :
       {std::string(R"({"results":[1]})"), std::string(R"({"results":[{"id":"ns/a","ok":"yes"}]})"),
        std::string(R"({"results":[{"id":"ns/a","ok":true,"epoch":-1,"encryptedKey":"AAAA"}]})")}) {
    signer.answer(body);
    Result<std::vector<RewrapResult>> results = make_error("UNSET", "");
    EXPECT_NO_THROW(results = client.rewrap(RewrapTarget{2, key, "cc", "c2ln", "", "", "", ""},
                                            {RewrapEntry{"ns/a", "", "AAAA", 1}}))
        << body;
    ASSERT_FALSE(results) << body;
    EXPECT_EQ(results.error().code, "BAD_RESPONSE") << body;
  }
}

// The parse error names the JSON path of the field at fault (the shared strict reader).
TEST(HostileSignerAnswersTest, ErrorsNameThePathOfTheFieldAtFault) {
  const std::vector<std::string> asked = {"ns/a", "ns/b"};
  auto message_of = [&](const std::string& results) {
    auto answer = parse_answer_object(answer_of(results));
    if (!answer) return answer.error().message;
    auto parsed = parse_sign_answer(*answer, asked);
    return parsed ? std::string("parsed") : parsed.error().code + " " + parsed.error().message;
  };
  const std::string refusal_b = R"({"id":"ns/b","ok":false,"error":{"code":"X"}})";
  EXPECT_EQ(message_of(refusal_b + "," + ok_result("ns/a", "\"03\"")),
            "BAD_RESPONSE results[1].sequence: expected an unsigned 64-bit integer or its decimal "
            "string");
  EXPECT_EQ(message_of(refusal_b + "," + ok_result("ns/a", "-3")),
            "BAD_RESPONSE results[1].sequence: expected an unsigned 64-bit integer or its decimal "
            "string");
  EXPECT_EQ(message_of(refusal_b + "," + ok_result("ns/a", "18446744073709551616")),
            "BAD_RESPONSE results[1].sequence: expected an unsigned 64-bit integer or its decimal "
            "string");
  EXPECT_EQ(message_of(refusal_b + R"(,{"id":"ns/a","ok":false,"error":{"code":"NO GOOD"}})"),
            "BAD_RESPONSE results[1].error.code: not an error code");
  EXPECT_EQ(message_of(R"({"id":"ns/a","ok":true,"record":"!!","sequence":"3","validity":"x"},)" +
                       refusal_b),
            "BAD_RESPONSE results[0].record: expected base64");
  EXPECT_EQ(
      message_of(
          refusal_b +
          R"(,{"id":"ns/a","ok":true,"record":"AAAA","sequence":"3","validity":"x","rewrapped":{"epoch":true,"encryptedKey":"AAAA"}})"),
      "BAD_RESPONSE results[1].rewrapped.epoch: expected an unsigned 64-bit integer or its "
      "decimal string");
  EXPECT_EQ(message_of(refusal_b + ",7"), "BAD_RESPONSE results[1]: expected an object");
  auto key = parse_public_key_answer(nlohmann::json{{"epoch", 1}, {"publicKey", "04"}});
  ASSERT_FALSE(key);
  EXPECT_EQ(key.error().message, "publicKey: not a 65-byte uncompressed key in hex");
}

// The batcher's worker threads run the signer client: a malformed answer there used to throw
// out of the thread (std::terminate). Now it fails that batch and the next batch is served.
TEST(HostileSignerAnswersTest, TheBatcherSurvivesEveryMalformedAnswer) {
  ScriptedSigner signer;
  auto http = transport();
  // The client behind the handle the signer pool hands out.
  SignerRef handle = std::make_shared<ClientSignerHandle>(
      std::make_shared<SignerClient>(*http, signer.server.url("/"), token()), nullptr);
  SignBatcher batcher(nullptr, BatcherOptions{50, 1ms, 2});
  for (const auto& hostile : hostile_answers()) {
    signer.answer(hostile.body, hostile.content_type);
    auto result = sign_one(batcher, handle, request("ns/a"));
    ASSERT_FALSE(result) << hostile.what;
    EXPECT_EQ(result.error().code, "BAD_RESPONSE") << hostile.what;
  }
  signer.answer(answer_of(ok_result("ns/a")));
  auto good = sign_one(batcher, handle, request("ns/a"));
  ASSERT_TRUE(good) << good.error().message;
  EXPECT_TRUE(good->ok);
}

// Even a sender that throws (any bug in answer handling) fails its batch instead of the process.
TEST(HostileSignerAnswersTest, AThrowingSenderFailsItsBatchOnly) {
  int calls = 0;
  SignBatcher batcher(
      [&](SignerHandle&, std::uint64_t,
          const std::vector<SignRequest>& requests) -> Result<std::vector<SignOutcome>> {
        if (++calls == 1) throw std::runtime_error("type must be boolean");
        SignOutcome r;
        r.id = requests[0].id;
        r.ok = true;
        return std::vector<SignOutcome>{r};
      },
      BatcherOptions{50, 1ms, 1});
  auto handle = testing::signer_named("s");
  auto thrown = sign_one(batcher, handle, request("ns/a"));
  ASSERT_FALSE(thrown);
  EXPECT_EQ(thrown.error().code, "BAD_RESPONSE");
  auto next = sign_one(batcher, handle, request("ns/a"));
  ASSERT_TRUE(next);
  EXPECT_TRUE(next->ok);
}

}  // namespace
}  // namespace cbx::op
