#pragma once
// State shared by the server, its listeners and its sessions (private to cbx_http_server).
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "cbx/http/server.h"

namespace cbx::http::detail {

class SessionBase {
 public:
  virtual ~SessionBase() = default;
  // Called from any thread at shutdown: a session waiting for a request closes now, one that is
  // handling a request finishes writing the response and then closes.
  virtual void close_if_idle() = 0;
};

struct ServerState {
  ServerState(Handler h, ServerOptions o) : handler(std::move(h)), options(o) {}

  const Handler handler;
  const ServerOptions options;
  std::atomic<bool> stopping{false};

  void add(SessionBase* session, std::weak_ptr<SessionBase> weak) {
    std::lock_guard lock(mu_);
    sessions_.emplace(session, std::move(weak));
  }
  void remove(SessionBase* session) {
    std::lock_guard lock(mu_);
    sessions_.erase(session);
    if (sessions_.empty()) drained_.notify_all();
  }
  std::size_t count() const {
    std::lock_guard lock(mu_);
    return sessions_.size();
  }
  void close_idle_sessions() {
    std::vector<std::shared_ptr<SessionBase>> live;
    {
      std::lock_guard lock(mu_);
      for (auto& [ptr, weak] : sessions_) {
        if (auto s = weak.lock()) live.push_back(std::move(s));
      }
    }
    for (auto& s : live) s->close_if_idle();
  }
  // True when every session ended before the deadline.
  template <class Deadline>
  bool wait_drained(Deadline deadline) {
    std::unique_lock lock(mu_);
    return drained_.wait_until(lock, deadline, [&] { return sessions_.empty(); });
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable drained_;
  std::unordered_map<SessionBase*, std::weak_ptr<SessionBase>> sessions_;
};

}  // namespace cbx::http::detail
