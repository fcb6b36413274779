#!/usr/bin/python3
"""Judges what tests/gimp2/run.sh made GIMP 2.10 (and GIMP 3) do.

    checks.py WORK        (GG_GIMP_TEST_KEY: the key; GG_CROSS=1 when the
                           cross-version runs happened)
    checks.py --count     the number of checks it holds (its registry, built
                          on an empty WORK; GG_CROSS as above)

Reads the Script-Fu logs (sf-*.log: "GGT name k=v", "GGT-MSG name: text"),
GIMP 3's cross-version report (cross3.log: "GGT-JSON {...}"), the exported
PNGs, the fake server's log and the argv scan, and prints "PASS name" or
"FAIL name: why" per check.  The assertions are those of the GIMP 3 suite
(tests/gimp/checks.py, whose helpers are reused): pixels, structure, the
source untouched, errors leave the image as it was, the key nowhere.
Every check reports, as in tests/gimp/checks.py (Verdicts): the checks are
registered first, then each runs on its own; an exception in one is its
FAIL.  Exit status 0 when the judge completed, whatever the verdicts.
"""

import base64
import glob
import hashlib
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "gimp"))
import checks as g3  # noqa: E402  (tests/gimp/checks.py: shared helpers)

from PIL import Image  # noqa: E402

NO_KEY = "No Gemini API key: set GEMINI_API_KEY or use Filters > Gemini > API Key…"
INDEXED = "Indexed images are not supported: convert to RGB (Image > Mode > RGB)."
RECOVERY_WORDS = "The result was saved as "


def messages(text):
    """{name: sentence} from the 'GGT-MSG name: sentence' lines."""
    out = {}
    for m in re.finditer(r"GGT-MSG (\S+): ?(.*)", text):
        out[m.group(1)] = m.group(2).strip()
    return out


def server_log(work, name="server-log.json"):
    try:
        with open(os.path.join(work, name), encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return []


def generations(log):
    return [e for e in log if ":generateContent" in (e.get("path") or "")]


def user_texts(content):
    return " ".join(p.get("text", "") for p in content.get("parts") or [] if "text" in p)


def request_with(log, words):
    """The last generateContent body whose last user turn holds @words."""
    found = None
    for e in generations(log):
        contents = (e.get("body") or {}).get("contents") or []
        if contents and words in user_texts(contents[-1]):
            found = e
    return found


def normalise(contents, stored):
    """Contents with every image replaced by its bytes' sha256 (the server
    log keeps a summary, the .xcf the base64 text)."""
    def walk(o):
        if isinstance(o, dict):
            out = {}
            for k, v in o.items():
                if k in ("inlineData", "inline_data") and isinstance(v, dict):
                    v = dict(v)
                    data = v.get("data")
                    if stored and isinstance(data, str):
                        v["data"] = hashlib.sha256(base64.b64decode(data)).hexdigest()
                    elif isinstance(data, dict):
                        v["data"] = data.get("sha256")
                    out["inlineData"] = v
                else:
                    out[k] = walk(v)
            return out
        if isinstance(o, list):
            return [walk(x) for x in o]
        return o
    return walk(contents)


def images_of(entry):
    """(width, height) of every image a logged request sent, in order."""
    out = []
    for c in ((entry or {}).get("body") or {}).get("contents") or []:
        for p in c.get("parts") or []:
            data = (p.get("inlineData") or p.get("inline_data") or {}).get("data")
            if isinstance(data, dict):
                out.append((data.get("width"), data.get("height")))
    return out


def signed(content):
    return any("thoughtSignature" in p or "thought_signature" in p
               for p in content.get("parts") or [])


def judge(work, key, cross):
    """The registry of checks (g3.Verdicts) over WORK's outputs."""
    v = g3.Verdicts()
    out = os.path.join(work, "out")
    texts = {name: g3.read(os.path.join(work, "sf-%s.log" % name))
             for name in ("main", "fr", "errors", "keys", "key-file", "recovery", "cancel", "back")}
    sf, msg = {}, {}
    for t in texts.values():
        sf.update(g3.sf_reports(t))
        msg.update(messages(t))

    def sfcheck(name, conds_fn):
        def conds():
            d = sf.get(name)
            if d is None:
                return [(False, "no report from Script-Fu (see %s/sf-*.log)" % work)]
            if d.get("error") == "1":
                return [(False, "the Script-Fu check threw: %s" % msg.get(name))]
            try:
                return conds_fn(d)
            except (KeyError, ValueError, OSError) as e:
                return [(False, "incomplete report %r (%s)" % (d, e))]
        v.require(name, conds)

    geometry, contains = g3.geometry, g3.contains

    sfcheck("generate", lambda d: [
        ((int(d["w"]), int(d["h"])) == (1344, 768), "image is %sx%s, not 1344x768" % (d["w"], d["h"])),
        (d["layers"] == "1", "layers=%s" % d["layers"]),
        (d["undo"] == "1", "undo left disabled on the new image"),
        (d["conversation"] == "1", "the new image keeps no conversation")])

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
            (d["undo"] == "1", "undo left disabled"),
            (s == (30, 20, 500, 400), "source layer moved or resized: %s" % (s,)),
            (contains(g, sel), "layer %s does not cover the selection %s" % (g, sel)),
            (contains(s, g), "layer %s leaves the source layer %s" % (g, s)),
            g3.same_pixels(out, "sel-src-before.png", "sel-src-after.png"),
            g3.mask_matches(os.path.join(out, "sel-mask.png"), g, sel),
            g3.changed_inside(out, "sel-new.png", "sel-src-before.png", g, s, sel),
        ]
    sfcheck("edit-selection", edit_selection)

    def keeps_answer():
        # Issue 16, item 4: the layer holds the whole placed answer over
        # the region sent; its mask, not its alpha, limits what shows.
        layer = Image.open(os.path.join(out, "sel-new.png")).convert("RGBA")
        mask = Image.open(os.path.join(out, "sel-mask.png")).convert("L")
        if layer.size != mask.size:
            return [(False, "layer %s and mask %s differ in size" % (layer.size, mask.size))]
        alpha, m = layer.getchannel("A").load(), mask.load()
        hidden = cleared = 0
        for y in range(layer.size[1]):
            for x in range(layer.size[0]):
                if m[x, y] == 0:
                    hidden += 1
                    cleared += alpha[x, y] != 255
        return [
            (hidden > 0, "the mask hides nothing of the layer: no pixel to judge"),
            (cleared == 0, "%d of the %d pixels the mask hides are not opaque: "
             "the answer was cleared there" % (cleared, hidden))]
    v.require("edit-keeps-answer", keeps_answer)

    def mask_default(d):
        # Grow 4 px, feather auto (10 % of 120 = 12 px, inside the grown
        # selection): 0 outside the grown rectangle, 255 well inside.
        g = geometry(d)
        path = os.path.join(out, "sel-mask-default.png")
        if not os.path.exists(path):
            return [(False, "the mask was not exported")]
        img = Image.open(path).convert("L")
        if img.size != (g[2], g[3]):
            return [(False, "mask size %s != layer size %s" % (img.size, g[2:]))]
        px = img.load()
        sx, sy, sw, sh = sel[0] - g[0], sel[1] - g[1], sel[2], sel[3]
        bad_out = bad_in = soft = 0
        for y in range(g[3]):
            for x in range(g[2]):
                v = px[x, y]
                # Outside the selection grown by 4 px (Euclidean: a margin
                # of a pixel for the corners' rounding).
                if not (sx - 5 <= x < sx + sw + 5 and sy - 5 <= y < sy + sh + 5):
                    bad_out += v != 0
                elif sx + 24 <= x < sx + sw - 24 and sy + 24 <= y < sy + sh - 24:
                    bad_in += v != 255
                elif 0 < v < 255:
                    soft += 1
        return [
            (d["mask"] == "1", "no layer mask"),
            (contains(g, (sel[0] - 4, sel[1] - 4, sel[2] + 8, sel[3] + 8)),
             "layer %s does not cover the grown selection" % (g,)),
            (bad_out == 0, "%d pixels outside the grown selection not 0" % bad_out),
            (bad_in == 0, "%d pixels well inside the selection not 255" % bad_in),
            (soft > 0, "no soft edge: the mask was not feathered"),
        ]
    sfcheck("edit-mask-default", mask_default)

    # The place parasite: GIMP 3's versioned key file.
    m = re.search(r"GGT-PLACE edit-selection: (.*?)(?:\n\n|\Z)", texts["main"], re.S)
    place = m.group(1) if m else ""
    v.require("place-format", lambda: [
        (bool(place), "no gemini-conversation-place parasite was reported"),
        ("[conversation]" in place and "version=1" in place, "not the versioned format: %r" % place[:200]),
        ("has-region=true" in place, "the edit's region was not stored: %r" % place[:200])])

    first = sf.get("sf-refine-first", {})
    sfcheck("sf-refine", lambda d: [
        (int(d["layers"]) == int(d["before"]) + 1, "layers %s -> %s" % (d["before"], d["layers"])),
        (d["pos-new"] == "0", "the refined result is not on top"),
        (d["mask"] == "1", "no mask"),
        (geometry(d) == geometry(first), "refined %s is not over the first result %s"
         % (geometry(d), geometry(first)))])

    log = server_log(work)
    edit_req = request_with(log, "add a red balloon")
    refine_req = request_with(log, "make the balloon yellow")
    rc = ((refine_req or {}).get("body") or {}).get("contents") or []
    v.require("sf-refine-request", lambda: [
        (edit_req is not None, "the edit's request is not in the server log"),
        (refine_req is not None, "the refine's request is not in the server log"),
        (len(rc) == 3, "the refine sent %d contents, expected user, model, user" % len(rc)),
        (len(rc) == 3 and [c.get("role") for c in rc] == ["user", "model", "user"], "roles %s" % [c.get("role") for c in rc]),
        (len(rc) == 3 and signed(rc[1]), "the model's turn went back without its thought signature"),
        (edit_req is not None and len(rc) == 3 and
         normalise(rc[0], False) == normalise(((edit_req.get("body") or {}).get("contents") or [{}])[0], False),
         "the first user turn is not the one the edit sent"),
        (refine_req is not None and refine_req.get("status", 200) == 200 if "status" in (refine_req or {}) else True,
         "the server refused the refine")])

    sfcheck("sf-references", lambda d: [
        (d["layers"] == "3", "layers=%s" % d["layers"]),
        # Each result directly above the source: the later one, styled, lower.
        (d["pos-styled"] == "1" and d["pos-edited"] == "0", "styled at %s, edited at %s" % (d["pos-styled"], d["pos-edited"]))])
    def references_request():
        ref_req = request_with(log, "add a cat")
        n_images = sum(1 for c in ((ref_req or {}).get("body") or {}).get("contents") or []
                       for p in c.get("parts") or [] if "inlineData" in p or "inline_data" in p)
        return [
            (ref_req is not None, "the request with a reference is not in the server log"),
            (n_images == 2, "%d images sent, expected the region and the reference" % n_images)]
    v.require("sf-references-request", references_request)

    # Reference files: read, decoded and sent after the layers, with roles.
    # The pictures of checks.py prepare: texture 500x400, gray 300x200,
    # alpha 400x300 (transparent: PNG).
    texture, gray, alpha = (500, 400), (300, 200), (400, 300)

    def sent(words, expected_tail, roles=()):
        req = request_with(log, words)
        imgs = images_of(req)
        text = user_texts((((req or {}).get("body") or {}).get("contents") or [{}])[-1])
        return [
            (req is not None, "no request with %r in the server log" % words),
            (imgs[-len(expected_tail):] == list(expected_tail),
             "%r sent images %s, expected them to end with %s" % (words, imgs, list(expected_tail))),
        ] + [(r in text, "%r: the role sentence %r is not in the prompt" % (words, r)) for r in roles]

    sfcheck("ref-files", lambda d: [
        (d["layers"] == "2", "layers=%s" % d["layers"]),
        (d["pos-new"] == "0", "the result is not on top")]
        + sent("add a lighthouse", [gray, alpha],
               ("Image 2 shows the subject", "Use image 3 as a reference for style only"))
        + [(len(images_of(request_with(log, "add a lighthouse"))) == 3,
            "expected the region and two files")])
    sfcheck("ref-files-generate", lambda d: [
        (int(d["layers"]) == int(d["before"]) + 1, "the refine added no layer: %s -> %s" % (d["before"], d["layers"])),
        (images_of(request_with(log, "a tower like this one")) == [texture],
         "generate sent %s, expected the one file" % images_of(request_with(log, "a tower like this one")))]
        + sent("give it this person", [gray]))
    sfcheck("ref-files-limit", lambda d: [
        (d["refused"] == "1", "4 images on 2.5 Flash were not refused"),
        (d["layers"] == d["before"], "layers %s -> %s" % (d["before"], d["layers"])),
        (request_with(log, "too many kites") is None, "the refused request reached the server"),
        ("3" in msg.get("ref-files-limit", ""), "the message does not give the limit: %r" % msg.get("ref-files-limit"))])
    sfcheck("ref-file-missing", lambda d: [
        (d["refused"] == "1", "a missing file was not refused"),
        (d["layers"] == d["before"], "layers %s -> %s" % (d["before"], d["layers"])),
        (d["undo"] == "1", "undo left disabled"),
        (d["conversation"] == "0", "a conversation was stored"),
        ("no-such-picture.png" in msg.get("ref-file-missing", "") and
         "does not exist" in msg.get("ref-file-missing", ""),
         "the message does not name the missing file: %r" % msg.get("ref-file-missing")),
        (request_with(log, "a missing kite") is None, "a request was sent"),
        g3.same_pixels(out, "missing-before.png", "missing-after.png")])
    sfcheck("style-file", lambda d: [
        (d["layers"] == "2", "layers=%s" % d["layers"]),
        (d["pos-new"] == "0", "the result is not on top")]
        + sent("in the style of the file", [alpha], ("Use image 2 as a reference for style only",))
        + [(len(images_of(request_with(log, "in the style of the file"))) == 2,
            "expected the region and the style file")])
    sfcheck("compose-linked", lambda d: [
        (d["same-image"] == "1", "not added to the image"),
        (int(d["layers"]) == int(d["before"]) + 1, "layers %s -> %s" % (d["before"], d["layers"])),
        (d["pos-new"] == "0", "the result is not on top"),
        (images_of(request_with(log, "the cat of one on the field of the other")) == [texture, gray, alpha],
         "compose sent %s, expected the active layer, the linked one and the file"
         % images_of(request_with(log, "the cat of one on the field of the other")))]
        + sent("the cat of one on the field of the other", [texture, gray, alpha],
               ("Image 1 shows the subject", "Use image 3 as a reference for style only")))
    sfcheck("compose-new", lambda d: [
        (d["new-image"] == "1", "as-layer FALSE did not open a new image"),
        (d["layers"] == "1", "layers=%s" % d["layers"]),
        (images_of(request_with(log, "these two side by side")) == [alpha, gray],
         "compose sent %s, expected the two layers named" % images_of(request_with(log, "these two side by side")))])
    sfcheck("fr-missing", lambda d: [
        (d["refused"] == "1", "a missing file was not refused"),
        (d["layers"] == "1", "layers=%s" % d["layers"]),
        ("n’existe pas" in msg.get("fr-missing", "") and "absent.png" in msg.get("fr-missing", ""),
         "not the French sentence of po/fr.po: %r" % msg.get("fr-missing"))])

    sfcheck("sf-variations", lambda d: [
        (d["layers"] == "2", "layers=%s" % d["layers"]),
        (d["group"] == "1", "the result is not a group"),
        (d["children"] == "2", "the group holds %s layers" % d["children"])])

    wsrc = sf.get("edit-whole-src", {})
    sfcheck("edit-whole", lambda d: [
        (d["layers"] == "2", "layers=%s" % d["layers"]),
        (d["pos-new"] == "0", "not on top"),
        (d["mask"] == "0", "a mask was added with nothing selected"),
        (geometry(d) == geometry(wsrc) == (40, 50, 500, 400),
         "result %s does not cover the layer %s" % (geometry(d), geometry(wsrc))),
        g3.same_pixels(out, "whole-src-before.png", "whole-src-after.png")])

    sfcheck("edit-gray", lambda d: [
        (d["base"] == "1", "image is not grayscale"),
        (d["layers"] == "2", "layers=%s" % d["layers"]),
        (d["gray"] == "1" and d["alpha"] == "1", "result is not a GRAYA layer"),
        (d["mask"] == "1", "no mask"),
        (contains((0, 0, 300, 200), geometry(d)), "result outside the layer")])

    for name, precision in (("edit-u16", 250), ("edit-float", 600)):
        sfcheck(name, lambda d, name=name, precision=precision: [
            (int(d["precision"]) == precision, "precision %s, expected %d" % (d["precision"], precision)),
            (d["layers"] == "2", "layers=%s" % d["layers"]),
            (d["mask"] == "1", "no mask"),
            (contains(geometry(d), (200, 150, 100, 80)), "result does not cover the selection"),
            g3.same_pixels(out, name + "-src-before.png", name + "-src-after.png"),
            g3.changed_inside(out, name + "-new.png", name + "-src-before.png",
                              geometry(d), (0, 0, 500, 400), (200, 150, 100, 80))])

    asrc = sf.get("edit-alpha-large-src", {})
    sfcheck("edit-alpha-large", lambda d: [
        (d["layers"] == "2", "layers=%s" % d["layers"]),
        (d["mask"] == "1", "no mask"),
        (contains(geometry(asrc), geometry(d)), "result %s outside the layer %s" % (geometry(d), geometry(asrc))),
        (contains(geometry(d), (20, 20, 100, 80)), "result does not cover the selection")])

    sfcheck("edit-group", lambda d: [
        (d["layers"] == "2", "layers=%s" % d["layers"]),
        ((int(d["w"]), int(d["h"])) == (500, 400), "result %sx%s does not cover the group" % (d["w"], d["h"]))])

    d = sf.get("edit-indexed")
    v.require("edit-indexed", lambda d=d: [
        (d is not None, "no report"),
        (d is not None and d.get("refused") == "1", "the edit of an indexed image did not fail"),
        (d is not None and d.get("layers") == "1", "a layer was added"),
        (msg.get("edit-indexed") == INDEXED, "message %r" % msg.get("edit-indexed"))])

    sfcheck("start-over", lambda d: [
        (d["had"] == "1", "the reopened .xcf had no conversation"),
        (d["left"] == "0", "the conversation is still there"),
        (d["refused"] == "1", "refine ran without a conversation"),
        ("no Gemini conversation" in (msg.get("start-over") or ""), "message %r" % msg.get("start-over"))])

    # Error answers: the engine's sentence, the image as it was.
    for name, scenario in (("error-429-zero", "error_429_zero"),
                           ("error-blocked", "blocked"),
                           ("error-text-only", "text_only")):
        expected = g3.read(os.path.join(work, "cli-%s.txt" % scenario)).strip()
        expected = re.sub(r"^gemini-image: ", "", expected.splitlines()[-1]) if expected else ""
        sfcheck(name, lambda d, name=name, expected=expected: [
            (d["failed"] == "1", "the edit did not fail"),
            (bool(expected), "the CLI gave no sentence to compare with"),
            (msg.get(name) == expected, "message %r, the engine says %r" % (msg.get(name), expected)),
            (d["layers"] == d["before"], "a layer was added"),
            (d["undo"] == "1", "undo left disabled"),
            (d["conversation"] == "0", "a conversation was stored"),
            g3.same_pixels(out, name + "-before.png", name + "-after.png")])

    for name in ("no-key-generate", "no-key-edit"):
        conds = lambda d, name=name: [  # noqa: E731
            (d["failed"] == "1", "it did not fail"),
            (msg.get(name) == NO_KEY, "message %r" % msg.get(name))] + \
            ([(d["layers"] == "1", "a layer was added")] if name.endswith("edit") else [])
        sfcheck(name, conds)
    sfcheck("set-key-noninteractive", lambda d: [
        (d["failed"] == "1", "it did not fail"),
        ("GEMINI_API_KEY" in (msg.get("set-key-noninteractive") or ""), "message %r" % msg.get("set-key-noninteractive"))])
    sfcheck("key-file", lambda d: [
        (d["ok"] == "1", "the key in the 2.10 profile's file was not used: %s" % msg.get("key-file"))])
    sfcheck("forget-key", lambda d: [
        (d["ok"] == "1", "forget-key failed"),
        (not os.path.exists(os.path.join(work, "key-file-left")), "the key file is still there")])
    sfcheck("after-forget", lambda d: [
        (d["failed"] == "1", "a run succeeded after the key was forgotten"),
        (msg.get("after-forget") == NO_KEY, "message %r" % msg.get("after-forget"))])

    def recovery(d):
        text = msg.get("recovery-edit") or ""
        path = text.split(RECOVERY_WORDS, 1)[1].rstrip(".") if RECOVERY_WORDS in text else ""
        folder = os.path.join(work, "profile", "gemini-recovery")
        conds = [(d["failed"] == "1", "the edit did not fail"),
                 (bool(path), "the message does not say where the result went: %r" % text),
                 (os.path.dirname(path) == folder, "saved in %r, not the 2.10 profile's %s" % (path, folder)),
                 (os.path.isfile(path), "%s does not exist" % path),
                 (d["layers"] == d["before"], "the added layer was not removed"),
                 (d["undo"] == "1", "undo left disabled"),
                 g3.same_pixels(out, "recovery-before.png", "recovery-after.png")]
        if os.path.isfile(path):
            try:
                Image.open(path).load()
            except OSError as e:
                conds.append((False, "the saved answer is not an image: %s" % e))
        return conds
    sfcheck("recovery-edit", recovery)

    # Cancel: the plug-in killed while the model thinks.
    try:
        with open(os.path.join(work, "killer.json"), encoding="utf-8") as f:
            killed = json.load(f).get("think") or {}
    except (OSError, ValueError):
        killed = {}
    sfcheck("cancel-edit", lambda d: [
        (killed.get("pid") and not killed.get("error"), "the killer did not kill the plug-in: %s" % killed.get("error")),
        (killed.get("in_flight"), "the request was not in flight when the plug-in was killed"),
        (not killed.get("argv_hits"), "the key was in argv: %s" % killed.get("argv_hits")),
        (killed.get("t_gone", 99) - killed.get("t_kill", 0) < 2.0,
         "the plug-in took %.2f s to end" % (killed.get("t_gone", 99) - killed.get("t_kill", 0))),
        (d["failed"] == "1", "the edit did not fail"),
        (d["layers"] == d["before"], "a layer was added"),
        (d["undo"] == "1", "undo left disabled"),
        (d["conversation"] == "0", "a conversation was stored"),
        g3.same_pixels(out, "cancel-before.png", "cancel-after.png")])
    sfcheck("cancel-next", lambda d: [
        (d["layers"] == "2", "the edit after the cancel added %s layers" % (int(d["layers"]) - 1))])

    # Requests: the right key, in the header only, the region not the layer.
    def requests():
        sizes = g3.sent_sizes(log)
        return [
            (len(generations(log)) > 0, "the server log is empty"),
            (all(e.get("key_ok") for e in log if e.get("scenario") != "rejected"), "a request came with a wrong key"),
            (not any(e.get("key_in_url") for e in log), "the key was sent in a URL"),
            (any(w and h and w * h < 500 * 400 for w, h in sizes),
             "no edit sent less than the whole 500x400 layer: %s" % sizes)]
    v.require("requests", requests)

    # Cross-version: GIMP 3 refines 2.10's .xcf, sending its conversation.
    if cross:
        py = g3.py_reports(g3.read(os.path.join(work, "cross3.log")))
        d = py.get("cross-refine")
        stored = (d or {}).get("stored") or []
        sent3 = (d or {}).get("sent") or []
        model_turns = [c for c in stored if c.get("role") == "model"]
        v.require("cross-refine-gimp3", lambda: [
            (d is not None, "no report from GIMP 3 (see %s/cross3.log): %s"
             % (work, (py.get("py-exception") or {}).get("message"))),
            (d and d["status"] == "success", "GIMP 3's refine failed: %s" % (d and d["message"])),
            (len(stored) == 4, "the .xcf from 2.10 holds %d contents, expected 2 exchanges" % len(stored)),
            (len(model_turns) == 2 and all(signed(c) for c in model_turns),
             "2.10 stored model turns without their thought signatures"),
            (len(sent3) == len(stored) + 1, "GIMP 3 sent %d contents for a conversation of %d" % (len(sent3), len(stored))),
            (normalise(sent3[:-1], False) == normalise(stored, True),
             "GIMP 3 did not send 2.10's conversation as stored"),
            ("now make the balloon green" in user_texts(sent3[-1]) if sent3 else False, "the new prompt was not sent last"),
            (d and d["layers"] == d["before"] + 1, "layers %s -> %s" % (d and d["before"], d and d["layers"])),
            (d and d["new"] == d["top"], "GIMP 3 placed the result at %s, not over 2.10's region %s"
             % (d and d["new"], d and d["top"])),
            (d and len(d.get("after") or []) == 6, "the conversation after has %d contents, expected 6"
             % len((d and d.get("after")) or []))])

        back = request_with(log, "and a blue sky")
        bc = ((back or {}).get("body") or {}).get("contents") or []
        after3 = (d or {}).get("after") or []
        top = sf.get("back-refine-top", {})
        sfcheck("back-refine", lambda b: [
            (int(b["layers"]) == int(b["before"]) + 1, "layers %s -> %s" % (b["before"], b["layers"])),
            (geometry(b) == geometry(top), "placed at %s, not over the region %s" % (geometry(b), geometry(top))),
            (back is not None, "2.10's refine of GIMP 3's .xcf is not in the server log"),
            (len(bc) == len(after3) + 1 and normalise(bc[:-1], False) == normalise(after3, True),
             "2.10 did not send GIMP 3's conversation as stored")])

    # The key: never on disk (profile, home, outputs, .xcf, logs) ...
    def key_not_stored():
        logs = g3.run_logs(work)
        leaks = g3.key_leaks(key, (os.path.join(work, "profile"), os.path.join(work, "profile3"),
                                   os.path.join(work, "home"), out) + tuple(logs))
        xcfs = glob.glob(os.path.join(out, "*.xcf"))
        return [
            (len(xcfs) >= 2, "the .xcf files were not saved: %s" % xcfs),
            (len([p for p in logs if p.endswith(".log")]) >= 5, "the GIMP logs were not all there: %s" % logs),
            (not leaks, "the key was found in %s" % leaks)]
    v.require("key-not-stored", key_not_stored)

    # ... nor in any process's argv while the plug-in ran.
    try:
        with open(os.path.join(work, "argv-scan.json"), encoding="utf-8") as f:
            scan = json.load(f)
    except (OSError, ValueError):
        scan = None
    v.require("key-not-in-argv", lambda: [
        (scan is not None, "the argv scan left no result"),
        (scan and scan["scans"] > 10, "too few scans: %s" % (scan and scan["scans"])),
        (scan and scan["plugin_pids"], "the scan never saw the 2.10 plug-in run"),
        (scan and not scan["hits"], "the key was in argv: %s" % (scan and scan["hits"]))])
    models_verdicts(v, sf, msg, out, server_log(work), sfcheck)
    return v


def main():
    cross = os.environ.get("GG_CROSS") == "1"
    if sys.argv[1:] == ["--count"]:
        import tempfile
        with tempfile.TemporaryDirectory() as empty:
            print(len(judge(empty, "no-key", cross)))
    elif len(sys.argv) == 2 and not sys.argv[1].startswith("-"):
        judge(sys.argv[1], os.environ["GG_GIMP_TEST_KEY"], cross).run()
    else:
        sys.exit(__doc__)


def models_verdicts(v, sf, msg, out, log, sfcheck):
    """Issue 14: today's models from 2.10 scripts (edit.scm's gg-models)."""
    default = "gemini-nano-banana-2.1"

    def sent(marker, model=default, store=False, thinking=None):
        found = [e for e in generations(log)
                 if marker in user_texts(((e.get("body") or {}).get("contents") or [{}])[-1])]
        body = (found[-1].get("body") or {}) if found else {}
        path = found[-1].get("path") or "" if found else ""
        level = ((body.get("generationConfig") or {}).get("thinkingConfig") or {}).get("thinkingLevel")
        return [(len(found) == 1, "%d requests for %s, not 1" % (len(found), marker)),
                ("/models/%s:" % model in path, "the request went to %s, not %s" % (path, model)),
                (body.get("store", "absent") is store,
                 'the body said "store": %s, not %s' % (body.get("store", "absent"), str(store).lower())),
                (level == thinking, "thinkingLevel was %r, not %r" % (level, thinking))]

    sfcheck("models-edit-default", lambda d: [
        (d["layers"] == "2", "layers=%s" % d["layers"])] + sent("models-edit-default"))
    sfcheck("models-refine-default", lambda d: [
        (int(d["layers"]) == int(d["before"]) + 1, "layers %s -> %s" % (d["before"], d["layers"]))]
        + sent("models-refine-default"))
    sfcheck("models-generate-default", lambda d: [
        (d["layers"] == "1", "layers=%s" % d["layers"])] + sent("models-generate-default"))
    sentence = "gemini-3.1-flash-image was shut down on 2026-10-29; use gemini-nano-banana-2.1."
    sfcheck("models-retired", lambda d: [
        (d["failed"] == "1", "the edit succeeded"),
        (sentence in msg.get("models-retired", ""),
         "the message was %r, not %r" % (msg.get("models-retired"), sentence)),
        (d["layers"] == d["before"], "layers %s -> %s" % (d["before"], d["layers"])),
        (d["conversation"] == "0", "a conversation was stored"),
        (not [e for e in generations(log) if "models-retired" in json.dumps(e.get("body"))],
         "a request was sent"),
        g3.same_pixels(out, "models-retired-before.png", "models-retired-after.png")])
    sfcheck("models-store", lambda d: [
        (d["layers"] == "3", "layers=%s" % d["layers"])]
        + sent("models-store:", store=True, thinking="HIGH")
        + sent("models-store-off:"))
    sfcheck("models-server-only", lambda d: [
        (d["layers"] == "1", "layers=%s" % d["layers"])]
        + sent("models-server-only", model="gemini-nano-banana-2.2-preview"))


if __name__ == "__main__":
    main()
