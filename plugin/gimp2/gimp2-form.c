/* gimp-gemini for GIMP 2.10: template forms and the prompt history in the
 * GTK 2 dialog (plugin/gemini-form.c is the GIMP 3 one).
 *
 * The logic is common/'s (gg_template_draft, gg_history_search), tested
 * there; this file only shows it and writes the result into the dialog's
 * prompt buffer.
 */

#include <string.h>

#include <libgimp/gimp.h>
#include <libgimp/gimpui.h>

#include "gg-history.h"
#include "gg-keystore.h"
#include "gg-template.h"

#include "gimp2.h"
#include "gimp2-form.h"


/* Rows shown in the history list at most: the search narrows the rest. */
#define HISTORY_ROWS 60

typedef struct
{
  GtkTextBuffer    *buffer;
  GPtrArray        *templates;   /* of const GgTemplate* */
  const GgTemplate *template;    /* the one chosen, or NULL */
  GtkWidget        *description;
  GtkWidget        *table;
  GtkWidget        *status;
  GtkWidget        *fill;
  GHashTable       *entries;     /* field name -> GtkEntry */
  gchar            *last_fill;   /* what the form last put in the prompt */
} Form;

typedef struct
{
  GtkTextBuffer *buffer;
  GgHistory     *history;
  GtkWidget     *search;
  GtkWidget     *empty;
  GtkListStore  *store;
} History;


static gchar *
buffer_text (GtkTextBuffer *buffer)
{
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);

  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static void
form_free (Form *form)
{
  g_ptr_array_unref (form->templates);
  g_hash_table_unref (form->entries);
  g_free (form->last_fill);
  g_free (form);
}

/* Fills the prompt from the form unless the user has written a prompt of
 * their own since (then only @force does). */
static void
form_update (Form     *form,
             gboolean  force)
{
  g_autoptr (GHashTable) values  = NULL;
  g_autoptr (GPtrArray)  missing = NULL;
  g_autofree gchar      *draft   = NULL;
  g_autofree gchar      *current = NULL;
  GHashTableIter         iter;
  gpointer               name, entry;
  gboolean               own;

  if (! form->template)
    return;

  values = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_iter_init (&iter, form->entries);
  while (g_hash_table_iter_next (&iter, &name, &entry))
    g_hash_table_insert (values, name,
                         (gpointer) gtk_entry_get_text (GTK_ENTRY (entry)));

  draft   = gg_template_draft (form->template, values, &missing);
  current = buffer_text (form->buffer);
  own     = ! *g_strstrip (current) ||
            (form->last_fill && ! strcmp (current, form->last_fill));

  if (own || force)
    {
      gtk_text_buffer_set_text (form->buffer, draft, -1);
      g_free (form->last_fill);
      form->last_fill = g_strdup (draft);
    }

  if (missing->len > 0)
    {
      GString          *names = g_string_new (NULL);
      g_autofree gchar *text  = NULL;
      guint             i;

      for (i = 0; i < missing->len; i++)
        {
          const GgTemplateField *field = g_ptr_array_index (missing, i);

          if (i > 0)
            g_string_append (names, _(", "));
          g_string_append (names, _(field->label));
        }
      text = g_strdup_printf (_("* Still to fill in: %s (shown as “%s”)."),
                              names->str, GG_TEMPLATE_DRAFT_MARK);
      gtk_label_set_text (GTK_LABEL (form->status), text);
      g_string_free (names, TRUE);
    }
  else if (! own && ! force)
    {
      gtk_label_set_text (GTK_LABEL (form->status),
                          _("You edited the prompt: “Fill the Prompt” "
                            "replaces it with the form's."));
    }
  else
    {
      gtk_label_set_text (GTK_LABEL (form->status),
                          _("The prompt is complete; edit it freely."));
    }
}

static void
form_entry_changed (GtkEntry *entry,
                    Form     *form)
{
  form_update (form, FALSE);
}

static void
form_fill_clicked (GtkButton *button,
                   Form      *form)
{
  form_update (form, TRUE);
}

static void
form_template_changed (GtkComboBox *combo,
                       Form        *form)
{
  gint         active = gtk_combo_box_get_active (combo);
  GList       *children;
  GList       *list;
  guint        i;

  children = gtk_container_get_children (GTK_CONTAINER (form->table));
  for (list = children; list; list = list->next)
    gtk_widget_destroy (list->data);
  g_list_free (children);
  g_hash_table_remove_all (form->entries);

  /* Row 0 is "No template", then the templates in their order. */
  form->template = (active > 0 && (guint) active <= form->templates->len) ?
                   g_ptr_array_index (form->templates, active - 1) : NULL;

  if (! form->template)
    {
      gtk_label_set_text (GTK_LABEL (form->description),
                          _("A template asks for the parts of a good prompt "
                            "(subject, setting, light, lens, style…) and "
                            "writes them as sentences, as Google's prompting "
                            "guide advises."));
      gtk_label_set_text (GTK_LABEL (form->status), "");
      gtk_widget_set_sensitive (form->fill, FALSE);
      gtk_widget_hide (form->table);
      return;
    }

  gtk_label_set_text (GTK_LABEL (form->description),
                      _(form->template->description));
  gtk_table_resize (GTK_TABLE (form->table),
                    MAX (form->template->n_fields, 1), 2);

  for (i = 0; i < form->template->n_fields; i++)
    {
      const GgTemplateField *field   = &form->template->fields[i];
      g_autofree gchar      *text    = NULL;
      g_autofree gchar      *tooltip = NULL;
      GtkWidget             *label;
      GtkWidget             *entry;

      /* Required fields are starred, explained in the status line. */
      text  = field->required ?
              g_strdup_printf (_("%s *:"), _(field->label)) :
              g_strdup_printf (_("%s:"), _(field->label));
      label = gtk_label_new (text);
      gtk_misc_set_alignment (GTK_MISC (label), 0.0, 0.5);
      gtk_table_attach (GTK_TABLE (form->table), label, 0, 1, i, i + 1,
                        GTK_FILL, GTK_FILL, 0, 0);

      /* GTK 2 entries have no placeholder: the example goes in the
       * tooltip, under the hint. */
      tooltip = g_strdup_printf (_("%s\nFor example: %s"), _(field->hint),
                                 field->example);
      entry = gtk_entry_new ();
      gimp_help_set_help_data (entry, tooltip, NULL);
      gimp_help_set_help_data (label, tooltip, NULL);
      gtk_table_attach (GTK_TABLE (form->table), entry, 1, 2, i, i + 1,
                        GTK_EXPAND | GTK_FILL, GTK_FILL, 0, 0);

      g_hash_table_insert (form->entries, (gpointer) field->name, entry);
      g_signal_connect (entry, "changed",
                        G_CALLBACK (form_entry_changed), form);
    }

  gtk_widget_show_all (form->table);
  gtk_widget_set_sensitive (form->fill, TRUE);
  form_update (form, FALSE);
}

GtkWidget *
gimp2_form_new (GtkTextBuffer  *buffer,
                GgTemplateKind  kind)
{
  Form      *form = g_new0 (Form, 1);
  GtkWidget *expander;
  GtkWidget *vbox;
  GtkWidget *combo;
  GtkWidget *hbox;
  guint      i;

  form->buffer    = buffer;
  form->templates = gg_template_list (kind);
  form->entries   = g_hash_table_new (g_str_hash, g_str_equal);

  expander = gtk_expander_new_with_mnemonic (_("Start from a _template"));
  g_object_set_data_full (G_OBJECT (expander), "gimp2-form", form,
                          (GDestroyNotify) form_free);

  vbox = gtk_vbox_new (FALSE, 6);
  gtk_container_set_border_width (GTK_CONTAINER (vbox), 6);
  gtk_container_add (GTK_CONTAINER (expander), vbox);

  combo = gtk_combo_box_text_new ();
  gtk_combo_box_text_append_text (GTK_COMBO_BOX_TEXT (combo),
                                  _("No template"));
  for (i = 0; i < form->templates->len; i++)
    {
      const GgTemplate *template = g_ptr_array_index (form->templates, i);

      /* The labels come from templates.json; po/ has them. */
      gtk_combo_box_text_append_text (GTK_COMBO_BOX_TEXT (combo),
                                      _(template->label));
    }
  gtk_combo_box_set_active (GTK_COMBO_BOX (combo), 0);
  gtk_box_pack_start (GTK_BOX (vbox), combo, FALSE, FALSE, 0);

  form->description = gtk_label_new (NULL);
  gtk_label_set_line_wrap (GTK_LABEL (form->description), TRUE);
  gtk_label_set_width_chars (GTK_LABEL (form->description), 60);
  gtk_misc_set_alignment (GTK_MISC (form->description), 0.0, 0.5);
  gimp_label_set_attributes (GTK_LABEL (form->description),
                             PANGO_ATTR_STYLE, PANGO_STYLE_ITALIC, -1);
  gtk_box_pack_start (GTK_BOX (vbox), form->description, FALSE, FALSE, 0);

  form->table = gtk_table_new (1, 2, FALSE);
  gtk_table_set_row_spacings (GTK_TABLE (form->table), 4);
  gtk_table_set_col_spacings (GTK_TABLE (form->table), 6);
  gtk_box_pack_start (GTK_BOX (vbox), form->table, FALSE, FALSE, 0);

  hbox = gtk_hbox_new (FALSE, 6);
  gtk_box_pack_start (GTK_BOX (vbox), hbox, FALSE, FALSE, 0);

  form->status = gtk_label_new (NULL);
  gtk_label_set_line_wrap (GTK_LABEL (form->status), TRUE);
  gtk_misc_set_alignment (GTK_MISC (form->status), 0.0, 0.5);
  gtk_box_pack_start (GTK_BOX (hbox), form->status, TRUE, TRUE, 0);

  form->fill = gtk_button_new_with_mnemonic (_("_Fill the Prompt"));
  gimp_help_set_help_data (form->fill,
                           _("Replace the prompt with the one this form "
                             "makes"), NULL);
  gtk_box_pack_end (GTK_BOX (hbox), form->fill, FALSE, FALSE, 0);
  g_signal_connect (form->fill, "clicked",
                    G_CALLBACK (form_fill_clicked), form);

  gtk_widget_show_all (expander);

  g_signal_connect (combo, "changed",
                    G_CALLBACK (form_template_changed), form);
  form_template_changed (GTK_COMBO_BOX (combo), form);

  return expander;
}


static void
history_refill (History *history)
{
  g_auto (GStrv) prompts = NULL;
  const gchar   *query;
  guint          i;

  gtk_list_store_clear (history->store);

  query = gtk_entry_get_text (GTK_ENTRY (history->search));
  if (history->history)
    prompts = gg_history_search (history->history, query);

  for (i = 0; prompts && prompts[i] && i < HISTORY_ROWS; i++)
    gtk_list_store_insert_with_values (history->store, NULL, -1,
                                       0, prompts[i], -1);

  if (prompts && prompts[0])
    gtk_widget_hide (history->empty);
  else
    {
      gtk_label_set_text (GTK_LABEL (history->empty),
                          (query && *query) ?
                          _("No recent prompt has all these words.") :
                          _("No prompts yet: the prompt of each successful run "
                            "is kept here."));
      gtk_widget_show (history->empty);
    }
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
  g_autoptr (GError) error = NULL;
  GtkWidget         *dialog;
  GtkWidget         *vbox;
  GtkWidget         *scrolled;
  GtkWidget         *view;
  GtkCellRenderer   *renderer;
  GtkTreeSelection  *selection;
  GtkTreeModel      *model;
  GtkTreeIter        iter;

  /* Another run may have added prompts since the dialog opened. */
  g_clear_pointer (&history->history, gg_history_free);
  history->history = gg_history_open (gimp_directory (), &error);
  if (! history->history)
    g_printerr ("%s: the prompt history is not available: %s\n",
                PLUG_IN_BINARY, error->message);

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
