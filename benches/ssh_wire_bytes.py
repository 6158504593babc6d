#!/usr/bin/env python3
"""Wire bytes per key over ssh (issue 14): the ssh client's own count of what it received
(`ssh -v -E LOG`: "Transferred: sent N, received M bytes"), for two runs that differ only
in how many keys are pressed; bytes per key = difference / extra keys. Keys: j and k in
turn within the screen (10 pairs against 110), or j past the bottom (45 against 145).

    # an sshd of your own on loopback (as tests/e2e_ssh.rs sets it up), its port and client key:
    SSH_PORT=2222 SSH_KEY=/path/client_key SEL=cursor python3 benches/ssh_wire_bytes.py \\
        target/release/gongdan http://127.0.0.1:18778 en_US.UTF-8 within

SEL=cursor|row writes `[ui] selection` into the run's config. Needs ptyprobe.py (pyte).
"""
import json
import os
import re
import sys
import tempfile
import time

sys.path.insert(0, os.environ.get("PTYPROBE_DIR", "/work/shared/tools"))
from ptyprobe import Probe  # noqa: E402

binary, base, lang, what = sys.argv[1:5]
port, key = os.environ["SSH_PORT"], os.environ["SSH_KEY"]


def run(presses, before=0):
    home = tempfile.mkdtemp()
    if os.environ.get("SEL"):
        os.makedirs(home + "/c/gongdan")
        with open(home + "/c/gongdan/config.toml", "w") as f:
            f.write('[ui]\nselection = "%s"\n' % os.environ["SEL"])
    log = tempfile.mktemp()
    remote = (f"env LANG={lang} HOME={home} XDG_CONFIG_HOME={home}/c XDG_STATE_HOME={home}/s "
              f"XDG_DATA_HOME={home}/d GONGDAN_PASSWORD=admin-pass {binary} "
              f"--base-url {base} --account admin@example.com")
    argv = ["ssh", "-tt", "-v", "-E", log, "-p", port, "-i", key,
            "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
            "-o", "BatchMode=yes", "root@127.0.0.1", remote]
    with Probe(argv, rows=40, cols=120, env={"TERM": "xterm-256color"}) as p:
        p.wait_for("ID")
        p.press("4")
        time.sleep(1.5)
        for _ in range(before):
            p.press("j")
        for k in presses:
            p.press(k)
        p.press("q")
        time.sleep(1.0)
    with open(log) as f:
        m = re.search(r"received (\d+) bytes", f.read())
    return int(m.group(1))


if what == "within":
    a, b = run("jk" * 10), run("jk" * 110)
    print(json.dumps({"within the screen, wire bytes per key": (b - a) / 200, "raw": [a, b]}))
else:
    a, b = run("", 45), run("j" * 100, 45)
    print(json.dumps({"past the bottom, wire bytes per key": (b - a) / 100, "raw": [a, b]}))
