#pragma once
// JSON-lines logging: one object per line {"ts","level","msg",...fields} on stderr (or a sink a
// test installs). Fields are plain JSON values: never pass key material, plaintext or records.
#include <functional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace cbx::log {

enum class Level { debug = 0, info = 1, warn = 2, error = 3 };

void set_level(Level level);
Level level_from_string(std::string_view name);  // "debug" | "info" | "warn" | "error"
// Replaces where lines go (default: stderr). Pass nullptr to restore stderr.
void set_sink(std::function<void(const std::string& line)> sink);

void write(Level level, std::string_view msg, const nlohmann::json& fields = nlohmann::json::object());
inline void debug(std::string_view m, const nlohmann::json& f = nlohmann::json::object()) { write(Level::debug, m, f); }
inline void info(std::string_view m, const nlohmann::json& f = nlohmann::json::object()) { write(Level::info, m, f); }
inline void warn(std::string_view m, const nlohmann::json& f = nlohmann::json::object()) { write(Level::warn, m, f); }
inline void error(std::string_view m, const nlohmann::json& f = nlohmann::json::object()) { write(Level::error, m, f); }

}  // namespace cbx::log
