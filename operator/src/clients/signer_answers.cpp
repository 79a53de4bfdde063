#include "clients/signer_answers.h"

#include <cctype>
#include <set>

#include "cbx/base/encoding.h"
#include "cbx/ipns/record.h"
#include "cbx/json/field_reader.h"

namespace cbx::op {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxIdSize = 256;
constexpr std::size_t kMaxRecordBase64 = (ipns::kMaxRecordSize + 2) / 3 * 4;
constexpr std::size_t kMaxValiditySize = 64;
constexpr std::size_t kMaxKeyBase64 = 1024;  // as spec.encryptedKey in the CRD
constexpr std::size_t kMaxCodeSize = 64;
constexpr std::size_t kMaxMessageSize = 1024;

using Fields = cbx::json::FieldReader;
using cbx::json::Uint64Form;

constexpr char kBadResponse[] = "BAD_RESPONSE";

Error protocol_error(const std::string& what) {
  return make_error(kBadResponse, what);
}

// A uint64 as the signer writes it: a decimal string without sign, spaces or leading zeros, or
// a non-negative JSON integer.
Result<std::uint64_t> answer_u64(const Fields& r, std::string_view key) {
  return r.uint64(key, Uint64Form::kNumberOrCanonicalDecimalString);
}

bool is_code(const std::string& code) {
  if (code.empty() || code.size() > kMaxCodeSize) return false;
  if (!std::isalpha(static_cast<unsigned char>(code[0]))) return false;
  for (unsigned char c : code) {
    if (!std::isalnum(c) && c != '_') return false;
  }
  return true;
}

// {"code","message"} of a refused entry or request; the message is cut at kMaxMessageSize.
Result<SignerRefusal> refusal_of(const Fields& error) {
  auto code = error.nonempty_string("code", kMaxCodeSize);
  if (!code) return code.error();
  if (!is_code(*code)) return error.error("code", "not an error code");
  auto message = error.optional_string("message");
  if (!message) return message.error();
  std::string text = message->value_or("").substr(0, kMaxMessageSize);
  return SignerRefusal{std::move(*code), std::move(text)};
}

// The "results" array, each element an object whose id was asked exactly once.
Result<std::vector<Fields>> results_for(const json& answer,
                                        const std::vector<std::string>& asked_ids) {
  auto top = Fields::of(answer, "", kBadResponse);
  if (!top) return top.error();
  auto results = top->array("results");
  if (!results) return results.error();
  std::set<std::string> asked(asked_ids.begin(), asked_ids.end());
  std::set<std::string> seen;
  std::vector<Fields> out;
  for (std::size_t i = 0; i < (*results)->size(); ++i) {
    auto r = top->element_object("results", **results, i);
    if (!r) return r.error();
    auto id = r->nonempty_string("id", kMaxIdSize);
    if (!id) return id.error();
    if (!asked.contains(*id)) return r->error("id", "a result for an entry that was not sent");
    if (!seen.insert(*id).second) return r->error("id", "a second result for one entry");
    out.push_back(std::move(*r));
  }
  if (seen.size() != asked.size()) return protocol_error("results: missing for some entries");
  return out;
}

// Reads the id, ok flag and, for a refused entry, its error into `out` (a SignResult or
// RewrapResult); answers whether the entry succeeded.
template <typename EntryResult>
Result<bool> read_entry_outcome(const Fields& r, EntryResult& out) {
  auto id = r.nonempty_string("id", kMaxIdSize);
  if (!id) return id.error();
  out.id = std::move(*id);
  auto ok = r.boolean("ok");
  if (!ok) return ok.error();
  out.ok = *ok;
  if (out.ok) return true;
  auto error = r.object("error");
  if (!error) return error.error();
  auto refusal = refusal_of(*error);
  if (!refusal) return refusal.error();
  out.error_code = std::move(refusal->code);
  out.error_message = std::move(refusal->message);
  return false;
}

Result<SignResult> sign_result_of(const Fields& r) {
  SignResult out;
  auto succeeded = read_entry_outcome(r, out);
  if (!succeeded) return succeeded.error();
  if (!*succeeded) return out;
  auto record = r.base64_text("record", kMaxRecordBase64);
  if (!record) return record.error();
  out.record = std::move(*record);
  auto sequence = answer_u64(r, "sequence");
  if (!sequence) return sequence.error();
  out.sequence = *sequence;
  auto validity = r.nonempty_string("validity", kMaxValiditySize);
  if (!validity) return validity.error();
  out.validity = std::move(*validity);
  auto rewrapped = r.optional_object("rewrapped");
  if (!rewrapped) return rewrapped.error();
  if (*rewrapped) {
    auto epoch = answer_u64(**rewrapped, "epoch");
    if (!epoch) return epoch.error();
    auto key = (*rewrapped)->base64_text("encryptedKey", kMaxKeyBase64);
    if (!key) return key.error();
    out.rewrapped_epoch = *epoch;
    out.rewrapped_key = std::move(*key);
  }
  return out;
}

Result<RewrapResult> rewrap_result_of(const Fields& r) {
  RewrapResult out;
  auto succeeded = read_entry_outcome(r, out);
  if (!succeeded) return succeeded.error();
  if (!*succeeded) return out;
  auto epoch = answer_u64(r, "epoch");
  if (!epoch) return epoch.error();
  out.epoch = *epoch;
  auto key = r.base64_text("encryptedKey", kMaxKeyBase64);
  if (!key) return key.error();
  out.encrypted_key = std::move(*key);
  return out;
}

}  // namespace

Result<json> parse_answer_object(std::string_view body) {
  if (body.size() > kMaxSignerAnswerBytes) return protocol_error("the answer is too large");
  auto parsed = json::parse(body.begin(), body.end(), nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    return protocol_error("the answer is not a JSON object");
  }
  return parsed;
}

std::optional<SignerRefusal> parse_refusal(const json& answer) {
  auto error = Fields(answer, "", kBadResponse).optional_object("error");
  if (!error || !*error) return std::nullopt;
  auto refusal = refusal_of(**error);
  if (!refusal) return std::nullopt;
  return std::move(*refusal);
}

Result<std::vector<SignResult>> parse_sign_answer(const json& answer,
                                                  const std::vector<std::string>& asked_ids) {
  auto results = results_for(answer, asked_ids);
  if (!results) return results.error();
  std::vector<SignResult> out;
  out.reserve(results->size());
  for (const Fields& r : *results) {
    auto parsed = sign_result_of(r);
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
  for (const Fields& r : *results) {
    auto parsed = rewrap_result_of(r);
    if (!parsed) return parsed.error();
    out.push_back(std::move(*parsed));
  }
  return out;
}

Result<EpochPublicKey> parse_public_key_answer(const json& answer) {
  auto fields = Fields::of(answer, "", kBadResponse);
  if (!fields) return fields.error();
  const Fields& r = *fields;
  EpochPublicKey out;
  auto epoch = answer_u64(r, "epoch");
  if (!epoch) return epoch.error();
  out.epoch = *epoch;
  struct Text {
    const char* key;
    std::string* into;
  };
  for (auto [key, into] : {Text{"publicKey", &out.public_key_hex},
                           Text{"reportData", &out.report_data_hex}, Text{"quote", &out.quote_hex},
                           Text{"composeHash", &out.compose_hash}, Text{"appId", &out.app_id}}) {
    auto text = r.optional_string(key, kMaxSignerAnswerBytes);
    if (!text) return text.error();
    *into = text->value_or("");
  }
  if (const json* log = r.value("eventLog")) {  // its text, or the JSON it is
    out.event_log = log->is_string() ? log->get<std::string>()
                                     : log->dump(-1, ' ', false, json::error_handler_t::replace);
  }
  auto simulated = r.optional_boolean("simulated");
  if (!simulated) return simulated.error();
  out.simulated = simulated->value_or(false);
  if (out.public_key_hex.size() != 130 || !hex_decode(out.public_key_hex)) {
    return r.error("publicKey", "not a 65-byte uncompressed key in hex");
  }
  return out;
}

}  // namespace cbx::op
