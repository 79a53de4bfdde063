#include "signer/signer_service.h"

#include <atomic>

#include "cbx/base/log.h"
#include "cbx/crypto/hash.h"
#include "cbx/epoch/report_data.h"
#include "signer/rewrap.h"

namespace cbx::signer {
namespace {

using http::error_response;
using http::json_response;

constexpr std::string_view kBearer = "Bearer ";
constexpr std::string_view kEpochsPrefix = "/v1/epochs/";
constexpr std::string_view kPublicKeySuffix = "/public-key";

std::atomic<std::uint64_t> g_request_counter{0};

http::Response no_store(http::Response res) {
  res.headers.emplace_back("Cache-Control", "no-store");
  return res;
}

unsigned status_for(const std::string& code) {
  if (code == "APPROVAL_REQUIRED" || code == "APPROVAL_INVALID" ||
      code == "TARGET_ATTESTATION_REQUIRED" || code == "TARGET_ATTESTATION_INVALID") {
    return 403;
  }
  if (code == "KEY_PROVIDER_FAILED" || code == "QUOTE_FAILED") return 503;
  return 400;
}

http::Response error_of(const Error& e) {
  return error_response(status_for(e.code), e.code, e.message);
}

json error_json(const Error& e) {
  return {{"code", e.code}, {"message", e.message}};
}

// {entries: [...]} within the batch limit, else the 4xx to answer.
std::optional<http::Response> check_entries(const json& body, std::size_t max_batch) {
  auto entries = request_fields(body).array("entries");
  if (!entries) return error_of(entries.error());
  if ((*entries)->size() > max_batch) {
    return error_response(413, "BATCH_TOO_LARGE",
                          "at most " + std::to_string(max_batch) + " entries per request");
  }
  return std::nullopt;
}

// {"id":…,"ok":true,"record":…,"sequence":…,"validity":…[,"rewrapped":{…}]}; base64, decimal
// and RFC 3339 text need no escaping, the id is escaped by the JSON library.
void append_signed_result(std::string& out, const std::string& id, const SignedEntry& e) {
  out += "{\"id\":";
  out += json(id).dump(-1, ' ', false, json::error_handler_t::replace);
  out += ",\"ok\":true,\"record\":\"";
  out += base64_encode(e.record);
  out += "\",\"sequence\":\"";
  out += std::to_string(e.sequence);
  out += "\",\"validity\":\"";
  out += e.validity;
  out += '"';
  if (e.rewrapped) {
    out += ",\"rewrapped\":{\"epoch\":";
    out += std::to_string(e.rewrapped->epoch);
    out += ",\"encryptedKey\":\"";
    out += base64_encode(e.rewrapped->encrypted_key);
    out += "\"}";
  }
  out += '}';
}

std::string entry_path(std::size_t index) {
  return "entries[" + std::to_string(index) + "]";
}

std::optional<std::uint64_t> parse_epoch_segment(std::string_view text) {
  auto n = cbx::json::decimal_uint64(text, /*leading_zeros_allowed=*/false);
  if (!n || *n == 0 || *n > kMaxEpoch) return std::nullopt;
  return n;
}

}  // namespace

SignerService::SignerService(KeyProvider& provider, SignerConfig config, Metrics& metrics,
                             Clock clock)
    : provider_(provider),
      config_(std::move(config)),
      metrics_(metrics),
      clock_(clock ? std::move(clock)
                   : Clock([] { return ipns::TimePoint(ipns::Clock::now().time_since_epoch()); })),
      keys_(provider),
      status_(provider) {
  token_digest_ = sha256(config_.token.span());
}

bool SignerService::authorized(const http::Request& req) const {
  auto header = req.header("Authorization");
  // The scheme name is case-insensitive (RFC 9110 §11.1); the token is not.
  if (!header || header->size() < kBearer.size() ||
      !http::iequals(header->substr(0, kBearer.size()), kBearer)) {
    return false;
  }
  // Compare digests: equal length always, so neither length nor content leaks through timing.
  auto presented = sha256(as_bytes(header->substr(kBearer.size())));
  return constant_time_equal(presented, token_digest_);
}

http::Response SignerService::handle(const http::Request& req) {
  auto started = std::chrono::steady_clock::now();
  std::string_view route_label = "other";
  http::Response res;
  try {
    res = route(req, route_label);
  } catch (const std::exception& e) {
    // Not expected: every parser here is exception-free. Never let it reach the io thread.
    log::error("signer handler failed", {{"route", route_label}, {"error", "exception"}});
    res = error_response(500, "INTERNAL", "internal error");
  }
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  metrics_.request(route_label, res.status, seconds);
  return res;
}

http::Response SignerService::route(const http::Request& req, std::string_view& route_label) {
  std::string_view path = req.path();
  const bool get = req.method == "GET", post = req.method == "POST";
  if (path == "/healthz") {
    route_label = "/healthz";
    return json_response(200, {{"status", "ok"}});
  }
  if (path == "/readyz") {
    route_label = "/readyz";
    return ready();
  }
  if (path == "/metrics") {
    route_label = "/metrics";
    metrics_.epoch_keys_cached(keys_.size());
    auto text = metrics_.exposition();
    if (!text) return error_response(404, "NOT_FOUND", "metrics are not collected");
    return http::text_response(200, std::move(*text), "text/plain; version=0.0.4");
  }
  if (!path.starts_with("/v1/")) return error_response(404, "NOT_FOUND", "no such path");
  if (!authorized(req)) {
    route_label = "unauthorized";
    auto res = error_response(401, "UNAUTHORIZED", "missing or wrong bearer token");
    res.headers.emplace_back("WWW-Authenticate", "Bearer");
    return res;
  }
  auto method_not_allowed = [] {
    return error_response(405, "METHOD_NOT_ALLOWED", "method not allowed");
  };
  if (path == "/v1/sign") {
    route_label = "/v1/sign";
    return post ? no_store(sign(req)) : method_not_allowed();
  }
  if (path == "/v1/rewrap") {
    route_label = "/v1/rewrap";
    return post ? no_store(rewrap(req)) : method_not_allowed();
  }
  if (path == "/v1/info") {
    route_label = "/v1/info";
    return get ? no_store(info()) : method_not_allowed();
  }
  if (path.starts_with(kEpochsPrefix) && path.ends_with(kPublicKeySuffix) &&
      path.size() > kEpochsPrefix.size() + kPublicKeySuffix.size()) {
    route_label = "/v1/epochs/{n}/public-key";
    auto n = path.substr(kEpochsPrefix.size(),
                         path.size() - kEpochsPrefix.size() - kPublicKeySuffix.size());
    return get ? no_store(public_key(req, n)) : method_not_allowed();
  }
  return error_response(404, "NOT_FOUND", "no such path");
}

http::Response SignerService::sign(const http::Request& req) {
  auto body = parse_json_object(req.body);
  if (!body) return error_response(400, body.error().code, body.error().message);
  if (auto bad = check_entries(*body, config_.max_batch)) return *bad;
  auto current_epoch = request_fields(*body).uint64("currentEpoch");
  if (!current_epoch) return error_of(current_epoch.error());
  auto current = keys_.get(*current_epoch);
  if (!current) return error_of(current.error());

  const auto request_id = ++g_request_counter;
  const auto& entries = (*body)["entries"];
  metrics_.batch("sign", entries.size());
  SignContext ctx{keys_, verified_, **current, SignLimits{config_.max_lifetime}, clock_()};
  // The answer is written directly: at 50 entries per batch a JSON DOM and its serializer cost
  // a measurable share of the per-entry time (bench/signer_bench.cpp).
  std::string out = "{\"results\":[";
  out.reserve(entries.size() * 768);
  std::size_t failed = 0;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    std::string id;
    auto parsed = parse_sign_entry(entries[i], entry_path(i), id);
    auto signed_entry = parsed ? sign_entry(*parsed, ctx) : Result<SignedEntry>(parsed.error());
    if (out.back() != '[') out += ',';
    if (signed_entry) {
      append_signed_result(out, id, *signed_entry);
      metrics_.entry("sign", "ok");
    } else {
      ++failed;
      out += json{{"id", id}, {"ok", false}, {"error", error_json(signed_entry.error())}}.dump(
          -1, ' ', false, json::error_handler_t::replace);
      metrics_.entry("sign", signed_entry.error().code);
      log::info("sign entry refused", {{"request_id", request_id},
                                       {"entry_id", id},
                                       {"epoch", *current_epoch},
                                       {"code", signed_entry.error().code}});
    }
  }
  out += "]}";
  log::info("sign", {{"request_id", request_id},
                     {"epoch", *current_epoch},
                     {"entries", entries.size()},
                     {"failed", failed}});
  return http::text_response(200, std::move(out), "application/json");
}

http::Response SignerService::rewrap(const http::Request& req) {
  auto body = parse_json_object(req.body);
  if (!body) return error_response(400, body.error().code, body.error().message);
  if (auto bad = check_entries(*body, config_.max_batch)) return *bad;
  auto target =
      resolve_rewrap_target(*body, keys_, config_.authority_public_key, config_.target_policy);
  if (!target) return error_of(target.error());

  const auto request_id = ++g_request_counter;
  const auto& entries = (*body)["entries"];
  metrics_.batch("rewrap", entries.size());
  json results = json::array();
  std::size_t failed = 0;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    std::string id;
    auto parsed = parse_rewrap_entry(entries[i], entry_path(i), id);
    auto resealed = parsed ? rewrap_entry(*parsed, keys_, *target) : Result<Bytes>(parsed.error());
    json r = {{"id", id}, {"ok", resealed.ok()}};
    if (resealed) {
      r["epoch"] = target->epoch;
      r["encryptedKey"] = base64_encode(*resealed);
      metrics_.entry("rewrap", "ok");
    } else {
      ++failed;
      r["error"] = error_json(resealed.error());
      metrics_.entry("rewrap", resealed.error().code);
    }
    results.push_back(std::move(r));
  }
  log::info("rewrap", {{"request_id", request_id},
                       {"target_epoch", target->epoch},
                       {"external", target->external},
                       {"target_chain_verified", target->chain_verified},
                       {"entries", entries.size()},
                       {"failed", failed}});
  return json_response(200, {{"results", std::move(results)}});
}

http::Response SignerService::public_key(const http::Request& req, std::string_view epoch_text) {
  auto epoch = parse_epoch_segment(epoch_text);
  if (!epoch) return error_response(400, "UNKNOWN_EPOCH", "epoch must be 1..4294967295 in decimal");
  Bytes nonce;
  // A nonce that is present but malformed is refused: taken as "no nonce", the answer would bind
  // none and the caller could mistake an old quote for a fresh one.
  if (auto raw = req.raw_query_param("nonce")) {
    auto text = http::percent_decode(*raw);
    auto decoded = text ? hex_decode(*text) : std::nullopt;
    if (!decoded || decoded->size() > epoch::kMaxNonceSize) {
      return error_response(400, "BAD_NONCE", "nonce must be hex of at most 64 bytes");
    }
    nonce = std::move(*decoded);
  }
  auto info = provider_info();
  // Without the attested identity the answer cannot be checked: the caller asks again.
  if (!info) {
    return error_response(503, "KEY_PROVIDER_FAILED",
                          "the key provider's identity (Info) is not known yet");
  }
  auto key = keys_.get(*epoch);
  if (!key) return error_of(key.error());
  auto report_data = epoch::epoch_report_data(*epoch, (*key)->public_key, nonce);
  auto quote = provider_.quote(report_data);
  if (!quote)
    return error_response(503, "QUOTE_FAILED",
                          "attestation quote failed: " + quote.error().message);
  return json_response(200, {{"epoch", *epoch},
                             {"publicKey", hex_encode((*key)->public_key)},
                             {"reportData", hex_encode(report_data)},
                             {"quote", quote->quote_hex},
                             {"eventLog", quote->event_log},
                             {"composeHash", info->compose_hash},
                             {"appId", info->app_id},
                             {"simulated", provider_.simulated()}});
}

http::Response SignerService::info() {
  auto info = provider_info();
  json authority = nullptr;
  if (config_.authority_public_key) authority = hex_encode(*config_.authority_public_key);
  return json_response(200, {{"service", "cipherbox-signer"},
                             {"version", kSignerVersion},
                             {"apiVersion", "v1"},
                             {"simulated", provider_.simulated()},
                             {"appId", info ? info->app_id : ""},
                             {"composeHash", info ? info->compose_hash : ""},
                             {"instanceId", info ? info->instance_id : ""},
                             {"agentVersion", info ? info->agent_version : ""},
                             {"maxBatch", config_.max_batch},
                             {"maxLifetimeSeconds", config_.max_lifetime.count()},
                             {"authorityPublicKey", authority},
                             {"externalRewrap", config_.authority_public_key.has_value()}});
}

http::Response SignerService::ready() {
  if (status_.ready()) return json_response(200, {{"status", "ready"}});
  return error_response(503, "NOT_READY", "the key provider is not reachable");
}

bool SignerService::warm_up() {
  return status_.wait_first_check();
}

std::optional<ProviderInfo> SignerService::provider_info() {
  return status_.info();
}

}  // namespace cbx::signer
