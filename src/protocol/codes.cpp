// Status, burner-state and fault tables (protocol.md 5.5, 6, 7).
#include "protocol/codes.h"

#include <algorithm>
#include <iterator>

namespace intergas {

namespace {

// protocol.md 6: names from the Lan2RF gateway (IC) and Intergas' Xtend UI (TV), which are
// authoritative; readers' guesses (e.g. 204 as "DHW post-run") are wrong. Ascending by code.
constexpr StatusCodeInfo kStatusCodes[] = {
    {0, "opentherm", "central heating demand via OpenTherm"},
    {15, "boiler_ext", "heating external storage boiler"},
    {24, "frost", "frost protection"},
    {37, "ch_rf", "central heating demand via RF thermostat"},
    {51, "dhw_int", "hot water, internal"},
    {85, "sensortest", "sensor test"},
    {102, "ch", "central heating demand from on/off thermostat"},
    {103, "ch_wait", "central heating, waiting"},
    {126, "standby", "standby"},
    {127, "off", "switched off"},
    {153, "postrun_boiler", "pump post-run after storage boiler heating"},
    {170, "service", "service mode"},
    {204, "dhw", "hot water production"},
    {230, "starting_ch", "starting central heating"},
    {231, "postrun_ch", "central heating pump post-run"},
    {240, "boiler_int", "heating internal storage boiler"},
    {255, "heatup", "heating up"},
};

// protocol.md 5.5: TV's burner_status options, single-bit values.
struct BurnerStateInfo {
  std::uint8_t value;
  std::string_view name;
};
constexpr BurnerStateInfo kBurnerStates[kBurnerStateCount] = {
    {0, "startup"},  {1, "interpurge"}, {2, "postpurge"}, {4, "prepurge"},  {8, "ignition"},
    {16, "waiting"}, {32, "running"},   {64, "rest"},     {128, "lockout"},
};

struct FaultInfo {
  std::uint8_t fault;
  std::string_view text;
};

// protocol.md 7, IC column: the Lan2RF gateway's E list, the better fit for HRE/HR/CW6.
constexpr FaultInfo kHreFaults[] = {
    {0, "sensor fault after self check"},
    {1, "central heating temperature too high"},
    {2, "S1 and S2 interchanged"},
    {4, "no flame signal"},
    {5, "poor flame signal"},
    {6, "flame detection fault"},
    {8, "incorrect fan speed"},
    {10, "sensor fault S1"},
    {11, "sensor fault S1"},
    {12, "sensor fault S1"},
    {13, "sensor fault S1"},
    {14, "sensor fault S1"},
    {20, "sensor fault S2"},
    {21, "sensor fault S2"},
    {22, "sensor fault S2"},
    {23, "sensor fault S2"},
    {24, "sensor fault S2"},
    {27, "short circuit outside sensor"},
    {29, "gas valve relay faulty"},
    {30, "gas valve relay faulty"},
    {0xFF, "no fault"},
};

// protocol.md 7, LC column: the Xtreme F list (copied verbatim by DM-new, JB, SO).
constexpr FaultInfo kXtremeFaults[] = {
    {0, "sensor defect"},
    {1, "temperature too high during central heating demand"},
    {2, "temperature too high during hot water demand"},
    {3, "flue gas temperature too high"},
    {4, "no flame during start-up"},
    {5, "flame disappears during operation"},
    {6, "flame simulation error"},
    {7, "no or insufficient ionisation"},
    {8, "fan speed incorrect"},
    {9, "burner controller internal fault"},
    {10, "sensor fault"},
    {11, "sensor fault"},
    {12, "sensor 5 fault"},
    {14, "mounting fault sensor"},
    {15, "mounting fault sensor S1"},
    {16, "mounting fault S3"},
    {18, "flue and/or air supply blocked"},
    {19, "BMM error"},
    {27, "short circuit of outdoor sensor"},
    {28, "reset error"},
    {29, "gas valve error"},
    {30, "sensor S3 fault"},
    {31, "sensor fault S1"},
    {0xFF, "no fault"},
};

template <std::size_t N>
std::string_view find_fault(const FaultInfo (&table)[N], std::uint8_t fault) {
  for (const FaultInfo& f : table) {
    if (f.fault == fault) return f.text;
  }
  return "unknown";
}

}  // namespace

const StatusCodeInfo* status_codes_begin() { return std::begin(kStatusCodes); }
const StatusCodeInfo* status_codes_end() { return std::end(kStatusCodes); }

const StatusCodeInfo* find_status_code(std::uint8_t code) {
  const StatusCodeInfo* it =
      std::lower_bound(status_codes_begin(), status_codes_end(), code,
                       [](const StatusCodeInfo& info, std::uint8_t c) { return info.code < c; });
  return it != status_codes_end() && it->code == code ? it : nullptr;
}

std::string_view status_name(std::uint8_t code) {
  const StatusCodeInfo* info = find_status_code(code);
  return info != nullptr ? info->name : std::string_view("unknown");
}

std::string_view burner_state_name(std::uint8_t raw) {
  for (const BurnerStateInfo& s : kBurnerStates) {
    if (s.value == raw) return s.name;
  }
  return "unknown";
}

std::string_view burner_state_name_at(int i) {
  if (i < 0 || i >= kBurnerStateCount) return "unknown";
  return kBurnerStates[i].name;
}

std::uint8_t burner_state_value_at(int i) {
  if (i < 0 || i >= kBurnerStateCount) return 0;
  return kBurnerStates[i].value;
}

std::string fault_display(std::uint8_t fault, Model m) {
  // Two digits at least, as the boiler and its manuals write them: E04 / F04, E27, F255.
  std::string out(1, fault_family(m) == FaultFamily::xtreme_f ? 'F' : 'E');
  if (fault < 10) out.push_back('0');
  out += std::to_string(fault);
  return out;
}

std::string_view fault_text(std::uint8_t fault, Model m) {
  return fault_family(m) == FaultFamily::xtreme_f ? find_fault(kXtremeFaults, fault)
                                                  : find_fault(kHreFaults, fault);
}

}  // namespace intergas
