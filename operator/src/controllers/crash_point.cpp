#include "controllers/crash_point.h"

#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <mutex>
#include <random>
#include <string>

namespace cbx::op {
namespace {

struct CrashConfig {
  std::string points;  // ",a,b," for whole-name matching; empty: inert
  double probability = 1.0;
};

const CrashConfig& config() {
  static const CrashConfig config = [] {
    CrashConfig c;
    const char* points = std::getenv("CBX_FAULT_KILL_AT");
    if (points == nullptr || *points == '\0') return c;
    c.points = std::string(",") + points + ",";
    if (const char* p = std::getenv("CBX_FAULT_KILL_PROBABILITY")) {
      char* end = nullptr;
      double value = std::strtod(p, &end);
      if (end != p && value >= 0.0 && value <= 1.0) c.probability = value;
    }
    return c;
  }();
  return config;
}

bool dice(double probability) {
  if (probability >= 1.0) return true;
  static std::mutex mutex;
  static std::mt19937_64 rng{std::random_device{}()};
  std::lock_guard lock(mutex);
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng) < probability;
}

}  // namespace

std::string_view armed_crash_points() {
  const auto& points = config().points;
  return points.empty() ? std::string_view{}
                        : std::string_view(points).substr(1, points.size() - 2);
}

void crash_point(std::string_view point) {
  const auto& c = config();
  if (c.points.empty()) return;
  if (c.points.find("," + std::string(point) + ",") == std::string::npos) return;
  if (!dice(c.probability)) return;
  static std::atomic<bool> fired{false};
  if (fired.exchange(true)) std::raise(SIGKILL);  // another thread is already at its point
  // write(2), not the logger: nothing may stay in a buffer when SIGKILL lands.
  std::string line = "{\"crashPoint\":\"" + std::string(point) + "\"}\n";
  [[maybe_unused]] auto written = ::write(STDERR_FILENO, line.data(), line.size());
  std::raise(SIGKILL);
}

}  // namespace cbx::op
