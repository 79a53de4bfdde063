#pragma once
// Parsers of the signer's JSON answers (DESIGN §5). Nothing the signer sends is trusted: every
// field is type-, size- and charset-checked (cbx/json/field_reader.h), and any deviation is
// Error{"BAD_RESPONSE", "<path>: why"} (e.g. "results[3].sequence: …") for the whole answer (the
// folders of that call fail with reason SignerProtocolError and retry with backoff). No input
// throws.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cbx/base/result.h"
#include "clients/signer_client.h"

namespace cbx::op {

// 50 results of records (at most 10 KiB each, base64) and rewrapped keys fit many times over.
inline constexpr std::size_t kMaxSignerAnswerBytes = 4 * 1024 * 1024;

// The answer body as a JSON object: too large, not JSON or not an object are BAD_RESPONSE.
Result<nlohmann::json> parse_answer_object(std::string_view body);

// {"error": {"code", "message"}} of a refusal, when present and well-formed: code as a condition
// reason can carry it (letters, digits, '_'; at most 64), message at most 1024 bytes.
struct SignerRefusal {
  std::string code;
  std::string message;
};
std::optional<SignerRefusal> parse_refusal(const nlohmann::json& answer);

// POST /v1/sign: exactly one result per asked id (none unknown, none twice, none missing); ok
// results carry record, sequence and validity, refused ones an error code.
Result<std::vector<SignResult>> parse_sign_answer(const nlohmann::json& answer,
                                                  const std::vector<std::string>& asked_ids);
// POST /v1/rewrap: the same one-result-per-id rule.
Result<std::vector<RewrapResult>> parse_rewrap_answer(const nlohmann::json& answer,
                                                      const std::vector<std::string>& asked_ids);
// GET /v1/epochs/{n}/public-key.
Result<EpochPublicKey> parse_public_key_answer(const nlohmann::json& answer);

}  // namespace cbx::op
