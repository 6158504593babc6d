"""Spawn to the first list on a pty (issue 16): `--demo --demo-latency-ms 300`, with an empty
store (`--demo-fresh`) and with the store the previous start filled. Prints ms per run.

    python3 benches/first_list_pty.py target/release/gongdan 7

Needs `pyte` (a terminal emulator). "First list" is the first screen with a selected row;
a start from the store must also show "as of" (else it is not counted as one)."""
import os, pty, select, sys, time, sqlite3, glob, tempfile, statistics
import pyte

BIN = sys.argv[1]
RUNS = int(sys.argv[2]) if len(sys.argv) > 2 else 5

def views(home):
    n = 0
    for p in glob.glob(home + '/cache/**/*.sqlite3', recursive=True):
        try: n += sqlite3.connect(p).execute("select count(*) from meta where key like 'view:%'").fetchone()[0]
        except Exception: pass
    return n

def run(home, args, wait_views=0):
    env = dict(os.environ, HOME=home, XDG_CONFIG_HOME=home+'/config', XDG_STATE_HOME=home+'/state',
               XDG_DATA_HOME=home+'/data', XDG_CACHE_HOME=home+'/cache', TERM='xterm-256color', LANG='en_US.UTF-8')
    for k in ['LC_ALL','GONGDAN_LOG','GONGDAN_CONFIG','GONGDAN_PROFILE']:
        env.pop(k, None)
    screen = pyte.Screen(100, 24); stream = pyte.ByteStream(screen)
    t0 = time.monotonic()
    pid, fd = pty.fork()
    if pid == 0:
        import fcntl, termios, struct
        os.execve(BIN, [BIN] + args, env)
    import fcntl, termios, struct
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack('HHHH', 24, 100, 0, 0))
    first = None; stored = None
    deadline = t0 + 60
    while time.monotonic() < deadline:
        r, _, _ = select.select([fd], [], [], 0.01)
        if r:
            try: data = os.read(fd, 65536)
            except OSError: break
            stream.feed(data)
            lines = screen.display
            if first is None and any(l.startswith('>') for l in lines):
                first = (time.monotonic() - t0) * 1000
            if first is not None and any('as of' in l for l in lines):
                stored = True
            if wait_views == 0 and stored:
                break
            if wait_views > 0 and first is not None and views(home) >= wait_views:
                break
        elif wait_views > 0 and first is not None and views(home) >= wait_views:
            break
        elif wait_views == 0 and first is not None and time.monotonic() > t0 + 10:
            break
    os.write(fd, b'q')
    end = time.monotonic() + 10
    while time.monotonic() < end:
        r, _, _ = select.select([fd], [], [], 0.05)
        if r:
            try: os.read(fd, 65536)
            except OSError: break
    os.waitpid(pid, 0)
    return first, stored

args = ['--demo', '--demo-latency-ms', '300']
without, with_store = [], []
for i in range(RUNS):
    home = tempfile.mkdtemp()
    ms, stored = run(home, args + ['--demo-fresh'], 4)
    assert not stored
    without.append(ms)
    # wait for the first start's writes (already exited: they are on disk or lost)
    if views(home) < 1:
        print('no snapshot kept', file=sys.stderr); continue
    ms, stored = run(home, args)
    assert stored, 'second start not from the store'
    with_store.append(ms)
print('without store (ms):', [round(x) for x in without], 'median', round(statistics.median(without)))
print('with store    (ms):', [round(x) for x in with_store], 'median', round(statistics.median(with_store)) if with_store else None)
