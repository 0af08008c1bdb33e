// REV frame -> VersionReading: hardware name, date code, software version (protocol.md 12.1).
#pragma once

#include <cstdint>
#include <string>

#include "protocol/bytes.h"
#include "protocol/model.h"

namespace intergas {

struct VersionReading {
  std::string hardware;                // bytes 0-9, trailing spaces trimmed, e.g. "ic3mk1"
  std::string date_code;               // bytes 10-17 without the '*' marks, e.g. "P190517"
  std::string software;                // bytes 18-22, e.g. "V2.53"
  std::uint8_t separator = '-';        // byte 23
  std::uint8_t rom_checksum1[4] = {};  // bytes 24-27
  std::uint8_t rom_checksum2[4] = {};  // bytes 28-31

  // "ic3mk1 P190517 V2.53": the firmware_info label. Non-printable bytes become '?'.
  std::string label() const;

  bool operator==(const VersionReading&) const;
  bool operator!=(const VersionReading& o) const { return !(*this == o); }
};

VersionReading decode_version(ByteView data, Model m);

}  // namespace intergas
