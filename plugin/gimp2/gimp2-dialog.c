/* gimp-gemini for GIMP 2.10: the GTK 2 dialogs (UI only, no work).
 *
 * One dialog for Generate, Edit, Style Transfer, Refine and Compose,
 * offering what the GIMP 3 dialogs offer (free-text model, ratio and size,
 * so that a model newer than the catalogue still works); the values go
 * back into Gimp2Values, which the caller remembers. */

#include <string.h>

#include <libgimp/gimp.h>
#include <libgimp/gimpui.h>

#include "gg-catalogue.h"
#include "gg-front-models.h"
#include "gg-mask.h"

#include "gimp2-dialog.h"
#include "gimp2-form.h"
#include "gimp2-preview.h"


/* One dialog's widgets; those its kind lacks are NULL. */
typedef struct
{
  Gimp2Kind      kind;
  Gimp2Options  *options;
  gint32         image;
  GtkWidget     *vbox;
  GtkWidget     *table;
  gint           row;
  GtkTextBuffer *buffer;         /* the prompt */
  Gimp2Estimate  estimate;       /* the model's choices, the context, grow */
  GtkWidget     *model_label;
  GCancellable  *fetch;          /* the remote model list */
  GtkObject     *feather;
  GtkWidget     *feather_auto;
  GtkWidget     *style;
  GtkWidget     *roles;
  GtkWidget     *use_reference;
  GtkWidget     *reference;
  GtkWidget     *role;
  GtkWidget     *use_file;
  GtkWidget     *file;
  GtkWidget     *file_role;
  GtkWidget     *image_only;
  GtkWidget     *search;
  GtkWidget     *thoughts;
  GtkWidget     *as_layer;
  GtkWidget     *include;
  GtkWidget     *changed_only;
  GtkWidget     *hint;
  GtkWidget     *store;
  GtkWidget     *thinking;
} Dialog;

static const gchar *const thinking_levels[] =
{
  "", "minimal", "medium", "high", NULL
};


static GtkWidget *
entry_combo (const gchar *text)
{
  GtkWidget *combo = gtk_combo_box_text_new_with_entry ();

  gtk_entry_set_text (GTK_ENTRY (gtk_bin_get_child (GTK_BIN (combo))),
                      text ? text : "");
  return combo;
}

static GtkWidget *
wrapped_label (const gchar *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_line_wrap (GTK_LABEL (label), TRUE);
  gtk_misc_set_alignment (GTK_MISC (label), 0.0, 0.5);

  return label;
}

/* @widget in the table's right column, on a row of its own. */
static void
attach_right (Dialog    *d,
              GtkWidget *widget)
{
  gtk_table_attach (GTK_TABLE (d->table), widget, 1, 2, d->row, d->row + 1,
                    GTK_FILL, GTK_FILL, 0, 0);
  d->row++;
}

/* A check button (@toggle) left and @widget right, on one row. */
static void
attach_pair (Dialog    *d,
             GtkWidget *toggle,
             GtkWidget *widget)
{
  gtk_table_attach (GTK_TABLE (d->table), toggle, 0, 1, d->row, d->row + 1,
                    GTK_FILL, GTK_FILL, 0, 0);
  gtk_table_attach (GTK_TABLE (d->table), widget, 1, 2, d->row, d->row + 1,
                    GTK_EXPAND | GTK_FILL, GTK_FILL, 0, 0);
  d->row++;
}

static GtkWidget *
attach_spin (Dialog       *d,
             const gchar  *label,
             GtkObject   **adjustment,
             gint          value,
             gint          lower,
             gint          upper,
             gint          page)
{
  GtkWidget *spin = gimp_spin_button_new (adjustment, value, lower, upper,
                                          1, page, 0, 1, 0);

  gimp_table_attach_aligned (GTK_TABLE (d->table), 0, d->row++, label,
                             0.0, 0.5, spin, 1, TRUE);
  return spin;
}

/* @combo's suggestions: "auto", then @choices (NULL-terminated, may be
 * NULL); what is typed in it stays. */
static void
suggest (GtkWidget          *combo,
         const gchar *const *choices)
{
  gtk_list_store_clear (GTK_LIST_STORE (gtk_combo_box_get_model (GTK_COMBO_BOX (combo))));
  gtk_combo_box_text_append_text (GTK_COMBO_BOX_TEXT (combo), "auto");
  for (; choices && *choices; choices++)
    gtk_combo_box_text_append_text (GTK_COMBO_BOX_TEXT (combo), *choices);
}

/* The model's ratios and sizes as suggestions, what it is, whether it
 * takes a size (one without rejects imageSize) and a thinking level
 * (unknown: it may). */
static void
model_changed (GtkComboBox *combo,
               Dialog      *d)
{
  Gimp2Estimate *e     = &d->estimate;
  const gchar   *name  = gimp2_combo_text (e->model);
  const GgModel *model = gg_catalogue_lookup (name);

  suggest (e->ratio, model ? model->ratios : NULL);
  suggest (e->size, model ? model->sizes : NULL);
  gtk_label_set_text (GTK_LABEL (d->model_label),
                      model ? model->label :
                      ! *name ? _("The default (for Refine: the conversation's model)") :
                      _("Not in the catalogue: sent as written"));
  gtk_widget_set_sensitive (e->size, ! model || gg_model_has_sizes (model));
  if (d->thinking)
    gtk_widget_set_sensitive (d->thinking,
                              ! model || ! model->thinking_levels ||
                              model->thinking_levels[0]);

  gimp2_estimate_update (e);
}

/* The remote list arrived: the names the combo lacks are appended.  The
 * dialog is gone when the fetch was cancelled: nothing is touched then. */
static void
models_fetched (GObject      *source,
                GAsyncResult *result,
                gpointer      data)
{
  g_autoptr (GPtrArray)  remote = gg_front_models_fetch_finish (result, NULL);
  g_autoptr (GHashTable) known  = NULL;
  g_auto (GStrv)         names  = NULL;
  GtkTreeModel          *store;
  GtkTreeIter            iter;
  gboolean               more;
  guint                  i;

  /* No key, offline, cancelled: the catalogue's models stay. */
  if (! remote)
    return;

  store = gtk_combo_box_get_model (GTK_COMBO_BOX (data));
  known = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (more = gtk_tree_model_get_iter_first (store, &iter); more;
       more = gtk_tree_model_iter_next (store, &iter))
    {
      gchar *name = NULL;

      gtk_tree_model_get (store, &iter, 0, &name, -1);
      if (name)
        g_hash_table_add (known, name);
    }

  names = gg_front_model_names (remote);
  for (i = 0; names[i]; i++)
    if (! g_hash_table_contains (known, names[i]))
      gtk_combo_box_text_append_text (GTK_COMBO_BOX_TEXT (data), names[i]);
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

GtkWidget *
gimp2_check_button (GtkWidget   *box,
                    const gchar *label,
                    gboolean     active)
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


/* The note, the prompt, and under it a template form and the recent
 * prompts, both writing into it (gimp2-form.c). */
static void
dialog_prompt (Dialog      *d,
               const gchar *note)
{
  GtkWidget *label;
  GtkWidget *scrolled;
  GtkWidget *prompt;
  GtkWidget *hbox;
  GtkWidget *side;

  if (note)
    gtk_box_pack_start (GTK_BOX (d->vbox), wrapped_label (note),
                        FALSE, FALSE, 0);

  label = gtk_label_new_with_mnemonic (d->kind == GIMP2_KIND_STYLE ?
                                       _("_Prompt (optional):") : _("_Prompt:"));
  gtk_misc_set_alignment (GTK_MISC (label), 0.0, 0.5);
  gtk_box_pack_start (GTK_BOX (d->vbox), label, FALSE, FALSE, 0);

  scrolled = gtk_scrolled_window_new (NULL, NULL);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled),
                                  GTK_POLICY_AUTOMATIC, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_shadow_type (GTK_SCROLLED_WINDOW (scrolled),
                                       GTK_SHADOW_IN);
  gtk_widget_set_size_request (scrolled, 420, 96);
  gtk_box_pack_start (GTK_BOX (d->vbox), scrolled, TRUE, TRUE, 0);
  prompt = gtk_text_view_new ();
  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (prompt), GTK_WRAP_WORD);
  d->buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (prompt));
  gtk_text_buffer_set_text (d->buffer, d->options->values.prompt, -1);
  gtk_container_add (GTK_CONTAINER (scrolled), prompt);
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), prompt);

  hbox = gtk_hbox_new (FALSE, 6);
  side = gtk_vbox_new (FALSE, 0);
  gtk_box_pack_start (GTK_BOX (hbox),
                      gimp2_form_new (d->buffer,
                                      d->kind == GIMP2_KIND_GENERATE ?
                                      GG_TEMPLATE_GENERATE :
                                      GG_TEMPLATE_EDIT),
                      TRUE, TRUE, 0);
  /* The button keeps its height when the form opens. */
  gtk_box_pack_start (GTK_BOX (side), gimp2_history_new (d->buffer),
                      FALSE, FALSE, 0);
  gtk_box_pack_end (GTK_BOX (hbox), side, FALSE, FALSE, 0);
  gtk_box_pack_start (GTK_BOX (d->vbox), hbox, FALSE, FALSE, 0);
}

/* The model (with the catalogue's and the key's models), its ratio, size
 * and variations, and the size-and-cost line. */
static void
dialog_model (Dialog *d)
{
  Gimp2Values      *v            = &d->options->values;
  g_auto (GStrv)    models       = gg_front_model_names (NULL);
  g_autofree gchar *retired_note = NULL;
  const gchar      *replacement;
  Gimp2Estimate    *e            = &d->estimate;
  guint             i;

  /* A model remembered from an older version that has been retired
   * since: its replacement is selected, and the dialog says so. */
  replacement = gg_front_retired_choice (v->model, &retired_note);
  if (replacement)
    g_strlcpy (v->model, replacement, sizeof v->model);

  e->model = entry_combo (v->model);
  for (i = 0; models[i]; i++)
    gtk_combo_box_text_append_text (GTK_COMBO_BOX_TEXT (e->model), models[i]);
  gimp_table_attach_aligned (GTK_TABLE (d->table), 0, d->row++, _("_Model:"),
                             0.0, 0.5, e->model, 1, FALSE);
  d->model_label = gtk_label_new (NULL);
  gtk_misc_set_alignment (GTK_MISC (d->model_label), 0.0, 0.5);
  gimp_label_set_attributes (GTK_LABEL (d->model_label),
                             PANGO_ATTR_STYLE, PANGO_STYLE_ITALIC, -1);
  attach_right (d, d->model_label);
  if (retired_note || gimp2_catalogue_problem)
    {
      g_autofree gchar *text =
        g_strjoin ("\n", retired_note ? retired_note : gimp2_catalogue_problem,
                   retired_note ? gimp2_catalogue_problem : NULL, NULL);
      GtkWidget        *label = wrapped_label (text);

      gimp_label_set_attributes (GTK_LABEL (label),
                                 PANGO_ATTR_WEIGHT, PANGO_WEIGHT_BOLD, -1);
      attach_right (d, label);
    }
  /* The models the key can use, as `gemini-image models --remote` lists
   * them: in the background, so that the dialog never waits for them. */
  gg_front_models_fetch_async (gimp_directory (), d->fetch, models_fetched,
                               e->model);

  e->ratio = entry_combo (v->ratio);
  gimp_table_attach_aligned (GTK_TABLE (d->table), 0, d->row++,
                             _("_Aspect ratio:"), 0.0, 0.5, e->ratio, 1, FALSE);
  e->size = entry_combo (v->size);
  gimp_table_attach_aligned (GTK_TABLE (d->table), 0, d->row++,
                             d->kind == GIMP2_KIND_GENERATE ||
                             d->kind == GIMP2_KIND_COMPOSE ? _("_Size:") :
                             _("_Largest size:"), 0.0, 0.5, e->size, 1, FALSE);
  attach_spin (d, _("_Variations:"), &e->variations, v->variations, 1,
               GG_FRONT_MAX_VARIATIONS, 1);

  e->label = wrapped_label (NULL);
  gimp_label_set_attributes (GTK_LABEL (e->label),
                             PANGO_ATTR_STYLE, PANGO_STYLE_ITALIC, -1);
  attach_right (d, e->label);
}

/* Edit and Style Transfer: the context around the selection and what is
 * sent. */
static void
dialog_context (Dialog *d)
{
  Gimp2Values   *v = &d->options->values;
  Gimp2Estimate *e = &d->estimate;

  attach_spin (d, _("Context (_pixels):"), &e->context_px, v->context_px,
               0, 4096, 16);
  attach_spin (d,
               /* xgettext:no-c-format */
               _("Context (% of selection si_ze):"), &e->context_pct,
               v->context_pct, 0, 200, 10);
  e->source = gimp_int_combo_box_new (_("Layer"), 0, _("Visible"), 1, NULL);
  gimp_int_combo_box_set_active (GIMP_INT_COMBO_BOX (e->source),
                                 v->visible ? 1 : 0);
  gimp_table_attach_aligned (GTK_TABLE (d->table), 0, d->row++, _("So_urce:"),
                             0.0, 0.5, e->source, 1, FALSE);
}

/* Edit, Style Transfer and Refine: how the result is masked (GIMP 3's
 * "grow" and "feather"). */
static void
dialog_mask (Dialog *d)
{
  Gimp2Values *v = &d->options->values;
  GtkWidget   *hbox;
  GtkWidget   *spin;

  spin = attach_spin (d, _("_Grow selection (px)"), &d->estimate.grow,
                      v->grow, -1000, 1000, 4);
  gimp_help_set_help_data (spin,
                           _("Pixels the selection grows by before "
                             "feathering (negative: shrinks); the "
                             "layer mask is 0 outside the grown "
                             "selection"), NULL);

  hbox = gtk_hbox_new (FALSE, 6);
  spin = gimp_spin_button_new (&d->feather, v->feather < 0 ? 0.0 : v->feather,
                               0.0, 1000.0, 1.0, 4.0, 0.0, 1.0, 1);
  gtk_box_pack_start (GTK_BOX (hbox), spin, FALSE, FALSE, 0);
  d->feather_auto = gtk_check_button_new_with_mnemonic (_("Automatic feather _width"));
  gimp_help_set_help_data (d->feather_auto,
                           /* xgettext:no-c-format */
                           _("10 % of the selection's smaller side, "
                             "2 to 25 px"), NULL);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (d->feather_auto),
                                v->feather < 0);
  gtk_box_pack_start (GTK_BOX (hbox), d->feather_auto, FALSE, FALSE, 0);
  g_signal_connect (d->feather_auto, "toggled",
                    G_CALLBACK (toggle_insensitive), spin);
  toggle_insensitive (GTK_TOGGLE_BUTTON (d->feather_auto), spin);
  gimp_table_attach_aligned (GTK_TABLE (d->table), 0, d->row++,
                             _("_Feather (px)"), 0.0, 0.5, hbox, 1, FALSE);
}

/* The style layer, Compose's roles, the reference layer (with its role). */
static void
dialog_layers (Dialog *d)
{
  Gimp2Values *v = &d->options->values;

  if (d->kind == GIMP2_KIND_STYLE)
    {
      d->style = gimp_drawable_combo_box_new (any_drawable, NULL);
      if (d->options->style > 0)
        gimp_int_combo_box_set_active (GIMP_INT_COMBO_BOX (d->style),
                                       d->options->style);
      gimp_table_attach_aligned (GTK_TABLE (d->table), 0, d->row++,
                                 _("St_yle from:"), 0.0, 0.5, d->style, 1,
                                 FALSE);
    }

  if (d->kind == GIMP2_KIND_COMPOSE)
    {
      /* One role per layer sent, in their order (the active one first). */
      d->roles = gtk_entry_new ();
      gtk_entry_set_text (GTK_ENTRY (d->roles), v->roles);
      gimp_help_set_help_data (d->roles,
                               _("One per layer, comma-separated: style, "
                                 "subject, object, person, composition (the "
                                 "last repeats; empty: object)"), NULL);
      gimp_table_attach_aligned (GTK_TABLE (d->table), 0, d->row++,
                                 _("_Roles:"), 0.0, 0.5, d->roles, 1, FALSE);
    }

  if (d->kind == GIMP2_KIND_GENERATE || d->kind == GIMP2_KIND_EDIT ||
      d->kind == GIMP2_KIND_REFINE)
    {
      gboolean valid = v->reference > 0 && gimp_item_is_valid (v->reference);

      d->use_reference = gtk_check_button_new_with_mnemonic (_("_Reference layer:"));
      d->reference = gimp_drawable_combo_box_new (any_drawable, NULL);
      if (valid)
        gimp_int_combo_box_set_active (GIMP_INT_COMBO_BOX (d->reference),
                                       v->reference);
      gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (d->use_reference),
                                    valid);
      attach_pair (d, d->use_reference, d->reference);
      d->role = role_combo (v->reference_role);
      gimp_table_attach_aligned (GTK_TABLE (d->table), 0, d->row++,
                                 _("Reference r_ole:"), 0.0, 0.5, d->role, 1,
                                 FALSE);
      g_signal_connect (d->use_reference, "toggled",
                        G_CALLBACK (toggle_sensitive), d->reference);
      g_signal_connect (d->use_reference, "toggled",
                        G_CALLBACK (toggle_sensitive), d->role);
      toggle_sensitive (GTK_TOGGLE_BUTTON (d->use_reference), d->reference);
      toggle_sensitive (GTK_TOGGLE_BUTTON (d->use_reference), d->role);
    }
}

/* A file: a reference (with its role) everywhere, the style itself in
 * Style Transfer, where it replaces the style layer. */
static void
dialog_file (Dialog *d)
{
  Gimp2Values *v     = &d->options->values;
  gboolean     style = d->kind == GIMP2_KIND_STYLE;

  d->use_file = gtk_check_button_new_with_mnemonic (style ?
                                                    _("Or style from a _file:") :
                                                    _("Reference _file:"));
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (d->use_file),
                                v->use_file && *v->file);
  d->file = gtk_file_chooser_button_new (style ? _("Style File") :
                                         _("Reference File"),
                                         GTK_FILE_CHOOSER_ACTION_OPEN);
  add_image_filters (GTK_FILE_CHOOSER (d->file));
  if (*v->file)
    gtk_file_chooser_set_filename (GTK_FILE_CHOOSER (d->file), v->file);
  attach_pair (d, d->use_file, d->file);
  g_signal_connect (d->use_file, "toggled", G_CALLBACK (toggle_sensitive),
                    d->file);
  toggle_sensitive (GTK_TOGGLE_BUTTON (d->use_file), d->file);
  if (! style)
    {
      d->file_role = role_combo (v->file_role);
      gimp_table_attach_aligned (GTK_TABLE (d->table), 0, d->row++,
                                 _("File ro_le:"), 0.0, 0.5, d->file_role, 1,
                                 FALSE);
      g_signal_connect (d->use_file, "toggled", G_CALLBACK (toggle_sensitive),
                        d->file_role);
      toggle_sensitive (GTK_TOGGLE_BUTTON (d->use_file), d->file_role);
    }
}

/* The check buttons under the table. */
static void
dialog_checks (Dialog *d)
{
  Gimp2Values *v = &d->options->values;

  GtkWidget   *box = d->vbox;

  d->image_only = gimp2_check_button (box, N_("_Image only (no text in the answer)"),
                                      v->image_only);
  d->search     = gimp2_check_button (box, N_("Ground with Google _Search"),
                                      v->search);
  d->thoughts   = gimp2_check_button (box, N_("Keep _thought images (hidden layers)"),
                                      v->thought_layers);
  if (d->kind == GIMP2_KIND_GENERATE || d->kind == GIMP2_KIND_COMPOSE)
    {
      d->as_layer = gimp2_check_button (box, N_("Add as a _layer to this image"),
                                        d->image > 0 && v->as_layer);
      /* Means nothing when no image is open. */
      gtk_widget_set_sensitive (d->as_layer, d->image > 0);
    }
  if (d->kind == GIMP2_KIND_REFINE)
    d->include = gimp2_check_button (box, N_("Send the _current pixels too"),
                                     v->include_region);
  if (d->estimate.grow)
    {
      d->changed_only = gimp2_check_button (box, N_("_Changed pixels only"),
                                            v->changed_only);
      gimp_help_set_help_data (d->changed_only,
                               _("With nothing selected: mask the new "
                                 "layer to the pixels the model "
                                 "changed, so that what it did not "
                                 "mean to change stays as it was"), NULL);
      d->hint = gimp2_check_button (box, N_("Send the editable area as a _hint"),
                                    v->hint);
      gimp_help_set_help_data (d->hint,
                               _("With a selection: also send an image, "
                                 "white where pixels may change and "
                                 "black elsewhere, with a sentence "
                                 "saying so"), NULL);
    }
}

/* Closed by default: the storage opt-in and the thinking level. */
static void
dialog_advanced (Dialog *d)
{
  Gimp2Values *v        = &d->options->values;
  GtkWidget   *expander = gtk_expander_new_with_mnemonic (_("A_dvanced"));
  GtkWidget   *box      = gtk_vbox_new (FALSE, 6);
  GtkWidget   *hbox     = gtk_hbox_new (FALSE, 6);
  GtkWidget   *label;
  gint         active   = 0;
  guint        i;

  gtk_container_set_border_width (GTK_CONTAINER (box), 6);
  gtk_container_add (GTK_CONTAINER (expander), box);
  gtk_box_pack_start (GTK_BOX (d->vbox), expander, FALSE, FALSE, 0);

  d->store = gimp2_check_button (box, N_("Allow Google to _store this request"),
                                 v->store);
  gimp_help_set_help_data (d->store,
                           _("Off (the default): the request says "
                             "\"store\": false, and a project that keeps "
                             "requests (new paid projects, for up to 55 "
                             "days) keeps none of this one, its images "
                             "included"), NULL);

  d->thinking = gimp_int_combo_box_new (_("Default"), 0, _("Minimal"), 1,
                                        _("Medium"), 2, _("High"), 3, NULL);
  for (i = 1; thinking_levels[i]; i++)
    if (! g_ascii_strcasecmp (v->thinking, thinking_levels[i]))
      active = (gint) i;
  gimp_int_combo_box_set_active (GIMP_INT_COMBO_BOX (d->thinking), active);
  label = gtk_label_new_with_mnemonic (_("T_hinking level:"));
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), d->thinking);
  gtk_box_pack_start (GTK_BOX (hbox), label, FALSE, FALSE, 0);
  gtk_box_pack_start (GTK_BOX (hbox), d->thinking, FALSE, FALSE, 0);
  gtk_box_pack_start (GTK_BOX (box), hbox, FALSE, FALSE, 0);
}

static gboolean
active (GtkWidget *toggle)
{
  return gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (toggle));
}

static gint
combo_value (GtkWidget *combo,
             gint       fallback)
{
  gint value = fallback;

  gimp_int_combo_box_get_active (GIMP_INT_COMBO_BOX (combo), &value);
  return value;
}

static gdouble
adjustment (GtkObject *adjustment)
{
  return gtk_adjustment_get_value (GTK_ADJUSTMENT (adjustment));
}

/* The layers and the file chosen, into @d's options. */
static void
dialog_read_references (Dialog *d)
{
  Gimp2Values      *v    = &d->options->values;
  g_autofree gchar *name =
    gtk_file_chooser_get_filename (GTK_FILE_CHOOSER (d->file));

  if (d->style)
    d->options->style = combo_value (d->style, -1);
  if (d->use_reference)
    {
      gint value = active (d->use_reference) ?
                   combo_value (d->reference, -1) : -1;

      v->reference      = value > 0 ? value : -1;
      v->reference_role = combo_value (d->role, 0);
    }
  if (d->roles)
    g_strlcpy (v->roles, gtk_entry_get_text (GTK_ENTRY (d->roles)),
               sizeof v->roles);

  v->use_file = active (d->use_file) && name && *name;
  g_strlcpy (v->file, name ? name : "", sizeof v->file);
  if (d->file_role)
    v->file_role = combo_value (d->file_role, 2);
  /* A chosen style file replaces the style layer. */
  if (d->style && v->use_file)
    d->options->style = -1;
}

/* Everything chosen, into @d's values. */
static void
dialog_read (Dialog *d)
{
  Gimp2Values      *v = &d->options->values;
  Gimp2Estimate    *e = &d->estimate;
  GtkTextIter       start, end;
  g_autofree gchar *text = NULL;

  gtk_text_buffer_get_bounds (d->buffer, &start, &end);
  text = gtk_text_buffer_get_text (d->buffer, &start, &end, FALSE);
  g_strlcpy (v->prompt, text, sizeof v->prompt);
  g_strlcpy (v->model, gimp2_combo_text (e->model), sizeof v->model);
  g_strlcpy (v->ratio, gimp2_combo_text (e->ratio), sizeof v->ratio);
  g_strlcpy (v->size, gimp2_combo_text (e->size), sizeof v->size);
  v->variations     = (gint) adjustment (e->variations);
  v->image_only     = active (d->image_only);
  v->search         = active (d->search);
  v->thought_layers = active (d->thoughts);
  v->store          = active (d->store);
  g_strlcpy (v->thinking,
             thinking_levels[CLAMP (combo_value (d->thinking, 0), 0, 3)],
             sizeof v->thinking);
  if (e->context_px)
    v->context_px  = (gint) adjustment (e->context_px);
  if (e->context_pct)
    v->context_pct = (gint) adjustment (e->context_pct);
  if (e->source)
    v->visible = combo_value (e->source, 0) == 1;
  if (e->grow)
    {
      v->grow         = (gint) adjustment (e->grow);
      v->feather      = active (d->feather_auto) ? GG_MASK_FEATHER_AUTO :
                        adjustment (d->feather);
      v->changed_only = active (d->changed_only);
      v->hint         = active (d->hint);
    }
  if (d->as_layer)
    v->as_layer = active (d->as_layer);
  if (d->include)
    v->include_region = active (d->include);

  dialog_read_references (d);
}

GtkWidget *
gimp2_dialog_window (const gchar  *title,
                     GtkWidget   **vbox)
{
  GtkWidget *dialog = gimp_dialog_new (title, PLUG_IN_ROLE, NULL, 0,
                                       gimp_standard_help_func, NULL,
                                       GTK_STOCK_CANCEL, GTK_RESPONSE_CANCEL,
                                       GTK_STOCK_OK,     GTK_RESPONSE_OK,
                                       NULL);

  gimp_window_set_transient (GTK_WINDOW (dialog));
  *vbox = gtk_vbox_new (FALSE, 6);
  gtk_container_set_border_width (GTK_CONTAINER (*vbox), 12);
  gtk_box_pack_start (GTK_BOX (gtk_dialog_get_content_area (GTK_DIALOG (dialog))),
                      *vbox, TRUE, TRUE, 0);

  return dialog;
}

gboolean
gimp2_dialog (Gimp2Kind     kind,
              Gimp2Options *options,
              gint32        image,
              const gchar  *note)
{
  static const gchar *titles[] =
  {
    N_("Gemini: Generate"), N_("Gemini: Edit"), N_("Gemini: Style Transfer"),
    N_("Gemini: Refine"), N_("Gemini: Compose")
  };
  g_autoptr (GCancellable) fetch = g_cancellable_new ();
  Dialog                   d     = { 0, };
  GtkWidget               *dialog;
  gboolean                 ok;

  g_return_val_if_fail (kind < G_N_ELEMENTS (titles), FALSE);

  d.kind           = kind;
  d.options        = options;
  d.image          = image;
  d.fetch          = fetch;
  d.estimate.kind  = kind;
  d.estimate.image = image;

  dialog = gimp2_dialog_window (_(titles[kind]), &d.vbox);

  dialog_prompt (&d, note);

  d.table = gtk_table_new (12, 2, FALSE);
  gtk_table_set_row_spacings (GTK_TABLE (d.table), 4);
  gtk_table_set_col_spacings (GTK_TABLE (d.table), 6);
  gtk_box_pack_start (GTK_BOX (d.vbox), d.table, FALSE, FALSE, 0);

  dialog_model (&d);
  if (kind == GIMP2_KIND_EDIT || kind == GIMP2_KIND_STYLE)
    dialog_context (&d);
  if (kind == GIMP2_KIND_EDIT || kind == GIMP2_KIND_STYLE ||
      kind == GIMP2_KIND_REFINE)
    dialog_mask (&d);
  dialog_layers (&d);
  dialog_file (&d);
  dialog_checks (&d);
  dialog_advanced (&d);

  /* The choices are all made: the line follows each of them, the grow
   * included, as the run's plan does. */
  g_signal_connect (d.estimate.model, "changed", G_CALLBACK (model_changed),
                    &d);
  gimp2_estimate_follow (&d.estimate);
  model_changed (GTK_COMBO_BOX (d.estimate.model), &d);

  gtk_widget_show_all (dialog);
  ok = gimp_dialog_run (GIMP_DIALOG (dialog)) == GTK_RESPONSE_OK;
  /* The list may still be on its way: its callback must touch nothing. */
  g_cancellable_cancel (fetch);

  if (ok)
    dialog_read (&d);

  gtk_widget_destroy (dialog);

  return ok;
}
