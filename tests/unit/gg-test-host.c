/* gg-test-host.c: the fake host of the engine's runs and the fake
 * server's log for the unit tests (gg-test-host.h). */
#include <string.h>
#include <math.h>

#include <glib/gstdio.h>

#include "gg-error.h"
#include "gg-test-host.h"

GgFakeServer *gg_test_run_server;





static void
piece_free (gpointer data)
{
  GgTestPiece *piece = data;

  gg_raster_free (piece->raster);
  gg_mask_free (piece->mask);
  g_free (piece);
}

static GgTestHost *
fake (GgHost *host)
{
  return (GgTestHost *) host;
}

gboolean
gg_test_host_canvas (GgHost *host, gboolean visible, GgHostCanvas *out, GError **error)
{
  GgTestHost *h = fake (host);
  gint      x1 = IMAGE_W, y1 = IMAGE_H, x2 = -1, y2 = -1;

  (void) error;
  memset (out, 0, sizeof *out);
  out->space.width  = visible ? IMAGE_W : LAYER_W;
  out->space.height = visible ? IMAGE_H : LAYER_H;
  out->origin_x     = visible ? 0 : LAYER_X;
  out->origin_y     = visible ? 0 : LAYER_Y;
  out->name         = "Background";
  for (gint y = 0; h->selection && y < IMAGE_H; y++)
    for (gint x = 0; x < IMAGE_W; x++)
      if (h->selection->data[y * IMAGE_W + x])
        {
          x1 = MIN (x1, x);
          y1 = MIN (y1, y);
          x2 = MAX (x2, x);
          y2 = MAX (y2, y);
        }
  out->has_selection = x2 >= 0;
  if (out->has_selection)
    out->selection = (GgRect) { x1, y1, x2 - x1 + 1, y2 - y1 + 1 };
  return TRUE;
}

static GgMask *
host_selection (GgHost *host, const GgRect *rect, GError **error)
{
  return gg_mask_crop (fake (host)->selection, rect, error);
}

static GgRaster *
host_read (GgHost *host, gboolean visible, const GgRect *rect, GError **error)
{
  GgTestHost *h = fake (host);

  return gg_raster_crop (visible ? h->image : h->layer, rect, error);
}

static GPtrArray *
host_references (GgHost *host, GError **error)
{
  GgTestHost *h   = fake (host);
  GPtrArray *out = g_ptr_array_new_with_free_func (gg_run_reference_free);

  (void) error;
  for (guint i = 0; h->references && i < h->references->len; i++)
    {
      GgRunReference *r = g_ptr_array_index (h->references, i);

      g_ptr_array_add (out, gg_run_reference_new (r->bytes, r->role));
    }
  return out;
}

static GgConversation *
host_conversation_load (GgHost *host, GgConversationPlace *place, GError **error)
{
  GgTestHost *h = fake (host);

  memset (place, 0, sizeof *place);
  if (! h->conversation)
    return NULL;
  g_assert_true (gg_conversation_place_from_text (h->place, strlen (h->place), place));
  return gg_conversation_from_json (h->conversation, -1, error);
}

static gboolean
host_begin (GgHost *host, const GgRunInsert *insert, GError **error)
{
  GgTestHost *h = fake (host);

  h->begins++;
  h->new_image = insert->new_image;
  if (h->fail_begin)
    {
      g_set_error_literal (error, GG_ERROR, GG_ERROR_FAILED, "no image could be made");
      return FALSE;
    }
  return TRUE;
}

static gboolean
host_insert (GgHost *host, const GgRunInsert *insert, GgRunInserted *out,
             GError **error)
{
  GgTestHost *h = fake (host);

  h->inserts++;
  if (h->fail_insert)
    {
      g_set_error_literal (error, GG_ERROR, GG_ERROR_FAILED, "the host refused the layer");
      return FALSE;
    }
  for (guint i = 0; i < insert->prepared->layers->len; i++)
    {
      GgFrontPiece *p     = g_ptr_array_index (insert->prepared->layers, i);
      GgTestPiece  *piece = g_new0 (GgTestPiece, 1);

      piece->raster = gg_raster_copy (p->raster);
      piece->x      = p->x;
      piece->y      = p->y;
      if (p->mask)
        {
          GgRect whole = { 0, 0, p->mask->width, p->mask->height };

          piece->mask = gg_mask_crop (p->mask, &whole, NULL);
        }
      g_ptr_array_add (h->pieces, piece);
    }
  h->thoughts           = insert->prepared->thoughts->len;
  h->previous_id        = insert->previous_id;
  h->mask_from_previous = insert->mask_from_previous;
  out->result_id        = 100 + h->inserts;
  return TRUE;
}

static void
host_conversation_store (GgHost *host, GgConversation *conversation,
                         const GgConversationPlace *place, gchar **note)
{
  GgTestHost *h = fake (host);

  (void) note;
  h->stores++;
  g_clear_pointer (&h->conversation, g_free);
  g_clear_pointer (&h->place, g_free);
  if (conversation)
    {
      h->conversation = gg_conversation_to_json (conversation, NULL);
      h->place        = gg_conversation_place_to_text (place);
    }
}

static void
host_end (GgHost *host, gboolean ok)
{
  if (ok)
    fake (host)->ends_ok++;
  else
    fake (host)->ends_failed++;
}

static void
host_report (GgHost *host, const gchar *text, const gchar *usage, gboolean partial)
{
  GgTestHost *h = fake (host);

  g_assert_nonnull (usage);
  h->reports++;
  g_free (h->report);
  h->report  = g_strdup (text);
  h->partial = partial;
}

static gboolean
host_progress (GgHost *host, const gchar *text, gdouble fraction)
{
  GgTestHost *h = fake (host);

  g_assert_true (fraction <= 1.0);
  h->progress_calls++;
  if (h->cancel_at && strstr (text, h->cancel_at))
    return FALSE;
  if (h->cancel_after > 0 && h->progress_calls >= h->cancel_after)
    return FALSE;
  return TRUE;
}

static gchar *
host_key (GgHost *host, GError **error)
{
  (void) host;
  (void) error;
  return g_strdup (GG_FAKE_KEY);
}

static const GgHostClass fake_class =
{
  gg_test_host_canvas, host_selection, host_read, host_references,
  host_conversation_load, host_begin, host_insert, host_conversation_store,
  host_end, host_report, host_progress, host_key, NULL
};

/* A textured picture: smooth gradients and a pattern that placement can
 * lock onto. */
GgRaster *
gg_test_texture (gint width, gint height, gint seed)
{
  GgRaster *r = gg_raster_new (width, height, NULL);

  for (gint y = 0; y < height; y++)
    for (gint x = 0; x < width; x++)
      {
        guint8 *p = r->pixels + ((gsize) y * width + x) * 4;

        p[0] = (guint8) (60 + 120.0 * x / width + 30 * sin ((x + seed) / 7.0));
        p[1] = (guint8) (60 + 120.0 * y / height + 30 * cos ((y + 2 * seed) / 9.0));
        p[2] = (guint8) (110 + 40 * sin ((x + y) / 11.0) * cos ((x - y + seed) / 13.0));
        p[3] = 255;
      }
  return r;
}

/* A host over a textured layer in a grey image; @sel (image coordinates,
 * width 0: none) fully selected. */
GgTestHost *
gg_test_host_new (GgRect sel)
{
  GgTestHost *h = g_new0 (GgTestHost, 1);

  h->host.klass       = &fake_class;
  h->profile          = gg_test_tmpdir ();
  h->host.profile_dir = h->profile;
  h->layer            = gg_test_texture (LAYER_W, LAYER_H, 0);
  h->image            = gg_raster_new (IMAGE_W, IMAGE_H, NULL);
  h->pieces           = g_ptr_array_new_with_free_func (piece_free);
  for (gsize i = 0; i < (gsize) IMAGE_W * IMAGE_H; i++)
    {
      memset (h->image->pixels + i * 4, 128, 3);
      h->image->pixels[i * 4 + 3] = 255;
    }
  for (gint y = 0; y < LAYER_H; y++)
    memcpy (h->image->pixels + ((gsize) (y + LAYER_Y) * IMAGE_W + LAYER_X) * 4,
            h->layer->pixels + (gsize) y * LAYER_W * 4, (gsize) LAYER_W * 4);
  if (sel.width > 0)
    {
      h->selection = gg_mask_new (IMAGE_W, IMAGE_H, NULL);
      for (gint y = sel.y; y < sel.y + sel.height; y++)
        memset (h->selection->data + (gsize) y * IMAGE_W + sel.x, 255, sel.width);
    }
  return h;
}

void
gg_test_host_free (GgTestHost *h)
{
  gg_raster_free (h->layer);
  gg_raster_free (h->image);
  gg_mask_free (h->selection);
  g_clear_pointer (&h->references, g_ptr_array_unref);
  g_ptr_array_unref (h->pieces);
  g_free (h->conversation);
  g_free (h->place);
  g_free (h->report);
  g_free (h->profile);
  g_free (h);
}

/* The files in the host's recovery folder. */
guint
gg_test_recovered (GgTestHost *h)
{
  g_autofree gchar *dir = g_build_filename (h->profile, GG_FRONT_RECOVERY_DIR, NULL);
  GDir             *d   = g_dir_open (dir, 0, NULL);
  guint             n   = 0;

  while (d && g_dir_read_name (d))
    n++;
  if (d)
    g_dir_close (d);
  return n;
}

/* ----- the server's log ------------------------------------------------- */

void
gg_test_server_reset (const gchar *scenario)
{
  g_autofree gchar *json = g_strdup_printf ("{\"scenario\":\"%s\"}", scenario);

  gg_fake_server_control (gg_test_run_server, "/_control/reset", "{}");
  gg_fake_server_control (gg_test_run_server, "/_control/scenario", json);
}

/* The generateContent requests received (cJSON_Delete). */
cJSON *
gg_test_server_requests (void)
{
  g_autofree gchar *text = gg_fake_server_log (gg_test_run_server);
  cJSON            *log  = cJSON_Parse (text);
  cJSON            *out  = cJSON_CreateArray ();
  cJSON            *entry;

  g_assert_nonnull (log);
  cJSON_ArrayForEach (entry, log)
    {
      const cJSON *path = cJSON_GetObjectItem (entry, "path");

      if (cJSON_IsString (path) && strstr (path->valuestring, ":generateContent"))
        cJSON_AddItemToArray (out, cJSON_Duplicate (entry, TRUE));
    }
  cJSON_Delete (log);
  return out;
}

/* The last user turn's parts of a logged request. */
const cJSON *
gg_test_user_parts (const cJSON *entry)
{
  const cJSON *contents = cJSON_GetObjectItem (cJSON_GetObjectItem (entry, "body"), "contents");
  const cJSON *last     = cJSON_GetArrayItem (contents, cJSON_GetArraySize (contents) - 1);

  return cJSON_GetObjectItem (last, "parts");
}

/* Its words, all text parts joined (g_free). */
gchar *
gg_test_user_text (const cJSON *entry)
{
  GString     *text = g_string_new (NULL);
  const cJSON *part;

  cJSON_ArrayForEach (part, gg_test_user_parts (entry))
    {
      const cJSON *t = cJSON_GetObjectItem (part, "text");

      if (cJSON_IsString (t))
        g_string_append (text, t->valuestring);
    }
  return g_string_free (text, FALSE);
}

/* Its @n-th image's logged description ({bytes, sha256, format, width,
 * height}), or NULL. */
const cJSON *
gg_test_user_image (const cJSON *entry, gint n)
{
  const cJSON *part;

  cJSON_ArrayForEach (part, gg_test_user_parts (entry))
    {
      const cJSON *inline_data = cJSON_GetObjectItem (part, "inlineData");

      if (inline_data && n-- == 0)
        return cJSON_GetObjectItem (inline_data, "data");
    }
  return NULL;
}

gint
gg_test_json_int (const cJSON *object, const gchar *name)
{
  const cJSON *item = cJSON_GetObjectItem (object, name);

  g_assert_true (cJSON_IsNumber (item));
  return item->valueint;
}

const gchar *
gg_test_json_string (const cJSON *object, const gchar *name)
{
  const cJSON *item = cJSON_GetObjectItem (object, name);

  g_assert_true (cJSON_IsString (item));
  return item->valuestring;
}

gchar *
gg_test_sha256 (GBytes *bytes)
{
  return g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
}

void
gg_test_edit_options (GgRunOptions *options)
{
  gg_run_options_init (options);
  options->prompt = "add a red balloon";
  options->hint   = TRUE;
}

void
gg_test_run_start (void)
{
  const gchar *const args[] = { "--instant", "--quiet", "--signature-bytes", "64", NULL };

  gg_test_run_server = gg_fake_server_start (args);
  g_setenv ("GOOGLE_GEMINI_BASE_URL", gg_test_run_server->base_url, TRUE);
  g_unsetenv ("GEMINI_API_KEY");
  g_unsetenv ("GOOGLE_API_KEY");
}

gint
gg_test_run_end (gint status)
{
  g_clear_pointer (&gg_test_run_server, gg_fake_server_stop);
  return gg_test_status (status);
}
