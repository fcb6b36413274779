#!/usr/bin/python3
"""A fake Gemini API server for gimp-gemini's tests and benchmarks.

    /usr/bin/python3 tests/fake_gemini/server.py --port 0 --port-file PATH
        [--key KEY] [--scenario NAME] [--log PATH] [--quiet] [--instant]
        [--secret TEXT] [--lenient] [--signature-bytes N]

Speaks POST /v1beta/models/{model}:generateContent (and
:streamGenerateContent), the Files API (resumable upload, get, list, delete,
download) and the Batch API (batchGenerateContent, batches get/list/cancel)
like generativelanguage.googleapis.com, validates
requests like it (strictly: unknown fields are refused), answers with
deterministic pictures at the sizes of its own model table (models.py,
written from the documentation and the recorded answers, never from the
client's catalogue), and misbehaves on demand (scenarios).  See README.md
beside it.
Standard library + Pillow (imported lazily) only.
"""

import argparse
import base64
import binascii
import gzip
import hashlib
import hmac
import http.server
import json
import math
import os
import re
import select
import socket
import struct
import sys
import tempfile
import threading
import time
import urllib.parse
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import fake_images as fi  # noqa: E402
import models as mt  # noqa: E402

DEFAULT_KEY = "fake-key-for-tests"
DEFAULT_SECRET = "gimp-gemini fake server thought signatures v1"
PAYLOAD_LIMIT = 20971520
TROUBLESHOOT = "https://developers.generativeai.google/guide/troubleshooting"
SIG_DOC = "https://ai.google.dev/gemini-api/docs/thought-signatures#model-behavior"
# Google documents these two values as signatures that skip validation.
SIG_BYPASS = {"context_engineering_is_the_way_to_go", "skip_thought_signature_validator"}
INPUT_MIME = ("image/png", "image/jpeg", "image/webp", "image/heic", "image/heif")
MIME_FORMAT = {"image/png": "png", "image/jpeg": "jpeg", "image/webp": "webp",
               "image/heic": "heic", "image/heif": "heic"}

SCENARIOS = {
    # content
    "ok": "text 'Here is your image.' then the image (signed on thinking models)",
    "jpeg": "the image as JPEG, declared image/jpeg",
    "jpeg_as_png": "JPEG bytes declared image/png",
    "webp": "the image as WebP, declared image/webp",
    "thoughts": "a thought text, two thought images, then text + image",
    "multi_image": "param count (3): text and image interleaved, each different",
    "text_only": "one text part (param text), STOP, no image",
    "no_image": "finishReason NO_IMAGE, content {} (param finish_message: add one)",
    "image_prohibited": "finishReason IMAGE_PROHIBITED_CONTENT, finishMessage '... Support code: N.'",
    "blocked": "no candidates, promptFeedback.blockReason (param reason, SAFETY)",
    "safety": "finishReason IMAGE_SAFETY with finishMessage, no parts",
    "prohibited": "finishReason PROHIBITED_CONTENT, no parts",
    "grounding": "ok + groundingMetadata",
    "big_4k": "forces a 4K answer of the 3 Pro table for the ratio",
    "chunked": "ok, sent with Transfer-Encoding: chunked",
    # errors
    "error_400": "400 INVALID_ARGUMENT",
    "error_400_billing": "400 FAILED_PRECONDITION (billing needed in this region)",
    "error_402": "402 RESOURCE_EXHAUSTED (prepaid credits depleted)",
    "error_403": "403 PERMISSION_DENIED (API disabled for the project)",
    "error_404": "404 NOT_FOUND (the model)",
    "error_429": "429 RESOURCE_EXHAUSTED, QuotaFailure + Help + RetryInfo (param retry_delay, 2s)",
    "error_429_zero": "429 RESOURCE_EXHAUSTED as recorded: limit 0 only in the message, RetryInfo 16s",
    "error_429_minute": "429 RESOURCE_EXHAUSTED per minute as recorded, RetryInfo (param retry_delay, 58s)",
    "error_429_day": "429 RESOURCE_EXHAUSTED per day (quotaId ...PerDay...), RetryInfo 43s",
    "error_400_thinking": "400 INVALID_ARGUMENT: Thinking level MINIMAL is not supported for this model",
    "error_500": "500 INTERNAL",
    "error_503": "503 UNAVAILABLE (high demand; param wording old: overloaded)",
    "error_504": "504 DEADLINE_EXCEEDED",
    "html_502": "502 with an HTML page from a proxy",
    "empty_502": "502 with an empty body",
    "html_200": "200 text/html captive-portal page",
    # transport
    "slow": "waits param delay (3 s) before the headers, then ok",
    "stall_after_headers": "headers with Content-Length, then holds param hold (3600 s)",
    "drip": "the ok body at param rate bytes/s (1)",
    "reset": "half the body, then a TCP RST",
    "truncated": "Content-Length N, N/2 bytes, then close",
    "malformed_json": "200 with a cut JSON text",
    "gzip": "ok gzip-encoded (only when the client accepts gzip)",
    "truncated_gzip": "a gzip stream cut in half (Content-Length of the cut)",
    "gzip_bomb": "gzip inflating to > 2 GiB of zeros",
    "huge_body": "param bytes (1 GiB) of spaces in a JSON string, chunked",
    # hostile content
    "many_images": "param count (200) small images",
    "huge_dims": "a PNG whose IHDR says 50000x50000",
    "corrupt_png": "a PNG with a garbage IDAT",
    "corrupt_jpeg": "a JPEG with garbage instead of tables",
    "invalid_base64": "inlineData.data is not base64",
    "deep_json": "JSON nested 100000 deep",
    "wrong_types": "fields of the wrong JSON types (param variant)",
    "missing_fields": '{"candidates":[{}]}',
    "empty_candidates": '{"candidates":[]}',
}

THINKING_TEXT = ("**Composing the scene**\n\nI'm working out the layout the prompt asks for: "
                 "placing the main subject, choosing the light, and keeping the palette coherent. "
                 "I'll refine the details next.")


def log_err(*a):
    print("fake-gemini:", *a, file=sys.stderr, flush=True)


# ====================================================================== state

class ServerState:
    def __init__(self, args):
        self.lock = threading.Lock()
        self.key = args.key
        self.default_scenario = args.scenario
        self.default_params = {}
        self.queue = []
        self.log = []
        self.instant = args.instant
        self.strict = not args.lenient
        self.signature_bytes = args.signature_bytes
        self.secret = args.secret.encode()
        self.log_path = args.log
        self.quiet = args.quiet
        self.counter = 0
        self.active = 0           # API requests being answered
        self.started = time.time()
        self.stopping = threading.Event()
        self.clock_offset = 0.0   # simulated time ahead of the real clock (file expiry)
        self.files = {}           # id -> StoredFile
        self.uploads = {}         # upload id -> pending upload session
        self.batches = {}         # id -> Batch

    def now(self):
        return time.time() + self.clock_offset

    def next_scenario(self):
        with self.lock:
            self.counter += 1
            if self.queue:
                name, params = self.queue.pop(0)
                return name, dict(params), self.counter
            return self.default_scenario, dict(self.default_params), self.counter

    def peek_params(self):
        """The params the next request will be served with."""
        with self.lock:
            return dict(self.queue[0][1] if self.queue else self.default_params)

    def add_log(self, entry):
        with self.lock:
            self.log.append(entry)
            if self.log_path:
                try:
                    with open(self.log_path, "a", encoding="utf-8") as f:
                        f.write(json.dumps(entry) + "\n")
                except OSError as e:
                    log_err("cannot write the log:", e)


STATE = None


# ====================================================================== caches

class Cache:
    """LRU of encoded images by key, bounded in bytes; one builder per key."""

    def __init__(self, limit=768 << 20):
        self.lock = threading.Lock()
        self.items = {}
        self.order = []
        self.size = 0
        self.limit = limit
        self.building = {}

    def get(self, key, build):
        with self.lock:
            if key in self.items:
                self.order.remove(key)
                self.order.append(key)
                return self.items[key]
            ev = self.building.get(key)
            if ev is None:
                ev = self.building[key] = threading.Event()
                mine = True
            else:
                mine = False
        if not mine:
            ev.wait()
            with self.lock:
                if key in self.items:
                    return self.items[key]
            return build()
        try:
            value = build()
        finally:
            with self.lock:
                self.building.pop(key, None)
        with self.lock:
            n = len(value[0])
            if n <= self.limit:
                self.items[key] = value
                self.order.append(key)
                self.size += n
                while self.size > self.limit and self.order:
                    old = self.order.pop(0)
                    self.size -= len(self.items.pop(old)[0])
        ev.set()
        return value


IMAGE_CACHE = Cache()
_bomb = None
_bomb_lock = threading.Lock()


def gzip_bomb():
    """A gzip stream inflating to 2 GiB + 1 MiB of zeros, built once: one
    deflate segment of 64 MiB zeros ended by a full flush repeats as is."""
    global _bomb
    with _bomb_lock:
        cache = os.path.join(tempfile.gettempdir(), "gg-fake-gzip-bomb-v1-%d.gz" % os.getuid())
        if _bomb is None:
            try:
                with open(cache, "rb") as f:
                    data = f.read()
                if data[:3] == b"\x1f\x8b\x08" and data[-4:] == struct.pack("<I", ((32 << 26) + (1 << 20)) & 0xFFFFFFFF):
                    _bomb = data
            except OSError:
                pass
        if _bomb is None:
            chunk = b"\0" * (64 << 20)
            reps = 32
            co = zlib.compressobj(9, zlib.DEFLATED, -15)
            seg = co.compress(chunk) + co.flush(zlib.Z_FULL_FLUSH)
            tail_data = b"\0" * (1 << 20)
            tail = co.compress(tail_data) + co.flush(zlib.Z_FINISH)
            crc = 0
            for _ in range(reps):
                crc = zlib.crc32(chunk, crc)
            crc = zlib.crc32(tail_data, crc)
            total = reps * len(chunk) + len(tail_data)
            header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
            _bomb = header + seg * reps + tail + struct.pack("<II", crc & 0xFFFFFFFF, total & 0xFFFFFFFF)
            try:    # shared by later servers: building it costs about a second
                tmp = "%s.%d.tmp" % (cache, os.getpid())
                with open(tmp, "wb") as f:
                    f.write(_bomb)
                os.replace(tmp, cache)
            except OSError:
                pass
    return _bomb


# ====================================================================== helpers

def snake(name):
    return re.sub(r"([A-Z])", lambda m: "_" + m.group(1).lower(), name)


def g(d, name, default=None):
    """Field of a proto3 JSON object, camelCase or snake_case."""
    if not isinstance(d, dict):
        return default
    if name in d:
        return d[name]
    s = snake(name)
    if s in d:
        return d[s]
    return default


class ApiError(Exception):
    def __init__(self, code, status, message, details=None):
        super().__init__(message)
        self.code, self.status, self.message, self.details = code, status, message, details


def bad(message, details=None):
    return ApiError(400, "INVALID_ARGUMENT", message, details)


def error_body(code, status, message, details=None):
    err = {"code": code, "message": message, "status": status}
    if details:
        err["details"] = details
    return {"error": err}


def b64decode_strict(text):
    """Google's decoder takes the standard and the URL-safe alphabets,
    padding optional; anything else fails."""
    if not isinstance(text, str) or not re.fullmatch(r"[A-Za-z0-9+/_-]*={0,2}", text):
        raise ValueError("not base64")
    t = text.rstrip("=").replace("-", "+").replace("_", "/")
    if len(t) % 4 == 1:
        raise ValueError("bad length")
    t += "=" * (-len(t) % 4)
    return base64.b64decode(t, validate=True)


def ratio_value(r):
    a, b = r.split(":")
    return int(a) / int(b)


def nearest_ratio(model, size, w, h):
    dims = model["dimensions"][size]
    target = math.log(w / h)
    return min(dims, key=lambda r: abs(math.log(ratio_value(r)) - target))


def response_id(seed):
    return base64.urlsafe_b64encode(hashlib.sha256(seed).digest()[:17]).decode().rstrip("=")[:23]


def param_bool(p, name, default=False):
    v = p.get(name, default)
    if isinstance(v, str):
        return v.lower() in ("1", "true", "yes", "on")
    return bool(v)


def param_num(p, name, default):
    try:
        v = p.get(name, default)
        return float(v) if not isinstance(v, (int, float)) else v
    except (TypeError, ValueError):
        return default


# ====================================================================== signatures

def sig_content(part):
    """What a signature is bound to: the image bytes or the text."""
    inline = g(part, "inlineData")
    if isinstance(inline, dict):
        try:
            raw = b64decode_strict(g(inline, "data", ""))
        except ValueError:
            raw = str(g(inline, "data", "")).encode()
        return b"img:" + hashlib.sha256(raw).digest()
    return b"txt:" + hashlib.sha256(str(part.get("text", "")).encode()).digest()


# Real gemini-3 signatures are 0.9-2.9 MB of base64 on every final part
# (the documentation; the recordings hold 0.95 to 2.9 MB).  The fake's are as
# large: an HMAC of the part's content (what verification checks) followed
# by opaque filler cut from one shared block.
SIG_MIN, SIG_MAX = 900000, 2900000
_SIG_FILL = None
_SIG_FILL_LOCK = threading.Lock()


def sig_fill():
    global _SIG_FILL
    with _SIG_FILL_LOCK:
        if _SIG_FILL is None:
            import random
            _SIG_FILL = random.Random(20261207).randbytes(SIG_MAX * 3 // 4 + 512)
    return _SIG_FILL


def signature_pad(params):
    """Filler bytes per signature: the param signature_bytes, else
    --signature-bytes, else None (a realistic size)."""
    v = params.get("signature_bytes") if params else None
    if v is None:
        v = STATE.signature_bytes
    return None if v is None else max(0, int(v))


def make_signature(content, pad_bytes=None):
    """Base64 text of a signature bound to content.  pad_bytes None: a size
    between 0.9 and 2.9 MB of base64, fixed by the content."""
    mac = hmac.new(STATE.secret, content, hashlib.sha256).digest()
    if pad_bytes is None:
        b64_len = SIG_MIN + int.from_bytes(mac[:4], "big") % (SIG_MAX - SIG_MIN)
        pad_bytes = b64_len * 3 // 4 - 38
    if pad_bytes <= 300:
        pad = b""
        block = mac
        while len(pad) < pad_bytes:
            block = hashlib.sha256(block + b"pad").digest()
            pad += block
        pad = pad[:pad_bytes]
    else:
        start = mac[4]
        pad = sig_fill()[start:start + pad_bytes]
    raw = b"\x0a\x20" + mac + b"\x12" + varint(len(pad)) + pad
    return base64.b64encode(raw).decode()


def varint(n):
    out = b""
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out += bytes([0x80 | b])
        else:
            return out + bytes([b])


def verify_signature(sig, content):
    if sig in SIG_BYPASS:
        return True
    try:
        raw = b64decode_strict(sig)
    except (ValueError, binascii.Error):
        return False
    if len(raw) < 34 or raw[:2] != b"\x0a\x20":
        return False
    mac = hmac.new(STATE.secret, content, hashlib.sha256).digest()
    return hmac.compare_digest(raw[2:34], mac)


def check_signatures(contents, model):
    """400s for model turns whose signatures are missing or forged.
    Positions are 1-based: content N of contents[], part M of its parts[]."""
    for ci, content in enumerate(contents):
        if g(content, "role") != "model":
            continue
        parts = g(content, "parts") or []
        seen_image = False
        first_text_done = False
        for pi, part in enumerate(parts):
            if not isinstance(part, dict):
                continue
            sig = g(part, "thoughtSignature")
            if sig is not None and not part.get("thought"):
                if not verify_signature(sig, sig_content(part)):
                    raise bad("Thought signature is not valid.")
            if not model.get("thinking") or part.get("thought"):
                continue
            is_image = isinstance(g(part, "inlineData"), dict)
            what = None
            if is_image:
                seen_image = True
                if sig is None:
                    what = "Image"
            elif "text" in part and not first_text_done:
                first_text_done = True
                if not seen_image and sig is None and any(isinstance(g(p, "inlineData"), dict)
                                                          for p in parts[pi + 1:] if isinstance(p, dict)):
                    what = "Text"
            if what:
                raise bad("%s part is missing a thought_signature in content position %d, part position %d. "
                          "Please refer to %s for more details." % (what, ci + 1, pi + 1, SIG_DOC))


# ====================================================================== validation

KNOWN_FIELDS = {
    # "store" (2026-10-26): whether the service may keep the request.
    "": {"contents", "tools", "toolConfig", "safetySettings", "systemInstruction", "generationConfig",
         "cachedContent", "model", "labels", "store"},
    "generation_config": {"stopSequences", "responseMimeType", "responseSchema", "responseJsonSchema",
                          "responseModalities", "candidateCount", "maxOutputTokens", "temperature", "topP",
                          "topK", "seed", "presencePenalty", "frequencyPenalty", "responseLogprobs",
                          "logprobs", "enableEnhancedCivicAnswers", "speechConfig", "thinkingConfig",
                          "imageConfig", "mediaResolution"},
    "generation_config.image_config": {"aspectRatio", "imageSize", "personGeneration", "imageOutputOptions"},
    "generation_config.thinking_config": {"includeThoughts", "thinkingBudget", "thinkingLevel"},
}
MODALITIES = {"MODALITY_UNSPECIFIED", "TEXT", "IMAGE", "AUDIO"}
CATEGORIES = ["HARM_CATEGORY_HARASSMENT", "HARM_CATEGORY_HATE_SPEECH", "HARM_CATEGORY_SEXUALLY_EXPLICIT",
              "HARM_CATEGORY_DANGEROUS_CONTENT", "HARM_CATEGORY_CIVIC_INTEGRITY"]
THRESHOLDS = {"HARM_BLOCK_THRESHOLD_UNSPECIFIED", "BLOCK_LOW_AND_ABOVE", "BLOCK_MEDIUM_AND_ABOVE",
              "BLOCK_ONLY_HIGH", "BLOCK_NONE", "OFF"}


def strict_check(obj, where):
    known = KNOWN_FIELDS.get(where)
    if known is None or not isinstance(obj, dict):
        return
    allowed = known | {snake(k) for k in known}
    for k in obj:
        if k not in allowed:
            at = " at '%s'" % where if where else ""
            msg = 'Invalid JSON payload received. Unknown name "%s"%s: Cannot find field.' % (k, at)
            raise bad(msg, [{"@type": "type.googleapis.com/google.rpc.BadRequest",
                             "fieldViolations": [{"field": where, "description": msg}]}])


class Request:
    """A validated generateContent request, reduced to what answers need."""

    def __init__(self, body, model, model_name, strict):
        self.model = model
        self.model_name = model_name
        if strict:
            strict_check(body, "")
        store = g(body, "store")
        if store is not None and not isinstance(store, bool):
            raise bad("Invalid value at 'store' (TYPE_BOOL), %s" % json.dumps(store))
        self.store = store
        contents = g(body, "contents")
        if contents is None or contents == []:
            raise bad("* GenerateContentRequest.contents: contents is not specified\n")
        if not isinstance(contents, list):
            raise bad('Invalid JSON payload received. Expected an array for "contents".')
        self.contents = contents
        self.images = []          # (role, ci, pi, bytes, fmt)
        self.texts = []
        self.user_image_count = 0
        for ci, content in enumerate(contents):
            if not isinstance(content, dict):
                raise bad("Invalid value at 'contents[%d]' (type.googleapis.com/google.ai.generativelanguage."
                          "v1beta.Content), %s" % (ci, json.dumps(content)))
            role = g(content, "role", "user") or "user"
            if role not in ("user", "model"):
                raise bad("Please use a valid role: user, model.")
            parts = g(content, "parts")
            if not parts:
                raise bad("* GenerateContentRequest.contents[%d].parts: contents.parts must not be empty.\n" % ci)
            if not isinstance(parts, list):
                raise bad('Invalid JSON payload received. Expected an array for "contents[%d].parts".' % ci)
            for pi, part in enumerate(parts):
                self._part(role, ci, pi, part)
        si = g(body, "systemInstruction")
        if isinstance(si, dict):
            for p in g(si, "parts") or []:
                if isinstance(p, dict) and isinstance(p.get("text"), str):
                    self.texts.append(("system", p["text"]))

        gc = g(body, "generationConfig") or {}
        if not isinstance(gc, dict):
            raise bad("Invalid value at 'generation_config' (type.googleapis.com/google.ai.generativelanguage."
                      "v1beta.GenerationConfig), %s" % json.dumps(gc))
        if strict:
            strict_check(gc, "generation_config")
        mods = g(gc, "responseModalities") or []
        self.modalities = set()
        for i, m in enumerate(mods if isinstance(mods, list) else [mods]):
            if not isinstance(m, str) or m.upper() not in MODALITIES:
                raise bad("Invalid value at 'generation_config.response_modalities[%d]' (type.googleapis.com/"
                          "google.ai.generativelanguage.v1beta.GenerationConfig.Modality), %s" % (i, json.dumps(m)))
            self.modalities.add(m.upper())
        if not self.modalities:
            self.modalities = {"TEXT", "IMAGE"}
        cc = g(gc, "candidateCount")
        if cc is not None:
            try:
                cc = int(cc)
            except (TypeError, ValueError):
                raise bad("Invalid value at 'generation_config.candidate_count' (TYPE_INT32), %s" % json.dumps(cc))
            if cc > 1:
                raise bad("Multiple candidates is not enabled for models/%s" % model["name"])
        self.seed = g(gc, "seed")
        ic = g(gc, "imageConfig") or {}
        if strict:
            strict_check(ic, "generation_config.image_config")
        tc = g(gc, "thinkingConfig") or {}
        if strict:
            strict_check(tc, "generation_config.thinking_config")
        self.include_thoughts = bool(g(tc, "includeThoughts", False))
        level = g(tc, "thinkingLevel")
        self.thinking_level = level
        if level is not None:
            if level not in mt.LEVELS:
                raise bad("Invalid value at 'generation_config.thinking_config.thinking_level' (type.googleapis."
                          "com/google.ai.generativelanguage.v1beta.ThinkingConfig.ThinkingLevel), %s"
                          % json.dumps(level))
            if g(tc, "thinkingBudget") is not None:
                raise bad("You can only set only one of thinking budget and thinking level.")
            if level not in model["levels"]:
                raise bad("Thinking level %s is not supported for this model. Please retry with other "
                          "thinking level." % level)
        size = g(ic, "imageSize")
        if size is not None:
            if not model["sizes"]:
                raise bad("Image size is not supported for models/%s. Remove image_size from image_config."
                          % model["name"])
            if size not in model["sizes"]:
                raise bad("Unsupported image size: %s. Supported image sizes are: %s."
                          % (size, ", ".join(model["sizes"])))
        self.size_asked = size
        self.size = size or model["default_size"]
        ratios = model["dimensions"][self.size]
        ratio = g(ic, "aspectRatio")
        if ratio is not None and ratio not in ratios:
            raise bad("Unsupported aspect ratio: %s. Supported aspect ratios are: %s."
                      % (ratio, ", ".join(ratios)))
        self.ratio_asked = ratio

        tools = g(body, "tools") or []
        self.search = False
        for t in tools if isinstance(tools, list) else []:
            if isinstance(t, dict) and (g(t, "googleSearch") is not None or g(t, "googleSearchRetrieval") is not None):
                self.search = True
        if self.search and not model.get("thinking"):
            raise bad("Search as a tool is not enabled for models/%s" % model["name"])
        for i, s in enumerate(g(body, "safetySettings") or []):
            cat, thr = g(s, "category"), g(s, "threshold")
            if thr is not None and thr not in THRESHOLDS:
                raise bad("Invalid value at 'safety_settings[%d].threshold' (type.googleapis.com/google.ai."
                          "generativelanguage.v1beta.HarmBlockThreshold), %s" % (i, json.dumps(thr)))
            if cat not in CATEGORIES:
                raise bad("* GenerateContentRequest.safety_settings[%d]: element predicate failed: $.category in "
                          "(%s)\n" % (i, ", ".join("HarmCategory." + c for c in CATEGORIES)))

        if self.user_image_count > model["max_input_images"]:
            raise bad("Too many images in the request: %d. The maximum number of input images for models/%s is %d."
                      % (self.user_image_count, model["name"], model["max_input_images"]))
        check_signatures(contents, model)

        # The picture to edit: first image of the last user turn, else the
        # last image a model turn returned (a refinement), else none.
        self.source = None
        last_user = max((ci for ci, c in enumerate(contents) if (g(c, "role", "user") or "user") == "user"),
                        default=None)
        for role, ci, pi, raw, fmt in self.images:
            if role == "user" and ci == last_user:
                self.source = (raw, fmt)
                break
        if self.source is None:
            for role, ci, pi, raw, fmt in reversed(self.images):
                if role == "model":
                    self.source = (raw, fmt)
                    break
        if self.source is None and self.images:
            self.source = self.images[0][3:5]

        self.prompt = "\n".join(t for r, t in self.texts if r == "user").strip()
        last_texts = [t for r, t in self.texts if r == "user"]
        self.last_prompt = last_texts[-1] if last_texts else ""

    def _part(self, role, ci, pi, part):
        where = "contents[%d].parts[%d]" % (ci, pi)
        if not isinstance(part, dict):
            raise bad("Invalid value at '%s' (type.googleapis.com/google.ai.generativelanguage.v1beta.Part), %s"
                      % (where, json.dumps(part)[:100]))
        data_fields = [k for k in ("text", "inlineData", "fileData", "functionCall", "functionResponse",
                                   "executableCode", "codeExecutionResult") if g(part, k) is not None]
        if not data_fields:
            raise bad("* GenerateContentRequest.%s.data: required oneof field 'data' must have one initialized "
                      "field\n" % where)
        if len(data_fields) > 1:
            raise bad("Invalid JSON payload received. Oneof field 'data' is already set. Cannot set '%s'"
                      % data_fields[1])
        kind = data_fields[0]
        if kind == "text":
            if not isinstance(part.get("text", g(part, "text")), str):
                raise bad("Invalid value at '%s.text' (TYPE_STRING), %s" % (where, json.dumps(g(part, "text"))))
            if not part.get("thought"):
                self.texts.append((role, g(part, "text")))
        elif kind == "inlineData":
            inline = g(part, "inlineData")
            if not isinstance(inline, dict):
                raise bad("Invalid value at '%s.inline_data' (type.googleapis.com/google.ai.generativelanguage."
                          "v1beta.Blob), %s" % (where, json.dumps(inline)[:100]))
            mime = g(inline, "mimeType")
            data = g(inline, "data")
            if not mime:
                raise bad("* GenerateContentRequest.%s.inline_data.mime_type: mime_type must be specified\n" % where)
            if mime not in INPUT_MIME:
                raise bad("Unsupported MIME type: %s" % mime)
            try:
                raw = b64decode_strict(data)
            except (ValueError, binascii.Error):
                excerpt = str(data)[:40]
                raise bad('Invalid value at \'%s.inline_data.data\' (TYPE_BYTES), Base64 decoding failed for "%s"'
                          % (where, excerpt))
            fmt = fi.sniff(raw)
            if fmt != MIME_FORMAT[mime]:
                raise bad("Unable to process input image. Please retry or report in %s" % TROUBLESHOOT)
            if not part.get("thought"):
                self.images.append((role, ci, pi, raw, fmt))
                if role == "user":
                    self.user_image_count += 1
        elif kind == "fileData":
            fd = g(part, "fileData")
            uri = g(fd, "fileUri", "") if isinstance(fd, dict) else ""
            raw, mime = resolve_file_data(uri, g(fd, "mimeType") if isinstance(fd, dict) else None)
            fmt = fi.sniff(raw)
            if mime not in INPUT_MIME or fmt != MIME_FORMAT[mime]:
                raise bad("Unable to process input image. Please retry or report in %s" % TROUBLESHOOT)
            if not part.get("thought"):
                self.images.append((role, ci, pi, raw, fmt))
                if role == "user":
                    self.user_image_count += 1

    # --------------------------------------------------------------- answers

    def target(self, force_4k=False):
        """(width, height, ratio) of the answer."""
        if getattr(self, "force_dims", None):
            return self.force_dims[0], self.force_dims[1], "1:1"
        model = self.model
        size = self.size
        if force_4k:
            model = mt.MODELS["gemini-3-pro-image"]
            size = "4K"
        dims = model["dimensions"][size]
        ratio = self.ratio_asked
        if ratio is None or ratio not in dims:
            ratio = "1:1"
            if self.source is not None:
                w, h = fi.dimensions(self.source[0], self.source[1])
                if not w:
                    img = fi.decode(self.source[0])
                    w, h = img.size if img else (None, None)
                if w and h:
                    ratio = nearest_ratio(model, size, w, h)
        w, h = dims[ratio]
        return w, h, ratio

    def prompt_tokens(self):
        text_tokens = sum((len(t) + 3) // 4 for _, t in self.texts) or 1
        per_image = 1120 if self.model.get("thinking") else 258
        image_tokens = per_image * len(self.images)
        details = [{"modality": "TEXT", "tokenCount": text_tokens}]
        if image_tokens:
            details.append({"modality": "IMAGE", "tokenCount": image_tokens})
        return text_tokens + image_tokens, details


# ====================================================================== images for answers

def image_b64(req, params, fmt="png", index=0, force_4k=False, half=False, variant=""):
    """Cached (base64 bytes, raw length) of the picture answering req."""
    w, h, _ = req.target(force_4k)
    if half:
        w, h = max(1, w // 2), max(1, h // 2)
    noise = param_bool(params, "noise", True)
    vary = param_bool(params, "vary", False)
    seed_extra = "%s|%s|%s" % (req.seed, variant, params.get("_counter") if vary else "")
    if req.source is not None and not half and param_bool(params, "edit", True):
        raw, src_fmt = req.source
        dx = int(param_num(params, "dx", 3)) + 7 * index
        dy = int(param_num(params, "dy", -2)) - 5 * index
        scale = float(param_num(params, "scale", 1.0))
        tint = params.get("tint", [6, -4, 2]) or [0, 0, 0]
        mark = params.get("mark", [255, 0, 255])
        if mark is True:
            mark = [255, 0, 255]
        gain = params.get("gain")
        if not (isinstance(gain, list) and len(gain) == 3
                and all(isinstance(v, (int, float)) for v in gain)):
            gain = None
        key = ("edit", hashlib.sha256(raw).hexdigest(), w, h, fmt, dx, dy, scale, tuple(tint),
               tuple(mark) if mark else None, tuple(gain) if gain else None,
               seed_extra, req.last_prompt if vary else "")

        def build():
            src = fi.decode(raw)
            if src is None:    # HEIC and friends: Pillow cannot read them here
                src = fi.draw_generated(w, h, b"undecodable|" + raw[:64], "", noise)
            img = fi.edit(src, w, h, dx, dy, scale, tint, mark, gain)
            data = fi.encode(img, fmt)
            return fi.b64(data), len(data)
        return IMAGE_CACHE.get(key, build)
    words = " ".join(req.last_prompt.split()[:4])[:40]
    seed = ("%s|%d|%s" % (req.prompt, index, seed_extra)).encode()
    key = ("gen", hashlib.sha256(seed).hexdigest(), w, h, fmt, noise, words)

    def build():
        img = fi.draw_generated(w, h, seed, words, noise)
        data = fi.encode(img, fmt)
        return fi.b64(data), len(data)
    return IMAGE_CACHE.get(key, build)


class Answer:
    """A response: a JSON object whose image data are placeholders, so that
    multi-MB base64 never goes through json.dumps."""

    def __init__(self):
        self.images = []

    def blob(self, b64data):
        """A placeholder standing for b64data (bytes) in the rendered text."""
        ph = "@@GG_IMAGE_%d@@" % len(self.images)
        self.images.append(b64data)
        return ph

    def image_part(self, mime, b64data, thought=False):
        part = {"inlineData": {"mimeType": mime, "data": self.blob(b64data)}}
        if thought:
            part["thought"] = True
        return part

    def render(self, obj, indent=2):
        text = json.dumps(obj, indent=indent, ensure_ascii=False).encode()
        if not self.images:
            return text
        return re.sub(rb"@@GG_IMAGE_(\d+)@@", lambda m: self.images[int(m.group(1))], text)


def part_image_b64(answer, part):
    ph = part["inlineData"]["data"]
    return answer.images[int(ph[len("@@GG_IMAGE_"):-2])]


def sign_answer_parts(answer, parts, model, pad):
    """The gemini-3 family signs every final (non-thought) part, text and
    image, as the recordings show; parts whose image data are placeholders."""
    if not model.get("thinking"):
        return
    for part in parts:
        if part.get("thought") or "thoughtSignature" in part:
            continue
        if "inlineData" in part:
            b64data = part_image_b64(answer, part)
            try:
                raw = base64.b64decode(b64data, validate=True)
            except (ValueError, binascii.Error):
                raw = b64data
            content = b"img:" + hashlib.sha256(raw).digest()
        elif "text" in part:
            content = sig_content(part)
        else:
            continue
        part["thoughtSignature"] = answer.blob(make_signature(content, pad).encode())


def grounding_metadata(req):
    q = (req.last_prompt or "image").split("\n")[0][:60]
    return {
        "searchEntryPoint": {"renderedContent": (
            '<style>\n.container {\n  align-items: center;\n  border-radius: 8px;\n  display: flex;\n'
            '  font-family: Google Sans, Roboto, sans-serif;\n}\n.chip {\n  border: solid 1px #dadce0;\n'
            '  border-radius: 16px;\n  padding: 5px 16px;\n}\n</style>\n<div class="container">\n'
            '  <div class="headline">\n    <svg class="logo-light" width="18" height="18" viewBox="9 9 35 35" '
            'fill="none" xmlns="http://www.w3.org/2000/svg"></svg>\n  </div>\n'
            '  <div class="carousel">\n    <a class="chip" href="https://www.google.com/search?q=%s">%s</a>\n'
            '  </div>\n</div>\n' % (urllib.parse.quote_plus(q), q.replace("<", "&lt;").replace("&", "&amp;")))},
        "groundingChunks": [
            {"web": {"uri": "https://vertexaisearch.cloud.google.com/grounding-api-redirect/AUZIYQFake1",
                     "title": "example.com"}},
            {"web": {"uri": "https://vertexaisearch.cloud.google.com/grounding-api-redirect/AUZIYQFake2",
                     "title": "wikipedia.org"}},
        ],
        "groundingSupports": [{"segment": {"startIndex": 0, "endIndex": 19, "text": "Here is your image."},
                               "groundingChunkIndices": [0, 1]}],
        "webSearchQueries": [q, q + " reference photo"],
    }


def build_content_answer(req, scenario, params):
    """The JSON object (with placeholders) of a 200 content answer."""
    model = req.model
    ans = Answer()
    thinking = bool(model.get("thinking"))
    want_image = "IMAGE" in req.modalities
    want_text = "TEXT" in req.modalities
    pad = signature_pad(params)
    parts = []
    candidate = {"content": {"parts": parts, "role": "model"}, "finishReason": "STOP", "index": 0}
    out = {"candidates": [candidate]}
    image_tokens = 0
    text_out = 0
    thoughts_tokens = 0
    per_image = model["image_tokens"].get("4K" if scenario == "big_4k" else req.size, 1290)
    hseed = int(hashlib.sha256(req.prompt.encode()).hexdigest()[:8], 16)
    if thinking:
        thoughts_tokens = 150 + hseed % 250

    # The gemini-3 family answers JPEG with C2PA metadata, 2.5 Flash PNG.
    fmt, mime = ("jpeg_c2pa", "image/jpeg") if model.get("answers_jpeg") else ("png", "image/png")
    forced = params.get("format")
    if forced in ("png", "jpeg", "webp"):
        fmt, mime = forced, "image/" + forced
    if scenario == "jpeg":
        fmt, mime = ("jpeg_c2pa" if model.get("answers_jpeg") else "jpeg"), "image/jpeg"
    elif scenario == "jpeg_as_png":
        fmt, mime = "jpeg", "image/png"
    elif scenario == "webp":
        fmt, mime = "webp", "image/webp"

    if scenario == "text_only" or (req.search and req.modalities == {"IMAGE"}) or not want_image:
        text = params.get("text") or ("I can't create the image with the options given; here is a description "
                                      "instead: %s" % (req.last_prompt[:200] or "an image"))
        if scenario == "text_only" and params.get("text"):
            text = params["text"]
        parts.append({"text": text})
        text_out = (len(text) + 3) // 4
        if req.search:
            candidate["groundingMetadata"] = grounding_metadata(req)
    elif scenario == "image_prohibited":
        # As recorded (captured__vertex__gemini-3.1-flash-image__finish-IMAGE_PROHIBITED_CONTENT.json):
        # content holds only the role, no index, usage without candidates.
        code = 10000000 + hseed % 89999999
        candidate = {"content": {"role": "model"},
                     "finishMessage": "Unable to show the generated image. The image was filtered out because it "
                                      "violated Google's Responsible AI practices. Try rephrasing the prompt. If you "
                                      "think this was an error, send feedback. Support code: %d." % code,
                     "finishReason": "IMAGE_PROHIBITED_CONTENT"}
        out = {"candidates": [candidate]}
        thoughts_tokens = 0
    elif scenario in ("no_image", "safety", "prohibited"):
        # NO_IMAGE as recorded (vercel-ai ..._finish-NO_IMAGE.json): content {}, no finishMessage.
        candidate["content"] = {}
        candidate["finishReason"] = {"no_image": "NO_IMAGE", "safety": "IMAGE_SAFETY",
                                     "prohibited": "PROHIBITED_CONTENT"}[scenario]
        message = {
            "no_image": params.get("finish_message"),
            "safety": "Unable to show the generated image. The image was filtered out because it violated "
                      "Google's Generative AI Prohibited Use policy. You will not be charged for blocked images. "
                      "Try rephrasing the prompt.",
            "prohibited": "The request was blocked because it may contain prohibited content.",
        }[scenario]
        if message:
            candidate["finishMessage"] = message
        if scenario == "safety":
            candidate["safetyRatings"] = [
                {"category": "HARM_CATEGORY_SEXUALLY_EXPLICIT", "probability": "NEGLIGIBLE"},
                {"category": "HARM_CATEGORY_HATE_SPEECH", "probability": "NEGLIGIBLE"},
                {"category": "HARM_CATEGORY_HARASSMENT", "probability": "NEGLIGIBLE"},
                {"category": "HARM_CATEGORY_DANGEROUS_CONTENT", "probability": "MEDIUM", "blocked": True}]
        thoughts_tokens = 0
    elif scenario == "blocked":
        # No candidates key at all.  SAFETY comes with ratings (older
        # recordings); PROHIBITED_CONTENT and the rest without (2026 ones).
        reason = params.get("reason", "SAFETY")
        out = {"promptFeedback": {"blockReason": reason}}
        if reason == "SAFETY":
            out["promptFeedback"]["safetyRatings"] = [
                {"category": "HARM_CATEGORY_SEXUALLY_EXPLICIT", "probability": "NEGLIGIBLE"},
                {"category": "HARM_CATEGORY_HATE_SPEECH", "probability": "NEGLIGIBLE"},
                {"category": "HARM_CATEGORY_HARASSMENT", "probability": "LOW"},
                {"category": "HARM_CATEGORY_DANGEROUS_CONTENT", "probability": "HIGH", "blocked": True}]
        thoughts_tokens = 0
    elif scenario in ("many_images", "huge_dims", "corrupt_png", "corrupt_jpeg", "invalid_base64"):
        if scenario == "many_images":
            count = int(param_num(params, "count", 200))
            for i in range(count):
                def build(i=i):
                    img = fi.draw_generated(64, 64, b"many|%d" % i, "", False)
                    data = fi.encode(img, "png")
                    return fi.b64(data), len(data)
                b64data, _ = IMAGE_CACHE.get(("many", i), build)
                parts.append(ans.image_part("image/png", b64data))
            image_tokens = per_image * count
        else:
            data, mime2 = {"huge_dims": (fi.png_huge_dims(), "image/png"),
                           "corrupt_png": (fi.png_corrupt(), "image/png"),
                           "corrupt_jpeg": (fi.jpeg_corrupt(), "image/jpeg"),
                           "invalid_base64": (None, "image/png")}[scenario]
            if want_text:
                parts.append({"text": "Here is your image."})
            b64data = fi.b64(data) if data is not None else b"!!not*base64 at all###%%%"
            parts.append(ans.image_part(mime2, b64data))
            image_tokens = per_image
            if thinking:  # sign over the placeholder text: still opaque
                for p in parts:
                    p["thoughtSignature"] = ans.blob(make_signature(b"broken|" + scenario.encode(), pad).encode())
    else:
        # ok, jpeg, jpeg_as_png, webp, thoughts, multi_image, grounding, big_4k, chunked,
        # and the transport scenarios that carry an ok body.
        force_4k = scenario == "big_4k"
        show_thoughts = scenario == "thoughts" and (thinking or req.include_thoughts)
        if show_thoughts or (thinking and req.include_thoughts):
            parts.append({"text": THINKING_TEXT, "thought": True})
        if show_thoughts:
            for k in range(2):
                b64data, _ = image_b64(req, params, "png", index=k, half=True, variant="thought%d" % k)
                parts.append(ans.image_part("image/png", b64data, thought=True))
        count = int(param_num(params, "count", 3)) if scenario == "multi_image" else 1
        for i in range(count):
            if want_text:
                if count > 1:
                    t = "Image %d of %d:" % (i + 1, count)
                else:
                    t = "Here is your image."
                parts.append({"text": t})
                text_out += (len(t) + 3) // 4
            b64data, _ = image_b64(req, params, fmt, index=i, force_4k=force_4k)
            parts.append(ans.image_part(mime, b64data))
            image_tokens += per_image
        if scenario == "grounding" or req.search:
            candidate["groundingMetadata"] = grounding_metadata(req)
    if out.get("candidates"):
        sign_answer_parts(ans, parts, model, pad)

    ptok, pdetails = req.prompt_tokens()
    usage = {"promptTokenCount": ptok}
    cand_tokens = image_tokens + text_out
    if cand_tokens:
        usage["candidatesTokenCount"] = cand_tokens
    usage["totalTokenCount"] = ptok + cand_tokens + thoughts_tokens
    usage["promptTokensDetails"] = pdetails
    details = []
    if image_tokens:
        details.append({"modality": "IMAGE", "tokenCount": image_tokens})
    if text_out:
        details.append({"modality": "TEXT", "tokenCount": text_out})
    if details:
        usage["candidatesTokensDetails"] = details
    if thoughts_tokens:
        usage["thoughtsTokenCount"] = thoughts_tokens
    usage["serviceTier"] = "standard"
    out["usageMetadata"] = usage
    out["modelVersion"] = req.model_name
    out["responseId"] = response_id(b"%d|%s" % (params.get("_counter", 0), req.prompt.encode()))
    return out, ans


# ====================================================================== canned bodies

def api_error_for(scenario, model_name, params):
    """(code, body dict) of an error scenario."""
    help_links = {"@type": "type.googleapis.com/google.rpc.Help", "links": [
        {"description": "Learn more about Gemini API quotas", "url": "https://ai.google.dev/gemini-api/docs/rate-limits"}]}
    if scenario == "error_400":
        return 400, error_body(400, "INVALID_ARGUMENT", "Request contains an invalid argument.")
    if scenario == "error_400_billing":
        return 400, error_body(400, "FAILED_PRECONDITION",
                               "User location is not supported for the API use without a billing account linked.")
    if scenario == "error_402":
        return 402, error_body(402, "RESOURCE_EXHAUSTED",
                               "Your prepayment credits are depleted. Please go to AI Studio at "
                               "https://ai.studio/projects to manage your project and billing.",
                               [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "BILLING_DISABLED",
                                 "domain": "googleapis.com",
                                 "metadata": {"service": "generativelanguage.googleapis.com",
                                              "consumer": "projects/123456789012"}}])
    if scenario == "error_403":
        return 403, error_body(403, "PERMISSION_DENIED",
                               "Generative Language API has not been used in project 123456789012 before or it is "
                               "disabled. Enable it by visiting https://console.developers.google.com/apis/api/"
                               "generativelanguage.googleapis.com/overview?project=123456789012 then retry. If you "
                               "enabled this API recently, wait a few minutes for the action to propagate to our "
                               "systems and retry.",
                               [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "SERVICE_DISABLED",
                                 "domain": "googleapis.com",
                                 "metadata": {"service": "generativelanguage.googleapis.com",
                                              "consumer": "projects/123456789012",
                                              "serviceTitle": "Generative Language API",
                                              "activationUrl": "https://console.developers.google.com/apis/api/"
                                              "generativelanguage.googleapis.com/overview?project=123456789012"}},
                                {"@type": "type.googleapis.com/google.rpc.LocalizedMessage", "locale": "en-US",
                                 "message": "Generative Language API has not been used in project 123456789012 "
                                            "before or it is disabled."},
                                {"@type": "type.googleapis.com/google.rpc.Help", "links": [
                                    {"description": "Google developers console API activation",
                                     "url": "https://console.developers.google.com/apis/api/generativelanguage."
                                            "googleapis.com/overview?project=123456789012"}]}])
    if scenario == "error_404":
        return 404, error_body(404, "NOT_FOUND", not_found_message(model_name))
    if scenario == "error_429":
        delay = str(params.get("retry_delay", "2s"))
        return 429, error_body(429, "RESOURCE_EXHAUSTED",
                               "You exceeded your current quota, please check your plan and billing details. For "
                               "more information on this error, head to: https://ai.google.dev/gemini-api/docs/"
                               "rate-limits. To monitor your current usage, head to: https://ai.dev/usage?tab=rate-"
                               "limit. \n* Quota exceeded for metric: generativelanguage.googleapis.com/"
                               "generate_content_paid_tier_input_token_count, limit: 1000000, model: %s\n"
                               "Please retry in %s." % (model_name, delay),
                               [help_links,
                                {"@type": "type.googleapis.com/google.rpc.QuotaFailure", "violations": [
                                    {"quotaMetric": "generativelanguage.googleapis.com/"
                                                    "generate_content_paid_tier_input_token_count",
                                     "quotaId": "GenerateContentPaidTierInputTokensPerModelPerMinute",
                                     "quotaDimensions": {"location": "global", "model": model_name},
                                     "quotaValue": "1000000"}]},
                                {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": delay}])
    if scenario == "error_429_zero":
        # The recorded free-tier answer on an image model (logged__gemini-2.5-flash-image__429-...): the
        # 0 is only in the message, the violations carry no quotaValue, RetryInfo says 16s anyway.
        delay = str(params.get("retry_delay", "16s"))
        metric = "generativelanguage.googleapis.com/generate_content_free_tier_"
        violations = [(metric + "requests", "GenerateRequestsPerDayPerProjectPerModel-FreeTier"),
                      (metric + "requests", "GenerateRequestsPerMinutePerProjectPerModel-FreeTier"),
                      (metric + "input_token_count", "GenerateContentInputTokensPerModelPerMinute-FreeTier")]
        lines = "".join("\n* Quota exceeded for metric: %s, limit: 0, model: %s" % (m, model_name)
                        for m, _ in violations)
        vs = []
        for m, q in violations:
            v = {"quotaMetric": m, "quotaId": q, "quotaDimensions": {"location": "global", "model": model_name}}
            if param_bool(params, "quota_value"):     # the other form the docs describe
                v["quotaValue"] = "0"
            vs.append(v)
        return 429, error_body(429, "RESOURCE_EXHAUSTED", QUOTA_INTRO + lines + "\nPlease retry in %s."
                               % fractional(delay, "34553186"),
                               [help_links, {"@type": "type.googleapis.com/google.rpc.QuotaFailure",
                                             "violations": vs},
                                {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": delay}])
    if scenario in ("error_429_minute", "error_429_day"):
        # Per minute: as recorded (logged__gemini-3-flash__429-...RetryInfo58s.json).  Per day: the same
        # shape with the PerDay quotaId; the RetryInfo is there too and waiting does not help.
        minute = scenario == "error_429_minute"
        delay = str(params.get("retry_delay", "58s" if minute else "43s"))
        limit = str(params.get("limit", "10" if minute else "250"))
        metric = "generativelanguage.googleapis.com/generate_content_free_tier_requests"
        qid = ("GenerateRequestsPerMinutePerProjectPerModel-FreeTier" if minute
               else "GenerateRequestsPerDayPerProjectPerModel-FreeTier")
        return 429, error_body(429, "RESOURCE_EXHAUSTED", QUOTA_INTRO
                               + "\n* Quota exceeded for metric: %s, limit: %s, model: %s\nPlease retry in %s."
                               % (metric, limit, model_name, fractional(delay, "217843437")),
                               [help_links,
                                {"@type": "type.googleapis.com/google.rpc.QuotaFailure", "violations": [
                                    {"quotaMetric": metric, "quotaId": qid,
                                     "quotaDimensions": {"model": model_name, "location": "global"},
                                     "quotaValue": limit}]},
                                {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": delay}])
    if scenario == "error_400_thinking":
        return 400, error_body(400, "INVALID_ARGUMENT", "Thinking level %s is not supported for this model. "
                               "Please retry with other thinking level." % params.get("level", "MINIMAL"))
    if scenario == "error_500":
        return 500, error_body(500, "INTERNAL", "An internal error has occurred. Please retry or report in %s"
                               % TROUBLESHOOT)
    if scenario == "error_503":
        if params.get("wording") == "old":
            return 503, error_body(503, "UNAVAILABLE", "The model is overloaded. Please try again later.")
        return 503, error_body(503, "UNAVAILABLE", "This model is currently experiencing high demand. Spikes in "
                               "demand are usually temporary. Please try again later.")
    if scenario == "error_504":
        return 504, error_body(504, "DEADLINE_EXCEEDED", "Deadline expired before operation could complete.")
    raise KeyError(scenario)


def not_found_message(model_name):
    return ("models/%s is not found for API version v1beta, or is not supported for generateContent. Call "
            "ModelService.ListModels to see the list of available models and their supported methods."
            % model_name)


QUOTA_INTRO = ("You exceeded your current quota, please check your plan and billing details. For more "
               "information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits. To "
               "monitor your current usage, head to: https://ai.dev/rate-limit. ")


def fractional(delay, digits):
    """'16s' -> '16.34553186s': the message gives fractions, RetryInfo whole seconds."""
    m = re.fullmatch(r"(\d+)s", delay)
    return "%s.%ss" % (m.group(1), digits) if m else delay


HTML_502 = b"""<!DOCTYPE html>
<html>
<head><title>502 Bad Gateway</title></head>
<body>
<center><h1>502 Bad Gateway</h1></center>
<hr><center>nginx/1.24.0 (corporate-proxy)</center>
</body>
</html>
"""

HTML_200 = b"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Welcome to Airport Wi-Fi</title>
<meta http-equiv="refresh" content="0; url=http://login.hotspot.example/portal?redirect=generativelanguage">
</head><body><h1>Please sign in to use the Internet</h1>
<form action="http://login.hotspot.example/accept" method="post">
<input type="checkbox" name="terms"> I accept the terms of use
<button type="submit">Connect</button></form></body></html>
"""

HTML_404 = """<!DOCTYPE html>
<html lang=en>
  <meta charset=utf-8>
  <meta name=viewport content="initial-scale=1, minimum-scale=1, width=device-width">
  <title>Error 404 (Not Found)!!1</title>
  <a href=//www.google.com/><span id=logo aria-label=Google></span></a>
  <p><b>404.</b> <ins>That\u2019s an error.</ins>
  <p>The requested URL <code>%s</code> was not found on this server.  <ins>That\u2019s all we know.</ins>
"""


def wrong_types_body(variant):
    if variant == "candidates_string":
        return {"candidates": "oops", "usageMetadata": [], "promptFeedback": 5}
    if variant == "parts_number":
        return {"candidates": [{"content": {"parts": 42, "role": 7}, "finishReason": 3, "index": "0"}]}
    if variant == "null_everything":
        return {"candidates": [None, {"content": None}, {"content": {"parts": [None, {"text": None},
                                                                            {"inlineData": None}]}}],
                "usageMetadata": None}
    return {"candidates": [
        "a string instead of a candidate",
        {"content": "not an object", "finishReason": ["STOP"]},
        {"content": {"parts": 42}},
        {"content": {"parts": [{"text": {"nested": True}}, {"inlineData": "zz"},
                               {"inlineData": {"mimeType": 5, "data": 123}},
                               {"inlineData": {"mimeType": "image/png", "data": ["AAAA"]}},
                               {"thoughtSignature": 17, "text": 18}]},
         "finishReason": 1, "index": "zero"}],
        "usageMetadata": {"promptTokenCount": "many", "candidatesTokensDetails": {"modality": 4}},
        "modelVersion": 3, "promptFeedback": "fine"}


# ====================================================================== HTTP

GOOGLE_HEADERS = [("Vary", "Origin"), ("Vary", "X-Origin"), ("Vary", "Referer"),
                  ("X-XSS-Protection", "0"), ("X-Frame-Options", "SAMEORIGIN"),
                  ("X-Content-Type-Options", "nosniff")]
JSON_TYPE = "application/json; charset=UTF-8"


class ClientGone(Exception):
    pass


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "scaffolding on HTTPServer2"
    sys_version = ""

    def version_string(self):
        return self.server_version

    def log_message(self, fmt, *args):
        if not STATE.quiet:
            sys.stderr.write("fake-gemini: %s %s\n" % (self.address_string(), fmt % args))

    # ------------------------------------------------------------ plumbing

    def read_body(self, limit):
        """(bytes or None when over limit, total length)."""
        te = (self.headers.get("Transfer-Encoding") or "").lower()
        if "chunked" in te:
            chunks, total = [], 0
            while True:
                line = self.rfile.readline(65537)
                if not line:
                    raise ClientGone()
                n = int(line.split(b";")[0].strip() or b"0", 16)
                if n == 0:
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass
                    break
                data = self.rfile.read(n)
                self.rfile.readline(3)
                total += len(data)
                if total <= limit:
                    chunks.append(data)
            return (b"".join(chunks) if total <= limit else None), total
        n = int(self.headers.get("Content-Length") or 0)
        if n <= limit:
            data = self.rfile.read(n)
            if len(data) < n:
                raise ClientGone()
            return data, n
        # Too big: drain a bounded amount, then close after answering.
        left = n
        drained = 0
        while left > 0 and drained < (256 << 20):
            piece = self.rfile.read(min(left, 1 << 20))
            if not piece:
                break
            left -= len(piece)
            drained += len(piece)
        if left > 0:
            self.close_connection = True
        return None, n

    def write(self, data):
        try:
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError, OSError):
            raise ClientGone()

    def start(self, status, headers, length=None, chunked=False, extra_google=True):
        self.sent_status = status
        self.commit_log()
        self.send_response(status)
        if extra_google:
            for k, v in GOOGLE_HEADERS:
                self.send_header(k, v)
            self.send_header("Server-Timing", "gfet4t7; dur=%d" % int((time.time() - self.t0) * 1000))
            self.send_header("Alt-Svc", 'h3=":443"; ma=2592000,h3-29=":443"; ma=2592000')
        for k, v in headers:
            self.send_header(k, v)
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        elif length is not None:
            self.send_header("Content-Length", str(length))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()

    def simple(self, status, body, ctype=JSON_TYPE, google=True):
        if isinstance(body, (dict, list)):
            body = json.dumps(body, indent=2).encode()
        self.start(status, [("Content-Type", ctype)], len(body), extra_google=google)
        if self.command != "HEAD":
            self.write(body)
        self.sent_status = status

    def wait_or_gone(self, seconds):
        """Sleeps, returning early (raising ClientGone) if the client closes."""
        end = time.time() + seconds
        sock = self.connection
        while True:
            left = end - time.time()
            if left <= 0 or STATE.stopping.is_set():
                return
            r, _, _ = select.select([sock], [], [], min(left, 0.25))
            if r:
                try:
                    if sock.recv(1, socket.MSG_PEEK) == b"":
                        raise ClientGone()
                except (ConnectionResetError, OSError):
                    raise ClientGone()
                time.sleep(min(left, 0.25))  # pipelined data: just wait

    # ------------------------------------------------------------ dispatch

    def handle_one_request(self):
        try:
            super().handle_one_request()
        except ClientGone:
            self.close_connection = True
        except (ConnectionResetError, BrokenPipeError):
            self.close_connection = True

    def do_GET(self):
        self.dispatch()

    def do_POST(self):
        self.dispatch()

    def do_DELETE(self):
        self.dispatch()

    def do_PUT(self):
        self.dispatch()

    def do_PATCH(self):
        self.dispatch()

    def commit_log(self):
        """Logs the API request once, before its answer leaves, so that a
        client reading /_control/log right after its answer sees it."""
        entry = self.entry
        if entry is not None and not entry.get("_logged"):
            entry["_logged"] = True
            entry["status"] = self.sent_status
            entry["elapsed"] = round(time.time() - self.t0, 3)
            STATE.add_log({k: v for k, v in entry.items() if k != "_logged"})

    def dispatch(self):
        self.t0 = time.time()
        self.sent_status = None
        self.entry = None
        url = urllib.parse.urlsplit(self.path)
        if url.path.startswith("/_control/"):
            return self.control(url)
        return self.api(url)

    # ------------------------------------------------------------ control

    def control(self, url):
        try:
            body, _ = self.read_body(64 << 20)
            data = json.loads(body or b"{}") if body and body.strip() else {}
        except (ValueError, UnicodeDecodeError) as e:
            return self.simple(400, {"error": "bad JSON: %s" % e}, google=False)
        path = url.path
        if path == "/_control/log" and self.command == "GET":
            # ?since=N: only the entries from the N-th on (a cheap poll)
            since = urllib.parse.parse_qs(url.query).get("since", ["0"])[-1]
            try:
                since = max(0, int(since))
            except ValueError:
                return self.simple(400, {"error": "since must be a number"}, google=False)
            with STATE.lock:
                entries = list(STATE.log[since:])
            return self.simple(200, entries, google=False)
        if path == "/_control/reset" and self.command == "POST":
            with STATE.lock:
                STATE.default_scenario = "ok"
                STATE.default_params = {}
                STATE.queue = []
                STATE.log = []
                STATE.clock_offset = 0.0
            return self.simple(200, {"ok": True, "scenario": "ok"}, google=False)
        if path == "/_control/scenario" and self.command == "POST":
            if not isinstance(data, dict):
                return self.simple(400, {"error": "expected a JSON object"}, google=False)
            params = data.get("params") or {}
            if not isinstance(params, dict):
                return self.simple(400, {"error": "params must be an object"}, google=False)
            items = []
            for q in data.get("queue") or []:
                name, qp = (q.get("scenario"), dict(params, **(q.get("params") or {}))) if isinstance(q, dict) \
                    else (q, params)
                items.append((name, qp))
            names = [n for n, _ in items] + ([data["scenario"]] if "scenario" in data else [])
            unknown = [n for n in names if n not in SCENARIOS]
            if unknown:
                return self.simple(400, {"error": "unknown scenario: %s" % ", ".join(map(str, unknown)),
                                         "scenarios": sorted(SCENARIOS)}, google=False)
            if "scenario" not in data and "queue" not in data:
                return self.simple(400, {"error": "give scenario or queue"}, google=False)
            with STATE.lock:
                if "scenario" in data:
                    STATE.default_scenario = data["scenario"]
                    STATE.default_params = dict(params)
                if "queue" in data:
                    STATE.queue = items
                state = {"ok": True, "scenario": STATE.default_scenario, "params": STATE.default_params,
                         "queue": [n for n, _ in STATE.queue]}
            return self.simple(200, state, google=False)
        if path == "/_control/state" and self.command == "GET":
            with STATE.lock:
                state = {"scenario": STATE.default_scenario, "params": STATE.default_params,
                         "queue": [n for n, _ in STATE.queue], "requests": len(STATE.log),
                         "active": STATE.active,
                         "instant": STATE.instant, "scenarios": SCENARIOS}
            return self.simple(200, state, google=False)
        if path == "/_control/clock" and self.command == "POST":
            with STATE.lock:
                if isinstance(data, dict) and "offset" in data:
                    STATE.clock_offset = float(data["offset"])
                elif isinstance(data, dict):
                    STATE.clock_offset += float(data.get("advance", 0))
                offset = STATE.clock_offset
            return self.simple(200, {"ok": True, "offset": offset}, google=False)
        if path == "/_control/files" and self.command == "GET":
            with STATE.lock:
                files = [dict(f.meta(), _uploads=f.uploads) for f in STATE.files.values()]
            return self.simple(200, files, google=False)
        if path == "/_control/instant" and self.command == "POST":
            with STATE.lock:
                STATE.instant = bool(data.get("instant", True)) if isinstance(data, dict) else True
            return self.simple(200, {"ok": True, "instant": STATE.instant}, google=False)
        return self.simple(404, {"error": "unknown control endpoint %s %s" % (self.command, path)}, google=False)

    # ------------------------------------------------------------ API

    def api(self, url):
        query = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        header_key = self.headers.get("x-goog-api-key")
        url_key = query.get("key", [None])[-1]
        key = header_key if header_key is not None else url_key
        headers = {}
        for k, v in self.headers.items():
            k = k.lower()
            headers[k] = "<present>" if k in ("x-goog-api-key", "authorization") else v
        entry = {"method": self.command, "path": url.path,
                 "query": {k: ("<present>" if k == "key" else v[-1]) for k, v in query.items()},
                 "headers": headers, "key_ok": key == STATE.key, "key_in_url": url_key is not None,
                 "body": None, "body_bytes": 0, "scenario": "rejected", "status": None, "time": self.t0}
        self.entry = entry
        with STATE.lock:
            STATE.active += 1
        try:
            try:
                self.api_inner(url, query, key, entry)
            except (ClientGone, ConnectionError):
                raise
            except Exception as e:  # noqa: BLE001 - a bug here must not look like a network fault
                import traceback
                traceback.print_exc()
                if self.sent_status is None:
                    self.close_connection = True
                    self.simple(500, error_body(500, "INTERNAL", "fake server bug: %r" % e))
            finally:
                self.commit_log()
                with STATE.lock:
                    STATE.active -= 1
        except (ClientGone, ConnectionError):
            self.close_connection = True

    def api_error(self, e):
        self.simple(e.code, error_body(e.code, e.status, e.message, e.details))

    def api_inner(self, url, query, key, entry):
        if files_batch_route(self, url, query, key, entry):
            return
        m = re.fullmatch(r"/v1beta/models/([^/:]+):(generateContent|streamGenerateContent)", url.path)
        lm = re.fullmatch(r"/v1beta/models(?:/([^/:]+))?", url.path)
        body = None
        if self.command in ("POST", "PUT", "PATCH") or self.headers.get("Content-Length") \
                or self.headers.get("Transfer-Encoding"):
            body, n = self.read_body(PAYLOAD_LIMIT)
            entry["body_bytes"] = n
        if not (m and self.command == "POST") and not (lm and self.command == "GET"):
            page = (HTML_404 % url.path.replace("<", "&lt;")).encode()
            return self.simple(404, page, "text/html; charset=UTF-8")
        if key is None:
            return self.api_error(ApiError(403, "PERMISSION_DENIED",
                                           "Method doesn't allow unregistered callers (callers without established "
                                           "identity). Please use API Key or other form of API consumer identity to "
                                           "call this API."))
        if key != STATE.key:
            msg = "API key not valid. Please pass a valid API key."
            return self.api_error(ApiError(400, "INVALID_ARGUMENT", msg, [
                {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID",
                 "domain": "googleapis.com", "metadata": {"service": "generativelanguage.googleapis.com"}},
                {"@type": "type.googleapis.com/google.rpc.LocalizedMessage", "locale": "en-US", "message": msg}]))
        if lm:
            return self.list_models(lm.group(1))
        model_name, method = m.group(1), m.group(2)
        if body is None:
            return self.api_error(bad("Request payload size exceeds the limit: %d bytes." % PAYLOAD_LIMIT))
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return self.api_error(bad("Invalid JSON payload received. Invalid UTF-8 in the request."))
        try:
            parsed = json.loads(text)
        except json.JSONDecodeError as e:
            return self.api_error(json_error(text, e))
        except RecursionError:
            return self.api_error(bad("Invalid JSON payload received. Nesting too deep."))
        entry["body"] = redact_body(parsed)
        if not isinstance(parsed, dict):
            return self.api_error(bad("Invalid JSON payload received. Expected an object at the top level."))
        model = mt.lookup(model_name)
        if model is None and model_name in mt.TEXT_BY_NAME and "generateContent" in mt.TEXT_BY_NAME[model_name][2]:
            return self.text_model(parsed, model_name, entry)
        if model is None:
            return self.api_error(ApiError(404, "NOT_FOUND", not_found_message(model_name)))
        try:
            strict = param_bool(STATE.peek_params(), "strict", STATE.strict)
            req = Request(parsed, model, model_name, strict)
        except ApiError as e:
            return self.api_error(e)
        except RecursionError:
            return self.api_error(bad("Invalid JSON payload received. Nesting too deep."))
        scenario, params, counter = STATE.next_scenario()
        params["_counter"] = counter
        entry["scenario"] = scenario
        entry["model"] = model["name"]
        stream = method == "streamGenerateContent"
        sse = stream and query.get("alt", [""])[-1] == "sse"
        self.serve_scenario(req, scenario, params, stream, sse)

    def list_models(self, name):
        """GET /v1beta/models (paged: pageSize, default 50 as on the real
        service, or the param models_page_size; pageToken) and
        GET /v1beta/models/{name}.  Retired models are not listed."""
        if name:
            d = mt.describe(name)
            if d is None:
                return self.api_error(ApiError(404, "NOT_FOUND", "models/%s is not found for API version v1beta"
                                               % name))
            return self.simple(200, d)
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
        params = STATE.peek_params()
        default = int(param_num(params, "models_page_size", 50))
        try:
            size = int(query.get("pageSize", [default])[-1] or default)
            token = query.get("pageToken", [""])[-1]
            start = int(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()[2:]) if token else 0
        except (ValueError, binascii.Error, UnicodeDecodeError):
            return self.api_error(bad("Invalid page token."))
        size = max(1, min(size if size > 0 else default, 1000))
        names = mt.LIST_ORDER[start:start + size]
        out = {"models": [mt.describe(n) for n in names]}
        if start + size < len(mt.LIST_ORDER):
            out["nextPageToken"] = base64.urlsafe_b64encode(b"Cg%d" % (start + size)).decode().rstrip("=")
        return self.simple(200, out)

    def text_model(self, body, model_name, entry):
        """A text model asked for content: the service's 400 when an image is
        asked for, else one short text answer."""
        entry["scenario"] = "text_model"
        entry["model"] = model_name
        gc = g(body, "generationConfig") or {}
        mods = g(gc, "responseModalities") if isinstance(gc, dict) else None
        if not isinstance(mods, list) or any(str(m).upper() == "IMAGE" for m in mods):
            return self.api_error(bad("Multi-modal output is not supported."))
        text = "This is a text model: it answers with text only."
        return self.simple(200, {"candidates": [{"content": {"parts": [{"text": text}], "role": "model"},
                                                 "finishReason": "STOP", "index": 0}],
                                 "usageMetadata": {"promptTokenCount": 8, "candidatesTokenCount": 11,
                                                   "totalTokenCount": 19, "serviceTier": "standard"},
                                 "modelVersion": model_name, "responseId": response_id(model_name.encode())})

    # ------------------------------------------------------------ scenarios

    def instant(self, params):
        return STATE.instant or param_bool(params, "instant", False)

    def serve_scenario(self, req, scenario, params, stream, sse):
        instant = self.instant(params)
        if scenario.startswith("error_"):
            code, body = api_error_for(scenario, req.model_name, params)
            return self.simple(code, body)
        if scenario == "html_502":
            return self.simple(502, HTML_502, "text/html", google=False)
        if scenario == "empty_502":
            self.start(502, [("Content-Type", "text/html")], 0, extra_google=False)
            self.sent_status = 502
            return
        if scenario == "html_200":
            return self.simple(200, HTML_200, "text/html; charset=utf-8", google=False)
        if scenario == "malformed_json":
            return self.simple(200, b'{"candidates": [ {"content": ')
        if scenario == "deep_json":
            depth = int(param_num(params, "depth", 100000))
            return self.simple(200, b'{"candidates": ' + b"[" * depth + b"]" * depth + b"}")
        if scenario == "wrong_types":
            return self.simple(200, wrong_types_body(params.get("variant", "mixed")))
        if scenario == "missing_fields":
            return self.simple(200, {"candidates": [{}]})
        if scenario == "empty_candidates":
            return self.simple(200, {"candidates": []})
        if scenario == "gzip_bomb":
            data = gzip_bomb()
            self.start(200, [("Content-Type", JSON_TYPE), ("Content-Encoding", "gzip")], len(data))
            self.sent_status = 200
            return self.write(data)
        if scenario == "huge_body":
            return self.huge_body(int(param_num(params, "bytes", 1 << 30)), param_bool(params, "content_length"))

        if scenario == "slow" and not instant:
            self.wait_or_gone(param_num(params, "delay", 3))

        obj, ans = build_content_answer(req, scenario, params)
        if stream:
            body, ctype = stream_body(obj, ans, sse, b"\n\n" if param_bool(params, "sse_lf") else b"\r\n\r\n")
            chunks_mode = True
        else:
            body, ctype = ans.render(obj), JSON_TYPE
            chunks_mode = scenario == "chunked" or param_bool(params, "chunked")

        accepts_gzip = "gzip" in (self.headers.get("Accept-Encoding") or "").lower()
        if scenario in ("gzip", "truncated_gzip") and accepts_gzip:
            if isinstance(body, list):
                body = b"".join(body)
            gz = gzip.compress(body, 6)
            if scenario == "truncated_gzip":
                gz = gz[:max(10, len(gz) // 2)]
            self.start(200, [("Content-Type", ctype), ("Content-Encoding", "gzip")], len(gz))
            self.sent_status = 200
            return self.write(gz)

        flat = b"".join(body) if isinstance(body, list) else body
        if scenario == "stall_after_headers":
            self.start(200, [("Content-Type", ctype)], len(flat))
            self.sent_status = 200
            if not instant:
                self.wait_or_gone(param_num(params, "hold", 3600))
            return self.write(flat)
        if scenario == "drip":
            rate = max(1, int(param_num(params, "rate", 1)))
            self.start(200, [("Content-Type", ctype)], len(flat))
            self.sent_status = 200
            if instant:
                return self.write(flat)
            piece = max(1, rate // 10)
            interval = piece / rate
            for i in range(0, len(flat), piece):
                if STATE.stopping.is_set():
                    raise ClientGone()
                self.write(flat[i:i + piece])
                self.wait_or_gone(interval)
            return
        if scenario in ("reset", "truncated"):
            self.close_connection = True
            self.start(200, [("Content-Type", ctype)], len(flat))
            self.sent_status = 200
            self.write(flat[:len(flat) // 2])
            if scenario == "reset":
                try:
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    self.connection.close()
                except OSError:
                    pass
            else:
                try:
                    self.connection.shutdown(socket.SHUT_WR)
                except OSError:
                    pass
            raise ClientGone()
        if chunks_mode:
            pieces = body if isinstance(body, list) else [body[i:i + (1 << 20)] for i in range(0, len(body), 1 << 20)]
            self.start(200, [("Content-Type", ctype)], chunked=True)
            self.sent_status = 200
            for p in pieces:
                if p:
                    self.write(b"%x\r\n%s\r\n" % (len(p), p))
            return self.write(b"0\r\n\r\n")
        self.start(200, [("Content-Type", ctype)], len(flat))
        self.sent_status = 200
        self.write(flat)

    def huge_body(self, total, with_length):
        head = b'{"candidates": [{"content": {"parts": [{"text": "'
        tail = b'"}], "role": "model"}, "finishReason": "STOP", "index": 0}]}'
        spaces = max(0, total - len(head) - len(tail))
        self.start(200, [("Content-Type", JSON_TYPE)], total if with_length else None, chunked=not with_length)
        self.sent_status = 200
        block = b" " * (1 << 20)

        def send(p):
            self.write(p if with_length else b"%x\r\n%s\r\n" % (len(p), p))
        send(head)
        left = spaces
        while left > 0:
            if STATE.stopping.is_set():
                raise ClientGone()
            n = min(left, len(block))
            send(block[:n])
            left -= n
        send(tail)
        if not with_length:
            self.write(b"0\r\n\r\n")


def stream_body(obj, ans, sse, sep=b"\r\n\r\n"):
    """Splits an answer into stream events: one per part (an image whole in
    its event), then a last event with an empty text, the finishReason, usage
    and grounding.  Returns (list of byte pieces, content type)."""
    events = []
    cands = obj.get("candidates")
    common = {k: obj[k] for k in ("usageMetadata", "modelVersion", "responseId") if k in obj}
    if not cands or not cands[0].get("content", {}).get("parts"):
        events.append(obj)
    else:
        cand = cands[0]
        parts = cand["content"]["parts"]
        for p in parts:
            ev = {"candidates": [{"content": {"parts": [p], "role": "model"}, "index": 0}]}
            ev.update(common)
            events.append(ev)
        last = {k: v for k, v in cand.items() if k != "content"}
        last["content"] = {"parts": [{"text": ""}], "role": "model"}
        ev = {"candidates": [last]}
        ev.update(common)
        events.append(ev)
    if sse:
        return [b"data: " + ans.render(e, indent=None) + sep for e in events], "text/event-stream"
    pieces = []
    for i, e in enumerate(events):
        pieces.append((b"[" if i == 0 else b",\r\n") + ans.render(e))
    pieces.append(b"]")
    return pieces, JSON_TYPE


def json_error(text, e):
    lines = text.split("\n")
    line = lines[e.lineno - 1] if 0 < e.lineno <= len(lines) else ""
    col = e.colno - 1
    start = max(0, col - 40)
    excerpt = line[start:col + 40]
    msg = "Invalid JSON payload received. %s.\n%s\n%s^" % (
        "Unexpected end of string" if e.pos >= len(text.rstrip()) else "Unexpected token", excerpt, " " * (col - start))
    return bad(msg, [{"@type": "type.googleapis.com/google.rpc.BadRequest",
                      "fieldViolations": [{"description": msg}]}])


def redact_body(obj):
    """The request body for the log: every inlineData.data summarised."""
    def walk(o):
        if isinstance(o, dict):
            out = {}
            for k, v in o.items():
                if k in ("inlineData", "inline_data") and isinstance(v, dict):
                    v = dict(v)
                    if isinstance(v.get("data"), str):
                        try:
                            v["data"] = fi.summary(b64decode_strict(v["data"]))
                        except (ValueError, binascii.Error):
                            v["data"] = {"bytes": len(v["data"]), "sha256": None, "format": "invalid_base64",
                                         "width": None, "height": None}
                    out[k] = v
                else:
                    out[k] = walk(v)
            return out
        if isinstance(o, list):
            return [walk(x) for x in o]
        return o
    return walk(obj)


# ====================================================================== Files API and Batch API

FILE_LIFETIME = 48 * 3600
UPLOAD_LIMIT = 256 << 20
UPLOAD_GRANULARITY = 8 << 20   # X-Goog-Upload-Chunk-Granularity, as the real service gives
GRPC_CODES = {400: 3, 403: 7, 404: 5, 429: 8, 500: 13, 503: 14, 504: 4}
BATCH_TERMINAL = ("SUCCEEDED", "FAILED", "CANCELLED", "EXPIRED")


def rfc3339(t):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + ".%06dZ" % int((t % 1) * 1e6)


def new_id():
    return base64.b32encode(os.urandom(10)).decode().lower().rstrip("=")[:12]


class StoredFile:
    """An uploaded (or generated) file.  Its state follows the params seen
    at upload: ACTIVE after file_processing seconds, or stuck in
    PROCESSING, or FAILED."""

    def __init__(self, data, mime, display_name, params, source="UPLOADED"):
        self.id = new_id()
        self.data = data
        self.mime = mime
        self.display_name = display_name
        self.source = source
        self.created = STATE.now()
        self.real_created = time.time()
        self.processing = 0 if source == "GENERATED" else param_num(params, "file_processing", 0.3)
        self.end_state = str(params.get("file_state", "ACTIVE")).upper() if source == "UPLOADED" else "ACTIVE"
        self.uploads = 1

    def state(self):
        if time.time() - self.real_created < self.processing or self.end_state == "PROCESSING":
            return "PROCESSING"
        return self.end_state

    def expired(self):
        return STATE.now() > self.created + FILE_LIFETIME

    def meta(self):
        base = "http://127.0.0.1:%d" % STATE.port
        m = {"name": "files/" + self.id, "mimeType": self.mime, "sizeBytes": str(len(self.data)),
             "createTime": rfc3339(self.created), "updateTime": rfc3339(self.created),
             "expirationTime": rfc3339(self.created + FILE_LIFETIME),
             "sha256Hash": base64.b64encode(hashlib.sha256(self.data).hexdigest().encode()).decode(),
             "uri": "%s/v1beta/files/%s" % (base, self.id), "state": self.state(), "source": self.source}
        if self.display_name:
            m["displayName"] = self.display_name
        if self.source == "GENERATED":
            m["downloadUri"] = "%s/download/v1beta/files/%s:download?alt=media" % (base, self.id)
        if m["state"] == "FAILED":
            m["error"] = {"code": 3, "message": "The file could not be processed: its content is not a valid %s."
                          % self.mime}
        return m


def lookup_file(file_id):
    """The stored file, or an ApiError as the real service words it."""
    with STATE.lock:
        f = STATE.files.get(file_id)
    if f is None or f.expired():
        raise ApiError(403, "PERMISSION_DENIED", "You do not have permission to access the File %s or it may "
                       "not exist." % file_id)
    return f


def resolve_file_data(uri, mime):
    """(bytes, mime) of a fileData part's file."""
    m = re.search(r"/files/([a-z0-9-]+)$", uri or "")
    if not m:
        raise bad("Invalid file uri: %s" % (uri or "(empty)"))
    f = lookup_file(m.group(1))
    state = f.state()
    if state != "ACTIVE":
        raise ApiError(400, "FAILED_PRECONDITION", "The File %s is not in an ACTIVE state and usage is not "
                       "allowed." % f.id)
    return f.data, mime or f.mime


class Batch:
    """A batch job: PENDING for batch_step seconds, RUNNING while its
    requests are answered (at least batch_step), then batch_end
    (SUCCEEDED)."""

    def __init__(self, model, model_name, display_name, items, from_file, params):
        self.id = new_id()
        self.model, self.model_name = model, model_name
        self.display_name = display_name
        self.items = items                 # [(key, request dict)]
        self.from_file = from_file
        self.params = params
        self.created = STATE.now()
        self.updated = self.created
        self.ended = None
        self.state = "PENDING"
        self.done_count = 0
        self.failed_count = 0
        self.results = []                  # (key, b'"response": {...}' or b'"error": {...}')
        self.output_file = None
        self.cancelled = threading.Event()
        self.error = None
        threading.Thread(target=self.run, daemon=True).start()

    def set_state(self, state):
        with STATE.lock:
            self.state = state
            self.updated = STATE.now()
            if state in BATCH_TERMINAL:
                self.ended = self.updated

    def run(self):
        step = param_num(self.params, "batch_step", 1.0)
        if self.cancelled.wait(step):
            return self.set_state("CANCELLED")
        self.set_state("RUNNING")
        t0 = time.time()
        end = str(self.params.get("batch_end", "SUCCEEDED")).upper()
        fail_keys = set(self.params.get("batch_fail_keys") or [])
        safety_keys = set(self.params.get("batch_safety_keys") or [])
        dims = self.params.get("batch_dims")
        for key, body in self.items:
            if self.cancelled.is_set():
                return self.set_state("CANCELLED")
            if end in ("FAILED", "EXPIRED"):
                break
            result = self.answer(key, body, key in fail_keys, key in safety_keys, dims)
            with STATE.lock:
                self.results.append((key, result))
                if result.startswith(b'"error"'):
                    self.failed_count += 1
                else:
                    self.done_count += 1
        if self.cancelled.wait(max(0.0, step - (time.time() - t0))):
            return self.set_state("CANCELLED")
        if end == "FAILED":
            self.error = {"code": 13, "message": "The batch failed: an internal error occurred while processing "
                          "its requests."}
        elif end == "SUCCEEDED" and self.from_file:
            lines = [b'{"key": %s, %s}' % (json.dumps(k).encode(), r) for k, r in self.results]
            f = StoredFile(b"\n".join(lines) + b"\n", "application/jsonl", "batch-%s-results" % self.id, {},
                           source="GENERATED")
            with STATE.lock:
                STATE.files[f.id] = f
            self.output_file = f.id
        self.set_state(end if end in BATCH_TERMINAL else "SUCCEEDED")

    def answer(self, key, body, fail, safety, dims):
        if fail:
            return b'"error": ' + json.dumps({"code": 13, "message": "Internal error encountered."}).encode()
        try:
            if not isinstance(body, dict):
                raise bad("Invalid value at 'request': expected a GenerateContentRequest object.")
            req = Request(body, self.model, self.model_name, False)
            if dims:
                req.force_dims = (int(dims[0]), int(dims[1]))
            params = dict(self.params, _counter=0)
            obj, ans = build_content_answer(req, "safety" if safety else "ok", params)
            return b'"response": ' + ans.render(obj, indent=None)
        except ApiError as e:
            return b'"error": ' + json.dumps({"code": GRPC_CODES.get(e.code, 2), "message": e.message}).encode()

    def operation(self, with_output=True):
        """(JSON text) of the Operation the REST API answers."""
        with STATE.lock:
            state = self.state
            n = len(self.items)
            meta = {"@type": "type.googleapis.com/google.ai.generativelanguage.v1main.GenerateContentBatch",
                    "model": "models/" + self.model_name, "displayName": self.display_name,
                    "createTime": rfc3339(self.created), "updateTime": rfc3339(self.updated),
                    "batchStats": {"requestCount": str(n),
                                   "pendingRequestCount": str(n - self.done_count - self.failed_count),
                                   "successfulRequestCount": str(self.done_count),
                                   "failedRequestCount": str(self.failed_count)},
                    "state": "BATCH_STATE_" + state, "name": "batches/" + self.id}
            if self.ended is not None:
                meta["endTime"] = rfc3339(self.ended)
            if self.from_file:
                meta["inputConfig"] = {"fileName": self.from_file}
            results = list(self.results)
            output_file = self.output_file
        op = {"name": "batches/" + self.id, "metadata": meta}
        if state in BATCH_TERMINAL:
            op["done"] = True
        if state == "FAILED" and self.error:
            op["error"] = self.error
        out = None
        if with_output and state == "SUCCEEDED":
            if output_file:
                out = json.dumps({"responsesFile": "files/" + output_file}).encode()
            else:
                out = (b'{"inlinedResponses": {"inlinedResponses": ['
                       + b", ".join(b'{%s, "metadata": {"key": %s}}' % (r, json.dumps(k).encode())
                                    for k, r in results) + b"]}}")
        if out is None:
            return json.dumps(op, indent=2).encode()
        meta["output"] = "@@GG_OUTPUT@@"
        op["response"] = {"@type": "type.googleapis.com/google.ai.generativelanguage.v1main."
                                   "GenerateContentBatchOutput", "_": "@@GG_OUTPUT_INNER@@"}
        text = json.dumps(op, indent=2).encode()
        text = text.replace(b'"@@GG_OUTPUT@@"', out)
        return text.replace(b'"_": "@@GG_OUTPUT_INNER@@"', out.strip()[1:-1])


def page(items, query, default_size, name):
    try:
        size = int(query.get("pageSize", [default_size])[-1] or default_size)
        start = int(query.get("pageToken", ["0"])[-1] or 0)
    except ValueError:
        raise bad("Invalid page token or page size.")
    size = max(1, min(size, 100))
    chosen = items[start:start + size]
    token = str(start + size) if start + size < len(items) else None
    return chosen, token


def files_batch_route(h, url, query, key, entry):
    """Serves the Files API and the Batch API; False for other paths."""
    path = url.path
    routes = [
        (r"/upload/v1beta/files", ("POST",)),
        (r"/v1beta/files", ("GET",)),
        (r"/v1beta/files/([a-z0-9-]+)", ("GET", "DELETE")),
        (r"/download/v1beta/files/([a-z0-9-]+):download", ("GET",)),
        (r"/v1beta/models/([^/:]+):batchGenerateContent", ("POST",)),
        (r"/v1beta/batches", ("GET",)),
        (r"/v1beta/batches/([a-z0-9-]+)", ("GET", "DELETE")),
        (r"/v1beta/batches/([a-z0-9-]+):cancel", ("POST",)),
    ]
    for pattern, methods in routes:
        m = re.fullmatch(pattern, path)
        if m and h.command in methods:
            break
    else:
        return False
    is_upload_chunk = path == "/upload/v1beta/files" and "upload_id" in query
    limit = UPLOAD_LIMIT if is_upload_chunk else PAYLOAD_LIMIT
    body = b""
    if h.command in ("POST", "PUT", "PATCH") or h.headers.get("Content-Length"):
        body, n = h.read_body(limit)
        entry["body_bytes"] = n
    entry["scenario"] = "files" if "files" in path else "batch"
    # The upload URL authorises the upload itself, as on the real service.
    if not is_upload_chunk:
        if key is None:
            h.api_error(ApiError(403, "PERMISSION_DENIED", "Method doesn't allow unregistered callers (callers "
                                 "without established identity). Please use API Key or other form of API "
                                 "consumer identity to call this API."))
            return True
        if key != STATE.key:
            h.api_error(ApiError(400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.", [
                {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID",
                 "domain": "googleapis.com", "metadata": {"service": "generativelanguage.googleapis.com"}}]))
            return True
    if body is None:
        h.api_error(bad("Request payload size exceeds the limit: %d bytes." % limit))
        return True
    try:
        if path == "/upload/v1beta/files":
            return upload(h, query, body, entry) or True
        if path == "/v1beta/files":
            files = sorted((f for f in STATE.files.values() if not f.expired()), key=lambda f: f.created)
            chosen, token = page(files, query, 10, "files")
            out = {"files": [f.meta() for f in chosen]}
            if token:
                out["nextPageToken"] = token
            h.simple(200, out)
            return True
        if path.startswith("/v1beta/files/"):
            f = lookup_file(m.group(1))
            if h.command == "DELETE":
                with STATE.lock:
                    STATE.files.pop(f.id, None)
                h.simple(200, {})
            else:
                h.simple(200, f.meta())
            return True
        if path.startswith("/download/"):
            f = lookup_file(m.group(1))
            if query.get("alt", [""])[-1] != "media":
                raise bad("Download requires alt=media.")
            if f.source != "GENERATED":
                raise bad("Only generated files can be downloaded.")
            h.start(200, [("Content-Type", f.mime)], len(f.data))
            h.write(f.data)
            return True
        if path.endswith(":batchGenerateContent"):
            return create_batch(h, m.group(1), body, entry) or True
        if path == "/v1beta/batches":
            batches = sorted(STATE.batches.values(), key=lambda b: b.created, reverse=True)
            chosen, token = page(batches, query, 10, "batches")
            parts = [b.operation(with_output=False) for b in chosen]
            text = b'{"operations": [' + b", ".join(parts) + b"]"
            if token:
                text += b', "nextPageToken": "%s"' % token.encode()
            h.simple(200, text + b"}")
            return True
        b = STATE.batches.get(m.group(1))
        if b is None:
            raise ApiError(404, "NOT_FOUND", "Requested entity was not found.")
        if path.endswith(":cancel"):
            with STATE.lock:
                state = b.state
            if state in BATCH_TERMINAL:
                raise ApiError(400, "FAILED_PRECONDITION", "The batch is already in a terminal state: %s."
                               % ("BATCH_STATE_" + state))
            b.cancelled.set()
            h.simple(200, {})
            return True
        if h.command == "DELETE":
            b.cancelled.set()
            with STATE.lock:
                STATE.batches.pop(b.id, None)
            h.simple(200, {})
            return True
        h.simple(200, b.operation())
        return True
    except ApiError as e:
        h.api_error(e)
        return True


def upload(h, query, body, entry):
    with STATE.lock:
        params = dict(STATE.default_params)
    command = (h.headers.get("X-Goog-Upload-Command") or "").replace(" ", "").lower()
    protocol = (h.headers.get("X-Goog-Upload-Protocol") or "").lower()
    if "upload_id" not in query:
        if protocol != "resumable" or command != "start":
            raise bad("Upload requires X-Goog-Upload-Protocol: resumable and X-Goog-Upload-Command: start.")
        try:
            size = int(h.headers.get("X-Goog-Upload-Header-Content-Length") or "")
        except ValueError:
            raise bad("X-Goog-Upload-Header-Content-Length must give the file's size in bytes.")
        mime = h.headers.get("X-Goog-Upload-Header-Content-Type") or "application/octet-stream"
        try:
            meta = json.loads(body or b"{}")
        except ValueError:
            raise bad("Invalid JSON payload received.")
        f = g(meta, "file") or {}
        uid = new_id() + new_id()
        granularity = max(1, int(param_num(params, "upload_granularity", UPLOAD_GRANULARITY)))
        with STATE.lock:
            STATE.uploads[uid] = {"size": size, "mime": mime, "display_name": g(f, "displayName"),
                                  "params": dict(params), "failures": 0, "granularity": granularity,
                                  "data": bytearray(), "commands": 0, "cut": False, "file": None,
                                  "lock": threading.Lock()}
        url = "http://127.0.0.1:%d/upload/v1beta/files?upload_id=%s&upload_protocol=resumable" % (STATE.port, uid)
        entry["upload_id"] = uid
        entry["upload_command"] = "start"
        h.start(200, [("Content-Type", "text/plain; charset=utf-8"), ("X-Goog-Upload-Status", "active"),
                      ("X-Goog-Upload-URL", url), ("X-Goog-Upload-Control-URL", url),
                      ("X-Goog-Upload-Chunk-Granularity", str(granularity))], 0)
        return
    uid = query["upload_id"][-1]
    with STATE.lock:
        session = STATE.uploads.get(uid)
    entry["upload_id"] = uid
    entry["upload_command"] = command
    # The offset every chunk claims, logged before anything can refuse it:
    # the tests count each send of a finished chunk, refused or not.
    offset_sent = h.headers.get("X-Goog-Upload-Offset")
    entry["upload_offset_sent"] = int(offset_sent) if (offset_sent or "").isdigit() else None
    if session is None:
        return h.simple(404, b"Upload session not found or expired.", "text/plain; charset=utf-8")
    # One request of a session at a time: chunks arrive in order.
    with session["lock"]:
        return upload_command(h, session, command, body, entry)


def upload_answer(h, session, status="active"):
    """The answer to a non-final chunk or a query: headers, empty body."""
    h.start(200, [("Content-Type", "text/plain; charset=utf-8"), ("X-Goog-Upload-Status", status),
                  ("X-Goog-Upload-Size-Received", str(len(session["data"])))], 0)


def upload_final(h, session):
    f = session["file"]
    data = json.dumps({"file": f.meta()}, indent=2).encode()
    h.start(200, [("Content-Type", JSON_TYPE), ("X-Goog-Upload-Status", "final"),
                  ("X-Goog-Upload-Size-Received", str(len(f.data)))], len(data))
    h.write(data)


def upload_command(h, session, command, body, entry):
    """query, upload and "upload, finalize" on an upload session (its lock held)."""
    if command == "query":
        entry["upload_received"] = len(session["data"])
        if session["file"] is not None:
            return upload_final(h, session)
        return upload_answer(h, session)
    if command not in ("upload", "upload,finalize"):
        raise bad("Unknown X-Goog-Upload-Command %r: use upload, 'upload, finalize' or query." % command)
    if session["file"] is not None:
        raise bad("The upload is already finalized.")
    try:
        offset = int(h.headers.get("X-Goog-Upload-Offset") or "")
    except ValueError:
        raise bad("X-Goog-Upload-Offset must give the chunk's offset in bytes.")
    entry["upload_offset"] = offset
    received = len(session["data"])
    if offset != received:
        raise bad("X-Goog-Upload-Offset %d does not match the %d bytes received: query the upload's status "
                  "and resume from there." % (offset, received))
    params = session["params"]
    index = session["commands"]
    session["commands"] += 1
    fails = int(param_num(params, "upload_fail", 0))
    if session["failures"] < fails:
        session["failures"] += 1
        code = int(param_num(params, "upload_fail_code", 503))
        return h.simple(code, error_body(code, "UNAVAILABLE" if code == 503 else "INTERNAL",
                                         "The upload failed: the service is temporarily unavailable. "
                                         "Please retry."))
    final = command == "upload,finalize"
    granularity = session["granularity"]
    if not final and len(body) % granularity:
        raise bad("A chunk that does not finalize must be a multiple of %d bytes (got %d)."
                  % (granularity, len(body)))
    cut_at = params.get("upload_cut_chunk")
    if cut_at is not None and not session["cut"] and index >= int(cut_at):
        # The connection drops mid-chunk: part of it is kept (a whole number
        # of granules), no answer is sent.
        session["cut"] = True
        keep = int(param_num(params, "upload_cut_keep", -1))
        if keep < 0:
            keep = len(body) // 2 // granularity * granularity
        keep = min(keep, len(body))
        session["data"] += body[:keep]
        entry["upload_kept"] = keep
        h.close_connection = True
        try:
            h.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        raise ClientGone()
    if received + len(body) > session["size"]:
        raise bad("The upload is longer than X-Goog-Upload-Header-Content-Length %d." % session["size"])
    session["data"] += body
    if not final:
        return upload_answer(h, session)
    if len(session["data"]) != session["size"]:
        raise bad("The uploaded size %d does not match X-Goog-Upload-Header-Content-Length %d."
                  % (len(session["data"]), session["size"]))
    f = StoredFile(bytes(session["data"]), session["mime"], session["display_name"], params)
    session["data"] = bytearray()   # the file holds the bytes now
    with STATE.lock:
        STATE.files[f.id] = f
    session["file"] = f
    entry["file"] = "files/" + f.id
    upload_final(h, session)


def create_batch(h, model_name, body, entry):
    try:
        parsed = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise bad("Invalid JSON payload received.")
    entry["body"] = redact_body(parsed)
    model = mt.lookup(model_name)
    if model is None:
        raise ApiError(404, "NOT_FOUND", not_found_message(model_name))
    batch = g(parsed, "batch")
    if not isinstance(batch, dict):
        raise bad("* BatchGenerateContentRequest.batch: batch is required\n")
    cfg = g(batch, "inputConfig")
    if not isinstance(cfg, dict):
        raise bad("* BatchGenerateContentRequest.batch.input_config: input_config is required\n")
    items = []
    from_file = None
    requests = g(cfg, "requests")
    file_name = g(cfg, "fileName")
    if requests is not None and file_name is not None:
        raise bad("Invalid JSON payload received. Oneof field 'source' is already set.")
    if file_name is not None:
        fm = re.fullmatch(r"files/([a-z0-9-]+)", str(file_name))
        if not fm:
            raise bad("Invalid file name: %s" % file_name)
        f = lookup_file(fm.group(1))
        if f.state() != "ACTIVE":
            raise ApiError(400, "FAILED_PRECONDITION", "The File %s is not in an ACTIVE state." % f.id)
        for i, line in enumerate(f.data.decode("utf-8", "replace").splitlines()):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except ValueError:
                raise bad("Invalid JSON in line %d of the input file %s." % (i + 1, file_name))
            items.append((str(g(obj, "key", "")), g(obj, "request")))
        from_file = "files/" + f.id
    else:
        reqs = g(requests, "requests") if isinstance(requests, dict) else None
        if not isinstance(reqs, list) or not reqs:
            raise bad("* BatchGenerateContentRequest.batch.input_config.requests: requests must not be empty\n")
        for r in reqs:
            meta = g(r, "metadata") or {}
            items.append((str(g(meta, "key", "")), g(r, "request")))
    if not items:
        raise bad("The batch has no requests.")
    with STATE.lock:
        params = dict(STATE.default_params)
    b = Batch(model, model_name, g(batch, "displayName") or "", items, from_file, params)
    with STATE.lock:
        STATE.batches[b.id] = b
    entry["batch"] = "batches/" + b.id
    entry["model"] = model["name"]
    h.simple(200, b.operation())


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def handle_error(self, request, client_address):
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionResetError, BrokenPipeError, ClientGone)):
            return
        super().handle_error(request, client_address)


def main(argv=None):
    global STATE
    ap = argparse.ArgumentParser(description="Fake Gemini API server for tests.")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    ap.add_argument("--key", default=DEFAULT_KEY)
    ap.add_argument("--scenario", default="ok")
    ap.add_argument("--log", help="also append each request's log entry to this file (JSON lines)")
    ap.add_argument("--quiet", action="store_true")
    ap.add_argument("--instant", action="store_true", help="skip artificial delays (benchmarks)")
    ap.add_argument("--strict", action="store_true",
                    help="reject unknown request fields as the real API does (the default; kept for old callers)")
    ap.add_argument("--lenient", action="store_true", help="ignore unknown request fields instead")
    ap.add_argument("--signature-bytes", type=int, default=None,
                    help="filler bytes per thought signature (default: a real size, 0.9-2.9 MB of base64)")
    ap.add_argument("--secret", default=DEFAULT_SECRET, help="thought-signature secret")
    ap.add_argument("--warm", action="store_true", help="import Pillow before listening")
    ap.add_argument("--outlive-parent", action="store_true",
                    help="keep serving when the process that started the server ends")
    args = ap.parse_args(argv)
    if args.scenario not in SCENARIOS:
        ap.error("unknown scenario %s (known: %s)" % (args.scenario, ", ".join(sorted(SCENARIOS))))
    STATE = ServerState(args)
    if args.warm:
        fi.pil()
    httpd = Server(("127.0.0.1", args.port), Handler)
    port = httpd.server_address[1]
    STATE.port = port
    if args.port_file:
        tmp = "%s.tmp.%d" % (args.port_file, os.getpid())
        with open(tmp, "w") as f:
            f.write("%d\n" % port)
        os.replace(tmp, args.port_file)
    if not args.quiet:
        log_err("listening on http://127.0.0.1:%d (scenario %s)" % (port, args.scenario))
    # Pillow in the background: the first answer need not pay for it.
    threading.Thread(target=fi.pil, daemon=True).start()
    import signal

    def stop(*_):
        STATE.stopping.set()
        threading.Thread(target=httpd.shutdown, daemon=True).start()
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    if not args.outlive_parent:
        # A test that aborts without stopping its server must not leave it
        # running: it would hold the test's output open (CTest then waits
        # for its timeout).  The server stops when its parent is gone.
        parent = os.getppid()

        def watch():
            while not STATE.stopping.wait(0.5):
                if os.getppid() != parent:
                    log_err("the process that started the server is gone: stopping")
                    stop()
                    return
        threading.Thread(target=watch, daemon=True).start()
    try:
        httpd.serve_forever(poll_interval=0.2)
    finally:
        httpd.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
