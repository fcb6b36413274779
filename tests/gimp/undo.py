#!/usr/bin/python3
""""The whole change is one undo step", judged in real GIMP (3 or 2.10)
with a display: GIMP's undo has no procedure, so a person's Ctrl+Z it is.

    undo.py VERSION WORK -- GIMP-COMMAND...
    undo.py --count         the number of checks it reports

VERSION is 3 or 2.10.  Starts Xvfb (a free display) and openbox, runs
GIMP-COMMAND with DISPLAY and GG_UNDO_SYNC=WORK/sync in its environment
(the command is tests/gimp/undo3.py or tests/gimp2/undo.scm in GIMP's
batch mode, which quits GIMP at the end), and when GIMP asks for it
(the file WORK/sync/undo-1, or the line "GGT-UNDO-REQUEST undo-1" in its
output) presses Ctrl+Z once in the image's window, then answers with
WORK/sync/undo-1.done.  Then compares GIMP's three snapshots of the image
(before the edit, after it, after the one undo): layers, masks, pixels,
parasites and selection must be exactly as before after one undo.
Prints "PASS name" / "FAIL name: why" per check (undo-edit-ran,
undo-one-step); exit status 0 when it could judge, whatever the verdicts.
GIMP's output is WORK/undo-gimp.log.  Standard library + Pillow; xdotool.
"""
import os
import re
import shutil
import signal
import subprocess
import sys
import time

from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import checks  # noqa: E402  (tests/gimp/checks.py: the GGT-JSON reports)

CHECKS = ("undo-edit-ran", "undo-one-step")
TIMEOUT = int(os.environ.get("GG_GIMP_TIMEOUT", "240"))


def verdict(name, ok, why=""):
    print("PASS %s" % name if ok else "FAIL %s: %s" % (name, why), flush=True)


def fail_all(why):
    for name in CHECKS:
        verdict(name, False, why)
    sys.exit(0)


def start_x(work):
    """(Xvfb, openbox, DISPLAY value)."""
    missing = [t for t in ("Xvfb", "openbox", "xdotool") if shutil.which(t) is None]
    if missing:
        fail_all("missing: %s (apt-get install xvfb openbox xdotool; or install/install.sh --test-deps)"
                 % " ".join(missing))
    # Xvfb writes the display it took into the file (as take.sh has it).
    path = os.path.join(work, "undo-display")
    with open(path, "w") as f, open(os.path.join(work, "undo-xvfb.log"), "w") as err:
        xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(f.fileno()), "-screen", "0", "1600x1200x24",
                                 "-nolisten", "tcp"], pass_fds=(f.fileno(),),
                                stdout=subprocess.DEVNULL, stderr=err)
    number = ""
    for _ in range(100):
        with open(path) as f:
            number = f.read().strip()
        if number or xvfb.poll() is not None:
            break
        time.sleep(0.1)
    if not number:
        xvfb.kill()
        fail_all("Xvfb did not start (see %s/undo-xvfb.log)" % work)
    display = ":" + number
    wm = subprocess.Popen(["openbox"], env=dict(os.environ, DISPLAY=display),
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return xvfb, wm, display


def press_undo(display, log):
    """Ctrl+Z once in the image window (its title names the picture)."""
    env = dict(os.environ, DISPLAY=display)
    wid = ""
    for _ in range(100):
        r = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", "texture"],
                           capture_output=True, text=True, env=env)
        ids = r.stdout.split()
        if ids:
            wid = ids[-1]
            break
        time.sleep(0.2)
    if not wid:
        r = subprocess.run(["xdotool", "search", "--name", "."], capture_output=True, text=True, env=env)
        names = [subprocess.run(["xdotool", "getwindowname", w], capture_output=True, text=True,
                                env=env).stdout.strip() for w in r.stdout.split()]
        log.append("no image window titled ...texture... appeared; windows: %s" % [n for n in names if n])
        return False
    subprocess.run(["xdotool", "windowactivate", "--sync", wid], env=env, timeout=20)
    time.sleep(0.5)
    subprocess.run(["xdotool", "key", "--clearmodifiers", "ctrl+z"], env=env, timeout=20)
    # GIMP handles the key in its own time: let it before the next snapshot.
    time.sleep(2.0)
    log.append("Ctrl+Z pressed in window %s" % wid)
    return True


def run_gimp(work, display, argv):
    sync = os.path.join(work, "sync")
    os.makedirs(sync, exist_ok=True)
    for f in os.listdir(sync):
        os.remove(os.path.join(sync, f))
    log_path = os.path.join(work, "undo-gimp.log")
    env = dict(os.environ, DISPLAY=display, GG_UNDO_SYNC=sync, NO_AT_BRIDGE="1")
    with open(log_path, "w") as log:
        gimp = subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    notes = []
    pressed = False
    deadline = time.monotonic() + TIMEOUT
    while gimp.poll() is None and time.monotonic() < deadline:
        if not pressed:
            with open(log_path, encoding="utf-8", errors="replace") as f:
                asked = "GGT-UNDO-REQUEST undo-1" in f.read()
            if asked or os.path.exists(os.path.join(sync, "undo-1")):
                pressed = True
                press_undo(display, notes)
                with open(os.path.join(sync, "undo-1.done"), "w") as f:
                    f.write("done\n")
        time.sleep(0.2)
    timed_out = gimp.poll() is None
    if timed_out:
        notes.append("GIMP did not quit within %d s" % TIMEOUT)
    # GIMP's plug-ins may outlive it: the whole group.
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(gimp.pid, sig)
        except ProcessLookupError:
            break
        time.sleep(1)
    gimp.wait()
    with open(log_path, encoding="utf-8", errors="replace") as f:
        return f.read(), notes, pressed


# ------------------------------------------------------------------ snapshots

def pixels(path):
    with Image.open(path) as img:
        return img.mode, img.size, img.tobytes()


def gimp2_snapshot(work, text, label):
    """The GGT-UNDO lines of @label, and the pixels of its PNGs, or None."""
    lines = [m.group(1) for m in re.finditer(r"GGT-UNDO %s(\|.*)" % re.escape(label), text)]
    if "|end" not in lines:
        return None
    out = os.path.join(work, "out")
    pngs = {}
    for name in sorted(os.listdir(out)):
        if name.startswith("undo-%s-" % label) and name.endswith(".png"):
            pngs[name[len("undo-%s-" % label):]] = pixels(os.path.join(out, name))
    return {"lines": lines, "pixels": pngs}


def differences(a, b, path=""):
    """Where two snapshots differ (a few places, for the message)."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for k in sorted(set(a) | set(b)):
            out += differences(a.get(k), b.get(k), "%s/%s" % (path, k))
        return out
    if isinstance(a, list) and isinstance(b, list):
        if len(a) == len(b):
            out = []
            for i, (x, y) in enumerate(zip(a, b)):
                out += differences(x, y, "%s[%d]" % (path, i))
            return out
        return ["%s: %d items -> %d (gone: %s; new: %s)" % (
            path, len(a), len(b), [str(x)[:60] for x in a if x not in b][:3],
            [str(y)[:60] for y in b if y not in a][:3])]
    if a != b:
        def show(v):
            text = repr(v)
            return text if len(text) <= 80 else text[:60] + "...(%d characters)" % len(text)
        return ["%s: %s -> %s" % (path or "/", show(a), show(b))]
    return []


def judge(version, work, text, notes, pressed):
    if version == "3":
        s = checks.py_reports(text)
        before, edit, undone = (s.get("undo-before"), s.get("undo-after-edit"), s.get("undo-after-undo"))
        error = (s.get("py-exception") or {}).get("message")
        before, undone = (before or {}).get("state"), (undone or {}).get("state")
        edit_ok = bool(edit) and edit.get("status") == "success"
        edit_state = (edit or {}).get("state")
        why_edit = error or (edit and "status %s: %s" % (edit.get("status"), edit.get("message"))) \
            or "no report from GIMP"
    else:
        error = None
        m = re.search(r"GGT-MSG undo: (.*)", text)
        if m:
            error = m.group(1)
        before = gimp2_snapshot(work, text, "before")
        edit_state = gimp2_snapshot(work, text, "after-edit")
        undone = gimp2_snapshot(work, text, "after-undo")
        edit_ok = edit_state is not None
        why_edit = error or "no snapshot after the edit"
    where = "see %s/undo-gimp.log; %s" % (work, "; ".join(notes) or "no note")
    layers = (lambda st: len(st["layers"]) if version == "3" else
              int(re.search(r"layers=(\d+)", st["lines"][0]).group(1)))
    verdict("undo-edit-ran", edit_ok and before is not None and layers(edit_state) == layers(before) + 1,
            "%s (%s)" % (why_edit if not edit_ok else "the edit did not add one layer", where))
    if not (pressed and before is not None and undone is not None):
        verdict("undo-one-step", False, "%s (%s)" % (
            error or ("Ctrl+Z was never asked for" if not pressed else "a snapshot is missing"), where))
        return
    diff = differences(before, undone)
    verdict("undo-one-step", edit_ok and not diff,
            "after one undo the image is not as before the edit: %s (%s)" % ("; ".join(diff[:6]), where))


def main():
    if sys.argv[1:] == ["--count"]:
        print(len(CHECKS))
        return
    if len(sys.argv) < 5 or sys.argv[3] != "--" or sys.argv[1] not in ("3", "2.10"):
        sys.exit(__doc__)
    version, work, argv = sys.argv[1], os.path.abspath(sys.argv[2]), sys.argv[4:]
    os.makedirs(os.path.join(work, "out"), exist_ok=True)
    xvfb, wm, display = start_x(work)
    try:
        text, notes, pressed = run_gimp(work, display, argv)
    finally:
        wm.terminate()
        xvfb.terminate()
        wm.wait()
        xvfb.wait()
    judge(version, work, text, notes, pressed)


if __name__ == "__main__":
    main()
