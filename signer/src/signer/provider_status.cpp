#include "signer/provider_status.h"

#include "cbx/base/log.h"

namespace cbx::signer {

ProviderStatus::ProviderStatus(KeyProvider& provider, Intervals intervals)
    : provider_(provider), intervals_(intervals), thread_([this] { run(); }) {}

ProviderStatus::~ProviderStatus() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

bool ProviderStatus::ready() const {
  std::lock_guard lock(mu_);
  return ready_;
}

std::optional<ProviderInfo> ProviderStatus::info() const {
  std::lock_guard lock(mu_);
  return info_;
}

bool ProviderStatus::wait_first_check() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return checked_ || stopping_; });
  return ready_;
}

void ProviderStatus::run() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    lock.unlock();
    auto fetched = provider_.info();  // may take the provider's whole timeout: no lock held
    lock.lock();
    if (fetched) {
      if (!ready_) log::info("key provider reachable");
      info_ = std::move(*fetched);
    } else if (ready_ || !checked_) {
      log::warn("key provider info failed",
                {{"code", fetched.error().code}, {"error", fetched.error().message}});
    }
    ready_ = fetched.ok();
    checked_ = true;
    cv_.notify_all();
    cv_.wait_for(lock, ready_ ? intervals_.refresh : intervals_.retry, [&] { return stopping_; });
  }
}

}  // namespace cbx::signer
