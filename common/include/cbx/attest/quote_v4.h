#pragma once
// Full layout of an Intel TDX DCAP quote, version 4 (TD 1.0 report body), including the ECDSA
// signature data. Parsing checks structure only; nothing here is trusted until verify_tdx_quote
// says so.
//   header (48) | TD report body (584) | u32 signature data length | signature data:
//     attestation signature r||s (64) | attestation public key x||y (64) |
//     certification data: u16 type (must be 6 = QE report certification data), u32 size, body:
//       QE report (384) | QE report signature (64) | u16 auth data size, auth data |
//       u16 type (must be 5 = PCK certificate chain, PEM), u32 size, PEM chain
// All integers little-endian.
#include <array>
#include <cstdint>
#include <string>

#include "cbx/base/encoding.h"
#include "cbx/base/result.h"

namespace cbx::attest {

using Measurement = std::array<std::uint8_t, 48>;

inline constexpr std::size_t kQuoteHeaderSize = 48;
inline constexpr std::size_t kTdReportSize = 584;
inline constexpr std::size_t kSignedQuoteSize = kQuoteHeaderSize + kTdReportSize;  // 632
inline constexpr std::size_t kQeReportSize = 384;

struct QuoteHeader {
  std::uint16_t version = 0;
  std::uint16_t attestation_key_type = 0;
  std::uint32_t tee_type = 0;
  std::uint16_t qe_svn = 0;
  std::uint16_t pce_svn = 0;
  std::array<std::uint8_t, 16> qe_vendor_id{};
  std::array<std::uint8_t, 20> user_data{};
};

struct TdReport {
  std::array<std::uint8_t, 16> tee_tcb_svn{};
  Measurement mr_seam{};
  Measurement mr_signer_seam{};
  std::array<std::uint8_t, 8> seam_attributes{};
  std::array<std::uint8_t, 8> td_attributes{};
  std::array<std::uint8_t, 8> xfam{};
  Measurement mrtd{};
  Measurement mr_config_id{};
  Measurement mr_owner{};
  Measurement mr_owner_config{};
  std::array<Measurement, 4> rtmr{};
  std::array<std::uint8_t, 64> report_data{};
};

// SGX enclave report of the quoting enclave.
struct QeReport {
  std::array<std::uint8_t, 16> cpu_svn{};
  std::uint32_t misc_select = 0;
  std::array<std::uint8_t, 16> attributes{};
  std::array<std::uint8_t, 32> mr_enclave{};
  std::array<std::uint8_t, 32> mr_signer{};
  std::uint16_t isv_prod_id = 0;
  std::uint16_t isv_svn = 0;
  std::array<std::uint8_t, 64> report_data{};
};

struct QuoteV4 {
  QuoteHeader header;
  TdReport report;
  ByteView signed_bytes;  // header + TD report: what the attestation key signs (views the input)
  std::array<std::uint8_t, 64> attestation_signature{};
  std::array<std::uint8_t, 64> attestation_key{};  // P-256 point x||y
  QeReport qe_report;
  ByteView qe_report_bytes;  // the 384 bytes the PCK key signs (views the input)
  std::array<std::uint8_t, 64> qe_report_signature{};
  ByteView qe_auth_data;      // views the input
  std::string pck_chain_pem;  // leaf first
};

// Error codes: BAD_QUOTE (truncated, inner lengths that do not add up; bytes after the signature
// data are ignored, as real quotes carry padding there),
// UNSUPPORTED_QUOTE (version != 4, not TDX, key type != ECDSA P-256, certification data types
// other than 6 then 5). The returned views point into `quote`: keep it alive.
Result<QuoteV4> parse_quote_v4(ByteView quote);

// Quote files arrive as raw bytes or as hex text (with or without 0x, surrounding whitespace).
// Text that is all hex digits is decoded; anything else is returned as is.
Bytes decode_quote_file(std::string_view contents);

}  // namespace cbx::attest
