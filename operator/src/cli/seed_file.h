#pragma once
// Ed25519 seed files as the CLI reads and writes them. Accepted on read: exactly 32 raw bytes, or
// 64 hex characters optionally followed by one newline ("\n" or "\r\n"). Written by keygen: 32
// raw bytes, mode 0600. Error messages name the file, never its content.
#include <string>

#include "cbx/base/result.h"
#include "cbx/base/secret_bytes.h"

namespace cbx::cli {

// Error code BAD_SEED_FILE (unreadable, wrong size, not hex).
Result<SecretBytes> read_seed_file(const std::string& path);

// Writes `seed` to a new file with mode 0600. An existing file is an error (code FILE_EXISTS)
// unless `overwrite`; then it is truncated and its mode reset to 0600. I/O errors: WRITE_FAILED.
Status write_seed_file(const std::string& path, const SecretBytes& seed, bool overwrite);

}  // namespace cbx::cli
