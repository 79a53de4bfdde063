#pragma once
// TEST ONLY — never link into cipherbox-signer or cipherbox-republish.
// A stand-in for Intel's DCAP PKI, so tests can make TDX quotes that verify end to end with a
// test trust anchor: a root CA, a PCK platform CA and a PCK leaf certificate carrying the SGX
// extension (FMSPC, PCESVN, CPUSVN and the 16 TCB components), a TCB signing certificate, CRLs,
// TCB info and QE identity documents signed with a chosen TCB level set, and v4 quotes with a
// chosen report data / MRTD / RTMRs signed through the chain (attestation key -> QE report ->
// PCK leaf -> PCK CA -> root). Verification with TestChain::anchors() passes on these; with
// TrustAnchors::intel() it fails (the verdict also names the anchor "test").
#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cbx/attest/collateral.h"
#include "cbx/attest/quote_v4.h"
#include "cbx/attest/tcb_status.h"
#include "cbx/attest/trust_anchors.h"
#include "cbx/base/duration.h"
#include "cbx/base/result.h"

namespace cbx::attest::testing {

// What the PCK certificate says about the platform.
struct PlatformSpec {
  std::array<std::uint8_t, 6> fmspc{0x00, 0x80, 0x6F, 0x05, 0x00, 0x00};
  std::array<std::uint8_t, 16> cpu_svn{3, 3, 2, 2, 3, 1, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0};
  std::uint16_t pce_svn = 13;
};

struct TcbLevelSpec {
  std::array<std::uint8_t, 16> sgx_components{};
  std::array<std::uint8_t, 16> tdx_components{};
  std::uint16_t pce_svn = 0;
  TcbStatus status = TcbStatus::UpToDate;
  std::vector<std::string> advisory_ids;
  std::optional<std::string> status_text;  // overrides `status` with any string (hostile tests)
};

struct QeLevelSpec {
  std::uint16_t isv_svn = 4;
  TcbStatus status = TcbStatus::UpToDate;
  std::vector<std::string> advisory_ids;
};

struct CollateralSpec {
  SysTime issue_date;                    // both documents
  SysTime next_update;                   // both documents
  std::vector<TcbLevelSpec> tcb_levels;  // in order, first match wins
  std::vector<QeLevelSpec> qe_levels{QeLevelSpec{}};
  std::optional<std::array<std::uint8_t, 6>> fmspc;  // default: the platform's
  bool revoke_pck_leaf = false;                      // list the PCK leaf in the PCK CRL
  bool revoke_tcb_signer = false;                    // list the TCB signing cert in the root CRL
};

// The default TD: SEPT_VE_DISABLE set, not debug; the TEE TCB SVN the default levels expect.
inline constexpr std::array<std::uint8_t, 16> kDefaultTeeTcbSvn{5, 1, 2, 0, 0, 0, 0, 0,
                                                                0, 0, 0, 0, 0, 0, 0, 0};

struct QuoteSpec {
  std::array<std::uint8_t, 64> report_data{};
  Measurement mrtd{};
  std::array<Measurement, 4> rtmr{};
  std::array<std::uint8_t, 16> tee_tcb_svn = kDefaultTeeTcbSvn;
  std::array<std::uint8_t, 8> td_attributes{0, 0, 0, 0x10, 0, 0, 0, 0};
  std::uint16_t qe_isv_svn = 4;
  std::array<std::uint8_t, 32> qe_mr_signer{};  // default: the identity's (kTestQeMrSigner)
  bool qe_mr_signer_set = false;
};

inline constexpr std::array<std::uint8_t, 32> kTestQeMrSigner{
    0xDC, 0x9E, 0x2A, 0x7C, 0x6F, 0x94, 0x8F, 0x17, 0x47, 0x4E, 0x34, 0xA7, 0xFC, 0x43, 0xED, 0x03,
    0x0F, 0x7C, 0x15, 0x63, 0xF1, 0xBA, 0xBD, 0xDF, 0x63, 0x40, 0xC8, 0x2E, 0x0E, 0x54, 0xA8, 0xC5};

class TestChain {
 public:
  // New keys and certificates, valid from `not_before` for ~10 years.
  static TestChain create(SysTime not_before, PlatformSpec platform = {});
  // Saves / loads every key and certificate as PEM files (+ platform.json) in `dir`.
  Status save(const std::filesystem::path& dir) const;
  static Result<TestChain> load(const std::filesystem::path& dir);

  TrustAnchors anchors() const;  // name "test"
  Bytes root_der() const;
  std::string root_pem() const;
  const PlatformSpec& platform() const;

  // One level matching the default platform and TD exactly, with `status`, valid issue..next.
  CollateralSpec collateral_spec(TcbStatus status, SysTime issue_date, SysTime next_update,
                                 std::vector<std::string> advisory_ids = {}) const;
  Collateral collateral(const CollateralSpec& spec) const;
  // A TDX v4 quote signed through the chain with a fresh attestation key.
  Bytes quote(const QuoteSpec& spec) const;

  TestChain(TestChain&&) noexcept;
  TestChain& operator=(TestChain&&) noexcept;
  ~TestChain();

 private:
  struct Impl;
  explicit TestChain(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace cbx::attest::testing
