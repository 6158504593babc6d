"""Memory of the console with N tickets in the store and the All view answered by it
(issue 16, item 6): N synced first (`gongdan cache sync`), then the console started, `4`
(All) pressed, and VmRSS / VmHWM read once the status line says "store, as of".

    python3 benches/store/memory_big.py target/release/gongdan 100000

Needs `pyte`."""
import os, pty, select, subprocess, sys, time, tempfile, socket
import pyte

BIN, N = sys.argv[1], int(sys.argv[2])
PORT = 18971
home = tempfile.mkdtemp()
env = dict(os.environ, HOME=home, XDG_CONFIG_HOME=home + '/config', XDG_STATE_HOME=home + '/state',
           XDG_DATA_HOME=home + '/data', XDG_CACHE_HOME=home + '/cache', TERM='xterm-256color',
           LANG='en_US.UTF-8', GONGDAN_NO_KEYRING='1',
           GONGDAN_BASE_URL=f'http://127.0.0.1:{PORT}', GONGDAN_ACCOUNT='admin@example.com',
           GONGDAN_PASSWORD='admin-pass')
for k in ['LC_ALL', 'GONGDAN_LOG', 'GONGDAN_CONFIG', 'GONGDAN_PROFILE']:
    env.pop(k, None)

sb = subprocess.Popen([BIN, 'sandbox', '--addr', f'127.0.0.1:{PORT}', '--tickets', str(N)],
                      env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
for _ in range(1200):
    try:
        socket.create_connection(('127.0.0.1', PORT), 0.2).close(); break
    except OSError:
        time.sleep(0.25)
subprocess.run([BIN, 'cache', 'sync'], env=env, check=True)

def status(pid):
    out = {}
    for line in open(f'/proc/{pid}/status'):
        if line.startswith(('VmRSS', 'VmHWM')):
            k, v = line.split(':'); out[k] = int(v.split()[0]) / 1024
    return out

screen = pyte.Screen(120, 40); stream = pyte.ByteStream(screen)
pid, fd = pty.fork()
if pid == 0:
    os.execve(BIN, [BIN], env)
import fcntl, termios, struct
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack('HHHH', 40, 120, 0, 0))
t0 = time.monotonic(); pressed = None; seen = None
while time.monotonic() < t0 + 300:
    r, _, _ = select.select([fd], [], [], 0.05)
    if r:
        try: stream.feed(os.read(fd, 65536))
        except OSError: break
    lines = screen.display
    if pressed is None and any(l.startswith('>') for l in lines):
        os.write(fd, b'4'); pressed = time.monotonic()
    if pressed and seen is None and 'store, as of' in lines[-1] and 'All' in lines[-1]:
        seen = time.monotonic()
        print(f'All from the store after {seen - pressed:.2f} s: {lines[-1].strip()[:100]}')
    if seen and time.monotonic() > seen + 3:
        break
    # Above the local views' bound the All view stays the server's: its first page.
    if pressed and seen is None and time.monotonic() > pressed + 30:
        print(f'All not from the store after 30 s: {lines[-1].strip()[:100]}')
        break
print(status(pid))
os.write(fd, b'q'); time.sleep(1)
try: os.waitpid(pid, 0)
except ChildProcessError: pass
sb.terminate(); sb.wait()
