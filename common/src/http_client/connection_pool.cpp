#include "http_client/connection_pool.h"

namespace cbx::http {

std::unique_ptr<Connection> ConnectionPool::acquire(const std::string& key) {
  std::lock_guard lock(mutex_);
  auto it = idle_.find(key);
  if (it == idle_.end()) return nullptr;
  auto& conns = it->second;
  auto now = Connection::Clock::now();
  while (!conns.empty()) {
    auto conn = std::move(conns.back());
    conns.pop_back();
    if (now - conn->idle_since() < idle_ttl_ && !conn->peer_closed()) return conn;
  }
  return nullptr;
}

void ConnectionPool::release(const std::string& key, std::unique_ptr<Connection> conn) {
  if (!conn || !conn->reusable()) return;
  conn->mark_idle();
  std::lock_guard lock(mutex_);
  auto& conns = idle_[key];
  if (conns.size() >= max_idle_per_host_) return;
  conns.push_back(std::move(conn));
}

}  // namespace cbx::http
