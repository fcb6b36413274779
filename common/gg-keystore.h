/* gg-keystore.h: where the API key lives between runs.
 *
 * Order: the environment (GOOGLE_API_KEY, GEMINI_API_KEY), then the desktop
 * keyring (libsecret, when built with it and a keyring answers), then a 0600
 * file "gemini-api-key" in @profile_dir.  The key is never written anywhere
 * else. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  GG_KEY_SOURCE_NONE,
  GG_KEY_SOURCE_ENVIRONMENT,
  GG_KEY_SOURCE_KEYRING,
  GG_KEY_SOURCE_FILE,
} GgKeySource;

/* NULL without error when no key is configured.  A key file readable by
 * others is still used, with a warning in @warning (g_free) when non-NULL. */
gchar *gg_keystore_load (const gchar *profile_dir,
                         GgKeySource *source,
                         gchar      **warning,
                         GError     **error);

/* Stores in the keyring when one answers, else in the 0600 file. */
gboolean gg_keystore_save (const gchar *profile_dir,
                           const gchar *key,
                           GgKeySource *where,
                           GError     **error);

/* Removes the key from the keyring and the file. */
gboolean gg_keystore_forget (const gchar *profile_dir, GError **error);

G_END_DECLS
