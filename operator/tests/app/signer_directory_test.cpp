// Issue 10 item 14: the directory of signer clients forgets signers no live epoch uses.
#include "app/signer_directory.h"

#include <gtest/gtest.h>

#include "../kube/fakes.h"

namespace cbx::op {
namespace {

SignerSpec simulator(const std::string& url) {
  SignerSpec spec;
  spec.url = url;  // no authSecretRef: no token to read, no API request
  spec.insecure_simulator = true;
  return spec;
}

struct SignerDirectoryTest : ::testing::Test {
  SignerDirectoryTest()
      : kube(std::make_unique<kube::testing::ScriptedTransport>(), "https://api:6443/",
             kube::TokenSource("tok", ""), "ns"),
        signers(kube, "cipherbox-system") {}
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

}  // namespace
}  // namespace cbx::op
