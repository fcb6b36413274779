# gimp-gemini: "the whole change is one undo step", in real GIMP 3 with a
# display (run by tests/gimp/undo.py under Xvfb, after pdb.py's helpers:
# GG_GIMP_PART=lib).  Loads a picture into a window, gives the image and
# its layer a parasite, selects a rectangle, takes a snapshot (layers,
# masks, pixels, parasites, selection), runs an edit, takes a second, asks
# the host to press Ctrl+Z once in the image window (GG_UNDO_SYNC/undo-1
# then undo-1.done), and takes a third.  Each snapshot is one "GGT-JSON"
# report (undo-before, undo-after-edit, undo-after-undo) that the host
# compares; the snapshots are in the same form for GIMP 2.10 (undo.scm).
import time

SYNC = os.environ['GG_UNDO_SYNC']  # noqa: F821 - pdb.py's globals


def undo_layer(layer):
    _, x, y = layer.get_offsets()
    mask = layer.get_mask()
    return {'name': layer.get_name(), 'x': x, 'y': y,
            'w': layer.get_width(), 'h': layer.get_height(),
            'visible': bool(layer.get_visible()),
            'pixels': pixel_hash(layer),  # noqa: F821
            'mask': pixel_hash(mask) if mask is not None else None,  # noqa: F821
            'parasites': {n: parasite_text(layer, n)  # noqa: F821
                          for n in sorted(layer.get_parasite_list())},
            'children': [undo_layer(k) for k in (layer.get_children() if layer.is_group() else [])]}


def undo_snapshot(image):
    _, empty_not, x1, y1, x2, y2 = Gimp.Selection.bounds(image)  # noqa: F821
    return {'size': [image.get_width(), image.get_height()],
            'layers': [undo_layer(l) for l in image.get_layers()],
            'parasites': {n: parasite_text(image, n)  # noqa: F821
                          for n in sorted(image.get_parasite_list())},
            'selection': [bool(empty_not), x1, y1, x2, y2]}


def undo_part():
    image = load('texture.png')  # noqa: F821
    # Named, for the window's title that the host looks for ("texture").
    image.set_file(Gio.File.new_for_path(os.path.join(OUT, 'texture-undo.xcf')))  # noqa: F821
    Gimp.Display.new(image)  # noqa: F821
    layer = image.get_layers()[0]
    flags = Gimp.PARASITE_PERSISTENT | Gimp.PARASITE_UNDOABLE  # noqa: F821
    image.attach_parasite(Gimp.Parasite.new('gg-undo-image', flags, b'image before the edit'))  # noqa: F821
    layer.attach_parasite(Gimp.Parasite.new('gg-undo-layer', flags, b'layer before the edit'))  # noqa: F821
    image.select_rectangle(Gimp.ChannelOps.REPLACE, 130, 120, 160, 120)  # noqa: F821
    Gimp.displays_flush()  # noqa: F821
    report('undo-before', state=undo_snapshot(image))  # noqa: F821
    status, _, message = run('plug-in-gemini-edit', {  # noqa: F821
        'run-mode': Gimp.RunMode.NONINTERACTIVE, 'image': image,  # noqa: F821
        'drawables': [layer], 'prompt': 'paint one undo step'})
    Gimp.displays_flush()  # noqa: F821
    report('undo-after-edit', status=status, message=message, state=undo_snapshot(image))  # noqa: F821
    # The host presses Ctrl+Z once in the image's window.
    with open(os.path.join(SYNC, 'undo-1.tmp'), 'w') as f:  # noqa: F821
        f.write('texture')
    os.replace(os.path.join(SYNC, 'undo-1.tmp'), os.path.join(SYNC, 'undo-1'))  # noqa: F821
    deadline = time.monotonic() + 60
    while not os.path.exists(os.path.join(SYNC, 'undo-1.done')):  # noqa: F821
        if time.monotonic() > deadline:
            raise RuntimeError('the host did not press Ctrl+Z within 60 s')
        time.sleep(0.1)
    report('undo-after-undo', state=undo_snapshot(image))  # noqa: F821


try:
    undo_part()
except Exception as e:  # noqa: BLE001 - reported, judged on the host
    import traceback
    traceback.print_exc()
    report('py-exception', status='error', message='%s: %s' % (type(e).__name__, e))  # noqa: F821
sys.stdout.flush()  # noqa: F821
