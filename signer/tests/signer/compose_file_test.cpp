// signer/docker-compose.yml and signer/app-compose.json: what the compose hash measures must pin
// everything that decides what holds the keys. The image by digest, the rotation-authority key in
// the file, and the bearer token as the only value taken from outside (allowed_envs).
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "signer/config_files.h"

namespace cbx::signer {
namespace {

std::string read_text(const std::string& relative) {
  std::ifstream in(std::string(CBX_SOURCE_DIR) + "/" + relative, std::ios::binary);
  EXPECT_TRUE(in) << relative;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class ComposeFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    text_ = read_text("signer/docker-compose.yml");
    compose_ = YAML::Load(text_);
    ASSERT_TRUE(compose_["services"].IsMap());
    ASSERT_EQ(compose_["services"].size(), 1u);
    signer_ = compose_["services"]["signer"];
    ASSERT_TRUE(signer_.IsMap());
  }
  std::vector<std::string> command() const {
    return signer_["command"].as<std::vector<std::string>>();
  }

  std::string text_;
  YAML::Node compose_;
  YAML::Node signer_;
};

TEST_F(ComposeFileTest, TheImageIsPinnedByDigest) {
  auto image = signer_["image"].as<std::string>();
  EXPECT_TRUE(std::regex_match(image, std::regex("[a-z0-9][a-z0-9._/:-]*@sha256:[0-9a-f]{64}")))
      << image;
  EXPECT_FALSE(signer_["build"]) << "a build section is not a pinned image";
}

TEST_F(ComposeFileTest, TheAuthorityKeyIsInTheFileAndTheSignerAcceptsIt) {
  auto args = command();
  auto flag = std::find(args.begin(), args.end(), "--authority-public-key");
  ASSERT_NE(flag, args.end()) << "the authority key (or none) must be stated in the file";
  ASSERT_NE(flag + 1, args.end());
  EXPECT_TRUE(std::regex_match(*(flag + 1), std::regex("[0-9a-f]{64}|none"))) << *(flag + 1);
  auto parsed = authority_key_from_flag(*(flag + 1), nullptr);
  EXPECT_TRUE(parsed) << parsed.error().message;
}

TEST_F(ComposeFileTest, TheTokenIsTheOnlyValueFromOutside) {
  ASSERT_TRUE(signer_["environment"].IsSequence());
  EXPECT_EQ(signer_["environment"].as<std::vector<std::string>>(),
            std::vector<std::string>{"CBX_SIGNER_TOKEN=${CBX_SIGNER_TOKEN}"});
  EXPECT_FALSE(signer_["env_file"]);
  // No other interpolation anywhere: ${...} is the deployer's environment, not measured.
  std::smatch m;
  std::string rest = text_;
  while (std::regex_search(rest, m, std::regex(R"(\$\{[^}]*\}?)"))) {
    EXPECT_EQ(m.str(), "${CBX_SIGNER_TOKEN}");
    rest = m.suffix();
  }
  EXPECT_EQ(text_.find("CBX_SIGNER_IMAGE"), std::string::npos);
}

TEST_F(ComposeFileTest, AppComposeEmbedsThisFileAndAllowsOnlyTheToken) {
  auto raw = read_text("signer/app-compose.json");
  auto app = nlohmann::json::parse(raw);
  EXPECT_EQ(app["docker_compose_file"], text_)
      << "stale: run hack/pin-signer-compose.sh --app-compose-only";
  EXPECT_EQ(app["allowed_envs"], nlohmann::json::array({"CBX_SIGNER_TOKEN"}));
  EXPECT_EQ(app["runner"], "docker-compose");
  EXPECT_EQ(app["kms_enabled"], true);
  // dstack's normalized form (sorted keys, compact): its SHA-256 is the compose hash.
  EXPECT_EQ(app.dump(), raw);
}

}  // namespace
}  // namespace cbx::signer
