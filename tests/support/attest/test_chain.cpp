// TEST ONLY: see test_chain.h.
#include "attest/test_chain.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "cbx/crypto/hash.h"

namespace cbx::attest::testing {
namespace {

using nlohmann::ordered_json;

template <class T, void (*F)(T*)>
struct Deleter {
  void operator()(T* p) const { F(p); }
};
using Key = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using Cert = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using Crl = std::unique_ptr<X509_CRL, Deleter<X509_CRL, X509_CRL_free>>;
using Bio = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;

void require(bool ok, const char* what) {
  if (!ok) {
    ERR_clear_error();
    throw std::runtime_error(std::string("test chain: ") + what);
  }
}

time_t to_time_t(SysTime t) {
  return static_cast<time_t>(
      std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count());
}

Key new_key() {
  Key key(EVP_EC_gen("P-256"));
  require(key != nullptr, "EC key generation");
  return key;
}

// ---- DER building for the SGX extension --------------------------------------------------

Bytes tlv(std::uint8_t tag, const Bytes& content) {
  Bytes out{tag};
  std::size_t n = content.size();
  if (n < 0x80) {
    out.push_back(static_cast<std::uint8_t>(n));
  } else if (n < 0x100) {
    out.insert(out.end(), {0x81, static_cast<std::uint8_t>(n)});
  } else {
    out.insert(out.end(), {0x82, static_cast<std::uint8_t>(n >> 8), static_cast<std::uint8_t>(n)});
  }
  out.insert(out.end(), content.begin(), content.end());
  return out;
}
Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}
Bytes sgx_oid(std::initializer_list<std::uint8_t> suffix) {
  Bytes oid{0x2A, 0x86, 0x48, 0x86, 0xF8, 0x4D, 0x01, 0x0D, 0x01};
  oid.insert(oid.end(), suffix);
  return tlv(0x06, oid);
}
Bytes der_uint(unsigned v) {
  Bytes b;
  do {
    b.insert(b.begin(), static_cast<std::uint8_t>(v & 0xFF));
    v >>= 8;
  } while (v != 0);
  if (b.front() & 0x80) b.insert(b.begin(), 0x00);
  return tlv(0x02, b);
}
Bytes pair(Bytes oid, Bytes value) {
  return tlv(0x30, cat({oid, value}));
}

Bytes sgx_extension(const PlatformSpec& p) {
  Bytes tcb;
  for (std::uint8_t i = 0; i < 16; ++i) {
    tcb =
        cat({tcb, pair(sgx_oid({0x02, static_cast<std::uint8_t>(i + 1)}), der_uint(p.cpu_svn[i]))});
  }
  tcb = cat({tcb, pair(sgx_oid({0x02, 0x11}), der_uint(p.pce_svn)),
             pair(sgx_oid({0x02, 0x12}), tlv(0x04, Bytes(p.cpu_svn.begin(), p.cpu_svn.end())))});
  return tlv(0x30, cat({pair(sgx_oid({0x01}), tlv(0x04, Bytes(16, 0x42))),
                        pair(sgx_oid({0x02}), tlv(0x30, tcb)),
                        pair(sgx_oid({0x03}), tlv(0x04, Bytes{0x00, 0x00})),
                        pair(sgx_oid({0x04}), tlv(0x04, Bytes(p.fmspc.begin(), p.fmspc.end()))),
                        pair(sgx_oid({0x05}), tlv(0x0A, Bytes{0x00}))}));
}

// ---- certificates and CRLs -----------------------------------------------------------------

void add_ext(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  require(ext != nullptr && X509_add_ext(cert, ext, -1) == 1, "certificate extension");
  X509_EXTENSION_free(ext);
}

struct CertSpec {
  std::string common_name;
  long serial = 1;
  SysTime not_before;
  SysTime not_after;
  bool ca = false;
  std::optional<Bytes> sgx_extension;
};

Cert make_cert(const CertSpec& spec, EVP_PKEY* subject_key, X509* issuer, EVP_PKEY* issuer_key) {
  Cert cert(X509_new());
  require(cert != nullptr, "X509_new");
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), spec.serial);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(spec.common_name.c_str()), -1,
                             -1, 0);
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("CipherBox TEST ONLY"), -1, -1,
                             0);
  X509* issuer_cert = issuer ? issuer : cert.get();
  X509_set_issuer_name(cert.get(), X509_get_subject_name(issuer_cert));
  ASN1_TIME_set(X509_getm_notBefore(cert.get()), to_time_t(spec.not_before));
  ASN1_TIME_set(X509_getm_notAfter(cert.get()), to_time_t(spec.not_after));
  X509_set_pubkey(cert.get(), subject_key);
  add_ext(cert.get(), issuer_cert, NID_basic_constraints,
          spec.ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
  add_ext(cert.get(), issuer_cert, NID_key_usage,
          spec.ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature,nonRepudiation");
  add_ext(cert.get(), issuer_cert, NID_subject_key_identifier, "hash");
  if (spec.sgx_extension) {
    ASN1_OBJECT* oid = OBJ_txt2obj("1.2.840.113741.1.13.1", 1);
    ASN1_OCTET_STRING* data = ASN1_OCTET_STRING_new();
    ASN1_OCTET_STRING_set(data, spec.sgx_extension->data(),
                          static_cast<int>(spec.sgx_extension->size()));
    X509_EXTENSION* ext = X509_EXTENSION_create_by_OBJ(nullptr, oid, 0, data);
    require(ext != nullptr && X509_add_ext(cert.get(), ext, -1) == 1, "SGX extension");
    X509_EXTENSION_free(ext);
    ASN1_OCTET_STRING_free(data);
    ASN1_OBJECT_free(oid);
  }
  require(X509_sign(cert.get(), issuer_key, EVP_sha256()) > 0, "certificate signature");
  return cert;
}

Bytes crl_der(X509* issuer, EVP_PKEY* issuer_key, SysTime this_update, SysTime next_update,
              const std::vector<X509*>& revoked) {
  Crl crl(X509_CRL_new());
  require(crl != nullptr, "X509_CRL_new");
  X509_CRL_set_version(crl.get(), 1);
  X509_CRL_set_issuer_name(crl.get(), X509_get_subject_name(issuer));
  ASN1_TIME* t = ASN1_TIME_new();
  ASN1_TIME_set(t, to_time_t(this_update));
  X509_CRL_set1_lastUpdate(crl.get(), t);
  ASN1_TIME_set(t, to_time_t(next_update));
  X509_CRL_set1_nextUpdate(crl.get(), t);
  for (X509* cert : revoked) {
    X509_REVOKED* entry = X509_REVOKED_new();
    X509_REVOKED_set_serialNumber(entry, X509_get_serialNumber(cert));
    ASN1_TIME_set(t, to_time_t(this_update));
    X509_REVOKED_set_revocationDate(entry, t);
    X509_CRL_add0_revoked(crl.get(), entry);
  }
  ASN1_TIME_free(t);
  X509_CRL_sort(crl.get());
  require(X509_CRL_sign(crl.get(), issuer_key, EVP_sha256()) > 0, "CRL signature");
  int len = i2d_X509_CRL(crl.get(), nullptr);
  Bytes der(static_cast<std::size_t>(len));
  unsigned char* p = der.data();
  i2d_X509_CRL(crl.get(), &p);
  return der;
}

std::string cert_pem(X509* cert) {
  Bio bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(bio.get(), cert);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(len));
}

Bytes cert_der(X509* cert) {
  int len = i2d_X509(cert, nullptr);
  Bytes der(static_cast<std::size_t>(len));
  unsigned char* p = der.data();
  i2d_X509(cert, &p);
  return der;
}

// ECDSA-SHA256, returned as DCAP's 64-byte r||s.
std::array<std::uint8_t, 64> sign_rs(EVP_PKEY* key, ByteView data) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  std::size_t len = 0;
  require(EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key) == 1 &&
              EVP_DigestSign(ctx, nullptr, &len, data.data(), data.size()) == 1,
          "sign init");
  Bytes der(len);
  require(EVP_DigestSign(ctx, der.data(), &len, data.data(), data.size()) == 1, "sign");
  EVP_MD_CTX_free(ctx);
  const unsigned char* p = der.data();
  ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(len));
  require(sig != nullptr, "signature decode");
  std::array<std::uint8_t, 64> rs{};
  BN_bn2binpad(ECDSA_SIG_get0_r(sig), rs.data(), 32);
  BN_bn2binpad(ECDSA_SIG_get0_s(sig), rs.data() + 32, 32);
  ECDSA_SIG_free(sig);
  return rs;
}

std::array<std::uint8_t, 64> public_xy(EVP_PKEY* key) {
  std::array<std::uint8_t, 65> point{};
  std::size_t len = 0;
  require(EVP_PKEY_get_octet_string_param(key, "encoded-pub-key", point.data(), point.size(),
                                          &len) == 1 &&
              len == 65,
          "public key export");
  std::array<std::uint8_t, 64> xy{};
  std::copy(point.begin() + 1, point.end(), xy.begin());
  return xy;
}

// ---- quote bytes ----------------------------------------------------------------------------

void put_le(Bytes& out, std::uint32_t v, std::size_t width) {
  for (std::size_t i = 0; i < width; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
template <class C>
void put(Bytes& out, const C& bytes) {
  out.insert(out.end(), bytes.begin(), bytes.end());
}

std::string upper_hex(ByteView b) {
  std::string s = hex_encode(b);
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

ordered_json components(const std::array<std::uint8_t, 16>& svns) {
  ordered_json list = ordered_json::array();
  for (auto svn : svns) list.push_back({{"svn", svn}});
  return list;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("test chain: cannot read " + path.string());
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Key key_from_pem(const std::string& pem) {
  Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  Key key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  require(key != nullptr, "key PEM");
  return key;
}
Cert cert_from_pem(const std::string& pem) {
  Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  Cert cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  require(cert != nullptr, "certificate PEM");
  return cert;
}
std::string key_pem(EVP_PKEY* key) {
  Bio bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(len));
}

}  // namespace

struct TestChain::Impl {
  PlatformSpec platform;
  SysTime not_before;
  Key root_key, pck_ca_key, pck_key, tcb_key;
  Cert root, pck_ca, pck, tcb;
};

TestChain::TestChain(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TestChain::TestChain(TestChain&&) noexcept = default;
TestChain& TestChain::operator=(TestChain&&) noexcept = default;
TestChain::~TestChain() = default;

TestChain TestChain::create(SysTime not_before, PlatformSpec platform) {
  auto impl = std::make_unique<Impl>();
  impl->platform = platform;
  impl->not_before = not_before;
  SysTime not_after = not_before + std::chrono::hours(24 * 3650);
  impl->root_key = new_key();
  impl->pck_ca_key = new_key();
  impl->pck_key = new_key();
  impl->tcb_key = new_key();
  impl->root = make_cert({"TEST SGX Root CA", 1, not_before, not_after, true, std::nullopt},
                         impl->root_key.get(), nullptr, impl->root_key.get());
  impl->pck_ca =
      make_cert({"TEST SGX PCK Platform CA", 2, not_before, not_after, true, std::nullopt},
                impl->pck_ca_key.get(), impl->root.get(), impl->root_key.get());
  impl->pck = make_cert(
      {"TEST SGX PCK Certificate", 3, not_before, not_after, false, sgx_extension(platform)},
      impl->pck_key.get(), impl->pck_ca.get(), impl->pck_ca_key.get());
  impl->tcb = make_cert({"TEST SGX TCB Signing", 4, not_before, not_after, false, std::nullopt},
                        impl->tcb_key.get(), impl->root.get(), impl->root_key.get());
  return TestChain(std::move(impl));
}

Status TestChain::save(const std::filesystem::path& dir) const {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  auto write = [&](const char* name, const std::string& text) {
    std::ofstream out(dir / name, std::ios::binary | std::ios::trunc);
    out << text;
    return static_cast<bool>(out);
  };
  ordered_json platform = {
      {"fmspc", upper_hex(impl_->platform.fmspc)},
      {"cpuSvn", upper_hex(impl_->platform.cpu_svn)},
      {"pceSvn", impl_->platform.pce_svn},
      {"notBefore", format_rfc3339(impl_->not_before)},
  };
  bool ok = write("root.key", key_pem(impl_->root_key.get())) &&
            write("root.pem", cert_pem(impl_->root.get())) &&
            write("pck-ca.key", key_pem(impl_->pck_ca_key.get())) &&
            write("pck-ca.pem", cert_pem(impl_->pck_ca.get())) &&
            write("pck.key", key_pem(impl_->pck_key.get())) &&
            write("pck.pem", cert_pem(impl_->pck.get())) &&
            write("tcb-signing.key", key_pem(impl_->tcb_key.get())) &&
            write("tcb-signing.pem", cert_pem(impl_->tcb.get())) &&
            write("platform.json", platform.dump(2) + "\n");
  if (!ok) return make_error("IO", "cannot write the test chain to " + dir.string());
  return ok_status();
}

Result<TestChain> TestChain::load(const std::filesystem::path& dir) {
  try {
    auto impl = std::make_unique<Impl>();
    auto platform = nlohmann::json::parse(read_file(dir / "platform.json"));
    auto fmspc = hex_decode(platform.at("fmspc").get<std::string>());
    auto cpu_svn = hex_decode(platform.at("cpuSvn").get<std::string>());
    auto not_before = parse_rfc3339(platform.at("notBefore").get<std::string>());
    if (!fmspc || fmspc->size() != 6 || !cpu_svn || cpu_svn->size() != 16 || !not_before) {
      return make_error("BAD_TEST_CHAIN", "platform.json is malformed");
    }
    std::copy(fmspc->begin(), fmspc->end(), impl->platform.fmspc.begin());
    std::copy(cpu_svn->begin(), cpu_svn->end(), impl->platform.cpu_svn.begin());
    impl->platform.pce_svn = platform.at("pceSvn").get<std::uint16_t>();
    impl->not_before = *not_before;
    impl->root_key = key_from_pem(read_file(dir / "root.key"));
    impl->root = cert_from_pem(read_file(dir / "root.pem"));
    impl->pck_ca_key = key_from_pem(read_file(dir / "pck-ca.key"));
    impl->pck_ca = cert_from_pem(read_file(dir / "pck-ca.pem"));
    impl->pck_key = key_from_pem(read_file(dir / "pck.key"));
    impl->pck = cert_from_pem(read_file(dir / "pck.pem"));
    impl->tcb_key = key_from_pem(read_file(dir / "tcb-signing.key"));
    impl->tcb = cert_from_pem(read_file(dir / "tcb-signing.pem"));
    return TestChain(std::move(impl));
  } catch (const std::exception& e) {
    return make_error("BAD_TEST_CHAIN", e.what());
  }
}

TrustAnchors TestChain::anchors() const {
  return TrustAnchors::test(root_der());
}
Bytes TestChain::root_der() const {
  return cert_der(impl_->root.get());
}
std::string TestChain::root_pem() const {
  return cert_pem(impl_->root.get());
}
const PlatformSpec& TestChain::platform() const {
  return impl_->platform;
}

CollateralSpec TestChain::collateral_spec(TcbStatus status, SysTime issue_date, SysTime next_update,
                                          std::vector<std::string> advisory_ids) const {
  CollateralSpec spec;
  spec.issue_date = issue_date;
  spec.next_update = next_update;
  TcbLevelSpec level;
  level.sgx_components = impl_->platform.cpu_svn;
  level.tdx_components = kDefaultTeeTcbSvn;
  level.pce_svn = impl_->platform.pce_svn;
  level.status = status;
  level.advisory_ids = std::move(advisory_ids);
  spec.tcb_levels.push_back(level);
  return spec;
}

Collateral TestChain::collateral(const CollateralSpec& spec) const {
  const std::string issue = format_rfc3339(spec.issue_date);
  const std::string next = format_rfc3339(spec.next_update);
  ordered_json levels = ordered_json::array();
  for (const auto& l : spec.tcb_levels) {
    ordered_json level = {{"tcb",
                           {{"sgxtcbcomponents", components(l.sgx_components)},
                            {"pcesvn", l.pce_svn},
                            {"tdxtcbcomponents", components(l.tdx_components)}}},
                          {"tcbDate", issue},
                          {"tcbStatus", l.status_text.value_or(std::string(to_string(l.status)))}};
    if (!l.advisory_ids.empty()) level["advisoryIDs"] = l.advisory_ids;
    levels.push_back(level);
  }
  ordered_json tcb_info = {
      {"id", "TDX"},
      {"version", 3},
      {"issueDate", issue},
      {"nextUpdate", next},
      {"fmspc", upper_hex(spec.fmspc.value_or(impl_->platform.fmspc))},
      {"pceId", "0000"},
      {"tcbType", 0},
      {"tcbEvaluationDataNumber", 17},
      {"tcbLevels", levels},
  };
  ordered_json qe_levels = ordered_json::array();
  for (const auto& l : spec.qe_levels) {
    ordered_json level = {{"tcb", {{"isvsvn", l.isv_svn}}},
                          {"tcbDate", issue},
                          {"tcbStatus", std::string(to_string(l.status))}};
    if (!l.advisory_ids.empty()) level["advisoryIDs"] = l.advisory_ids;
    qe_levels.push_back(level);
  }
  ordered_json qe_identity = {
      {"id", "TD_QE"},
      {"version", 2},
      {"issueDate", issue},
      {"nextUpdate", next},
      {"tcbEvaluationDataNumber", 17},
      {"miscselect", "00000000"},
      {"miscselectMask", "FFFFFFFF"},
      {"attributes", "11000000000000000000000000000000"},
      {"attributesMask", "FBFFFFFFFFFFFFFF0000000000000000"},
      {"mrsigner", upper_hex(kTestQeMrSigner)},
      {"isvprodid", 2},
      {"tcbLevels", qe_levels},
  };
  Collateral c;
  c.tcb_info = tcb_info.dump();
  c.qe_identity = qe_identity.dump();
  auto tcb_sig = sign_rs(impl_->tcb_key.get(), as_bytes(c.tcb_info));
  auto qe_sig = sign_rs(impl_->tcb_key.get(), as_bytes(c.qe_identity));
  c.tcb_info_signature.assign(tcb_sig.begin(), tcb_sig.end());
  c.qe_identity_signature.assign(qe_sig.begin(), qe_sig.end());
  const std::string root = cert_pem(impl_->root.get());
  c.tcb_info_issuer_chain = cert_pem(impl_->tcb.get()) + root;
  c.qe_identity_issuer_chain = c.tcb_info_issuer_chain;
  c.pck_crl_issuer_chain = cert_pem(impl_->pck_ca.get()) + root;
  SysTime crl_next = impl_->not_before + std::chrono::hours(24 * 3650);
  std::vector<X509*> root_revoked;
  if (spec.revoke_tcb_signer) root_revoked.push_back(impl_->tcb.get());
  std::vector<X509*> pck_revoked;
  if (spec.revoke_pck_leaf) pck_revoked.push_back(impl_->pck.get());
  c.root_ca_crl =
      crl_der(impl_->root.get(), impl_->root_key.get(), impl_->not_before, crl_next, root_revoked);
  c.pck_crl = crl_der(impl_->pck_ca.get(), impl_->pck_ca_key.get(), impl_->not_before, crl_next,
                      pck_revoked);
  return c;
}

Bytes TestChain::quote(const QuoteSpec& spec) const {
  static constexpr std::uint8_t kIntelQeVendorId[16] = {0x93, 0x9a, 0x72, 0x33, 0xf7, 0x9c,
                                                        0x4c, 0xa9, 0x94, 0x0a, 0x0d, 0xb3,
                                                        0x95, 0x7f, 0x06, 0x07};
  Bytes q;
  put_le(q, 4, 2);
  put_le(q, 2, 2);
  put_le(q, 0x81, 4);
  put_le(q, 0, 2);
  put_le(q, impl_->platform.pce_svn, 2);
  q.insert(q.end(), std::begin(kIntelQeVendorId), std::end(kIntelQeVendorId));
  q.insert(q.end(), 20, 0);
  put(q, spec.tee_tcb_svn);
  q.insert(q.end(), 48 * 2 + 8, 0);  // MRSEAM, MRSIGNERSEAM, SEAM attributes
  put(q, spec.td_attributes);
  std::array<std::uint8_t, 8> xfam{0xE7, 0x02, 0x06, 0, 0, 0, 0, 0};
  put(q, xfam);
  put(q, spec.mrtd);
  q.insert(q.end(), 48 * 3, 0);  // MRCONFIGID, MROWNER, MROWNERCONFIG
  for (const auto& r : spec.rtmr) put(q, r);
  put(q, spec.report_data);

  Key attestation_key = new_key();
  auto ak = public_xy(attestation_key.get());
  auto quote_sig = sign_rs(attestation_key.get(), q);

  Bytes auth_data(32, 0xA5);
  Bytes qe_report;
  put(qe_report, impl_->platform.cpu_svn);
  put_le(qe_report, 0, 4);  // MISCSELECT
  qe_report.insert(qe_report.end(), 28, 0);
  std::array<std::uint8_t, 16> attributes{0x11};
  put(qe_report, attributes);
  qe_report.insert(qe_report.end(), 32, 0x5A);  // MRENCLAVE
  qe_report.insert(qe_report.end(), 32, 0);
  put(qe_report, spec.qe_mr_signer_set ? spec.qe_mr_signer : kTestQeMrSigner);
  qe_report.insert(qe_report.end(), 96, 0);
  put_le(qe_report, 2, 2);  // ISVPRODID
  put_le(qe_report, spec.qe_isv_svn, 2);
  qe_report.insert(qe_report.end(), 60, 0);
  Bytes bound(ak.begin(), ak.end());
  put(bound, auth_data);
  put(qe_report, sha256(bound));
  qe_report.insert(qe_report.end(), 32, 0);
  auto qe_sig = sign_rs(impl_->pck_key.get(), qe_report);

  std::string chain =
      cert_pem(impl_->pck.get()) + cert_pem(impl_->pck_ca.get()) + cert_pem(impl_->root.get());
  Bytes cert_body;
  put(cert_body, qe_report);
  put(cert_body, qe_sig);
  put_le(cert_body, static_cast<std::uint32_t>(auth_data.size()), 2);
  put(cert_body, auth_data);
  put_le(cert_body, 5, 2);
  put_le(cert_body, static_cast<std::uint32_t>(chain.size()), 4);
  put(cert_body, chain);

  Bytes signature;
  put(signature, quote_sig);
  put(signature, ak);
  put_le(signature, 6, 2);
  put_le(signature, static_cast<std::uint32_t>(cert_body.size()), 4);
  put(signature, cert_body);
  put_le(q, static_cast<std::uint32_t>(signature.size()), 4);
  put(q, signature);
  return q;
}

}  // namespace cbx::attest::testing
