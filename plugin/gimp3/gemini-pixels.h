/* gemini-pixels.h: pixels between GIMP drawables and GgRaster (GEGL, babl).
 *
 * Every read and write goes through babl's "R'G'B'A u8", so that GEGL
 * converts from and to any precision (8/16/32-bit, float) and from gray.
 */
#pragma once

#include <libgimp/gimp.h>

#include "gg-image.h"
#include "gg-mask.h"
#include "gg-region.h"

G_BEGIN_DECLS

/* @rect in @drawable's own coordinates; the parts outside the drawable come
 * back transparent.  Free with gg_raster_free. */
GgRaster  *gemini_pixels_read      (GimpDrawable   *drawable,
                                    const GgRect   *rect,
                                    GError        **error);

/* A canvas-sized copy of what is visible (a flattened duplicate of @image),
 * read at @rect in image coordinates. */
GgRaster  *gemini_pixels_read_visible (GimpImage   *image,
                                       const GgRect *rect,
                                       GError     **error);

/* A new layer of @raster's size, of @image's base type with alpha, holding
 * @raster, inserted inside @parent (NULL: the image's top level) at
 * @position, at (@x, @y) in image coordinates.  On failure nothing stays
 * in the image. */
GimpLayer *gemini_pixels_insert_layer_at (GimpImage      *image,
                                          GimpLayer      *parent,
                                          gint            position,
                                          const gchar    *name,
                                          const GgRaster *raster,
                                          gint            x,
                                          gint            y,
                                          GError        **error);

/* The selection's coverage (0..255) over @rect in image coordinates; the
 * parts outside the canvas are 0.  Free with gg_mask_free. */
GgMask    *gemini_pixels_read_selection (GimpImage    *image,
                                         const GgRect *rect,
                                         GError      **error);

/* Gives @layer (inserted in its image, no mask yet) a layer mask holding
 * @mask, which has the layer's size: 0 hides, 255 shows. */
gboolean   gemini_pixels_add_mask      (GimpLayer    *layer,
                                        const GgMask *mask,
                                        GError      **error);

/* Timing marks for tests/bench/gimp-bench.sh: with G_MESSAGES_DEBUG
 * naming GEMINI_TIME_DOMAIN, one debug line "SECONDS STEP" per step, the
 * wall clock in seconds since the epoch (comparable with the host's). */
#define GEMINI_TIME_DOMAIN "gimp-gemini-time"
void       gemini_time_mark            (const gchar  *step);

G_END_DECLS
