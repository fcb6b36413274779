/* gimp-gemini for GIMP 2.10: the GTK 2 dialogs (UI only, no work).
 *
 * One dialog for Generate, Edit, Style Transfer and Refine, offering what
 * the GIMP 3 dialogs offer (plugin/gemini-dialog.c): the prompt, the model
 * with its ratios and sizes as suggestions (free text, so that a model
 * newer than the catalogue still works), image-only, search, thought
 * images, variations, the context and source of an edit, one reference
 * layer and one reference file, each with its role (Style Transfer: a
 * style layer or a style file; Compose: the roles of its layers), "as
 * layer" and "send the current pixels".  The values go back into
 * Gimp2Values, which the caller remembers.  Its strings are in the
 * "gimp-gemini" domain (gg-intl.h), as GIMP 3's dialogs.
 */

#include <string.h>

#include <libgimp/gimp.h>
#include <libgimp/gimpui.h>

#include "gg-catalogue.h"
#include "gg-estimate.h"
#include "gg-front-models.h"
#include "gg-region.h"

#include "gimp2.h"
#include "gimp2-form.h"


const gchar *const gimp2_roles[] =
{
  "style", "subject", "object", "person", "composition", NULL
};

typedef struct
{
  Gimp2DialogKind kind;
  gint32          image;
  GtkWidget      *model;
  GtkWidget      *model_label;
  GtkWidget      *ratio;
  GtkWidget      *size;
  GtkWidget      *estimate;    /* the size and cost line */
  GtkObject      *variations;
  GtkObject      *context_px;  /* Edit and Style Transfer: the plan's */
  GtkObject      *context_pct;
  GtkWidget      *source;
  GtkWidget      *thinking;    /* the thinking level */
} ModelWidgets;

static const gchar *const thinking_levels[] =
{
  "", "minimal", "medium", "high", NULL
};


static const gchar *
combo_text (GtkWidget *combo)
{
  return gtk_entry_get_text (GTK_ENTRY (gtk_bin_get_child (GTK_BIN (combo))));
}

static GtkWidget *
entry_combo (const gchar *text)
{
  GtkWidget *combo = gtk_combo_box_text_new_with_entry ();

  gtk_entry_set_text (GTK_ENTRY (gtk_bin_get_child (GTK_BIN (combo))),
                      text ? text : "");
  return combo;
}

/* An edit's answer follows the region sent when no ratio is chosen: the
 * plan gg_region_plan () makes of the selection (or the whole layer) in
 * the source's space, as the run will. */
static gchar *
estimate_edit (ModelWidgets *widgets,
               const gchar  *model,
               const gchar  *size,
               gint          variations)
{
  g_autoptr (GError) error = NULL;
  GgRegionOptions    region_options;
  GgRegionPlan       plan;
  GgEstimate         figures;
  GgRect             space     = { 0, };
  GgRect             selection = { 0, };
  GgRect             local;
  gboolean           has_selection = FALSE;
  gint               visible = 0;
  gint               x1, y1, x2, y2;
  gint               origin_x = 0, origin_y = 0;
  gint32             drawable = gimp_image_get_active_drawable (widgets->image);

  if (widgets->source)
    gimp_int_combo_box_get_active (GIMP_INT_COMBO_BOX (widgets->source),
                                   &visible);
  if (visible || drawable < 0)
    {
      space.width  = gimp_image_width (widgets->image);
      space.height = gimp_image_height (widgets->image);
    }
  else
    {
      gimp_drawable_offsets (drawable, &origin_x, &origin_y);
      space.width  = gimp_drawable_width (drawable);
      space.height = gimp_drawable_height (drawable);
    }

  gimp_selection_bounds (widgets->image, &has_selection, &x1, &y1, &x2, &y2);
  if (has_selection)
    {
      local.x      = x1 - origin_x;
      local.y      = y1 - origin_y;
      local.width  = x2 - x1;
      local.height = y2 - y1;
      if (! gg_rect_intersect (&local, &space, &selection))
        memset (&selection, 0, sizeof selection);
    }

  gg_region_options_init (&region_options);
  region_options.pad_px   = widgets->context_px ?
    (gint) gtk_adjustment_get_value (GTK_ADJUSTMENT (widgets->context_px)) : 0;
  region_options.pad_pct  = widgets->context_pct ?
    gtk_adjustment_get_value (GTK_ADJUSTMENT (widgets->context_pct)) / 100.0 :
    0.0;
  region_options.max_size = size;

  if (! gg_region_plan (gg_catalogue_lookup (model ? model :
                                             gg_catalogue_default_model ()),
                        space.width, space.height, &selection,
                        &region_options, &plan, &error))
    return g_strdup (error->message);

  gg_estimate_plan (model, &plan, variations, &figures);

  return gg_estimate_describe (&figures, plan.ratio, plan.size);
}

/* The line under the choices: the answer's size and estimated cost
 * (common/gg-estimate), as GIMP 3's dialogs show it. */
static void
estimate_update (ModelWidgets *widgets)
{
  const gchar      *model = gg_front_option (combo_text (widgets->model));
  const gchar      *ratio = gg_front_option (combo_text (widgets->ratio));
  const gchar      *size  = gg_front_option (combo_text (widgets->size));
  g_autofree gchar *text  = NULL;
  GgEstimate        figures;
  gint              variations;

  if (! widgets->estimate)
    return;

  variations = (gint) gtk_adjustment_get_value (GTK_ADJUSTMENT (widgets->variations));

  if (widgets->kind == GIMP2_DIALOG_REFINE && ! ratio)
    text = g_strdup (_("The answer has the conversation's ratio and size."));
  else if ((widgets->kind == GIMP2_DIALOG_EDIT ||
            widgets->kind == GIMP2_DIALOG_STYLE) && ! ratio &&
           widgets->image > 0 && gimp_image_is_valid (widgets->image))
    text = estimate_edit (widgets, model, size, variations);
  else
    {
      gg_estimate_generate (model, ratio, size, variations, &figures);
      text = gg_estimate_describe (&figures, ratio, size);
    }

  gtk_label_set_text (GTK_LABEL (widgets->estimate), text);
}

static void
estimate_changed (GtkWidget    *widget,
                  ModelWidgets *widgets)
{
  estimate_update (widgets);
}

static void
model_changed (GtkComboBox  *combo,
               ModelWidgets *widgets)
{
  const gchar   *name  = combo_text (widgets->model);
  const GgModel *model = gg_catalogue_lookup (name);
  GtkListStore  *store;
  gint           i;

  store = GTK_LIST_STORE (gtk_combo_box_get_model (GTK_COMBO_BOX (widgets->ratio)));
  gtk_list_store_clear (store);
  store = GTK_LIST_STORE (gtk_combo_box_get_model (GTK_COMBO_BOX (widgets->size)));
  gtk_list_store_clear (store);

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
  else if (! *name)
    {
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

  estimate_update (widgets);
}

/* The remote list arrived: the names the combo lacks are appended.  The
 * dialog is gone when the fetch was cancelled: nothing is touched then. */
static void
models_fetched (GObject      *source,
                GAsyncResult *result,
                gpointer      data)
{
  g_autoptr (GPtrArray) remote = NULL;
  g_auto (GStrv)        names  = NULL;
  GtkWidget            *combo  = data;
  GtkTreeModel         *store;
  GError               *error  = NULL;
  guint                 i;

  remote = gg_front_models_fetch_finish (result, &error);
  if (! remote)
    {
      /* No key, offline, cancelled: the catalogue's models stay. */
      g_clear_error (&error);
      return;
    }

  store = gtk_combo_box_get_model (GTK_COMBO_BOX (combo));
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

          gtk_tree_model_get (store, &iter, 0, &name, -1);
          known = ! g_strcmp0 (name, names[i]);
        }
      if (! known)
        gtk_combo_box_text_append_text (GTK_COMBO_BOX_TEXT (combo), names[i]);
    }
}

static void
toggle_sensitive (GtkToggleButton *toggle,
                  GtkWidget       *widget)
{
  gtk_widget_set_sensitive (widget, gtk_toggle_button_get_active (toggle));
}

/* The feather spin means something only when not automatic. */
static void
toggle_insensitive (GtkToggleButton *toggle,
                    GtkWidget       *widget)
{
  gtk_widget_set_sensitive (widget, ! gtk_toggle_button_get_active (toggle));
}

static GtkWidget *
check_button (GtkWidget   *box,
              const gchar *label,
              gint32       active)
{
  GtkWidget *check = gtk_check_button_new_with_mnemonic (_(label));

  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (check), active);
  gtk_box_pack_start (GTK_BOX (box), check, FALSE, FALSE, 0);

  return check;
}

static GtkWidget *
role_combo (gint32 active)
{
  GtkWidget *role = gimp_int_combo_box_new (_("Style"), 0, _("Subject"), 1,
                                            _("Object"), 2, _("Person"), 3,
                                            _("Composition"), 4, NULL);

  gimp_int_combo_box_set_active (GIMP_INT_COMBO_BOX (role),
                                 CLAMP (active, 0, 4));
  return role;
}

/* PNG, JPEG and WebP, what a reference file may be; or anything. */
static void
add_image_filters (GtkFileChooser *chooser)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("PNG, JPEG and WebP images"));
  gtk_file_filter_add_mime_type (filter, "image/png");
  gtk_file_filter_add_mime_type (filter, "image/jpeg");
  gtk_file_filter_add_mime_type (filter, "image/webp");
  gtk_file_chooser_add_filter (chooser, filter);

  filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (filter, _("All files"));
  gtk_file_filter_add_pattern (filter, "*");
  gtk_file_chooser_add_filter (chooser, filter);
}

static gboolean
any_drawable (gint32   image,
              gint32   drawable,
              gpointer data)
{
  return TRUE;
}

gboolean
gimp2_dialog (Gimp2DialogKind  kind,
              Gimp2Options    *options,
              gint32           image,
              const gchar     *note)
{
  static const gchar *titles[] =
  {
    N_("Gemini: Generate"), N_("Gemini: Edit"), N_("Gemini: Style Transfer"),
    N_("Gemini: Refine"), N_("Gemini: Compose")
  };
  Gimp2Values          *v        = &options->values;
  g_auto (GStrv)        models   = gg_front_model_names (NULL);
  g_autoptr (GCancellable) fetch = g_cancellable_new ();
  g_autofree gchar     *retired_note = NULL;
  ModelWidgets          widgets  = { 0, };
  GtkWidget            *store    = NULL;
  GtkWidget            *thinking = NULL;
  GtkWidget            *dialog;
  GtkWidget            *vbox;
  GtkWidget            *table;
  GtkWidget            *label;
  GtkWidget            *prompt;
  GtkWidget            *scrolled;
  GtkTextBuffer        *buffer;
  GtkWidget            *image_only, *search, *thoughts;
  GtkObject            *variations_adj;
  GtkObject            *px_adj  = NULL;
  GtkObject            *pct_adj = NULL;
  GtkWidget            *source  = NULL;
  GtkWidget            *use_reference = NULL;
  GtkWidget            *reference     = NULL;
  GtkWidget            *role          = NULL;
  GtkWidget            *style         = NULL;
  GtkWidget            *use_file      = NULL;
  GtkWidget            *file          = NULL;
  GtkWidget            *file_role     = NULL;
  GtkWidget            *roles         = NULL;
  GtkWidget            *as_layer      = NULL;
  GtkWidget            *include       = NULL;
  GtkObject            *grow_adj      = NULL;
  GtkObject            *feather_adj   = NULL;
  GtkWidget            *feather_auto  = NULL;
  GtkWidget            *changed_only  = NULL;
  GtkWidget            *hint          = NULL;
  GtkWidget            *spin;
  gint                  row = 0;
  guint                 i;
  gboolean              ok;

  g_return_val_if_fail (kind < G_N_ELEMENTS (titles), FALSE);

  dialog = gimp_dialog_new (_(titles[kind]), PLUG_IN_ROLE, NULL, 0,
                            gimp_standard_help_func, NULL,
                            GTK_STOCK_CANCEL, GTK_RESPONSE_CANCEL,
                            GTK_STOCK_OK,     GTK_RESPONSE_OK,
                            NULL);
  gimp_window_set_transient (GTK_WINDOW (dialog));

  vbox = gtk_vbox_new (FALSE, 6);
  gtk_container_set_border_width (GTK_CONTAINER (vbox), 12);
  gtk_box_pack_start (GTK_BOX (gtk_dialog_get_content_area (GTK_DIALOG (dialog))),
                      vbox, TRUE, TRUE, 0);

  if (note)
    {
      label = gtk_label_new (note);
      gtk_label_set_line_wrap (GTK_LABEL (label), TRUE);
      gtk_misc_set_alignment (GTK_MISC (label), 0.0, 0.5);
      gtk_box_pack_start (GTK_BOX (vbox), label, FALSE, FALSE, 0);
    }

  label = gtk_label_new_with_mnemonic (kind == GIMP2_DIALOG_STYLE ?
                                       _("_Prompt (optional):") : _("_Prompt:"));
  gtk_misc_set_alignment (GTK_MISC (label), 0.0, 0.5);
  gtk_box_pack_start (GTK_BOX (vbox), label, FALSE, FALSE, 0);

  scrolled = gtk_scrolled_window_new (NULL, NULL);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled),
                                  GTK_POLICY_AUTOMATIC, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_shadow_type (GTK_SCROLLED_WINDOW (scrolled),
                                       GTK_SHADOW_IN);
  gtk_widget_set_size_request (scrolled, 420, 96);
  gtk_box_pack_start (GTK_BOX (vbox), scrolled, TRUE, TRUE, 0);
  prompt = gtk_text_view_new ();
  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (prompt), GTK_WRAP_WORD);
  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (prompt));
  gtk_text_buffer_set_text (buffer, v->prompt, -1);
  gtk_container_add (GTK_CONTAINER (scrolled), prompt);
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), prompt);

  /* Under the prompt: a template form and the recent prompts, both
   * writing into it (plugin/gimp2/gimp2-form.c). */
  {
    GtkWidget *hbox = gtk_hbox_new (FALSE, 6);
    GtkWidget *side = gtk_vbox_new (FALSE, 0);

    gtk_box_pack_start (GTK_BOX (hbox),
                        gimp2_form_new (buffer,
                                        kind == GIMP2_DIALOG_GENERATE ?
                                        GG_TEMPLATE_GENERATE :
                                        GG_TEMPLATE_EDIT),
                        TRUE, TRUE, 0);
    /* The button keeps its height when the form opens. */
    gtk_box_pack_start (GTK_BOX (side), gimp2_history_new (buffer),
                        FALSE, FALSE, 0);
    gtk_box_pack_end (GTK_BOX (hbox), side, FALSE, FALSE, 0);
    gtk_box_pack_start (GTK_BOX (vbox), hbox, FALSE, FALSE, 0);
  }

  table = gtk_table_new (12, 2, FALSE);
  gtk_table_set_row_spacings (GTK_TABLE (table), 4);
  gtk_table_set_col_spacings (GTK_TABLE (table), 6);
  gtk_box_pack_start (GTK_BOX (vbox), table, FALSE, FALSE, 0);

  /* A model remembered from an older version that has been retired
   * since: its replacement is selected, and the dialog says so. */
  {
    const gchar *replacement = gg_front_retired_choice (v->model,
                                                        &retired_note);

    if (replacement)
      g_strlcpy (v->model, replacement, sizeof v->model);
  }

  widgets.kind  = kind;
  widgets.image = image;
  widgets.model = entry_combo (v->model);
  for (i = 0; models[i]; i++)
    gtk_combo_box_text_append_text (GTK_COMBO_BOX_TEXT (widgets.model),
                                    models[i]);
  gimp_table_attach_aligned (GTK_TABLE (table), 0, row++, _("_Model:"), 0.0, 0.5,
                             widgets.model, 1, FALSE);
  widgets.model_label = gtk_label_new (NULL);
  gtk_misc_set_alignment (GTK_MISC (widgets.model_label), 0.0, 0.5);
  gimp_label_set_attributes (GTK_LABEL (widgets.model_label),
                             PANGO_ATTR_STYLE, PANGO_STYLE_ITALIC, -1);
  gtk_table_attach (GTK_TABLE (table), widgets.model_label, 1, 2, row, row + 1,
                    GTK_FILL, GTK_FILL, 0, 0);
  row++;
  if (retired_note || gimp2_catalogue_problem)
    {
      g_autofree gchar *text =
        g_strjoin ("\n", retired_note ? retired_note : gimp2_catalogue_problem,
                   retired_note ? gimp2_catalogue_problem : NULL, NULL);

      label = gtk_label_new (text);
      gtk_label_set_line_wrap (GTK_LABEL (label), TRUE);
      gtk_misc_set_alignment (GTK_MISC (label), 0.0, 0.5);
      gimp_label_set_attributes (GTK_LABEL (label),
                                 PANGO_ATTR_WEIGHT, PANGO_WEIGHT_BOLD, -1);
      gtk_table_attach (GTK_TABLE (table), label, 1, 2, row, row + 1,
                        GTK_FILL, GTK_FILL, 0, 0);
      row++;
    }
  /* The models the key can use, as `gemini-image models --remote` lists
   * them: in the background, so that the dialog never waits for them. */
  gg_front_models_fetch_async (gimp_directory (), fetch, models_fetched,
                               widgets.model);
  widgets.ratio = entry_combo (v->ratio);
  gimp_table_attach_aligned (GTK_TABLE (table), 0, row++, _("_Aspect ratio:"),
                             0.0, 0.5, widgets.ratio, 1, FALSE);
  widgets.size = entry_combo (v->size);
  gimp_table_attach_aligned (GTK_TABLE (table), 0, row++,
                             kind == GIMP2_DIALOG_GENERATE ||
                             kind == GIMP2_DIALOG_COMPOSE ? _("_Size:") :
                             _("_Largest size:"), 0.0, 0.5, widgets.size, 1,
                             FALSE);

  spin = gimp_spin_button_new (&variations_adj, v->variations, 1,
                               GG_FRONT_MAX_VARIATIONS, 1, 1, 0, 1, 0);
  gimp_table_attach_aligned (GTK_TABLE (table), 0, row++, _("_Variations:"),
                             0.0, 0.5, spin, 1, TRUE);
  widgets.variations = variations_adj;

  widgets.estimate = gtk_label_new (NULL);
  gtk_misc_set_alignment (GTK_MISC (widgets.estimate), 0.0, 0.5);
  gtk_label_set_line_wrap (GTK_LABEL (widgets.estimate), TRUE);
  gimp_label_set_attributes (GTK_LABEL (widgets.estimate),
                             PANGO_ATTR_STYLE, PANGO_STYLE_ITALIC, -1);
  gtk_table_attach (GTK_TABLE (table), widgets.estimate, 1, 2, row, row + 1,
                    GTK_FILL, GTK_FILL, 0, 0);
  row++;

  if (kind == GIMP2_DIALOG_EDIT || kind == GIMP2_DIALOG_STYLE)
    {
      spin = gimp_spin_button_new (&px_adj, v->context_px, 0, 4096, 1, 16, 0,
                                   1, 0);
      gimp_table_attach_aligned (GTK_TABLE (table), 0, row++,
                                 _("Context (_pixels):"), 0.0, 0.5, spin, 1, TRUE);
      spin = gimp_spin_button_new (&pct_adj, v->context_pct, 0, 200, 1, 10, 0,
                                   1, 0);
      gimp_table_attach_aligned (GTK_TABLE (table), 0, row++,
                                 /* xgettext:no-c-format */
                                 _("Context (% of selection si_ze):"), 0.0, 0.5,
                                 spin, 1, TRUE);
      source = gimp_int_combo_box_new (_("Layer"), 0, _("Visible"), 1, NULL);
      gimp_int_combo_box_set_active (GIMP_INT_COMBO_BOX (source),
                                     v->visible ? 1 : 0);
      gimp_table_attach_aligned (GTK_TABLE (table), 0, row++, _("So_urce:"),
                                 0.0, 0.5, source, 1, FALSE);
      widgets.context_px  = px_adj;
      widgets.context_pct = pct_adj;
      widgets.source      = source;
      g_signal_connect (px_adj, "value-changed",
                        G_CALLBACK (estimate_changed), &widgets);
      g_signal_connect (pct_adj, "value-changed",
                        G_CALLBACK (estimate_changed), &widgets);
      g_signal_connect (source, "changed",
                        G_CALLBACK (estimate_changed), &widgets);
    }

  /* How the result is masked (GIMP 3's "grow", "feather",
   * "changed-only" and "hint"). */
  if (kind == GIMP2_DIALOG_EDIT || kind == GIMP2_DIALOG_STYLE ||
      kind == GIMP2_DIALOG_REFINE)
    {
      GtkWidget *hbox;

      spin = gimp_spin_button_new (&grow_adj, v->grow, -1000, 1000, 1, 4, 0,
                                   1, 0);
      gimp_help_set_help_data (spin,
                               _("Pixels the selection grows by before "
                                 "feathering (negative: shrinks); the "
                                 "layer mask is 0 outside the grown "
                                 "selection"), NULL);
      gimp_table_attach_aligned (GTK_TABLE (table), 0, row++,
                                 _("_Grow selection (px)"), 0.0, 0.5, spin, 1,
                                 TRUE);

      hbox = gtk_hbox_new (FALSE, 6);
      spin = gimp_spin_button_new (&feather_adj,
                                   v->feather < 0 ? 0.0 : v->feather,
                                   0.0, 1000.0, 1.0, 4.0, 0.0, 1.0, 1);
      gtk_box_pack_start (GTK_BOX (hbox), spin, FALSE, FALSE, 0);
      feather_auto = gtk_check_button_new_with_mnemonic (_("Automatic feather _width"));
      gimp_help_set_help_data (feather_auto,
                               /* xgettext:no-c-format */
                               _("10 % of the selection's smaller side, "
                                 "2 to 25 px"), NULL);
      gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (feather_auto),
                                    v->feather < 0);
      gtk_box_pack_start (GTK_BOX (hbox), feather_auto, FALSE, FALSE, 0);
      g_signal_connect (feather_auto, "toggled",
                        G_CALLBACK (toggle_insensitive), spin);
      toggle_insensitive (GTK_TOGGLE_BUTTON (feather_auto), spin);
      gimp_table_attach_aligned (GTK_TABLE (table), 0, row++,
                                 _("_Feather (px)"), 0.0, 0.5, hbox, 1,
                                 FALSE);
    }

  /* The choices are all made: the line follows each of them. */
  g_signal_connect (widgets.model, "changed", G_CALLBACK (model_changed),
                    &widgets);
  g_signal_connect (widgets.ratio, "changed", G_CALLBACK (estimate_changed),
                    &widgets);
  g_signal_connect (widgets.size, "changed", G_CALLBACK (estimate_changed),
                    &widgets);
  g_signal_connect (variations_adj, "value-changed",
                    G_CALLBACK (estimate_changed), &widgets);
  model_changed (GTK_COMBO_BOX (widgets.model), &widgets);

  if (kind == GIMP2_DIALOG_STYLE)
    {
      style = gimp_drawable_combo_box_new (any_drawable, NULL);
      if (options->style > 0)
        gimp_int_combo_box_set_active (GIMP_INT_COMBO_BOX (style),
                                       options->style);
      gimp_table_attach_aligned (GTK_TABLE (table), 0, row++, _("St_yle from:"),
                                 0.0, 0.5, style, 1, FALSE);
    }

  if (kind == GIMP2_DIALOG_COMPOSE)
    {
      /* One role per layer sent, in their order (the active one first). */
      roles = gtk_entry_new ();
      gtk_entry_set_text (GTK_ENTRY (roles), v->roles);
      gimp_help_set_help_data (roles,
                               _("One per layer, comma-separated: style, "
                                 "subject, object, person, composition (the "
                                 "last repeats; empty: object)"), NULL);
      gimp_table_attach_aligned (GTK_TABLE (table), 0, row++, _("_Roles:"),
                                 0.0, 0.5, roles, 1, FALSE);
    }

  if (kind == GIMP2_DIALOG_GENERATE || kind == GIMP2_DIALOG_EDIT ||
      kind == GIMP2_DIALOG_REFINE)
    {
      use_reference = gtk_check_button_new_with_mnemonic (_("_Reference layer:"));
      reference = gimp_drawable_combo_box_new (any_drawable, NULL);
      if (v->reference > 0 && gimp_item_is_valid (v->reference))
        gimp_int_combo_box_set_active (GIMP_INT_COMBO_BOX (reference),
                                       v->reference);
      gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (use_reference),
                                    v->reference > 0 &&
                                    gimp_item_is_valid (v->reference));
      gtk_table_attach (GTK_TABLE (table), use_reference, 0, 1, row, row + 1,
                        GTK_FILL, GTK_FILL, 0, 0);
      gtk_table_attach (GTK_TABLE (table), reference, 1, 2, row, row + 1,
                        GTK_EXPAND | GTK_FILL, GTK_FILL, 0, 0);
      row++;
      role = role_combo (v->reference_role);
      gimp_table_attach_aligned (GTK_TABLE (table), 0, row++, _("Reference r_ole:"),
                                 0.0, 0.5, role, 1, FALSE);
      g_signal_connect (use_reference, "toggled",
                        G_CALLBACK (toggle_sensitive), reference);
      g_signal_connect (use_reference, "toggled",
                        G_CALLBACK (toggle_sensitive), role);
      toggle_sensitive (GTK_TOGGLE_BUTTON (use_reference), reference);
      toggle_sensitive (GTK_TOGGLE_BUTTON (use_reference), role);
    }

  /* A file: a reference (with its role) everywhere, the style itself in
   * Style Transfer, where it replaces the style layer. */
  use_file = gtk_check_button_new_with_mnemonic (kind == GIMP2_DIALOG_STYLE ?
                                                 _("Or style from a _file:") :
                                                 _("Reference _file:"));
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (use_file),
                                v->use_file && *v->file);
  file = gtk_file_chooser_button_new (kind == GIMP2_DIALOG_STYLE ?
                                      _("Style File") : _("Reference File"),
                                      GTK_FILE_CHOOSER_ACTION_OPEN);
  add_image_filters (GTK_FILE_CHOOSER (file));
  if (*v->file)
    gtk_file_chooser_set_filename (GTK_FILE_CHOOSER (file), v->file);
  gtk_table_attach (GTK_TABLE (table), use_file, 0, 1, row, row + 1,
                    GTK_FILL, GTK_FILL, 0, 0);
  gtk_table_attach (GTK_TABLE (table), file, 1, 2, row, row + 1,
                    GTK_EXPAND | GTK_FILL, GTK_FILL, 0, 0);
  row++;
  g_signal_connect (use_file, "toggled", G_CALLBACK (toggle_sensitive), file);
  toggle_sensitive (GTK_TOGGLE_BUTTON (use_file), file);
  if (kind != GIMP2_DIALOG_STYLE)
    {
      file_role = role_combo (v->file_role);
      gimp_table_attach_aligned (GTK_TABLE (table), 0, row++,
                                 _("File ro_le:"), 0.0, 0.5, file_role, 1,
                                 FALSE);
      g_signal_connect (use_file, "toggled", G_CALLBACK (toggle_sensitive),
                        file_role);
      toggle_sensitive (GTK_TOGGLE_BUTTON (use_file), file_role);
    }

  image_only = check_button (vbox, N_("_Image only (no text in the answer)"),
                             v->image_only);
  search     = check_button (vbox, N_("Ground with Google _Search"), v->search);
  thoughts   = check_button (vbox, N_("Keep _thought images (hidden layers)"),
                             v->thought_layers);
  if (kind == GIMP2_DIALOG_GENERATE || kind == GIMP2_DIALOG_COMPOSE)
    {
      as_layer = check_button (vbox, N_("Add as a _layer to this image"),
                               image > 0 && v->as_layer);
      /* Means nothing when no image is open. */
      gtk_widget_set_sensitive (as_layer, image > 0);
    }
  if (kind == GIMP2_DIALOG_REFINE)
    include = check_button (vbox, N_("Send the _current pixels too"),
                            v->include_region);
  if (grow_adj)
    {
      changed_only = check_button (vbox, N_("_Changed pixels only"),
                                   v->changed_only);
      gimp_help_set_help_data (changed_only,
                               _("With nothing selected: mask the new "
                                 "layer to the pixels the model "
                                 "changed, so that what it did not "
                                 "mean to change stays as it was"), NULL);
      hint = check_button (vbox, N_("Send the editable area as a _hint"),
                           v->hint);
      gimp_help_set_help_data (hint,
                               _("With a selection: also send an image, "
                                 "white where pixels may change and "
                                 "black elsewhere, with a sentence "
                                 "saying so"), NULL);
    }

  /* Closed by default: the storage opt-in and the thinking level. */
  {
    GtkWidget *expander = gtk_expander_new_with_mnemonic (_("A_dvanced"));
    GtkWidget *box      = gtk_vbox_new (FALSE, 6);
    GtkWidget *hbox     = gtk_hbox_new (FALSE, 6);
    gint       active   = 0;

    gtk_container_set_border_width (GTK_CONTAINER (box), 6);
    gtk_container_add (GTK_CONTAINER (expander), box);
    gtk_box_pack_start (GTK_BOX (vbox), expander, FALSE, FALSE, 0);

    store = check_button (box, N_("Allow Google to _store this request"),
                          v->store);
    gimp_help_set_help_data (store,
                             _("Off (the default): the request says "
                               "\"store\": false, and a project that keeps "
                               "requests (new paid projects, for up to 55 "
                               "days) keeps none of this one, its images "
                               "included"), NULL);

    thinking = gimp_int_combo_box_new (_("Default"), 0, _("Minimal"), 1,
                                       _("Medium"), 2, _("High"), 3, NULL);
    for (i = 1; thinking_levels[i]; i++)
      if (! g_ascii_strcasecmp (v->thinking, thinking_levels[i]))
        active = (gint) i;
    gimp_int_combo_box_set_active (GIMP_INT_COMBO_BOX (thinking), active);
    label = gtk_label_new_with_mnemonic (_("T_hinking level:"));
    gtk_label_set_mnemonic_widget (GTK_LABEL (label), thinking);
    gtk_box_pack_start (GTK_BOX (hbox), label, FALSE, FALSE, 0);
    gtk_box_pack_start (GTK_BOX (hbox), thinking, FALSE, FALSE, 0);
    gtk_box_pack_start (GTK_BOX (box), hbox, FALSE, FALSE, 0);
    widgets.thinking = thinking;
    model_changed (GTK_COMBO_BOX (widgets.model), &widgets);
  }

  gtk_widget_show_all (dialog);
  ok = gimp_dialog_run (GIMP_DIALOG (dialog)) == GTK_RESPONSE_OK;
  /* The list may still be on its way: its callback must touch nothing. */
  g_cancellable_cancel (fetch);

  if (ok)
    {
      GtkTextIter       start, end;
      g_autofree gchar *text = NULL;

      gtk_text_buffer_get_bounds (buffer, &start, &end);
      text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
      g_strlcpy (v->prompt, text, sizeof v->prompt);
      g_strlcpy (v->model, combo_text (widgets.model), sizeof v->model);
      g_strlcpy (v->ratio, combo_text (widgets.ratio), sizeof v->ratio);
      g_strlcpy (v->size, combo_text (widgets.size), sizeof v->size);
      v->variations     = (gint) gtk_adjustment_get_value (GTK_ADJUSTMENT (variations_adj));
      v->image_only     = gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (image_only));
      v->search         = gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (search));
      v->thought_layers = gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (thoughts));
      v->store          = gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (store));
      {
        gint level = 0;

        gimp_int_combo_box_get_active (GIMP_INT_COMBO_BOX (thinking), &level);
        g_strlcpy (v->thinking, thinking_levels[CLAMP (level, 0, 3)],
                   sizeof v->thinking);
      }
      if (px_adj)
        v->context_px  = (gint) gtk_adjustment_get_value (GTK_ADJUSTMENT (px_adj));
      if (pct_adj)
        v->context_pct = (gint) gtk_adjustment_get_value (GTK_ADJUSTMENT (pct_adj));
      if (grow_adj)
        {
          v->grow         = (gint) gtk_adjustment_get_value (GTK_ADJUSTMENT (grow_adj));
          v->feather      = gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (feather_auto)) ?
                            GG_MASK_FEATHER_AUTO :
                            gtk_adjustment_get_value (GTK_ADJUSTMENT (feather_adj));
          v->changed_only = gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (changed_only));
          v->hint         = gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (hint));
        }
      if (source)
        {
          gint value = 0;

          gimp_int_combo_box_get_active (GIMP_INT_COMBO_BOX (source), &value);
          v->visible = value == 1;
        }
      if (style)
        {
          gint value = -1;

          gimp_int_combo_box_get_active (GIMP_INT_COMBO_BOX (style), &value);
          options->style = value;
        }
      if (use_reference)
        {
          gint value = -1;
          gint which = 0;

          if (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (use_reference)))
            gimp_int_combo_box_get_active (GIMP_INT_COMBO_BOX (reference), &value);
          v->reference = value > 0 ? value : -1;
          gimp_int_combo_box_get_active (GIMP_INT_COMBO_BOX (role), &which);
          v->reference_role = which;
        }
      if (roles)
        g_strlcpy (v->roles, gtk_entry_get_text (GTK_ENTRY (roles)),
                   sizeof v->roles);
      {
        g_autofree gchar *name =
          gtk_file_chooser_get_filename (GTK_FILE_CHOOSER (file));

        v->use_file = gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (use_file)) &&
                      name && *name;
        g_strlcpy (v->file, name ? name : "", sizeof v->file);
        if (file_role)
          {
            gint which = 2;

            gimp_int_combo_box_get_active (GIMP_INT_COMBO_BOX (file_role), &which);
            v->file_role = which;
          }
        /* A chosen style file replaces the style layer. */
        if (style && v->use_file)
          options->style = -1;
      }
      if (as_layer)
        v->as_layer = gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (as_layer));
      if (include)
        v->include_region = gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (include));
    }

  gtk_widget_destroy (dialog);

  return ok;
}

gchar *
gimp2_key_dialog (gboolean *remember)
{
  GtkWidget *dialog;
  GtkWidget *vbox;
  GtkWidget *label;
  GtkWidget *entry;
  GtkWidget *check;
  gchar     *key = NULL;

  dialog = gimp_dialog_new (_("Gemini API Key"), PLUG_IN_ROLE, NULL, 0,
                            gimp_standard_help_func, NULL,
                            GTK_STOCK_CANCEL, GTK_RESPONSE_CANCEL,
                            GTK_STOCK_OK,     GTK_RESPONSE_OK,
                            NULL);
  gimp_window_set_transient (GTK_WINDOW (dialog));

  vbox = gtk_vbox_new (FALSE, 6);
  gtk_container_set_border_width (GTK_CONTAINER (vbox), 12);
  gtk_box_pack_start (GTK_BOX (gtk_dialog_get_content_area (GTK_DIALOG (dialog))),
                      vbox, TRUE, TRUE, 0);

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

  check = gtk_check_button_new_with_mnemonic
    (_("_Remember it (desktop keyring, else a private file in the GIMP profile)"));
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (check), *remember);
  gtk_box_pack_start (GTK_BOX (vbox), check, FALSE, FALSE, 0);

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
