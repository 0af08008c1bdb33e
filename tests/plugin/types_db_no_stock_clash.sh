#!/bin/sh
# types_db_no_stock_clash (CTest, label unit): the project's types file must not define a type
# that collectd's stock types.db already has. A type is global to the daemon, so a redefinition
# (as 0.1.0 did with the stock GAUGE `requests`, as a DERIVE) changes how every other plugin's
# values of that type are stored and exported.
#
#   types_db_no_stock_clash.sh PROJECT_TYPES_DB [STOCK_TYPES_DB]
#
# Compares the first column of both files, ignoring comments and blank lines. Prints the shared
# names and exits 1 if there are any; otherwise prints how many names it compared and exits 0.
# Exits 2 on a usage error or a missing/empty file.
set -eu

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
  echo "usage: $0 PROJECT_TYPES_DB [STOCK_TYPES_DB]" >&2
  exit 2
fi
project=$1
stock=${2:-/usr/share/collectd/types.db}

for f in "$project" "$stock"; do
  if [ ! -r "$f" ]; then
    echo "types_db_no_stock_clash: cannot read $f (the stock file comes with collectd-core; scripts/setup installs it)" >&2
    exit 2
  fi
done

# The type names of a types.db file: first field of every line that is not blank or a comment.
names() {
  awk '{ sub(/#.*/, "") } NF { print $1 }' "$1" | LC_ALL=C sort -u
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
names "$project" >"$tmp/project"
names "$stock" >"$tmp/stock"
n_project=$(wc -l <"$tmp/project")
n_stock=$(wc -l <"$tmp/stock")
if [ "$n_project" -eq 0 ] || [ "$n_stock" -eq 0 ]; then
  echo "types_db_no_stock_clash: no type names in $project ($n_project) or $stock ($n_stock)" >&2
  exit 2
fi

LC_ALL=C comm -12 "$tmp/project" "$tmp/stock" >"$tmp/shared"
if [ -s "$tmp/shared" ]; then
  echo "FAIL: $project redefines $(wc -l <"$tmp/shared" | tr -d ' ') type(s) of $stock:"
  sed 's/^/  /' "$tmp/shared"
  echo "Rename them (a type is global to collectd: redefining one changes other plugins' values)."
  exit 1
fi
echo "ok: $n_project types of $project, $n_stock types of $stock, none shared"
