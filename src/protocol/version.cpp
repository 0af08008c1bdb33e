// REV decoding (protocol.md 12.1): fixed offsets, as LC and HT read it.
#include "protocol/version.h"

#include <algorithm>

#include "protocol/command.h"

namespace intergas {

namespace {

// Bytes [from, to) as a string, without '*' marks and surrounding spaces.
std::string field(ByteView b, std::size_t from, std::size_t to) {
  std::string s;
  for (std::size_t i = from; i < to; ++i) {
    if (b[i] != '*') s.push_back(static_cast<char>(b[i]));
  }
  const std::size_t first = s.find_first_not_of(' ');
  if (first == std::string::npos) return {};
  const std::size_t last = s.find_last_not_of(' ');
  return s.substr(first, last - first + 1);
}

void append_printable(std::string& out, const std::string& part) {
  if (part.empty()) return;
  if (!out.empty()) out.push_back(' ');
  for (char c : part) out.push_back(is_printable(static_cast<std::uint8_t>(c)) ? c : '?');
}

}  // namespace

std::string VersionReading::label() const {
  std::string out;
  append_printable(out, hardware);
  append_printable(out, date_code);
  append_printable(out, software);
  return out;
}

bool VersionReading::operator==(const VersionReading& o) const {
  return hardware == o.hardware && date_code == o.date_code && software == o.software &&
         separator == o.separator &&
         std::equal(rom_checksum1, rom_checksum1 + 4, o.rom_checksum1) &&
         std::equal(rom_checksum2, rom_checksum2 + 4, o.rom_checksum2);
}

VersionReading decode_version(ByteView data, Model /*m*/) {
  VersionReading r;
  if (data.size < kFrameSize) return r;  // contract violation; never read past the view
  // protocol.md 14.2 (MW): "ic3mk1   *" "P190517*" "V2.53" '-' ROM1 ROM2. EB splits at the
  // letter 'V' instead, which breaks on a board name holding a 'V'; fixed offsets are LC's and
  // HT's.
  r.hardware = field(data, 0, 10);
  r.date_code = field(data, 10, 18);
  r.software = field(data, 18, 23);
  r.separator = data[23];
  std::copy(data.begin() + 24, data.begin() + 28, r.rom_checksum1);
  std::copy(data.begin() + 28, data.begin() + 32, r.rom_checksum2);
  return r;
}

}  // namespace intergas
