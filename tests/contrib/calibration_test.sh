#!/usr/bin/env bash
# contrib_rules_calibration: the per-boiler gas calibration, set as docs/insights.md and the rules
# file's own comment say (one label_replace line per boiler above the default), corrects that
# boiler's gas, heat and energy figures and leaves the other boilers on the default 1.
# Usage: calibration_test.sh RULES_FILE TEST_FILE
set -euo pipefail
command -v promtool >/dev/null ||
  { echo "promtool not found: install the prometheus package (scripts/setup)"; exit 1; }
rules=$1 test_file=$2
run=$(mktemp -d)
trap 'rm -rf "$run"' EXIT

# The example line of the rules file's comment, uncommented: what a user copies.
example=$(sed -n 's/^ *#   \(label_replace(vector([0-9.]*), "intergas", .*) or\)$/\1/p' "$rules")
[[ $(wc -l <<<"$example") -eq 1 && -n $example ]] ||
  { echo "the calibration example line is not in $rules (docs/insights.md relies on it)"; exit 1; }
default='group by (intergas) (collectd_intergas_up) \* 0 + 1'
grep -q "^ *$default\$" "$rules" || { echo "the calibration default is not in $rules"; exit 1; }
sed "s/^\( *\)\($default\)\$/\1$example\n\1\2/" "$rules" >"$run/intergas.rules.yml"
grep -qF "$example" <(grep -v '^ *#' "$run/intergas.rules.yml") ||
  { echo "the example line was not set"; exit 1; }

cp "$test_file" "$run/"
cd "$run"
promtool check rules intergas.rules.yml
promtool test rules "$(basename "$test_file")"
