// IPNS record parsing and validation of arbitrary bytes against a fixed name (key A of
// ipns.json, so the seeds in fuzz/seeds/ipns_record_fuzz/ validate). Must never crash; whatever
// validates must also unmarshal to the same fields and pass the expiry-free signature check.
// The same bytes are also fed, as text, to the name / CID / value / validity parsers, which see
// untrusted text in signer requests and CLI input.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "cbx/ipns/cid.h"
#include "cbx/ipns/name.h"
#include "cbx/ipns/record.h"
#include "cbx/ipns/validity.h"
#include "cbx/ipns/value.h"

namespace {

const cbx::ipns::Name& fixed_name() {
  static const cbx::ipns::Name name =
      *cbx::ipns::parse_name("k51qzi5uqu5dg9ufswxt229ntzdy7p4125xzv5rtyjso89ajdujg6csfxcj260");
  return name;
}

cbx::ipns::TimePoint fixed_now() {
  using namespace std::chrono;
  return cbx::ipns::TimePoint(sys_days(year(2026) / January / 1).time_since_epoch());
}

void check_record(cbx::ByteView bytes) {
  const auto validated = cbx::ipns::validate_record(fixed_name(), bytes, fixed_now());
  if (!validated.ok()) return;
  const auto unmarshaled = cbx::ipns::unmarshal_record(bytes);
  const auto signed_ok = cbx::ipns::verify_record_signature(fixed_name(), bytes);
  if (bytes.size() > cbx::ipns::kMaxRecordSize || !unmarshaled.ok() || !signed_ok.ok() ||
      unmarshaled->value != validated->value || unmarshaled->sequence != validated->sequence ||
      unmarshaled->validity != validated->validity || unmarshaled->ttl_ns != validated->ttl_ns) {
    std::abort();
  }
}

void check_text(std::string_view text) {
  if (auto name = cbx::ipns::parse_name(text); name.ok()) {
    // A parsed name must survive its own canonical text form.
    auto again = cbx::ipns::parse_name(name->text());
    if (!again.ok() || !(*again == *name)) std::abort();
  }
  if (auto cid = cbx::ipns::parse_cid(text); cid.ok()) {
    auto again = cbx::ipns::cid_from_bytes(cid->bytes());
    if (!again.ok() || !(*again == *cid)) std::abort();
  }
  (void)cbx::ipns::normalize_value(text);
  if (auto t = cbx::ipns::canonical_validity(text); t.ok()) {
    auto again = cbx::ipns::canonical_validity(*t);
    if (!again.ok() || *again != *t) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  check_record(cbx::ByteView(data, size));
  check_text(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
