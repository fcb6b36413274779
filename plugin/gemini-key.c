/* gimp-gemini: key lookup for the GIMP 3 plug-in (see gemini-key.h). */

#include <string.h>

#include <libgimp/gimp.h>

#include "gg-error.h"
#include "gg-keystore.h"

#include "gemini.h"
#include "gemini-dialog.h"
#include "gemini-intl.h"
#include "gemini-key.h"


static gchar * key_ask_and_store (GError **error);


gchar *
gemini_key_get (GimpRunMode   run_mode,
                GError      **error)
{
  g_autofree gchar *warning = NULL;
  GgKeySource       source  = GG_KEY_SOURCE_NONE;
  gchar            *key;

  key = gg_keystore_load (gimp_directory (), &source, &warning, error);

  if (warning && run_mode == GIMP_RUN_INTERACTIVE)
    gimp_message (warning);
  else if (warning)
    g_printerr ("%s: %s\n", PLUG_IN_BINARY, warning);

  if (key && *key)
    return key;

  gemini_key_free (key);

  /* A keystore failure (unreadable file, broken keyring) is reported as it
   * is: asking for a new key would hide it. */
  if (error && *error)
    return NULL;

  if (run_mode != GIMP_RUN_INTERACTIVE)
    {
      g_set_error_literal (error, GG_ERROR, GG_ERROR_NO_KEY,
                           _(GEMINI_NO_KEY_MESSAGE));
      return NULL;
    }

  return key_ask_and_store (error);
}

gboolean
gemini_key_set (GError **error)
{
  gchar *key = key_ask_and_store (error);

  if (! key)
    return FALSE;

  gemini_key_free (key);

  return TRUE;
}

gboolean
gemini_key_forget (GError **error)
{
  return gg_keystore_forget (gimp_directory (), error);
}

void
gemini_key_free (gchar *key)
{
  /* Wiped so that a later crash dump does not carry it. */
  if (key)
    {
      memset (key, 0, strlen (key));
      g_free (key);
    }
}


static gchar *
key_ask_and_store (GError **error)
{
  gboolean  remember = TRUE;
  gchar    *key;

  key = gemini_key_dialog (&remember);

  if (! key)
    {
      g_set_error_literal (error, GG_ERROR, GG_ERROR_CANCELLED,
                           _("No API key was entered."));
      return NULL;
    }

  if (remember)
    {
      GgKeySource where = GG_KEY_SOURCE_NONE;
      GError     *save_error = NULL;

      /* A key that cannot be stored still serves this run: say why it will
       * be asked for again instead of failing the edit. */
      if (! gg_keystore_save (gimp_directory (), key, &where, &save_error))
        {
          gimp_message (save_error->message);
          g_clear_error (&save_error);
        }
    }

  return key;
}
