#include "cli/attestation.h"

#include <cctype>
#include <fstream>
#include <memory>
#include <optional>
#include <ostream>
#include <sstream>

#include "cbx/attest/collateral_source.h"
#include "cbx/attest/quote_verifier.h"
#include "cbx/attest/verdict_json.h"
#include "cbx/http/beast_client.h"

namespace cbx::cli {
namespace {

struct VerifyOptions {
  std::string quote_file;
  std::string collateral_file;
  std::string pccs_url;
  bool no_collateral = false;
  std::string event_log_file;
  std::string at;
  std::string test_root_ca_file;
};

constexpr std::size_t kMaxInputBytes = 4 * 1024 * 1024;

Result<std::string> read_input(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error("IO", "cannot read " + path);
  std::string text;
  text.resize(kMaxInputBytes + 1);
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > kMaxInputBytes) return make_error("IO", path + " is larger than 4 MiB");
  return text;
}

Result<attest::TrustAnchors> anchors_for(const VerifyOptions& options) {
  if (options.test_root_ca_file.empty()) return attest::TrustAnchors::intel();
  auto pem = read_input(options.test_root_ca_file);
  if (!pem) return pem.error();
  // A PEM certificate; its DER is what TrustAnchors pins.
  auto begin = pem->find("-----BEGIN CERTIFICATE-----");
  auto end = pem->find("-----END CERTIFICATE-----");
  if (begin == std::string::npos || end == std::string::npos || end < begin) {
    return make_error("USAGE", "--test-root-ca is not a PEM certificate");
  }
  begin += std::string_view("-----BEGIN CERTIFICATE-----").size();
  std::string body;
  for (char c : pem->substr(begin, end - begin)) {
    if (!std::isspace(static_cast<unsigned char>(c))) body.push_back(c);
  }
  auto der = base64_decode(body);
  if (!der) return make_error("USAGE", "--test-root-ca is not a PEM certificate");
  return attest::TrustAnchors::test(std::move(*der));
}

Result<attest::Collateral> collateral_for(const VerifyOptions& options, ByteView quote,
                                          SysTime now) {
  if (!options.collateral_file.empty()) {
    auto text = read_input(options.collateral_file);
    if (!text) return text.error();
    return attest::parse_collateral_json(*text);
  }
  auto platform = attest::platform_of_quote(quote);
  if (!platform) return platform.error();
  auto client = http::make_beast_client({});
  if (!client) return client.error();
  attest::PccsOptions pccs;
  if (!options.pccs_url.empty()) pccs.base_url = options.pccs_url;
  attest::PccsCollateralSource source(**client, pccs);
  return source.collateral_for(*platform, now);
}

// The event-log fields; false unless the log replays to the quote's RTMRs.
bool add_event_log(const std::string& path, ByteView /*quote*/, nlohmann::json& out) {
  out["rtmr3Replayed"] = false;
  for (const char* field : {"composeHash", "appId", "instanceId", "keyProvider"}) {
    out[field] = nullptr;
  }
  auto text = read_input(path);
  out["eventLogError"] =
      text ? nlohmann::json{{"code", "UNSUPPORTED"},
                            {"message", "event-log replay is not built in yet"}}
           : nlohmann::json{{"code", text.error().code}, {"message", text.error().message}};
  return false;
}

int verify(const VerifyOptions& options, const Io& io) {
  int sources = (options.collateral_file.empty() ? 0 : 1) + (options.pccs_url.empty() ? 0 : 1) +
                (options.no_collateral ? 1 : 0);
  if (sources > 1) {
    return usage_error(io, "--collateral, --pccs and --no-collateral exclude each other");
  }
  SysTime now = io.now();
  if (!options.at.empty()) {
    auto at = parse_rfc3339(options.at);
    if (!at) return usage_error(io, "--at is not an RFC 3339 time");
    now = *at;
  }
  auto anchors = anchors_for(options);
  if (!anchors) return usage_error(io, anchors.error().message);
  auto raw = read_input(options.quote_file);
  if (!raw) return failure(io, raw.error().message);
  Bytes quote = attest::decode_quote_file(*raw);

  attest::QuoteVerdict verdict;
  if (options.no_collateral) {
    verdict = attest::inspect_tdx_quote(quote);
  } else if (auto collateral = collateral_for(options, quote, now)) {
    verdict = attest::verify_tdx_quote(quote, *collateral, now, *anchors);
  } else {
    verdict = attest::inspect_tdx_quote(quote);
    verdict.error = collateral.error();
  }
  nlohmann::json out = attest::verdict_to_json(verdict);
  bool ok = verdict.verified;
  if (!options.event_log_file.empty()) ok = add_event_log(options.event_log_file, quote, out) && ok;
  io.out << out.dump() << '\n';
  return ok ? kExitOk : kExitFailed;
}

}  // namespace

void register_attestation(Cli& cli) {
  CLI::App* group = cli.add_group(cli.app(), "attestation", "Check TDX attestation evidence");
  auto options = std::make_shared<VerifyOptions>();
  CLI::App* command = cli.add_command(
      *group, "verify",
      "Verify a TDX quote in process (DCAP: PCK chain to Intel's root, collateral, TCB level); "
      "print one JSON object; exit 0 only when everything asked for verified",
      [options](const Io& io) { return verify(*options, io); });
  command->add_option("--quote", options->quote_file, "TDX v4 quote file (raw bytes or hex)")
      ->required();
  command->add_option("--collateral", options->collateral_file,
                      "Collateral JSON file (the dcap-qvl / PCCS shape)");
  command->add_option("--pccs", options->pccs_url,
                      std::string("PCCS base URL (default ") + attest::kDefaultPccsUrl + ")");
  command->add_flag("--no-collateral", options->no_collateral,
                    "Only parse the quote; verified is false");
  command->add_option("--event-log", options->event_log_file,
                      "dstack event log (JSON) to replay against the quote's RTMRs");
  command->add_option("--at", options->at, "Verify as of this RFC 3339 time (default: now)");
  command->add_option("--test-root-ca", options->test_root_ca_file,
                      "TESTS ONLY: trust this root CA (PEM) instead of Intel's; the output says "
                      "trustAnchor \"test\"");
}

}  // namespace cbx::cli
