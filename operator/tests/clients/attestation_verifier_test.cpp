// The quote verifier client's contract (clients/attestation_verifier.h): one request carrying the
// quote under both known field names, and the verdict in any of the known answer shapes. The
// transport is a scripted fake standing in for a remote verifier (the e2e epochs scenario runs the
// real HTTP path against a local stand-in).
#include "clients/attestation_verifier.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace cbx::op {
namespace {

class OneAnswer : public http::HttpTransport {
 public:
  Result<http::Response> answer = make_error("TRANSPORT", "unset");
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

http::Response ok(std::string body) {
  http::Response r;
  r.status = 200;
  r.body = std::move(body);
  return r;
}

TEST(AttestationVerifierTest, PostsTheQuoteUnderBothFieldNames) {
  OneAnswer t;
  t.answer = ok(R"({"verified":true})");
  AttestationVerifier v(t, "http://verifier/verify");
  auto verdict = v.verify("04ab");
  ASSERT_TRUE(verdict) << verdict.error().message;
  EXPECT_TRUE(verdict->verified);
  ASSERT_EQ(t.seen.size(), 1u);
  EXPECT_EQ(t.seen[0].method, "POST");
  EXPECT_EQ(t.seen[0].url, "http://verifier/verify");
  auto body = nlohmann::json::parse(t.seen[0].body);
  EXPECT_EQ(body["quote"], "04ab");
  EXPECT_EQ(body["hex"], "04ab");
}

TEST(AttestationVerifierTest, ReadsPhalaAndDstackVerifierShapes) {
  OneAnswer t;
  AttestationVerifier v(t, "http://verifier");
  t.answer = ok(R"({"success":true,"quote":{"verified":false},"reason":"TCB revoked"})");
  auto phala = v.verify("00");
  ASSERT_TRUE(phala);
  EXPECT_FALSE(phala->verified);
  EXPECT_EQ(phala->reason, "TCB revoked");
  t.answer = ok(R"({"is_valid":true,"details":{}})");
  EXPECT_TRUE(v.verify("00")->verified);
}

TEST(AttestationVerifierTest, NoVerdictOrFailedExchangeIsAnError) {
  OneAnswer t;
  AttestationVerifier v(t, "http://verifier");
  t.answer = ok(R"({"status":"ok"})");
  EXPECT_EQ(v.verify("00").error().code, "BAD_RESPONSE");
  t.answer = ok("not json");
  EXPECT_EQ(v.verify("00").error().code, "BAD_RESPONSE");
  http::Response down;
  down.status = 502;
  t.answer = down;
  EXPECT_EQ(v.verify("00").error().code, "UNAVAILABLE");
  t.answer = make_error("TRANSPORT", "connection refused");
  EXPECT_EQ(v.verify("00").error().code, "UNAVAILABLE");
}

}  // namespace
}  // namespace cbx::op
