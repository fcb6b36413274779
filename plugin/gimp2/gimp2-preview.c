/* gimp-gemini for GIMP 2.10: the dialog's size-and-cost line
 * (gimp2-preview.h).
 *
 * An edit's answer follows the region sent when no ratio is chosen: the
 * plan is gimp2_plan_edit (), the run's own, over the active layer (or
 * the canvas) and the selection; the figures are common/'s gg_estimate_*,
 * as GIMP 3's dialogs show them.
 */

#include <libgimp/gimp.h>
#include <libgimp/gimpui.h>

#include "gg-estimate.h"

#include "gimp2-host.h"
#include "gimp2-plan.h"
#include "gimp2-preview.h"


const gchar *
gimp2_combo_text (GtkWidget *combo)
{
  return gtk_entry_get_text (GTK_ENTRY (gtk_bin_get_child (GTK_BIN (combo))));
}

static gint
adjustment_value (GtkObject *adjustment,
                  gint       fallback)
{
  return adjustment ?
         (gint) gtk_adjustment_get_value (GTK_ADJUSTMENT (adjustment)) :
         fallback;
}

/* The line of an edit: the plan the run makes of the same values. */
static gchar *
estimate_edit (Gimp2Estimate *estimate,
               const gchar   *model,
               const gchar   *size,
               gint           variations)
{
  g_autoptr (GError) error     = NULL;
  g_autofree gchar  *name      = NULL;
  Gimp2Values        values    = { 0, };
  GgHostCanvas       canvas;
  GgRegionPlan       plan;
  GgEstimate         figures;
  gint               visible   = 0;
  gint32             drawable  = gimp_image_get_active_drawable (estimate->image);

  if (drawable > 0 && gimp_item_is_layer_mask (drawable))
    drawable = gimp_layer_from_mask (drawable);
  if (estimate->source)
    gimp_int_combo_box_get_active (GIMP_INT_COMBO_BOX (estimate->source),
                                   &visible);

  g_strlcpy (values.model, model ? model : "", sizeof values.model);
  g_strlcpy (values.size, size ? size : "", sizeof values.size);
  values.context_px  = adjustment_value (estimate->context_px, 0);
  values.context_pct = adjustment_value (estimate->context_pct, 0);
  values.grow        = adjustment_value (estimate->grow, 0);

  gimp2_canvas_read (estimate->image, drawable, visible, &canvas);
  if (drawable > 0)
    name = gimp_item_get_name (drawable);
  canvas.name = name;

  if (! gimp2_plan_edit (&values, &canvas, &plan, &error))
    return g_strdup (error->message);

  gg_estimate_plan (model, &plan, variations, &figures);

  return gg_estimate_describe (&figures, plan.ratio, plan.size);
}

void
gimp2_estimate_update (Gimp2Estimate *estimate)
{
  const gchar      *model = gg_front_option (gimp2_combo_text (estimate->model));
  const gchar      *ratio = gg_front_option (gimp2_combo_text (estimate->ratio));
  const gchar      *size  = gg_front_option (gimp2_combo_text (estimate->size));
  g_autofree gchar *text  = NULL;
  GgEstimate        figures;
  gint              variations;

  if (! estimate->label)
    return;

  variations = adjustment_value (estimate->variations, 1);

  if (estimate->kind == GIMP2_KIND_REFINE && ! ratio)
    text = g_strdup (_("The answer has the conversation's ratio and size."));
  else if ((estimate->kind == GIMP2_KIND_EDIT ||
            estimate->kind == GIMP2_KIND_STYLE) && ! ratio &&
           estimate->image > 0 && gimp_image_is_valid (estimate->image))
    text = estimate_edit (estimate, model, size, variations);
  else
    {
      gg_estimate_generate (model, ratio, size, variations, &figures);
      text = gg_estimate_describe (&figures, ratio, size);
    }

  gtk_label_set_text (GTK_LABEL (estimate->label), text);
}

static void
estimate_changed (gpointer       widget,
                  Gimp2Estimate *estimate)
{
  gimp2_estimate_update (estimate);
}

void
gimp2_estimate_follow (Gimp2Estimate *estimate)
{
  gpointer adjustments[] = { estimate->variations, estimate->context_px,
                             estimate->context_pct, estimate->grow };
  guint    i;

  g_signal_connect (estimate->ratio, "changed",
                    G_CALLBACK (estimate_changed), estimate);
  g_signal_connect (estimate->size, "changed",
                    G_CALLBACK (estimate_changed), estimate);
  for (i = 0; i < G_N_ELEMENTS (adjustments); i++)
    if (adjustments[i])
      g_signal_connect (adjustments[i], "value-changed",
                        G_CALLBACK (estimate_changed), estimate);
  if (estimate->source)
    g_signal_connect (estimate->source, "changed",
                      G_CALLBACK (estimate_changed), estimate);
}
