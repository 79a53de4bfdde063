#pragma once
// Kubernetes API client over an HttpTransport: generic JSON resource operations (get, paginated
// list, streaming watch, create, update, patch incl. /status, delete) with bearer-token auth and
// a client-side QPS/burst limit.
//
// Error codes: NOT_FOUND (404), CONFLICT (409 resourceVersion mismatch: re-read and retry),
// ALREADY_EXISTS (409 on create), GONE (410: the resourceVersion is too old, re-list), INVALID
// (400/422, e.g. schema validation; the API server's message is kept), FORBIDDEN (403),
// UNAUTHORIZED (401), TOO_MANY_REQUESTS (429), TIMEOUT, TRANSPORT, SERVER_ERROR (5xx).
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "cbx/base/result.h"
#include "cbx/http/client.h"
#include "kube/clock.h"
#include "kube/kubeconfig.h"
#include "kube/rate_limiter.h"
#include "kube/resource.h"
#include "kube/token_source.h"

namespace cbx::kube {

using nlohmann::json;

struct ListOptions {
  std::string label_selector;
  std::string field_selector;
  int limit = 500;  // page size; 0 = no pagination
  std::string continue_token;
  std::string resource_version;
};

struct ListPage {
  std::vector<json> items;
  std::string resource_version;
  std::string continue_token;
};

struct WatchOptions {
  std::string resource_version;
  bool allow_bookmarks = true;
  int timeout_seconds = 300;  // server ends the watch after this; the caller re-watches
  std::string label_selector;
  std::string field_selector;
};

struct WatchEvent {
  std::string type;  // ADDED | MODIFIED | DELETED | BOOKMARK
  json object;
};

enum class PatchType { merge, json_patch };

struct KubeClientOptions {
  // Client-side token bucket; qps <= 0 turns it off (controller-runtime's default since 0.15: the
  // API server's Priority and Fairness is the limit, and it answers 429 when it is reached).
  double qps = 20;
  int burst = 40;
  std::chrono::milliseconds request_timeout{30'000};
  // A 429 is retried after the server's Retry-After (integer seconds; 1 s when absent, at most
  // max_retry_after) up to this many times, as client-go does: the server did not process it.
  int max_429_retries = 10;
  std::chrono::seconds max_retry_after{10};
  std::function<void(Duration)> sleep = [](Duration d) { std::this_thread::sleep_for(d); };
  // Called after every request: verb (GET, LIST, WATCH, CREATE, UPDATE, PATCH, DELETE) and the
  // HTTP status as text, or the transport error code.
  std::function<void(std::string_view verb, std::string_view code)> observe;
};

class KubeClient {
 public:
  KubeClient(std::unique_ptr<http::HttpTransport> transport, std::string server, TokenSource tokens,
             std::string default_namespace, KubeClientOptions options = {},
             const Clock& clock = system_clock());
  static Result<std::unique_ptr<KubeClient>> from_config(KubeConfig config,
                                                         KubeClientOptions options = {});

  const std::string& default_namespace() const { return default_namespace_; }
  void set_observer(std::function<void(std::string_view, std::string_view)> observe) {
    options_.observe = std::move(observe);
  }

  Result<json> get(const Resource& r, std::string_view ns, std::string_view name);
  Result<ListPage> list_page(const Resource& r, std::string_view ns, const ListOptions& options);
  // Follows continue tokens to the end; the result's resource_version is the list's.
  Result<ListPage> list(const Resource& r, std::string_view ns, ListOptions options = {});
  // Streams events until the server ends the watch (ok), on_event returns false (ok), cancel
  // fires (CANCELLED), or an error: GONE when resource_version is too old (re-list).
  Status watch(const Resource& r, std::string_view ns, const WatchOptions& options,
               const std::function<bool(WatchEvent&)>& on_event,
               http::Cancellation* cancel = nullptr);
  Result<json> create(const Resource& r, std::string_view ns, const json& object);
  // PUT; object.metadata.resourceVersion is the precondition (CONFLICT when stale).
  Result<json> update(const Resource& r, std::string_view ns, std::string_view name,
                      const json& object, std::string_view subresource = "");
  Result<json> patch(const Resource& r, std::string_view ns, std::string_view name, PatchType type,
                     const json& patch, std::string_view subresource = "");
  // Merge-patches `status` only if the object still has resource_version (else CONFLICT).
  Result<json> patch_status(const Resource& r, std::string_view ns, std::string_view name,
                            std::string_view resource_version, const json& status);
  Status remove(const Resource& r, std::string_view ns, std::string_view name);

 private:
  Result<http::Response> send(std::string_view verb, const std::string& method,
                              const std::string& path, std::string body = "",
                              std::string content_type = "");
  Result<json> send_json(std::string_view verb, const std::string& method, const std::string& path,
                         const json* body = nullptr, std::string content_type = "application/json");
  http::Request make_request(const std::string& method, const std::string& path, std::string body,
                             std::string content_type);
  Duration retry_delay(const http::Response& too_many) const;
  void observe(std::string_view verb, std::string_view code) const;

  std::unique_ptr<http::HttpTransport> transport_;
  std::string server_;
  TokenSource tokens_;
  std::string default_namespace_;
  KubeClientOptions options_;
  TokenBucket limiter_;
};

// Maps a non-2xx API response to an Error with the codes above (message from the Status body).
Error api_error(int http_status, std::string_view body);

// Runs fn until it does not fail with CONFLICT, at most `attempts` times.
template <class F>
auto retry_on_conflict(int attempts, F&& fn) -> decltype(fn()) {
  for (int i = 1;; ++i) {
    auto result = fn();
    if (result.ok() || result.error().code != "CONFLICT" || i >= attempts) return result;
  }
}

}  // namespace cbx::kube
