// `cipherbox-republish attestation verify` as users run it: the captured sample quote and
// collateral (Intel root), and quotes of the test PKI served by a loopback PCCS.
#include <gtest/gtest.h>

#include "attest/test_chain.h"
#include "attest/test_pccs.h"
#include "cbx/attest/collateral.h"
#include "cbx/attest/event_log.h"
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

// The captured GetQuote answers (quote + event log) of two dstack versions: the V1 one carries
// its runtime digests, the "lite" (0.6) one strips them and only their recomputation replays.
// No collateral was captured for them, so `verified` stays false and the exit status 1.
TEST(AttestationVerify, DstackCapturesReplayRtmr3AndNameTheApp) {
  struct Capture {
    const char* file;
    const char* compose_hash;
    const char* app_id;
    const char* instance_id;
  };
  for (const auto& c : {Capture{"dstack-quote-with-eventlog.json",
                                "3763bc34552cf3a27ff71ad5f7a90471562a1a2df552dfc1998cba2d60da27e7",
                                "3763bc34552cf3a27ff71ad5f7a90471562a1a2d",
                                "c3714eb66990eace777b4e664c16e09375dec4c9"},
                        Capture{"dstack-tdx-lite-getquote.json",
                                "86b0e55f2fa8e4fb69d890f14f54d5612707646e2573d54e0d2ddaaade77caa9",
                                "86b0e55f2fa8e4fb69d890f14f54d5612707646e",
                                "050bf89570575fe8fab4cb8f0a62a9e64efe8ead"}}) {
    SCOPED_TRACE(c.file);
    auto r = run_cli({"attestation", "verify", "--quote", vector_path(c.file), "--no-collateral",
                      "--event-log", vector_path(c.file)});
    EXPECT_EQ(r.exit_code, 1);  // no collateral: the quote itself is not verified
    json out = output_of(r);
    EXPECT_EQ(out["verified"], false);
    EXPECT_EQ(out["rtmr3Replayed"], true) << out.dump();
    EXPECT_TRUE(out["eventLogError"].is_null());
    EXPECT_EQ(out["composeHash"], c.compose_hash);
    EXPECT_EQ(out["appId"], c.app_id);
    EXPECT_EQ(out["instanceId"], c.instance_id);
    EXPECT_TRUE(out["keyProvider"].get<std::string>().starts_with("{\"name\":")) << out.dump();
  }
}

TEST(AttestationVerify, ChangedEventPayloadDoesNotReplayAndNamesNothing) {
  TempDir dir;
  auto capture = json::parse(read_whole_file(vector_path("dstack-tdx-lite-getquote.json")));
  auto events = json::parse(capture["event_log"].get<std::string>());
  for (auto& e : events) {
    if (e["event"] == "compose-hash") e["event_payload"] = std::string(64, 'e');
  }
  auto log = write_file(dir, "log.json", events.dump());
  auto r =
      run_cli({"attestation", "verify", "--quote", vector_path("dstack-tdx-lite-getquote.json"),
               "--no-collateral", "--event-log", log});
  EXPECT_EQ(r.exit_code, 1);
  json out = output_of(r);
  EXPECT_EQ(out["rtmr3Replayed"], false);
  EXPECT_EQ(out["eventLogError"]["code"], "RTMR_MISMATCH");
  EXPECT_TRUE(out["composeHash"].is_null());
  EXPECT_TRUE(out["appId"].is_null());
}

// Exit 0 with an event log needs both: a quote verified to the (test) root with collateral, and
// a log replaying to its RTMR3.
TEST(AttestationVerify, VerifiedQuoteAndReplayedLogExitZero) {
  using cbx::attest::TcbStatus;
  namespace chain_tools = cbx::attest::testing;
  auto now = std::chrono::time_point_cast<Nanos>(std::chrono::system_clock::now());
  auto chain = chain_tools::TestChain::create(now - std::chrono::hours(24));
  attest::DstackAppIdentity id{std::string(64, 'c'), std::string(40, 'a'), std::string(40, 'f'),
                               R"({"name":"test-kms"})", ""};
  auto built = attest::build_runtime_event_log(attest::dstack_boot_events(id));
  chain_tools::QuoteSpec q;
  q.rtmr[3] = built.rtmr3;
  TempDir dir;
  auto quote = chain.quote(q);
  auto quote_path = write_file(dir, "quote", std::string(quote.begin(), quote.end()));
  auto root_path = write_file(dir, "root.pem", chain.root_pem());
  auto collateral = write_file(
      dir, "collateral.json",
      attest::collateral_to_json(chain.collateral(chain.collateral_spec(
          TcbStatus::UpToDate, now - std::chrono::hours(1), now + std::chrono::hours(24)))));
  auto log = write_file(dir, "log.json", built.json_text);
  std::vector<std::string> args{"attestation",  "verify",   "--quote",        quote_path,
                                "--collateral", collateral, "--test-root-ca", root_path,
                                "--event-log",  log};
  auto r = run_cli(args);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  json out = output_of(r);
  EXPECT_EQ(out["verified"], true);
  EXPECT_EQ(out["rtmr3Replayed"], true);
  EXPECT_EQ(out["composeHash"], id.compose_hash);
  EXPECT_EQ(out["appId"], id.app_id);
  EXPECT_EQ(out["instanceId"], id.instance_id);
  EXPECT_EQ(out["keyProvider"], id.key_provider);

  // The same log against a quote whose RTMR3 it does not reach: the quote verifies, exit 1.
  q.rtmr[3][0] ^= 1;
  auto other = chain.quote(q);
  args[3] = write_file(dir, "other", std::string(other.begin(), other.end()));
  r = run_cli(args);
  EXPECT_EQ(r.exit_code, 1);
  out = output_of(r);
  EXPECT_EQ(out["verified"], true);
  EXPECT_EQ(out["rtmr3Replayed"], false);
  EXPECT_EQ(out["eventLogError"]["code"], "RTMR_MISMATCH");
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
