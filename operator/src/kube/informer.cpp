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

Informer::Informer(KubeClient& client, Resource resource, InformerOptions options)
    : client_(client), resource_(std::move(resource)), options_(std::move(options)) {}

void Informer::add_handlers(InformerHandlers handlers) {
  handlers_.push_back(std::move(handlers));
}

InformerStats Informer::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

bool Informer::wait_for_sync(Duration timeout) const {
  std::unique_lock lock(mutex_);
  return cv_.wait_for(lock, timeout, [this] { return synced_.load() || stopped_.load(); }) &&
         synced_;
}

void Informer::dispatch(const Delta& delta) {
  for (const auto& h : handlers_) {
    switch (delta.type) {
      case Delta::Type::added:
        if (h.on_add) h.on_add(*delta.object);
        break;
      case Delta::Type::updated:
        if (h.on_update) h.on_update(*delta.old_object, *delta.object);
        break;
      case Delta::Type::deleted:
        if (h.on_delete) h.on_delete(*delta.object);
        break;
    }
  }
}

bool Informer::relist(std::string& resource_version) {
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
  for (const auto& delta : store_.replace(std::move(page->items))) dispatch(delta);
  resource_version = page->resource_version;
  {
    std::lock_guard lock(mutex_);
    ++stats_.lists;
    synced_ = true;
  }
  cv_.notify_all();
  return true;
}

void Informer::sleep_backoff(Duration& backoff) {
  std::unique_lock lock(mutex_);
  ++stats_.errors;
  cv_.wait_for(lock, backoff, [this] { return stopped_.load(); });
  backoff = std::min(backoff * 2, options_.max_backoff);
}

void Informer::run() {
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
        [&](const WatchEvent& event) {
          backoff = options_.min_backoff;  // the server answers again
          if (auto rv = resource_version_of(event.object); !rv.empty()) resource_version = rv;
          if (event.type == "BOOKMARK") return !stopped_;
          if (options_.transform) {
            WatchEvent transformed = event;
            options_.transform(transformed.object);
            if (auto delta = store_.apply(transformed)) dispatch(*delta);
          } else if (auto delta = store_.apply(event)) {
            dispatch(*delta);
          }
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

void Informer::stop() {
  stopped_ = true;
  cancel_.cancel();
  std::lock_guard lock(mutex_);
  cv_.notify_all();
}

}  // namespace cbx::kube
