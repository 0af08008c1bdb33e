#!/usr/bin/env bash
# Scale benchmark for the plugin (issue: 256 boilers, ReadThreads 5, Interval 10): N simulated
# boilers on ptys (or loopback TCP), paced at 9600 baud with 100 ms reply latency and every
# command due on every read, read by one collectd with write_prometheus. Scrapes once per
# interval and prints, per scrape, the share of boilers whose `up` is 1 with a timestamp from the
# last interval, and the same for a boiler value (supply temperature); then collectd's CPU and RSS.
#
#   bench/scale.sh [--boilers 256] [--interval 10] [--intervals 6] [--tcp] [--build DIR]
#
# Prints numbers; asserts nothing. Exit status is 0 unless something failed to start.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
boilers=256 interval=10 intervals=6 transport=pty build=$root/build/release
while (($#)); do
  case $1 in
    --boilers) boilers=$2; shift 2 ;;
    --interval) interval=$2; shift 2 ;;
    --intervals) intervals=$2; shift 2 ;;
    --tcp) transport=tcp; shift ;;
    --build) build=$2; shift 2 ;;
    *) echo "scale: unknown option $1" >&2; exit 2 ;;
  esac
done
[[ -x $build/tools/sim/intergas-sim && -f $build/plugin/intergas.so ]] || {
  echo "scale: build first (cmake --build $build)" >&2
  exit 1
}

run=$(mktemp -d /tmp/intergas-scale-XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$run"
}
trap cleanup EXIT

if [[ $transport == pty ]]; then
  "$build/tools/sim/intergas-sim" --pty "$run/b" --count "$boilers" --profile heating \
    --latency-ms 100 >"$run/sim.out" 2>"$run/sim.log" &
else
  "$build/tools/sim/intergas-sim" --tcp 0 --count "$boilers" --profile heating \
    --latency-ms 100 >"$run/sim.out" 2>"$run/sim.log" &
fi
sim_pid=$!  # the simulator, started in either branch above
pids+=($sim_pid)
for _ in $(seq 200); do grep -q '^ready' "$run/sim.out" && break; sleep 0.1; done
grep -q '^ready' "$run/sim.out" || { cat "$run/sim.log" >&2; exit 1; }

port=$((20000 + RANDOM % 20000))
{
  echo "Hostname \"scale\""
  echo "FQDNLookup false"
  echo "BaseDir \"$run\""
  echo "Interval $interval"
  echo "ReadThreads 5"
  echo "TypesDB \"/usr/share/collectd/types.db\" \"$root/plugin/intergas.types.db\""
  echo "LoadPlugin logfile"
  echo "<Plugin logfile>"
  echo "  LogLevel info"
  echo "  File \"$run/collectd.log\""
  echo "</Plugin>"
  echo "LoadPlugin write_prometheus"
  echo "<Plugin write_prometheus>"
  echo "  Host \"127.0.0.1\""
  echo "  Port \"$port\""
  echo "</Plugin>"
  echo "PluginDir \"$build/plugin\""
  echo "LoadPlugin intergas"
  echo "<Plugin intergas>"
  i=0
  while read -r kind index where; do
    [[ $kind == pty || $kind == tcp ]] || continue
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
    i=$((i + 1))
  done < <(grep -E '^(pty|tcp) ' "$run/sim.out")
  echo "</Plugin>"
} >"$run/collectd.conf"

clk=$(getconf CLK_TCK)
/usr/sbin/collectd -f -C "$run/collectd.conf" >"$run/collectd.out" 2>&1 &
cd_pid=$!
pids+=($cd_pid)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

echo "scale: $boilers boilers ($transport, 9600 baud paced, 100 ms latency, 7 commands each read), Interval $interval, ReadThreads 5"
# Warm-up: the first interval opens every link.
sleep $((interval + 2))
start_ticks=$(cpu_ticks $cd_pid)
sim_start_ticks=$(cpu_ticks $sim_pid)
start_time=$(date +%s.%N)
total_fresh_up=0 total_fresh_value=0 scrapes=0
for n in $(seq "$intervals"); do
  sleep "$interval"
  now_ms=$(date +%s%3N)
  curl -sf "http://127.0.0.1:$port/metrics" >"$run/scrape" || { echo "scale: scrape failed" >&2; exit 1; }
  # write_prometheus prints `name{labels} value timestamp_ms`; fresh = updated in the last interval.
  read -r up_fresh value_fresh < <(awk -v now="$now_ms" -v win=$(((interval + 1) * 1000)) '
    /^collectd_intergas_up\{/ && $2 == 1 && now - $3 <= win { up++ }
    /^collectd_intergas_temperature_celsius\{.*type="supply"/ && now - $3 <= win { v++ }
    END { printf "%d %d\n", up, v }' "$run/scrape")
  printf 'scrape %d: fresh up=1 %d/%d (%.1f%%), fresh supply temperature %d/%d (%.1f%%)\n' \
    "$n" "$up_fresh" "$boilers" "$(echo "$up_fresh*100/$boilers" | bc -l)" \
    "$value_fresh" "$boilers" "$(echo "$value_fresh*100/$boilers" | bc -l)"
  total_fresh_up=$((total_fresh_up + up_fresh))
  total_fresh_value=$((total_fresh_value + value_fresh))
  scrapes=$((scrapes + 1))
done
end_time=$(date +%s.%N)
ticks=$(($(cpu_ticks $cd_pid) - start_ticks))
sim_ticks=$(($(cpu_ticks $sim_pid) - sim_start_ticks))
elapsed=$(echo "$end_time - $start_time" | bc -l)
rss=$(awk '/^VmRSS/ {print $2}' "/proc/$cd_pid/status")
hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$cd_pid/status")
printf 'fresh share over %d scrapes: up=1 %.2f%%, values %.2f%%\n' "$scrapes" \
  "$(echo "$total_fresh_up*100/($boilers*$scrapes)" | bc -l)" \
  "$(echo "$total_fresh_value*100/($boilers*$scrapes)" | bc -l)"
printf 'collectd CPU: %.1f%% of one core (%.1f s over %.0f s); RSS %d KiB (peak %d KiB)\n' \
  "$(echo "$ticks/$clk*100/$elapsed" | bc -l)" "$(echo "$ticks/$clk" | bc -l)" "$elapsed" "$rss" "$hwm"
printf 'simulator CPU: %.1f%% of one core\n' "$(echo "$sim_ticks/$clk*100/$elapsed" | bc -l)"
grep -c 'took too long\|read-function of plugin' "$run/collectd.log" | xargs printf 'collectd "read took too long" warnings: %s\n' || true
grep -E 'intergas plugin' "$run/collectd.log" | grep -vE 'opened|answering' | head -5 || true
