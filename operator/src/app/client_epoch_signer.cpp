#include "app/client_epoch_signer.h"

namespace cbx::op {

EpochKeyAnswer from_wire(const EpochPublicKey& answer) {
  return EpochKeyAnswer{answer.epoch, answer.public_key_hex, answer.quote_hex, answer.event_log,
                        answer.simulated};
}

RewrapEntry to_wire(const RewrapRequest& request) {
  return RewrapEntry{request.id, request.ipns_name, request.key.encrypted_key, request.key.epoch};
}

RewrapTarget to_wire(const RewrapDestination& to) {
  return RewrapTarget{to.epoch,     to.public_key_hex, to.compose_hash_hex, to.approval,
                      to.quote_hex, to.event_log,      to.nonce_hex,        to.collateral_json};
}

RewrapOutcome from_wire(const RewrapResult& result) {
  return RewrapOutcome{result.id, result.ok, EncryptedKeyRef{result.epoch, result.encrypted_key},
                       result.error_code, result.error_message};
}

ExternalQuoteVerdict from_wire(const QuoteVerdict& verdict) {
  return ExternalQuoteVerdict{verdict.verified, verdict.reason};
}

Result<EpochKeyAnswer> ClientEpochSigner::epoch_public_key(std::uint64_t epoch,
                                                           const std::string& nonce_hex) {
  auto answer = client_->epoch_public_key(epoch, nonce_hex);
  if (!answer) return answer.error();
  return from_wire(*answer);
}

Result<std::vector<RewrapOutcome>> ClientEpochSigner::rewrap(
    const RewrapDestination& to, const std::vector<RewrapRequest>& requests) {
  std::vector<RewrapEntry> entries;
  entries.reserve(requests.size());
  for (const auto& r : requests) entries.push_back(to_wire(r));
  auto results = client_->rewrap(to_wire(to), entries);
  if (!results) return results.error();
  std::vector<RewrapOutcome> outcomes;
  outcomes.reserve(results->size());
  for (const auto& r : *results) outcomes.push_back(from_wire(r));
  return outcomes;
}

Result<ExternalQuoteVerdict> ClientQuoteSecondOpinion::verify(const std::string& quote_hex) {
  auto verdict = verifier_.verify(quote_hex);
  if (!verdict) return verdict.error();
  return from_wire(*verdict);
}

}  // namespace cbx::op
