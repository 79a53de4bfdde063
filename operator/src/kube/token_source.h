#pragma once
// The bearer token for API requests: a static kubeconfig token, or a token file (projected
// ServiceAccount tokens rotate, so the file is re-read after refresh_after).
#include <mutex>
#include <string>

#include "kube/clock.h"

namespace cbx::kube {

class TokenSource {
 public:
  TokenSource() = default;
  TokenSource(std::string static_token, std::string file, const Clock& clock = system_clock(),
              Duration refresh_after = std::chrono::minutes(1))
      : static_token_(std::move(static_token)),
        file_(std::move(file)),
        clock_(&clock),
        refresh_after_(refresh_after) {}
  TokenSource(TokenSource&& other) noexcept
      : static_token_(std::move(other.static_token_)),
        file_(std::move(other.file_)),
        clock_(other.clock_),
        refresh_after_(other.refresh_after_) {}

  // Empty when there is no token (client certificates or anonymous).
  std::string token();

 private:
  std::string static_token_;
  std::string file_;
  const Clock* clock_ = &system_clock();
  Duration refresh_after_{};
  std::mutex mutex_;
  std::string cached_;
  SteadyTime read_at_{};
  bool read_ = false;
};

}  // namespace cbx::kube
