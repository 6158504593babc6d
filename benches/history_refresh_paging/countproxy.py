# A counting HTTP proxy in front of the sandbox: every request is forwarded as is and
# one line "METHOD PATH" is appended to the count file.
import sys, urllib.request, threading
from http.server import ThreadingHTTPServer, BaseHTTPRequestHandler
listen, upstream, logfile = int(sys.argv[1]), sys.argv[2], sys.argv[3]
lock = threading.Lock()
class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def forward(self):
        with lock, open(logfile, "a") as f:
            f.write(f"{self.command} {self.path}\n")
        n = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(n) if n else None
        req = urllib.request.Request(upstream + self.path, data=body, method=self.command)
        for k, v in self.headers.items():
            if k.lower() not in ("host", "connection", "content-length"):
                req.add_header(k, v)
        try:
            r = urllib.request.urlopen(req, timeout=60)
            status, headers, data = r.status, r.headers, r.read()
        except urllib.error.HTTPError as e:
            status, headers, data = e.code, e.headers, e.read()
        self.send_response(status)
        for k, v in headers.items():
            if k.lower() not in ("transfer-encoding", "connection", "content-length"):
                self.send_header(k, v)
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
    do_GET = do_PUT = do_POST = forward
    def log_message(self, *a): pass
ThreadingHTTPServer(("127.0.0.1", listen), H).serve_forever()
