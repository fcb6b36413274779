#!/usr/bin/python3
"""End-to-end tests of gemini-image's chunked, resumable uploads against the
fake Gemini server (its upload_granularity and upload_cut_chunk controls).

CTest runs this with GEMINI_IMAGE and GG_FAKE_SERVER in the environment.
Asserted: the exit status, the image written, what the server stored (the
bytes of the input, by SHA-256) and what it was sent (its log): chunks at
increasing offsets, and after a connection cut mid-chunk a query and the
upload resumed exactly where the server stood, the finished chunks never
sent again.
"""

import base64
import hashlib
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_batch import BatchTestCase, noisy_png  # noqa: E402
from test_cli import magic  # noqa: E402

GRANULE = 65536
CHUNK = 4 * GRANULE          # gemini-image's smallest chunk, 256 KiB


class ChunkedUploads(BatchTestCase):
    def edit(self, src, out):
        return self.run_cli("edit", "--input", src, "--prompt", "make it blue", "--output", out,
                            "--max-inline", "1")

    def upload_log(self):
        return [e for e in self.server.log() if e["path"] == "/upload/v1beta/files"]

    def stored_sha256(self):
        files = json.loads(self.server._call("/_control/files"))
        self.assertEqual(len(files), 1)
        return base64.b64decode(files[0]["sha256Hash"]).decode()

    def test_chunks_then_resume_after_a_cut(self):
        src = self.path("big.png")
        noisy_png(src, 700)                       # about 1.5 MB: 6 chunks
        size = os.path.getsize(src)
        with open(src, "rb") as f:
            want = hashlib.sha256(f.read()).hexdigest()
        self.server.scenario("ok", upload_granularity=GRANULE, upload_cut_chunk=2,
                             batch_dims=[32, 32], file_processing=0.1)
        r = self.edit(src, self.path("a.png"))
        self.assertEqual(r.status, 0, r.stderr)
        self.assertEqual(magic(self.path("a.png")), "png")
        self.assertEqual(self.stored_sha256(), want)

        log = self.upload_log()
        self.assertEqual(log[0]["upload_command"], "start")
        cut = [e for e in log if "upload_kept" in e]
        self.assertEqual(len(cut), 1, log)
        self.assertEqual(cut[0]["upload_offset"], 2 * CHUNK)
        kept = 2 * CHUNK + cut[0]["upload_kept"]
        self.assertGreater(kept, 2 * CHUNK)
        queries = [i for i, e in enumerate(log) if e.get("upload_command") == "query"]
        self.assertEqual(len(queries), 1, log)
        self.assertEqual(log[queries[0]]["upload_received"], kept)
        after = [e for e in log[queries[0] + 1:] if e.get("upload_command", "").startswith("upload")]
        self.assertEqual(after[0]["upload_offset"], kept, "not resumed where the server stood")
        self.assertTrue(all(e["upload_offset"] >= kept for e in after))
        self.assertEqual(after[-1]["upload_command"], "upload,finalize")
        # Every send of a finished chunk counts, whatever the server answered.
        sends = [e for e in log if e.get("upload_command", "").startswith("upload")]
        self.assertTrue(all(e.get("upload_offset_sent") is not None for e in sends),
                        "a chunk was sent without its offset: %s" % sends)
        done = [e["upload_offset_sent"] for e in sends if e["upload_offset_sent"] < 2 * CHUNK]
        self.assertEqual(done, [0, CHUNK], "a finished chunk was sent again")
        self.assertEqual(sum(e["body_bytes"] for e in after) + kept, size)

        parts = [e["body"] for e in self.server.log()
                 if e["path"].endswith(":generateContent")][0]["contents"][0]["parts"]
        self.assertIn("fileData", parts[1])


if __name__ == "__main__":
    unittest.main(verbosity=2)
