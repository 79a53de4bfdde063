#include "cbx/attest/tcb_documents.h"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace cbx::attest {
namespace {

using nlohmann::json;

Error bad(std::string message) {
  return make_error("BAD_COLLATERAL", std::move(message));
}

// nlohmann throws on type mismatches; the documents are untrusted, so every access goes
// through these checked readers instead.
const json* member(const json& obj, const char* name) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(name);
  return it == obj.end() ? nullptr : &*it;
}

Result<std::string> get_text(const json& obj, const char* name) {
  const json* v = member(obj, name);
  if (!v || !v->is_string()) return bad(std::string(name) + " missing or not text");
  return v->get<std::string>();
}

Result<std::int64_t> get_int(const json& obj, const char* name) {
  const json* v = member(obj, name);
  if (!v || !v->is_number_integer()) return bad(std::string(name) + " missing or not an integer");
  return v->get<std::int64_t>();
}

Result<SysTime> get_time(const json& obj, const char* name) {
  auto text = get_text(obj, name);
  if (!text) return text.error();
  auto t = parse_rfc3339(*text);
  if (!t) return bad(std::string(name) + " is not an RFC 3339 time");
  return *t;
}

template <std::size_t N>
Result<std::array<std::uint8_t, N>> get_hex(const json& obj, const char* name) {
  auto text = get_text(obj, name);
  if (!text) return text.error();
  auto bytes = hex_decode(*text);
  if (!bytes || bytes->size() != N) {
    return bad(std::string(name) + " is not " + std::to_string(N) + " bytes of hex");
  }
  std::array<std::uint8_t, N> out{};
  std::copy(bytes->begin(), bytes->end(), out.begin());
  return out;
}

Result<std::vector<std::string>> get_advisories(const json& level) {
  std::vector<std::string> ids;
  const json* v = member(level, "advisoryIDs");
  if (!v) return ids;
  if (!v->is_array()) return bad("advisoryIDs is not a list");
  for (const auto& id : *v) {
    if (!id.is_string()) return bad("advisory id is not text");
    ids.push_back(id.get<std::string>());
  }
  return ids;
}

Result<std::vector<std::int64_t>> get_components(const json& tcb, const char* name) {
  std::vector<std::int64_t> svns;
  const json* list = member(tcb, name);
  if (!list) return svns;  // SGX TCB info has no tdxtcbcomponents; matching rejects empties
  if (!list->is_array()) return bad(std::string(name) + " is not a list");
  for (const auto& c : *list) {
    auto svn = get_int(c, "svn");
    if (!svn) return svn.error();
    svns.push_back(*svn);
  }
  return svns;
}

TcbStatus status_of(const std::string& text) {
  return parse_tcb_status(text).value_or(TcbStatus::Unknown);
}

Result<PlatformTcbLevel> parse_platform_level(const json& level) {
  PlatformTcbLevel out;
  const json* tcb = member(level, "tcb");
  if (!tcb || !tcb->is_object()) return bad("TCB level without tcb");
  auto sgx = get_components(*tcb, "sgxtcbcomponents");
  if (!sgx) return sgx.error();
  auto tdx = get_components(*tcb, "tdxtcbcomponents");
  if (!tdx) return tdx.error();
  auto pce = get_int(*tcb, "pcesvn");
  if (!pce) return pce.error();
  auto status = get_text(level, "tcbStatus");
  if (!status) return status.error();
  auto advisories = get_advisories(level);
  if (!advisories) return advisories.error();
  out.sgx_components = std::move(*sgx);
  out.tdx_components = std::move(*tdx);
  out.pce_svn = *pce;
  out.status = status_of(*status);
  out.advisory_ids = std::move(*advisories);
  return out;
}

Result<json> parse_object(std::string_view text, const char* what) {
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object())
    return bad(std::string(what) + " is not a JSON object");
  return doc;
}

// The fields every Intel collateral document starts with (TCB info and QE identity alike).
template <typename Document>
Status read_document_header(const json& doc, Document& out) {
  auto id = get_text(doc, "id");
  auto version = get_int(doc, "version");
  auto issue = get_time(doc, "issueDate");
  auto next = get_time(doc, "nextUpdate");
  if (!id) return id.error();
  if (!version) return version.error();
  if (!issue) return issue.error();
  if (!next) return next.error();
  out.id = *id;
  out.version = *version;
  out.issue_date = *issue;
  out.next_update = *next;
  return ok_status();
}

bool meets(const std::vector<std::int64_t>& required, const std::array<std::uint8_t, 16>& actual) {
  if (required.size() != actual.size()) return false;
  for (std::size_t i = 0; i < actual.size(); ++i) {
    if (actual[i] < required[i]) return false;
  }
  return true;
}

}  // namespace

Result<TcbInfo> parse_tcb_info(std::string_view text) {
  auto doc = parse_object(text, "TCB info");
  if (!doc) return doc.error();
  TcbInfo info;
  if (auto header = read_document_header(*doc, info); !header) return header.error();
  auto fmspc = get_text(*doc, "fmspc");
  if (!fmspc) return fmspc.error();
  info.fmspc = *fmspc;
  const json* levels = member(*doc, "tcbLevels");
  if (!levels || !levels->is_array()) return bad("tcbLevels missing");
  for (const auto& level : *levels) {
    auto parsed = parse_platform_level(level);
    if (!parsed) return parsed.error();
    info.levels.push_back(std::move(*parsed));
  }
  return info;
}

Result<QeIdentity> parse_qe_identity(std::string_view text) {
  auto doc = parse_object(text, "QE identity");
  if (!doc) return doc.error();
  QeIdentity qe;
  if (auto header = read_document_header(*doc, qe); !header) return header.error();
  auto misc = get_hex<4>(*doc, "miscselect");
  auto misc_mask = get_hex<4>(*doc, "miscselectMask");
  auto attributes = get_hex<16>(*doc, "attributes");
  auto attributes_mask = get_hex<16>(*doc, "attributesMask");
  auto mr_signer = get_hex<32>(*doc, "mrsigner");
  auto prod_id = get_int(*doc, "isvprodid");
  for (const Error* e :
       {misc ? nullptr : &misc.error(), misc_mask ? nullptr : &misc_mask.error(),
        attributes ? nullptr : &attributes.error(),
        attributes_mask ? nullptr : &attributes_mask.error(),
        mr_signer ? nullptr : &mr_signer.error(), prod_id ? nullptr : &prod_id.error()}) {
    if (e) return *e;
  }
  auto le32 = [](const std::array<std::uint8_t, 4>& b) {
    return static_cast<std::uint32_t>(b[0]) | static_cast<std::uint32_t>(b[1]) << 8 |
           static_cast<std::uint32_t>(b[2]) << 16 | static_cast<std::uint32_t>(b[3]) << 24;
  };
  qe.misc_select = le32(*misc);
  qe.misc_select_mask = le32(*misc_mask);
  qe.attributes = *attributes;
  qe.attributes_mask = *attributes_mask;
  qe.mr_signer = *mr_signer;
  qe.isv_prod_id = *prod_id;
  const json* levels = member(*doc, "tcbLevels");
  if (!levels || !levels->is_array()) return bad("tcbLevels missing");
  for (const auto& level : *levels) {
    const json* tcb = member(level, "tcb");
    if (!tcb) return bad("QE TCB level without tcb");
    auto svn = get_int(*tcb, "isvsvn");
    auto status = get_text(level, "tcbStatus");
    auto advisories = get_advisories(level);
    if (!svn) return svn.error();
    if (!status) return status.error();
    if (!advisories) return advisories.error();
    qe.levels.push_back({*svn, status_of(*status), std::move(*advisories)});
  }
  return qe;
}

Result<TcbLevelResult> match_qe_identity(const QeReport& qe, const QeIdentity& identity) {
  auto mismatch = [](std::string what) {
    return make_error("QE_IDENTITY_MISMATCH", std::move(what));
  };
  if (qe.mr_signer != identity.mr_signer) return mismatch("QE MRSIGNER differs from QE identity");
  if (qe.isv_prod_id != identity.isv_prod_id) return mismatch("QE ISVPRODID differs");
  if ((qe.attributes[0] & 0x02) != 0) return mismatch("QE runs in debug mode");
  if ((qe.misc_select & identity.misc_select_mask) !=
      (identity.misc_select & identity.misc_select_mask)) {
    return mismatch("QE MISCSELECT differs (masked)");
  }
  for (std::size_t i = 0; i < qe.attributes.size(); ++i) {
    if ((qe.attributes[i] & identity.attributes_mask[i]) !=
        (identity.attributes[i] & identity.attributes_mask[i])) {
      return mismatch("QE ATTRIBUTES differ (masked)");
    }
  }
  for (const auto& level : identity.levels) {
    if (qe.isv_svn >= level.isv_svn) return TcbLevelResult{level.status, level.advisory_ids};
  }
  return mismatch("QE ISVSVN is below every QE identity TCB level");
}

Result<TcbLevelResult> match_platform_tcb(const TcbInfo& info,
                                          const std::array<std::uint8_t, 16>& cpu_svn,
                                          std::int64_t pce_svn,
                                          const std::array<std::uint8_t, 16>& tee_tcb_svn) {
  for (const auto& level : info.levels) {
    if (pce_svn < level.pce_svn) continue;
    if (level.sgx_components.empty())
      return make_error("NO_TCB_LEVEL", "TCB level lists no SGX components");
    if (!meets(level.sgx_components, cpu_svn)) continue;
    if (level.tdx_components.empty())
      return make_error("NO_TCB_LEVEL", "TCB level lists no TDX components");
    if (!meets(level.tdx_components, tee_tcb_svn)) continue;
    return TcbLevelResult{level.status, level.advisory_ids};
  }
  return make_error("NO_TCB_LEVEL", "no TCB level matches the platform");
}

}  // namespace cbx::attest
