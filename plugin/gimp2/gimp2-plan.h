/* gimp2-plan.h: the edit's plan, made once for the run and for the
 * dialog's size-and-cost line, so that the two cannot disagree. */
#pragma once

#include "gg-region.h"

#include "gimp2.h"

G_BEGIN_DECLS

/* The space an edit works in and the selection over it (GgHostCanvas of
 * common/gg-run.h, field for field). */
typedef struct
{
  GgRect       space;            /* x = y = 0: the layer's size, or the
                                  * canvas with "visible" */
  gint         origin_x;         /* the space's place in the image */
  gint         origin_y;
  gboolean     has_selection;
  GgRect       selection;        /* image coordinates: the selection's bounds */
  const gchar *name;             /* the source's name, for messages */
} Gimp2Canvas;

/* The plan gg_region_plan () makes of @canvas with @values' model, size,
 * context and grow: the region planned around the grown selection (space
 * coordinates in *@area, may be NULL; empty without a selection).  FALSE
 * with @error when the selection misses the space or no plan can be
 * made.  Calls nothing of libgimp. */
gboolean gimp2_plan_edit (const Gimp2Values  *values,
                          const Gimp2Canvas  *canvas,
                          GgRegionPlan       *plan,
                          GgRect             *area,
                          GError            **error);

G_END_DECLS
