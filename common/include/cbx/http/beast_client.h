#pragma once
// The real HttpTransport: Boost.Beast over TCP, optionally TLS (OpenSSL via Boost.Asio ssl), with
// a keep-alive pool per host. Thread-safe: each call runs its exchange on its own connection
// (taken from the pool or newly opened) and blocks the calling thread.
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "cbx/base/result.h"
#include "cbx/base/secret_bytes.h"
#include "cbx/http/client.h"

namespace cbx::http {

struct TlsOptions {
  // Trusted CAs: PEM text and/or a PEM file. Both empty: the system's default CA paths.
  std::string ca_pem;
  std::string ca_file;
  // Client certificate (chain) and private key, PEM text or file; optional.
  std::string client_cert_pem;
  std::string client_cert_file;
  SecretBytes client_key_pem;
  std::string client_key_file;
  bool insecure_skip_verify = false;
  // Name for SNI and certificate verification instead of the URL's host (kubeconfig
  // tls-server-name).
  std::string server_name;
};

struct ClientOptions {
  TlsOptions tls;
  std::chrono::milliseconds connect_timeout{10000};  // resolve + TCP connect + TLS handshake
  std::size_t max_idle_per_host = 8;
  std::chrono::milliseconds idle_ttl{30000};  // idle connections older than this are dropped
  std::size_t max_body_bytes = 64 * 1024 * 1024;
  std::string user_agent = "cipherbox/0.1";
};

// Fails (code "TLS") when the CA or client credentials cannot be loaded.
Result<std::unique_ptr<HttpTransport>> make_beast_client(ClientOptions options);

}  // namespace cbx::http
