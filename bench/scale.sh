#!/usr/bin/env bash
# Scale benchmark for the plugin: N simulated boilers on ptys (or loopback TCP, as behind serial
# bridges), paced at 9600 baud with 100 ms reply latency and every command due on every read,
# read by K collectd processes (--instances; each with its own share of the <Boiler> blocks and
# its own write_prometheus port, as docs/scaling.md recommends; one simulator serves them all).
# Waits until every boiler's `up` is 1, then scrapes every instance once per interval and prints,
# per round, the share of boilers whose `up` is 1 with a timestamp from the last interval (and
# the same for a boiler value, the supply temperature); then the summary: the share of boilers
# fresh in every round, scrapes answered and the slowest, collectd CPU (sum over instances) and
# RSS (per instance and max).
#
#   bench/scale.sh [--boilers 256] [--interval 10] [--intervals 6] [--instances 1] [--tcp]
#                  [--warm-up SECONDS] [--timeout N] [--no-pace] [--build DIR]
#
# --warm-up: the longest wait for every boiler's first `up` = 1 (default 3 intervals + 30 s);
# measuring starts then in any case. --timeout: collectd's global Timeout (default 2: a series
# not written for 2 intervals is dropped from write_prometheus). --no-pace: the simulator sends
# each reply at once (cheaper for the machine, less realistic). SCALE_KEEP=1 keeps the run
# directory (configs, logs, scrapes).
# Prints numbers; asserts nothing. Exit status is 0 unless something failed to start.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
boilers=256 interval=10 intervals=6 instances=1 transport=pty pace=1 build=$root/build/release
warm_up='' timeout=''
while (($#)); do
  case $1 in
    --boilers) boilers=$2; shift 2 ;;
    --interval) interval=$2; shift 2 ;;
    --intervals) intervals=$2; shift 2 ;;
    --instances) instances=$2; shift 2 ;;
    --tcp) transport=tcp; shift ;;
    --warm-up) warm_up=$2; shift 2 ;;
    --timeout) timeout=$2; shift 2 ;;
    --no-pace) pace=0; shift ;;
    --build) build=$2; shift 2 ;;
    *) echo "scale: unknown option $1" >&2; exit 2 ;;
  esac
done
((instances >= 1 && instances <= boilers)) || { echo "scale: --instances: 1..$boilers" >&2; exit 2; }
[[ -x $build/tools/sim/intergas-sim && -f $build/plugin/intergas.so ]] || {
  echo "scale: build first (cmake --build $build)" >&2
  exit 1
}

run=$(mktemp -d /tmp/intergas-scale-XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [[ -n ${SCALE_KEEP:-} ]] || rm -rf "$run"
}
trap cleanup EXIT

sim_args=(--count "$boilers" --profile heating --latency-ms 100)
((pace)) || sim_args+=(--no-pace)
if [[ $transport == pty ]]; then
  "$build/tools/sim/intergas-sim" --pty "$run/b" "${sim_args[@]}" >"$run/sim.out" 2>"$run/sim.log" &
else
  "$build/tools/sim/intergas-sim" --tcp 0 "${sim_args[@]}" >"$run/sim.out" 2>"$run/sim.log" &
fi
sim_pid=$!  # the simulator, started in either branch above
pids+=("$sim_pid")
for _ in $(seq 300); do grep -q '^ready' "$run/sim.out" && break; sleep 0.1; done
grep -q '^ready' "$run/sim.out" || { cat "$run/sim.log" >&2; exit 1; }
grep -E '^(pty|tcp) ' "$run/sim.out" | sort -k2,2n >"$run/endpoints"

# Instance k (0-based) gets boilers [k*N/K, (k+1)*N/K): contiguous shares, as a fleet is split.
base_port=$((10000 + RANDOM % 20000))  # below the ephemeral range the simulator's ports come from
ports=() cd_pids=()
for ((k = 0; k < instances; k++)); do
  dir=$run/c$k
  mkdir -p "$dir"
  port=$((base_port + k))
  ports+=("$port")
  first=$((k * boilers / instances)) last=$(((k + 1) * boilers / instances))
  {
    echo "Hostname \"scale\""
    echo "FQDNLookup false"
    echo "BaseDir \"$dir\""
    echo "PIDFile \"$dir/collectd.pid\""
    echo "Interval $interval"
    echo "ReadThreads 5"
    [[ -z $timeout ]] || echo "Timeout $timeout"
    echo "TypesDB \"/usr/share/collectd/types.db\" \"$root/plugin/intergas.types.db\""
    echo "LoadPlugin logfile"
    echo "<Plugin logfile>"
    echo "  LogLevel info"
    echo "  File \"$dir/collectd.log\""
    echo "</Plugin>"
    echo "LoadPlugin write_prometheus"
    echo "<Plugin write_prometheus>"
    echo "  Host \"127.0.0.1\""
    echo "  Port \"$port\""
    echo "</Plugin>"
    echo "PluginDir \"$build/plugin\""
    echo "LoadPlugin intergas"
    echo "<Plugin intergas>"
    while read -r kind index where; do
      ((index >= first && index < last)) || continue
      if [[ $kind == pty ]]; then
        dev=$run/b; ((boilers > 1)) && dev=$run/b.$index
      else
        dev=tcp://$where
      fi
      echo "  <Boiler \"b$index\">"
      echo "    Device \"$dev\""
      for c in status_extra diagnostics counters parameters version fault_stats; do
        echo "    Schedule \"$c\" 1"
      done
      echo "  </Boiler>"
    done <"$run/endpoints"
    echo "</Plugin>"
  } >"$dir/collectd.conf"
  /usr/sbin/collectd -f -C "$dir/collectd.conf" >"$dir/collectd.out" 2>&1 &
  cd_pids+=($!)
  pids+=($!)
done

clk=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
collectd_ticks() {
  local sum=0 pid
  for pid in "${cd_pids[@]}"; do sum=$((sum + $(cpu_ticks "$pid"))); done
  echo $sum
}
slowest_ms=0 scrapes_tried=0 scrapes_answered=0
# Scrapes every instance into $run/scrape (concatenated); counts and times the scrapes.
scrape_all() {
  : >"$run/scrape"
  local port ms
  for port in "${ports[@]}"; do
    scrapes_tried=$((scrapes_tried + 1))
    if ms=$(curl -sf -m 30 -o "$run/scrape.one" -w '%{time_total}' "http://127.0.0.1:$port/metrics"); then
      scrapes_answered=$((scrapes_answered + 1))
      cat "$run/scrape.one" >>"$run/scrape"
      ms=$(echo "$ms * 1000 / 1" | bc)
      if ((ms > slowest_ms)); then slowest_ms=$ms; fi
    fi
  done
  return 0
}
# Boiler names (the `intergas` label) whose up is 1, fresher than `win` ms at `now` ms, or at
# any age without them.
up_boilers() {
  awk -v now="${1:-0}" -v win="${2:-0}" '
    /^collectd_intergas_up\{/ && $2 == 1 && (win == 0 || now - $3 <= win) {
      if (match($0, /intergas="[^"]*"/)) print substr($0, RSTART + 10, RLENGTH - 11)
    }' "$run/scrape"
}

mode="$transport, unpaced"
if ((pace)); then mode="$transport, 9600 baud paced"; fi
echo "scale: $boilers boilers ($mode, 100 ms latency, 7 commands each read), Interval $interval, $instances collectd instance(s), ReadThreads 5${timeout:+, Timeout $timeout}"
# Warm-up: the first interval opens every link; wait (bounded) until every boiler's up is 1.
warm_up=${warm_up:-$((3 * interval + 30))}
warm_start=$(date +%s)
warm_limit=$((warm_start + warm_up))
while :; do
  scrape_all
  up=$(up_boilers | sort -u | wc -l)
  ((up >= boilers)) && break
  if (($(date +%s) >= warm_limit)); then
    echo "scale: after $warm_up s only $up/$boilers boilers up; measuring anyway" >&2
    break
  fi
  sleep 2
done
warm_seconds=$(($(date +%s) - warm_start))
warm_hwm=0
for pid in "${cd_pids[@]}"; do
  hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$pid/status")
  if ((hwm > warm_hwm)); then warm_hwm=$hwm; fi
done
echo "warm-up: $up/$boilers up after $warm_seconds s (peak RSS so far $warm_hwm KiB)"

slowest_ms=0 scrapes_tried=0 scrapes_answered=0
start_ticks=$(collectd_ticks)
sim_start_ticks=$(cpu_ticks $sim_pid)
start_time=$(date +%s.%N)
start_ms=$(date +%s%3N)
: >"$run/fresh_all"
total_fresh_up=0 total_fresh_value=0 rounds=0
win=$(((interval + 1) * 1000))
for n in $(seq "$intervals"); do
  # One round per interval, as Prometheus scrapes on its own clock.
  wait_ms=$((start_ms + n * interval * 1000 - $(date +%s%3N)))
  if ((wait_ms > 0)); then sleep "$(echo "$wait_ms / 1000" | bc -l)"; fi
  now_ms=$(date +%s%3N)
  scrape_all
  # write_prometheus prints `name{labels} value timestamp_ms`; fresh = updated in the last interval.
  up_boilers "$now_ms" "$win" | sort -u >"$run/fresh"
  up_fresh=$(wc -l <"$run/fresh")
  cat "$run/fresh" >>"$run/fresh_all"
  value_fresh=$(awk -v now="$now_ms" -v win=$win '
    /^collectd_intergas_temperature_celsius\{.*type="supply"/ && now - $3 <= win { v++ }
    END { print v + 0 }' "$run/scrape")
  printf 'round %d: fresh up=1 %d/%d (%.1f%%), fresh supply temperature %d/%d (%.1f%%)\n' \
    "$n" "$up_fresh" "$boilers" "$(echo "$up_fresh*100/$boilers" | bc -l)" \
    "$value_fresh" "$boilers" "$(echo "$value_fresh*100/$boilers" | bc -l)"
  total_fresh_up=$((total_fresh_up + up_fresh))
  total_fresh_value=$((total_fresh_value + value_fresh))
  rounds=$((rounds + 1))
done
end_time=$(date +%s.%N)
ticks=$(($(collectd_ticks) - start_ticks))
sim_ticks=$(($(cpu_ticks $sim_pid) - sim_start_ticks))
elapsed=$(echo "$end_time - $start_time" | bc -l)
every=$(sort "$run/fresh_all" | uniq -c | awk -v r=$rounds '$1 == r { n++ } END { print n + 0 }')
rss_list="" rss_max=0 hwm_max=0
for pid in "${cd_pids[@]}"; do
  rss=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")
  hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$pid/status")
  rss_list+="${rss_list:+ }$rss"
  if ((rss > rss_max)); then rss_max=$rss; fi
  if ((hwm > hwm_max)); then hwm_max=$hwm; fi
done
printf 'fresh share over %d rounds: up=1 %.2f%%, values %.2f%%\n' "$rounds" \
  "$(echo "$total_fresh_up*100/($boilers*$rounds)" | bc -l)" \
  "$(echo "$total_fresh_value*100/($boilers*$rounds)" | bc -l)"
printf 'collectd CPU (sum of %d): %.1f%% of one core (%.1f s over %.0f s); RSS KiB per instance: %s (max %d, peak %d)\n' \
  "$instances" "$(echo "$ticks/$clk*100/$elapsed" | bc -l)" "$(echo "$ticks/$clk" | bc -l)" \
  "$elapsed" "$rss_list" "$rss_max" "$hwm_max"
printf 'simulator CPU: %.1f%% of one core\n' "$(echo "$sim_ticks/$clk*100/$elapsed" | bc -l)"
printf 'result: boilers %d, interval %d s, instances %d, warm-up %d s, fresh in every round %d/%d (%.2f%%), scrapes answered %d/%d, slowest scrape %d ms, collectd CPU %.1f%% of one core, RSS max %d KiB (peak %d)\n' \
  "$boilers" "$interval" "$instances" "$warm_seconds" "$every" "$boilers" \
  "$(echo "$every*100/$boilers" | bc -l)" "$scrapes_answered" "$scrapes_tried" "$slowest_ms" \
  "$(echo "$ticks/$clk*100/$elapsed" | bc -l)" "$rss_max" "$hwm_max"
for ((k = 0; k < instances; k++)); do
  log=$run/c$k/collectd.log
  grep -c 'took too long\|read-function of plugin' "$log" |
    xargs printf 'collectd %d: "read took too long" warnings: %s\n' "$k" || true
  grep -E 'intergas plugin: .*descriptor limit' "$log" | head -1 || true
  grep -iE 'error|warn|fail|FD_SETSIZE \(' "$log" | grep -v 'descriptor limit' | head -3 || true
done
