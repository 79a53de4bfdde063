#include "cbx/attest/quote_verifier.h"

#include <openssl/crypto.h>

#include <algorithm>

#include "attest/openssl_handles.h"
#include "attest/pck_extensions.h"
#include "attest/td_attributes.h"
#include "attest/x509_chain.h"
#include "cbx/attest/tcb_documents.h"
#include "cbx/crypto/hash.h"

namespace cbx::attest {
namespace {

using detail::X509Ptr;

// Everything the steps share; each step fills in what it learned or returns the error that
// ends verification.
struct Context {
  const QuoteV4& quote;
  const Collateral& collateral;
  SysTime now;
  X509* anchor = nullptr;
  std::vector<detail::X509CrlPtr> crls;
  TcbInfo tcb_info;
  QeIdentity qe_identity;
  std::vector<X509Ptr> pck_chain;
  TcbLevelResult qe_status;
  QuoteVerdict& verdict;
};

std::vector<X509_CRL*> raw(const std::vector<detail::X509CrlPtr>& crls) {
  std::vector<X509_CRL*> out;
  for (const auto& c : crls) out.push_back(c.get());
  return out;
}

Status check_window(SysTime issue, SysTime next_update, SysTime now, const char* what) {
  if (now < issue) {
    return make_error("COLLATERAL_NOT_YET_VALID",
                      std::string(what) + " issue date is in the future");
  }
  if (now > next_update) return make_error("COLLATERAL_EXPIRED", std::string(what) + " expired");
  return ok_status();
}

// A signed collateral document: its issuer chain to the anchor, then its signature.
Status check_signed_document(Context& c, const std::string& chain_pem, const std::string& text,
                             const Bytes& signature, const char* what) {
  auto chain = detail::certificates_from_pem(chain_pem);
  CBX_TRY_STATUS(detail::verify_chain(chain, c.anchor, raw(c.crls), c.now));
  if (!detail::verify_p256_sha256(X509_get0_pubkey(chain.front().get()), as_bytes(text),
                                  signature)) {
    return make_error("BAD_SIGNATURE", std::string(what) + " signature is invalid");
  }
  return ok_status();
}

Status load_crls(Context& c) {
  for (const Bytes* der : {&c.collateral.root_ca_crl, &c.collateral.pck_crl}) {
    auto crl = detail::crl_from_der(*der);
    if (!crl) return make_error("BAD_COLLATERAL", "a CRL is not DER");
    c.crls.push_back(std::move(crl));
  }
  return ok_status();
}

Status check_tcb_info(Context& c) {
  auto info = parse_tcb_info(c.collateral.tcb_info);
  if (!info) return info.error();
  c.tcb_info = std::move(*info);
  CBX_TRY_STATUS(check_window(c.tcb_info.issue_date, c.tcb_info.next_update, c.now, "TCB info"));
  CBX_TRY_STATUS(check_signed_document(c, c.collateral.tcb_info_issuer_chain, c.collateral.tcb_info,
                                       c.collateral.tcb_info_signature, "TCB info"));
  if (c.tcb_info.id != "TDX" || c.tcb_info.version < 3) {
    return make_error("BAD_COLLATERAL", "TCB info is not TDX TCB info (id TDX, version >= 3)");
  }
  return ok_status();
}

Status check_qe_identity(Context& c) {
  auto identity = parse_qe_identity(c.collateral.qe_identity);
  if (!identity) return identity.error();
  c.qe_identity = std::move(*identity);
  CBX_TRY_STATUS(
      check_window(c.qe_identity.issue_date, c.qe_identity.next_update, c.now, "QE identity"));
  CBX_TRY_STATUS(check_signed_document(c, c.collateral.qe_identity_issuer_chain,
                                       c.collateral.qe_identity, c.collateral.qe_identity_signature,
                                       "QE identity"));
  if (c.qe_identity.id != "TD_QE" || (c.qe_identity.version != 2 && c.qe_identity.version != 3)) {
    return make_error("BAD_COLLATERAL", "QE identity is not a TD_QE identity (version 2 or 3)");
  }
  return ok_status();
}

// The QE report: signed by the PCK leaf, binding the attestation key, matching the QE identity.
Status check_qe_report(Context& c) {
  c.pck_chain = detail::certificates_from_pem(c.quote.pck_chain_pem);
  CBX_TRY_STATUS(detail::verify_chain(c.pck_chain, c.anchor, raw(c.crls), c.now));
  if (!detail::verify_p256_sha256(X509_get0_pubkey(c.pck_chain.front().get()),
                                  c.quote.qe_report_bytes, c.quote.qe_report_signature)) {
    return make_error("BAD_SIGNATURE", "QE report signature is invalid");
  }
  Bytes bound(c.quote.attestation_key.begin(), c.quote.attestation_key.end());
  bound.insert(bound.end(), c.quote.qe_auth_data.begin(), c.quote.qe_auth_data.end());
  auto digest = sha256(bound);
  const auto& report_data = c.quote.qe_report.report_data;
  bool binds =
      CRYPTO_memcmp(digest.data(), report_data.data(), digest.size()) == 0 &&
      std::all_of(report_data.begin() + 32, report_data.end(), [](auto b) { return b == 0; });
  if (!binds) {
    return make_error("QE_REPORT_BINDING", "QE report data does not bind the attestation key");
  }
  auto qe_status = match_qe_identity(c.quote.qe_report, c.qe_identity);
  if (!qe_status) return qe_status.error();
  c.qe_status = std::move(*qe_status);
  c.verdict.qe_tcb_status = c.qe_status.status;
  return ok_status();
}

Status check_attestation_signature(Context& c) {
  auto key = detail::p256_public_key(c.quote.attestation_key);
  if (!key ||
      !detail::verify_p256_sha256(key.get(), c.quote.signed_bytes, c.quote.attestation_signature)) {
    return make_error("BAD_SIGNATURE", "attestation key signature over the TD report is invalid");
  }
  return ok_status();
}

Status check_platform_tcb(Context& c) {
  auto ext = detail::read_pck_extensions(c.pck_chain.front().get());
  if (!ext) return ext.error();
  c.verdict.fmspc = hex_encode(ext->fmspc);
  std::transform(c.verdict.fmspc.begin(), c.verdict.fmspc.end(), c.verdict.fmspc.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::toupper(ch)); });
  auto tcb_fmspc = hex_decode(c.tcb_info.fmspc);
  if (!tcb_fmspc ||
      !std::equal(tcb_fmspc->begin(), tcb_fmspc->end(), ext->fmspc.begin(), ext->fmspc.end())) {
    return make_error("FMSPC_MISMATCH", "TCB info is for another platform (FMSPC)");
  }
  auto platform =
      match_platform_tcb(c.tcb_info, ext->cpu_svn, ext->pce_svn, c.quote.report.tee_tcb_svn);
  if (!platform) return platform.error();
  c.verdict.platform_tcb_status = platform->status;
  TcbLevelResult merged = merge_tcb_results(*platform, c.qe_status);
  c.verdict.tcb_status = merged.status;
  c.verdict.advisory_ids = merged.advisory_ids;
  if (merged.status == TcbStatus::Revoked) return make_error("TCB_REVOKED", "TCB is revoked");
  if (merged.status == TcbStatus::Unknown) {
    return make_error("NO_TCB_LEVEL", "TCB level has a status Intel does not define");
  }
  return ok_status();
}

Status run_steps(Context& c) {
  CBX_TRY_STATUS(load_crls(c));
  CBX_TRY_STATUS(check_tcb_info(c));
  CBX_TRY_STATUS(check_qe_identity(c));
  CBX_TRY_STATUS(check_qe_report(c));
  CBX_TRY_STATUS(check_attestation_signature(c));
  CBX_TRY_STATUS(check_platform_tcb(c));
  return detail::check_td_attributes(c.quote.report.td_attributes);
}

void note_window(const Collateral& collateral, QuoteVerdict& verdict) {
  if (auto window = collateral_window(collateral)) {
    verdict.collateral_issue_date = window->issue_date;
    verdict.collateral_next_update = window->next_update;
  }
}

}  // namespace

QuoteVerdict verify_tdx_quote(ByteView quote_bytes, const Collateral& collateral, SysTime now,
                              const TrustAnchors& anchors) {
  QuoteVerdict verdict;
  verdict.trust_anchor = anchors.name;
  note_window(collateral, verdict);
  auto quote = parse_quote_v4(quote_bytes);
  if (!quote) {
    verdict.error = quote.error();
    return verdict;
  }
  verdict.report = quote->report;
  auto anchor = detail::certificate_from_der(anchors.root_ca_der);
  if (!anchor) {
    verdict.error = make_error("BAD_CERT_CHAIN", "trust anchor is not a certificate");
    return verdict;
  }
  Context context{*quote, collateral, now, anchor.get(), {}, {}, {}, {}, {}, verdict};
  Status result = run_steps(context);
  if (!result) {
    verdict.error = result.error();
    return verdict;
  }
  verdict.verified = true;
  return verdict;
}

QuoteVerdict inspect_tdx_quote(ByteView quote_bytes) {
  QuoteVerdict verdict;
  auto quote = parse_quote_v4(quote_bytes);
  if (!quote) {
    verdict.error = quote.error();
    return verdict;
  }
  verdict.report = quote->report;
  verdict.error = make_error("NO_COLLATERAL", "quote parsed; no collateral, nothing verified");
  return verdict;
}

}  // namespace cbx::attest
