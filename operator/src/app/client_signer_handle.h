#pragma once
// The signer handle over the signer API client: requests and outcomes (domain types of
// controllers/republish/signer_port.h) become the wire's SignEntry / SignResult and back, and a
// refused token is reported to the pool that handed the handle out, so it reads the token again.
#include <functional>
#include <memory>

#include "clients/signer_client.h"
#include "controllers/republish/signer_port.h"

namespace cbx::op {

SignEntry to_wire(const SignRequest& request);
SignOutcome from_wire(const SignResult& result);

class ClientSignerHandle : public SignerHandle {
 public:
  using OnUnauthorized = std::function<void(const SignerHandle& refused)>;
  ClientSignerHandle(std::shared_ptr<SignerClient> client, OnUnauthorized on_unauthorized)
      : client_(std::move(client)), on_unauthorized_(std::move(on_unauthorized)) {}

  const std::string& url() const override { return client_->base_url(); }
  Result<std::vector<SignOutcome>> sign(std::uint64_t current_epoch,
                                        const std::vector<SignRequest>& requests) override;
  const std::shared_ptr<SignerClient>& client() const { return client_; }

 private:
  std::shared_ptr<SignerClient> client_;
  OnUnauthorized on_unauthorized_;
};

}  // namespace cbx::op
