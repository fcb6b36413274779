/* gimp-gemini: the answers of a front end's run (gg-front.h): decoded and
 * placed before the image is touched (gg_front_prepare ()), saved to the
 * recovery folder when anything fails, and the report (the model's words,
 * sources, usage and cost).
 */

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include <cjson/cJSON.h>

#include "gg-error.h"
#include "gg-front.h"
#include "gg-usage.h"


/* --- answers -------------------------------------------------------------- */

static void
piece_free (gpointer data)
{
  GgFrontPiece *piece = data;

  g_clear_pointer (&piece->raster, gg_raster_free);
  g_clear_pointer (&piece->mask, gg_mask_free);
  g_free (piece);
}

static void
mark (const GgFrontTarget *target,
      const gchar         *step)
{
  if (target->mark_full)
    target->mark_full (step, target->mark_data);
  else if (target->mark)
    target->mark (step);
}

/* One answer fitted onto the region, cut to the part that is kept, with
 * its mask when the target asks for one.  FALSE (piece->raster NULL)
 * when it cannot be placed. */
static gboolean
place_one (const GgFrontTarget *target,
           const GgRaster      *answer,
           GgFrontPiece        *piece,
           GError             **error)
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
  mark (target, "placed");

  if (! mask && target->mask_changed)
    {
      /* What the model changed, against the realigned, colour-matched
       * answer: its drift and grain are not changes. */
      changed = gg_mask_changed (target->original, placed, &report, NULL,
                                 error);
      if (! changed)
        return FALSE;
      mask = changed;
      mark (target, "changed pixels");
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

GgFrontPrepared *
gg_front_prepare (const GgFrontTarget *target,
                  GPtrArray           *responses,
                  GError             **error)
{
  g_autoptr (GgFrontPrepared) prepared = g_new0 (GgFrontPrepared, 1);
  guint                       r, i;

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
      GgFrontPiece        *piece;

      if (! answer)
        {
          gg_front_recovery_all (error, prepared, target->profile_dir,
                                 target->prompt,
                                 "The answer could not be decoded");
          return NULL;
        }
      mark (target, "decoded");

      piece = g_new0 (GgFrontPiece, 1);
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
          gg_front_recovery_all (error, prepared, target->profile_dir,
                                 target->prompt,
                                 "The result could not be fitted onto the region");
          return NULL;
        }
      g_ptr_array_add (prepared->layers, piece);
    }

  /* Thought images are interim sketches: stretched over where the first
   * result lies, never realigned; one that does not decode is left out. */
  for (r = 0; target->thought_layers && r < responses->len; r++)
    {
      GgResponse          *response = g_ptr_array_index (responses, r);
      g_autoptr (GPtrArray) thoughts = gg_response_thought_images (response);

      for (i = 0; thoughts && i < thoughts->len; i++)
        {
          GgPart       *part   = g_ptr_array_index (thoughts, i);
          gsize         length;
          const guint8 *data   = g_bytes_get_data (part->data, &length);
          GgFrontPiece *first  = g_ptr_array_index (prepared->layers, 0);
          GgRaster     *raster = gg_image_decode (data, length, 0, NULL);
          GgFrontPiece *piece;

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

          piece = g_new0 (GgFrontPiece, 1);
          piece->raster = raster;
          piece->x      = first->x;
          piece->y      = first->y;
          g_ptr_array_add (prepared->thoughts, piece);
        }
    }

  return g_steal_pointer (&prepared);
}

void
gg_front_prepared_free (GgFrontPrepared *prepared)
{
  if (! prepared)
    return;

  g_clear_pointer (&prepared->layers, g_ptr_array_unref);
  g_clear_pointer (&prepared->thoughts, g_ptr_array_unref);
  g_clear_pointer (&prepared->bytes, g_ptr_array_unref);
  g_clear_pointer (&prepared->sources, g_ptr_array_unref);
  g_free (prepared);
}

/* Writes all of @data to @fd; FALSE with errno set when it cannot. */
static gboolean
write_all (int fd, const guint8 *data, gsize length)
{
  while (length > 0)
    {
      gssize n = write (fd, data, MIN (length, (gsize) G_MAXSSIZE));

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      data += n;
      length -= (gsize) n;
    }
  return TRUE;
}

gchar *
gg_front_recovery_save (const gchar  *profile_dir,
                        GBytes       *bytes,
                        const gchar  *prompt,
                        GError      **error)
{
  g_autofree gchar     *dir    = g_build_filename (profile_dir,
                                                   GG_FRONT_RECOVERY_DIR, NULL);
  g_autoptr (GDateTime) now    = g_date_time_new_now_local ();
  g_autofree gchar     *stamp  = g_date_time_format (now, "%Y%m%d-%H%M%S");
  gsize                 length;
  const guint8         *data   = g_bytes_get_data (bytes, &length);
  const gchar          *ext;
  gchar                *path   = NULL;
  int                   fd     = -1;
  int                   saved_errno;

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
                   "The folder %s could not be created (%s).", dir,
                   g_strerror (errno));
      return NULL;
    }

  /* Created exclusively: another answer of this run, or of another run in
   * the same second (another process), takes the next number, and no
   * file is ever replaced. */
  for (guint serial = 1; fd < 0 && serial <= 100000; serial++)
    {
      g_autofree gchar *base = g_strdup_printf ("gemini-%s-%u-%u.%s", stamp,
                                                g_str_hash (prompt ? prompt : "") % 10000,
                                                serial, ext);

      g_free (path);
      path = g_build_filename (dir, base, NULL);
      fd = g_open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
      if (fd < 0 && errno != EEXIST)
        break;
    }
  if (fd < 0)
    {
      saved_errno = errno;
      g_set_error (error, GG_ERROR, GG_ERROR_IO,
                   "No file could be created in %s (%s).", dir, g_strerror (saved_errno));
      g_free (path);
      return NULL;
    }

  /* Written as received: whatever went wrong here, the bytes are intact. */
  if (! write_all (fd, data, length) || fsync (fd) != 0)
    {
      saved_errno = errno;
      close (fd);
      g_unlink (path);
      g_set_error (error, GG_ERROR, GG_ERROR_IO, "%s could not be written (%s).",
                   path, g_strerror (saved_errno));
      g_free (path);
      return NULL;
    }
  if (close (fd) != 0)
    {
      saved_errno = errno;
      g_unlink (path);
      g_set_error (error, GG_ERROR, GG_ERROR_IO, "%s could not be written (%s).",
                   path, g_strerror (saved_errno));
      g_free (path);
      return NULL;
    }

  return path;
}

void
gg_front_recovery_error (GError      **error,
                         const gchar  *profile_dir,
                         GBytes       *bytes,
                         const gchar  *prompt,
                         const gchar  *why)
{
  g_autofree gchar *detail     = NULL;
  g_autofree gchar *path       = NULL;
  GError           *save_error = NULL;
  gint              code       = GG_ERROR_FAILED;

  if (error && *error)
    {
      gsize n;

      detail = g_strdup ((*error)->message);
      code   = (*error)->code;
      g_clear_error (error);
      /* Its sentence becomes a clause of ours: one full stop. */
      n = strlen (detail);
      while (n > 0 && detail[n - 1] == '.')
        detail[--n] = '\0';
    }

  path = bytes ? gg_front_recovery_save (profile_dir, bytes, prompt, &save_error)
               : NULL;

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

void
gg_front_recovery_all (GError          **error,
                       GgFrontPrepared  *prepared,
                       const gchar      *profile_dir,
                       const gchar      *prompt,
                       const gchar      *why)
{
  guint i;

  for (i = 1; i < prepared->bytes->len; i++)
    {
      /* The first image's path goes into the message below; the others
       * are saved beside it, in the same folder. */
      g_free (gg_front_recovery_save (profile_dir, g_ptr_array_index (prepared->bytes, i),
                                 prompt, NULL));
    }

  gg_front_recovery_error (error, profile_dir,
                           prepared->bytes->len ?
                           g_ptr_array_index (prepared->bytes, 0) : NULL,
                           prompt, why);
}

gchar *
gg_front_sources_json (GPtrArray *sources)
{
  cJSON *array = cJSON_CreateArray ();
  gchar *text;
  gchar *copy;
  guint  i;

  for (i = 0; sources && i < sources->len; i++)
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

gchar *
gg_front_report (const gchar  *profile_dir,
                 const gchar  *model,
                 GPtrArray    *responses,
                 GPtrArray    *failures,
                 const gchar  *note,
                 gchar       **usage_line)
{
  GString          *text  = g_string_new (NULL);
  GgUsageTotal      run   = { 0, };
  GgUsageTotal      total = { 0, };
  gboolean          have_total;
  g_autofree gchar *path  = g_build_filename (profile_dir,
                                              GG_FRONT_USAGE_FILE, NULL);
  gchar            *usage;
  guint             r, i, n_sources = 0;

  for (r = 0; r < responses->len; r++)
    {
      GgResponse       *response = g_ptr_array_index (responses, r);
      g_autofree gchar *words    = gg_response_text (response);

      gg_usage_total_add (&run, response, gg_response_cost (response, model));

      if (words && *g_strstrip (words))
        {
          /* Named like the layers of the group (#1, #2...). */
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

  if (text->len && text->str[text->len - 1] == '\n')
    g_string_truncate (text, text->len - 1);

  if (usage_line)
    *usage_line = usage;
  else
    g_free (usage);

  /* The model's words, the sources and the failures came from a server. */
  {
    g_autofree gchar *raw = g_string_free (text, FALSE);

    return gg_redact (raw, NULL);
  }
}
