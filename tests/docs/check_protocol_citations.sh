#!/usr/bin/env bash
# Checks that every citation of the protocol reference in the code names a section that exists in
# docs/protocol.md (headings "## N. Title" and "### N.M Title").
#
# Usage: check_protocol_citations.sh [-v] [ROOT]     (ROOT defaults to the repository root)
#   -v  also list every citation with the section numbers read from it.
#
# Scanned: src/ plugin/ tools/ tests/ bench/ under ROOT; files *.cpp *.cc *.c *.h *.hpp *.sh *.py
# *.cmake CMakeLists.txt. Each occurrence of the file name is one of:
#   * a citation: the name, optionally followed by "," ":" or "(", then optionally "section",
#     "sections", "sec." or a section sign, then a list of section numbers. Numbers are N or N.M;
#     a list continues with "," "and" "&" "/" (each optionally followed by "section"), a range with
#     "-", an en dash or "to". A list may end in ", recommendation K": item K of the numbered list in
#     the last cited section must exist. Examples of the forms in use: "<name> 14.1",
#     "<name> 5.3, 5.4", "<name> 5-12", "<name> section 6", "<name> sections 8 and 9",
#     "(<name> 13, recommendation 5: ...)". The list may continue on the next line after a comment
#     leader (// # * --), and the name may end a line with its numbers on the next one.
#   * a plain mention with no section ("docs/<name>", "(in <name>)", "<name> section and ..."): not
#     checked, but counted and listed with -v.
#   * anything else is an error: a number glued to text ("5.3a", "5.x"), or "section" followed by
#     something that is neither a number nor a lower-case word.
# Prints file:line for each unresolved or unparsable citation and exits 1; on success prints how many
# citations were checked. Exit 2 on a usage error or a missing docs/protocol.md.
set -u
export LC_ALL=C

verbose=0
if [[ ${1:-} == -v ]]; then
  verbose=1
  shift
fi
root=${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
doc="$root/docs/protocol.md"
if [[ ! -f $doc ]]; then
  echo "check_protocol_citations: $doc not found" >&2
  exit 2
fi
name='protocol.md'
self=check_protocol_citations.sh

# ---- Sections of the reference --------------------------------------------------------------------
declare -A section=()   # "5.3" -> 1
declare -A body=()      # "13" -> the lines of that section up to the next heading
current=""
while IFS= read -r line || [[ -n $line ]]; do
  line=${line%$'\r'}
  if [[ $line =~ ^##+[[:space:]]+([0-9]+(\.[0-9]+)*)\.?[[:space:]] ]]; then
    current=${BASH_REMATCH[1]}
    section[$current]=1
    body[$current]=""
  elif [[ -n $current ]]; then
    body[$current]+="$line"$'\n'
  fi
done <"$doc"
if ((${#section[@]} == 0)); then
  echo "check_protocol_citations: no numbered headings in $doc" >&2
  exit 2
fi

# ---- Citation parser ------------------------------------------------------------------------------
# parse TEXT (what follows the file name): sets kind (cite|plain|bad), refs (section numbers, ranges
# expanded), recs ("section:item" pairs), why (for bad).
sect=$'\xc2\xa7'     # section sign
endash=$'\xe2\x80\x93' # en dash
num_re='([0-9]+(\.[0-9]+)*)'
kw_re="(sections?|sec\\.|$sect)"
sep_re="^[[:space:]]*(,|and|&|/)[[:space:]]*(${kw_re}[[:space:]]*)?([0-9].*)\$"
range_re="^[[:space:]]*(-|$endash|to)[[:space:]]*$num_re(.*)\$"
open_re='^[[:space:]]*[,:(][[:space:]]*(.*)$' # "<name>, 5.3", "<name>: 5.3", "<name> (5.3)"
rec_re='^[[:space:]]*,?[[:space:]]*recommendations?[[:space:]]+([0-9]+)(.*)$'
# After a number: end, white space, closing punctuation, or a full stop that ends a sentence
# ("5.3." parses; "5.x" and "5.3a" do not).
end_re='^(\.?([[:space:]]|$)|[],;:)}"`'\''!?]|\.[]),;:"`'\''])'

add_range() { # from to
  local a=$1 b=$2 i
  if [[ $a =~ ^[0-9]+$ && $b =~ ^[0-9]+$ && $a -le $b ]]; then
    for ((i = a; i <= b; i++)); do refs+=("$i"); done
  elif [[ $a =~ ^([0-9]+)\.([0-9]+)$ ]]; then
    local major=${BASH_REMATCH[1]} lo=${BASH_REMATCH[2]}
    if [[ $b =~ ^$major\.([0-9]+)$ && $lo -le ${BASH_REMATCH[1]} ]]; then
      local hi=${BASH_REMATCH[1]}
      for ((i = lo; i <= hi; i++)); do refs+=("$major.$i"); done
    else
      refs+=("$a" "$b")
    fi
  else
    refs+=("$a" "$b")
  fi
}

parse() {
  local t=$1 n
  kind=plain refs=() recs=() why=""
  if [[ $t =~ $open_re ]]; then t=${BASH_REMATCH[1]}; else t=${t#"${t%%[![:space:]]*}"}; fi
  local keyword=0
  if [[ $t =~ ^${kw_re}[[:space:]]*(.*)$ ]]; then
    keyword=1
    t=${BASH_REMATCH[2]}
  fi
  if [[ ! $t =~ ^[0-9] ]]; then
    # "section" followed by an ordinary word is prose ("the protocol.md section and ..").
    if ((keyword)) && [[ ! $t =~ ^[a-z]+([^A-Za-z0-9_.]|$) ]]; then
      kind=bad why="no section number after the section keyword"
    fi
    return
  fi
  kind=cite
  while :; do
    [[ $t =~ ^$num_re(.*)$ ]] || { kind=bad why="expected a section number"; return; }
    n=${BASH_REMATCH[1]}
    t=${BASH_REMATCH[3]}
    if [[ $t =~ $range_re ]]; then
      local to=${BASH_REMATCH[2]}
      t=${BASH_REMATCH[4]}
      add_range "$n" "$to"  # uses BASH_REMATCH itself
    else
      refs+=("$n")
    fi
    [[ $t =~ $end_re ]] || { kind=bad why="section number followed by '${t:0:12}'"; return; }
    if [[ $t =~ $sep_re ]]; then
      t=${BASH_REMATCH[4]}
      continue
    fi
    if [[ $t =~ $rec_re ]]; then
      recs+=("${refs[-1]}:${BASH_REMATCH[1]}")
    fi
    return
  done
}

strip_leader() { # a continuation line without indentation and comment leader
  local s=${1%$'\r'}
  s=${s#"${s%%[![:space:]]*}"}
  [[ $s =~ ^(//+|/?\*+|#+|--|;+)[[:space:]]*(.*)$ ]] && s=${BASH_REMATCH[2]}
  printf '%s' "$s"
}

# ---- Scan -------------------------------------------------------------------------------------------
dirs=()
for d in src plugin tools tests bench; do
  [[ -d $root/$d ]] && dirs+=("$root/$d")
done
if ((${#dirs[@]} == 0)); then
  echo "check_protocol_citations: none of src plugin tools tests bench under $root" >&2
  exit 2
fi

citations=0 references=0 plain=0 errors=0
declare -A files_seen=()
declare -a lines=()
loaded=""
while IFS= read -r hit; do
  file=${hit%%:*}
  rest=${hit#*:}
  lineno=${rest%%:*}
  rel=${file#"$root"/}
  if [[ $loaded != "$file" ]]; then
    mapfile -t lines <"$file"
    loaded=$file
  fi
  files_seen[$rel]=1
  line=${lines[lineno - 1]%$'\r'}
  next=""
  ((lineno < ${#lines[@]})) && next=$(strip_leader "${lines[lineno]}")
  # Occurrences on this line; the next line only continues them.
  text=$line
  while [[ $text == *"$name"* ]]; do
    text=${text#*"$name"}
    after=$text
    # The name ends the line (or only a comment closer follows): the numbers may be on the next line.
    if [[ $after =~ ^[[:space:]]*(\*/)?[[:space:]]*$ ]]; then
      after=" $next"
    elif [[ ! $text == *"$name"* ]]; then
      after="$after $next"
    fi
    parse "$after"
    case $kind in
      plain)
        plain=$((plain + 1))
        ((verbose)) && echo "  $rel:$lineno: plain mention"
        ;;
      bad)
        echo "$rel:$lineno: cannot parse citation ($why): $(printf '%s' "$line" | sed 's/^[[:space:]]*//')"
        errors=$((errors + 1))
        ;;
      cite)
        citations=$((citations + 1))
        missing=()
        for r in "${refs[@]}"; do
          references=$((references + 1))
          [[ -n ${section[$r]:-} ]] || missing+=("$r")
        done
        for rc in "${recs[@]}"; do
          s=${rc%%:*} k=${rc#*:}
          # (A missing section is reported above already.)
          if [[ -n ${section[$s]:-} ]] && ! grep -Eq "^[[:space:]]*$k\.[[:space:]]" <<<"${body[$s]}"; then
            missing+=("$s recommendation $k")
          fi
        done
        if ((${#missing[@]})); then
          echo "$rel:$lineno: unresolved citation: $name ${missing[*]} (no such section in docs/$name)"
          errors=$((errors + 1))
        elif ((verbose)); then
          extra=""
          ((${#recs[@]})) && extra=" recommendation ${recs[*]#*:}"
          echo "  $rel:$lineno: ${refs[*]}$extra"
        fi
        ;;
    esac
  done
done < <(grep -rnI -F "$name" \
  --include='*.cpp' --include='*.cc' --include='*.c' --include='*.h' --include='*.hpp' \
  --include='*.sh' --include='*.py' --include='*.cmake' --include='CMakeLists.txt' \
  --exclude="$self" "${dirs[@]}" | sort -t: -k1,1 -k2,2n)

if ((errors)); then
  echo "check_protocol_citations: $errors bad citation(s) of docs/$name" >&2
  exit 1
fi
echo "check_protocol_citations: $citations citations ($references section references) in" \
  "${#files_seen[@]} files resolve against ${#section[@]} sections of docs/$name;" \
  "$plain plain mention(s) without a section"
exit 0
