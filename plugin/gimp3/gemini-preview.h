/* gemini-preview.h: what an edit will send, planned before it runs, shown
 * on a small preview; and the answer's size and cost under the model grid. */
#pragma once

#include <libgimp/gimp.h>
#include <libgimp/gimpui.h>

#include "gg-region.h"

G_BEGIN_DECLS

/* Where an edit of @source in @image works and what it sends. */
typedef struct
{
  GgRect       space;          /* the layer's pixels, or the canvas */
  gint         origin_x;       /* the space's top left on the canvas */
  gint         origin_y;
  gboolean     has_selection;
  GgRegionPlan plan;           /* in space coordinates */
} GeminiEditPlan;

/* Plans the edit as the run will (gg_run_plan_edit () of the engine, over
 * gemini_host_canvas () and @config's options): the selection's bounds in
 * the layer (or, with source "visible", the canvas), grown by "grow",
 * planned with @config's context, model and size.  FALSE with @error as
 * the run would fail (a selection that misses the layer, a size the
 * model lacks). */
gboolean    gemini_edit_plan        (GimpProcedureConfig *config,
                                     GimpImage           *image,
                                     GimpLayer           *source,
                                     GeminiEditPlan      *plan,
                                     GError             **error);

/* A small picture of the layer (or the visible image) with the region
 * that will be sent and the selection drawn on it, and a line saying
 * what is sent; redrawn when @config's context, source, model, size or
 * grow change. */
GtkWidget * gemini_preview_new      (GimpProcedureConfig *config,
                                     GimpImage           *image,
                                     GimpLayer           *source);

/* An italic line under the model grid: the answer's pixel dimensions and
 * estimated cost (gg_estimate_describe ()), updated when @config's model,
 * ratio, size or variations change.  @image and @source NULL: a
 * generation; else an edit of @source, planned as gemini_edit_plan ().
 * @conversation: Refine, whose empty ratio and size are the
 * conversation's. */
GtkWidget * gemini_estimate_new     (GimpProcedureConfig *config,
                                     GimpImage           *image,
                                     GimpLayer           *source,
                                     gboolean             conversation);

G_END_DECLS
