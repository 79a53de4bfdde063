// DstackKeyProvider against a local guest agent stand-in on a Unix socket (fake_guest_agent.h),
// and the signer serving epoch keys from it end to end.
#include <unistd.h>

#include "cbx/crypto/secp256k1.h"
#include "cbx/epoch/tdx_quote.h"
#include "fake_guest_agent.h"
#include "signer/dstack_key_provider.h"
#include "signer_test_support.h"

namespace cbx::signer::test {
namespace {

std::string socket_path(const char* tag) {
  return ::testing::TempDir() + "cbx-dstack-" + tag + "-" + std::to_string(::getpid()) + ".sock";
}

class DstackProviderTest : public ::testing::Test {
 protected:
  void SetUp() override { start(true); }
  void start(bool has_version) {
    agent_ = std::make_unique<FakeGuestAgent>(unhex(kSimulatorSeedHex), has_version);
    server_ = std::make_unique<http::Server>(
        [this](const http::Request& r) { return agent_->handle(r); });
    path_ = socket_path(has_version ? "v" : "old");
    ASSERT_TRUE(server_->listen_unix(path_));
    server_->start();
  }
  void TearDown() override { server_->shutdown(); }

  std::unique_ptr<FakeGuestAgent> agent_;
  std::unique_ptr<http::Server> server_;
  std::string path_;
};

TEST_F(DstackProviderTest, DerivesEpochKeysWithTheGuestAgentsKdfAndRequestShape) {
  DstackKeyProvider provider(path_);
  auto key = provider.derive_epoch_key(4);
  ASSERT_TRUE(key) << key.error().message;
  // The simulator mirrors the agent's KDF, so both give the same key for the same root.
  auto seed = unhex(kSimulatorSeedHex);
  auto sim = SimulatorKeyProvider::create(SecretBytes(seed.data(), seed.size())).value();
  EXPECT_TRUE(constant_time_equal(key->span(), sim->derive_epoch_key(4).value().span()));
  auto requests = agent_->requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].first, "/GetKey");
  EXPECT_EQ(nlohmann::json::parse(requests[0].second),
            nlohmann::json({{"path", "cipherbox/ipns-republish/epoch-4"},
                            {"purpose", kEpochKeyPurpose},
                            {"algorithm", "secp256k1"}}));
}

TEST_F(DstackProviderTest, QuotesCarryTheReportDataAtItsTdxOffset) {
  DstackKeyProvider provider(path_);
  epoch::ReportData rd{};
  for (std::size_t i = 0; i < rd.size(); ++i) rd[i] = static_cast<std::uint8_t>(255 - i);
  auto quote = provider.quote(rd);
  ASSERT_TRUE(quote) << quote.error().message;
  auto parsed = epoch::parse_tdx_quote(unhex(quote->quote_hex));
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->report_data, rd);
  EXPECT_TRUE(nlohmann::json::parse(quote->event_log).is_array());
}

TEST_F(DstackProviderTest, InfoReportsComposeHashAppIdAndAgentVersion) {
  DstackKeyProvider provider(path_);
  auto info = provider.info();
  ASSERT_TRUE(info) << info.error().message;
  EXPECT_EQ(info->compose_hash, FakeGuestAgent::kComposeHash);
  EXPECT_EQ(info->app_id, std::string(FakeGuestAgent::kComposeHash).substr(0, 40));
  EXPECT_EQ(info->agent_version, "0.5.8");
  EXPECT_FALSE(info->simulated);
}

TEST_F(DstackProviderTest, AnAgentWithoutVersionIsReportedAsOlderThan057) {
  TearDown();
  start(false);
  DstackKeyProvider provider(path_);
  auto info = provider.info();
  ASSERT_TRUE(info);
  EXPECT_EQ(info->agent_version, "<0.5.7");
}

TEST(DstackProviderErrorsTest, UnreachableAgentIsAnErrorNotACrash) {
  DstackKeyProvider provider(socket_path("absent"), std::chrono::milliseconds(500));
  auto key = provider.derive_epoch_key(1);
  ASSERT_FALSE(key);
  EXPECT_EQ(key.error().code, "AGENT_UNREACHABLE");
  EXPECT_FALSE(provider.info());
}

TEST(DstackProviderErrorsTest, SignerWithoutItsAgentIsNotReadyAndAnswers503) {
  DstackKeyProvider provider(socket_path("gone"), std::chrono::milliseconds(500));
  NullMetrics metrics;
  SignerConfig config;
  config.token = SecretBytes(reinterpret_cast<const std::uint8_t*>(kToken), std::strlen(kToken));
  SignerService service(provider, std::move(config), metrics);
  EXPECT_FALSE(service.warm_up());
  http::Headers auth = {{"Authorization", std::string("Bearer ") + kToken}};
  EXPECT_EQ(service.handle({"GET", "/readyz", {}, ""}).status, 503u);
  EXPECT_EQ(service.handle({"GET", "/healthz", {}, ""}).status, 200u);
  auto sign = service.handle({"POST", "/v1/sign", auth, R"({"currentEpoch":1,"entries":[]})"});
  EXPECT_EQ(sign.status, 503u);
  EXPECT_EQ(nlohmann::json::parse(sign.body)["error"]["code"], "KEY_PROVIDER_FAILED");
  auto pk = service.handle({"GET", "/v1/epochs/1/public-key", auth, ""});
  EXPECT_EQ(pk.status, 503u);
}

TEST(DstackProviderErrorsTest, AgentErrorsAndMalformedAnswersAreErrors) {
  std::string path = socket_path("bad");
  int calls = 0;
  http::Server server([&](const http::Request&) -> http::Response {
    ++calls;
    if (calls == 1) return http::json_response(500, {{"error", "kms unavailable"}});
    if (calls == 2) return http::text_response(200, "not json");
    return http::json_response(200, {{"key", "abcd"}});  // not 32 bytes
  });
  ASSERT_TRUE(server.listen_unix(path));
  server.start();
  DstackKeyProvider provider(path);
  EXPECT_EQ(provider.derive_epoch_key(1).error().code, "AGENT_ERROR");
  EXPECT_EQ(provider.derive_epoch_key(1).error().code, "AGENT_BAD_RESPONSE");
  EXPECT_EQ(provider.derive_epoch_key(1).error().code, "AGENT_BAD_RESPONSE");
  server.shutdown();
}

TEST_F(DstackProviderTest, SignerServesTheAgentsEpochKeyAndSignsWithIt) {
  DstackKeyProvider provider(path_);
  auto metrics = std::make_unique<NullMetrics>();
  SignerConfig config;
  config.token = SecretBytes(reinterpret_cast<const std::uint8_t*>(kToken), std::strlen(kToken));
  SignerService service(provider, std::move(config), *metrics);
  ASSERT_TRUE(service.warm_up());
  http::Request req{"GET",
                    "/v1/epochs/1/public-key?nonce=01",
                    {{"Authorization", std::string("Bearer ") + kToken}},
                    ""};
  auto res = service.handle(req);
  ASSERT_EQ(res.status, 200u) << res.body;
  auto body = nlohmann::json::parse(res.body);
  EXPECT_FALSE(body["simulated"].get<bool>());
  EXPECT_EQ(body["composeHash"], FakeGuestAgent::kComposeHash);
  auto key = provider.derive_epoch_key(1).value();
  EXPECT_EQ(body["publicKey"], hex_encode(secp256k1::public_key(key).value()));
}

}  // namespace
}  // namespace cbx::signer::test
