// TEST ONLY: see test_pccs.h.
#include "attest/test_pccs.h"

#include <atomic>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>

#include "cbx/http/server.h"

namespace cbx::attest::testing {
namespace {

std::string url_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out += {'%', kHex[c >> 4], kHex[c & 15]};
    }
  }
  return out;
}

std::string signed_body(const char* member, const std::string& text, const Bytes& signature) {
  return std::string("{\"") + member + "\":" + text + ",\"signature\":\"" + hex_encode(signature) +
         "\"}";
}

}  // namespace

struct TestPccs::Impl {
  std::mutex mutex;
  std::optional<Collateral> collateral;
  std::atomic<std::size_t> requests{0};
  std::unique_ptr<http::Server> server;

  http::Response handle(const http::Request& request) {
    ++requests;
    std::optional<Collateral> c;
    {
      std::lock_guard lock(mutex);
      c = collateral;
    }
    if (!c || request.method != "GET")
      return http::error_response(404, "NOT_FOUND", "no collateral");
    std::string_view path = request.path();
    http::Response r;
    if (path == "/sgx/certification/v4/pckcrl") {
      r = http::text_response(200, std::string(c->pck_crl.begin(), c->pck_crl.end()),
                              "application/pkix-crl");
      r.headers.emplace_back("SGX-PCK-CRL-Issuer-Chain", url_encode(c->pck_crl_issuer_chain));
    } else if (path == "/sgx/certification/v4/rootcacrl") {
      r = http::text_response(200, hex_encode(c->root_ca_crl));
    } else if (path == "/tdx/certification/v4/tcb") {
      auto fmspc = request.query_param("fmspc");
      auto info = nlohmann::json::parse(c->tcb_info, nullptr, false);
      if (!fmspc || info.is_discarded() || info.value("fmspc", "") != *fmspc) {
        return http::error_response(404, "NOT_FOUND", "unknown fmspc");
      }
      r = http::text_response(200, signed_body("tcbInfo", c->tcb_info, c->tcb_info_signature),
                              "application/json");
      r.headers.emplace_back("TCB-Info-Issuer-Chain", url_encode(c->tcb_info_issuer_chain));
    } else if (path == "/tdx/certification/v4/qe/identity") {
      r = http::text_response(
          200, signed_body("enclaveIdentity", c->qe_identity, c->qe_identity_signature),
          "application/json");
      r.headers.emplace_back("SGX-Enclave-Identity-Issuer-Chain",
                             url_encode(c->qe_identity_issuer_chain));
    } else {
      return http::error_response(404, "NOT_FOUND", "no such PCCS endpoint");
    }
    return r;
  }
};

TestPccs::TestPccs() : impl_(std::make_unique<Impl>()) {}
TestPccs::~TestPccs() {
  stop();
}

Result<std::string> TestPccs::start(std::uint16_t port) {
  http::ServerOptions options;
  options.threads = 1;
  impl_->server = std::make_unique<http::Server>(
      [impl = impl_.get()](const http::Request& r) { return impl->handle(r); }, options);
  auto bound = impl_->server->listen_tcp("127.0.0.1", port);
  if (!bound) return bound.error();
  impl_->server->start();
  return "http://127.0.0.1:" + std::to_string(*bound);
}

void TestPccs::stop() {
  if (impl_ && impl_->server) {
    impl_->server->shutdown(std::chrono::milliseconds(1000));
    impl_->server.reset();
  }
}

void TestPccs::set_collateral(const Collateral& collateral) {
  std::lock_guard lock(impl_->mutex);
  impl_->collateral = collateral;
}

std::size_t TestPccs::requests() const {
  return impl_->requests.load();
}

}  // namespace cbx::attest::testing
