// The operator's quote-verifier client (clients/attestation_verifier.cpp) on arbitrary answers:
// byte 0 picks the status, the rest is the body. Must never throw or crash; a verdict comes only
// from a JSON boolean.
#include <cstddef>
#include <cstdint>

#include "clients/attestation_verifier.h"
#include "scripted_transport.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  cbx::http::Response response;
  response.status = data[0] % 8 == 0 ? 500 : 200;
  response.headers.emplace_back("Content-Type", "application/json");
  response.body.assign(reinterpret_cast<const char*>(data + 1), size - 1);
  cbx::fuzz::OneResponse transport(std::move(response));
  cbx::op::AttestationVerifier verifier(transport, "http://verifier");
  auto verdict = verifier.verify("00");
  (void)verdict;
  return 0;
}
