#include "attest/pck_extensions.h"

#include <openssl/objects.h>

#include <algorithm>
#include <memory>
#include <optional>

namespace cbx::attest::detail {
namespace {

constexpr std::uint8_t kTagInteger = 0x02;
constexpr std::uint8_t kTagOctetString = 0x04;
constexpr std::uint8_t kTagOid = 0x06;
constexpr std::uint8_t kTagSequence = 0x30;

// DER encodings (contents only) of the OIDs below 1.2.840.113741.1.13.1.
constexpr std::uint8_t kSgxPrefix[] = {0x2A, 0x86, 0x48, 0x86, 0xF8, 0x4D, 0x01, 0x0D, 0x01};

struct Tlv {
  std::uint8_t tag = 0;
  ByteView value;
};

// One DER element at the front of `in` (low tag numbers, definite lengths up to 4 bytes);
// advances `in` past it.
std::optional<Tlv> next_tlv(ByteView& in) {
  if (in.size() < 2) return std::nullopt;
  Tlv tlv;
  tlv.tag = in[0];
  if ((tlv.tag & 0x1F) == 0x1F) return std::nullopt;
  std::size_t length = in[1];
  std::size_t header = 2;
  if (length & 0x80) {
    std::size_t count = length & 0x7F;
    if (count == 0 || count > 4 || in.size() < 2 + count) return std::nullopt;
    length = 0;
    for (std::size_t i = 0; i < count; ++i) length = (length << 8) | in[2 + i];
    header += count;
  }
  if (length > in.size() - header) return std::nullopt;
  tlv.value = in.subspan(header, length);
  in = in.subspan(header + length);
  return tlv;
}

bool is_sgx_oid(ByteView oid, std::initializer_list<std::uint8_t> suffix) {
  if (oid.size() != sizeof(kSgxPrefix) + suffix.size()) return false;
  return std::equal(std::begin(kSgxPrefix), std::end(kSgxPrefix), oid.begin()) &&
         std::equal(suffix.begin(), suffix.end(), oid.begin() + sizeof(kSgxPrefix));
}

// Finds the value of the (OID, value) pair with the given SGX OID suffix in a SEQUENCE OF.
std::optional<Tlv> find_pair(ByteView sequence_contents,
                             std::initializer_list<std::uint8_t> suffix) {
  ByteView rest = sequence_contents;
  while (!rest.empty()) {
    auto pair = next_tlv(rest);
    if (!pair || pair->tag != kTagSequence) return std::nullopt;
    ByteView inner = pair->value;
    auto oid = next_tlv(inner);
    auto value = next_tlv(inner);
    if (!oid || oid->tag != kTagOid || !value) return std::nullopt;
    if (is_sgx_oid(oid->value, suffix)) return value;
  }
  return std::nullopt;
}

Error bad(std::string message) {
  return make_error("BAD_CERT_CHAIN", std::move(message));
}

}  // namespace

Result<PckExtensions> parse_sgx_extension(ByteView der) {
  ByteView in = der;
  auto top = next_tlv(in);
  if (!top || top->tag != kTagSequence || !in.empty())
    return bad("SGX extension is not a SEQUENCE");
  PckExtensions out;
  auto fmspc = find_pair(top->value, {0x04});
  if (!fmspc || fmspc->tag != kTagOctetString || fmspc->value.size() != 6) {
    return bad("SGX extension has no 6-byte FMSPC");
  }
  std::copy(fmspc->value.begin(), fmspc->value.end(), out.fmspc.begin());
  auto tcb = find_pair(top->value, {0x02});
  if (!tcb || tcb->tag != kTagSequence) return bad("SGX extension has no TCB");
  auto cpu_svn = find_pair(tcb->value, {0x02, 0x12});
  if (!cpu_svn || cpu_svn->tag != kTagOctetString || cpu_svn->value.size() != 16) {
    return bad("SGX extension has no 16-byte CPUSVN");
  }
  std::copy(cpu_svn->value.begin(), cpu_svn->value.end(), out.cpu_svn.begin());
  auto pce_svn = find_pair(tcb->value, {0x02, 0x11});
  if (!pce_svn || pce_svn->tag != kTagInteger || pce_svn->value.empty() ||
      pce_svn->value.size() > 3 || (pce_svn->value[0] & 0x80) != 0) {
    return bad("SGX extension has no PCESVN");
  }
  for (std::uint8_t b : pce_svn->value) out.pce_svn = (out.pce_svn << 8) | b;
  if (out.pce_svn > 0xFFFF) return bad("PCESVN out of range");
  return out;
}

Result<PckExtensions> read_pck_extensions(X509* pck_leaf) {
  std::unique_ptr<ASN1_OBJECT, decltype(&ASN1_OBJECT_free)> oid(
      OBJ_txt2obj("1.2.840.113741.1.13.1", 1), ASN1_OBJECT_free);
  if (!oid) return bad("cannot build the SGX extension OID");
  int index = X509_get_ext_by_OBJ(pck_leaf, oid.get(), -1);
  if (index < 0) return bad("PCK certificate has no SGX extension");
  if (X509_get_ext_by_OBJ(pck_leaf, oid.get(), index) >= 0) {
    return bad("PCK certificate has more than one SGX extension");
  }
  const ASN1_OCTET_STRING* data = X509_EXTENSION_get_data(X509_get_ext(pck_leaf, index));
  if (!data) return bad("SGX extension has no value");
  return parse_sgx_extension(
      ByteView(ASN1_STRING_get0_data(data), static_cast<std::size_t>(ASN1_STRING_length(data))));
}

}  // namespace cbx::attest::detail
