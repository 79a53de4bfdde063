#pragma once
// State shared by the server, its listeners and its sessions (private to cbx_http_server): the
// options, the handler and the table of admitted sessions that the connection cap counts.
//
// Admission at the cap: a session that only waits for a client (reading a request, or lingering
// after an error answer) holds its slot for at most a bounded time, but a client that trickles can
// make that time long and open many of them. So when the table is full, the session that has been
// waiting longest is evicted to admit the newcomer; only when every admitted session is busy
// (handling or writing) is the newcomer answered 503. Rejected connections never enter the table;
// their own count is bounded separately.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <vector>

#include "cbx/http/server.h"

namespace cbx::http::detail {

class SessionBase {
 public:
  virtual ~SessionBase() = default;
  // Called from any thread at shutdown: a session waiting for a request closes now, one that is
  // handling a request finishes writing the response and then closes.
  virtual void close_if_idle() = 0;
  // Called from any thread when this session was chosen to make room: closes it if it is still
  // only waiting for its client, else tells the state the eviction did not happen.
  virtual void evict() = 0;
};

struct ServerState {
  using Clock = std::chrono::steady_clock;

  ServerState(Handler h, ServerOptions o) : handler(std::move(h)), options(o) {}

  const Handler handler;
  const ServerOptions options;
  std::atomic<bool> stopping{false};
  // Connections being answered 503 and closed; never counted against the cap.
  std::atomic<std::size_t> rejecting{0};

  // What the listener does with a new connection.
  struct Admission {
    bool admit = false;
    std::shared_ptr<SessionBase> victim;  // evict this one to make room (when admit)
  };

  Admission admit() {
    std::lock_guard lock(mu_);
    if (sessions_.size() - evicting_ < options.max_connections) return {true, nullptr};
    Slot* oldest = nullptr;
    for (auto& [ptr, slot] : sessions_) {
      if (slot.evicting || !slot.waiting_since) continue;
      if (!oldest || *slot.waiting_since < *oldest->waiting_since) oldest = &slot;
    }
    if (!oldest) return {false, nullptr};
    oldest->evicting = true;
    ++evicting_;
    // Null when that session is already being destroyed: its slot frees itself. The reference is
    // released by the caller, outside this lock (a last release runs ~Session, which locks).
    auto victim = oldest->session.lock();
    return {true, std::move(victim)};
  }

  void add(SessionBase* session, std::weak_ptr<SessionBase> weak) {
    std::lock_guard lock(mu_);
    sessions_.emplace(session, Slot{std::move(weak), std::nullopt, false});
  }
  void remove(SessionBase* session) {
    std::lock_guard lock(mu_);
    auto it = sessions_.find(session);
    if (it == sessions_.end()) return;
    if (it->second.evicting) --evicting_;
    sessions_.erase(it);
    if (sessions_.empty()) drained_.notify_all();
  }
  // A session waits for its client (evictable) or works on a request (not evictable).
  void set_waiting(SessionBase* session, bool waiting) {
    std::lock_guard lock(mu_);
    auto it = sessions_.find(session);
    if (it == sessions_.end()) return;
    if (!waiting) {
      it->second.waiting_since.reset();
    } else if (!it->second.waiting_since) {
      it->second.waiting_since = Clock::now();
    }
  }
  // The chosen victim was busy after all: it keeps its slot.
  void eviction_refused(SessionBase* session) {
    std::lock_guard lock(mu_);
    auto it = sessions_.find(session);
    if (it == sessions_.end() || !it->second.evicting) return;
    it->second.evicting = false;
    --evicting_;
  }
  std::size_t count() const {
    std::lock_guard lock(mu_);
    return sessions_.size();
  }
  std::size_t waiting_count() const {
    std::lock_guard lock(mu_);
    std::size_t n = 0;
    for (const auto& [ptr, slot] : sessions_) n += slot.waiting_since ? 1 : 0;
    return n;
  }
  void close_idle_sessions() {
    std::vector<std::shared_ptr<SessionBase>> live;
    {
      std::lock_guard lock(mu_);
      for (auto& [ptr, slot] : sessions_) {
        if (auto s = slot.session.lock()) live.push_back(std::move(s));
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
  struct Slot {
    std::weak_ptr<SessionBase> session;
    std::optional<Clock::time_point> waiting_since;  // set while the session waits for its client
    bool evicting = false;
  };

  mutable std::mutex mu_;
  std::condition_variable drained_;
  std::unordered_map<SessionBase*, Slot> sessions_;
  std::size_t evicting_ = 0;  // slots chosen for eviction, not yet gone: they no longer count
};

}  // namespace cbx::http::detail
