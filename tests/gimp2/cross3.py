# gimp-gemini: the cross-version check, GIMP 3's side (tests/gimp2/run.sh).
#
# Run in gimp-console-3.0 (python-fu-eval) after tests/gimp/pdb.py with
# GG_GIMP_PART=lib, which defines the helpers used here (run, report,
# conversation, parasite_text, geometry, last_request, OUT, Gimp, Gio).
# Loads refined.xcf, which GIMP 2.10 edited and then refined, refines it
# with the GIMP 3 plug-in, and reports what the image held, what was sent
# and where the result went; saves it as cross3.xcf for 2.10 to refine back.
import os  # noqa: E402


def gimp2_cross():
    nonint = Gimp.RunMode.NONINTERACTIVE
    path = os.path.join(OUT, 'refined.xcf')
    img = Gimp.file_load(nonint, Gio.File.new_for_path(path))
    layers = img.get_layers()
    stored = conversation(img)
    place = parasite_text(img, 'gemini-conversation-place')
    before = len(layers)
    top = layers[0]
    status, values, message = run('plug-in-gemini-refine', {
        'run-mode': nonint, 'image': img, 'drawables': [top],
        'prompt': 'now make the balloon green'})
    new = values[0] if status == 'success' and values else None
    body = last_request()
    report('cross-refine', status=status, message=message,
           stored=stored, place=place, before=before,
           layers=len(img.get_layers()),
           new=geometry(new) if new else None,
           new_mask=bool(new and new.get_mask() is not None),
           top=geometry(top),
           sent=body.get('contents'),
           after=conversation(img))
    Gimp.file_save(nonint, img,
                   Gio.File.new_for_path(os.path.join(OUT, 'cross3.xcf')), None)


try:
    gimp2_cross()
except Exception as e:  # noqa: BLE001 - reported, judged on the host
    report('py-exception', status='error', message='%s: %s' % (type(e).__name__, e))
