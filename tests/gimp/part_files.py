# gimp-gemini: the Files API in the plug-in (tests/gimp/run.sh runs this
# part in GIMP after pdb.py's helpers, then host_check () on the host).
#
# A 4096x4096 layer of noise, edited at 4K on 3 Pro, is sent as a 4096x4096
# JPEG of about 21 MB, 28 MB once in base64: over the API's 20 MB inline
# limit (the real one: nothing is lowered for the test).  The plug-in must
# upload it with the Files API (chunked, the server's 8 MiB granularity),
# refer to it with fileData, and place the answer; a second edit of the same
# layer must reuse the upload (the cache in the GIMP profile) instead of
# sending it again.
import os

SIDE = 4096


def noise_image():
    """A PPM of random bytes, loaded into GIMP (no numpy in GIMP's Python)."""
    path = os.path.join(OUT, 'files-noise.ppm')
    with open(path, 'wb') as f:
        f.write(b'P6\n%d %d\n255\n' % (SIDE, SIDE))
        left = SIDE * SIDE * 3
        while left > 0:
            n = min(left, 1 << 22)
            f.write(os.urandom(n))
            left -= n
    img = Gimp.file_load(Gimp.RunMode.NONINTERACTIVE, Gio.File.new_for_path(path))
    os.unlink(path)
    return img


def since(start):
    """The server's log entries after the first @start ones, summarised."""
    out = []
    for e in server_log()[start:]:
        path = e.get('path') or ''
        item = {'method': e.get('method'), 'path': path, 'status': e.get('status'),
                'command': e.get('upload_command'), 'offset': e.get('upload_offset'),
                'bytes': e.get('body_bytes')}
        if ':generateContent' in path:
            parts = [p for c in (e.get('body') or {}).get('contents') or [] for p in c.get('parts') or []]
            item['file_uris'] = [(p.get('fileData') or p.get('file_data') or {}).get('fileUri')
                                 for p in parts if 'fileData' in p or 'file_data' in p]
            item['inline'] = sum(1 for p in parts if 'inlineData' in p or 'inline_data' in p)
        out.append(item)
    return out


def gimp_part():
    img = noise_image()
    layer = img.get_layers()[0]
    before = pixel_hash(layer)
    cache = os.path.join(Gimp.directory(), 'gemini-uploads', 'files.json')
    try:
        os.unlink(cache)
    except OSError:
        pass
    for name in ('files-first', 'files-again'):
        start = len(server_log())
        n_before = len(img.get_layers())
        status, _, message = run('plug-in-gemini-edit', {
            'run-mode': Gimp.RunMode.NONINTERACTIVE, 'image': img, 'drawables': [layer],
            'prompt': 'make it look like moss', 'model': PRO, 'image-size': '4K'})
        layers = img.get_layers()
        top = layers[0]
        report(name, status=status, message=message, layers_before=n_before,
               layers_after=len(layers), top=layer_info(top),
               source_same=pixel_hash(layer) == before, log=since(start),
               cache=os.path.exists(cache))
    img.delete()


def host_check(work, reports, v):
    first = reports.get('files-first')
    again = reports.get('files-again')
    if first is None or again is None:
        v.check('files-ran', False, 'no report from GIMP (see %s)' % os.path.join(work, 'part_files.log'))
        return

    def placed(r):
        return [(r['status'] == 'success', 'the edit failed: %s' % r.get('message')),
                (r['layers_after'] == r['layers_before'] + 1,
                 '%d layers before, %d after' % (r['layers_before'], r['layers_after'])),
                (r['top']['geometry'] == [0, 0, SIDE, SIDE],
                 'the result sits at %s, not over the %dx%d source' % (r['top']['geometry'], SIDE, SIDE)),
                (r['source_same'], 'the source layer changed')]

    log = first['log']
    starts = [e for e in log if e['path'] == '/upload/v1beta/files' and e['command'] == 'start']
    chunks = [e for e in log if e['path'] == '/upload/v1beta/files' and e['command'] in ('upload', 'upload,finalize')]
    gens = [e for e in log if ':generateContent' in e['path']]
    uploaded = sum(e['bytes'] or 0 for e in chunks if e['status'] == 200)
    v.require('files-upload', placed(first) + [
        (len(starts) == 1, '%d upload starts, not 1' % len(starts)),
        (len(chunks) >= 3 and chunks[-1]['command'] == 'upload,finalize'
         and all(c['command'] == 'upload' for c in chunks[:-1]),
         'the chunks were %s' % [(c['command'], c['offset'], c['bytes']) for c in chunks]),
        ([c['offset'] for c in chunks] == sorted(c['offset'] for c in chunks),
         'chunk offsets out of order: %s' % [c['offset'] for c in chunks]),
        (uploaded > 20 * 1000 * 1000 * 3 // 4, 'only %d bytes uploaded' % uploaded),
        (len(gens) == 1 and len(gens[0]['file_uris']) == 1 and gens[0]['inline'] == 0,
         'the request did not refer to one uploaded file: %s' % gens),
        (first['cache'], 'no upload cache in the GIMP profile'),
    ])
    uri = gens[0]['file_uris'][0] if gens and gens[0]['file_uris'] else None

    log = again['log']
    uploads = [e for e in log if e['path'].startswith('/upload/')]
    gets = [e for e in log if e['method'] == 'GET' and e['path'].startswith('/v1beta/files/')]
    gens = [e for e in log if ':generateContent' in e['path']]
    v.require('files-reuse', placed(again) + [
        (uploads == [], 'the second edit uploaded again: %s' % uploads),
        (len(gets) >= 1, 'the cached upload was not checked with the server'),
        (len(gens) == 1 and gens[0]['file_uris'] == [uri],
         'the second request referred to %s, not %s' % (gens[0]['file_uris'] if gens else None, uri)),
    ])
