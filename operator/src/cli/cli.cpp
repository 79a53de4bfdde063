#include "cli/cli.h"

#include <iostream>
#include <utility>

namespace cbx::cli {
namespace {

constexpr std::string_view kProgram = "cipherbox-republish";

void print_line(std::ostream& stream, std::string_view message) {
  stream << kProgram << ": " << message << '\n' << std::flush;
}

// The deepest subcommand the user selected ("record" -> "make").
const CLI::App* selected_command(const CLI::App& app) {
  const CLI::App* current = &app;
  while (!current->get_subcommands().empty()) current = current->get_subcommands().front();
  return current;
}

}  // namespace

Io Io::standard() {
  return Io{std::cin, std::cout, std::cerr, [] {
              return std::chrono::time_point_cast<std::chrono::nanoseconds>(ipns::Clock::now());
            }};
}

int usage_error(const Io& io, std::string_view message) {
  print_line(io.err, message);
  return kExitUsage;
}

int failure(const Io& io, std::string_view message) {
  print_line(io.err, message);
  return kExitFailed;
}

Cli::Cli(std::string name, std::string description, Io io)
    : app_(std::move(description), std::move(name)), io_(std::move(io)) {
  app_.require_subcommand(1);
  // One line, whatever CLI11 found wrong; `--help` still prints the full help on stdout.
  app_.failure_message([](const CLI::App*, const CLI::Error& e) {
    return std::string(kProgram) + ": " + e.what() + " (see --help)\n";
  });
}

CLI::App* Cli::add_command(CLI::App& parent, std::string name, std::string description,
                           Handler handler) {
  CLI::App* command = parent.add_subcommand(std::move(name), std::move(description));
  handlers_[command] = std::move(handler);
  return command;
}

CLI::App* Cli::add_group(CLI::App& parent, std::string name, std::string description) {
  CLI::App* group = parent.add_subcommand(std::move(name), std::move(description));
  group->require_subcommand(1);
  return group;
}

int Cli::run(int argc, const char* const* argv) {
  try {
    app_.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app_.exit(e, io_.out, io_.err);
    return code == static_cast<int>(CLI::ExitCodes::Success) ? kExitOk : kExitUsage;
  }
  const auto handler = handlers_.find(selected_command(app_));
  if (handler == handlers_.end()) return usage_error(io_, "no command selected (see --help)");
  return handler->second(io_);
}

}  // namespace cbx::cli
