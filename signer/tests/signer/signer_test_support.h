#pragma once
// A signer running in-process over real HTTP on loopback (port 0), with the simulator provider
// and a known seed, plus the pieces tests build requests from: folder keys, owner records made
// by the `ipns` npm package (vectors) or by cbx_ipns, seeds sealed to an epoch's public key.
#include <gtest/gtest.h>

// Boost 1.74 needs <utility> first: keep this block unsorted.
// clang-format off
#include <utility>  // before Boost 1.74 asio (it misses this include)

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
// clang-format on
#include <chrono>
#include <cstring>
#include <fstream>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "cbx/base/encoding.h"
#include "cbx/crypto/ecies.h"
#include "cbx/crypto/ed25519.h"
#include "cbx/http/server.h"
#include "cbx/ipns/name.h"
#include "cbx/ipns/record.h"
#include "cbx/ipns/validity.h"
#include "signer/signer_service.h"
#include "signer/simulator_key_provider.h"
#include "signer_metrics/prometheus_metrics.h"

namespace cbx::signer::test {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using nlohmann::json;

inline constexpr const char* kToken = "signer-test-token-0123456789";
inline constexpr const char* kSimulatorSeedHex =
    "5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed";

inline Bytes unhex(std::string_view text) {
  return hex_decode(text).value();
}

inline json load_vectors(const std::string& file) {
  std::ifstream in(std::string(CBX_VECTORS_DIR) + "/" + file);
  return json::parse(in);
}

// A folder: its Ed25519 key, its name and an owner record (the proof the signer requires).
struct Folder {
  Bytes seed;
  ed25519::PublicKey public_key{};
  std::string name;
  std::string value;
  Bytes owner_record;
  std::uint64_t owner_sequence = 0;
};

inline Folder make_folder(std::uint8_t fill, std::uint64_t owner_sequence = 3) {
  Folder f;
  f.seed = Bytes(32, fill);
  auto key = ed25519::key_pair_from_seed(f.seed).value();
  f.public_key = key.public_key;
  f.name = ipns::name_from_ed25519(key.public_key).text();
  f.value = "/ipfs/bafybeica4i3ff72psze3fwgicrwyd6ih2qhlkerrese6de6ry4q4prqlcu";
  f.owner_sequence = owner_sequence;
  f.owner_record = ipns::make_record(key, {f.value, "2030-01-01T00:00:00.000000000Z",
                                           owner_sequence, ipns::kDefaultTtlNs})
                       .value();
  return f;
}

// Folder ipns-01 of the vectors: its record was made by the npm `ipns` package.
inline Folder vector_folder() {
  auto c = load_vectors("ipns.json")["cases"][0];
  Folder f;
  f.seed = unhex(c["seedHex"].get<std::string>());
  auto key = ed25519::key_pair_from_seed(f.seed).value();
  f.public_key = key.public_key;
  f.name = c["ipnsName"];
  f.value = c["valueString"];
  f.owner_record = base64_decode(c["recordBase64"].get<std::string>()).value();
  f.owner_sequence = std::stoull(c["sequence"].get<std::string>());
  return f;
}

struct HttpReply {
  unsigned status = 0;
  json body;
  std::string raw;
};

class SignerHarness {
 public:
  // target_policy: as main() sets it for a simulator (rewrap targets' chains not checked).
  explicit SignerHarness(std::optional<ed25519::PublicKey> authority = std::nullopt,
                         http::ServerOptions options = {},
                         std::optional<TargetAttestationPolicy> target_policy = std::nullopt) {
    auto seed = unhex(kSimulatorSeedHex);
    provider_ = SimulatorKeyProvider::create(SecretBytes(seed.data(), seed.size())).value();
    metrics_ = make_prometheus_metrics(true);
    SignerConfig config;
    config.token = SecretBytes(reinterpret_cast<const std::uint8_t*>(kToken), std::strlen(kToken));
    config.authority_public_key = authority;
    config.target_policy.require_chain = false;
    if (target_policy) config.target_policy = *target_policy;
    service_ = std::make_unique<SignerService>(*provider_, std::move(config), *metrics_);
    service_->warm_up();  // the provider's identity is known before the first request
    server_ = std::make_unique<http::Server>(
        [this](const http::Request& r) { return service_->handle(r); }, options);
    port_ = server_->listen_tcp("127.0.0.1", 0).value();
    server_->start();
  }
  ~SignerHarness() { server_->shutdown(); }

  std::uint16_t port() const { return port_; }
  SimulatorKeyProvider& provider() { return *provider_; }

  HttpReply call(bhttp::verb verb, const std::string& target, const std::string& body = "",
                 std::optional<std::string> token = std::string(kToken)) {
    net::io_context ioc;
    net::ip::tcp::socket socket(ioc);
    socket.connect({net::ip::make_address("127.0.0.1"), port_});
    bhttp::request<bhttp::string_body> req{verb, target, 11};
    req.set(bhttp::field::host, "localhost");
    if (token) req.set(bhttp::field::authorization, "Bearer " + *token);
    if (!body.empty()) req.set(bhttp::field::content_type, "application/json");
    req.body() = body;
    req.prepare_payload();
    bhttp::write(socket, req);
    beast::flat_buffer buffer;
    bhttp::response<bhttp::string_body> res;
    bhttp::read(socket, buffer, res);
    HttpReply reply{res.result_int(), json(), res.body()};
    reply.body = json::parse(res.body(), nullptr, false);
    return reply;
  }
  HttpReply post(const std::string& target, const json& body) {
    return call(bhttp::verb::post, target, body.dump());
  }
  HttpReply get(const std::string& target) { return call(bhttp::verb::get, target); }

  Bytes epoch_public_key(std::uint64_t epoch) {
    auto r = get("/v1/epochs/" + std::to_string(epoch) + "/public-key");
    EXPECT_EQ(r.status, 200u) << r.raw;
    return unhex(r.body["publicKey"].get<std::string>());
  }

  std::string seal(const Folder& f, std::uint64_t epoch) {
    return base64_encode(ecies::encrypt(epoch_public_key(epoch), f.seed).value());
  }

  json entry(const Folder& f, std::uint64_t key_epoch, std::uint64_t sequence,
             const std::string& id = "ns/folder") {
    return {{"id", id},
            {"ipnsName", f.name},
            {"encryptedKey", seal(f, key_epoch)},
            {"keyEpoch", key_epoch},
            {"value", f.value},
            {"proofRecord", base64_encode(f.owner_record)},
            {"sequence", std::to_string(sequence)},
            {"lifetimeSeconds", 48 * 3600},
            {"ttlSeconds", 300}};
  }

  HttpReply sign(std::uint64_t current_epoch, const json& entries) {
    return post("/v1/sign", {{"currentEpoch", current_epoch}, {"entries", entries}});
  }

 private:
  std::unique_ptr<SimulatorKeyProvider> provider_;
  std::unique_ptr<Metrics> metrics_;
  std::unique_ptr<SignerService> service_;
  std::unique_ptr<http::Server> server_;
  std::uint16_t port_ = 0;
};

// GET on a fresh connection that gives up after `deadline` (so a test against a server that does
// not answer fails instead of hanging). nullopt when no complete answer came.
inline std::optional<HttpReply> get_within(std::uint16_t port, const std::string& target,
                                           std::chrono::milliseconds deadline) {
  net::io_context ioc;
  beast::tcp_stream stream(ioc);
  bhttp::request<bhttp::empty_body> req{bhttp::verb::get, target, 11};
  req.set(bhttp::field::host, "localhost");
  req.keep_alive(false);
  bhttp::response<bhttp::string_body> res;
  beast::flat_buffer buffer;
  bool complete = false;
  stream.expires_after(deadline);
  stream.async_connect({net::ip::make_address("127.0.0.1"), port}, [&](beast::error_code ec) {
    if (ec) return;
    bhttp::async_write(stream, req, [&](beast::error_code wec, std::size_t) {
      if (wec) return;
      bhttp::async_read(stream, buffer, res,
                        [&](beast::error_code rec, std::size_t) { complete = !rec; });
    });
  });
  ioc.run();
  if (!complete) return std::nullopt;
  return HttpReply{res.result_int(), json::parse(res.body(), nullptr, false), res.body()};
}

inline ipns::TimePoint now() {
  return ipns::TimePoint(ipns::Clock::now().time_since_epoch());
}

}  // namespace cbx::signer::test
