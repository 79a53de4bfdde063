#pragma once
// Signing as the republish controller sees it. A signer is a handle the signer pool hands out
// per TeeEpoch signer spec (URL, token source, expected identity): the same spec gives the same
// handle, a changed URL or token a new one. Requests and outcomes are domain types; the adapter
// behind a handle (app/client_signer_handle) speaks the signer's wire protocol.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "api/v1alpha1/ipns_republish.h"
#include "api/v1alpha1/tee_epoch.h"
#include "cbx/base/encoding.h"
#include "cbx/base/result.h"

namespace cbx::op {

// One record to sign for one folder.
struct SignRequest {
  std::string id;  // the folder's key ("namespace/name"); its outcome carries it back
  std::string ipns_name;
  EncryptedKeyRef key;  // the folder's sealed key and the epoch it is sealed to
  std::string value;
  Bytes proof_record;          // the owner-signed record carrying `value`
  std::uint64_t sequence = 0;  // reserved in status before this request is made
  std::string validity;        // RFC 3339 with nanoseconds, as the record will carry it
  std::chrono::seconds ttl{300};
};

// The signer's answer for one request; a refusal is ok == false with the signer's code.
struct SignOutcome {
  std::string id;
  bool ok = false;
  std::string record;  // base64, as status stores it
  std::uint64_t sequence = 0;
  std::string validity;
  std::optional<EncryptedKeyRef> rewrapped;  // the key re-encrypted to the current epoch
  std::string error_code;
  std::string error_message;
};

class SignerHandle {
 public:
  virtual ~SignerHandle() = default;
  // For logs and metrics only: the handle, not its URL, identifies the signer.
  virtual const std::string& url() const = 0;
  // One exchange for a batch. Error: the exchange failed (UNAVAILABLE, UNAUTHORIZED, REJECTED,
  // BAD_RESPONSE); per-request refusals come back as outcomes.
  virtual Result<std::vector<SignOutcome>> sign(std::uint64_t current_epoch,
                                                const std::vector<SignRequest>& requests) = 0;
};
using SignerRef = std::shared_ptr<SignerHandle>;

class SignerPool {
 public:
  virtual ~SignerPool() = default;
  // The handle for a TeeEpoch's signer spec. Error when the signer cannot be used (its token
  // Secret unreadable, its TLS settings invalid).
  virtual Result<SignerRef> handle_for(const SignerSpec& spec) = 0;
};

}  // namespace cbx::op
