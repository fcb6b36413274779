#!/usr/bin/python3
"""The benchmark's own loopback server: answers every POST to
.../models/MODEL:generateContent with one static body, read once into
memory, on one port per body (so every client, gemini-image, the SDK, curl,
asks the same URL and gets the same bytes).  Not the fake Gemini server:
no scenarios, no checks of the request beyond its path and its key; the
time it spends is the time to send the bytes.

  serve.py --key KEY --port-file FILE NAME=BODY.json [NAME=BODY.json ...]

FILE gets one line per body, "NAME PORT", once every port listens.  Stops
on SIGTERM or SIGINT.
"""

import argparse
import http.server
import os
import signal
import socketserver
import sys
import threading


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    body = b""
    key = ""

    def log_message(self, fmt, *args):  # quiet
        pass

    def _send(self, code, data, ctype="application/json; charset=UTF-8"):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        while length > 0:                      # read (and drop) the request
            chunk = self.rfile.read(min(length, 1 << 20))
            if not chunk:
                break
            length -= len(chunk)
        given = self.headers.get("x-goog-api-key") or ""
        if given != self.key:
            self._send(400, b'{"error": {"code": 400, "message": "API key not valid.", '
                            b'"status": "INVALID_ARGUMENT"}}\n')
        elif not self.path.split("?")[0].endswith(":generateContent"):
            self._send(404, b'{"error": {"code": 404, "message": "Not found.", "status": "NOT_FOUND"}}\n')
        else:
            self._send(200, self.body)

    def do_GET(self):
        self._send(404, b'{"error": {"code": 404, "message": "Not found.", "status": "NOT_FOUND"}}\n')


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--key", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("bodies", nargs="+")
    a = ap.parse_args()

    servers = []
    for spec in a.bodies:
        name, path = spec.split("=", 1)
        with open(path, "rb") as f:
            data = f.read()
        handler = type("Handler_" + name, (Handler,), {"body": data, "key": a.key})
        srv = Server(("127.0.0.1", 0), handler)
        servers.append((name, srv))
        threading.Thread(target=srv.serve_forever, daemon=True).start()
    tmp = a.port_file + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        for name, srv in servers:
            f.write("%s %d\n" % (name, srv.server_address[1]))
    os.replace(tmp, a.port_file)

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    for _, srv in servers:
        srv.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
