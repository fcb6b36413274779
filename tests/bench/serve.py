#!/usr/bin/python3
"""The benchmark's own loopback server (never the fake Gemini server, whose
answers are another engineer's to change).

Static mode (tests/bench/run.sh): answers every POST to
.../models/MODEL:generateContent with one static body, read once into
memory, on one port per body (so every client, gemini-image, the SDK, curl,
asks the same URL and gets the same bytes).  No checks of the request
beyond its path and its key; the time it spends is the time to send.

  serve.py --key KEY --port-file FILE NAME=BODY.json [NAME=BODY.json ...]

Edit mode (tests/bench/gimp-bench.sh): answers an edit the way a
gemini-3 model does, in shape: the image it was sent, resized to the
catalogue's size for the asked ratio and size, slightly tinted and moved
by (3, -2) px (the drift placement corrects), as a JPEG
(quality 95, 4:2:0, JFIF, a C2PA-like APP11 segment) with a 2.9 MB
thoughtSignature on a text part and on the image part.  Each answer is
made once per (input, ratio, size) and kept, so that after the warm-up
the server's own time is the lookup; GET /_control/log lists every request
as the fake server's log does (time of arrival, elapsed = the server's own
time before sending, the input's size and SHA-256, the generationConfig).

  serve.py --key KEY --port-file FILE --edit CATALOGUE.json

FILE gets one line per port, "NAME PORT" ("edit PORT" in edit mode), once
every port listens.  Stops on SIGTERM or SIGINT.
"""

import argparse
import base64
import hashlib
import http.server
import io
import json
import os
import time
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


class EditHandler(Handler):
    catalogue = {}
    cache = {}
    log = []
    lock = threading.Lock()

    def do_GET(self):
        if self.path == "/_control/log":
            with self.lock:
                data = json.dumps(self.log).encode()
            return self._send(200, data)
        return Handler.do_GET(self)

    def do_POST(self):
        arrived = time.time()
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if self.path == "/_control/reset":
            with self.lock:
                self.log.clear()
            return self._send(200, b"{}")
        if (self.headers.get("x-goog-api-key") or "") != self.key:
            return self._send(400, b'{"error": {"code": 400, "message": "API key not valid.", '
                                   b'"status": "INVALID_ARGUMENT"}}\n')
        path = self.path.split("?")[0]
        if not path.endswith(":generateContent"):
            return self._send(404, b'{"error": {"code": 404, "message": "Not found.", "status": "NOT_FOUND"}}\n')
        req = json.loads(raw)
        model = path.rsplit("/", 1)[1].split(":")[0]
        image_config = (req.get("generationConfig") or {}).get("imageConfig") or {}
        ratio, size = image_config.get("aspectRatio", "1:1"), image_config.get("imageSize", "1K")
        source, summary = None, None
        for content in req.get("contents") or []:
            for part in content.get("parts") or []:
                inline = part.get("inlineData")
                if isinstance(inline, dict) and source is None:
                    source = base64.b64decode(inline.get("data", ""))
                    summary = inline
        entry = {"path": self.path, "time": arrived, "body_bytes": len(raw),
                 "body": {"generationConfig": req.get("generationConfig")}}
        if source is None:
            body = b'{"error": {"code": 400, "message": "The bench answers edits only.", "status": "INVALID_ARGUMENT"}}'
            entry["elapsed"] = time.time() - arrived
            with self.lock:
                self.log.append(entry)
            return self._send(400, body)
        digest = hashlib.sha256(source).hexdigest()
        from PIL import Image
        key = (digest, model, ratio, size)
        with self.lock:
            body = self.cache.get(key)
        if body is None:
            img = Image.open(io.BytesIO(source))
            dims = self.dimensions(model, size, ratio) or img.size
            body = edit_answer(img, dims, model)
            with self.lock:
                self.cache[key] = body
        w, h = Image.open(io.BytesIO(source)).size
        entry["body"]["contents"] = [{"parts": [{"inlineData": {
            "mimeType": summary.get("mimeType"),
            "data": {"bytes": len(source), "width": w, "height": h, "sha256": digest}}}]}]
        entry["elapsed"] = time.time() - arrived
        with self.lock:
            self.log.append(entry)
        self._send(200, body)

    def dimensions(self, model, size, ratio):
        for m in self.catalogue.get("models", []):
            if model == m["name"] or model in m.get("aliases", []):
                return tuple(m.get("dimensions", {}).get(size, {}).get(ratio) or ()) or None
        return None


def edit_answer(img, dims, model):
    """A gemini-3 answer to an edit, in shape (see the top)."""
    import numpy as np
    from PIL import Image
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import bodies

    pic = img.convert("RGB").resize(dims, Image.BICUBIC)
    arr = np.asarray(pic).astype(np.int16)
    arr = np.clip(arr + np.array([6, -4, 2], np.int16), 0, 255).astype(np.uint8)
    # Drift, as the models' answers have it (and the fake server's did):
    # 3 px right, 2 px up, so that placement realigns as it must.
    arr = np.roll(arr, (-2, 3), axis=(0, 1))
    out = io.BytesIO()
    Image.fromarray(arr, "RGB").save(out, "JPEG", quality=95, subsampling="4:2:0", dpi=(300, 300))
    data = out.getvalue()
    at = 4 + int.from_bytes(data[4:6], "big")
    data = data[:at] + bodies.app11_c2pa(5) + data[at:]
    parts = [{"text": "Here is the edited picture.", "thoughtSignature": bodies.signature(21)},
             bodies.image_part(data, "image/jpeg", bodies.signature(22))]
    return bodies.body(model, parts, 2000)


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--key", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--edit", metavar="CATALOGUE", help="edit mode, with the model catalogue")
    ap.add_argument("bodies", nargs="*")
    a = ap.parse_args()

    servers = []
    if a.edit:
        with open(a.edit, encoding="utf-8") as f:
            catalogue = json.load(f)
        handler = type("EditHandler_", (EditHandler,), {"key": a.key, "catalogue": catalogue})
        srv = Server(("127.0.0.1", 0), handler)
        servers.append(("edit", srv))
        threading.Thread(target=srv.serve_forever, daemon=True).start()
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
