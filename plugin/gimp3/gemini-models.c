/* gimp-gemini: the dialogs' model grid (gemini-models.h): the model, its
 * aspect ratios and sizes, and under them what the answer will be and
 * cost.  The catalogue is common/'s (gg-catalogue, gg-front-models).
 */

#include <libgimp/gimp.h>
#include <libgimp/gimpui.h>

#include "gg-catalogue.h"
#include "gg-front-models.h"

#include "gemini.h"
#include "gemini-intl.h"
#include "gemini-models.h"
#include "gemini-preview.h"


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

static GtkWidget * entry_combo        (GObject       *config,
                                     const gchar   *property,
                                     const gchar   *placeholder);
static gboolean    null_to_empty      (GBinding      *binding,
                                     const GValue  *from,
                                     GValue        *to,
                                     gpointer       data);
static void        model_changed      (GtkComboBox   *combo,
                                     ModelWidgets  *widgets);
static void        models_fetched     (GObject       *source,
                                     GAsyncResult  *result,
                                     gpointer       data);
static void        model_widgets_free (gpointer       data);


/* Model, aspect ratio and size: free text with the catalogue's values as
 * suggestions, so that a model newer than the catalogue can still be used;
 * under them, what the answer will be and cost. */
GtkWidget *
gemini_model_grid_new (GimpProcedureDialog *dialog,
                       GimpProcedureConfig *config,
                       const gchar         *size_label,
                       GimpImage           *image,
                       GimpLayer           *source,
                       gboolean             conversation)
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

  widgets->model = entry_combo (G_OBJECT (config), "model", NULL);
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

  widgets->ratio = entry_combo (G_OBJECT (config), "aspect-ratio",
                                       _("auto"));
  gimp_grid_attach_aligned (GTK_GRID (grid), 0, 2, _("_Aspect ratio:"),
                            0.0, 0.5, widgets->ratio, 1);

  widgets->size = entry_combo (G_OBJECT (config), "image-size",
                                      _("auto"));
  gimp_grid_attach_aligned (GTK_GRID (grid), 0, 3, size_label, 0.0, 0.5,
                            widgets->size, 1);

  estimate = gemini_estimate_new (config, image, source, conversation);
  gtk_grid_attach (GTK_GRID (grid), estimate, 1, 4, 1, 1);

  widgets->thinking = gimp_procedure_dialog_get_widget (dialog,
                                                        "thinking-level",
                                                        G_TYPE_NONE);

  g_signal_connect (widgets->model, "changed",
                    G_CALLBACK (model_changed), widgets);
  g_object_set_data_full (G_OBJECT (grid), "gemini-model-widgets",
                          widgets, model_widgets_free);
  model_changed (GTK_COMBO_BOX (widgets->model), widgets);

  /* The models the key can use, as `gemini-image models --remote` lists
   * them: in the background, so that the dialog never waits for them. */
  widgets->fetch = g_cancellable_new ();
  gg_front_models_fetch_async (gimp_directory (), widgets->fetch,
                               models_fetched, widgets);

  gtk_widget_show_all (grid);

  return grid;
}

/* The remote list arrived: the names the combo lacks are appended.  After
 * the dialog is gone (the fetch cancelled), nothing is touched. */
static void
models_fetched (GObject      *source,
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
model_widgets_free (gpointer data)
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
entry_combo (GObject     *config,
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
                               null_to_empty, null_to_empty,
                               NULL, NULL);
  gtk_widget_set_hexpand (combo, TRUE);

  return combo;
}

static gboolean
null_to_empty (GBinding     *binding,
               const GValue *from,
               GValue       *to,
               gpointer      data)
{
  const gchar *text = g_value_get_string (from);

  g_value_set_string (to, text ? text : "");

  return TRUE;
}

static void
model_changed (GtkComboBox  *combo,
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
