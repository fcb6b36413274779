#!/usr/bin/python3
"""Fault table of issue 6 for the CLI: gemini-image against hostile answers.

Starts tests/fake_gemini/server.py on a free loopback port and runs
`gemini-image generate` (and `edit` where it matters) once per fault
scenario.  Each row asserts what a user or a script can observe:

  * the outcome: success with a valid image file, or failure;
  * the exit status (0 only with an image, 1 for API/answer errors,
    2 for usage errors such as a missing key);
  * on failure, stderr is ONE sentence starting "gemini-image: ", with no
    stack trace, sanitizer/valgrind report, parser jargon or bare status;
  * the API key never appears in stdout/stderr (nor in a URL the server saw);
  * nothing is written on failure (an existing output file is untouched)
    and no temporary file is left in the output directory;
  * no crash (signal, 134, 139, sanitizer exit codes) and, with --valgrind,
    a clean valgrind report;
  * a time bound, a peak-RSS bound where it matters, and the number of
    requests the server saw (retries happen, or must not happen).

Prints a table and "N passed, N failed" on the last line; exits 1 on any
failure.  Usage:

  /usr/bin/python3 tests/faults/run.py --cli BUILD/cli/gemini-image \
      --server tests/fake_gemini/server.py [--valgrind] [--only NAME[,NAME]] \
      [--json FILE]
"""

import argparse
import fnmatch
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
import urllib.request

try:
    from PIL import Image
except ImportError:  # a setup error, never a skip
    sys.exit("tests/faults/run.py needs Pillow: run it with /usr/bin/python3 (python3-pil)")

KEY = "fake-key-for-tests"
WRONG_KEY = "wrong-key-for-tests-9c1e7a"
FLASH = "gemini-2.5-flash-image"
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "fake_gemini"))
from fake_images import sniff  # noqa: E402  (the one sniffing of the tests)
ASAN_EXIT = 86
UBSAN_EXIT = 87
LSAN_EXIT = 88
VALGRIND_EXIT = 99

# Words that must never reach the user in an error sentence.
FORBIDDEN = [
    (re.compile(r"json[ _-]*parse|parse error|syntax error|unexpected (token|character|end)|"
                r"json-glib|JsonParser", re.I), "parser jargon"),
    (re.compile(r"Traceback|Segmentation|core dumped|Aborted|\bassert", re.I), "crash text"),
    (re.compile(r"Sanitizer|runtime error:|==\d+==", re.I), "sanitizer/valgrind report"),
    (re.compile(r"\(null\)|CRITICAL|WARNING \*\*|GLib-|GLib:|GEGL-|\*\* \(", re.I), "GLib/GEGL noise"),
    (re.compile(r"CURLE_|curl: \(|libcurl", re.I), "curl jargon"),
]
BARE_STATUS = re.compile(r"^gemini-image: *(error|HTTP)? *\d{3}[ .:]*$", re.I)


EXT_FORMAT = {".png": "png", ".jpg": "jpeg", ".jpeg": "jpeg", ".webp": "webp"}


# --------------------------------------------------------------- scenarios

def case(name, expect, sentence=None, *, scenario=None, params=None, queue=None,
         args=(), command="generate", out="o.png", key=KEY, existing=False,
         exit=None, seconds=10.0, min_seconds=None, rss_mb=None, requests=None,
         sigint_after=None, note=""):
    """One row.  expect: "ok", "fail" or "either"; sentence: a regex the error
    sentence must match (case-insensitive); requests: the exact number of
    generateContent requests the server must have seen (None: not checked)."""
    if exit is None:
        exit = {"ok": 0, "fail": 1, "either": None}[expect]
    return dict(name=name, expect=expect, sentence=sentence, scenario=scenario,
                params=params or {}, queue=queue, args=list(args), command=command,
                out=out, key=key, existing=existing, exit=exit, seconds=seconds,
                min_seconds=min_seconds, rss_mb=rss_mb, requests=requests,
                sigint_after=sigint_after, note=note)


FAST = ["--retries", "0", "--stall-timeout", "2", "--timeout", "20"]
NORETRY = ["--retries", "2", "--stall-timeout", "2", "--timeout", "20"]  # must not retry anyway

CASES = [
    case("ok", "ok", scenario="ok", args=FAST, requests=1),
    case("edit_ok", "ok", scenario="ok", command="edit", args=FAST, requests=1),
    # --- network faults
    case("stall_after_headers", "fail", r"stopp|stall|no data", scenario="stall_after_headers",
         args=FAST, seconds=2 + 3, requests=1),
    case("edit_stall_existing", "fail", r"stopp|stall|no data", scenario="stall_after_headers",
         command="edit", existing=True, args=FAST, seconds=2 + 3, requests=1,
         note="an existing output file stays untouched"),
    case("slow_think_ok", "ok", scenario="slow", params={"delay": 4}, args=FAST, min_seconds=3.5,
         seconds=4 + 4, requests=1, note="think time > stall timeout is not a stall"),
    case("drip_1Bps", "fail", r"longer than|time limit|timeout|too slow|slow", scenario="drip",
         params={"rate": 1}, args=["--retries", "0", "--stall-timeout", "2", "--timeout", "6"],
         seconds=6 + 3, requests=1),
    case("reset_mid_body", "fail", r"closed|reset|connection|incomplete|cut", scenario="reset",
         args=FAST, requests=1),
    case("truncated_body", "fail", r"closed|connection|incomplete|cut|truncat", scenario="truncated",
         args=FAST, requests=1),
    case("503_burst_then_ok", "ok", queue=["error_503"] * 3 + ["ok"],
         args=["--retries", "4", "--stall-timeout", "2", "--timeout", "60"], seconds=20, requests=4),
    case("503_all", "fail", r"overload|unavailable", scenario="error_503",
         args=["--retries", "2", "--stall-timeout", "2", "--timeout", "60"], seconds=15, requests=3,
         note="sentence names the attempts"),
    case("429_storm_then_ok", "ok", queue=["error_429", "ok"], params={"retry_delay": "1s"},
         args=["--retries", "4", "--stall-timeout", "2", "--timeout", "60"], min_seconds=1.0,
         seconds=15, requests=2, note="RetryInfo 1s honoured (once)"),
    case("429_storm", "fail", r"limit", scenario="error_429", params={"retry_delay": "1s"},
         args=["--retries", "4", "--stall-timeout", "2", "--timeout", "60"], min_seconds=1.0,
         seconds=12, requests=2, note="RetryInfo honoured once: the sentence says it waited"),
    case("429_retry_beyond_timeout", "fail", r"rate|quota", scenario="error_429",
         params={"retry_delay": "30s"},
         args=["--retries", "2", "--stall-timeout", "2", "--timeout", "5"], seconds=5 + 3,
         requests=1, note="RetryInfo 30s > --timeout 5: the sentence must say rate limit"),
    case("429_retry_delay_400s", "fail", r"rate|quota", scenario="error_429",
         params={"retry_delay": "400s"},
         args=["--retries", "2", "--stall-timeout", "2", "--timeout", "60"], seconds=3, requests=1,
         note="a RetryInfo beyond the engine's 300 s ceiling fails at once"),
    case("sigint_during_download", "fail", r"interrupt", scenario="stall_after_headers",
         args=["--retries", "0", "--stall-timeout", "30", "--timeout", "60"],
         exit=130, sigint_after=1.0, seconds=1.0 + 1.0, requests=1,
         note="Ctrl-C while the body is awaited: 130 within 1 s"),
    case("sigint_during_think", "fail", r"interrupt", scenario="slow", params={"delay": 30},
         command="edit", existing=True, args=["--retries", "0", "--stall-timeout", "30", "--timeout", "60"], exit=130, sigint_after=1.0, seconds=1.0 + 1.0,
         requests=None, note="Ctrl-C before the headers: 130 within 1 s"),
    case("500_then_ok", "ok", queue=["error_500", "ok"],
         args=["--retries", "1", "--stall-timeout", "2", "--timeout", "60"], seconds=10, requests=2),
    # --- hostile bodies
    case("truncated_gzip", "fail", None, scenario="truncated_gzip", args=NORETRY, requests=1),
    case("gzip_bomb", "fail", r"limit|larger|too (large|big)", scenario="gzip_bomb", args=FAST,
         seconds=25, rss_mb=600, requests=1),
    case("huge_body_1GB", "fail", r"limit|larger|too (large|big)", scenario="huge_body", args=FAST,
         seconds=15, rss_mb=600, requests=1),
    case("huge_body_1GB_length", "fail", r"limit|larger|too (large|big)", scenario="huge_body",
         params={"content_length": True}, args=FAST, seconds=15, rss_mb=600, requests=1,
         note="with Content-Length: 1 GiB"),
    case("many_images_200", "ok", None, scenario="many_images", args=NORETRY, seconds=20,
         rss_mb=600, requests=1, note="the first 16 images are kept, with a warning"),
    case("huge_dims", "fail", r"decod|pixels|too large|limit", scenario="huge_dims", args=NORETRY,
         rss_mb=300, requests=1),
    case("edit_huge_dims_existing", "fail", r"decod|pixels|too large|limit", scenario="huge_dims",
         command="edit", existing=True, args=NORETRY, rss_mb=300, requests=1),
    case("corrupt_png", "fail", r"decod|corrupt|invalid|damaged", scenario="corrupt_png",
         args=NORETRY, requests=1),
    case("corrupt_jpeg", "fail", r"decod|corrupt|invalid|damaged", scenario="corrupt_jpeg",
         args=NORETRY, requests=1),
    case("edit_corrupt_jpeg_existing", "fail", r"decod|corrupt|invalid|damaged",
         scenario="corrupt_jpeg", command="edit", out="o.jpg", existing=True, args=NORETRY,
         requests=1),
    case("invalid_base64", "fail", r"base64|malformed|invalid|decod", scenario="invalid_base64",
         args=NORETRY, requests=1),
    case("jpeg_as_png", "ok", scenario="jpeg_as_png", args=FAST, requests=1,
         note="JPEG bytes declared image/png, written as a real PNG"),
    case("edit_jpeg_as_png_to_jpg", "ok", scenario="jpeg_as_png", command="edit", out="o.jpg",
         args=FAST, requests=1),
    case("deep_json_100000", "fail", None, scenario="deep_json", args=NORETRY, requests=1),
    case("wrong_types_mixed", "fail", None, scenario="wrong_types", params={"variant": "mixed"},
         args=NORETRY, requests=1),
    case("wrong_types_candidates_string", "fail", None, scenario="wrong_types",
         params={"variant": "candidates_string"}, args=NORETRY, requests=1),
    case("wrong_types_parts_number", "fail", None, scenario="wrong_types",
         params={"variant": "parts_number"}, args=NORETRY, requests=1),
    case("wrong_types_null_everything", "fail", None, scenario="wrong_types",
         params={"variant": "null_everything"}, args=NORETRY, requests=1),
    case("missing_fields", "fail", None, scenario="missing_fields", args=NORETRY, requests=1),
    case("empty_candidates", "fail", None, scenario="empty_candidates", args=NORETRY, requests=1),
    case("malformed_json", "fail", None, scenario="malformed_json", args=NORETRY, requests=1),
    # --- answers without an image, API errors
    case("wrong_key", "fail", r"key", scenario="ok", key=WRONG_KEY, args=NORETRY, requests=1),
    case("missing_key", "fail", r"key", scenario="ok", key=None, args=FAST, exit=2, requests=0,
         note="usage error: nothing sent"),
    case("blocked", "fail", r"block", scenario="blocked", args=NORETRY, requests=1),
    case("safety", "fail", r"safety", scenario="safety", args=NORETRY, requests=1),
    case("text_only", "fail", r"text", scenario="text_only", args=NORETRY, requests=1),
    case("html_502", "fail", r"proxy|network|page", scenario="html_502", args=FAST, requests=1),
    case("empty_502", "fail", r"proxy|network|empty", scenario="empty_502", args=FAST, requests=1),
    case("html_200", "fail", r"proxy|portal|page", scenario="html_200", args=NORETRY, requests=1),
    case("error_404", "fail", r"not found|not available|renamed|retired", scenario="error_404", args=NORETRY,
         requests=1),
    case("error_429_zero", "fail", r"quota|billing", scenario="error_429_zero", args=NORETRY,
         requests=1, note="quota 0: never retried"),
    # --- the shapes recorded from the live service (December 2026)
    case("no_image", "fail", r"NO_IMAGE", scenario="no_image", args=NORETRY, requests=1,
         note="content {} and no finishMessage, as recorded"),
    case("image_prohibited", "fail", r"IMAGE_PROHIBITED_CONTENT", scenario="image_prohibited",
         args=NORETRY, requests=1),
    case("blocked_prohibited", "fail", r"PROHIBITED_CONTENT", scenario="blocked",
         params={"reason": "PROHIBITED_CONTENT"}, args=NORETRY, requests=1,
         note="no candidates key, as recorded"),
    case("error_429_day", "fail", r"(?i)daily|per-day|per day|tomorrow|reset", scenario="error_429_day",
         args=NORETRY, requests=1, note="a per-day quota: no wait helps"),
    case("error_400_thinking", "fail", r"(?i)thinking level", scenario="error_400_thinking",
         args=NORETRY, requests=1),
]


# --------------------------------------------------------------- the server

class Server:
    def __init__(self, path, workdir):
        self.port_file = os.path.join(workdir, "port")
        self.log = open(os.path.join(workdir, "server.log"), "wb")
        self.proc = subprocess.Popen(
            ["/usr/bin/python3", path, "--port", "0", "--port-file", self.port_file,
             "--quiet", "--warm", "--key", KEY],
            stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        deadline = time.time() + 20
        self.port = None
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("the fake server exited with %s (see %s)"
                                   % (self.proc.returncode, self.log.name))
            try:
                with open(self.port_file) as f:
                    text = f.read().strip()
                if text:
                    self.port = int(text)
                    break
            except (OSError, ValueError):
                pass
            time.sleep(0.05)
        if not self.port:
            self.stop()
            raise RuntimeError("the fake server did not start within 20 s")
        self.base = "http://127.0.0.1:%d" % self.port

    def control(self, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method="POST" if data else "GET",
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=30) as r:
            return json.loads(r.read() or b"null")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


# --------------------------------------------------------------- one run

TIME = "/usr/bin/time"


def run_child(argv, env, stdout_path, stderr_path, hard_limit, sigint_after=None):
    """Runs argv; returns (status, seconds, peak RSS in MB, killed).  status is
    the exit code, or -signal.  The peak RSS is the child's own maximum
    resident set as GNU time reports it (%M, KiB); without /usr/bin/time it
    is wait4()'s ru_maxrss, which also counts this Python process at fork
    time (an upper bound, ~30 MB too high)."""
    rss_file = stdout_path + ".rss"
    if os.access(TIME, os.X_OK):
        argv = [TIME, "-f", "%M", "-o", rss_file] + argv
    with open(stdout_path, "wb") as out, open(stderr_path, "wb") as err:
        start = time.monotonic()
        proc = subprocess.Popen(argv, env=env, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                start_new_session=True)
    killed = False
    interrupted = False
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid == proc.pid:
            break
        if sigint_after is not None and not interrupted and time.monotonic() - start > sigint_after:
            interrupted = True
            try:  # the whole group, as a terminal's Ctrl-C; GNU time ignores it
                os.killpg(proc.pid, signal.SIGINT)
            except ProcessLookupError:
                pass
        if time.monotonic() - start > hard_limit and not killed:
            killed = True
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.01)
    seconds = time.monotonic() - start
    proc.returncode = 0  # reaped here; keep Popen from waiting again
    code = os.waitstatus_to_exitcode(status)
    rss_kib = usage.ru_maxrss
    if argv[0] == TIME:
        try:
            with open(rss_file) as f:
                lines = f.read().split("\n")
            nums = [int(ln) for ln in lines if ln.strip().isdigit()]
            if nums:
                rss_kib = nums[-1]
            m = re.search(r"terminated by signal (\d+)", "\n".join(lines))
            if m and code >= 128:
                code = -int(m.group(1))  # GNU time exits 128+N for a signal
        except OSError:
            pass
    return code, seconds, rss_kib / 1024.0, killed


def file_ok(path, want_format):
    """None when path is a complete, decodable image of want_format."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        return "cannot read %s: %s" % (os.path.basename(path), e)
    fmt = sniff(data)
    if fmt != want_format:
        return "%s holds %s bytes, not %s" % (os.path.basename(path), fmt, want_format)
    try:
        with Image.open(io.BytesIO(data)) as im:
            im.load()
            if im.width < 16 or im.height < 16:
                return "%s is only %dx%d" % (os.path.basename(path), im.width, im.height)
    except Exception as e:  # any decoder complaint is a defect of the file
        return "%s does not decode: %s" % (os.path.basename(path), e)
    return None


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def output_names(out):
    """FILE, FILE-2, FILE-3 ... as the CLI names several images."""
    stem, ext = os.path.splitext(out)
    return re.compile(r"^%s(-[0-9]+)?%s$" % (re.escape(stem), re.escape(ext)))


def run_case(c, opts, server, work, input_png):
    res = dict(name=c["name"], expect=c["expect"], outcome="?", exit=None, seconds=0.0,
               rss_mb=0.0, sentence="", problems=[], note=c["note"])
    problems = res["problems"]
    cdir = os.path.join(work, c["name"])
    outdir = os.path.join(cdir, "out")
    home = os.path.join(cdir, "home")
    os.makedirs(outdir)
    os.makedirs(home)

    server.control("/_control/reset", {})
    body = {}
    if c["scenario"]:
        body["scenario"] = c["scenario"]
    if c["queue"]:
        body["queue"] = c["queue"]
    if c["params"]:
        body["params"] = c["params"]
    if body:
        server.control("/_control/scenario", body)

    out_path = os.path.join(outdir, c["out"])
    existing_hash = None
    if c["existing"]:
        fmt = EXT_FORMAT[os.path.splitext(c["out"])[1]]
        Image.new("RGB", (40, 30), (10, 200, 30)).save(out_path, {"jpeg": "JPEG", "png": "PNG",
                                                                  "webp": "WEBP"}[fmt])
        existing_hash = sha256(out_path)
    before = set(os.listdir(outdir))

    argv = [opts.cli, c["command"]]
    if c["command"] == "edit":
        argv += ["--input", input_png]
    argv += ["--prompt", "a lighthouse on a cliff", "--output", out_path, "--model", FLASH, "-q"]
    argv += c["args"]

    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": home,
           "XDG_CONFIG_HOME": os.path.join(home, ".config"),
           "XDG_DATA_HOME": os.path.join(home, ".local", "share"),
           "XDG_CACHE_HOME": os.path.join(home, ".cache"),
           "TMPDIR": os.path.join(cdir), "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
           "GOOGLE_GEMINI_BASE_URL": server.base,
           "ASAN_OPTIONS": "detect_leaks=1:exitcode=%d:%s" % (ASAN_EXIT, os.environ.get("ASAN_OPTIONS", "")),
           "UBSAN_OPTIONS": "print_stacktrace=1:halt_on_error=1:exitcode=%d" % UBSAN_EXIT,
           "LSAN_OPTIONS": "exitcode=%d" % LSAN_EXIT}
    if c["key"]:
        env["GEMINI_API_KEY"] = c["key"]

    vg_log = os.path.join(cdir, "valgrind.%p.log")
    if opts.valgrind:
        vg = ["valgrind", "-q", "--error-exitcode=%d" % VALGRIND_EXIT, "--leak-check=full",
              "--errors-for-leak-kinds=definite", "--show-leak-kinds=definite",
              "--log-file=" + vg_log]
        supp = os.path.join(HERE, "valgrind.supp")
        if os.path.exists(supp):
            vg.append("--suppressions=" + supp)
        argv = vg + argv

    bound = c["seconds"] * opts.slow_factor + opts.slow_extra
    stdout_path = os.path.join(cdir, "stdout")
    stderr_path = os.path.join(cdir, "stderr")
    sigint_after = c["sigint_after"]
    if sigint_after is not None and opts.valgrind:
        sigint_after += 5.0  # valgrind's start-up
    code, secs, rss, killed = run_child(argv, env, stdout_path, stderr_path, bound + 20, sigint_after)
    res["exit"], res["seconds"], res["rss_mb"] = code, secs, rss
    with open(stdout_path, "rb") as f:
        stdout = f.read().decode("utf-8", "replace")
    with open(stderr_path, "rb") as f:
        stderr = f.read().decode("utf-8", "replace")
    lines = [ln for ln in stderr.splitlines() if ln.strip()]
    res["sentence"] = lines[0] if len(lines) == 1 else " / ".join(lines)[:400]

    # --- crash, sanitizers, valgrind
    if killed:
        problems.append("hung: killed after %.0f s" % (bound + 20))
    if code < 0:
        problems.append("killed by signal %d" % -code)
    elif code in (134, 139, ASAN_EXIT, UBSAN_EXIT, LSAN_EXIT, VALGRIND_EXIT):
        problems.append("crash/sanitizer/valgrind exit %d" % code)
    if re.search(r"Sanitizer|runtime error:", stderr):
        problems.append("sanitizer report on stderr")
    if opts.valgrind:
        for name in os.listdir(cdir):
            if name.startswith("valgrind.") and name.endswith(".log"):
                with open(os.path.join(cdir, name), errors="replace") as f:
                    text = f.read()
                if text.strip():
                    problems.append("valgrind: %s" % " ".join(text.split())[:300])

    # --- the key
    for k in sorted(set(filter(None, (KEY, WRONG_KEY, c["key"])))):
        if k in stdout or k in stderr:
            problems.append("the API key appears in the output")
    try:
        log = server.control("/_control/log")
    except Exception as e:
        log = []
        problems.append("cannot read the server log: %s" % e)
    gens = [e for e in log if "generateContent" in e.get("path", "")]
    if any(e.get("key_in_url") for e in log):
        problems.append("the key was sent in the URL")
    if c["requests"] is not None and len(gens) != c["requests"]:
        problems.append("%d requests reached the server, expected %d" % (len(gens), c["requests"]))

    # --- outcome and files
    after = set(os.listdir(outdir))
    new = sorted(after - before)
    success = code == 0
    res["outcome"] = "success" if success else "failure"
    if c["exit"] is not None and code != c["exit"]:
        problems.append("exit %d, expected %d" % (code, c["exit"]))
    if c["expect"] == "ok" and not success:
        problems.append("expected success")
    if c["expect"] == "fail" and success:
        problems.append("expected failure")
    if code not in (0, 1, 2, c["exit"]):
        problems.append("exit %d is not 0, 1 or 2" % code)

    if success:
        fmt = EXT_FORMAT[os.path.splitext(c["out"])[1]]
        pat = output_names(c["out"])
        produced = sorted(n for n in after if pat.match(n))
        strays = sorted(n for n in after if not pat.match(n))
        if c["out"] not in produced:
            problems.append("exit 0 but no %s" % c["out"])
        for n in produced:
            bad = file_ok(os.path.join(outdir, n), fmt)
            if bad:
                problems.append(bad)
                break
        if strays:
            problems.append("stray files left: %s" % ", ".join(strays[:5]))
        for ln in lines:
            if not ln.startswith("gemini-image: "):
                problems.append("unexpected stderr line: %r" % ln[:120])
                break
    else:
        if new:
            problems.append("files written on failure: %s" % ", ".join(new[:5]))
        if after != before and not new:
            problems.append("files removed on failure")
        if existing_hash and (not os.path.exists(out_path) or sha256(out_path) != existing_hash):
            problems.append("the existing output file was changed")
        if len(lines) != 1:
            problems.append("stderr has %d lines, expected one sentence" % len(lines))
        if lines:
            s = lines[0]
            if not s.startswith("gemini-image: "):
                problems.append("sentence does not start with 'gemini-image: '")
            if not re.search(r"[.!]['\"”’)]*$", s):
                problems.append("sentence does not end with a full stop")
            if BARE_STATUS.match(s) or len(s.split()) < 4:
                problems.append("sentence too bare")
            if c["sentence"] and not re.search(c["sentence"], s, re.I):
                problems.append("sentence does not match /%s/" % c["sentence"])
            if c["name"] == "503_all" and not re.search(r"attempt|tri(ed|es)", s, re.I):
                problems.append("sentence does not name the attempts")
            if c["name"] == "429_storm" and not re.search(r"after waiting", s, re.I):
                problems.append("sentence does not say it waited")
        for rx, what in FORBIDDEN:
            if rx.search(stderr):
                problems.append("stderr has %s" % what)
                break

    tmp_strays = sorted(n for n in os.listdir(cdir)
                        if n not in ("out", "home", "stdout", "stderr", "stdout.rss")
                        and not (n.startswith("valgrind.") and n.endswith(".log")))
    if tmp_strays:
        problems.append("temporary files left in TMPDIR: %s" % ", ".join(tmp_strays[:5]))

    # --- bounds
    if secs > bound:
        problems.append("took %.1f s, bound %.1f s" % (secs, bound))
    if c["min_seconds"] and secs < c["min_seconds"]:
        problems.append("took %.1f s, less than %.1f s (delay not honoured)" % (secs, c["min_seconds"]))
    if c["rss_mb"] and opts.rss_check and rss > c["rss_mb"]:
        problems.append("peak RSS %.0f MB > %d MB" % (rss, c["rss_mb"]))

    res["ok"] = not problems
    if res["ok"] and not opts.keep:
        shutil.rmtree(cdir, ignore_errors=True)
    return res


# --------------------------------------------------------------- table

def shorten(s, n):
    s = s.replace("gemini-image: ", "", 1) if s.startswith("gemini-image: ") else s
    return s if len(s) <= n else s[:n - 1] + "…"


def print_table(results, width):
    head = ["scenario", "expected", "outcome", "exit", "time (s)", "peak RSS (MB)", "sentence"]
    rows = []
    for r in results:
        rows.append([("" if r["ok"] else "FAIL ") + r["name"], r["expect"], r["outcome"],
                     str(r["exit"]), "%.2f" % r["seconds"], "%.0f" % r["rss_mb"],
                     shorten(r["sentence"], width)])
    widths = [max(len(h), *(len(row[i]) for row in rows)) if rows else len(h)
              for i, h in enumerate(head)]
    fmt = " | ".join("%%-%ds" % w for w in widths[:-1]) + " | %s"
    print(fmt % tuple(head))
    print("-+-".join("-" * w for w in widths[:-1]) + "-+-" + "-" * min(widths[-1], width))
    for row in rows:
        print(fmt % tuple(row))
    bad = [r for r in results if not r["ok"]]
    if bad:
        print()
        for r in bad:
            print("FAIL %s: %s" % (r["name"], "; ".join(r["problems"])))
            print("     stderr: %s" % r["sentence"][:400])


def is_sanitized(path):
    try:
        with open(path, "rb") as f:
            return b"__asan_init" in f.read()
    except OSError:
        return False


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cli", required=True, help="the gemini-image binary")
    ap.add_argument("--server", required=True, help="tests/fake_gemini/server.py")
    ap.add_argument("--valgrind", action="store_true", help="run each CLI under valgrind")
    ap.add_argument("--only", action="append", default=[],
                    help="scenario names or globs (comma-separated, repeatable)")
    ap.add_argument("--json", help="write the results as JSON to this file")
    ap.add_argument("--keep", action="store_true", help="keep the work directory of passing rows")
    ap.add_argument("--list", action="store_true", help="list the scenarios and exit")
    opts = ap.parse_args()

    if opts.list:
        for c in CASES:
            print("%-32s %-6s %s" % (c["name"], c["expect"], c["note"]))
        return 0
    opts.cli = os.path.abspath(opts.cli)
    if not os.access(opts.cli, os.X_OK):
        print("gemini-image not found or not executable: %s" % opts.cli)
        print("0 passed, 1 failed")
        return 1
    if opts.valgrind and not shutil.which("valgrind"):
        print("--valgrind given but valgrind is not installed")
        print("0 passed, 1 failed")
        return 1
    sanitized = is_sanitized(opts.cli)
    # Sanitizers and valgrind slow the CLI down and inflate its RSS: widen the
    # time bounds (stall and timeout detection still run on the wall clock)
    # and report the RSS without judging it.
    opts.slow_factor, opts.slow_extra = 1.0, 0.0
    if sanitized:
        opts.slow_factor, opts.slow_extra = 2.0, 3.0
    if opts.valgrind:
        opts.slow_factor, opts.slow_extra = 4.0, 20.0
    opts.rss_check = not sanitized and not opts.valgrind

    patterns = [p for arg in opts.only for p in arg.split(",") if p]
    cases = [c for c in CASES if not patterns or any(fnmatch.fnmatch(c["name"], p) for p in patterns)]
    if not cases:
        print("--only matched no scenario (see --list)")
        print("0 passed, 1 failed")
        return 1

    work = tempfile.mkdtemp(prefix="gg-faults-")
    input_png = os.path.join(work, "input.png")
    im = Image.new("RGB", (320, 240))
    px = im.load()
    for y in range(240):
        for x in range(320):
            px[x, y] = (x * 255 // 319, y * 255 // 239, (x ^ y) & 255)
    im.save(input_png)

    started = time.monotonic()
    results = []
    try:
        server = Server(opts.server, work)
    except Exception as e:
        print("cannot start the fake server: %s" % e)
        print("0 passed, 1 failed")
        return 1
    try:
        for c in cases:
            try:
                r = run_case(c, opts, server, work, input_png)
            except Exception as e:  # a harness problem is a failed row, never a crash
                r = dict(name=c["name"], expect=c["expect"], outcome="error", exit=None, seconds=0.0,
                         rss_mb=0.0, sentence="", problems=["harness: %r" % e], ok=False, note="")
            results.append(r)
            sys.stderr.write("%s %s (%.1f s)\n" % ("ok  " if r["ok"] else "FAIL", r["name"], r["seconds"]))
            sys.stderr.flush()
    finally:
        server.stop()

    total = time.monotonic() - started
    mode = ("ASan+UBSan" if sanitized else "normal") + (" build under valgrind" if opts.valgrind else " build")
    print("gemini-image fault table (%s, %s), %.0f s" % (mode, opts.cli, total))
    print()
    print_table(results, 90)
    if opts.json:
        with open(opts.json, "w") as f:
            json.dump({"mode": mode, "cli": opts.cli, "seconds": total, "results": results}, f, indent=1)
    kept = any(not r["ok"] for r in results) or opts.keep
    if kept:
        print()
        print("work directory kept: %s" % work)
    else:
        shutil.rmtree(work, ignore_errors=True)
    passed = sum(1 for r in results if r["ok"])
    failed = len(results) - passed
    print()
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
