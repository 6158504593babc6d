#!/bin/sh
# Issue 14, items 3 and 8: bytes per PageDown / Enter / Esc at 120x40 on a pty, gongdan
# beside neomutt (the anchor) in the same run, with /work/shared/tools/ptyprobe.py.
#
#   gongdan sandbox --tickets 10000 --addr 127.0.0.1:18431 &     # live-shaped seed
#   python3 /work/shared/tools/gen_mbox.py bench.mbox --count 10000
#   benches/scripts/page_names.sh BINARY [BINARY...]             # e.g. target/release/gongdan
#
# Each binary runs twice on a fresh state directory: "cold" (no lookup cache) then "warm"
# (the cache the first run wrote). Prints median (min, max) bytes per key.
set -eu
work=$(mktemp -d)
probe() { python3 /work/shared/tools/ptyprobe.py --rows 40 --cols 120 --timeout 20 --no-screen "$@"; }
summ() { python3 -c "
import json,sys;d=json.load(open(sys.argv[1]))
print(sys.argv[2], {k:(v['bytes_median'],v['bytes_min'],v['bytes_max']) for k,v in d['keys'].items()})" "$1" "$2"; }
probe --env LC_ALL=C.UTF-8 --wait-text 产品 --keys 'PageDown*20' Enter sleep:300 q \
  --cmd "neomutt -n -F /work/shared/tools/bench.muttrc -R -f bench.mbox" > "$work/nm.json" 2>/dev/null
summ "$work/nm.json" "neomutt (Enter, q)"
for lang in C.UTF-8 zh_CN.UTF-8; do
  for binary in "$@"; do
    state="$work/state"; rm -rf "$state"; mkdir "$state"
    for pass in cold warm; do
      probe --env LC_ALL=$lang --env LANG=$lang --env GONGDAN_PASSWORD=admin-pass \
        --env XDG_STATE_HOME="$state" --env HOME="$state" \
        --wait-text ID --keys 4 sleep:1500 'PageDown*20' sleep:300 Enter sleep:500 Esc sleep:300 q \
        -- "$binary" --base-url http://127.0.0.1:18431 --account admin@example.com > "$work/g.json" 2>/dev/null
      summ "$work/g.json" "$binary $lang $pass"
    done
  done
done
rm -rf "$work"
