// Canary: sign, rewrap and fail with known seeds and a known simulator seed, capture every log
// line, response and the metrics, and search all of it for the secrets in hex and base64 forms
// (DESIGN invariant 6).
#include <mutex>

#include "cbx/base/log.h"
#include "signer_test_support.h"

namespace cbx::signer::test {
namespace {

// Forms of `secret` that could show up in text: hex (both cases) and base64 at each of the three
// byte alignments it can have inside a longer base64 string.
std::vector<std::string> text_forms(ByteView secret) {
  std::vector<std::string> forms;
  std::string hex = hex_encode(secret);
  forms.push_back(hex);
  std::string upper = hex;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  forms.push_back(upper);
  for (std::size_t offset = 0; offset < 3; ++offset) {
    Bytes shifted(offset, 0);
    shifted.insert(shifted.end(), secret.begin(), secret.end());
    std::string b64 = base64_encode(shifted);
    std::size_t skip = (offset * 8 + 5) / 6;  // characters that also depend on the prefix
    forms.push_back(b64.substr(skip, b64.size() - skip - 4));
  }
  return forms;
}

TEST(CanaryTest, NoSeedEpochKeyOrTokenAppearsInLogsResponsesOrMetrics) {
  std::mutex mu;
  std::string captured;
  cbx::log::set_level(cbx::log::Level::debug);
  cbx::log::set_sink([&](const std::string& line) {
    std::lock_guard lock(mu);
    captured += line + "\n";
  });
  std::string responses;
  std::vector<Folder> folders = {vector_folder(), make_folder(0x71), make_folder(0x72)};
  {
    auto authority = ed25519::key_pair_from_seed(Bytes(32, 0x7a)).value();
    SignerHarness h(authority.public_key);
    auto keep = [&](const HttpReply& r) { responses += r.raw + "\n"; };
    json entries = json::array();
    for (std::size_t i = 0; i < folders.size(); ++i) {
      entries.push_back(
          h.entry(folders[i], 1, folders[i].owner_sequence + 1, "ok-" + std::to_string(i)));
      entries.push_back(
          h.entry(folders[i], 1, folders[i].owner_sequence, "stale-" + std::to_string(i)));
    }
    json mismatch = h.entry(folders[1], 1, 9, "mismatch");
    mismatch["encryptedKey"] = h.seal(folders[2], 1);
    entries.push_back(mismatch);
    json truncated = h.entry(folders[1], 1, 9, "truncated");
    truncated["encryptedKey"] = truncated["encryptedKey"].get<std::string>().substr(0, 120);
    entries.push_back(truncated);
    keep(h.sign(1, entries));
    keep(h.sign(2, entries));  // older-epoch keys come back rewrapped
    keep(h.post("/v1/rewrap", {{"targetEpoch", 3},
                               {"entries", json::array({{{"id", "r"},
                                                         {"encryptedKey", h.seal(folders[0], 1)},
                                                         {"keyEpoch", 1}}})}}));
    keep(h.get("/v1/epochs/1/public-key?nonce=abcdef"));
    keep(h.get("/v1/info"));
    keep(h.call(bhttp::verb::post, "/v1/sign", "{not json"));
    keep(h.call(bhttp::verb::post, "/v1/sign", "{}", std::string("wrong-token-0123456789")));
    keep(h.call(bhttp::verb::get, "/metrics", "", std::nullopt));
    ASSERT_NE(responses.find("\"ok\":true"), std::string::npos) << "the canary must really sign";
    ASSERT_NE(responses.find("rewrapped"), std::string::npos);
  }
  cbx::log::set_sink(nullptr);
  cbx::log::set_level(cbx::log::Level::info);

  std::vector<std::pair<std::string, Bytes>> secrets;
  for (const auto& f : folders) secrets.emplace_back("folder seed", f.seed);
  secrets.emplace_back("simulator seed", unhex(kSimulatorSeedHex));
  auto seed = unhex(kSimulatorSeedHex);
  auto sim = SimulatorKeyProvider::create(SecretBytes(seed.data(), seed.size())).value();
  for (std::uint64_t e = 1; e <= 3; ++e) {
    auto key = sim->derive_epoch_key(e).value();
    secrets.emplace_back("epoch key " + std::to_string(e),
                         Bytes(key.span().begin(), key.span().end()));
  }
  secrets.emplace_back("bearer token", Bytes(kToken, kToken + std::strlen(kToken)));

  const std::string everything = captured + responses;
  ASSERT_GT(captured.size(), 0u) << "no log lines captured";
  for (const auto& [what, secret] : secrets) {
    for (const auto& form : text_forms(secret)) {
      EXPECT_EQ(everything.find(form), std::string::npos) << what << " leaked as " << form;
    }
  }
  EXPECT_EQ(everything.find(kToken), std::string::npos);
}

}  // namespace
}  // namespace cbx::signer::test
