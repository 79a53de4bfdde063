#include "cbx/ipns/value.h"

#include "cbx/ipns/cid.h"
#include "cbx/ipns/name.h"
#include "js_string.h"
#include "multibase.h"

namespace cbx::ipns {
namespace {

Error invalid_value() {
  return make_error("INVALID_VALUE", "Value must be a valid content path starting with /");
}

bool has_upper(std::string_view text) {
  for (char c : text) {
    if (c >= 'A' && c <= 'Z') return true;
  }
  return false;
}

// CID.parse of multiformats without an explicit decoder: "Q…" (v0), or multibase z, b, k with
// the lowercase alphabets only.
std::optional<Cid> js_parse_cid(std::string_view text) {
  if (text.empty()) return std::nullopt;
  const char prefix = text.front();
  if (prefix != 'Q' && prefix != 'z' && prefix != 'b' && prefix != 'k') return std::nullopt;
  if ((prefix == 'b' || prefix == 'k') && has_upper(text.substr(1))) return std::nullopt;
  auto cid = parse_cid(text);
  if (!cid) return std::nullopt;
  return *cid;
}

}  // namespace

Result<std::string> normalize_value(std::string_view input) {
  if (auto cid = js_parse_cid(input)) {
    if (cid->codec == kCodecLibp2pKey) return "/ipns/" + cid->to_base36();
    return "/ipfs/" + cid->to_v1().to_string();
  }
  // A bare legacy peer id stands for the PublicKey object the JS API takes: a recursive name.
  if (input.starts_with("12D3KooW") || input.starts_with("16Uiu2")) {
    auto name = parse_name(input);
    if (name) return "/ipns/" + name->text();
  }
  const std::string_view trimmed = js_trim(input);
  if (trimmed.size() > 1 && trimmed.front() == '/') return std::string(trimmed);
  return invalid_value();
}

Result<std::string> normalize_stored_value(ByteView value) {
  std::string text = utf8_decode_lossy(value);
  const std::string_view trimmed = js_trim(text);
  if (trimmed.starts_with('/')) return std::string(trimmed);
  if (auto cid = cid_from_bytes(value)) return "/ipfs/" + cid->to_v1().to_string();
  if (auto cid = js_parse_cid(trimmed)) return "/ipfs/" + cid->to_v1().to_string();
  return invalid_value();
}

}  // namespace cbx::ipns
