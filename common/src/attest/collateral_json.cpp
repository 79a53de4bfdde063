#include <nlohmann/json.hpp>

#include "cbx/attest/collateral.h"
#include "cbx/attest/tcb_documents.h"

namespace cbx::attest {
namespace {

using nlohmann::json;

Error bad(std::string message) {
  return make_error("BAD_COLLATERAL", std::move(message));
}

Result<std::string> text_field(const json& doc, const char* name) {
  auto it = doc.find(name);
  if (it == doc.end() || !it->is_string()) return bad(std::string(name) + " missing or not text");
  return it->get<std::string>();
}

// Hex text or an array of byte values, as dcap-qvl accepts both.
Result<Bytes> bytes_field(const json& doc, const char* name) {
  auto it = doc.find(name);
  if (it == doc.end()) return bad(std::string(name) + " missing");
  if (it->is_string()) {
    auto decoded = hex_decode(it->get_ref<const std::string&>());
    if (!decoded) return bad(std::string(name) + " is not hex");
    return *decoded;
  }
  if (!it->is_array()) return bad(std::string(name) + " is neither hex nor a byte array");
  Bytes out;
  out.reserve(it->size());
  for (const auto& v : *it) {
    if (!v.is_number_unsigned() || v.get<std::uint64_t>() > 255) {
      return bad(std::string(name) + " holds a value that is not a byte");
    }
    out.push_back(static_cast<std::uint8_t>(v.get<std::uint64_t>()));
  }
  return out;
}

}  // namespace

Result<Collateral> parse_collateral_json(std::string_view text) {
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) return bad("collateral is not a JSON object");
  Collateral c;
  auto take_text = [&](const char* name, std::string& out) -> Status {
    auto v = text_field(doc, name);
    if (!v) return v.error();
    out = std::move(*v);
    return ok_status();
  };
  auto take_bytes = [&](const char* name, Bytes& out) -> Status {
    auto v = bytes_field(doc, name);
    if (!v) return v.error();
    out = std::move(*v);
    return ok_status();
  };
  CBX_TRY_STATUS(take_text("pck_crl_issuer_chain", c.pck_crl_issuer_chain));
  CBX_TRY_STATUS(take_bytes("root_ca_crl", c.root_ca_crl));
  CBX_TRY_STATUS(take_bytes("pck_crl", c.pck_crl));
  CBX_TRY_STATUS(take_text("tcb_info_issuer_chain", c.tcb_info_issuer_chain));
  CBX_TRY_STATUS(take_text("tcb_info", c.tcb_info));
  CBX_TRY_STATUS(take_bytes("tcb_info_signature", c.tcb_info_signature));
  CBX_TRY_STATUS(take_text("qe_identity_issuer_chain", c.qe_identity_issuer_chain));
  CBX_TRY_STATUS(take_text("qe_identity", c.qe_identity));
  CBX_TRY_STATUS(take_bytes("qe_identity_signature", c.qe_identity_signature));
  return c;
}

std::string collateral_to_json(const Collateral& c) {
  json doc = {
      {"pck_crl_issuer_chain", c.pck_crl_issuer_chain},
      {"root_ca_crl", hex_encode(c.root_ca_crl)},
      {"pck_crl", hex_encode(c.pck_crl)},
      {"tcb_info_issuer_chain", c.tcb_info_issuer_chain},
      {"tcb_info", c.tcb_info},
      {"tcb_info_signature", hex_encode(c.tcb_info_signature)},
      {"qe_identity_issuer_chain", c.qe_identity_issuer_chain},
      {"qe_identity", c.qe_identity},
      {"qe_identity_signature", hex_encode(c.qe_identity_signature)},
  };
  return doc.dump();
}

Result<CollateralWindow> collateral_window(const Collateral& collateral) {
  auto tcb = parse_tcb_info(collateral.tcb_info);
  if (!tcb) return tcb.error();
  auto qe = parse_qe_identity(collateral.qe_identity);
  if (!qe) return qe.error();
  return CollateralWindow{std::max(tcb->issue_date, qe->issue_date),
                          std::min(tcb->next_update, qe->next_update)};
}

}  // namespace cbx::attest
