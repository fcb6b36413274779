# The plug-in's translations, seen from GIMP.
#
# In gimp-console, every string GIMP holds for the plug-in's procedures
# (menu labels, blurbs, help, the nicks and blurbs of their arguments and
# return values, the labels of their choices) is read from the PDB; on the
# host, each must be a message of the French catalogue built into the
# plug-in folder, and translated: a string left unmarked in the sources
# (English in every language) fails here.  The dialogs' aux arguments
# (the reference layer and file) never reach GIMP's PDB, so neither they
# nor the dialogs can be seen headless: those are checked under Xvfb.
#
# Runs in gimp-console with pdb.py's helpers as globals; judged on the host
# by host_check ().
import os

PROCEDURES = ['plug-in-gemini-generate', 'plug-in-gemini-edit',
              'plug-in-gemini-style-transfer', 'plug-in-gemini-refine',
              'plug-in-gemini-compose', 'plug-in-gemini-forget-conversation',
              'plug-in-gemini-set-key', 'plug-in-gemini-forget-key']

# The arguments GIMP itself adds to image procedures (its own strings).
GIMP_ARGUMENTS = {'run-mode', 'image', 'drawables'}

def _choice_labels(pspec):
    """The labels of a choice argument's values, [] for another kind."""
    try:
        choice = Gimp.param_spec_choice_get_choice(pspec)
    except (AttributeError, TypeError):
        return []
    if choice is None:
        return []
    return [choice.get_label(nick) for nick in choice.list_nicks()]


def gimp_part():
    procedures = {}
    for name in PROCEDURES:
        proc = PDB.lookup_procedure(name)
        if proc is None:
            procedures[name] = None
            continue
        strings = [proc.get_menu_label(), proc.get_blurb(), proc.get_help()]
        choices = []
        for pspec in proc.get_arguments():
            if pspec.name in GIMP_ARGUMENTS and \
                    not name.endswith(('generate', 'set-key', 'forget-key')):
                continue
            strings += [pspec.get_nick(), pspec.get_blurb()]
            choices += _choice_labels(pspec)
        for pspec in proc.get_return_values():
            strings += [pspec.get_nick(), pspec.get_blurb()]
        procedures[name] = {'strings': [s for s in strings if s],
                            'choices': choices}
    report('intl-procedures', procedures=procedures)


def host_check(work, reports, v):
    import gettext

    out = os.path.dirname(work)
    locale = os.path.join(out, 'gimp3', 'plugin', 'plug-ins', 'gimp-gemini', 'locale')
    try:
        catalogue = gettext.translation('gimp-gemini', locale, ['fr'])
    except OSError as e:
        v.check('intl-procedures-translated', False,
                'no French catalogue in the built plug-in folder %s: %s' % (locale, e))
        return
    messages = catalogue._catalog  # msgid (msgctxt\x04msgid) -> msgstr

    procedures = reports.get('intl-procedures', {}).get('procedures') or {}
    missing = [name for name in PROCEDURES if not procedures.get(name)]
    v.check('intl-procedures-found', not missing and bool(procedures),
            'not in the PDB: %s' % (missing or 'no report'))

    untranslated = []
    n = 0
    for name, info in sorted(procedures.items()):
        for text in (info or {}).get('strings', []):
            n += 1
            if not messages.get(text):
                untranslated.append('%s: %r' % (name, text))
        for label in (info or {}).get('choices', []):
            n += 1
            if not any(messages.get(key) for key in ('role\x04' + label, label)):
                untranslated.append('%s (choice): %r' % (name, label))
    v.require('intl-procedures-translated', [
        (n >= 150, 'only %d strings read from the PDB: the report is incomplete' % n),
        (not untranslated, '%d strings GIMP shows are not in the French catalogue: %s'
         % (len(untranslated), '; '.join(untranslated[:6]))),
    ])
    compose = messages.get('_Compose…')
    v.check('intl-menu-label-french', compose == '_Composer…',
            'the catalogue translates "_Compose…" as %r' % compose)

