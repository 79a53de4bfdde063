#pragma once
// An HttpTransport for fuzz targets: every request gets the one response the input describes.
#include "cbx/http/client.h"

namespace cbx::fuzz {

class OneResponse : public http::HttpTransport {
 public:
  explicit OneResponse(http::Response response) : response_(std::move(response)) {}
  Result<http::Response> request(const http::Request&) override { return response_; }
  Result<http::Response> stream(const http::Request&, const http::ChunkHandler&,
                                http::Cancellation*) override {
    return make_error("TRANSPORT", "not used");
  }

 private:
  http::Response response_;
};

// Splits the input at the first '\n' (or returns everything as the tail).
inline std::pair<std::string, std::string> split_line(const std::uint8_t* data, std::size_t size) {
  std::string all(reinterpret_cast<const char*>(data), size);
  auto nl = all.find('\n');
  if (nl == std::string::npos) return {"", all};
  return {all.substr(0, nl), all.substr(nl + 1)};
}

}  // namespace cbx::fuzz
