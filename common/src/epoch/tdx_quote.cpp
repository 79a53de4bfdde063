#include "cbx/epoch/tdx_quote.h"

#include <algorithm>

namespace cbx::epoch {
namespace {

std::uint32_t read_le(ByteView b, std::size_t offset, std::size_t width) {
  std::uint32_t v = 0;
  for (std::size_t i = 0; i < width; ++i) v |= static_cast<std::uint32_t>(b[offset + i]) << (8 * i);
  return v;
}

void write_le(Bytes& b, std::size_t offset, std::uint32_t v, std::size_t width) {
  for (std::size_t i = 0; i < width; ++i) b[offset + i] = static_cast<std::uint8_t>(v >> (8 * i));
}

template <std::size_t N>
void copy_out(ByteView b, std::size_t offset, std::array<std::uint8_t, N>& out) {
  std::copy_n(b.begin() + static_cast<std::ptrdiff_t>(offset), N, out.begin());
}

constexpr std::uint16_t kAttestationKeyEcdsaP256 = 2;
constexpr std::size_t kDummySignatureDataSize = 64 + 64 + 6;  // sig, attestation key, cert header

}  // namespace

Result<TdxQuote> parse_tdx_quote(ByteView quote) {
  constexpr std::size_t kMin = kTdxHeaderSize + kTdxBodySize + 4;
  if (quote.size() < kMin) return make_error("BAD_QUOTE", "quote shorter than a TDX v4 quote");
  TdxQuote q;
  q.version = static_cast<std::uint16_t>(read_le(quote, 0, 2));
  q.attestation_key_type = static_cast<std::uint16_t>(read_le(quote, 2, 2));
  q.tee_type = read_le(quote, 4, 4);
  if (q.version != 4) return make_error("BAD_QUOTE", "quote version is not 4");
  if (q.tee_type != kTeeTypeTdx) return make_error("BAD_QUOTE", "quote is not a TDX quote");
  copy_out(quote, kTdxMrtdOffset, q.mrtd);
  for (std::size_t i = 0; i < 4; ++i) copy_out(quote, kTdxRtmr0Offset + 48 * i, q.rtmr[i]);
  copy_out(quote, kTdxReportDataOffset, q.report_data);
  q.signature_data_size = read_le(quote, kTdxHeaderSize + kTdxBodySize, 4);
  if (q.signature_data_size > quote.size() - kMin) {
    return make_error("BAD_QUOTE", "quote signature data runs past the end");
  }
  return q;
}

Bytes build_simulated_tdx_quote(const std::array<std::uint8_t, 64>& report_data,
                                const Measurement& mrtd, const std::array<Measurement, 4>& rtmr) {
  Bytes q(kTdxHeaderSize + kTdxBodySize + 4 + kDummySignatureDataSize, 0);
  write_le(q, 0, 4, 2);
  write_le(q, 2, kAttestationKeyEcdsaP256, 2);
  write_le(q, 4, kTeeTypeTdx, 4);
  static constexpr std::uint8_t kIntelQeVendorId[16] = {0x93, 0x9a, 0x72, 0x33, 0xf7, 0x9c,
                                                        0x4c, 0xa9, 0x94, 0x0a, 0x0d, 0xb3,
                                                        0x95, 0x7f, 0x06, 0x07};
  std::copy(std::begin(kIntelQeVendorId), std::end(kIntelQeVendorId), q.begin() + 12);
  std::copy(mrtd.begin(), mrtd.end(), q.begin() + kTdxMrtdOffset);
  for (std::size_t i = 0; i < 4; ++i) {
    std::copy(rtmr[i].begin(), rtmr[i].end(),
              q.begin() + static_cast<std::ptrdiff_t>(kTdxRtmr0Offset + 48 * i));
  }
  std::copy(report_data.begin(), report_data.end(), q.begin() + kTdxReportDataOffset);
  write_le(q, kTdxHeaderSize + kTdxBodySize, kDummySignatureDataSize, 4);
  return q;
}

}  // namespace cbx::epoch
