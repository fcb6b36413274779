/* gimp-gemini: template forms and the prompt history in the dialogs.
 *
 * The logic is common/'s (gg_template_draft, gg_history_search), tested
 * there; this file only shows it and writes the result into the config's
 * "prompt", which the dialog's text view follows.  The runs add to the
 * history (gemini-runs.c).
 */

#include <string.h>

#include <libgimp/gimp.h>
#include <libgimp/gimpui.h>

#include "gg-history.h"
#include "gg-template.h"

#include "gemini.h"
#include "gemini-form.h"
#include "gemini-intl.h"


/* Rows shown in the history list at most: the search narrows the rest. */
#define HISTORY_ROWS 60

typedef struct
{
  GObject          *config;
  GPtrArray        *templates;   /* of const GgTemplate* */
  const GgTemplate *template;    /* the one chosen, or NULL */
  GtkWidget        *description;
  GtkWidget        *grid;
  GtkWidget        *status;
  GtkWidget        *fill;
  GHashTable       *entries;     /* field name -> GtkEntry */
  gchar            *last_fill;   /* what the form last put in "prompt" */
  gboolean          filling;
} Form;

typedef struct
{
  GObject   *config;
  GtkWidget *button;
  GtkWidget *popover;
  GtkWidget *search;
  GtkWidget *list;
  GtkWidget *empty;
  GgHistory *history;
} History;


static void         form_free             (Form            *form);
static void         form_template_changed (GtkComboBox     *combo,
                                           Form            *form);
static void         form_entry_changed    (GtkEntry        *entry,
                                           Form            *form);
static void         form_fill_clicked     (GtkButton       *button,
                                           Form            *form);
static void         form_update           (Form            *form,
                                           gboolean         force);
static gchar      * config_prompt         (GObject         *config);

static void         history_free          (History         *history);
static void         history_refill        (History         *history);
static void         history_search_changed (GtkSearchEntry *entry,
                                           History         *history);
static void         history_row_activated (GtkListBox      *list,
                                           GtkListBoxRow   *row,
                                           History         *history);
static void         history_shown         (GtkWidget       *popover,
                                           History         *history);


GtkWidget *
gemini_form_new (GObject        *config,
                 GgTemplateKind  kind)
{
  Form      *form = g_new0 (Form, 1);
  GtkWidget *expander;
  GtkWidget *vbox;
  GtkWidget *combo;
  GtkWidget *hbox;
  guint      i;

  form->config    = config;
  form->templates = gg_template_list (kind);
  form->entries   = g_hash_table_new (g_str_hash, g_str_equal);

  expander = gtk_expander_new_with_mnemonic (_("Start from a _template"));
  g_object_set_data_full (G_OBJECT (expander), "gemini-form", form,
                          (GDestroyNotify) form_free);

  vbox = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_margin_top (vbox, 6);
  gtk_widget_set_margin_start (vbox, 12);
  gtk_container_add (GTK_CONTAINER (expander), vbox);

  combo = gtk_combo_box_text_new ();
  gtk_combo_box_text_append (GTK_COMBO_BOX_TEXT (combo), "", _("No template"));
  for (i = 0; i < form->templates->len; i++)
    {
      const GgTemplate *template = g_ptr_array_index (form->templates, i);

      /* The labels come from templates.json; po/ has them. */
      gtk_combo_box_text_append (GTK_COMBO_BOX_TEXT (combo), template->id,
                                 _(template->label));
    }
  gtk_combo_box_set_active (GTK_COMBO_BOX (combo), 0);
  gtk_box_pack_start (GTK_BOX (vbox), combo, FALSE, FALSE, 0);

  form->description = gtk_label_new (NULL);
  gtk_label_set_line_wrap (GTK_LABEL (form->description), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (form->description), 60);
  gtk_label_set_xalign (GTK_LABEL (form->description), 0.0);
  gimp_label_set_attributes (GTK_LABEL (form->description),
                             PANGO_ATTR_STYLE, PANGO_STYLE_ITALIC, -1);
  gtk_box_pack_start (GTK_BOX (vbox), form->description, FALSE, FALSE, 0);

  form->grid = gtk_grid_new ();
  gtk_grid_set_row_spacing (GTK_GRID (form->grid), 4);
  gtk_grid_set_column_spacing (GTK_GRID (form->grid), 6);
  gtk_box_pack_start (GTK_BOX (vbox), form->grid, FALSE, FALSE, 0);

  hbox = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_box_pack_start (GTK_BOX (vbox), hbox, FALSE, FALSE, 0);

  form->status = gtk_label_new (NULL);
  gtk_label_set_line_wrap (GTK_LABEL (form->status), TRUE);
  gtk_label_set_xalign (GTK_LABEL (form->status), 0.0);
  gtk_box_pack_start (GTK_BOX (hbox), form->status, TRUE, TRUE, 0);

  form->fill = gtk_button_new_with_mnemonic (_("_Fill the Prompt"));
  gtk_widget_set_tooltip_text (form->fill,
                               _("Replace the prompt with the one this form "
                                 "makes"));
  gtk_box_pack_end (GTK_BOX (hbox), form->fill, FALSE, FALSE, 0);
  g_signal_connect (form->fill, "clicked",
                    G_CALLBACK (form_fill_clicked), form);

  g_signal_connect (combo, "changed",
                    G_CALLBACK (form_template_changed), form);
  form_template_changed (GTK_COMBO_BOX (combo), form);

  gtk_widget_show_all (expander);

  return expander;
}

GtkWidget *
gemini_history_new (GObject *config)
{
  History           *history = g_new0 (History, 1);
  g_autoptr (GError) error   = NULL;
  GtkWidget         *box;
  GtkWidget         *scrolled;

  history->config  = config;
  history->history = gg_history_open (gimp_directory (), &error);
  if (! history->history)
    g_printerr ("gimp-gemini: the prompt history is not available: %s\n",
                error->message);

  history->button = gtk_menu_button_new ();
  gtk_button_set_label (GTK_BUTTON (history->button), _("Recent Prompts"));
  gtk_widget_set_tooltip_text (history->button,
                               _("The prompts of your successful runs, "
                                 "newest first; pick one to use it again"));
  gtk_widget_set_halign (history->button, GTK_ALIGN_START);
  g_object_set_data_full (G_OBJECT (history->button), "gemini-history",
                          history, (GDestroyNotify) history_free);

  history->popover = gtk_popover_new (history->button);
  gtk_menu_button_set_popover (GTK_MENU_BUTTON (history->button),
                               history->popover);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_container_set_border_width (GTK_CONTAINER (box), 6);
  gtk_container_add (GTK_CONTAINER (history->popover), box);

  history->search = gtk_search_entry_new ();
  gtk_entry_set_placeholder_text (GTK_ENTRY (history->search),
                                  _("Search the recent prompts"));
  gtk_box_pack_start (GTK_BOX (box), history->search, FALSE, FALSE, 0);

  scrolled = gtk_scrolled_window_new (NULL, NULL);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled),
                                  GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_widget_set_size_request (scrolled, 460, 240);
  gtk_box_pack_start (GTK_BOX (box), scrolled, TRUE, TRUE, 0);

  history->list = gtk_list_box_new ();
  gtk_list_box_set_activate_on_single_click (GTK_LIST_BOX (history->list),
                                             TRUE);
  gtk_container_add (GTK_CONTAINER (scrolled), history->list);

  history->empty = gtk_label_new (NULL);
  gtk_widget_set_sensitive (history->empty, FALSE);
  gtk_list_box_set_placeholder (GTK_LIST_BOX (history->list), history->empty);

  g_signal_connect (history->search, "search-changed",
                    G_CALLBACK (history_search_changed), history);
  g_signal_connect (history->list, "row-activated",
                    G_CALLBACK (history_row_activated), history);
  /* Another run may have added prompts since the dialog opened. */
  g_signal_connect (history->popover, "show",
                    G_CALLBACK (history_shown), history);

  gtk_widget_show_all (box);
  gtk_widget_show (history->button);
  history_refill (history);

  return history->button;
}



static void
form_free (Form *form)
{
  g_ptr_array_unref (form->templates);
  g_hash_table_unref (form->entries);
  g_free (form->last_fill);
  g_free (form);
}

static void
form_template_changed (GtkComboBox *combo,
                       Form        *form)
{
  const gchar *id = gtk_combo_box_get_active_id (combo);
  GList       *children;
  GList       *list;
  guint        i;

  children = gtk_container_get_children (GTK_CONTAINER (form->grid));
  for (list = children; list; list = list->next)
    gtk_widget_destroy (list->data);
  g_list_free (children);
  g_hash_table_remove_all (form->entries);

  form->template = (id && *id) ? gg_template_lookup (id, NULL) : NULL;

  if (! form->template)
    {
      gtk_label_set_text (GTK_LABEL (form->description),
                          _("A template asks for the parts of a good prompt "
                            "(subject, setting, light, lens, style…) and "
                            "writes them as sentences, as Google's prompting "
                            "guide advises."));
      gtk_label_set_text (GTK_LABEL (form->status), "");
      gtk_widget_set_sensitive (form->fill, FALSE);
      return;
    }

  gtk_label_set_text (GTK_LABEL (form->description),
                      _(form->template->description));

  for (i = 0; i < form->template->n_fields; i++)
    {
      const GgTemplateField *field = &form->template->fields[i];
      GtkWidget             *label;
      GtkWidget             *entry;
      g_autofree gchar      *text  = NULL;

      /* Required fields are marked the way GIMP's own dialogs do not need
       * to: with a star, explained in the status line. */
      text  = field->required ?
              g_strdup_printf (_("%s *:"), _(field->label)) :
              g_strdup_printf (_("%s:"), _(field->label));
      label = gtk_label_new (text);
      gtk_label_set_xalign (GTK_LABEL (label), 0.0);
      gtk_grid_attach (GTK_GRID (form->grid), label, 0, i, 1, 1);

      entry = gtk_entry_new ();
      gtk_widget_set_hexpand (entry, TRUE);
      /* The example shows the kind of words that fit the sentence. */
      gtk_entry_set_placeholder_text (GTK_ENTRY (entry), field->example);
      gtk_widget_set_tooltip_text (entry, _(field->hint));
      gtk_widget_set_tooltip_text (label, _(field->hint));
      gtk_grid_attach (GTK_GRID (form->grid), entry, 1, i, 1, 1);

      g_hash_table_insert (form->entries, (gpointer) field->name, entry);
      g_signal_connect (entry, "changed",
                        G_CALLBACK (form_entry_changed), form);
    }

  gtk_widget_show_all (form->grid);
  gtk_widget_set_sensitive (form->fill, TRUE);
  form_update (form, FALSE);
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

  if (! form->template || form->filling)
    return;

  values = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_iter_init (&iter, form->entries);
  while (g_hash_table_iter_next (&iter, &name, &entry))
    g_hash_table_insert (values, name,
                         (gpointer) gtk_entry_get_text (GTK_ENTRY (entry)));

  draft   = gg_template_draft (form->template, values, &missing);
  current = config_prompt (form->config);
  own     = ! *g_strstrip (current) ||
            (form->last_fill && ! strcmp (current, form->last_fill));

  if (own || force)
    {
      form->filling = TRUE;
      g_object_set (form->config, "prompt", draft, NULL);
      form->filling = FALSE;
      g_free (form->last_fill);
      form->last_fill = g_strdup (draft);
    }

  if (missing->len > 0)
    {
      GString *names = g_string_new (NULL);
      guint    i;

      for (i = 0; i < missing->len; i++)
        {
          const GgTemplateField *field = g_ptr_array_index (missing, i);

          if (i > 0)
            g_string_append (names, _(", "));
          g_string_append (names, _(field->label));
        }
      {
        g_autofree gchar *text =
          g_strdup_printf (_("* Still to fill in: %s (shown as “%s”)."),
                           names->str, GG_TEMPLATE_DRAFT_MARK);

        gtk_label_set_text (GTK_LABEL (form->status), text);
      }
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

static gchar *
config_prompt (GObject *config)
{
  gchar *prompt = NULL;

  g_object_get (config, "prompt", &prompt, NULL);

  return prompt ? prompt : g_strdup ("");
}


static void
history_free (History *history)
{
  g_clear_pointer (&history->history, gg_history_free);
  g_free (history);
}

static void
history_refill (History *history)
{
  g_auto (GStrv) prompts = NULL;
  GList         *children;
  GList         *list;
  const gchar   *query;
  guint          i;

  children = gtk_container_get_children (GTK_CONTAINER (history->list));
  for (list = children; list; list = list->next)
    gtk_widget_destroy (list->data);
  g_list_free (children);

  query = gtk_entry_get_text (GTK_ENTRY (history->search));
  if (history->history)
    prompts = gg_history_search (history->history, query);

  gtk_label_set_text (GTK_LABEL (history->empty),
                      (query && *query) ?
                      _("No recent prompt has all these words.") :
                      _("No prompts yet: the prompt of each successful run "
                        "is kept here."));

  for (i = 0; prompts && prompts[i] && i < HISTORY_ROWS; i++)
    {
      GtkWidget *label = gtk_label_new (prompts[i]);

      gtk_label_set_xalign (GTK_LABEL (label), 0.0);
      gtk_label_set_line_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_lines (GTK_LABEL (label), 3);
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      gtk_label_set_max_width_chars (GTK_LABEL (label), 60);
      gtk_widget_set_margin_top (label, 3);
      gtk_widget_set_margin_bottom (label, 3);
      gtk_widget_set_tooltip_text (label, prompts[i]);
      g_object_set_data_full (G_OBJECT (label), "gemini-prompt",
                              g_strdup (prompts[i]), g_free);
      gtk_list_box_insert (GTK_LIST_BOX (history->list), label, -1);
    }

  gtk_widget_show_all (history->list);
}

static void
history_search_changed (GtkSearchEntry *entry,
                        History        *history)
{
  history_refill (history);
}

static void
history_row_activated (GtkListBox    *list,
                       GtkListBoxRow *row,
                       History       *history)
{
  GtkWidget   *label  = gtk_bin_get_child (GTK_BIN (row));
  const gchar *prompt = g_object_get_data (G_OBJECT (label), "gemini-prompt");

  if (prompt)
    g_object_set (history->config, "prompt", prompt, NULL);

  gtk_popover_popdown (GTK_POPOVER (history->popover));
}

static void
history_shown (GtkWidget *popover,
               History   *history)
{
  g_autoptr (GError) error = NULL;
  GgHistory         *fresh = gg_history_open (gimp_directory (), &error);

  if (fresh)
    {
      g_clear_pointer (&history->history, gg_history_free);
      history->history = fresh;
    }
  history_refill (history);
  gtk_widget_grab_focus (history->search);
}
