#pragma once
// Informer: keeps a Store in step with the API server by list + watch, and tells handlers about
// every change. Re-lists on 410 Gone (handlers see only the real differences), re-watches from
// the last resourceVersion after a dropped watch or an API server restart, backing off
// exponentially while the server is unreachable.
#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "cbx/http/client.h"
#include "kube/client.h"
#include "kube/store.h"

namespace cbx::kube {

void strip_managed_fields(json& object);

struct InformerOptions {
  std::string namespace_name;  // empty: all namespaces (or cluster-scoped)
  std::string label_selector;
  int page_size = 500;
  // Each watch asks the server to end it after this many seconds plus up to as many again at
  // random (client-go's spread), so that many informers do not re-watch in lockstep.
  int watch_timeout_seconds = 300;
  // Applied to every object before it is cached and handed to handlers (client-go's
  // SetTransform). The default drops metadata.managedFields, often the bulk of an object.
  std::function<void(json& object)> transform = strip_managed_fields;
  Duration min_backoff = std::chrono::milliseconds(500);
  Duration max_backoff = std::chrono::seconds(30);
};

struct InformerStats {
  int lists = 0;    // successful (re-)lists
  int watches = 0;  // watch requests made
  int gone = 0;     // 410 Gone seen
  int errors = 0;   // failed list/watch attempts
};

template <class Object>
struct BasicInformerHandlers {
  std::function<void(const Object& object)> on_add;
  std::function<void(const Object& old_object, const Object& object)> on_update;
  std::function<void(const Object& last_known)> on_delete;
};
using InformerHandlers = BasicInformerHandlers<json>;

// The list + watch loop, independent of what objects are decoded into.
class InformerBase {
 public:
  InformerBase(KubeClient& client, Resource resource, InformerOptions options);
  virtual ~InformerBase() = default;

  // Blocks until stop().
  void run();
  void stop();
  bool has_synced() const { return synced_; }
  // Waits up to timeout for the first list to finish.
  bool wait_for_sync(Duration timeout) const;

  const Resource& resource() const { return resource_; }
  InformerStats stats() const;

 protected:
  // A whole (re-)list, each item already transformed.
  virtual void replace_all(std::vector<json> items) = 0;
  // One ADDED / MODIFIED / DELETED event, transformed.
  virtual void apply_event(const std::string& type, json object) = 0;

 private:
  bool relist(std::string& resource_version);
  void sleep_backoff(Duration& backoff);

  KubeClient& client_;
  Resource resource_;
  InformerOptions options_;
  std::atomic<bool> synced_{false};
  std::atomic<bool> stopped_{false};
  http::Cancellation cancel_;
  mutable std::mutex mutex_;
  mutable std::condition_variable cv_;
  InformerStats stats_;
};

// Each object is decoded once, when its event arrives, into an immutable Object the store and
// every handler share (no consumer parses it again). decode must not throw: an object it cannot
// read fully is still cached (its type says how it is invalid), or the cache would miss deletes.
template <class Object>
class BasicInformer : public InformerBase {
 public:
  using Decode = std::function<Object(json&& object)>;

  BasicInformer(KubeClient& client, Resource resource, InformerOptions options, Decode decode)
      : InformerBase(client, std::move(resource), std::move(options)), decode_(std::move(decode)) {}

  // Register before run().
  void add_handlers(BasicInformerHandlers<Object> handlers) {
    handlers_.push_back(std::move(handlers));
  }
  const BasicStore<Object>& store() const { return store_; }

 protected:
  void replace_all(std::vector<json> items) override {
    std::vector<Object> decoded;
    decoded.reserve(items.size());
    for (auto& item : items) decoded.push_back(decode_(std::move(item)));
    items.clear();
    for (const auto& delta : store_.replace(std::move(decoded))) dispatch(delta);
  }
  void apply_event(const std::string& type, json object) override {
    if (auto delta = store_.apply(type, decode_(std::move(object)))) dispatch(*delta);
  }

 private:
  void dispatch(const BasicDelta<Object>& delta) {
    using Type = typename BasicDelta<Object>::Type;
    for (const auto& h : handlers_) {
      switch (delta.type) {
        case Type::added:
          if (h.on_add) h.on_add(*delta.object);
          break;
        case Type::updated:
          if (h.on_update) h.on_update(*delta.old_object, *delta.object);
          break;
        case Type::deleted:
          if (h.on_delete) h.on_delete(*delta.object);
          break;
      }
    }
  }

  Decode decode_;
  BasicStore<Object> store_;
  std::vector<BasicInformerHandlers<Object>> handlers_;
};

// The raw-JSON informer (small resources: TeeEpochs, Leases, KeyLedgers).
class Informer : public BasicInformer<json> {
 public:
  Informer(KubeClient& client, Resource resource, InformerOptions options = {})
      : BasicInformer<json>(client, std::move(resource), std::move(options),
                            [](json&& object) { return std::move(object); }) {}
};

}  // namespace cbx::kube
