#pragma once
// The command-line front end of cipherbox-republish: a CLI11 app that commands register into.
// Each command lives in its own file with a `register_<command>(Cli&)` function; main.cpp calls
// them. A command's handler runs after a successful parse and returns the process exit code.
#include <CLI/CLI.hpp>
#include <functional>
#include <iosfwd>
#include <map>
#include <string>
#include <string_view>

#include "cbx/ipns/validity.h"

namespace cbx::cli {

// Exit codes shared by every command.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;  // the command ran and the answer is "no" / an I/O failure
inline constexpr int kExitUsage = 2;   // bad arguments: one line on stderr

// Where a command reads and writes, and what time it is (tests substitute all of these).
struct Io {
  std::istream& in;
  std::ostream& out;
  std::ostream& err;
  std::function<ipns::TimePoint()> now;

  static Io standard();
};

// Writes "cipherbox-republish: <message>" on err and returns kExitUsage / kExitFailed.
int usage_error(const Io& io, std::string_view message);
int failure(const Io& io, std::string_view message);

class Cli {
 public:
  using Handler = std::function<int(const Io&)>;

  Cli(std::string name, std::string description, Io io = Io::standard());

  CLI::App& app() { return app_; }
  const Io& io() const { return io_; }

  // Adds subcommand `name` under `parent`; `handler` runs when it is the command selected.
  CLI::App* add_command(CLI::App& parent, std::string name, std::string description,
                        Handler handler);
  // A subcommand that only groups others ("record make", "record inspect").
  CLI::App* add_group(CLI::App& parent, std::string name, std::string description);

  // Parses argv and runs the selected command. Parse errors: one line on stderr, exit 2.
  int run(int argc, const char* const* argv);

 private:
  CLI::App app_;
  Io io_;
  std::map<const CLI::App*, Handler> handlers_;
};

}  // namespace cbx::cli
