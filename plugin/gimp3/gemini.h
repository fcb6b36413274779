/* gimp-gemini: Gemini image models in GIMP 3.
 *
 * gemini.h: names shared by the plug-in's files.  The plug-in is glue only:
 * everything that does not call libgimp lives in common/ (gg_*); the
 * procedures' names are common/gg-procedures.h's, the limits and messages
 * both GIMP front ends share common/gg-front.h's.
 */
#pragma once

#include <libgimp/gimp.h>

#include "gg-procedures.h"

G_BEGIN_DECLS

#define PLUG_IN_BINARY        "gimp-gemini"
#define PLUG_IN_ROLE          "gimp-gemini"
#define PLUG_IN_MENU          "<Image>/Filters/Gemini"

/* gemini-main.c: the problem with the user's catalogue
 * (GG_FRONT_CATALOGUE_FILE in the profile, merged over the built-in one
 * before any procedure is made), for the dialogs; NULL: none (owned by
 * gemini-main.c). */
const gchar * gemini_catalogue_problem (void);

G_END_DECLS
