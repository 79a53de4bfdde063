#include "kube/informer.h"

#include <algorithm>
#include <random>

#include "cbx/base/log.h"

namespace cbx::kube {

namespace {

int spread(int seconds) {
  if (seconds <= 0) return seconds;
  thread_local std::mt19937 rng{std::random_device{}()};
  return seconds + std::uniform_int_distribution<int>(0, seconds)(rng);
}

}  // namespace

void strip_managed_fields(json& object) {
  if (auto meta = object.find("metadata"); meta != object.end() && meta->is_object()) {
    meta->erase("managedFields");
  }
}

InformerBase::InformerBase(KubeClient& client, Resource resource, InformerOptions options)
    : client_(client), resource_(std::move(resource)), options_(std::move(options)) {}

InformerStats InformerBase::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

bool InformerBase::wait_for_sync(Duration timeout) const {
  std::unique_lock lock(mutex_);
  return cv_.wait_for(lock, timeout, [this] { return synced_.load() || stopped_.load(); }) &&
         synced_;
}

bool InformerBase::relist(std::string& resource_version) {
  ListOptions list_options;
  list_options.label_selector = options_.label_selector;
  list_options.limit = options_.page_size;
  auto page = client_.list(resource_, options_.namespace_name, list_options);
  if (!page) {
    log::warn("informer list failed", {{"resource", resource_.plural},
                                       {"code", page.error().code},
                                       {"error", page.error().message}});
    return false;
  }
  if (options_.transform) {
    for (auto& item : page->items) options_.transform(item);
  }
  replace_all(std::move(page->items));
  resource_version = page->resource_version;
  {
    std::lock_guard lock(mutex_);
    ++stats_.lists;
    synced_ = true;
  }
  cv_.notify_all();
  return true;
}

void InformerBase::sleep_backoff(Duration& backoff) {
  std::unique_lock lock(mutex_);
  ++stats_.errors;
  cv_.wait_for(lock, backoff, [this] { return stopped_.load(); });
  backoff = std::min(backoff * 2, options_.max_backoff);
}

void InformerBase::run() {
  std::string resource_version;
  bool need_list = true;
  Duration backoff = options_.min_backoff;
  while (!stopped_) {
    if (need_list) {
      if (!relist(resource_version)) {
        sleep_backoff(backoff);
        continue;
      }
      need_list = false;
      backoff = options_.min_backoff;
    }
    WatchOptions watch_options;
    watch_options.resource_version = resource_version;
    watch_options.label_selector = options_.label_selector;
    watch_options.timeout_seconds = spread(options_.watch_timeout_seconds);
    {
      std::lock_guard lock(mutex_);
      ++stats_.watches;
    }
    auto status = client_.watch(
        resource_, options_.namespace_name, watch_options,
        [&](WatchEvent& event) {
          backoff = options_.min_backoff;  // the server answers again
          if (auto rv = resource_version_of(event.object); !rv.empty()) resource_version = rv;
          if (event.type == "BOOKMARK") return !stopped_;
          if (options_.transform) options_.transform(event.object);
          apply_event(event.type, std::move(event.object));
          return !stopped_.load();
        },
        &cancel_);
    if (status.ok() || stopped_) continue;
    if (status.error().code == "GONE") {
      log::info("watch expired, re-listing", {{"resource", resource_.plural}});
      std::lock_guard lock(mutex_);
      ++stats_.gone;
      need_list = true;
      continue;
    }
    log::warn("watch failed", {{"resource", resource_.plural},
                               {"code", status.error().code},
                               {"error", status.error().message}});
    sleep_backoff(backoff);
  }
}

void InformerBase::stop() {
  stopped_ = true;
  cancel_.cancel();
  std::lock_guard lock(mutex_);
  cv_.notify_all();
}

}  // namespace cbx::kube
