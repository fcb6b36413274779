#!/usr/bin/python3
"""End-to-end tests of gemini-image against the fake Gemini server.

CTest runs this with GEMINI_IMAGE (the built binary) and GG_FAKE_SERVER
(tests/fake_gemini/server.py) in the environment.  Each test asserts what a
user or a script can observe: the exit status, the one sentence on stderr,
the files left behind (format by magic bytes, dimensions and pixels with
Pillow), and what the server was sent.
"""

import hashlib
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request

try:
    from PIL import Image, ImageDraw
except ImportError:  # pragma: no cover - a setup error, not a skip
    sys.exit("test_cli.py needs Pillow: run it with /usr/bin/python3 (python3-pil)")

BINARY = os.environ.get("GEMINI_IMAGE")
SERVER = os.environ.get("GG_FAKE_SERVER")
PYTHON = "/usr/bin/python3"
KEY = "fake-key-for-tests"

FLASH = "gemini-2.5-flash-image"
PRO = "gemini-3-pro-image"

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "cli")

# Today's models (Google's changelog and deprecations pages, December 2026); the retired names appear
# only in the tests of the retired-model error.
DEFAULT = "gemini-nano-banana-2.1"
LITE = "gemini-3.1-flash-lite-image"
RETIRED = {
    "gemini-3-pro-image-preview": ("2026-06-25", PRO),
    "gemini-3.1-flash-image-preview": ("2026-06-25", DEFAULT),
    "gemini-3.1-flash-image": ("2026-10-29", DEFAULT),
}

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"


def magic(path):
    with open(path, "rb") as f:
        head = f.read(12)
    if head.startswith(PNG_MAGIC):
        return "png"
    if head.startswith(JPEG_MAGIC):
        return "jpeg"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    return "unknown"


def sha256_file(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def picture(width, height, seed=1):
    """A deterministic test picture with structure (for realignment)."""
    img = Image.new("RGB", (width, height))
    px = img.load()
    for y in range(height):
        for x in range(width):
            px[x, y] = ((x * 255) // max(1, width - 1), (y * 255) // max(1, height - 1),
                        (x * y * seed) % 256 // 2 + 64)
    draw = ImageDraw.Draw(img)
    for i in range(12):
        x = (i * 97 * seed) % width
        y = (i * 61 * seed) % height
        r = 6 + (i * 7) % 30
        draw.ellipse((x - r, y - r, x + r, y + r),
                     fill=((i * 40) % 256, (i * 90) % 256, (i * 20) % 256))
    return img


class FakeServer:
    """tests/fake_gemini/server.py on a free loopback port."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="gg-fake-")
        port_file = os.path.join(self.dir, "port")
        self.process = subprocess.Popen(
            [PYTHON, SERVER, "--port", "0", "--port-file", port_file, "--quiet"],
            stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        text = ""
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("the fake server exited with %d" % self.process.returncode)
            try:
                with open(port_file) as f:
                    text = f.read()
            except FileNotFoundError:
                text = ""
            if text.endswith("\n"):
                break
            time.sleep(0.05)
        else:
            self.stop()
            raise RuntimeError("the fake server did not start within 30 s")
        self.port = int(text.strip())
        self.base_url = "http://127.0.0.1:%d" % self.port

    def _call(self, path, payload=None):
        data = None if payload is None else json.dumps(payload).encode()
        request = urllib.request.Request(self.base_url + path, data=data,
                                         method="GET" if data is None else "POST",
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.read()

    def scenario(self, name, **params):
        self._call("/_control/scenario", {"scenario": name, "params": params})

    def queue(self, items):
        self._call("/_control/scenario", {"queue": items})

    def reset(self):
        self._call("/_control/reset", {})

    def log(self):
        """Requests received, the control ones left out."""
        entries = json.loads(self._call("/_control/log"))
        return [e for e in entries if not e.get("path", "").startswith("/_control")]

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


class Result:
    def __init__(self, status, stdout, stderr, elapsed):
        self.status, self.stdout, self.stderr, self.elapsed = status, stdout, stderr, elapsed

    def sentence(self):
        """The error sentence: the last stderr line that starts with our name."""
        lines = [l for l in self.stderr.splitlines() if l.startswith("gemini-image: ")]
        return lines[-1][len("gemini-image: "):] if lines else ""


class CliTestCase(unittest.TestCase):
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
        self.tmp = tempfile.mkdtemp(prefix="gg-cli-")
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def path(self, name):
        return os.path.join(self.tmp, name)

    def env(self, key=KEY, base_url=None):
        env = dict(os.environ)
        for name in ("GOOGLE_API_KEY", "GEMINI_API_KEY", "GOOGLE_GEMINI_BASE_URL"):
            env.pop(name, None)
        # No user catalogue or model-list cache from the machine: their own.
        env["XDG_CONFIG_HOME"] = os.path.join(self.tmp, ".config")
        env["XDG_CACHE_HOME"] = os.path.join(self.tmp, ".cache")
        if key is not None:
            env["GEMINI_API_KEY"] = key
        env["GOOGLE_GEMINI_BASE_URL"] = base_url or self.server.base_url
        env["LC_ALL"] = "C.UTF-8"
        return env

    def run_cli(self, *args, env=None, timeout=120, secrets=(KEY,)):
        """Runs gemini-image; asserts that no secret shows on stdout/stderr."""
        start = time.monotonic()
        proc = subprocess.run([BINARY] + list(args), env=env or self.env(),
                              stdin=subprocess.DEVNULL, capture_output=True,
                              timeout=timeout)
        elapsed = time.monotonic() - start
        out = proc.stdout.decode("utf-8", "replace")
        err = proc.stderr.decode("utf-8", "replace")
        for secret in secrets:
            self.assertNotIn(secret, out, "the key leaked to stdout")
            self.assertNotIn(secret, err, "the key leaked to stderr")
        self.assertNotIn("AddressSanitizer", err)
        self.assertNotIn("runtime error:", err)
        return Result(proc.returncode, out, err, elapsed)

    def generate(self, *extra, output="out.png", **kw):
        return self.run_cli("generate", "--prompt", "a red bicycle", "--output",
                            self.path(output), *extra, **kw)

    # -- assertions

    def assert_sentence(self, result, *words, any_of=()):
        sentence = result.sentence()
        self.assertTrue(sentence, "no 'gemini-image: ...' sentence on stderr: %r" % result.stderr)
        low = sentence.lower()
        for word in words:
            self.assertIn(word.lower(), low, "%r not in %r" % (word, sentence))
        if any_of:
            self.assertTrue(any(w.lower() in low for w in any_of),
                            "none of %r in %r" % (any_of, sentence))
        return sentence

    def assert_failed(self, result, status=1):
        self.assertEqual(result.status, status, result.stderr)
        self.assertEqual(self.files(), [], "a failed run left files behind")

    def files(self, where=None):
        return sorted(f for f in os.listdir(where or self.tmp)
                      if where is not None or f not in (".config", ".cache"))

    def assert_image(self, path, fmt, size=None):
        self.assertTrue(os.path.exists(path), "%s was not written" % path)
        self.assertEqual(magic(path), fmt)
        with Image.open(path) as img:
            img.load()
            if size is not None:
                self.assertEqual(img.size, tuple(size))
            return img.convert("RGB")

    def generate_requests(self):
        return [e for e in self.server.log() if ":generateContent" in e.get("path", "")]

    def only_request(self):
        requests = self.generate_requests()
        self.assertEqual(len(requests), 1, requests)
        return requests[0]

    @staticmethod
    def image_parts(entry):
        return [p["inlineData"] for c in entry["body"]["contents"] for p in c["parts"]
                if "inlineData" in p]

    @staticmethod
    def text_of(entry):
        return " ".join(p["text"] for c in entry["body"]["contents"] for p in c["parts"]
                        if "text" in p)


class GenerateTest(CliTestCase):

    def test_flash_16_9_png_at_catalogue_size(self):
        r = self.generate("--model", FLASH, "--aspect", "16:9")
        self.assertEqual(r.status, 0, r.stderr)
        self.assert_image(self.path("out.png"), "png", (1344, 768))
        self.assertEqual(self.files(), ["out.png"])
        entry = self.only_request()
        self.assertEqual(entry["method"], "POST")
        self.assertIn("/v1beta/models/%s:generateContent" % FLASH, entry["path"])
        self.assertTrue(entry["key_ok"])
        self.assertFalse(entry["key_in_url"])
        config = entry["body"]["generationConfig"]
        self.assertEqual(config["imageConfig"]["aspectRatio"], "16:9")
        self.assertNotIn("imageSize", config["imageConfig"])
        self.assertIn("a red bicycle", self.text_of(entry))
        # Not a terminal: no progress line, but the cost line.
        self.assertNotIn("\r", r.stderr)
        self.assertRegex(r.stderr, r"1 image, \d+ output tokens, about \$\d+\.\d{3}")

    def test_pro_2k_square(self):
        r = self.generate("--model", PRO, "--size", "2K", "--aspect", "1:1", "--quiet")
        self.assertEqual(r.status, 0, r.stderr)
        self.assert_image(self.path("out.png"), "png", (2048, 2048))
        entry = self.only_request()
        self.assertIn(PRO, entry["path"])
        self.assertEqual(entry["body"]["generationConfig"]["imageConfig"]["imageSize"], "2K")
        self.assertEqual(r.stderr, "", "--quiet printed something")

    def test_jpeg_answers_become_png(self):
        for scenario in ("jpeg", "jpeg_as_png"):
            with self.subTest(scenario=scenario):
                self.server.scenario(scenario)
                out = "out-%s.png" % scenario
                r = self.generate("--model", PRO, output=out)
                self.assertEqual(r.status, 0, r.stderr)
                self.assert_image(self.path(out), "png", (1024, 1024))

    def test_jpg_and_webp_outputs(self):
        for scenario, out, fmt in (("ok", "a.jpg", "jpeg"), ("jpeg", "b.jpeg", "jpeg"),
                                   ("ok", "c.webp", "webp"), ("webp", "d.png", "png")):
            with self.subTest(scenario=scenario, out=out):
                self.server.scenario(scenario)
                r = self.generate(output=out)
                self.assertEqual(r.status, 0, r.stderr)
                self.assert_image(self.path(out), fmt)

    def test_unknown_extension_refused_before_sending(self):
        r = self.generate(output="out.gif")
        self.assert_failed(r, 2)
        self.assert_sentence(r, ".png", ".jpg", ".webp")
        self.assertEqual(self.generate_requests(), [])

    def test_lowercase_size_refused_before_sending(self):
        r = self.generate("--model", PRO, "--size", "1k")
        self.assert_failed(r, 2)
        self.assert_sentence(r, "1k")
        self.assertEqual(self.generate_requests(), [])

    def test_size_on_flash_refused(self):
        r = self.generate("--model", FLASH, "--size", "2K")
        self.assert_failed(r, 2)
        self.assertTrue(r.sentence())
        self.assertEqual(self.generate_requests(), [])

    def test_image_only_with_search_refused(self):
        r = self.generate("--image-only", "--search")
        self.assert_failed(r, 2)
        self.assert_sentence(r, "search")
        self.assertEqual(self.generate_requests(), [])

    def test_usage_errors(self):
        for args, word in ((["generate", "--output", self.path("x.png")], "prompt"),
                           (["generate", "--prompt", "x"], "output"),
                           (["edit", "--prompt", "x", "--output", self.path("x.png")], "input"),
                           (["generate", "--prompt", "x", "--output", self.path("x.png"),
                             "--temperature", "5"], "temperature"),
                           (["generate", "--bogus"], "bogus"),
                           (["frobnicate"], "frobnicate")):
            with self.subTest(args=args):
                r = self.run_cli(*args)
                self.assert_failed(r, 2)
                self.assert_sentence(r, word)
        self.assertEqual(self.generate_requests(), [])

    def test_multi_image(self):
        self.server.scenario("multi_image", count=3)
        r = self.generate("--json")
        self.assertEqual(r.status, 0, r.stderr)
        names = ["out.png", "out-2.png", "out-3.png"]
        self.assertEqual(self.files(), sorted(names))
        for name in names:
            self.assert_image(self.path(name), "png")
        summary = json.loads(r.stdout)
        self.assertEqual(summary["files"], [self.path(n) for n in names])

    def test_thought_images_are_never_the_result(self):
        self.server.scenario("thoughts")
        thoughts = os.path.join(self.tmp, "thoughts")
        r = self.generate("--model", PRO, "--thoughts", "--save-thoughts", thoughts, "--json")
        self.assertEqual(r.status, 0, r.stderr)
        entry = self.only_request()
        self.assertTrue(entry["body"]["generationConfig"]["thinkingConfig"]["includeThoughts"])
        summary = json.loads(r.stdout)
        self.assertEqual(summary["files"], [self.path("out.png")])
        result = self.assert_image(self.path("out.png"), "png", (1024, 1024))
        saved = sorted(os.listdir(thoughts))
        self.assertGreaterEqual(len(saved), 1, "no thought image saved")
        self.assertEqual(len(summary["thought_files"]), len(saved))
        for name in saved:
            with Image.open(os.path.join(thoughts, name)) as img:
                thought = img.convert("RGB")
            same = thought.size == result.size and thought.tobytes() == result.tobytes()
            self.assertFalse(same, "the result is the thought image %s" % name)

    def test_json_summary(self):
        r = self.generate("--json")
        self.assertEqual(r.status, 0, r.stderr)
        summary = json.loads(r.stdout)
        self.assertEqual(summary["files"], [self.path("out.png")])
        self.assertIsInstance(summary["texts"], list)
        self.assertIn("usage", summary)
        self.assertGreater(summary["usage"]["total_tokens"], 0)
        self.assertIsInstance(summary["cost_usd"], float)
        self.assertGreater(summary["cost_usd"], 0)
        self.assertIn("finish_reason", summary)
        self.assertIn("model_version", summary)
        self.assertEqual(summary["sources"], [])
        self.assertNotIn("about $", r.stderr, "--json prints the cost in the JSON")

    def test_grounding_sources(self):
        self.server.scenario("grounding")
        r = self.generate("--model", PRO, "--search", "--json")
        self.assertEqual(r.status, 0, r.stderr)
        entry = self.only_request()
        self.assertIn({"googleSearch": {}}, entry["body"]["tools"])
        summary = json.loads(r.stdout)
        self.assertGreaterEqual(len(summary["sources"]), 1)
        self.assertTrue(all(s["uri"].startswith("http") for s in summary["sources"]))

    def test_text_goes_to_stdout(self):
        r = self.generate()
        self.assertEqual(r.status, 0, r.stderr)
        entry_text = r.stdout.strip()
        # The fake server's ok answer carries a text part with the image.
        self.assertTrue(entry_text, "the model's text did not reach stdout")

    def test_dry_run(self):
        ref = self.path("ref.png")
        picture(64, 48).save(ref)
        env = self.env(key=None)
        r = self.run_cli("generate", "--prompt", "a red bicycle", "--output",
                         self.path("out.png"), "--reference", "style:" + ref,
                         "--dry-run", env=env)
        self.assertEqual(r.status, 0, r.stderr)
        body = json.loads(r.stdout)
        self.assertIn("contents", body)
        self.assertIn("generationConfig", body)
        data = [p["inlineData"]["data"] for c in body["contents"] for p in c["parts"]
                if "inlineData" in p]
        self.assertEqual(len(data), 1)
        self.assertLess(len(data[0]), 64, "image data was not elided")
        with open(ref, "rb") as f:
            import base64
            self.assertNotIn(base64.b64encode(f.read())[:40].decode(), r.stdout)
        self.assertEqual(self.files(), ["ref.png"])
        self.assertEqual(self.server.log(), [])

    def test_references_with_roles(self):
        style, subject = self.path("style.png"), self.path("subject.jpg")
        picture(64, 48, 2).save(style)
        picture(40, 40, 3).save(subject, quality=90)
        r = self.generate("--reference", "style:" + style, "--reference", subject)
        self.assertEqual(r.status, 0, r.stderr)
        entry = self.only_request()
        parts = self.image_parts(entry)
        self.assertEqual([p["data"]["format"] for p in parts], ["png", "jpeg"])
        self.assertEqual(parts[0]["data"]["sha256"], sha256_file(style))
        self.assertEqual(parts[1]["data"]["sha256"], sha256_file(subject))
        self.assertIn("style", self.text_of(entry).lower())

    def test_sampling_options_reach_the_request(self):
        r = self.generate("--system", "You draw in ink.", "--temperature", "0.5",
                          "--seed", "42", "--quiet")
        self.assertEqual(r.status, 0, r.stderr)
        body = self.only_request()["body"]
        self.assertEqual(body["systemInstruction"]["parts"][0]["text"], "You draw in ink.")
        self.assertEqual(body["generationConfig"]["temperature"], 0.5)
        self.assertEqual(body["generationConfig"]["seed"], 42)
        self.assertEqual(body["generationConfig"]["responseModalities"], ["TEXT", "IMAGE"])

    def test_missing_reference(self):
        r = self.generate("--reference", self.path("nope.png"))
        self.assert_failed(r, 2)
        self.assert_sentence(r, "nope.png")
        self.assertEqual(self.generate_requests(), [])

    def test_models(self):
        r = self.run_cli("models")
        self.assertEqual(r.status, 0, r.stderr)
        for word in (DEFAULT + "  (default)", PRO, LITE, FLASH, "1344 x 768", "2048 x 2048",
                     "$", "from: built-in", "--thinking: minimal, medium, high",
                     "open only to projects that used it before",
                     "gemini-3-pro-image-preview was shut down on 2026-06-25; use "
                     "gemini-3-pro-image.", "dimensions estimated"):
            self.assertIn(word, r.stdout)
        # The default is listed first, and only it is marked.
        self.assertTrue(r.stdout.startswith(DEFAULT + "  (default)\n"), r.stdout[:200])
        self.assertEqual(r.stdout.count("(default)"), 1)
        r = self.run_cli("models", "--json")
        self.assertEqual(r.status, 0, r.stderr)
        catalogue = json.loads(r.stdout)
        self.assertEqual(catalogue["default_model"], DEFAULT)
        models = {m["name"]: m for m in catalogue["models"]}
        self.assertEqual(set(models), {DEFAULT, PRO, LITE, FLASH})
        self.assertEqual(models[FLASH]["dimensions"]["1K"]["16:9"], [1344, 768])
        self.assertEqual(len(models[DEFAULT]["ratios"]), 14)
        self.assertTrue(models[DEFAULT]["default"])
        self.assertEqual(models[FLASH]["availability"], "existing-projects")
        self.assertIsNone(models[LITE]["price_per_mtok"]["image_output"])
        self.assertTrue(all(m["source"] == "built-in" for m in models.values()))
        self.assertEqual({e["name"] for e in catalogue["retired"]},
                         set(RETIRED) | {"gemini-2.5-flash-image-preview"})

    def test_help_reads_like_a_man_page(self):
        r = self.run_cli("generate", "--help")
        self.assertEqual(r.status, 0, r.stderr)
        for word in ("DESCRIPTION", "ENVIRONMENT", "GEMINI_API_KEY", "GOOGLE_API_KEY",
                     "GOOGLE_GEMINI_BASE_URL", "EXIT STATUS", "EXAMPLES", "--prompt",
                     "--output", "--model", "--aspect", "--size", "--reference", "--search",
                     "--image-only", "--system", "--temperature", "--seed", "--thoughts",
                     "--save-thoughts", "--timeout", "--stall-timeout", "--retries",
                     "--dry-run", "--json", "--quiet"):
            self.assertIn(word, r.stdout)
        r = self.run_cli("edit", "--help")
        self.assertIn("--input", r.stdout)
        self.assertIn("--mask", r.stdout)
        r = self.run_cli("--help")
        self.assertEqual(r.status, 0)
        self.assertIn("SYNOPSIS", r.stdout)


class TodayTest(CliTestCase):
    """Issue 14: the service as it is in December 2026."""

    def test_retired_model_refused_before_sending(self):
        for name, (date, replacement) in RETIRED.items():
            with self.subTest(model=name):
                r = self.generate("--model", name)
                self.assert_failed(r, 2)
                self.assertEqual(r.sentence(), "%s was shut down on %s; use %s."
                                 % (name, date, replacement))
                self.assertEqual(self.generate_requests(), [])
        r = self.generate("--model", "gemini-2.5-flash-image-preview")
        self.assert_failed(r, 2)
        self.assert_sentence(r, "shut down on 2026-01-15", "use " + FLASH, DEFAULT)

    def test_default_model_16_9_png(self):
        r = self.generate("--aspect", "16:9")
        self.assertEqual(r.status, 0, r.stderr)
        img = self.assert_image(self.path("out.png"), "png")
        # The answer's own size (the catalogue's is an estimate), 16:9.
        self.assertAlmostEqual(img.size[0] / img.size[1], 16 / 9, delta=0.05)
        entry = self.only_request()
        self.assertIn("/v1beta/models/%s:generateContent" % DEFAULT, entry["path"])
        self.assertIs(entry["body"]["store"], False)
        self.assertRegex(r.stderr, r"1 image, \d+ output tokens, about \$\d+\.\d{3}")

    def test_edit_on_the_default_model(self):
        src = self.path("in.png")
        picture(640, 480).save(src)
        r = self.run_cli("edit", "--input", src, "--prompt", "make it blue",
                         "--output", self.path("out.png"))
        self.assertEqual(r.status, 0, r.stderr)
        entry = self.only_request()
        self.assertIn("/models/%s:" % DEFAULT, entry["path"])
        self.assertEqual(entry["body"]["generationConfig"]["imageConfig"]["aspectRatio"], "4:3")
        img = self.assert_image(self.path("out.png"), "png")
        self.assertAlmostEqual(img.size[0] / img.size[1], 4 / 3, delta=0.05)

    def test_unknown_model_404_says_how_to_list(self):
        self.server.scenario("error_404")
        r = self.generate("--model", "gemini-0-imaginary-image")
        self.assert_failed(r)
        self.assert_sentence(r, "gemini-0-imaginary-image", "not available",
                             "gemini-image models --remote")
        self.assertEqual(len(self.generate_requests()), 1)

    def test_store_false_unless_allowed(self):
        r = self.generate("--quiet")
        self.assertEqual(r.status, 0, r.stderr)
        self.assertIs(self.only_request()["body"]["store"], False)
        self.server.reset()
        r = self.generate("--store", "--quiet")
        self.assertEqual(r.status, 0, r.stderr)
        self.assertIs(self.only_request()["body"]["store"], True)
        r = self.generate("--dry-run")
        self.assertIs(json.loads(r.stdout)["store"], False)

    def test_aspect_4_1_size_2k_on_the_default_model(self):
        r = self.generate("--aspect", "4:1", "--size", "2K")
        self.assertEqual(r.status, 0, r.stderr)
        config = self.only_request()["body"]["generationConfig"]
        self.assertEqual(config["imageConfig"], {"aspectRatio": "4:1", "imageSize": "2K"})
        img = self.assert_image(self.path("out.png"), "png")
        self.assertAlmostEqual(img.size[0] / img.size[1], 4.0, delta=0.2)

    def test_thinking_level(self):
        r = self.generate("--thinking", "minimal", "--quiet")
        self.assertEqual(r.status, 0, r.stderr)
        config = self.only_request()["body"]["generationConfig"]
        self.assertEqual(config["thinkingConfig"]["thinkingLevel"], "MINIMAL")
        self.server.reset()
        os.remove(self.path("out.png"))
        # Refused before sending where the catalogue says the model takes none.
        for model in (PRO, FLASH):
            with self.subTest(model=model):
                r = self.generate("--model", model, "--thinking", "high")
                self.assert_failed(r, 2)
                self.assert_sentence(r, model, "no thinking level")
        r = self.generate("--thinking", "extreme")
        self.assert_failed(r, 2)
        self.assert_sentence(r, "minimal, medium or high")
        self.assertEqual(self.generate_requests(), [])

    def test_thinking_level_refused_by_the_server(self):
        # A user's catalogue that wrongly lets 3 Pro take a level: the
        # server's own 400 (the real message) becomes one sentence.
        # The fake server of today refuses the level, as the service does.
        self.write_user_catalogue({"models": [{"name": PRO,
                                               "thinking_levels": ["MINIMAL"]}]})
        r = self.generate("--model", PRO, "--thinking", "minimal")
        self.assert_failed(r)
        self.assertEqual(r.sentence(), "%s does not take the thinking level MINIMAL (the "
                         "server refused it): choose another level, or leave it unset." % PRO)
        self.assertEqual(len(self.generate_requests()), 1)

    def test_retry_info_countdown_once(self):
        self.server.queue([{"scenario": "error_429", "params": {"retry_delay": "2s"}},
                           {"scenario": "error_429", "params": {"retry_delay": "2s"}},
                           {"scenario": "ok"}])
        r = self.generate()
        self.assert_failed(r)
        # Waited once, visibly, then gave up naming the limit.
        self.assertIn("gemini-image: retrying in 2 s (Ctrl+C to stop).", r.stderr)
        self.assertIn("gemini-image: retrying in 1 s.", r.stderr)
        self.assert_sentence(r, "limit", "still reached after waiting 2 seconds")
        self.assertEqual(len(self.generate_requests()), 2)
        self.assertGreaterEqual(r.elapsed, 2.0)
        self.assertLess(r.elapsed, 10.0)

    def test_retry_info_longer_than_two_minutes(self):
        self.server.queue([{"scenario": "error_429", "params": {"retry_delay": "150s"}},
                           {"scenario": "ok"}])
        r = self.generate()
        self.assert_failed(r)
        self.assert_sentence(r, "limit", "2 min 30 s", "longer than the 2 minutes")
        self.assertEqual(len(self.generate_requests()), 1)
        self.assertLess(r.elapsed, 10.0)

    def test_countdown_cancelled_by_sigint(self):
        self.server.queue([{"scenario": "error_429", "params": {"retry_delay": "60s"}},
                           {"scenario": "ok"}])
        proc = subprocess.Popen([BINARY, "generate", "--prompt", "a cat", "--output",
                                 self.path("out.png")], env=self.env(),
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and len(self.generate_requests()) < 1:
            time.sleep(0.05)
        time.sleep(1.0)
        start = time.monotonic()
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=20)
        self.assertLess(time.monotonic() - start, 1.5, "the countdown did not stop at once")
        self.assertEqual(proc.returncode, 130, err)
        self.assertIn(b"retrying in", err)

    def test_unknown_model_sent_as_chosen(self):
        r = self.generate("--model", "gemini-9-image", "--size", "8K", "--aspect", "7:3",
                          "--thinking", "high", "--dry-run")
        self.assertEqual(r.status, 0, r.stderr)
        body = json.loads(r.stdout)
        self.assertEqual(body["generationConfig"]["imageConfig"],
                         {"aspectRatio": "7:3", "imageSize": "8K"})
        self.assertEqual(body["generationConfig"]["thinkingConfig"]["thinkingLevel"], "HIGH")

    # -- the user's catalogue

    def write_user_catalogue(self, data):
        folder = os.path.join(self.tmp, ".config", "gimp-gemini")
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, "catalogue.json")
        with open(path, "w") as f:
            f.write(data if isinstance(data, str) else json.dumps(data))
        return path

    def test_user_catalogue_merged_with_provenance(self):
        path = self.write_user_catalogue({
            "models": [{"name": PRO, "price_per_mtok": {"input": 1, "text_output": 6,
                                                        "image_output": 60}},
                       {"name": "gemini-9-image", "label": "Gemini 9 Image",
                        "sizes": ["1K", "2K"]}],
            "retired": [{"name": "gemini-nano-banana-2.0", "shut_down": "2026-11-30",
                         "replacement": DEFAULT}]})
        r = self.run_cli("models")
        self.assertEqual(r.status, 0, r.stderr)
        self.assertIn("from: %s (over the built-in entry)" % path, r.stdout)
        self.assertIn("gemini-9-image\n  Gemini 9 Image\n  from: %s\n" % path, r.stdout)
        self.assertIn("from: built-in", r.stdout)
        r = self.run_cli("models", "--json")
        models = {m["name"]: m for m in json.loads(r.stdout)["models"]}
        self.assertEqual(models[PRO]["source"], path)
        self.assertTrue(models[PRO]["overrides_built_in"])
        self.assertEqual(models[PRO]["price_per_mtok"]["image_output"], 60)
        self.assertEqual(models[DEFAULT]["source"], "built-in")
        self.assertEqual(models["gemini-9-image"]["sizes"], ["1K", "2K"])
        # Its rules apply: 2K is fine, 4K is refused before sending.
        r = self.generate("--model", "gemini-9-image", "--size", "4K")
        self.assert_failed(r, 2)
        self.assert_sentence(r, "4K", "1K, 2K")
        r = self.generate("--model", "gemini-nano-banana-2.0")
        self.assert_failed(r, 2)
        self.assertEqual(r.sentence(), "gemini-nano-banana-2.0 was shut down on 2026-11-30; "
                         "use %s." % DEFAULT)
        self.assertEqual(self.generate_requests(), [])

    def test_broken_user_catalogue_is_a_warning(self):
        path = self.write_user_catalogue('{"models": [')
        r = self.generate("--quiet")
        self.assertEqual(r.status, 0, r.stderr)
        self.assertIn("gemini-image: The catalogue %s is not valid JSON" % path, r.stderr)
        self.assertIn("The built-in catalogue is used.", r.stderr)
        self.assertIn("/models/%s:" % DEFAULT, self.only_request()["path"])

    # -- the models the key can use

    def remote(self, *extra):
        r = self.run_cli("models", "--remote", "--json", *extra)
        self.assertEqual(r.status, 0, r.stderr)
        return json.loads(r.stdout)

    def test_models_remote(self):
        listed = self.remote()
        self.assertFalse(listed["from_cache"])
        names = [m["name"] for m in listed["models"]]
        for name in (DEFAULT, PRO):
            self.assertIn(name, names)
        self.assertTrue(all("image" in n or "nano-banana" in n for n in names), names)
        default = [m for m in listed["models"] if m["name"] == DEFAULT][0]
        self.assertTrue(default["default"])
        self.assertTrue(default["in_catalogue"])
        gets = [e for e in self.server.log() if e["path"].startswith("/v1beta/models")]
        self.assertGreaterEqual(len(gets), 1)
        self.assertTrue(all(e["method"] == "GET" and not e["key_in_url"] for e in gets))
        # Within the day: from the cache, nothing asked; --refresh asks.
        self.server.reset()
        self.assertTrue(self.remote()["from_cache"])
        self.assertEqual(self.server.log(), [])
        self.assertFalse(self.remote("--refresh")["from_cache"])
        r = self.run_cli("models", "--remote")
        self.assertEqual(r.status, 0, r.stderr)
        self.assertIn(DEFAULT + "\n  default; ", r.stdout)
        r = self.run_cli("models", "--remote", env=self.env(key=None))
        self.assertEqual(r.status, 2)
        self.assert_sentence(r, "GEMINI_API_KEY")

    def test_models_remote_server_only_model(self):
        # The fake server lists a model that no catalogue knows; that model
        # must be usable, with defaults.
        listed = self.remote()
        unknown = [m["name"] for m in listed["models"] if not m["in_catalogue"]]
        self.assertTrue(unknown, "the fake server lists no image model outside the catalogue")
        r = self.run_cli("models", "--remote")
        self.assertIn("%s\n  not in the catalogue" % unknown[0], r.stdout)
        r = self.generate("--model", unknown[0], "--aspect", "16:9")
        self.assertEqual(r.status, 0, r.stderr)
        self.assertIn("cost unknown", r.stderr)
        self.assertIn("/models/%s:" % unknown[0], self.only_request()["path"])


class ErrorTest(CliTestCase):

    def test_429_retry_honours_retry_info(self):
        self.server.queue([{"scenario": "error_429", "params": {"retry_delay": "1s"}},
                           {"scenario": "ok"}])
        r = self.generate()
        self.assertEqual(r.status, 0, r.stderr)
        self.assert_image(self.path("out.png"), "png")
        requests = self.generate_requests()
        self.assertEqual(len(requests), 2)
        self.assertGreaterEqual(r.elapsed, 1.0)

    def test_zero_quota_not_retried(self):
        self.server.scenario("error_429_zero")
        r = self.generate()
        self.assert_failed(r)
        self.assert_sentence(r, "quota", "billing", any_of=("is 0", "zero", "no quota"))
        self.assertNotIn("retrying", r.stderr)
        self.assertEqual(len(self.generate_requests()), 1)
        self.assertLess(r.elapsed, 15.0)

    def test_blocked_prompt(self):
        self.server.scenario("blocked")
        r = self.generate()
        self.assert_failed(r)
        self.assert_sentence(r, "block")

    def test_safety_finish(self):
        self.server.scenario("safety")
        r = self.generate()
        self.assert_failed(r)
        self.assert_sentence(r, "safety")

    def test_text_only_answer(self):
        self.server.scenario("text_only")
        r = self.generate()
        self.assert_failed(r)
        self.assertTrue(r.stdout.strip(), "the model's text must reach stdout")
        self.assert_sentence(r, any_of=("no image", "text", "did not"))

    def test_proxy_html(self):
        for scenario, status in (("html_502", "502"), ("html_200", "200")):
            with self.subTest(scenario=scenario):
                self.server.scenario(scenario)
                r = self.generate("--retries", "0")
                self.assert_failed(r)
                sentence = self.assert_sentence(r)
                self.assertNotIn("<html", sentence.lower())
                self.assertNotIn("json", sentence.lower().replace("json error", ""))
                if status == "502":
                    self.assertIn("502", sentence)

    def test_truncated_body(self):
        for scenario in ("truncated", "malformed_json"):
            with self.subTest(scenario=scenario):
                self.server.scenario(scenario)
                r = self.generate("--retries", "0")
                self.assert_failed(r)
                self.assertTrue(r.sentence())

    def test_wrong_key(self):
        r = self.generate(env=self.env(key="wrong-XYZ"), secrets=(KEY, "wrong-XYZ"))
        self.assert_failed(r)
        self.assert_sentence(r, "key")
        self.assertEqual(len(self.generate_requests()), 1, "a rejected key is not retried")

    def test_missing_key(self):
        r = self.generate(env=self.env(key=None))
        self.assert_failed(r, 2)
        self.assert_sentence(r, "GEMINI_API_KEY")
        self.assertEqual(self.generate_requests(), [])

    def test_google_api_key_is_used(self):
        env = self.env(key=None)
        env["GOOGLE_API_KEY"] = KEY
        r = self.generate(env=env)
        self.assertEqual(r.status, 0, r.stderr)
        self.assertTrue(self.only_request()["key_ok"])

    def test_insecure_base_url_refused_without_connecting(self):
        r = self.generate("--timeout", "20", env=self.env(base_url="http://10.255.255.1"))
        self.assert_failed(r, 2)
        self.assertLess(r.elapsed, 5.0, "it tried to connect")
        self.assert_sentence(r, any_of=("insecure", "https", "http"))

    def test_unknown_model_404(self):
        self.server.scenario("error_404")
        r = self.generate("--model", "gemini-0-imaginary-image")
        self.assert_failed(r)
        self.assert_sentence(r, "gemini-0-imaginary-image",
                             any_of=("renamed", "retired", "not available", "not found"))
        self.assertEqual(len(self.generate_requests()), 1)

    def test_404_names_the_replacement(self):
        # A model of the catalogue that a project may no longer use: its
        # 404 says what to use instead; the model is never switched.
        self.server.scenario("error_404")
        r = self.generate("--model", FLASH)
        self.assert_failed(r)
        self.assert_sentence(r, FLASH, "use " + DEFAULT)
        requests = self.generate_requests()
        self.assertEqual(len(requests), 1)
        self.assertIn("/models/%s:" % FLASH, requests[0]["path"])

    def test_error_keeps_existing_output(self):
        out = self.path("out.png")
        picture(32, 32).save(out)
        before = sha256_file(out)
        self.server.scenario("error_400")
        r = self.generate()
        self.assertEqual(r.status, 1, r.stderr)
        self.assertEqual(sha256_file(out), before, "a failed run replaced the output")
        self.assertEqual(self.files(), ["out.png"], "temporary files were left behind")

    def test_json_error(self):
        self.server.scenario("error_403")
        r = self.generate("--json")
        self.assert_failed(r)
        summary = json.loads(r.stdout)
        self.assertEqual(summary["files"], [])
        self.assertEqual(summary["exit_status"], 1)
        self.assertTrue(summary["error"])

    def test_corrupt_image(self):
        self.server.scenario("corrupt_png")
        r = self.generate("--retries", "0")
        self.assert_failed(r)
        self.assertTrue(r.sentence())

    def test_timeout_is_total(self):
        self.server.scenario("slow", delay=20)
        r = self.generate("--timeout", "2")
        self.assert_failed(r)
        self.assertLess(r.elapsed, 10.0)
        self.assert_sentence(r, any_of=("timeout", "time", "took"))

    def test_stall_timeout(self):
        self.server.scenario("stall_after_headers", hold=30)
        r = self.generate("--stall-timeout", "1", "--retries", "0")
        self.assert_failed(r)
        self.assertLess(r.elapsed, 15.0)
        self.assert_sentence(r, any_of=("stall", "stopped", "time"))

    def test_sigint(self):
        self.server.scenario("slow", delay=20)
        proc = subprocess.Popen([BINARY, "generate", "--prompt", "x", "--output",
                                 self.path("out.png")], env=self.env(),
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE)
        time.sleep(1.5)
        start = time.monotonic()
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=15)
        self.assertLess(time.monotonic() - start, 5.0)
        self.assertEqual(proc.returncode, 130, err)
        self.assertEqual(self.files(), [])
        self.assertNotIn(KEY.encode(), out + err)


class EditTest(CliTestCase):

    def test_edit_sends_input_as_is(self):
        src = self.path("in.png")
        picture(640, 480).save(src)
        r = self.run_cli("edit", "--input", src, "--prompt", "make it blue",
                         "--output", self.path("out.png"), "--model", FLASH)
        self.assertEqual(r.status, 0, r.stderr)
        entry = self.only_request()
        parts = self.image_parts(entry)
        self.assertEqual(len(parts), 1)
        self.assertEqual(parts[0]["data"]["sha256"], sha256_file(src))
        self.assertEqual(parts[0]["mimeType"], "image/png")
        self.assertEqual(entry["body"]["generationConfig"]["imageConfig"]["aspectRatio"], "4:3")
        text = self.text_of(entry)
        self.assertIn("make it blue", text)
        self.assertIn("keep everything else", text.lower())
        self.assert_image(self.path("out.png"), "png", (1184, 864))

    def test_edit_jpeg_input_to_webp(self):
        src = self.path("in.jpg")
        picture(300, 500).save(src, quality=90)
        r = self.run_cli("edit", "--input", src, "--prompt", "add a hat",
                         "--output", self.path("out.webp"))
        self.assertEqual(r.status, 0, r.stderr)
        parts = self.image_parts(self.only_request())
        self.assertEqual(parts[0]["mimeType"], "image/jpeg")
        self.assertEqual(parts[0]["data"]["sha256"], sha256_file(src))
        self.assert_image(self.path("out.webp"), "webp")

    def test_edit_unreadable_input(self):
        src = self.path("in.png")
        with open(src, "wb") as f:
            f.write(b"this is not an image")
        r = self.run_cli("edit", "--input", src, "--prompt", "x", "--output",
                         self.path("out.png"))
        self.assertEqual(r.status, 2)
        self.assert_sentence(r, "in.png")
        self.assertEqual(self.files(), ["in.png"])
        self.assertEqual(self.generate_requests(), [])

    def test_edit_with_mask(self):
        width, height = 800, 600
        src, mask = self.path("in.png"), self.path("mask.png")
        original = picture(width, height, 5)
        original.save(src)
        m = Image.new("L", (width, height), 0)
        box = (300, 200, 460, 360)
        ImageDraw.Draw(m).rectangle(box, fill=255)
        m.save(mask)
        r = self.run_cli("edit", "--input", src, "--mask", mask, "--prompt",
                         "a magenta ball", "--output", self.path("out.png"))
        self.assertEqual(r.status, 0, r.stderr)
        result = self.assert_image(self.path("out.png"), "png", (width, height))
        # The region sent is smaller than the picture and holds the mask.
        parts = self.image_parts(self.only_request())
        self.assertEqual(len(parts), 1)
        self.assertLess(parts[0]["data"]["width"] * parts[0]["data"]["height"], width * height)
        # Outside the mask nothing changed, pixel for pixel.
        res, orig = result.load(), original.load()
        for (x, y) in ((0, 0), (799, 599), (299, 280), (461, 280), (380, 199), (380, 361),
                       (100, 500), (700, 100)):
            self.assertEqual(res[x, y], orig[x, y], "pixel %d,%d changed" % (x, y))
        changed = sum(1 for y in range(box[1], box[3], 8) for x in range(box[0], box[2], 8)
                      if res[x, y] != orig[x, y])
        self.assertGreater(changed, 50, "the masked area did not change")

    def test_edit_with_mask_sends_as_the_plugins(self):
        """edit --mask is the plug-ins' edit run: their encoding (JPEG for
        an opaque region), their words for where the change belongs (a
        place and a share of the image, not the CLI's former per cent
        bounds), and with --hint their second image."""
        width, height = 800, 600
        src, mask = self.path("in.png"), self.path("mask.png")
        picture(width, height, 5).save(src)
        m = Image.new("L", (width, height), 0)
        ImageDraw.Draw(m).rectangle((300, 200, 460, 360), fill=255)
        m.save(mask)
        r = self.run_cli("edit", "--input", src, "--mask", mask, "--hint", "--prompt",
                         "a magenta ball", "--output", self.path("out.png"))
        self.assertEqual(r.status, 0, r.stderr)
        entry = self.only_request()
        parts = self.image_parts(entry)
        self.assertEqual([p["mimeType"] for p in parts], ["image/jpeg", "image/png"])
        self.assertEqual([p["data"]["format"] for p in parts], ["jpeg", "png"])
        text = self.text_of(entry)
        self.assertIn("a magenta ball", text)
        self.assertIn("the centre of the image", text)
        self.assertNotIn("of the width, from the left", text)


if __name__ == "__main__":
    unittest.main(verbosity=2)
