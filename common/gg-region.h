/* gg-region.h: which pixels go out, and how the answer comes back.
 *
 * Plain rectangles and rasters in, plain rectangles and rasters out: no GIMP.
 * Coordinates are in the drawable's own pixel space.
 */
#pragma once

#include <glib.h>
#include "gg-catalogue.h"
#include "gg-image.h"

G_BEGIN_DECLS

typedef struct
{
  gint x, y, width, height;
} GgRect;

/* The overlap of @a and @b in @out (which may be @a or @b); FALSE (and
 * @out empty, 0 x 0 at 0, 0) when they do not overlap. */
gboolean gg_rect_intersect (const GgRect *a, const GgRect *b, GgRect *out);

/* The plug-in's conversion: a selection's bounds on the canvas (image
 * coordinates, as gimp_selection_bounds gives them) to the selection that
 * gg_region_plan takes, in the coordinates of a drawable whose top left
 * corner sits at (@offset_x, @offset_y) of the canvas (gimp_drawable_get_
 * offsets) and which is @drawable_width x @drawable_height (it may stick
 * out of the canvas or be larger than it).  The result is clipped to the
 * drawable; FALSE (and @selection empty) when the selection misses the
 * drawable.  A drawable-space point p is canvas point p + offset: read the
 * selection channel's coverage over the planned region at
 * (region.x + offset_x, region.y + offset_y). */
gboolean gg_region_selection_from_canvas (const GgRect *canvas_selection,
                                          gint          offset_x,
                                          gint          offset_y,
                                          gint          drawable_width,
                                          gint          drawable_height,
                                          GgRect       *selection);

typedef struct
{
  gint        pad_px;        /* context padding in pixels, added to pad_pct */
  gdouble     pad_pct;       /* context padding as a fraction of the selection size */
  const gchar *max_size;     /* largest imageSize to ask for ("4K"); NULL: model max */
} GgRegionOptions;

/* Sensible defaults (gimp-ai and krita-ai-diffusion were measured against):
 * 32 px + 15 % of the selection, no size cap. */
void gg_region_options_init (GgRegionOptions *options);

typedef struct
{
  GgRect       region;       /* what is sent, in drawable coordinates; may
                              * extend past the drawable only when the drawable
                              * is smaller than the ratio needs (then padded) */
  GgRect       selection;    /* the selection bounds clipped to the drawable, in
                              * drawable coordinates; the whole drawable when
                              * there was no selection */
  const gchar *ratio;        /* aspect ratio asked for (catalogue string) */
  const gchar *size;         /* imageSize asked for; NULL for models without sizes */
  gint         out_width;    /* the answer's expected dimensions */
  gint         out_height;
  gint         send_width;   /* dimensions of the image sent (<= region, <= out) */
  gint         send_height;
} GgRegionPlan;

/* Plans an edit: @selection (width 0: none, the whole drawable) inside a
 * drawable of @drawable_width x @drawable_height.  @model NULL: an unknown
 * model, planned with the default model's ratios and no sizes.  @options
 * NULL: the defaults.  GG_ERROR_INVALID_REQUEST for an empty layer, a
 * negative size or padding, a selection outside the layer, or a max_size
 * the model does not offer. */
gboolean gg_region_plan (const GgModel          *model,
                         gint                    drawable_width,
                         gint                    drawable_height,
                         const GgRect           *selection,
                         const GgRegionOptions  *options,
                         GgRegionPlan           *plan,
                         GError                **error);

/* Copies @rect out of @src; parts outside @src are transparent. */
GgRaster *gg_raster_crop  (const GgRaster *src, const GgRect *rect, GError **error);

/* High-quality resample to width x height: exact area averaging when
 * reducing by 2 or more on both axes, else gg_raster_warp's cubic. */
GgRaster *gg_raster_scale (const GgRaster *src, gint width, gint height, GError **error);

/* Resamples @src onto a new @width x @height raster through the
 * axis-aligned map  x_src = ax x + bx,  y_src = ay y + by  (@ax, @ay > 0),
 * in pixel centres (pixel i sits at i): separable cubic (Keys, a = -0.5),
 * widened by ax (ay) when reducing so it does not alias, the edge pixels
 * repeated outwards, in premultiplied linear light.  A map that moves no
 * pixel by more than 0.001 copies. */
GgRaster *gg_raster_warp  (const GgRaster *src, gint width, gint height,
                           gdouble ax, gdouble bx, gdouble ay, gdouble by,
                           GError **error);

/* Brings @answer back onto the region of @plan: resampled to the region's
 * size, realigned against @original (the region's original pixels) where
 * possible, colour-matched on the ring outside the selection, and with the
 * original's alpha re-applied.  Returns a raster of region size. */
GgRaster *gg_region_place (const GgRegionPlan *plan,
                           const GgRaster     *original,
                           const GgRaster     *answer,
                           GError            **error);

/* What gg_region_place_full measured and did. */
typedef struct
{
  gboolean realigned;    /* FALSE: no trustworthy estimate, placed as is */
  gboolean whole_frame;  /* the ring was too thin: measured on the whole region */
  gdouble  dx, dy;       /* where the answer's content sat against the original,
                          * in region pixels: original (x, y) was found at
                          * answer (x + dx, y + dy) after scaling to the region */
  gdouble  scale;        /* ... and scaled by this about the region's centre */
  gdouble  residual;     /* RMS colour difference left on the ring (0-255) */
  gdouble  gain[3];      /* colour match applied: out = gain * in + offset */
  gdouble  offset[3];
} GgPlaceReport;

/* gg_region_place that also fills @report (may be NULL). */
GgRaster *gg_region_place_full (const GgRegionPlan *plan,
                                const GgRaster     *original,
                                const GgRaster     *answer,
                                GgPlaceReport      *report,
                                GError            **error);

/* gg_region_place_full in two steps, so that what depends on the original
 * alone (its reduction to the working size, the ring's weights) is done
 * once, and can be done while the model works: gg_region_place_prepare
 * keeps @original (borrowed: it must outlive the prep) and a copy of
 * @plan; gg_region_place_prepared places one answer, and may be called
 * for several answers, from several threads at once.  Same results as
 * gg_region_place_full. */
typedef struct _GgPlacePrep GgPlacePrep;

GgPlacePrep *gg_region_place_prepare  (const GgRegionPlan *plan,
                                       const GgRaster     *original,
                                       GError            **error);
GgRaster    *gg_region_place_prepared (const GgPlacePrep  *prep,
                                       const GgRaster     *answer,
                                       GgPlaceReport      *report,
                                       GError            **error);
void         gg_place_prep_free       (GgPlacePrep        *prep);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GgPlacePrep, gg_place_prep_free)

G_END_DECLS
