/* gimp2-key.h: the API key of the GIMP 2.10 plug-in. */
#pragma once

#include <libgimp/gimp.h>

#include "gimp2.h"

G_BEGIN_DECLS

/* The key for this run (free with gimp2_key_free ()), from the same
 * keystore as GIMP 3's, in the 2.10 profile; interactive runs without
 * one ask.  NULL with @error. */
gchar *gimp2_key_get           (GimpRunMode   run_mode,
                                GError      **error);
/* Asks for the key in a masked entry and stores it when the user says
 * so; NULL with @error (cancelled). */
gchar *gimp2_key_ask_and_store (GError      **error);
/* Wipes and frees @key (NULL: nothing). */
void   gimp2_key_free          (gchar        *key);

G_END_DECLS
