// ECIES interop with eciesjs 0.5.0 and 0.4.18: ciphertexts made by either decrypt in C++, and
// ciphertexts made by C++ (library and `seal`) decrypt with both; tampered ones fail everywhere.
#include <string>
#include <vector>

#include "cbx/crypto/ecies.h"
#include "cbx/crypto/secp256k1.h"
#include "record_cases.h"
#include "run_process.h"
#include "suites.h"

namespace cbx::interop {
namespace {

using nlohmann::json;

const char* const kImpls[] = {"0.5", "0.4"};

struct EciesCase {
  std::string id;
  SecretBytes receiver;  // throwaway test key
  Bytes public_key;      // 65, 33 (or, for C++ encrypt, 64 raw x||y) bytes
  Bytes plaintext;
  std::string impl;
  bool tamper = false;
};

std::size_t pick(Rng& rng, std::size_t n) {
  return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng);
}

EciesCase random_ecies_case(Rng& rng, int index, bool allow_raw_key) {
  EciesCase c;
  c.id = "ecies-" + std::to_string(index);
  c.receiver = secp256k1::generate_private_key();
  const std::size_t form = pick(rng, allow_raw_key ? 3 : 2);
  c.public_key = secp256k1::public_key(c.receiver, form == 1).value();
  if (form == 2) c.public_key.erase(c.public_key.begin());  // raw x||y
  // Mostly 32-byte Ed25519 seeds (what CipherBox seals); some other lengths, empty included.
  const std::size_t length = pick(rng, 10) < 7 ? 32 : pick(rng, 300);
  for (std::size_t i = 0; i < length; ++i) c.plaintext.push_back(static_cast<std::uint8_t>(rng()));
  c.impl = kImpls[index % 2];
  c.tamper = index % 7 == 3;
  return c;
}

void tamper(Bytes& ciphertext, Rng& rng) {
  ciphertext[pick(rng, ciphertext.size())] ^= static_cast<std::uint8_t>(1u << pick(rng, 8));
}

std::string key_form(const EciesCase& c) {
  return std::to_string(c.public_key.size()) + "-byte key, " + std::to_string(c.plaintext.size()) +
         "-byte plaintext, eciesjs " + c.impl + (c.tamper ? ", tampered" : "");
}

void check_cpp_decrypt(Tally& tally, const EciesCase& c, const Bytes& ciphertext) {
  const auto opened = ecies::decrypt(c.receiver, ciphertext);
  const std::string what = c.id + " (" + key_form(c) + ")";
  if (c.tamper) {
    return tally.check(!opened && opened.error().code == "DECRYPT_FAILED", what,
                       "tampered ciphertext was accepted");
  }
  if (!opened) return tally.check(false, what, opened.error().code + ": " + opened.error().message);
  tally.check(std::ranges::equal(opened->span(), c.plaintext) &&
                  ciphertext.size() == ecies::kOverhead + c.plaintext.size(),
              what, "plaintext or length differs");
}

json decrypt_request(const EciesCase& c, const Bytes& ciphertext, const std::string& impl) {
  return {{"privateKeyHex", hex_encode(c.receiver.span())},
          {"ciphertextHex", hex_encode(ciphertext)},
          {"impl", impl}};
}

void check_js_decrypt(Tally& tally, const EciesCase& c, const json& answer,
                      const std::string& how) {
  const std::string what = how + " " + c.id + " (" + key_form(c) + ")";
  if (c.tamper) return tally.check(answer.contains("error"), what, "tampered: " + answer.dump());
  tally.check(answer.value("plaintextHex", "?") == hex_encode(c.plaintext), what, answer.dump());
}

// `seal` for one case: its output (base64) must be a well-formed 129-byte ciphertext.
Result<Bytes> cli_seal(const Options& options, const EciesCase& c, const testing::TempDir& dir) {
  const auto seed_file = dir / (c.id + ".seed");
  testing::write_whole_file(seed_file, to_string(c.plaintext));
  const auto r =
      testing::run_process({options.cli, "seal", "--public-key", hex_encode(c.public_key),
                            "--seed-file", seed_file.string()});
  if (r.exit_code != 0)
    return make_error("CLI", "seal exit " + std::to_string(r.exit_code) + ": " + r.err);
  auto bytes = base64_decode(r.out);
  if (!bytes) return make_error("CLI", "seal output is not base64");
  return std::move(*bytes);
}

}  // namespace

void ecies_js_to_cpp(const Options& options, Rng& rng, Tally& tally) {
  std::vector<EciesCase> cases;
  std::vector<json> requests;
  for (int i = 0; i < options.cases; ++i) {
    cases.push_back(random_ecies_case(rng, i, false));
    requests.push_back({{"publicKeyHex", hex_encode(cases.back().public_key)},
                        {"plaintextHex", hex_encode(cases.back().plaintext)},
                        {"impl", cases.back().impl}});
  }
  const auto answers = run_peer(options, "ecies-encrypt.mjs", requests);
  if (!answers) return tally.check(false, "ecies-encrypt.mjs", answers.error().message);
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const json& a = (*answers)[i];
    if (!a.contains("ciphertextHex")) {
      tally.check(false, cases[i].id, "eciesjs could not encrypt: " + a.dump());
      continue;
    }
    Bytes ciphertext = hex_decode(a["ciphertextHex"].get<std::string>()).value();
    if (cases[i].tamper) tamper(ciphertext, rng);
    check_cpp_decrypt(tally, cases[i], ciphertext);
  }
}

void ecies_cpp_to_js(const Options& options, Rng& rng, Tally& tally) {
  std::vector<EciesCase> cases;
  std::vector<json> requests;
  std::vector<std::string> how;
  for (int i = 0; i < options.cases; ++i) {
    EciesCase c = random_ecies_case(rng, i, true);
    auto sealed = ecies::encrypt(c.public_key, c.plaintext);
    if (!sealed) {
      tally.check(false, c.id + " (" + key_form(c) + ")", "C++ encrypt: " + sealed.error().message);
      continue;
    }
    if (c.tamper) tamper(*sealed, rng);
    requests.push_back(decrypt_request(c, *sealed, c.impl));
    how.push_back("library");
    cases.push_back(std::move(c));
  }
  testing::TempDir dir;
  for (int i = 0; !options.cli.empty() && i < options.cli_cases; ++i) {
    EciesCase c = random_ecies_case(rng, options.cases + i, false);
    c.plaintext.resize(32);  // seal takes a seed file
    c.tamper = false;
    const auto sealed = cli_seal(options, c, dir);
    if (!sealed || sealed->size() != ecies::kOverhead + 32) {
      tally.check(false, "seal " + c.id, sealed ? "wrong length" : sealed.error().message);
      continue;
    }
    for (const char* impl : kImpls) {  // each seal output through both eciesjs lines
      requests.push_back(decrypt_request(c, *sealed, impl));
      how.push_back(std::string("seal -> eciesjs ") + impl);
      EciesCase copy{c.id,         SecretBytes(c.receiver.data(), c.receiver.size()),
                     c.public_key, c.plaintext,
                     impl,         false};
      cases.push_back(std::move(copy));
    }
  }
  const auto answers = run_peer(options, "ecies-decrypt.mjs", requests);
  if (!answers) return tally.check(false, "ecies-decrypt.mjs", answers.error().message);
  for (std::size_t i = 0; i < cases.size(); ++i)
    check_js_decrypt(tally, cases[i], (*answers)[i], how[i]);
}

}  // namespace cbx::interop
