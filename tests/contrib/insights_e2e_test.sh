#!/usr/bin/env bash
# contrib_insights_e2e (CTest, labels e2e and long): the insights' recording rules on a real
# stack (stack.sh): two intergas-sim boilers whose burns start and stop and whose meters run
# (--dynamic: an HRE burning for central heating on a known gas rate, an Xtreme), a real
# collectd with the intergas plugin and write_prometheus, and Debian's Prometheus scraping every
# 5 s and evaluating the shipped rules (with a gas price and a service date set, as a user would)
# every 5 s.
#
# Asserts: every recording rule of the rules file (and the settings set) yields a series; over a
# steady central-heating burn longer than the rate window, intergas:heat_input_watts:rate5m
# {use="ch"} is the simulator's gas rate × 35.17 MJ/m³ / 3600 s within 2 %; every rule is healthy;
# every dashboard target returns data. A burn lasts 420 s after 60 s of rest, so the test waits
# about 7 minutes for the burn to be 5 minutes old.
#
#   insights_e2e_test.sh SIM_BINARY PLUGIN_DIR TYPES_DB DASHBOARD_JSON RULES_YML
set -euo pipefail

if (($# != 5)); then
  echo "usage: $0 SIM_BINARY PLUGIN_DIR TYPES_DB DASHBOARD_JSON RULES_YML" >&2
  exit 2
fi
sim_bin=$1 plugin_dir=$2 types_db=$3 dashboard=$4 rules=$5
host=insights-test
t_start=$SECONDS

# shellcheck source-path=SCRIPTDIR source=stack.sh
source "$(dirname "${BASH_SOURCE[0]}")/stack.sh"
stack_init
for f in "$sim_bin" "$plugin_dir/intergas.so" "$types_db" "$dashboard" "$rules"; do
  [[ -e $f ]] || fail "$f does not exist"
done

gas_lph=1500        # the HRE's gas rate while burning, litres per hour
calorific=35.17e6   # J/m³: the documented default of the rules' settings
burn_s=420 rest_s=60

start_sim home --profile heating --dynamic --gas-lph "$gas_lph" --burn-s "$burn_s" \
  --rest-s "$rest_s" --dhw-every 0 --no-pace --latency-ms 20
start_sim xtreme --profile xtreme --dynamic --burn-s "$burn_s" --rest-s "$rest_s" \
  --dhw-every 2 --no-pace --latency-ms 20
start_collectd home:hre xtreme:xtreme
start_prometheus 5s "$rules" "$(write_user_settings)"

boilers='intergas=~"home|xtreme",instance="'$host'"'
home='intergas="home",instance="'$host'"'
wait_until 60 "both boilers to be up in Prometheus" \
  has_data "count(collectd_intergas_up{$boilers} == 1) == 2"

failures=()

# --- every recording rule yields a series ------------------------------------------------------
mapfile -t records < <(sed -n 's/^ *- record: *\([^ ]*\).*/\1/p' "$rules")
((${#records[@]} > 10)) || fail "found only ${#records[@]} recording rules in $rules"
# the settings set above
records+=("intergas:gas_price_per_cubic_meter:setting"
  "intergas:last_service_timestamp_seconds:setting")
# The figures need a burn (the first starts after the 60 s rest) and a CH start: 4 minutes.
deadline=$((SECONDS + 240))
for r in "${records[@]}"; do
  case $r in
    *:setting) q=$r ;;  # settings carry no boiler label (the calibration: intergas only)
    *) q="$r{$boilers}" ;;
  esac
  until has_data "$q"; do
    if ((SECONDS >= deadline)); then
      failures+=("recording rule $r yields no series")
      break
    fi
    sleep 1
  done
  has_data "$q" && printf 'ok   %-60s yields a series\n' "$r"
done

# --- heat input over a steady burn ---------------------------------------------------------------
# The recorded heat input, only while the HRE has been running for the last 320 s and was running
# 320-330 s ago: the 5-minute rate window of the latest evaluation (at most 5 s old) lies inside
# one burn. One query, so the burn cannot end between the condition and the figure.
steady_heat="intergas:heat_input_watts:rate5m{$home,use=\"ch\"}
  and on (intergas, instance)
    (min_over_time(collectd_intergas_burner_state{$home,type=\"running\"}[320s]) == 1)
  and on (intergas, instance)
    (max_over_time(collectd_intergas_burner_state{$home,type=\"running\"}[10s] offset 320s) == 1)"
# The first burn runs from 60 s to 480 s of the simulator's clock; a miss waits a whole cycle.
wait_until $((2 * (burn_s + rest_s) + 60)) "a burn 5 minutes old" has_data "$steady_heat"
got=$(query "$steady_heat" | jq -r '.data.result[0].value[1]')
# 1500 L/h = 1.5 m³/h × 35.17e6 J/m³ / 3600 s = 14654.17 W.
want=$(awk -v l="$gas_lph" -v cv="$calorific" 'BEGIN { printf "%.2f", l / 1000 * cv / 3600 }')
if awk -v g="$got" -v w="$want" 'BEGIN { d = (g - w) / w; exit !(d < 0.02 && d > -0.02) }'; then
  echo "ok   heat input over a steady burn: $got W, expected $want W (within 2 %)"
else
  failures+=("heat input over a steady burn: $got W, expected $want W ± 2 %")
fi

# --- every rule is healthy, every dashboard target has data --------------------------------------
rules_healthy() {
  curl -s --max-time 5 "$api/rules" | jq -e '[.data.groups[].rules[]] | length > 0 and all(.health == "ok")' \
    >/dev/null 2>&1
}
if poll 20 rules_healthy; then
  echo "ok   every rule health ok"
else
  failures+=("rules not healthy: $(curl -s --max-time 5 "$api/rules" |
    jq -c '[.data.groups[]?.rules[]? | select(.health != "ok") | {name, health, lastError}]')")
fi
check_dashboard "$dashboard" "home|xtreme"

echo "insights e2e: $((SECONDS - t_start)) s"
if ((${#failures[@]})); then
  printf 'FAIL: %s\n' "${failures[@]}" >&2
  exit 1
fi
ok=1
echo "PASS"
