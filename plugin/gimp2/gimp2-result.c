/* gimp-gemini for GIMP 2.10: the result layers a run adds to the image
 * (gimp2-result.h), with their masks and sources. */

#include <string.h>

#include <libgimp/gimp.h>

#include "gg-error.h"

#include "gimp2-result.h"



const gchar *
gimp2_last_error (void)
{
  const gchar *message = gimp_get_pdb_error ();

  return message && *message ? message : "GIMP gave no reason";
}

const Babl *
gimp2_coverage_format (GeglBuffer *buffer)
{
  const gchar *encoding = babl_format_get_encoding (gegl_buffer_get_format (buffer));

  return babl_format (g_str_has_prefix (encoding, "Y'") ? "Y' u8" : "Y u8");
}

/* @data (@width x @height, rows of @stride bytes, as @format; NULL: the
 * drawable's coverage format) as all of @drawable's pixels: GEGL converts
 * to the drawable's own format, its precision, gray or RGB. */
static void
buffer_write (gint32        drawable,
              gint          width,
              gint          height,
              const Babl   *format,
              const guint8 *data,
              gint          stride)
{
  GeglBuffer *buffer = gimp_drawable_get_buffer (drawable);

  gegl_buffer_set (buffer, GEGL_RECTANGLE (0, 0, width, height), 0,
                   format ? format : gimp2_coverage_format (buffer),
                   data, stride);
  gegl_buffer_flush (buffer);
  g_object_unref (buffer);
  gimp_drawable_update (drawable, 0, 0, width, height);
}

/* @mask (the layer's size) as the layer's mask.  Black first: the pixels
 * are then written once, as they are. */
static gboolean
mask_add (gint32         layer,
          const GgMask  *mask,
          GError       **error)
{
  gint32 layer_mask = gimp_layer_create_mask (layer, GIMP_ADD_MASK_BLACK);

  if (layer_mask < 0 || ! gimp_layer_add_mask (layer, layer_mask))
    {
      g_set_error (error, GG_ERROR, GG_ERROR_FAILED,
                   _("The layer mask could not be added: %s"),
                   gimp2_last_error ());
      return FALSE;
    }
  buffer_write (layer_mask, mask->width, mask->height, NULL, mask->data,
                mask->width);

  return TRUE;
}

/* A new layer holding @piece where it was placed, inside @parent (-1:
 * the top level) at @position; -1 with @error, nothing left in the
 * image. */
static gint32
insert_layer (gint32              image,
              gint32              parent,
              gint                position,
              const gchar        *name,
              const GgFrontPiece *piece,
              GError            **error)
{
  const GgRaster *raster = piece->raster;
  GimpImageType   type;
  gint32          layer;

  switch (gimp_image_base_type (image))
    {
    case GIMP_RGB:  type = GIMP_RGBA_IMAGE;  break;
    case GIMP_GRAY: type = GIMP_GRAYA_IMAGE; break;
    default:
      g_set_error_literal (error, GG_ERROR, GG_ERROR_FAILED,
                           GG_FRONT_INDEXED_MESSAGE);
      return -1;
    }

  layer = gimp_layer_new (image, name, raster->width, raster->height, type,
                          100.0, gimp_image_get_default_new_layer_mode (image));
  if (layer < 0)
    goto failed;

  if (! gimp_image_insert_layer (image, layer, parent, position))
    {
      /* Never attached to the image: only this removes it. */
      gimp_item_delete (layer);
      goto failed;
    }

  if (! gimp_layer_set_offsets (layer, piece->x, piece->y))
    {
      gimp_image_remove_layer (image, layer);
      goto failed;
    }

  buffer_write (layer, raster->width, raster->height,
                babl_format (GIMP2_RASTER_FORMAT), raster->pixels,
                raster->width * 4);

  return layer;

failed:
  g_set_error (error, GG_ERROR, GG_ERROR_FAILED,
               _("The result could not be added to the image: %s"),
               gimp2_last_error ());
  return -1;
}

/* Refine without a selection: the new layer takes the mask of the result
 * it refines, when both cover the same pixels. */
static gboolean
copy_mask (gint32 from,
           gint32 to)
{
  gint32      source;
  gint32      mask;
  GeglBuffer *in;
  GeglBuffer *out;
  gint        fx, fy, tx, ty;

  if (! gimp_item_is_valid (from) || ! gimp_item_is_layer (from))
    return FALSE;

  source = gimp_layer_get_mask (from);
  if (source < 0)
    return FALSE;

  gimp_drawable_offsets (from, &fx, &fy);
  gimp_drawable_offsets (to, &tx, &ty);
  if (fx != tx || fy != ty ||
      gimp_drawable_width (from) != gimp_drawable_width (to) ||
      gimp_drawable_height (from) != gimp_drawable_height (to))
    return FALSE;

  mask = gimp_layer_create_mask (to, GIMP_ADD_MASK_WHITE);
  if (mask < 0 || ! gimp_layer_add_mask (to, mask))
    return FALSE;

  in  = gimp_drawable_get_buffer (source);
  out = gimp_drawable_get_buffer (mask);
  gegl_buffer_copy (in, NULL, GEGL_ABYSS_NONE, out, NULL);
  gegl_buffer_flush (out);
  g_object_unref (in);
  g_object_unref (out);

  gimp_drawable_update (mask, 0, 0, gimp_drawable_width (mask),
                        gimp_drawable_height (mask));

  return TRUE;
}

/* The result layers, in a group when there are several, at @position of
 * @parent; *@item is the layer or group (-1: none yet) and result->first
 * the first layer.  FALSE with @error; what was added is @item's. */
static gboolean
insert_results (Gimp2Target     *target,
                GgFrontPrepared *prepared,
                gint32           parent,
                gint             position,
                const gchar     *name,
                gint32          *item,
                Gimp2Result     *result,
                GError         **error)
{
  gint32 image = target->image;
  guint  i;

  if (prepared->layers->len > 1)
    {
      gint32 group = gimp_layer_group_new (image);

      if (group < 0 || ! gimp_image_insert_layer (image, group, parent, position))
        {
          if (group >= 0)
            gimp_item_delete (group);
          g_set_error (error, GG_ERROR, GG_ERROR_FAILED,
                       _("The layer group could not be added: %s"),
                       gimp2_last_error ());
          return FALSE;
        }
      gimp_item_set_name (group, name);
      *item = group;
    }

  for (i = 0; i < prepared->layers->len; i++)
    {
      GgFrontPiece     *piece = g_ptr_array_index (prepared->layers, i);
      g_autofree gchar *title = NULL;
      gint32            layer;

      if (*item >= 0)
        title = g_strdup_printf ("%s #%u", name, i + 1);

      layer = insert_layer (image, *item >= 0 ? *item : parent,
                            *item >= 0 ? (gint) i : position,
                            title ? title : name, piece, error);
      if (layer < 0)
        return FALSE;

      if (*item < 0)
        *item = layer;
      if (result->first < 0)
        result->first = layer;

      /* After a layer was added, so that the clean-up runs too. */
      if (gg_front_test_fail_place ())
        {
          g_set_error_literal (error, GG_ERROR, GG_ERROR_FAILED,
                               "placement forced to fail "
                               "(GIMP_GEMINI_TEST_FAIL_PLACE)");
          return FALSE;
        }

      if (piece->mask)
        {
          if (! mask_add (layer, piece->mask, error))
            return FALSE;
        }
      else if (target->mask_from > 0)
        {
          copy_mask (target->mask_from, layer);
        }
    }

  return TRUE;
}

/* The thought images, hidden, in a hidden group below @item; *@thoughts
 * is the group (-1: none).  FALSE with @error. */
static gboolean
insert_thoughts (gint32           image,
                 GgFrontPrepared *prepared,
                 gint32           parent,
                 gint32           item,
                 gint32          *thoughts,
                 GError         **error)
{
  gint32 group = gimp_layer_group_new (image);
  guint  i;

  /* Below the result: never mistaken for it. */
  if (group < 0 ||
      ! gimp_image_insert_layer (image, group, parent,
                                 gimp_image_get_item_position (image, item) + 1))
    {
      if (group >= 0)
        gimp_item_delete (group);
      g_set_error (error, GG_ERROR, GG_ERROR_FAILED,
                   _("The thoughts group could not be added: %s"),
                   gimp2_last_error ());
      return FALSE;
    }
  *thoughts = group;
  gimp_item_set_name (group, GG_FRONT_THOUGHTS_GROUP);
  gimp_item_set_visible (group, FALSE);

  for (i = 0; i < prepared->thoughts->len; i++)
    {
      GgFrontPiece     *piece = g_ptr_array_index (prepared->thoughts, i);
      g_autofree gchar *title = g_strdup_printf ("Thought %u", i + 1);
      gint32            layer;

      layer = insert_layer (image, group, (gint) i, title, piece, error);
      if (layer < 0)
        return FALSE;
      gimp_item_set_visible (layer, FALSE);
    }

  return TRUE;
}

/* The search's sources, kept with @item. */
static gboolean
attach_sources (gint32           item,
                GgFrontPrepared *prepared,
                GError         **error)
{
  g_autofree gchar *json = gg_front_sources_json (prepared->sources);
  GimpParasite     *parasite;
  gboolean          ok;

  parasite = gimp_parasite_new (GG_FRONT_SOURCES_PARASITE, GIMP2_PARASITE_FLAGS,
                                (guint32) strlen (json), json);
  ok = gimp_item_attach_parasite (item, parasite);
  gimp_parasite_free (parasite);

  if (! ok)
    g_set_error (error, GG_ERROR, GG_ERROR_FAILED,
                 _("The sources could not be stored with the layer: %s"),
                 gimp2_last_error ());

  return ok;
}

gboolean
gimp2_result_insert (Gimp2Target     *target,
                     GgFrontPrepared *prepared,
                     Gimp2Result     *result,
                     GError         **error)
{
  gint32            image    = target->image;
  gint32            parent   = -1;
  gint32            item     = -1;
  gint32            thoughts = -1;
  g_autofree gchar *name     = gg_front_layer_name (target->prompt);
  gint              position = 0;

  result->item  = -1;
  result->first = -1;

  if (! gimp_image_is_valid (image))
    {
      g_set_error_literal (error, GG_ERROR, GG_ERROR_FAILED,
                           _("The image was closed before the result arrived"));
      return FALSE;
    }

  /* Directly above the source, inside the same group when it is in one. */
  if (target->above > 0 && gimp_item_is_valid (target->above))
    {
      gint32 up = gimp_item_get_parent (target->above);

      parent   = up > 0 ? up : -1;
      position = gimp_image_get_item_position (image, target->above);
    }

  if (insert_results (target, prepared, parent, position, name, &item,
                      result, error) &&
      (prepared->thoughts->len == 0 ||
       insert_thoughts (image, prepared, parent, item, &thoughts, error)) &&
      (prepared->sources->len == 0 ||
       attach_sources (item, prepared, error)))
    {
      result->item = item;
      return TRUE;
    }

  if (thoughts >= 0)
    gimp_image_remove_layer (image, thoughts);
  if (item >= 0)
    gimp_image_remove_layer (image, item);
  result->item  = -1;
  result->first = -1;

  return FALSE;
}
