/* gimp-gemini for GIMP 2.10: template forms and the prompt history in the
 * GTK 2 dialog.
 *
 * The form is plugin/ui/gg-form-ui.c, shared with GIMP 3; here it writes
 * into the dialog's prompt buffer.  The history list is GTK 2's (a small
 * dialog); its rows come from gg_form_ui_history_fill ().
 */

#include <string.h>

#include <libgimp/gimp.h>
#include <libgimp/gimpui.h>

#include "gg-history.h"
#include "gg-keystore.h"
#include "gg-template.h"

#include "gimp2.h"
#include "gimp2-form.h"
#include "gg-form-ui.h"


typedef struct
{
  GtkTextBuffer *buffer;
  GgHistory     *history;
  GtkWidget     *search;
  GtkWidget     *empty;
  GtkListStore  *store;
} History;


static gchar *
buffer_text (gpointer buffer)
{
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);

  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static void
buffer_set_text (gpointer     buffer,
                 const gchar *text)
{
  gtk_text_buffer_set_text (buffer, text, -1);
}

GtkWidget *
gimp2_form_new (GtkTextBuffer  *buffer,
                GgTemplateKind  kind)
{
  const GgFormPrompt prompt = { buffer_text, buffer_set_text, buffer };

  return gg_form_ui_new (&prompt, kind);
}


static void
history_add_row (const gchar *prompt,
                 gpointer     store)
{
  gtk_list_store_insert_with_values (store, NULL, -1, 0, prompt, -1);
}

static void
history_refill (History *history)
{
  guint n;

  gtk_list_store_clear (history->store);
  n = gg_form_ui_history_fill (history->history, history->search,
                               history->empty, history_add_row,
                               history->store);
  gtk_widget_set_visible (history->empty, n == 0);
}

static void
history_search_changed (GtkEntry *entry,
                        History  *history)
{
  history_refill (history);
}

static void
history_row_activated (GtkTreeView       *view,
                       GtkTreePath       *path,
                       GtkTreeViewColumn *column,
                       GtkDialog         *dialog)
{
  gtk_dialog_response (dialog, GTK_RESPONSE_OK);
}

/* A small dialog: a search entry over the recent prompts, newest first. */
static void
history_clicked (GtkButton *button,
                 History   *history)
{
  GtkWidget        *dialog;
  GtkWidget        *vbox;
  GtkWidget        *scrolled;
  GtkWidget        *view;
  GtkCellRenderer  *renderer;
  GtkTreeSelection *selection;
  GtkTreeModel     *model;
  GtkTreeIter       iter;

  /* Another run may have added prompts since the dialog opened. */
  g_clear_pointer (&history->history, gg_history_free);
  history->history = gg_form_ui_history_open ();

  dialog = gimp_dialog_new (_("Recent Prompts"), PLUG_IN_ROLE,
                            gtk_widget_get_toplevel (GTK_WIDGET (button)), 0,
                            gimp_standard_help_func, NULL,
                            GTK_STOCK_CANCEL, GTK_RESPONSE_CANCEL,
                            _("_Use"),        GTK_RESPONSE_OK,
                            NULL);
  gtk_dialog_set_default_response (GTK_DIALOG (dialog), GTK_RESPONSE_OK);

  vbox = gtk_vbox_new (FALSE, 6);
  gtk_container_set_border_width (GTK_CONTAINER (vbox), 12);
  gtk_box_pack_start (GTK_BOX (gtk_dialog_get_content_area (GTK_DIALOG (dialog))),
                      vbox, TRUE, TRUE, 0);

  history->search = gtk_entry_new ();
  gtk_entry_set_activates_default (GTK_ENTRY (history->search), TRUE);
  gimp_help_set_help_data (history->search,
                           _("Search the recent prompts"), NULL);
  gtk_box_pack_start (GTK_BOX (vbox), history->search, FALSE, FALSE, 0);

  scrolled = gtk_scrolled_window_new (NULL, NULL);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled),
                                  GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_shadow_type (GTK_SCROLLED_WINDOW (scrolled),
                                       GTK_SHADOW_IN);
  gtk_widget_set_size_request (scrolled, 460, 240);
  gtk_box_pack_start (GTK_BOX (vbox), scrolled, TRUE, TRUE, 0);

  history->store = gtk_list_store_new (1, G_TYPE_STRING);
  view = gtk_tree_view_new_with_model (GTK_TREE_MODEL (history->store));
  g_object_unref (history->store);
  gtk_tree_view_set_headers_visible (GTK_TREE_VIEW (view), FALSE);
  gtk_tree_view_set_tooltip_column (GTK_TREE_VIEW (view), 0);
  renderer = gtk_cell_renderer_text_new ();
  g_object_set (renderer, "ellipsize", PANGO_ELLIPSIZE_END, NULL);
  gtk_tree_view_insert_column_with_attributes (GTK_TREE_VIEW (view), -1,
                                               NULL, renderer,
                                               "text", 0, NULL);
  gtk_container_add (GTK_CONTAINER (scrolled), view);

  history->empty = gtk_label_new (NULL);
  gtk_widget_set_sensitive (history->empty, FALSE);
  gtk_box_pack_start (GTK_BOX (vbox), history->empty, FALSE, FALSE, 0);

  g_signal_connect (history->search, "changed",
                    G_CALLBACK (history_search_changed), history);
  g_signal_connect (view, "row-activated",
                    G_CALLBACK (history_row_activated), dialog);

  gtk_widget_show_all (dialog);
  history_refill (history);
  gtk_widget_grab_focus (history->search);

  selection = gtk_tree_view_get_selection (GTK_TREE_VIEW (view));
  if (gimp_dialog_run (GIMP_DIALOG (dialog)) == GTK_RESPONSE_OK &&
      (gtk_tree_selection_get_selected (selection, &model, &iter) ||
       gtk_tree_model_get_iter_first (GTK_TREE_MODEL (history->store),
                                      &iter)))
    {
      g_autofree gchar *prompt = NULL;

      gtk_tree_model_get (GTK_TREE_MODEL (history->store), &iter,
                          0, &prompt, -1);
      if (prompt)
        gtk_text_buffer_set_text (history->buffer, prompt, -1);
    }

  history->search = NULL;
  history->empty  = NULL;
  history->store  = NULL;
  gtk_widget_destroy (dialog);
}

static void
history_free (History *history)
{
  g_clear_pointer (&history->history, gg_history_free);
  g_free (history);
}

GtkWidget *
gimp2_history_new (GtkTextBuffer *buffer)
{
  History   *history = g_new0 (History, 1);
  GtkWidget *button;

  history->buffer = buffer;

  button = gtk_button_new_with_mnemonic (_("Rece_nt Prompts…"));
  gimp_help_set_help_data (button,
                           _("The prompts of your successful runs, "
                             "newest first; pick one to use it again"), NULL);
  g_object_set_data_full (G_OBJECT (button), "gimp2-history", history,
                          (GDestroyNotify) history_free);
  g_signal_connect (button, "clicked", G_CALLBACK (history_clicked), history);

  return button;
}

void
gimp2_history_record (const gchar *prompt)
{
  g_autoptr (GgHistory) history = NULL;
  g_autoptr (GError)    error   = NULL;
  GgKeySource           source  = GG_KEY_SOURCE_NONE;
  gchar                *key;

  if (! prompt || ! *prompt)
    return;

  history = gg_history_open (gimp_directory (), &error);
  /* The key of this run, to refuse a prompt that holds it: looked up the
   * way the run did, without asking. */
  key = gg_keystore_load (gimp_directory (), &source, NULL, NULL);

  if (! history ||
      ! gg_history_add_except (history, prompt, key, &error))
    g_printerr ("%s: the prompt was not kept in the history: %s\n",
                PLUG_IN_BINARY, error->message);

  if (key)
    {
      memset (key, 0, strlen (key));
      g_free (key);
    }
}
