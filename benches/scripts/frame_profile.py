#!/usr/bin/env python3
"""Where the bytes of one key's frame go (issue 14's PageDown profile): presses a key N
times on a pty and sorts what the program wrote into text (ASCII, other UTF-8), colour and
attribute changes (SGR), cursor moves, erases, scrolling and other controls. Needs
/work/shared/tools/ptyprobe.py (pyte). Same arguments as benches/scroll_bytes.py, then the key
and the count in PROFILE_KEY / PROFILE_N (default PageDown, 10).

    target/release/gongdan sandbox --tickets 10000 --addr 127.0.0.1:18778 &
    python3 benches/scripts/frame_profile.py 40 120 zh_CN.UTF-8 target/release/gongdan \\
        --base-url http://127.0.0.1:18778 --account admin@example.com
    python3 benches/scripts/frame_profile.py 40 120 C.UTF-8 neomutt -n \\
        -F /work/shared/tools/bench.muttrc -R -f bench.mbox
"""
import json
import os
import re
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.environ.get("PTYPROBE_DIR", "/work/shared/tools"))
from ptyprobe import Probe  # noqa: E402

rows, cols, lang = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
argv = sys.argv[4:]
key = os.environ.get("PROFILE_KEY", "PageDown")
count = int(os.environ.get("PROFILE_N", "10"))
neomutt = "neomutt" in os.path.basename(argv[0])
home = tempfile.mkdtemp()
if neomutt:
    env = {"LC_ALL": lang}
else:
    env = {"LANG": lang, "HOME": home, "XDG_CONFIG_HOME": home + "/c",
           "XDG_STATE_HOME": home + "/s", "XDG_DATA_HOME": home + "/d",
           "GONGDAN_PASSWORD": "admin-pass"}

TOKEN = re.compile(rb"\x1b\[[0-9;?<>=!]*[ -/]*[@-~]|\x1b[@-Z\\-_]|\x1b.|[\x00-\x1f\x7f]|[\x20-\x7e]+|[\x80-\xff]+")


def classify(data):
    kinds = {}
    for m in TOKEN.finditer(data):
        tok = m.group(0)
        if tok.startswith(b"\x1b["):
            final = chr(tok[-1])
            kind = {"m": "sgr", "H": "move", "G": "move", "d": "move", "A": "move", "B": "move",
                    "C": "move", "D": "move", "f": "move", "K": "erase", "J": "erase", "X": "erase",
                    "r": "scroll", "S": "scroll", "T": "scroll", "L": "scroll", "M": "scroll",
                    "h": "mode", "l": "mode"}.get(final, "csi-other")
        elif tok.startswith(b"\x1b"):
            kind = "esc-other"
        elif tok[0] < 0x20 or tok[0] == 0x7f:
            kind = "ctl"
        elif tok[0] < 0x80:
            kind = "text-ascii"
        else:
            kind = "text-utf8"
        kinds.setdefault(kind, [0, 0])
        kinds[kind][0] += len(tok)
        kinds[kind][1] += 1
    return kinds


frames = []
with Probe(argv, rows=rows, cols=cols, env=env) as p:
    p.wait_for("产品" if neomutt else "ID")
    if not neomutt:
        p.press("4")
        time.sleep(1.5)
    for _ in range(count):
        off = len(p.raw) + 0
        p.settle(150)
        off = len(p.raw)
        p.press(key)
        frames.append(bytes(p.raw[off:]))
sizes = [len(f) for f in frames]
median_frame = sorted(frames, key=len)[len(frames) // 2]
out = {"key": key, "n": count, "median": statistics.median(sizes), "min": min(sizes),
       "max": max(sizes),
       "median_frame": {k: {"bytes": v[0], "tokens": v[1]}
                        for k, v in sorted(classify(median_frame).items(), key=lambda kv: -kv[1][0])}}
if os.environ.get("PROFILE_DUMP"):
    with open(os.environ["PROFILE_DUMP"], "wb") as f:
        f.write(median_frame)
print(json.dumps(out, ensure_ascii=False))
