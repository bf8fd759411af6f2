#!/bin/bash
# Runs each test file given at a base checkout and at this checkout, back to back, and prints wall,
# user and system seconds (the CPU counts do not depend much on the machine's load; wall does).
# Usage: bench/test-ab.sh /path/to/base-checkout test/a.test.ts [test/b.test.ts ...]
# A base checkout: mkdir /tmp/base && git archive <commit> | tar -x -C /tmp/base
#                  && ln -s "$PWD/node_modules" /tmp/base/node_modules && (cd /tmp/base && npx vite build)
set -u
base=$1
shift
here=$(cd "$(dirname "$0")/.." && pwd)
for file in "$@"; do
  for side in "$base" "$here"; do
    load=$(cut -d' ' -f1 /proc/loadavg)
    (cd "$side" && /usr/bin/time -f '%e %U %S' -o /tmp/test-ab.time npx vitest run "$file" > /tmp/test-ab.out 2>&1)
    tests=$(grep -a 'Tests ' /tmp/test-ab.out | sed 's/\x1b\[[0-9;]*m//g' | tr -s ' ')
    read -r wall user sys < <(tail -1 /tmp/test-ab.time)
    echo "$file $side: wall ${wall}s, CPU $(echo "$user + $sys" | bc)s (user $user, sys $sys), load $load,$tests"
  done
done
