#include "cli/seed_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "cbx/crypto/ed25519.h"

namespace cbx::cli {
namespace {

constexpr std::size_t kHexSeedSize = 2 * ed25519::kSeedSize;
constexpr std::size_t kMaxSeedFileSize = kHexSeedSize + 2;  // hex + "\r\n"

Error bad_seed_file(const std::string& path, const std::string& why) {
  return make_error("BAD_SEED_FILE", "seed file " + path + ": " + why);
}

int hex_digit(std::uint8_t c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Reads at most kMaxSeedFileSize + 1 bytes (enough to tell "too large") into secret memory.
Result<SecretBytes> read_small_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return bad_seed_file(path, std::strerror(errno));
  SecretBytes buffer(kMaxSeedFileSize + 1);
  std::size_t size = 0;
  while (size < buffer.size()) {
    const ssize_t n = ::read(fd, buffer.data() + size, buffer.size() - size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int saved = errno;
      ::close(fd);
      return bad_seed_file(path, std::strerror(saved));
    }
    if (n == 0) break;
    size += static_cast<std::size_t>(n);
  }
  ::close(fd);
  SecretBytes content(buffer.data(), size);
  return content;
}

bool strip_one_newline(ByteView& text) {
  if (text.size() == kHexSeedSize + 1 && text.back() == '\n') {
    text = text.first(kHexSeedSize);
  } else if (text.size() == kHexSeedSize + 2 && text[kHexSeedSize] == '\r' && text.back() == '\n') {
    text = text.first(kHexSeedSize);
  }
  return text.size() == kHexSeedSize;
}

Result<SecretBytes> seed_from_hex(const std::string& path, ByteView text) {
  SecretBytes seed(ed25519::kSeedSize);
  for (std::size_t i = 0; i < ed25519::kSeedSize; ++i) {
    const int hi = hex_digit(text[2 * i]);
    const int lo = hex_digit(text[2 * i + 1]);
    if (hi < 0 || lo < 0) return bad_seed_file(path, "64 characters but not hex");
    seed.data()[i] = static_cast<std::uint8_t>(hi << 4 | lo);
  }
  return seed;
}

Status write_all(int fd, const SecretBytes& bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return make_error("WRITE_FAILED", std::strerror(errno));
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) return make_error("WRITE_FAILED", std::strerror(errno));
  return ok_status();
}

}  // namespace

Result<SecretBytes> read_seed_file(const std::string& path) {
  auto content = read_small_file(path);
  if (!content) return content.error();
  if (content->size() == ed25519::kSeedSize) return std::move(content.value());
  ByteView text = content->span();
  if (!strip_one_newline(text)) {
    return bad_seed_file(path, "must hold 32 raw bytes or 64 hex characters, has " +
                                   std::to_string(content->size()) +
                                   (content->size() > kMaxSeedFileSize ? "+" : "") + " bytes");
  }
  return seed_from_hex(path, text);
}

Status write_seed_file(const std::string& path, const SecretBytes& seed, bool overwrite) {
  const int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (overwrite ? O_TRUNC : O_EXCL);
  const int fd = ::open(path.c_str(), flags, 0600);
  if (fd < 0) {
    if (errno == EEXIST) {
      return make_error("FILE_EXISTS", path + " already exists (use --force to overwrite)");
    }
    return make_error("WRITE_FAILED", path + ": " + std::strerror(errno));
  }
  Status written = ::fchmod(fd, 0600) == 0 ? write_all(fd, seed)
                                           : make_error("WRITE_FAILED", std::strerror(errno));
  if (::close(fd) != 0 && written) written = make_error("WRITE_FAILED", std::strerror(errno));
  if (!written) {
    if (!overwrite) ::unlink(path.c_str());  // no half-written key file of our own left behind
    return make_error("WRITE_FAILED", path + ": " + written.error().message);
  }
  return ok_status();
}

}  // namespace cbx::cli
