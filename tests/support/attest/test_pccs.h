#pragma once
// TEST ONLY: a PCCS (v4 API, the four endpoints CollateralSource uses) on loopback, serving
// whatever collateral the test sets, so a test can change a platform's TCB status while a
// verifier runs. No Beast/server types leak through this header (it is included next to the
// HTTP client's).
#include <cstdint>
#include <memory>
#include <string>

#include "cbx/attest/collateral.h"
#include "cbx/base/result.h"

namespace cbx::attest::testing {

class TestPccs {
 public:
  TestPccs();
  ~TestPccs();
  // Binds 127.0.0.1:port (0: any free port) and starts serving. Returns the base URL
  // ("http://127.0.0.1:PORT").
  Result<std::string> start(std::uint16_t port = 0);
  void stop();
  // Served from now on; the FMSPC it answers /tcb for is the TCB info's. Until set: 404s.
  void set_collateral(const Collateral& collateral);
  // Requests answered so far (all endpoints).
  std::size_t requests() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cbx::attest::testing
