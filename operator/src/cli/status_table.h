#pragma once
// What `cipherbox-republish status` prints, from parsed IpnsRepublish objects (no cluster I/O):
// one row per folder, and for a single folder the read-back of each routing endpoint.
#include <ostream>
#include <vector>

#include "api/v1alpha1/ipns_republish.h"
#include "cbx/base/duration.h"

namespace cbx::cli {

// Columns: [NAMESPACE] NAME CID SEQUENCE EPOCH VALID UNTIL NEXT RESOLVABLE SERVED-LEFT LAST ERROR.
// SERVED-LEFT: how long the best record an endpoint was verified to serve stays valid after
// `now` ("-" before the first read-back, "0s" when none serves one).
void print_status_table(const std::vector<op::IpnsRepublish>& folders, bool with_namespace,
                        SysTime now, std::ostream& out);

// Per endpoint: URL, sequence accepted, read-back result, verified sequence, its validity left,
// when it was checked, and what was found.
void print_endpoint_details(const op::IpnsRepublish& folder, SysTime now, std::ostream& out);

// "41h03m" style remaining time (negative durations as "0s").
std::string format_left(Nanos left);

}  // namespace cbx::cli
