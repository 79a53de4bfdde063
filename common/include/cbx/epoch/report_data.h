#pragma once
// What an epoch's attestation quote binds (DESIGN §7) and where dstack derives the epoch key (§6).
//   reportData = SHA-256("cipherbox-epoch-key:v1" || epoch u64 BE || publicKey(65) || nonce)
//                followed by 32 zero bytes (64 bytes, as TDX report_data holds)
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "cbx/base/encoding.h"

namespace cbx::epoch {

inline constexpr std::string_view kReportDataDomain = "cipherbox-epoch-key:v1";
inline constexpr std::size_t kReportDataSize = 64;
inline constexpr std::size_t kMaxNonceSize = 64;

using ReportData = std::array<std::uint8_t, kReportDataSize>;

ReportData epoch_report_data(std::uint64_t epoch, ByteView public_key, ByteView nonce);

// dstack GetKey path of an epoch key: "cipherbox/ipns-republish/epoch-<n>" (algorithm secp256k1).
std::string epoch_key_path(std::uint64_t epoch);

}  // namespace cbx::epoch
