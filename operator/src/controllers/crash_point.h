#pragma once
// Test-only crash points for the SIGKILL end-to-end test (tests/e2e/sigkill_test.sh). Inert unless
// the environment variable CBX_FAULT_KILL_AT is set: then the process SIGKILLs itself the first
// time a named point is reached (with probability CBX_FAULT_KILL_PROBABILITY, default 1), after
// writing one line {"crashPoint":"<point>"} to stderr so the test can count where kills landed.
//
// CBX_FAULT_KILL_AT is a comma-separated list of point names:
//   after-reserve   the next sequence is reserved in status, the signer not yet called
//   during-sign     the signer answered a batch; its records exist only in this process
//   after-sign      the signed record exists only in this process, not yet published
//   during-publish  routing accepted (or refused) the record; status does not say so yet
//   during-rewrap   pre-rotation: the old signer re-encrypted a batch; a key is not yet stored
#include <string_view>

namespace cbx::op {

// Reads CBX_FAULT_KILL_AT / CBX_FAULT_KILL_PROBABILITY once; returns the armed points
// ("" when inert) so the caller can log them at start-up.
std::string_view armed_crash_points();

// Kills the process with SIGKILL when `point` is armed (and the dice say so); else returns.
void crash_point(std::string_view point);

}  // namespace cbx::op
