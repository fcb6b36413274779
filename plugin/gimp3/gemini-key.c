/* gimp-gemini: key lookup for the GIMP 3 plug-in, and the dialog that asks
 * for one (see gemini-key.h). */

#include <string.h>

#include <libgimp/gimp.h>
#include <libgimp/gimpui.h>

#include "gg-error.h"
#include "gg-front.h"
#include "gg-keystore.h"
#include "gg-procedures.h"

#include "gemini.h"
#include "gemini-intl.h"
#include "gemini-key.h"


#define KEY_URL "https://aistudio.google.com/apikey"


static gchar * key_ask_and_store (GError    **error);
static gchar * key_dialog        (gboolean  *remember);
static void    key_entry_changed (GtkEntry  *entry,
                                  GtkWidget *dialog);


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
                           _(GG_FRONT_NO_KEY_MESSAGE));
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

  key = key_dialog (&remember);

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

/* The masked key entry.  Returns the key (g_free; the caller wipes it) or
 * NULL when cancelled; @remember: in, the check box's initial state; out,
 * its final state. */
static gchar *
key_dialog (gboolean *remember)
{
  GtkWidget        *dialog;
  GtkWidget        *vbox;
  GtkWidget        *label;
  GtkWidget        *entry;
  GtkWidget        *check;
  g_autofree gchar *markup = NULL;
  gchar            *key = NULL;

  dialog = gimp_dialog_new (_("Gemini API Key"), PLUG_IN_ROLE,
                            NULL, 0,
                            gimp_standard_help_func, GG_PROC_SET_KEY,

                            _("_Cancel"), GTK_RESPONSE_CANCEL,
                            _("_OK"),     GTK_RESPONSE_OK,

                            NULL);
  gtk_dialog_set_default_response (GTK_DIALOG (dialog), GTK_RESPONSE_OK);
  gtk_dialog_set_response_sensitive (GTK_DIALOG (dialog), GTK_RESPONSE_OK,
                                     FALSE);
  /* Over GIMP's window when there is one; gimp-console has none, and
   * gimp_window_set_transient () would complain about the empty handle. */
  {
    GBytes *handle = gimp_progress_get_window_handle ();

    if (handle && g_bytes_get_size (handle) > 0)
      gimp_window_set_transient_for (GTK_WINDOW (dialog), handle);
    g_clear_pointer (&handle, g_bytes_unref);
  }

  vbox = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  gtk_container_set_border_width (GTK_CONTAINER (vbox), 12);
  gtk_box_pack_start (GTK_BOX (gtk_dialog_get_content_area (GTK_DIALOG (dialog))),
                      vbox, TRUE, TRUE, 0);

  label = gtk_label_new (NULL);
  /* TRANSLATORS: %s is the address of Google AI Studio's key page, twice */
  markup = g_strdup_printf (_("Gemini needs an API key. Create one at "
                              "<a href=\"%s\">%s</a> and paste it here."),
                            KEY_URL, KEY_URL);
  gtk_label_set_markup (GTK_LABEL (label), markup);
  gtk_label_set_line_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 50);
  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  gtk_box_pack_start (GTK_BOX (vbox), label, FALSE, FALSE, 0);

  /* Masked like a password: the key is a secret that costs money. */
  entry = gtk_entry_new ();
  gtk_entry_set_visibility (GTK_ENTRY (entry), FALSE);
  gtk_entry_set_input_purpose (GTK_ENTRY (entry), GTK_INPUT_PURPOSE_PASSWORD);
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_entry_set_width_chars (GTK_ENTRY (entry), 40);
  gtk_box_pack_start (GTK_BOX (vbox), entry, FALSE, FALSE, 0);
  g_signal_connect (entry, "changed",
                    G_CALLBACK (key_entry_changed), dialog);

  check = gtk_check_button_new_with_mnemonic
    (_("_Remember the key (desktop keyring, else a private file in the GIMP profile)"));
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (check), *remember);
  gtk_box_pack_start (GTK_BOX (vbox), check, FALSE, FALSE, 0);

  gtk_widget_show_all (dialog);

  if (gimp_dialog_run (GIMP_DIALOG (dialog)) == GTK_RESPONSE_OK)
    {
      gchar *text = g_strdup (gtk_entry_get_text (GTK_ENTRY (entry)));

      g_strstrip (text);

      if (*text)
        key = text;
      else
        g_free (text);

      *remember = gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (check));
    }

  /* Leave no copy of the key in the entry's buffer. */
  gtk_entry_set_text (GTK_ENTRY (entry), "");
  gtk_widget_destroy (dialog);

  return key;
}

static void
key_entry_changed (GtkEntry  *entry,
                   GtkWidget *dialog)
{
  gtk_dialog_set_response_sensitive (GTK_DIALOG (dialog), GTK_RESPONSE_OK,
                                     gtk_entry_get_text_length (entry) > 0);
}
