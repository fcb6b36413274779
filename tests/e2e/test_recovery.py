#!/usr/bin/python3
"""A paid answer that gemini-image cannot place or write is saved, never lost.

CTest runs this with GEMINI_IMAGE in the environment.  A tiny server of its
own (not the fake Gemini server) answers generateContent with an image it
numbers per request, or with bytes that are no image.  Asserted:
- an answer that cannot be decoded is saved as received in the recovery
  folder ($XDG_DATA_HOME/gimp-gemini/gemini-recovery) and the one sentence
  on stderr names the file; the exit status says it failed;
- several runs of the same prompt at once (the same second) each keep their
  own file: nothing is overwritten;
- `edit --mask` with a huge selection under a small memory limit (ulimit -v):
  the placement fails for lack of memory, the process does not abort, the
  sentence says so and where the answer was saved.
"""

import base64
import http.server
import json
import os
import re
import resource
import shutil
import struct
import subprocess
import sys
import tempfile
import threading
import unittest
import zlib

CLI = os.environ.get("GEMINI_IMAGE")


def png_bytes(width, height, pixel=None):
    """An RGBA PNG; @pixel(x, y) -> 4 bytes, or a flat grey."""
    rows = bytearray()
    flat = bytes((128, 128, 128, 255)) * width
    for y in range(height):
        rows.append(0)
        rows += flat if pixel is None else b"".join(pixel(x, y) for x in range(width))

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(bytes(rows), 9))
            + chunk(b"IEND", b""))


class Server:
    """Answers every generateContent with self.answer(n) (bytes of the
    image part), n counting requests from 1."""

    def __init__(self, answer):
        self.answer = answer
        self.count = 0
        self.lock = threading.Lock()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                self.rfile.read(length)
                with outer.lock:
                    outer.count += 1
                    n = outer.count
                body = json.dumps({"candidates": [{"content": {"role": "model", "parts": [
                    {"inlineData": {"mimeType": "image/png",
                                    "data": base64.b64encode(outer.answer(n)).decode()}}]},
                    "finishReason": "STOP"}],
                    "usageMetadata": {"promptTokenCount": 10, "candidatesTokenCount": 1290}}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        self.url = "http://127.0.0.1:%d" % self.httpd.server_address[1]

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


class Recovery(unittest.TestCase):
    def setUp(self):
        if not CLI or not os.access(CLI, os.X_OK):
            raise RuntimeError("GEMINI_IMAGE must name the built gemini-image binary")
        self.dir = tempfile.mkdtemp(prefix="gg-recovery-")
        self.data_home = os.path.join(self.dir, "data")
        self.recovery = os.path.join(self.data_home, "gimp-gemini", "gemini-recovery")
        self.server = None

    def tearDown(self):
        if self.server:
            self.server.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def env(self):
        env = dict(os.environ)
        for name in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY",
                     "HTTPS_PROXY", "ALL_PROXY"):
            env.pop(name, None)
        env.update({"GEMINI_API_KEY": "AIzaSyRecoveryTest-0123456789abcdefghij",
                    "GOOGLE_GEMINI_BASE_URL": self.server.url,
                    "XDG_DATA_HOME": self.data_home,
                    "XDG_CACHE_HOME": os.path.join(self.dir, "cache"),
                    "HOME": self.dir})
        return env

    def saved(self):
        if not os.path.isdir(self.recovery):
            return {}
        out = {}
        for name in sorted(os.listdir(self.recovery)):
            with open(os.path.join(self.recovery, name), "rb") as f:
                out[name] = f.read()
        return out

    def generate(self, out, memory=None, extra=(), env=None):
        def limit():
            if memory:
                resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        return subprocess.Popen(
            [CLI, *extra, "--prompt", "the same prompt", "--output", out,
             "--model", "gemini-nano-banana-2.1", "--quiet", "--retries", "0"],
            env=env or self.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, preexec_fn=limit)

    def planning_memory(self, src, mask):
        """The least address space (to 10 MB) in which `edit --dry-run`
        reads and plans: everything before the request is sent."""
        def plans(mb):
            def limit():
                resource.setrlimit(resource.RLIMIT_AS, (mb << 20, mb << 20))
            r = subprocess.run([CLI, "edit", "--input", src, "--mask", mask, "--prompt", "x",
                                "--output", os.path.join(self.dir, "dry.png"), "--dry-run",
                                "--model", "gemini-nano-banana-2.1"],
                               env=self.env(), capture_output=True, text=True,
                               preexec_fn=limit, timeout=120)
            self.assertGreaterEqual(r.returncode, 0, "a dry run was killed: %s" % r.stderr)
            return r.returncode == 0
        low, high = 50, 4000
        self.assertTrue(plans(high), "a dry run fails even with %d MB" % high)
        while high - low > 10:
            mid = (low + high) // 2
            if plans(mid):
                high = mid
            else:
                low = mid
        return high << 20

    def assert_saved_sentence(self, stderr):
        lines = [l for l in stderr.splitlines() if l.strip()]
        self.assertEqual(len(lines), 1, stderr)
        m = re.search(r"saved as (\S+?)\.?$", lines[0])
        self.assertIsNotNone(m, stderr)
        self.assertTrue(m.group(1).startswith(self.recovery), stderr)
        return m.group(1)

    def test_undecodable_answer_is_saved(self):
        self.server = Server(lambda n: b"paid but not an image #%d" % n)
        p = self.generate(os.path.join(self.dir, "out.png"), extra=("generate",))
        out, err = p.communicate(timeout=60)
        self.assertNotEqual(p.returncode, 0)
        self.assertGreater(p.returncode, 0, "killed by a signal: %s" % err)
        path = self.assert_saved_sentence(err)
        with open(path, "rb") as f:
            self.assertEqual(f.read(), b"paid but not an image #1")
        self.assertFalse(os.path.exists(os.path.join(self.dir, "out.png")))

    def test_parallel_runs_keep_every_answer(self):
        runs = 6
        self.server = Server(lambda n: b"paid but not an image #%d" % n)
        procs = [self.generate(os.path.join(self.dir, "out%d.png" % i), extra=("generate",))
                 for i in range(runs)]
        for p in procs:
            out, err = p.communicate(timeout=60)
            self.assertGreater(p.returncode, 0, err)
            self.assert_saved_sentence(err)
        saved = self.saved()
        self.assertEqual(len(saved), runs, sorted(saved))
        self.assertEqual(sorted(saved.values()),
                         sorted(b"paid but not an image #%d" % n for n in range(1, runs + 1)))

    def test_huge_selection_on_small_memory(self):
        with open(CLI, "rb") as f:
            asan = b"__asan_init" in f.read()
        side_w, side_h = 6000, 4000
        src = os.path.join(self.dir, "in.png")
        mask = os.path.join(self.dir, "mask.png")
        with open(src, "wb") as f:
            f.write(_flat_png(side_w, side_h, bytes((128, 128, 128, 255)) * side_w))
        white = bytes((255, 255, 255, 255)) * side_w
        with open(mask, "wb") as f:
            f.write(_flat_png(side_w, side_h, white))
        # Under ASan the answer is large (see below); else small.
        if asan:
            answer = png_bytes(3000, 2000)
        else:
            answer = png_bytes(64, 43, lambda x, y: bytes((x * 4 % 256, y * 5 % 256, 40, 255)))
        self.server = Server(lambda n: answer)
        if asan:
            # AddressSanitizer reserves terabytes of address space, so no
            # ulimit -v can apply: its allocator refuses (returns NULL for)
            # any single allocation over 160 MB instead, which reading and
            # planning never need (96 MB a picture) and placing a 3000 x
            # 2000 answer on a region of 6000 x 4000 does (its work buffers
            # hold tens of bytes a pixel).
            memory = None
            env = dict(self.env())
            env["ASAN_OPTIONS"] = (os.environ.get("ASAN_OPTIONS", "") +
                                   ":allocator_may_return_null=1:max_allocation_size_mb=160")
        else:
            # Enough to read the picture and the mask and plan the region
            # (the least a dry run needs, found here, plus 30 MB), less than
            # placing needs: at the very least the edited copy of the input,
            # 6000 x 4000 x 4 = 96 MB.
            env = None
            env_mb = os.environ.get("GG_TEST_CLI_MEMORY_MB")
            memory = (int(env_mb) << 20) if env_mb else self.planning_memory(src, mask) + (30 << 20)
        p = self.generate(os.path.join(self.dir, "out.png"), memory=memory,
                          extra=("edit", "--input", src, "--mask", mask), env=env)
        out, err = p.communicate(timeout=120)
        if asan:
            # The sanitizer's own note on each refused allocation.
            err = "".join(l for l in err.splitlines(True)
                          if not re.match(r"==\d+==WARNING: AddressSanitizer failed to allocate", l))
        self.assertGreater(p.returncode, 0, "status %d (killed by a signal?): %s"
                           % (p.returncode, err))
        self.assertEqual(self.server.count, 1, "the request was not sent: %s" % err)
        self.assertIn("memory", err)
        path = self.assert_saved_sentence(err)
        with open(path, "rb") as f:
            self.assertEqual(f.read(), answer)
        self.assertFalse(os.path.exists(os.path.join(self.dir, "out.png")))


def _flat_png(width, height, row):
    raw = b"".join(b"\x00" + row for _ in range(height))

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 6))
            + chunk(b"IEND", b""))


if __name__ == "__main__":
    unittest.main(verbosity=2)
