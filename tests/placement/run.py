#!/usr/bin/python3
"""Placement check of issue 4: `gemini-image edit --mask --patch` against the
fake server's drifting edits, measured.

For each case the fake server answers the region it was sent resized to the
model's dimensions, shifted by (dx, dy) answer pixels, scaled by `scale`
about the centre, with per-channel `gain` and `tint` (v' = gain v + tint),
and with a magenta disc at the centre (the edit).  The picture is an
ellipse-shaped selection (the mask file) in a textured image.  Per case:

  resid px  residual misalignment of the placed patch against the ground
            truth (the original pixels of the region), outside the disc:
            an independent Gauss-Newton registration here (shift, scale,
            per-channel gain/offset, cubic splines), reported as the
            largest displacement it finds over the region;
  ring MAE  mean |patch - original| on the ring (the region outside the
            grown selection, less a band along the region's edge as wide
            as the drift, where the answer had no content), in /255;
  mask      the patch's alpha (the layer mask) is 0 everywhere outside the
            grown selection (the mask file's >= 50 % part grown by --grow);
  source    every output pixel where the mask is 0 is byte-identical to the
            input, and the input file is unchanged;
  edit      the disc shows in the output (the edit was applied).

Thresholds: resid <= 0.5 px, ring MAE <= 2/255, mask and source exact.  A
last row runs the first case again with --hint and says whether the answer
changed (the fake server ignores the hint image: only the real API can say
whether it helps).

Prints a table and "N passed, N failed" as its last line; exits 1 on any
failure.  Usage:

  /usr/bin/python3 tests/placement/run.py --cli BUILD/cli/gemini-image \\
      [--server tests/fake_gemini/server.py] [--keep DIR]
"""

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

try:
    import numpy as np
    from PIL import Image, ImageDraw
    from scipy import ndimage
except ImportError:  # a setup error, never a skip
    sys.exit("tests/placement/run.py needs numpy, scipy and Pillow: run it with "
             "/usr/bin/python3 (python3-numpy python3-scipy python3-pil)")

KEY = "fake-key-for-tests"
FLASH = "gemini-2.5-flash-image"
PRO = "gemini-3-pro-image"
HERE = os.path.dirname(os.path.abspath(__file__))
# The sizes the fake server answers with: its own model table.
sys.path.insert(0, os.path.join(HERE, "..", "fake_gemini"))
import models as fake_models  # noqa: E402
GROW, FEATHER = 4, 12
MAX_RESID, MAX_MAE = 0.5, 2.0


# ------------------------------------------------------------------ pictures

def picture(width, height, seed):
    """A textured picture: smooth waves, edges and blobs, values 25..230
    (a gain of 5 % must not clip), blurred a little as photographs are."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width].astype(np.float64)
    img = np.zeros((height, width, 3))
    for c in range(3):
        v = 128 + 40 * np.sin(x * 0.021 + c) * np.cos(y * 0.017 - 0.5 * c)
        v += 22 * np.sin((x + 1.7 * y) * 0.045 + 2 * c)
        v += 14 * np.sin(x * 0.11 - y * 0.07 + c)
        img[:, :, c] = v
    pil = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(pil)
    for _ in range(60):
        x0, y0 = rng.integers(0, width), rng.integers(0, height)
        r = int(rng.integers(8, 40))
        col = tuple(int(v) for v in rng.integers(40, 215, 3))
        if rng.random() < 0.5:
            draw.ellipse((x0 - r, y0 - r, x0 + r, y0 + r), fill=col)
        else:
            draw.rectangle((x0 - r, y0 - r // 2, x0 + r, y0 + r // 2), fill=col)
    arr = ndimage.gaussian_filter(np.asarray(pil).astype(np.float64), (1.2, 1.2, 0))
    return np.clip(arr, 25, 230).round().astype(np.uint8)


def ellipse_mask(width, height, box):
    m = Image.new("L", (width, height), 0)
    ImageDraw.Draw(m).ellipse(box, fill=255)
    return np.asarray(m)


# ------------------------------------------------------------------ server

class Server:
    def __init__(self, path, workdir):
        self.port_file = os.path.join(workdir, "port")
        self.log = open(os.path.join(workdir, "server.log"), "wb")
        self.proc = subprocess.Popen(
            ["/usr/bin/python3", path, "--port", "0", "--port-file", self.port_file,
             "--quiet", "--warm", "--instant", "--key", KEY],
            stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        deadline = time.time() + 20
        self.port = None
        while time.time() < deadline and self.port is None:
            if self.proc.poll() is not None:
                raise RuntimeError("the fake server exited with %s" % self.proc.returncode)
            try:
                with open(self.port_file) as f:
                    text = f.read().strip()
                self.port = int(text) if text else None
            except (OSError, ValueError):
                pass
            time.sleep(0.05)
        if not self.port:
            self.stop()
            raise RuntimeError("the fake server did not start within 20 s")
        self.base = "http://127.0.0.1:%d" % self.port

    def control(self, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data,
                                     method="POST" if data else "GET",
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


# ------------------------------------------------------------------ measures

def register(placed, original, weight):
    """Shift (dx, dy) and scale s about the centre C such that
    original(x) ~ g_c placed(C + s (x - C) + d) + b_c on the weighted
    pixels, by Gauss-Newton on cubic splines of lightly smoothed images."""
    h, w = weight.shape
    cx, cy = (w - 1) / 2.0, (h - 1) / 2.0
    P = ndimage.gaussian_filter(placed.astype(np.float64), (1.0, 1.0, 0))
    O = ndimage.gaussian_filter(original.astype(np.float64), (1.0, 1.0, 0))
    coeffs = [ndimage.spline_filter(P[:, :, c], order=3) for c in range(3)]
    ys, xs = np.nonzero(weight)
    if len(xs) > 60000:
        pick = np.random.default_rng(1).choice(len(xs), 60000, replace=False)
        ys, xs = ys[pick], xs[pick]
    xs = xs.astype(np.float64)
    ys = ys.astype(np.float64)
    d = np.array([0.0, 0.0, 1.0])          # dx, dy, s
    gb = np.array([1.0, 1.0, 1.0, 0.0, 0.0, 0.0])
    for _ in range(12):
        u = cx + d[2] * (xs - cx) + d[0]
        v = cy + d[2] * (ys - cy) + d[1]
        rows, rhs = [], []
        for c in range(3):
            val = ndimage.map_coordinates(coeffs[c], [v, u], order=3, prefilter=False, mode="nearest")
            gx = (ndimage.map_coordinates(coeffs[c], [v, u + 0.5], order=3, prefilter=False, mode="nearest")
                  - ndimage.map_coordinates(coeffs[c], [v, u - 0.5], order=3, prefilter=False, mode="nearest"))
            gy = (ndimage.map_coordinates(coeffs[c], [v + 0.5, u], order=3, prefilter=False, mode="nearest")
                  - ndimage.map_coordinates(coeffs[c], [v - 0.5, u], order=3, prefilter=False, mode="nearest"))
            g = gb[c]
            r = g * val + gb[3 + c] - O[ys.astype(int), xs.astype(int), c]
            J = np.zeros((len(xs), 9))
            J[:, 0] = g * gx
            J[:, 1] = g * gy
            J[:, 2] = g * (gx * (xs - cx) + gy * (ys - cy))
            J[:, 3 + c] = val
            J[:, 6 + c] = 1.0
            rows.append(J)
            rhs.append(-r)
        J = np.vstack(rows)
        r = np.concatenate(rhs)
        step, *_ = np.linalg.lstsq(J, r, rcond=None)
        d += step[:3]
        gb += step[3:]
        if abs(step[0]) < 1e-4 and abs(step[1]) < 1e-4 and abs(step[2]) * max(w, h) < 1e-4:
            break
    corners = [(0, 0), (w - 1, 0), (0, h - 1), (w - 1, h - 1)]
    worst = max(np.hypot((d[2] - 1) * (x - cx) + d[0], (d[2] - 1) * (y - cy) + d[1])
                for x, y in corners)
    return d, worst


def dilate(mask, radius):
    """Pixels within @radius (Euclidean) of a True pixel."""
    if radius <= 0:
        return mask.copy()
    return ndimage.distance_transform_edt(~mask) <= radius


# ------------------------------------------------------------------ cases

def case(name, model, size, dx, dy, scale, tint, gain, pic=(1200, 900), box=None):
    return {"name": name, "model": model, "size": size, "dx": dx, "dy": dy, "scale": scale,
            "tint": tint, "gain": gain, "pic": pic,
            "box": box or (420, 290, 780, 610)}


# A selection of 1000x800: with its context the region passes 1K's pixels,
# so 3 Pro answers at 2K.
BIG_PIC, BIG_BOX = (1800, 1500), (400, 350, 1400, 1150)
CASES = [
    case("flash-a", FLASH, None, 3, -2, 1.0, [6, -4, 2], None),
    case("flash-b", FLASH, None, 8, -8, 1.0, [0, 0, 0], [1.05, 0.95, 1.0]),
    case("flash-d", FLASH, None, 5, 8, 0.98, [-6, 4, 0], [1.04, 1.04, 0.96]),
    case("pro1k-a", PRO, "1K", -8, -8, 1.015, [3, 3, 3], [0.95, 1.0, 1.05]),
    case("pro1k-b", PRO, "1K", 6, 7, 0.985, [-5, 0, 5], [1.03, 0.97, 1.02]),
    case("pro2k-a", PRO, "2K", 8, 3, 1.0, [4, -2, 0], [1.02, 1.0, 0.98], pic=BIG_PIC, box=BIG_BOX),
    case("pro2k-b", PRO, "2K", -5, 8, 1.02, [-4, 6, 2], [0.96, 1.04, 1.0], pic=BIG_PIC, box=BIG_BOX),
]


def sha(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def run_cli(opts, server, workdir, c, files, extra=(), tag=""):
    out = os.path.join(workdir, "%s%s-out.png" % (c["name"], tag))
    patch = os.path.join(workdir, "%s%s-patch.png" % (c["name"], tag))
    params = {"dx": c["dx"], "dy": c["dy"], "scale": c["scale"], "tint": c["tint"],
              "mark": [255, 0, 255]}
    if c["gain"]:
        params["gain"] = c["gain"]
    server.control("/_control/reset", {})
    server.control("/_control/scenario", {"scenario": "ok", "params": params})
    argv = [opts.cli, "edit", "--input", files["input"], "--mask", files["mask"],
            "--grow", str(GROW), "--feather", str(FEATHER), "--patch", patch,
            "--prompt", "a magenta disc", "--output", out, "--model", c["model"], "-q"]
    if c["size"]:
        argv += ["--size", c["size"]]
    argv += list(extra)
    env = dict(os.environ)
    env.update({"GOOGLE_GEMINI_BASE_URL": server.base, "GEMINI_API_KEY": KEY,
                "XDG_CACHE_HOME": os.path.join(workdir, "cache"),
                "XDG_CONFIG_HOME": os.path.join(workdir, "config")})
    t = time.time()
    r = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=120)
    elapsed = time.time() - t
    log = server.control("/_control/log")
    return r, out, patch, elapsed, log


def measure(opts, server, workdir, c):
    W, H = c["pic"]
    files = {"input": os.path.join(workdir, "pic-%dx%d.png" % (W, H)),
             "mask": os.path.join(workdir, "mask-%dx%d.png" % (W, H))}
    if not os.path.exists(files["input"]):
        Image.fromarray(picture(W, H, W)).save(files["input"])
        Image.fromarray(ellipse_mask(W, H, c["box"])).save(files["mask"])
    before = sha(files["input"])
    r, out, patch, elapsed, log = run_cli(opts, server, workdir, c, files)
    row = {"case": c["name"], "model": c["model"].replace("gemini-", "").replace("-image-preview", "")
           .replace("-image", ""), "size": c["size"] or "-", "elapsed": elapsed,
           "failures": []}
    if r.returncode != 0:
        row["failures"].append("exit %d: %s" % (r.returncode, r.stderr.strip()[:200]))
        return row
    src = np.asarray(Image.open(files["input"]).convert("RGBA"))
    mask_file = np.asarray(Image.open(files["mask"]).convert("L"))
    res = np.asarray(Image.open(out).convert("RGBA"))
    pat = np.asarray(Image.open(patch).convert("RGBA"))
    gen = [e for e in log if e.get("path", "").endswith(":generateContent")]
    sent = [p["inlineData"] for e in gen for cc in e["body"]["contents"] for p in cc["parts"]
            if "inlineData" in p]
    row["sent"] = "%dx%d" % (sent[0]["data"]["width"], sent[0]["data"]["height"]) if sent else "?"

    # The region: where the patch holds placed pixels (texture, never 0,0,0,0).
    ys, xs = np.nonzero(pat.any(axis=2))
    x0, x1, y0, y1 = xs.min(), xs.max() + 1, ys.min(), ys.max() + 1
    P = pat[y0:y1, x0:x1, :3].astype(np.float64)
    O = src[y0:y1, x0:x1, :3].astype(np.float64)
    alpha = pat[y0:y1, x0:x1, 3]
    rh, rw = alpha.shape
    row["region"] = "%dx%d" % (rw, rh)
    aw, ah = answer_dims(c["model"], log)
    row["answer"] = "%dx%d" % (aw, ah)

    # Ring MAE: outside the grown selection.
    sel = mask_file >= 128
    grown = dilate(sel, GROW)
    row.update(assess(c, P, O, grown[y0:y1, x0:x1], aw, ah, FEATHER,
                      res[y0:y1, x0:x1]))

    # Mask zero outside the grown selection (whole image).
    row["mask_ok"] = bool((pat[:, :, 3][~grown] == 0).all())
    row["mask_max_out"] = int(pat[:, :, 3][~grown].max()) if (~grown).any() else 0
    # Source: byte-identical where the mask is 0, and the file untouched.
    keep = pat[:, :, 3] == 0
    row["src_ok"] = bool((res[keep] == src[keep]).all()) and sha(files["input"]) == before
    row["failures"] += verdicts(row)
    return row


def disc(c, rw, rh, aw, ah):
    """Where the fake server's disc lands in a region of rw x rh placed from
    an answer of aw x ah: (distance of each region pixel from its centre,
    its radius, the drift in region pixels).  Drawn after the drift, it
    stays at the answer's centre: the realignment moves it by minus the
    drift."""
    answer_px = rw / float(aw)
    rad = min(aw, ah) / 8.0 * answer_px
    drift = max(abs(c["dx"]), abs(c["dy"])) * answer_px + abs(c["scale"] - 1) * max(rw, rh) / 2
    yy, xx = np.mgrid[0:rh, 0:rw]
    dcx = rw / 2.0 - c["dx"] * answer_px / c["scale"]
    dcy = rh / 2.0 - c["dy"] * answer_px / c["scale"]
    return np.hypot(xx + 0.5 - dcx, yy + 0.5 - dcy), rad, drift


def assess(c, P, O, grown, aw, ah, feather, shown):
    """The figures of one placed region (the CLI's patch, or the layer the
    GIMP plug-in added): P the placed RGB, O the original RGB under it,
    grown the grown selection over the region (bool; None: no selection,
    the ring is then everything far enough from the disc), aw x ah the
    answer's size, shown what the user sees over the region (RGB(A): the
    composite).  Returns resid, shift, mae, edit (and disc geometry)."""
    rh, rw = P.shape[:2]
    disc_d, rad, drift = disc(c, rw, rh, aw, ah)
    band = int(np.ceil(drift)) + 3
    inner = np.zeros((rh, rw), dtype=bool)
    inner[band:rh - band, band:rw - band] = True
    out = {"disc_d": disc_d, "rad": rad}

    # Residual misalignment: everything but the disc (and its blur).
    d, worst = register(P, O, inner & (disc_d > rad / c["scale"] + 6))
    out["resid"] = worst
    out["shift"] = "%+.2f %+.2f x%.4f" % (d[0], d[1], d[2])

    # Ring MAE: outside the grown selection (or, without one, away from
    # the disc by more than any mask reaches).
    ring = inner & (~grown if grown is not None else disc_d > rad / c["scale"] + 6 + feather)
    out["mae"] = np.abs(P - O)[ring].mean() if ring.any() else float("nan")
    # The edit shows: the disc, shrunk by the feather, is magenta.
    core = disc_d < rad - feather
    magenta = (shown[:, :, 0] > 200) & (shown[:, :, 1] < 60) & (shown[:, :, 2] > 200)
    out["edit"] = magenta[core].mean() if core.any() else 0.0
    return out


def verdicts(row):
    """The threshold failures of a row that has resid, mae, mask_ok, src_ok
    and edit."""
    failures = []
    if not row["resid"] <= MAX_RESID:
        failures.append("residual %.3f px > %.1f" % (row["resid"], MAX_RESID))
    if not row["mae"] * 1.0 <= MAX_MAE:
        failures.append("ring MAE %.2f/255 > %.0f" % (row["mae"], MAX_MAE))
    if not row["mask_ok"]:
        failures.append("mask %d outside the grown selection" % row["mask_max_out"])
    if not row["src_ok"]:
        failures.append("source pixels changed outside the mask")
    if not row["edit"] >= 0.95:
        failures.append("the edit (disc) is missing: %.0f %%" % (100 * row["edit"]))
    return failures


def answer_dims(model, log):
    """The answer's dimensions: the fake server's for the model and the size
    and ratio that the request asked for."""
    gen = [e for e in log if e.get("path", "").endswith(":generateContent")]
    cfg = gen[0]["body"].get("generationConfig", {}).get("imageConfig", {})
    m = fake_models.MODELS[model]
    return m["dimensions"][cfg.get("imageSize") or m["default_size"]][cfg["aspectRatio"]]


def hint_row(opts, server, workdir, c):
    """One case with and without --hint: does the answer change?"""
    W, H = c["pic"]
    files = {"input": os.path.join(workdir, "pic-%dx%d.png" % (W, H)),
             "mask": os.path.join(workdir, "mask-%dx%d.png" % (W, H))}
    # Without --hint: the case's own run, already in the work directory.
    out1 = os.path.join(workdir, "%s-out.png" % c["name"])
    r2, out2, _, _, log2 = run_cli(opts, server, workdir, c, files, ["--hint"], "-hint")
    row = {"case": "hint", "failures": []}
    if not os.path.exists(out1) or r2.returncode:
        row["failures"].append("exit %d: %s" % (r2.returncode, r2.stderr.strip()[:200]))
        return row
    gen = [e for e in log2 if e.get("path", "").endswith(":generateContent")][0]
    parts = [p for cc in gen["body"]["contents"] for p in cc["parts"]]
    images = [p["inlineData"] for p in parts if "inlineData" in p]
    text = " ".join(p["text"] for p in parts if "text" in p)
    row["images"] = len(images)
    row["sentence"] = "Image 2 is a mask" in text
    row["same_size"] = (len(images) == 2 and images[0]["data"]["width"] == images[1]["data"]["width"]
                        and images[0]["data"]["height"] == images[1]["data"]["height"])
    a = np.asarray(Image.open(out1))
    b = np.asarray(Image.open(out2))
    row["identical"] = a.shape == b.shape and bool((a == b).all())
    row["diff"] = float(np.abs(a.astype(int) - b.astype(int)).mean()) if a.shape == b.shape else -1
    if row["images"] != 2 or not row["sentence"] or not row["same_size"]:
        row["failures"].append("the hint was not sent as a second image of the same size "
                               "with its sentence (%d images, sentence %s)"
                               % (row["images"], row["sentence"]))
    return row


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cli", required=True)
    ap.add_argument("--server", default=os.path.join(HERE, "..", "fake_gemini", "server.py"))
    ap.add_argument("--keep", help="keep the files in this directory")
    opts = ap.parse_args()

    workdir = opts.keep or tempfile.mkdtemp(prefix="gg-placement-")
    os.makedirs(workdir, exist_ok=True)
    server = Server(opts.server, workdir)
    passed = failed = 0
    t0 = time.time()
    try:
        print("%-8s %-13s %-4s %-9s %-9s %-9s %-22s %9s %9s %-5s %-6s %5s %5s"
              % ("case", "model", "size", "region", "sent", "answer", "found after placing",
                 "resid px", "ring/255", "mask", "source", "edit", "s"))
        # The ruler first: a patch made with a known sub-pixel misalignment
        # (placed(C + s (x - C) + d) = original(x), d = (0.30, -0.45),
        # s = 1.004) must be measured as such.
        pic = picture(545, 545, 7).astype(np.float64)
        C, sc, tx, ty = 272.0, 1.004, 0.30, -0.45
        known = np.stack([ndimage.affine_transform(
            pic[:, :, k], np.diag([1 / sc, 1 / sc]),
            offset=[C - (C + ty) / sc, C - (C + tx) / sc], order=3, mode="nearest")
            for k in range(3)], axis=2)
        margin = np.zeros((545, 545), dtype=bool)
        margin[20:-20, 20:-20] = True
        d, worst = register(known, pic, margin)
        want = max(np.hypot((sc - 1) * (x - C) + tx, (sc - 1) * (y - C) + ty)
                   for x in (0, 544) for y in (0, 544))
        ok = abs(d[0] - tx) < 0.02 and abs(d[1] - ty) < 0.02 and abs(d[2] - sc) < 2e-4
        passed += ok
        failed += not ok
        print("ruler    a patch misaligned by (%+.2f, %+.2f) px x%.4f is measured at (%+.3f, %+.3f) "
              "x%.5f: %.3f px at the corners (true %.3f)  %s"
              % (tx, ty, sc, d[0], d[1], d[2], worst, want, "ok" if ok else "FAIL"))
        for c in CASES:
            row = measure(opts, server, workdir, c)
            ok = not row["failures"]
            passed += ok
            failed += not ok
            if "resid" in row:
                print("%-8s %-13s %-4s %-9s %-9s %-9s %-22s %9.3f %9.2f %-5s %-6s %4.0f%% %5.1f %s"
                      % (row["case"], row["model"], row["size"], row["region"], row["sent"],
                         row["answer"],
                         row["shift"], row["resid"], row["mae"],
                         "0 out" if row["mask_ok"] else "BAD", "same" if row["src_ok"] else "BAD",
                         100 * row["edit"], row["elapsed"], "ok" if ok else "FAIL"))
            else:
                print("%-8s FAIL" % row["case"])
            for f in row["failures"]:
                print("         - " + f)
        row = hint_row(opts, server, workdir, CASES[0])
        ok = not row["failures"]
        passed += ok
        failed += not ok
        if "images" in row:
            print("hint     --hint sent %d images (same size: %s, sentence: %s); output %s "
                  "(mean |diff| %.3f): the fake server ignores the hint, only the real API "
                  "can tell whether it helps  %s"
                  % (row["images"], row["same_size"], row["sentence"],
                     "identical to without --hint" if row["identical"] else "DIFFERENT",
                     row["diff"], "ok" if ok else "FAIL"))
        for f in row["failures"]:
            print("         - " + f)
    finally:
        server.stop()
        if not opts.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    print("thresholds: resid <= %.1f px, ring MAE <= %.0f/255, mask 0 outside the grown "
          "selection, source identical; %.0f s" % (MAX_RESID, MAX_MAE, time.time() - t0))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
