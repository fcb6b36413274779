/* gg-mask.h: the mask of the layer that holds an edit.
 *
 * Plain 8-bit coverage in, plain 8-bit coverage out: no GIMP.  A GgMask has
 * the size of the planned region (GgRegionPlan.region) and is what the new
 * layer's mask (GIMP) or the compositing weight (the CLI) becomes:
 * 0 keeps the source, 255 takes the placed answer.
 *
 * Two ways to make one:
 * - from the selection (gg_mask_from_selection): the selection's coverage,
 *   grown and feathered, and never above zero outside the grown selection;
 * - with no selection (gg_mask_changed): the pixels the model really
 *   changed, found by comparing the region's original pixels with the
 *   placed (realigned, colour-matched) answer, so that what the model did
 *   not mean to change is not changed.
 */
#pragma once

#include <glib.h>
#include "gg-image.h"
#include "gg-region.h"

G_BEGIN_DECLS

typedef struct
{
  gint    width;
  gint    height;
  guint8 *data;       /* width * height bytes, row-major, owned */
} GgMask;

/* A zeroed mask; NULL and @error set when the size is invalid or memory
 * cannot be had.  Free with gg_mask_free. */
GgMask *gg_mask_new  (gint width, gint height, GError **error);
void    gg_mask_free (GgMask *mask);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GgMask, gg_mask_free)

/* @rect of @mask; parts outside it are 0.  gg_mask_free. */
GgMask *gg_mask_crop (const GgMask *mask, const GgRect *rect, GError **error);

/* Feather that follows the selection's size: 10 % of its smaller side,
 * within [GG_MASK_FEATHER_MIN, GG_MASK_FEATHER_MAX] px. */
#define GG_MASK_FEATHER_AUTO (-1.0)
#define GG_MASK_FEATHER_MIN  2.0
#define GG_MASK_FEATHER_MAX  25.0

typedef struct
{
  gdouble grow;      /* px the selection grows by (negative: shrinks) */
  gdouble feather;   /* px of the blend from 0 to ~255, inside the grown
                      * selection; 0: hard edge; GG_MASK_FEATHER_AUTO */
} GgMaskOptions;

/* The defaults, after krita-ai-diffusion's (4 px grow, 10 % feather):
 * grow 4 px, feather auto (10 % of the smaller side, 2..25 px). */
void gg_mask_options_init (GgMaskOptions *options);

/* The feather in px that @options give for a selection whose bounds are
 * @width x @height (resolves GG_MASK_FEATHER_AUTO; never negative). */
gdouble gg_mask_feather_px (const GgMaskOptions *options, gint width, gint height);

/* The selection grown by @grow px (Euclidean): 255 where a pixel lies
 * within @grow px of a pixel whose coverage is >= 128 (at least half
 * selected), else 0.  Negative @grow shrinks.  gg_mask_free. */
GgMask *gg_mask_grow (const GgMask *selection, gdouble grow, GError **error);

/* The layer mask for an edit of a selection: @selection is its coverage
 * over the region (what GIMP's selection channel holds, 0..255), grown by
 * options->grow, then feathered by options->feather px: a Gaussian blur
 * of the grown selection (sigma = feather / 2), rescaled so that it falls
 * to 0 exactly on the grown selection's edge (mask = 2 blur - 1), reaching
 * ~95 % (242) feather px inside it.  Zero everywhere outside the grown
 * selection; 255 deep inside.  With @options NULL, the defaults.
 * gg_mask_free. */
GgMask *gg_mask_from_selection (const GgMask        *selection,
                                const GgMaskOptions *options,
                                GError             **error);

typedef struct
{
  gdouble threshold;   /* colour difference (CIE76 Delta E, after a 3x3
                        * mean) above which a pixel counts as changed; 10 */
  gdouble clean;       /* px radius of the opening that drops noise and of
                        * the closing that joins near parts; 2 */
  gdouble min_area;    /* changed blobs smaller than this fraction of the
                        * region are dropped (specks); 0.0005 */
  gdouble hole_area;   /* unchanged holes smaller than this fraction of the
                        * region are filled; 0.01 */
  gdouble grow;        /* px; 4 (the changed object's soft edge) */
  gdouble feather;     /* px; 8 */
} GgChangedOptions;

void gg_changed_options_init (GgChangedOptions *options);

/* The "changed pixels only" mask: where @placed (gg_region_place's
 * result) differs visibly from @original (the region's own pixels, same
 * size), thresholded, opened and closed, with specks dropped and small
 * holes filled, then grown and feathered like a selection.  Pixels that
 * are transparent in @original count as unchanged, and so do, with
 * @report (gg_region_place_full's; may be NULL), the pixels the realigned
 * answer did not cover (its shift and scale left them to edge repeats).
 * An empty mask (all zero) when nothing changed.  gg_mask_free. */
GgMask *gg_mask_changed (const GgRaster         *original,
                         const GgRaster         *placed,
                         const GgPlaceReport    *report,
                         const GgChangedOptions *options,
                         GError                **error);

/* Bounds of the pixels > 0; FALSE when there are none. */
gboolean gg_mask_bounds (const GgMask *mask, GgRect *bounds);

/* The hint image sent beside the region: @send_width x @send_height
 * (GgRegionPlan.send_width/height), opaque white where the region pixel is
 * inside @grown (> 0), opaque black elsewhere; @grown has the region's size
 * (gg_mask_grow of the selection, or NULL: the plan's selection bounds).
 * Sent with GG_ROLE_HINT, whose prompt sentence comes from prompts.json.
 * gg_raster_free. */
GgRaster *gg_mask_hint (const GgRegionPlan *plan,
                        const GgMask       *grown,
                        GError            **error);

/* Composites @placed over @dst through @mask: dst = dst + (placed - dst)
 * * mask / 255, per channel (alpha too), rounded; @mask and @placed have
 * the region's size and sit at (@x, @y) of @dst (parts outside @dst are
 * skipped).  Pixels where the mask is 0 are not written at all. */
void gg_mask_composite (GgRaster       *dst,
                        const GgRaster *placed,
                        const GgMask   *mask,
                        gint            x,
                        gint            y);

G_END_DECLS
