#pragma once
// Test doubles for the kube runtime: a clock that moves only when told, fixed "randomness", and
// an HttpTransport that answers from a script (to inject API answers a real server would not
// give on demand; the real API server is exercised in tests/kube_integration).
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "cbx/http/client.h"
#include "kube/clock.h"

namespace cbx::kube::testing {

class FakeClock final : public Clock {
 public:
  SteadyTime now() const override {
    std::lock_guard lock(mutex_);
    return now_;
  }
  WallTime wall_now() const override {
    std::lock_guard lock(mutex_);
    return wall_;
  }
  void advance(Duration d) {
    std::lock_guard lock(mutex_);
    now_ += d;
    wall_ += std::chrono::duration_cast<WallTime::duration>(d);
  }

 private:
  mutable std::mutex mutex_;
  SteadyTime now_{std::chrono::hours(1000)};
  WallTime wall_{std::chrono::sys_days{std::chrono::year{2026} / 11 / 25}};
};

class FixedRandom final : public Random {
 public:
  explicit FixedRandom(double value) : value_(value) {}
  double uniform() override { return value_; }
  double value_;
};

inline http::Response response(int status, std::string body) {
  http::Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

// Answers requests in order from `answers`; watch streams from `streams` (each a list of chunks
// and a final status). With no stream left, a watch blocks until cancelled.
class ScriptedTransport final : public http::HttpTransport {
 public:
  struct Stream {
    int status = 200;
    std::vector<std::string> chunks;
    std::string error_body;
  };

  std::deque<Result<http::Response>> answers;
  std::deque<Stream> streams;
  std::vector<http::Request> seen;

  Result<http::Response> request(const http::Request& r) override {
    std::lock_guard lock(mutex_);
    seen.push_back(r);
    if (answers.empty()) return make_error("TRANSPORT", "script exhausted");
    auto answer = std::move(answers.front());
    answers.pop_front();
    return answer;
  }

  Result<http::Response> stream(const http::Request& r, const http::ChunkHandler& on_chunk,
                                http::Cancellation* cancel) override {
    std::unique_lock lock(mutex_);
    seen.push_back(r);
    if (streams.empty()) {
      if (cancel == nullptr) return make_error("TRANSPORT", "no stream scripted");
      bool cancelled = false;
      if (cancel->set_hook([&] {
            std::lock_guard inner(hook_mutex_);
            cancelled = true;
            cv_.notify_all();
          })) {
        lock.unlock();
        std::unique_lock wait_lock(hook_mutex_);
        cv_.wait(wait_lock, [&] { return cancelled; });
        wait_lock.unlock();
        cancel->clear_hook();
      }
      return make_error("CANCELLED", "cancelled");
    }
    Stream s = std::move(streams.front());
    streams.pop_front();
    lock.unlock();
    if (s.status != 200) return response(s.status, s.error_body);
    for (const auto& chunk : s.chunks) {
      if (!on_chunk(chunk)) break;
    }
    return response(200, "");
  }

  std::vector<http::Request> requests() {
    std::lock_guard lock(mutex_);
    return seen;
  }

 private:
  std::mutex mutex_;
  std::mutex hook_mutex_;
  std::condition_variable cv_;
};

}  // namespace cbx::kube::testing
