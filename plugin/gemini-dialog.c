/* gimp-gemini: the dialogs of the GIMP 3 plug-in.
 *
 * UI only: each dialog edits a GimpProcedureConfig (or, for the key, returns
 * a string) and the run functions in gemini.c do the work.  Around the
 * prompt: a template form and the recent prompts (gemini-form.c); under
 * the model: the answer's size and cost; in the edit dialogs, a preview
 * of the region sent (gemini-preview.c).
 */

#include <string.h>

#include <libgimp/gimp.h>
#include <libgimp/gimpui.h>

#include "gg-catalogue.h"
#include "gg-front-models.h"
#include "gg-mask.h"
#include "gg-template.h"

#include "gemini.h"
#include "gemini-dialog.h"
#include "gemini-form.h"
#include "gemini-intl.h"
#include "gemini-preview.h"


#define KEY_URL "https://aistudio.google.com/apikey"

/* The widgets that follow the model: its ratios and sizes change with it. */
typedef struct
{
  GtkWidget    *model;
  GtkWidget    *model_label;
  GtkWidget    *ratio;
  GtkWidget    *size;
  GtkWidget    *thinking;      /* the thinking level's widget, or NULL */
  GCancellable *fetch;         /* the remote list, while it is fetched */
} ModelWidgets;

/* What a dialog adds around the prompt and under the model. */
typedef struct
{
  GgTemplateKind  kind;          /* the templates offered */
  GimpImage      *image;         /* an edit: its image and layer, for the */
  GimpLayer      *source;        /* region preview and the estimate */
  gboolean        conversation;  /* Refine: the conversation's shape */
} DialogExtras;

/* The placement options another procedure version may have: shown only
 * when the config has them. */
static const gchar *const placement_properties[] =
{
  "grow", "feather", "changed-only", "hint", NULL
};


static GtkWidget * dialog_prompt_widget    (GimpProcedureDialog *dialog,
                                            const gchar         *label);
static void        dialog_prompt_extras    (GimpProcedureDialog *dialog,
                                            GimpProcedureConfig *config,
                                            const gchar         *size_label,
                                            const DialogExtras  *extras);
static GtkWidget * dialog_model_grid       (GimpProcedureDialog *dialog,
                                            GimpProcedureConfig *config,
                                            const gchar         *ratio_property,
                                            const gchar         *size_property,
                                            const gchar         *size_label,
                                            const DialogExtras  *extras);
static GtkWidget * dialog_entry_combo      (GObject             *config,
                                            const gchar         *property,
                                            const gchar         *placeholder);
static gboolean    dialog_null_to_empty    (GBinding            *binding,
                                            const GValue        *from,
                                            GValue              *to,
                                            gpointer             data);
static void        dialog_model_changed    (GtkComboBox         *combo,
                                            ModelWidgets        *widgets);
static void        dialog_models_fetched   (GObject             *source,
                                            GAsyncResult        *result,
                                            gpointer             data);
static void        dialog_model_widgets_free (gpointer           data);
static GList     * dialog_advanced         (GimpProcedureDialog *dialog,
                                            GimpProcedureConfig *config,
                                            GList               *properties);
static void        dialog_insert_after     (GimpProcedureDialog *dialog,
                                            GtkWidget           *widget,
                                            const gchar         *property);
static void        dialog_insert_at        (GimpProcedureDialog *dialog,
                                            GtkWidget           *widget,
                                            const gchar         *property,
                                            gint                 offset);
static GList     * dialog_placement        (GimpProcedureDialog *dialog,
                                            GimpProcedureConfig *config,
                                            GList               *properties);
static void        dialog_feather_auto     (GimpProcedureDialog *dialog,
                                            GimpProcedureConfig *config,
                                            GtkWidget           *box);
static gboolean    feather_to_auto         (GBinding            *binding,
                                            const GValue        *from,
                                            GValue              *to,
                                            gpointer             data);
static gboolean    feather_from_auto       (GBinding            *binding,
                                            const GValue        *from,
                                            GValue              *to,
                                            gpointer             data);
static gboolean    feather_output          (GtkSpinButton       *spin,
                                            gpointer             data);
static gint        feather_input           (GtkSpinButton       *spin,
                                            gdouble             *value,
                                            gpointer             data);
static GList     * dialog_references       (GimpProcedureDialog *dialog,
                                            GimpProcedureConfig *config,
                                            GList               *properties);
static gboolean    has_property            (GimpProcedureConfig *config,
                                            const gchar         *name);
static void        key_entry_changed       (GtkEntry            *entry,
                                            GtkWidget           *dialog);
static gboolean    simple_dialog           (GimpProcedure       *procedure,
                                            GimpProcedureConfig *config,
                                            const gchar         *title,
                                            const gchar         *ok_label,
                                            const gchar         *prompt_label,
                                            const gchar         *note,
                                            const DialogExtras  *extras,
                                            const gchar         *first_property,
                                            ...) G_GNUC_NULL_TERMINATED;


gboolean
gemini_generate_dialog (GimpProcedure       *procedure,
                        GimpProcedureConfig *config,
                        gboolean             has_image)
{
  DialogExtras  extras = { GG_TEMPLATE_GENERATE, NULL, NULL, FALSE };
  GtkWidget    *dialog;
  GList        *properties = NULL;
  gboolean      run;

  dialog = gimp_procedure_dialog_new (procedure, config,
                                      _("Generate an Image with Gemini"));
  gimp_procedure_dialog_set_ok_label (GIMP_PROCEDURE_DIALOG (dialog),
                                      _("_Generate"));

  dialog_prompt_widget (GIMP_PROCEDURE_DIALOG (dialog),
                        _("Describe the image to create:"));

  gimp_procedure_dialog_get_widget (GIMP_PROCEDURE_DIALOG (dialog),
                                    "as-layer", G_TYPE_NONE);
  /* Without an image there is nothing to add a layer to. */
  gimp_procedure_dialog_set_sensitive (GIMP_PROCEDURE_DIALOG (dialog),
                                       "as-layer", has_image,
                                       NULL, NULL, FALSE);

  properties = g_list_append (properties, (gpointer) "prompt-label");
  properties = g_list_append (properties, (gpointer) "prompt");
  properties = g_list_append (properties, (gpointer) "image-only");
  properties = g_list_append (properties, (gpointer) "search");
  properties = g_list_append (properties, (gpointer) "as-layer");
  properties = g_list_append (properties, (gpointer) "variations");
  properties = g_list_append (properties, (gpointer) "thought-layers");
  properties = dialog_references (GIMP_PROCEDURE_DIALOG (dialog), config,
                                  properties);
  properties = dialog_advanced (GIMP_PROCEDURE_DIALOG (dialog), config,
                                properties);
  gimp_procedure_dialog_fill_list (GIMP_PROCEDURE_DIALOG (dialog), properties);
  g_list_free (properties);

  dialog_prompt_extras (GIMP_PROCEDURE_DIALOG (dialog), config, _("_Size:"),
                        &extras);

  run = gimp_procedure_dialog_run (GIMP_PROCEDURE_DIALOG (dialog));

  gtk_widget_destroy (dialog);

  return run;
}

gboolean
gemini_edit_dialog (GimpProcedure       *procedure,
                    GimpProcedureConfig *config,
                    const gchar         *note,
                    GimpImage           *image,
                    GimpLayer           *source)
{
  DialogExtras  extras = { GG_TEMPLATE_EDIT, image, source, FALSE };
  GtkWidget    *dialog;
  GtkWidget    *preview;
  GList        *properties = NULL;
  gboolean      run;

  dialog = gimp_procedure_dialog_new (procedure, config,
                                      _("Edit with Gemini"));
  gimp_procedure_dialog_set_ok_label (GIMP_PROCEDURE_DIALOG (dialog),
                                      _("_Edit"));

  dialog_prompt_widget (GIMP_PROCEDURE_DIALOG (dialog),
                        _("What should change?"));

  gimp_procedure_dialog_get_label (GIMP_PROCEDURE_DIALOG (dialog),
                                   "note-label", note ? note : "",
                                   FALSE, FALSE);

  gimp_procedure_dialog_get_spin_scale (GIMP_PROCEDURE_DIALOG (dialog),
                                        "context-px", 1.0);
  gimp_procedure_dialog_get_spin_scale (GIMP_PROCEDURE_DIALOG (dialog),
                                        "context-pct", 1.0);
  gimp_procedure_dialog_get_label (GIMP_PROCEDURE_DIALOG (dialog),
                                   "context-title",
                                   _("Context around the selection"),
                                   FALSE, FALSE);
  gimp_procedure_dialog_fill_box (GIMP_PROCEDURE_DIALOG (dialog),
                                  "context-box",
                                  "context-px", "context-pct", NULL);
  gimp_procedure_dialog_fill_frame (GIMP_PROCEDURE_DIALOG (dialog),
                                    "context-frame", "context-title",
                                    FALSE, "context-box");

  properties = g_list_append (properties, (gpointer) "note-label");
  properties = g_list_append (properties, (gpointer) "prompt-label");
  properties = g_list_append (properties, (gpointer) "prompt");
  properties = g_list_append (properties, (gpointer) "source");
  properties = g_list_append (properties, (gpointer) "context-frame");
  properties = dialog_placement (GIMP_PROCEDURE_DIALOG (dialog), config,
                                 properties);
  properties = g_list_append (properties, (gpointer) "image-only");
  properties = g_list_append (properties, (gpointer) "search");
  properties = g_list_append (properties, (gpointer) "variations");
  properties = g_list_append (properties, (gpointer) "thought-layers");
  properties = dialog_references (GIMP_PROCEDURE_DIALOG (dialog), config,
                                  properties);
  properties = dialog_advanced (GIMP_PROCEDURE_DIALOG (dialog), config,
                                properties);
  gimp_procedure_dialog_fill_list (GIMP_PROCEDURE_DIALOG (dialog), properties);
  g_list_free (properties);

  dialog_prompt_extras (GIMP_PROCEDURE_DIALOG (dialog), config,
                        _("Largest _size:"), &extras);

  if (image && source)
    {
      preview = gemini_preview_new (config, image, source);
      dialog_insert_after (GIMP_PROCEDURE_DIALOG (dialog), preview,
                           "context-frame");
    }

  run = gimp_procedure_dialog_run (GIMP_PROCEDURE_DIALOG (dialog));

  gtk_widget_destroy (dialog);

  return run;
}

gboolean
gemini_refine_dialog (GimpProcedure       *procedure,
                      GimpProcedureConfig *config,
                      const gchar         *note)
{
  DialogExtras extras = { GG_TEMPLATE_EDIT, NULL, NULL, TRUE };

  return simple_dialog (procedure, config,
                        _("Refine with Gemini"), _("_Refine"),
                        _("What should change next?"), note, &extras,
                        "include-region", "placement", "image-only", "search",
                        "variations", "thought-layers", "references",
                        NULL);
}

gboolean
gemini_style_dialog (GimpProcedure       *procedure,
                     GimpProcedureConfig *config,
                     const gchar         *note,
                     GimpImage           *image,
                     GimpLayer           *source)
{
  DialogExtras extras = { GG_TEMPLATE_EDIT, image, source, FALSE };

  return simple_dialog (procedure, config,
                        _("Style Transfer with Gemini"), _("_Apply Style"),
                        _("Words of your own (optional):"), note, &extras,
                        "style", "style-file", "source", "placement",
                        "image-only",
                        "variations", "thought-layers",
                        NULL);
}

gboolean
gemini_compose_dialog (GimpProcedure       *procedure,
                       GimpProcedureConfig *config,
                       const gchar         *note)
{
  DialogExtras extras = { GG_TEMPLATE_EDIT, NULL, NULL, FALSE };

  return simple_dialog (procedure, config,
                        _("Compose with Gemini"), _("_Compose"),
                        _("How should the layers be combined?"), note, &extras,
                        "reference-roles", "references", "as-layer",
                        "image-only", "search", "variations", "thought-layers",
                        NULL);
}

gchar *
gemini_key_dialog (gboolean *remember)
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
                            gimp_standard_help_func, PLUG_IN_PROC_SET_KEY,

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


static GtkWidget *
dialog_prompt_widget (GimpProcedureDialog *dialog,
                      const gchar         *label)
{
  GtkWidget *widget;

  gimp_procedure_dialog_get_label (dialog, "prompt-label", label,
                                   FALSE, FALSE);

  /* A prompt is often a paragraph: a text view, not a one-line entry. */
  widget = gimp_procedure_dialog_get_widget (dialog, "prompt",
                                             GTK_TYPE_TEXT_VIEW);
  if (GTK_IS_TEXT_VIEW (widget))
    {
      gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (widget), GTK_WRAP_WORD_CHAR);
      gtk_text_view_set_left_margin (GTK_TEXT_VIEW (widget), 4);
      gtk_text_view_set_right_margin (GTK_TEXT_VIEW (widget), 4);
    }
  gtk_widget_set_size_request (widget, 420, 96);

  return widget;
}

/* Around the prompt, once the dialog is filled: the template form above
 * its label, the recent prompts and the model grid (with the answer's
 * size and cost) below it. */
static void
dialog_prompt_extras (GimpProcedureDialog *dialog,
                      GimpProcedureConfig *config,
                      const gchar         *size_label,
                      const DialogExtras  *extras)
{
  GtkWidget *form;
  GtkWidget *history;
  GtkWidget *grid;

  form = gemini_form_new (G_OBJECT (config), extras->kind);
  dialog_insert_at (dialog, form, "prompt-label", 0);

  /* Inserted in reverse: each lands right after the prompt. */
  grid = dialog_model_grid (dialog, config, "aspect-ratio", "image-size",
                            size_label, extras);
  dialog_insert_after (dialog, grid, "prompt");

  history = gemini_history_new (G_OBJECT (config));
  dialog_insert_after (dialog, history, "prompt");
}

/* Model, aspect ratio and size: free text with the catalogue's values as
 * suggestions, so that a model newer than the catalogue can still be used;
 * under them, what the answer will be and cost. */
static GtkWidget *
dialog_model_grid (GimpProcedureDialog *dialog,
                   GimpProcedureConfig *config,
                   const gchar         *ratio_property,
                   const gchar         *size_property,
                   const gchar         *size_label,
                   const DialogExtras  *extras)
{
  g_auto (GStrv)        names   = gg_front_model_names (NULL);
  g_autofree gchar     *model   = NULL;
  g_autofree gchar     *note    = NULL;
  const gchar          *problem = gemini_catalogue_problem ();
  const gchar          *replacement;
  ModelWidgets         *widgets;
  GtkWidget            *grid;
  GtkWidget            *estimate;
  guint                 i;

  widgets = g_new0 (ModelWidgets, 1);

  /* A model remembered from an older version that has been retired since:
   * its replacement is selected, and the dialog says so. */
  g_object_get (config, "model", &model, NULL);
  replacement = gg_front_retired_choice (model, &note);
  if (replacement)
    g_object_set (config, "model", replacement, NULL);

  grid = gtk_grid_new ();
  gtk_grid_set_row_spacing (GTK_GRID (grid), 4);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 6);

  widgets->model = dialog_entry_combo (G_OBJECT (config), "model", NULL);
  for (i = 0; names[i]; i++)
    gtk_combo_box_text_append (GTK_COMBO_BOX_TEXT (widgets->model),
                               names[i], names[i]);
  gimp_grid_attach_aligned (GTK_GRID (grid), 0, 0, _("_Model:"), 0.0, 0.5,
                            widgets->model, 1);

  if (note || problem)
    {
      GtkWidget        *label = gtk_label_new (NULL);
      g_autofree gchar *text  = g_strjoin ("\n", note ? note : problem,
                                           note ? problem : NULL, NULL);

      gtk_label_set_text (GTK_LABEL (label), text);
      gtk_label_set_xalign (GTK_LABEL (label), 0.0);
      gtk_label_set_line_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_max_width_chars (GTK_LABEL (label), 50);
      gimp_label_set_attributes (GTK_LABEL (label),
                                 PANGO_ATTR_WEIGHT, PANGO_WEIGHT_BOLD, -1);
      gtk_widget_set_name (label, "gemini-model-note");
      gtk_grid_attach (GTK_GRID (grid), label, 1, 5, 1, 1);
    }

  widgets->model_label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (widgets->model_label), 0.0);
  gimp_label_set_attributes (GTK_LABEL (widgets->model_label),
                             PANGO_ATTR_STYLE, PANGO_STYLE_ITALIC, -1);
  gtk_grid_attach (GTK_GRID (grid), widgets->model_label, 1, 1, 1, 1);

  widgets->ratio = dialog_entry_combo (G_OBJECT (config), ratio_property,
                                       _("auto"));
  gimp_grid_attach_aligned (GTK_GRID (grid), 0, 2, _("_Aspect ratio:"),
                            0.0, 0.5, widgets->ratio, 1);

  widgets->size = dialog_entry_combo (G_OBJECT (config), size_property,
                                      _("auto"));
  gimp_grid_attach_aligned (GTK_GRID (grid), 0, 3, size_label, 0.0, 0.5,
                            widgets->size, 1);

  estimate = gemini_estimate_new (config, extras->image, extras->source,
                                  extras->conversation);
  gtk_grid_attach (GTK_GRID (grid), estimate, 1, 4, 1, 1);

  widgets->thinking = gimp_procedure_dialog_get_widget (dialog,
                                                        "thinking-level",
                                                        G_TYPE_NONE);

  g_signal_connect (widgets->model, "changed",
                    G_CALLBACK (dialog_model_changed), widgets);
  g_object_set_data_full (G_OBJECT (grid), "gemini-model-widgets",
                          widgets, dialog_model_widgets_free);
  dialog_model_changed (GTK_COMBO_BOX (widgets->model), widgets);

  /* The models the key can use, as `gemini-image models --remote` lists
   * them: in the background, so that the dialog never waits for them. */
  widgets->fetch = g_cancellable_new ();
  gg_front_models_fetch_async (gimp_directory (), widgets->fetch,
                               dialog_models_fetched, widgets);

  gtk_widget_show_all (grid);

  return grid;
}

/* The remote list arrived: the names the combo lacks are appended.  After
 * the dialog is gone (the fetch cancelled), nothing is touched. */
static void
dialog_models_fetched (GObject      *source,
                       GAsyncResult *result,
                       gpointer      data)
{
  g_autoptr (GPtrArray) remote  = NULL;
  g_auto (GStrv)        names   = NULL;
  GError               *error   = NULL;
  ModelWidgets         *widgets = data;
  GtkTreeModel         *store;
  guint                 i;

  remote = gg_front_models_fetch_finish (result, &error);
  if (! remote)
    {
      /* No key, offline, cancelled: the catalogue's models stay. */
      if (! g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("gimp-gemini: no remote model list: %s", error->message);
      g_clear_error (&error);
      return;
    }

  store = gtk_combo_box_get_model (GTK_COMBO_BOX (widgets->model));
  names = gg_front_model_names (remote);
  for (i = 0; names[i]; i++)
    {
      GtkTreeIter iter;
      gboolean    known = FALSE;
      gboolean    more;

      for (more = gtk_tree_model_get_iter_first (store, &iter);
           more && ! known;
           more = gtk_tree_model_iter_next (store, &iter))
        {
          g_autofree gchar *name = NULL;

          gtk_tree_model_get (store, &iter,
                              gtk_combo_box_get_id_column
                                (GTK_COMBO_BOX (widgets->model)),
                              &name, -1);
          known = ! g_strcmp0 (name, names[i]);
        }
      if (! known)
        gtk_combo_box_text_append (GTK_COMBO_BOX_TEXT (widgets->model),
                                   names[i], names[i]);
    }
  g_clear_object (&widgets->fetch);
}

static void
dialog_model_widgets_free (gpointer data)
{
  ModelWidgets *widgets = data;

  /* The fetch may still run: its callback must find nothing to touch. */
  if (widgets->fetch)
    {
      g_cancellable_cancel (widgets->fetch);
      g_clear_object (&widgets->fetch);
    }
  g_free (widgets);
}

static GtkWidget *
dialog_entry_combo (GObject     *config,
                    const gchar *property,
                    const gchar *placeholder)
{
  GtkWidget *combo = gtk_combo_box_text_new_with_entry ();
  GtkWidget *entry = gtk_bin_get_child (GTK_BIN (combo));

  if (placeholder)
    gtk_entry_set_placeholder_text (GTK_ENTRY (entry), placeholder);

  /* A string property may hold NULL, which a GtkEntry refuses. */
  g_object_bind_property_full (config, property, entry, "text",
                               G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE,
                               dialog_null_to_empty, dialog_null_to_empty,
                               NULL, NULL);
  gtk_widget_set_hexpand (combo, TRUE);

  return combo;
}

static gboolean
dialog_null_to_empty (GBinding     *binding,
                      const GValue *from,
                      GValue       *to,
                      gpointer      data)
{
  const gchar *text = g_value_get_string (from);

  g_value_set_string (to, text ? text : "");

  return TRUE;
}

static void
dialog_model_changed (GtkComboBox  *combo,
                      ModelWidgets *widgets)
{
  GtkWidget     *entry = gtk_bin_get_child (GTK_BIN (combo));
  const GgModel *model = gg_catalogue_lookup (gtk_entry_get_text (GTK_ENTRY (entry)));
  gint           i;

  gtk_combo_box_text_remove_all (GTK_COMBO_BOX_TEXT (widgets->ratio));
  gtk_combo_box_text_remove_all (GTK_COMBO_BOX_TEXT (widgets->size));

  /* The value "auto" is what the procedures take: not translated. */
  gtk_combo_box_text_append_text (GTK_COMBO_BOX_TEXT (widgets->ratio), "auto");
  gtk_combo_box_text_append_text (GTK_COMBO_BOX_TEXT (widgets->size), "auto");

  if (model)
    {
      for (i = 0; model->ratios && model->ratios[i]; i++)
        gtk_combo_box_text_append_text (GTK_COMBO_BOX_TEXT (widgets->ratio),
                                        model->ratios[i]);
      for (i = 0; model->sizes && model->sizes[i]; i++)
        gtk_combo_box_text_append_text (GTK_COMBO_BOX_TEXT (widgets->size),
                                        model->sizes[i]);

      gtk_label_set_text (GTK_LABEL (widgets->model_label), model->label);
      /* A model without sizes rejects imageSize: do not offer one. */
      gtk_widget_set_sensitive (widgets->size, gg_model_has_sizes (model));
    }
  else if (! *gtk_entry_get_text (GTK_ENTRY (entry)))
    {
      /* Refine's default: the model that holds the conversation. */
      gtk_label_set_text (GTK_LABEL (widgets->model_label),
                          _("The default (for Refine: the conversation's model)"));
      gtk_widget_set_sensitive (widgets->size, TRUE);
    }
  else
    {
      gtk_label_set_text (GTK_LABEL (widgets->model_label),
                          _("Not in the catalogue: sent as written"));
      gtk_widget_set_sensitive (widgets->size, TRUE);
    }

  /* A level is offered where the model may take one (unknown: it may). */
  if (widgets->thinking)
    gtk_widget_set_sensitive (widgets->thinking,
                              ! model || ! model->thinking_levels ||
                              model->thinking_levels[0]);
}

/* GimpProcedureDialog fills its content area in order; a widget it cannot
 * build from a property goes in right after the one built for @property. */
static void
dialog_insert_after (GimpProcedureDialog *dialog,
                     GtkWidget           *widget,
                     const gchar         *property)
{
  dialog_insert_at (dialog, widget, property, 1);
}

/* ... or at @offset from it (0: just before it). */
static void
dialog_insert_at (GimpProcedureDialog *dialog,
                  GtkWidget           *widget,
                  const gchar         *property,
                  gint                 offset)
{
  GtkWidget *content = gtk_dialog_get_content_area (GTK_DIALOG (dialog));
  GtkWidget *anchor  = gimp_procedure_dialog_get_widget (dialog, property,
                                                         G_TYPE_NONE);
  gint       position = -1;

  while (anchor && gtk_widget_get_parent (anchor) != content)
    anchor = gtk_widget_get_parent (anchor);

  gtk_box_pack_start (GTK_BOX (content), widget, FALSE, FALSE, 0);

  if (anchor)
    {
      gtk_container_child_get (GTK_CONTAINER (content), anchor,
                               "position", &position, NULL);
      gtk_box_reorder_child (GTK_BOX (content), widget, position + offset);
    }
}

/* Appends to @properties a "placement-frame" holding those of the
 * placement options the procedure has (none: nothing is added), so that
 * the dialog works before and after they exist. */
static GList *
dialog_placement (GimpProcedureDialog *dialog,
                  GimpProcedureConfig *config,
                  GList               *properties)
{
  GList     *present = NULL;
  GtkWidget *box;
  gint       i;

  for (i = 0; placement_properties[i]; i++)
    {
      GParamSpec *pspec;

      if (! has_property (config, placement_properties[i]))
        continue;

      pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (config),
                                            placement_properties[i]);
      if (G_IS_PARAM_SPEC_INT (pspec) || G_IS_PARAM_SPEC_DOUBLE (pspec))
        gimp_procedure_dialog_get_spin_scale (dialog, placement_properties[i],
                                              1.0);
      present = g_list_append (present, (gpointer) placement_properties[i]);
    }

  if (! present)
    return properties;

  gimp_procedure_dialog_get_label (dialog, "placement-title",
                                   _("How the result is blended in"),
                                   FALSE, FALSE);
  box = gimp_procedure_dialog_fill_box_list (dialog, "placement-box", present);
  if (g_list_find_custom (present, "feather", (GCompareFunc) strcmp) &&
      G_IS_PARAM_SPEC_DOUBLE (g_object_class_find_property
                                (G_OBJECT_GET_CLASS (config), "feather")))
    dialog_feather_auto (dialog, config, box);
  gimp_procedure_dialog_fill_frame (dialog, "placement-frame",
                                    "placement-title", FALSE,
                                    "placement-box");
  g_list_free (present);

  return g_list_append (properties, (gpointer) "placement-frame");
}

/* The "feather" argument is a width in px or GG_MASK_FEATHER_AUTO (-1):
 * rather than a spin scale at "-1.0", a check button for the automatic
 * width above it, which leaves the spin scale insensitive (and reading
 * "auto") while it is active.  Unticked, the feather becomes the last width
 * set by hand, else 10 px; ticked, -1 again. */
static void
dialog_feather_auto (GimpProcedureDialog *dialog,
                     GimpProcedureConfig *config,
                     GtkWidget           *box)
{
  GtkWidget *spin   = gimp_procedure_dialog_get_widget (dialog, "feather",
                                                        G_TYPE_NONE);
  GtkWidget *check;
  GtkWidget *child;
  gdouble   *manual;
  gint       position = -1;

  if (! spin)
    return;

  check = gtk_check_button_new_with_mnemonic (_("Automatic feather _width"));
  gtk_widget_set_tooltip_text (check,
                               /* xgettext:no-c-format */
                               _("10 % of the selection's smaller side, "
                                 "2 to 25 px"));
  gtk_box_pack_start (GTK_BOX (box), check, FALSE, FALSE, 0);

  for (child = spin; child && gtk_widget_get_parent (child) != box;
       child = gtk_widget_get_parent (child))
    ;
  if (child)
    {
      gtk_container_child_get (GTK_CONTAINER (box), child,
                               "position", &position, NULL);
      gtk_box_reorder_child (GTK_BOX (box), check, position);
    }
  gtk_widget_show (check);

  manual  = g_new (gdouble, 1);
  *manual = 10.0;
  g_object_bind_property_full (config, "feather", check, "active",
                               G_BINDING_BIDIRECTIONAL |
                               G_BINDING_SYNC_CREATE,
                               feather_to_auto, feather_from_auto,
                               manual, g_free);
  g_object_bind_property (check, "active", spin, "sensitive",
                          G_BINDING_SYNC_CREATE |
                          G_BINDING_INVERT_BOOLEAN);

  if (GTK_IS_SPIN_BUTTON (spin))
    {
      g_signal_connect (spin, "output", G_CALLBACK (feather_output), NULL);
      g_signal_connect (spin, "input", G_CALLBACK (feather_input), NULL);
      gtk_spin_button_update (GTK_SPIN_BUTTON (spin));
    }
}

/* feather -> the check button: active when automatic; a width set by
 * hand is kept for when the button is unticked. */
static gboolean
feather_to_auto (GBinding     *binding,
                 const GValue *from,
                 GValue       *to,
                 gpointer      data)
{
  gdouble feather = g_value_get_double (from);

  if (feather >= 0)
    *(gdouble *) data = feather;
  g_value_set_boolean (to, feather < 0);

  return TRUE;
}

/* The check button -> feather. */
static gboolean
feather_from_auto (GBinding     *binding,
                   const GValue *from,
                   GValue       *to,
                   gpointer      data)
{
  g_value_set_double (to, g_value_get_boolean (from) ?
                          GG_MASK_FEATHER_AUTO : *(gdouble *) data);

  return TRUE;
}

/* The spin scale reads "auto", not "-1.0", while the width is automatic. */
static gboolean
feather_output (GtkSpinButton *spin,
                gpointer       data)
{
  if (gtk_spin_button_get_value (spin) >= 0)
    return FALSE;

  gtk_entry_set_text (GTK_ENTRY (spin), C_("feather", "auto"));

  return TRUE;
}

/* ... and "auto" reads back as automatic, were the text ever parsed. */
static gint
feather_input (GtkSpinButton *spin,
               gdouble       *value,
               gpointer       data)
{
  if (strcmp (gtk_entry_get_text (GTK_ENTRY (spin)),
              C_("feather", "auto")) != 0)
    return FALSE;

  *value = GG_MASK_FEATHER_AUTO;

  return TRUE;
}

/* Appends to @properties the dialog's reference layer and its role, and
 * its reference file beside the file's role, those the procedure has
 * (gemini.c's add_dialog_reference (); Compose has only the file). */
static GList *
dialog_references (GimpProcedureDialog *dialog,
                   GimpProcedureConfig *config,
                   GList               *properties)
{
  static const gchar *const names[] =
  {
    "dialog-reference", "dialog-reference-role", NULL
  };
  GtkWidget *box;
  gint       i;

  for (i = 0; names[i]; i++)
    if (has_property (config, names[i]))
      properties = g_list_append (properties, (gpointer) names[i]);

  if (! has_property (config, "dialog-reference-file"))
    return properties;

  box = gimp_procedure_dialog_fill_box (dialog, "dialog-reference-file-box",
                                        "dialog-reference-file",
                                        "dialog-reference-file-role", NULL);
  gtk_orientable_set_orientation (GTK_ORIENTABLE (box),
                                  GTK_ORIENTATION_HORIZONTAL);
  gtk_box_set_spacing (GTK_BOX (box), 12);

  return g_list_append (properties, (gpointer) "dialog-reference-file-box");
}

/* Appends to @properties an "Advanced" expander (closed) holding the
 * storage opt-in and the thinking level, those the procedure has. */
static GList *
dialog_advanced (GimpProcedureDialog *dialog,
                 GimpProcedureConfig *config,
                 GList               *properties)
{
  GList *present = NULL;

  if (has_property (config, "store"))
    present = g_list_append (present, (gpointer) "store");
  if (has_property (config, "thinking-level"))
    present = g_list_append (present, (gpointer) "thinking-level");
  if (! present)
    return properties;

  gimp_procedure_dialog_get_label (dialog, "advanced-title", _("Advanced"),
                                   FALSE, FALSE);
  gimp_procedure_dialog_fill_box_list (dialog, "advanced-box", present);
  gimp_procedure_dialog_fill_expander (dialog, "advanced-expander",
                                       "advanced-title", FALSE,
                                       "advanced-box");
  g_list_free (present);

  return g_list_append (properties, (gpointer) "advanced-expander");
}

static gboolean
has_property (GimpProcedureConfig *config,
              const gchar         *name)
{
  return g_object_class_find_property (G_OBJECT_GET_CLASS (config), name)
         != NULL;
}

static void
key_entry_changed (GtkEntry  *entry,
                   GtkWidget *dialog)
{
  gtk_dialog_set_response_sensitive (GTK_DIALOG (dialog), GTK_RESPONSE_OK,
                                     gtk_entry_get_text_length (entry) > 0);
}

/* The shape every smaller dialog shares: a note, the prompt, the listed
 * properties ("placement": the placement options, "references": the
 * reference layer and file, those the procedure has) and the model grid
 * under the prompt; with an image and a layer, the region preview after
 * "source". */
static gboolean
simple_dialog (GimpProcedure       *procedure,
               GimpProcedureConfig *config,
               const gchar         *title,
               const gchar         *ok_label,
               const gchar         *prompt_label,
               const gchar         *note,
               const DialogExtras  *extras,
               const gchar         *first_property,
               ...)
{
  GtkWidget   *dialog;
  GList       *properties = NULL;
  const gchar *property;
  va_list      args;
  gboolean     run;

  dialog = gimp_procedure_dialog_new (procedure, config, title);
  gimp_procedure_dialog_set_ok_label (GIMP_PROCEDURE_DIALOG (dialog), ok_label);

  dialog_prompt_widget (GIMP_PROCEDURE_DIALOG (dialog), prompt_label);
  gimp_procedure_dialog_get_label (GIMP_PROCEDURE_DIALOG (dialog),
                                   "note-label", note ? note : "",
                                   FALSE, FALSE);

  properties = g_list_append (properties, (gpointer) "note-label");
  properties = g_list_append (properties, (gpointer) "prompt-label");
  properties = g_list_append (properties, (gpointer) "prompt");

  va_start (args, first_property);
  for (property = first_property; property; property = va_arg (args, const gchar *))
    {
      if (! strcmp (property, "placement"))
        properties = dialog_placement (GIMP_PROCEDURE_DIALOG (dialog), config,
                                       properties);
      else if (! strcmp (property, "references"))
        properties = dialog_references (GIMP_PROCEDURE_DIALOG (dialog), config,
                                        properties);
      else
        properties = g_list_append (properties, (gpointer) property);
    }
  va_end (args);
  properties = dialog_advanced (GIMP_PROCEDURE_DIALOG (dialog), config,
                                properties);

  gimp_procedure_dialog_fill_list (GIMP_PROCEDURE_DIALOG (dialog), properties);
  g_list_free (properties);

  dialog_prompt_extras (GIMP_PROCEDURE_DIALOG (dialog), config, _("_Size:"),
                        extras);

  if (extras->image && extras->source && has_property (config, "context-px"))
    {
      GtkWidget *preview = gemini_preview_new (config, extras->image,
                                               extras->source);

      dialog_insert_after (GIMP_PROCEDURE_DIALOG (dialog), preview, "source");
    }

  run = gimp_procedure_dialog_run (GIMP_PROCEDURE_DIALOG (dialog));

  gtk_widget_destroy (dialog);

  return run;
}
