# g_to_the_end.py BIN HOME: the console on a 120x40 pty; the All tab (4), then G: seconds
# until the status line says every ticket is loaded ("10000/10000"), and the last id on screen.
import sys, time
sys.path.insert(0, "/work/shared/tools")
from ptyprobe import Probe
binary, home = sys.argv[1], sys.argv[2]
with Probe([binary], rows=40, cols=120, env=dict(LC_ALL="C.UTF-8", XDG_STATE_HOME=home + "/state")) as p:
    assert p.wait_for("ID") is not None
    p.press("4")
    assert p.wait_for("100/10000") is not None
    start = time.time()
    p.press("G")
    waited = p.wait_for("10000/10000")
    print(f"{binary}: G to all 10,000 loaded: {time.time() - start:.2f} s" if waited is not None else "not all loaded in time")
    print([l for l in p.lines() if l.strip()][-3].strip()[:60])
