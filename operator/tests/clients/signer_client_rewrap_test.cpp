// SignerClient::rewrap against the signer's wire format (signer/src/signer/rewrap.cpp and
// signer_service.cpp): the external target and entries it sends, per-entry results, and the
// request-level refusals it must tell apart (APPROVAL_REQUIRED / APPROVAL_INVALID are 403s like a
// wrong token). Scripted transport; the e2e epochs scenario runs it against the real signer.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "clients/signer_client.h"

namespace cbx::op {
namespace {

class OneAnswer : public http::HttpTransport {
 public:
  http::Response answer;
  std::vector<http::Request> seen;
  Result<http::Response> request(const http::Request& r) override {
    seen.push_back(r);
    return answer;
  }
  Result<http::Response> stream(const http::Request&, const http::ChunkHandler&,
                                http::Cancellation*) override {
    return make_error("TRANSPORT", "not used");
  }
};

http::Response response(int status, std::string body) {
  http::Response r;
  r.status = status;
  r.body = std::move(body);
  r.headers.emplace_back("Content-Type", "application/json");
  return r;
}

SecretBytes token() {
  std::string t = "secret-token";
  return SecretBytes(reinterpret_cast<const std::uint8_t*>(t.data()), t.size());
}

const RewrapTarget kTarget{3, "04aa", "cc", "c2ln", "", "", "", ""};

TEST(SignerClientRewrapTest, SendsTheExternalTargetAndEntries) {
  OneAnswer t;
  t.answer = response(200, R"({"results":[{"id":"ns/a","ok":true,"epoch":3,"encryptedKey":"bmV3"},
    {"id":"ns/b","ok":false,"error":{"code":"KEY_NAME_MISMATCH","message":"not its key"}}]})");
  SignerClient client(t, "http://signer/", token());
  auto results = client.rewrap(kTarget, {{"ns/a", "k51a", "b2xk", 2}, {"ns/b", "", "b2xk", 2}});
  ASSERT_TRUE(results) << results.error().message;
  ASSERT_EQ(t.seen.size(), 1u);
  EXPECT_EQ(t.seen[0].method, "POST");
  EXPECT_EQ(t.seen[0].url, "http://signer/v1/rewrap");
  auto body = nlohmann::json::parse(t.seen[0].body);
  EXPECT_EQ(body["target"],
            (nlohmann::json{
                {"epoch", 3}, {"publicKey", "04aa"}, {"composeHash", "cc"}, {"approval", "c2ln"}}));
  EXPECT_FALSE(body.contains("targetEpoch"));
  EXPECT_EQ(body["entries"][0],
            (nlohmann::json{
                {"id", "ns/a"}, {"ipnsName", "k51a"}, {"encryptedKey", "b2xk"}, {"keyEpoch", 2}}));
  EXPECT_FALSE(body["entries"][1].contains("ipnsName"));
  ASSERT_EQ(results->size(), 2u);
  EXPECT_TRUE((*results)[0].ok);
  EXPECT_EQ((*results)[0].epoch, 3u);
  EXPECT_EQ((*results)[0].encrypted_key, "bmV3");
  EXPECT_FALSE((*results)[1].ok);
  EXPECT_EQ((*results)[1].error_code, "KEY_NAME_MISMATCH");
}

TEST(SignerClientRewrapTest, CarriesTheTargetsAttestationAndCollateral) {
  OneAnswer t;
  t.answer = response(200, R"({"results":[]})");
  SignerClient client(t, "http://signer/", token());
  RewrapTarget target = kTarget;
  target.quote_hex = "0400";
  target.event_log = "[]";
  target.nonce_hex = "ab";
  target.collateral_json = R"({"tcb_info":"{}"})";
  ASSERT_TRUE(client.rewrap(target, {}));
  auto body = nlohmann::json::parse(t.seen[0].body);
  EXPECT_EQ(body["target"]["attestation"], (nlohmann::json{{"quote", "0400"},
                                                           {"eventLog", "[]"},
                                                           {"nonce", "ab"},
                                                           {"collateral", {{"tcb_info", "{}"}}}}));
}

TEST(SignerClientRewrapTest, ApprovalRefusalsKeepTheSignersCode) {
  OneAnswer t;
  SignerClient client(t, "http://signer", token());
  for (const char* code : {"APPROVAL_REQUIRED", "APPROVAL_INVALID"}) {
    t.answer = response(403, std::string(R"({"error":{"code":")") + code + R"(","message":"no"}})");
    auto refused = client.rewrap(kTarget, {{"ns/a", "", "b2xk", 2}});
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, code);
  }
  t.answer = response(401, R"({"error":{"code":"UNAUTHORIZED","message":"token"}})");
  EXPECT_EQ(client.rewrap(kTarget, {}).error().code, "UNAUTHORIZED");
  t.answer = response(200, R"({"results":[1]})");
  EXPECT_EQ(client.rewrap(kTarget, {}).error().code, "BAD_RESPONSE");
}

}  // namespace
}  // namespace cbx::op
