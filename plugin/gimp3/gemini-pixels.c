/* gimp-gemini: pixel I/O between GIMP 3 drawables and GgRaster. */

#include <string.h>

#include <libgimp/gimp.h>

#include "gg-error.h"

#include "gemini.h"
#include "gemini-intl.h"
#include "gemini-pixels.h"


#define RASTER_FORMAT "R'G'B'A u8"

/* The side of the chunks read_in_chunks asks GIMP for: the largest
 * sub-thumbnail GIMP makes. */
#define READ_CHUNK 1024


static void     pixels_write   (GimpDrawable   *drawable,
                                const GgRaster *raster);
static gboolean read_in_chunks (GimpDrawable   *drawable,
                                const GgRect   *rect,
                                GgRaster       *raster);


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

  if (read_in_chunks (drawable, rect, raster))
    return raster;

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
                           _("The image could not be duplicated to read "
                             "what is visible."));
      return NULL;
    }

  gimp_image_undo_disable (copy);
  merged = gimp_image_merge_visible_layers (copy, GIMP_CLIP_TO_IMAGE);

  if (! merged)
    {
      g_set_error_literal (error, GG_ERROR, GG_ERROR_FAILED,
                           _("Nothing is visible to send: show at least one "
                             "layer, or choose Source: Layer."));
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
                           _("Indexed images are not supported: convert to "
                             "RGB (Image > Mode > RGB)."));
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
               _("The result could not be added to the image: %s"),
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


/* An 8-bit format on the same tone curve as @buffer's own single-component
 * one: mask and selection values are coverage, read and written as
 * numbers, never bent by a conversion between linear and perceptual. */
static const Babl *
coverage_format (GeglBuffer *buffer)
{
  const Babl  *format = gegl_buffer_get_format (buffer);
  const gchar *name   = babl_format_get_encoding (format);

  if (g_str_has_prefix (name, "Y'"))
    return babl_format_with_space ("Y' u8", format);
  if (g_str_has_prefix (name, "Y~"))
    return babl_format_with_space ("Y~ u8", format);

  return babl_format_with_space ("Y u8", format);
}

GgMask *
gemini_pixels_read_selection (GimpImage     *image,
                              const GgRect  *rect,
                              GError       **error)
{
  GimpSelection *selection = gimp_image_get_selection (image);
  GeglBuffer    *buffer;
  GgMask        *mask;

  gboolean       any = FALSE;
  gint           x1, y1, x2, y2;
  GgRect         bounds, inside;

  mask = gg_mask_new (rect->width, rect->height, error);
  if (! mask)
    return NULL;

  /* Only the selection's bounds are read (the rest is 0): every pixel
   * read is a round trip through GIMP's tiles. */
  gimp_selection_bounds (image, &any, &x1, &y1, &x2, &y2);
  bounds = (GgRect) { x1, y1, x2 - x1, y2 - y1 };
  if (! any || ! gg_rect_intersect (rect, &bounds, &inside))
    return mask;

  buffer = gimp_drawable_get_buffer (GIMP_DRAWABLE (selection));
  gegl_buffer_get (buffer,
                   GEGL_RECTANGLE (inside.x, inside.y, inside.width, inside.height),
                   1.0, coverage_format (buffer),
                   mask->data + (gsize) (inside.y - rect->y) * rect->width +
                   (inside.x - rect->x),
                   rect->width, GEGL_ABYSS_NONE);
  g_object_unref (buffer);

  return mask;
}

gboolean
gemini_pixels_add_mask (GimpLayer     *layer,
                        const GgMask  *mask,
                        GError       **error)
{
  GimpLayerMask *layer_mask;
  GeglBuffer    *buffer;

  /* Black first: the pixels are then written once, as they are. */
  layer_mask = gimp_layer_create_mask (layer, GIMP_ADD_MASK_BLACK);
  if (! layer_mask || ! gimp_layer_add_mask (layer, layer_mask))
    {
      g_set_error (error, GG_ERROR, GG_ERROR_FAILED,
                   _("The layer mask could not be added: %s"),
                   gimp_pdb_get_last_error (gimp_get_pdb ()));
      return FALSE;
    }

  buffer = gimp_drawable_get_buffer (GIMP_DRAWABLE (layer_mask));
  gegl_buffer_set (buffer,
                   GEGL_RECTANGLE (0, 0, mask->width, mask->height),
                   0, coverage_format (buffer), mask->data, mask->width);
  gegl_buffer_flush (buffer);
  g_object_unref (buffer);

  gimp_drawable_update (GIMP_DRAWABLE (layer_mask), 0, 0,
                        mask->width, mask->height);

  return TRUE;
}

void
gemini_time_mark (const gchar *step)
{
  g_log (GEMINI_TIME_DOMAIN, G_LOG_LEVEL_DEBUG, "%.6f %s",
         g_get_real_time () / 1e6, step);
}


/* The pixels of an 8-bit perceptual RGB(A) drawable, a megapixel per PDB
 * call (gimp_drawable_get_sub_thumbnail_data at its own size: an exact
 * copy), instead of the tile by tile round trips of a GEGL buffer read:
 * 0.56 s for 4096 x 4096 pixels, most of a 4K edit's time before the
 * request (issue 7).  FALSE, with @raster partly written, for anything
 * else or when GIMP answers otherwise: then the buffer read does it all. */
static gboolean
read_in_chunks (GimpDrawable *drawable,
                const GgRect *rect,
                GgRaster     *raster)
{
  GimpImage *image = gimp_item_get_image (GIMP_ITEM (drawable));
  GgRect     whole = { 0, 0, gimp_drawable_get_width (drawable),
                       gimp_drawable_get_height (drawable) };
  GgRect     inside;

  if (gimp_image_get_precision (image) != GIMP_PRECISION_U8_NON_LINEAR ||
      ! gimp_drawable_is_rgb (drawable))
    return FALSE;

  /* Padding outside the drawable stays transparent black. */
  if (! gg_rect_intersect (rect, &whole, &inside))
    return TRUE;

  for (gint cy = inside.y; cy < inside.y + inside.height; cy += READ_CHUNK)
    for (gint cx = inside.x; cx < inside.x + inside.width; cx += READ_CHUNK)
      {
        gint          cw  = MIN (READ_CHUNK, inside.x + inside.width - cx);
        gint          ch  = MIN (READ_CHUNK, inside.y + inside.height - cy);
        gint          aw  = 0, ah = 0, bpp = 0;
        GBytes       *bytes;
        gsize         size;
        const guint8 *data;

        bytes = gimp_drawable_get_sub_thumbnail_data (drawable, cx, cy, cw, ch,
                                                      cw, ch, &aw, &ah, &bpp);
        if (! bytes)
          return FALSE;
        data = g_bytes_get_data (bytes, &size);
        if (aw != cw || ah != ch || (bpp != 3 && bpp != 4) ||
            size < (gsize) cw * ch * bpp)
          {
            g_bytes_unref (bytes);
            return FALSE;
          }

        for (gint y = 0; y < ch; y++)
          {
            const guint8 *in  = data + (gsize) y * cw * bpp;
            guint8       *out = raster->pixels +
                                ((gsize) (cy - rect->y + y) * rect->width +
                                 (cx - rect->x)) * 4;

            if (bpp == 4)
              {
                memcpy (out, in, (gsize) cw * 4);
                continue;
              }
            for (gint x = 0; x < cw; x++, in += 3, out += 4)
              {
                out[0] = in[0];
                out[1] = in[1];
                out[2] = in[2];
                out[3] = 255;
              }
          }
        g_bytes_unref (bytes);
      }

  return TRUE;
}
