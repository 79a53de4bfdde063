// cipherbox-republish: dispatches to the subcommands in src/cli/. To add a command, write
// src/cli/<command>.{h,cpp} with `void register_<command>(Cli&)` and call it below.
#include "cli/approve_epoch.h"
#include "cli/attestation.h"
#include "cli/audit.h"
#include "cli/cli.h"
#include "cli/keygen.h"
#include "cli/keys_export.h"
#include "cli/record.h"
#include "cli/run.h"
#include "cli/seal.h"
#include "cli/status.h"

int main(int argc, char** argv) {
  cbx::cli::Cli cli("cipherbox-republish",
                    "Keeps CipherBox IPNS records re-signed (TEE signer) and republished");
  cbx::cli::register_keygen(cli);
  cbx::cli::register_record(cli);
  cbx::cli::register_seal(cli);
  cbx::cli::register_run(cli);
  cbx::cli::register_status(cli);
  cbx::cli::register_republish_now(cli);
  cbx::cli::register_audit(cli);
  cbx::cli::register_approve_epoch(cli);
  cbx::cli::register_attestation(cli);
  cbx::cli::register_keys(cli);
  // Further commands (run, status, republish-now, approve-epoch) register here, one line each.
  return cli.run(argc, argv);
}
