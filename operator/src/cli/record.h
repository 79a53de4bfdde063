#pragma once
#include "cli/cli.h"

namespace cbx::cli {
// `record make` and `record inspect` (record_make.cpp, record_inspect.cpp) under `record`.
void register_record(Cli& cli);
void register_record_make(Cli& cli, CLI::App& record);
void register_record_inspect(Cli& cli, CLI::App& record);
}  // namespace cbx::cli
