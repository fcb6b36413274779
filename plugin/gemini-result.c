/* gimp-gemini: the layers, groups and messages made from an answer.
 *
 * Everything that can fail without touching the image (decoding, placing)
 * happens in gemini_result_prepare (); gemini_result_insert () only adds
 * layers, and removes them again if one step fails.
 */

#include <string.h>

#include <cjson/cJSON.h>
#include <libgimp/gimp.h>

#include "gg-error.h"
#include "gg-image.h"
#include "gg-usage.h"

#include "gemini.h"
#include "gemini-pixels.h"
#include "gemini-result.h"


/* Layer names longer than this are cut at a word. */
#define LAYER_NAME_MAX 40

typedef struct
{
  GgRaster *raster;
  GgMask   *mask;       /* the layer's mask (raster's size), or NULL */
  gint      x, y;       /* image coordinates */
} Piece;

struct _GeminiPrepared
{
  GPtrArray *layers;    /* of Piece*: the results */
  GPtrArray *thoughts;  /* of Piece*: interim thought images */
  GPtrArray *bytes;     /* of GBytes*: the results as received */
  GPtrArray *sources;   /* of GgSource*, borrowed from the responses */
  GgRect     clip;
};


static void       piece_free        (gpointer         data);
static gboolean   place_one         (const GeminiTarget *target,
                                     const GgRaster  *answer,
                                     Piece           *piece,
                                     GError         **error);
static gboolean   copy_mask         (GimpLayer       *from,
                                     GimpLayer       *to);
static gchar    * sources_json      (GPtrArray       *sources);
static gchar    * save_for_recovery (GBytes          *bytes,
                                     const gchar     *prompt,
                                     GError         **error);
static void       recovery_all      (GError         **error,
                                     GeminiPrepared  *prepared,
                                     const gchar     *prompt,
                                     const gchar     *why);
static gboolean   test_fail_place   (void);


GeminiPrepared *
gemini_result_prepare (const GeminiTarget *target,
                       GPtrArray          *responses,
                       GError            **error)
{
  g_autoptr (GeminiPrepared) prepared = g_new0 (GeminiPrepared, 1);
  guint                      r, i;

  prepared->layers   = g_ptr_array_new_with_free_func (piece_free);
  prepared->thoughts = g_ptr_array_new_with_free_func (piece_free);
  prepared->bytes    = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  prepared->sources  = g_ptr_array_new ();

  if (target->plan)
    {
      /* Padding beyond the layer was context for the model, not a result. */
      if (! gg_rect_intersect (&target->plan->region, &target->space,
                            &prepared->clip))
        prepared->clip = target->plan->region;
      prepared->clip.x += target->origin_x;
      prepared->clip.y += target->origin_y;
    }

  /* All the paid images first, so that recovery can save every one. */
  for (r = 0; r < responses->len; r++)
    {
      GgResponse          *response = g_ptr_array_index (responses, r);
      g_autoptr (GPtrArray) images  = gg_response_images (response);

      for (i = 0; images && i < images->len; i++)
        {
          GgPart *part = g_ptr_array_index (images, i);

          g_ptr_array_add (prepared->bytes, g_bytes_ref (part->data));
        }
      for (i = 0; response->sources && i < response->sources->len; i++)
        g_ptr_array_add (prepared->sources,
                         g_ptr_array_index (response->sources, i));
    }

  if (prepared->bytes->len == 0)
    {
      g_set_error_literal (error, GG_ERROR, GG_ERROR_NO_IMAGE,
                           "The model answered without an image: try "
                           "rephrasing the prompt.");
      return NULL;
    }

  for (i = 0; i < prepared->bytes->len; i++)
    {
      GBytes              *bytes  = g_ptr_array_index (prepared->bytes, i);
      gsize                length;
      const guint8        *data   = g_bytes_get_data (bytes, &length);
      g_autoptr (GgRaster) answer = gg_image_decode (data, length, 0, error);
      Piece               *piece;

      if (! answer)
        {
          recovery_all (error, prepared, target->prompt,
                        "The answer could not be decoded");
          return NULL;
        }
      gemini_time_mark ("decoded");

      piece = g_new0 (Piece, 1);
      if (target->plan)
        {
          place_one (target, answer, piece, error);
          piece->x      = prepared->clip.x;
          piece->y      = prepared->clip.y;
        }
      else
        {
          piece->raster = g_steal_pointer (&answer);
          piece->x      = target->x;
          piece->y      = target->y;
        }

      if (! piece->raster)
        {
          piece_free (piece);
          recovery_all (error, prepared, target->prompt,
                        "The result could not be fitted onto the region");
          return NULL;
        }
      g_ptr_array_add (prepared->layers, piece);
    }

  /* Thought images are interim sketches (often smaller): stretched over
   * where the first result lies, never realigned, and one that does not
   * decode is simply left out. */
  for (r = 0; target->thought_layers && r < responses->len; r++)
    {
      GgResponse          *response = g_ptr_array_index (responses, r);
      g_autoptr (GPtrArray) thoughts = gg_response_thought_images (response);

      for (i = 0; thoughts && i < thoughts->len; i++)
        {
          GgPart       *part   = g_ptr_array_index (thoughts, i);
          gsize         length;
          const guint8 *data   = g_bytes_get_data (part->data, &length);
          Piece        *first  = g_ptr_array_index (prepared->layers, 0);
          GgRaster     *raster = gg_image_decode (data, length, 0, NULL);
          Piece        *piece;

          if (! raster)
            continue;

          if (raster->width  != first->raster->width ||
              raster->height != first->raster->height)
            {
              GgRaster *scaled = gg_raster_scale (raster,
                                                  first->raster->width,
                                                  first->raster->height,
                                                  NULL);

              gg_raster_free (raster);
              if (! scaled)
                continue;
              raster = scaled;
            }

          piece = g_new0 (Piece, 1);
          piece->raster = raster;
          piece->x      = first->x;
          piece->y      = first->y;
          g_ptr_array_add (prepared->thoughts, piece);
        }
    }

  return g_steal_pointer (&prepared);
}

void
gemini_result_free (GeminiPrepared *prepared)
{
  if (! prepared)
    return;

  g_clear_pointer (&prepared->layers, g_ptr_array_unref);
  g_clear_pointer (&prepared->thoughts, g_ptr_array_unref);
  g_clear_pointer (&prepared->bytes, g_ptr_array_unref);
  g_clear_pointer (&prepared->sources, g_ptr_array_unref);
  g_free (prepared);
}

void
gemini_result_size (GeminiPrepared *prepared,
                    gint           *width,
                    gint           *height)
{
  Piece *piece = g_ptr_array_index (prepared->layers, 0);

  *width  = piece->raster->width;
  *height = piece->raster->height;
}

gboolean
gemini_result_insert (const GeminiTarget *target,
                      GeminiPrepared     *prepared,
                      GeminiResult       *result,
                      GError            **error)
{
  GimpImage        *image    = target->image;
  GimpLayer        *parent   = NULL;
  GimpLayer        *item     = NULL;
  GimpLayer        *thoughts = NULL;
  g_autofree gchar *name     = gemini_result_layer_name (target->prompt);
  gint              position = 0;
  guint             i;

  memset (result, 0, sizeof *result);

  if (! gimp_image_is_valid (image))
    {
      recovery_all (error, prepared, target->prompt,
                    "The image was closed before the result arrived");
      return FALSE;
    }

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
                       "The layer group could not be added: %s",
                       gimp_pdb_get_last_error (gimp_get_pdb ()));
          goto failed;
        }
    }

  for (i = 0; i < prepared->layers->len; i++)
    {
      Piece            *piece = g_ptr_array_index (prepared->layers, i);
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
      if (test_fail_place ())
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

  if (prepared->thoughts->len > 0)
    {
      thoughts = GIMP_LAYER (gimp_group_layer_new (image,
                                                   GEMINI_THOUGHTS_GROUP));
      /* Below the result: never mistaken for it. */
      if (! thoughts ||
          ! gimp_image_insert_layer (image, thoughts, parent,
                                     gimp_image_get_item_position
                                       (image, GIMP_ITEM (item)) + 1))
        {
          if (thoughts)
            gimp_item_delete (GIMP_ITEM (thoughts));
          thoughts = NULL;
          g_set_error (error, GG_ERROR, GG_ERROR_FAILED,
                       "The thoughts group could not be added: %s",
                       gimp_pdb_get_last_error (gimp_get_pdb ()));
          goto failed;
        }
      gimp_item_set_visible (GIMP_ITEM (thoughts), FALSE);

      for (i = 0; i < prepared->thoughts->len; i++)
        {
          Piece            *piece = g_ptr_array_index (prepared->thoughts, i);
          g_autofree gchar *title = g_strdup_printf ("Thought %u", i + 1);
          GimpLayer        *layer;

          layer = gemini_pixels_insert_layer_at (image, thoughts, (gint) i,
                                                 title, piece->raster,
                                                 piece->x, piece->y, error);
          if (! layer)
            goto failed;
          gimp_item_set_visible (GIMP_ITEM (layer), FALSE);
        }
    }

  if (prepared->sources->len > 0)
    {
      g_autofree gchar *json = sources_json (prepared->sources);
      GimpParasite     *parasite;
      gboolean          ok;

      parasite = gimp_parasite_new (GEMINI_SOURCES_PARASITE,
                                    GIMP_PARASITE_PERSISTENT |
                                    GIMP_PARASITE_UNDOABLE,
                                    (guint32) strlen (json), json);
      ok = gimp_item_attach_parasite (GIMP_ITEM (item), parasite);
      gimp_parasite_free (parasite);

      if (! ok)
        {
          g_set_error (error, GG_ERROR, GG_ERROR_FAILED,
                       "The sources could not be stored with the layer: %s",
                       gimp_pdb_get_last_error (gimp_get_pdb ()));
          goto failed;
        }
    }

  result->item = item;
  result->clip = prepared->clip;

  return TRUE;

failed:
  if (thoughts)
    gimp_image_remove_layer (image, thoughts);
  if (item)
    gimp_image_remove_layer (image, item);
  memset (result, 0, sizeof *result);

  recovery_all (error, prepared, target->prompt,
                "The result could not be added to the image");
  return FALSE;
}

void
gemini_result_report (GimpRunMode  run_mode,
                      const gchar *model,
                      GPtrArray   *responses,
                      GPtrArray   *failures,
                      const gchar *note)
{
  GString          *text  = g_string_new (NULL);
  GgUsageTotal      run   = { 0, };
  GgUsageTotal      total = { 0, };
  gboolean          have_total;
  g_autofree gchar *path  = g_build_filename (gimp_directory (),
                                              GEMINI_USAGE_FILE, NULL);
  g_autofree gchar *usage = NULL;
  guint             r, i, n_sources = 0;

  for (r = 0; r < responses->len; r++)
    {
      GgResponse       *response = g_ptr_array_index (responses, r);
      g_autofree gchar *words    = gg_response_text (response);

      gg_usage_total_add (&run, response,
                          gg_response_cost (response, model));

      if (words && *g_strstrip (words))
        {
          /* Named like the layers of the group (#1, #2...), which count
           * the answers that arrived, not the variations asked for. */
          if (responses->len > 1)
            g_string_append_printf (text, "#%u: ", r + 1);
          g_string_append_printf (text, "Gemini says: %s\n", words);
        }

      for (i = 0; response->sources && i < response->sources->len; i++)
        {
          GgSource *source = g_ptr_array_index (response->sources, i);

          if (n_sources++ == 0)
            g_string_append (text, "Sources:\n");
          g_string_append_printf (text, "  %s: %s\n",
                                  source->title ? source->title : "(untitled)",
                                  source->uri ? source->uri : "");
        }
    }

  have_total = gg_usage_record (path, model, &run, &total, NULL);
  usage      = gg_usage_describe (&run, have_total ? &total : NULL);
  g_string_append_printf (text, "%s\n", usage);

  gimp_progress_set_text (usage);

  if (note)
    g_string_append_printf (text, "%s\n", note);

  if (failures && failures->len > 0)
    {
      g_string_append_printf (text, "%u of %u variations failed:\n",
                              failures->len, failures->len + responses->len);
      for (i = 0; i < failures->len; i++)
        g_string_append_printf (text, "  %s\n",
                                (const gchar *) g_ptr_array_index (failures, i));
    }

  /* Scripts get no chatter; a partial failure is told in every mode. */
  if (run_mode == GIMP_RUN_INTERACTIVE || (failures && failures->len > 0))
    {
      if (text->len && text->str[text->len - 1] == '\n')
        g_string_truncate (text, text->len - 1);
      gimp_message (text->str);
    }

  g_string_free (text, TRUE);
}

void
gemini_result_recovery_error (GError      **error,
                              GBytes       *bytes,
                              const gchar  *prompt,
                              const gchar  *why)
{
  g_autofree gchar *detail = NULL;
  g_autofree gchar *path   = NULL;
  GError           *save_error = NULL;
  gint              code   = GG_ERROR_FAILED;

  if (error && *error)
    {
      detail = g_strdup ((*error)->message);
      code   = (*error)->code;
      g_clear_error (error);
    }

  path = bytes ? save_for_recovery (bytes, prompt, &save_error) : NULL;

  if (path)
    g_set_error (error, GG_ERROR, code,
                 "%s%s%s. The result was saved as %s.",
                 why, detail ? ": " : "", detail ? detail : "", path);
  else
    g_set_error (error, GG_ERROR, code,
                 "%s%s%s, and it could not be saved either: %s",
                 why, detail ? ": " : "", detail ? detail : "",
                 save_error ? save_error->message : "no data");

  g_clear_error (&save_error);
}

gchar *
gemini_result_layer_name (const gchar *prompt)
{
  g_autofree gchar *text = g_strdup (prompt ? prompt : "");
  gchar            *cut;
  gchar            *space;
  GString          *name;

  g_strdelimit (text, "\r\n\t", ' ');
  g_strstrip (text);

  if (! *text)
    return g_strdup ("Gemini");

  if (g_utf8_strlen (text, -1) <= LAYER_NAME_MAX)
    return g_steal_pointer (&text);

  cut  = g_utf8_offset_to_pointer (text, LAYER_NAME_MAX);
  name = g_string_new_len (text, cut - text);

  /* At a word when there is one in the second half. */
  space = strrchr (name->str, ' ');
  if (space && space - name->str > LAYER_NAME_MAX / 2)
    g_string_truncate (name, space - name->str);

  g_string_append (name, "…");

  return g_string_free (name, FALSE);
}


static void
piece_free (gpointer data)
{
  Piece *piece = data;

  g_clear_pointer (&piece->raster, gg_raster_free);
  g_clear_pointer (&piece->mask, gg_mask_free);
  g_free (piece);
}

/* One answer fitted onto the region, cut to the part that is kept, with
 * its mask when the target asks for one.  FALSE (piece->raster NULL)
 * when it cannot be placed. */
static gboolean
place_one (const GeminiTarget *target,
           const GgRaster     *answer,
           Piece              *piece,
           GError            **error)
{
  const GgRegionPlan  *plan    = target->plan;
  g_autoptr (GgMask)   changed = NULL;
  g_autoptr (GgRaster) placed  = NULL;
  const GgMask        *mask    = target->mask;
  GgPlaceReport        report;
  GgRect               clip;
  GgRect               inside;

  if (target->prep)
    placed = gg_region_place_prepared (target->prep, answer, &report, error);
  else
    placed = gg_region_place_full (plan, target->original, answer, &report,
                                   error);
  if (! placed)
    return FALSE;
  gemini_time_mark ("placed");

  if (! mask && target->mask_changed)
    {
      /* What the model changed, against the realigned, colour-matched
       * answer: its drift and grain are not changes. */
      changed = gg_mask_changed (target->original, placed, &report, NULL,
                                 error);
      if (! changed)
        return FALSE;
      mask = changed;
      gemini_time_mark ("changed pixels");
    }

  if (! gg_rect_intersect (&plan->region, &target->space, &clip))
    clip = plan->region;

  inside.x      = clip.x - plan->region.x;
  inside.y      = clip.y - plan->region.y;
  inside.width  = clip.width;
  inside.height = clip.height;

  if (mask)
    {
      piece->mask = gg_mask_crop (mask, &inside, error);
      if (! piece->mask)
        return FALSE;
    }

  if (inside.x == 0 && inside.y == 0 &&
      inside.width == placed->width && inside.height == placed->height)
    piece->raster = g_steal_pointer (&placed);
  else
    piece->raster = gg_raster_crop (placed, &inside, error);

  return piece->raster != NULL;
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

/* [{"title": "...", "uri": "..."}, ...] */
static gchar *
sources_json (GPtrArray *sources)
{
  cJSON *array = cJSON_CreateArray ();
  gchar *text;
  gchar *copy;
  guint  i;

  for (i = 0; i < sources->len; i++)
    {
      GgSource *source = g_ptr_array_index (sources, i);
      cJSON    *item   = cJSON_CreateObject ();

      cJSON_AddStringToObject (item, "title", source->title ? source->title : "");
      cJSON_AddStringToObject (item, "uri", source->uri ? source->uri : "");
      cJSON_AddItemToArray (array, item);
    }

  text = cJSON_PrintUnformatted (array);
  cJSON_Delete (array);

  /* cJSON's allocator is not GLib's. */
  copy = g_strdup (text ? text : "[]");
  cJSON_free (text);

  return copy;
}

/* Writes the paid answer to gimp_directory()/gemini-recovery/ and returns
 * the file's path (g_free). */
static gchar *
save_for_recovery (GBytes       *bytes,
                   const gchar  *prompt,
                   GError      **error)
{
  static guint      serial = 0;
  g_autofree gchar *dir   = g_build_filename (gimp_directory (),
                                              GEMINI_RECOVERY_DIR, NULL);
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autofree gchar *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  g_autofree gchar *base  = NULL;
  gsize             length;
  const guint8     *data  = g_bytes_get_data (bytes, &length);
  const gchar      *ext;
  gchar            *path;

  switch (gg_image_sniff (data, length))
    {
    case GG_FORMAT_JPEG: ext = "jpg";  break;
    case GG_FORMAT_WEBP: ext = "webp"; break;
    case GG_FORMAT_PNG:  ext = "png";  break;
    default:             ext = "bin";  break;
    }

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      g_set_error (error, GG_ERROR, GG_ERROR_IO,
                   "The folder %s could not be created.", dir);
      return NULL;
    }

  /* The serial keeps several answers of one run apart. */
  base = g_strdup_printf ("gemini-%s-%u-%u.%s", stamp,
                          g_str_hash (prompt ? prompt : "") % 10000,
                          ++serial, ext);
  path = g_build_filename (dir, base, NULL);

  /* Written as received: whatever went wrong here, the bytes are intact. */
  if (! g_file_set_contents (path, (const gchar *) data, length, error))
    {
      g_free (path);
      return NULL;
    }

  return path;
}

/* Every paid image to the recovery folder; the message names the first. */
static void
recovery_all (GError         **error,
              GeminiPrepared  *prepared,
              const gchar     *prompt,
              const gchar     *why)
{
  guint i;

  for (i = 1; i < prepared->bytes->len; i++)
    {
      g_autofree gchar *path = save_for_recovery (g_ptr_array_index (prepared->bytes, i),
                                                  prompt, NULL);
    }

  gemini_result_recovery_error (error,
                                prepared->bytes->len ?
                                g_ptr_array_index (prepared->bytes, 0) : NULL,
                                prompt,
                                why);
}

/* TEST HOOK, for tests/gimp only: GIMP_GEMINI_TEST_FAIL_PLACE=1 in the
 * environment makes gemini_result_insert () fail after its first layer was
 * added, as if GIMP had refused it, so that the clean-up and the recovery
 * folder are tested.  Read once per process; it changes nothing else. */
static gboolean
test_fail_place (void)
{
  static gint fail = -1;

  if (fail < 0)
    fail = g_strcmp0 (g_getenv ("GIMP_GEMINI_TEST_FAIL_PLACE"), "1") == 0;

  return fail;
}
