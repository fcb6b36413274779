/* gemini-key.h: finding the API key for one run, asking for it when allowed.
 *
 * The key only ever lives in memory here, in the keyring or in the 0600 file
 * that common/gg-keystore manages: never in a procedure argument, the
 * procedure's saved settings or a parasite.
 */
#pragma once

#include <libgimp/gimp.h>

G_BEGIN_DECLS

/* The key for this run.  Interactive runs without one ask for it (and store
 * it when the user ticks "Remember").  NULL with @error set when there is
 * none; a cancelled prompt gives GG_ERROR_CANCELLED.  Free with
 * gemini_key_free (which wipes it). */
gchar   *gemini_key_get    (GimpRunMode   run_mode,
                            GError      **error);

/* Asks for a key and stores it (the "API Key…" menu item). */
gboolean gemini_key_set    (GError      **error);

/* Removes a stored key (keyring and file). */
gboolean gemini_key_forget (GError      **error);

void     gemini_key_free   (gchar        *key);

G_END_DECLS
