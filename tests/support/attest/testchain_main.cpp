// TEST ONLY: cbx_attest_testchain, the command-line front end of the test DCAP PKI for e2e
// scripts. Never shipped, never linked into the signer or the operator.
//   init DIR [--not-before RFC3339]            new root/PCK/TCB-signing keys + certs in DIR
//   collateral DIR [--status S] [--advisory ID]... [--qe-status S] [--issue T] [--next-update T]
//              [--revoke-pck] [--out FILE]     signed collateral JSON (dcap-qvl shape)
//   quote DIR [--report-data HEX] [--mrtd HEX] [--rtmr0..3 HEX] [--hex] [--out FILE]
//   pccs DIR --collateral FILE [--listen 127.0.0.1:PORT]
//              serves FILE at the PCCS v4 endpoints, re-read whenever it changes; prints one
//              JSON line {"msg":"listening","url":"http://127.0.0.1:PORT"} first; runs until
//              SIGTERM/SIGINT
// The root CA a verifier must pin is DIR/root.pem (cipherbox-republish attestation verify
// --test-root-ca DIR/root.pem).
#include <CLI/CLI.hpp>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "attest/test_chain.h"
#include "attest/test_pccs.h"
#include "cbx/http/server.h"

namespace {

using namespace cbx;
using namespace cbx::attest;
using namespace cbx::attest::testing;

int fail(const std::string& message) {
  std::cerr << "cbx_attest_testchain: " << message << '\n';
  return 1;
}

template <std::size_t N>
bool hex_into(const std::string& text, std::array<std::uint8_t, N>& out) {
  if (text.empty()) return true;
  auto bytes = hex_decode(text);
  if (!bytes || bytes->size() != N) return false;
  std::copy(bytes->begin(), bytes->end(), out.begin());
  return true;
}

int write_out(const std::string& path, const std::string& data) {
  if (path.empty() || path == "-") {
    std::cout << data;
    return 0;
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << data;
  return out ? 0 : fail("cannot write " + path);
}

std::optional<std::string> read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

SysTime now() {
  return std::chrono::time_point_cast<Nanos>(std::chrono::system_clock::now());
}

struct CollateralArgs {
  std::string status = "UpToDate", qe_status = "UpToDate", issue, next_update, out;
  std::vector<std::string> advisories;
  bool revoke_pck = false;
};

int collateral(const std::string& dir, const CollateralArgs& a) {
  auto chain = TestChain::load(dir);
  if (!chain) return fail(chain.error().message);
  auto status = parse_tcb_status(a.status);
  auto qe_status = parse_tcb_status(a.qe_status);
  if (!status || !qe_status) return fail("unknown TCB status");
  SysTime issue = now() - std::chrono::hours(24), next = now() + std::chrono::hours(24 * 30);
  if (!a.issue.empty()) issue = parse_rfc3339(a.issue).value_or(SysTime{});
  if (!a.next_update.empty()) next = parse_rfc3339(a.next_update).value_or(SysTime{});
  CollateralSpec spec = chain->collateral_spec(*status, issue, next, a.advisories);
  spec.qe_levels.front().status = *qe_status;
  spec.revoke_pck_leaf = a.revoke_pck;
  return write_out(a.out, collateral_to_json(chain->collateral(spec)) + "\n");
}

struct QuoteArgs {
  std::string report_data, mrtd, out;
  std::array<std::string, 4> rtmr;
  bool hex = false;
};

int quote(const std::string& dir, const QuoteArgs& a) {
  auto chain = TestChain::load(dir);
  if (!chain) return fail(chain.error().message);
  QuoteSpec spec;
  bool ok = hex_into(a.report_data, spec.report_data) && hex_into(a.mrtd, spec.mrtd);
  for (std::size_t i = 0; i < 4; ++i) ok = ok && hex_into(a.rtmr[i], spec.rtmr[i]);
  if (!ok) return fail("report data must be 64 bytes of hex, MRTD and RTMRs 48");
  Bytes q = chain->quote(spec);
  return write_out(a.out, a.hex ? hex_encode(q) + "\n" : std::string(q.begin(), q.end()));
}

int pccs(const std::string& dir, const std::string& collateral_file, const std::string& listen) {
  auto chain = TestChain::load(dir);  // only to fail early on a wrong DIR
  if (!chain) return fail(chain.error().message);
  auto host_port = http::parse_host_port(listen);
  if (!host_port || host_port->host != "127.0.0.1") return fail("--listen must be 127.0.0.1:PORT");
  http::block_termination_signals();
  TestPccs server;
  auto load = [&]() -> bool {
    auto text = read_text(collateral_file);
    auto parsed = text ? parse_collateral_json(*text) : Result<Collateral>(make_error("IO", ""));
    if (parsed) server.set_collateral(*parsed);
    return parsed.ok();
  };
  if (!load()) return fail("cannot read collateral " + collateral_file);
  auto url = server.start(host_port->port);
  if (!url) return fail(url.error().message);
  std::cout << R"({"msg":"listening","url":")" << *url << "\"}" << std::endl;
  std::atomic<bool> stop{false};
  std::thread watcher([&] {
    std::error_code ec;
    auto last = std::filesystem::last_write_time(collateral_file, ec);
    while (!stop) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      auto current = std::filesystem::last_write_time(collateral_file, ec);
      if (!ec && current != last && load()) last = current;
    }
  });
  http::wait_for_termination_signal();
  stop = true;
  watcher.join();
  server.stop();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app("TEST ONLY: a stand-in Intel DCAP PKI for attestation tests",
               "cbx_attest_testchain");
  app.require_subcommand(1);
  std::string dir, not_before, collateral_file, listen = "127.0.0.1:0";
  auto* init_cmd = app.add_subcommand("init", "Create a test PKI in DIR");
  init_cmd->add_option("dir", dir)->required();
  init_cmd->add_option("--not-before", not_before);

  CollateralArgs ca;
  auto* col_cmd = app.add_subcommand("collateral", "Signed collateral JSON for the test platform");
  col_cmd->add_option("dir", dir)->required();
  col_cmd->add_option("--status", ca.status);
  col_cmd->add_option("--qe-status", ca.qe_status);
  col_cmd->add_option("--advisory", ca.advisories);
  col_cmd->add_option("--issue", ca.issue);
  col_cmd->add_option("--next-update", ca.next_update);
  col_cmd->add_flag("--revoke-pck", ca.revoke_pck);
  col_cmd->add_option("--out", ca.out);

  QuoteArgs qa;
  auto* quote_cmd = app.add_subcommand("quote", "A TDX v4 quote signed through the test PKI");
  quote_cmd->add_option("dir", dir)->required();
  quote_cmd->add_option("--report-data", qa.report_data);
  quote_cmd->add_option("--mrtd", qa.mrtd);
  for (int i = 0; i < 4; ++i) quote_cmd->add_option("--rtmr" + std::to_string(i), qa.rtmr[i]);
  quote_cmd->add_flag("--hex", qa.hex);
  quote_cmd->add_option("--out", qa.out);

  auto* pccs_cmd = app.add_subcommand("pccs", "Serve collateral at the PCCS v4 endpoints");
  pccs_cmd->add_option("dir", dir)->required();
  pccs_cmd->add_option("--collateral", collateral_file)->required();
  pccs_cmd->add_option("--listen", listen);
  CLI11_PARSE(app, argc, argv);

  try {
    if (init_cmd->parsed()) {
      SysTime from = now() - std::chrono::hours(24 * 7);
      if (!not_before.empty()) {
        auto t = parse_rfc3339(not_before);
        if (!t) return fail("--not-before is not RFC 3339");
        from = *t;
      }
      auto saved = TestChain::create(from).save(dir);
      return saved ? 0 : fail(saved.error().message);
    }
    if (col_cmd->parsed()) return collateral(dir, ca);
    if (quote_cmd->parsed()) return quote(dir, qa);
    return pccs(dir, collateral_file, listen);
  } catch (const std::exception& e) {
    return fail(e.what());
  }
}
