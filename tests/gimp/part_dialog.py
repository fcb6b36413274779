# The dialogs' data in real GIMP: the prompt history in the GIMP profile
# (recorded after a successful run the user made, never after a script's,
# never with the key), and the French catalogue installed where
# gemini_set_i18n tells GIMP to look (the plug-in folder's locale/), by
# `cmake --install`.  The dialogs themselves cannot run headless; their
# logic is unit-tested in common/ (test-template, test-estimate,
# test-history).
#
# Runs in gimp-console with pdb.py's helpers as globals (run, load,
# report, server_log, Gimp ...); judged on the host by host_check ().
import json
import os

HISTORY = 'gemini-prompt-history.json'
SCRIPTED = 'part-dialog: a scripted prompt, never kept'


def _history():
    """The history file's prompts, [] when there is none."""
    path = os.path.join(Gimp.directory(), HISTORY)
    try:
        with open(path, encoding='utf-8') as f:
            return json.load(f).get('prompts', [])
    except FileNotFoundError:
        return []


def _sent_texts():
    """The user texts of the newest generateContent request."""
    body = last_request()
    texts = []
    for content in body.get('contents') or []:
        for part in content.get('parts') or []:
            if 'text' in part:
                texts.append(part['text'])
    return texts


def gimp_part():
    key = os.environ.get('GG_GIMP_TEST_KEY', '')
    img = load('texture.png')
    layer = img.get_layers()[0]

    # A script's run: the prompt stays the script's.
    status, _, message = run('plug-in-gemini-edit', {
        'run-mode': Gimp.RunMode.NONINTERACTIVE, 'image': img,
        'drawables': [layer], 'prompt': SCRIPTED})
    report('dialog-history-script', status=status, message=message,
           history=_history())

    # A run the user repeats (Filters > Repeat): WITH_LAST_VALS.  GIMP may
    # replace the prompt given here with the remembered one: the server
    # says which prompt was really sent.
    mine = 'part-dialog: a kite over the hills at dusk'
    status, _, message = run('plug-in-gemini-generate', {
        'run-mode': Gimp.RunMode.WITH_LAST_VALS, 'prompt': mine})
    report('dialog-history-user', status=status, message=message,
           sent=_sent_texts(), history=_history(), asked=mine)

    # The same with the key in the prompt: sent (it is the user's text),
    # never written to the history.
    secret = 'part-dialog: draw the words %s on a sign' % key
    status, _, message = run('plug-in-gemini-generate', {
        'run-mode': Gimp.RunMode.WITH_LAST_VALS, 'prompt': secret})
    history = _history()
    report('dialog-history-key', status=status, message=message,
           sent_has_key=any(key and key in t for t in _sent_texts()),
           history_has_key=any(key and key in p for p in history),
           history_len=len(history),
           file_has_key=bool(key) and key in open(
               os.path.join(Gimp.directory(), HISTORY), encoding='utf-8').read()
           if os.path.exists(os.path.join(Gimp.directory(), HISTORY)) else False)

    # The catalogue in the plug-in folder GIMP runs (run.sh copies the
    # build tree's plug-ins/gimp-gemini), as gemini_set_i18n names it.
    folder = os.path.join(Gimp.directory(), 'plug-ins', 'gimp-gemini')
    mo = os.path.join(folder, 'locale', 'fr', 'LC_MESSAGES', 'gimp-gemini.mo')
    translated = None
    if os.path.exists(mo):
        import gettext
        translated = gettext.translation('gimp-gemini', os.path.join(folder, 'locale'),
                                         ['fr']).gettext('Edit with Gemini')
    report('dialog-catalogue-in-profile', exists=os.path.exists(mo),
           translated=translated)
    img.delete()


def host_check(work, reports, v):
    import gettext
    import shutil
    import subprocess

    r = reports.get('dialog-history-script', {})
    v.require('dialog-history-not-from-scripts', [
        (r.get('status') == 'success', 'the scripted edit failed: %s' % r.get('message')),
        (SCRIPTED not in (r.get('history') or []),
         'a non-interactive run wrote its prompt to the history: %s' % r.get('history')),
    ])

    r = reports.get('dialog-history-user', {})
    sent = ' '.join(r.get('sent') or [])
    history = r.get('history') or []
    v.require('dialog-history-records-user-runs', [
        (r.get('status') == 'success', 'the repeated generate failed: %s' % r.get('message')),
        (bool(history), 'nothing was recorded after a successful WITH_LAST_VALS run'),
        (history[:1] and history[0] in sent,
         'the newest entry %r is not the prompt sent (%r)' % (history[:1], sent[:200])),
        (SCRIPTED not in history or SCRIPTED in sent,
         'the scripted prompt is in the history though no user run sent it'),
    ])

    r = reports.get('dialog-history-key', {})
    v.require('dialog-history-never-the-key', [
        (r.get('status') == 'success', 'the generate failed: %s' % r.get('message')),
        (r.get('sent_has_key'), 'the prompt holding the key was not the one sent: '
                                'nothing was tested'),
        (r.get('history_len', 0) >= 1, 'the history file is gone'),
        (not r.get('history_has_key'), 'the API key reached the prompt history'),
        (not r.get('file_has_key'), 'the API key is in the history file'),
    ])

    r = reports.get('dialog-catalogue-in-profile', {})
    v.require('dialog-catalogue-in-plugin-folder', [
        (r.get('exists'), 'no locale/fr/LC_MESSAGES/gimp-gemini.mo in the plug-in folder'),
        (r.get('translated') == 'Modifier avec Gemini',
         'the catalogue translates "Edit with Gemini" as %r' % r.get('translated')),
    ])

    # `cmake --install` puts the catalogue beside the installed plug-in:
    # <plug-in folder>/locale/fr/LC_MESSAGES, the folder gemini_set_i18n
    # names relative to the binary.
    out = os.path.dirname(work)
    build = os.path.join(out, 'gimp3')
    src = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    dest = os.path.join(out, 'dialog-install')
    shutil.rmtree(dest, ignore_errors=True)
    os.makedirs(dest)
    native = subprocess.run(['pkg-config', '--exists', 'gimp-3.0'],
                            capture_output=True).returncode == 0 \
        if shutil.which('pkg-config') else False
    cmd = ['cmake', '--install', build, '--component', 'translations']
    env = dict(os.environ, DESTDIR=dest)
    if not native:
        cmd = [os.path.join(src, 'tests', 'gimp3-root.sh'), 'run', src] + cmd
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    # (os.walk: the default profile folder is a hidden .config)
    installed = [os.path.join(d, f) for d, _, files in os.walk(dest)
                 for f in files if f == 'gimp-gemini.mo']
    mo = installed[0] if installed else ''
    folder = mo.split(os.sep + 'locale' + os.sep)[0] if mo else ''
    translated = None
    if mo:
        translated = gettext.translation('gimp-gemini', os.path.join(folder, 'locale'),
                                         ['fr']).gettext('Generate an Image with Gemini')
    v.require('dialog-install-puts-catalogue-beside-plugin', [
        (done.returncode == 0, 'cmake --install failed: %s' % (done.stderr or done.stdout)[-300:]),
        (len(installed) == 1, 'installed catalogues: %s' % installed),
        (mo.endswith(os.path.join('plug-ins', 'gimp-gemini', 'locale', 'fr',
                                  'LC_MESSAGES', 'gimp-gemini.mo')),
         'the catalogue is not in the plug-in folder\'s locale/: %s' % mo),
        (translated == 'Générer une image avec Gemini',
         'the installed catalogue translates as %r' % translated),
    ])
