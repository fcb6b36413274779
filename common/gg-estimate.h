/* gg-estimate.h: what an answer will be, before anything is sent.
 *
 * The dialogs show, under the ratio and size choices, the pixel dimensions
 * of the answer and its estimated cost, from the catalogue
 * (common/catalogue.json: dimensions, image tokens, prices).  The cost is
 * that of the answer's images (image output tokens at the model's price);
 * the prompt, the images sent and a 3 Pro model's thinking add a few per
 * cent, which the text's "about" covers.
 */
#pragma once

#include <glib.h>

#include "gg-region.h"

G_BEGIN_DECLS

typedef enum
{
  GG_ESTIMATE_OK,
  GG_ESTIMATE_UNKNOWN_MODEL,  /* not in the catalogue: sent as written */
  GG_ESTIMATE_BAD_RATIO,      /* a ratio the model does not list */
  GG_ESTIMATE_BAD_SIZE        /* a size the model does not list */
} GgEstimateStatus;

typedef struct
{
  GgEstimateStatus status;   /* not OK: no figures */
  const gchar *ratio;        /* the ratio asked for (catalogue string) */
  const gchar *size;         /* the size asked for; NULL: the model has none */
  gboolean     ratio_auto;   /* no ratio was given: the model's default,
                              * 1:1 for a text prompt */
  gint         width;        /* the answer's dimensions */
  gint         height;
  gint         images;       /* variations: one image each */
  gdouble      cost_each;    /* USD for one image; < 0: the price is not known */
  gdouble      cost;         /* USD for all of them; < 0: not known */
} GgEstimate;

/* The answer of a generation with @model (NULL or "": the default), @ratio
 * and @size (NULL, "" or "auto": the model's default) and @variations
 * requests.  Always fills @estimate; FALSE (and its status says why) when
 * the model, the ratio or the size is not in the catalogue. */
gboolean gg_estimate_generate (const gchar *model,
                               const gchar *ratio,
                               const gchar *size,
                               gint         variations,
                               GgEstimate  *estimate);

/* The answer of an edit planned by gg_region_plan () (@plan's ratio, size
 * and output dimensions) with @model, @variations requests. */
gboolean gg_estimate_plan     (const gchar        *model,
                               const GgRegionPlan *plan,
                               gint                variations,
                               GgEstimate         *estimate);

/* One line for the dialog, translated through GETTEXT_PACKAGE:
 * "1344 × 768 px (16:9) · about $0.039" or, for several variations,
 * "2 images of 1344 × 768 px (16:9) · about $0.077 ($0.039 each)"; for a
 * status other than OK, a line saying why there are no figures, naming
 * @ratio or @size as given.  g_free. */
gchar   *gg_estimate_describe (const GgEstimate   *estimate,
                               const gchar        *ratio,
                               const gchar        *size);

G_END_DECLS
