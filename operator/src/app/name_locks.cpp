#include "app/name_locks.h"

namespace cbx::op {

NameLocks::Guard::Guard(NameLocks& locks, std::string name)
    : locks_(locks), name_(std::move(name)) {
  locks_.acquire(name_);
}

NameLocks::Guard::~Guard() {
  locks_.release(name_);
}

void NameLocks::acquire(const std::string& name) {
  std::unique_lock lock(mutex_);
  auto& entry = entries_[name];
  ++entry.waiting;
  released_.wait(lock, [&] { return !entry.held; });  // map nodes are stable
  --entry.waiting;
  entry.held = true;
}

void NameLocks::release(const std::string& name) {
  {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(name);
    if (it == entries_.end()) return;
    it->second.held = false;
    if (it->second.waiting == 0) entries_.erase(it);
  }
  released_.notify_all();
}

std::size_t NameLocks::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace cbx::op
