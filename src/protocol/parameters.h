// V? frame -> ParametersReading: 31 named installer parameters, signed bytes (protocol.md 11).
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "protocol/bytes.h"
#include "protocol/model.h"

namespace intergas {

inline constexpr int kParameterCount = 31;  // byte 31 is unused

// The metric label of parameter i: heater_on, comfort_mode, ch_set_max, dhw_set, eco_days,
// comfort_set, dhw_at_night, ch_at_night, param_1 .. param_9, param_A, param_b, param_C,
// param_c, param_d, param_E, param_E., param_F, param_H, param_n, param_o, param_P, param_r,
// param_F. (the installer-menu letters as the HRE display shows them).
std::string_view parameter_name(int index);

struct ParametersReading {
  std::array<std::int8_t, kParameterCount> values{};
  std::uint8_t unused = 0;  // byte 31

  bool operator==(const ParametersReading&) const;
  bool operator!=(const ParametersReading& o) const { return !(*this == o); }
};

ParametersReading decode_parameters(ByteView data, Model m);

}  // namespace intergas
