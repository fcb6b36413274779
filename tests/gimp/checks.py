#!/usr/bin/python3
"""Host side of the GIMP 3 tests (tests/gimp/run.sh): inputs, server control,
and the verdicts.

    checks.py prepare DIR           write the input pictures into DIR
    checks.py control PORT JSON     POST /_control/scenario to the fake server
    checks.py log PORT FILE         save GET /_control/log into FILE
    checks.py killer WORK PORT      kill the plug-in mid-request for each phase
                                    pdb.py's cancel part names in OUT/cancel-phase
    checks.py scan-argv WORK        read every process's argv until WORK/scan-stop
                                    exists, looking for the key
    checks.py check WORK            judge WORK's outputs; one line per check:
                                    "PASS name" or "FAIL name: why"
                                    (the test key comes in GG_GIMP_TEST_KEY)
    checks.py count                 the number of checks "check" holds (its
                                    registry, built on an empty WORK)
    checks.py part FILE WORK LOG    judge one part_*.py file's run: calls its
                                    host_check (work, reports, verdicts), the
                                    reports being LOG's GGT-JSON lines

Every check reports: check () only registers the checks (Verdicts), then
runs each of them on its own, so that an exception in one is that check's
FAIL and the others still run; the lines are printed as they are decided.
The exit status is 0 when the judge itself completed (whatever the
verdicts); run.sh fails the stage when it is not, or when fewer checks
reported than "count" says.

A part file (tests/gimp/part_NAME.py) holds one group of checks: run.sh
runs it in GIMP after pdb.py's helpers (GG_GIMP_PART=lib), calling its
gimp_part (), then judges it on the host with its host_check ().  It must
import nothing from gi at module level, so that the host can load it.
GG_GIMP_PARTS="NAME ..." (names without part_) makes run.sh run only those
parts, skipping the main groups: quick iteration on one part.

Standard library + Pillow (Debian's python3-pil).
"""
import glob
import json
import os
import random
import re
import signal
import sys
import time
import urllib.request

from PIL import Image, ImageDraw

NO_KEY = "No Gemini API key: set GEMINI_API_KEY or use Filters > Gemini > API Key…"
INDEXED = "Indexed images are not supported: convert to RGB (Image > Mode > RGB)"


# ------------------------------------------------------------------ inputs

def texture(width, height, seed):
    """A picture with structure everywhere, so that realignment and colour
    matching have something to hold on to."""
    rnd = random.Random(seed)
    img = Image.new("RGB", (width, height))
    px = img.load()
    for y in range(height):
        for x in range(width):
            px[x, y] = ((x * 255) // width, (y * 255) // height, ((x ^ y) * 7) & 255)
    draw = ImageDraw.Draw(img)
    for _ in range(40):
        x, y = rnd.randrange(width), rnd.randrange(height)
        r = rnd.randrange(5, 40)
        colour = tuple(rnd.randrange(256) for _ in range(3))
        (draw.ellipse if rnd.random() < 0.5 else draw.rectangle)((x - r, y - r, x + r, y + r), fill=colour)
    return img


def prepare(folder):
    os.makedirs(folder, exist_ok=True)
    texture(500, 400, 1).save(os.path.join(folder, "texture.png"))
    texture(300, 200, 2).convert("L").save(os.path.join(folder, "gray.png"))
    alpha = texture(400, 300, 3).convert("RGBA")
    # A transparent band and a transparent corner.
    a = Image.new("L", alpha.size, 255)
    ImageDraw.Draw(a).rectangle((0, 0, 399, 60), fill=0)
    ImageDraw.Draw(a).ellipse((300, 200, 460, 360), fill=0)
    alpha.putalpha(a)
    alpha.save(os.path.join(folder, "alpha.png"))


# ------------------------------------------------------------------ server

def control(port, body):
    req = urllib.request.Request("http://127.0.0.1:%s/_control/scenario" % port,
                                 data=body.encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        r.read()


def save_log(port, path):
    with urllib.request.urlopen("http://127.0.0.1:%s/_control/log" % port, timeout=10) as r:
        data = r.read()
    with open(path, "wb") as f:
        f.write(data)


# ------------------------------------------------------------------ processes

def plugin_argv(work):
    """The start of this suite's plug-in's argv when GIMP runs a procedure
    (never another profile's plug-in: other GIMPs may run on this host)."""
    return os.path.join(work, "profile", "plug-ins", "gimp-gemini", "gimp-gemini").encode() + b"\0-gimp\0"


def argv_of(pid):
    try:
        with open("/proc/%s/cmdline" % pid, "rb") as f:
            return f.read()
    except OSError:
        return None


def scan_argv(needle, work):
    """(number of processes read, [(pid, argv) holding needle], pids of this
    suite's plug-in running a procedure)."""
    n, hits, plugins = 0, [], []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        argv = argv_of(pid)
        if argv is None:
            continue
        n += 1
        if needle in argv:
            # Recorded without the key itself, which must stay off the disk.
            hits.append((int(pid), argv.replace(needle, b"<KEY>").replace(b"\0", b" ")
                         .decode("utf-8", "replace")))
        if argv.startswith(plugin_argv(work)) and b"\0-run\0" in argv:
            plugins.append(int(pid))
    return n, hits, plugins


def alive(pid):
    """False once the process is gone or a zombie waiting for GIMP."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def sockets_of(pid):
    out = set()
    try:
        for fd in os.listdir("/proc/%d/fd" % pid):
            try:
                link = os.readlink("/proc/%d/fd/%s" % (pid, fd))
            except OSError:
                continue
            if link.startswith("socket:["):
                out.add(link[8:-1])
    except OSError:
        pass
    return out


def connected_to(pid, port):
    """True when the process holds an established TCP connection to port."""
    inodes = sockets_of(pid)
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as f:
                rows = f.read().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            cols = row.split()
            if len(cols) > 9 and cols[3] == "01" and int(cols[2].rsplit(":", 1)[1], 16) == port \
                    and cols[9] in inodes:
                return True
    return False


def control_get(port, what):
    with urllib.request.urlopen("http://127.0.0.1:%s/_control/%s" % (port, what), timeout=10) as r:
        return json.loads(r.read())


def log_since(port, first):
    """The fake server's log entries from the first-th on, slimmed: polling
    the whole log (request bodies and all) is slow on a loaded machine."""
    return [{k: e.get(k) for k in ("path", "scenario", "status", "time")}
            for e in control_get(port, "log?since=%d" % first)]


def killer(work, port):
    """For each phase pdb.py announces in OUT/cancel-phase ("NAME SIGNAL
    FIRST", FIRST the server's log length before the run):
    waits for the plug-in's process and its connection to the server, then
    for the phase's moment (think time: 2 s in, the slow answer not begun;
    download: the drip answer begun), reads every process's argv for the
    key, kills the plug-in and times its end.  Writes WORK/killer.json."""
    key = os.environ["GG_GIMP_TEST_KEY"].encode()
    port = int(port)
    phase_file = os.path.join(work, "out", "cancel-phase")
    results = {}
    seen = None
    deadline = time.time() + 300
    while time.time() < deadline:
        try:
            with open(phase_file) as f:
                line = f.read().split()
        except OSError:
            line = []
        if not line or line == seen:
            time.sleep(0.05)
            continue
        seen = line
        if line[0] == "done":
            break
        name, signame = line[0], line[1]
        # FIRST is optional: without it, the log's length now.
        first = int(line[2]) if len(line) > 2 else control_get(port, "state")["requests"]
        r = results[name] = {"signal": signame}
        scenario = "drip" if name.startswith("download") else "slow"

        def begun():
            return any(e["scenario"] == scenario for e in log_since(port, first))
        r["t_phase"] = time.time()
        t_end = r["t_phase"] + 60
        pid = None
        while time.time() < t_end and pid is None:
            plugins = [p for p in scan_argv(b"\0\0", work)[2] if alive(p)]
            pid = plugins[0] if plugins else None
            time.sleep(0.02)
        if pid is None:
            r["error"] = "no plug-in process appeared"
            continue
        r["pid"] = pid
        r["t_seen"] = time.time()
        while time.time() < t_end and alive(pid) and not connected_to(pid, port):
            time.sleep(0.02)
        r["connected"] = connected_to(pid, port)
        r["t_connected"] = time.time()
        if scenario == "drip":
            while time.time() < t_end and not begun():
                time.sleep(0.05)
        while time.time() < r["t_seen"] + 2.0:
            time.sleep(0.02)
        r["answer_begun"] = begun()
        r["t_begun"] = time.time()
        r["log"] = log_since(port, first)
        r["in_flight"] = alive(pid) and connected_to(pid, port)
        r["procs_read"], hits, _ = scan_argv(key, work)
        r["argv_hits"] = hits
        if not alive(pid):
            r["error"] = "the plug-in ended before the kill"
            continue
        r["t_kill"] = time.time()
        os.kill(pid, getattr(signal, "SIG" + signame))
        while alive(pid) and time.time() < r["t_kill"] + 30:
            time.sleep(0.005)
        r["t_gone"] = time.time()
    with open(os.path.join(work, "killer.json"), "w") as f:
        json.dump(results, f, indent=1)


def scanner(work):
    """Reads every process's argv five times a second while the suite runs."""
    key = os.environ["GG_GIMP_TEST_KEY"].encode()
    stop = os.path.join(work, "scan-stop")
    scans, procs, hits, plugins = 0, 0, [], set()
    while not os.path.exists(stop):
        n, h, p = scan_argv(key, work)
        scans += 1
        procs += n
        hits += [x for x in h if x not in hits]
        plugins.update(p)
        time.sleep(0.2)
    with open(os.path.join(work, "argv-scan.json"), "w") as f:
        json.dump({"scans": scans, "procs_read": procs, "hits": hits,
                   "plugin_pids": sorted(plugins)}, f)


# ------------------------------------------------------------------ verdicts

class Verdicts:
    """A registry of checks and, once run () ran them, their verdicts.

    check () and require () register one check each; what they are given may
    be values, or a function that gives them when the check runs (so that
    the judging of one check cannot stop the others).  run () runs every
    registered check once, in order, each on its own: an exception while
    judging one is that check's FAIL.  len () is the number registered."""

    def __init__(self):
        self.registry = []     # [(name, function giving [(bool, why)])]
        self.lines = []

    def __len__(self):
        return len(self.registry)

    def check(self, name, ok, why=""):
        """@ok: a bool, or a function giving one."""
        self.registry.append((name, lambda: [(ok() if callable(ok) else ok, why)]))

    def require(self, name, cond_list):
        """cond_list: [(bool, why)], or a function giving it; the first
        false one is the reason."""
        self.registry.append((name, cond_list if callable(cond_list) else lambda: cond_list))

    @staticmethod
    def verdict(name, conds):
        try:
            for ok, why in conds():
                if not ok:
                    return "FAIL %s: %s" % (name, why)
            return "PASS %s" % name
        except Exception as e:  # noqa: BLE001 - this check's FAIL, not the judge's end
            return "FAIL %s: the check raised %s: %s" % (name, type(e).__name__, e)

    def run(self, out=None):
        """Judges the checks not judged yet, printing each line at once."""
        for name, conds in self.registry[len(self.lines):]:
            line = self.verdict(name, conds)
            self.lines.append(line)
            print(line, file=out or sys.stdout, flush=True)
        return self.lines


def read(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def sf_reports(text):
    """{name: {key: value}} from the Script-Fu 'GGT name k=v ...' lines."""
    out = {}
    for m in re.finditer(r"GGT (\S+)((?: [\w-]+=\S*)*)", text):
        out.setdefault(m.group(1), {}).update(
            dict(kv.split("=", 1) for kv in m.group(2).split()))
    return out


def py_reports(text):
    """{name: report} from the 'GGT-JSON {...}' lines of GIMP's output (the
    Python-Fu parts here, undo3.py's snapshots for tests/gimp/undo.py)."""
    out = {}
    for line in text.splitlines():
        i = line.find("GGT-JSON ")
        if i >= 0:
            try:
                d = json.loads(line[i + 9:])
            except ValueError:
                continue
            out[d.get("name")] = d
    return out


def key_leaks(key, roots):
    """The files under (or among) roots that hold key, byte for byte."""
    leaks = []
    needle = key.encode()
    for root in roots:
        for path in [root] + glob.glob(os.path.join(root, "**"), recursive=True):
            if os.path.isfile(path):
                try:
                    with open(path, "rb") as f:
                        if needle in f.read():
                            leaks.append(path)
                except OSError:
                    pass
    return leaks


def sent_sizes(log):
    """[(width, height)] of every picture the requests in the fake server's
    log sent (its inline data as the server described it)."""
    sizes = []
    for e in log:
        for c in ((e.get("body") or {}).get("contents") or []):
            for p in c.get("parts") or []:
                data = (p.get("inlineData") or p.get("inline_data") or {}).get("data")
                if isinstance(data, dict):
                    sizes.append((data.get("width"), data.get("height")))
    return sizes


def run_logs(work):
    """The logs of a run: GIMP's and the plug-in's output, the server's log,
    the CLI's output."""
    return glob.glob(os.path.join(work, "*.log")) + glob.glob(os.path.join(work, "*.json")) \
        + glob.glob(os.path.join(work, "cli-*.txt"))


def ints(d, *keys):
    return [int(d[k]) for k in keys]


def pixels(path):
    img = Image.open(path)
    return img.mode, img.size, img.tobytes()


def same_pixels(out, before, after):
    a, b = os.path.join(out, before), os.path.join(out, after)
    if not (os.path.exists(a) and os.path.exists(b)):
        return False, "%s or %s was not exported" % (before, after)
    if pixels(a) != pixels(b):
        return False, "the source layer's pixels changed (%s vs %s)" % (before, after)
    return True, ""


def geometry(d):
    return tuple(int(d[k]) for k in ("x", "y", "w", "h"))


def contains(outer, inner):
    ox, oy, ow, oh = outer
    ix, iy, iw, ih = inner
    return ox <= ix and oy <= iy and ix + iw <= ox + ow and iy + ih <= oy + oh


def mask_matches(path, layer_geom, sel):
    """The mask (exported in layer coordinates) is white exactly on the
    selection and black elsewhere."""
    if not os.path.exists(path):
        return False, "the mask was not exported"
    img = Image.open(path).convert("L")
    lx, ly, lw, lh = layer_geom
    if img.size != (lw, lh):
        return False, "mask size %s != layer size %s" % (img.size, (lw, lh))
    sx, sy, sw, sh = sel[0] - lx, sel[1] - ly, sel[2], sel[3]
    px = img.load()
    bad_in = bad_out = 0
    for y in range(lh):
        for x in range(lw):
            inside = sx <= x < sx + sw and sy <= y < sy + sh
            v = px[x, y]
            if inside and v != 255:
                bad_in += 1
            elif not inside and v != 0:
                bad_out += 1
    if bad_in or bad_out:
        return False, "mask wrong: %d pixels inside the selection not white, %d outside not black" % (bad_in, bad_out)
    return True, ""


def changed_inside(out, new_png, src_png, layer_geom, src_geom, sel):
    """The new layer differs from the source inside the selection (the fake
    server tints and marks what it returns)."""
    a = Image.open(os.path.join(out, new_png)).convert("RGB")
    b = Image.open(os.path.join(out, src_png)).convert("RGB")
    lx, ly = layer_geom[0], layer_geom[1]
    sx, sy = src_geom[0], src_geom[1]
    diff = 0
    n = 0
    for y in range(sel[1], sel[1] + sel[3], 4):
        for x in range(sel[0], sel[0] + sel[2], 4):
            pa = a.getpixel((x - lx, y - ly))
            pb = b.getpixel((x - sx, y - sy))
            diff += sum(abs(i - j) for i, j in zip(pa, pb))
            n += 1
    return diff / max(1, n) > 3, "mean difference %.1f" % (diff / max(1, n))


def check(work, key):
    v = Verdicts()
    out = os.path.join(work, "out")
    sf_text = read(os.path.join(work, "script-fu.log"))
    sf = sf_reports(sf_text)
    py = py_reports(read(os.path.join(work, "python-errors.log")))
    py.update(py_reports(read(os.path.join(work, "python-nokey.log"))))
    py.update(py_reports(read(os.path.join(work, "python-conversation.log"))))
    py.update(py_reports(read(os.path.join(work, "python-recovery.log"))))
    py.update(py_reports(read(os.path.join(work, "python-cancel.log"))))

    def sfcheck(name, conds_fn):
        def conds():
            d = sf.get(name)
            if d is None:
                return [(False, "no report from Script-Fu (see %s/script-fu.log)" % work)]
            if d.get("error") == "1":
                return [(False, "the Script-Fu check threw (see %s/script-fu.log)" % work)]
            try:
                return conds_fn(d)
            except (KeyError, ValueError, OSError) as e:
                return [(False, "incomplete report %r (%s)" % (d, e))]
        v.require(name, conds)

    sfcheck("generate", lambda d: [
        ((int(d["w"]), int(d["h"])) == (1344, 768), "image is %sx%s, not 1344x768" % (d["w"], d["h"])),
        (d["layers"] == "1", "layers=%s" % d["layers"])])

    sfcheck("generate-as-layer", lambda d: [
        (d["same-image"] == "1", "a new image was returned"),
        (int(d["layers"]) == int(d["before"]) + 1, "layers %s -> %s" % (d["before"], d["layers"])),
        ((int(d["w"]), int(d["h"])) == (1024, 1024), "layer is %sx%s" % (d["w"], d["h"]))])

    sel = (130, 120, 160, 120)
    src = sf.get("edit-selection-src", {})

    def edit_selection(d, src=src):
        g = geometry(d)
        s = geometry(src)
        return [
            (d["layers"] == "2", "layers=%s, expected 2" % d["layers"]),
            (int(d["pos-new"]) == int(d["pos-src"]) - 1, "new layer not directly above the source"),
            (d["mask"] == "1", "no layer mask"),
            (d["alpha"] == "1" and d["gray"] == "0", "not an RGBA layer"),
            (s == (30, 20, 500, 400), "source layer moved or resized: %s" % (s,)),
            (contains(g, sel), "layer %s does not cover the selection %s" % (g, sel)),
            (contains(s, g), "layer %s leaves the source layer %s" % (g, s)),
            same_pixels(out, "sel-src-before.png", "sel-src-after.png"),
            mask_matches(os.path.join(out, "sel-mask.png"), g, sel),
            changed_inside(out, "sel-new.png", "sel-src-before.png", g, s, sel),
        ]
    sfcheck("edit-selection", edit_selection)

    src = sf.get("edit-whole-src", {})
    sfcheck("edit-whole", lambda d, src=src: [
        (d["layers"] == "2", "layers=%s" % d["layers"]),
        (d["pos-new"] == "0", "not on top"),
        (d["mask"] == "0", "a mask was added with nothing selected"),
        (geometry(d) == geometry(src) == (40, 50, 500, 400),
         "result %s does not cover the layer %s" % (geometry(d), geometry(src))),
        same_pixels(out, "whole-src-before.png", "whole-src-after.png")])

    sfcheck("edit-gray", lambda d: [
        (d["base"] == "1", "image is not grayscale"),
        (d["layers"] == "2", "layers=%s" % d["layers"]),
        (d["gray"] == "1" and d["alpha"] == "1", "result is not a GRAYA layer"),
        (d["mask"] == "1", "no mask"),
        (contains((0, 0, 300, 200), geometry(d)), "result outside the layer")])

    for name in ("edit-u16", "edit-float"):
        sfcheck(name, lambda d, name=name: [
            (d["layers"] == "2", "layers=%s" % d["layers"]),
            (d["mask"] == "1", "no mask"),
            (contains(geometry(d), (200, 150, 100, 80)), "result does not cover the selection"),
            same_pixels(out, name + "-src-before.png", name + "-src-after.png")])

    src = sf.get("edit-alpha-large-src", {})
    sfcheck("edit-alpha-large", lambda d, src=src: [
        (d["layers"] == "2", "layers=%s" % d["layers"]),
        (d["mask"] == "1", "no mask"),
        (contains(geometry(src), geometry(d)), "result %s outside the layer %s" % (geometry(d), geometry(src))),
        (contains(geometry(d), (20, 20, 100, 80)), "result does not cover the selection")])

    sfcheck("edit-multi", lambda d: [
        (d["layers"] == "3", "layers=%s: expected exactly one new layer" % d["layers"]),
        (d["pos-new"] == "0", "the result is not above the first selected layer")])

    sfcheck("edit-group", lambda d: [
        (d["layers"] == "2", "layers=%s" % d["layers"]),
        ((int(d["w"]), int(d["h"])) == (500, 400), "result %sx%s does not cover the group" % (d["w"], d["h"]))])

    d = sf.get("edit-indexed")
    v.require("edit-indexed", lambda d=d: [
        (d is not None, "no report"),
        (d is not None and d.get("refused") == "1", "the edit of an indexed image did not fail"),
        # The script prints the error it caught (GIMP 3.2 no longer prints
        # a failed procedure's message in batch mode; 3.0 does).
        (re.search(r"GGT-ERROR edit-indexed .*" + re.escape(INDEXED), sf_text) is not None,
         "the message %r was not given" % INDEXED)])

    # Python-Fu
    d = py.get("py-exception")
    if d:
        v.check("python-fu", False, d.get("message"))
    d = py.get("py-generate")
    v.require("py-generate", lambda d=d: [
        (d is not None, "no report from Python-Fu (see %s/python-errors.log)" % work),
        (d and d["status"] == "success", "status %s: %s" % (d and d["status"], d and d["message"])),
        (d and (d["width"], d["height"]) == (1184, 864), "size %s" % (d and (d["width"], d["height"]),))])

    for name, scenario in (("py-error-429-zero", "error_429_zero"),
                           ("py-error-blocked", "blocked"),
                           ("py-error-text-only", "text_only")):
        def error_conds(d=py.get(name), scenario=scenario):
            expected = read(os.path.join(work, "cli-%s.txt" % scenario)).strip()
            expected = re.sub(r"^gemini-image: ", "", expected.splitlines()[-1]) if expected else ""
            return [
                (d is not None, "no report"),
                (d and d["status"] == "execution-error", "status %s" % (d and d["status"])),
                (bool(expected), "the CLI gave no sentence to compare with (cli-%s.txt)" % scenario),
                (d and d["message"] == expected, "message %r, the engine says %r" % (d and d["message"], expected)),
                (d and d["layers_before"] == d["layers_after"], "a layer was added"),
                (d and d["pixels_same"], "the layer's pixels changed"),
                (d and d["undo_enabled"], "undo left disabled")]
        v.require(name, error_conds)

    d = py.get("py-edit-visible")
    v.require("py-edit-visible", lambda d=d: [
        (d is not None, "no report"),
        (d and d["status"] == "success", "status %s: %s" % (d and d["status"], d and d["message"])),
        (d and d["layers"] == 2 and d["above"], "result not added above the layer")])

    for name in ("py-no-key-generate", "py-no-key-edit"):
        def conds(d=py.get(name), name=name):
            conds = [(d is not None, "no report (see %s/python-nokey.log)" % work),
                     (d and d["status"] == "execution-error", "status %s" % (d and d["status"])),
                     (d and d["message"] == NO_KEY, "message %r" % (d and d["message"]))]
            if name.endswith("edit"):
                conds += [(d and d["layers_before"] == d["layers_after"], "a layer was added"),
                          (d and d["pixels_same"], "the layer's pixels changed")]
            return conds
        v.require(name, conds)

    d = py.get("py-set-key-noninteractive")
    v.require("py-set-key-noninteractive", lambda d=d: [
        (d is not None, "no report"),
        (d and d["status"] == "execution-error", "status %s" % (d and d["status"])),
        (d and "GEMINI_API_KEY" in (d["message"] or ""), "message %r" % (d and d["message"]))])
    d = py.get("py-key-file")
    v.require("py-key-file", lambda d=d: [
        (d is not None, "no report"),
        (d and d["status"] == "success", "the key in the profile's file was not used: %s %s"
         % (d and d["status"], d and d["message"]))])
    d = py.get("py-forget-key")
    v.require("py-forget-key", lambda d=d: [
        (d is not None, "no report"),
        (d and d["status"] == "success", "status %s: %s" % (d and d["status"], d and d["message"])),
        (d and d["file_gone"], "the key file is still there"),
        (d and d["after_message"] == NO_KEY, "after forgetting: %s %r" % (d and d["after_status"], d and d["after_message"]))])

    conversation_verdicts(v, work, sf, py, sfcheck)

    # The request sent for the selection: the region, not the whole layer.
    def requests():
        log = []
        try:
            with open(os.path.join(work, "server-log.json"), encoding="utf-8") as f:
                log = json.load(f)
        except (OSError, ValueError):
            pass
        sizes = sent_sizes(log)
        return [
        (len(log) > 0, "the server log is empty"),
        (all(e.get("key_ok") for e in log if e.get("scenario") != "rejected"), "a request came with a wrong key"),
        (not any(e.get("key_in_url") for e in log), "the key was sent in a URL"),
        (any(w and h and w * h < 500 * 400 for w, h in sizes),
         "no edit sent less than the whole 500x400 layer: %s" % sizes)]
    v.require("requests", requests)

    # The key must be nowhere on disk: not in the profile, not in an .xcf,
    # not in GIMP's output (the *.log files: stderr and stdout of every
    # run, the plug-in's included) nor in the fake server's log.
    def key_not_stored():
        logs = run_logs(work)
        leaks = key_leaks(key, (os.path.join(work, "profile"), os.path.join(work, "home"), out)
                          + tuple(logs))
        xcfs = glob.glob(os.path.join(out, "*.xcf"))
        return [
            (len(xcfs) >= 2, "the .xcf files were not saved: %s" % xcfs),
            (len(logs) >= 6 and os.path.join(work, "server-log.json") in logs,
             "the GIMP and server logs were not all there: %s" % logs),
            (not leaks, "the key was found in %s" % leaks)]
    v.require("key-not-stored", key_not_stored)

    hardening_verdicts(v, work, py)
    return v


RECOVERY_WORDS = "The result was saved as "


def fake_dims(model):
    """The sizes the fake server answers for @model: its own table
    (tests/fake_gemini/models.py), never the client's catalogue, which
    would only mirror a wrong entry."""
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fake_gemini"))
    import models as fake_models
    m = fake_models.MODELS.get(model) or {}
    return {tuple(wh) for size in m.get("dimensions", {}).values() for wh in size.values()}


def hardening_verdicts(v, work, py):
    """Issue 6: recovery, the plug-in killed mid-request, the key in argv."""
    nokey = read(os.path.join(work, "python-nokey.log"))

    def require(name, fn, log):
        def conds():
            d = py.get(name)
            if d is None:
                return [(False, "no report (see %s/%s)" % (work, log))]
            try:
                return fn(d)
            except (KeyError, TypeError, IndexError, ValueError, OSError) as e:
                return [(False, "incomplete report %r (%s)" % (d, e))]
        v.require(name, conds)

    # --- a key file others can read: used, and the user is told
    d = py.get("py-key-file-loose")
    part = nokey.split("GGT-MARK loose-key-file start")[-1].split("GGT-MARK loose-key-file end")[0]
    v.require("key-file-loose-warning", lambda d=d: [
        (d is not None, "no report (see %s/python-nokey.log)" % work),
        (d and d["status"] == "success", "status %s: %s" % (d and d["status"], d and d["message"])),
        (d and ("The API key file %s can be read by other users: run chmod 600" % d["path"]) in part,
         "no warning about the loose key file in the plug-in's output")])

    # --- never lose a paid result
    def recovered(d, count, dims=None):
        folder = d["folder"]
        conds = [(d["status"] == "execution-error", "status %s" % d["status"]),
                 (len(d["new_files"]) == count, "%d new files in the recovery folder, not %d: %s"
                  % (len(d["new_files"]), count, d["new_files"])),
                 (RECOVERY_WORDS + folder + "/" in (d["message"] or ""),
                  "the message does not name the folder %s: %r" % (folder, d["message"])),
                 (any((d["message"] or "").endswith(f + ".") for f in d["new_files"]),
                  "the message does not name the saved file: %r" % d["message"]),
                 ("placement forced to fail" in (d["message"] or ""), "not the test hook's failure: %r"
                  % d["message"])]
        for f in d["new_files"]:
            try:
                with Image.open(f) as im:
                    im.load()
                    size = im.size
            except OSError as e:
                conds.append((False, "%s does not decode: %s" % (f, e)))
                continue
            if dims:
                conds.append((size in dims, "%s is %s, not %s" % (f, size, dims)))
        return conds

    hook = py.get("py-recovery-env") or {}
    v.check("recovery-hook-set", lambda: hook.get("hook") == "1",
            "GIMP_GEMINI_TEST_FAIL_PLACE did not reach the run (%r)" % hook)

    def recovery_edit(d):
        sent = d["sent"][0] if d["sent"] else [1, 1]
        ratio = sent[0] / float(sent[1])
        fits = {wh for wh in fake_dims("gemini-2.5-flash-image")
                if abs(wh[0] / float(wh[1]) - ratio) < 0.05}
        return recovered(d, 1, fits) + [
            (d["same"], "the image changed (layers, pixels, parasites or undo)"),
            (bool(fits), "no 2.5 Flash size has the ratio of the sent region %s" % sent)]
    require("py-recovery-edit", recovery_edit, "python-recovery.log")
    require("py-recovery-multi", lambda d: recovered(d, 3) + [
        (d["same"], "the image changed (layers, pixels, parasites or undo)")], "python-recovery.log")
    require("py-recovery-generate", lambda d: recovered(d, 1, {(1344, 768)}) + [
        (d["images_after"] == d["images_before"], "images %s -> %s: the new image was left open"
         % (d["images_before"], d["images_after"]))], "python-recovery.log")

    # --- the plug-in killed mid-request
    try:
        with open(os.path.join(work, "killer.json")) as f:
            kills = json.load(f)
    except (OSError, ValueError):
        kills = {}
    timings = []
    for name in ("think-term", "think-kill", "download-term"):
        k = kills.get(name) or {}

        def cancelled(d, k=k, name=name):
            back = d["returned"] - k["t_kill"]
            timings.append("%s: killed %.1f s after start, process gone in %.3f s, "
                           "procedure back in %.3f s" % (name, k["t_kill"] - d["started"],
                                                         k["t_gone"] - k["t_kill"], back))
            print("# cancel " + timings[-1], file=sys.stderr)
            return [
                (not k.get("error"), k.get("error")),
                (k.get("connected") and k.get("in_flight"), "the request was not in flight: %r" % k),
                (k["answer_begun"] == name.startswith("download"),
                 "the answer had %sbegun at the kill (%.1f s after the phase began; server log since: %s)"
                 % ("not " if name.startswith("download") else "", k["t_begun"] - k["t_phase"], k["log"])),
                (d["status"] != "success", "status %s" % d["status"]),
                (d["same"] and d["layers"] == 1, "the image changed (layers, pixels, parasites or undo)"),
                (not d["new_profile_files"], "files left in the profile: %s" % d["new_profile_files"]),
                (not d["recovery"], "the recovery folder was written: %s" % d["recovery"]),
                (k["t_gone"] - k["t_kill"] < 1.0, "the process lived %.2f s after the kill"
                 % (k["t_gone"] - k["t_kill"])),
                (-0.1 < back < 2.0, "the procedure returned %.2f s after the kill" % back)]
        require("py-cancel-" + name, cancelled, "python-cancel.log")
    require("py-cancel-after", lambda d: [
        (d["status"] == "success", "status %s: %s" % (d["status"], d["message"])),
        (d["layers"] == 2, "layers %s" % d["layers"])], "python-cancel.log")
    require("py-cancel-next-batch", lambda d: [
        (d["status"] == "success", "status %s: %s" % (d["status"], d["message"])),
        (d["size"] == [1024, 1024], "size %s" % d["size"])], "python-cancel.log")

    # --- the key in no process's argv, while requests were in flight
    try:
        with open(os.path.join(work, "argv-scan.json")) as f:
            scan = json.load(f)
    except (OSError, ValueError):
        scan = {}
    in_flight = [k for k in kills.values() if k.get("in_flight")]
    v.require("key-not-in-argv", lambda: [
        (len(in_flight) == 3, "the argv were not read with 3 requests in flight: %r" % kills),
        (all(k["procs_read"] > 3 for k in in_flight), "too few processes read: %r" % kills),
        (not any(k["argv_hits"] for k in in_flight),
         "the key is in argv: %r" % [k["argv_hits"] for k in in_flight]),
        (scan.get("scans", 0) > 20, "the suite-long scan did not run: %r" % scan),
        (len(scan.get("plugin_pids", [])) >= 10,
         "the suite-long scan saw %d plug-in processes" % len(scan.get("plugin_pids", []))),
        (not scan.get("hits"), "the key is in argv: %r" % scan.get("hits"))])


SIGNATURE_400 = "Image part is missing a thought_signature in content position 2, part position"


def image_parts_signed(content):
    return all(s for k, s in zip(content["kinds"], content["signed"]) if k == "image") \
        and "image" in content["kinds"]


def conversation_verdicts(v, work, sf, py, sfcheck):
    """Issue 5: refine, answers, references, variations (python-conversation.log)."""
    log = read(os.path.join(work, "python-conversation.log"))

    def require(name, fn):
        def conds():
            d = py.get(name)
            if d is None:
                return [(False, "no report (see %s/python-conversation.log)" % work)]
            try:
                return fn(d)
            except (KeyError, TypeError, IndexError, ValueError) as e:
                return [(False, "incomplete report %r (%s)" % (d, e))]
        v.require(name, conds)

    def ok(d):
        return (d["status"] == "success", "status %s: %s" % (d["status"], d["message"]))

    def failed(d, words):
        return [(d["status"] == "execution-error", "status %s" % d["status"]),
                (words in (d["message"] or ""), "message %r lacks %r" % (d["message"], words))]

    src = sf.get("sf-refine-first", {})
    sfcheck("sf-refine", lambda d: [
        (int(d["layers"]) == int(d["before"]) + 1, "layers %s -> %s" % (d["before"], d["layers"])),
        (d["pos-new"] == "0", "the refined layer is not on top"),
        (d["mask"] == "1", "no mask"),
        (geometry(d) == geometry(src), "placed at %s, the edit at %s" % (geometry(d), geometry(src)))])

    sfcheck("sf-references", lambda d: [
        (d["layers"] == "3", "layers=%s, expected the source and two results" % d["layers"]),
        (d["pos-styled"] == "1" and d["pos-edited"] == "0",
         "positions: styled %s, edited %s" % (d["pos-styled"], d["pos-edited"]))])

    require("py-edit-conversation", lambda d: [
        ok(d),
        ([c["role"] for c in d["contents"]] == ["user", "model"],
         "stored roles %s" % [c["role"] for c in d["contents"]]),
        ("image" in d["contents"][0]["kinds"], "the user turn lost its image"),
        (image_parts_signed(d["contents"][1]), "the stored model turn lost its signatures: %s" % d["contents"][1]),
        ("has-region=true" in (d["place"] or ""), "the region was not stored: %r" % d["place"]),
        (d["layer"]["mask"], "the edit has no mask")])

    require("py-refine-reopened", lambda d: [
        ok(d),
        (d["reopened_contents"] == 2, "after reopening, %s contents" % d["reopened_contents"]),
        ([c["role"] for c in d["sent"]] == ["user", "model", "user"],
         "sent roles %s" % [c["role"] for c in d["sent"]]),
        (image_parts_signed(d["sent"][1]), "the model turn went out without its signatures"),
        (d["sent"][2]["kinds"] == ["text"] and d["sent"][2]["texts"] == ["make the balloon blue"],
         "the new turn is %s" % d["sent"][2]),
        (len(d["after"]) == 4, "the conversation holds %d contents, not 4" % len(d["after"])),
        (d["layers_after"] == d["layers_before"] + 1, "layers %s -> %s" % (d["layers_before"], d["layers_after"])),
        (d["new"]["geometry"] == d["first"], "refine placed at %s, the edit at %s" % (d["new"]["geometry"], d["first"])),
        (d["new"]["mask"], "the refined layer has no mask"),
        (d["above"], "not above the selected layer"),
        (not d["key_in_parasite"], "the key is in a parasite")])

    require("py-refine-include-region", lambda d: [
        ok(d),
        (len(d["sent"]) == 5 and "image" in d["sent"][4]["kinds"],
         "the current pixels were not sent: %s" % (d["sent"][-1:],)),
        (d["after"] == 6, "the conversation holds %s contents, not 6" % d["after"]),
        (d["new"]["mask"] and d["new"]["geometry"] == d["first"],
         "without a selection, not placed and masked like the result it refines: %s" % d["new"])])

    require("py-refine-trim", lambda d: [
        ok(d),
        (d["roles"] == ["user", "model"] * 4, "stored roles %s: expected 4 exchanges" % d["roles"]),
        (d["first_text"] == "make the balloon blue", "the oldest kept turn is %r" % d["first_text"]),
        (d["last_text"] == "add a string to the balloon", "the newest turn is %r" % d["last_text"])])

    require("py-refine-missing-signature", lambda d: failed(d, SIGNATURE_400) + [
        (d["log_status"] == 400, "the server answered %s" % d["log_status"]),
        (d["layers_before"] == d["layers_after"], "a layer was added"),
        (d["conversation_same"], "the failed refine changed the stored conversation")])

    require("py-start-over", lambda d: [
        ok(d), (d["gone"], "the parasite is still there")] +
        failed({"status": d["refine_status"], "message": d["refine_message"]},
               "no Gemini conversation"))

    require("py-refine-generated", lambda d: [
        ok(d),
        (d["sent"] == ["user", "model", "user"], "sent roles %s" % d["sent"]),
        (d["layers"] == 2, "layers %s" % d["layers"]),
        (d["new"]["geometry"][:2] == [0, 0], "the refined image is at %s" % d["new"]["geometry"]),
        (d["contents"] == 4, "the conversation holds %s contents" % d["contents"])])

    require("py-multi-image", lambda d: [
        ok(d),
        (d["layer"]["group"] and d["layer"]["name"] == "three kinds of hat",
         "not a group named after the prompt: %s" % d["layer"]["name"]),
        (len(d["layer"]["children"]) == 3, "%d layers in the group" % len(d["layer"]["children"])),
        (all(c["mask"] for c in d["layer"]["children"]), "a layer of the group has no mask"),
        (d["layers"] == 2, "top-level layers %s" % d["layers"]),
        (len([t for t in d["model_texts"] if t]) >= 3, "the text parts were not kept: %s" % d["model_texts"])])

    def thoughts(d):
        names = [l["name"] for l in d["stack"]]
        if "Thoughts" not in names:
            return [(False, "no Thoughts group: %s" % names)]
        t = d["stack"][names.index("Thoughts")]
        return [ok(d),
                (not d["result"]["group"] and d["result"]["name"] == "add a moon" and d["result"]["visible"],
                 "the result is %s" % d["result"]),
                (names.index("Thoughts") == names.index("add a moon") + 1, "Thoughts not right below the result"),
                (not t["visible"] and len(t["children"]) == 2 and not any(c["visible"] for c in t["children"]),
                 "Thoughts: %s" % t),
                (all(c["geometry"] == d["result"]["geometry"] for c in t["children"]),
                 "thought layers not over the result: %s" % [c["geometry"] for c in t["children"]])]
    require("py-thoughts", thoughts)
    require("py-thoughts-off", lambda d: [
        ok(d), ([l["name"] for l in d["stack"]] == ["add a moon", "Background"] or len(d["stack"]) == 2,
                "layers %s" % [l["name"] for l in d["stack"]])])

    def grounding(d):
        sources = json.loads(d["sources"] or "null")
        return [ok(d), (d["sent_search"], "search was not sent"),
                (isinstance(sources, list) and len(sources) == 2, "sources %r" % d["sources"]),
                (all(s.get("title") and s.get("uri", "").startswith("http") for s in sources or []),
                 "sources lack a title or uri: %r" % d["sources"])]
    require("py-grounding", grounding)

    require("py-references-over", lambda d: failed(d, "at most 3") + [
        (d["layers_before"] == d["layers_after"], "a layer was added"),
        (d["pixels_same"], "the layer's pixels changed")])
    require("py-references-limit", lambda d: [
        ok(d),
        (d["sent"][-1]["kinds"].count("image") == 3, "sent %s" % d["sent"][-1]["kinds"]),
        ("image 2 as a reference for style" in d["sent"][-1]["texts"][0] and
         "Image 3 shows an object" in d["sent"][-1]["texts"][0],
         "the roles are not in the prompt: %r" % d["sent"][-1]["texts"])])
    require("py-references-objects-limit", lambda d: [
        ok(d), (d["sent_images"] == 7, "sent %s images, not 7" % d["sent_images"]),
        (d["layers_after"] == d["layers_before"] + 1, "no new layer")])
    require("py-references-objects-over", lambda d: failed(d, "at most 6 object") + [
        (d["layers_before"] == d["layers_after"], "a layer was added")])
    require("py-references-bad-role", lambda d: failed(d, "Unknown reference role"))
    require("py-style-transfer", lambda d: [
        ok(d),
        (d["sent"][-1]["kinds"].count("image") == 2, "sent %s" % d["sent"][-1]["kinds"]),
        ("image 2 as a reference for style" in d["sent"][-1]["texts"][0], "no style role: %r" % d["sent"][-1]["texts"])])
    require("py-compose", lambda d: [
        ok(d),
        (d["sent"][-1]["kinds"].count("image") == 2, "sent %s" % d["sent"][-1]["kinds"]),
        ("Image 1 shows the subject" in d["sent"][-1]["texts"][0], "no subject role: %r" % d["sent"][-1]["texts"]),
        (d["same_image"] and d["layers_after"] == d["layers_before"] + 1, "not one new layer in this image")])

    require("py-variations-partial", lambda d: [
        ok(d),
        (d["layer"]["group"] and len(d["layer"]["children"]) == 2,
         "expected a group of 2 layers: %s" % d["layer"]),
        (d["layers"] == 2, "top-level layers %s" % d["layers"]),
        ("1 of 3 variations failed" in log, "the failure was not named in the log")])
    require("py-variations-all-fail", lambda d: [
        (d["status"] == "execution-error", "status %s" % d["status"]),
        (d["layers"] == 1 and d["pixels_same"], "the image changed")])

    def usage(d):
        import configparser
        ini = configparser.ConfigParser(interpolation=None)
        ini.read_string(d["text"] or "")
        total = ini["total"] if ini.has_section("total") else {}
        return [(d["exists"], "no gemini-usage.ini in the profile"),
                (int(total.get("requests", 0)) >= 15, "total requests %s" % total.get("requests")),
                (float(total.get("cost-usd", 0)) > 0, "total cost %s" % total.get("cost-usd")),
                (ini.has_section("model gemini-3-pro-image"), "no per-model total")]
    require("py-usage", usage)


def part(path, work, log):
    name = os.path.basename(path)[:-3]
    v = Verdicts()
    scope = {"__name__": "gimp_part_host", "__file__": path}
    try:
        with open(path, encoding="utf-8") as f:
            exec(compile(f.read(), path, "exec"), scope)
        reports = py_reports(read(log))
        if "py-exception" in reports:
            v.check(name + "-ran", False, "the part raised in GIMP: %s (see %s)"
                    % (reports["py-exception"].get("message"), log))
        scope["host_check"](work, reports, v)
    except Exception as e:  # noqa: BLE001 - one failed verdict, not a crash
        v.check(name + "-host", False, "%s: %s" % (type(e).__name__, e))
    if not len(v):
        v.check(name, False, "the part judged nothing")
    v.run()


def main():
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    if cmd == "prepare":
        prepare(sys.argv[2])
    elif cmd == "control":
        control(sys.argv[2], sys.argv[3])
    elif cmd == "log":
        save_log(sys.argv[2], sys.argv[3])
    elif cmd == "killer":
        killer(sys.argv[2], sys.argv[3])
    elif cmd == "scan-argv":
        scanner(sys.argv[2])
    elif cmd == "check":
        check(sys.argv[2], os.environ["GG_GIMP_TEST_KEY"]).run()
    elif cmd == "count":
        import tempfile
        with tempfile.TemporaryDirectory() as empty:
            print(len(check(empty, "no-key")))
    elif cmd == "part":
        part(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
