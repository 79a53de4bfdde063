// The peers themselves against the reference vectors (made by the research generator with the
// same npm packages): proves the peers call the libraries the way the vectors were made, so a
// failure elsewhere points at C++, not at a peer.
#include <fstream>

#include "suites.h"

namespace cbx::interop {
namespace {

using nlohmann::json;

json load(const char* file) {
  std::ifstream in(std::string(CBX_VECTORS_DIR) + "/" + file);
  return json::parse(in);
}

std::string value_input(const json& c) {
  const auto& v = c["valueInput"];
  return v.is_string() ? v.get<std::string>() : v["string"].get<std::string>();
}

void ipns_vectors(const Options& options, Tally& tally) {
  const json vectors = load("ipns.json");
  std::vector<json> make, verify;
  for (const auto& c : vectors["cases"]) {
    json r = {{"seedHex", c["seedHex"]},
              {"value", value_input(c)},
              {"sequence", c["sequence"]},
              {"ttlNs", c["ttlNs"]},
              {"v2Only", !c["v1Compatible"].get<bool>()}};
    const auto& creation = c["creation"];
    if (creation.contains("expiration")) {
      r["validity"] = creation["expiration"];
    } else {
      r["lifetimeMs"] = creation["lifetimeMs"];
      r["nowMs"] = creation["fixedNowMs"];
    }
    make.push_back(r);
  }
  for (const auto* group : {"cases", "edge"}) {
    for (const auto& c : vectors[group]) {
      verify.push_back({{"name", c["ipnsName"]}, {"recordBase64", c["recordBase64"]}});
    }
  }
  const auto made = run_peer(options, "make-ipns.mjs", make);
  if (!made) return tally.check(false, "make-ipns.mjs", made.error().message);
  for (std::size_t i = 0; i < make.size(); ++i) {
    const auto& c = vectors["cases"][i];
    tally.check((*made)[i].value("recordBase64", "") == c["recordBase64"] &&
                    (*made)[i].value("name", "") == c["ipnsName"],
                "make-ipns " + c["id"].get<std::string>(), (*made)[i].dump());
  }
  const auto verdicts = run_peer(options, "verify-ipns.mjs", verify);
  if (!verdicts) return tally.check(false, "verify-ipns.mjs", verdicts.error().message);
  std::size_t i = 0;
  for (const auto* group : {"cases", "edge"}) {
    for (const auto& c : vectors[group]) {
      const json& v = (*verdicts)[i++];
      const json& e = c["expected"];
      const bool ok =
          v["valid"] == e["valid"] &&
          (e["valid"].get<bool>() || v["error"] == e["errorName"].get<std::string>() + ": " +
                                                       e["errorMessage"].get<std::string>());
      tally.check(ok, "verify-ipns " + c["id"].get<std::string>(), v.dump());
    }
  }
}

void ecies_vectors(const Options& options, Tally& tally) {
  const json vectors = load("ecies.json");
  for (const char* impl : {"0.5", "0.4"}) {
    std::vector<json> encrypt, decrypt;
    for (const auto& c : vectors["cases"]) {
      encrypt.push_back({{"publicKeyHex", c["receiverPublicKeyHex"]},
                         {"plaintextHex", c["plaintextHex"]},
                         {"ephemeralSkHex", c["fixedRandomness"]["ephemeralPrivateKeyHex"]},
                         {"nonceHex", c["fixedRandomness"]["nonceHex"]},
                         {"impl", impl}});
      decrypt.push_back({{"privateKeyHex", c["receiverPrivateKeyHex"]},
                         {"ciphertextHex", c["ciphertextHex"]},
                         {"impl", impl}});
    }
    for (const auto& c : vectors["negative"]) {
      decrypt.push_back({{"privateKeyHex", c["receiverPrivateKeyHex"]},
                         {"ciphertextHex", c["ciphertextHex"]},
                         {"impl", impl}});
    }
    const auto encrypted = run_peer(options, "ecies-encrypt.mjs", encrypt);
    const auto decrypted = run_peer(options, "ecies-decrypt.mjs", decrypt);
    if (!encrypted || !decrypted) {
      return tally.check(false, "ecies peers",
                         !encrypted ? encrypted.error().message : decrypted.error().message);
    }
    const std::string tag = std::string(" eciesjs ") + impl;
    std::size_t i = 0;
    for (const auto& c : vectors["cases"]) {
      const std::string id = c["id"].get<std::string>();
      tally.check((*encrypted)[i].value("ciphertextHex", "") == c["ciphertextHex"],
                  "encrypt " + id + tag, (*encrypted)[i].dump());
      tally.check((*decrypted)[i].value("plaintextHex", "?") == c["plaintextHex"],
                  "decrypt " + id + tag, (*decrypted)[i].dump());
      ++i;
    }
    for (const auto& c : vectors["negative"]) {
      tally.check((*decrypted)[i].contains("error"), "decrypt " + c["id"].get<std::string>() + tag,
                  (*decrypted)[i].dump());
      ++i;
    }
  }
}

}  // namespace

void peers_reproduce_vectors(const Options& options, Rng&, Tally& tally) {
  ipns_vectors(options, tally);
  ecies_vectors(options, tally);
}

}  // namespace cbx::interop
