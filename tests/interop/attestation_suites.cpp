// Verdict parity of cbx::attest::verify_tdx_quote with @phala/dcap-qvl (peers/dcap-verify.mjs):
// the captured samples at their reference times, tampered variants of every signed part, quotes
// and collateral of the test PKI for every TCB status (the peer is given the test root), and
// seeded random single-bit flips. Both must agree on verified / refused and, when verified, on
// the TCB status and advisory ids. Where the C++ side is deliberately stricter (it checks CRL
// signatures and quote framing fields the reference ignores), the only accepted difference is
// "C++ refuses, reference accepts", and each such case is named.
#include <fstream>
#include <set>
#include <sstream>

#include "attest/test_chain.h"
#include "cbx/attest/quote_verifier.h"
#include "suites.h"

namespace cbx::interop {
namespace {

using attest::Collateral;
using attest::QuoteVerdict;
using attest::TcbStatus;
using nlohmann::json;

std::string read_vector(const std::string& name) {
  std::ifstream in(std::string(CBX_VECTORS_DIR) + "/attestation/" + name, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

json collateral_json(const Collateral& c) {
  return json::parse(attest::collateral_to_json(c));
}

std::int64_t unix_seconds(SysTime t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

// Parity: same verdict (and status/advisories when verified). CppStricter: C++ must refuse (a
// documented extra check). NotLooser: C++ may refuse more, never accept what the reference
// refuses (random flips in framing fields and PEM text, where the reference's regex-based PEM
// extraction silently drops damaged blocks).
enum class Expect { Parity, CppStricter, NotLooser };

struct Case {
  std::string name;
  Bytes quote;
  std::optional<Collateral> collateral;
  SysTime time;
  std::optional<Bytes> test_root;  // the test PKI's root for both sides; else Intel's
  Expect expect = Expect::Parity;
};

Case make_case(std::string name, Bytes quote, std::optional<Collateral> collateral, SysTime time,
               std::optional<Bytes> test_root = std::nullopt, Expect expect = Expect::Parity) {
  return Case{std::move(name), std::move(quote), std::move(collateral), time, std::move(test_root),
              expect};
}

QuoteVerdict cpp_verdict(const Case& c) {
  if (!c.collateral) return attest::inspect_tdx_quote(c.quote);
  if (c.test_root) {
    return attest::verify_tdx_quote(c.quote, *c.collateral, c.time,
                                    attest::TrustAnchors::test(*c.test_root));
  }
  return attest::verify_tdx_quote(c.quote, *c.collateral, c.time);
}

json peer_request(const Case& c) {
  json r = {{"quoteHex", hex_encode(c.quote)},
            {"collateral", c.collateral ? collateral_json(*c.collateral) : json(nullptr)},
            {"time", unix_seconds(c.time)}};
  if (c.test_root) r["rootCaDerHex"] = hex_encode(*c.test_root);
  return r;
}

std::string describe(const QuoteVerdict& v) {
  if (v.verified) return std::string("verified ") + std::string(attest::to_string(v.tcb_status));
  return "refused " + (v.error ? v.error->code + " (" + v.error->message + ")" : "");
}

void compare(const Case& c, const json& peer, Tally& tally) {
  QuoteVerdict mine = cpp_verdict(c);
  const bool theirs = peer.value("verified", false);
  std::string detail = "C++ " + describe(mine) + "; dcap-qvl " + peer.dump();
  if (c.expect == Expect::CppStricter) {
    tally.check(!mine.verified, c.name + " (C++ stricter: must refuse)", detail);
    return;
  }
  if (c.expect == Expect::NotLooser && !mine.verified) {
    tally.check(true, c.name);
    return;
  }
  bool agree = mine.verified == theirs;
  if (agree && mine.verified) {
    agree = peer.value("status", "") == attest::to_string(mine.tcb_status) &&
            peer.value("advisoryIds", json::array()) == json(mine.advisory_ids);
  }
  tally.check(agree, c.name, detail);
}

// ---- the captured samples -------------------------------------------------------------------

SysTime at(const char* text) {
  return *parse_rfc3339(text);
}

std::vector<Case> sample_cases() {
  std::string raw = read_vector("tdx_quote");
  Bytes quote(raw.begin(), raw.end());
  Collateral collateral = *attest::parse_collateral_json(read_vector("tdx_quote_collateral.json"));
  std::vector<Case> cases;
  for (const char* t : {"2025-06-25T00:00:00Z", "2025-06-15T00:00:00Z", "2025-12-06T00:00:00Z",
                        "2025-06-19T10:20:00Z", "2025-06-19T10:32:27Z", "2025-07-19T10:00:34Z",
                        "2025-07-19T10:16:04Z", "2026-11-30T00:00:00Z"}) {
    cases.push_back(make_case(std::string("sample at ") + t, quote, collateral, at(t)));
  }
  // The PCK CRL's nextUpdate (10:00:35) has passed while TCB info is still current (10:16:03):
  // the reference does not look at CRL dates, C++ refuses a stale CRL.
  cases.push_back(make_case("sample at 2025-07-19T10:16:03Z (stale PCK CRL)", quote, collateral,
                            at("2025-07-19T10:16:03Z"), std::nullopt, Expect::CppStricter));
  cases.push_back(
      make_case("sample without collateral", quote, std::nullopt, at("2025-06-25T00:00:00Z")));
  for (const char* file : {"dstack-quote-with-eventlog.json", "dstack-tdx-lite-getquote.json"}) {
    auto doc = json::parse(read_vector(file));
    Bytes dstack = attest::decode_quote_file(doc.at("quote").get<std::string>());
    for (const char* t : {"2025-06-25T00:00:00Z", "2026-11-30T00:00:00Z"}) {
      cases.push_back(make_case(std::string(file) + " with the sample's collateral at " + t, dstack,
                                collateral, at(t)));
    }
    cases.push_back(make_case(std::string(file) + " without collateral", dstack, std::nullopt,
                              at("2025-06-25T00:00:00Z")));
  }
  return cases;
}

// One change in each signed part of the sample (offsets per cbx/attest/quote_v4.h; the PEM
// certificates are found by text search), and in each signed collateral document.
std::vector<Case> tampered_cases() {
  std::string raw = read_vector("tdx_quote");
  const Bytes quote(raw.begin(), raw.end());
  const Collateral collateral =
      *attest::parse_collateral_json(read_vector("tdx_quote_collateral.json"));
  const SysTime t = at("2025-06-25T00:00:00Z");
  std::vector<Case> cases;
  auto flip = [&](std::string name, std::size_t offset, std::uint8_t mask = 0x01) {
    Bytes q = quote;
    q[offset] ^= mask;
    cases.push_back(make_case("tampered quote: " + name, q, collateral, t));
  };
  flip("report data (first byte)", 568);
  flip("report data (last byte)", 631, 0x80);
  flip("MRTD", 184 + 10);
  flip("RTMR3", 520 + 47);
  flip("TEE TCB SVN", 48);
  flip("TD attributes", 48 + 120);
  flip("header QE SVN", 8);
  flip("attestation signature r", 636 + 3);
  flip("attestation signature s", 636 + 40);
  flip("attestation key", 700 + 20);
  flip("QE report CPUSVN", 770);
  flip("QE report MRSIGNER", 770 + 128);
  flip("QE report ISVSVN", 770 + 258);
  flip("QE report data", 770 + 320);
  flip("QE report signature", 770 + 384 + 10);
  flip("QE auth data", 770 + 384 + 64 + 2 + 5);
  // Certificates of the quote's PCK chain: change one base64 character of each certificate's
  // body (a different valid base64 character, so the PEM still parses).
  std::size_t pem = raw.find("-----BEGIN CERTIFICATE-----");
  for (int i = 0; i < 3 && pem != std::string::npos; ++i) {
    Bytes q = quote;
    std::size_t at_char = pem + 28 + 64 * 3 + 7;
    q[at_char] = q[at_char] == 'A' ? 'B' : 'A';
    cases.push_back(
        make_case("tampered quote: PCK chain certificate " + std::to_string(i), q, collateral, t));
    pem = raw.find("-----BEGIN CERTIFICATE-----", pem + 1);
  }

  auto with = [&](std::string name, auto mutate, Expect expect = Expect::Parity) {
    Collateral c = collateral;
    mutate(c);
    cases.push_back(make_case("tampered collateral: " + name, quote, c, t, std::nullopt, expect));
  };
  with("TCB info signature", [](Collateral& c) { c.tcb_info_signature[7] ^= 0x01; });
  with("TCB info text", [](Collateral& c) {
    auto pos = c.tcb_info.find("\"pcesvn\":11");
    c.tcb_info[pos + 10] = '0';
  });
  with("QE identity signature", [](Collateral& c) { c.qe_identity_signature[60] ^= 0x10; });
  with("QE identity text", [](Collateral& c) {
    auto pos = c.qe_identity.find("\"isvsvn\":4");
    c.qe_identity[pos + 9] = '3';
  });
  with("TCB info issuer certificate", [](Collateral& c) {
    std::size_t at_char = 28 + 64 * 4 + 9;
    c.tcb_info_issuer_chain[at_char] = c.tcb_info_issuer_chain[at_char] == 'A' ? 'B' : 'A';
  });
  with("QE identity issuer certificate", [](Collateral& c) {
    std::size_t at_char = 28 + 64 * 2 + 3;
    c.qe_identity_issuer_chain[at_char] = c.qe_identity_issuer_chain[at_char] == 'A' ? 'B' : 'A';
  });
  // The reference checks CRLs for serial numbers only (no signature, no dates): C++ refuses a
  // CRL that its issuer did not sign.
  with(
      "PCK CRL signature", [](Collateral& c) { c.pck_crl[c.pck_crl.size() - 5] ^= 0x01; },
      Expect::CppStricter);
  with(
      "root CA CRL signature",
      [](Collateral& c) { c.root_ca_crl[c.root_ca_crl.size() - 5] ^= 0x01; }, Expect::CppStricter);
  return cases;
}

// ---- the test PKI: every status, merge and refusal rule, both verifiers on the same root -----

std::vector<Case> test_chain_cases() {
  using attest::testing::CollateralSpec;
  using attest::testing::QuoteSpec;
  using attest::testing::TestChain;
  const SysTime created = at("2026-01-01T00:00:00Z");
  const SysTime issue = at("2026-05-20T00:00:00Z");
  const SysTime next = at("2026-06-20T00:00:00Z");
  const SysTime t = at("2026-06-01T00:00:00Z");
  TestChain chain = TestChain::create(created);
  const Bytes root = chain.root_der();
  QuoteSpec q;
  q.report_data.fill(0x5C);
  q.mrtd.fill(0x01);
  const Bytes quote = chain.quote(q);
  std::vector<Case> cases;
  auto add = [&](std::string name, const CollateralSpec& spec, Bytes qt, SysTime when) {
    cases.push_back(
        make_case("test PKI: " + name, std::move(qt), chain.collateral(spec), when, root));
  };
  for (TcbStatus s :
       {TcbStatus::UpToDate, TcbStatus::SWHardeningNeeded, TcbStatus::ConfigurationNeeded,
        TcbStatus::ConfigurationAndSWHardeningNeeded, TcbStatus::OutOfDate,
        TcbStatus::OutOfDateConfigurationNeeded, TcbStatus::Revoked}) {
    add(std::string(attest::to_string(s)),
        chain.collateral_spec(s, issue, next, {"INTEL-SA-00828", "INTEL-SA-00837"}), quote, t);
  }
  CollateralSpec merged = chain.collateral_spec(TcbStatus::SWHardeningNeeded, issue, next, {"A-1"});
  merged.qe_levels = {{9, TcbStatus::UpToDate, {}}, {4, TcbStatus::OutOfDate, {"A-2", "A-1"}}};
  add("QE OutOfDate merged with platform SWHardeningNeeded", merged, quote, t);
  CollateralSpec recovery = chain.collateral_spec(TcbStatus::OutOfDate, issue, next);
  auto newer = recovery.tcb_levels.front();
  newer.tdx_components[0] += 1;
  newer.status = TcbStatus::UpToDate;
  recovery.tcb_levels.insert(recovery.tcb_levels.begin(), newer);
  add("TCB recovery leaves the platform OutOfDate", recovery, quote, t);
  CollateralSpec none = chain.collateral_spec(TcbStatus::UpToDate, issue, next);
  none.tcb_levels.front().pce_svn += 1;
  add("no matching level", none, quote, t);
  CollateralSpec other_fmspc = chain.collateral_spec(TcbStatus::UpToDate, issue, next);
  other_fmspc.fmspc = std::array<std::uint8_t, 6>{1, 2, 3, 4, 5, 6};
  add("TCB info for another FMSPC", other_fmspc, quote, t);
  CollateralSpec revoked_pck = chain.collateral_spec(TcbStatus::UpToDate, issue, next);
  revoked_pck.revoke_pck_leaf = true;
  add("revoked PCK certificate", revoked_pck, quote, t);
  CollateralSpec ok = chain.collateral_spec(TcbStatus::UpToDate, issue, next);
  add("before issue date", ok, quote, issue - std::chrono::seconds(1));
  add("after next update", ok, quote, next + std::chrono::seconds(1));
  QuoteSpec debug = q;
  debug.td_attributes[0] = 0x01;
  add("debug TD", ok, chain.quote(debug), t);
  QuoteSpec old_qe = q;
  old_qe.qe_isv_svn = 3;
  add("QE below every QE level", ok, chain.quote(old_qe), t);
  QuoteSpec low_tdx = q;
  low_tdx.tee_tcb_svn[0] = 1;
  add("TDX module SVN below the level", ok, chain.quote(low_tdx), t);
  // The test PKI's quote under the Intel root: both refuse.
  cases.push_back(make_case("test PKI quote under the Intel root", quote, chain.collateral(ok), t));
  return cases;
}

// ---- seeded random single-bit flips ---------------------------------------------------------

// Quote bytes that only frame the signed data (lengths, certification data types): the reference
// ignores trailing bytes and the outer type, C++ refuses both.
bool is_framing(std::size_t offset, std::size_t qe_auth_size) {
  const std::size_t inner = 770 + 384 + 64 + 2 + qe_auth_size;
  return (offset >= 632 && offset < 636) || (offset >= 764 && offset < 770) ||
         (offset >= 1218 && offset < 1220) || (offset >= inner && offset < inner + 6);
}

std::vector<Case> random_flip_cases(Rng& rng, int count) {
  std::string raw = read_vector("tdx_quote");
  const Bytes quote(raw.begin(), raw.end());
  const Collateral collateral =
      *attest::parse_collateral_json(read_vector("tdx_quote_collateral.json"));
  const std::size_t qe_auth_size = quote[1218] | (quote[1219] << 8);
  const std::size_t signed_end = 636 + 4300;  // the rest is padding nobody reads
  const std::size_t pem_begin = raw.find("-----BEGIN CERTIFICATE-----");
  std::uniform_int_distribution<std::size_t> pick(0, signed_end - 1);
  std::uniform_int_distribution<int> bit(0, 7);
  std::vector<Case> cases;
  for (int i = 0; i < count; ++i) {
    Bytes q = quote;
    const std::size_t offset = pick(rng);
    q[offset] ^= static_cast<std::uint8_t>(1u << bit(rng));
    Case c = make_case("random flip at quote offset " + std::to_string(offset), q, collateral,
                       at("2025-06-25T00:00:00Z"));
    if (is_framing(offset, qe_auth_size)) c.expect = Expect::CppStricter;
    if (offset >= pem_begin) c.expect = Expect::NotLooser;
    cases.push_back(std::move(c));
  }
  return cases;
}

void run(const Options& options, const std::vector<Case>& cases, Tally& tally) {
  std::vector<json> requests;
  for (const auto& c : cases) requests.push_back(peer_request(c));
  auto answers = run_peer(options, "dcap-verify.mjs", requests);
  if (!answers) {
    tally.check(false, "dcap-verify.mjs", answers.error().message);
    return;
  }
  for (std::size_t i = 0; i < cases.size(); ++i) compare(cases[i], (*answers)[i], tally);
}

}  // namespace

void dcap_parity(const Options& options, Rng& rng, Tally& tally) {
  std::vector<Case> cases = sample_cases();
  for (auto& c : tampered_cases()) cases.push_back(std::move(c));
  for (auto& c : test_chain_cases()) cases.push_back(std::move(c));
  for (auto& c : random_flip_cases(rng, options.cases)) cases.push_back(std::move(c));
  run(options, cases, tally);
}

}  // namespace cbx::interop
