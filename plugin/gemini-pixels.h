/* gemini-pixels.h: pixels between GIMP drawables and GgRaster (GEGL, babl).
 *
 * Every read and write goes through babl's "R'G'B'A u8", so that GEGL
 * converts from and to any precision (8/16/32-bit, float) and from gray.
 */
#pragma once

#include <libgimp/gimp.h>

#include "gg-image.h"
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
 * @raster, inserted above @above (NULL: at the top of the stack) at
 * (@x, @y) in image coordinates.  On failure nothing stays in the image. */
GimpLayer *gemini_pixels_insert_layer (GimpImage      *image,
                                       GimpLayer      *above,
                                       const gchar    *name,
                                       const GgRaster *raster,
                                       gint            x,
                                       gint            y,
                                       GError        **error);

/* The same inside @parent (NULL: the image's top level) at @position. */
GimpLayer *gemini_pixels_insert_layer_at (GimpImage      *image,
                                          GimpLayer      *parent,
                                          gint            position,
                                          const gchar    *name,
                                          const GgRaster *raster,
                                          gint            x,
                                          gint            y,
                                          GError        **error);

G_END_DECLS
