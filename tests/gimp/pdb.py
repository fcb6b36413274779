# gimp-gemini: Python-Fu checks run in real GIMP 3 by tests/gimp/run.sh
# (gimp-console-3.0 --batch-interpreter=python-fu-eval).
#
# GG_GIMP_IN / GG_GIMP_OUT name the input and output folders, GG_GIMP_PART
# which group of checks to run ("errors": with a key, the fake server
# answering from a queue; "nokey": without any key).  Each check prints
# one line "GGT-JSON {...}" that tests/gimp/checks.py judges on the host.
import hashlib
import json
import os
import sys

import gi
gi.require_version('Gimp', '3.0')
gi.require_version('Gegl', '0.4')
from gi.repository import Gegl, Gimp, Gio  # noqa: E402

IN = os.environ['GG_GIMP_IN']
OUT = os.environ['GG_GIMP_OUT']
PART = os.environ['GG_GIMP_PART']
PDB = Gimp.get_pdb()


def report(name, **values):
    values['name'] = name
    print('GGT-JSON ' + json.dumps(values), flush=True)


def load(name):
    return Gimp.file_load(Gimp.RunMode.NONINTERACTIVE,
                          Gio.File.new_for_path(os.path.join(IN, name)))


def pixel_hash(drawable):
    buf = drawable.get_buffer()
    data = buf.get(buf.get_extent(), 1.0, "R'G'B'A u8", Gegl.AbyssPolicy.NONE)
    return hashlib.sha256(bytes(data)).hexdigest()


def run(proc_name, props):
    """(status nick, [return values], error message or None)."""
    proc = PDB.lookup_procedure(proc_name)
    config = proc.create_config()
    for key, value in props.items():
        if key == 'drawables':
            config.set_core_object_array(key, value)
        else:
            config.set_property(key, value)
    result = proc.run(config)
    status = result.index(0)
    values = [result.index(i) for i in range(1, result.length())]
    message = None
    if status != Gimp.PDBStatusType.SUCCESS:
        message = values[0] if values and isinstance(values[0], str) else PDB.get_last_error()
    return status.value_nick, values, message


def edit_fails(name, prompt):
    """An edit that must fail: the image must come out exactly as it went in."""
    img = load('texture.png')
    layer = img.get_layers()[0]
    img.select_rectangle(Gimp.ChannelOps.REPLACE, 50, 40, 120, 100)
    before = pixel_hash(layer)
    n_before = len(img.get_layers())
    status, _, message = run('plug-in-gemini-edit', {
        'run-mode': Gimp.RunMode.NONINTERACTIVE, 'image': img,
        'drawables': [layer], 'prompt': prompt})
    report(name, status=status, message=message,
           layers_before=n_before, layers_after=len(img.get_layers()),
           pixels_same=pixel_hash(layer) == before,
           undo_enabled=img.undo_is_enabled())
    img.delete()


def main():
    if PART == 'errors':
        # The server's queue: ok, error_429_zero, blocked, text_only, ok.
        status, values, message = run('plug-in-gemini-generate', {
            'run-mode': Gimp.RunMode.NONINTERACTIVE, 'prompt': 'a red kite',
            'model': 'gemini-2.5-flash-image', 'aspect-ratio': '4:3'})
        img = values[0] if status == 'success' else None
        report('py-generate', status=status, message=message,
               width=img.get_width() if img else None,
               height=img.get_height() if img else None)
        edit_fails('py-error-429-zero', 'add a hat')
        edit_fails('py-error-blocked', 'add a hat')
        edit_fails('py-error-text-only', 'add a hat')

        img = load('texture.png')
        layer = img.get_layers()[0]
        status, values, message = run('plug-in-gemini-edit', {
            'run-mode': Gimp.RunMode.NONINTERACTIVE, 'image': img,
            'drawables': [layer], 'prompt': 'add a hat', 'source': 'visible'})
        new = values[0] if status == 'success' else None
        report('py-edit-visible', status=status, message=message,
               layers=len(img.get_layers()),
               above=bool(new) and img.get_item_position(new) < img.get_item_position(layer))
        Gimp.file_save(Gimp.RunMode.NONINTERACTIVE, img,
                       Gio.File.new_for_path(os.path.join(OUT, 'py-edit.xcf')), None)
    elif PART == 'nokey':
        status, _, message = run('plug-in-gemini-generate', {
            'run-mode': Gimp.RunMode.NONINTERACTIVE, 'prompt': 'a red kite'})
        report('py-no-key-generate', status=status, message=message)
        edit_fails('py-no-key-edit', 'add a hat')

        # The key is never an argument: set-key refuses to run unattended.
        status, _, message = run('plug-in-gemini-set-key', {
            'run-mode': Gimp.RunMode.NONINTERACTIVE})
        report('py-set-key-noninteractive', status=status, message=message)

        # A key stored in the profile's 0600 file is found; Forget removes it.
        path = os.path.join(Gimp.directory(), 'gemini-api-key')
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.write(fd, os.environ['GG_GIMP_TEST_KEY'].encode() + b'\n')
        os.close(fd)
        status, values, message = run('plug-in-gemini-generate', {
            'run-mode': Gimp.RunMode.NONINTERACTIVE, 'prompt': 'a red kite'})
        report('py-key-file', status=status, message=message)
        status, _, message = run('plug-in-gemini-forget-key', {
            'run-mode': Gimp.RunMode.NONINTERACTIVE})
        gone = not os.path.exists(path)
        status2, _, message2 = run('plug-in-gemini-generate', {
            'run-mode': Gimp.RunMode.NONINTERACTIVE, 'prompt': 'a red kite'})
        report('py-forget-key', status=status, message=message, file_gone=gone,
               after_status=status2, after_message=message2)
    else:
        report('py-setup', status='error', message='unknown GG_GIMP_PART ' + PART)


try:
    main()
except Exception as e:  # noqa: BLE001 - reported, judged on the host
    report('py-exception', status='error', message='%s: %s' % (type(e).__name__, e))
sys.stdout.flush()
