#include "cli/status_table.h"

#include <iomanip>
#include <sstream>

#include "controllers/readback/resolvable_condition.h"

namespace cbx::cli {
namespace {

std::string time_or_dash(const std::optional<SysTime>& t) {
  return t ? format_rfc3339(*t) : "-";
}

std::string last_error(const op::IpnsRepublish& obj) {
  if (obj.status.failures.count == 0) {
    const auto* ready = op::find_condition(obj.status.conditions, "Ready");
    return ready && ready->status == "False" ? ready->reason + ": " + ready->message : "";
  }
  return obj.status.failures.reason + " (" + std::to_string(obj.status.failures.count) +
         "x): " + obj.status.failures.message;
}

std::string resolvable(const op::IpnsRepublish& obj) {
  const auto* c = op::find_condition(obj.status.conditions, op::condition::kResolvable);
  return c ? c->status : "-";
}

std::string served_left(const op::IpnsRepublish& obj, SysTime now) {
  bool read_back = false;
  for (const auto& e : obj.status.endpoints) read_back = read_back || e.read_back.has_value();
  if (!read_back) return "-";
  auto best = op::best_served_validity(obj.status);
  return best ? format_left(*best - now) : "0s";
}

void print_row(const std::vector<std::string>& cells, const std::vector<int>& widths,
               std::size_t first, std::ostream& out) {
  for (std::size_t i = first; i < cells.size(); ++i) {
    if (i + 1 == cells.size()) {
      out << cells[i];
    } else {
      out << std::left << std::setw(i < widths.size() ? widths[i] : 0) << cells[i] << ' ';
    }
  }
  out << '\n';
}

}  // namespace

std::string format_left(Nanos left) {
  if (left <= Nanos::zero()) return "0s";
  auto minutes = std::chrono::duration_cast<std::chrono::minutes>(left).count();
  if (minutes == 0)
    return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(left).count()) + "s";
  std::ostringstream s;
  s << minutes / 60 << 'h' << std::setw(2) << std::setfill('0') << minutes % 60 << 'm';
  return s.str();
}

void print_status_table(const std::vector<op::IpnsRepublish>& folders, bool with_namespace,
                        SysTime now, std::ostream& out) {
  const std::vector<int> widths = {16, 22, 62, 10, 6, 21, 21, 10, 11};
  std::size_t first = with_namespace ? 0 : 1;
  print_row({"NAMESPACE", "NAME", "CID", "SEQUENCE", "EPOCH", "VALID UNTIL", "NEXT", "RESOLVABLE",
             "SERVED-LEFT", "LAST ERROR"},
            widths, first, out);
  for (const auto& f : folders) {
    print_row({f.ns, f.name, f.status.published_cid.empty() ? f.spec.cid : f.status.published_cid,
               f.status.published_sequence ? std::to_string(*f.status.published_sequence) : "-",
               std::to_string(op::effective_key(f).epoch), time_or_dash(f.status.valid_until),
               time_or_dash(f.status.next_republish_at), resolvable(f), served_left(f, now),
               last_error(f)},
              widths, first, out);
  }
}

void print_endpoint_details(const op::IpnsRepublish& folder, SysTime now, std::ostream& out) {
  const std::vector<int> widths = {40, 9, 16, 9, 11, 21};
  out << '\n';
  print_row({"ENDPOINT", "ACCEPTED", "READ-BACK", "SERVED", "SERVED-LEFT", "CHECKED", "FOUND"},
            widths, 0, out);
  for (const auto& e : folder.status.endpoints) {
    const auto& rb = e.read_back;
    auto seq = [](const std::optional<std::uint64_t>& s) { return s ? std::to_string(*s) : "-"; };
    bool verified = rb && rb->result == "Verified" && rb->verified_valid_until;
    print_row({e.url, seq(e.published_sequence), rb ? rb->result : "-",
               verified ? seq(rb->verified_sequence) : "-",
               verified ? format_left(*rb->verified_valid_until - now) : "-",
               rb ? time_or_dash(rb->checked_at) : "-", rb ? rb->message : e.message},
              widths, 0, out);
  }
}

}  // namespace cbx::cli
