#pragma once
// The key provider's reachability and identity (dstack Info), checked by a background thread so
// that no request ever waits on the guest agent for it: /readyz and /v1/info read what the last
// check found. Checks run at once, then every `retry` while they fail and every `refresh` while
// they succeed.
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

#include "signer/key_provider.h"

namespace cbx::signer {

class ProviderStatus {
 public:
  struct Intervals {
    std::chrono::milliseconds retry{2'000};
    std::chrono::milliseconds refresh{30'000};
  };

  ProviderStatus(KeyProvider& provider, Intervals intervals);
  explicit ProviderStatus(KeyProvider& provider) : ProviderStatus(provider, Intervals{}) {}
  // Waits for a check in progress to return (bounded by the provider's own timeout).
  ~ProviderStatus();
  ProviderStatus(const ProviderStatus&) = delete;
  ProviderStatus& operator=(const ProviderStatus&) = delete;

  // True when the last check succeeded.
  bool ready() const;
  // What the last successful check returned (kept when a later check fails).
  std::optional<ProviderInfo> info() const;
  // Blocks until the first check has finished; returns ready(). For startup, never a request.
  bool wait_first_check();

 private:
  void run();

  KeyProvider& provider_;
  const Intervals intervals_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::optional<ProviderInfo> info_;
  bool ready_ = false;
  bool checked_ = false;
  bool stopping_ = false;
  std::thread thread_;  // last: starts once everything above is initialised
};

}  // namespace cbx::signer
