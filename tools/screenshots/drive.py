# gimp-gemini: the GIMP side of tools/screenshots/take.sh.
#
# Runs inside the GUI gimp-3.0 as a Python-Fu batch command
# (--batch-interpreter=python-fu-eval).  It puts GIMP in each state worth a
# picture and tells the host (tools/screenshots/shoot.py) what to take, one
# step at a time, through files in GG_SHOTS_SYNC:
#
#   NN-name.json   written here: {"name", "kind", ...}
#   NN-name.done   written by the host once the picture is taken
#
# Titles are POSIX extended regexes (xdotool's).
# kind "window" and "canvas": GIMP waits here for the .done file.
# kind "dialog": the plug-in's procedure is run interactively right after;
# it returns when the host has taken the dialog and pressed Escape, which
# cancels it, so nothing is sent.  The edit shown in the before/after runs
# non-interactively against the fake Gemini server.
#
# A dialog shows a prompt either from the config it is opened with (GIMP
# keeps the values passed to an interactive run when the procedure has no
# last-used values yet, as in the run's fresh profile), or from its template
# form, which the host fills by keyboard ("form" in the step: a template id
# of common/templates.json and the values of some of its fields).
import json
import os
import time
import traceback

import gi
gi.require_version('Gimp', '3.0')
from gi.repository import Gimp, Gio  # noqa: E402

SYNC = os.environ['GG_SHOTS_SYNC']
SCENE = os.environ['GG_SHOTS_SCENE']
STEP_TIMEOUT = float(os.environ.get('GG_SHOTS_STEP_TIMEOUT', '120'))
PDB = Gimp.get_pdb()

# The selection of the before/after (image pixels), in the sky left of the sun.
SEL = (150, 60, 250, 170)
# The edit dialog shows the prompt the before/after then runs.
EDIT_PROMPT = ('Replace the sky inside the selection with a full moon rising above the '
               'mountains, pale and slightly hazy, lighting the thin clouds around it. '
               'Keep the dusk colours of the rest of the sky.')
# Feathering in pixels, in the edit and the dialogs that place a result:
# they would show the default, "auto", as -1.0.
EDIT_FEATHER = 12.0
# Generate: the "Photorealistic scene" template, some of its fields filled.
GENERATE_FORM = {'template': 'photorealistic', 'fields': {
    'shot': 'wide-angle',
    'subject': 'a wooden cabin with one lit window',
    'environment': 'a pine forest on the shore of a still mountain lake at dusk',
    'lighting': 'the last blue light of the evening, with warm lamplight from the cabin',
    'camera': 'a 24 mm lens at f/8, sharp from the reeds to the peaks',
}}
REFINE_PROMPT = ('Make the moon a little smaller and add a faint halo around it; '
                 'keep its reflection on the lake.')
STYLE_PROMPT = 'Keep the reflections on the lake crisp and the moon as the brightest spot.'
COMPOSE_PROMPT = ('Combine the two layers into one picture: the moonlit sky of the top '
                  'layer over the lake of the bottom one, with the moon reflected in '
                  'the water.')
# One role per selected layer, top first: the edit's layer, then the lake.
COMPOSE_ROLES = 'object, composition'
# What the fake server does to the region: a pale disc (the "moon") at the
# centre of the region sent, a slight cool tint, and its usual drift that
# the plug-in realigns.
EDIT_PARAMS = {'mark': [246, 240, 222], 'tint': [-6, -2, 10], 'noise': False}

counter = [0]


def say(text):
    print('shots: ' + text, flush=True)


def step(name, kind, **info):
    counter[0] += 1
    base = os.path.join(SYNC, '%02d-%s' % (counter[0], name))
    info.update(name=name, kind=kind)
    with open(base + '.tmp', 'w') as f:
        json.dump(info, f)
    os.replace(base + '.tmp', base + '.json')
    if kind in ('dialog', 'end'):
        return
    deadline = time.monotonic() + STEP_TIMEOUT
    while not os.path.exists(base + '.done'):
        if time.monotonic() > deadline:
            raise RuntimeError('the host did not take "%s" within %d s' % (name, STEP_TIMEOUT))
        time.sleep(0.1)


def config_for(proc_name, props):
    proc = PDB.lookup_procedure(proc_name)
    if proc is None:
        raise RuntimeError(proc_name + ' is not installed: is the plug-in in the profile?')
    config = proc.create_config()
    for key, value in props.items():
        if key in ('drawables', 'references'):
            config.set_core_object_array(key, value)
        else:
            config.set_property(key, value)
    return proc, config


def dialog(name, title, proc_name, props, form=None):
    """Opens proc_name's dialog; the host fills its template form (if any),
    takes it and cancels it."""
    step(name, 'dialog', title=title, form=form)
    proc, config = config_for(proc_name, dict(props, **{'run-mode': Gimp.RunMode.INTERACTIVE}))
    result = proc.run(config)
    status = result.index(0)
    if status != Gimp.PDBStatusType.CANCEL:
        raise RuntimeError('%s ended with %s, not cancelled by the host' % (proc_name, status.value_nick))


def server(scenario, params):
    import urllib.request
    body = json.dumps({'scenario': scenario, 'queue': [], 'params': params}).encode()
    req = urllib.request.Request(os.environ['GOOGLE_GEMINI_BASE_URL'] + '/_control/scenario',
                                 data=body, method='POST',
                                 headers={'Content-Type': 'application/json'})
    urllib.request.urlopen(req, timeout=10).read()


def main():
    # The host makes the empty window full-screen first, so that the image
    # opens at 100 %.
    step('start', 'window', fullscreen=True, shot=False)

    image = Gimp.file_load(Gimp.RunMode.NONINTERACTIVE, Gio.File.new_for_path(SCENE))
    # Named like a saved picture, not "[Untitled]", in the title bar.
    image.set_file(Gio.File.new_for_path(os.path.join(os.path.dirname(SCENE), 'lake-at-dusk.xcf')))
    layer = image.get_layers()[0]
    layer.set_name('Lake at dusk')
    display = Gimp.Display.new(image)
    Gimp.displays_flush()
    size = [image.get_width(), image.get_height()]

    step('gimp-menu', 'menu', image_size=size)

    dialog('dialog-generate', '[Gg]enerate.*Gemini|Gemini.*[Gg]enerate', 'plug-in-gemini-generate',
           {'image': image}, form=GENERATE_FORM)

    x, y, w, h = SEL
    image.select_ellipse(Gimp.ChannelOps.REPLACE, x, y, w, h)
    Gimp.displays_flush()

    dialog('dialog-edit', '[Ee]dit.*Gemini|Gemini.*[Ee]dit', 'plug-in-gemini-edit',
           {'image': image, 'drawables': [layer], 'prompt': EDIT_PROMPT,
            'feather': EDIT_FEATHER})

    step('before', 'canvas', image_size=size, selection=list(SEL))

    server('ok', EDIT_PARAMS)
    proc, config = config_for('plug-in-gemini-edit', {
        'run-mode': Gimp.RunMode.NONINTERACTIVE, 'image': image,
        'drawables': [layer], 'prompt': EDIT_PROMPT, 'feather': EDIT_FEATHER})
    result = proc.run(config)
    if result.index(0) != Gimp.PDBStatusType.SUCCESS:
        raise RuntimeError('the edit failed: ' + str(PDB.get_last_error()))
    Gimp.Selection.none(image)
    Gimp.displays_flush()

    step('after', 'canvas', image_size=size, selection=list(SEL))
    step('gimp-window', 'window')

    edited = image.get_selected_layers()
    dialog('dialog-refine', '[Rr]efine.*Gemini|Gemini.*[Rr]efine', 'plug-in-gemini-refine',
           {'image': image, 'drawables': list(edited) or [layer], 'prompt': REFINE_PROMPT, 'feather': EDIT_FEATHER})

    dialog('dialog-style', '[Ss]tyle.*Gemini|Gemini.*[Ss]tyle', 'plug-in-gemini-style-transfer',
           {'image': image, 'drawables': [layer], 'prompt': STYLE_PROMPT, 'feather': EDIT_FEATHER})

    image.set_selected_layers(image.get_layers())
    dialog('dialog-compose', '[Cc]ompose.*Gemini|Gemini.*[Cc]ompose', 'plug-in-gemini-compose',
           {'image': image, 'drawables': list(image.get_layers()),
            'prompt': COMPOSE_PROMPT, 'reference-roles': COMPOSE_ROLES})

    step('end', 'end')
    display.delete()
    image.clean_all()


try:
    main()
except Exception:
    # The host reads this line and stops with it.
    with open(os.path.join(SYNC, 'error.txt'), 'w') as f:
        f.write(traceback.format_exc())
    say('failed:\n' + traceback.format_exc())
# take.sh's next batch command quits GIMP (a quit from inside this one
# waits for this plug-in to end).
