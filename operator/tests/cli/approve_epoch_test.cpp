// approve-epoch (the rotation authority's offline tool) and the manifest form of seal, through
// the built binary: the approval verifies with the signer's check, the manifest's owner record
// is valid for the sealed key.
#include "cbx/crypto/ed25519.h"
#include "cbx/crypto/secp256k1.h"
#include "cbx/epoch/approval.h"
#include "cbx/ipns/name.h"
#include "cbx/ipns/record.h"
#include "cli/seal_manifest.h"
#include "cli_test_support.h"

namespace cbx::testing {
namespace {

constexpr const char* kSeedHex = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
constexpr const char* kCid = "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy";

std::string epoch_public_key_hex() {
  return hex_encode(secp256k1::public_key(secp256k1::generate_private_key()).value());
}

TEST(ApproveEpoch, GeneratedAuthorityKeySignsAnApprovalTheSignerAccepts) {
  TempDir dir;
  const auto key_file = (dir / "authority.key").string();
  const auto generated = run_cli({"approve-epoch", "--generate-authority-key", "--out", key_file});
  ASSERT_EQ(generated.exit_code, 0) << generated.err;
  const std::string authority_hex = trim_newline(generated.out);
  ASSERT_EQ(authority_hex.size(), 64u);
  const std::string pk = epoch_public_key_hex(), compose(64, 'c');
  // Values given on the command line were verified by nobody: only with the explicit flag.
  EXPECT_TRUE(IsUsageError(run_cli({"approve-epoch", "--authority-key-file", key_file, "--epoch",
                                    "3", "--public-key", pk, "--compose-hash", compose})));
  const auto approved =
      run_cli({"approve-epoch", "--authority-key-file", key_file, "--epoch", "3", "--public-key",
               pk, "--compose-hash", compose, "--insecure-unverified"});
  ASSERT_EQ(approved.exit_code, 0) << approved.err;
  EXPECT_NE(approved.err.find("UNVERIFIED"), std::string::npos);
  const auto subject = epoch::approval_subject_from_hex(3, pk, compose).value();
  const Bytes authority = hex_decode(authority_hex).value();
  EXPECT_TRUE(epoch::verify_approval(authority, subject, trim_newline(approved.out)));
  const auto other = epoch::approval_subject_from_hex(4, pk, compose).value();
  EXPECT_FALSE(epoch::verify_approval(authority, other, trim_newline(approved.out)));
  // The key file is not overwritten without --force.
  EXPECT_TRUE(
      IsUsageError(run_cli({"approve-epoch", "--generate-authority-key", "--out", key_file})));
}

TEST(ApproveEpoch, BadArgumentsAreUsageErrors) {
  TempDir dir;
  const auto key_file = raw_seed_file(dir, kSeedHex);
  EXPECT_TRUE(
      IsUsageError(run_cli({"approve-epoch", "--authority-key-file", key_file, "--epoch", "3"})));
  EXPECT_TRUE(IsUsageError(
      run_cli({"approve-epoch", "--authority-key-file", key_file, "--epoch", "3", "--public-key",
               "04ab", "--compose-hash", std::string(64, 'c'), "--insecure-unverified"})));
  EXPECT_TRUE(
      IsUsageError(run_cli({"approve-epoch", "--epoch", "3", "--public-key", epoch_public_key_hex(),
                            "--compose-hash", std::string(64, 'c')})));
}

TEST(SealManifest, OwnerRecordIsSignedByTheSealedKeyForTheCid) {
  const Bytes seed_bytes = hex_decode(kSeedHex).value();
  const SecretBytes seed(seed_bytes.data(), seed_bytes.size());
  cli::ManifestOptions options;
  options.name = "photos";
  options.ns = "team-a";
  options.cid = kCid;
  const auto now =
      ipns::TimePoint(std::chrono::sys_days(std::chrono::year(2026) / 6 / 1).time_since_epoch());
  const auto text = cli::seal_manifest(options, 4, seed, "c2VhbGVk", now);
  ASSERT_TRUE(text) << text.error().message;
  EXPECT_NE(text->find("kind: IpnsRepublish\n"), std::string::npos);
  EXPECT_NE(text->find("  namespace: team-a\n"), std::string::npos);
  EXPECT_NE(text->find("  keyEpoch: 4\n"), std::string::npos);
  EXPECT_NE(text->find("  encryptedKey: c2VhbGVk\n"), std::string::npos);
  auto key = ed25519::key_pair_from_seed(seed.span()).value();
  auto name = ipns::name_from_ed25519(key.public_key);
  EXPECT_NE(text->find("  ipnsName: " + name.text() + "\n"), std::string::npos);
  const auto at = text->find("  ownerRecord: ");
  ASSERT_NE(at, std::string::npos);
  const auto b64 = text->substr(at + 15, text->find('\n', at) - at - 15);
  auto record = ipns::validate_record(name, base64_decode(b64).value(), now);
  ASSERT_TRUE(record) << record.error().message;
  EXPECT_EQ(record->value, std::string("/ipfs/") + kCid);
  EXPECT_EQ(record->sequence, 1u);
  EXPECT_EQ(record->validity_time - now, std::chrono::hours(48));

  options.sequence = "41";
  auto above = cli::seal_manifest(options, 4, seed, "c2VhbGVk", now);
  ASSERT_TRUE(above);
  const auto at2 = above->find("  ownerRecord: ");
  const auto b64b = above->substr(at2 + 15, above->find('\n', at2) - at2 - 15);
  EXPECT_EQ(ipns::unmarshal_record(base64_decode(b64b).value())->sequence, 42u);

  options.name = "Not_A_Name";
  EXPECT_EQ(cli::seal_manifest(options, 4, seed, "x", now).error().code, "BAD_ARGUMENT");
  options.name = "photos";
  options.cid = "not-a-cid";
  EXPECT_EQ(cli::seal_manifest(options, 4, seed, "x", now).error().code, "BAD_ARGUMENT");
}

TEST(SealManifest, EpochFormNeedsNameAndCidAndExcludesPublicKey) {
  TempDir dir;
  const auto seed_file = raw_seed_file(dir, kSeedHex);
  EXPECT_TRUE(IsUsageError(run_cli({"seal", "--epoch", "2", "--seed-file", seed_file})));
  EXPECT_TRUE(IsUsageError(run_cli({"seal", "--epoch", "2", "--public-key", epoch_public_key_hex(),
                                    "--seed-file", seed_file, "--name", "a", "--cid", kCid})));
}

}  // namespace
}  // namespace cbx::testing
