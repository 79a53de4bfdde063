#include "attest/x509_chain.h"

#include <openssl/err.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <chrono>
#include <memory>
#include <string>

namespace cbx::attest::detail {
namespace {

struct StoreFree {
  void operator()(X509_STORE* p) const { X509_STORE_free(p); }
};
struct StoreCtxFree {
  void operator()(X509_STORE_CTX* p) const { X509_STORE_CTX_free(p); }
};
struct StackFree {
  void operator()(STACK_OF(X509) * p) const { sk_X509_free(p); }  // borrowed certificates
};

Error chain_error(std::string message) {
  return make_error("BAD_CERT_CHAIN", std::move(message));
}

bool is_ca(X509* cert) {
  return X509_check_ca(cert) != 0;
}

bool anchor_revoked(X509* anchor, const std::vector<X509_CRL*>& crls) {
  for (X509_CRL* crl : crls) {
    X509_REVOKED* entry = nullptr;
    if (X509_CRL_get0_by_cert(crl, &entry, anchor) == 1) return true;
  }
  return false;
}

// The chain as given must be the chain that verified, in order, ending in the anchor or in a
// copy of it: a certificate the path does not use (e.g. a forged "root" copy) is refused rather
// than ignored, as the reference verifier refuses it.
Status check_chain_as_given(const std::vector<X509Ptr>& given, STACK_OF(X509) * built,
                            X509* anchor) {
  const std::size_t built_size = static_cast<std::size_t>(sk_X509_num(built));
  if (given.size() > built_size) return chain_error("chain carries certificates it does not use");
  for (std::size_t i = 0; i < given.size(); ++i) {
    X509* used = sk_X509_value(built, static_cast<int>(i));
    if (X509_cmp(given[i].get(), used) != 0) {
      return chain_error("chain carries certificates it does not use");
    }
  }
  if (given.size() == built_size && X509_cmp(given.back().get(), anchor) != 0) {
    return chain_error("chain does not end in the trust anchor");
  }
  return ok_status();
}

}  // namespace

Status verify_chain(const std::vector<X509Ptr>& chain, X509* anchor,
                    const std::vector<X509_CRL*>& crls, SysTime now) {
  if (chain.size() < 2) return chain_error("certificate chain has fewer than two certificates");
  if (is_ca(chain.front().get())) return chain_error("leaf certificate is a CA");
  if (anchor_revoked(anchor, crls)) return make_error("CERT_REVOKED", "root CA is revoked");

  std::unique_ptr<X509_STORE, StoreFree> store(X509_STORE_new());
  std::unique_ptr<STACK_OF(X509), StackFree> untrusted(sk_X509_new_null());
  std::unique_ptr<X509_STORE_CTX, StoreCtxFree> ctx(X509_STORE_CTX_new());
  if (!store || !untrusted || !ctx || X509_STORE_add_cert(store.get(), anchor) != 1) {
    return chain_error("cannot set up chain verification");
  }
  for (X509_CRL* crl : crls) {
    if (X509_STORE_add_crl(store.get(), crl) != 1) return chain_error("cannot load a CRL");
  }
  // The collateral's copy of the root is not trusted: only `anchor` is. Intermediates may come
  // from anywhere, they must chain to it.
  for (std::size_t i = 1; i < chain.size(); ++i) sk_X509_push(untrusted.get(), chain[i].get());
  if (X509_STORE_CTX_init(ctx.get(), store.get(), chain.front().get(), untrusted.get()) != 1) {
    return chain_error("cannot set up chain verification");
  }
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  X509_VERIFY_PARAM_set_time(param, static_cast<time_t>(seconds));
  X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL);
  int ok = X509_verify_cert(ctx.get());
  int err = X509_STORE_CTX_get_error(ctx.get());
  ERR_clear_error();
  if (ok != 1) {
    std::string reason = X509_verify_cert_error_string(err);
    if (err == X509_V_ERR_CERT_REVOKED) return make_error("CERT_REVOKED", "certificate revoked");
    return chain_error("certificate chain rejected: " + reason);
  }
  return check_chain_as_given(chain, X509_STORE_CTX_get0_chain(ctx.get()), anchor);
}

}  // namespace cbx::attest::detail
