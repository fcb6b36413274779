/* gimp-gemini: Gemini image models in GIMP 3.
 *
 * gemini.h: names shared by the plug-in's files.  The plug-in is glue only:
 * everything that does not call libgimp lives in common/ (gg_*).
 */
#pragma once

#include <libgimp/gimp.h>

G_BEGIN_DECLS

#define PLUG_IN_BINARY        "gimp-gemini"
#define PLUG_IN_ROLE          "gimp-gemini"

#define PLUG_IN_PROC_GENERATE "plug-in-gemini-generate"
#define PLUG_IN_PROC_EDIT     "plug-in-gemini-edit"
#define PLUG_IN_PROC_SET_KEY  "plug-in-gemini-set-key"
#define PLUG_IN_PROC_FORGET   "plug-in-gemini-forget-key"
#define PLUG_IN_PROC_REFINE   "plug-in-gemini-refine"
#define PLUG_IN_PROC_START_OVER "plug-in-gemini-forget-conversation"
#define PLUG_IN_PROC_STYLE    "plug-in-gemini-style-transfer"
#define PLUG_IN_PROC_COMPOSE  "plug-in-gemini-compose"

/* Variations: independent requests sent at once. */
#define GEMINI_MAX_VARIATIONS 4

#define PLUG_IN_MENU          "<Image>/Filters/Gemini"

/* Where a paid answer goes when it cannot be placed, inside gimp_directory (). */
#define GEMINI_RECOVERY_DIR   "gemini-recovery"

/* The message non-interactive runs fail with when no key is configured
 * (marked here, translated where it is used: gemini-key.c). */
#define GEMINI_NO_KEY_MESSAGE \
  N_("No Gemini API key: set GEMINI_API_KEY or use Filters > Gemini > API Key…")

/* gemini.c: the user's catalogue (GG_FRONT_CATALOGUE_FILE in the profile)
 * merged over the built-in one, once per process; the sentence of its
 * problem for the dialogs (NULL: none; owned by gemini.c). */
void          gemini_catalogue_load    (void);
const gchar * gemini_catalogue_problem (void);

G_END_DECLS
