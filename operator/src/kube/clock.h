#pragma once
// Time and randomness as interfaces, so queue, backoff and leader-election logic can be tested
// with a fake clock and fixed jitter.
#include <chrono>
#include <memory>
#include <mutex>
#include <random>

namespace cbx::kube {

using SteadyTime = std::chrono::steady_clock::time_point;
using WallTime = std::chrono::system_clock::time_point;
using Duration = std::chrono::steady_clock::duration;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual SteadyTime now() const = 0;     // for intervals and deadlines
  virtual WallTime wall_now() const = 0;  // for timestamps written to the API
};

class SystemClock final : public Clock {
 public:
  SteadyTime now() const override { return std::chrono::steady_clock::now(); }
  WallTime wall_now() const override { return std::chrono::system_clock::now(); }
};

// Process-wide real clock.
inline Clock& system_clock() {
  static SystemClock clock;
  return clock;
}

class Random {
 public:
  virtual ~Random() = default;
  virtual double uniform() = 0;  // in [0, 1)
};

class SystemRandom final : public Random {
 public:
  double uniform() override {
    std::lock_guard lock(mutex_);
    return std::uniform_real_distribution<double>(0.0, 1.0)(engine_);
  }

 private:
  std::mutex mutex_;
  std::mt19937_64 engine_{std::random_device{}()};
};

}  // namespace cbx::kube
