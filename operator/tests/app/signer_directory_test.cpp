// The signer pool (app/signer_directory): handles per signer spec and token, a refused token read
// again, and signers no epoch uses forgotten (issue 10 item 14). The API server and the signer
// are scripted: the test needs a Secret that changes and a signer that refuses on demand.
#include "app/signer_directory.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "../kube/fakes.h"
#include "cbx/base/encoding.h"

namespace cbx::op {
namespace {

using kube::testing::response;
using kube::testing::ScriptedTransport;

SignerSpec simulator(const std::string& url) {
  SignerSpec spec;
  spec.url = url;  // no authSecretRef: no token to read, no API request
  spec.insecure_simulator = true;
  return spec;
}

SignerSpec with_token(const std::string& url) {
  SignerSpec spec;
  spec.url = url;
  spec.auth_secret_name = "signer-token";
  spec.auth_secret_key = "token";
  return spec;
}

http::Response secret_holding(const std::string& token) {
  std::string text = token;
  return response(200, R"({"kind":"Secret","data":{"token":")" +
                           base64_encode(ByteView(
                               reinterpret_cast<const std::uint8_t*>(text.data()), text.size())) +
                           R"("}})");
}

SignRequest request(const std::string& id) {
  SignRequest r;
  r.id = id;
  return r;
}

struct SignerDirectoryTest : ::testing::Test {
  SignerDirectoryTest()
      : api(new ScriptedTransport()),
        kube(std::unique_ptr<ScriptedTransport>(api), "https://api:6443/",
             kube::TokenSource("tok", ""), "ns"),
        signers(kube, "cipherbox-system", [this](const SignerSpec&) {
          auto signer = std::make_unique<ScriptedTransport>();
          for (int i = 0; i < 4; ++i) signer->answers.push_back(response(401, "{}"));
          signer_transports.push_back(signer.get());
          return Result<std::unique_ptr<http::HttpTransport>>(std::move(signer));
        }) {}
  std::size_t secret_reads() const { return api->seen.size(); }

  ScriptedTransport* api;                             // owned by kube
  std::vector<ScriptedTransport*> signer_transports;  // owned by the pool's clients
  kube::KubeClient kube;
  SignerDirectory signers;
};

TEST_F(SignerDirectoryTest, RetainForgetsSignersNoEpochUses) {
  for (const char* url : {"http://127.0.0.1:1", "http://127.0.0.1:2", "http://127.0.0.1:3"}) {
    ASSERT_TRUE(signers.client_for(simulator(url)));
  }
  auto held = signers.find("http://127.0.0.1:1");
  ASSERT_NE(held, nullptr);
  signers.retain({"http://127.0.0.1:2"});
  EXPECT_EQ(signers.size(), 1u);
  EXPECT_EQ(signers.find("http://127.0.0.1:1"), nullptr);
  EXPECT_NE(signers.find("http://127.0.0.1:2"), nullptr);
  EXPECT_EQ(signers.find("http://127.0.0.1:3"), nullptr);
  EXPECT_EQ(held.use_count(), 1) << "a client in use stays alive with its user";
  ASSERT_TRUE(signers.client_for(simulator("http://127.0.0.1:1")));  // registered again on use
  EXPECT_EQ(signers.size(), 2u);
}

TEST_F(SignerDirectoryTest, TheSameSpecGivesTheSameHandleAndReadsTheTokenOnce) {
  api->answers.push_back(secret_holding("t1"));
  auto first = signers.handle_for(with_token("http://127.0.0.1:1"));
  auto second = signers.handle_for(with_token("http://127.0.0.1:1"));
  ASSERT_TRUE(first) << first.error().message;
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_EQ(first->get(), second->get());
  EXPECT_EQ(secret_reads(), 1u);
  EXPECT_EQ((*first)->url(), "http://127.0.0.1:1");
}

TEST_F(SignerDirectoryTest, WorkersAskingTogetherShareOneClientMadeOnce) {
  std::atomic<int> made{0};
  SignerDirectory pool(kube, "cipherbox-system", [&made](const SignerSpec&) {
    ++made;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // a trust store being loaded
    return Result<std::unique_ptr<http::HttpTransport>>(std::make_unique<ScriptedTransport>());
  });
  std::vector<std::thread> workers;
  std::vector<const SignerHandle*> handles(16);
  for (std::size_t i = 0; i < handles.size(); ++i) {
    workers.emplace_back([&, i] {
      auto handle = pool.handle_for(simulator("http://127.0.0.1:1"));
      handles[i] = handle ? handle->get() : nullptr;
    });
  }
  for (auto& w : workers) w.join();
  EXPECT_EQ(made.load(), 1);
  for (const auto* handle : handles) EXPECT_EQ(handle, handles[0]);
}

TEST_F(SignerDirectoryTest, AnotherUrlOrSpecGivesAnotherHandle) {
  api->answers.push_back(secret_holding("t1"));
  api->answers.push_back(secret_holding("t1"));
  api->answers.push_back(secret_holding("t1"));
  auto a = signers.handle_for(with_token("http://127.0.0.1:1"));
  auto b = signers.handle_for(with_token("http://127.0.0.1:2"));
  auto pinned = with_token("http://127.0.0.1:1");
  pinned.compose_hash = "aa";  // another expected identity
  auto c = signers.handle_for(pinned);
  ASSERT_TRUE(a && b && c);
  EXPECT_NE(a->get(), b->get());
  EXPECT_NE(a->get(), c->get());
}

// As operator_app did by URL: a signer that refuses the token makes the pool read the Secret
// again on the next request; a rotated token gives a new handle (and client), the same token
// keeps the handle and its connections.
TEST_F(SignerDirectoryTest, ARefusedTokenIsReadAgainAndARotatedOneGivesANewHandle) {
  auto spec = with_token("http://127.0.0.1:1");
  api->answers.push_back(secret_holding("t1"));
  auto first = signers.handle_for(spec);
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(secret_reads(), 1u);

  auto refused = (*first)->sign(1, {request("ns/a")});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, "UNAUTHORIZED");
  api->answers.push_back(secret_holding("t1"));  // not rotated yet
  auto same = signers.handle_for(spec);
  ASSERT_TRUE(same);
  EXPECT_EQ(secret_reads(), 2u) << "the refused token is read again";
  EXPECT_EQ(same->get(), first->get()) << "same token: same handle";

  ASSERT_FALSE((*same)->sign(1, {request("ns/a")}));
  api->answers.push_back(secret_holding("t2"));  // rotated
  auto rotated = signers.handle_for(spec);
  ASSERT_TRUE(rotated);
  EXPECT_EQ(secret_reads(), 3u);
  EXPECT_NE(rotated->get(), first->get()) << "new token: new handle";
  ASSERT_EQ(signer_transports.size(), 2u);
  auto sent = signer_transports[1]->answers.size();
  ASSERT_FALSE((*rotated)->sign(1, {request("ns/a")}));
  EXPECT_EQ(signer_transports[1]->answers.size(), sent - 1) << "sent by the new client";
  auto header = signer_transports[1]->seen.back().headers;
  bool bearer_t2 = false;
  for (const auto& [name, value] : header)
    bearer_t2 |= name == "Authorization" && value == "Bearer t2";
  EXPECT_TRUE(bearer_t2);
}

TEST_F(SignerDirectoryTest, AnUnreadableTokenIsAnErrorNotAHandle) {
  api->answers.push_back(response(404, R"({"kind":"Status","reason":"NotFound","code":404})"));
  auto handle = signers.handle_for(with_token("http://127.0.0.1:1"));
  ASSERT_FALSE(handle);
  EXPECT_EQ(handle.error().code, "SIGNER_TOKEN_UNAVAILABLE");
}

}  // namespace
}  // namespace cbx::op
