#pragma once
// Intel TDX DCAP quote, version 4 (TD 1.0 report body): enough of the layout to read what the
// operator checks (report data, MRTD, RTMRs). It does NOT verify the signature chain: that is the
// job of a quote verifier (DESIGN §7).
//   header (48): version u16 LE (=4), attestation key type u16, tee type u32 (0x81 = TDX),
//                qe_svn u16, pce_svn u16, qe_vendor_id[16], user_data[20]
//   body (584):  tee_tcb_svn[16] mrseam[48] mrsignerseam[48] seam_attributes[8] td_attributes[8]
//                xfam[8] mrtd[48] mrconfigid[48] mrowner[48] mrownerconfig[48] rtmr0..3[4][48]
//                report_data[64]   (so report_data sits at quote offset 568)
//   then:        signature data length u32 LE, signature data (not interpreted here)
#include <array>
#include <cstdint>

#include "cbx/base/encoding.h"
#include "cbx/base/result.h"

namespace cbx::epoch {

inline constexpr std::size_t kTdxHeaderSize = 48;
inline constexpr std::size_t kTdxBodySize = 584;
inline constexpr std::size_t kTdxMrtdOffset = kTdxHeaderSize + 136;
inline constexpr std::size_t kTdxRtmr0Offset = kTdxHeaderSize + 328;
inline constexpr std::size_t kTdxReportDataOffset = kTdxHeaderSize + 520;  // 568
inline constexpr std::uint32_t kTeeTypeTdx = 0x81;

using Measurement = std::array<std::uint8_t, 48>;

struct TdxQuote {
  std::uint16_t version = 0;
  std::uint16_t attestation_key_type = 0;
  std::uint32_t tee_type = 0;
  Measurement mrtd{};
  std::array<Measurement, 4> rtmr{};
  std::array<std::uint8_t, 64> report_data{};
  std::size_t signature_data_size = 0;
};

// Error code BAD_QUOTE: too short, version != 4, tee type != TDX, signature length overflowing.
Result<TdxQuote> parse_tdx_quote(ByteView quote);

// A structurally valid v4 quote with a dummy (all-zero) ECDSA signature section, for the
// simulator and tests: parsers see the real layout; no verifier will accept it.
Bytes build_simulated_tdx_quote(const std::array<std::uint8_t, 64>& report_data,
                                const Measurement& mrtd, const std::array<Measurement, 4>& rtmr);

}  // namespace cbx::epoch
