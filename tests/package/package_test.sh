#!/usr/bin/env bash
# The Debian package, end to end: builds collectd-intergas_<version>_<arch>.deb with CPack from a
# build directory, checks its contents and control fields, installs it with apt-get, runs the
# installed tools, runs a real collectd on nothing but installed files (the shipped drop-in config
# with its settings uncommented) against the installed simulator, scrapes write_prometheus, then
# removes and purges the package and checks that its files and its conffile are gone.
#
#   package_test.sh BUILD_DIR SOURCE_DIR [CPACK]
#
# Needs root (apt-get, dpkg). Changes the system: any installed collectd-intergas is purged first,
# and the package is purged again at the end, also on failure. Only loopback is used.
set -euo pipefail

build_dir=${1:?usage: package_test.sh BUILD_DIR SOURCE_DIR [CPACK]}
source_dir=${2:?usage: package_test.sh BUILD_DIR SOURCE_DIR [CPACK]}
cpack=${3:-cpack}
package=collectd-intergas
conffile=/etc/collectd/collectd.conf.d/intergas.conf

fail() {
  echo "FAIL: $*" >&2
  exit 1
}
step() { echo "--- $*"; }

# Not root is a failure, not a skip: this test is the only check of the package.
[[ $(id -u) -eq 0 ]] || fail "must run as root: it installs and purges the .deb with apt-get/dpkg"
for tool in "$cpack" dpkg dpkg-deb dpkg-query apt-get collectd curl ss flock; do
  command -v "$tool" >/dev/null || fail "'$tool' not found (scripts/setup installs what is needed)"
done
[[ -f $build_dir/CPackConfig.cmake ]] || fail "$build_dir/CPackConfig.cmake missing: not a configured build dir"

# Runs of this test from several build directories share the system's package state.
exec 9>/run/lock/collectd-intergas-package-test.lock
flock -w 600 9 || fail "another package test holds /run/lock/collectd-intergas-package-test.lock"

work=$(mktemp -d /tmp/intergas-package-test.XXXXXX)
chmod 755 "$work"  # apt's _apt user reads the .deb from here
pids=()
installed_by_us=0
cleanup() {
  local rc=$?
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  if ((installed_by_us)) && dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null |
      grep -qv '^not-installed$'; then
    echo "cleanup: purging $package" >&2
    DEBIAN_FRONTEND=noninteractive apt-get purge -y -q -o DPkg::Lock::Timeout=120 "$package" \
      >/dev/null 2>&1 || true
  fi
  if ((rc != 0)); then
    for log in "$work"/*.log; do
      [[ -f $log ]] || continue
      echo "===== $(basename "$log") (last 40 lines)" >&2
      tail -n 40 "$log" >&2
    done
  fi
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

apt() {
  DEBIAN_FRONTEND=noninteractive apt-get -y -q -o DPkg::Lock::Timeout=120 "$@"
}
package_status() { dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null || echo not-installed; }

# --- 1. Build the package ---------------------------------------------------------------------
step "cpack -G DEB"
mkdir -p "$work/pkg"
chmod 755 "$work/pkg"
"$cpack" -G DEB --config "$build_dir/CPackConfig.cmake" -B "$work/pkg" >"$work/cpack.log" 2>&1 ||
  fail "cpack failed (cpack.log below)"
debs=("$work"/pkg/"$package"_*.deb)
[[ ${#debs[@]} -eq 1 && -f ${debs[0]} ]] || fail "expected one ${package}_*.deb, got: ${debs[*]}"
deb=${debs[0]}
version=$(dpkg-deb -f "$deb" Version)
arch=$(dpkg --print-architecture)
[[ $(basename "$deb") == "${package}_${version}_${arch}.deb" ]] ||
  fail "file name $(basename "$deb") is not ${package}_${version}_${arch}.deb"
project_version=$(sed -n 's/^project(collectd-intergas VERSION \([0-9.]*\).*/\1/p' "$source_dir/CMakeLists.txt")
[[ $version == "$project_version" ]] || fail "package version $version, project version $project_version"
echo "built $(basename "$deb")"

# --- 2. Contents: exactly the expected files --------------------------------------------------
step "dpkg-deb -c"
doc=/usr/share/doc/$package
expected=(
  "$conffile"
  /usr/bin/intergas-read
  /usr/bin/intergas-sim
  /usr/lib/collectd/intergas.so
  /usr/share/collectd/intergas.types.db
  "$doc/README.md"
  "$doc/collectd.conf.example"
)
man_suffix=.gz
command -v gzip >/dev/null || man_suffix=
for page in intergas-read intergas-sim; do expected+=("/usr/share/man/man1/$page.1$man_suffix"); done
for f in "$source_dir"/docs/*.md; do expected+=("$doc/docs/$(basename "$f")"); done
if [[ -d $source_dir/contrib ]]; then
  while IFS= read -r f; do expected+=("$doc/contrib/${f#"$source_dir"/contrib/}"); done \
    < <(find "$source_dir/contrib" -type f ! -name CMakeLists.txt)
fi
printf '%s\n' "${expected[@]}" | sort >"$work/expected.txt"
dpkg-deb -c "$deb" >"$work/contents.txt"
awk '$1 !~ /^d/ { sub(/^\./, "", $6); print $6 }' "$work/contents.txt" | sort >"$work/actual.txt"
diff -u "$work/expected.txt" "$work/actual.txt" >"$work/contents-diff.log" ||
  fail "package contents differ from the expected list (- expected, + in the package)"
awk '$1 ~ /^-/ && $6 ~ /^\.\/usr\/bin\// && $1 != "-rwxr-xr-x" { bad = 1 } END { exit bad }' \
  "$work/contents.txt" || fail "a /usr/bin file is not mode 0755"
echo "$(wc -l <"$work/actual.txt") files, as expected"

# --- 3. Control fields ------------------------------------------------------------------------
step "dpkg-deb -I"
dpkg-deb -I "$deb" >"$work/info.txt"
depends=$(dpkg-deb -f "$deb" Depends)
recommends=$(dpkg-deb -f "$deb" Recommends)
[[ $(dpkg-deb -f "$deb" Package) == "$package" ]] || fail "Package field is not $package"
grep -Eq '(^|, )collectd-core( |,|$)' <<<"$depends" || fail "Depends lacks collectd-core: $depends"
grep -Eq '(^|, )libc6 ' <<<"$depends" || fail "Depends lacks the shlibdeps (libc6): $depends"
for r in libmicrohttpd12 libprotobuf-c1; do
  grep -q "$r" <<<"$recommends" || fail "Recommends lacks $r: $recommends"
done
dpkg-deb -f "$deb" Maintainer | grep -q '<.*@.*>' || fail "Maintainer field has no address"
[[ $(dpkg-deb -I "$deb" conffiles) == "$conffile" ]] || fail "conffiles is not exactly $conffile"
echo "Depends: $depends"

# --- 4. The shipped drop-in config does nothing until edited -----------------------------------
step "shipped $conffile is inert"
dpkg-deb -x "$deb" "$work/extracted"
shipped=$work/extracted$conffile
if grep -nv -e '^#' -e '^[[:space:]]*$' "$shipped" >"$work/uncommented.log"; then
  fail "lines of $conffile that are not comments (uncommented.log)"
fi

# --- 5. Install (purging any earlier installation first) -----------------------------------------
step "apt-get install"
if [[ $(package_status) != not-installed ]]; then
  echo "purging the installed $package ($(package_status)) first"
  apt purge "$package" >"$work/apt-purge-before.log" 2>&1 || fail "apt-get purge of the earlier $package failed"
fi
for f in /usr/lib/collectd/intergas.so /usr/bin/intergas-read /usr/bin/intergas-sim; do
  if [[ -e $f ]]; then
    echo "warning: $f exists outside the package (cmake --install?); the package replaces it"
  fi
done
installed_by_us=1
apt install "$deb" >"$work/apt-install.log" 2>&1 || fail "apt-get install $deb failed (apt-install.log)"
[[ $(package_status) == installed ]] || fail "$package status after install: $(package_status)"
# dpkg path-exclude rules (minimal images) may drop docs and man pages; everything else must be there.
for f in "${expected[@]}"; do
  if [[ ! -f $f ]]; then
    case $f in
      /usr/share/doc/* | /usr/share/man/*)
        grep -rqs '^path-exclude' /etc/dpkg/dpkg.cfg.d/ ||
          fail "$f not installed (and no dpkg path-exclude explains it)" ;;
      *) fail "$f not installed" ;;
    esac
  fi
done
dpkg-query -W -f='${Conffiles}\n' "$package" | grep -q "^ $conffile " ||
  fail "dpkg does not record $conffile as a conffile"
cmp -s "$shipped" "$conffile" || fail "installed $conffile differs from the package's"

step "installed tools"
/usr/bin/intergas-read --help >"$work/read-help.log" 2>&1 || fail "intergas-read --help exited $?"
grep -q 'usage: intergas-read' "$work/read-help.log" || fail "intergas-read --help prints no usage"
/usr/bin/intergas-sim --help >"$work/sim-help.log" 2>&1 || fail "intergas-sim --help exited $?"
grep -q 'Usage: intergas-sim' "$work/sim-help.log" || fail "intergas-sim --help prints no usage"
if command -v man >/dev/null && [[ -f /usr/share/man/man1/intergas-read.1$man_suffix ]]; then
  man -w intergas-read >/dev/null 2>&1 || fail "man -w intergas-read finds no page"
  man -w intergas-sim >/dev/null 2>&1 || fail "man -w intergas-sim finds no page"
  echo "man pages: $(man -w intergas-read) $(man -w intergas-sim)"
fi

# Including the installed file as it is loads nothing: collectd -T registers no read function.
step "collectd -T with the installed $conffile included"
mkdir -p "$work/base-inert"
cat >"$work/inert.conf" <<EOF
Hostname "package-test"
FQDNLookup false
BaseDir "$work/base-inert"
PIDFile "$work/base-inert/collectd.pid"
Include "$conffile"
EOF
timeout 30 collectd -T -C "$work/inert.conf" >"$work/collectd-inert.log" 2>&1 ||
  fail "collectd -T with the installed $conffile included failed"
grep -q 'No read-functions are registered' "$work/collectd-inert.log" ||
  fail "including the installed $conffile registered read functions"

# --- 6. A real collectd on installed files only ------------------------------------------------
step "intergas-sim on a pty"
boiler=$work/boiler
/usr/bin/intergas-sim --pty "$boiler" </dev/null >"$work/sim.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do grep -qx ready "$work/sim.log" && break; sleep 0.1; done
grep -qx ready "$work/sim.log" || fail "intergas-sim did not print ready within 10 s"
/usr/bin/intergas-sim --print-json >"$work/sim-values.json"
expected_value() {  # TYPE TYPE_INSTANCE: the value intergas-sim --print-json gives for it
  sed -n "s/.*\"type\": \"$1\", \"type_instance\": \"$2\", \"value\": \\([-0-9.e]*\\)}.*/\\1/p" \
    "$work/sim-values.json"
}
supply=$(expected_value temperature_celsius supply)
pressure=$(expected_value pressure_bar '')
[[ -n $supply && -n $pressure ]] || fail "intergas-sim --print-json lacks the supply temperature or pressure"

port=
for _ in $(seq 50); do
  p=$((20000 + RANDOM % 20000))
  if [[ -z $(ss -Hltn "sport = :$p") ]]; then port=$p; break; fi
done
[[ -n $port ]] || fail "no free loopback port found"

# The shipped drop-in, its settings uncommented as its own comment says, pointed at the simulator.
mkdir -p "$work/conf.d" "$work/base"
sed -E -e 's/^#([^ ])/\1/' \
  -e "s|^([[:space:]]*Device )\".*\"|\\1\"$boiler\"|" \
  -e "s|^([[:space:]]*Port )\"9103\"|\\1\"$port\"|" "$conffile" >"$work/conf.d/intergas.conf"
grep -q "Device \"$boiler\"" "$work/conf.d/intergas.conf" || fail "no Device line to edit in $conffile"
grep -q "Port \"$port\"" "$work/conf.d/intergas.conf" || fail "no write_prometheus Port to edit in $conffile"
if grep -Eq '^PluginDir' "$work/conf.d/intergas.conf"; then
  fail "the drop-in overrides PluginDir"
fi
# As Debian's collectd.conf does it: global options, logging, then the directory Include.
cat >"$work/collectd.conf" <<EOF
Hostname "package-test"
FQDNLookup false
BaseDir "$work/base"
PIDFile "$work/base/collectd.pid"
Interval 2
LoadPlugin logfile
<Plugin logfile>
  LogLevel info
  File STDOUT
  Timestamp true
</Plugin>
<Include "$work/conf.d">
  Filter "*.conf"
</Include>
EOF
grep -q '^TypesDB "/usr/share/collectd/types.db" "/usr/share/collectd/intergas.types.db"$' \
  "$work/conf.d/intergas.conf" || fail "the drop-in's TypesDB line is not the installed files"

step "collectd -f, scraping 127.0.0.1:$port"
collectd -f -C "$work/collectd.conf" >"$work/collectd.log" 2>&1 &
collectd_pid=$!
pids+=("$collectd_pid")
metrics=$work/metrics.txt
series() {  # NAME LABEL_REGEX: the value of the first matching series on the last scrape
  awk -v name="$1" -v labels="$2" '$1 ~ "^" name "\\{" && $1 ~ labels { print $2; exit }' "$metrics"
}
up= temp=
for _ in $(seq 60); do
  kill -0 "$collectd_pid" 2>/dev/null || fail "collectd exited (collectd.log)"
  if curl -fsS --max-time 2 "http://127.0.0.1:$port/metrics" >"$metrics" 2>/dev/null; then
    up=$(series collectd_intergas_up 'intergas="home"')
    temp=$(series collectd_intergas_temperature_celsius 'type="supply"')
    [[ $up == 1 && -n $temp ]] && break
  fi
  sleep 0.5
done
[[ $up == 1 ]] || fail "collectd_intergas_up is '${up}', not 1, after 30 s"
[[ -n $temp ]] || fail "no collectd_intergas_temperature_celsius{type=\"supply\"} after 30 s"
same() { awk -v a="$1" -v b="$2" 'BEGIN { d = a - b; exit !(d < 1e-9 && d > -1e-9) }'; }
same "$temp" "$supply" || fail "supply temperature $temp, the simulator has $supply"
got_pressure=$(series collectd_intergas_pressure_bar 'intergas="home"')
same "${got_pressure:-x}" "$pressure" || fail "pressure '$got_pressure', the simulator has $pressure"
grep -q '^collectd_intergas_temperature_celsius{.*instance="package-test"' "$metrics" ||
  fail "the series lack instance=\"package-test\""
grep -q 'intergas plugin: Boiler "home": opened' "$work/collectd.log" ||
  fail "collectd's log lacks the plugin's 'opened' line"
echo "up 1, supply $temp °C, pressure $got_pressure bar"

step "stopping collectd and the simulator"
kill -TERM "$collectd_pid"
for _ in $(seq 100); do kill -0 "$collectd_pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$collectd_pid" 2>/dev/null && fail "collectd did not stop within 10 s of SIGTERM"
wait "$collectd_pid" 2>/dev/null || true
kill -TERM "${pids[0]}" 2>/dev/null || true
wait "${pids[0]}" 2>/dev/null || true
pids=()

# --- 7. Remove, then purge ----------------------------------------------------------------------
step "apt-get remove"
apt remove "$package" >"$work/apt-remove.log" 2>&1 || fail "apt-get remove failed (apt-remove.log)"
for f in "${expected[@]}"; do
  if [[ $f != "$conffile" && -e $f ]]; then fail "$f is still there after apt-get remove"; fi
done
[[ $(package_status) == config-files ]] || fail "status after remove: $(package_status), not config-files"
[[ -f $conffile ]] || fail "apt-get remove deleted the conffile (only purge should)"

step "apt-get purge"
apt purge "$package" >"$work/apt-purge.log" 2>&1 || fail "apt-get purge failed (apt-purge.log)"
[[ $(package_status) == not-installed ]] || fail "status after purge: $(package_status)"
[[ ! -e $conffile ]] || fail "$conffile is still there after purge"
installed_by_us=0
echo "PASS: $(basename "$deb") builds, installs, runs in collectd, removes and purges cleanly"
