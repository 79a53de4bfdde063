// `cipherbox-republish attestation verify` as users run it: the captured sample quote and
// collateral (Intel root), and quotes of the test PKI served by a loopback PCCS.
#include <gtest/gtest.h>

#include "attest/test_chain.h"
#include "attest/test_pccs.h"
#include "cli_test_support.h"

namespace cbx::testing {
namespace {

using nlohmann::json;

std::string vector_path(const std::string& name) {
  return std::string(CBX_VECTORS_DIR) + "/attestation/" + name;
}

json output_of(const ProcessResult& r) {
  EXPECT_EQ(line_count(r.out), 1) << r.out << r.err;
  return json::parse(r.out);
}

std::vector<std::string> sample_args(const char* at) {
  return {"attestation",  "verify",
          "--quote",      vector_path("tdx_quote"),
          "--collateral", vector_path("tdx_quote_collateral.json"),
          "--at",         at};
}

TEST(AttestationVerify, SampleVerifiesUpToDateAndPrintsOneJsonObject) {
  auto r = run_cli(sample_args("2025-06-25T00:00:00Z"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  json out = output_of(r);
  EXPECT_EQ(out["verified"], true);
  EXPECT_EQ(out["tcbStatus"], "UpToDate");
  EXPECT_EQ(out["advisoryIds"], json::array());
  EXPECT_TRUE(out["error"].is_null());
  EXPECT_EQ(out["trustAnchor"], "intel");
  EXPECT_EQ(out["mrtd"].get<std::string>().substr(0, 8), "91eb2b44");
  for (const char* field : {"rtmr0", "rtmr1", "rtmr2", "rtmr3"}) {
    EXPECT_EQ(out[field].get<std::string>().size(), 96u) << field;
  }
  EXPECT_EQ(out["reportData"].get<std::string>().size(), 128u);
  EXPECT_EQ(out["collateralNextUpdate"], "2025-07-19T10:16:03Z");
}

TEST(AttestationVerify, ExpiredCollateralExitsOneWithTheError) {
  auto r = run_cli(sample_args("2025-12-06T00:00:00Z"));
  EXPECT_EQ(r.exit_code, 1);
  json out = output_of(r);
  EXPECT_EQ(out["verified"], false);
  EXPECT_EQ(out["error"]["code"], "COLLATERAL_EXPIRED");
}

TEST(AttestationVerify, HexQuoteFilesWorkToo) {
  TempDir dir;
  auto hex = write_file(dir, "quote.hex",
                        hex_encode(as_bytes(read_whole_file(vector_path("tdx_quote")))) + "\n");
  auto args = sample_args("2025-06-25T00:00:00Z");
  args[3] = hex;
  auto r = run_cli(args);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

TEST(AttestationVerify, NoCollateralParsesButNeverVerifies) {
  auto r =
      run_cli({"attestation", "verify", "--quote", vector_path("tdx_quote"), "--no-collateral"});
  EXPECT_EQ(r.exit_code, 1);
  json out = output_of(r);
  EXPECT_EQ(out["verified"], false);
  EXPECT_EQ(out["error"]["code"], "NO_COLLATERAL");
  EXPECT_EQ(out["mrtd"].get<std::string>().substr(0, 8), "91eb2b44");
}

TEST(AttestationVerify, GarbageQuoteIsRefused) {
  TempDir dir;
  auto path = write_file(dir, "quote", "not a quote");
  auto r = run_cli({"attestation", "verify", "--quote", path, "--collateral",
                    vector_path("tdx_quote_collateral.json")});
  EXPECT_EQ(r.exit_code, 1);
  json out = output_of(r);
  EXPECT_EQ(out["verified"], false);
  EXPECT_EQ(out["error"]["code"], "BAD_QUOTE");
  EXPECT_TRUE(out["mrtd"].is_null());
}

TEST(AttestationVerify, ConflictingSourcesAndBadTimesAreUsageErrors) {
  EXPECT_USAGE_ERROR(
      run_cli({"attestation", "verify", "--quote", vector_path("tdx_quote"), "--no-collateral",
               "--collateral", vector_path("tdx_quote_collateral.json")}));
  EXPECT_USAGE_ERROR(run_cli({"attestation", "verify", "--quote", vector_path("tdx_quote"),
                              "--no-collateral", "--at", "yesterday"}));
  EXPECT_USAGE_ERROR(run_cli({"attestation", "verify"}));
}

TEST(AttestationVerify, TestPkiQuoteThroughALoopbackPccs) {
  using cbx::attest::TcbStatus;
  namespace chain_tools = cbx::attest::testing;
  auto now = std::chrono::time_point_cast<Nanos>(std::chrono::system_clock::now());
  auto chain = chain_tools::TestChain::create(now - std::chrono::hours(24));
  chain_tools::QuoteSpec q;
  q.report_data.fill(0xAB);
  TempDir dir;
  auto quote = chain.quote(q);
  auto quote_path = write_file(dir, "quote", std::string(quote.begin(), quote.end()));
  auto root_path = write_file(dir, "root.pem", chain.root_pem());
  chain_tools::TestPccs pccs;
  auto url = pccs.start();
  ASSERT_TRUE(url.ok());
  pccs.set_collateral(
      chain.collateral(chain.collateral_spec(TcbStatus::OutOfDate, now - std::chrono::hours(1),
                                             now + std::chrono::hours(24), {"INTEL-SA-00999"})));

  auto r = run_cli({"attestation", "verify", "--quote", quote_path, "--pccs", *url,
                    "--test-root-ca", root_path});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  json out = output_of(r);
  EXPECT_EQ(out["verified"], true);
  EXPECT_EQ(out["trustAnchor"], "test");
  EXPECT_EQ(out["tcbStatus"], "OutOfDate");
  EXPECT_EQ(out["advisoryIds"], json::array({"INTEL-SA-00999"}));
  EXPECT_EQ(out["reportData"], hex_encode(q.report_data));

  // Without the test root the same quote is Intel's to vouch for, and it does not.
  r = run_cli({"attestation", "verify", "--quote", quote_path, "--pccs", *url});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(output_of(r)["error"]["code"], "BAD_CERT_CHAIN");

  // With an event log asked for, nothing less than a replayed log exits 0.
  auto log = write_file(dir, "log.json", "[]");
  r = run_cli({"attestation", "verify", "--quote", quote_path, "--pccs", *url, "--test-root-ca",
               root_path, "--event-log", log});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(output_of(r)["rtmr3Replayed"], false);
}

TEST(AttestationVerify, UnreachablePccsIsAnErrorNotAVerdict) {
  auto r = run_cli({"attestation", "verify", "--quote", vector_path("tdx_quote"), "--pccs",
                    "http://127.0.0.1:1", "--at", "2025-06-25T00:00:00Z"});
  EXPECT_EQ(r.exit_code, 1);
  json out = output_of(r);
  EXPECT_EQ(out["verified"], false);
  EXPECT_EQ(out["error"]["code"], "PCCS_UNAVAILABLE");
}

}  // namespace
}  // namespace cbx::testing
