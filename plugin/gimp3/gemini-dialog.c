/* gimp-gemini: the dialogs of the GIMP 3 plug-in.
 *
 * UI only: each dialog edits a GimpProcedureConfig and the run functions
 * in gemini-runs.c do the work.  Around the prompt: a template form and
 * the recent prompts (gemini-form.c); under it the model grid with the
 * answer's size and cost (gemini-models.c); in the edit dialogs, a
 * preview of the region sent (gemini-preview.c).  The key's dialog is
 * gemini-key.c's.
 */

#include <string.h>

#include <libgimp/gimp.h>
#include <libgimp/gimpui.h>

#include "gg-mask.h"
#include "gg-template.h"

#include "gemini.h"
#include "gemini-dialog.h"
#include "gemini-form.h"
#include "gemini-intl.h"
#include "gemini-models.h"
#include "gemini-preview.h"


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
  grid = gemini_model_grid_new (dialog, config, size_label, extras->image,
                                extras->source, extras->conversation);
  dialog_insert_after (dialog, grid, "prompt");

  history = gemini_history_new (G_OBJECT (config));
  dialog_insert_after (dialog, history, "prompt");
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
 * (gemini-procedures.c's add_dialog_reference (); Compose has only the
 * file). */
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
