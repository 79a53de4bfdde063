#include "app/client_signer_handle.h"

namespace cbx::op {

SignEntry to_wire(const SignRequest& request) {
  return SignEntry{
      request.id,        request.ipns_name, request.key.encrypted_key,
      request.key.epoch, request.value,     base64_encode(request.proof_record),
      request.sequence,  request.validity,  static_cast<std::uint64_t>(request.ttl.count())};
}

SignOutcome from_wire(const SignResult& result) {
  SignOutcome out{result.id,       result.ok,    result.record,     result.sequence,
                  result.validity, std::nullopt, result.error_code, result.error_message};
  if (result.rewrapped_epoch) {
    out.rewrapped = EncryptedKeyRef{*result.rewrapped_epoch, result.rewrapped_key};
  }
  return out;
}

Result<std::vector<SignOutcome>> ClientSignerHandle::sign(
    std::uint64_t current_epoch, const std::vector<SignRequest>& requests) {
  std::vector<SignEntry> entries;
  entries.reserve(requests.size());
  for (const auto& r : requests) entries.push_back(to_wire(r));
  auto results = client_->sign(current_epoch, entries);
  if (!results) {
    if (results.error().code == "UNAUTHORIZED" && on_unauthorized_) on_unauthorized_(*this);
    return results.error();
  }
  std::vector<SignOutcome> outcomes;
  outcomes.reserve(results->size());
  for (const auto& r : *results) outcomes.push_back(from_wire(r));
  return outcomes;
}

}  // namespace cbx::op
