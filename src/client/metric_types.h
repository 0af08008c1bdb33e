// The metric contract's types (docs/metrics.md): every collectd type the plugin dispatches, with
// its data-source kind, unit and range, in one table. intergas.types.db says the same (a unit test
// compares them), the plugin checks the daemon's types and Exclude names against it, and
// metrics.cpp writes values only through the typed constants in `types::`, so a gauge written as a
// counter (or the reverse) does not compile.
#pragma once

#include <cstddef>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>

namespace intergas {

enum class DsKind { gauge, derive };

// docs/metrics.md's two tables: what the boiler says, and the health of the link to it (dispatched
// on every read, also while the boiler is unreachable).
enum class MetricGroup { boiler_data, health };

// One type of intergas.types.db: a single data source named "value".
struct MetricType {
  std::string_view name;  // the collectd type, e.g. "temperature_celsius"
  DsKind kind;
  MetricGroup group;
  std::string_view unit;      // what the value counts, e.g. "degC", "bar", "1" for a ratio
  std::optional<double> min;  // the types.db range; nullopt is "U" (unbounded)
  std::optional<double> max;
};

// A type whose kind is part of its C++ type: Out::gauge takes only a GaugeType, Out::derive only
// a DeriveType.
template <DsKind Kind>
struct TypedMetricType {
  std::string_view name;
  MetricGroup group;
  std::string_view unit;
  std::optional<double> min;
  std::optional<double> max;
  constexpr operator MetricType() const { return {name, Kind, group, unit, min, max}; }  // NOLINT
};
using GaugeType = TypedMetricType<DsKind::gauge>;
using DeriveType = TypedMetricType<DsKind::derive>;

namespace types {
inline constexpr std::nullopt_t U = std::nullopt;  // "U" in types.db: no bound
inline constexpr MetricGroup kData = MetricGroup::boiler_data;
inline constexpr MetricGroup kHealth = MetricGroup::health;

// Boiler data (docs/metrics.md "Boiler data").
inline constexpr GaugeType temperature_celsius{"temperature_celsius", kData, "degC", U, U};
inline constexpr GaugeType setpoint_celsius{"setpoint_celsius", kData, "degC", U, U};
inline constexpr GaugeType pressure_bar{"pressure_bar", kData, "bar", 0, U};
inline constexpr GaugeType fan_speed_rpm{"fan_speed_rpm", kData, "rpm", 0, U};
inline constexpr GaugeType pump_speed_rpm{"pump_speed_rpm", kData, "rpm", 0, U};
// A stepper motor's position; its sign and zero are the firmware's (protocol.md 12.4).
inline constexpr GaugeType valve_position_steps{"valve_position_steps", kData, "steps", U, U};
inline constexpr GaugeType pwm_ratio{"pwm_ratio", kData, "1", 0, 1};
inline constexpr GaugeType ionisation_current_amperes{"ionisation_current_amperes", kData, "A", U,
                                                      U};
inline constexpr GaugeType tap_flow_liters_per_minute{"tap_flow_liters_per_minute", kData, "l/min",
                                                      U, U};
inline constexpr GaugeType flag{"flag", kData, "boolean", 0, 1};
inline constexpr GaugeType status_code{"status_code", kData, "code", 0, 255};
inline constexpr GaugeType status{"status", kData, "boolean", 0, 1};
inline constexpr GaugeType burner_state{"burner_state", kData, "boolean", 0, 1};
inline constexpr GaugeType fault_active{"fault_active", kData, "boolean", 0, 1};
inline constexpr GaugeType fault_code{"fault_code", kData, "code", 0, 255};
inline constexpr DeriveType operation_seconds{"operation_seconds", kData, "s", 0, U};
inline constexpr DeriveType burner_starts{"burner_starts", kData, "starts", 0, U};
inline constexpr DeriveType events{"events", kData, "events", 0, U};
inline constexpr DeriveType gas_liters{"gas_liters", kData, "l", 0, U};
inline constexpr DeriveType dhw_water_liters{"dhw_water_liters", kData, "l", 0, U};
inline constexpr GaugeType parameter{"parameter", kData, "raw", -128, 127};
inline constexpr GaugeType load_ratio{"load_ratio", kData, "1", 0, U};
inline constexpr GaugeType mains_frequency_hertz{"mains_frequency_hertz", kData, "Hz", 0, U};
inline constexpr GaugeType reference_voltage_volts{"reference_voltage_volts", kData, "V", 0, U};
inline constexpr GaugeType interrupt_time{"interrupt_time", kData, "raw/5", 0, U};
inline constexpr GaugeType firmware_info{"firmware_info", kData, "info", 0, 1};
// Health of the link (docs/metrics.md "Health of the link").
inline constexpr GaugeType up{"up", kHealth, "boolean", 0, 1};
inline constexpr GaugeType link_open{"link_open", kHealth, "boolean", 0, 1};
inline constexpr DeriveType requests_sent{"requests_sent", kHealth, "requests", 0, U};
inline constexpr DeriveType request_failures{"request_failures", kHealth, "failures", 0, U};
inline constexpr DeriveType reconnects{"reconnects", kHealth, "reconnects", 0, U};
inline constexpr GaugeType request_duration_seconds{"request_duration_seconds", kHealth, "s", 0, U};
inline constexpr GaugeType framing{"framing", kHealth, "boolean", 0, 1};
inline constexpr GaugeType command_supported{"command_supported", kHealth, "boolean", 0, 1};
inline constexpr DeriveType requests_deferred{"requests_deferred", kHealth, "requests", 0, U};
inline constexpr DeriveType values_out_of_range{"values_out_of_range", kHealth, "values", 0, U};
}  // namespace types

// Every type, in intergas.types.db's order.
inline constexpr MetricType kMetricTypes[] = {
    types::temperature_celsius,
    types::setpoint_celsius,
    types::pressure_bar,
    types::fan_speed_rpm,
    types::pump_speed_rpm,
    types::valve_position_steps,
    types::pwm_ratio,
    types::ionisation_current_amperes,
    types::tap_flow_liters_per_minute,
    types::flag,
    types::status_code,
    types::status,
    types::burner_state,
    types::fault_active,
    types::fault_code,
    types::operation_seconds,
    types::burner_starts,
    types::events,
    types::gas_liters,
    types::dhw_water_liters,
    types::parameter,
    types::load_ratio,
    types::mains_frequency_hertz,
    types::reference_voltage_volts,
    types::interrupt_time,
    types::firmware_info,
    types::up,
    types::link_open,
    types::requests_sent,
    types::request_failures,
    types::reconnects,
    types::request_duration_seconds,
    types::framing,
    types::command_supported,
    types::requests_deferred,
    types::values_out_of_range,
};
inline constexpr std::size_t kMetricTypeCount = std::size(kMetricTypes);

// The entry named `name`, or nullptr when the contract has no such type.
const MetricType* find_metric_type(std::string_view name);

// The type's data-source specification as intergas.types.db writes it: "value:GAUGE:0:1".
std::string types_db_spec(const MetricType& t);

}  // namespace intergas
