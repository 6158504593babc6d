# Issue 14, item 8. At 3 s latency: the All tab shown with its names on the way, then a
# search for a ticket id typed at once; seconds from Enter until the found row is on screen.
import sys, time, re
sys.path.insert(0, "/work/shared/tools")
from ptyprobe import Probe
binary, state = sys.argv[1:3]
env = {"LC_ALL": "C.UTF-8", "GONGDAN_PASSWORD": "admin-pass", "XDG_STATE_HOME": state, "HOME": state}
argv = [binary, "--base-url", "http://127.0.0.1:18432", "--account", "admin@example.com"]
with Probe(argv, rows=40, cols=120, env=env) as p:
    p.wait_for("ID", timeout=30)
    p.press("4", quiet_ms=50)
    # The All tab's first page: rows on screen, their names asked for.
    print("rows shown after", p.wait_for("open", timeout=60), "s", flush=True)
    p.pump(0.5)
    p.press("/", quiet_ms=50)
    for c in "9876":
        p.press(c, quiet_ms=20)
    t = time.monotonic()
    p.press("Enter", quiet_ms=20)
    found = None
    while time.monotonic() - t < 120:
        p.pump(0.05)
        if any(re.match(r"^.{0,2}\s+9876\s", l) for l in p.lines()[2:-1]):
            found = True
            break
    print("search answered", None if found is None else round(time.monotonic() - t, 1), "s after Enter")
    print("\n".join(l for l in p.lines()[:5]))
