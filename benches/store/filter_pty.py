"""Filter as you type on a pty with a big store (issue 16, items 4 and 6): N tickets synced
into the store (`gongdan cache sync` against the sandbox), the console started on a 200×50 pty
(the pty instrument of /work/shared/tools, `ptyprobe.Probe`), `4` (All) pressed and the
store's view waited for ("store, as of" on the status line), then `f` and a filter typed
one key at a time. For each key: the time from the key written to the pty to the screen's
matching update, which is the last change of the rows or the status line (its count "All
k/n") before the output has been quiet for --quiet-ms; the prompt's echo of the key is
timed apart. Prints each key's figures, then the median and the worst.

    python3 benches/store/filter_pty.py target/release/gongdan 100000 [--text 订单支付失败]

Needs `pyte`. The quiet time only ends a key's wait: it is not in the figure, but an answer
slower than it would be missed (the screen's last line says which rows were seen)."""
import argparse, os, re, socket, statistics, subprocess, sys, tempfile, time

sys.path.insert(0, '/work/shared/tools')
from ptyprobe import Probe  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument('bin')
ap.add_argument('n', type=int)
ap.add_argument('--text', default='订单支付失败', help='the filter typed, one key at a time')
ap.add_argument('--quiet-ms', type=int, default=1000)
ap.add_argument('--port', type=int, default=18972)
o = ap.parse_args()

home = tempfile.mkdtemp()
env = dict(HOME=home, XDG_CONFIG_HOME=home + '/config', XDG_STATE_HOME=home + '/state',
           XDG_DATA_HOME=home + '/data', XDG_CACHE_HOME=home + '/cache', TERM='xterm-256color',
           LANG='en_US.UTF-8', GONGDAN_NO_KEYRING='1',
           GONGDAN_BASE_URL=f'http://127.0.0.1:{o.port}', GONGDAN_ACCOUNT='admin@example.com',
           GONGDAN_PASSWORD='admin-pass')
full_env = {k: v for k, v in os.environ.items()
            if k not in ('LC_ALL', 'GONGDAN_LOG', 'GONGDAN_CONFIG', 'GONGDAN_PROFILE')}
full_env.update(env)

sb = subprocess.Popen([o.bin, 'sandbox', '--addr', f'127.0.0.1:{o.port}', '--tickets', str(o.n)],
                      env=full_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    for _ in range(1200):
        try:
            socket.create_connection(('127.0.0.1', o.port), 0.2).close()
            break
        except OSError:
            time.sleep(0.25)
    subprocess.run([o.bin, 'cache', 'sync'], env=full_env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    with Probe([o.bin], rows=50, cols=200, env=env) as p:
        if p.wait_for('>', timeout=60) is None:
            sys.exit('no list on screen after 60 s')
        p.write(b'4')
        t = time.monotonic()
        while not (p.lines()[-1].find('store, as of') >= 0 and 'All' in p.lines()[-1]):
            if time.monotonic() > t + 300:
                sys.exit('the All view is not the store\'s after 300 s: ' + p.lines()[-1])
            p.pump(0.05)
        print(f'All from the store after {time.monotonic() - t:.2f} s: {p.lines()[-1].strip()[:90]}')
        p.press('f', quiet_ms=300)

        def view(lines, typed):
            # The rows and the status line's count ("All k/n"): not the prompt, its hint and
            # the rest of the status line, which echo the key at once.
            # and how many the filter cannot tell ("N not known").
            count = re.search(r'All \d+/\d+', lines[-1])
            unknown = re.search(r'(\d+) not known', lines[-1])
            return tuple(lines[:-3]) + (count and count.group(0), unknown and unknown.group(1))

        results = []
        typed = ''
        for ch in o.text:
            p.settle(quiet_ms=o.quiet_ms)
            before, echoed = view(p.lines(), typed), None
            typed += ch
            prompt_before = p.lines()[-3]
            sent = time.monotonic()
            last_change = None
            p.write(ch.encode())
            last_output = sent
            while time.monotonic() < last_output + o.quiet_ms / 1000 and time.monotonic() < sent + 60:
                if p.pump(0.01):
                    now = time.monotonic()
                    last_output = now
                    lines = p.lines()
                    if echoed is None and lines[-3] != prompt_before:
                        echoed = now
                    if view(lines, typed) != before:
                        before, last_change = view(lines, typed), now
            ms = lambda at: None if at is None else round((at - sent) * 1000, 1)
            results.append((ch, ms(echoed), ms(last_change), p.lines()[-1].strip()[:110]))
            print(f'{ch!r}: echo {ms(echoed)} ms, rows {ms(last_change)} ms | {results[-1][3]}', flush=True)
        times = [r[2] for r in results if r[2] is not None]
        if times:
            print(f'key to the rows\' update, {len(times)} of {len(results)} keys: '
                  f'median {statistics.median(times):.1f} ms, worst {max(times):.1f} ms')
        unchanged = [r[0] for r in results if r[2] is None]
        if unchanged:
            print(f'keys whose rows did not change (not counted): {unchanged!r}')
        p.write(b'\x1b')
        p.write(b'q')
        p.settle(quiet_ms=300, max_ms=3000)
finally:
    sb.terminate()
    sb.wait()
