// V? decoding (protocol.md 11): one signed byte per installer parameter.
#include "protocol/parameters.h"

#include "protocol/command.h"

namespace intergas {

namespace {

// protocol.md 11: offsets 0-7 are named by IDS and RB; the rest are the HRE installer-menu
// letters. The last one is "F." (with the dot), distinct from "F" at offset 24.
constexpr std::string_view kParameterNames[kParameterCount] = {
    "heater_on",    "comfort_mode", "ch_set_max", "dhw_set", "eco_days", "comfort_set",
    "dhw_at_night", "ch_at_night",  "param_1",    "param_2", "param_3",  "param_4",
    "param_5",      "param_6",      "param_7",    "param_8", "param_9",  "param_A",
    "param_b",      "param_C",      "param_c",    "param_d", "param_E",  "param_E.",
    "param_F",      "param_H",      "param_n",    "param_o", "param_P",  "param_r",
    "param_F.",
};

}  // namespace

std::string_view parameter_name(int index) {
  if (index < 0 || index >= kParameterCount) return "unknown";
  return kParameterNames[index];
}

bool ParametersReading::operator==(const ParametersReading& o) const {
  return values == o.values && unused == o.unused;
}

ParametersReading decode_parameters(ByteView data, Model /*m*/) {
  ParametersReading r;
  if (data.size < kFrameSize) return r;  // contract violation; never read past the view
  // protocol.md 11: int8 (RB, LC, EB, SO: param 6 = -7); HT's unsigned read gives 249.
  for (int i = 0; i < kParameterCount; ++i) {
    r.values[static_cast<std::size_t>(i)] =
        static_cast<std::int8_t>(data[static_cast<std::size_t>(i)]);
  }
  r.unused = data[31];
  return r;
}

}  // namespace intergas
