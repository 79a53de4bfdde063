#include "clients/attestation_verifier.h"

#include <nlohmann/json.hpp>

namespace cbx::op {
namespace {

using nlohmann::json;

// Top level, or Phala's one nested "quote" object; no deeper (a hostile answer could nest
// thousands of levels).
std::optional<bool> verdict_of(const json& answer, bool nested = false) {
  for (const char* key : {"verified", "is_valid"}) {
    if (answer.contains(key) && answer[key].is_boolean()) return answer[key].get<bool>();
  }
  if (!nested && answer.contains("quote") && answer["quote"].is_object()) {
    return verdict_of(answer["quote"], true);
  }
  return std::nullopt;
}

std::string reason_of(const json& answer) {
  for (const char* key : {"reason", "message", "error"}) {
    if (answer.contains(key) && answer[key].is_string()) return answer[key].get<std::string>();
  }
  return "";
}

}  // namespace

AttestationVerifier::AttestationVerifier(http::HttpTransport& transport, std::string url,
                                         std::chrono::milliseconds timeout)
    : transport_(transport), url_(std::move(url)), timeout_(timeout) {}

Result<QuoteVerdict> AttestationVerifier::verify(const std::string& quote_hex) {
  http::Request request{
      "POST", url_, {}, json{{"quote", quote_hex}, {"hex", quote_hex}}.dump(), timeout_};
  request.headers.emplace_back("Content-Type", "application/json");
  auto response = transport_.request(request);
  if (!response) return make_error("UNAVAILABLE", url_ + ": " + response.error().message);
  if (response->status != 200) {
    return make_error("UNAVAILABLE", url_ + " answered " + std::to_string(response->status));
  }
  if (response->body.size() > kMaxVerifierAnswerBytes) {
    return make_error("BAD_RESPONSE", url_ + " answered more than " +
                                          std::to_string(kMaxVerifierAnswerBytes) + " bytes");
  }
  auto answer = json::parse(response->body, nullptr, false);
  if (answer.is_discarded() || !answer.is_object()) {
    return make_error("BAD_RESPONSE", url_ + " did not answer a JSON object");
  }
  auto verified = verdict_of(answer);
  if (!verified) return make_error("BAD_RESPONSE", url_ + " gave no verdict");
  return QuoteVerdict{*verified, reason_of(answer).substr(0, 1024)};
}

}  // namespace cbx::op
