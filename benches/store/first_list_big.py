"""Spawn to the first list on a pty with a big store (issue 16, item 2): N tickets synced
into the store (`gongdan cache sync`, sandbox without latency), one console start to keep
the first view's page, then starts against the same sandbox at 300 ms latency.

    python3 benches/store/first_list_big.py target/release/gongdan 100000 5

Prints ms from spawn to the first list (a selected row on screen) and to "as of" (the
store's rows), and VmHWM of the console with the All view open. Needs `pyte`."""
import os, pty, select, subprocess, sys, time, tempfile, statistics, socket
import pyte

BIN, N, RUNS = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else 5
PORT = 18970
home = tempfile.mkdtemp()
env = dict(os.environ, HOME=home, XDG_CONFIG_HOME=home + '/config', XDG_STATE_HOME=home + '/state',
           XDG_DATA_HOME=home + '/data', XDG_CACHE_HOME=home + '/cache', TERM='xterm-256color',
           LANG='en_US.UTF-8', GONGDAN_NO_KEYRING='1',
           GONGDAN_BASE_URL=f'http://127.0.0.1:{PORT}', GONGDAN_ACCOUNT='admin@example.com',
           GONGDAN_PASSWORD='admin-pass')
for k in ['LC_ALL', 'GONGDAN_LOG', 'GONGDAN_CONFIG', 'GONGDAN_PROFILE']:
    env.pop(k, None)

def sandbox(latency):
    args = [BIN, 'sandbox', '--addr', f'127.0.0.1:{PORT}', '--tickets', str(N)]
    if latency:
        args += ['--latency-ms', str(latency)]
    p = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(1200):
        try:
            socket.create_connection(('127.0.0.1', PORT), 0.2).close(); break
        except OSError:
            time.sleep(0.25)
    return p

def hwm(pid):
    try:
        for line in open(f'/proc/{pid}/status'):
            if line.startswith('VmHWM'):
                return int(line.split()[1]) / 1024
    except OSError:
        return None

def console(settle=0.0):
    screen = pyte.Screen(120, 40); stream = pyte.ByteStream(screen)
    t0 = time.monotonic()
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(BIN, [BIN], env)
    import fcntl, termios, struct
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack('HHHH', 40, 120, 0, 0))
    first = as_of = None
    while time.monotonic() < t0 + 60:
        r, _, _ = select.select([fd], [], [], 0.01)
        if r:
            try: data = os.read(fd, 65536)
            except OSError: break
            stream.feed(data)
            lines = screen.display
            now = (time.monotonic() - t0) * 1000
            if first is None and any(l.startswith('>') for l in lines):
                first = now
            if as_of is None and any('as of' in l for l in lines):
                as_of = now
        if first is not None and time.monotonic() > t0 + max(settle, 1.5):
            break
    peak = hwm(pid)
    os.write(fd, b'q')
    end = time.monotonic() + 10
    while time.monotonic() < end:
        r, _, _ = select.select([fd], [], [], 0.05)
        if r:
            try: os.read(fd, 65536)
            except OSError: break
    os.waitpid(pid, 0)
    return first, as_of, peak

sb = sandbox(0)
t = time.monotonic()
subprocess.run([BIN, 'cache', 'sync'], env=env, check=True)
print(f'cache sync of {N}: {time.monotonic() - t:.1f} s', flush=True)
console(settle=5)          # keeps the first view's page in the store
sb.terminate(); sb.wait()
sb = sandbox(300)
firsts, as_ofs, peaks = [], [], []
for _ in range(RUNS):
    first, as_of, peak = console(settle=3)
    firsts.append(first); as_ofs.append(as_of); peaks.append(peak)
sb.terminate(); sb.wait()
print('first list (ms):', [round(x) if x else None for x in firsts], 'median', round(statistics.median([x for x in firsts if x])))
print('"as of" shown (ms):', [round(x) if x else None for x in as_ofs])
print('VmHWM (MiB):', [round(x, 1) if x else None for x in peaks])
