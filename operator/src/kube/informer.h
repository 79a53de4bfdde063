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

struct InformerHandlers {
  std::function<void(const json& object)> on_add;
  std::function<void(const json& old_object, const json& object)> on_update;
  std::function<void(const json& last_known)> on_delete;
};

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

class Informer {
 public:
  Informer(KubeClient& client, Resource resource, InformerOptions options = {});

  // Register before run().
  void add_handlers(InformerHandlers handlers);
  // Blocks until stop().
  void run();
  void stop();
  bool has_synced() const { return synced_; }
  // Waits up to timeout for the first list to finish.
  bool wait_for_sync(Duration timeout) const;

  const Store& store() const { return store_; }
  const Resource& resource() const { return resource_; }
  InformerStats stats() const;

 private:
  bool relist(std::string& resource_version);
  void dispatch(const Delta& delta);
  void sleep_backoff(Duration& backoff);

  KubeClient& client_;
  Resource resource_;
  InformerOptions options_;
  Store store_;
  std::vector<InformerHandlers> handlers_;
  std::atomic<bool> synced_{false};
  std::atomic<bool> stopped_{false};
  http::Cancellation cancel_;
  mutable std::mutex mutex_;
  mutable std::condition_variable cv_;
  InformerStats stats_;
};

}  // namespace cbx::kube
