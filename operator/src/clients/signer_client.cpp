#include "clients/signer_client.h"

#include <cctype>

#include "clients/signer_answers.h"

namespace cbx::op {
namespace {

using nlohmann::json;

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

// "application/json", parameters and letter case aside.
bool is_json_type(const std::string& content_type) {
  std::string type;
  for (char c : content_type.substr(0, content_type.find(';'))) {
    if (c != ' ' && c != '\t')
      type += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return type == "application/json";
}

template <class Entry>
std::vector<std::string> ids_of(const std::vector<Entry>& entries) {
  std::vector<std::string> ids;
  ids.reserve(entries.size());
  for (const auto& e : entries) ids.push_back(e.id);
  return ids;
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
  if (!response) {
    bool too_large = response.error().code == "TOO_LARGE";
    return make_error(too_large ? "BAD_RESPONSE" : "UNAVAILABLE",
                      base_url_ + ": " + response.error().message);
  }
  auto parsed = parse_answer_object(response->body);
  auto refusal = parsed ? parse_refusal(*parsed) : std::nullopt;
  std::string code = refusal ? refusal->code : std::string{};
  std::string signer_code = refusal ? refusal->code + ": " + refusal->message : std::string{};
  if (code == "APPROVAL_REQUIRED" || code == "APPROVAL_INVALID" ||
      (code == "UNKNOWN_EPOCH" && path == "/v1/rewrap")) {
    return make_error(code, base_url_ + path + ": " + refusal->message);
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
  if (!is_json_type(response->header("Content-Type").value_or(""))) {
    return make_error("BAD_RESPONSE", base_url_ + path + " did not answer application/json");
  }
  if (!parsed) return make_error("BAD_RESPONSE", base_url_ + path + ": " + parsed.error().message);
  return parsed;
}

Result<std::vector<SignResult>> SignerClient::sign(std::uint64_t current_epoch,
                                                   const std::vector<SignEntry>& entries) {
  json body = {{"currentEpoch", current_epoch}, {"entries", json::array()}};
  for (const auto& e : entries) body["entries"].push_back(entry_json(e));
  auto response = call("POST", "/v1/sign", body.dump());
  if (!response) return response.error();
  auto results = parse_sign_answer(*response, ids_of(entries));
  if (!results)
    return make_error("BAD_RESPONSE", base_url_ + "/v1/sign: " + results.error().message);
  return results;
}

Result<EpochPublicKey> SignerClient::epoch_public_key(std::uint64_t epoch,
                                                      const std::string& nonce_hex) {
  auto response = call("GET", "/v1/epochs/" + std::to_string(epoch) + "/public-key?nonce=" + nonce_hex, "");
  if (!response) return response.error();
  return parse_public_key_answer(*response);
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
  if (!target.quote_hex.empty()) {
    json attestation = {
        {"quote", target.quote_hex}, {"eventLog", target.event_log}, {"nonce", target.nonce_hex}};
    if (!target.collateral_json.empty()) {
      auto collateral = json::parse(target.collateral_json, nullptr, false);
      if (!collateral.is_discarded()) attestation["collateral"] = std::move(collateral);
    }
    body["target"]["attestation"] = std::move(attestation);
  }
  for (const auto& e : entries) {
    json entry = {{"id", e.id}, {"encryptedKey", e.encrypted_key}, {"keyEpoch", e.key_epoch}};
    if (!e.ipns_name.empty()) entry["ipnsName"] = e.ipns_name;
    body["entries"].push_back(std::move(entry));
  }
  auto response = call("POST", "/v1/rewrap", body.dump());
  if (!response) return response.error();
  auto results = parse_rewrap_answer(*response, ids_of(entries));
  if (!results) {
    return make_error("BAD_RESPONSE", base_url_ + "/v1/rewrap: " + results.error().message);
  }
  return results;
}

}  // namespace cbx::op
