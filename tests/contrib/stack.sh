# shellcheck shell=bash disable=SC2016,SC2154
# (SC2016: '$boiler' and friends are the dashboard's literal variables; SC2154: the caller sets
# sim_bin, plugin_dir, types_db and host.)
# Sourced by the contrib e2e tests (dashboard_test.sh, insights_e2e_test.sh): a simulated boiler
# stack on 127.0.0.1 with free ports: intergas-sim, a real collectd with the intergas plugin and
# write_prometheus, and Debian's Prometheus scraping it with honor_labels and loading rules.
# Also the check that runs every dashboard target against that Prometheus.
#
# The caller sets t_start=$SECONDS and host=..., then calls stack_init.
# Needs: collectd (collectd-core, libmicrohttpd12, libprotobuf-c1), prometheus, jq, curl, iproute2.

fail() { echo "FAIL: $*" >&2; exit 1; }

stack_init() {
  local tool
  for tool in jq curl ss prometheus /usr/sbin/collectd; do
    command -v "$tool" >/dev/null || fail "$tool not found (scripts/setup installs it)"
  done
  run=$(mktemp -d /tmp/intergas-contrib-XXXXXX)
  pids=()
  ok=0
  taken_ports=()
  trap stack_cleanup EXIT
  trap 'exit 130' INT TERM
}

stack_cleanup() {
  local pid fd log
  for fd in "${sim_ctl[@]}"; do eval "exec $fd>&-"; done
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
    for log in "$run"/*.log "$run"/*.out; do
      [[ -s $log ]] || continue
      echo "---- ${log##*/} (last 30 lines)" >&2
      tail -n 30 "$log" >&2
    done
  fi
  rm -rf "$run"
}

# A free loopback port (nothing listens on it now); the caller checks the daemon came up.
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

# start_sim NAME SIM_ARGS...: a simulated boiler on the pty $run/NAME, its control channel open
# for writing as ${sim_ctl[NAME]} (send with sim_say NAME LINE), its output in $run/NAME.out.
declare -A sim_ctl=()
start_sim() {
  local name=$1 fd
  shift
  mkfifo "$run/$name.ctl"
  "$sim_bin" --pty "$run/$name" "$@" <"$run/$name.ctl" >"$run/$name.out" 2>"$run/$name.log" &
  pids+=($!)
  exec {fd}>"$run/$name.ctl"
  sim_ctl[$name]=$fd
  wait_until 10 "intergas-sim $name to be ready" grep -q '^ready' "$run/$name.out"
}
sim_say() { echo "$2" >&"${sim_ctl[$1]}"; }

# start_collectd BOILER:MODEL...: collectd (Interval 1 s) reading each BOILER from the pty
# $run/BOILER with that Model, serving write_prometheus on $cport.
start_collectd() {
  local spec blocks=""
  for spec in "$@"; do
    blocks+="  <Boiler \"${spec%%:*}\">
    Device \"$run/${spec%%:*}\"
    Model \"${spec#*:}\"
    ReplyTimeout 0.5
    SettleTime 0.1
    # Counters every 2 reads instead of once a minute: rate() and increase() need samples.
    Schedule \"counters\" 2
  </Boiler>
"
  done
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
$blocks</Plugin>
EOF
  /usr/sbin/collectd -f -C "$run/collectd.conf" >"$run/collectd.log" 2>&1 &
  collectd_pid=$!
  pids+=("$collectd_pid")
  wait_until 30 "collectd to serve collectd_intergas_up on :$cport" collectd_serves
}
collectd_serves() {
  kill -0 "$collectd_pid" 2>/dev/null || fail "collectd exited"
  curl -sf --max-time 2 "http://127.0.0.1:$cport/metrics" 2>/dev/null | grep -q '^collectd_intergas_up{'
}

# start_prometheus INTERVAL RULE_FILES...: Prometheus scraping collectd and evaluating the rules
# every INTERVAL (e.g. 1s), API at $api.
start_prometheus() {
  local interval=$1 f
  shift
  pport=$(free_port) || fail "no free port"
  {
    echo "global:"
    echo "  scrape_interval: $interval"
    echo "  scrape_timeout: 1s"
    echo "  evaluation_interval: $interval"
    echo "rule_files:"
    for f in "$@"; do echo "  - \"$f\""; done
    cat <<EOF
scrape_configs:
  - job_name: collectd
    honor_labels: true
    static_configs:
      - targets: ["127.0.0.1:$cport"]
EOF
  } >"$run/prometheus.yml"
  prometheus --config.file="$run/prometheus.yml" --storage.tsdb.path="$run/tsdb" \
    --web.listen-address="127.0.0.1:$pport" --log.level=warn >"$run/prometheus.log" 2>&1 &
  prom_pid=$!
  pids+=("$prom_pid")
  api="http://127.0.0.1:$pport/api/v1"
  wait_until 30 "Prometheus to be ready on :$pport" prometheus_ready
}
prometheus_ready() {
  kill -0 "$prom_pid" 2>/dev/null || fail "prometheus exited"
  curl -sf --max-time 2 "http://127.0.0.1:$pport/-/ready" >/dev/null 2>&1
}

# The settings a user fills in (docs/insights.md, Settings) that have no default: a gas price
# (the money rules need one) and boiler "home"'s last service (the service age needs one).
write_user_settings() {
  cat >"$run/settings.rules.yml" <<'EOF'
groups:
  - name: intergas-user-settings
    rules:
      - record: intergas:gas_price_per_cubic_meter:setting
        expr: vector(1.45)
      - record: intergas:last_service_timestamp_seconds:setting
        expr: label_replace(vector(1790812800), "intergas", "home", "", "")
EOF
  echo "$run/settings.rules.yml"
}

# query EXPR: prints the JSON answer of an instant query (also for HTTP errors).
query() { curl -s --max-time 5 --get --data-urlencode "query=$1" "$api/query" || true; }
# has_data EXPR: the query succeeds with at least one series.
has_data() { query "$1" | jq -e '.status == "success" and (.data.result | length) > 0' >/dev/null 2>&1; }

# check_dashboard DASHBOARD_JSON BOILER_REGEX: every panel target, with the dashboard variables
# substituted, must return data; problems are appended to the array `failures`.
check_dashboard() {
  local dashboard=$1 boilers=$2 count line title ref ds pds expr name q answer n deadline
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
    q=${expr//'$boiler'/$boilers}
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
  echo "$count panel targets checked"
}
