#include "cbx/crypto/ecies.h"
#include "cbx/crypto/secp256k1.h"
#include "cli_test_support.h"

namespace cbx::testing {
namespace {

constexpr const char* kSeedHex = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";

struct Receiver {
  SecretBytes private_key = secp256k1::generate_private_key();
  std::string public_key_hex(bool compressed) const {
    return hex_encode(secp256k1::public_key(private_key, compressed).value());
  }
};

TEST(Seal, CiphertextDecryptsToTheSeed) {
  TempDir dir;
  const std::string seed_file = raw_seed_file(dir, kSeedHex);
  const Receiver receiver;
  for (const bool compressed : {false, true}) {
    const auto result = run_cli(
        {"seal", "--public-key", receiver.public_key_hex(compressed), "--seed-file", seed_file});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(result.out.size(), 172u + 1u);  // 129 bytes, base64 with padding, newline
    const Bytes sealed = base64_decode(result.out).value();
    ASSERT_EQ(sealed.size(), ecies::kOverhead + 32);
    EXPECT_EQ(sealed[0], 0x04);  // uncompressed ephemeral key, as eciesjs writes it
    const auto opened = ecies::decrypt(receiver.private_key, sealed);
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    EXPECT_EQ(hex_encode(opened->span()), kSeedHex);
    EXPECT_EQ(result.out.find(kSeedHex), std::string::npos);
  }
}

TEST(Seal, EachRunUsesAFreshEphemeralKey) {
  TempDir dir;
  const std::string seed_file = raw_seed_file(dir, kSeedHex);
  const std::string key = Receiver().public_key_hex(false);
  const auto a = run_cli({"seal", "--public-key", key, "--seed-file", seed_file});
  const auto b = run_cli({"seal", "--public-key", key, "--seed-file", seed_file});
  ASSERT_EQ(a.exit_code, 0);
  EXPECT_NE(a.out, b.out);
}

TEST(Seal, RejectsKeysThatAreNotOnTheCurve) {
  TempDir dir;
  const std::string seed_file = raw_seed_file(dir, kSeedHex);
  std::string off_curve = Receiver().public_key_hex(false);
  off_curve.back() = off_curve.back() == '0' ? '1' : '0';
  for (const std::string& key : {off_curve, std::string("zz"), std::string("04abcd"),
                                 std::string(130, 'f'), std::string()}) {
    EXPECT_USAGE_ERROR(run_cli({"seal", "--public-key", key, "--seed-file", seed_file}));
  }
}

}  // namespace
}  // namespace cbx::testing
