#!/usr/bin/python3
"""Tests of the fake Gemini server (unittest; run by CTest as
/usr/bin/python3 tests/fake_gemini/test_server.py)."""

import base64
import gzip
import http.client
import io
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.error
import urllib.request

from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
SERVER = os.path.join(HERE, "server.py")
KEY = "fake-key-for-tests"
FLASH = "gemini-2.5-flash-image"
PRO = "gemini-3-pro-image"
NANO = "gemini-nano-banana-2.1"
LITE = "gemini-3.1-flash-lite-image"
NEW = "gemini-nano-banana-2.2-preview"      # known to the fake only
RETIRED = {"gemini-3-pro-image-preview", "gemini-3.1-flash-image-preview", "gemini-2.5-flash-image-preview",
           "gemini-3.1-flash-image"}


class Server:
    def __init__(self, *extra):
        self.dir = tempfile.TemporaryDirectory(prefix="fake-gemini-test-")
        port_file = os.path.join(self.dir.name, "port")
        t0 = time.time()
        self.proc = subprocess.Popen([sys.executable, SERVER, "--port", "0", "--port-file", port_file,
                                      "--quiet", *extra])
        text = ""
        while not text.endswith("\n"):
            if self.proc.poll() is not None or time.time() - t0 > 20:
                raise RuntimeError("the fake server did not start")
            time.sleep(0.01)
            if os.path.exists(port_file):
                with open(port_file) as f:
                    text = f.read()
        self.startup = time.time() - t0
        self.port = int(text)
        self.base = "http://127.0.0.1:%d" % self.port

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.dir.cleanup()


S = None


def setUpModule():
    global S
    S = Server()


def tearDownModule():
    S.stop()


def control(path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(S.base + path, data=data, method="POST" if data is not None else "GET",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read())


def call(model, body, key=KEY, method="generateContent", query="", headers=None, raw=None, timeout=60):
    """(status, headers, body bytes) of one API request."""
    url = "%s/v1beta/models/%s:%s%s" % (S.base, model, method, query)
    h = {"Content-Type": "application/json"}
    if key is not None:
        h["x-goog-api-key"] = key
    h.update(headers or {})
    data = raw if raw is not None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, headers=h, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def gen_body(prompt="a lighthouse at dusk", ratio=None, size=None, images=(), **gc):
    parts = [{"text": prompt}]
    for data, mime in images:
        parts.append({"inlineData": {"mimeType": mime, "data": base64.b64encode(data).decode()}})
    ic = {}
    if ratio:
        ic["aspectRatio"] = ratio
    if size:
        ic["imageSize"] = size
    config = {"responseModalities": ["TEXT", "IMAGE"]}
    if ic:
        config["imageConfig"] = ic
    config.update(gc)
    return {"contents": [{"role": "user", "parts": parts}], "generationConfig": config}


def png_bytes(size, colour):
    buf = io.BytesIO()
    Image.new("RGB", size, colour).save(buf, "PNG")
    return buf.getvalue()


def images_of(answer):
    out = []
    for part in answer["candidates"][0]["content"]["parts"]:
        if "inlineData" in part:
            out.append((part, Image.open(io.BytesIO(base64.b64decode(part["inlineData"]["data"])))))
    return out


class Base(unittest.TestCase):
    def setUp(self):
        control("/_control/reset", {})

    def ok_json(self, *a, **k):
        status, headers, body = call(*a, **k)
        self.assertEqual(status, 200, body[:500])
        return json.loads(body)

    def error(self, *a, **k):
        status, headers, body = call(*a, **k)
        self.assertTrue(headers["Content-Type"].startswith("application/json"))
        return status, json.loads(body)["error"]


class Generation(Base):
    def test_flash_16_9_png(self):
        ans = self.ok_json(FLASH, gen_body(ratio="16:9"))
        parts = ans["candidates"][0]["content"]["parts"]
        self.assertEqual(parts[0]["text"], "Here is your image.")
        (part, img), = images_of(ans)
        self.assertEqual(part["inlineData"]["mimeType"], "image/png")
        self.assertEqual(img.format, "PNG")
        self.assertEqual(img.size, (1344, 768))
        self.assertNotIn("thoughtSignature", json.dumps(ans))
        self.assertEqual(ans["candidates"][0]["finishReason"], "STOP")
        usage = ans["usageMetadata"]
        self.assertIn({"modality": "IMAGE", "tokenCount": 1290}, usage["candidatesTokensDetails"])
        self.assertEqual(usage["totalTokenCount"], usage["promptTokenCount"] + usage["candidatesTokenCount"])
        self.assertEqual(ans["modelVersion"], FLASH)
        self.assertTrue(ans["responseId"])

    def test_deterministic_by_prompt(self):
        a = images_of(self.ok_json(FLASH, gen_body("same prompt")))[0][0]["inlineData"]["data"]
        b = images_of(self.ok_json(FLASH, gen_body("same prompt")))[0][0]["inlineData"]["data"]
        c = images_of(self.ok_json(FLASH, gen_body("other prompt")))[0][0]["inlineData"]["data"]
        self.assertEqual(a, b)
        self.assertNotEqual(a, c)

    def test_pro_2k_signed(self):
        ans = self.ok_json(PRO, gen_body(ratio="1:1", size="2K"))
        parts = ans["candidates"][0]["content"]["parts"]
        (part, img), = images_of(ans)
        self.assertEqual(img.size, (2048, 2048))
        self.assertGreater(len(part["thoughtSignature"]), 200)
        self.assertIn("thoughtSignature", parts[0])        # the text before the image
        self.assertIn("thoughtsTokenCount", ans["usageMetadata"])
        self.assertIn({"modality": "IMAGE", "tokenCount": 1120}, ans["usageMetadata"]["candidatesTokensDetails"])

    def test_pro_4k_jpeg(self):
        control("/_control/scenario", {"scenario": "jpeg"})
        t0 = time.time()
        ans = self.ok_json("gemini-3-pro-image", gen_body(ratio="16:9", size="4K"))
        (part, img), = images_of(ans)
        self.assertEqual(part["inlineData"]["mimeType"], "image/jpeg")
        self.assertEqual((img.format, img.size), ("JPEG", (5504, 3072)))
        self.assertLess(time.time() - t0, 20)
        self.assertIn({"modality": "IMAGE", "tokenCount": 2000}, ans["usageMetadata"]["candidatesTokensDetails"])

    def test_jpeg_as_png_lies(self):
        control("/_control/scenario", {"scenario": "jpeg_as_png"})
        (part, img), = images_of(self.ok_json(PRO, gen_body()))
        self.assertEqual(part["inlineData"]["mimeType"], "image/png")
        self.assertEqual(img.format, "JPEG")

    def test_big_4k(self):
        control("/_control/scenario", {"scenario": "jpeg"})
        control("/_control/scenario", {"queue": ["big_4k"]})
        (part, img), = images_of(self.ok_json(FLASH, gen_body(ratio="4:3")))
        self.assertEqual(img.size, (4800, 3584))

    def test_edit_resizes_and_marks(self):
        src = png_bytes((600, 400), (20, 200, 40))       # 3:2 -> flash 1248x832
        ans = self.ok_json(FLASH, gen_body("make it red", images=[(src, "image/png")]))
        (part, img), = images_of(ans)
        self.assertEqual(img.size, (1248, 832))
        img = img.convert("RGB")
        self.assertEqual(img.getpixel((624, 416)), (255, 0, 255))          # the mark
        self.assertEqual(img.getpixel((300, 600)), (26, 196, 42))          # tinted (6,-4,2)
        self.assertEqual(img.getpixel((0, 400)), (6, 0, 2))                # moved 3 px right: black edge
        self.assertEqual(img.getpixel((3, 400)), (26, 196, 42))
        self.assertEqual(img.getpixel((600, 831)), (6, 0, 2))              # and 2 px up
        self.assertEqual(ans["usageMetadata"]["promptTokensDetails"][1], {"modality": "IMAGE", "tokenCount": 258})
        # Clean resize.
        control("/_control/scenario", {"scenario": "ok", "params": {"dx": 0, "dy": 0, "tint": [0, 0, 0],
                                                                    "mark": False}})
        (part, img), = images_of(self.ok_json(FLASH, gen_body("again", ratio="1:1", images=[(src, "image/png")])))
        self.assertEqual(img.size, (1024, 1024))
        self.assertEqual(set(img.convert("RGB").getdata()), {(20, 200, 40)})

    def test_snake_case(self):
        body = {"contents": [{"role": "user", "parts": [{"text": "x"}]}],
                "generation_config": {"response_modalities": ["IMAGE"],
                                      "image_config": {"aspect_ratio": "9:16", "image_size": "1K"}},
                "some_unknown_field": 1}
        # Strict by default, as the real API: the unknown field is refused.
        status, err = self.error(PRO, body)
        self.assertEqual(status, 400)
        self.assertEqual(err["message"], 'Invalid JSON payload received. Unknown name "some_unknown_field": '
                                         'Cannot find field.')
        control("/_control/scenario", {"scenario": "ok", "params": {"strict": False}})
        ans = self.ok_json(PRO, body)
        parts = ans["candidates"][0]["content"]["parts"]
        self.assertEqual(len(parts), 1)                                    # IMAGE only: no text
        self.assertEqual(images_of(ans)[0][1].size, (768, 1376))

    def test_parallel(self):
        results = []

        def one(i):
            results.append(call(FLASH, gen_body("parallel %d" % i))[0])
        threads = [threading.Thread(target=one, args=(i,)) for i in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(results, [200] * 4)


class Validation(Base):
    def test_missing_key(self):
        status, err = self.error(FLASH, gen_body(), key=None)
        self.assertEqual((status, err["status"]), (403, "PERMISSION_DENIED"))
        self.assertIn("unregistered callers", err["message"])

    def test_wrong_key(self):
        status, err = self.error(FLASH, gen_body(), key="nope")
        self.assertEqual((status, err["status"]), (400, "INVALID_ARGUMENT"))
        self.assertEqual(err["message"], "API key not valid. Please pass a valid API key.")
        info = [d for d in err["details"] if d["@type"].endswith("ErrorInfo")][0]
        self.assertEqual((info["reason"], info["domain"]), ("API_KEY_INVALID", "googleapis.com"))
        self.assertTrue(any(d["@type"].endswith("LocalizedMessage") for d in err["details"]))

    def test_key_in_url_accepted_and_logged(self):
        status, _, _ = call(FLASH, gen_body(), key=None, query="?key=" + KEY)
        self.assertEqual(status, 200)
        entry = control("/_control/log")[-1]
        self.assertTrue(entry["key_in_url"])
        self.assertTrue(entry["key_ok"])
        self.assertNotIn(KEY, json.dumps(entry))

    def test_sizes(self):
        status, err = self.error(PRO, gen_body(size="1k"))
        self.assertEqual(status, 400)
        self.assertIn("1k", err["message"])
        status, err = self.error(FLASH, gen_body(size="1K"))
        self.assertEqual((status, err["status"]), (400, "INVALID_ARGUMENT"))
        status, err = self.error(FLASH, gen_body(ratio="1:4"))
        self.assertEqual(status, 400)

    def test_bad_inputs(self):
        png = png_bytes((10, 10), (1, 2, 3))
        status, err = self.error(FLASH, gen_body(images=[(png, "image/jpg")]))
        self.assertEqual((status, err["message"]), (400, "Unsupported MIME type: image/jpg"))
        status, err = self.error(FLASH, gen_body(images=[(png, "image/jpeg")]))
        self.assertEqual(status, 400)
        self.assertIn("Unable to process input image", err["message"])
        body = gen_body()
        body["contents"][0]["parts"].append({"inlineData": {"mimeType": "image/png", "data": "***"}})
        status, err = self.error(FLASH, body)
        self.assertIn("Base64 decoding failed", err["message"])
        status, err = self.error(FLASH, gen_body(images=[(png, "image/png")] * 4))
        self.assertEqual(status, 400)
        self.assertEqual(call(PRO, gen_body(images=[(png, "image/png")] * 4))[0], 200)
        status, err = self.error(FLASH, gen_body(candidateCount=2))
        self.assertEqual(status, 400)
        status, err = self.error(FLASH, {"contents": []})
        self.assertIn("contents is not specified", err["message"])
        status, err = self.error(FLASH, None, raw=b'{"contents": [')
        self.assertIn("Invalid JSON payload received", err["message"])

    def test_unknown_model(self):
        status, err = self.error("gemini-9-imaginary", gen_body())
        self.assertEqual((status, err["status"]), (404, "NOT_FOUND"))
        self.assertTrue(err["message"].startswith("models/gemini-9-imaginary is not found for API version v1beta"))

    def test_payload_limit(self):
        status, err = self.error(FLASH, None, raw=b'{"contents":"' + b"A" * (20971520 + 10) + b'"}')
        self.assertEqual(status, 400)
        self.assertEqual(err["message"], "Request payload size exceeds the limit: 20971520 bytes.")

    def test_search_with_image_only_gives_text(self):
        body = gen_body()
        body["generationConfig"]["responseModalities"] = ["IMAGE"]
        body["tools"] = [{"googleSearch": {}}]
        ans = self.ok_json(PRO, body)
        self.assertEqual(images_of(ans), [])
        self.assertIn("text", ans["candidates"][0]["content"]["parts"][0])


class Signatures(Base):
    def turn(self, extra_user="now make it blue"):
        first = gen_body("a cat")
        ans = self.ok_json(PRO, first)
        model_turn = ans["candidates"][0]["content"]
        body = {"contents": [first["contents"][0], model_turn,
                             {"role": "user", "parts": [{"text": extra_user}]}]}
        return body, model_turn

    def test_round_trip(self):
        body, model_turn = self.turn()
        body = json.loads(json.dumps(body))      # stored and reloaded
        ans = self.ok_json(PRO, body)
        self.assertEqual(images_of(ans)[0][1].size, (1024, 1024))   # refines the previous picture

    def test_missing_signature(self):
        body, model_turn = self.turn()
        del model_turn["parts"][1]["thoughtSignature"]
        status, err = self.error(PRO, body)
        self.assertEqual(status, 400)
        self.assertTrue(err["message"].startswith(
            "Image part is missing a thought_signature in content position 2, part position 2."), err["message"])

    def test_forged_signature(self):
        body, model_turn = self.turn()
        sig = model_turn["parts"][1]["thoughtSignature"]
        model_turn["parts"][1]["thoughtSignature"] = sig[:10] + ("A" if sig[10] != "A" else "B") + sig[11:]
        status, err = self.error(PRO, body)
        self.assertEqual((status, err["message"]), (400, "Thought signature is not valid."))

    def test_survives_restart(self):
        body, _ = self.turn()
        other = Server()
        try:
            global S
            saved, S = S, other
            try:
                self.assertEqual(call(PRO, body)[0], 200)
            finally:
                S = saved
        finally:
            other.stop()

    def test_thoughts(self):
        control("/_control/scenario", {"scenario": "thoughts"})
        parts = self.ok_json(PRO, gen_body())["candidates"][0]["content"]["parts"]
        thoughts = [p for p in parts if p.get("thought")]
        self.assertEqual(len(thoughts), 3)
        self.assertEqual(sum("inlineData" in p for p in thoughts), 2)
        self.assertTrue(all("thoughtSignature" not in p for p in thoughts))
        final = [p for p in parts if not p.get("thought")]
        self.assertTrue(all("thoughtSignature" in p for p in final))


class Today(Base):
    """The models of December 2026 and the shapes of the recorded answers."""

    def list_all(self, page_size):
        names, token, pages = [], None, 0
        while True:
            q = "?pageSize=%d" % page_size + ("&pageToken=%s" % token if token else "")
            req = urllib.request.Request(S.base + "/v1beta/models" + q, headers={"x-goog-api-key": KEY})
            with urllib.request.urlopen(req, timeout=30) as r:
                page = json.loads(r.read())
            pages += 1
            names += [m["name"] for m in page["models"]]
            token = page.get("nextPageToken")
            if not token:
                return names, pages

    def test_models_listed_in_pages(self):
        names, pages = self.list_all(3)
        self.assertGreater(pages, 2)
        one_page, n = self.list_all(1000)
        self.assertEqual((names, n), (one_page, 1))
        for m in (NANO, PRO, LITE, FLASH, NEW, "gemini-2.5-flash", "gemini-embedding-001"):
            self.assertIn("models/" + m, names)
        self.assertFalse(RETIRED & {n[len("models/"):] for n in names})
        self.assertEqual(len(names), len(set(names)))

    def test_model_only_the_server_knows_works(self):
        ans = self.ok_json(NEW, gen_body(ratio="4:1", size="2K"))
        (part, img), = images_of(ans)
        self.assertEqual((img.format, img.size), ("JPEG", (4096, 1024)))
        self.assertEqual(ans["modelVersion"], NEW)

    def test_retired_models_are_404(self):
        for name in sorted(RETIRED):
            status, err = self.error(name, gen_body())
            self.assertEqual((status, err["status"]), (404, "NOT_FOUND"), name)
            self.assertEqual(err["message"], "models/%s is not found for API version v1beta, or is not supported "
                             "for generateContent. Call ModelService.ListModels to see the list of available "
                             "models and their supported methods." % name)

    def test_sizes_and_ratios_per_model(self):
        self.assertEqual(images_of(self.ok_json(NANO, gen_body(ratio="4:1", size="2K")))[0][1].size, (4096, 1024))
        self.assertEqual(images_of(self.ok_json(NANO, gen_body(ratio="1:8")))[0][1].size, (352, 2928))
        self.assertEqual(images_of(self.ok_json(LITE, gen_body(ratio="16:9", size="1K")))[0][1].size, (1376, 768))
        refused = [(NANO, "512", None), (LITE, "2K", None), (LITE, "4K", None), (LITE, "512", None),
                   (FLASH, "1K", None), (PRO, None, "4:1"), (FLASH, None, "1:8"), (NANO, "1k", None)]
        for model, size, ratio in refused:
            status, err = self.error(model, gen_body(size=size, ratio=ratio))
            self.assertEqual((status, err["status"]), (400, "INVALID_ARGUMENT"), (model, size, ratio))

    def test_gemini3_answers_as_recorded(self):
        body = gen_body(ratio="3:2")
        status, headers, raw = call(NANO, body)
        self.assertEqual(status, 200)
        self.assertTrue(raw.startswith(b'{\n  "candidates": [\n    {\n'), raw[:40])   # pretty, 2-space
        ans = json.loads(raw)
        parts = ans["candidates"][0]["content"]["parts"]
        self.assertEqual([("text" in p, "inlineData" in p) for p in parts], [(True, False), (False, True)])
        for p in parts:                                # every final part, text and image
            self.assertTrue(900000 <= len(p["thoughtSignature"]) <= 2900000, len(p["thoughtSignature"]))
            base64.b64decode(p["thoughtSignature"], validate=True)
        (part, img), = images_of(ans)
        data = base64.b64decode(part["inlineData"]["data"])
        self.assertEqual((part["inlineData"]["mimeType"], img.format), ("image/jpeg", "JPEG"))
        sys.path.insert(0, HERE)
        import fake_images
        self.assertEqual(fake_images.app11_segments(data), 1)
        self.assertIn(b"jumb", data[:8000])
        self.assertIn(b"c2pa", data[:8000])
        self.assertEqual(ans["usageMetadata"]["serviceTier"], "standard")
        self.assertIn("thoughtsTokenCount", ans["usageMetadata"])
        # 2.5 Flash: PNG, no signature.
        ans = self.ok_json(FLASH, gen_body())
        self.assertEqual(images_of(ans)[0][1].format, "PNG")
        self.assertNotIn("thoughtSignature", json.dumps(ans))
        # The small signatures of --signature-bytes / the param still verify.
        control("/_control/scenario", {"scenario": "ok", "params": {"signature_bytes": 300}})
        ans = self.ok_json(LITE, gen_body())
        self.assertTrue(all(len(p["thoughtSignature"]) < 1000 for p in ans["candidates"][0]["content"]["parts"]))

    def test_refusals_as_recorded(self):
        control("/_control/scenario", {"queue": ["blocked", "no_image", "image_prohibited"],
                                       "params": {"reason": "PROHIBITED_CONTENT"}})
        blocked = self.ok_json(NANO, gen_body())
        self.assertNotIn("candidates", blocked)
        self.assertEqual(blocked["promptFeedback"], {"blockReason": "PROHIBITED_CONTENT"})
        no_image = self.ok_json(NANO, gen_body())
        cand, = no_image["candidates"]
        self.assertEqual((cand["content"], cand["finishReason"]), ({}, "NO_IMAGE"))
        self.assertNotIn("finishMessage", cand)
        cand, = self.ok_json(NANO, gen_body())["candidates"]
        self.assertEqual(cand["finishReason"], "IMAGE_PROHIBITED_CONTENT")
        self.assertRegex(cand["finishMessage"], r" Support code: \d+\.$")

    def test_thinking_levels(self):
        def with_level(level, **extra):
            return gen_body(thinkingConfig=dict({"thinkingLevel": level}, **extra))
        for level in ("MINIMAL", "MEDIUM", "HIGH"):
            self.ok_json(NANO, with_level(level))
        self.ok_json(PRO, with_level("HIGH"))
        for model, level in ((PRO, "MINIMAL"), (LITE, "MINIMAL"), (FLASH, "HIGH")):
            status, err = self.error(model, with_level(level))
            self.assertEqual((status, err["message"]), (400, "Thinking level %s is not supported for this model. "
                                                             "Please retry with other thinking level." % level))
        status, err = self.error(NANO, with_level("HIGH", thinkingBudget=100))
        self.assertEqual(err["message"], "You can only set only one of thinking budget and thinking level.")
        status, err = self.error(NANO, with_level("minimal"))
        self.assertEqual(status, 400)

    def test_store_accepted_strictly(self):
        body = gen_body()
        body["store"] = False
        self.ok_json(NANO, body)
        self.assertIs(control("/_control/log")[-1]["body"]["store"], False)
        body["store"] = "no"
        self.assertEqual(self.error(NANO, body)[0], 400)

    def test_text_model_refuses_images(self):
        status, err = self.error("gemini-2.5-flash", gen_body())
        self.assertEqual((status, err["message"]), (400, "Multi-modal output is not supported."))

    def test_own_model_table(self):
        """The server runs from a copy that has no common/catalogue.json beside it."""
        with tempfile.TemporaryDirectory() as d:
            for f in ("server.py", "fake_images.py", "models.py"):
                with open(os.path.join(HERE, f), "rb") as src, open(os.path.join(d, f), "wb") as dst:
                    dst.write(src.read())
            with open(os.path.join(HERE, "server.py"), encoding="utf-8") as f:
                self.assertNotIn("catalogue.json", f.read())
            port_file = os.path.join(d, "port")
            proc = subprocess.Popen([sys.executable, os.path.join(d, "server.py"), "--port", "0",
                                     "--port-file", port_file, "--quiet"])
            try:
                t0 = time.time()
                def text():
                    if not os.path.exists(port_file):
                        return ""
                    with open(port_file) as f:
                        return f.read()
                while not text().endswith("\n"):
                    self.assertLess(time.time() - t0, 20)
                    time.sleep(0.05)
                port = int(text())
                req = urllib.request.Request("http://127.0.0.1:%d/v1beta/models/%s:generateContent" % (port, NANO),
                                             data=json.dumps(gen_body()).encode(),
                                             headers={"x-goog-api-key": KEY, "Content-Type": "application/json"})
                with urllib.request.urlopen(req, timeout=60) as r:
                    self.assertEqual(r.status, 200)
            finally:
                proc.terminate()
                proc.wait(10)


class Lifetime(unittest.TestCase):
    def test_stops_when_its_parent_is_gone(self):
        """An aborted test must not leave its server holding the output open."""
        with tempfile.TemporaryDirectory() as d:
            pid_file = os.path.join(d, "pid")
            # The shell starts the server and ends: the server is orphaned.
            subprocess.run(["/bin/sh", "-c", '"$0" "$1" --port 0 --port-file "$2/port" --quiet '
                            '>/dev/null 2>&1 & echo $! >"$2/pid"; sleep 0.3', sys.executable, SERVER, d],
                           check=True, timeout=20)
            with open(pid_file) as f:
                pid = int(f.read())
            def running():
                # Gone, or a zombie nobody reaps (PID 1 of a container may not).
                try:
                    with open("/proc/%d/status" % pid) as f:
                        return "\nState:\tZ" not in f.read()
                except FileNotFoundError:
                    return False
            t0 = time.time()
            while time.time() - t0 < 10:
                if not running():
                    break
                time.sleep(0.1)
            else:
                os.kill(pid, 15)
                self.fail("the orphaned server still runs after 10 s")


class Scenarios(Base):
    def test_error_429_retry_info(self):
        control("/_control/scenario", {"queue": ["error_429", "ok"], "params": {"retry_delay": "7s"}})
        status, err = self.error(FLASH, gen_body())
        self.assertEqual((status, err["status"]), (429, "RESOURCE_EXHAUSTED"))
        types = {d["@type"].rsplit(".", 1)[-1]: d for d in err["details"]}
        self.assertEqual(types["RetryInfo"]["retryDelay"], "7s")
        self.assertNotEqual(types["QuotaFailure"]["violations"][0]["quotaValue"], "0")
        self.assertIn("Help", types)
        self.assertEqual(call(FLASH, gen_body())[0], 200)
        log = control("/_control/log")
        self.assertEqual([(e["scenario"], e["status"]) for e in log], [("error_429", 429), ("ok", 200)])

    def test_error_429_zero(self):
        # As recorded: the 0 only in the message, no quotaValue, RetryInfo 16s all the same.
        control("/_control/scenario", {"scenario": "error_429_zero"})
        status, err = self.error(FLASH, gen_body())
        violations = [d for d in err["details"] if d["@type"].endswith("QuotaFailure")][0]["violations"]
        self.assertEqual(len(violations), 3)
        self.assertTrue(all("quotaValue" not in v for v in violations))
        self.assertEqual(violations[0]["quotaId"], "GenerateRequestsPerDayPerProjectPerModel-FreeTier")
        self.assertEqual(err["message"].count("limit: 0, model: %s" % FLASH), 3)
        self.assertTrue(err["message"].endswith("Please retry in 16.34553186s."))
        self.assertEqual([d.get("retryDelay") for d in err["details"] if d["@type"].endswith("RetryInfo")], ["16s"])
        control("/_control/scenario", {"scenario": "error_429_zero", "params": {"quota_value": True}})
        status, err = self.error(FLASH, gen_body())
        violations = [d for d in err["details"] if d["@type"].endswith("QuotaFailure")][0]["violations"]
        self.assertEqual({v["quotaValue"] for v in violations}, {"0"})

    def test_error_429_minute_and_day(self):
        control("/_control/scenario", {"queue": ["error_429_minute", "error_429_day"]})
        status, err = self.error(NANO, gen_body())
        types = {d["@type"].rsplit(".", 1)[-1]: d for d in err["details"]}
        self.assertEqual(types["RetryInfo"]["retryDelay"], "58s")
        self.assertIn("Please retry in 58.217843437s.", err["message"])
        v, = types["QuotaFailure"]["violations"]
        self.assertIn("PerMinute", v["quotaId"])
        self.assertNotEqual(v["quotaValue"], "0")
        status, err = self.error(NANO, gen_body())
        v, = [d for d in err["details"] if d["@type"].endswith("QuotaFailure")][0]["violations"]
        self.assertIn("PerDay", v["quotaId"])
        self.assertEqual(status, 429)

    def test_error_table(self):
        expect = {"error_400": (400, "INVALID_ARGUMENT"), "error_400_billing": (400, "FAILED_PRECONDITION"),
                  "error_402": (402, "RESOURCE_EXHAUSTED"), "error_403": (403, "PERMISSION_DENIED"),
                  "error_404": (404, "NOT_FOUND"), "error_500": (500, "INTERNAL"),
                  "error_503": (503, "UNAVAILABLE"), "error_504": (504, "DEADLINE_EXCEEDED")}
        control("/_control/scenario", {"queue": list(expect)})
        for name, (code, status) in expect.items():
            got, err = self.error(FLASH, gen_body())
            self.assertEqual((got, err["status"]), (code, status), name)

    def test_unknown_scenario(self):
        with self.assertRaises(urllib.error.HTTPError) as cm:
            control("/_control/scenario", {"scenario": "nope"})
        self.assertEqual(cm.exception.code, 400)

    def test_log_since(self):
        first = control("/_control/state")["requests"]
        call(FLASH, gen_body())
        call(FLASH, gen_body())
        since = control("/_control/log?since=%d" % (first + 1))
        self.assertEqual(len(since), 1)
        self.assertEqual(since[0], control("/_control/log")[first + 1])
        self.assertEqual(control("/_control/log?since=%d" % (first + 5)), [])

    def test_log_redacts(self):
        png = png_bytes((30, 20), (0, 0, 0))
        call(FLASH, gen_body(images=[(png, "image/png")]))
        text = json.dumps(control("/_control/log"))
        self.assertNotIn(KEY, text)
        entry = json.loads(text)[0]
        self.assertEqual(entry["headers"]["x-goog-api-key"], "<present>")
        self.assertFalse(entry["key_in_url"])
        data = entry["body"]["contents"][0]["parts"][1]["inlineData"]["data"]
        self.assertEqual((data["format"], data["width"], data["height"], data["bytes"]), ("png", 30, 20, len(png)))
        self.assertNotIn("imageSize", json.dumps(entry["body"]))

    def test_content_scenarios(self):
        control("/_control/scenario", {"queue": [
            "blocked", "safety", "no_image", "prohibited", "text_only",
            {"scenario": "multi_image", "params": {"count": 2}}, "grounding", "webp", "missing_fields"]})
        a = self.ok_json(FLASH, gen_body())
        self.assertNotIn("candidates", a)
        self.assertEqual(a["promptFeedback"]["blockReason"], "SAFETY")
        for reason in ("IMAGE_SAFETY", "NO_IMAGE", "PROHIBITED_CONTENT"):
            c = self.ok_json(FLASH, gen_body())["candidates"][0]
            self.assertEqual(c["finishReason"], reason)
            self.assertNotIn("parts", c.get("content", {}))
        c = self.ok_json(FLASH, gen_body())["candidates"][0]
        self.assertEqual((c["finishReason"], len(c["content"]["parts"])), ("STOP", 1))
        imgs = images_of(self.ok_json(FLASH, gen_body()))
        self.assertEqual(len(imgs), 2)
        self.assertNotEqual(imgs[0][0]["inlineData"]["data"], imgs[1][0]["inlineData"]["data"])
        g = self.ok_json(PRO, gen_body())["candidates"][0]["groundingMetadata"]
        self.assertEqual(len(g["groundingChunks"]), 2)
        self.assertIn("<", g["searchEntryPoint"]["renderedContent"])
        self.assertEqual(images_of(self.ok_json(FLASH, gen_body()))[0][1].format, "WEBP")
        self.assertEqual(self.ok_json(FLASH, gen_body()), {"candidates": [{}]})

    def test_broken_bodies(self):
        control("/_control/scenario", {"queue": ["malformed_json", "html_502", "empty_502", "html_200",
                                                 "deep_json", "huge_dims"]})
        status, h, body = call(FLASH, gen_body())
        self.assertEqual(status, 200)
        self.assertRaises(ValueError, json.loads, body)
        status, h, body = call(FLASH, gen_body())
        self.assertEqual((status, h["Content-Type"]), (502, "text/html"))
        self.assertEqual(call(FLASH, gen_body())[::2], (502, b""))
        status, h, body = call(FLASH, gen_body())
        self.assertEqual(status, 200)
        self.assertTrue(h["Content-Type"].startswith("text/html"))
        status, h, body = call(FLASH, gen_body())
        self.assertGreater(len(body), 200000)
        part = self.ok_json(FLASH, gen_body())["candidates"][0]["content"]["parts"][1]
        data = base64.b64decode(part["inlineData"]["data"])
        self.assertEqual(data[16:24], (50000).to_bytes(4, "big") * 2)

    def test_transport(self):
        control("/_control/scenario", {"queue": [
            "truncated", "reset", {"scenario": "slow", "params": {"delay": 0.5}},
            {"scenario": "stall_after_headers", "params": {"hold": 0.5}},
            {"scenario": "drip", "params": {"rate": 2000000}}, "gzip", "chunked",
            {"scenario": "huge_body", "params": {"bytes": 3000000}}]})
        with self.assertRaises(http.client.IncompleteRead):
            call(FLASH, gen_body())
        with self.assertRaises((ConnectionResetError, http.client.IncompleteRead, urllib.error.URLError)):
            call(FLASH, gen_body())
        t0 = time.time()
        self.assertEqual(call(FLASH, gen_body())[0], 200)
        self.assertGreater(time.time() - t0, 0.45)
        self.assertEqual(call(FLASH, gen_body())[0], 200)
        self.assertEqual(call(FLASH, gen_body())[0], 200)
        status, h, body = call(FLASH, gen_body(), headers={"Accept-Encoding": "gzip"})
        self.assertEqual(h["Content-Encoding"], "gzip")
        self.assertIn("candidates", json.loads(gzip.decompress(body)))
        status, h, body = call(FLASH, gen_body())
        self.assertEqual(h["Transfer-Encoding"], "chunked")
        self.assertIn("candidates", json.loads(body))
        status, h, body = call(FLASH, gen_body())
        self.assertEqual(len(body), 3000000)
        self.assertEqual(len(json.loads(body)["candidates"][0]["content"]["parts"][0]["text"].strip()), 0)

    def test_stall_notices_disconnect(self):
        control("/_control/scenario", {"scenario": "stall_after_headers"})
        conn = http.client.HTTPConnection("127.0.0.1", S.port, timeout=10)
        conn.request("POST", "/v1beta/models/%s:generateContent" % FLASH, json.dumps(gen_body()),
                     {"x-goog-api-key": KEY, "Content-Type": "application/json"})
        r = conn.getresponse()
        self.assertEqual(r.status, 200)
        self.assertGreater(int(r.headers["Content-Length"]), 1000)
        self.assertEqual(control("/_control/state")["active"], 1)
        r.close()
        conn.close()
        for _ in range(50):        # the handler notices within about 0.25 s
            if control("/_control/state")["active"] == 0:
                break
            time.sleep(0.1)
        self.assertEqual(control("/_control/state")["active"], 0)

    def test_sse_stream(self):
        status, h, body = call(PRO, gen_body(), method="streamGenerateContent", query="?alt=sse")
        self.assertEqual(status, 200)
        self.assertTrue(h["Content-Type"].startswith("text/event-stream"))
        events = [json.loads(line[6:]) for line in body.decode().split("\r\n\r\n") if line.startswith("data: ")]
        self.assertGreaterEqual(len(events), 3)
        self.assertEqual(events[-1]["candidates"][0]["finishReason"], "STOP")
        images = [p for e in events for p in e["candidates"][0]["content"]["parts"] if "inlineData" in p]
        self.assertEqual(len(images), 1)
        self.assertIn("thoughtSignature", images[0])


def api(method, path, body=None, headers=None, key=KEY, raw=None):
    """(status, headers, body bytes) of a Files or Batch API request."""
    h = {}
    if key is not None:
        h["x-goog-api-key"] = key
    if body is not None or raw is not None:
        h["Content-Type"] = "application/json"
    h.update(headers or {})
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    url = path if path.startswith("http") else S.base + path
    req = urllib.request.Request(url, data=data, headers=h, method=method)
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def upload(data, mime="image/png", name="test"):
    """(status of the finalize, file dict or error, start headers)."""
    status, h, _ = api("POST", "/upload/v1beta/files", {"file": {"display_name": name}}, headers={
        "X-Goog-Upload-Protocol": "resumable", "X-Goog-Upload-Command": "start",
        "X-Goog-Upload-Header-Content-Length": str(len(data)), "X-Goog-Upload-Header-Content-Type": mime})
    assert status == 200, status
    url = h["x-goog-upload-url"]
    status, h2, body = api("POST", url, raw=data, headers={"X-Goog-Upload-Command": "upload, finalize",
                                                          "X-Goog-Upload-Offset": "0",
                                                          "Content-Type": mime})
    out = json.loads(body)
    return status, out.get("file", out.get("error")), h, h2


def wait_state(name, want, limit=20):
    deadline = time.time() + limit
    while True:
        status, _, body = api("GET", "/v1beta/" + name)
        op = json.loads(body)
        state = op.get("metadata", op).get("state")
        if state == want or time.time() > deadline:
            return op
        time.sleep(0.05)


class FilesApi(Base):
    def test_upload_get_list_delete(self):
        data = png_bytes((40, 30), (1, 2, 3))
        control("/_control/scenario", {"scenario": "ok", "params": {"file_processing": 0.3}})
        status, f, start, final = upload(data)
        self.assertEqual(status, 200)
        self.assertEqual(start["x-goog-upload-status"], "active")
        self.assertIn("upload_id=", start["x-goog-upload-url"])
        self.assertEqual(final["x-goog-upload-status"], "final")
        self.assertRegex(f["name"], r"^files/[a-z0-9]+$")
        self.assertEqual((f["mimeType"], f["sizeBytes"], f["state"], f["displayName"]),
                         ("image/png", str(len(data)), "PROCESSING", "test"))
        self.assertTrue(f["uri"].endswith("/v1beta/" + f["name"]))
        created = time.mktime(time.strptime(f["createTime"][:19], "%Y-%m-%dT%H:%M:%S"))
        expires = time.mktime(time.strptime(f["expirationTime"][:19], "%Y-%m-%dT%H:%M:%S"))
        self.assertEqual(expires - created, 48 * 3600)
        time.sleep(0.4)
        got = json.loads(api("GET", "/v1beta/" + f["name"])[2])
        self.assertEqual(got["state"], "ACTIVE")
        names = [x["name"] for x in json.loads(api("GET", "/v1beta/files?pageSize=100")[2])["files"]]
        self.assertIn(f["name"], names)
        self.assertEqual(api("DELETE", "/v1beta/" + f["name"])[0], 200)
        status, _, body = api("GET", "/v1beta/" + f["name"])
        self.assertEqual(status, 403)
        self.assertEqual(json.loads(body)["error"]["status"], "PERMISSION_DENIED")

    def test_upload_protocol_errors(self):
        status, _, _ = api("POST", "/upload/v1beta/files", {"file": {}}, key=None,
                           headers={"X-Goog-Upload-Protocol": "resumable", "X-Goog-Upload-Command": "start",
                                    "X-Goog-Upload-Header-Content-Length": "3"})
        self.assertEqual(status, 403)
        status, _, _ = api("POST", "/upload/v1beta/files", {"file": {}})
        self.assertEqual(status, 400)
        status, h, _ = api("POST", "/upload/v1beta/files", {"file": {}}, headers={
            "X-Goog-Upload-Protocol": "resumable", "X-Goog-Upload-Command": "start",
            "X-Goog-Upload-Header-Content-Length": "10"})
        status, _, body = api("POST", h["x-goog-upload-url"], raw=b"short", headers={
            "X-Goog-Upload-Command": "upload, finalize", "X-Goog-Upload-Offset": "0"})
        self.assertEqual(status, 400)
        self.assertIn("does not match", json.loads(body)["error"]["message"])

    def test_failure_modes(self):
        data = png_bytes((20, 20), (9, 9, 9))
        control("/_control/scenario", {"scenario": "ok", "params": {"upload_fail": 1}})
        status, h, _ = api("POST", "/upload/v1beta/files", {"file": {}}, headers={
            "X-Goog-Upload-Protocol": "resumable", "X-Goog-Upload-Command": "start",
            "X-Goog-Upload-Header-Content-Length": str(len(data))})
        chunk = {"X-Goog-Upload-Command": "upload, finalize", "X-Goog-Upload-Offset": "0"}
        self.assertEqual(api("POST", h["x-goog-upload-url"], raw=data, headers=chunk)[0], 503)
        self.assertEqual(api("POST", h["x-goog-upload-url"], raw=data, headers=chunk)[0], 200)
        control("/_control/scenario", {"scenario": "ok", "params": {"file_state": "PROCESSING",
                                                                    "file_processing": 0}})
        _, f, _, _ = upload(data)
        time.sleep(0.2)
        self.assertEqual(json.loads(api("GET", "/v1beta/" + f["name"])[2])["state"], "PROCESSING")
        body = gen_body()
        body["contents"][0]["parts"].append({"fileData": {"mimeType": "image/png", "fileUri": f["uri"]}})
        status, err = self.error(FLASH, body)
        self.assertEqual((status, err["status"]), (400, "FAILED_PRECONDITION"))
        control("/_control/scenario", {"scenario": "ok", "params": {"file_state": "FAILED",
                                                                    "file_processing": 0}})
        _, f, _, _ = upload(data)
        got = json.loads(api("GET", "/v1beta/" + f["name"])[2])
        self.assertEqual(got["state"], "FAILED")
        self.assertIn("message", got["error"])

    def test_file_data_in_generate_and_expiry(self):
        src = png_bytes((300, 200), (200, 10, 10))
        control("/_control/scenario", {"scenario": "ok", "params": {"file_processing": 0}})
        _, f, _, _ = upload(src)
        body = gen_body("make it blue")
        body["contents"][0]["parts"].append({"fileData": {"mimeType": "image/png", "fileUri": f["uri"]}})
        answer = self.ok_json(FLASH, body)
        (part, img), = images_of(answer)
        self.assertEqual(img.size, (1248, 832))      # the ratio of the uploaded picture
        log = control("/_control/log")
        self.assertEqual(log[-1]["body"]["contents"][0]["parts"][1]["fileData"]["fileUri"], f["uri"])
        control("/_control/clock", {"advance": 48 * 3600 + 60})
        status, err = self.error(FLASH, body)
        self.assertEqual((status, err["status"]), (403, "PERMISSION_DENIED"))
        self.assertEqual(api("GET", "/v1beta/" + f["name"])[0], 403)


class BatchApi(Base):
    def inline_batch(self, n=3, **params):
        control("/_control/scenario", {"scenario": "ok", "params": dict(
            {"batch_step": 0.1, "batch_dims": [16, 16], "noise": False}, **params)})
        reqs = [{"request": gen_body("prompt %d" % i), "metadata": {"key": "k%d" % i}} for i in range(n)]
        status, _, body = api("POST", "/v1beta/models/%s:batchGenerateContent" % FLASH,
                              {"batch": {"display_name": "t", "input_config": {"requests": {"requests": reqs}}}})
        self.assertEqual(status, 200, body[:300])
        return json.loads(body)

    def test_inline_progression_and_results(self):
        op = self.inline_batch(3, batch_fail_keys=["k1"], batch_step=0.8)
        self.assertRegex(op["name"], r"^batches/[a-z0-9]+$")
        self.assertEqual(op["metadata"]["state"], "BATCH_STATE_PENDING")
        self.assertEqual(op["metadata"]["batchStats"]["requestCount"], "3")
        self.assertNotIn("done", op)
        self.assertEqual(wait_state(op["name"], "BATCH_STATE_RUNNING")["metadata"]["state"], "BATCH_STATE_RUNNING")
        done = wait_state(op["name"], "BATCH_STATE_SUCCEEDED")
        self.assertTrue(done["done"])
        stats = done["metadata"]["batchStats"]
        self.assertEqual((stats["successfulRequestCount"], stats["failedRequestCount"]), ("2", "1"))
        items = done["metadata"]["output"]["inlinedResponses"]["inlinedResponses"]
        self.assertEqual(done["response"]["inlinedResponses"]["inlinedResponses"], items)
        self.assertEqual([i["metadata"]["key"] for i in items], ["k0", "k1", "k2"])
        self.assertEqual(items[1]["error"]["code"], 13)
        parts = items[0]["response"]["candidates"][0]["content"]["parts"]
        img = Image.open(io.BytesIO(base64.b64decode(parts[1]["inlineData"]["data"])))
        self.assertEqual(img.size, (16, 16))
        listed = json.loads(api("GET", "/v1beta/batches?pageSize=50")[2])["operations"]
        self.assertIn(op["name"], [o["name"] for o in listed])

    def test_invalid_request_is_a_per_key_error(self):
        control("/_control/scenario", {"scenario": "ok", "params": {"batch_step": 0.05, "batch_dims": [8, 8]}})
        reqs = [{"request": gen_body("fine"), "metadata": {"key": "good"}},
                {"request": gen_body("bad", ratio="7:3"), "metadata": {"key": "bad"}}]
        op = json.loads(api("POST", "/v1beta/models/%s:batchGenerateContent" % FLASH,
                            {"batch": {"inputConfig": {"requests": {"requests": reqs}}}})[2])
        done = wait_state(op["name"], "BATCH_STATE_SUCCEEDED")
        items = done["metadata"]["output"]["inlinedResponses"]["inlinedResponses"]
        self.assertIn("response", items[0])
        self.assertEqual(items[1]["error"]["code"], 3)
        self.assertIn("aspect ratio", items[1]["error"]["message"])

    def test_file_input_and_download(self):
        control("/_control/scenario", {"scenario": "ok", "params": {"file_processing": 0, "batch_step": 0.05,
                                                                    "batch_dims": [8, 8]}})
        lines = b"".join(json.dumps({"key": "f%d" % i, "request": gen_body("x %d" % i)}).encode() + b"\n"
                         for i in range(4))
        _, f, _, _ = upload(lines, "application/jsonl")
        op = json.loads(api("POST", "/v1beta/models/%s:batchGenerateContent" % FLASH,
                            {"batch": {"inputConfig": {"fileName": f["name"]}}})[2])
        done = wait_state(op["name"], "BATCH_STATE_SUCCEEDED")
        name = done["metadata"]["output"]["responsesFile"]
        self.assertRegex(name, r"^files/")
        status, h, body = api("GET", "/download/v1beta/%s:download?alt=media" % name)
        self.assertEqual(status, 200)
        rows = [json.loads(l) for l in body.splitlines()]
        self.assertEqual([r["key"] for r in rows], ["f0", "f1", "f2", "f3"])
        self.assertIn("candidates", rows[0]["response"])

    def test_cancel_fail_expire(self):
        op = self.inline_batch(2, batch_step=30)
        self.assertEqual(api("POST", "/v1beta/%s:cancel" % op["name"], raw=b"")[0], 200)
        self.assertEqual(wait_state(op["name"], "BATCH_STATE_CANCELLED")["metadata"]["state"],
                         "BATCH_STATE_CANCELLED")
        status, _, body = api("POST", "/v1beta/%s:cancel" % op["name"], raw=b"")
        self.assertEqual((status, json.loads(body)["error"]["status"]), (400, "FAILED_PRECONDITION"))
        op = self.inline_batch(2, batch_end="FAILED")
        done = wait_state(op["name"], "BATCH_STATE_FAILED")
        self.assertEqual(done["metadata"]["state"], "BATCH_STATE_FAILED")
        self.assertIn("message", done["error"])
        op = self.inline_batch(2, batch_end="EXPIRED")
        self.assertEqual(wait_state(op["name"], "BATCH_STATE_EXPIRED")["metadata"]["state"], "BATCH_STATE_EXPIRED")
        self.assertEqual(api("GET", "/v1beta/batches/nope")[0], 404)
        status, _, _ = api("POST", "/v1beta/models/nope-model:batchGenerateContent",
                           {"batch": {"inputConfig": {"requests": {"requests": [{"request": gen_body()}]}}}})
        self.assertEqual(status, 404)


if __name__ == "__main__":
    unittest.main(verbosity=2)
