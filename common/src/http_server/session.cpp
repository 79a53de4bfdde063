#include "http_server/session.h"

namespace cbx::http::detail {

Request from_beast(BeastRequest&& req) {
  Request out;
  out.method = std::string(req.method_string());
  out.target = std::string(req.target());
  for (const auto& field : req) {
    out.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  out.body = std::move(req.body());
  return out;
}

BeastResponse to_beast(Response&& res, unsigned version, bool keep_alive) {
  BeastResponse out;
  out.version(version);
  out.result(res.status);
  out.set(bhttp::field::content_type, res.content_type);
  for (auto& [name, value] : res.headers) out.insert(name, value);
  out.body() = std::move(res.body);
  out.keep_alive(keep_alive);
  out.prepare_payload();
  return out;
}

Response call_handler(const Handler& handler, const Request& req) {
  try {
    return handler(req);
  } catch (const std::exception& e) {
    log::error("http handler threw", {{"error", e.what()}, {"path", std::string(req.path())}});
  } catch (...) {
    log::error("http handler threw", {{"path", std::string(req.path())}});
  }
  return error_response(500, "INTERNAL", "internal error");
}

bool is_http_parse_error(const beast::error_code& ec) {
  return ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category();
}

}  // namespace cbx::http::detail
