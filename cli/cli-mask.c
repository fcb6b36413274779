/* cli-mask.c: `edit --mask`: only the mask's white area may change.
 *
 * The mask's bounds plus context go out (gg_region_plan), the answer comes
 * back onto that region (gg_region_place: resampled, realigned,
 * colour-matched), and the input's pixels are blended with it through the
 * mask, so everything outside the mask stays exactly as it was and the
 * result has the input's size.  With --grow or --feather the mask file is
 * a selection and the layer mask is made from it as in the plug-in
 * (gg_mask_from_selection); --hint sends the area that may change as a
 * second image; --patch writes the placed region with its mask as alpha.
 */
#include <math.h>
#include <string.h>

#include "cli.h"
#include "gg-error.h"
#include "gg-front.h"
#include "gg-mask.h"
#include "gg-region.h"

/* Mask values at or below this count as black: JPEG masks are never quite
 * black, and their noise must not stretch the bounds over the image. */
#define MASK_FLOOR 8

struct _CliEditPlan
{
  GgRaster     *input;      /* the whole input */
  GgMask       *weights;    /* input size: the mask file's coverage */
  GgRegionPlan  plan;
  GgRaster     *original;   /* the region's own pixels, region size */
  GgMask       *mask;       /* region size: 0 keep .. 255 take the answer */
  gchar        *patch;      /* --patch FILE, or NULL */
};

void
cli_edit_plan_free (CliEditPlan *plan)
{
  if (plan == NULL)
    return;
  gg_raster_free (plan->input);
  gg_mask_free (plan->weights);
  gg_raster_free (plan->original);
  gg_mask_free (plan->mask);
  g_free (plan->patch);
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

/* Whether the options make a selection of the mask (grow or feather). */
static gboolean
as_selection (const CliMaskOptions *options)
{
  return options != NULL && (options->grow != 0 || options->feather != 0);
}

CliEditPlan *
cli_mask_plan (const gchar          *input,
               const gchar          *mask_file,
               const GgModel        *model,
               const gchar          *max_size,
               const CliMaskOptions *mask_options,
               GBytes              **send,
               GBytes              **hint,
               GError              **error)
{
  CliEditPlan        *plan = g_new0 (CliEditPlan, 1);
  g_autoptr (GgRaster) mask = NULL;
  g_autoptr (GgMask)   coverage = NULL;
  GgRegionOptions     options;
  GgRect              bounds;

  /* The failure path clears them: never what the caller left there. */
  *send = NULL;
  if (hint != NULL)
    *hint = NULL;
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
  plan->weights = gg_mask_new (mask->width, mask->height, error);
  if (plan->weights == NULL)
    goto fail;
  if (!mask_weights (mask, plan->weights->data, &bounds))
    {
      g_set_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                   "The mask %s has no white pixels, so nothing may change: "
                   "paint the area to edit white.", mask_file);
      goto fail;
    }
  /* As a selection, what changes is the grown area: plan around that. */
  if (as_selection (mask_options) && mask_options->grow > 0)
    {
      gint   g = (gint) ceil (mask_options->grow);
      GgRect grown = { bounds.x - g, bounds.y - g, bounds.width + 2 * g, bounds.height + 2 * g };
      GgRect image = { 0, 0, mask->width, mask->height };

      gg_rect_intersect (&grown, &image, &bounds);
    }

  gg_region_options_init (&options);
  if (max_size != NULL)
    options.max_size = max_size;
  if (!gg_region_plan (model, plan->input->width, plan->input->height, &bounds,
                       &options, &plan->plan, error))
    goto fail;

  /* The layer mask over the region. */
  coverage = gg_mask_crop (plan->weights, &plan->plan.region, error);
  if (coverage == NULL)
    goto fail;
  if (as_selection (mask_options))
    {
      GgMaskOptions mo = { mask_options->grow, mask_options->feather };

      plan->mask = gg_mask_from_selection (coverage, &mo, error);
      if (plan->mask == NULL)
        goto fail;
      if (!gg_mask_bounds (plan->mask, &bounds))
        {
          g_set_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                       "With --grow or --feather the mask %s is a selection, and no "
                       "pixel of it is even half white (or --grow shrank it to "
                       "nothing): paint the area to edit white.", mask_file);
          goto fail;
        }
    }
  else
    plan->mask = g_steal_pointer (&coverage);
  if (mask_options != NULL)
    plan->patch = g_strdup (mask_options->patch);

  plan->original = gg_raster_crop (plan->input, &plan->plan.region, error);
  if (plan->original == NULL)
    goto fail;
  /* What the plug-ins send (gg_front_encode: the encoding policy). */
  *send = gg_front_encode (plan->original, plan->plan.send_width,
                           plan->plan.send_height, error);
  if (*send == NULL)
    goto fail;
  /* The hint shows exactly where pixels may change: the mask's non-zero
   * area, at the size of the image sent. */
  if (hint != NULL && mask_options != NULL && mask_options->hint)
    {
      g_autoptr (GgRaster) picture = gg_mask_hint (&plan->plan, plan->mask, error);

      if (picture == NULL)
        goto fail;
      *hint = gg_image_encode_png (picture, 9, error);
      if (*hint == NULL)
        goto fail;
    }
  return plan;

fail:
  g_clear_pointer (send, g_bytes_unref);
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

const GgRegionPlan *
cli_mask_region (const CliEditPlan *plan)
{
  return &plan->plan;
}

/* The patch: the placed region on a transparent canvas of the input's
 * size, the mask times the original's alpha as its alpha; the placed
 * colours stay under alpha 0 too, so the mask can be redrawn later. */
static gboolean
write_patch (const CliEditPlan *plan, const GgRaster *placed, const gchar *filename,
             GError **error)
{
  g_autoptr (GgRaster) patch = gg_raster_new (plan->input->width, plan->input->height, error);
  const GgRect        *r = &plan->plan.region;

  if (patch == NULL)
    return FALSE;
  for (gint y = MAX (r->y, 0); y < MIN (r->y + r->height, patch->height); y++)
    for (gint x = MAX (r->x, 0); x < MIN (r->x + r->width, patch->width); x++)
      {
        gsize         j = (gsize) (y - r->y) * r->width + (x - r->x);
        const guint8 *src = placed->pixels + j * 4;
        guint8       *dst = patch->pixels + ((gsize) y * patch->width + x) * 4;

        memcpy (dst, src, 3);
        dst[3] = (guint8) ((plan->mask->data[j] * (guint) src[3] + 127u) / 255u);
      }
  return gg_image_save (patch, filename, error);
}

GgRaster *
cli_mask_apply (const CliEditPlan *plan, GBytes *answer, guint index, GError **error)
{
  g_autoptr (GgRaster) decoded = NULL;
  g_autoptr (GgRaster) placed = NULL;
  GgRaster            *result;
  gsize                len;
  const guint8        *data = g_bytes_get_data (answer, &len);

  decoded = gg_image_decode (data, len, 0, error);
  if (decoded == NULL)
    return NULL;
  placed = gg_region_place (&plan->plan, plan->original, decoded, error);
  if (placed == NULL)
    return NULL;
  if (plan->patch != NULL)
    {
      g_autofree gchar *name = cli_output_name (plan->patch, index);

      if (!write_patch (plan, placed, name, error))
        return NULL;
    }

  /* Where the mask is 0 the input's bytes are not even rewritten. */
  result = gg_raster_copy (plan->input);
  if (result == NULL)
    {
      g_set_error (error, GG_ERROR, GG_ERROR_TOO_LARGE,
                   "There is not enough memory for the edited copy of the input "
                   "(%d x %d pixels): close other programs, or edit a smaller image.",
                   plan->input->width, plan->input->height);
      return NULL;
    }
  gg_mask_composite (result, placed, plan->mask, plan->plan.region.x, plan->plan.region.y);
  return result;
}
