/* test-run.c: the engine's runs (gg-run.h) against a fake host (rasters
 * in memory, a selection, recorded inserts, a progress that can cancel)
 * and the fake Gemini server: what is sent, what is placed, what is kept.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <glib/gstdio.h>

#include "gg-error.h"
#include "gg-prompt.h"
#include "gg-run.h"
#include "gg-test-util.h"

#define IMAGE_W  400
#define IMAGE_H  300
#define LAYER_X  10          /* the edited layer's place in the image */
#define LAYER_Y  20
#define LAYER_W  320
#define LAYER_H  240

static GgFakeServer *server;

/* ----- the fake host ------------------------------------------------------ */

typedef struct
{
  GgRaster  *raster;
  gint       x, y;
  GgMask    *mask;
} Piece;

typedef struct
{
  GgHost      host;
  gchar      *profile;
  GgRaster   *layer;         /* LAYER_W x LAYER_H at (LAYER_X, LAYER_Y) */
  GgRaster   *image;         /* what is visible, IMAGE_W x IMAGE_H */
  GgMask     *selection;     /* IMAGE_W x IMAGE_H coverage, or NULL */
  GPtrArray  *references;    /* of GgRunReference* to give, or NULL */
  gboolean    fail_insert;
  const gchar *cancel_at;    /* progress text holding this cancels */
  gint        cancel_after;  /* ... or the progress call of this number */
  gchar      *conversation;  /* kept: its JSON, NULL when forgotten */
  gchar      *place;         /* ... and its place (GG_PLACE_PARASITE text) */
  gint        stores;        /* conversation_store () calls */

  /* Recorded: */
  gint        progress_calls;
  gint        begins, inserts, ends_ok, ends_failed, reports;
  gboolean    new_image;
  guint32     previous_id;
  gboolean    mask_from_previous;
  GPtrArray  *pieces;        /* of Piece* */
  gint        thoughts;
  gchar      *report;
  gboolean    partial;
} FakeHost;

static void
piece_free (gpointer data)
{
  Piece *piece = data;

  gg_raster_free (piece->raster);
  gg_mask_free (piece->mask);
  g_free (piece);
}

static FakeHost *
fake (GgHost *host)
{
  return (FakeHost *) host;
}

static gboolean
host_canvas (GgHost *host, gboolean visible, GgHostCanvas *out, GError **error)
{
  FakeHost *h = fake (host);
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
  FakeHost *h = fake (host);

  return gg_raster_crop (visible ? h->image : h->layer, rect, error);
}

static GPtrArray *
host_references (GgHost *host, GError **error)
{
  FakeHost  *h   = fake (host);
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
  FakeHost *h = fake (host);

  memset (place, 0, sizeof *place);
  if (! h->conversation)
    return NULL;
  g_assert_true (gg_conversation_place_from_text (h->place, strlen (h->place), place));
  return gg_conversation_from_json (h->conversation, -1, error);
}

static gboolean
host_begin (GgHost *host, const GgRunInsert *insert, GError **error)
{
  FakeHost *h = fake (host);

  (void) error;
  h->begins++;
  h->new_image = insert->new_image;
  return TRUE;
}

static gboolean
host_insert (GgHost *host, const GgRunInsert *insert, GgRunInserted *out,
             GError **error)
{
  FakeHost *h = fake (host);

  h->inserts++;
  if (h->fail_insert)
    {
      g_set_error_literal (error, GG_ERROR, GG_ERROR_FAILED, "the host refused the layer");
      return FALSE;
    }
  for (guint i = 0; i < insert->prepared->layers->len; i++)
    {
      GgFrontPiece *p     = g_ptr_array_index (insert->prepared->layers, i);
      Piece        *piece = g_new0 (Piece, 1);

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
  FakeHost *h = fake (host);

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
  FakeHost *h = fake (host);

  g_assert_nonnull (usage);
  h->reports++;
  g_free (h->report);
  h->report  = g_strdup (text);
  h->partial = partial;
}

static gboolean
host_progress (GgHost *host, const gchar *text, gdouble fraction)
{
  FakeHost *h = fake (host);

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
  host_canvas, host_selection, host_read, host_references,
  host_conversation_load, host_begin, host_insert, host_conversation_store,
  host_end, host_report, host_progress, host_key, NULL
};

/* A textured picture: smooth gradients and a pattern that placement can
 * lock onto. */
static GgRaster *
texture (gint width, gint height, gint seed)
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
static FakeHost *
host_new (GgRect sel)
{
  FakeHost *h = g_new0 (FakeHost, 1);

  h->host.klass       = &fake_class;
  h->profile          = gg_test_tmpdir ();
  h->host.profile_dir = h->profile;
  h->layer            = texture (LAYER_W, LAYER_H, 0);
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

static void
host_free (FakeHost *h)
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
static guint
recovered (FakeHost *h)
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

static void
server_reset (const gchar *scenario)
{
  g_autofree gchar *json = g_strdup_printf ("{\"scenario\":\"%s\"}", scenario);

  gg_fake_server_control (server, "/_control/reset", "{}");
  gg_fake_server_control (server, "/_control/scenario", json);
}

/* The generateContent requests received (cJSON_Delete). */
static cJSON *
server_requests (void)
{
  g_autofree gchar *text = gg_fake_server_log (server);
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
static const cJSON *
user_parts (const cJSON *entry)
{
  const cJSON *contents = cJSON_GetObjectItem (cJSON_GetObjectItem (entry, "body"), "contents");
  const cJSON *last     = cJSON_GetArrayItem (contents, cJSON_GetArraySize (contents) - 1);

  return cJSON_GetObjectItem (last, "parts");
}

/* Its words, all text parts joined (g_free). */
static gchar *
user_text (const cJSON *entry)
{
  GString     *text = g_string_new (NULL);
  const cJSON *part;

  cJSON_ArrayForEach (part, user_parts (entry))
    {
      const cJSON *t = cJSON_GetObjectItem (part, "text");

      if (cJSON_IsString (t))
        g_string_append (text, t->valuestring);
    }
  return g_string_free (text, FALSE);
}

/* Its @n-th image's logged description ({bytes, sha256, format, width,
 * height}), or NULL. */
static const cJSON *
user_image (const cJSON *entry, gint n)
{
  const cJSON *part;

  cJSON_ArrayForEach (part, user_parts (entry))
    {
      const cJSON *inline_data = cJSON_GetObjectItem (part, "inlineData");

      if (inline_data && n-- == 0)
        return cJSON_GetObjectItem (inline_data, "data");
    }
  return NULL;
}

static gint
json_int (const cJSON *object, const gchar *name)
{
  const cJSON *item = cJSON_GetObjectItem (object, name);

  g_assert_true (cJSON_IsNumber (item));
  return item->valueint;
}

static const gchar *
json_string (const cJSON *object, const gchar *name)
{
  const cJSON *item = cJSON_GetObjectItem (object, name);

  g_assert_true (cJSON_IsString (item));
  return item->valuestring;
}

static gchar *
sha256_of (GBytes *bytes)
{
  return g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
}

/* ----- edit ----------------------------------------------------------- */

/* The selection in the image: 80 x 80 at (150, 110), inside the layer. */
static const GgRect SEL = { 150, 110, 80, 80 };

static void
edit_options (GgRunOptions *options)
{
  gg_run_options_init (options);
  options->prompt = "add a red balloon";
  options->hint   = TRUE;
}

static void
test_edit_selection (void)
{
  FakeHost            *h = host_new (SEL);
  GgRunOptions         options;
  GgHostCanvas         canvas;
  GgRegionPlan         plan;
  GgRect               clip, space = { 0, 0, LAYER_W, LAYER_H };
  g_autoptr (GError)   error = NULL;
  g_autoptr (GgRaster) original = NULL;
  g_autoptr (GBytes)   expected = NULL;
  g_autofree gchar    *expected_sha = NULL;
  g_autofree gchar    *text = NULL;
  g_autofree gchar    *area = NULL;
  g_autofree gchar    *wording = NULL;
  g_autofree gchar    *hint_sentence = gg_prompt_role_sentence (GG_ROLE_HINT, 2);
  cJSON               *requests;
  const cJSON         *image, *hint;
  Piece               *piece;
  GgConversationPlace  place;
  gint                 far_out = 0, near = 0;

  edit_options (&options);
  server_reset ("ok");

  /* The plan the dialogs show is the plan the run sends. */
  g_assert_true (host_canvas (&h->host, FALSE, &canvas, NULL));
  g_assert_true (gg_run_plan_edit (&options, &canvas, &plan, &error));
  g_assert_no_error (error);

  g_assert_true (gg_run_edit (&h->host, &options, &error));
  g_assert_no_error (error);

  /* Sent: the region as the encoding policy has it, at the planned size,
   * the wording of gg_prompt_edit () with the selection's area, the hint. */
  original = gg_raster_crop (h->layer, &plan.region, NULL);
  expected = gg_front_encode (original, plan.send_width, plan.send_height, NULL);
  expected_sha = sha256_of (expected);
  requests = server_requests ();
  g_assert_cmpint (cJSON_GetArraySize (requests), ==, 1);
  image = user_image (cJSON_GetArrayItem (requests, 0), 0);
  g_assert_nonnull (image);
  g_assert_cmpstr (json_string (image, "sha256"), ==, expected_sha);
  g_assert_cmpint (json_int (image, "width"), ==, plan.send_width);
  g_assert_cmpint (json_int (image, "height"), ==, plan.send_height);
  hint = user_image (cJSON_GetArrayItem (requests, 0), 1);
  g_assert_nonnull (hint);
  g_assert_cmpstr (json_string (hint, "format"), ==, "png");
  g_assert_cmpint (json_int (hint, "width"), ==, plan.send_width);
  area = gg_front_selection_area (&plan);
  wording = gg_prompt_edit ("add a red balloon", TRUE, area);
  text = user_text (cJSON_GetArrayItem (requests, 0));
  g_assert_nonnull (strstr (text, wording));
  g_assert_nonnull (hint_sentence);
  g_assert_nonnull (strstr (text, hint_sentence));
  cJSON_Delete (requests);

  /* Inserted: one piece over the region sent, cut to the layer, with a
   * mask of its size. */
  g_assert_cmpint (h->begins, ==, 1);
  g_assert_cmpint (h->ends_ok, ==, 1);
  g_assert_cmpint (h->reports, ==, 1);
  g_assert_false (h->partial);
  g_assert_cmpuint (h->pieces->len, ==, 1);
  piece = g_ptr_array_index (h->pieces, 0);
  g_assert_true (gg_rect_intersect (&plan.region, &space, &clip));
  g_assert_cmpint (piece->x, ==, clip.x + LAYER_X);
  g_assert_cmpint (piece->y, ==, clip.y + LAYER_Y);
  g_assert_cmpint (piece->raster->width, ==, clip.width);
  g_assert_cmpint (piece->raster->height, ==, clip.height);
  g_assert_nonnull (piece->mask);
  g_assert_cmpint (piece->mask->width, ==, clip.width);

  /* The piece keeps the whole placed answer: outside the grown selection
   * its pixels are the answer realigned onto the layer (opaque, close to
   * the layer there), and only the mask (0 there) hides them; deep
   * inside the mask is 255 and the model's mark shows. */
  for (gint y = 0; y < piece->raster->height; y++)
    for (gint x = 0; x < piece->raster->width; x++)
      {
        gint          ix = piece->x + x, iy = piece->y + y;
        gboolean      out = ix < SEL.x - 6 || ix >= SEL.x + SEL.width + 6 ||
                            iy < SEL.y - 6 || iy >= SEL.y + SEL.height + 6;
        const guint8 *p = piece->raster->pixels + ((gsize) y * piece->raster->width + x) * 4;
        const guint8 *o = h->image->pixels + ((gsize) iy * IMAGE_W + ix) * 4;

        if (! out)
          continue;
        g_assert_cmpint (piece->mask->data[(gsize) y * piece->mask->width + x], ==, 0);
        g_assert_cmpint (p[3], ==, 255);
        far_out++;
        if (abs (p[0] - o[0]) + abs (p[1] - o[1]) + abs (p[2] - o[2]) <= 24)
          near++;
      }
  g_assert_cmpint (far_out, >, 1000);
  g_assert_cmpint (near, >, far_out * 9 / 10);
  {
    gint          cx = SEL.x + SEL.width / 2 - piece->x;
    gint          cy = SEL.y + SEL.height / 2 - piece->y;
    const guint8 *p  = piece->raster->pixels + ((gsize) cy * piece->raster->width + cx) * 4;

    g_assert_cmpint (piece->mask->data[(gsize) cy * piece->mask->width + cx], ==, 255);
    /* The fake model's magenta disc at the centre of what it was sent. */
    g_assert_cmpint (p[0], >, 180);
    g_assert_cmpint (p[1], <, 100);
    g_assert_cmpint (p[2], >, 180);
  }

  /* The conversation is kept with its place: the region in the image. */
  g_assert_nonnull (h->conversation);
  g_assert_true (gg_conversation_place_from_text (h->place, strlen (h->place), &place));
  g_assert_true (place.has_region);
  g_assert_true (place.had_selection);
  g_assert_cmpuint (place.result_tattoo, ==, 101);
  g_assert_cmpint (place.region.x, ==, plan.region.x + LAYER_X);
  g_assert_cmpint (place.region.y, ==, plan.region.y + LAYER_Y);
  g_assert_cmpint (place.region.width, ==, plan.region.width);
  g_assert_cmpint (place.clip.x, ==, piece->x);
  g_assert_cmpint (place.clip.width, ==, clip.width);
  gg_conversation_place_clear (&place);
  g_assert_cmpuint (recovered (h), ==, 0);

  host_free (h);
}

/* The plan honours grow (the grown selection is what may change) and the
 * context, and refuses a selection that misses the layer. */
static void
test_plan_edit (void)
{
  GgRunOptions       options;
  GgHostCanvas       canvas = { { 0, 0, LAYER_W, LAYER_H }, LAYER_X, LAYER_Y, TRUE,
                                { 150, 110, 80, 60 }, "Layer" };
  GgRegionPlan       plan, wide, grown;
  g_autoptr (GError) error = NULL;

  gg_run_options_init (&options);
  options.grow = 0;
  g_assert_true (gg_run_plan_edit (&options, &canvas, &plan, &error));
  g_assert_no_error (error);
  /* Layer coordinates. */
  g_assert_cmpint (plan.selection.x, ==, 140);
  g_assert_cmpint (plan.selection.y, ==, 90);
  g_assert_cmpint (plan.selection.width, ==, 80);
  g_assert_cmpint (plan.selection.height, ==, 60);

  options.grow = 12;
  g_assert_true (gg_run_plan_edit (&options, &canvas, &grown, &error));
  g_assert_cmpint (grown.selection.x, ==, 128);
  g_assert_cmpint (grown.selection.y, ==, 78);
  g_assert_cmpint (grown.selection.width, ==, 104);
  g_assert_cmpint (grown.selection.height, ==, 84);
  g_assert_cmpint (grown.region.width, >, plan.region.width);

  /* Grown past the layer's edge: cut at it. */
  canvas.selection = (GgRect) { LAYER_X + 2, LAYER_Y + 3, 40, 40 };
  g_assert_true (gg_run_plan_edit (&options, &canvas, &grown, &error));
  g_assert_cmpint (grown.selection.x, ==, 0);
  g_assert_cmpint (grown.selection.y, ==, 0);
  g_assert_cmpint (grown.selection.width, ==, 2 + 40 + 12);

  /* More context, a larger region. */
  canvas.selection = (GgRect) { 150, 110, 80, 60 };
  options.grow = 0;
  options.context_px = 80;
  g_assert_true (gg_run_plan_edit (&options, &canvas, &wide, &error));
  g_assert_cmpint (wide.region.width, >, plan.region.width);
  g_assert_true (wide.region.x < plan.region.x);

  /* A selection beside the layer. */
  canvas.selection = (GgRect) { LAYER_X + LAYER_W + 5, 30, 20, 20 };
  g_assert_false (gg_run_plan_edit (&options, &canvas, &plan, &error));
  g_assert_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST);
  g_assert_nonnull (strstr (error->message, "“Layer”"));
}

/* No selection: the whole layer goes out, and with changed-only the mask
 * covers what the model changed (its disc), not the rest. */
static void
test_edit_whole_changed (void)
{
  GgRect             none = { 0, 0, 0, 0 };
  FakeHost          *h    = host_new (none);
  GgRunOptions       options;
  g_autoptr (GError) error = NULL;
  g_autofree gchar  *text = NULL;
  g_autofree gchar  *wording = gg_prompt_edit ("add a red balloon", FALSE, NULL);
  cJSON             *requests;
  Piece             *piece;
  gint               cx, cy;

  edit_options (&options);
  options.changed_only = TRUE;
  server_reset ("ok");
  g_assert_true (gg_run_edit (&h->host, &options, &error));
  g_assert_no_error (error);

  requests = server_requests ();
  text = user_text (cJSON_GetArrayItem (requests, 0));
  g_assert_nonnull (strstr (text, wording));
  /* No hint without a selection. */
  g_assert_null (user_image (cJSON_GetArrayItem (requests, 0), 1));
  cJSON_Delete (requests);

  piece = g_ptr_array_index (h->pieces, 0);
  g_assert_cmpint (piece->x, ==, LAYER_X);
  g_assert_cmpint (piece->y, ==, LAYER_Y);
  g_assert_cmpint (piece->raster->width, ==, LAYER_W);
  g_assert_nonnull (piece->mask);
  cx = LAYER_W / 2;
  cy = LAYER_H / 2;
  g_assert_cmpint (piece->mask->data[cy * LAYER_W + cx], >, 200);
  g_assert_cmpint (piece->mask->data[10 * LAYER_W + 10], ==, 0);
  host_free (h);
}

/* The mask as it is (the CLI's --mask): neither grown nor feathered, its
 * faint values kept, the plan around its bounds alone. */
static void
test_edit_mask_as_is (void)
{
  FakeHost          *h = host_new (SEL);
  GgRunOptions       options;
  GgHostCanvas       canvas;
  GgRegionPlan       plan;
  g_autoptr (GError) error = NULL;
  Piece             *piece;
  gint               checked = 0;

  for (gint y = SEL.y; y < SEL.y + SEL.height; y++)
    for (gint x = SEL.x; x < SEL.x + SEL.width; x++)
      h->selection->data[y * IMAGE_W + x] = (guint8) (1 + (x - SEL.x) * 3);
  edit_options (&options);
  options.mask_as_is = TRUE;
  options.grow       = 12;
  g_assert_true (host_canvas (&h->host, FALSE, &canvas, NULL));
  g_assert_true (gg_run_plan_edit (&options, &canvas, &plan, &error));
  g_assert_cmpint (plan.selection.x, ==, SEL.x - LAYER_X);
  g_assert_cmpint (plan.selection.width, ==, SEL.width);

  server_reset ("ok");
  g_assert_true (gg_run_edit (&h->host, &options, &error));
  g_assert_no_error (error);
  piece = g_ptr_array_index (h->pieces, 0);
  for (gint y = 0; y < piece->mask->height; y++)
    for (gint x = 0; x < piece->mask->width; x++)
      {
        gint ix = piece->x + x, iy = piece->y + y;

        g_assert_cmpint (piece->mask->data[y * piece->mask->width + x], ==,
                         h->selection->data[iy * IMAGE_W + ix]);
        checked++;
      }
  g_assert_cmpint (checked, ==, piece->mask->width * piece->mask->height);

  /* A mask that misses the layer: refused before sending. */
  memset (h->selection->data, 0, (gsize) IMAGE_W * IMAGE_H);
  h->selection->data[5] = 200;         /* at (5, 0), beside the layer */
  g_assert_false (gg_run_edit (&h->host, &options, &error));
  g_assert_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST);
  host_free (h);
}

/* Nothing half selected: refused before anything is sent. */
static void
test_edit_refuses_faint_selection (void)
{
  FakeHost          *h = host_new (SEL);
  GgRunOptions       options;
  g_autoptr (GError) error = NULL;
  cJSON             *requests;

  for (gsize i = 0; i < (gsize) IMAGE_W * IMAGE_H; i++)
    if (h->selection->data[i])
      h->selection->data[i] = 100;
  edit_options (&options);
  server_reset ("ok");
  g_assert_false (gg_run_edit (&h->host, &options, &error));
  g_assert_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST);
  requests = server_requests ();
  g_assert_cmpint (cJSON_GetArraySize (requests), ==, 0);
  cJSON_Delete (requests);
  g_assert_cmpint (h->begins + h->inserts, ==, 0);
  host_free (h);
}

/* A cancel before sending costs nothing; one while waiting ends the
 * transfer; neither touches the image. */
static void
test_edit_cancel (void)
{
  FakeHost          *h = host_new (SEL);
  GgRunOptions       options;
  g_autoptr (GError) error = NULL;
  cJSON             *requests;

  edit_options (&options);
  server_reset ("ok");
  h->cancel_at = "sending the request";
  g_assert_false (gg_run_edit (&h->host, &options, &error));
  g_assert_error (error, GG_ERROR, GG_ERROR_CANCELLED);
  requests = server_requests ();
  g_assert_cmpint (cJSON_GetArraySize (requests), ==, 0);
  cJSON_Delete (requests);
  g_assert_cmpint (h->begins + h->inserts + h->reports, ==, 0);
  g_assert_null (h->conversation);
  g_clear_error (&error);

  /* While the model works (3 s): cancelled within a few ticks. */
  server_reset ("slow");
  gg_fake_server_control (server, "/_control/instant", "{\"instant\":false}");
  h->cancel_at    = NULL;
  h->cancel_after = h->progress_calls + 4;
  {
    gint64 start = g_get_monotonic_time ();

    g_assert_false (gg_run_edit (&h->host, &options, &error));
    g_assert_error (error, GG_ERROR, GG_ERROR_CANCELLED);
    g_assert_cmpint (g_get_monotonic_time () - start, <, 2 * G_USEC_PER_SEC);
  }
  gg_fake_server_control (server, "/_control/instant", "{\"instant\":true}");
  g_assert_cmpint (h->begins + h->inserts + h->reports, ==, 0);
  g_assert_cmpuint (recovered (h), ==, 0);
  host_free (h);
}

/* A cancel after the answer arrived: paid for, so saved, never inserted. */
static void
test_edit_cancel_after_payment (void)
{
  FakeHost          *h = host_new (SEL);
  GgRunOptions       options;
  g_autoptr (GError) error = NULL;

  edit_options (&options);
  server_reset ("ok");
  h->cancel_at = "placing the result";
  g_assert_false (gg_run_edit (&h->host, &options, &error));
  g_assert_error (error, GG_ERROR, GG_ERROR_CANCELLED);
  g_assert_nonnull (strstr (error->message, "The result was saved as "));
  g_assert_cmpuint (recovered (h), ==, 1);
  g_assert_cmpint (h->begins + h->inserts + h->reports, ==, 0);
  host_free (h);
}

/* The host cannot insert: the answer is saved, the step closed. */
static void
test_edit_insert_fails (void)
{
  FakeHost          *h = host_new (SEL);
  GgRunOptions       options;
  g_autoptr (GError) error = NULL;

  edit_options (&options);
  options.variations = 2;
  server_reset ("ok");
  h->fail_insert = TRUE;
  g_assert_false (gg_run_edit (&h->host, &options, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "the host refused the layer"));
  g_assert_nonnull (strstr (error->message, "The result was saved as "));
  /* Both variations' answers. */
  g_assert_cmpuint (recovered (h), ==, 2);
  g_assert_cmpint (h->ends_failed, ==, 1);
  g_assert_cmpint (h->ends_ok + h->reports + h->stores, ==, 0);
  host_free (h);
}

/* The server refuses: nothing paid, nothing inserted, nothing saved. */
static void
test_edit_server_error (void)
{
  FakeHost          *h = host_new (SEL);
  GgRunOptions       options;
  g_autoptr (GError) error = NULL;

  edit_options (&options);
  server_reset ("error_400");
  g_assert_false (gg_run_edit (&h->host, &options, &error));
  g_assert_nonnull (error);
  g_assert_cmpint (h->begins + h->inserts + h->reports, ==, 0);
  g_assert_cmpuint (recovered (h), ==, 0);
  host_free (h);
}

/* Style transfer: no words of the user's own, the style prompt; the
 * reference goes out after the picture with its role's sentence. */
static void
test_style (void)
{
  FakeHost             *h = host_new (SEL);
  GgRunOptions          options;
  g_autoptr (GError)    error = NULL;
  g_autoptr (GgRaster)  style = texture (64, 48, 5);
  g_autoptr (GBytes)    bytes = gg_front_encode_reference (style, NULL);
  g_autofree gchar     *sha = sha256_of (bytes);
  g_autofree gchar     *text = NULL;
  g_autofree gchar     *role = gg_prompt_role_sentence (GG_ROLE_STYLE, 2);
  cJSON                *requests;

  gg_run_options_init (&options);
  options.style  = TRUE;
  options.prompt = "  ";
  h->references = g_ptr_array_new_with_free_func (gg_run_reference_free);
  g_ptr_array_add (h->references, gg_run_reference_new (bytes, GG_ROLE_STYLE));
  server_reset ("ok");
  g_assert_true (gg_run_edit (&h->host, &options, &error));
  g_assert_no_error (error);

  requests = server_requests ();
  text = user_text (cJSON_GetArrayItem (requests, 0));
  g_assert_nonnull (strstr (text, GG_FRONT_STYLE_PROMPT));
  g_assert_nonnull (role);
  g_assert_nonnull (strstr (text, role));
  g_assert_cmpstr (json_string (user_image (cJSON_GetArrayItem (requests, 0), 1), "sha256"),
                   ==, sha);
  cJSON_Delete (requests);
  g_assert_cmpuint (h->pieces->len, ==, 1);
  host_free (h);
}

/* ----- refine, generate, compose -------------------------------------- */

/* A refine continues the edit's conversation over its region, above the
 * result it refines, whose mask carries over when nothing is selected. */
static void
test_refine (void)
{
  FakeHost          *h = host_new (SEL);
  GgRunOptions       options;
  g_autoptr (GError) error = NULL;
  g_autofree gchar  *first_place = NULL;
  cJSON             *requests;
  const cJSON       *contents;
  Piece             *edited, *refined;

  edit_options (&options);
  server_reset ("ok");
  g_assert_true (gg_run_edit (&h->host, &options, &error));
  g_assert_no_error (error);
  first_place = g_strdup (h->place);

  g_clear_pointer (&h->selection, gg_mask_free);
  gg_run_options_init (&options);
  options.prompt = "make it blue";
  server_reset ("ok");
  g_assert_true (gg_run_refine (&h->host, &options, &error));
  g_assert_no_error (error);

  requests = server_requests ();
  g_assert_cmpint (cJSON_GetArraySize (requests), ==, 1);
  contents = cJSON_GetObjectItem (cJSON_GetObjectItem (cJSON_GetArrayItem (requests, 0), "body"),
                                  "contents");
  /* The edit's exchange, then the new words. */
  g_assert_cmpint (cJSON_GetArraySize (contents), ==, 3);
  cJSON_Delete (requests);

  g_assert_cmpuint (h->pieces->len, ==, 2);
  edited  = g_ptr_array_index (h->pieces, 0);
  refined = g_ptr_array_index (h->pieces, 1);
  g_assert_cmpint (refined->x, ==, edited->x);
  g_assert_cmpint (refined->y, ==, edited->y);
  g_assert_cmpint (refined->raster->width, ==, edited->raster->width);
  g_assert_null (refined->mask);
  g_assert_true (h->mask_from_previous);
  g_assert_cmpuint (h->previous_id, ==, 101);
  /* Two exchanges kept now. */
  {
    g_autoptr (GgConversation) c = gg_conversation_from_json (h->conversation, -1, NULL);

    g_assert_cmpuint (gg_conversation_n_turns (c), ==, 2);
  }
  g_assert_cmpstr (h->place, !=, first_place);
  host_free (h);
}

static void
test_refine_without_conversation (void)
{
  FakeHost          *h = host_new (SEL);
  GgRunOptions       options;
  g_autoptr (GError) error = NULL;

  gg_run_options_init (&options);
  options.prompt = "make it blue";
  g_assert_false (gg_run_refine (&h->host, &options, &error));
  g_assert_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST);
  g_assert_cmpint (h->begins, ==, 0);
  host_free (h);
}

static void
test_generate (void)
{
  GgRect             none = { 0, 0, 0, 0 };
  FakeHost          *h = host_new (none);
  GgRunOptions       options;
  g_autoptr (GError) error = NULL;
  g_autofree gchar  *text = NULL;
  cJSON             *requests;
  Piece             *piece;

  gg_run_options_init (&options);
  options.prompt     = "a lighthouse at dusk";
  options.ratio      = "16:9";
  options.variations = 2;
  server_reset ("ok");
  g_assert_true (gg_run_generate (&h->host, &options, TRUE, &error));
  g_assert_no_error (error);

  requests = server_requests ();
  g_assert_cmpint (cJSON_GetArraySize (requests), ==, 2);
  text = user_text (cJSON_GetArrayItem (requests, 0));
  g_assert_cmpstr (text, ==, "a lighthouse at dusk");
  g_assert_null (user_image (cJSON_GetArrayItem (requests, 0), 0));
  cJSON_Delete (requests);

  g_assert_true (h->new_image);
  g_assert_cmpuint (h->pieces->len, ==, 2);
  piece = g_ptr_array_index (h->pieces, 0);
  g_assert_cmpint (piece->x, ==, 0);
  g_assert_cmpint (piece->y, ==, 0);
  g_assert_null (piece->mask);
  /* 16:9 as the model's table has it (1376 x 768 at 1K). */
  g_assert_cmpint (abs (piece->raster->width * 9 - piece->raster->height * 16), <,
                   piece->raster->width / 4);
  g_assert_nonnull (h->conversation);
  {
    GgConversationPlace place;

    g_assert_true (gg_conversation_place_from_text (h->place, strlen (h->place), &place));
    g_assert_false (place.has_region);
    gg_conversation_place_clear (&place);
  }
  host_free (h);
}

static void
test_compose (void)
{
  GgRect               none = { 0, 0, 0, 0 };
  FakeHost            *h = host_new (none);
  GgRunOptions         options;
  g_autoptr (GError)   error = NULL;
  g_autoptr (GgRaster) a = texture (64, 48, 1);
  g_autoptr (GgRaster) b = texture (48, 64, 2);
  g_autoptr (GBytes)   ba = gg_front_encode_reference (a, NULL);
  g_autoptr (GBytes)   bb = gg_front_encode_reference (b, NULL);
  cJSON               *requests;

  gg_run_options_init (&options);
  options.prompt = "the two side by side";
  server_reset ("ok");

  /* Nothing to combine: refused before sending. */
  g_assert_false (gg_run_compose (&h->host, &options, FALSE, &error));
  g_assert_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST);
  g_clear_error (&error);

  h->references = g_ptr_array_new_with_free_func (gg_run_reference_free);
  g_ptr_array_add (h->references, gg_run_reference_new (ba, GG_ROLE_OBJECT));
  g_ptr_array_add (h->references, gg_run_reference_new (bb, GG_ROLE_SUBJECT));
  g_assert_true (gg_run_compose (&h->host, &options, FALSE, &error));
  g_assert_no_error (error);
  requests = server_requests ();
  g_assert_cmpint (cJSON_GetArraySize (requests), ==, 1);
  g_assert_cmpint (json_int (user_image (cJSON_GetArrayItem (requests, 0), 0), "width"), ==, 64);
  g_assert_cmpint (json_int (user_image (cJSON_GetArrayItem (requests, 0), 1), "width"), ==, 48);
  cJSON_Delete (requests);
  g_assert_false (h->new_image);
  g_assert_cmpuint (h->pieces->len, ==, 1);
  host_free (h);
}

int
main (int argc, char **argv)
{
  const gchar *const args[] = { "--instant", "--quiet", "--signature-bytes", "64", NULL };
  gint               status;

  g_test_init (&argc, &argv, NULL);

  /* Before any thread exists (setenv is not thread-safe). */
  server = gg_fake_server_start (args);
  g_setenv ("GOOGLE_GEMINI_BASE_URL", server->base_url, TRUE);
  g_unsetenv ("GEMINI_API_KEY");
  g_unsetenv ("GOOGLE_API_KEY");

  g_test_add_func ("/run/plan-edit", test_plan_edit);
  g_test_add_func ("/run/edit/selection", test_edit_selection);
  g_test_add_func ("/run/edit/whole-changed", test_edit_whole_changed);
  g_test_add_func ("/run/edit/faint-selection", test_edit_refuses_faint_selection);
  g_test_add_func ("/run/edit/mask-as-is", test_edit_mask_as_is);
  g_test_add_func ("/run/edit/cancel", test_edit_cancel);
  g_test_add_func ("/run/edit/cancel-after-payment", test_edit_cancel_after_payment);
  g_test_add_func ("/run/edit/insert-fails", test_edit_insert_fails);
  g_test_add_func ("/run/edit/server-error", test_edit_server_error);
  g_test_add_func ("/run/style", test_style);
  g_test_add_func ("/run/refine", test_refine);
  g_test_add_func ("/run/refine/no-conversation", test_refine_without_conversation);
  g_test_add_func ("/run/generate", test_generate);
  g_test_add_func ("/run/compose", test_compose);

  status = g_test_run ();
  gg_fake_server_stop (server);
  return gg_test_status (status);
}
