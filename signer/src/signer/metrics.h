#pragma once
// What the signer counts. The Prometheus implementation lives in signer_metrics/ (not built for
// the fuzzer); NullMetrics counts nothing. Labels are fixed sets: routes and error codes, never
// entry ids, names or anything a client chose freely.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace cbx::signer {

class Metrics {
 public:
  virtual ~Metrics() = default;
  virtual void request(std::string_view route, unsigned status, double seconds) = 0;
  // op: "sign" | "rewrap"; result: "ok" or the entry's error code.
  virtual void entry(std::string_view op, std::string_view result) = 0;
  virtual void batch(std::string_view op, std::size_t entries) = 0;
  virtual void epoch_keys_cached(std::size_t count) = 0;
  // Prometheus text exposition; nullopt when metrics are not collected.
  virtual std::optional<std::string> exposition() = 0;
};

class NullMetrics : public Metrics {
 public:
  void request(std::string_view, unsigned, double) override {}
  void entry(std::string_view, std::string_view) override {}
  void batch(std::string_view, std::size_t) override {}
  void epoch_keys_cached(std::size_t) override {}
  std::optional<std::string> exposition() override { return std::nullopt; }
};

}  // namespace cbx::signer
