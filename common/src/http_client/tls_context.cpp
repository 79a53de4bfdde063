#include "http_client/tls_context.h"

#include <boost/asio/buffer.hpp>
#include <string>

namespace cbx::http {
namespace ssl = boost::asio::ssl;

namespace {

Error tls_error(const std::string& what, const boost::system::error_code& ec) {
  return make_error("TLS", what + ": " + ec.message());
}

Status load_trust(ssl::context& ctx, const TlsOptions& options) {
  boost::system::error_code ec;
  if (options.ca_pem.empty() && options.ca_file.empty()) {
    ctx.set_default_verify_paths(ec);
    if (ec) return tls_error("loading system CA paths", ec);
  }
  if (!options.ca_pem.empty()) {
    ctx.add_certificate_authority(boost::asio::buffer(options.ca_pem), ec);
    if (ec) return tls_error("loading CA certificate data", ec);
  }
  if (!options.ca_file.empty()) {
    ctx.load_verify_file(options.ca_file, ec);
    if (ec) return tls_error("loading CA file " + options.ca_file, ec);
  }
  return ok_status();
}

Status load_client_identity(ssl::context& ctx, const TlsOptions& options) {
  boost::system::error_code ec;
  if (!options.client_cert_pem.empty()) {
    ctx.use_certificate_chain(boost::asio::buffer(options.client_cert_pem), ec);
    if (ec) return tls_error("loading client certificate data", ec);
  } else if (!options.client_cert_file.empty()) {
    ctx.use_certificate_chain_file(options.client_cert_file, ec);
    if (ec) return tls_error("loading client certificate file " + options.client_cert_file, ec);
  }
  if (!options.client_key_pem.empty()) {
    auto key = options.client_key_pem.span();
    ctx.use_private_key(boost::asio::buffer(key.data(), key.size()), ssl::context::pem, ec);
    if (ec) return tls_error("loading client key data", ec);
  } else if (!options.client_key_file.empty()) {
    ctx.use_private_key_file(options.client_key_file, ssl::context::pem, ec);
    if (ec) return tls_error("loading client key file " + options.client_key_file, ec);
  }
  return ok_status();
}

}  // namespace

Result<std::shared_ptr<ssl::context>> make_tls_context(const TlsOptions& options) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                   ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  ctx->set_verify_mode(options.insecure_skip_verify ? ssl::verify_none : ssl::verify_peer);
  if (!options.insecure_skip_verify) CBX_TRY_STATUS(load_trust(*ctx, options));
  CBX_TRY_STATUS(load_client_identity(*ctx, options));
  return ctx;
}

}  // namespace cbx::http
