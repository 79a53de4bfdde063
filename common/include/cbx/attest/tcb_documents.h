#pragma once
// The two signed JSON documents of the collateral, decoded, and the TCB level matching rules:
//   TCB info (id "TDX", version >= 3): per platform (FMSPC) an ordered list of TCB levels; the
//     first level whose every SGX component SVN, PCESVN and TDX component SVN the platform meets
//     or exceeds gives the platform's TCB status and advisory ids.
//   QE identity (id "TD_QE", version 2 or 3): the quoting enclave's MRSIGNER, ISVPRODID, masked
//     MISCSELECT and ATTRIBUTES; its first TCB level with isvsvn <= the QE's ISVSVN gives the QE
//     TCB status.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cbx/attest/quote_v4.h"
#include "cbx/attest/tcb_status.h"
#include "cbx/base/duration.h"
#include "cbx/base/result.h"

namespace cbx::attest {

struct PlatformTcbLevel {
  std::vector<std::int64_t> sgx_components;  // SVNs as listed (16 expected)
  std::vector<std::int64_t> tdx_components;  // SVNs as listed (16 expected)
  std::int64_t pce_svn = 0;
  TcbStatus status = TcbStatus::Unknown;  // Unknown for a status string Intel never defined
  std::vector<std::string> advisory_ids;
};

struct TcbInfo {
  std::string id;
  std::int64_t version = 0;
  SysTime issue_date;
  SysTime next_update;
  std::string fmspc;  // hex as written
  std::vector<PlatformTcbLevel> levels;
};

struct QeTcbLevel {
  std::int64_t isv_svn = 0;
  TcbStatus status = TcbStatus::Unknown;
  std::vector<std::string> advisory_ids;
};

struct QeIdentity {
  std::string id;
  std::int64_t version = 0;
  SysTime issue_date;
  SysTime next_update;
  std::uint32_t misc_select = 0;  // hex bytes read little-endian, as the QE report holds it
  std::uint32_t misc_select_mask = 0;
  std::array<std::uint8_t, 16> attributes{};
  std::array<std::uint8_t, 16> attributes_mask{};
  std::array<std::uint8_t, 32> mr_signer{};
  std::int64_t isv_prod_id = 0;
  std::vector<QeTcbLevel> levels;
};

// Error code BAD_COLLATERAL on malformed JSON, missing fields, bad hex or dates.
Result<TcbInfo> parse_tcb_info(std::string_view json);
Result<QeIdentity> parse_qe_identity(std::string_view json);

// QE_IDENTITY_MISMATCH when the report does not fit the identity or its ISVSVN is below every
// level.
Result<TcbLevelResult> match_qe_identity(const QeReport& qe, const QeIdentity& identity);

// NO_TCB_LEVEL when no level matches (or a level lists no components).
Result<TcbLevelResult> match_platform_tcb(const TcbInfo& info,
                                          const std::array<std::uint8_t, 16>& cpu_svn,
                                          std::int64_t pce_svn,
                                          const std::array<std::uint8_t, 16>& tee_tcb_svn);

}  // namespace cbx::attest
