#include <chrono>

#include "cbx/base/duration.h"
#include "cbx/ipns/record.h"
#include "cbx/ipns/validity.h"
#include "cli_test_support.h"

namespace cbx::testing {
namespace {

std::string value_input(const nlohmann::json& c) {
  const auto& v = c["valueInput"];
  return v.is_string() ? v.get<std::string>() : v["string"].get<std::string>();
}

std::string ttl_flag(const nlohmann::json& c) {
  return format_duration(std::chrono::nanoseconds(std::stoll(c["ttlNs"].get<std::string>())));
}

// Every vector made with createIPNSRecordWithExpiration, re-made by the CLI, byte for byte.
TEST(RecordMake, ReproducesTheIpnsPackageVectorsByteForByte) {
  TempDir dir;
  int checked = 0;
  const auto vectors = load_vectors("ipns.json");
  for (const auto& c : vectors["cases"]) {
    if (c["creation"]["fn"] != "createIPNSRecordWithExpiration") continue;
    const std::string seed = raw_seed_file(dir, c["seedHex"]);
    std::vector<std::string> args = {
        "record",       "make",       "--seed-file", seed,         "--value",
        value_input(c), "--sequence", c["sequence"], "--validity", c["creation"]["expiration"],
        "--ttl",        ttl_flag(c)};
    if (!c["v1Compatible"].get<bool>()) args.push_back("--v2-only");
    const auto result = run_cli(args);
    EXPECT_EQ(result.exit_code, 0) << c["id"] << ": " << result.err;
    EXPECT_EQ(result.out, c["recordBase64"].get<std::string>() + "\n") << c["id"];
    ++checked;
  }
  EXPECT_GE(checked, 10);
}

TEST(RecordMake, LifetimeCountsFromNowAtMillisecondPrecision) {
  TempDir dir;
  const std::string seed = raw_seed_file(dir, std::string(64, '7'));
  const auto before = std::chrono::floor<std::chrono::milliseconds>(ipns::Clock::now());
  const auto result = run_cli({"record", "make", "--seed-file", seed, "--value",
                               "/ipfs/bafybeica4i3ff72psze3fwgicrwyd6ih2qhlkerrese6de6ry4q4prqlcu",
                               "--sequence", "3", "--lifetime", "1h30m", "--ttl", "1h"});
  const auto after = ipns::Clock::now();
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto record = ipns::unmarshal_record(base64_decode(result.out).value());
  ASSERT_TRUE(record.ok()) << record.error().message;
  EXPECT_EQ(record->sequence, 3u);
  EXPECT_EQ(record->ttl_ns, 3'600'000'000'000ULL);
  EXPECT_TRUE(record->validity.ends_with("000000Z")) << record->validity;
  const auto lifetime = std::chrono::minutes(90);
  EXPECT_GE(record->validity_time, before + lifetime);
  EXPECT_LE(record->validity_time, after + lifetime);
}

TEST(RecordMake, HexSeedFilesGiveTheSameRecordAsRawOnes) {
  TempDir dir;
  const std::string seed_hex = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
  std::string upper = seed_hex;
  for (auto& ch : upper) ch = static_cast<char>(std::toupper(ch));
  const std::vector<std::string> files = {
      raw_seed_file(dir, seed_hex), write_file(dir, "hex", seed_hex),
      write_file(dir, "hex-lf", seed_hex + "\n"), write_file(dir, "hex-crlf", seed_hex + "\r\n"),
      write_file(dir, "hex-upper", upper)};
  std::vector<std::string> outputs;
  for (const auto& file : files) {
    const auto result =
        run_cli({"record", "make", "--seed-file", file, "--value",
                 "/ipfs/bafybeica4i3ff72psze3fwgicrwyd6ih2qhlkerrese6de6ry4q4prqlcu", "--sequence",
                 "0", "--validity", "2999-12-31T23:59:59.999999999Z"});
    ASSERT_EQ(result.exit_code, 0) << file << ": " << result.err;
    outputs.push_back(result.out);
  }
  for (const auto& out : outputs) EXPECT_EQ(out, outputs.front());
  // Default TTL (5m) and default V1 compatibility: exactly vector ipns-01.
  EXPECT_EQ(outputs.front(),
            load_vectors("ipns.json")["cases"][0]["recordBase64"].get<std::string>() + "\n");
}

TEST(RecordMake, ValidityWithAnOffsetIsStoredInUtc) {
  TempDir dir;
  const std::string seed = raw_seed_file(dir, std::string(64, 'a'));
  const auto result =
      run_cli({"record", "make", "--seed-file", seed, "--value",
               "/ipfs/QmShvs9WPsWLJcvr3VCQ1m8SurShkMh35XeGTishaLV52U", "--sequence",
               "18446744073709551615", "--validity", "2100-01-01T02:00:00.5+02:00"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto record = ipns::unmarshal_record(base64_decode(result.out).value());
  ASSERT_TRUE(record.ok());
  EXPECT_EQ(record->validity, "2100-01-01T00:00:00.500000000Z");
  EXPECT_EQ(record->sequence, 18446744073709551615ULL);
  EXPECT_EQ(record->value, "/ipfs/QmShvs9WPsWLJcvr3VCQ1m8SurShkMh35XeGTishaLV52U");
}

}  // namespace
}  // namespace cbx::testing
