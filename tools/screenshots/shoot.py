#!/usr/bin/python3
"""The host side of tools/screenshots/take.sh: takes the pictures.

    shoot.py SYNC OUTDIR

drive.py (inside GIMP) announces each state in SYNC as NN-name.json; this
follows them in order, finds GIMP's windows by title with xdotool (never by
position), grabs the screen with xwd, crops with Pillow and writes OUTDIR's
PNGs.  DISPLAY must name the Xvfb server GIMP shows on.  Any window that
does not appear in time ends the run with one sentence saying which.
"""
import io
import json
import os
import re
import subprocess
import sys
import time

import numpy as np
from PIL import Image, ImageDraw, ImageFont
from scipy.signal import fftconvolve

WAIT = float(os.environ.get('GG_SHOTS_WAIT', '90'))
# "[scene] (imported)-1.0 (RGB ...) 960x600 – GIMP", or with no image open:
MAIN_TITLE = r'GIMP$|^GNU Image Manipulation Program$'
FONT = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf'
# The templates the dialogs' forms offer, in their order (common/'s data).
TEMPLATES = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                          '..', '..', 'common', 'templates.json'))


class Failed(Exception):
    pass


verdicts = {'passed': 0, 'failed': 0}


def verdict(name, ok, why):
    """One line per check, as tests/run.sh's suites print them."""
    verdicts['passed' if ok else 'failed'] += 1
    print('%s %s%s' % ('PASS' if ok else 'FAIL', name, '' if ok else ': ' + why), flush=True)


def x(*args, check=True):
    """Runs an X tool; its stdout as text."""
    r = subprocess.run(args, capture_output=True, text=True, timeout=30)
    if check and r.returncode != 0:
        raise Failed('%s failed: %s' % (' '.join(args), r.stderr.strip()))
    return r.stdout


def windows(title):
    """Visible windows whose title matches the regex, newest last."""
    out = x('xdotool', 'search', '--onlyvisible', '--name', title, check=False)
    return [int(w) for w in out.split()]


def window_name(wid):
    return x('xdotool', 'getwindowname', str(wid), check=False).strip()


def wait_window(title, what, exclude=()):
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        found = [w for w in windows(title) if w not in exclude]
        if found:
            return found[-1]
        check_gimp()
        time.sleep(0.2)
    raise Failed('%s did not appear within %d s (no visible window titled /%s/; '
                 'windows: %s)' % (what, WAIT, title, visible_titles()))


def visible_titles():
    names = [window_name(w) for w in windows('.')]
    return ', '.join(repr(n) for n in names if n) or 'none'


def frame(wid):
    """The window's rectangle on screen, with the window manager's frame."""
    info = x('xwininfo', '-id', str(wid))
    get = lambda key: int(re.search(key + r':\s+(-?\d+)', info).group(1))  # noqa: E731
    left, top = get('Absolute upper-left X'), get('Absolute upper-left Y')
    width, height = get('Width'), get('Height')
    ext = x('xprop', '-id', str(wid), '_NET_FRAME_EXTENTS', check=False)
    m = re.search(r'=\s*(\d+),\s*(\d+),\s*(\d+),\s*(\d+)', ext)
    fl, fr, ft, fb = (int(v) for v in m.groups()) if m else (0, 0, 0, 0)
    screen_w, screen_h = (int(v) for v in x('xdotool', 'getdisplaygeometry').split())
    return (max(left - fl, 0), max(top - ft, 0),
            min(left + width + fr, screen_w), min(top + height + fb, screen_h))


def xwd_image(*args):
    xwd = subprocess.run(['xwd', '-silent', *args], capture_output=True, timeout=30)
    if xwd.returncode != 0:
        raise Failed('xwd could not read the screen: ' + xwd.stderr.decode().strip())
    pnm = subprocess.run(['xwdtopnm'], input=xwd.stdout, capture_output=True, timeout=30)
    if pnm.returncode != 0:
        raise Failed('xwdtopnm failed: ' + pnm.stderr.decode().strip())
    return Image.open(io.BytesIO(pnm.stdout)).convert('RGB')


def popups():
    """Mapped override-redirect windows (open menus): [(id, x, y)]."""
    found = []
    for wid in re.findall(r'^\s+(0x[0-9a-f]+)', x('xwininfo', '-root', '-children'), re.M):
        info = x('xwininfo', '-id', wid, check=False)
        if 'IsViewable' not in info or 'Override Redirect State: yes' not in info:
            continue
        get = lambda key: int(re.search(key + r':\s+(-?\d+)', info).group(1))  # noqa: E731
        if get('Width') > 1 and get('Absolute upper-left X') >= 0:
            found.append((wid, get('Absolute upper-left X'), get('Absolute upper-left Y')))
    return found


def xwd_size(wid):
    info = x('xwininfo', '-id', wid)
    return (int(re.search(r'Width:\s+(\d+)', info).group(1)),
            int(re.search(r'Height:\s+(\d+)', info).group(1)))


def grab():
    """The whole screen as an RGB picture.  Xvfb's root shows GTK's menus
    black, so each open menu is read from its own window and pasted."""
    screen = xwd_image('-root')
    for wid, px, py in popups():
        screen.paste(xwd_image('-id', wid), (px, py))
    return screen


def settle(wid, seconds=1.0):
    """Waits until the window stops changing size, then lets it paint."""
    last, stable = None, time.monotonic()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        now = frame(wid)
        if now != last:
            last, stable = now, time.monotonic()
        elif time.monotonic() - stable > seconds:
            break
        time.sleep(0.1)
    time.sleep(0.8)


def save(picture, path):
    """PNG, made small: 256 colours when that costs nothing visible
    (the UI is flat; the scene's gradients are checked by the error)."""
    quant = picture.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    err = np.abs(np.asarray(quant.convert('RGB'), np.int16) - np.asarray(picture, np.int16)).mean()
    chosen = quant if err < 1.5 else picture
    chosen.save(path, optimize=True)
    written = Image.open(path)
    verdict('picture ' + os.path.basename(path), written.size == picture.size,
            'written as %dx%d, taken as %dx%d' % (written.size + picture.size))
    print('shots: wrote %s (%dx%d, %d KiB%s)' % (
        os.path.basename(path), picture.width, picture.height,
        os.path.getsize(path) // 1024, ', 256 colours' if chosen is quant else ''), flush=True)


def pointer_away():
    # The pointer over the canvas would show the tool's outline.
    x('xdotool', 'mousemove', '0', '0')


def main_window():
    """The largest visible window titled like GIMP's image window (GIMP
    keeps small helper windows with the same title)."""
    def area(wid):
        left, top, right, bottom = frame(wid)
        return (right - left) * (bottom - top)
    # The title changes as the image does: read it again until one matches.
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        found = windows(MAIN_TITLE)
        if found:
            try:
                return max(found, key=area)
            except Failed:      # a window gone between the two calls
                pass
        check_gimp()
        time.sleep(0.2)
    raise Failed("GIMP's main window did not appear within %d s (windows: %s)"
                 % (WAIT, visible_titles()))


def key(wid, *keys):
    x('xdotool', 'windowactivate', '--sync', str(wid), check=False)
    x('xdotool', 'key', '--clearmodifiers', *keys)


def find_canvas(screen, scene):
    """Where the scene sits on the screen (GIMP shows it at 100 %):
    the offset with the least squared difference, and the share of the
    scene's pixels that match there within 4 levels."""
    s = np.asarray(screen.convert('L'), np.float64)
    t = np.asarray(scene.convert('L'), np.float64)
    th, tw = t.shape
    corr = fftconvolve(s, t[::-1, ::-1], mode='valid')
    box = np.ones_like(t)
    s2 = fftconvolve(s * s, box, mode='valid')
    ssd = s2 - 2 * corr + (t * t).sum()
    y, x0 = np.unravel_index(np.argmin(ssd), ssd.shape)
    same = np.abs(s[y:y + th, x0:x0 + tw] - t) <= 4
    return int(x0), int(y), float(same.mean())


class Shooter:
    def __init__(self, sync, out, scene):
        self.sync, self.out = sync, out
        self.scene = Image.open(scene).convert('RGB')
        self.canvas_at = None
        self.before = None

    def run(self):
        n = 1
        while True:
            info, base = self.next_step(n)
            kind = info['kind']
            print('shots: step %d %s (%s)' % (n, info['name'], kind), flush=True)
            if kind == 'end':
                return
            getattr(self, 'do_' + kind)(info)
            with open(base + '.done', 'w') as f:
                f.write('ok\n')
            n += 1

    def next_step(self, n):
        deadline = time.monotonic() + float(os.environ.get('GG_SHOTS_START_WAIT', '240'))
        prefix = '%02d-' % n
        while time.monotonic() < deadline:
            err = os.path.join(self.sync, 'error.txt')
            if os.path.exists(err):
                raise Failed('the GIMP side failed:\n' + open(err).read())
            names = [f for f in os.listdir(self.sync) if f.startswith(prefix) and f.endswith('.json')]
            if names:
                path = os.path.join(self.sync, names[0])
                return json.load(open(path)), path[:-5]
            check_gimp()
            time.sleep(0.2)
        raise Failed('GIMP did not reach step %d within the time allowed (see gimp.log)' % n)

    def path(self, name):
        return os.path.join(self.out, name + '.png')

    def do_window(self, info):
        wid = main_window()
        if info.get('fullscreen'):
            # Close the welcome dialog if this GIMP still shows it.
            for w in windows(r'^Welcome to GIMP'):
                x('xdotool', 'windowclose', str(w), check=False)
        fill_screen(wid)
        if info.get('shot', True):
            pointer_away()
            settle(wid)
            save(grab().crop(frame(wid)), self.path(info['name']))

    def do_menu(self, info):
        """GIMP's window with Filters > Gemini open."""
        wid = main_window()
        fill_screen(wid)
        pointer_away()
        settle(wid)
        key(wid, 'alt+r')               # Filte_rs
        time.sleep(1.0)
        key_raw('End')                  # Gemini is the last submenu
        time.sleep(0.3)
        key_raw('Right')                # open it
        time.sleep(1.0)
        if len(popups()) < 2:
            raise Failed('Filters > Gemini did not open (open menus: %d)' % len(popups()))
        # The menu bar, both menus and some canvas around them.
        shot, menus = grab(), popups()
        left, top, right, bottom = frame(wid)
        menu_right = max(px + xwd_size(w)[0] for w, px, _ in menus)
        menu_bottom = max(py + xwd_size(w)[1] for w, _, py in menus)
        save(shot.crop((left, top,
                        min(right, menu_right + 160), min(bottom, menu_bottom + 60))),
             self.path(info['name']))
        key_raw('Escape')
        key_raw('Escape')
        time.sleep(0.5)

    def do_dialog(self, info):
        main = main_window()
        wid = wait_window(info['title'], 'the dialog "%s"' % info['name'], exclude=(main,))
        pointer_away()
        settle(wid)
        if info.get('form'):
            fill_form(wid, info['name'], info['form'])
            pointer_away()
            settle(wid)
        save(grab().crop(frame(wid)), self.path(info['name']))
        key(wid, 'Escape')
        deadline = time.monotonic() + 30
        while wid in windows(info['title']):
            if time.monotonic() > deadline:
                raise Failed('the dialog "%s" did not close on Escape' % info['name'])
            time.sleep(0.2)

    def do_canvas(self, info):
        wid = main_window()
        fill_screen(wid)
        pointer_away()
        settle(wid, 1.5)
        screen = grab()
        if self.canvas_at is None:
            cx, cy, same = find_canvas(screen, self.scene)
            # The marching ants aside, the canvas shows the scene pixel
            # for pixel at 100 %.
            if same < 0.95:
                raise Failed('the image is not on screen at 100 %% (at best %.0f %% of it '
                             'matches, at %d,%d): is the window full-screen?' % (100 * same, cx, cy))
            self.canvas_at = (cx, cy)
            print('shots: canvas at %d,%d (%.1f %% of the pixels match)' % (cx, cy, 100 * same),
                  flush=True)
        cx, cy = self.canvas_at
        w, h = info['image_size']
        picture = screen.crop((cx, cy, cx + w, cy + h))
        if info['name'] == 'before':
            self.before = picture
            return
        self.check_edit(self.before, picture, info['selection'])
        self.write_before_after(self.before, picture, info['selection'])

    def check_edit(self, before, after, selection):
        """What the picture must show: the edit inside the selection, and
        nothing changed far from it (beyond the region sent)."""
        b = np.asarray(before, np.float64)
        a = np.asarray(after, np.float64)
        sx, sy, sw, sh = selection
        inner = (slice(sy + sh // 4, sy + 3 * sh // 4), slice(sx + sw // 4, sx + 3 * sw // 4))
        changed = np.abs(a[inner] - b[inner]).mean()
        verdict('edit-visible-in-selection', changed > 10,
                'the middle of the selection changed by %.1f levels on average' % changed)
        # Far right of the canvas: beyond the region sent, whatever the
        # context; less the canvas's edge, where GIMP draws the selected
        # layer's boundary (the source's before, the new layer's after).
        h, w = b.shape[:2]
        far = (slice(3, h - 3), slice(min(w - 4, sx + 2 * sw + 64), w - 3))
        diff = np.abs(a[far] - b[far]).max(axis=2)
        moved = diff.max() if diff.size else 255
        where = np.unravel_index(np.argmax(diff), diff.shape) if diff.size else (0, 0)
        verdict('edit-stays-local', moved <= 2,
                'pixels far from the selection changed by up to %.0f levels (at %d,%d)'
                % (moved, far[1].start + where[1], far[0].start + where[0]))

    def write_before_after(self, before, after, selection):
        """The two canvases side by side, cropped around the selection."""
        sx, sy, sw, sh = selection
        w, h = before.size
        cw, ch = min(w, max(3 * sw, 480)), min(h, max(3 * sh, 300))
        left = min(max(sx + sw // 2 - cw // 2, 0), w - cw)
        top = min(max(sy + sh // 2 - ch // 2, 0), h - ch)
        box = (left, top, left + cw, top + ch)
        gap, label_h = 16, 30
        sheet = Image.new('RGB', (2 * cw + gap, ch + label_h), (255, 255, 255))
        sheet.paste(before.crop(box), (0, label_h))
        sheet.paste(after.crop(box), (cw + gap, label_h))
        draw = ImageDraw.Draw(sheet)
        try:
            font = ImageFont.truetype(FONT, 16)
        except OSError:
            font = ImageFont.load_default()
        draw.text((4, 6), 'Before: the selection', fill=(30, 30, 30), font=font)
        draw.text((cw + gap + 4, 6), 'After: Filters > Gemini > Edit… (a new layer, masked)', fill=(30, 30, 30), font=font)
        save(sheet, self.path('before-after'))


def key_raw(*keys):
    x('xdotool', 'key', '--clearmodifiers', *keys)


def fill_screen(wid):
    """Makes GIMP's window cover the screen, frame included, so that the
    image opens at 100 % and the window pictures are the screen's size.
    A resize sent while GIMP is still mapping its window may be lost (one
    run in four got a 1431x772 window): it is checked and sent again."""
    screen = tuple(int(v) for v in x('xdotool', 'getdisplaygeometry').split())
    for _ in range(5):
        if frame(wid) == (0, 0) + screen:
            return
        ext = x('xprop', '-id', str(wid), '_NET_FRAME_EXTENTS', check=False)
        m = re.search(r'=\s*(\d+),\s*(\d+),\s*(\d+),\s*(\d+)', ext)
        fl, fr, ft, fb = (int(v) for v in m.groups()) if m else (0, 0, 0, 0)
        x('xdotool', 'windowmove', '--sync', str(wid), '0', '0', check=False)
        x('xdotool', 'windowsize', '--sync', str(wid),
          str(screen[0] - fl - fr), str(screen[1] - ft - fb), check=False)
        settle(wid)
    raise Failed("GIMP's window could not be made to cover the screen "
                 '(%dx%d): it stays at %s' % (screen + (frame(wid),)))


def height(wid):
    """The window's height, also what lies below the screen's edge."""
    return int(re.search(r'Height:\s+(\d+)', x('xwininfo', '-id', str(wid))).group(1))


def grew(wid, before, what):
    """Whether the dialog got taller than before (an expander opened, a
    template's fields appeared) within a few seconds."""
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline:
        if height(wid) > before + 20:
            return True
        time.sleep(0.2)
    return False


def fill_form(wid, name, form):
    """Opens the dialog's "Start from a template" form, chooses a template
    and types some of its fields, by keyboard only: the expander's
    mnemonic, then Tab order (the template list, then the fields, one entry
    a row in the template's order).  Each stage is checked by the dialog
    growing, so that a changed layout fails with a sentence, not a wrong
    picture."""
    what = 'the dialog "%s"' % name
    templates = json.load(open(TEMPLATES))['templates']
    chosen = [t for t in templates if t['id'] == form['template']]
    if not chosen:
        raise Failed('%s: no template "%s" in %s' % (what, form['template'], TEMPLATES))
    kind = chosen[0]['kind']
    # The list starts with "No template", then the templates of that kind.
    index = 1 + [t['id'] for t in templates if t['kind'] == kind].index(form['template'])
    unknown = set(form['fields']) - {f['name'] for f in chosen[0]['fields']}
    if unknown:
        raise Failed('%s: template "%s" has no field %s'
                     % (what, form['template'], ', '.join(sorted(unknown))))

    # "Start from a _template": Alt+T.  Another widget may share the letter
    # (GTK then only moves the focus between them, without activating), so
    # Space activates what has the focus, and a check button toggled by
    # mistake is toggled back before Alt+T moves on.
    start = height(wid)
    key(wid, 'alt+t')
    opened = grew(wid, start, what)
    for _ in range(3):
        if opened:
            break
        key_raw('space')
        opened = grew(wid, start, what)
        if not opened:
            key_raw('space')
            key(wid, 'alt+t')
            opened = grew(wid, start, what)
    if not opened:
        raise Failed('%s: "Start from a template" did not open on Alt+T '
                     '(the dialog stayed %d px high)' % (what, start))

    # The template list is the next widget in Tab order; Down moves its choice.
    start = height(wid)
    key_raw('Tab')
    key_raw(*(['Down'] * index))
    if not grew(wid, start, what):
        raise Failed('%s: choosing the template "%s" (Tab, then Down %d times) showed '
                     'no fields (the dialog stayed %d px high)'
                     % (what, chosen[0]['label'], index, start))
    # Tab through the fields up to the last one given; Home after each
    # value shows its beginning rather than its end.
    names = [f['name'] for f in chosen[0]['fields']]
    last = max(names.index(n) for n in form['fields'])
    for field in names[:last + 1]:
        key_raw('Tab')
        value = form['fields'].get(field)
        if value:
            x('xdotool', 'type', '--delay', '8', '--clearmodifiers', value)
            key_raw('Home')
    time.sleep(0.5)
    # The form has made the dialog taller: keep all of it on the screen.
    left, top, right, bottom = frame(wid)
    screen_h = int(x('xdotool', 'getdisplaygeometry').split()[1])
    if top > 0 and top + height(wid) + 40 > screen_h:
        x('xdotool', 'windowmove', '--sync', str(wid), str(left), '0', check=False)


def check_gimp():
    pid_file = os.environ.get('GG_SHOTS_GIMP_PID')
    if pid_file and os.path.exists(pid_file):
        pid = int(open(pid_file).read())
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            raise Failed('GIMP (process %d) ended before the pictures were taken '
                         '(see gimp.log)' % pid)


def main():
    sync, out, scene = sys.argv[1:4]
    os.makedirs(out, exist_ok=True)
    try:
        Shooter(sync, out, scene).run()
    except Failed as e:
        verdict('screenshots', False, str(e))
    print('%d passed, %d failed' % (verdicts['passed'], verdicts['failed']), flush=True)
    return 1 if verdicts['failed'] else 0


if __name__ == '__main__':
    sys.exit(main())
