#include <cctype>
#include <nlohmann/json.hpp>

#include "attest/openssl_handles.h"
#include "attest/pck_extensions.h"
#include "cbx/attest/collateral_source.h"
#include "cbx/attest/quote_v4.h"

namespace cbx::attest {
namespace {

Error unavailable(std::string message) {
  return make_error("PCCS_UNAVAILABLE", std::move(message));
}
Error bad(std::string message) {
  return make_error("BAD_COLLATERAL", std::move(message));
}

std::string percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() &&
        std::isxdigit(static_cast<unsigned char>(text[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
      auto byte = hex_decode(text.substr(i + 1, 2));
      out.push_back(static_cast<char>((*byte)[0]));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

// PCCS implementations answer CRLs as DER or as hex text of the DER.
Bytes crl_bytes(const std::string& body) {
  std::string_view text = body;
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  if (auto decoded = hex_decode(text)) return *decoded;
  return Bytes(body.begin(), body.end());
}

std::string trim_base(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  for (std::string_view suffix : {"/sgx/certification/v4", "/tdx/certification/v4"}) {
    if (url.ends_with(suffix)) url.resize(url.size() - suffix.size());
  }
  return url;
}

struct Fetched {
  std::string body;
  http::Headers headers;
};

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// A signed PCCS document: {"<member>": {...}, "signature": "hex"}.
Status take_signed(const std::string& body, const char* member, std::string& text,
                   Bytes& signature) {
  auto raw = raw_json_member(body, member);
  auto sig = raw_json_member(body, "signature");
  if (!raw || !sig) return bad(std::string("PCCS answer lacks ") + member + " or signature");
  auto sig_text = nlohmann::json::parse(*sig, nullptr, false);
  if (!sig_text.is_string()) return bad("PCCS signature is not text");
  auto sig_bytes = hex_decode(sig_text.get<std::string>());
  if (!sig_bytes) return bad("PCCS signature is not hex");
  text = std::move(*raw);
  signature = std::move(*sig_bytes);
  return ok_status();
}

}  // namespace

Result<PlatformId> platform_of_quote(ByteView quote) {
  auto parsed = parse_quote_v4(quote);
  if (!parsed) return parsed.error();
  auto certs = detail::certificates_from_pem(parsed->pck_chain_pem);
  if (certs.empty()) return make_error("BAD_CERT_CHAIN", "quote carries no PCK certificate");
  auto ext = detail::read_pck_extensions(certs.front().get());
  if (!ext) return ext.error();
  PlatformId id;
  id.fmspc = upper(hex_encode(ext->fmspc));
  char issuer[256] = {0};
  X509_NAME_oneline(X509_get_issuer_name(certs.front().get()), issuer, sizeof issuer);
  id.ca = std::string_view(issuer).find("Platform CA") != std::string_view::npos ? "platform"
                                                                                 : "processor";
  return id;
}

PccsCollateralSource::PccsCollateralSource(http::HttpTransport& transport, PccsOptions options)
    : transport_(transport), options_(std::move(options)) {
  options_.base_url = trim_base(options_.base_url);
}

void PccsCollateralSource::clear() {
  std::lock_guard lock(mutex_);
  cache_.clear();
}

Result<Collateral> PccsCollateralSource::collateral_for(const PlatformId& platform, SysTime now) {
  const std::string key = platform.fmspc + "/" + platform.ca;
  {
    std::lock_guard lock(mutex_);
    auto it = cache_.find(key);
    if (it != cache_.end() && now < it->second.next_update &&
        now - it->second.fetched_at < options_.max_age && now >= it->second.fetched_at) {
      return it->second.collateral;
    }
  }
  auto fetched = fetch(platform);
  if (!fetched) return fetched.error();
  auto window = collateral_window(*fetched);
  if (!window) return window.error();
  std::lock_guard lock(mutex_);
  cache_[key] = Entry{*fetched, now, window->next_update};
  return *fetched;
}

Result<Collateral> PccsCollateralSource::fetch(const PlatformId& platform) {
  auto get = [&](const std::string& path) -> Result<Fetched> {
    http::Request request;
    request.url = options_.base_url + path;
    request.timeout = options_.timeout;
    auto response = transport_.request(request);
    if (!response) return unavailable("PCCS " + path + ": " + response.error().message);
    if (response->status != 200) {
      return unavailable("PCCS " + path + " answered HTTP " + std::to_string(response->status));
    }
    return Fetched{std::move(response->body), std::move(response->headers)};
  };
  auto header = [](const Fetched& f, std::initializer_list<const char*> names) -> std::string {
    for (const char* name : names) {
      if (auto v = http::find_header(f.headers, name)) return percent_decode(*v);
    }
    return {};
  };
  if (platform.ca != "platform" && platform.ca != "processor") return bad("unknown PCK CA");
  if (platform.fmspc.size() != 12 || !hex_decode(platform.fmspc)) return bad("bad FMSPC");

  Collateral c;
  auto pck_crl = get("/sgx/certification/v4/pckcrl?ca=" + platform.ca + "&encoding=der");
  if (!pck_crl) return pck_crl.error();
  c.pck_crl = crl_bytes(pck_crl->body);
  c.pck_crl_issuer_chain = header(*pck_crl, {"SGX-PCK-CRL-Issuer-Chain"});

  auto root_crl = get("/sgx/certification/v4/rootcacrl");
  if (!root_crl) return root_crl.error();
  c.root_ca_crl = crl_bytes(root_crl->body);

  auto tcb = get("/tdx/certification/v4/tcb?fmspc=" + platform.fmspc);
  if (!tcb) return tcb.error();
  c.tcb_info_issuer_chain = header(*tcb, {"TCB-Info-Issuer-Chain", "SGX-TCB-Info-Issuer-Chain"});
  CBX_TRY_STATUS(take_signed(tcb->body, "tcbInfo", c.tcb_info, c.tcb_info_signature));

  auto qe = get("/tdx/certification/v4/qe/identity?update=standard");
  if (!qe) return qe.error();
  c.qe_identity_issuer_chain = header(*qe, {"SGX-Enclave-Identity-Issuer-Chain"});
  CBX_TRY_STATUS(take_signed(qe->body, "enclaveIdentity", c.qe_identity, c.qe_identity_signature));

  if (c.pck_crl_issuer_chain.empty() || c.tcb_info_issuer_chain.empty() ||
      c.qe_identity_issuer_chain.empty()) {
    return bad("PCCS answer lacks an issuer chain header");
  }
  return c;
}

}  // namespace cbx::attest
