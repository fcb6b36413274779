/* gg-intl.h: marking the engine's user-visible strings for translation.
 *
 * The plug-in's gettext domain is GETTEXT_PACKAGE ("gimp-gemini"); the
 * plug-in binds it to its folder's locale/ (gemini_set_i18n), so these
 * strings come out translated in GIMP.  The CLI binds nothing: gettext then
 * returns the English msgid, which is what the CLI and the tests want.
 * Mark a string with _("..."), a static one with N_("...") and translate
 * it where it is shown; po/POTFILES lists the files xgettext reads.
 */
#pragma once

#ifndef GETTEXT_PACKAGE
#define GETTEXT_PACKAGE "gimp-gemini"
#endif

#include <glib/gi18n-lib.h>
