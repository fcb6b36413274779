# gimp-gemini: today's models from GIMP 3 scripts (issue 14), against the
# fake server in its default mode (its own model table, real-size thought
# signatures of 0.9-2.9 MB on every final part).  tests/gimp/run.sh runs
# this part in GIMP after pdb.py's helpers, then host_check () on the host.
#
# - edit, generate and refine with no "model" argument use
#   gemini-nano-banana-2.1; the refine continues a conversation saved in an
#   .xcf and reopened;
# - a retired model fails before anything is sent, with the one sentence
#   naming the replacement, and the image stays as it was;
# - every request says "store": false unless "store" is TRUE;
# - "thinking-level" reaches the request;
# - a model only the server lists (gemini-nano-banana-2.2-preview) can be
#   used;
# - a conversation refined again and again keeps as many exchanges as fit
#   in the parasite's limit, across save and reopen, and refines on.
import os
import sys

DEFAULT = 'gemini-nano-banana-2.1'
SERVER_ONLY = 'gemini-nano-banana-2.2-preview'
RETIRED = {'gemini-3.1-flash-image':
           'gemini-3.1-flash-image was shut down on 2026-10-29; use gemini-nano-banana-2.1.',
           'gemini-3-pro-image-preview':
           'gemini-3-pro-image-preview was shut down on 2026-06-25; use gemini-3-pro-image.'}
EXCHANGES = 7      # one edit and six refines
# Filler bytes that make every signature 2.9 MB of base64, the largest recorded.
LARGEST_PAD = 2900000 * 3 // 4 - 38


def generations(start):
    """The generateContent requests after the first @start log entries."""
    out = []
    for e in server_log()[start:]:
        path = e.get('path') or ''
        if ':generateContent' not in path:
            continue
        body = e.get('body') or {}
        gen = body.get('generationConfig') or {}
        out.append({'model': path.split('/models/')[-1].split(':')[0],
                    'status': e.get('status'), 'store': body.get('store', 'absent'),
                    'thinking_level': (gen.get('thinkingConfig') or {}).get('thinkingLevel'),
                    'turns': len(body.get('contents') or [])})
    return out


def signature_sizes(img):
    """The lengths of the thought signatures the stored conversation holds."""
    return [len(p['thoughtSignature']) for c in conversation(img) or []
            for p in c.get('parts') or [] if 'thoughtSignature' in p]


def exchanges(img):
    return sum(1 for c in conversation(img) or [] if c.get('role') == 'model')


def parasite_bytes(img):
    parasite = img.get_parasite('gemini-conversation')
    return len(bytes(parasite.get_data())) if parasite else 0


def edit(img, layer, prompt, **extra):
    props = {'run-mode': Gimp.RunMode.NONINTERACTIVE, 'image': img, 'drawables': [layer],
             'prompt': prompt}
    props.update(extra)
    return run('plug-in-gemini-edit', props)


def gimp_part():
    nonint = Gimp.RunMode.NONINTERACTIVE
    server('ok')

    # --- the defaults: edit, save, reopen, refine; generate
    img = load('texture.png')
    src = img.get_layers()[0]
    img.select_rectangle(Gimp.ChannelOps.REPLACE, 130, 120, 160, 120)
    start = len(server_log())
    status, _, message = edit(img, src, 'add a red balloon')
    report('models-edit-default', status=status, message=message, sent=generations(start),
           signatures=signature_sizes(img))
    xcf = os.path.join(OUT, 'models-default.xcf')
    Gimp.file_save(nonint, img, Gio.File.new_for_path(xcf), None)
    img.delete()

    img = Gimp.file_load(nonint, Gio.File.new_for_path(xcf))
    top = img.get_layers()[0]
    n_before = len(img.get_layers())
    start = len(server_log())
    status, _, message = run('plug-in-gemini-refine', {
        'run-mode': nonint, 'image': img, 'drawables': [top], 'prompt': 'make the balloon blue'})
    report('models-refine-default', status=status, message=message, sent=generations(start),
           layers_before=n_before, layers_after=len(img.get_layers()),
           signatures=signature_sizes(img))
    img.delete()

    start = len(server_log())
    status, values, message = run('plug-in-gemini-generate', {
        'run-mode': nonint, 'prompt': 'a lighthouse at dusk'})
    new = values[0] if status == 'success' and values else None
    report('models-generate-default', status=status, message=message, sent=generations(start),
           size=[new.get_width(), new.get_height()] if new else None)
    if new:
        new.delete()

    # --- retired models: refused before sending, the image as it was
    img = load('texture.png')
    src = img.get_layers()[0]
    before = pixel_hash(src)
    for model in RETIRED:
        start = len(server_log())
        n_before = len(img.get_layers())
        status, _, message = edit(img, src, 'add a red balloon', model=model)
        report('models-retired-edit-' + model, status=status, message=message,
               sent=generations(start), layers_before=n_before,
               layers_after=len(img.get_layers()), same=pixel_hash(src) == before,
               conversation=conversation(img) is not None)
    start = len(server_log())
    n_images = len(Gimp.get_images())
    status, _, message = run('plug-in-gemini-generate', {
        'run-mode': nonint, 'prompt': 'a lighthouse', 'model': 'gemini-3-pro-image-preview'})
    report('models-retired-generate', status=status, message=message, sent=generations(start),
           images_before=n_images, images_after=len(Gimp.get_images()))

    # --- storage allowed; a thinking level; a model only the server knows
    start = len(server_log())
    status, _, message = edit(img, src, 'add a red balloon', store=True,
                              **{'thinking-level': 'high'})
    report('models-store-allowed', status=status, message=message, sent=generations(start))
    start = len(server_log())
    status, values, message = run('plug-in-gemini-generate', {
        'run-mode': nonint, 'prompt': 'a lighthouse', 'model': SERVER_ONLY})
    new = values[0] if status == 'success' and values else None
    report('models-server-only', status=status, message=message, sent=generations(start),
           size=[new.get_width(), new.get_height()] if new else None)
    if new:
        new.delete()
    img.delete()

    # --- long conversations: what the .xcf keeps with real-size
    # signatures (the fake's, 0.9-2.9 MB), and with the largest on every part
    long_conversation('models-long-conversation')
    long_conversation('models-long-conversation-largest', LARGEST_PAD)


def long_conversation(name, signature_bytes=None):
    """One edit and EXCHANGES - 1 refines, saved, reopened and refined once
    more; signature_bytes: the fake's filler per signature (None: its
    realistic sizes)."""
    nonint = Gimp.RunMode.NONINTERACTIVE
    server('ok', params={'signature_bytes': signature_bytes} if signature_bytes else None)
    img = load('texture.png')
    src = img.get_layers()[0]
    img.select_rectangle(Gimp.ChannelOps.REPLACE, 130, 120, 160, 120)
    steps = []
    status, _, message = edit(img, src, 'add a red balloon')
    steps.append({'status': status, 'message': message, 'exchanges': exchanges(img),
                  'bytes': parasite_bytes(img)})
    for i in range(EXCHANGES - 1):
        top = img.get_layers()[0]
        start = len(server_log())
        status, _, message = run('plug-in-gemini-refine', {
            'run-mode': nonint, 'image': img, 'drawables': [top],
            'prompt': 'refinement number %d: a little brighter' % (i + 1)})
        sent = generations(start)
        steps.append({'status': status, 'message': message, 'exchanges': exchanges(img),
                      'bytes': parasite_bytes(img),
                      'http': [g['status'] for g in sent], 'turns': [g['turns'] for g in sent]})
    xcf = os.path.join(OUT, name + '.xcf')
    saved = Gimp.file_save(nonint, img, Gio.File.new_for_path(xcf), None)
    kept_before = exchanges(img)
    img.delete()
    img = Gimp.file_load(nonint, Gio.File.new_for_path(xcf))
    reopened = exchanges(img)
    reopened_bytes = parasite_bytes(img)
    sizes = signature_sizes(img)
    start = len(server_log())
    status, _, message = run('plug-in-gemini-refine', {
        'run-mode': nonint, 'image': img, 'drawables': [img.get_layers()[0]],
        'prompt': 'and now a little darker'})
    sent = generations(start)
    report(name, steps=steps, saved=bool(saved),
           xcf_bytes=os.path.getsize(xcf) if os.path.exists(xcf) else 0,
           kept_before=kept_before, reopened=reopened, reopened_bytes=reopened_bytes,
           signatures=sizes, status=status, message=message,
           http=[g['status'] for g in sent], turns=[g['turns'] for g in sent])
    img.delete()
    server('ok')


def host_check(work, reports, v):
    log = os.path.join(work, 'part_models.log')

    def got(name):
        r = reports.get(name)
        if r is None:
            v.check(name, False, 'no report from GIMP (see %s)' % log)
        return r

    def sent_one(r, model, store=False):
        sent = r.get('sent') or []
        return [(r['status'] == 'success', 'it failed: %s' % r.get('message')),
                (len(sent) == 1, '%d requests were sent, not 1: %s' % (len(sent), sent)),
                (bool(sent) and sent[0]['model'] == model,
                 'the request went to %s, not %s' % (sent[0]['model'] if sent else None, model)),
                (bool(sent) and sent[0]['store'] is store,
                 'the body said "store": %s, not %s' % (sent[0]['store'] if sent else None,
                                                        str(store).lower()))]

    real_size = lambda sigs: bool(sigs) and min(sigs) >= 900000  # noqa: E731

    r = got('models-edit-default')
    if r:
        v.require('models-edit-default', sent_one(r, DEFAULT) + [
            (real_size(r['signatures']),
             'the stored signatures are not of real size (0.9-2.9 MB): %s' % r['signatures'][:4])])
    r = got('models-refine-default')
    if r:
        v.require('models-refine-default-reopened', sent_one(r, DEFAULT) + [
            (r['layers_after'] == r['layers_before'] + 1,
             '%d layers before, %d after' % (r['layers_before'], r['layers_after'])),
            (bool(r['sent']) and r['sent'][0]['turns'] == 3,
             'the refine sent %s turns, not 3 (the edit, its answer, the new prompt)'
             % (r['sent'][0]['turns'] if r['sent'] else None))])
    r = got('models-generate-default')
    if r:
        v.require('models-generate-default', sent_one(r, DEFAULT) + [
            (r['size'] is not None, 'no new image')])

    for model, sentence in RETIRED.items():
        r = got('models-retired-edit-' + model)
        if r:
            v.require('models-retired-edit-' + model, [
                (r['status'] != 'success', 'the edit succeeded'),
                (sentence in (r.get('message') or ''),
                 'the message was %r, not the sentence %r' % (r.get('message'), sentence)),
                (r['sent'] == [], 'requests were sent: %s' % r['sent']),
                (r['layers_after'] == r['layers_before'],
                 '%d layers before, %d after' % (r['layers_before'], r['layers_after'])),
                (r['same'], 'the layer changed'),
                (not r['conversation'], 'a conversation was stored')])
    r = got('models-retired-generate')
    if r:
        sentence = RETIRED['gemini-3-pro-image-preview']
        v.require('models-retired-generate', [
            (r['status'] != 'success', 'the generation succeeded'),
            (sentence in (r.get('message') or ''),
             'the message was %r, not the sentence %r' % (r.get('message'), sentence)),
            (r['sent'] == [], 'requests were sent: %s' % r['sent']),
            (r['images_after'] == r['images_before'],
             '%d images before, %d after' % (r['images_before'], r['images_after']))])

    r = got('models-store-allowed')
    if r:
        v.require('models-store-allowed-and-thinking', sent_one(r, DEFAULT, store=True) + [
            (bool(r['sent']) and r['sent'][0]['thinking_level'] == 'HIGH',
             'thinkingLevel was %r, not "HIGH"' % (r['sent'][0]['thinking_level'] if r['sent'] else None))])
    r = got('models-server-only')
    if r:
        v.require('models-server-only', sent_one(r, SERVER_ONLY) + [
            (r['size'] is not None, 'no new image')])

    for name, largest in (('models-long-conversation', False),
                          ('models-long-conversation-largest', True)):
        r = got(name)
        if r:
            long_verdict(v, name, r, largest)


def long_verdict(v, name, r, largest):
    steps = r['steps']
    sigs = r['signatures']
    failed = [(i, s['status'], s['message']) for i, s in enumerate(steps) if s['status'] != 'success']
    bad_http = [s.get('http') for s in steps[1:] if s.get('http') != [200]]
    print('models: %s: the saved .xcf keeps %d exchanges of %d (parasite %.1f MB, .xcf %.1f MB, '
          'signatures %.2f-%.2f MB); per step (exchanges, MB): %s'
          % (name, r['reopened'], EXCHANGES, r['reopened_bytes'] / 1e6, r['xcf_bytes'] / 1e6,
             min(sigs or [0]) / 1e6, max(sigs or [0]) / 1e6,
             [(s['exchanges'], round(s['bytes'] / 1e6, 1)) for s in steps]), file=sys.stderr)
    v.require(name, [
        (not failed, 'steps failed: %s' % failed),
        (not bad_http, 'refines answered %s' % bad_http),
        (r['saved'], 'the .xcf could not be saved'),
        (r['reopened'] >= 1 and r['reopened'] == r['kept_before'],
         'the reopened .xcf holds %d exchanges, %d before saving' % (r['reopened'], r['kept_before'])),
        (r['reopened'] < EXCHANGES, 'all %d exchanges were kept: no limit was met' % EXCHANGES),
        (r['reopened_bytes'] <= 16 * 1000 * 1000,
         'the stored conversation is %d bytes, over 16 MB' % r['reopened_bytes']),
        (bool(sigs) and min(sigs) >= (2800000 if largest else 900000) and max(sigs) <= 2910000,
         'the signatures are not of the size asked for: %s' % sigs[:4]),
        (not largest or r['reopened'] < 4,
         'with 2.9 MB signatures %d exchanges fit in 16 MB' % r['reopened']),
        (r['status'] == 'success' and r['http'] == [200],
         'the refine after reopening failed: %s %s' % (r['message'], r['http'])),
        (bool(r['turns']) and r['turns'][0] == 2 * r['reopened'] + 1,
         'the refine sent %s turns for %d kept exchanges' % (r['turns'], r['reopened']))])
