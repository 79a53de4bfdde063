#include "kube/token_source.h"

#include <fstream>
#include <sstream>

#include "cbx/base/log.h"

namespace cbx::kube {

std::string TokenSource::token() {
  if (file_.empty()) return static_token_;
  std::lock_guard lock(mutex_);
  auto now = clock_->now();
  if (read_ && now - read_at_ < refresh_after_) return cached_;
  std::ifstream in(file_);
  if (in) {
    std::stringstream ss;
    ss << in.rdbuf();
    std::string text = ss.str();
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
      text.pop_back();
    }
    cached_ = std::move(text);
    read_at_ = now;
    read_ = true;
  } else if (!read_) {
    log::warn("cannot read token file", {{"path", file_}});
  }
  return cached_.empty() ? static_token_ : cached_;
}

}  // namespace cbx::kube
