/* gimp-gemini for GIMP 2.10: the API key (gimp2-key.h): asked for in a
 * masked entry, kept in the keystore GIMP 3 uses (in the 2.10 profile),
 * wiped after use. */

#include <string.h>

#include <libgimp/gimp.h>
#include <libgimp/gimpui.h>

#include "gg-error.h"
#include "gg-keystore.h"

#include "gimp2-dialog.h"
#include "gimp2-key.h"


/* The masked key entry: the key (g_free after wiping) or NULL. */
static gchar *
key_dialog (gboolean *remember)
{
  GtkWidget *vbox   = NULL;
  GtkWidget *dialog = gimp2_dialog_window (_("Gemini API Key"), &vbox);
  GtkWidget *label;
  GtkWidget *entry;
  GtkWidget *check;
  gchar     *key    = NULL;

  label = gtk_label_new (_("Paste your Gemini API key (from Google AI Studio). "
                           "It is sent only to Google, in a request header."));
  gtk_label_set_line_wrap (GTK_LABEL (label), TRUE);
  gtk_misc_set_alignment (GTK_MISC (label), 0.0, 0.5);
  gtk_box_pack_start (GTK_BOX (vbox), label, FALSE, FALSE, 0);

  entry = gtk_entry_new ();
  gtk_entry_set_visibility (GTK_ENTRY (entry), FALSE);
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_entry_set_width_chars (GTK_ENTRY (entry), 44);
  gtk_box_pack_start (GTK_BOX (vbox), entry, FALSE, FALSE, 0);
  gtk_dialog_set_default_response (GTK_DIALOG (dialog), GTK_RESPONSE_OK);

  check = gimp2_check_button (vbox, N_("_Remember it (desktop keyring, else "
                                       "a private file in the GIMP profile)"),
                              *remember);

  gtk_widget_show_all (dialog);

  if (gimp_dialog_run (GIMP_DIALOG (dialog)) == GTK_RESPONSE_OK)
    {
      const gchar *text = gtk_entry_get_text (GTK_ENTRY (entry));
      g_autofree gchar *copy = g_strstrip (g_strdup (text));

      if (*copy)
        key = g_steal_pointer (&copy);
      *remember = gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (check));
    }

  /* The entry's own copy is overwritten before the widget goes. */
  gtk_entry_set_text (GTK_ENTRY (entry), "");
  gtk_widget_destroy (dialog);

  return key;
}

void
gimp2_key_free (gchar *key)
{
  /* Wiped so that a later crash dump does not carry it. */
  if (key)
    {
      memset (key, 0, strlen (key));
      g_free (key);
    }
}

gchar *
gimp2_key_ask_and_store (GError **error)
{
  g_autoptr (GError) unsaved  = NULL;
  GgKeySource        where    = GG_KEY_SOURCE_NONE;
  gboolean           remember = TRUE;
  gchar             *key      = key_dialog (&remember);

  if (! key)
    g_set_error_literal (error, GG_ERROR, GG_ERROR_CANCELLED,
                         _("No API key was entered."));
  /* A key that cannot be stored still serves this run. */
  else if (remember &&
           ! gg_keystore_save (gimp_directory (), key, &where, &unsaved))
    gimp_message (unsaved->message);

  return key;
}

/* A keystore's warning (a key file with loose permissions, ...): in a
 * message for the user, on stderr for a script. */
static void
warn (GimpRunMode  run_mode,
      const gchar *warning)
{
  if (run_mode == GIMP_RUN_INTERACTIVE)
    gimp_message (warning);
  else
    g_printerr ("%s: %s\n", PLUG_IN_BINARY, warning);
}

gchar *
gimp2_key_get (GimpRunMode   run_mode,
               GError      **error)
{
  g_autofree gchar *warning = NULL;
  GgKeySource       source  = GG_KEY_SOURCE_NONE;
  GError           *failed  = NULL;
  gchar            *key     = gg_keystore_load (gimp_directory (), &source,
                                                &warning, &failed);

  if (warning)
    warn (run_mode, warning);
  if (key && *key)
    return key;
  gimp2_key_free (key);

  /* A keystore that fails is said as it is: asking would hide it.  A
   * script cannot be asked. */
  if (! failed && run_mode != GIMP_RUN_INTERACTIVE)
    failed = g_error_new_literal (GG_ERROR, GG_ERROR_NO_KEY,
                                  GG_FRONT_NO_KEY_MESSAGE);
  if (failed)
    {
      g_propagate_error (error, failed);
      return NULL;
    }

  return gimp2_key_ask_and_store (error);
}
