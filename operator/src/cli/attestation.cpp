#include "cli/attestation.h"

#include <fstream>
#include <memory>
#include <optional>
#include <ostream>
#include <sstream>

#include "cbx/attest/collateral_source.h"
#include "cbx/attest/event_log.h"
#include "cbx/attest/quote_verifier.h"
#include "cbx/attest/verdict_json.h"
#include "cbx/epoch/tdx_quote.h"
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
  auto anchors = attest::TrustAnchors::test_from_pem(*pem);
  if (!anchors) return make_error("USAGE", "--test-root-ca: " + anchors.error().message);
  return anchors;
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

// A dstack guest agent's GetQuote answer ({"quote": hex, "event_log": ...}) may be given for
// --quote and --event-log alike: its field is taken; any other content is used as it is.
std::string field_of_agent_answer(const std::string& text, const char* field) {
  auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos || text[first] != '{') return text;
  auto parsed = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_object() || !parsed.contains(field)) return text;
  const auto& value = parsed[field];
  return value.is_string() ? value.get<std::string>() : value.dump();
}

// The event-log fields: the identity only from a log that replays to the quote's RTMR3 (and
// RTMR0-2 where it carries events); false otherwise, with eventLogError saying why.
bool add_event_log(const std::string& path, ByteView quote_bytes, nlohmann::json& out) {
  out["rtmr3Replayed"] = false;
  for (const char* field : {"composeHash", "appId", "instanceId", "keyProvider"}) {
    out[field] = nullptr;
  }
  auto fail = [&](const Error& e) {
    out["eventLogError"] = {{"code", e.code}, {"message", e.message}};
    return false;
  };
  auto text = read_input(path);
  if (!text) return fail(text.error());
  auto quote = epoch::parse_tdx_quote(quote_bytes);
  if (!quote) return fail(make_error("BAD_QUOTE", quote.error().message));
  auto replayed = attest::verify_event_log(field_of_agent_answer(*text, "event_log"), *quote);
  if (!replayed) return fail(replayed.error());
  const auto& id = replayed->identity;
  out["rtmr3Replayed"] = true;
  out["composeHash"] = id.compose_hash;
  out["appId"] = id.app_id;
  out["instanceId"] = id.instance_id;
  out["keyProvider"] = id.key_provider;
  out["eventLogError"] = nullptr;
  return true;
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
  Bytes quote = attest::decode_quote_file(field_of_agent_answer(*raw, "quote"));

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
  command
      ->add_option("--quote", options->quote_file,
                   "TDX v4 quote file (raw bytes, hex, or a dstack GetQuote answer)")
      ->required();
  command->add_option("--collateral", options->collateral_file,
                      "Collateral JSON file (the dcap-qvl / PCCS shape)");
  command->add_option("--pccs", options->pccs_url,
                      std::string("PCCS base URL (default ") + attest::kDefaultPccsUrl + ")");
  command->add_flag("--no-collateral", options->no_collateral,
                    "Only parse the quote; verified is false");
  command->add_option(
      "--event-log", options->event_log_file,
      "dstack event log (JSON, or a GetQuote answer carrying one) to replay against "
      "the quote's RTMRs; adds rtmr3Replayed, composeHash, appId, instanceId, "
      "keyProvider");
  command->add_option("--at", options->at, "Verify as of this RFC 3339 time (default: now)");
  command->add_option("--test-root-ca", options->test_root_ca_file,
                      "TESTS ONLY: trust this root CA (PEM) instead of Intel's; the output says "
                      "trustAnchor \"test\"");
}

}  // namespace cbx::cli
