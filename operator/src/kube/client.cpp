#include "kube/client.h"

#include <charconv>

#include "cbx/http/beast_client.h"
#include "cbx/http/url.h"

namespace cbx::kube {
namespace {

// Appends "&key=value" (or "?key=value" first) when value is non-empty.
void add_query(std::string& path, std::string_view key, std::string_view value) {
  if (value.empty()) return;
  path += path.find('?') == std::string::npos ? '?' : '&';
  path += std::string(key) + "=" + http::url_encode(value);
}

const char* code_for_status(int status, std::string_view reason) {
  switch (status) {
    case 401:
      return "UNAUTHORIZED";
    case 403:
      return "FORBIDDEN";
    case 404:
      return "NOT_FOUND";
    case 409:
      return reason == "AlreadyExists" ? "ALREADY_EXISTS" : "CONFLICT";
    case 410:
      return "GONE";
    case 400:
    case 422:
      return "INVALID";
    case 429:
      return "TOO_MANY_REQUESTS";
    case 504:
      return "TIMEOUT";
    default:
      return status >= 500 ? "SERVER_ERROR" : "INVALID";
  }
}

Error transport_error(const Error& e) {
  if (e.code == "TIMEOUT" || e.code == "CANCELLED") return e;
  return make_error("TRANSPORT", e.code + ": " + e.message);
}

Error watch_error_event(const json& status) {
  int code = status.value("code", 500);
  return api_error(code, status.dump());
}

}  // namespace

Error api_error(int http_status, std::string_view body) {
  std::string reason;
  std::string message;
  auto parsed = json::parse(body, nullptr, false);
  if (parsed.is_object()) {
    reason = parsed.value("reason", "");
    message = parsed.value("message", "");
  }
  if (message.empty()) message = "HTTP " + std::to_string(http_status);
  return make_error(code_for_status(http_status, reason), message);
}

KubeClient::KubeClient(std::unique_ptr<http::HttpTransport> transport, std::string server,
                       TokenSource tokens, std::string default_namespace, KubeClientOptions options,
                       const Clock& clock)
    : transport_(std::move(transport)),
      server_(std::move(server)),
      tokens_(std::move(tokens)),
      default_namespace_(std::move(default_namespace)),
      options_(std::move(options)),
      limiter_(options_.qps, options_.burst, clock) {
  while (!server_.empty() && server_.back() == '/') server_.pop_back();
}

Result<std::unique_ptr<KubeClient>> KubeClient::from_config(KubeConfig config,
                                                            KubeClientOptions options) {
  http::ClientOptions http_options;
  http_options.tls = std::move(config.tls);
  http_options.user_agent = "cipherbox-republish/0.1";
  auto transport = http::make_beast_client(std::move(http_options));
  if (!transport) return transport.error();
  TokenSource tokens(std::move(config.token), std::move(config.token_file));
  return std::make_unique<KubeClient>(std::move(transport.value()), std::move(config.server),
                                      std::move(tokens), std::move(config.namespace_name),
                                      std::move(options));
}

void KubeClient::observe(std::string_view verb, std::string_view code) const {
  if (options_.observe) options_.observe(verb, code);
}

http::Request KubeClient::make_request(const std::string& method, const std::string& path,
                                       std::string body, std::string content_type) {
  http::Request req;
  req.method = method;
  req.url = server_ + path;
  req.headers.emplace_back("Accept", "application/json");
  if (auto token = tokens_.token(); !token.empty()) {
    req.headers.emplace_back("Authorization", "Bearer " + token);
  }
  if (!content_type.empty()) req.headers.emplace_back("Content-Type", std::move(content_type));
  req.body = std::move(body);
  req.timeout = options_.request_timeout;
  return req;
}

Duration KubeClient::retry_delay(const http::Response& too_many) const {
  std::chrono::seconds delay{1};
  auto header = http::find_header(too_many.headers, "retry-after").value_or("");
  std::uint64_t seconds = 0;
  const char* end = header.data() + header.size();
  auto parsed = std::from_chars(header.data(), end, seconds);
  if (!header.empty() && parsed.ec == std::errc{} && parsed.ptr == end) {
    delay = std::chrono::seconds(std::min<std::uint64_t>(
        seconds, static_cast<std::uint64_t>(options_.max_retry_after.count())));
  }
  return std::min<Duration>(delay, options_.max_retry_after);
}

Result<http::Response> KubeClient::send(std::string_view verb, const std::string& method,
                                        const std::string& path, std::string body,
                                        std::string content_type) {
  for (int attempt = 0;; ++attempt) {
    limiter_.wait();
    auto res = transport_->request(make_request(method, path, body, content_type));
    if (!res) {
      observe(verb, res.error().code);
      return transport_error(res.error());
    }
    observe(verb, std::to_string(res->status));
    if (res->status != 429 || attempt >= options_.max_429_retries) return res;
    options_.sleep(retry_delay(*res));
  }
}

Result<json> KubeClient::send_json(std::string_view verb, const std::string& method,
                                   const std::string& path, const json* body,
                                   std::string content_type) {
  auto res = send(verb, method, path, body ? body->dump() : std::string(),
                  body ? std::move(content_type) : std::string());
  if (!res) return res.error();
  if (res->status < 200 || res->status >= 300) return api_error(res->status, res->body);
  auto parsed = json::parse(res->body, nullptr, false);
  if (parsed.is_discarded()) return make_error("TRANSPORT", "API server sent invalid JSON");
  return parsed;
}

Result<json> KubeClient::get(const Resource& r, std::string_view ns, std::string_view name) {
  return send_json("GET", "GET", r.item_path(ns, name));
}

Result<ListPage> KubeClient::list_page(const Resource& r, std::string_view ns,
                                       const ListOptions& options) {
  std::string path = r.collection_path(ns);
  add_query(path, "labelSelector", options.label_selector);
  add_query(path, "fieldSelector", options.field_selector);
  if (options.limit > 0) add_query(path, "limit", std::to_string(options.limit));
  add_query(path, "continue", options.continue_token);
  add_query(path, "resourceVersion", options.resource_version);
  auto body = send_json("LIST", "GET", path);
  if (!body) return body.error();
  ListPage page;
  const json& metadata = (*body)["metadata"];
  if (metadata.is_object()) {
    page.resource_version = metadata.value("resourceVersion", "");
    page.continue_token = metadata.value("continue", "");
  }
  if (auto& items = (*body)["items"]; items.is_array()) {
    page.items.reserve(items.size());
    for (auto& item : items) {
      // List items carry no apiVersion/kind; add them so cached objects look like GET results.
      item["apiVersion"] = r.api_version();
      item["kind"] = r.kind;
      page.items.push_back(std::move(item));
    }
  }
  return page;
}

Result<ListPage> KubeClient::list(const Resource& r, std::string_view ns, ListOptions options) {
  auto first = list_page(r, ns, options);
  if (!first) return first;
  ListPage all = std::move(first.value());
  ListOptions next_options = options;
  next_options.resource_version.clear();  // a continue token carries the snapshot
  while (!all.continue_token.empty()) {
    next_options.continue_token = all.continue_token;
    auto next = list_page(r, ns, next_options);
    if (next.ok()) {
      for (auto& item : next->items) all.items.push_back(std::move(item));
      all.continue_token = next->continue_token;
      continue;
    }
    if (next.error().code != "GONE" || options.limit == 0) return next.error();
    // The snapshot behind the continue token was compacted away; as client-go's pager does,
    // fall back to one unpaginated list.
    options.limit = 0;
    options.continue_token.clear();
    return list_page(r, ns, options);
  }
  return all;
}

Status KubeClient::watch(const Resource& r, std::string_view ns, const WatchOptions& options,
                         const std::function<bool(WatchEvent&)>& on_event,
                         http::Cancellation* cancel) {
  std::string path = r.collection_path(ns);
  add_query(path, "watch", "1");
  add_query(path, "resourceVersion", options.resource_version);
  if (options.allow_bookmarks) add_query(path, "allowWatchBookmarks", "true");
  if (options.timeout_seconds > 0) {
    add_query(path, "timeoutSeconds", std::to_string(options.timeout_seconds));
  }
  add_query(path, "labelSelector", options.label_selector);
  add_query(path, "fieldSelector", options.field_selector);
  limiter_.wait();
  auto req = make_request("GET", path, "", "");
  // Bookmarks arrive about once a minute; allow the whole watch window plus slack in silence.
  req.timeout = std::chrono::seconds(std::max(options.timeout_seconds, 60) + 30);

  std::string pending;
  std::optional<Error> failure;
  auto on_chunk = [&](std::string_view data) {
    pending.append(data);
    std::size_t start = 0;
    for (auto nl = pending.find('\n', start); nl != std::string::npos;
         nl = pending.find('\n', start)) {
      std::string_view line(pending.data() + start, nl - start);
      start = nl + 1;
      if (line.empty()) continue;
      auto parsed = json::parse(line, nullptr, false);
      if (!parsed.is_object()) {
        failure = make_error("TRANSPORT", "invalid watch event");
        return false;
      }
      WatchEvent event{parsed.value("type", ""), std::move(parsed["object"])};
      if (event.type == "ERROR") {
        failure = watch_error_event(event.object);
        return false;
      }
      if (!on_event(event)) return false;
    }
    pending.erase(0, start);
    return true;
  };
  auto res = transport_->stream(req, on_chunk, cancel);
  if (!res) {
    observe("WATCH", res.error().code);
    return transport_error(res.error());
  }
  observe("WATCH", std::to_string(res->status));
  if (res->status < 200 || res->status >= 300) return api_error(res->status, res->body);
  if (failure) return *failure;
  return ok_status();
}

Result<json> KubeClient::create(const Resource& r, std::string_view ns, const json& object) {
  return send_json("CREATE", "POST", r.collection_path(ns), &object);
}

Result<json> KubeClient::update(const Resource& r, std::string_view ns, std::string_view name,
                                const json& object, std::string_view subresource) {
  return send_json("UPDATE", "PUT", r.item_path(ns, name, subresource), &object);
}

Result<json> KubeClient::patch(const Resource& r, std::string_view ns, std::string_view name,
                               PatchType type, const json& patch, std::string_view subresource) {
  const char* content_type =
      type == PatchType::merge ? "application/merge-patch+json" : "application/json-patch+json";
  return send_json("PATCH", "PATCH", r.item_path(ns, name, subresource), &patch, content_type);
}

Result<json> KubeClient::patch_status(const Resource& r, std::string_view ns, std::string_view name,
                                      std::string_view resource_version, const json& status) {
  json body = {{"metadata", {{"resourceVersion", std::string(resource_version)}}},
               {"status", status}};
  return patch(r, ns, name, PatchType::merge, body, "status");
}

Status KubeClient::remove(const Resource& r, std::string_view ns, std::string_view name) {
  auto res = send_json("DELETE", "DELETE", r.item_path(ns, name));
  if (!res) return res.error();
  return ok_status();
}

}  // namespace cbx::kube
