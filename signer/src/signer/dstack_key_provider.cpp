#include "signer/dstack_key_provider.h"

#include <openssl/crypto.h>
#include <unistd.h>

#include "cbx/crypto/secp256k1.h"
#include "signer/unix_http_client.h"

namespace cbx::signer {

using nlohmann::json;

const std::vector<std::string> kDstackSocketCandidates = {
    "/var/run/dstack.sock", "/run/dstack.sock", "/var/run/dstack/dstack.sock",
    "/run/dstack/dstack.sock"};

std::string default_dstack_socket() {
  for (const auto& path : kDstackSocketCandidates) {
    if (::access(path.c_str(), F_OK) == 0) return path;
  }
  return kDstackSocketCandidates.front();
}

DstackKeyProvider::DstackKeyProvider(std::string socket_path, std::chrono::milliseconds timeout)
    : socket_path_(std::move(socket_path)), timeout_(timeout) {}

Result<json> DstackKeyProvider::call(const std::string& method, const json& body) {
  auto res = unix_http_post(socket_path_, "/" + method, body.dump(), timeout_);
  if (!res) return res.error();
  auto parsed = json::parse(res->body, nullptr, /*allow_exceptions=*/false);
  OPENSSL_cleanse(res->body.data(), res->body.size());  // may hold a key in hex
  if (res->status != 200) {
    std::string detail =
        parsed.is_object() && parsed.contains("error") && parsed["error"].is_string()
            ? parsed["error"].get<std::string>()
            : "status " + std::to_string(res->status);
    return make_error("AGENT_ERROR", method + " failed: " + detail.substr(0, 200));
  }
  if (parsed.is_discarded() || !parsed.is_object()) {
    return make_error("AGENT_BAD_RESPONSE", method + " did not answer a JSON object");
  }
  return parsed;
}

Result<SecretBytes> DstackKeyProvider::derive_epoch_key(std::uint64_t epoch) {
  auto res = call("GetKey", {{"path", epoch::epoch_key_path(epoch)},
                             {"purpose", kEpochKeyPurpose},
                             {"algorithm", "secp256k1"}});
  if (!res) return res.error();
  if (!res->contains("key") || !(*res)["key"].is_string()) {
    return make_error("AGENT_BAD_RESPONSE", "GetKey answer has no key");
  }
  std::string& hex = (*res)["key"].get_ref<std::string&>();
  auto bytes = hex_decode(hex);
  OPENSSL_cleanse(hex.data(), hex.size());
  if (!bytes || bytes->size() != 32) {
    if (bytes) OPENSSL_cleanse(bytes->data(), bytes->size());
    return make_error("AGENT_BAD_RESPONSE", "GetKey key is not 32 bytes of hex");
  }
  SecretBytes key(bytes->data(), bytes->size());
  OPENSSL_cleanse(bytes->data(), bytes->size());
  if (!secp256k1::is_valid_private_key(key.span())) {
    return make_error("AGENT_BAD_RESPONSE", "GetKey key is not a valid secp256k1 scalar");
  }
  return key;
}

Result<AttestationQuote> DstackKeyProvider::quote(const epoch::ReportData& report_data) {
  auto res = call("GetQuote", {{"report_data", hex_encode(report_data)}});
  if (!res) return res.error();
  if (!res->contains("quote") || !(*res)["quote"].is_string()) {
    return make_error("AGENT_BAD_RESPONSE", "GetQuote answer has no quote");
  }
  AttestationQuote q;
  q.quote_hex = (*res)["quote"].get<std::string>();
  if (!hex_decode(q.quote_hex))
    return make_error("AGENT_BAD_RESPONSE", "GetQuote quote is not hex");
  if (res->contains("event_log")) {
    const json& events = (*res)["event_log"];
    q.event_log = events.is_string() ? events.get<std::string>() : events.dump();
  }
  return q;
}

Result<ProviderInfo> DstackKeyProvider::info() {
  auto res = call("Info", json::object());
  if (!res) return res.error();
  auto str = [&](const char* key) {
    return res->contains(key) && (*res)[key].is_string() ? (*res)[key].get<std::string>() : "";
  };
  ProviderInfo info{str("app_id"), str("compose_hash"), str("instance_id"), "", false};
  // /Version exists from agent 0.5.7; older agents answer 404 (their secp256k1 keys are the same).
  auto version = call("Version", json::object());
  if (version && version->contains("version") && (*version)["version"].is_string()) {
    info.agent_version = (*version)["version"].get<std::string>();
  } else {
    info.agent_version = "<0.5.7";
  }
  return info;
}

}  // namespace cbx::signer
