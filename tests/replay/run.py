#!/usr/bin/python3
"""Replay of the live service's recorded answers to gemini-image (issue 14).

Serves each generateContent answer recorded in ../shared/real-answers
(relative to the checkout; INDEX.tsv gives each file's HTTP status) to
`gemini-image generate` on loopback, one recording per run, and checks the
outcome a user sees, from what the recording holds:

  image      exit 0; each result image written byte for byte (the output's
             extension matches the recorded format: .jpg for JPEG, .png for
             PNG), FILE-2 ... for the next ones;
  malformed  an image part whose data is a placeholder, not base64 (a
             recorder replaced it): exit 1, one sentence saying the answer
             is malformed, nothing written;
  blocked    promptFeedback.blockReason, no candidates: exit 1, one
             sentence naming the block reason;
  no image   a finishReason other than STOP and no image: exit 1, one
             sentence naming the finish reason;
  text only  STOP with text and no image: exit 1, one sentence saying the
             model answered with text only; its text on stdout;
  errors     HTTP >= 400: exit 1, one sentence naming the cause by class
             (key, permission, billing/location, invalid argument quoting
             the server, model not found, quota, server error, overloaded);
             quota 0 (the 0 only in "limit: 0") ends at once, in under 15 s,
             after one request, with a sentence that mentions billing; a
             per-minute 429 with RetryInfo shows a countdown on stderr (a
             terminal) and stops at once on Ctrl-C.

Streams (.sse, .chunks.json), Files API and batch result recordings are out
of scope here.  Each check prints "PASS name", "FAIL name: why" (or "SKIP
name: why"), then "N passed, N failed, N skipped".  Without the recordings
the stage prints "NOT RUN: ..." and "0 passed, 0 failed, 0 skipped" and
exits 0: it is never counted as passed.

  /usr/bin/python3 tests/replay/run.py --cli BUILD/cli/gemini-image
      [--answers DIR] [--only GLOB] [--keep]
"""

import argparse
import base64
import binascii
import fnmatch
import http.server
import json
import os
import pty
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(os.path.dirname(HERE))
DEFAULT_ANSWERS = os.path.join(SRC, "..", "shared", "real-answers")
KEY = "replay-key-not-secret-7d41"
QUOTA_ZERO_BOUND = 15.0
SENTENCE_END = re.compile(r"[.!?][)\"”’]?$")
IMAGE_FORMATS = ("png", "jpeg", "webp")   # what a recorded image may be

sys.path.insert(0, os.path.join(SRC, "tests", "fake_gemini"))
from fake_images import sniff  # noqa: E402  (the one sniffing of the tests)


# ---------------------------------------------------------------- recordings

def read_index(answers):
    """[(file, model, status)] of INDEX.tsv."""
    rows = []
    with open(os.path.join(answers, "INDEX.tsv"), encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        col = {name: i for i, name in enumerate(header)}
        for line in f:
            cells = line.rstrip("\n").split("\t")
            if len(cells) < len(header):
                continue
            rows.append((cells[col["filename"]], cells[col["model"]], cells[col["http_status"]]))
    return rows


def in_scope(name, status):
    """generateContent answers: whole JSON bodies with an HTTP status."""
    if not name.endswith(".json") or name.endswith(".chunks.json"):
        return False
    if name.startswith(("cookbook__files-api__", "cookbook__batch__")):
        return False
    return status.isdigit()


def strict_b64(text):
    if not isinstance(text, str) or not re.fullmatch(r"[A-Za-z0-9+/_-]*={0,2}", text):
        raise ValueError("not base64")
    t = text.rstrip("=").replace("-", "+").replace("_", "/")
    return base64.b64decode(t + "=" * (-len(t) % 4), validate=True)


def classify(body, status):
    """(class, detail) of a recording, from its content alone."""
    if status >= 400:
        try:
            obj = json.loads(body)
        except ValueError:
            obj = None
        if isinstance(obj, list) and obj:
            obj = obj[0]
        err = obj.get("error", {}) if isinstance(obj, dict) else {}
        msg = err.get("message", "") or ""
        details = err.get("details", []) or []
        infos = [d for d in details if str(d.get("@type", "")).endswith("ErrorInfo")]
        reasons = [d.get("reason") for d in infos]
        violations = [v for d in details if str(d.get("@type", "")).endswith("QuotaFailure")
                      for v in d.get("violations", [])]
        retry = [d.get("retryDelay") for d in details if str(d.get("@type", "")).endswith("RetryInfo")]
        info = {"status": err.get("status"), "message": msg, "reasons": reasons, "retry": retry,
                "quota_ids": [v.get("quotaId", "") for v in violations]}
        if status == 429:
            # A limit of 0: in the message (the live service's image models),
            # in quotaValue, or in the older ErrorInfo's quota_limit_value.
            zero = ("limit: 0," in msg or any(v.get("quotaValue") == "0" for v in violations)
                    or any((d.get("metadata") or {}).get("quota_limit_value") == "0" for d in infos))
            if zero:
                return "quota_zero", info
            if retry and any("PerMinute" in q for q in info["quota_ids"]):
                return "quota_minute", info
            if any("PerDay" in q for q in info["quota_ids"]):
                return "quota_day", info
            return "quota", info
        return "error", info
    obj = json.loads(body)
    cands = obj.get("candidates") or []
    feedback = obj.get("promptFeedback") or {}
    if not cands and feedback.get("blockReason"):
        return "blocked", {"reason": feedback["blockReason"]}
    cand = cands[0] if cands else {}
    parts = (cand.get("content") or {}).get("parts") or []
    images, broken = [], False
    for p in parts:
        inline = p.get("inlineData") if isinstance(p, dict) else None
        if not isinstance(inline, dict) or p.get("thought"):
            continue
        try:
            data = strict_b64(inline.get("data"))
        except (ValueError, binascii.Error):
            broken = True
            continue
        if sniff(data) not in IMAGE_FORMATS:
            broken = True
            continue
        images.append(data)
    if broken:
        return "malformed", {}
    if images:
        return "image", {"images": images}
    reason = cand.get("finishReason") or "STOP"
    texts = [p.get("text") for p in parts if isinstance(p, dict) and p.get("text") and not p.get("thought")]
    if reason == "STOP" and texts:
        return "text_only", {"text": texts[0]}
    return "no_image", {"reason": reason, "message": cand.get("finishMessage")}


# ---------------------------------------------------------------- the server

class Replay:
    """A loopback server answering every request with one recording."""

    def __init__(self):
        self.status, self.body, self.requests = 200, b"{}", 0
        self.lock = threading.Lock()
        replay = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def do_POST(self):
                n = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(n)
                with replay.lock:
                    replay.requests += 1
                    status, body = replay.status, replay.body
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=UTF-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()

    def serve(self, status, body):
        with self.lock:
            self.status, self.body, self.requests = status, body, 0

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


# ---------------------------------------------------------------- running the CLI

def cli_env(port, home):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GEMINI_", "GOOGLE_"))}
    env.update({"GEMINI_API_KEY": KEY, "GOOGLE_GEMINI_BASE_URL": "http://127.0.0.1:%d" % port,
                "HOME": home, "XDG_CONFIG_HOME": os.path.join(home, ".config"),
                "XDG_DATA_HOME": os.path.join(home, ".local", "share"),
                "XDG_CACHE_HOME": os.path.join(home, ".cache"), "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"})
    return env


def run_cli(cli, args, env, timeout):
    t0 = time.time()
    try:
        p = subprocess.run([cli] + args, env=env, capture_output=True, timeout=timeout)
        return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace"), \
            time.time() - t0
    except subprocess.TimeoutExpired as e:
        return None, (e.stdout or b"").decode("utf-8", "replace"), (e.stderr or b"").decode("utf-8", "replace"), \
            time.time() - t0


def error_lines(stderr):
    """The error sentences: stderr lines starting 'gemini-image:'."""
    return [l.strip() for l in re.split(r"[\r\n]+", stderr) if l.strip().startswith("gemini-image:")]


def one_sentence(stderr):
    """(sentence, problem): the one error sentence, or why there is none."""
    lines = error_lines(stderr)
    if len(lines) != 1:
        return None, "expected one 'gemini-image:' error line, got %d: %r" % (len(lines), stderr[-400:])
    s = lines[0][len("gemini-image:"):].strip()
    if not SENTENCE_END.search(s):
        return s, "the error line is not a sentence: %r" % s
    if re.search(r'\{\s*"error"|"@type"', s):
        return s, "the error line holds raw JSON: %r" % s[:200]
    return s, None


def has_any(text, words):
    t = text.lower()
    return any(w.lower() in t for w in words)


def error_words(info, status):
    """Words of which the sentence must hold one, by error class."""
    msg, st, reasons = info["message"], info["status"], info["reasons"]
    if "API_KEY_INVALID" in reasons or status == 401:
        return ["key"], "the API key"
    if st == "FAILED_PRECONDITION":
        return ["billing", "location", "region", "country"], "billing / location"
    if status == 403:
        return ["permission", "enable", "disabled", "not allowed", "access"], "permission"
    if status == 404:
        return ["not found", "retired", "renamed", "does not exist", "not available", "does not know"], \
            "model not found"
    m = re.match(r"Thinking level (\w+) is not supported", msg)
    if status == 400 and m:
        return ["thinking level %s" % m.group(1)], "the thinking level %s" % m.group(1)
    if status == 400:
        # The server's own words name the cause: a few of them must show.
        words = re.sub(r"^[*\s]+", "", msg).split()
        frag = " ".join(words[:4]).rstrip(".,:")
        return [frag], "the server's message (%r)" % frag
    if status == 500:
        return ["internal", "server error", "server's error", "google's side", "try again"], "server error"
    if status == 503:
        return ["overload", "demand", "busy", "unavailable", "capacity"], "overloaded"
    return [str(status)], "the status"


def counting_down(seen):
    """Two seconds in a row shown in order: n, then n - 1, then n - 2."""
    return any(n - 1 in seen[i + 1:] and n - 2 in seen[i + 1:] for i, n in enumerate(seen))


def countdown_run(cli, args, env, seconds_expected):
    """Runs the CLI with stderr on a terminal until a countdown shows, then
    sends SIGINT.  (ok, why, elapsed)."""
    master, slave = pty.openpty()
    t0 = time.time()
    p = subprocess.Popen([cli] + args, env=env, stdout=subprocess.PIPE, stderr=slave, stdin=subprocess.DEVNULL)
    os.close(slave)
    text = b""
    seen = []
    deadline = t0 + 20
    try:
        while time.time() < deadline:
            r, _, _ = select.select([master], [], [], 0.2)
            if r:
                try:
                    chunk = os.read(master, 4096)
                except OSError:
                    break
                if not chunk:
                    break
                text += chunk
                # The seconds left: values near the delay asked for (an
                # elapsed-time counter beside them stays small).
                seen = [int(n) for n in re.findall(rb"(\d+)\s*s(?:econds?)?\b", text)
                        if seconds_expected - 15 <= int(n) <= seconds_expected]
                if counting_down(seen):
                    break
            if p.poll() is not None:
                break
        if p.poll() is not None:
            return False, "gemini-image ended (status %s) before a countdown showed: %r" % (
                p.returncode, text.decode("utf-8", "replace")[-300:]), time.time() - t0
        if not counting_down(seen):
            p.kill()
            p.wait()
            return False, "no countdown on stderr within 20 s: %r" % text.decode("utf-8", "replace")[-300:], \
                time.time() - t0
        t_int = time.time()
        p.send_signal(signal.SIGINT)
        try:
            p.wait(5)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
            return False, "SIGINT during the countdown did not stop gemini-image within 5 s", time.time() - t0
        stop = time.time() - t_int
        if stop > 1.5:
            return False, "stopped %.1f s after SIGINT (the wait must be cancellable every second)" % stop, \
                time.time() - t0
        return True, "countdown %s, stopped %.2f s after SIGINT" % (sorted(set(seen), reverse=True)[:4], stop), \
            time.time() - t0
    finally:
        try:
            os.close(master)
        except OSError:
            pass
        if p.poll() is None:
            p.kill()
            p.wait()


# ---------------------------------------------------------------- one recording

def check(cli, server, answers, work, name, status):
    """(ok, why) for one recording."""
    with open(os.path.join(answers, name), "rb") as f:
        body = f.read()
    kind, info = classify(body, status)
    server.serve(status, body)
    home = os.path.join(work, "home")
    os.makedirs(home, exist_ok=True)
    env = cli_env(server.port, home)
    outdir = os.path.join(work, "out")
    shutil.rmtree(outdir, ignore_errors=True)
    os.makedirs(outdir)
    ext = ".png"
    if kind == "image":
        ext = ".jpg" if sniff(info["images"][0]) == "jpeg" else "." + sniff(info["images"][0])
        ext = ext.replace(".jpeg", ".jpg")
    out = os.path.join(outdir, "result" + ext)
    args = ["generate", "--prompt", "a replayed answer", "--output", out, "--no-history"]
    transient = kind in ("quota", "error") and status in (408, 429, 500, 502, 503, 504)
    if transient:
        args += ["--retries", "0"]

    if kind == "quota_minute":
        seconds = int(re.match(r"(\d+)", info["retry"][0]).group(1))
        ok, why, _ = countdown_run(cli, args, env, seconds)
        return ok, "%s: %s" % (kind, why)

    timeout = QUOTA_ZERO_BOUND + 5 if kind == "quota_zero" else 120
    rc, stdout, stderr, elapsed = run_cli(cli, args, env, timeout)
    written = sorted(os.listdir(outdir))
    if rc is None:
        return False, "%s: gemini-image did not end within %d s" % (kind, timeout)
    if rc < 0 or rc > 2:
        return False, "%s: gemini-image ended with status %d: %r" % (kind, rc, stderr[-300:])

    if kind == "image":
        if rc != 0:
            return False, "image: exit %d, expected 0: %r" % (rc, stderr[-300:])
        expect = ["result" + ext] + ["result-%d%s" % (i + 1, ext) for i in range(1, len(info["images"]))]
        if written != sorted(expect):
            return False, "image: wrote %s, expected %s" % (written, sorted(expect))
        for fname, data in zip(expect, info["images"]):
            with open(os.path.join(outdir, fname), "rb") as f:
                got = f.read()
            if sniff(data) == ext.lstrip(".").replace("jpg", "jpeg") and got != data:
                return False, "image: %s is not the recorded bytes (%d vs %d bytes)" % (fname, len(got), len(data))
        return True, "image: %d image(s) written byte for byte (%s)" % (len(expect), ext)

    # Every other class: exit 1, nothing written, one sentence.
    if rc != 1:
        return False, "%s: exit %d, expected 1: %r" % (kind, rc, stderr[-300:])
    if written:
        return False, "%s: files written on failure: %s" % (kind, written)
    sentence, problem = one_sentence(stderr)
    if problem:
        return False, "%s: %s" % (kind, problem)
    if kind == "malformed":
        if not has_any(sentence, ["malformed", "not valid", "invalid", "corrupt"]):
            return False, "malformed: the sentence does not say the answer is malformed: %r" % sentence
    elif kind == "blocked":
        if info["reason"] not in sentence or "block" not in sentence.lower():
            return False, "blocked: the sentence does not name the block (%s): %r" % (info["reason"], sentence)
    elif kind == "no_image":
        if info["reason"] not in sentence:
            return False, "no_image: the sentence does not name %s: %r" % (info["reason"], sentence)
    elif kind == "text_only":
        if "text" not in sentence.lower():
            return False, "text_only: the sentence does not say text only: %r" % sentence
        if info["text"].split()[0] not in stdout:
            return False, "text_only: the model's text is not on stdout"
    elif kind == "quota_zero":
        if elapsed >= QUOTA_ZERO_BOUND:
            return False, "quota_zero: took %.1f s (bound %.0f s): %r" % (elapsed, QUOTA_ZERO_BOUND, sentence)
        if server.requests != 1:
            return False, "quota_zero: %d requests, expected 1 (no wait can help)" % server.requests
        if "billing" not in sentence.lower():
            return False, "quota_zero: the sentence does not mention billing: %r" % sentence
        return True, "quota_zero: %.1f s, 1 request: %s" % (elapsed, sentence)
    elif kind == "quota_day":
        if server.requests != 1 or not has_any(sentence, ["day", "daily", "tomorrow"]):
            return False, "quota_day: %d requests; %r" % (server.requests, sentence)
    elif kind == "quota":
        if not has_any(sentence, ["quota", "rate", "limit"]):
            return False, "quota: the sentence does not name the limit: %r" % sentence
    else:
        words, what = error_words(info, status)
        if not has_any(sentence, words):
            return False, "error %d: the sentence does not name %s: %r" % (status, what, sentence)
    return True, "%s: %s" % (kind, sentence)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cli", required=True)
    ap.add_argument("--answers", default=DEFAULT_ANSWERS)
    ap.add_argument("--only", help="a file name glob")
    ap.add_argument("--keep", action="store_true", help="keep the work directory")
    opts = ap.parse_args()
    answers = os.path.normpath(opts.answers)
    if not os.path.isfile(os.path.join(answers, "INDEX.tsv")):
        print("NOT RUN: replay: the recorded answers are absent (%s/INDEX.tsv)" % answers)
        print("0 passed, 0 failed, 0 skipped")
        return 0
    if not os.access(opts.cli, os.X_OK):
        print("FAIL setup: no gemini-image at %s" % opts.cli)
        print("0 passed, 1 failed, 0 skipped")
        return 1
    rows = [(n, m, int(s)) for n, m, s in read_index(answers) if in_scope(n, s)]
    if opts.only:
        rows = [r for r in rows if fnmatch.fnmatch(r[0], opts.only)]
    work = tempfile.mkdtemp(prefix="gg-replay-")
    server = Replay()
    passed = failed = skipped = 0
    t0 = time.time()
    try:
        for name, model, status in rows:
            if not os.path.exists(os.path.join(answers, name)):
                print("FAIL %s: listed in INDEX.tsv but absent" % name)
                failed += 1
                continue
            try:
                ok, why = check(opts.cli, server, answers, work, name, status)
            except Exception as e:  # noqa: BLE001 - a harness bug is a failure, never a pass
                ok, why = False, "harness error: %r" % e
            print("%s %s: %s" % ("PASS" if ok else "FAIL", name, why), flush=True)
            passed += ok
            failed += not ok
    finally:
        server.stop()
        if not opts.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print("work directory kept: %s" % work, file=sys.stderr)
    print("replay: %d recordings in %.0f s" % (len(rows), time.time() - t0), file=sys.stderr)
    print("%d passed, %d failed, %d skipped" % (passed, failed, skipped))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
