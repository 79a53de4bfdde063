#include "clients/signer_answers.h"

#include <cctype>
#include <set>

#include "cbx/base/encoding.h"
#include "cbx/ipns/record.h"

namespace cbx::op {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxIdSize = 256;
constexpr std::size_t kMaxRecordBase64 = (ipns::kMaxRecordSize + 2) / 3 * 4;
constexpr std::size_t kMaxValiditySize = 64;
constexpr std::size_t kMaxKeyBase64 = 1024;  // as spec.encryptedKey in the CRD
constexpr std::size_t kMaxCodeSize = 64;
constexpr std::size_t kMaxMessageSize = 1024;

Error protocol_error(const std::string& what) {
  return make_error("BAD_RESPONSE", what);
}

const json* field(const json& obj, const char* key) {
  auto it = obj.find(key);
  return it == obj.end() ? nullptr : &*it;
}

// A string field of at most max bytes; nullopt when absent, Error when of another type or size.
Result<std::optional<std::string>> optional_string(const json& obj, const char* key,
                                                   std::size_t max) {
  const json* v = field(obj, key);
  if (!v) return std::optional<std::string>{};
  if (!v->is_string()) return protocol_error(std::string("\"") + key + "\" is not a string");
  const auto& s = v->get_ref<const std::string&>();
  if (s.size() > max) return protocol_error(std::string("\"") + key + "\" is too long");
  return std::optional<std::string>{s};
}

Result<std::string> required_string(const json& obj, const char* key, std::size_t max) {
  auto s = optional_string(obj, key, max);
  if (!s) return s.error();
  if (!*s || (*s)->empty()) return protocol_error(std::string("\"") + key + "\" is missing");
  return std::move(**s);
}

Result<std::uint64_t> required_u64(const json& obj, const char* key) {
  const json* v = field(obj, key);
  auto n = v ? answer_u64(*v) : std::nullopt;
  if (!n) return protocol_error(std::string("\"") + key + "\" is not an unsigned 64-bit number");
  return *n;
}

Result<std::string> required_base64(const json& obj, const char* key, std::size_t max) {
  auto s = required_string(obj, key, max);
  if (!s) return s;
  if (!base64_decode(*s)) return protocol_error(std::string("\"") + key + "\" is not base64");
  return s;
}

bool is_code(const std::string& code) {
  if (code.empty() || code.size() > kMaxCodeSize) return false;
  if (!std::isalpha(static_cast<unsigned char>(code[0]))) return false;
  for (unsigned char c : code) {
    if (!std::isalnum(c) && c != '_') return false;
  }
  return true;
}

// {"code","message"} of a refused entry or request.
Result<SignerRefusal> refusal_of(const json& error) {
  if (!error.is_object()) return protocol_error("\"error\" is not an object");
  auto code = required_string(error, "code", kMaxCodeSize);
  if (!code || !is_code(*code)) return protocol_error("\"error.code\" is not an error code");
  const json* message = field(error, "message");
  if (message && !message->is_string()) return protocol_error("\"error.message\" is not a string");
  std::string text = message ? message->get<std::string>().substr(0, kMaxMessageSize) : "";
  return SignerRefusal{std::move(*code), std::move(text)};
}

Result<bool> required_bool(const json& obj, const char* key) {
  const json* v = field(obj, key);
  if (!v || !v->is_boolean())
    return protocol_error(std::string("\"") + key + "\" is not a boolean");
  return v->get<bool>();
}

// The "results" array, each element an object whose id was asked exactly once.
Result<std::vector<const json*>> results_for(const json& answer,
                                             const std::vector<std::string>& asked_ids) {
  const json* results = answer.is_object() ? field(answer, "results") : nullptr;
  if (!results || !results->is_array()) return protocol_error("the answer has no results array");
  std::set<std::string> asked(asked_ids.begin(), asked_ids.end());
  std::set<std::string> seen;
  std::vector<const json*> out;
  for (const auto& r : *results) {
    if (!r.is_object()) return protocol_error("a result is not an object");
    auto id = required_string(r, "id", kMaxIdSize);
    if (!id) return id.error();
    if (!asked.contains(*id)) return protocol_error("a result for an entry that was not sent");
    if (!seen.insert(*id).second) return protocol_error("two results for one entry");
    out.push_back(&r);
  }
  if (seen.size() != asked.size()) return protocol_error("results missing for some entries");
  return out;
}

// Reads the id, ok flag and, for a refused entry, its error into `out` (a SignResult or
// RewrapResult); answers whether the entry succeeded.
template <typename EntryResult>
Result<bool> read_entry_outcome(const json& r, EntryResult& out) {
  out.id = r["id"].get<std::string>();
  auto ok = required_bool(r, "ok");
  if (!ok) return ok.error();
  out.ok = *ok;
  if (out.ok) return true;
  const json* error = field(r, "error");
  auto refusal = error ? refusal_of(*error) : Result<SignerRefusal>(protocol_error("no error"));
  if (!refusal) return refusal.error();
  out.error_code = std::move(refusal->code);
  out.error_message = std::move(refusal->message);
  return false;
}

Result<SignResult> sign_result_of(const json& r) {
  SignResult out;
  auto succeeded = read_entry_outcome(r, out);
  if (!succeeded) return succeeded.error();
  if (!*succeeded) return out;
  auto record = required_base64(r, "record", kMaxRecordBase64);
  if (!record) return record.error();
  out.record = std::move(*record);
  auto sequence = required_u64(r, "sequence");
  if (!sequence) return sequence.error();
  out.sequence = *sequence;
  auto validity = required_string(r, "validity", kMaxValiditySize);
  if (!validity) return validity.error();
  out.validity = std::move(*validity);
  if (const json* rewrapped = field(r, "rewrapped")) {
    if (!rewrapped->is_object()) return protocol_error("\"rewrapped\" is not an object");
    auto epoch = required_u64(*rewrapped, "epoch");
    if (!epoch) return epoch.error();
    auto key = required_base64(*rewrapped, "encryptedKey", kMaxKeyBase64);
    if (!key) return key.error();
    out.rewrapped_epoch = *epoch;
    out.rewrapped_key = std::move(*key);
  }
  return out;
}

Result<RewrapResult> rewrap_result_of(const json& r) {
  RewrapResult out;
  auto succeeded = read_entry_outcome(r, out);
  if (!succeeded) return succeeded.error();
  if (!*succeeded) return out;
  auto epoch = required_u64(r, "epoch");
  if (!epoch) return epoch.error();
  out.epoch = *epoch;
  auto key = required_base64(r, "encryptedKey", kMaxKeyBase64);
  if (!key) return key.error();
  out.encrypted_key = std::move(*key);
  return out;
}

}  // namespace

std::optional<std::uint64_t> answer_u64(const json& value) {
  if (value.is_number_unsigned()) return value.get<std::uint64_t>();
  if (value.is_number_integer()) {
    auto n = value.get<std::int64_t>();
    if (n >= 0) return static_cast<std::uint64_t>(n);
    return std::nullopt;
  }
  if (!value.is_string()) return std::nullopt;
  const auto& s = value.get_ref<const std::string&>();
  if (s.empty() || s.size() > 20 || (s.size() > 1 && s[0] == '0')) return std::nullopt;
  std::uint64_t n = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    auto digit = static_cast<std::uint64_t>(c - '0');
    if (n > (UINT64_MAX - digit) / 10) return std::nullopt;
    n = n * 10 + digit;
  }
  return n;
}

Result<json> parse_answer_object(std::string_view body) {
  if (body.size() > kMaxSignerAnswerBytes) return protocol_error("the answer is too large");
  auto parsed = json::parse(body.begin(), body.end(), nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    return protocol_error("the answer is not a JSON object");
  }
  return parsed;
}

std::optional<SignerRefusal> parse_refusal(const json& answer) {
  const json* error = answer.is_object() ? field(answer, "error") : nullptr;
  if (!error) return std::nullopt;
  auto refusal = refusal_of(*error);
  if (!refusal) return std::nullopt;
  return std::move(*refusal);
}

Result<std::vector<SignResult>> parse_sign_answer(const json& answer,
                                                  const std::vector<std::string>& asked_ids) {
  auto results = results_for(answer, asked_ids);
  if (!results) return results.error();
  std::vector<SignResult> out;
  out.reserve(results->size());
  for (const json* r : *results) {
    auto parsed = sign_result_of(*r);
    if (!parsed) return parsed.error();
    out.push_back(std::move(*parsed));
  }
  return out;
}

Result<std::vector<RewrapResult>> parse_rewrap_answer(const json& answer,
                                                      const std::vector<std::string>& asked_ids) {
  auto results = results_for(answer, asked_ids);
  if (!results) return results.error();
  std::vector<RewrapResult> out;
  out.reserve(results->size());
  for (const json* r : *results) {
    auto parsed = rewrap_result_of(*r);
    if (!parsed) return parsed.error();
    out.push_back(std::move(*parsed));
  }
  return out;
}

Result<EpochPublicKey> parse_public_key_answer(const json& answer) {
  if (!answer.is_object()) return protocol_error("the answer is not a JSON object");
  EpochPublicKey out;
  auto epoch = required_u64(answer, "epoch");
  if (!epoch) return epoch.error();
  out.epoch = *epoch;
  struct Text {
    const char* key;
    std::string* into;
  };
  for (auto [key, into] : {Text{"publicKey", &out.public_key_hex},
                           Text{"reportData", &out.report_data_hex}, Text{"quote", &out.quote_hex},
                           Text{"composeHash", &out.compose_hash}, Text{"appId", &out.app_id}}) {
    auto text = optional_string(answer, key, kMaxSignerAnswerBytes);
    if (!text) return text.error();
    *into = text->value_or("");
  }
  if (const json* log = field(answer, "eventLog")) {
    out.event_log = log->is_string() ? log->get<std::string>()
                                     : log->dump(-1, ' ', false, json::error_handler_t::replace);
  }
  if (const json* simulated = field(answer, "simulated")) {
    if (!simulated->is_boolean()) return protocol_error("\"simulated\" is not a boolean");
    out.simulated = simulated->get<bool>();
  }
  if (out.public_key_hex.size() != 130 || !hex_decode(out.public_key_hex)) {
    return protocol_error("epoch public key is not a 65-byte uncompressed key");
  }
  return out;
}

}  // namespace cbx::op
