#pragma once
// Idle keep-alive connections per scheme://host:port, newest first; stale ones are dropped.
#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "http_client/connection.h"

namespace cbx::http {

class ConnectionPool {
 public:
  ConnectionPool(std::size_t max_idle_per_host, std::chrono::milliseconds idle_ttl)
      : max_idle_per_host_(max_idle_per_host), idle_ttl_(idle_ttl) {}

  // An idle connection to key, or null.
  std::unique_ptr<Connection> acquire(const std::string& key);
  // Keeps conn for reuse if it is reusable and there is room; otherwise closes it.
  void release(const std::string& key, std::unique_ptr<Connection> conn);

 private:
  std::size_t max_idle_per_host_;
  std::chrono::milliseconds idle_ttl_;
  std::mutex mutex_;
  std::map<std::string, std::vector<std::unique_ptr<Connection>>> idle_;
};

}  // namespace cbx::http
