#pragma once
// A stand-in for the dstack guest agent speaking its HTTP/JSON protocol on a Unix socket
// (wire-formats.md §3): POST /GetKey, /GetQuote, /Info, /Version. Keys are derived as the agent
// derives them (HKDF-SHA256, salt "RATLS", ikm = the app key, info = path); quotes have the TDX
// v4 layout with a dummy signature (or, with a QuoteForger, whatever a test chain signs); the
// event log is dstack-shaped (boot events, compose-hash, app-id, ...) and replays to the quote's
// RTMR3. The real
// @phala/dstack-sdk is pointed at it in tests/interop/signer to prove the protocol right.
#include <functional>
#include <future>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cbx/attest/event_log.h"
#include "cbx/base/encoding.h"
#include "cbx/crypto/hash.h"
#include "cbx/epoch/tdx_quote.h"
#include "cbx/http/message.h"

namespace cbx::signer::test {

class FakeGuestAgent {
 public:
  // Turns the TD report fields into a signed quote (a test chain); empty: dummy signature.
  using QuoteForger = std::function<Bytes(const std::array<std::uint8_t, 64>& report_data,
                                          const epoch::Measurement& mrtd,
                                          const std::array<epoch::Measurement, 4>& rtmr)>;

  explicit FakeGuestAgent(Bytes app_key, bool has_version = true,
                          std::string compose_hash = kComposeHash, std::string app_id = "",
                          QuoteForger forger = {})
      : app_key_(std::move(app_key)),
        has_version_(has_version),
        compose_hash_(std::move(compose_hash)),
        app_id_(app_id.empty() ? compose_hash_.substr(0, 40) : std::move(app_id)),
        forger_(std::move(forger)) {}

  http::Response handle(const http::Request& req) {
    {
      std::lock_guard lock(mu_);
      requests_.emplace_back(std::string(req.path()), req.body);
    }
    auto body = nlohmann::json::parse(req.body.empty() ? "{}" : req.body, nullptr, false);
    if (req.method != "POST" || body.is_discarded() || !body.is_object()) {
      return http::json_response(400, {{"error", "bad request"}});
    }
    std::string_view path = req.path();
    if (path == "/Info") wait_for_info_gate();
    if (path == "/GetKey") return get_key(body);
    if (path == "/GetQuote") return get_quote(body);
    if (path == "/Info") return info();
    if (path == "/Version" && has_version_) {
      return http::json_response(200, {{"version", "0.5.8"}, {"rev", "fake"}});
    }
    return http::json_response(404, {{"error", "not found"}});
  }

  // /Info waits until `gate` is ready: a guest agent that hangs.
  void hold_info_until(std::shared_future<void> gate) {
    std::lock_guard lock(mu_);
    info_gate_ = std::move(gate);
  }

  std::vector<std::pair<std::string, std::string>> requests() {
    std::lock_guard lock(mu_);
    return requests_;
  }

  static constexpr const char* kComposeHash =
      "c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00";

 private:
  static std::string str(const nlohmann::json& body, const char* key) {
    return body.contains(key) && body[key].is_string() ? body[key].get<std::string>() : "";
  }

  http::Response get_key(const nlohmann::json& body) {
    std::string algorithm = str(body, "algorithm");
    if (algorithm != "secp256k1" && algorithm != "k256" && algorithm != "" &&
        algorithm != "ed25519") {
      return http::json_response(400, {{"error", "Unsupported algorithm"}});
    }
    std::string path = str(body, "path");
    auto key = hkdf_sha256(app_key_, as_bytes("RATLS"), as_bytes(path), 32);
    Bytes sig1(65, 0x01), sig2(65, 0x02);  // placeholders: no KMS here to sign the chain
    return http::json_response(200, {{"key", hex_encode(key.span())},
                                     {"signature_chain", {hex_encode(sig1), hex_encode(sig2)}}});
  }

  http::Response get_quote(const nlohmann::json& body) {
    auto data = hex_decode(str(body, "report_data"));
    if (!data) return http::json_response(400, {{"error", "invalid report_data"}});
    if (data->size() > 64) return http::json_response(400, {{"error", "Report data is too long"}});
    std::array<std::uint8_t, 64> padded{};  // pad64: zeros at the end
    std::copy(data->begin(), data->end(), padded.begin());
    auto [events, rtmr] = event_log();
    Bytes quote = forger_ ? forger_(padded, mrtd(), rtmr)
                          : epoch::build_simulated_tdx_quote(padded, mrtd(), rtmr);
    return http::json_response(200, {{"quote", hex_encode(quote)},
                                     {"event_log", events.dump()},
                                     {"report_data", hex_encode(padded)},
                                     {"vm_config", "{}"}});
  }

  http::Response info() {
    auto [events, rtmr] = event_log();
    nlohmann::json tcb = {{"mrtd", hex_encode(mrtd())},   {"rtmr0", hex_encode(rtmr[0])},
                          {"rtmr1", hex_encode(rtmr[1])}, {"rtmr2", hex_encode(rtmr[2])},
                          {"rtmr3", hex_encode(rtmr[3])}, {"event_log", events},
                          {"app_compose", "{}"}};
    return http::json_response(200, {{"app_id", app_id_},
                                     {"instance_id", kInstanceId},
                                     {"app_cert", ""},
                                     {"tcb_info", tcb.dump()},
                                     {"app_name", "cipherbox-signer"},
                                     {"device_id", "fake-device"},
                                     {"mr_aggregated", std::string(64, '0')},
                                     {"os_image_hash", std::string(64, '0')},
                                     {"key_provider_info", "{}"},
                                     {"compose_hash", compose_hash_},
                                     {"vm_config", "{}"},
                                     {"cloud_vendor", "fake"},
                                     {"cloud_product", "fake"}});
  }

  static epoch::Measurement mrtd() {
    epoch::Measurement m;
    m.fill(0x4d);
    return m;
  }

  // dstack's boot events on RTMR3 (V1 digests), as a real agent's log starts.
  std::pair<nlohmann::json, std::array<epoch::Measurement, 4>> event_log() const {
    auto built = attest::build_runtime_event_log(attest::dstack_boot_events(
        {compose_hash_, app_id_, kInstanceId, R"({"name":"fake-kms"})", std::string(64, '0')}));
    std::array<epoch::Measurement, 4> rtmr{};
    rtmr[3] = built.rtmr3;
    return {nlohmann::json::parse(built.json_text), rtmr};
  }

  void wait_for_info_gate() {
    std::shared_future<void> gate;
    {
      std::lock_guard lock(mu_);
      gate = info_gate_;
    }
    if (gate.valid()) gate.wait();
  }

  static constexpr const char* kInstanceId = "f00df00df00df00df00df00df00df00df00df00d";

  Bytes app_key_;
  bool has_version_;
  std::shared_future<void> info_gate_;
  std::string compose_hash_;
  std::string app_id_;
  QuoteForger forger_;
  std::mutex mu_;
  std::vector<std::pair<std::string, std::string>> requests_;
};

}  // namespace cbx::signer::test
