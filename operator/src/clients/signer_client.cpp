#include "clients/signer_client.h"

#include <nlohmann/json.hpp>

namespace cbx::op {
namespace {

using nlohmann::json;

std::uint64_t u64_field(const json& obj, const char* key) {
  if (!obj.contains(key)) return 0;
  const auto& v = obj[key];
  if (v.is_number_unsigned()) return v.get<std::uint64_t>();
  if (v.is_string()) {
    try {
      return std::stoull(v.get<std::string>());
    } catch (...) {
      return 0;
    }
  }
  return 0;
}

std::string str_field(const json& obj, const char* key) {
  return obj.contains(key) && obj[key].is_string() ? obj[key].get<std::string>() : std::string{};
}

std::string event_log_text(const json& r) {
  if (!r.contains("eventLog")) return "";
  return r["eventLog"].is_string() ? r["eventLog"].get<std::string>() : r["eventLog"].dump();
}

json entry_json(const SignEntry& e) {
  return {{"id", e.id},
          {"ipnsName", e.ipns_name},
          {"encryptedKey", e.encrypted_key},
          {"keyEpoch", e.key_epoch},
          {"value", e.value},
          {"proofRecord", e.proof_record},
          {"sequence", std::to_string(e.sequence)},
          {"validity", e.validity},
          {"ttlSeconds", e.ttl_seconds}};
}

SignResult parse_result(const json& r) {
  SignResult out;
  out.id = str_field(r, "id");
  out.ok = r.value("ok", false);
  out.record = str_field(r, "record");
  out.sequence = u64_field(r, "sequence");
  out.validity = str_field(r, "validity");
  if (r.contains("rewrapped") && r["rewrapped"].is_object()) {
    out.rewrapped_epoch = u64_field(r["rewrapped"], "epoch");
    out.rewrapped_key = str_field(r["rewrapped"], "encryptedKey");
  }
  if (r.contains("error") && r["error"].is_object()) {
    out.error_code = str_field(r["error"], "code");
    out.error_message = str_field(r["error"], "message");
  }
  return out;
}

}  // namespace

SignerClient::SignerClient(http::HttpTransport& transport, std::string base_url, SecretBytes token,
                           std::chrono::milliseconds timeout)
    : transport_(transport), base_url_(std::move(base_url)), token_(std::move(token)),
      timeout_(timeout) {
  while (!base_url_.empty() && base_url_.back() == '/') base_url_.pop_back();
}

Result<json> SignerClient::call(const std::string& method, const std::string& path,
                                const std::string& body) {
  http::Request request{method, base_url_ + path, {}, body, timeout_};
  request.headers.emplace_back(
      "Authorization", "Bearer " + std::string(token_.data(), token_.data() + token_.size()));
  if (!body.empty()) request.headers.emplace_back("Content-Type", "application/json");
  auto response = transport_.request(request);
  if (!response) return make_error("UNAVAILABLE", base_url_ + ": " + response.error().message);
  auto parsed = json::parse(response->body, nullptr, false);
  std::string signer_code = parsed.is_object() && parsed.contains("error") && parsed["error"].is_object()
                                ? str_field(parsed["error"], "code") + ": " + str_field(parsed["error"], "message")
                                : std::string{};
  std::string code = parsed.is_object() && parsed.contains("error") && parsed["error"].is_object()
                         ? str_field(parsed["error"], "code")
                         : std::string{};
  if (code == "APPROVAL_REQUIRED" || code == "APPROVAL_INVALID" ||
      (code == "UNKNOWN_EPOCH" && path == "/v1/rewrap")) {
    return make_error(code, base_url_ + path + ": " + str_field(parsed["error"], "message"));
  }
  if (response->status == 401 || response->status == 403) {
    return make_error("UNAUTHORIZED", base_url_ + " refused the token (" + signer_code + ")");
  }
  if (response->status >= 500) {
    return make_error("UNAVAILABLE", base_url_ + " answered " + std::to_string(response->status));
  }
  if (response->status != 200) {
    return make_error("REJECTED", base_url_ + path + " answered " +
                                      std::to_string(response->status) + " " + signer_code);
  }
  if (parsed.is_discarded() || !parsed.is_object()) {
    return make_error("BAD_RESPONSE", base_url_ + path + " did not answer a JSON object");
  }
  return parsed;
}

Result<std::vector<SignResult>> SignerClient::sign(std::uint64_t current_epoch,
                                                   const std::vector<SignEntry>& entries) {
  json body = {{"currentEpoch", current_epoch}, {"entries", json::array()}};
  for (const auto& e : entries) body["entries"].push_back(entry_json(e));
  auto response = call("POST", "/v1/sign", body.dump());
  if (!response) return response.error();
  if (!response->contains("results") || !(*response)["results"].is_array()) {
    return make_error("BAD_RESPONSE", "sign response has no results array");
  }
  std::vector<SignResult> out;
  for (const auto& r : (*response)["results"]) out.push_back(parse_result(r));
  return out;
}

Result<EpochPublicKey> SignerClient::epoch_public_key(std::uint64_t epoch,
                                                      const std::string& nonce_hex) {
  auto response = call("GET", "/v1/epochs/" + std::to_string(epoch) + "/public-key?nonce=" + nonce_hex, "");
  if (!response) return response.error();
  const auto& r = *response;
  EpochPublicKey out{u64_field(r, "epoch"),       str_field(r, "publicKey"),
                     str_field(r, "reportData"),  str_field(r, "quote"),
                     event_log_text(r),
                     str_field(r, "composeHash"), str_field(r, "appId"),
                     r.value("simulated", false)};
  if (out.public_key_hex.size() != 130) {
    return make_error("BAD_RESPONSE", "epoch public key is not a 65-byte uncompressed key");
  }
  return out;
}

Result<json> SignerClient::info() { return call("GET", "/v1/info", ""); }

Result<std::vector<RewrapResult>> SignerClient::rewrap(const RewrapTarget& target,
                                                       const std::vector<RewrapEntry>& entries) {
  json body = {{"target",
                {{"epoch", target.epoch},
                 {"publicKey", target.public_key_hex},
                 {"composeHash", target.compose_hash_hex},
                 {"approval", target.approval}}},
               {"entries", json::array()}};
  for (const auto& e : entries) {
    json entry = {{"id", e.id}, {"encryptedKey", e.encrypted_key}, {"keyEpoch", e.key_epoch}};
    if (!e.ipns_name.empty()) entry["ipnsName"] = e.ipns_name;
    body["entries"].push_back(std::move(entry));
  }
  auto response = call("POST", "/v1/rewrap", body.dump());
  if (!response) return response.error();
  if (!response->contains("results") || !(*response)["results"].is_array()) {
    return make_error("BAD_RESPONSE", "rewrap response has no results array");
  }
  std::vector<RewrapResult> out;
  for (const auto& r : (*response)["results"]) {
    if (!r.is_object()) return make_error("BAD_RESPONSE", "rewrap result is not an object");
    RewrapResult result;
    result.id = str_field(r, "id");
    result.ok = r.value("ok", false);
    result.epoch = u64_field(r, "epoch");
    result.encrypted_key = str_field(r, "encryptedKey");
    if (r.contains("error") && r["error"].is_object()) {
      result.error_code = str_field(r["error"], "code");
      result.error_message = str_field(r["error"], "message");
    }
    out.push_back(std::move(result));
  }
  return out;
}

}  // namespace cbx::op
