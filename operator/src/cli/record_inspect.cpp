// `record inspect`: validates a record against an IPNS name with every check of the ipns npm
// package's ipnsValidator and prints its fields as JSON. Exit 0 only when valid.
#include <fstream>
#include <iterator>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>

#include "cbx/ipns/name.h"
#include "cbx/ipns/record.h"
#include "cli/record.h"
#include "cli/record_args.h"

namespace cbx::cli {
namespace {

struct InspectOptions {
  std::string name;
  std::string input = "-";
  std::optional<std::string> at;
};

std::optional<Bytes> read_input(const std::string& path, const Io& io) {
  if (path == "-") {
    return Bytes(std::istreambuf_iterator<char>(io.in), std::istreambuf_iterator<char>());
  }
  std::ifstream file(path, std::ios::binary);
  if (!file) return std::nullopt;
  return Bytes(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
}

nlohmann::json describe(const ipns::Record& record) {
  return {{"value", record.value},
          {"sequence", std::to_string(record.sequence)},
          {"validity", record.validity},
          {"ttl", std::to_string(record.ttl_ns)}};
}

// {valid, value, sequence, validity, ttl, error}: fields of a structurally sound record are shown
// even when it is invalid (wrong key, expired); error is null or {code, message}.
nlohmann::json report(const ipns::Name& name, ByteView record, ipns::TimePoint now) {
  nlohmann::json out = {{"valid", false},      {"value", nullptr}, {"sequence", nullptr},
                        {"validity", nullptr}, {"ttl", nullptr},   {"error", nullptr}};
  const auto validated = ipns::validate_record(name, record, now);
  if (validated) {
    out.update(describe(*validated));
    out["valid"] = true;
    return out;
  }
  if (const auto fields = ipns::unmarshal_record(record)) out.update(describe(*fields));
  out["error"] = {{"code", validated.error().code}, {"message", validated.error().message}};
  return out;
}

int inspect(const InspectOptions& options, const Io& io) {
  const auto name = ipns::parse_name(options.name);
  if (!name) return usage_error(io, "--name: " + name.error().message);
  ipns::TimePoint now = io.now();
  if (options.at) {
    const auto at = ipns::parse_validity(*options.at);
    if (!at) return usage_error(io, "--at: not an RFC 3339 time: \"" + *options.at + "\"");
    now = *at;
  }
  const auto input = read_input(options.input, io);
  if (!input) return usage_error(io, "cannot read " + options.input);
  const nlohmann::json out = report(*name, decode_record_input(*input), now);
  io.out << out.dump() << '\n';
  return out["valid"].get<bool>() ? kExitOk : kExitFailed;
}

}  // namespace

void register_record_inspect(Cli& cli, CLI::App& record) {
  auto options = std::make_shared<InspectOptions>();
  CLI::App* command = cli.add_command(
      record, "inspect",
      "Validate a record (base64 or raw) against an IPNS name; print its fields as JSON",
      [options](const Io& io) { return inspect(*options, io); });
  command->add_option("--name", options->name, "IPNS name (k51…, bafz…, 12D3KooW…, /ipns/…)")
      ->required();
  command->add_option("FILE", options->input, "Record file, base64 or raw; - for stdin")
      ->capture_default_str();
  command->add_option("--at", options->at, "Check expiry as of this RFC 3339 time, not now");
}

}  // namespace cbx::cli
