# gimp-gemini: reference images from files (tests/gimp/run.sh runs this part
# in GIMP after pdb.py's helpers, then host_check () on the host).
#
# Files given in "reference-files" (paths or URIs, with
# "reference-file-roles") and a style transfer's "style-file" must reach the
# server decoded and encoded again (never the file's own bytes), after the
# reference layers; the model's limits count layers and files together and
# refuse before anything is sent; a missing, corrupt or oversized file fails
# with a sentence naming it, the image as it was.
import os
import struct
import zlib

EDIT = 'plug-in-gemini-edit'


def generate_requests():
    return [e for e in server_log() if ':generateContent' in (e.get('path') or '')]


def sent_images(body):
    """(mime, summary) of each inline image of the last user turn."""
    contents = (body or {}).get('contents') or []
    out = []
    for p in (contents[-1].get('parts') or []) if contents else []:
        data = p.get('inlineData') or p.get('inline_data')
        if data:
            out.append({'mime': data.get('mimeType') or data.get('mime_type'),
                        'format': (data.get('data') or {}).get('format'),
                        'size': [(data.get('data') or {}).get('width'),
                                 (data.get('data') or {}).get('height')]})
    return out


def sent_text(body):
    contents = (body or {}).get('contents') or []
    return ' '.join(p.get('text', '') for p in (contents[-1].get('parts') or [])) if contents else ''


def png_claiming(path, width, height):
    """A PNG whose header claims @width x @height (a decompression bomb's
    header; its pixels never exist)."""
    def chunk(kind, data):
        return (struct.pack('>I', len(data)) + kind + data
                + struct.pack('>I', zlib.crc32(kind + data) & 0xffffffff))
    with open(path, 'wb') as f:
        f.write(b'\x89PNG\r\n\x1a\n'
                + chunk(b'IHDR', struct.pack('>IIBBBBB', width, height, 8, 2, 0, 0, 0))
                + chunk(b'IDAT', zlib.compress(b'\0' * 4096))
                + chunk(b'IEND', b''))


def attempt(name, props, image, source, extra=None):
    """Runs an edit of @source and reports what was sent and what changed."""
    before_requests = len(generate_requests())
    before_layers = len(image.get_layers())
    before_pixels = pixel_hash(source)
    status, values, message = run(EDIT, dict({
        'run-mode': Gimp.RunMode.NONINTERACTIVE, 'image': image, 'drawables': [source],
        'prompt': 'put the subject in the scene'}, **props))
    requests = generate_requests()[before_requests:]
    body = requests[-1].get('body') if requests else None
    report(name, status=status, message=message, requests=len(requests),
           images=sent_images(body), text=sent_text(body),
           layers_before=before_layers, layers_after=len(image.get_layers()),
           source_same=pixel_hash(source) == before_pixels, **(extra or {}))


def gimp_part():
    nonint = Gimp.RunMode.NONINTERACTIVE
    server('ok')
    alpha = os.path.join(IN, 'alpha.png')        # 400x300, transparent parts
    texture = os.path.join(IN, 'texture.png')    # 500x400, opaque
    gray = os.path.join(IN, 'gray.png')          # 300x200, grey

    img = load('texture.png')
    src = img.get_layers()[0]
    other = load('gray.png')
    other_layer = other.get_layers()[0]

    # A layer and two files (one as a URI), each with its role.
    attempt('refs-files-sent', {
        'model': PRO, 'references': [other_layer], 'reference-roles': 'subject',
        'reference-files': [alpha, Gio.File.new_for_path(texture).get_uri()],
        'reference-file-roles': 'style,person'}, img, src)

    # Generate takes them too (a grey PNG, sent as the colour JPEG it decodes to).
    before = len(generate_requests())
    status, values, message = run('plug-in-gemini-generate', {
        'run-mode': nonint, 'prompt': 'a kite over the sea', 'model': FLASH,
        'reference-files': [gray], 'reference-file-roles': 'composition'})
    requests = generate_requests()[before:]
    body = requests[-1].get('body') if requests else None
    new_image = values[0] if status == 'success' else None
    report('refs-generate-file', status=status, message=message, requests=len(requests),
           images=sent_images(body), text=sent_text(body),
           new_image=bool(new_image))
    if new_image:
        new_image.delete()

    # Style transfer from a file (its GFile argument).
    before = len(generate_requests())
    status, values, message = run('plug-in-gemini-style-transfer', {
        'run-mode': nonint, 'image': img, 'drawables': [src],
        'style-file': Gio.File.new_for_path(alpha)})
    requests = generate_requests()[before:]
    body = requests[-1].get('body') if requests else None
    report('refs-style-file', status=status, message=message, requests=len(requests),
           images=sent_images(body), text=sent_text(body))

    # Script-Fu passes the list as README.md shows it.
    before = len(generate_requests())
    script = ('(script-fu-use-v3) (plug-in-gemini-edit #:run-mode RUN-NONINTERACTIVE '
              '#:image %d #:drawables (vector %d) #:prompt "a cat on the wall" '
              '#:reference-files (list "%s") #:reference-file-roles "style")'
              % (img.get_id(), src.get_id(), alpha))
    status, values, message = run('plug-in-script-fu-eval', {
        'run-mode': nonint, 'script': script})
    requests = generate_requests()[before:]
    body = requests[-1].get('body') if requests else None
    report('refs-script-fu', status=status, message=message, requests=len(requests),
           images=sent_images(body), text=sent_text(body))

    # Over the limits: refused before sending, layers and files counted together.
    attempt('refs-over-flash', {
        'model': FLASH, 'reference-files': [alpha, texture, gray]}, img, src)
    layers = [other_layer] * 4
    attempt('refs-over-objects', {
        'model': PRO, 'references': layers, 'reference-roles': 'object',
        'reference-files': [alpha, texture, gray], 'reference-file-roles': 'object'},
        img, src)
    attempt('refs-over-people', {
        'model': PRO, 'reference-files': [gray] * 6, 'reference-file-roles': 'person'},
        img, src)
    attempt('refs-at-limit', {
        'model': PRO, 'references': [other_layer] * 3, 'reference-roles': 'object',
        'reference-files': [gray] * 3, 'reference-file-roles': 'object'}, img, src)

    # Files that cannot be used: nothing sent, the image as it was.
    corrupt = os.path.join(OUT, 'refs-corrupt.png')
    with open(corrupt, 'wb') as f:
        f.write(b'\x89PNG\r\n\x1a\n' + os.urandom(2000))
    bomb = os.path.join(OUT, 'refs-bomb.png')
    png_claiming(bomb, 50000, 50000)
    missing = os.path.join(OUT, 'refs-no-such-file.png')
    attempt('refs-corrupt', {'reference-files': [corrupt]}, img, src, {'path': corrupt})
    attempt('refs-missing', {'reference-files': [missing]}, img, src, {'path': missing})
    attempt('refs-bomb', {'reference-files': [bomb]}, img, src, {'path': bomb})
    attempt('refs-bad-role', {'reference-files': [gray], 'reference-file-roles': 'villain'},
            img, src)

    other.delete()
    img.delete()


def host_check(work, reports, v):
    def get(name):
        r = reports.get(name)
        if r is None:
            v.check(name, False, 'no report from GIMP (see %s)' % os.path.join(work, 'part_references.log'))
        return r

    def succeeded(r):
        return [(r['status'] == 'success', 'the run failed: %s' % r.get('message')),
                (r['requests'] == 1, '%d requests sent, not 1' % r['requests'])]

    def refused(r, words):
        return [(r['status'] != 'success', 'the run succeeded'),
                (r['requests'] == 0, '%d requests were sent' % r['requests']),
                (r['layers_after'] == r['layers_before'] and r['source_same'],
                 'the image changed (%d layers, then %d)' % (r['layers_before'], r['layers_after'])),
                (all(w in (r.get('message') or '') for w in words),
                 'the message %r does not say %s' % (r.get('message'), words))]

    r = get('refs-files-sent')
    if r:
        images = r['images']
        v.require('refs-files-sent', succeeded(r) + [
            (len(images) == 4, '%d images sent, not the input + 1 layer + 2 files: %s' % (len(images), images)),
            (len(images) == 4 and images[2]['format'] == 'png' and images[2]['size'] == [400, 300],
             'alpha.png did not arrive as a 400x300 PNG (transparency kept): %s' % images[2:3]),
            (len(images) == 4 and images[3]['format'] == 'jpeg' and images[3]['mime'] == 'image/jpeg'
             and images[3]['size'] == [500, 400],
             'texture.png (a PNG, given as a URI) did not arrive re-encoded as a 500x400 JPEG: %s' % images[3:4]),
            ('image 2 shows the subject' in r['text'].lower() and 'image 3 as a reference for style' in r['text'].lower()
             and 'image 4 shows a person' in r['text'].lower(),
             'the roles are not in the prompt, in order: %r' % r['text']),
            (r['layers_after'] == r['layers_before'] + 1, 'no new layer'),
            (r['source_same'], 'the source layer changed')])

    r = get('refs-generate-file')
    if r:
        v.require('refs-generate-file', succeeded(r) + [
            (r['images'] and r['images'][0]['format'] == 'jpeg' and r['images'][0]['size'] == [300, 200],
             'gray.png did not arrive as a 300x200 JPEG: %s' % r['images']),
            ('composition' in r['text'].lower(), 'no composition sentence: %r' % r['text']),
            (r['new_image'], 'no new image')])

    r = get('refs-style-file')
    if r:
        v.require('refs-style-file', succeeded(r) + [
            (len(r['images']) == 2 and r['images'][1]['size'] == [400, 300],
             'the style file was not sent after the input: %s' % r['images']),
            ('style' in r['text'].lower(), 'no style sentence: %r' % r['text'])])

    r = get('refs-script-fu')
    if r:
        v.require('refs-script-fu', succeeded(r) + [
            (len(r['images']) == 2 and r['images'][1]['size'] == [400, 300],
             'the file was not sent after the input: %s' % r['images']),
            ('image 2 as a reference for style' in r['text'].lower(),
             'no style sentence: %r' % r['text'])])

    r = get('refs-over-flash')
    if r:
        v.require('refs-over-flash', refused(r, ['at most 3 input images', '4']))
    r = get('refs-over-objects')
    if r:
        v.require('refs-over-objects', refused(r, ['at most 6 object reference images', '7']))
    r = get('refs-over-people')
    if r:
        v.require('refs-over-people', refused(r, ['at most 5 reference images of people', '6']))
    r = get('refs-at-limit')
    if r:
        v.require('refs-at-limit', succeeded(r) + [
            (len(r['images']) == 7, '%d images sent, not the input + 6 objects' % len(r['images']))])

    for name, words in (('refs-corrupt', ['not a PNG, JPEG or WebP']),
                        ('refs-missing', ['does not exist']),
                        ('refs-bomb', ['50000 × 50000', 'scale it down'])):
        r = get(name)
        if r:
            v.require(name, refused(r, words + [os.path.basename(r['path'])]))
    r = get('refs-bad-role')
    if r:
        v.require('refs-bad-role', refused(r, ['Unknown reference role', 'villain']))
