// The collateral's untrusted text and DER: the collateral JSON codec, the TCB info and QE
// identity documents, the raw-member extractor used on PCCS answers, and the PCK certificate's
// SGX extension parser. Must never crash, throw or read out of bounds.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "attest/pck_extensions.h"
#include "cbx/attest/collateral.h"
#include "cbx/attest/collateral_source.h"
#include "cbx/attest/tcb_documents.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto collateral = cbx::attest::parse_collateral_json(text)) {
    auto again = cbx::attest::parse_collateral_json(cbx::attest::collateral_to_json(*collateral));
    if (!again || again->tcb_info != collateral->tcb_info) std::abort();
    (void)cbx::attest::collateral_window(*collateral);
  }
  (void)cbx::attest::parse_tcb_info(text);
  (void)cbx::attest::parse_qe_identity(text);
  for (const char* member : {"tcbInfo", "enclaveIdentity", "signature"}) {
    if (auto raw = cbx::attest::raw_json_member(text, member)) {
      if (raw->size() > size) std::abort();
    }
  }
  (void)cbx::attest::detail::parse_sgx_extension(cbx::ByteView(data, size));
  return 0;
}
