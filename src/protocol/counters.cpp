// HN/H0 decoding (protocol.md 9): 16-bit counters, some widened by a high byte at 28-31.
#include "protocol/counters.h"

#include <limits>

#include "protocol/command.h"

namespace intergas {

namespace {

// The 16-bit counts are read without a high byte, so their fields hold exactly their width.
template <typename Field>
constexpr int bits = std::numeric_limits<Field>::digits;
static_assert(bits<decltype(CountersReading::power_losses)> == kCountWidths.power_losses &&
                  bits<decltype(CountersReading::ch_hours)> == kCountWidths.ch_hours &&
                  bits<decltype(CountersReading::dhw_hours)> == kCountWidths.dhw_hours &&
                  bits<decltype(CountersReading::ignition_failures)> ==
                      kCountWidths.ignition_failures &&
                  bits<decltype(CountersReading::flame_losses)> == kCountWidths.flame_losses &&
                  bits<decltype(CountersReading::resets)> == kCountWidths.resets,
              "a 16-bit count's field and its width disagree");

// A 24-bit counter: 16 low bits at `low`, the high byte at `high` (TV statistics_0 *_MSB).
std::uint32_t u24(ByteView b, std::size_t low, std::size_t high) {
  return static_cast<std::uint32_t>(read_u16le(b, low)) |
         (static_cast<std::uint32_t>(b[high]) << 16);
}

}  // namespace

bool CountersReading::operator==(const CountersReading& o) const {
  return powered_hours == o.powered_hours && power_losses == o.power_losses &&
         ch_hours == o.ch_hours && dhw_hours == o.dhw_hours && burner_starts == o.burner_starts &&
         ignition_failures == o.ignition_failures && flame_losses == o.flame_losses &&
         resets == o.resets && gas_ch_decilitres == o.gas_ch_decilitres &&
         gas_dhw_decilitres == o.gas_dhw_decilitres &&
         dhw_water_decilitres == o.dhw_water_decilitres && dhw_burner_starts == o.dhw_burner_starts;
}

CountersReading decode_counters(ByteView data, Model /*m*/) {
  CountersReading r;
  if (data.size < kFrameSize) return r;  // contract violation; never read past the view
  // protocol.md 9: EB and HT read hours and starts as 16 bits and wrap at 65535; the high bytes
  // at 30 and 31 make them 24-bit. HT's water meter/DHW starts offsets are off by one.
  r.powered_hours = u24(data, 0, 30);
  r.power_losses = read_u16le(data, 2);
  r.ch_hours = read_u16le(data, 4);
  r.dhw_hours = read_u16le(data, 6);
  r.burner_starts = u24(data, 8, 31);
  r.ignition_failures = read_u16le(data, 10);
  r.flame_losses = read_u16le(data, 12);
  r.resets = read_u16le(data, 14);
  r.gas_ch_decilitres = read_u32le(data, 16);
  r.gas_dhw_decilitres = read_u32le(data, 20);
  r.dhw_water_decilitres = u24(data, 24, 28);
  r.dhw_burner_starts = u24(data, 26, 29);
  return r;
}

}  // namespace intergas
