# gimp-gemini: the GIMP side of the issue-7 benchmark, run inside GIMP 3 by
# tests/bench/gimp-bench.sh (gimp-console-3.0 --batch-interpreter=python-fu-eval).
#
# Times, from the procedure call to its return (the layer inserted), a 4K
# layer edit with gemini-3-pro-image at 4K against the fake server
# in --instant mode: no selection, and a rectangular selection; and a no-op
# baseline, a cheap core procedure called the same way.  Prints one line
# "GGB-JSON {...}" per call; the host joins them with the plug-in's memory
# samples and the server's log.
import json
import os
import time

import gi
gi.require_version('Gimp', '3.0')
from gi.repository import Gimp, Gio  # noqa: E402

IN = os.environ['GG_BENCH_IN']
RUNS = int(os.environ.get('GG_BENCH_RUNS', '5'))
PDB = Gimp.get_pdb()
PRO = 'gemini-3-pro-image'
NONINT = Gimp.RunMode.NONINTERACTIVE
# The selection case: a 2600 x 1700 rectangle off centre (a region the plan
# must realign, not a square).
SEL = (600, 900, 2600, 1700)


def report(**values):
    print('GGB-JSON ' + json.dumps(values), flush=True)


def run(proc_name, props):
    proc = PDB.lookup_procedure(proc_name)
    config = proc.create_config()
    for key, value in props.items():
        if key == 'drawables':
            config.set_core_object_array(key, value)
        else:
            config.set_property(key, value)
    t_wall = time.time()
    t0 = time.perf_counter()
    result = proc.run(config)
    seconds = time.perf_counter() - t0
    status = result.index(0)
    values = [result.index(i) for i in range(1, result.length())]
    return status, values, t_wall, seconds


def case(name, run_no, proc_name, props, img):
    status, values, t_wall, seconds = run(proc_name, props)
    ok = status == Gimp.PDBStatusType.SUCCESS
    info = {'case': name, 'run': run_no, 'ok': ok, 'start': t_wall,
            'end': t_wall + seconds, 'seconds': round(seconds, 4)}
    if not ok:
        info['error'] = values[0] if values and isinstance(values[0], str) else PDB.get_last_error()
    layer = values[0] if ok and values and isinstance(values[0], Gimp.Layer) else None
    if layer is not None:
        info['layer'] = [layer.get_width(), layer.get_height()] + list(layer.get_offsets()[1:])
        # Keep the image as it was: the next run edits the same 4K layer.
        img.remove_layer(layer)
    report(**info)


def main():
    img = Gimp.file_load(NONINT, Gio.File.new_for_path(os.path.join(IN, '4096x4096.png')))
    src = img.get_layers()[0]
    report(case='input', width=src.get_width(), height=src.get_height(),
           has_alpha=bool(src.has_alpha()), precision=str(img.get_precision().value_nick))
    edit = {'run-mode': NONINT, 'image': img, 'drawables': [src],
            'prompt': 'make the sky a deep blue', 'model': PRO, 'image-size': '4K'}

    def no_selection():
        Gimp.Selection.none(img)

    def selection():
        img.select_rectangle(Gimp.ChannelOps.REPLACE, *SEL)

    plan = [('baseline', 'gimp-drawable-get-width', {'drawable': src}, no_selection),
            ('edit 4K', 'plug-in-gemini-edit', edit, no_selection),
            ('edit 4K selection', 'plug-in-gemini-edit', edit, selection)]
    # Warm-up: the server makes and caches each answer once; GIMP's and the
    # kernel's caches fill.
    for name, proc_name, props, prepare in plan:
        prepare()
        case(name, 0, proc_name, props, img)
    for run_no in range(1, RUNS + 1):
        for name, proc_name, props, prepare in plan:
            prepare()
            case(name, run_no, proc_name, props, img)
    Gimp.Selection.none(img)
    try:
        io_floor(img, src)
    except Exception as e:  # an informative extra: never fail the run for it
        report(case='io', error=repr(e))
    img.delete()


def io_floor(img, src):
    """What any plug-in pays at 4K to read a layer's pixels and to give GIMP
    a new layer of the same size (Python-Fu, same libgimp and GEGL calls the
    C plug-in makes): the floor under the edit's own pixel traffic."""
    from gi.repository import Gegl
    Gegl.init(None)
    reads, writes = [], []
    for _ in range(3):
        t0 = time.perf_counter()
        buf = src.get_buffer()
        data = buf.get(buf.get_extent(), 1.0, "R'G'B'A u8", Gegl.AbyssPolicy.NONE)
        reads.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        layer = Gimp.Layer.new(img, 'io', src.get_width(), src.get_height(),
                               Gimp.ImageType.RGBA_IMAGE, 100.0, Gimp.LayerMode.NORMAL)
        img.insert_layer(layer, None, 0)
        out = layer.get_buffer()
        out.set(out.get_extent(), "R'G'B'A u8", data)
        out.flush()
        layer.update(0, 0, layer.get_width(), layer.get_height())
        writes.append(time.perf_counter() - t0)
        img.remove_layer(layer)
        del data, buf, out
    report(case='io', read_s=round(sorted(reads)[1], 3), write_s=round(sorted(writes)[1], 3))


main()
