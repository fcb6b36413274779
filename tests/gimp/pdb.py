# gimp-gemini: Python-Fu checks run in real GIMP 3 by tests/gimp/run.sh
# (gimp-console-3.0 --batch-interpreter=python-fu-eval).
#
# GG_GIMP_IN / GG_GIMP_OUT name the input and output folders, GG_GIMP_PART
# which group of checks to run ("errors": with a key, the fake server
# answering from a queue; "nokey": without any key).  Each check prints
# one line "GGT-JSON {...}" that tests/gimp/checks.py judges on the host.
# GG_GIMP_PART=lib only defines the helpers, for the part_*.py files.
import hashlib
import json
import os
import sys
import urllib.request

import gi
gi.require_version('Gimp', '3.0')
gi.require_version('Gegl', '0.4')
from gi.repository import Gegl, Gimp, Gio  # noqa: E402

IN = os.environ['GG_GIMP_IN']
OUT = os.environ['GG_GIMP_OUT']
PART = os.environ['GG_GIMP_PART']
PDB = Gimp.get_pdb()
BASE = os.environ.get('GOOGLE_GEMINI_BASE_URL', '')
PRO = 'gemini-3-pro-image'
FLASH = 'gemini-2.5-flash-image'


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
        if key in ('drawables', 'references'):
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


def server(scenario, queue=None, params=None):
    """Sets the fake server's scenario (the control API needs no key)."""
    body = {'scenario': scenario, 'queue': queue or []}
    if params:
        body['params'] = params
    req = urllib.request.Request(BASE + '/_control/scenario', data=json.dumps(body).encode(),
                                 method='POST', headers={'Content-Type': 'application/json'})
    urllib.request.urlopen(req, timeout=10).read()


def server_log():
    return json.loads(urllib.request.urlopen(BASE + '/_control/log', timeout=10).read())


def last_request():
    """The body of the newest generateContent request."""
    entries = [e for e in server_log() if ':generateContent' in (e.get('path') or '')]
    return entries[-1]['body'] if entries else {}


def contents_summary(body):
    """Per content: role, part kinds, and which parts carry a signature."""
    out = []
    for c in (body or {}).get('contents') or []:
        parts = c.get('parts') or []
        out.append({'role': c.get('role'),
                    'kinds': ['image' if ('inlineData' in p or 'inline_data' in p) else
                              'text' if 'text' in p else 'other' for p in parts],
                    'signed': ['thoughtSignature' in p for p in parts],
                    'thought': [bool(p.get('thought')) for p in parts],
                    'texts': [p.get('text') for p in parts if 'text' in p]})
    return out


def parasite_text(owner, name):
    parasite = owner.get_parasite(name)
    if parasite is None:
        return None
    return bytes(parasite.get_data()).decode('utf-8', 'replace')


def conversation(img):
    text = parasite_text(img, 'gemini-conversation')
    return json.loads(text) if text else None


def geometry(drawable):
    _, x, y = drawable.get_offsets()
    return [x, y, drawable.get_width(), drawable.get_height()]


def layer_info(layer):
    kids = layer.get_children() if layer.is_group() else []
    return {'name': layer.get_name(), 'group': layer.is_group(),
            'visible': layer.get_visible(), 'geometry': geometry(layer),
            'mask': layer.get_mask() is not None,
            'children': [layer_info(k) for k in kids]}


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
    elif PART == 'conversation':
        conversation_checks()
    elif PART == 'recovery':
        recovery_checks()
    elif PART == 'cancel':
        cancel_checks()
    elif PART == 'cancel-next':
        cancel_next_batch()
    elif PART == 'nokey':
        status, _, message = run('plug-in-gemini-generate', {
            'run-mode': Gimp.RunMode.NONINTERACTIVE, 'prompt': 'a red kite'})
        report('py-no-key-generate', status=status, message=message)
        edit_fails('py-no-key-edit', 'add a hat')

        # The key is never an argument: set-key refuses to run unattended.
        status, _, message = run('plug-in-gemini-set-key', {
            'run-mode': Gimp.RunMode.NONINTERACTIVE})
        report('py-set-key-noninteractive', status=status, message=message)

        # A key file others can read still works, with a warning on stderr
        # (this log) that names the file and the fix.
        path = os.path.join(Gimp.directory(), 'gemini-api-key')
        with open(path, 'w') as f:
            f.write(os.environ['GG_GIMP_TEST_KEY'] + '\n')
        os.chmod(path, 0o644)
        print('GGT-MARK loose-key-file start', flush=True)
        status, _, message = run('plug-in-gemini-generate', {
            'run-mode': Gimp.RunMode.NONINTERACTIVE, 'prompt': 'a red kite'})
        print('GGT-MARK loose-key-file end', flush=True)
        report('py-key-file-loose', status=status, message=message, path=path)

        # A key stored in the profile's 0600 file is found; Forget removes it.
        os.unlink(path)
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


def conversation_checks():
    """Issue 5: refine across save and reopen, start over, what an answer
    can hold, references and variations."""
    edit = 'plug-in-gemini-edit'
    refine = 'plug-in-gemini-refine'
    nonint = Gimp.RunMode.NONINTERACTIVE
    xcf = os.path.join(OUT, 'refine.xcf')

    # --- edit with a thinking model, save, close, reopen, refine
    server('ok')
    img = load('texture.png')
    src = img.get_layers()[0]
    img.select_rectangle(Gimp.ChannelOps.REPLACE, 130, 120, 160, 120)
    status, values, message = run(edit, {'run-mode': nonint, 'image': img, 'drawables': [src],
                                         'prompt': 'add a red balloon', 'model': PRO})
    first = values[0] if status == 'success' else None
    conv = conversation(img)
    place = parasite_text(img, 'gemini-conversation-place')
    report('py-edit-conversation', status=status, message=message,
           contents=contents_summary({'contents': conv or []}),
           place=place, layer=layer_info(first) if first else None)
    Gimp.file_save(nonint, img, Gio.File.new_for_path(xcf), None)
    img.delete()

    img = Gimp.file_load(nonint, Gio.File.new_for_path(xcf))
    top = img.get_layers()[0]
    n_before = len(img.get_layers())
    reopened = conversation(img)
    status, values, message = run(refine, {'run-mode': nonint, 'image': img, 'drawables': [top],
                                           'prompt': 'make the balloon blue'})
    new = values[0] if status == 'success' else None
    report('py-refine-reopened', status=status, message=message,
           reopened_contents=len(reopened or []),
           sent=contents_summary(last_request()),
           after=contents_summary({'contents': conversation(img) or []}),
           layers_before=n_before, layers_after=len(img.get_layers()),
           first=geometry(top), new=layer_info(new) if new else None,
           above=bool(new) and img.get_item_position(new) < img.get_item_position(top),
           key_in_parasite=os.environ['GG_GIMP_TEST_KEY'] in
           ((parasite_text(img, 'gemini-conversation') or '') +
            (parasite_text(img, 'gemini-conversation-place') or '')))

    # --- refine with the current pixels sent along, nothing selected: the
    # mask of the result being refined carries over
    Gimp.Selection.none(img)
    status, values, message = run(refine, {'run-mode': nonint, 'image': img, 'drawables': [top],
                                           'prompt': 'a little darker', 'include-region': True})
    new = values[0] if status == 'success' else None
    sent = contents_summary(last_request())
    report('py-refine-include-region', status=status, message=message, sent=sent,
           after=len(conversation(img) or []), new=layer_info(new) if new else None,
           first=geometry(top))

    # --- the stored conversation keeps the last 4 exchanges
    for prompt in ('a bit smaller', 'add a string to the balloon'):
        status, _, message = run(refine, {'run-mode': nonint, 'image': img, 'drawables': [top],
                                          'prompt': prompt})
    kept = contents_summary({'contents': conversation(img) or []})
    report('py-refine-trim', status=status, message=message,
           roles=[c['role'] for c in kept],
           first_text=kept[0]['texts'][0] if kept else None,
           last_text=kept[-2]['texts'][0] if len(kept) > 1 else None)

    # --- a copy whose stored model turns lost their image signatures: the API's 400
    copy = img.duplicate()
    damaged = conversation(copy) or []
    for c in damaged:
        if c.get('role') == 'model':
            for p in c.get('parts') or []:
                if 'inlineData' in p:
                    p.pop('thoughtSignature', None)
    copy.attach_parasite(Gimp.Parasite.new('gemini-conversation', Gimp.PARASITE_PERSISTENT,
                                           json.dumps(damaged).encode()))
    n_copy = len(copy.get_layers())
    stored = parasite_text(copy, 'gemini-conversation')
    status, _, message = run(refine, {'run-mode': nonint, 'image': copy,
                                      'drawables': [copy.get_layers()[0]],
                                      'prompt': 'make the balloon green'})
    report('py-refine-missing-signature', status=status, message=message,
           layers_before=n_copy, layers_after=len(copy.get_layers()),
           conversation_same=parasite_text(copy, 'gemini-conversation') == stored,
           log_status=[e.get('status') for e in server_log()][-1])
    copy.delete()

    # --- Start Over forgets; refine then says why it cannot run
    status, _, message = run('plug-in-gemini-forget-conversation',
                             {'run-mode': nonint, 'image': img, 'drawables': [top]})
    gone = img.get_parasite('gemini-conversation') is None
    status2, _, message2 = run(refine, {'run-mode': nonint, 'image': img, 'drawables': [top],
                                        'prompt': 'anything'})
    report('py-start-over', status=status, message=message, gone=gone,
           refine_status=status2, refine_message=message2)
    img.delete()

    # --- a conversation that started from a generation: whole images
    server('ok')
    status, values, message = run('plug-in-gemini-generate', {
        'run-mode': nonint, 'prompt': 'a lighthouse at dusk', 'model': PRO, 'aspect-ratio': '4:3'})
    gen = values[0] if status == 'success' else None
    if gen:
        status, values, message = run(refine, {'run-mode': nonint, 'image': gen,
                                               'drawables': [gen.get_layers()[0]],
                                               'prompt': 'add stars'})
        new = values[0] if status == 'success' else None
        report('py-refine-generated', status=status, message=message,
               size=[gen.get_width(), gen.get_height()], layers=len(gen.get_layers()),
               new=layer_info(new) if new else None,
               contents=len(conversation(gen) or []),
               sent=[c['role'] for c in contents_summary(last_request())])
        gen.delete()
    else:
        report('py-refine-generated', status=status, message=message)

    # --- several images in one answer: a group named after the prompt
    server('multi_image', params={'count': 3})
    img = load('texture.png')
    src = img.get_layers()[0]
    img.select_rectangle(Gimp.ChannelOps.REPLACE, 100, 100, 200, 150)
    status, values, message = run(edit, {'run-mode': nonint, 'image': img, 'drawables': [src],
                                         'prompt': 'three kinds of hat', 'model': PRO})
    new = values[0] if status == 'success' else None
    conv = conversation(img) or []
    report('py-multi-image', status=status, message=message,
           layer=layer_info(new) if new else None, layers=len(img.get_layers()),
           model_texts=contents_summary({'contents': conv})[-1]['texts'] if conv else [])
    img.delete()

    # --- thought images: hidden layers in a "Thoughts" group, never the result
    for name, keep in (('py-thoughts', True), ('py-thoughts-off', False)):
        server('thoughts')
        img = load('texture.png')
        src = img.get_layers()[0]
        img.select_rectangle(Gimp.ChannelOps.REPLACE, 100, 100, 200, 150)
        status, values, message = run(edit, {'run-mode': nonint, 'image': img, 'drawables': [src],
                                             'prompt': 'add a moon', 'model': PRO,
                                             'thought-layers': keep})
        new = values[0] if status == 'success' else None
        report(name, status=status, message=message,
               result=layer_info(new) if new else None,
               stack=[layer_info(l) for l in img.get_layers()])
        img.delete()

    # --- grounding: the sources stored with the result
    server('grounding')
    img = load('texture.png')
    status, values, message = run('plug-in-gemini-generate', {
        'run-mode': nonint, 'image': img, 'as-layer': True, 'prompt': 'the tallest lighthouse',
        'model': PRO, 'search': True})
    new = values[1] if status == 'success' else None
    report('py-grounding', status=status, message=message,
           sources=parasite_text(new, 'gemini-sources') if new else None,
           sent_search=bool(last_request().get('tools')))
    img.delete()

    # --- references: at the limit of 2.5 Flash (input + 2) and over it (input + 3)
    server('ok')
    img = load('texture.png')
    src = img.get_layers()[0]
    other = load('gray.png')
    ref = other.get_layers()[0]
    img.select_rectangle(Gimp.ChannelOps.REPLACE, 100, 100, 200, 150)
    before = pixel_hash(src)
    n_before = len(img.get_layers())
    status, _, message = run(edit, {'run-mode': nonint, 'image': img, 'drawables': [src],
                                    'prompt': 'add a cat', 'model': FLASH,
                                    'references': [ref, ref, ref],
                                    'reference-roles': 'style,object'})
    report('py-references-over', status=status, message=message,
           layers_before=n_before, layers_after=len(img.get_layers()),
           pixels_same=pixel_hash(src) == before)
    status, values, message = run(edit, {'run-mode': nonint, 'image': img, 'drawables': [src],
                                         'prompt': 'add a cat', 'model': FLASH,
                                         'references': [ref, ref],
                                         'reference-roles': 'style,object'})
    body = last_request()
    report('py-references-limit', status=status, message=message,
           sent=contents_summary(body), layers=len(img.get_layers()))
    # 3 Pro: 6 objects at most, whatever the total allows
    for name, count in (('py-references-objects-limit', 6), ('py-references-objects-over', 7)):
        n_before = len(img.get_layers())
        status, _, message = run(edit, {'run-mode': nonint, 'image': img, 'drawables': [src],
                                        'prompt': 'add a cat', 'model': PRO,
                                        'references': [ref] * count,
                                        'reference-roles': 'object'})
        report(name, status=status, message=message,
               layers_before=n_before, layers_after=len(img.get_layers()),
               sent_images=contents_summary(last_request())[-1]['kinds'].count('image'))
    status, _, message = run(edit, {'run-mode': nonint, 'image': img, 'drawables': [src],
                                    'prompt': 'add a cat', 'references': [ref],
                                    'reference-roles': 'mood'})
    report('py-references-bad-role', status=status, message=message)

    # --- Style Transfer and Compose from the menu's procedures
    status, values, message = run('plug-in-gemini-style-transfer', {
        'run-mode': nonint, 'image': img, 'drawables': [src], 'style': ref})
    report('py-style-transfer', status=status, message=message,
           sent=contents_summary(last_request()), layers=len(img.get_layers()))
    n_before = len(img.get_layers())
    status, values, message = run('plug-in-gemini-compose', {
        'run-mode': nonint, 'image': img, 'drawables': [src, ref],
        'prompt': 'the cat on the texture', 'reference-roles': 'subject,object'})
    report('py-compose', status=status, message=message,
           sent=contents_summary(last_request()),
           layers_before=n_before, layers_after=len(img.get_layers()),
           same_image=status == 'success' and values[0] == img)
    other.delete()
    img.delete()

    # --- variations: one fails, the others are kept and the failure named
    server('ok', queue=['ok', 'error_400', 'ok'])
    img = load('texture.png')
    src = img.get_layers()[0]
    img.select_rectangle(Gimp.ChannelOps.REPLACE, 100, 100, 200, 150)
    status, values, message = run(edit, {'run-mode': nonint, 'image': img, 'drawables': [src],
                                         'prompt': 'add a kite', 'variations': 3})
    new = values[0] if status == 'success' else None
    report('py-variations-partial', status=status, message=message,
           layer=layer_info(new) if new else None, layers=len(img.get_layers()))
    img.delete()

    server('error_400', queue=[])
    img = load('texture.png')
    src = img.get_layers()[0]
    before = pixel_hash(src)
    status, _, message = run(edit, {'run-mode': nonint, 'image': img, 'drawables': [src],
                                    'prompt': 'add a kite', 'variations': 2})
    report('py-variations-all-fail', status=status, message=message,
           layers=len(img.get_layers()), pixels_same=pixel_hash(src) == before)
    img.delete()
    server('ok')

    usage = os.path.join(Gimp.directory(), 'gemini-usage.ini')
    report('py-usage', exists=os.path.exists(usage),
           text=open(usage).read() if os.path.exists(usage) else '')


def profile_files():
    """Every file of the profile, as paths relative to it."""
    root = Gimp.directory()
    out = []
    for d, _, files in os.walk(root):
        out += [os.path.relpath(os.path.join(d, f), root) for f in files]
    return sorted(out)


def recovery_files():
    folder = os.path.join(Gimp.directory(), 'gemini-recovery')
    return sorted(os.listdir(folder)) if os.path.isdir(folder) else []


def image_state(img):
    """What a failed run must leave exactly as it was."""
    return {'layers': [l.get_name() for l in img.get_layers()],
            'pixels': [pixel_hash(l) for l in img.get_layers()],
            'parasites': {n: parasite_text(img, n) for n in img.get_parasite_list()},
            'undo_enabled': img.undo_is_enabled(),
            'dirty': img.is_dirty()}


def recovery_checks():
    """Issue 6: placement forced to fail (GIMP_GEMINI_TEST_FAIL_PLACE=1 in
    this run): every paid image goes to the recovery folder, the error names
    it, and the image is left as it was."""
    nonint = Gimp.RunMode.NONINTERACTIVE
    folder = os.path.join(Gimp.directory(), 'gemini-recovery')
    report('py-recovery-env', hook=os.environ.get('GIMP_GEMINI_TEST_FAIL_PLACE'), folder=folder)

    def attempt(name, proc, props, img=None):
        before = recovery_files()
        state = image_state(img) if img else None
        n_images = len(Gimp.get_images())
        status, _, message = run(proc, props)
        new = [os.path.join(folder, f) for f in recovery_files() if f not in before]
        report(name, status=status, message=message, folder=folder, new_files=new,
               same=(image_state(img) == state) if img else None,
               images_before=n_images, images_after=len(Gimp.get_images()),
               sent=[[p['inlineData']['data'].get('width'), p['inlineData']['data'].get('height')]
                     for c in (last_request().get('contents') or [])
                     for p in (c.get('parts') or []) if 'inlineData' in p])

    # An edit of a selection (the image has a stored conversation already,
    # which must survive unchanged).
    server('ok')
    img = load('texture.png')
    layer = img.get_layers()[0]
    img.attach_parasite(Gimp.Parasite.new('gemini-conversation', Gimp.PARASITE_PERSISTENT, b'[]'))
    img.select_rectangle(Gimp.ChannelOps.REPLACE, 50, 40, 120, 100)
    attempt('py-recovery-edit', 'plug-in-gemini-edit',
            {'run-mode': nonint, 'image': img, 'drawables': [layer],
             'prompt': 'add a hat', 'model': FLASH}, img)

    # Several images in one answer: every one is kept.
    server('multi_image', params={'count': 3})
    attempt('py-recovery-multi', 'plug-in-gemini-edit',
            {'run-mode': nonint, 'image': img, 'drawables': [layer],
             'prompt': 'three hats', 'model': PRO}, img)
    img.delete()

    # A generation into a new image: no image is left behind.
    server('ok')
    attempt('py-recovery-generate', 'plug-in-gemini-generate',
            {'run-mode': nonint, 'prompt': 'a lighthouse', 'model': FLASH,
             'aspect-ratio': '16:9'})


def cancel_checks():
    """Issue 6: the plug-in killed mid-request (what GIMP does when its
    progress is cancelled).  run.sh's killer (checks.py killer) watches
    OUT/cancel-phase, finds the plug-in's process once its request is in
    flight, and kills it."""
    import time
    nonint = Gimp.RunMode.NONINTERACTIVE
    phase_file = os.path.join(OUT, 'cancel-phase')
    phases = (('think-term', 'slow', {'delay': 30}, 'TERM'),
              ('think-kill', 'slow', {'delay': 30}, 'KILL'),
              ('download-term', 'drip', {'rate': 1}, 'TERM'))
    for name, scenario, params, signal in phases:
        server(scenario, params=params)
        img = load('texture.png')
        layer = img.get_layers()[0]
        img.attach_parasite(Gimp.Parasite.new('gemini-conversation', Gimp.PARASITE_PERSISTENT, b'[]'))
        img.select_rectangle(Gimp.ChannelOps.REPLACE, 50, 40, 120, 100)
        state = image_state(img)
        profile = profile_files()
        recovery = recovery_files()
        # The server's log length before the run: the killer looks for
        # this run's answer after it (never racing the plug-in's request).
        first = json.loads(urllib.request.urlopen(BASE + '/_control/state', timeout=10).read())['requests']
        with open(phase_file + '.tmp', 'w') as f:
            f.write('%s %s %d\n' % (name, signal, first))
        os.rename(phase_file + '.tmp', phase_file)
        started = time.time()
        status, _, message = run('plug-in-gemini-edit', {
            'run-mode': nonint, 'image': img, 'drawables': [layer],
            'prompt': 'add a hat', 'model': FLASH})
        returned = time.time()
        report('py-cancel-' + name, status=status, message=message,
               started=started, returned=returned,
               same=image_state(img) == state,
               layers=len(img.get_layers()),
               new_profile_files=[p for p in profile_files() if p not in profile],
               recovery=[f for f in recovery_files() if f not in recovery])
        img.delete()
    with open(phase_file + '.tmp', 'w') as f:
        f.write('done\n')
    os.rename(phase_file + '.tmp', phase_file)

    # The same batch command carries on after the kills.
    server('ok')
    img = load('texture.png')
    layer = img.get_layers()[0]
    status, values, message = run('plug-in-gemini-edit', {
        'run-mode': nonint, 'image': img, 'drawables': [layer], 'prompt': 'add a hat'})
    report('py-cancel-after', status=status, message=message, layers=len(img.get_layers()))
    img.delete()


def cancel_next_batch():
    """The next batch command after the kills: GIMP still runs plug-ins."""
    status, values, message = run('plug-in-gemini-generate', {
        'run-mode': Gimp.RunMode.NONINTERACTIVE, 'prompt': 'a red kite', 'aspect-ratio': '1:1'})
    img = values[0] if status == 'success' else None
    report('py-cancel-next-batch', status=status, message=message,
           size=[img.get_width(), img.get_height()] if img else None)


def run_part(path):
    """Runs a part_*.py file's gimp_part () (GG_GIMP_PART=lib)."""
    scope = dict(globals())
    try:
        with open(path, encoding='utf-8') as f:
            exec(compile(f.read(), path, 'exec'), scope)
        scope['gimp_part']()
    except Exception as e:  # noqa: BLE001 - reported, judged on the host
        import traceback
        traceback.print_exc()
        report('py-exception', status='error', message='%s: %s' % (type(e).__name__, e))
    sys.stdout.flush()


if PART != 'lib':
  try:
    main()
  except Exception as e:  # noqa: BLE001 - reported, judged on the host
    report('py-exception', status='error', message='%s: %s' % (type(e).__name__, e))
  sys.stdout.flush()
