// The independent oracle: the frames of protocol.md 14 with where each came from, and the value of
// every series as the source itself decoded it (the numbers printed in protocol.md 14, never a
// run of our decoder), written as the collectd metrics of docs/metrics.md. Decoder, plausibility,
// encoder, metric-mapping, CLI and end-to-end tests read this one table, and the simulator's
// profiles start from its frames. Frames marked `built` were not captured: they are assembled from
// a source's decoded values and the documented layout.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "protocol/bytes.h"
#include "protocol/command.h"
#include "protocol/model.h"

namespace intergas::golden {

// The frames as published (hex as the source wrote it); real_frame() gives each one's row.

// protocol.md 14.1; MW `Command_Sxx` (HRE, IC3 board), S? reply. MW's 33rd value (0) is an
// artefact of his Node-RED split, not a byte (protocol.md 13), so it is left out.
inline constexpr const char* kMwStatus =
    "BC 0F CD 0F D4 0F 4E 0D 14 EC 14 EC 95 00 00 00 00 00 00 00 00 00 00 00 7E 00 80 40 20 FF 00 "
    "FF";

// protocol.md 14.2; MW `command_REV.txt` (HRE, IC3 board), REV reply: "ic3mk1   *P190517*V2.53-".
inline constexpr const char* kMwVersion =
    "69 63 33 6D 6B 31 20 20 20 2A 50 31 39 30 35 31 37 2A 56 32 2E 35 33 2D 49 6B B6 94 D2 5F 2D "
    "A0";

// protocol.md 14.3; KH `src/homie_ch_intergas_reader.ino` and K3 (same bytes): the simulated
// idle S? frame of a Prestige CW6 (no pressure sensor, t5/t6 open at about -31.8).
inline constexpr const char* kKhCw6Status =
    "65 0C 50 0C 46 0C 77 0A 97 F3 96 F3 58 02 00 00 00 00 00 00 00 00 00 00 7E 00 41 40 00 FF 00 "
    "FF";

// protocol.md 14.4; LC issue #3 (Xtreme 36, ESPHome log), S? reply with its XOR byte 0x89.
inline constexpr const char* kLcXtremeStatus =
    "BB.11.92.0E.14.EC.8B.0E.14.EC.41.0C.79.00.00.00.34.08.14.EC.81.3E.00.00.7E.00.90.40.20.04.00."
    "FF."
    "89";

// protocol.md 14.4; LC issue #3 (Xtreme 36), S2 reply with its XOR byte 0x0E.
inline constexpr const char* kLcXtremeStatusExtra =
    "00.00.00.0D.00.00.6C.07.8D.07.00.00.FF.7F.FF.7F.FF.7F.0F.39.FF.00.FF.FF.FF.82.57.57.61.F8.9C."
    "D3."
    "0E";

// protocol.md 14.5; built (in protocol.md) from RB `examples/output.txt` (2021-11-23) HN values.
inline constexpr const char* kRbCounters =
    "3B 48 16 04 09 0F F6 00 D4 CC 04 00 01 00 03 00 58 70 35 03 E6 35 4F 00 09 E3 F4 37 0B 00 00 "
    "00";

// Built here from RB `examples/output.txt` (2021-11-23, burning; protocol.md 14.5) and the
// layout of protocol.md 5.1: t5/t6 open (-51.00, RB prints neither), byte 27 = 0x20 (running),
// byte 29 = 0xFF, bytes 30/31 as MW's.
inline constexpr const char* kRbStatus =
    "55 1B 97 12 49 0E 6B 0A 14 EC 14 EC AA 00 88 13 3C 05 3C 05 52 00 DD 02 00 00 98 20 25 FF 00 "
    "FF";

// Built here from RB `examples/output.txt` (protocol.md 14.5): tap flow 0.00, pump byte 170
// (15 %). RB prints no room data, so bytes 4-17 hold 0x7FFF ("not provided") and the rest 0.
inline constexpr const char* kRbStatusExtra =
    "00 00 AA 00 FF 7F FF 7F FF 7F FF 7F FF 7F FF 7F FF 7F 00 00 00 00 00 00 00 00 00 00 00 00 00 "
    "00";

// Built here from RB's CRC sample (protocol.md 10, 14.5): raw 1000 / 849 / 201. RB gives no
// frequency or voltage, so bytes 6-9 are ours: 40 (50 Hz) and 1024 (5.0 V); ROM bytes made up.
inline constexpr const char* kRbDiagnostics =
    "E8 03 51 03 C9 00 28 00 00 04 00 00 00 00 00 00 00 00 00 00 00 00 00 00 12 34 56 78 9A BC DE "
    "F0";

// Built here from RB's V? sample (protocol.md 11 table), one int8 per offset, byte 31 unused.
inline constexpr const char* kRbParameters =
    "01 00 32 32 03 00 00 00 00 00 41 4B 19 F9 19 05 01 00 00 01 14 14 19 01 23 43 3C 00 0A 00 28 "
    "00";

// Synthetic EN reply (no capture exists, protocol.md 12.3): fault 0 -> 1, fault 4 -> 2,
// fault 29 -> 0, everything else 0xFF ("none").
inline constexpr const char* kSyntheticFaultStats =
    "01 FF FF FF 02 FF FF FF FF FF FF FF FF FF FF FF FF FF FF FF FF FF FF FF FF FF FF FF FF 00 FF "
    "FF";

// Synthetic Xtreme D2 reply with its XOR byte 0x38 (protocol.md 12.4, 14.8). No capture of a D2
// reply has been published, nor any decoded D2 value: LC's reader gives only the layout (fan set
// point and actual at 0-3, pump at 10-13, valve stepper at 28-31). The values are ours: fan
// 1850 / 1846 rpm, pump 3300 / 3287 rpm, valve 120 / 118 steps; the undecoded bytes 4-9 and
// 14-27 are made up too, non-zero so that a decoder reading the wrong offsets shows.
inline constexpr const char* kSyntheticXtremeStatusExtra2 =
    "3A 07 36 07 12 00 C0 0D F4 7E E4 0C D7 0C 5E 01 A4 0D 00 00 00 00 00 00 00 00 BB 11 78 00 76 "
    "00 38";

enum class Provenance {
  captured,          // bytes a boiler sent, as the source published them
  source_simulated,  // a frame the source's own simulator produced, not a boiler
  built,             // assembled from the source's decoded values and the documented layout
  synthetic,         // made up for the tests: no capture exists
};

// One series the reply gives: collectd type and type instance with the value the source's
// decoding gives, in docs/metrics.md's units; nullopt where the series must not be dispatched (an
// open sensor, a field sent as "not available", a field the model does not have).
struct Expected {
  std::string_view type;
  std::string_view instance;
  std::optional<double> value;
};

struct RealFrame {
  std::string_view name;      // "MwStatus"
  std::string_view source;    // protocol.md 1's key and the file, e.g. "MW `Command_Sxx`"
  std::string_view section;   // "protocol.md 14.1"
  Provenance provenance;      //
  Model model;                // the model family that sent it (and that decodes it)
  std::string_view firmware;  // what the source says of the boiler and its firmware
  Command command;
  const char* hex;  // one of the constants above (33 bytes with the Xtreme's XOR byte)
  // Every series the reply gives, and those it must not give. State sets (flag, status,
  // burner_state) are listed in full. Empty for fault_stats: the contract has no metric for it.
  std::vector<Expected> expected;

  Bytes bytes() const;  // the reply, parsed
  Bytes data() const;   // its 32 data bytes (without the XOR byte)
  bool lists(std::string_view type, std::string_view instance) const;
  // The expected value of a listed series (nullopt: not dispatched). Asking for a series the row
  // does not list is a bug in the test: it aborts.
  std::optional<double> value(std::string_view type, std::string_view instance) const;
};

// Every frame of the table, in protocol.md 14's order.
const std::vector<RealFrame>& real_frames();
// The frames that answer `c`, in the table's order.
std::vector<RealFrame> frames_answering(Command c);
// The row of one of the constants above (aborts for any other pointer).
const RealFrame& real_frame(const char* hex);
// The row that answers `c` with exactly these 32 data bytes, or nullptr.
const RealFrame* find_frame(Command c, ByteView data);

// Parses one of the constants above; an unparsable constant gives an empty frame, which every
// test using it then fails on. Inline: a test that needs only the bytes links nothing.
inline Bytes frame(const char* hex) {
  Bytes out;
  if (!parse_hex(hex, out)) out.clear();
  return out;
}

}  // namespace intergas::golden
