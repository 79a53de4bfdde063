#include "app/signer_directory.h"

#include <openssl/crypto.h>

#include <optional>

#include "cbx/base/encoding.h"
#include "cbx/crypto/hash.h"
#include "cbx/http/beast_client.h"
#include "kube/resource.h"

namespace cbx::op {

namespace {

Result<std::unique_ptr<http::HttpTransport>> beast_transport(const SignerSpec& spec) {
  http::ClientOptions options;
  options.tls.ca_pem = spec.ca_bundle;
  return http::make_beast_client(std::move(options));
}

}  // namespace

SignerDirectory::SignerDirectory(kube::KubeClient& kube, std::string operator_namespace,
                                 TransportFactory transports)
    : kube_(kube),
      namespace_(std::move(operator_namespace)),
      transports_(transports ? std::move(transports) : beast_transport) {}

Result<SecretBytes> SignerDirectory::read_token(const SignerSpec& spec) {
  if (spec.auth_secret_name.empty()) return SecretBytes{};
  auto secret = kube_.get(kube::resources::kSecret, namespace_, spec.auth_secret_name);
  if (!secret) {
    return make_error(
        "SIGNER_TOKEN_UNAVAILABLE",
        "Secret " + namespace_ + "/" + spec.auth_secret_name + ": " + secret.error().message);
  }
  const auto& data = (*secret)["data"];
  if (!data.is_object() || !data.contains(spec.auth_secret_key) ||
      !data[spec.auth_secret_key].is_string()) {
    return make_error("SIGNER_TOKEN_UNAVAILABLE", "Secret " + namespace_ + "/" +
                                                      spec.auth_secret_name + " has no key " +
                                                      spec.auth_secret_key);
  }
  auto decoded = base64_decode(data[spec.auth_secret_key].get<std::string>());
  if (!decoded) return make_error("SIGNER_TOKEN_UNAVAILABLE", "Secret data is not base64");
  while (!decoded->empty() && (decoded->back() == '\n' || decoded->back() == '\r'))
    decoded->pop_back();
  SecretBytes token(decoded->data(), decoded->size());
  OPENSSL_cleanse(decoded->data(), decoded->size());
  return token;
}

std::optional<SignerDirectory::Entry> SignerDirectory::fresh_entry(
    const SignerSpec& spec, std::chrono::steady_clock::time_point now) {
  std::lock_guard lock(mutex_);
  auto it = by_url_.find(spec.url);
  if (it != by_url_.end() && it->second.spec == spec && now - it->second.read_at < kTokenTtl) {
    return it->second;
  }
  return std::nullopt;
}

Result<SignerDirectory::Entry> SignerDirectory::current_entry(const SignerSpec& spec) {
  if (auto entry = fresh_entry(spec, std::chrono::steady_clock::now())) return *entry;
  std::lock_guard refresh(refresh_mutex_);
  auto now = std::chrono::steady_clock::now();
  if (auto entry = fresh_entry(spec, now)) return *entry;  // refreshed while this one waited
  auto token = read_token(spec);
  if (!token) return token.error();
  auto digest = sha256(token->span());
  {
    std::lock_guard lock(mutex_);
    auto it = by_url_.find(spec.url);
    if (it != by_url_.end() && it->second.spec == spec && it->second.token_digest == digest) {
      it->second.read_at = now;  // same token: keep the client and its connections
      return it->second;
    }
  }
  auto transport = transports_(spec);
  if (!transport) return transport.error();
  struct Owned {
    std::unique_ptr<http::HttpTransport> transport;
    std::optional<SignerClient> client;
  };
  auto owned = std::make_shared<Owned>();
  owned->transport = std::move(*transport);
  owned->client.emplace(*owned->transport, spec.url, std::move(*token));
  std::shared_ptr<SignerClient> client(owned, &*owned->client);
  // A refusal names the handle: only the entry that still holds it forgets its token (a newer
  // token read meanwhile stays).
  auto handle = std::make_shared<ClientSignerHandle>(
      client, [this](const SignerHandle& refused) { invalidate_handle(&refused); });
  Entry entry{spec, client, handle, digest, now};
  std::lock_guard lock(mutex_);
  by_url_[spec.url] = entry;
  return entry;
}

Result<std::shared_ptr<SignerClient>> SignerDirectory::client_for(const SignerSpec& spec) {
  auto entry = current_entry(spec);
  if (!entry) return entry.error();
  return entry->client;
}

Result<SignerRef> SignerDirectory::handle_for(const SignerSpec& spec) {
  auto entry = current_entry(spec);
  if (!entry) return entry.error();
  return SignerRef(entry->handle);
}

void SignerDirectory::invalidate_handle(const SignerHandle* handle) {
  std::lock_guard lock(mutex_);
  for (auto& [url, entry] : by_url_) {
    if (entry.handle.get() == handle) entry.read_at = {};
  }
}

void SignerDirectory::invalidate(const std::string& url) {
  std::lock_guard lock(mutex_);
  auto it = by_url_.find(url);
  if (it != by_url_.end()) it->second.read_at = {};
}

std::shared_ptr<SignerClient> SignerDirectory::find(const std::string& url) {
  std::lock_guard lock(mutex_);
  auto it = by_url_.find(url);
  return it == by_url_.end() ? nullptr : it->second.client;
}

void SignerDirectory::retain(const std::set<std::string>& in_use) {
  std::lock_guard lock(mutex_);
  std::erase_if(by_url_, [&](const auto& entry) { return !in_use.contains(entry.first); });
}

std::size_t SignerDirectory::size() {
  std::lock_guard lock(mutex_);
  return by_url_.size();
}

}  // namespace cbx::op
