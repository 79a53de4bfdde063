#include <gtest/gtest.h>

#include "cbx/crypto/ed25519.h"
#include "cbx/epoch/approval.h"
#include "cbx/epoch/report_data.h"
#include "cbx/epoch/tdx_quote.h"

namespace cbx::epoch {
namespace {

// The secp256k1 generator G (private key 1), uncompressed.
constexpr const char* kGeneratorHex =
    "0479be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"
    "483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8";
constexpr const char* kComposeHashHex =
    "aa00000000000000000000000000000000000000000000000000000000000055";

ed25519::KeyPair authority() {
  Bytes seed(32, 0x42);
  return ed25519::key_pair_from_seed(seed).value();
}

ApprovalSubject subject(std::uint64_t epoch = 3) {
  return *approval_subject_from_hex(epoch, kGeneratorHex, kComposeHashHex);
}

TEST(ApprovalTest, MessageIsDomainEpochPublicKeyComposeHash) {
  auto msg = approval_message(subject());
  ASSERT_TRUE(msg);
  // Independently computed (python): "cipherbox-epoch-approval:v1" || 3 as u64 BE.
  EXPECT_EQ(hex_encode(ByteView(*msg).first(35)),
            "636970686572626f782d65706f63682d617070726f76616c3a76310000000000000003");
  EXPECT_EQ(hex_encode(ByteView(*msg).subspan(35, 65)), kGeneratorHex);
  EXPECT_EQ(hex_encode(ByteView(*msg).subspan(100)), kComposeHashHex);
  EXPECT_EQ(msg->size(), 27u + 8 + 65 + 32);
}

TEST(ApprovalTest, SignedApprovalVerifiesOnlyForTheSameSubjectAndAuthority) {
  auto key = authority();
  auto approval = sign_approval(key, subject());
  ASSERT_TRUE(approval);
  EXPECT_TRUE(verify_approval(key.public_key, subject(), *approval));
  EXPECT_FALSE(verify_approval(key.public_key, subject(4), *approval));
  auto other_hash = subject();
  other_hash.compose_hash[0] ^= 1;
  EXPECT_FALSE(verify_approval(key.public_key, other_hash, *approval));
  Bytes other_seed(32, 0x43);
  auto other = ed25519::key_pair_from_seed(other_seed);
  EXPECT_FALSE(verify_approval(other->public_key, subject(), *approval));
  EXPECT_FALSE(verify_approval(key.public_key, subject(), "not base64!"));
  EXPECT_FALSE(verify_approval(key.public_key, subject(), ""));
}

TEST(ApprovalTest, RejectsMalformedSubjects) {
  EXPECT_FALSE(approval_subject_from_hex(1, "04ab", kComposeHashHex));
  EXPECT_FALSE(approval_subject_from_hex(1, kGeneratorHex, "abcd"));
  EXPECT_FALSE(approval_subject_from_hex(1, kGeneratorHex, "zz"));
  std::string off_curve = kGeneratorHex;
  off_curve.back() = '9';
  EXPECT_FALSE(approval_subject_from_hex(1, off_curve, kComposeHashHex));
}

TEST(ReportDataTest, IsSha256OfDomainEpochKeyNonceZeroPadded) {
  Bytes pk{0x04};
  for (int i = 1; i <= 64; ++i) pk.push_back(static_cast<std::uint8_t>(i));
  Bytes nonce{0x00, 0x11, 0x22, 0x33};
  auto rd = epoch_report_data(7, pk, nonce);
  // Independently computed with python hashlib.
  EXPECT_EQ(hex_encode(ByteView(rd).first(32)),
            "34c3ae65bc5fd7fba8e65e0df2689ceb476c6e9704f773f1ba74c2518eaa90f3");
  EXPECT_EQ(hex_encode(ByteView(rd).subspan(32)), std::string(64, '0'));
  EXPECT_NE(epoch_report_data(8, pk, nonce), rd);
  EXPECT_EQ(epoch_key_path(12), "cipherbox/ipns-republish/epoch-12");
}

TEST(TdxQuoteTest, SimulatedQuoteParsesBackWithEveryFieldInPlace) {
  std::array<std::uint8_t, 64> rd{};
  for (std::size_t i = 0; i < 64; ++i) rd[i] = static_cast<std::uint8_t>(i + 1);
  Measurement mrtd;
  mrtd.fill(0xaa);
  std::array<Measurement, 4> rtmr;
  for (std::size_t i = 0; i < 4; ++i) rtmr[i].fill(static_cast<std::uint8_t>(0xb0 + i));
  Bytes quote = build_simulated_tdx_quote(rd, mrtd, rtmr);
  EXPECT_EQ(quote[568], 1);  // report_data at its documented offset
  EXPECT_EQ(quote[631], 64);
  EXPECT_EQ(quote[184], 0xaa);  // mrtd
  EXPECT_EQ(quote[376], 0xb0);  // rtmr0
  auto parsed = parse_tdx_quote(quote);
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->version, 4);
  EXPECT_EQ(parsed->tee_type, kTeeTypeTdx);
  EXPECT_EQ(parsed->report_data, rd);
  EXPECT_EQ(parsed->mrtd, mrtd);
  EXPECT_EQ(parsed->rtmr, rtmr);
}

TEST(TdxQuoteTest, RejectsShortWrongVersionWrongTeeAndOverlongSignature) {
  std::array<std::uint8_t, 64> rd{};
  Bytes good = build_simulated_tdx_quote(rd, {}, {});
  EXPECT_FALSE(parse_tdx_quote(ByteView(good).first(600)));
  Bytes v3 = good;
  v3[0] = 3;
  EXPECT_FALSE(parse_tdx_quote(v3));
  Bytes sgx = good;
  sgx[4] = 0;
  EXPECT_FALSE(parse_tdx_quote(sgx));
  Bytes overlong = good;
  overlong[632] = 0xff;
  overlong[633] = 0xff;
  EXPECT_FALSE(parse_tdx_quote(overlong));
}

}  // namespace
}  // namespace cbx::epoch
