// Hex rendering and parsing of raw frames (captures, --raw output, test vectors).
#include "protocol/bytes.h"

namespace intergas {

namespace {

constexpr char kHexDigits[] = "0123456789ABCDEF";

// The value of one hex digit, or -1.
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string to_hex(ByteView b) {
  std::string out;
  out.reserve(b.size * 3);
  for (std::size_t i = 0; i < b.size; ++i) {
    if (i != 0) out.push_back(' ');
    out.push_back(kHexDigits[b[i] >> 4]);
    out.push_back(kHexDigits[b[i] & 0x0F]);
  }
  return out;
}

bool parse_hex(const std::string& text, Bytes& out) {
  Bytes parsed;
  int high = -1;  // the first digit of a pair, while waiting for the second
  for (char c : text) {
    // Separators as published frames use them: "BC 0F" (MW), "BB.11" (LC #3), line breaks.
    if (c == ' ' || c == '.' || c == ':' || c == ',' || c == '\t' || c == '\n' || c == '\r') {
      continue;
    }
    const int v = hex_value(c);
    if (v < 0) return false;
    if (high < 0) {
      high = v;
    } else {
      parsed.push_back(static_cast<std::uint8_t>(high * 16 + v));
      high = -1;
    }
  }
  if (high >= 0) return false;
  out = std::move(parsed);
  return true;
}

}  // namespace intergas
