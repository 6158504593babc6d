# g_to_the_end.py BIN HOME: the console on a 120x40 pty; the All tab (4), then G (pressed
# again whenever the output settles, as a user holding it would, at most 200 times): seconds
# and presses until the status line says every ticket is loaded ("10000/10000").
import sys, time
sys.path.insert(0, "/work/shared/tools")
from ptyprobe import Probe
binary, home = sys.argv[1], sys.argv[2]
with Probe([binary], rows=40, cols=120, env=dict(LC_ALL="C.UTF-8", XDG_STATE_HOME=home + "/state")) as p:
    assert p.wait_for("ID") is not None
    p.press("4")
    assert p.wait_for("100/10000") is not None
    start, presses = time.time(), 0
    while presses < 200 and not any("10000/10000" in l for l in p.lines()):
        p.press("G")
        presses += 1
    done = any("10000/10000" in l for l in p.lines())
    print(f"{binary}: {'all 10,000 loaded' if done else 'NOT all loaded'} after {presses} G, {time.time() - start:.2f} s")
