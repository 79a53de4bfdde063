#include "cli_test_support.h"
#include "js_error_codes.h"

namespace cbx::testing {
namespace {

// Every vector (valid cases and edge cases) through `record inspect`, as base64 on stdin.
TEST(RecordInspect, AgreesWithTheIpnsValidatorOnEveryVector) {
  const auto vectors = load_vectors("ipns.json");
  int checked = 0;
  for (const auto* group : {"cases", "edge"}) {
    for (const auto& c : vectors[group]) {
      const bool expected_valid = c["expected"]["valid"].get<bool>();
      const auto result = run_cli({"record", "inspect", "--name", c["ipnsName"]},
                                  c["recordBase64"].get<std::string>());
      ASSERT_EQ(line_count(result.out), 1) << c["id"] << result.err;
      const auto out = nlohmann::json::parse(result.out);
      EXPECT_EQ(out["valid"], expected_valid) << c["id"] << ": " << result.out;
      EXPECT_EQ(result.exit_code, expected_valid ? 0 : 1) << c["id"];
      if (expected_valid) {
        EXPECT_TRUE(out["error"].is_null());
      }
      if (expected_valid && c.contains("valueString")) {  // edge cases list no fields
        EXPECT_EQ(out["value"], c["valueString"]) << c["id"];
        EXPECT_EQ(out["sequence"], c["sequence"]) << c["id"];
        EXPECT_EQ(out["validity"], c["validity"]) << c["id"];
        EXPECT_EQ(out["ttl"], c["ttlNs"]) << c["id"];
      }
      if (!expected_valid) {
        EXPECT_EQ(out["error"]["code"],
                  expected_error_code(c["expected"]["errorName"].get<std::string>(),
                                      c["expected"]["errorMessage"].get<std::string>()))
            << c["id"] << ": " << result.out;
        EXPECT_TRUE(out["error"]["message"].is_string());
      }
      ++checked;
    }
  }
  EXPECT_GE(checked, 30);
}

TEST(RecordInspect, ReadsRawAndBase64FilesAndStdin) {
  TempDir dir;
  const auto c = load_vectors("ipns.json")["cases"][0];
  const std::string name = c["ipnsName"];
  const std::string b64 = c["recordBase64"];
  const std::string raw = to_string(base64_decode(b64).value());
  const std::string raw_file = write_file(dir, "raw", raw);
  const std::string b64_file = write_file(dir, "b64", b64 + "\n");
  for (const auto& result : {run_cli({"record", "inspect", "--name", name, raw_file}),
                             run_cli({"record", "inspect", "--name", name, b64_file}),
                             run_cli({"record", "inspect", "--name", name, "-"}, raw),
                             run_cli({"record", "inspect", "--name", "/ipns/" + name}, b64)}) {
    EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
    EXPECT_EQ(nlohmann::json::parse(result.out)["sequence"], "0");
  }
}

TEST(RecordInspect, ExpiredRecordIsInvalidButShowsItsFields) {
  const auto vectors = load_vectors("ipns.json")["cases"];
  const auto c = *std::find_if(vectors.begin(), vectors.end(),
                               [](const auto& v) { return v["id"] == "ipns-09"; });
  const auto result =
      run_cli({"record", "inspect", "--name", c["ipnsName"]}, c["recordBase64"].get<std::string>());
  EXPECT_EQ(result.exit_code, 1);
  const auto out = nlohmann::json::parse(result.out);
  EXPECT_EQ(out["valid"], false);
  EXPECT_EQ(out["error"]["code"], "RECORD_EXPIRED");
  EXPECT_EQ(out["validity"], "2020-01-01T00:00:00.000000000Z");
  EXPECT_EQ(out["sequence"], "5");
  // The same record was valid in 2019.
  const auto then =
      run_cli({"record", "inspect", "--name", c["ipnsName"], "--at", "2019-06-01T00:00:00Z"},
              c["recordBase64"].get<std::string>());
  EXPECT_EQ(then.exit_code, 0) << then.out;
}

TEST(RecordInspect, GarbageIsInvalidNotACrash) {
  const auto c = load_vectors("ipns.json")["cases"][0];
  for (const std::string& input : {std::string(""), std::string("not a record"),
                                   std::string("\x0a\xff\xff\xff", 4), std::string(20000, 'A')}) {
    const auto result = run_cli({"record", "inspect", "--name", c["ipnsName"]}, input);
    EXPECT_EQ(result.exit_code, 1) << result.err;
    EXPECT_EQ(nlohmann::json::parse(result.out)["valid"], false);
  }
}

}  // namespace
}  // namespace cbx::testing

namespace cbx::testing {
namespace {

// keygen -> record make -> record inspect, all through the binary.
TEST(RecordRoundTrip, KeygenMakeInspect) {
  TempDir dir;
  const std::string seed = (dir / "folder.key").string();
  const auto keygen = run_cli({"keygen", "--out", seed});
  ASSERT_EQ(keygen.exit_code, 0) << keygen.err;
  const std::string name = trim_newline(keygen.out);
  const std::string value = "/ipfs/bafybeica4i3ff72psze3fwgicrwyd6ih2qhlkerrese6de6ry4q4prqlcu";
  for (const bool v2_only : {false, true}) {
    std::vector<std::string> args = {"record",     "make", "--seed-file", seed,
                                     "--value",    value,  "--sequence",  "9223372036854775807",
                                     "--lifetime", "48h",  "--ttl",       "1h30m"};
    if (v2_only) args.push_back("--v2-only");
    const auto made = run_cli(args);
    ASSERT_EQ(made.exit_code, 0) << made.err;
    const std::string file = write_file(dir, "record", made.out);
    const auto inspected = run_cli({"record", "inspect", "--name", name, file});
    EXPECT_EQ(inspected.exit_code, 0) << inspected.out;
    const auto out = nlohmann::json::parse(inspected.out);
    EXPECT_EQ(out["valid"], true);
    EXPECT_EQ(out["value"], value);
    EXPECT_EQ(out["sequence"], "9223372036854775807");
    EXPECT_EQ(out["ttl"], "5400000000000");
    EXPECT_TRUE(out["error"].is_null());
    // Against another key's name: invalid, exit 1.
    const auto other = run_cli({"keygen", "--out", (dir / "other.key").string(), "--force"});
    const auto wrong = run_cli({"record", "inspect", "--name", trim_newline(other.out), file});
    EXPECT_EQ(wrong.exit_code, 1);
    EXPECT_EQ(nlohmann::json::parse(wrong.out)["error"]["code"], "SIGNATURE_INVALID");
  }
}

}  // namespace
}  // namespace cbx::testing
