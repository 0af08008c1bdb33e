#!/usr/bin/env bash
# contrib_dashboard (CTest, label e2e): the Grafana dashboard and the alerting rules against real
# data. Starts two intergas-sim boilers (an HRE heating, an Xtreme), a real collectd with the
# intergas plugin and write_prometheus, and Debian's Prometheus scraping it with honor_labels
# (and loading the rules, with a gas price and a service date set), all on 127.0.0.1 with free
# ports (stack.sh).
# Then every panel target of the dashboard, with the dashboard variables substituted, must return
# data from /api/v1/query; every rule (recording and alerting) must load with health "ok"; and
# after the simulator switches to a lockout, IntergasBoilerLockout must become active
# with the fault code in its description while no other rule is active.
#
#   dashboard_test.sh SIM_BINARY PLUGIN_DIR TYPES_DB DASHBOARD_JSON RULES_YML
#
# Needs: collectd (collectd-core, libmicrohttpd12, libprotobuf-c1), prometheus, jq, curl, iproute2.
set -euo pipefail

if (($# != 5)); then
  echo "usage: $0 SIM_BINARY PLUGIN_DIR TYPES_DB DASHBOARD_JSON RULES_YML" >&2
  exit 2
fi
sim_bin=$1 plugin_dir=$2 types_db=$3 dashboard=$4 rules=$5
boiler=home
host=contrib-test
t_start=$SECONDS

# shellcheck source-path=SCRIPTDIR source=stack.sh
source "$(dirname "${BASH_SOURCE[0]}")/stack.sh"
stack_init
for f in "$sim_bin" "$plugin_dir/intergas.so" "$types_db" "$dashboard" "$rules"; do
  [[ -e $f ]] || fail "$f does not exist"
done

# --- the simulated boilers: an HRE heating (control channel: sim_say home ...) and an Xtreme ---
start_sim "$boiler" --profile heating --no-pace --latency-ms 20
start_sim xtreme --profile xtreme --no-pace --latency-ms 20
start_collectd "$boiler:hre" xtreme:xtreme
# Prometheus: scrapes collectd every second, evaluates the rules (and a user's settings) every
# second.
start_prometheus 1s "$rules" "$(write_user_settings)"

sel="intergas=\"$boiler\",instance=\"$host\""
wait_until 40 "the boiler to be up in Prometheus" has_data "collectd_intergas_up{$sel} == 1"
wait_until 30 "two samples of the counters" \
  has_data "count_over_time(collectd_intergas_gas_liters_total{$sel}[5m]) >= 2"
wait_until 30 "two samples of the request counters" \
  has_data "count_over_time(collectd_intergas_requests_sent_total{$sel,type=\"status\"}[5m]) >= 2"

# The fault panels need a lockout: switch the simulated boiler mid-run.
sim_say "$boiler" "profile lockout"
wait_until 10 "the simulator to switch to lockout" grep -q '^ok profile' "$run/$boiler.out"
wait_until 30 "the current fault code in Prometheus" \
  has_data "collectd_intergas_fault_code{$sel,type=\"current\"} == 4"
# The mean burn length needs a central-heating start: one more start on the (static) counter
# (after the profile switch, which puts the counters back).
sim_say "$boiler" "set counters.burner_starts 52437"
wait_until 30 "a central-heating start in Prometheus" \
  has_data "intergas:ch_burn_minutes:avg1h{$sel}"

# --- the dashboard ---------------------------------------------------------------------------
failures=()
check_dashboard "$dashboard" "$boiler|xtreme"

# --- the rules -------------------------------------------------------------------------------
want_rules=$(grep -c '^ *- alert:' "$rules")
rules_ok() {
  curl -s --max-time 5 "$api/rules" | jq -e --argjson n "$want_rules" \
    '[.data.groups[].rules[]] | ([.[] | select(.type == "alerting")] | length == $n) and all(.health == "ok")' \
    >/dev/null 2>&1
}
if ! poll 20 rules_ok; then
  failures+=("rules: expected $want_rules alerting rules and every rule with health ok: $(curl -s --max-time 5 "$api/rules" |
    jq -c '[.data.groups[]?.rules[]? | {name, health, lastError}]')")
else
  echo "ok   $want_rules alerting rules loaded, every rule health ok"
fi

# IntergasBoilerLockout goes pending at once (for: 1m) with the fault code in its description.
lockout_active() {
  curl -s --max-time 5 "$api/alerts" | jq -e --arg b "$boiler" \
    '[.data.alerts[] | select(.labels.alertname == "IntergasBoilerLockout" and .labels.intergas == $b
       and (.annotations.description | contains("fault code 4 (E04")))] | length == 1' >/dev/null 2>&1
}
if poll 20 lockout_active; then
  echo "ok   IntergasBoilerLockout active with fault code 4"
else
  failures+=("IntergasBoilerLockout is not active with \"fault code 4 (E04\" in its description: $(
    curl -s --max-time 5 "$api/alerts" | jq -c '.data.alerts')")
fi
others=$(curl -s --max-time 5 "$api/alerts" |
  jq -r '[.data.alerts[] | select(.labels.alertname != "IntergasBoilerLockout") | .labels.alertname] | join(" ")')
if [[ -n $others ]]; then
  failures+=("rules active on a healthy link and a steady boiler: $others")
fi

echo "checked in $((SECONDS - t_start)) s"
if ((${#failures[@]})); then
  printf 'FAIL: %s\n' "${failures[@]}" >&2
  exit 1
fi
ok=1
echo "PASS"
