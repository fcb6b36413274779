/* gemini-intl.h: translations of the plug-in's own strings.
 *
 * Mark a string with _("...") (N_("...") where it is translated later)
 * and include this header; list a new file in po/POTFILES.  The domain is
 * GETTEXT_PACKAGE, "gimp-gemini", bound by GIMP to the plug-in folder's
 * locale/ (gemini_set_i18n in gemini-main.c); the build compiles po/ *.po into
 * it (po/CMakeLists.txt).
 */
#pragma once

#include "gg-intl.h"
