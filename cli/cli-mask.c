/* cli-mask.c: `edit --mask`: only the mask's white area may change.
 *
 * The mask's bounds plus context go out (gg_region_plan), the answer comes
 * back onto that region (gg_region_place: resampled, realigned,
 * colour-matched), and the input's pixels are blended with it through the
 * mask, so everything outside the mask stays exactly as it was and the
 * result has the input's size.
 */
#include <math.h>
#include <string.h>

#include "cli.h"
#include "gg-error.h"
#include "gg-region.h"

/* Mask values at or below this count as black: JPEG masks are never quite
 * black, and their noise must not stretch the bounds over the image. */
#define MASK_FLOOR 8

struct _CliEditPlan
{
  GgRaster     *input;      /* the whole input */
  guint8       *weights;    /* input size: 0 keep .. 255 take the answer */
  GgRegionPlan  plan;
  GgRaster     *original;   /* the region's own pixels, region size */
};

void
cli_edit_plan_free (CliEditPlan *plan)
{
  if (plan == NULL)
    return;
  gg_raster_free (plan->input);
  g_free (plan->weights);
  gg_raster_free (plan->original);
  g_free (plan);
}

/* Weights from the mask's brightness times its alpha (a transparent mask
 * pixel marks nothing), and their bounds; FALSE when nothing is white. */
static gboolean
mask_weights (const GgRaster *mask, guint8 *weights, GgRect *bounds)
{
  gint x0 = mask->width, y0 = mask->height, x1 = -1, y1 = -1;

  for (gint y = 0; y < mask->height; y++)
    for (gint x = 0; x < mask->width; x++)
      {
        const guint8 *p = mask->pixels + ((gsize) y * mask->width + x) * 4;
        guint         grey = (p[0] * 77u + p[1] * 150u + p[2] * 29u) >> 8;
        guint         w = grey * p[3] / 255u;

        if (w <= MASK_FLOOR)
          w = 0;
        weights[(gsize) y * mask->width + x] = (guint8) w;
        if (w != 0)
          {
            x0 = MIN (x0, x);
            y0 = MIN (y0, y);
            x1 = MAX (x1, x);
            y1 = MAX (y1, y);
          }
      }
  if (x1 < 0)
    return FALSE;
  bounds->x = x0;
  bounds->y = y0;
  bounds->width = x1 - x0 + 1;
  bounds->height = y1 - y0 + 1;
  return TRUE;
}

CliEditPlan *
cli_mask_plan (const gchar   *input,
               const gchar   *mask_file,
               const GgModel *model,
               const gchar   *max_size,
               GBytes       **send,
               GError       **error)
{
  CliEditPlan        *plan = g_new0 (CliEditPlan, 1);
  g_autoptr (GgRaster) mask = NULL;
  g_autoptr (GgRaster) scaled = NULL;
  GgRegionOptions     options;
  GgRect              bounds;
  const GgRaster     *out;

  plan->input = gg_image_load (input, 0, error);
  if (plan->input == NULL)
    goto fail;
  mask = gg_image_load (mask_file, 0, error);
  if (mask == NULL)
    goto fail;
  if (mask->width != plan->input->width || mask->height != plan->input->height)
    {
      g_set_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                   "The mask is %dx%d but the input is %dx%d: they must be the same size.",
                   mask->width, mask->height, plan->input->width, plan->input->height);
      goto fail;
    }
  plan->weights = g_malloc ((gsize) mask->width * mask->height);
  if (!mask_weights (mask, plan->weights, &bounds))
    {
      g_set_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                   "The mask %s has no white pixels, so nothing may change: "
                   "paint the area to edit white.", mask_file);
      goto fail;
    }

  gg_region_options_init (&options);
  if (max_size != NULL)
    options.max_size = max_size;
  if (!gg_region_plan (model, plan->input->width, plan->input->height, &bounds,
                       &options, &plan->plan, error))
    goto fail;

  plan->original = gg_raster_crop (plan->input, &plan->plan.region, error);
  if (plan->original == NULL)
    goto fail;
  out = plan->original;
  if (plan->plan.send_width != plan->original->width
      || plan->plan.send_height != plan->original->height)
    {
      scaled = gg_raster_scale (plan->original, plan->plan.send_width,
                                plan->plan.send_height, error);
      if (scaled == NULL)
        goto fail;
      out = scaled;
    }
  /* PNG: the region is at most a few megapixels, and a lossy copy would
   * give the model artefacts to reproduce. */
  *send = gg_image_encode_png (out, 6, error);
  if (*send == NULL)
    goto fail;
  return plan;

fail:
  cli_edit_plan_free (plan);
  return NULL;
}

const gchar *
cli_mask_ratio (const CliEditPlan *plan)
{
  return plan->plan.ratio;
}

const gchar *
cli_mask_size (const CliEditPlan *plan)
{
  return plan->plan.size;
}

gchar *
cli_mask_area (const CliEditPlan *plan)
{
  const GgRect *r = &plan->plan.region;
  const GgRect *s = &plan->plan.selection;

  /* In per cent of the image sent: the model never sees pixel coordinates
   * of the input, and the sent image may be scaled. */
  return g_strdup_printf ("from %d%% to %d%% of the width, from the left, and "
                          "from %d%% to %d%% of the height, from the top",
                          (gint) floor (100.0 * (s->x - r->x) / r->width),
                          (gint) ceil (100.0 * (s->x + s->width - r->x) / r->width),
                          (gint) floor (100.0 * (s->y - r->y) / r->height),
                          (gint) ceil (100.0 * (s->y + s->height - r->y) / r->height));
}

GgRaster *
cli_mask_apply (const CliEditPlan *plan, GBytes *answer, GError **error)
{
  g_autoptr (GgRaster) decoded = NULL;
  g_autoptr (GgRaster) placed = NULL;
  GgRaster            *result;
  const GgRect        *r = &plan->plan.region;
  gsize                len;
  const guint8        *data = g_bytes_get_data (answer, &len);

  decoded = gg_image_decode (data, len, 0, error);
  if (decoded == NULL)
    return NULL;
  placed = gg_region_place (&plan->plan, plan->original, decoded, error);
  if (placed == NULL)
    return NULL;

  result = gg_raster_copy (plan->input);
  for (gint y = MAX (r->y, 0); y < MIN (r->y + r->height, result->height); y++)
    for (gint x = MAX (r->x, 0); x < MIN (r->x + r->width, result->width); x++)
      {
        guint         w = plan->weights[(gsize) y * result->width + x];
        guint8       *dst = result->pixels + ((gsize) y * result->width + x) * 4;
        const guint8 *src = placed->pixels
                            + ((gsize) (y - r->y) * placed->width + (x - r->x)) * 4;

        if (w == 0)
          continue;
        for (gint c = 0; c < 4; c++)
          dst[c] = (guint8) ((dst[c] * (255u - w) + src[c] * w + 127u) / 255u);
      }
  return result;
}
