#pragma once
// Signer handles for tests: one that only names a signer (the fake RecordSigner answers
// instead), and one that answers every batch through a function.
#include <functional>
#include <memory>
#include <string>

#include "controllers/republish/signer_port.h"

namespace cbx::op::testing {

class FunctionSigner : public SignerHandle {
 public:
  using Sign = std::function<Result<std::vector<SignOutcome>>(
      std::uint64_t epoch, const std::vector<SignRequest>& requests)>;
  explicit FunctionSigner(std::string url, Sign sign = nullptr)
      : url_(std::move(url)), sign_(std::move(sign)) {}
  const std::string& url() const override { return url_; }
  Result<std::vector<SignOutcome>> sign(std::uint64_t epoch,
                                        const std::vector<SignRequest>& requests) override {
    if (!sign_) return make_error("UNAVAILABLE", url_ + " is a stand-in and signs nothing");
    return sign_(epoch, requests);
  }

 private:
  std::string url_;
  Sign sign_;
};

inline SignerRef signer_named(const std::string& url) {
  return std::make_shared<FunctionSigner>(url);
}

inline SignerRef signer_answering(const std::string& url, FunctionSigner::Sign sign) {
  return std::make_shared<FunctionSigner>(url, std::move(sign));
}

}  // namespace cbx::op::testing
