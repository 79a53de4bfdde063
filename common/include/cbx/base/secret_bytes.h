#pragma once
// SecretBytes: the only type that holds key material (seeds, epoch keys, ECDH secrets, AES keys).
// Move-only, zeroed with OPENSSL_cleanse on destruction and on move-from, and deliberately
// without any stream or fmt formatter so it cannot be logged by accident.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace cbx {

class SecretBytes {
 public:
  SecretBytes() = default;
  explicit SecretBytes(std::size_t size);
  SecretBytes(const std::uint8_t* data, std::size_t size);
  ~SecretBytes();
  SecretBytes(SecretBytes&& other) noexcept;
  SecretBytes& operator=(SecretBytes&& other) noexcept;
  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;

  std::uint8_t* data() { return bytes_.data(); }
  const std::uint8_t* data() const { return bytes_.data(); }
  std::size_t size() const { return bytes_.size(); }
  bool empty() const { return bytes_.empty(); }
  std::span<const std::uint8_t> span() const { return bytes_; }
  std::span<std::uint8_t> mutable_span() { return bytes_; }
  void wipe();

 private:
  std::vector<std::uint8_t> bytes_;
};

// Constant-time equality (length checked first, in the clear: lengths are not secret here).
bool constant_time_equal(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b);

}  // namespace cbx
