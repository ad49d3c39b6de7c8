#!/usr/bin/env python3
"""A plain Python standard-library HTTP sink for sluice-bench-http (issue 10, "Performance").

It is written the way a new user would write one: http.server's ThreadingHTTPServer with a
BaseHTTPRequestHandler speaking HTTP/1.1 keep-alive, which writes the response headers and the
body in two writes (end_headers() flushes the headers, then wfile.write() sends the body). A
kept-alive client then waits out a delayed ACK on each request: the server's second write waits
for the ACK of its first (Nagle), which the client delays.

  POST <any path>   reads the body, answers 200 {"ok":true}; counts requests and body bytes
  GET  /_count      {"requests": n, "bytes": b}
  POST /_reset      sets the counts to zero

usage: python_sink.py [PORT]   (0 or absent: a free port). Prints the port on its first line,
then serves on 127.0.0.1 until killed.
"""
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

_lock = threading.Lock()
_counts = {"requests": 0, "bytes": 0}


class Sink(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _reply(self, body):
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length) if length > 0 else b""
        if self.path == "/_reset":
            with _lock:
                _counts["requests"] = 0
                _counts["bytes"] = 0
            self._reply({"status": "reset"})
            return
        with _lock:
            _counts["requests"] += 1
            _counts["bytes"] += len(body)
        self._reply({"ok": True})

    def do_GET(self):
        with _lock:
            counts = dict(_counts)
        self._reply(counts)

    def log_message(self, format, *args):
        pass


def main():
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    server = ThreadingHTTPServer(("127.0.0.1", port), Sink)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
