/* gimp-gemini for GIMP 2.10: what is read from GIMP (gimp2-host.h).
 *
 * Pixels go through GEGL with babl's "R'G'B'A u8" both ways, so that GEGL
 * converts from and to any precision (8/16/32-bit, float) and from gray, as
 * in the GIMP 3 plug-in.
 */

#include <string.h>

#include <libgimp/gimp.h>

#include "gg-error.h"

#include "gimp2-host.h"


const gchar *
gimp2_last_error (void)
{
  const gchar *message = gimp_get_pdb_error ();

  return message && *message ? message : "GIMP gave no reason";
}

GgRaster *
gimp2_pixels_read (gint32         drawable,
                   const GgRect  *rect,
                   GError       **error)
{
  GeglBuffer *buffer;
  GgRaster   *raster;

  raster = gg_raster_new (rect->width, rect->height, error);
  if (! raster)
    return NULL;

  buffer = gimp_drawable_get_buffer (drawable);
  if (! buffer)
    {
      gg_raster_free (raster);
      g_set_error (error, GG_ERROR, GG_ERROR_FAILED,
                   _("The pixels of the layer could not be read: %s"),
                   gimp2_last_error ());
      return NULL;
    }

  /* Outside the drawable is transparent black, which is what the region
   * planner expects for padding. */
  gegl_buffer_get (buffer,
                   GEGL_RECTANGLE (rect->x, rect->y, rect->width, rect->height),
                   1.0, babl_format (GIMP2_RASTER_FORMAT), raster->pixels,
                   rect->width * 4, GEGL_ABYSS_NONE);
  g_object_unref (buffer);

  return raster;
}

GgRaster *
gimp2_pixels_read_visible (gint32         image,
                           const GgRect  *rect,
                           GError       **error)
{
  gint32    copy;
  gint32    merged;
  GgRaster *raster = NULL;

  /* A duplicate: the user's image must not change, not even its undo. */
  copy = gimp_image_duplicate (image);
  if (copy < 0)
    {
      g_set_error_literal (error, GG_ERROR, GG_ERROR_FAILED,
                           _("The image could not be duplicated to read what "
                             "is visible."));
      return NULL;
    }

  gimp_image_undo_disable (copy);
  merged = gimp_image_merge_visible_layers (copy, GIMP_CLIP_TO_IMAGE);

  if (merged < 0)
    {
      g_set_error_literal (error, GG_ERROR, GG_ERROR_FAILED,
                           _("Nothing is visible to send: show at least one "
                             "layer, or choose Source: Layer."));
    }
  else
    {
      GgRect local = *rect;
      gint   off_x = 0;
      gint   off_y = 0;

      gimp_drawable_offsets (merged, &off_x, &off_y);
      local.x -= off_x;
      local.y -= off_y;

      raster = gimp2_pixels_read (merged, &local, error);
    }

  gimp_image_delete (copy);

  return raster;
}

/* An 8-bit format on the same tone curve as @buffer's own one-component
 * one: coverage is read and written as numbers, never bent by a
 * conversion between linear and perceptual. */
const Babl *
gimp2_coverage_format (GeglBuffer *buffer)
{
  const gchar *name = babl_format_get_encoding (gegl_buffer_get_format (buffer));

  if (g_str_has_prefix (name, "Y'"))
    return babl_format ("Y' u8");

  return babl_format ("Y u8");
}

GgMask *
gimp2_selection_read (gint32         image,
                      const GgRect  *rect,
                      GError       **error)
{
  GeglBuffer *buffer;
  GgMask     *mask;
  gboolean    any = FALSE;
  gint        x1, y1, x2, y2;
  GgRect      bounds, inside;

  mask = gg_mask_new (rect->width, rect->height, error);
  if (! mask)
    return NULL;

  /* Only the selection's bounds are read (the rest is 0). */
  gimp_selection_bounds (image, &any, &x1, &y1, &x2, &y2);
  bounds = (GgRect) { x1, y1, x2 - x1, y2 - y1 };
  if (! any || ! gg_rect_intersect (rect, &bounds, &inside))
    return mask;

  buffer = gimp_drawable_get_buffer (gimp_image_get_selection (image));
  if (! buffer)
    {
      gg_mask_free (mask);
      g_set_error (error, GG_ERROR, GG_ERROR_FAILED,
                   _("The selection could not be read: %s"), gimp2_last_error ());
      return NULL;
    }
  gegl_buffer_get (buffer,
                   GEGL_RECTANGLE (inside.x, inside.y, inside.width, inside.height),
                   1.0, gimp2_coverage_format (buffer),
                   mask->data + (gsize) (inside.y - rect->y) * rect->width +
                   (inside.x - rect->x),
                   rect->width, GEGL_ABYSS_NONE);
  g_object_unref (buffer);

  return mask;
}

gboolean
gimp2_selection_bounds (gint32  image,
                        GgRect *selection)
{
  gboolean has_selection = FALSE;
  gint     x1, y1, x2, y2;

  memset (selection, 0, sizeof *selection);
  gimp_selection_bounds (image, &has_selection, &x1, &y1, &x2, &y2);
  if (has_selection)
    {
      selection->x      = x1;
      selection->y      = y1;
      selection->width  = x2 - x1;
      selection->height = y2 - y1;
    }

  return has_selection;
}

void
gimp2_canvas_read (gint32       image,
                   gint32       source,
                   gboolean     visible,
                   Gimp2Canvas *canvas)
{
  memset (canvas, 0, sizeof *canvas);
  if (visible || source <= 0)
    {
      canvas->space.width  = gimp_image_width (image);
      canvas->space.height = gimp_image_height (image);
    }
  else
    {
      gimp_drawable_offsets (source, &canvas->origin_x, &canvas->origin_y);
      canvas->space.width  = gimp_drawable_width (source);
      canvas->space.height = gimp_drawable_height (source);
    }
  canvas->has_selection = gimp2_selection_bounds (image, &canvas->selection);
}

gint32
gimp2_edit_source_layer (gint32   drawable,
                         GError **error)
{
  if (drawable > 0 && gimp_item_is_valid (drawable) &&
      gimp_item_is_layer_mask (drawable))
    drawable = gimp_layer_from_mask (drawable);

  if (drawable <= 0 || ! gimp_item_is_valid (drawable))
    {
      g_set_error_literal (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                           _("No layer is selected: select the layer to edit."));
      return -1;
    }

  if (! gimp_item_is_layer (drawable))
    {
      g_set_error_literal (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                           _("Gemini edits layers: select a layer, not a channel."));
      return -1;
    }

  return drawable;
}

gboolean
gimp2_refuse_indexed (gint32   image,
                      GError **error)
{
  if (gimp_image_base_type (image) == GIMP_INDEXED)
    {
      g_set_error_literal (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                           GG_FRONT_INDEXED_MESSAGE);
      return FALSE;
    }

  return TRUE;
}

/* Every layer of @layers (and of their groups) linked to others, in stack
 * order, into @found. */
static void
linked_layers (gint32  *layers,
               gint     n,
               gint32   skip,
               GArray  *found)
{
  gint i;

  for (i = 0; i < n; i++)
    {
      if (layers[i] != skip && gimp_item_get_linked (layers[i]))
        g_array_append_val (found, layers[i]);
      if (gimp_item_is_group (layers[i]))
        {
          gint    n_children = 0;
          gint32 *children   = gimp_item_get_children (layers[i], &n_children);

          linked_layers (children, n_children, skip, found);
          g_free (children);
        }
    }
}

/* A linked @active links the others; alone it is one layer. */
gint
gimp2_compose_layers (gint32    image,
                      gint32    active,
                      gint32  **out)
{
  GArray *found  = g_array_new (FALSE, FALSE, sizeof (gint32));
  gint    n      = 0;
  gint32 *layers;

  if (active > 0 && gimp_item_is_valid (active) && gimp_item_is_layer (active))
    {
      g_array_append_val (found, active);
      if (gimp_item_get_linked (active))
        {
          layers = gimp_image_get_layers (image, &n);
          linked_layers (layers, n, active, found);
          g_free (layers);
        }
    }

  n    = (gint) found->len;
  *out = (gint32 *) g_array_free (found, FALSE);

  return n;
}


/* --- the progress ------------------------------------------------------- */

gboolean
gimp2_progress_tick (const gchar *text,
                     gpointer     data)
{
  gchar **shown = data;

  if (g_strcmp0 (text, *shown) != 0)
    {
      gimp_progress_set_text (text);
      g_free (*shown);
      *shown = g_strdup (text);
    }

  return gimp_progress_pulse ();
}
