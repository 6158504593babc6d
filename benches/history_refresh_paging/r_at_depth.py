# r_at_depth.py BIN PAGES HOME: the console on a 120x40 pty (GONGDAN_BASE_URL pointing at
# countproxy.py in front of the sandbox); load PAGES more pages of the All tab by pressing G,
# press R and count the list requests the proxy saw until 2 s pass without one; then hold k
# 200 times (back up through pages R did not read) and count again.
import sys, time, os
sys.path.insert(0, "/work/shared/tools")
from ptyprobe import Probe
binary, pages, home = sys.argv[1], int(sys.argv[2]), sys.argv[3]
env = dict(LC_ALL="C.UTF-8", XDG_STATE_HOME=home + "/state")
def requests():
    # the counting proxy's log (countproxy.py): one line a request
    with open(os.environ.get("PROXY_LOG", "/tmp/proxy.log")) as fh:
        return sum(1 for line in fh if "tickets.json" in line or "search.json" in line)
with Probe([binary], rows=40, cols=120, env=env) as p:
    assert p.wait_for("ID") is not None
    p.press("4")  # the All tab (a list)
    time.sleep(1.0)
    for i in range(pages):
        p.press("G")
        time.sleep(0.25)
    time.sleep(1.5)
    before = requests()
    shown = [l for l in p.lines() if l.strip()][-1]
    p.press("R")
    start = time.time()
    after, still = requests(), time.time()
    while time.time() - still < 2.0 and time.time() - start < 120:
        time.sleep(0.1)
        if requests() != after:
            after, still = requests(), time.time()
    # and scrolling back up through the stale pages to the top (k held 200 times)
    for i in range(200):
        p.press("k")
    time.sleep(2.0)
    up = requests()
    print(f"{os.path.basename(binary)}: {pages} G presses, then R: {after - before} list/search requests ({still - start:.1f} s until the last); 200 k after it: {up - after}; status line: {shown.strip()[:100]}")
