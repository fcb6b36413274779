#!/usr/bin/python3
"""Host side of the GIMP 3 tests (tests/gimp/run.sh): inputs, server control,
and the verdicts.

    checks.py prepare DIR           write the input pictures into DIR
    checks.py control PORT JSON     POST /_control/scenario to the fake server
    checks.py log PORT FILE         save GET /_control/log into FILE
    checks.py check WORK            judge WORK's outputs; one line per check:
                                    "PASS name" or "FAIL name: why"
                                    (the test key comes in GG_GIMP_TEST_KEY)

Standard library + Pillow (Debian's python3-pil).
"""
import glob
import json
import os
import random
import re
import sys
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


# ------------------------------------------------------------------ verdicts

class Verdicts:
    def __init__(self):
        self.lines = []

    def check(self, name, ok, why=""):
        self.lines.append("PASS %s" % name if ok else "FAIL %s: %s" % (name, why))

    def require(self, name, cond_list):
        """cond_list: [(bool, why)]; the first false one is the reason."""
        for ok, why in cond_list:
            if not ok:
                return self.check(name, False, why)
        self.check(name, True)


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
    out = {}
    for line in text.splitlines():
        i = line.find("GGT-JSON ")
        if i >= 0:
            try:
                d = json.loads(line[i + 9:])
                out[d["name"]] = d
            except ValueError:
                pass
    return out


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

    def sfcheck(name, conds_fn):
        d = sf.get(name)
        if d is None:
            return v.check(name, False, "no report from Script-Fu (see %s/script-fu.log)" % work)
        if d.get("error") == "1":
            return v.check(name, False, "the Script-Fu check threw (see %s/script-fu.log)" % work)
        try:
            v.require(name, conds_fn(d))
        except (KeyError, ValueError, OSError) as e:
            v.check(name, False, "incomplete report %r (%s)" % (d, e))

    sfcheck("generate", lambda d: [
        ((int(d["w"]), int(d["h"])) == (1344, 768), "image is %sx%s, not 1344x768" % (d["w"], d["h"])),
        (d["layers"] == "1", "layers=%s" % d["layers"])])

    sfcheck("generate-as-layer", lambda d: [
        (d["same-image"] == "1", "a new image was returned"),
        (int(d["layers"]) == int(d["before"]) + 1, "layers %s -> %s" % (d["before"], d["layers"])),
        ((int(d["w"]), int(d["h"])) == (1024, 1024), "layer is %sx%s" % (d["w"], d["h"]))])

    sel = (130, 120, 160, 120)
    src = sf.get("edit-selection-src", {})

    def edit_selection(d):
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
    sfcheck("edit-whole", lambda d: [
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
    sfcheck("edit-alpha-large", lambda d: [
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
    v.require("edit-indexed", [
        (d is not None, "no report"),
        (d is not None and d.get("refused") == "1", "the edit of an indexed image did not fail"),
        (INDEXED in sf_text, "the message %r was not given" % INDEXED)])

    # Python-Fu
    d = py.get("py-exception")
    if d:
        v.check("python-fu", False, d.get("message"))
    d = py.get("py-generate")
    v.require("py-generate", [
        (d is not None, "no report from Python-Fu (see %s/python-errors.log)" % work),
        (d and d["status"] == "success", "status %s: %s" % (d and d["status"], d and d["message"])),
        (d and (d["width"], d["height"]) == (1184, 864), "size %s" % (d and (d["width"], d["height"]),))])

    for name, scenario in (("py-error-429-zero", "error_429_zero"),
                           ("py-error-blocked", "blocked"),
                           ("py-error-text-only", "text_only")):
        d = py.get(name)
        expected = read(os.path.join(work, "cli-%s.txt" % scenario)).strip()
        expected = re.sub(r"^gemini-image: ", "", expected.splitlines()[-1]) if expected else ""
        v.require(name, [
            (d is not None, "no report"),
            (d and d["status"] == "execution-error", "status %s" % (d and d["status"])),
            (bool(expected), "the CLI gave no sentence to compare with (cli-%s.txt)" % scenario),
            (d and d["message"] == expected, "message %r, the engine says %r" % (d and d["message"], expected)),
            (d and d["layers_before"] == d["layers_after"], "a layer was added"),
            (d and d["pixels_same"], "the layer's pixels changed"),
            (d and d["undo_enabled"], "undo left disabled")])

    d = py.get("py-edit-visible")
    v.require("py-edit-visible", [
        (d is not None, "no report"),
        (d and d["status"] == "success", "status %s: %s" % (d and d["status"], d and d["message"])),
        (d and d["layers"] == 2 and d["above"], "result not added above the layer")])

    for name in ("py-no-key-generate", "py-no-key-edit"):
        d = py.get(name)
        conds = [(d is not None, "no report (see %s/python-nokey.log)" % work),
                 (d and d["status"] == "execution-error", "status %s" % (d and d["status"])),
                 (d and d["message"] == NO_KEY, "message %r" % (d and d["message"]))]
        if name.endswith("edit"):
            conds += [(d and d["layers_before"] == d["layers_after"], "a layer was added"),
                      (d and d["pixels_same"], "the layer's pixels changed")]
        v.require(name, conds)

    d = py.get("py-set-key-noninteractive")
    v.require("py-set-key-noninteractive", [
        (d is not None, "no report"),
        (d and d["status"] == "execution-error", "status %s" % (d and d["status"])),
        (d and "GEMINI_API_KEY" in (d["message"] or ""), "message %r" % (d and d["message"]))])
    d = py.get("py-key-file")
    v.require("py-key-file", [
        (d is not None, "no report"),
        (d and d["status"] == "success", "the key in the profile's file was not used: %s %s"
         % (d and d["status"], d and d["message"]))])
    d = py.get("py-forget-key")
    v.require("py-forget-key", [
        (d is not None, "no report"),
        (d and d["status"] == "success", "status %s: %s" % (d and d["status"], d and d["message"])),
        (d and d["file_gone"], "the key file is still there"),
        (d and d["after_message"] == NO_KEY, "after forgetting: %s %r" % (d and d["after_status"], d and d["after_message"]))])

    # The request sent for the selection: the region, not the whole layer.
    log = []
    try:
        with open(os.path.join(work, "server-log.json"), encoding="utf-8") as f:
            log = json.load(f)
    except (OSError, ValueError):
        pass
    sizes = []
    for e in log:
        for c in ((e.get("body") or {}).get("contents") or []):
            for p in c.get("parts") or []:
                data = (p.get("inlineData") or p.get("inline_data") or {}).get("data")
                if isinstance(data, dict):
                    sizes.append((data.get("width"), data.get("height")))
    v.require("requests", [
        (len(log) > 0, "the server log is empty"),
        (all(e.get("key_ok") for e in log if e.get("scenario") != "rejected"), "a request came with a wrong key"),
        (not any(e.get("key_in_url") for e in log), "the key was sent in a URL"),
        (any(w and h and w * h < 500 * 400 for w, h in sizes),
         "no edit sent less than the whole 500x400 layer: %s" % sizes)])

    # The key must be nowhere on disk: not in the profile, not in an .xcf.
    leaks = []
    needle = key.encode()
    for root in (os.path.join(work, "profile"), os.path.join(work, "home"), out):
        for path in glob.glob(os.path.join(root, "**"), recursive=True):
            if os.path.isfile(path):
                try:
                    with open(path, "rb") as f:
                        if needle in f.read():
                            leaks.append(path)
                except OSError:
                    pass
    xcfs = glob.glob(os.path.join(out, "*.xcf"))
    v.require("key-not-stored", [
        (len(xcfs) >= 2, "the .xcf files were not saved: %s" % xcfs),
        (not leaks, "the key was found in %s" % leaks)])

    print("\n".join(v.lines))


def main():
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    if cmd == "prepare":
        prepare(sys.argv[2])
    elif cmd == "control":
        control(sys.argv[2], sys.argv[3])
    elif cmd == "log":
        save_log(sys.argv[2], sys.argv[3])
    elif cmd == "check":
        check(sys.argv[2], os.environ["GG_GIMP_TEST_KEY"])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
