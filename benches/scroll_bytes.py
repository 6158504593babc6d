#!/usr/bin/env python3
"""Bytes per key on a pty by phase (issue 14): j within the screen, j held past the bottom
row, k held past the top row, PageDown. What the program writes from the key until 150 ms
without output (ptyprobe's `press`), so a redraw the key causes later (a name arriving)
counts. Needs /work/shared/tools/ptyprobe.py (pyte).

    target/release/gongdan sandbox --tickets 10000 --addr 127.0.0.1:18778 &
    python3 benches/scroll_bytes.py 40 120 en_US.UTF-8 target/release/gongdan \\
        --base-url http://127.0.0.1:18778 --account admin@example.com
    python3 /work/shared/tools/gen_mbox.py bench.mbox --count 10000
    python3 benches/scroll_bytes.py 40 120 C.UTF-8 neomutt -n \\
        -F /work/shared/tools/bench.muttrc -R -f bench.mbox

gongdan gets `4` first (the All tab), a fresh home, and GONGDAN_PASSWORD=admin-pass.
Prints one JSON line: per phase the number of presses, median, min and max bytes.
"""
import json
import os
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.environ.get("PTYPROBE_DIR", "/work/shared/tools"))
from ptyprobe import Probe  # noqa: E402

rows, cols, lang = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
argv = sys.argv[4:]
neomutt = "neomutt" in os.path.basename(argv[0])
home = tempfile.mkdtemp()
if neomutt:
    env = {"LC_ALL": lang}
else:
    env = {"LANG": lang, "HOME": home, "XDG_CONFIG_HOME": home + "/c",
           "XDG_STATE_HOME": home + "/s", "XDG_DATA_HOME": home + "/d",
           "GONGDAN_PASSWORD": "admin-pass"}
out = {}
with Probe(argv, rows=rows, cols=cols, env=env) as p:
    p.wait_for("产品" if neomutt else "ID")
    if not neomutt:
        p.press("4")
        time.sleep(1.5)

    def phase(name, key, n):
        got = [p.press(key)["bytes"] for _ in range(n)]
        if name:
            out[name] = {"n": n, "median": statistics.median(got), "min": min(got), "max": max(got)}

    phase("j, within the screen", "j", 20)
    phase(None, "j", rows + 5)  # to the bottom row, not counted
    phase("j, past the bottom", "j", 30)
    phase(None, "k", rows + 5)  # to the top row, not counted
    phase("k, past the top", "k", 30)
    phase("PageDown", "PageDown", 10)
print(json.dumps(out))
