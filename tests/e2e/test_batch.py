#!/usr/bin/python3
"""End-to-end tests of the Files API and of `gemini-image batch` against the
fake Gemini server.

CTest runs this with GEMINI_IMAGE (the built binary) and GG_FAKE_SERVER
(tests/fake_gemini/server.py) in the environment.  Each test asserts what a
user or a script can observe: exit statuses, the sentence on stderr, the
files written (decoded with Pillow), the JSONL report, and what the server
was sent (its log).
"""

import io
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

try:
    from PIL import Image
except ImportError:  # pragma: no cover - a setup error, not a skip
    sys.exit("test_batch.py needs Pillow: run it with /usr/bin/python3 (python3-pil)")

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_cli import BINARY, KEY, SERVER, FakeServer, Result, magic  # noqa: E402

FLASH = "gemini-2.5-flash-image"
FAST = {"batch_step": 0.15, "batch_dims": [32, 32], "noise": False, "file_processing": 0.2}


def noisy_png(path, size=900):
    """A PNG of random pixels: about 2.4 MB for 900x900, incompressible."""
    Image.frombytes("RGB", (size, size), os.urandom(size * size * 3)).save(path)


class BatchTestCase(unittest.TestCase):
    server = None

    @classmethod
    def setUpClass(cls):
        if not BINARY or not os.access(BINARY, os.X_OK):
            raise RuntimeError("GEMINI_IMAGE must name the built gemini-image binary")
        if not SERVER or not os.path.exists(SERVER):
            raise RuntimeError("GG_FAKE_SERVER must name tests/fake_gemini/server.py")
        cls.server = FakeServer()

    @classmethod
    def tearDownClass(cls):
        if cls.server is not None:
            cls.server.stop()

    def setUp(self):
        self.server.reset()
        self.server.scenario("ok", **FAST)
        self.tmp = tempfile.mkdtemp(prefix="gg-batch-")
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def path(self, *names):
        return os.path.join(self.tmp, *names)

    def env(self):
        env = dict(os.environ)
        for name in ("GOOGLE_API_KEY", "GEMINI_API_KEY", "GOOGLE_GEMINI_BASE_URL"):
            env.pop(name, None)
        env["GEMINI_API_KEY"] = KEY
        env["GOOGLE_GEMINI_BASE_URL"] = self.server.base_url
        env["XDG_CACHE_HOME"] = self.path("cache")
        env["LC_ALL"] = "C.UTF-8"
        return env

    def run_cli(self, *args, timeout=120):
        start = time.monotonic()
        proc = subprocess.run([BINARY] + list(args), env=self.env(), stdin=subprocess.DEVNULL,
                              capture_output=True, timeout=timeout)
        out = proc.stdout.decode("utf-8", "replace")
        err = proc.stderr.decode("utf-8", "replace")
        self.assertNotIn(KEY, out + err, "the key leaked")
        self.assertNotIn("AddressSanitizer", err)
        self.assertNotIn("runtime error:", err)
        return Result(proc.returncode, out, err, time.monotonic() - start)

    def control(self, path, payload):
        self.server._call(path, payload)

    def prompts(self, n, name="prompts.jsonl", extra=None):
        path = self.path(name)
        with open(path, "w") as f:
            for i in range(n):
                item = {"key": "k%03d" % i, "prompt": "picture number %d" % i}
                item.update((extra or {}).get(i, {}))
                f.write(json.dumps(item) + "\n")
        return path

    def submit(self, *args):
        # 2.5 Flash: PNG answers without thought signatures, whatever the
        # client's default model is (these tests are about batches).
        if "--model" not in args:
            args = args + ("--model", FLASH)
        r = self.run_cli("batch", "submit", *args)
        self.assertEqual(r.status, 0, r.stderr)
        job = r.stdout.strip()
        self.assertRegex(job, r"^batches/[a-z0-9-]+$")
        return job

    def wait(self, job, status=0):
        r = self.run_cli("batch", "wait", job, "--interval", "0.1", "--timeout", "60")
        self.assertEqual(r.status, status, r.stderr)
        return r

    def report(self, out):
        with open(os.path.join(out, "report.jsonl")) as f:
            return {line["key"]: line for line in map(json.loads, f)}

    def assert_image(self, path, size=(32, 32)):
        self.assertEqual(magic(path), "png", path)
        with Image.open(path) as img:
            img.load()
            self.assertEqual(img.size, size)


class Batches(BatchTestCase):
    def test_hundred_prompts_inline(self):
        job = self.submit("--prompts", self.prompts(100), "--aspect", "1:1")
        create = [e for e in self.server.log() if e["path"].endswith(":batchGenerateContent")]
        self.assertEqual(len(create), 1)
        reqs = create[0]["body"]["batch"]["inputConfig"]["requests"]["requests"]
        self.assertEqual(len(reqs), 100)
        self.assertEqual(reqs[7]["metadata"], {"key": "k007"})
        self.assertEqual(reqs[7]["request"]["contents"][0]["parts"][0]["text"], "picture number 7")
        self.assertEqual(reqs[7]["request"]["generationConfig"]["imageConfig"]["aspectRatio"], "1:1")
        r = self.wait(job)
        self.assertEqual(r.stdout.strip(), "SUCCEEDED")
        self.assertIn("succeeded", r.stderr)
        out = self.path("out")
        r = self.run_cli("batch", "fetch", job, "--output", out)
        self.assertEqual(r.status, 0, r.stderr)
        report = self.report(out)
        self.assertEqual(len(report), 100)
        for i in range(100):
            key = "k%03d" % i
            self.assertEqual(report[key]["status"], "ok")
            self.assertEqual(report[key]["texts"], ["Here is your image."])
            self.assertGreater(report[key]["usage"]["total_tokens"], 0)
            self.assert_image(os.path.join(out, key + ".png"))
        self.assertEqual(len([n for n in os.listdir(out) if n.endswith(".png")]), 100)

    def test_file_input_and_responses_file(self):
        job = self.submit("--prompts", self.prompts(5), "--via-file", "--name", "my posters")
        log = self.server.log()
        start = [e for e in log if e["path"] == "/upload/v1beta/files" and not e["query"]]
        self.assertEqual(len(start), 1)
        self.assertEqual(start[0]["headers"]["x-goog-upload-protocol"], "resumable")
        self.assertEqual(start[0]["headers"]["x-goog-upload-command"], "start")
        create = [e for e in log if e["path"].endswith(":batchGenerateContent")][0]
        self.assertRegex(create["body"]["batch"]["inputConfig"]["fileName"], r"^files/")
        self.assertEqual(create["body"]["batch"]["displayName"], "my posters")
        self.wait(job)
        out = self.path("out")
        r = self.run_cli("batch", "fetch", job, "--output", out)
        self.assertEqual(r.status, 0, r.stderr)
        self.assertTrue(any(e["path"].startswith("/download/v1beta/files/") and e["query"].get("alt") == "media"
                            for e in self.server.log()))
        self.assertEqual(sorted(self.report(out)), ["k%03d" % i for i in range(5)])
        for i in range(5):
            self.assert_image(os.path.join(out, "k%03d.png" % i))

    def test_large_batch_goes_by_file(self):
        job = self.submit("--prompts", self.prompts(3), "--max-inline", "0.0001")
        create = [e for e in self.server.log() if e["path"].endswith(":batchGenerateContent")][0]
        self.assertIn("fileName", create["body"]["batch"]["inputConfig"])
        self.wait(job)

    def test_folder_of_images_and_prompts(self):
        folder = self.path("in")
        os.mkdir(folder)
        Image.new("RGB", (160, 90), (200, 30, 30)).save(os.path.join(folder, "red.png"))
        Image.new("RGB", (90, 160), (30, 30, 200)).save(os.path.join(folder, "blue.jpg"))
        with open(os.path.join(folder, "blue.txt"), "w") as f:
            f.write("make it purple\n")
        with open(os.path.join(folder, "the moon.txt"), "w") as f:
            f.write("a moon over the sea\n")
        job = self.submit("--dir", folder, "--prompt", "make it winter")
        create = [e for e in self.server.log() if e["path"].endswith(":batchGenerateContent")][0]
        reqs = {r["metadata"]["key"]: r["request"] for r in create["body"]["batch"]["inputConfig"]["requests"]["requests"]}
        self.assertEqual(sorted(reqs), ["blue", "red", "the-moon"])
        self.assertIn("make it purple", reqs["blue"]["contents"][0]["parts"][0]["text"])
        self.assertEqual(reqs["blue"]["contents"][0]["parts"][1]["inlineData"]["data"]["format"], "jpeg")
        self.assertIn("make it winter", reqs["red"]["contents"][0]["parts"][0]["text"])
        self.assertEqual(reqs["red"]["generationConfig"]["imageConfig"]["aspectRatio"], "16:9")
        self.assertEqual(len(reqs["the-moon"]["contents"][0]["parts"]), 1)
        self.wait(job)
        out = self.path("out")
        self.assertEqual(self.run_cli("batch", "fetch", job, "--output", out).status, 0)
        self.assertEqual(sorted(os.listdir(out)), ["blue.png", "red.png", "report.jsonl", "the-moon.png"])

    def test_failed_keys_among_successes(self):
        self.server.scenario("ok", batch_fail_keys=["k002"], batch_safety_keys=["k004"], **FAST)
        job = self.submit("--prompts", self.prompts(6))
        r = self.wait(job)
        self.assertIn("1 failed", r.stderr)   # a safety block is an answer, not an error
        out = self.path("out")
        r = self.run_cli("batch", "fetch", job, "--output", out)
        self.assertEqual(r.status, 3, r.stderr)
        self.assertIn("k002: ", r.stderr)
        self.assertIn("k004: ", r.stderr)
        self.assertIn("2 of 6 keys got no image", r.stderr)
        report = self.report(out)
        self.assertEqual(report["k002"]["status"], "error")
        self.assertIn("Internal error", report["k002"]["error"])
        self.assertEqual(report["k004"]["status"], "error")
        self.assertEqual(report["k004"]["finish_reason"], "IMAGE_SAFETY")
        for key in ("k000", "k001", "k003", "k005"):
            self.assertEqual(report[key]["status"], "ok")
            self.assert_image(os.path.join(out, key + ".png"))
        self.assertFalse(os.path.exists(os.path.join(out, "k002.png")))

    def test_every_key_failed(self):
        self.server.scenario("ok", batch_fail_keys=["k000", "k001"], **FAST)
        job = self.submit("--prompts", self.prompts(2))
        self.wait(job)
        r = self.run_cli("batch", "fetch", job, "--output", self.path("out"))
        self.assertEqual(r.status, 1, r.stderr)
        self.assertIn("None of the 2 keys", r.stderr)

    def test_cancel(self):
        self.server.scenario("ok", **dict(FAST, batch_step=30))
        job = self.submit("--prompts", self.prompts(3))
        r = self.run_cli("batch", "cancel", job)
        self.assertEqual(r.status, 0, r.stderr)
        self.assertTrue(any(e["path"] == "/v1beta/%s:cancel" % job for e in self.server.log()))
        r = self.wait(job, status=1)
        self.assertEqual(r.stdout.strip(), "CANCELLED")
        self.assertIn("was cancelled", r.stderr)
        r = self.run_cli("batch", "status", job, "--json")
        self.assertEqual(r.status, 0, r.stderr)
        self.assertEqual(json.loads(r.stdout)["state"], "CANCELLED")
        r = self.run_cli("batch", "fetch", job, "--output", self.path("out"))
        self.assertEqual(r.status, 1)
        self.assertIn("ended CANCELLED", r.stderr)
        r = self.run_cli("batch", "cancel", job)
        self.assertEqual(r.status, 1)
        self.assertIn("present state", r.stderr)

    def test_failed_and_expired_batches(self):
        for end, words in (("FAILED", "failed"), ("EXPIRED", "expired")):
            self.server.scenario("ok", batch_end=end, **FAST)
            job = self.submit("--prompts", self.prompts(2))
            r = self.wait(job, status=1)
            self.assertEqual(r.stdout.strip(), end)
            self.assertIn(words, r.stderr.splitlines()[-1])

    def test_wait_timeout_and_fetch_too_early(self):
        self.server.scenario("ok", **dict(FAST, batch_step=30))
        job = self.submit("--prompts", self.prompts(2))
        r = self.run_cli("batch", "wait", job, "--interval", "0.1", "--timeout", "0.5")
        self.assertEqual(r.status, 1)
        self.assertIn("still PENDING", r.stderr)
        r = self.run_cli("batch", "fetch", job, "--output", self.path("out"))
        self.assertEqual(r.status, 1)
        self.assertIn("wait for it first", r.stderr)
        self.run_cli("batch", "cancel", job)

    def test_status_and_list(self):
        job = self.submit("--prompts", self.prompts(4), "--name", "four")
        self.wait(job)
        r = self.run_cli("batch", "status", job.split("/")[1], "--json")
        self.assertEqual(r.status, 0, r.stderr)
        status = json.loads(r.stdout)
        self.assertEqual((status["name"], status["state"], status["requests"], status["succeeded"]),
                         (job, "SUCCEEDED", 4, 4))
        r = self.run_cli("batch", "status", job)
        self.assertIn("SUCCEEDED, 4 of 4 done", r.stdout)
        r = self.run_cli("batch", "list", "--json")
        self.assertEqual(r.status, 0, r.stderr)
        self.assertIn(job, [b["name"] for b in json.loads(r.stdout)])
        r = self.run_cli("batch", "list")
        self.assertIn(job + "\tSUCCEEDED", r.stdout)

    def test_unknown_batch(self):
        r = self.run_cli("batch", "status", "batches/doesnotexist")
        self.assertEqual(r.status, 1)
        self.assertIn("does not know the batch batches/doesnotexist", r.stderr)


class Resume(BatchTestCase):
    def finished_job(self, n):
        job = self.submit("--prompts", self.prompts(n))
        self.wait(job)
        return job

    def test_resume_skips_finished_keys(self):
        job = self.finished_job(20)
        out = self.path("out")
        self.assertEqual(self.run_cli("batch", "fetch", job, "--output", out).status, 0)
        before = {n: os.stat(os.path.join(out, n)) for n in os.listdir(out) if n.endswith(".png")}
        self.assertEqual(len(before), 20)
        # An interruption: five keys never written, one temporary left behind.
        gone = sorted(before)[5:10]
        for name in gone:
            os.unlink(os.path.join(out, name))
        stale = os.path.join(out, ".k011.12345-abcdef01.tmp.png")
        with open(stale, "wb") as f:
            f.write(b"\x89PNG\r\n\x1a\n partial")
        r = self.run_cli("batch", "fetch", job, "--output", out)
        self.assertEqual(r.status, 0, r.stderr)
        self.assertIn("kept from an earlier fetch", r.stderr)
        self.assertFalse(os.path.exists(stale))
        for name, st in before.items():
            now = os.stat(os.path.join(out, name))
            if name in gone:
                self.assert_image(os.path.join(out, name))
            else:
                self.assertEqual((now.st_ino, now.st_mtime_ns), (st.st_ino, st.st_mtime_ns),
                                 "%s was written again" % name)
        self.assertEqual(len(self.report(out)), 20)

    def test_interrupted_fetch_then_resume(self):
        self.server.scenario("ok", **dict(FAST, batch_dims=[512, 512], noise=True))
        job = self.finished_job(30)
        out = self.path("out")
        proc = subprocess.Popen([BINARY, "batch", "fetch", job, "--output", out], env=self.env(),
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            if os.path.isdir(out) and any(n.endswith(".png") and not n.startswith(".") for n in os.listdir(out)):
                proc.send_signal(signal.SIGINT)
                break
            time.sleep(0.005)
        _, err = proc.communicate(timeout=60)
        err = err.decode()
        self.assertIn(proc.returncode, (0, 130), err)
        if proc.returncode == 130:
            self.assertIn("run the same fetch again", err)
        # Whatever was written is whole: no temporaries, every image decodes.
        for name in os.listdir(out):
            self.assertFalse(name.startswith("."), name)
            if name.endswith(".png"):
                self.assert_image(os.path.join(out, name), (512, 512))
        r = self.run_cli("batch", "fetch", job, "--output", out)
        self.assertEqual(r.status, 0, r.stderr)
        self.assertEqual(len([n for n in os.listdir(out) if n.endswith(".png")]), 30)


class Usage(BatchTestCase):
    def test_bad_inputs(self):
        bad_key = self.path("bad.jsonl")
        with open(bad_key, "w") as f:
            f.write('{"key": "../escape", "prompt": "x"}\n')
        dup = self.path("dup.jsonl")
        with open(dup, "w") as f:
            f.write('{"key": "a", "prompt": "x"}\n{"key": "a", "prompt": "y"}\n')
        not_json = self.path("nj.jsonl")
        with open(not_json, "w") as f:
            f.write("a cat\n")
        for args, words in ((("--prompts", bad_key), "cannot name a file"),
                            (("--prompts", dup), "used twice"),
                            (("--prompts", not_json), "not a JSON object"),
                            ((), "either --prompts"),
                            (("--prompts", self.prompts(1), "--aspect", "7:3"), "aspect ratio")):
            r = self.run_cli("batch", "submit", *args)
            self.assertEqual(r.status, 2, (args, r.stderr))
            self.assertIn(words, r.stderr)
        self.assertEqual(self.server.log(), [], "a refused submit sent something")
        r = self.run_cli("batch", "fetch", "batches/x")
        self.assertEqual(r.status, 2)
        r = self.run_cli("batch", "frobnicate")
        self.assertEqual(r.status, 2)

    def test_help(self):
        r = self.run_cli("batch", "--help")
        self.assertEqual(r.status, 0)
        for words in ("SYNOPSIS", "batch submit", "batch fetch JOB --output DIR", "EXIT STATUS", "  3    ",
                      "report.jsonl", "--via-file"):
            self.assertIn(words, r.stdout)
        r = self.run_cli("--help")
        self.assertIn("batch", r.stdout)
        r = self.run_cli("edit", "--help")
        self.assertIn("--max-inline", r.stdout)


class FilesApi(BatchTestCase):
    def edit(self, src, out, *extra):
        return self.run_cli("edit", "--input", src, "--prompt", "make it blue", "--output", out,
                            "--max-inline", "1", *extra)

    def uploads(self):
        return [e for e in self.server.log() if e["path"] == "/upload/v1beta/files"]

    def generate_bodies(self):
        return [e["body"] for e in self.server.log() if e["path"].endswith(":generateContent")]

    def test_large_input_uploaded_then_reused(self):
        src = self.path("big.png")
        noisy_png(src)
        r = self.edit(src, self.path("a.png"))
        self.assertEqual(r.status, 0, r.stderr)
        self.assertIn("uploading 2.4 MB with the Files API", r.stderr)
        self.assertEqual(magic(self.path("a.png")), "png")
        up = self.uploads()
        self.assertEqual(len(up), 2)
        self.assertEqual(up[0]["headers"]["x-goog-upload-command"], "start")
        self.assertEqual(up[0]["headers"]["x-goog-upload-header-content-length"], str(os.path.getsize(src)))
        self.assertEqual(up[0]["headers"]["x-goog-upload-header-content-type"], "image/png")
        self.assertEqual(up[1]["headers"]["x-goog-upload-command"], "upload, finalize")
        self.assertEqual(up[1]["headers"]["x-goog-upload-offset"], "0")
        self.assertEqual(up[1]["body_bytes"], os.path.getsize(src))
        parts = self.generate_bodies()[0]["contents"][0]["parts"]
        self.assertEqual([list(p) for p in parts], [["text"], ["fileData"]])
        uri = parts[1]["fileData"]["fileUri"]
        self.assertEqual(parts[1]["fileData"]["mimeType"], "image/png")
        # The same source again: no upload, the same file by reference.
        self.server.reset()
        self.server.scenario("ok", **FAST)
        r = self.edit(src, self.path("b.png"))
        self.assertEqual(r.status, 0, r.stderr)
        self.assertIn("reusing the earlier upload", r.stderr)
        self.assertEqual(self.uploads(), [])
        self.assertEqual(self.generate_bodies()[0]["contents"][0]["parts"][1]["fileData"]["fileUri"], uri)
        # 49 hours later the file has expired: uploaded anew.
        self.server.reset()
        self.server.scenario("ok", **FAST)
        self.control("/_control/clock", {"advance": 49 * 3600})
        r = self.edit(src, self.path("c.png"))
        self.assertEqual(r.status, 0, r.stderr)
        self.assertEqual(len(self.uploads()), 2)
        self.assertNotEqual(self.generate_bodies()[0]["contents"][0]["parts"][1]["fileData"]["fileUri"], uri)

    def test_no_upload_cache_deletes_after_use(self):
        src = self.path("big.png")
        noisy_png(src, 700)
        for _ in range(2):
            r = self.edit(src, self.path("a.png"), "--no-upload-cache")
            self.assertEqual(r.status, 0, r.stderr)
        self.assertEqual(len([e for e in self.uploads() if e["query"].get("upload_id")]), 2)
        deletes = [e for e in self.server.log() if e["method"] == "DELETE"]
        self.assertEqual([e["status"] for e in deletes], [200, 200])
        self.assertFalse(os.path.exists(self.path("cache", "gimp-gemini", "files.json")))

    def test_dry_run_says_it_would_upload(self):
        src = self.path("big.png")
        noisy_png(src, 700)
        r = self.edit(src, self.path("a.png"), "--dry-run")
        self.assertEqual(r.status, 0, r.stderr)
        self.assertIn("would be uploaded with the Files API", r.stderr)
        self.assertEqual(self.server.log(), [])

    def test_small_input_stays_inline(self):
        src = self.path("small.png")
        Image.new("RGB", (64, 48), (10, 200, 10)).save(src)
        r = self.edit(src, self.path("a.png"))
        self.assertEqual(r.status, 0, r.stderr)
        self.assertEqual(self.uploads(), [])
        self.assertIn("inlineData", self.generate_bodies()[0]["contents"][0]["parts"][1])

    def test_failed_chunk_is_retried(self):
        self.server.scenario("ok", upload_fail=1, **FAST)
        src = self.path("big.png")
        noisy_png(src, 700)
        r = self.edit(src, self.path("a.png"))
        self.assertEqual(r.status, 0, r.stderr)
        chunks = [e for e in self.uploads() if e["query"].get("upload_id")]
        self.assertEqual([e["status"] for e in chunks], [503, 200])

    def test_upload_keeps_failing(self):
        self.server.scenario("ok", upload_fail=99, **FAST)
        src = self.path("big.png")
        noisy_png(src, 700)
        r = self.edit(src, self.path("a.png"), "--retries", "1")
        self.assertEqual(r.status, 1, r.stderr)
        self.assertIn("unavailable", r.stderr.splitlines()[-1])
        self.assertFalse(os.path.exists(self.path("a.png")))
        self.assertEqual([e for e in self.server.log() if e["path"].endswith(":generateContent")], [])

    def test_stuck_in_processing(self):
        self.server.scenario("ok", file_state="PROCESSING", **FAST)
        src = self.path("big.png")
        noisy_png(src, 700)
        r = self.edit(src, self.path("a.png"), "--upload-timeout", "1.5")
        self.assertEqual(r.status, 1, r.stderr)
        sentence = r.stderr.splitlines()[-1]
        self.assertIn("still being processed", sentence)
        self.assertIn("after 1.5 s", sentence)
        self.assertIn("state PROCESSING", sentence)
        self.assertLess(r.elapsed, 15)

    def test_upload_wait_is_interruptible(self):
        self.server.scenario("ok", file_state="PROCESSING", **FAST)
        src = self.path("big.png")
        noisy_png(src, 700)
        proc = subprocess.Popen([BINARY, "edit", "--input", src, "--prompt", "x", "--output", self.path("a.png"),
                                 "--max-inline", "1"], env=self.env(), stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not any(e["path"].startswith("/v1beta/files/")
                                                      for e in self.server.log()):
            time.sleep(0.05)
        start = time.monotonic()
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
        self.assertEqual(proc.returncode, 130, err)
        self.assertLess(time.monotonic() - start, 5)
        self.assertIn("Interrupted", err.decode())
        self.assertFalse(os.path.exists(self.path("a.png")))

    def test_failed_file(self):
        self.server.scenario("ok", file_state="FAILED", **FAST)
        src = self.path("big.png")
        noisy_png(src, 700)
        r = self.edit(src, self.path("a.png"))
        self.assertEqual(r.status, 1, r.stderr)
        self.assertIn("could not process the uploaded file", r.stderr.splitlines()[-1])


if __name__ == "__main__":
    unittest.main(verbosity=2)
