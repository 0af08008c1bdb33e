// Byte views and little-endian field reads for 32-byte boiler frames. No allocation, no I/O.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace intergas {

using Bytes = std::vector<std::uint8_t>;

// A non-owning view of bytes (pointer + size); the caller keeps the storage alive.
struct ByteView {
  const std::uint8_t* data = nullptr;
  std::size_t size = 0;

  constexpr ByteView() = default;
  constexpr ByteView(const std::uint8_t* d, std::size_t n) : data(d), size(n) {}
  ByteView(const Bytes& b) : data(b.data()), size(b.size()) {}  // NOLINT: implicit on purpose

  constexpr std::uint8_t operator[](std::size_t i) const { return data[i]; }
  constexpr const std::uint8_t* begin() const { return data; }
  constexpr const std::uint8_t* end() const { return data + size; }
  constexpr ByteView first(std::size_t n) const { return {data, n < size ? n : size}; }
};

// Little-endian reads at byte offset `at`; the caller guarantees at + width <= size.
constexpr std::uint16_t read_u16le(ByteView b, std::size_t at) {
  return static_cast<std::uint16_t>(b[at] | (b[at + 1] << 8));
}
constexpr std::int16_t read_i16le(ByteView b, std::size_t at) {
  // Two's complement via the unsigned value; protocol.md 4.1 (no "msb*265" arithmetic).
  return static_cast<std::int16_t>(read_u16le(b, at));
}
constexpr std::uint32_t read_u32le(ByteView b, std::size_t at) {
  return static_cast<std::uint32_t>(b[at]) | (static_cast<std::uint32_t>(b[at + 1]) << 8) |
         (static_cast<std::uint32_t>(b[at + 2]) << 16) |
         (static_cast<std::uint32_t>(b[at + 3]) << 24);
}

// An int16 field holding 0x7FFF (327.67) has no value: "not available" (protocol.md 4.2).
inline constexpr std::int16_t kNotAvailable = 0x7FFF;

// Printable ASCII, as REV's version text is (protocol.md 12.1).
constexpr bool is_printable(std::uint8_t c) { return c >= 0x20 && c <= 0x7E; }

// XOR of all bytes: the Xtreme command and reply check byte (protocol.md 13).
constexpr std::uint8_t xor_of(ByteView b) {
  std::uint8_t x = 0;
  for (std::uint8_t c : b) x = static_cast<std::uint8_t>(x ^ c);
  return x;
}

// "BC 0F CD" style upper-case hex with single spaces (what --raw prints and captures hold).
std::string to_hex(ByteView b);
// Parses hex digits, ignoring spaces, dots, colons and commas; false on an odd count or a bad
// digit.
bool parse_hex(const std::string& text, Bytes& out);

}  // namespace intergas
