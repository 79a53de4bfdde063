#pragma once
// The epoch reconciler's signer and second-opinion ports (controllers/epoch/signer_port.h) over
// the signer API client and the external quote verifier's client: domain requests and answers
// become the wire's types and back.
#include <memory>
#include <string>

#include "clients/attestation_verifier.h"
#include "clients/signer_client.h"
#include "controllers/epoch/signer_port.h"

namespace cbx::op {

// The signer's self-reported compose hash, app id and report data are dropped: nothing the
// reconciler trusts may come from them.
EpochKeyAnswer from_wire(const EpochPublicKey& answer);
RewrapEntry to_wire(const RewrapRequest& request);
RewrapTarget to_wire(const RewrapDestination& to);
RewrapOutcome from_wire(const RewrapResult& result);
ExternalQuoteVerdict from_wire(const QuoteVerdict& verdict);

class ClientEpochSigner : public EpochSigner {
 public:
  explicit ClientEpochSigner(std::shared_ptr<SignerClient> client) : client_(std::move(client)) {}
  Result<EpochKeyAnswer> epoch_public_key(std::uint64_t epoch,
                                          const std::string& nonce_hex) override;
  Result<std::vector<RewrapOutcome>> rewrap(const RewrapDestination& to,
                                            const std::vector<RewrapRequest>& requests) override;

 private:
  std::shared_ptr<SignerClient> client_;
};

class ClientQuoteSecondOpinion : public QuoteSecondOpinion {
 public:
  ClientQuoteSecondOpinion(http::HttpTransport& transport, std::string url)
      : verifier_(transport, std::move(url)) {}
  Result<ExternalQuoteVerdict> verify(const std::string& quote_hex) override;

 private:
  AttestationVerifier verifier_;
};

}  // namespace cbx::op
