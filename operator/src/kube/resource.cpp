#include "kube/resource.h"

#include "cbx/http/url.h"

namespace cbx::kube {

std::string Resource::collection_path(std::string_view ns) const {
  std::string path = group.empty() ? "/api/" + version : "/apis/" + group + "/" + version;
  if (namespaced && !ns.empty()) path += "/namespaces/" + http::url_encode(ns);
  return path + "/" + plural;
}

std::string Resource::item_path(std::string_view ns, std::string_view name,
                                std::string_view subresource) const {
  std::string path = collection_path(ns) + "/" + http::url_encode(name);
  if (!subresource.empty()) path += "/" + std::string(subresource);
  return path;
}

std::string object_key(std::string_view ns, std::string_view name) {
  if (ns.empty()) return std::string(name);
  return std::string(ns) + "/" + std::string(name);
}

std::pair<std::string, std::string> split_key(std::string_view key) {
  auto slash = key.find('/');
  if (slash == std::string_view::npos) return {"", std::string(key)};
  return {std::string(key.substr(0, slash)), std::string(key.substr(slash + 1))};
}

}  // namespace cbx::kube
