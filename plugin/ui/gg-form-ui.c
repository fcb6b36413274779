/* gimp-gemini: the dialogs' template form, compiled into both plug-ins
 * (GTK 3 for GIMP 3, GTK 2 for GIMP 2.10; gg-ui-compat.h holds the few
 * calls that differ), and the rows of the prompt history list.
 *
 * The logic is common/'s (gg_template_form_state, gg_history_search),
 * tested there; this file only shows it and writes the form's prompt
 * where the plug-in keeps its prompt (GgFormPrompt).
 */

#include <string.h>

#include <libgimp/gimp.h>
#include <libgimp/gimpui.h>

#include "gg-history.h"
#include "gg-intl.h"
#include "gg-template.h"

#include "gg-form-ui.h"
#include "gg-ui-compat.h"


/* Rows shown in the history list at most: the search narrows the rest. */
#define HISTORY_ROWS 60

typedef struct
{
  GgFormPrompt      prompt;
  GPtrArray        *templates;   /* of const GgTemplate* */
  const GgTemplate *template;    /* the one chosen, or NULL */
  GtkWidget        *description;
  GtkWidget        *rows;
  GtkWidget        *status;
  GtkWidget        *fill;
  GHashTable       *entries;     /* field name -> GtkEntry */
  gchar            *last_fill;   /* what the form last put in the prompt */
  gboolean          filling;
} Form;


static void
form_free (Form *form)
{
  g_ptr_array_unref (form->templates);
  g_hash_table_unref (form->entries);
  g_free (form->last_fill);
  g_free (form);
}

/* Shows what common/ decides for the form as it is; writes the form's
 * prompt when that is the user's wish or cannot lose their words. */
static void
form_update (Form     *form,
             gboolean  force)
{
  g_autoptr (GHashTable) values  = NULL;
  g_autofree gchar      *current = NULL;
  GgTemplateFormState    state;
  GHashTableIter         iter;
  gpointer               name, entry;

  if (form->filling)
    return;

  values = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_iter_init (&iter, form->entries);
  while (g_hash_table_iter_next (&iter, &name, &entry))
    g_hash_table_insert (values, name,
                         (gpointer) gtk_entry_get_text (GTK_ENTRY (entry)));

  current = form->prompt.get (form->prompt.data);
  gg_template_form_state (form->template, values, current, form->last_fill,
                          force, &state);

  if (state.draft && state.overwrite)
    {
      form->filling = TRUE;
      form->prompt.set (form->prompt.data, state.draft);
      form->filling = FALSE;
      g_free (form->last_fill);
      form->last_fill = g_strdup (state.draft);
    }
  gtk_label_set_text (GTK_LABEL (form->description), state.description);
  gtk_label_set_text (GTK_LABEL (form->status), state.status);
  gg_template_form_state_clear (&state);
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
  gint  active = gtk_combo_box_get_active (combo);
  guint i;

  gg_ui_container_clear (form->rows);
  g_hash_table_remove_all (form->entries);

  /* Row 0 is "No template", then the templates in their order. */
  form->template = (active > 0 && (guint) active <= form->templates->len) ?
                   g_ptr_array_index (form->templates, active - 1) : NULL;

  for (i = 0; form->template && i < form->template->n_fields; i++)
    {
      const GgTemplateField *field   = &form->template->fields[i];
      g_autofree gchar      *caption = gg_template_field_caption (field);
      GtkWidget             *label   = gtk_label_new (caption);
      GtkWidget             *entry   = gtk_entry_new ();

      gg_ui_label_left (label, 0);
      /* The example shows the kind of words that fit the sentence. */
      gg_ui_entry_hint (entry, label, _(field->hint), field->example);
      gg_ui_rows_attach (form->rows, label, entry, i);

      g_hash_table_insert (form->entries, (gpointer) field->name, entry);
      g_signal_connect (entry, "changed",
                        G_CALLBACK (form_entry_changed), form);
    }

  gtk_widget_set_visible (form->rows, form->template != NULL);
  if (form->template)
    gtk_widget_show_all (form->rows);
  gtk_widget_set_sensitive (form->fill, form->template != NULL);
  form_update (form, FALSE);
}

/* The template list: "No template", then the templates of @form. */
static GtkWidget *
form_combo_new (Form *form)
{
  GtkWidget *combo = gtk_combo_box_text_new ();
  guint      i;

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

  return combo;
}

GtkWidget *
gg_form_ui_new (const GgFormPrompt *prompt,
                GgTemplateKind      kind)
{
  Form      *form = g_new0 (Form, 1);
  GtkWidget *expander;
  GtkWidget *vbox;
  GtkWidget *combo;
  GtkWidget *hbox;

  form->prompt    = *prompt;
  form->templates = gg_template_list (kind);
  form->entries   = g_hash_table_new (g_str_hash, g_str_equal);

  expander = gtk_expander_new_with_mnemonic (_("Start from a _template"));
  g_object_set_data_full (G_OBJECT (expander), "gg-form", form,
                          (GDestroyNotify) form_free);

  vbox = gg_ui_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gg_ui_indent (vbox);
  gtk_container_add (GTK_CONTAINER (expander), vbox);

  combo = form_combo_new (form);
  gtk_box_pack_start (GTK_BOX (vbox), combo, FALSE, FALSE, 0);

  form->description = gtk_label_new (NULL);
  gtk_label_set_line_wrap (GTK_LABEL (form->description), TRUE);
  gg_ui_label_left (form->description, 60);
  gimp_label_set_attributes (GTK_LABEL (form->description),
                             PANGO_ATTR_STYLE, PANGO_STYLE_ITALIC, -1);
  gtk_box_pack_start (GTK_BOX (vbox), form->description, FALSE, FALSE, 0);

  form->rows = gg_ui_rows_new ();
  gtk_box_pack_start (GTK_BOX (vbox), form->rows, FALSE, FALSE, 0);

  hbox = gg_ui_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_box_pack_start (GTK_BOX (vbox), hbox, FALSE, FALSE, 0);

  form->status = gtk_label_new (NULL);
  gtk_label_set_line_wrap (GTK_LABEL (form->status), TRUE);
  gg_ui_label_left (form->status, 0);
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


GgHistory *
gg_form_ui_history_open (void)
{
  g_autoptr (GError) error   = NULL;
  GgHistory         *history = gg_history_open (gimp_directory (), &error);

  if (! history)
    g_printerr ("gimp-gemini: the prompt history is not available: %s\n",
                error->message);

  return history;
}

guint
gg_form_ui_history_fill (GgHistory *history,
                         GtkWidget *search,
                         GtkWidget *empty,
                         void     (*add_row) (const gchar *prompt,
                                              gpointer     data),
                         gpointer   data)
{
  const gchar    *query   = gtk_entry_get_text (GTK_ENTRY (search));
  g_auto (GStrv)  prompts = NULL;
  guint           i;

  if (history)
    prompts = gg_history_search (history, query);
  for (i = 0; prompts && prompts[i] && i < HISTORY_ROWS; i++)
    add_row (prompts[i], data);
  gtk_label_set_text (GTK_LABEL (empty),
                      (query && *query) ?
                      _("No recent prompt has all these words.") :
                      _("No prompts yet: the prompt of each successful run "
                        "is kept here."));

  return i;
}
