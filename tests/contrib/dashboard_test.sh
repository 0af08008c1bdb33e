#!/usr/bin/env bash
# contrib_dashboard (CTest, label e2e): the Grafana dashboard and the alerting rules against real
# data. Starts intergas-sim (heating), a real collectd with the intergas plugin and
# write_prometheus, and Debian's Prometheus scraping it with honor_labels (and loading the rules),
# all on 127.0.0.1 with free ports. Then every panel target of the dashboard, with the dashboard
# variables substituted, must return data from /api/v1/query; the rules must load with health
# "ok"; and after the simulator switches to a lockout, IntergasBoilerLockout must become active
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

fail() { echo "FAIL: $*" >&2; exit 1; }
for tool in jq curl ss prometheus /usr/sbin/collectd; do
  command -v "$tool" >/dev/null || fail "$tool not found (scripts/setup installs it)"
done
for f in "$sim_bin" "$plugin_dir/intergas.so" "$types_db" "$dashboard" "$rules"; do
  [[ -e $f ]] || fail "$f does not exist"
done

run=$(mktemp -d /tmp/intergas-contrib-XXXXXX)
pids=()
ok=0
cleanup() {
  exec 3>&-
  local pid
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for _ in $(seq 50); do
    local alive=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    ((alive)) || break
    sleep 0.1
  done
  for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if ((!ok)); then
    for log in sim.log sim.out collectd.log prometheus.log; do
      [[ -s $run/$log ]] || continue
      echo "---- $log (last 30 lines)" >&2
      tail -n 30 "$run/$log" >&2
    done
  fi
  rm -rf "$run"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A free loopback port (nothing listens on it now); the caller checks the daemon came up.
taken_ports=()
free_port() {
  local p
  for _ in $(seq 100); do
    p=$((20000 + RANDOM % 40000))
    [[ " ${taken_ports[*]} " == *" $p "* ]] && continue
    if ! ss -Hltn 2>/dev/null | awk '{print $4}' | grep -q ":$p\$"; then
      taken_ports+=("$p")
      echo "$p"
      return 0
    fi
  done
  return 1
}

# poll SECONDS COMMAND...: runs COMMAND every 0.5 s until it succeeds (0) or time is up (1).
poll() {
  local deadline=$((SECONDS + $1))
  shift
  until "$@"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.5
  done
}
# wait_until SECONDS DESCRIPTION COMMAND...: poll, or fail naming what did not happen.
wait_until() {
  local limit=$1 what=$2
  shift 2
  poll "$limit" "$@" || fail "timed out after ${limit}s waiting for $what"
}

# --- the simulated boiler: heating, fast; control channel on fd 3 --------------------------
mkfifo "$run/sim.ctl"
"$sim_bin" --pty "$run/boiler" --profile heating --no-pace --latency-ms 20 \
  <"$run/sim.ctl" >"$run/sim.out" 2>"$run/sim.log" &
pids+=($!)
exec 3>"$run/sim.ctl"
wait_until 10 "intergas-sim to be ready" grep -q '^ready' "$run/sim.out"

# --- collectd: intergas + write_prometheus, Interval 1 s ------------------------------------
cport=$(free_port) || fail "no free port"
cat >"$run/collectd.conf" <<EOF
Hostname "$host"
FQDNLookup false
BaseDir "$run"
PIDFile "$run/collectd.pid"
Interval 1
Timeout 2
TypesDB "/usr/share/collectd/types.db" "$types_db"
LoadPlugin logfile
<Plugin logfile>
  LogLevel info
  File STDOUT
  Timestamp true
</Plugin>
LoadPlugin write_prometheus
<Plugin write_prometheus>
  Host "127.0.0.1"
  Port "$cport"
</Plugin>
PluginDir "$plugin_dir"
LoadPlugin intergas
<Plugin intergas>
  <Boiler "$boiler">
    Device "$run/boiler"
    Model "hre"
    ReplyTimeout 0.5
    SettleTime 0.1
    # Counters every 2 reads instead of once a minute: rate() and increase() need two samples.
    Schedule "counters" 2
  </Boiler>
</Plugin>
EOF
/usr/sbin/collectd -f -C "$run/collectd.conf" >"$run/collectd.log" 2>&1 &
collectd_pid=$!
pids+=("$collectd_pid")
collectd_serves() {
  kill -0 "$collectd_pid" 2>/dev/null || fail "collectd exited"
  curl -sf --max-time 2 "http://127.0.0.1:$cport/metrics" 2>/dev/null | grep -q '^collectd_intergas_up{'
}
wait_until 30 "collectd to serve collectd_intergas_up on :$cport" collectd_serves

# --- Prometheus: scrapes collectd every second, evaluates the rules every second ------------
pport=$(free_port) || fail "no free port"
cat >"$run/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
rule_files:
  - "$rules"
scrape_configs:
  - job_name: collectd
    honor_labels: true
    static_configs:
      - targets: ["127.0.0.1:$cport"]
EOF
prometheus --config.file="$run/prometheus.yml" --storage.tsdb.path="$run/tsdb" \
  --web.listen-address="127.0.0.1:$pport" --log.level=warn >"$run/prometheus.log" 2>&1 &
prom_pid=$!
pids+=("$prom_pid")
api="http://127.0.0.1:$pport/api/v1"
prometheus_ready() {
  kill -0 "$prom_pid" 2>/dev/null || fail "prometheus exited"
  curl -sf --max-time 2 "http://127.0.0.1:$pport/-/ready" >/dev/null 2>&1
}
wait_until 30 "Prometheus to be ready on :$pport" prometheus_ready

# query EXPR: prints the JSON answer of an instant query (also for HTTP errors).
query() { curl -s --max-time 5 --get --data-urlencode "query=$1" "$api/query" || true; }
# has_data EXPR: the query succeeds with at least one series.
has_data() { query "$1" | jq -e '.status == "success" and (.data.result | length) > 0' >/dev/null 2>&1; }

sel="intergas=\"$boiler\",instance=\"$host\""
wait_until 40 "the boiler to be up in Prometheus" has_data "collectd_intergas_up{$sel} == 1"
wait_until 30 "two samples of the counters" \
  has_data "count_over_time(collectd_intergas_gas_liters_total{$sel}[5m]) >= 2"
wait_until 30 "two samples of the request counters" \
  has_data "count_over_time(collectd_intergas_requests_sent_total{$sel,type=\"status\"}[5m]) >= 2"

# The fault panels need a lockout: switch the simulated boiler mid-run.
echo "profile lockout" >&3
wait_until 10 "the simulator to switch to lockout" grep -q '^ok profile' "$run/sim.out"
wait_until 30 "the current fault code in Prometheus" \
  has_data "collectd_intergas_fault_code{$sel,type=\"current\"} == 4"

# --- the dashboard ---------------------------------------------------------------------------
jq -e '.schemaVersion >= 36 and (.panels | length) > 0' "$dashboard" >/dev/null ||
  fail "$dashboard: not a dashboard with panels"
jq -e '[.panels[] | ., (.panels // [])[] | .id] | length == (unique | length)' "$dashboard" >/dev/null ||
  fail "$dashboard: panel ids are not unique"
jq -e '[.templating.list[] | select(.name == "datasource" and .type == "datasource" and .query == "prometheus")] | length == 1' \
  "$dashboard" >/dev/null || fail "no datasource variable of type prometheus"
jq -e '[.templating.list[] | select(.name == "boiler" and .multi and .includeAll and
          ((.query | if type == "object" then .query else . end) | test("label_values\\(collectd_intergas_up, *intergas\\)")))] | length == 1' \
  "$dashboard" >/dev/null || fail "no multi/all boiler variable on label_values(collectd_intergas_up, intergas)"

# One line per target: panel title, refId, datasource uid, expr (JSON-encoded, tab-separated).
jq -r '[.panels[] | ., (.panels // [])[]] | .[] | select(.targets) | .title as $t | .datasource.uid as $pds
       | .targets[] | [$t, .refId, (.datasource.uid // $pds // ""), ($pds // ""), .expr] | @json' \
  "$dashboard" >"$run/targets.jsonl"
count=$(wc -l <"$run/targets.jsonl")
((count > 0)) || fail "no panel targets found in $dashboard"

failures=()
deadline=$((SECONDS + 30))  # shared by all targets: data that is late gets a few retries
while IFS= read -r line; do
  title=$(jq -r '.[0]' <<<"$line")
  ref=$(jq -r '.[1]' <<<"$line")
  ds=$(jq -r '.[2]' <<<"$line")
  pds=$(jq -r '.[3]' <<<"$line")
  expr=$(jq -r '.[4]' <<<"$line")
  name="panel \"$title\" target $ref"
  if [[ $ds != '${datasource}' || $pds != '${datasource}' ]]; then
    failures+=("$name: datasource is \"$ds\" (panel \"$pds\"), not \${datasource}")
    continue
  fi
  if [[ $expr != *'intergas=~"$boiler"'* ]]; then
    failures+=("$name: expr does not select intergas=~\"\$boiler\": $expr")
    continue
  fi
  q=${expr//'$boiler'/$boiler}
  q=${q//'$instance'/$host}
  q=${q//'$__rate_interval'/30s}
  q=${q//'$__interval'/10s}
  q=${q//'$__range'/5m}
  if [[ $q == *'$'* ]]; then
    failures+=("$name: unknown variable left in: $q")
    continue
  fi
  while true; do
    answer=$(query "$q")
    if [[ $(jq -r '.status // "none"' <<<"$answer" 2>/dev/null) != success ]]; then
      failures+=("$name: query error: $(jq -r '.error // .' <<<"$answer" 2>/dev/null || echo "$answer"): $q")
      break
    fi
    n=$(jq '.data.result | length' <<<"$answer")
    if ((n > 0)); then
      printf 'ok   %-60s %2d series\n' "$name" "$n"
      break
    fi
    if ((SECONDS >= deadline)); then
      failures+=("$name: no data: $q")
      break
    fi
    sleep 1
  done
done <"$run/targets.jsonl"

# --- the rules -------------------------------------------------------------------------------
want_rules=$(grep -c '^ *- alert:' "$rules")
rules_ok() {
  curl -s --max-time 5 "$api/rules" | jq -e --argjson n "$want_rules" \
    '[.data.groups[].rules[] | select(.type == "alerting")] | length == $n and all(.health == "ok")' \
    >/dev/null 2>&1
}
if ! poll 20 rules_ok; then
  failures+=("rules: expected $want_rules alerting rules with health ok: $(curl -s --max-time 5 "$api/rules" |
    jq -c '[.data.groups[]?.rules[]? | {name, health, lastError}]')")
else
  echo "ok   $want_rules alerting rules loaded, health ok"
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

echo "$count panel targets checked in $((SECONDS - t_start)) s"
if ((${#failures[@]})); then
  printf 'FAIL: %s\n' "${failures[@]}" >&2
  exit 1
fi
ok=1
echo "PASS"
