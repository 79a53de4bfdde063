#pragma once
// Client-side QPS/burst limit on API requests (as client-go's flowcontrol token bucket): up to
// `burst` requests at once, refilled at `qps` per second.
#include <mutex>

#include "kube/clock.h"

namespace cbx::kube {

class TokenBucket {
 public:
  // qps <= 0 disables limiting.
  TokenBucket(double qps, int burst, const Clock& clock = system_clock());

  // Takes one token and returns how long the caller must wait before using it (zero when a
  // token was available). Tokens can be owed: concurrent callers queue up in time.
  Duration reserve();
  // reserve() and sleep.
  void wait();

 private:
  double qps_;
  double burst_;
  const Clock& clock_;
  std::mutex mutex_;
  double tokens_;
  SteadyTime last_;
};

}  // namespace cbx::kube
