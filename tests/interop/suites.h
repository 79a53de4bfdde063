#pragma once
// Interop suites; each returns nothing and records every case in the tally.
#include "harness.h"

namespace cbx::interop {

void ipns_cpp_to_js(const Options& options, Rng& rng, Tally& tally);       // (a)
void ipns_js_to_cpp(const Options& options, Rng& rng, Tally& tally);       // (b)
void ipns_byte_identical(const Options& options, Rng& rng, Tally& tally);  // (e)
void ipns_differential(const Options& options, Rng& rng, Tally& tally);    // mutated records
void ecies_js_to_cpp(const Options& options, Rng& rng, Tally& tally);      // (c)
void ecies_cpp_to_js(const Options& options, Rng& rng, Tally& tally);      // (d)
// cbx::attest::verify_tdx_quote vs @phala/dcap-qvl: samples, tampered variants, test PKI, flips.
void dcap_parity(const Options& options, Rng& rng, Tally& tally);
// Not randomized: the peers reproduce tests/vectors (ipns.json, ecies.json).
void peers_reproduce_vectors(const Options& options, Rng& rng, Tally& tally);

}  // namespace cbx::interop
