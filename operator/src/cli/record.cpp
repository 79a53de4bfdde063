#include "cli/record.h"

namespace cbx::cli {

void register_record(Cli& cli) {
  CLI::App* record = cli.add_group(cli.app(), "record", "Make and inspect IPNS records");
  register_record_make(cli, *record);
  register_record_inspect(cli, *record);
}

}  // namespace cbx::cli
