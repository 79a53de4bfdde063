#include "cbx/attest/quote_v4.h"

#include <algorithm>
#include <cctype>

namespace cbx::attest {
namespace {

constexpr std::uint16_t kAttestationKeyEcdsaP256 = 2;
constexpr std::uint32_t kTeeTypeTdx = 0x81;
constexpr std::uint16_t kCertDataQeReport = 6;
constexpr std::uint16_t kCertDataPckChain = 5;

// Bounds-checked little-endian reader over the quote; every read either succeeds or marks the
// reader failed (and returns zeros), so callers check ok() once per section.
class Reader {
 public:
  explicit Reader(ByteView data) : data_(data) {}

  bool ok() const { return ok_; }
  std::size_t remaining() const { return ok_ ? data_.size() - pos_ : 0; }

  ByteView take(std::size_t n) {
    if (!ok_ || n > data_.size() - pos_) {
      ok_ = false;
      return {};
    }
    ByteView out = data_.subspan(pos_, n);
    pos_ += n;
    return out;
  }
  template <std::size_t N>
  void copy(std::array<std::uint8_t, N>& out) {
    ByteView b = take(N);
    if (ok_) std::copy(b.begin(), b.end(), out.begin());
  }
  std::uint32_t le(std::size_t width) {
    ByteView b = take(width);
    std::uint32_t v = 0;
    for (std::size_t i = 0; ok_ && i < width; ++i) v |= static_cast<std::uint32_t>(b[i]) << (8 * i);
    return v;
  }
  void skip(std::size_t n) { take(n); }

 private:
  ByteView data_;
  std::size_t pos_ = 0;
  bool ok_ = true;
};

Error bad(std::string message) {
  return make_error("BAD_QUOTE", std::move(message));
}
Error unsupported(std::string message) {
  return make_error("UNSUPPORTED_QUOTE", std::move(message));
}

void read_header(Reader& r, QuoteHeader& h) {
  h.version = static_cast<std::uint16_t>(r.le(2));
  h.attestation_key_type = static_cast<std::uint16_t>(r.le(2));
  h.tee_type = r.le(4);
  h.qe_svn = static_cast<std::uint16_t>(r.le(2));
  h.pce_svn = static_cast<std::uint16_t>(r.le(2));
  r.copy(h.qe_vendor_id);
  r.copy(h.user_data);
}

void read_td_report(Reader& r, TdReport& t) {
  r.copy(t.tee_tcb_svn);
  r.copy(t.mr_seam);
  r.copy(t.mr_signer_seam);
  r.copy(t.seam_attributes);
  r.copy(t.td_attributes);
  r.copy(t.xfam);
  r.copy(t.mrtd);
  r.copy(t.mr_config_id);
  r.copy(t.mr_owner);
  r.copy(t.mr_owner_config);
  for (auto& m : t.rtmr) r.copy(m);
  r.copy(t.report_data);
}

QeReport decode_qe_report(ByteView bytes) {
  Reader r(bytes);
  QeReport q;
  r.copy(q.cpu_svn);
  q.misc_select = r.le(4);
  r.skip(28);
  r.copy(q.attributes);
  r.copy(q.mr_enclave);
  r.skip(32);
  r.copy(q.mr_signer);
  r.skip(96);
  q.isv_prod_id = static_cast<std::uint16_t>(r.le(2));
  q.isv_svn = static_cast<std::uint16_t>(r.le(2));
  r.skip(60);
  r.copy(q.report_data);
  return q;
}

// Certification data type 6 body: QE report, its signature, auth data, inner type-5 PCK chain.
Result<Ok> read_qe_certification(ByteView body, QuoteV4& q) {
  Reader r(body);
  q.qe_report_bytes = r.take(kQeReportSize);
  r.copy(q.qe_report_signature);
  std::size_t auth_size = r.le(2);
  q.qe_auth_data = r.take(auth_size);
  auto inner_type = static_cast<std::uint16_t>(r.le(2));
  std::size_t inner_size = r.le(4);
  if (!r.ok()) return bad("QE certification data truncated");
  if (inner_type != kCertDataPckChain) {
    return unsupported("QE certification data does not carry a PCK certificate chain");
  }
  ByteView chain = r.take(inner_size);
  if (!r.ok()) return bad("PCK certificate chain runs past its certification data");
  if (r.remaining() != 0) return bad("bytes after the PCK certificate chain");
  q.qe_report = decode_qe_report(q.qe_report_bytes);
  q.pck_chain_pem.assign(chain.begin(), chain.end());
  // Some quoting libraries NUL-terminate the PEM text.
  while (!q.pck_chain_pem.empty() && q.pck_chain_pem.back() == '\0') q.pck_chain_pem.pop_back();
  return Ok{};
}

}  // namespace

Result<QuoteV4> parse_quote_v4(ByteView quote) {
  Reader r(quote);
  QuoteV4 q;
  read_header(r, q.header);
  if (!r.ok()) return bad("quote shorter than its header");
  if (q.header.version != 4) return unsupported("quote version is not 4");
  if (q.header.tee_type != kTeeTypeTdx) return unsupported("quote is not a TDX quote");
  if (q.header.attestation_key_type != kAttestationKeyEcdsaP256) {
    return unsupported("attestation key type is not ECDSA P-256");
  }
  read_td_report(r, q.report);
  if (!r.ok()) return bad("quote shorter than a TD report");
  q.signed_bytes = quote.first(kSignedQuoteSize);

  std::size_t signature_size = r.le(4);
  ByteView signature_data = r.take(signature_size);
  if (!r.ok()) return bad("quote signature data runs past the end");
  // Bytes after the signature data are covered by nothing and ignored: real quotes carry some
  // (the quoting library's buffer padding), and the reference verifier ignores them too.

  Reader s(signature_data);
  s.copy(q.attestation_signature);
  s.copy(q.attestation_key);
  auto cert_type = static_cast<std::uint16_t>(s.le(2));
  std::size_t cert_size = s.le(4);
  if (!s.ok()) return bad("signature data truncated");
  if (cert_type != kCertDataQeReport) {
    return unsupported("certification data is not QE report certification data (type 6)");
  }
  ByteView cert_body = s.take(cert_size);
  if (!s.ok()) return bad("certification data runs past the signature data");
  if (s.remaining() != 0) return bad("bytes after the certification data");
  CBX_TRY_STATUS(read_qe_certification(cert_body, q));
  return q;
}

Bytes decode_quote_file(std::string_view contents) {
  auto is_space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  std::string_view text = contents;
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  if (text.starts_with("0x") || text.starts_with("0X")) text.remove_prefix(2);
  bool all_hex = !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isxdigit(static_cast<unsigned char>(c)) != 0;
  });
  if (all_hex) {
    if (auto decoded = hex_decode(text)) return *decoded;
  }
  return Bytes(contents.begin(), contents.end());
}

}  // namespace cbx::attest
