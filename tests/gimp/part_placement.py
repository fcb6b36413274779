# gimp-gemini: placement measured through GIMP 3 (issue 4), a part of
# tests/gimp/run.sh.
#
# In GIMP (gimp_part): for each case, a textured picture (GIMP's own plasma,
# blurred, stretched, with 60 filled shapes as tests/placement/run.py
# draws them, blurred a little, levels 25..230 so that a 5 % gain does not
# clip), a selection,
# the fake server told to drift (dx, dy answer pixels, scale about the
# centre, per-channel gain and tint, a magenta disc at the centre), and
# plug-in-gemini-edit (or -refine) with the placement arguments (grow,
# feather, changed-only, hint).  Exported as PNG into OUT: the source
# layer, the selection (canvas size), the new layer's pixels (without its
# mask) and its mask; reported: geometries, the source layer's pixel hash
# before and after, what was asked of the server and sent.
#
# On the host (host_check): tests/placement/run.py's own measures, imported
# (register, dilate, assess, answer_dims): the residual misalignment of the
# new layer against the source (<= 0.5 px), the ring MAE after colour match
# (<= 2/255), the mask 0 outside the grown selection (and 255 well inside
# it, soft in between when feathered), the source layer byte-identical, and
# the disc shown.  The figures go to stdout (one line per case) and to
# WORK/placement-gimp.txt.
import os

FLASH_MODEL = 'gemini-2.5-flash-image'
PRO_MODEL = 'gemini-3-pro-image'


def _case(name, model, size, dx, dy, scale, tint, gain, sel, pic=(1200, 900), canvas=None,
          grow=4, feather=-1.0, changed_only=False, hint=False, proc='edit'):
    return {'name': name, 'model': model, 'size': size, 'dx': dx, 'dy': dy, 'scale': scale,
            'tint': tint, 'gain': gain, 'sel': sel, 'pic': pic, 'canvas': canvas,
            'grow': grow, 'feather': feather, 'changed_only': changed_only, 'hint': hint,
            'proc': proc}


# sel: ('ellipse' | 'rect', x, y, w, h) in image coordinates, or a list of
# them (added), or None.  canvas: (width, height, layer x, layer y).
CASES = [
    _case('flash-a', FLASH_MODEL, '', 3, -2, 1.0, [6, -4, 2], None,
          ('ellipse', 420, 290, 360, 320)),
    # A layer offset inside a larger canvas: the selection channel is read
    # in canvas coordinates, the region in the layer's.
    _case('flash-offset', FLASH_MODEL, '', 8, -8, 1.0, [0, 0, 0], [1.05, 0.95, 1.0],
          ('ellipse', 480, 330, 360, 320), canvas=(1320, 1000, 60, 40)),
    # Two disjoint parts (the region's centre, where the disc goes, in the
    # larger one).
    _case('flash-disjoint', FLASH_MODEL, '', 5, 8, 0.98, [-6, 4, 0], [1.04, 1.04, 0.96],
          [('ellipse', 420, 290, 360, 320), ('rect', 800, 430, 60, 40)]),
    _case('pro1k-a', PRO_MODEL, '1K', -8, -8, 1.015, [3, 3, 3], [0.95, 1.0, 1.05],
          ('ellipse', 420, 290, 360, 320)),
    # grow 0, feather 0: the mask is the selection itself, hard.
    _case('pro1k-hard', PRO_MODEL, '1K', 6, 7, 0.985, [-5, 0, 5], [1.03, 0.97, 1.02],
          ('ellipse', 420, 290, 360, 320), grow=0, feather=0.0),
    _case('pro2k-a', PRO_MODEL, '2K', 8, 3, 1.0, [4, -2, 0], [1.02, 1.0, 0.98],
          ('ellipse', 400, 350, 1000, 800), pic=(1800, 1500), grow=8, feather=12.0),
    # The editable area sent as a second image.
    _case('flash-hint', FLASH_MODEL, '', 3, -2, 1.0, [6, -4, 2], None,
          ('ellipse', 420, 290, 360, 320), hint=True),
    # No selection: the mask is what the model changed (the disc).
    _case('changed-only', PRO_MODEL, '1K', 4, -3, 1.0, [5, -3, 2], [1.02, 0.98, 1.0],
          None, pic=(1024, 1024), changed_only=True),
    # Refine is placed like an edit: over flash-a's region, the selection
    # as it is now, grown and feathered.
    _case('refine', FLASH_MODEL, '', -4, 5, 1.0, [-3, 2, 4], None,
          ('ellipse', 420, 290, 360, 320), proc='refine'),
]


# ------------------------------------------------------------------ GIMP side

def _picture(c):
    """A new image holding the case's textured picture as its only layer."""
    W, H = c['pic']
    cw, ch, ox, oy = c['canvas'] or (W, H, 0, 0)
    img = Gimp.Image.new(cw, ch, Gimp.ImageBaseType.RGB)
    layer = Gimp.Layer.new(img, 'picture', W, H, Gimp.ImageType.RGB_IMAGE, 100.0,
                           Gimp.LayerMode.NORMAL)
    img.insert_layer(layer, None, 0)
    layer.set_offsets(ox, oy)

    def gegl(op, **props):
        f = Gimp.DrawableFilter.new(layer, op, op)
        config = f.get_config()
        for k, val in props.items():
            config.set_property(k.replace('_', '-'), val)
        f.update()
        layer.merge_filter(f)

    gegl('gegl:plasma', seed=W + H, turbulence=1.0, width=W, height=H)
    gegl('gegl:gaussian-blur', std_dev_x=3.0, std_dev_y=3.0)
    layer.levels_stretch()
    # Edges and flat patches, as tests/placement/run.py's picture has.
    import random
    rng = random.Random(W * 7 + H)
    Gimp.context_push()
    for _ in range(60 * W * H // (1200 * 900)):
        x, y, r = rng.randrange(W), rng.randrange(H), rng.randrange(8, 40)
        Gimp.context_set_foreground(Gegl.Color.new('#%02x%02x%02x' % tuple(
            rng.randrange(40, 215) for _ in range(3))))
        if rng.random() < 0.5:
            img.select_ellipse(Gimp.ChannelOps.REPLACE, ox + x - r, oy + y - r, 2 * r, 2 * r)
        else:
            img.select_rectangle(Gimp.ChannelOps.REPLACE, ox + x - r, oy + y - r // 2, 2 * r, r)
        layer.edit_fill(Gimp.FillType.FOREGROUND)
    Gimp.context_pop()
    Gimp.Selection.none(img)
    gegl('gegl:gaussian-blur', std_dev_x=1.2, std_dev_y=1.2)
    layer.levels(Gimp.HistogramChannel.VALUE, 0.0, 1.0, True, 1.0, 25 / 255.0, 230 / 255.0, True)
    return img, layer


def _select(img, sel):
    Gimp.Selection.none(img)
    if sel is None:
        return
    for shape, x, y, w, h in ([sel] if isinstance(sel, tuple) else sel):
        if shape == 'ellipse':
            img.select_ellipse(Gimp.ChannelOps.ADD, x, y, w, h)
        else:
            img.select_rectangle(Gimp.ChannelOps.ADD, x, y, w, h)


def _export(drawable, name, gray=False):
    """@drawable alone (no mask, no offset) as OUT/name, a PNG.  Gray (a
    selection, a mask): in a linear 8-bit image, as GIMP keeps channels,
    so that the numbers are the coverage itself, not bent by a tone curve."""
    w, h = drawable.get_width(), drawable.get_height()
    if gray:
        tmp = Gimp.Image.new_with_precision(w, h, Gimp.ImageBaseType.GRAY,
                                            Gimp.Precision.U8_LINEAR)
    else:
        tmp = Gimp.Image.new(w, h, Gimp.ImageBaseType.RGB)
    copy = Gimp.Layer.new_from_drawable(drawable, tmp)
    tmp.insert_layer(copy, None, 0)
    if copy.get_mask() is not None:
        copy.remove_mask(Gimp.MaskApplyMode.DISCARD)
    copy.set_offsets(0, 0)
    Gimp.file_save(Gimp.RunMode.NONINTERACTIVE, tmp,
                   Gio.File.new_for_path(os.path.join(OUT, name)), None)
    tmp.delete()


def _sent(body):
    parts = [p for c in (body or {}).get('contents') or [] if c.get('role') == 'user'
             for p in c.get('parts') or []]
    last = ((body or {}).get('contents') or [{}])[-1].get('parts') or []
    return {'asked': (body or {}).get('generationConfig', {}).get('imageConfig', {}),
            'images': [[p['inlineData']['data'].get('width'), p['inlineData']['data'].get('height')]
                       for p in last if isinstance((p.get('inlineData') or {}).get('data'), dict)],
            'bytes': [[p['inlineData']['data'].get('format'), p['inlineData']['data'].get('bytes')]
                      for p in last if isinstance((p.get('inlineData') or {}).get('data'), dict)],
            'text': ' '.join(p['text'] for p in last if 'text' in p),
            'user_parts': len(parts)}


def _run_case(c, img=None, layer=None):
    import time
    nonint = Gimp.RunMode.NONINTERACTIVE
    name = 'placement-' + c['name']
    if img is None:
        img, layer = _picture(c)
    _select(img, c['sel'])
    params = {'dx': c['dx'], 'dy': c['dy'], 'scale': c['scale'], 'tint': c['tint'],
              'mark': [255, 0, 255]}
    if c['gain']:
        params['gain'] = c['gain']
    server('ok', params=params)
    before = pixel_hash(layer)
    if c['proc'] == 'refine':
        # What the refined answer is realigned against: what is visible.
        dup = img.duplicate()
        merged = dup.merge_visible_layers(Gimp.MergeType.CLIP_TO_IMAGE)
        _export(merged, 'pl-%s-src.png' % c['name'])
        ref = [0, 0, img.get_width(), img.get_height()]
        dup.delete()
    else:
        _export(layer, 'pl-%s-src.png' % c['name'])
        ref = geometry(layer)
    _export(img.get_selection(), 'pl-%s-sel.png' % c['name'], gray=True)
    props = {'run-mode': nonint, 'image': img, 'drawables': [layer],
             'prompt': 'a magenta disc', 'grow': c['grow'], 'feather': c['feather'],
             'changed-only': c['changed_only'], 'hint': c['hint']}
    if c['proc'] == 'edit':
        props.update({'model': c['model'], 'image-size': c['size']})
    t0 = time.perf_counter()
    status, values, message = run('plug-in-gemini-' + c['proc'], props)
    seconds = time.perf_counter() - t0
    new = values[0] if status == 'success' and values else None
    info = {'status': status, 'message': message, 'seconds': round(seconds, 3),
            'src': geometry(layer), 'ref': ref, 'canvas': [img.get_width(), img.get_height()],
            'src_same': pixel_hash(layer) == before, 'case': c,
            'sent': _sent(last_request())}
    if new is not None:
        info['new'] = geometry(new)
        info['has_mask'] = new.get_mask() is not None
        _export(new, 'pl-%s-new.png' % c['name'])
        if new.get_mask() is not None:
            _export(new.get_mask(), 'pl-%s-mask.png' % c['name'], gray=True)
    report(name, **info)
    return img, layer


def gimp_part():
    kept = None
    for c in CASES:
        if c['proc'] == 'refine':
            if kept is None:
                report('placement-' + c['name'], status='error', message='no edit to refine')
                continue
            _run_case(c, *kept)
            continue
        img, layer = _run_case(c)
        if c['name'] == 'flash-a':
            kept = (img, layer)
        else:
            img.delete()
    if kept is not None:
        kept[0].delete()
    server('ok')


# ------------------------------------------------------------------ host side

def _run_py():
    """tests/placement/run.py as a module: its measures, not a copy."""
    import importlib.util
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'placement', 'run.py')
    spec = importlib.util.spec_from_file_location('gg_placement_run', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _feather_px(c, sel_cov):
    """gg_mask_feather_px: auto is 10 % of the selection's smaller side."""
    import numpy as np
    if c['feather'] >= 0:
        return float(c['feather'])
    ys, xs = np.nonzero(sel_cov > 0)
    side = min(xs.max() - xs.min() + 1, ys.max() - ys.min() + 1)
    return float(min(max(0.1 * side, 2.0), 25.0))


def _judge(rp, work, c, d):
    """(figures, [(ok, why)]) of one case's report @d."""
    import numpy as np
    from PIL import Image
    from scipy import ndimage

    out = os.path.join(work, 'out')

    def png(kind, mode):
        return np.asarray(Image.open(os.path.join(out, 'pl-%s-%s.png' % (c['name'], kind)))
                          .convert(mode))

    def coverage(kind):
        """A linear 8-bit gray export: GIMP writes it as a 16-bit sRGB PNG;
        back to the linear numbers GIMP held (exact after rounding)."""
        a = np.asarray(Image.open(os.path.join(out, 'pl-%s-%s.png' % (c['name'], kind))))
        a = a.astype(np.float64) / (65535.0 if a.max() > 255 else 255.0)
        lin = np.where(a <= 0.04045, a / 12.92, ((a + 0.055) / 1.055) ** 2.4)
        return np.round(lin * 255).astype(np.uint8)

    conds = [(d.get('status') == 'success', 'status %s: %s' % (d.get('status'), d.get('message'))),
             ('new' in d, 'no new layer')]
    if not all(ok for ok, _ in conds):
        return {}, conds
    src = png('src', 'RGB').astype(np.float64)
    new = png('new', 'RGBA')
    sel_cov = coverage('sel')
    lx, ly, lw, lh = d['src']
    nx, ny, nw, nh = d['new']
    conds.append((lx <= nx and ly <= ny and nx + nw <= lx + lw and ny + nh <= ly + lh,
                  'the new layer %s leaves the source layer %s' % (d['new'], d['src'])))
    # The pixels the result is measured against: the source layer's, or
    # (refine) what was visible.
    lx, ly = d['ref'][:2]
    conds.append((d.get('has_mask'), 'the new layer has no mask'))
    if not all(ok for ok, _ in conds):
        return {}, conds
    mask = coverage('mask')
    P = new[:, :, :3].astype(np.float64)
    O = src[ny - ly:ny - ly + nh, nx - lx:nx - lx + nw]
    m = mask.astype(np.float64)[:, :, None] / 255.0
    shown = O * (1 - m) + P * m
    asked = d['sent']['asked']
    aw, ah = rp.answer_dims(c['model'], [{'path': ':generateContent',
                                          'body': {'generationConfig': {'imageConfig': asked}}}])
    has_sel = c['sel'] is not None
    feather = _feather_px(c, sel_cov) if has_sel else 8.0
    grown = None
    if has_sel:
        grown_canvas = rp.dilate(sel_cov >= 128, c['grow']) if c['grow'] >= 0 else \
            ~rp.dilate(~(sel_cov >= 128), -c['grow'])
        grown = grown_canvas[ny:ny + nh, nx:nx + nw]
    fig = rp.assess(c, P, O, grown, aw, ah, feather, shown)
    fig['region'] = '%dx%d' % (nw, nh)
    fig['answer'] = '%dx%d' % (aw, ah)
    fig['feather'] = feather
    fig['seconds'] = d.get('seconds')
    if has_sel:
        outside = ~grown
        fig['mask_max_out'] = int(mask[outside].max()) if outside.any() else 0
        depth = ndimage.distance_transform_edt(grown)
        deep = depth > 1.5 * feather + 2
        fig['mask_min_deep'] = int(mask[deep].min()) if deep.any() else -1
        soft = int(((mask > 0) & (mask < 255)).sum())
        conds.append((fig['mask_max_out'] == 0,
                      'mask %d outside the grown selection' % fig['mask_max_out']))
        conds.append((fig['mask_min_deep'] >= 250,
                      'mask only %d well inside the grown selection' % fig['mask_min_deep']))
        # Issue 16 item 4: the layer keeps the whole placed answer over the
        # region (what was paid for), its mask alone limits what shows: out
        # there its pixels are opaque and the answer, placed (about the
        # source, as it was not edited), not cleared.
        if outside.any():
            fig['alpha_min_out'] = int(new[:, :, 3][outside].min())
            fig['mae_out'] = float(np.abs(P[outside] - O[outside]).mean())
            conds.append((fig['alpha_min_out'] == 255,
                          'the new layer is transparent (alpha %d) outside the grown '
                          'selection: the placed answer was not kept' % fig['alpha_min_out']))
            conds.append((fig['mae_out'] <= 2 * rp.MAX_MAE,
                          'outside the grown selection the new layer is not the placed '
                          'answer: %.2f/255 from the source' % fig['mae_out']))
        if feather > 0:
            conds.append((soft > 0, 'no soft edge with a feather of %.1f px' % feather))
        else:
            conds.append((bool((mask == np.where(grown, 255, 0)).all()),
                          'with grow %d and feather 0 the mask is not the selection itself'
                          % c['grow']))
    else:
        # Changed pixels: the disc (grown 4, feathered 8 inside), nothing far from it.
        far = fig['disc_d'] > fig['rad'] / c['scale'] + 16
        core = fig['disc_d'] < fig['rad'] - 12
        fig['mask_max_out'] = int(mask[far].max()) if far.any() else 0
        fig['mask_min_deep'] = int(mask[core].min()) if core.any() else -1
        conds.append((fig['mask_max_out'] == 0,
                      'changed-pixels mask %d far from the disc' % fig['mask_max_out']))
        conds.append((fig['mask_min_deep'] >= 250,
                      'changed-pixels mask only %d inside the disc' % fig['mask_min_deep']))
    conds += [(fig['resid'] <= rp.MAX_RESID, 'residual %.3f px > %.1f' % (fig['resid'], rp.MAX_RESID)),
              (fig['mae'] <= rp.MAX_MAE, 'ring MAE %.2f/255 > %.0f' % (fig['mae'], rp.MAX_MAE)),
              (d.get('src_same'), 'the source layer changed'),
              (fig['edit'] >= 0.95, 'the edit (disc) is missing: %.0f %%' % (100 * fig['edit']))]
    if c['hint']:
        imgs = d['sent']['images']
        conds.append((len(imgs) == 2 and imgs[0] == imgs[1],
                      'the hint was not sent as a second image of the same size: %s' % imgs))
        conds.append(('Image 2 is a mask' in d['sent']['text'],
                      'the hint sentence is missing: %r' % d['sent']['text'][:200]))
    elif c['proc'] == 'edit':
        conds.append((len(d['sent']['images']) == 1,
                      'without hint %d images were sent' % len(d['sent']['images'])))
    return fig, conds


def host_check(work, reports, v):
    rp = _run_py()
    lines = ['%-15s %-10s %-9s %-9s %-22s %8s %8s %7s %7s %6s %5s %6s' % (
        'case', 'model', 'region', 'answer', 'found after placing', 'resid px', 'ring/255',
        'mask out', 'mask in', 'feath', 'edit', 'call s')]
    for c in CASES:
        name = 'placement-' + c['name']
        d = reports.get(name)
        if d is None:
            v.check(name, False, 'no report from GIMP')
            continue
        try:
            fig, conds = _judge(rp, work, c, d)
        except (OSError, KeyError, ValueError) as e:
            v.check(name, False, '%s: %s' % (type(e).__name__, e))
            continue
        if fig:
            lines.append('%-15s %-10s %-9s %-9s %-22s %8.3f %8.2f %7d %7d %6.1f %4.0f%% %6.2f' % (
                c['name'], c['model'].replace('gemini-', '').replace('-image-preview', '')
                .replace('-image', ''), fig['region'], fig['answer'], fig['shift'], fig['resid'],
                fig['mae'], fig['mask_max_out'], fig['mask_min_deep'], fig['feather'],
                100 * fig['edit'], fig['seconds'] or 0))
        v.require(name, conds)
    lines.append('thresholds: resid <= %.1f px, ring MAE <= %.0f/255, mask 0 outside the grown '
                 'selection (changed-only: 16 px beyond the disc) and >= 250 well inside, '
                 'source layer identical' % (rp.MAX_RESID, rp.MAX_MAE))
    text = '\n'.join('placement-gimp: ' + l for l in lines)
    print(text)
    with open(os.path.join(work, 'placement-gimp.txt'), 'w') as f:
        f.write(text + '\n')
