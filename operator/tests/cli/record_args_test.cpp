// The flag parsers behind `record make` / `record inspect`, in process.
#include "cli/record_args.h"

#include <gtest/gtest.h>

#include "cli/seed_file.h"
#include "run_process.h"

namespace cbx::cli {
namespace {

using std::chrono::nanoseconds;

TEST(ParseSequence, AcceptsTheWholeUint64Range) {
  EXPECT_EQ(parse_sequence("--sequence", "0").value(), 0u);
  EXPECT_EQ(parse_sequence("--sequence", "9007199254740993").value(), 9007199254740993ULL);
  EXPECT_EQ(parse_sequence("--sequence", "18446744073709551615").value(), 18446744073709551615ULL);
}

TEST(ParseSequence, RejectsEverythingElseNamingTheFlag) {
  for (const char* bad : {"", "-1", "+1", "18446744073709551616", "1 ", "0x1", "١"}) {
    const auto result = parse_sequence("--sequence", bad);
    ASSERT_FALSE(result.ok()) << bad;
    EXPECT_EQ(result.error().code, "BAD_ARGUMENT");
    EXPECT_TRUE(result.error().message.starts_with("--sequence: ")) << result.error().message;
  }
}

TEST(CanonicalValidity, PadsFractionsToNineDigitsInUtc) {
  EXPECT_EQ(canonical_validity("--validity", "2999-06-15T12:00:00Z").value(),
            "2999-06-15T12:00:00.000000000Z");
  EXPECT_EQ(canonical_validity("--validity", "2999-12-31T23:59:59.999999999Z").value(),
            "2999-12-31T23:59:59.999999999Z");
  EXPECT_EQ(canonical_validity("--validity", "2030-01-01T00:00:00.5Z").value(),
            "2030-01-01T00:00:00.500000000Z");
  EXPECT_EQ(canonical_validity("--validity", "2030-01-01T01:30:00+01:30").value(),
            "2030-01-01T00:00:00.000000000Z");
  EXPECT_FALSE(canonical_validity("--validity", "2030-02-30T00:00:00Z").ok());
}

TEST(ValidityFromLifetime, AddsTheLifetimeToNowTruncatedToMilliseconds) {
  const auto now = ipns::parse_validity("2100-01-01T00:00:00.123456789Z").value();
  EXPECT_EQ(validity_from_lifetime(now, std::chrono::hours(48)).value(),
            "2100-01-03T00:00:00.123000000Z");
  EXPECT_EQ(validity_from_lifetime(now, nanoseconds(1)).value(), "2100-01-01T00:00:00.123000001Z");
  EXPECT_FALSE(validity_from_lifetime(now, std::chrono::hours(24 * 365 * 200)).ok());
}

TEST(DecodeRecordInput, Base64TextOrRawBytes) {
  const Bytes raw = {0x0a, 0x02, '/', 'x', 0x42, 0x00};
  EXPECT_EQ(decode_record_input(raw), raw);
  const std::string b64 = base64_encode(raw) + "\n";
  EXPECT_EQ(decode_record_input(as_bytes(b64)), raw);
  Bytes long_record(300, 0x42);
  std::string wrapped = base64_encode(long_record);
  for (std::size_t at = 76; at < wrapped.size(); at += 77) wrapped.insert(at, "\n");
  EXPECT_EQ(decode_record_input(as_bytes(wrapped)), long_record);
  const std::string not_base64 = "abcde";  // impossible base64 length: kept as raw bytes
  EXPECT_EQ(to_string(decode_record_input(as_bytes(not_base64))), not_base64);
}

TEST(SeedFile, WritesRawMode0600AndReadsBothForms) {
  testing::TempDir dir;
  SecretBytes seed(32);
  for (std::size_t i = 0; i < 32; ++i) seed.data()[i] = static_cast<std::uint8_t>(i * 7);
  const std::string path = (dir / "seed").string();
  ASSERT_TRUE(write_seed_file(path, seed, false).ok());
  EXPECT_EQ(write_seed_file(path, seed, false).error().code, "FILE_EXISTS");
  EXPECT_EQ(read_seed_file(path).value().span().size(), 32u);
  EXPECT_TRUE(std::ranges::equal(read_seed_file(path).value().span(), seed.span()));
  testing::write_whole_file(dir / "hex", hex_encode(seed.span()) + "\n");
  EXPECT_TRUE(
      std::ranges::equal(read_seed_file((dir / "hex").string()).value().span(), seed.span()));
  EXPECT_EQ(read_seed_file((dir / "missing").string()).error().code, "BAD_SEED_FILE");
}

}  // namespace
}  // namespace cbx::cli
