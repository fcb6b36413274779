/* gimp-gemini: the layers and groups made from the placed answers
 * (gemini-result.h).
 *
 * Everything that can fail without touching the image (decoding, placing)
 * has happened in the engine (gg_front_prepare ()); this only adds
 * layers, and removes them again if one step fails.
 */

#include <string.h>

#include <libgimp/gimp.h>

#include "gg-error.h"
#include "gg-front.h"

#include "gemini.h"
#include "gemini-intl.h"
#include "gemini-pixels.h"
#include "gemini-result.h"


static gboolean insert_thoughts (GimpImage        *image,
                                 GimpLayer        *parent,
                                 GimpLayer        *item,
                                 GgFrontPrepared  *prepared,
                                 GimpLayer       **thoughts,
                                 GError          **error);
static gboolean attach_sources  (GimpLayer        *item,
                                 GgFrontPrepared  *prepared,
                                 GError          **error);
static gboolean copy_mask       (GimpLayer        *from,
                                 GimpLayer        *to);


gboolean
gemini_result_insert (const GeminiTarget *target,
                      GgFrontPrepared    *prepared,
                      GeminiResult       *result,
                      GError            **error)
{
  GimpImage        *image    = target->image;
  GimpLayer        *parent   = NULL;
  GimpLayer        *item     = NULL;
  GimpLayer        *thoughts = NULL;
  g_autofree gchar *name     = gg_front_layer_name (target->prompt);
  gint              position = 0;
  guint             i;

  memset (result, 0, sizeof *result);

  /* Directly above the source, inside the same group when it is in one. */
  if (target->above && gimp_item_is_valid (GIMP_ITEM (target->above)))
    {
      GimpItem *up = gimp_item_get_parent (GIMP_ITEM (target->above));

      parent   = up ? GIMP_LAYER (up) : NULL;
      position = gimp_image_get_item_position (image,
                                               GIMP_ITEM (target->above));
    }

  if (prepared->layers->len > 1)
    {
      item = GIMP_LAYER (gimp_group_layer_new (image, name));
      if (! item || ! gimp_image_insert_layer (image, item, parent, position))
        {
          if (item)
            gimp_item_delete (GIMP_ITEM (item));
          item = NULL;
          g_set_error (error, GG_ERROR, GG_ERROR_FAILED,
                       _("The layer group could not be added: %s"),
                       gimp_pdb_get_last_error (gimp_get_pdb ()));
          goto failed;
        }
    }

  for (i = 0; i < prepared->layers->len; i++)
    {
      GgFrontPiece     *piece = g_ptr_array_index (prepared->layers, i);
      g_autofree gchar *title = NULL;
      GimpLayer        *layer;

      if (item)
        title = g_strdup_printf ("%s #%u", name, i + 1);

      layer = gemini_pixels_insert_layer_at (image,
                                             item ? item : parent,
                                             item ? (gint) i : position,
                                             title ? title : name,
                                             piece->raster,
                                             piece->x, piece->y, error);
      if (! layer)
        goto failed;

      if (! item)
        item = layer;
      if (! result->first)
        result->first = layer;
      result->n_layers++;

      /* After a layer was added, so that the clean-up runs too. */
      if (gg_front_test_fail_place ())
        {
          g_set_error_literal (error, GG_ERROR, GG_ERROR_FAILED,
                               "placement forced to fail "
                               "(GIMP_GEMINI_TEST_FAIL_PLACE)");
          goto failed;
        }

      gemini_time_mark ("layer");

      if (piece->mask)
        {
          if (! gemini_pixels_add_mask (layer, piece->mask, error))
            goto failed;
          gemini_time_mark ("layer mask");
        }
      else if (target->mask_from)
        {
          copy_mask (target->mask_from, layer);
        }
    }

  if (! insert_thoughts (image, parent, item, prepared, &thoughts, error) ||
      ! attach_sources (item, prepared, error))
    goto failed;

  result->item = item;

  return TRUE;

failed:
  if (thoughts)
    gimp_image_remove_layer (image, thoughts);
  if (item)
    gimp_image_remove_layer (image, item);
  memset (result, 0, sizeof *result);

  return FALSE;
}


/* The hidden "Thoughts" group below @item, holding the thought images;
 * *@thoughts is the group once added (removed by the caller on failure). */
static gboolean
insert_thoughts (GimpImage        *image,
                 GimpLayer        *parent,
                 GimpLayer        *item,
                 GgFrontPrepared  *prepared,
                 GimpLayer       **thoughts,
                 GError          **error)
{
  GimpLayer *group;
  guint      i;

  if (prepared->thoughts->len == 0)
    return TRUE;

  group = GIMP_LAYER (gimp_group_layer_new (image, GG_FRONT_THOUGHTS_GROUP));
  /* Below the result: never mistaken for it. */
  if (! group ||
      ! gimp_image_insert_layer (image, group, parent,
                                 gimp_image_get_item_position
                                   (image, GIMP_ITEM (item)) + 1))
    {
      if (group)
        gimp_item_delete (GIMP_ITEM (group));
      g_set_error (error, GG_ERROR, GG_ERROR_FAILED,
                   _("The thoughts group could not be added: %s"),
                   gimp_pdb_get_last_error (gimp_get_pdb ()));
      return FALSE;
    }
  *thoughts = group;
  gimp_item_set_visible (GIMP_ITEM (group), FALSE);

  for (i = 0; i < prepared->thoughts->len; i++)
    {
      GgFrontPiece     *piece = g_ptr_array_index (prepared->thoughts, i);
      g_autofree gchar *title = g_strdup_printf (_("Thought %u"), i + 1);
      GimpLayer        *layer;

      layer = gemini_pixels_insert_layer_at (image, group, (gint) i,
                                             title, piece->raster,
                                             piece->x, piece->y, error);
      if (! layer)
        return FALSE;
      gimp_item_set_visible (GIMP_ITEM (layer), FALSE);
    }

  return TRUE;
}

/* The grounding sources as a "gemini-sources" parasite on @item. */
static gboolean
attach_sources (GimpLayer        *item,
                GgFrontPrepared  *prepared,
                GError          **error)
{
  g_autofree gchar *json = NULL;
  GimpParasite     *parasite;
  gboolean          ok;

  if (prepared->sources->len == 0)
    return TRUE;

  json     = gg_front_sources_json (prepared->sources);
  parasite = gimp_parasite_new (GG_FRONT_SOURCES_PARASITE,
                                GIMP_PARASITE_PERSISTENT |
                                GIMP_PARASITE_UNDOABLE,
                                (guint32) strlen (json), json);
  ok = gimp_item_attach_parasite (GIMP_ITEM (item), parasite);
  gimp_parasite_free (parasite);

  if (! ok)
    g_set_error (error, GG_ERROR, GG_ERROR_FAILED,
                 _("The sources could not be stored with the layer: %s"),
                 gimp_pdb_get_last_error (gimp_get_pdb ()));

  return ok;
}

/* Refine without a selection: the new layer takes the mask of the result
 * it refines, when both cover the same pixels. */
static gboolean
copy_mask (GimpLayer *from,
           GimpLayer *to)
{
  GimpLayerMask *source;
  GimpLayerMask *mask;
  GeglBuffer    *in;
  GeglBuffer    *out;
  gint           fx, fy, tx, ty;

  if (! gimp_item_is_valid (GIMP_ITEM (from)))
    return FALSE;

  source = gimp_layer_get_mask (from);
  if (! source)
    return FALSE;

  gimp_drawable_get_offsets (GIMP_DRAWABLE (from), &fx, &fy);
  gimp_drawable_get_offsets (GIMP_DRAWABLE (to), &tx, &ty);
  if (fx != tx || fy != ty ||
      gimp_drawable_get_width (GIMP_DRAWABLE (from)) !=
      gimp_drawable_get_width (GIMP_DRAWABLE (to)) ||
      gimp_drawable_get_height (GIMP_DRAWABLE (from)) !=
      gimp_drawable_get_height (GIMP_DRAWABLE (to)))
    return FALSE;

  mask = gimp_layer_create_mask (to, GIMP_ADD_MASK_WHITE);
  if (! mask || ! gimp_layer_add_mask (to, mask))
    return FALSE;

  in  = gimp_drawable_get_buffer (GIMP_DRAWABLE (source));
  out = gimp_drawable_get_buffer (GIMP_DRAWABLE (mask));
  gegl_buffer_copy (in, NULL, GEGL_ABYSS_NONE, out, NULL);
  gegl_buffer_flush (out);
  g_object_unref (in);
  g_object_unref (out);

  gimp_drawable_update (GIMP_DRAWABLE (mask), 0, 0,
                        gimp_drawable_get_width (GIMP_DRAWABLE (mask)),
                        gimp_drawable_get_height (GIMP_DRAWABLE (mask)));

  return TRUE;
}
