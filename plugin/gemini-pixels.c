/* gimp-gemini: pixel I/O between GIMP 3 drawables and GgRaster. */

#include <libgimp/gimp.h>

#include "gg-error.h"

#include "gemini.h"
#include "gemini-pixels.h"


#define RASTER_FORMAT "R'G'B'A u8"


static void   pixels_write (GimpDrawable   *drawable,
                            const GgRaster *raster);


GgRaster *
gemini_pixels_read (GimpDrawable  *drawable,
                    const GgRect  *rect,
                    GError       **error)
{
  GeglBuffer *buffer;
  GgRaster   *raster;

  raster = gg_raster_new (rect->width, rect->height, error);
  if (! raster)
    return NULL;

  buffer = gimp_drawable_get_buffer (drawable);

  /* GEGL_ABYSS_NONE: outside the drawable is transparent black, which is
   * what the region planner expects for padding. */
  gegl_buffer_get (buffer,
                   GEGL_RECTANGLE (rect->x, rect->y, rect->width, rect->height),
                   1.0, babl_format (RASTER_FORMAT), raster->pixels,
                   rect->width * 4, GEGL_ABYSS_NONE);

  g_object_unref (buffer);

  return raster;
}

GgRaster *
gemini_pixels_read_visible (GimpImage     *image,
                            const GgRect  *rect,
                            GError       **error)
{
  GimpImage *copy;
  GimpLayer *merged;
  GgRaster  *raster = NULL;

  /* Work on a duplicate: the user's image must not change, not even in its
   * undo history. */
  copy = gimp_image_duplicate (image);
  if (! copy)
    {
      g_set_error_literal (error, GG_ERROR, GG_ERROR_FAILED,
                           "The image could not be duplicated to read what is visible.");
      return NULL;
    }

  gimp_image_undo_disable (copy);
  merged = gimp_image_merge_visible_layers (copy, GIMP_CLIP_TO_IMAGE);

  if (! merged)
    {
      g_set_error_literal (error, GG_ERROR, GG_ERROR_FAILED,
                           "Nothing is visible to send: show at least one layer, "
                           "or choose Source: Layer.");
    }
  else
    {
      GgRect  local = *rect;
      gint    off_x = 0;
      gint    off_y = 0;

      gimp_drawable_get_offsets (GIMP_DRAWABLE (merged), &off_x, &off_y);
      local.x -= off_x;
      local.y -= off_y;

      raster = gemini_pixels_read (GIMP_DRAWABLE (merged), &local, error);
    }

  gimp_image_delete (copy);

  return raster;
}

GimpLayer *
gemini_pixels_insert_layer (GimpImage       *image,
                            GimpLayer       *above,
                            const gchar     *name,
                            const GgRaster  *raster,
                            gint             x,
                            gint             y,
                            GError         **error)
{
  GimpLayer *parent   = NULL;
  gint       position = 0;

  /* Directly above the source, inside the same group when it is in one. */
  if (above && gimp_item_is_valid (GIMP_ITEM (above)))
    {
      GimpItem *item = gimp_item_get_parent (GIMP_ITEM (above));

      parent   = item ? GIMP_LAYER (item) : NULL;
      position = gimp_image_get_item_position (image, GIMP_ITEM (above));
    }

  return gemini_pixels_insert_layer_at (image, parent, position, name, raster,
                                        x, y, error);
}

GimpLayer *
gemini_pixels_insert_layer_at (GimpImage       *image,
                               GimpLayer       *parent,
                               gint             position,
                               const gchar     *name,
                               const GgRaster  *raster,
                               gint             x,
                               gint             y,
                               GError         **error)
{
  GimpImageType  type;
  GimpLayer     *layer;

  switch (gimp_image_get_base_type (image))
    {
    case GIMP_RGB:
      type = GIMP_RGBA_IMAGE;
      break;

    case GIMP_GRAY:
      type = GIMP_GRAYA_IMAGE;
      break;

    default:
      g_set_error_literal (error, GG_ERROR, GG_ERROR_FAILED,
                           "Indexed images are not supported: convert to RGB "
                           "(Image > Mode > RGB).");
      return NULL;
    }

  layer = gimp_layer_new (image, name, raster->width, raster->height, type,
                          100.0, gimp_image_get_default_new_layer_mode (image));
  if (! layer)
    goto failed;

  if (! gimp_image_insert_layer (image, layer, parent, position))
    {
      /* Never attached to the image: only this removes it from the core. */
      gimp_item_delete (GIMP_ITEM (layer));
      goto failed;
    }

  if (! gimp_layer_set_offsets (layer, x, y))
    {
      gimp_image_remove_layer (image, layer);
      goto failed;
    }

  pixels_write (GIMP_DRAWABLE (layer), raster);

  return layer;

failed:
  g_set_error (error, GG_ERROR, GG_ERROR_FAILED,
               "The result could not be added to the image: %s",
               gimp_pdb_get_last_error (gimp_get_pdb ()));
  return NULL;
}


static void
pixels_write (GimpDrawable   *drawable,
              const GgRaster *raster)
{
  GeglBuffer *buffer = gimp_drawable_get_buffer (drawable);

  /* GEGL converts to the layer's own format: its precision, gray or RGB. */
  gegl_buffer_set (buffer,
                   GEGL_RECTANGLE (0, 0, raster->width, raster->height),
                   0, babl_format (RASTER_FORMAT), raster->pixels,
                   raster->width * 4);
  gegl_buffer_flush (buffer);
  g_object_unref (buffer);

  gimp_drawable_update (drawable, 0, 0, raster->width, raster->height);
}
