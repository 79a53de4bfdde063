#include "cbx/attest/verdict_json.h"

namespace cbx::attest {
namespace {

using nlohmann::json;

template <class T>
json hex_or_null(const std::optional<TdReport>& report, T TdReport::*field) {
  if (!report) return nullptr;
  return hex_encode((*report).*field);
}

json time_or_null(const std::optional<SysTime>& t) {
  return t ? json(format_rfc3339(*t)) : json(nullptr);
}

json status_or_null(const std::optional<TcbStatus>& s) {
  return s ? json(std::string(to_string(*s))) : json(nullptr);
}

}  // namespace

json verdict_to_json(const QuoteVerdict& v) {
  json out;
  out["verified"] = v.verified;
  out["tcbStatus"] = v.tcb_status == TcbStatus::Unknown
                         ? json(nullptr)
                         : json(std::string(to_string(v.tcb_status)));
  out["advisoryIds"] = v.advisory_ids;
  out["error"] =
      v.error ? json{{"code", v.error->code}, {"message", v.error->message}} : json(nullptr);
  out["mrtd"] = hex_or_null(v.report, &TdReport::mrtd);
  for (std::size_t i = 0; i < 4; ++i) {
    out["rtmr" + std::to_string(i)] =
        v.report ? json(hex_encode(v.report->rtmr[i])) : json(nullptr);
  }
  out["reportData"] = hex_or_null(v.report, &TdReport::report_data);
  out["teeTcbSvn"] = hex_or_null(v.report, &TdReport::tee_tcb_svn);
  out["fmspc"] = v.fmspc.empty() ? json(nullptr) : json(v.fmspc);
  out["trustAnchor"] = v.trust_anchor.empty() ? json(nullptr) : json(v.trust_anchor);
  out["collateralIssueDate"] = time_or_null(v.collateral_issue_date);
  out["collateralNextUpdate"] = time_or_null(v.collateral_next_update);
  out["platformTcbStatus"] = status_or_null(v.platform_tcb_status);
  out["qeTcbStatus"] = status_or_null(v.qe_tcb_status);
  return out;
}

}  // namespace cbx::attest
