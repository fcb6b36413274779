/* test-front.c: the steps both GIMP front ends share (gg-front.h) and the
 * conversation parasites' format (gg-conversation-place.h). */
#include <string.h>

#include "gg-conversation-place.h"
#include "gg-error.h"
#include "gg-front.h"
#include "gg-image.h"
#include "gg-response.h"
#include "gg-test-util.h"

#define PNG_B64 "iVBORw0KGgoAAAANSUhEUgAAAAQAAAAECAIAAAAmkwkpAAAAEElEQVR42mP8z4AATAxEcQAz0QEH0oWRNwAAAABJRU5ErkJggg=="

/* What the GIMP 3 plug-in wrote for an edit before the format was shared. */
static const gchar gimp3_place[] =
  "[conversation]\n"
  "version=1\n"
  "model=gemini-3-pro-image\n"
  "has-region=true\n"
  "result-tattoo=7\n"
  "region=10;20;300;200;\n"
  "selection=40;50;100;80;\n"
  "clip=10;20;290;200;\n"
  "had-selection=true\n"
  "ratio=3:2\n"
  "size=1K\n"
  "out=1264;848;\n"
  "send=300;200;\n";

static void
test_place_reads_gimp3 (void)
{
  GgConversationPlace place;
  GgRegionPlan        plan;

  g_assert_true (gg_conversation_place_from_text (gimp3_place,
                                                  strlen (gimp3_place), &place));
  g_assert_cmpstr (place.model, ==, "gemini-3-pro-image");
  g_assert_true (place.has_region);
  g_assert_true (place.had_selection);
  g_assert_cmpuint (place.result_tattoo, ==, 7);
  g_assert_cmpint (place.region.x, ==, 10);
  g_assert_cmpint (place.region.height, ==, 200);
  g_assert_cmpint (place.selection.width, ==, 100);
  g_assert_cmpint (place.clip.width, ==, 290);
  g_assert_cmpstr (place.ratio, ==, "3:2");
  g_assert_cmpstr (place.size, ==, "1K");
  g_assert_cmpint (place.out_width, ==, 1264);
  g_assert_cmpint (place.send_height, ==, 200);

  gg_conversation_place_to_plan (&place, &plan);
  g_assert_cmpint (plan.region.width, ==, 300);
  g_assert_cmpint (plan.out_height, ==, 848);
  g_assert_true (plan.ratio == place.ratio);

  gg_conversation_place_clear (&place);
  g_assert_null (place.model);
}

static void
test_place_round_trip (void)
{
  GgConversationPlace place = { 0, };
  GgConversationPlace back;
  GgRegionPlan        plan  = { { 5, 6, 70, 80 }, { 15, 16, 20, 30 }, "1:1",
                              NULL, 1024, 1024, 70, 80 };
  g_autofree gchar   *text  = NULL;

  place.model = g_strdup ("gemini-nano-banana-2.1");
  gg_conversation_place_from_plan (&place, &plan, 100, 200);
  place.clip = (GgRect) { 105, 206, 70, 80 };
  text = gg_conversation_place_to_text (&place);
  g_assert_nonnull (strstr (text, "version=1"));

  g_assert_true (gg_conversation_place_from_text (text, strlen (text), &back));
  g_assert_cmpstr (back.model, ==, "gemini-nano-banana-2.1");
  g_assert_cmpint (back.region.x, ==, 105);
  g_assert_cmpint (back.region.y, ==, 206);
  g_assert_cmpint (back.selection.x, ==, 115);
  g_assert_null (back.size);          /* no size: stays NULL, not "" */
  g_assert_cmpstr (back.ratio, ==, "1:1");
  g_assert_cmpint (back.send_width, ==, 70);

  gg_conversation_place_clear (&place);
  gg_conversation_place_clear (&back);
}

static void
test_place_refuses (void)
{
  GgConversationPlace place;
  g_autofree gchar   *newer = NULL;
  const gchar        *no_region = "[conversation]\nmodel=m\nhas-region=false\n";
  const gchar        *broken    = "[conversation]\nhas-region=true\nregion=1;2;\n";

  /* A later format is not guessed at. */
  newer = g_strdup (gimp3_place);
  memcpy (strstr (newer, "version=1"), "version=2", 9);
  g_assert_false (gg_conversation_place_from_text (newer, strlen (newer), &place));
  g_assert_null (place.model);

  g_assert_false (gg_conversation_place_from_text (broken, strlen (broken), &place));
  g_assert_null (place.model);
  g_assert_false (gg_conversation_place_from_text ("", 0, &place));

  /* Without a version (as the first files) and without a region: whole images. */
  g_assert_true (gg_conversation_place_from_text (no_region, strlen (no_region), &place));
  g_assert_false (place.has_region);
  g_assert_cmpstr (place.model, ==, "m");
  gg_conversation_place_clear (&place);
}

static void
test_serialize_size_rule (void)
{
  g_autoptr (GgConversation) conversation = gg_conversation_new ();
  g_autoptr (GgConversation) back         = NULL;
  g_autofree gchar          *json         = NULL;
  g_autofree gchar          *note         = NULL;
  g_autoptr (GError)         error        = NULL;
  gsize                      length;
  guint                      i;

  for (i = 0; i < 6; i++)
    {
      g_autofree gchar *user  = g_strdup_printf ("{\"role\":\"user\",\"parts\":[{\"text\":\"turn %u\"}]}", i);
      const gchar      *model = "{\"role\":\"model\",\"parts\":[{\"text\":\"ok\",\"thoughtSignature\":\"c2ln\"}]}";

      g_assert_true (gg_conversation_append_turn (conversation, user, model, NULL));
    }

  g_assert_true (gg_conversation_place_serialize (conversation, &json, &length, &note));
  g_assert_null (note);
  g_assert_cmpuint (length, ==, strlen (json));
  back = gg_conversation_from_json (json, length, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (gg_conversation_n_turns (back), ==, GG_CONVERSATION_MAX_TURNS);
  /* The newest kept, signatures byte for byte. */
  g_assert_nonnull (strstr (json, "turn 5"));
  g_assert_null (strstr (json, "turn 1"));
  g_assert_nonnull (strstr (json, "\"thoughtSignature\":\"c2ln\""));
}

static void
test_roles (void)
{
  GgImageRole        roles[4];
  g_autoptr (GError) error = NULL;

  g_assert_true (gg_front_parse_roles ("style, Subject", 4, roles, &error));
  g_assert_no_error (error);
  g_assert_cmpint (roles[0], ==, GG_ROLE_STYLE);
  g_assert_cmpint (roles[1], ==, GG_ROLE_SUBJECT);
  g_assert_cmpint (roles[3], ==, GG_ROLE_SUBJECT);   /* the last repeats */

  g_assert_true (gg_front_parse_roles ("", 2, roles, NULL));
  g_assert_cmpint (roles[1], ==, GG_ROLE_OBJECT);

  g_assert_false (gg_front_parse_roles ("style,person", 1, roles, &error));
  g_assert_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST);
  g_clear_error (&error);
  g_assert_false (gg_front_parse_roles ("hat", 1, roles, &error));
  g_assert_nonnull (strstr (error->message, "“hat”"));
}

static void
test_words (void)
{
  g_autofree gchar *short_name = gg_front_layer_name ("  add a red\nballoon ");
  g_autofree gchar *empty      = gg_front_layer_name ("");
  g_autofree gchar *long_name  =
    gg_front_layer_name ("replace the whole sky with a stormy evening sky full of clouds");
  g_autofree gchar *label      = gg_front_model_label ("gemini-3-pro-image");
  GgRegionPlan      plan       = { { 0, 0, 100, 100 }, { 60, 40, 30, 20 }, NULL,
                                   NULL, 0, 0, 0, 0 };
  g_autofree gchar *area       = gg_front_selection_area (&plan);
  GgProgress        progress   = { 0, };
  g_autofree gchar *waiting    = NULL;

  g_assert_cmpstr (short_name, ==, "add a red balloon");
  g_assert_cmpstr (empty, ==, "Gemini");
  g_assert_true (g_str_has_suffix (long_name, "…"));
  g_assert_cmpint (g_utf8_strlen (long_name, -1), <=, 41);
  g_assert_null (strchr (label, '('));
  g_assert_cmpstr (area, ==, "the right side of the image, about 30 % of its "
                   "width and 20 % of its height");
  g_assert_null (gg_front_option ("auto"));
  g_assert_null (gg_front_option (""));
  g_assert_cmpstr (gg_front_option ("2K"), ==, "2K");

  progress.phase = GG_PHASE_WAITING;
  waiting = gg_front_progress_text ("Gemini", &progress, TRUE, 12.7);
  g_assert_cmpstr (waiting, ==, "Gemini: waiting for the model… 12 s");
  {
    GgProgress        wait = { 0, };
    g_autofree gchar *countdown = NULL;

    wait.phase = GG_PHASE_RETRY_WAIT;
    wait.attempt = 1;
    wait.retry_in = 57.2;
    wait.server_asked = TRUE;
    countdown = gg_front_progress_text ("Nano Banana 2.1", &wait, TRUE, 3);
    g_assert_cmpstr (countdown, ==, "Nano Banana 2.1: rate limit reached, the server asks "
                                    "to wait: trying again in 58 s (Cancel stops)…");
  }
}

static GgResponse *
response_of (const gchar *data)
{
  g_autofree gchar *body = g_strdup_printf (
    "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":["
    "{\"text\":\"Here it is.\"},"
    "{\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\"%s\"}}]},"
    "\"finishReason\":\"STOP\"}]}", data);
  g_autoptr (GError) error = NULL;
  GgResponse *response = gg_response_parse (body, strlen (body), NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (response);
  return response;
}

/* A whole answer becomes one piece at (x, y); one that does not decode is
 * saved, as received, in the profile's recovery folder. */
static void
test_prepare_and_recovery (void)
{
  g_autofree gchar     *profile   = gg_test_tmpdir ();
  g_autoptr (GPtrArray) responses = g_ptr_array_new_with_free_func ((GDestroyNotify) gg_response_free);
  g_autoptr (GPtrArray) bad       = g_ptr_array_new_with_free_func ((GDestroyNotify) gg_response_free);
  g_autoptr (GError)    error     = NULL;
  GgFrontTarget         target    = { 0, };
  GgFrontPrepared      *prepared;
  GgFrontPiece         *piece;
  g_autofree gchar     *report    = NULL;
  g_autofree gchar     *usage     = NULL;
  g_autofree gchar     *usage_file = NULL;
  const gchar          *saved;
  g_autofree gchar     *path      = NULL;
  g_autofree gchar     *contents  = NULL;
  gsize                 length;

  target.profile_dir = profile;
  target.prompt      = "a kite";
  target.x           = 3;
  target.y           = 4;

  g_ptr_array_add (responses, response_of (PNG_B64));
  prepared = gg_front_prepare (&target, responses, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (prepared->layers->len, ==, 1);
  piece = g_ptr_array_index (prepared->layers, 0);
  g_assert_cmpint (piece->raster->width, ==, 4);
  g_assert_cmpint (piece->x, ==, 3);
  g_assert_cmpint (piece->y, ==, 4);
  gg_front_prepared_free (prepared);

  report = gg_front_report (profile, "gemini-nano-banana-2.1", responses,
                            NULL, "A note.", &usage);
  g_assert_nonnull (strstr (report, "Gemini says: Here it is."));
  g_assert_true (g_str_has_suffix (report, "A note."));
  g_assert_nonnull (strstr (report, usage));
  usage_file = g_build_filename (profile, GG_FRONT_USAGE_FILE, NULL);
  g_assert_true (g_file_test (usage_file, G_FILE_TEST_IS_REGULAR));

  /* Valid base64, not an image: the decoder refuses, the bytes are kept. */
  g_ptr_array_add (bad, response_of ("bm90IGFuIGltYWdl"));
  prepared = gg_front_prepare (&target, bad, &error);
  g_assert_null (prepared);
  g_assert_nonnull (error);
  g_assert_true (g_str_has_prefix (error->message, "The answer could not be decoded"));
  saved = strstr (error->message, "The result was saved as ");
  g_assert_nonnull (saved);
  path = g_strndup (saved + strlen ("The result was saved as "),
                    strlen (saved + strlen ("The result was saved as ")) - 1);
  g_assert_true (g_str_has_prefix (path, profile));
  g_assert_nonnull (strstr (path, GG_FRONT_RECOVERY_DIR));
  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_assert_cmpmem (contents, length, "not an image", 12);
}

/* One fake server for the network tests, its address set before any
 * thread exists (setenv is not thread-safe). */
static GgFakeServer *server;

typedef struct
{
  guint    calls;
  gboolean cancel;
  gchar   *last;
} Ticks;

static gboolean
tick (const gchar *text,
      gpointer     data)
{
  Ticks *ticks = data;

  ticks->calls++;
  g_free (ticks->last);
  ticks->last = g_strdup (text);

  return ! ticks->cancel;
}

static GgRequest *
kite_request (void)
{
  GgRequest *request = gg_request_new ("gemini-nano-banana-2.1");

  gg_request_set_prompt (request, "a red kite");
  return request;
}

/* Two variations on one client against the fake server: one answers, one
 * fails; the failure is named, the answer kept, progress ticks meanwhile. */
static void
test_ask_variations (void)
{
  g_autofree gchar     *cache    = gg_test_tmpdir ();
  GgRequest            *requests[2] = { kite_request (), kite_request () };
  g_autoptr (GPtrArray) failures = NULL;
  g_autoptr (GPtrArray) answers  = NULL;
  g_autoptr (GError)    error    = NULL;
  Ticks                 ticks    = { 0, };

  gg_fake_server_control (server, "/_control/scenario",
                          "{\"scenario\": \"slow\", \"params\": {\"delay\": 0.5},"
                          " \"queue\": [\"slow\", \"blocked\"]}");

  g_assert_true (gg_front_validate (requests, 2, &error));
  answers = gg_front_ask (GG_FAKE_KEY, requests, 2, cache, tick, &ticks,
                          &failures, &error);
  g_assert_no_error (error);
  g_assert_nonnull (answers);
  g_assert_cmpuint (answers->len, ==, 1);
  g_assert_cmpuint (failures->len, ==, 1);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (failures, 0), "Variation "));
  g_assert_cmpuint (ticks.calls, >, 0);
  g_assert_true (g_str_has_prefix (ticks.last, "Nano Banana 2.1"));
  g_assert_nonnull (strstr (ticks.last, "of 2 done"));

  gg_request_free (requests[0]);
  gg_request_free (requests[1]);
  g_free (ticks.last);
}

/* A tick that says stop ends the request at once, as GIMP's Cancel does. */
static void
test_ask_cancel (void)
{
  g_autofree gchar     *cache    = gg_test_tmpdir ();
  GgRequest            *requests[1] = { kite_request () };
  g_autoptr (GPtrArray) failures = NULL;
  g_autoptr (GPtrArray) answers  = NULL;
  g_autoptr (GError)    error    = NULL;
  Ticks                 ticks    = { 0, TRUE, NULL };
  gint64                start;

  gg_fake_server_control (server, "/_control/scenario",
                          "{\"scenario\": \"slow\", \"params\": {\"delay\": 20}}");

  start   = g_get_monotonic_time ();
  answers = gg_front_ask (GG_FAKE_KEY, requests, 1, cache, tick, &ticks,
                          &failures, &error);
  g_assert_null (answers);
  g_assert_error (error, GG_ERROR, GG_ERROR_CANCELLED);
  g_assert_cmpuint (ticks.calls, >=, 1);
  /* Long before the server's 20 s. */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);

  gg_request_free (requests[0]);
  g_free (ticks.last);
}

/* The GIMP 3 plug-in names which list a role belongs to; the 2.10 wording
 * stays as it was. */
static void
test_roles_of (void)
{
  GgImageRole        roles[2];
  g_autoptr (GError) error = NULL;

  g_assert_false (gg_front_parse_roles_of ("style,person,object", 2,
                                           "reference files", roles, &error));
  g_assert_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST);
  g_assert_cmpstr (error->message, ==, "3 roles were given for 2 reference "
                   "files: give one role per reference.");
  g_clear_error (&error);

  g_assert_false (gg_front_parse_roles ("style,person,object", 2, roles,
                                        &error));
  g_assert_true (g_str_has_prefix (error->message,
                                   "3 reference roles were given for 2 "
                                   "reference images"));
  g_clear_error (&error);

  g_assert_true (gg_front_parse_roles_of ("composition", 2, "reference images",
                                          roles, &error));
  g_assert_no_error (error);
  g_assert_cmpint (roles[1], ==, GG_ROLE_COMPOSITION);
}

/* An exchange whose images alone are over the size rule is refused before
 * its JSON is built, with the sentence serialize gives. */
static void
test_place_fits (void)
{
  g_autoptr (GgRequest) small = kite_request ();
  g_autoptr (GgRequest) large = kite_request ();
  /* 12.1 MB of bytes: 16.1 MB of base64. */
  gsize                 size  = (gsize) 12100 * 1000;
  guint8               *data  = g_malloc0 (size);
  g_autoptr (GBytes)    bytes = NULL;
  g_autofree gchar     *note  = NULL;
  g_autofree gchar     *turn  = NULL;
  const gchar          *model = "{\"role\":\"model\",\"parts\":[{\"text\":\"ok\"}]}";

  memcpy (data, "\x89PNG\r\n\x1a\n", 8);
  bytes = g_bytes_new_take (data, size);
  gg_request_add_image (large, bytes, "image/png", GG_ROLE_INPUT);

  g_assert_true (gg_conversation_place_fits (small, model, &note));
  g_assert_null (note);

  g_assert_false (gg_conversation_place_fits (large, model, &note));
  g_assert_nonnull (strstr (note, "too large to keep with the image"));
  g_clear_pointer (&note, g_free);

  /* The model's turn counts too. */
  turn = g_strnfill (GG_CONVERSATION_MAX_BYTES + 1, 'a');
  g_assert_false (gg_conversation_place_fits (small, turn, NULL));
}

static GPtrArray *marks;

static void
record_mark (const gchar *step)
{
  g_ptr_array_add (marks, g_strdup (step));
}

static gboolean
has_mark (const gchar *step)
{
  guint i;

  for (i = 0; i < marks->len; i++)
    if (! strcmp (g_ptr_array_index (marks, i), step))
      return TRUE;
  return FALSE;
}

/* Placed over a region, cut to the space that may be kept, with the mask
 * of what the model changed (or the one given), timing marks on the way. */
static void
test_prepare_masks (void)
{
  g_autofree gchar     *profile   = gg_test_tmpdir ();
  g_autoptr (GgRaster)  original  = gg_raster_new (64, 64, NULL);
  g_autoptr (GgRaster)  answer    = NULL;
  g_autoptr (GBytes)    png       = NULL;
  g_autofree gchar     *b64       = NULL;
  g_autoptr (GPtrArray) responses = g_ptr_array_new_with_free_func ((GDestroyNotify) gg_response_free);
  g_autoptr (GgMask)    given     = gg_mask_new (64, 64, NULL);
  g_autoptr (GError)    error     = NULL;
  GgRegionPlan          plan      = { { 0, 0, 64, 64 }, { 16, 16, 32, 32 }, "1:1",
                                      NULL, 64, 64, 64, 64 };
  GgFrontTarget         target    = { 0, };
  GgFrontPrepared      *prepared;
  GgFrontPiece         *piece;
  gint                  x, y;

  /* A texture, so that placement has something to align on. */
  for (y = 0; y < 64; y++)
    for (x = 0; x < 64; x++)
      {
        guint8 *p = original->pixels + 4 * (y * 64 + x);

        p[0] = (guint8) (x * 4);
        p[1] = (guint8) (y * 4);
        p[2] = (guint8) (((x / 8) + (y / 8)) % 2 ? 200 : 40);
        p[3] = 255;
      }
  answer = gg_raster_copy (original);
  for (y = 26; y < 38; y++)
    for (x = 26; x < 38; x++)
      memcpy (answer->pixels + 4 * (y * 64 + x), "\xff\x00\x00\xff", 4);
  png = gg_image_encode_png (answer, 1, &error);
  g_assert_no_error (error);
  b64 = g_base64_encode (g_bytes_get_data (png, NULL), g_bytes_get_size (png));
  g_ptr_array_add (responses, response_of (b64));

  marks = g_ptr_array_new_with_free_func (g_free);
  target.profile_dir  = profile;
  target.prompt       = "a red square";
  target.plan         = &plan;
  target.origin_x     = 100;
  target.origin_y     = 200;
  target.space        = (GgRect) { 0, 0, 48, 64 };
  target.original     = original;
  target.mask_changed = TRUE;
  target.mark         = record_mark;

  prepared = gg_front_prepare (&target, responses, &error);
  g_assert_no_error (error);
  piece = g_ptr_array_index (prepared->layers, 0);
  g_assert_cmpint (piece->raster->width, ==, 48);
  g_assert_cmpint (piece->raster->height, ==, 64);
  g_assert_cmpint (piece->x, ==, 100);
  g_assert_cmpint (piece->y, ==, 200);
  g_assert_nonnull (piece->mask);
  g_assert_cmpint (piece->mask->width, ==, 48);
  g_assert_cmpint (piece->mask->height, ==, 64);
  /* The red square changed, the far corner did not. */
  g_assert_cmpint (piece->mask->data[32 * 48 + 32], >, 128);
  g_assert_cmpint (piece->mask->data[60 * 48 + 2], <, 64);
  g_assert_true (has_mark ("decoded"));
  g_assert_true (has_mark ("placed"));
  g_assert_true (has_mark ("changed pixels"));
  gg_front_prepared_free (prepared);

  /* A mask given wins, cut like the raster. */
  memset (given->data, 77, 64 * 64);
  target.mask = given;
  prepared = gg_front_prepare (&target, responses, &error);
  g_assert_no_error (error);
  piece = g_ptr_array_index (prepared->layers, 0);
  g_assert_cmpint (piece->mask->width, ==, 48);
  g_assert_cmpint (piece->mask->data[32 * 48 + 32], ==, 77);
  gg_front_prepared_free (prepared);

  /* Without any: no mask, as GIMP 2.10 places. */
  target.mask         = NULL;
  target.mask_changed = FALSE;
  prepared = gg_front_prepare (&target, responses, &error);
  g_assert_no_error (error);
  piece = g_ptr_array_index (prepared->layers, 0);
  g_assert_null (piece->mask);
  gg_front_prepared_free (prepared);

  g_clear_pointer (&marks, g_ptr_array_unref);
}

typedef struct
{
  guint    calls;
  guint    known;     /* ticks with a fraction */
} FractionTicks;

static gboolean
fraction_tick (const gchar *text,
               gdouble      fraction,
               gpointer     data)
{
  FractionTicks *ticks = data;

  ticks->calls++;
  if (fraction >= 0.0)
    ticks->known++;
  g_assert_true (fraction < 0.0 || fraction <= 1.0);
  g_assert_true (g_str_has_prefix (text, "Nano Banana 2.1"));

  return TRUE;
}

/* The same requests with the tick that is told the fraction: a request
 * alone has none to tell (only an upload has). */
static void
test_ask_fraction (void)
{
  g_autofree gchar     *cache    = gg_test_tmpdir ();
  GgRequest            *requests[1] = { kite_request () };
  g_autoptr (GPtrArray) failures = NULL;
  g_autoptr (GPtrArray) answers  = NULL;
  g_autoptr (GError)    error    = NULL;
  FractionTicks         ticks    = { 0, };

  gg_fake_server_control (server, "/_control/scenario",
                          "{\"scenario\": \"slow\", \"params\": {\"delay\": 0.5}}");

  answers = gg_front_ask_fraction (GG_FAKE_KEY, requests, 1, cache,
                                   fraction_tick, &ticks, &failures, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (answers->len, ==, 1);
  g_assert_cmpuint (failures->len, ==, 0);
  g_assert_cmpuint (ticks.calls, >, 0);
  g_assert_cmpuint (ticks.known, ==, 0);

  gg_request_free (requests[0]);
}

/* What an edit sends (gg_front_encode ()): JPEG q96 when opaque, PNG
 * with transparency, scaled to the size asked; in a test build the knob
 * GG_TEST_ENCODING (tests/bench/encoding.sh) chooses, and a value it does
 * not understand is an error, never the policy in disguise. */
static void
test_encode_policy (void)
{
  g_autoptr (GgRaster) opaque = gg_raster_new (64, 48, NULL);
  g_autoptr (GgRaster) clear  = NULL;
  g_autoptr (GError)   error  = NULL;
  GBytes              *bytes;
  GgFormat             format;
  gint                 w, h;

  for (gsize i = 0; i < (gsize) 64 * 48 * 4; i++)
    opaque->pixels[i] = (i % 4 == 3) ? 255 : (guint8) (i * 7);
  clear = gg_raster_copy (opaque);
  clear->pixels[3] = 0;

  g_unsetenv ("GG_TEST_ENCODING");
  bytes = gg_front_encode (opaque, 32, 24, &error);
  g_assert_no_error (error);
  g_assert_true (gg_image_probe (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                 &format, &w, &h, NULL));
  g_assert_cmpint (format, ==, GG_FORMAT_JPEG);
  g_assert_cmpint (w, ==, 32);
  g_assert_cmpint (h, ==, 24);
  g_bytes_unref (bytes);

  bytes = gg_front_encode (clear, 64, 48, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gg_image_sniff (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes)),
                   ==, GG_FORMAT_PNG);
  g_bytes_unref (bytes);

#ifdef GG_TEST_HOOKS
  g_setenv ("GG_TEST_ENCODING", "png", TRUE);
  bytes = gg_front_encode (opaque, 64, 48, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gg_image_sniff (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes)),
                   ==, GG_FORMAT_PNG);
  g_bytes_unref (bytes);

  {
    GBytes *low, *high;

    g_setenv ("GG_TEST_ENCODING", "jpeg:50", TRUE);
    low = gg_front_encode (opaque, 64, 48, &error);
    g_assert_no_error (error);
    g_setenv ("GG_TEST_ENCODING", "jpeg:100", TRUE);
    high = gg_front_encode (opaque, 64, 48, &error);
    g_assert_no_error (error);
    g_assert_cmpint (gg_image_sniff (g_bytes_get_data (low, NULL), g_bytes_get_size (low)),
                     ==, GG_FORMAT_JPEG);
    g_assert_cmpuint (g_bytes_get_size (low), <, g_bytes_get_size (high));
    g_bytes_unref (low);
    g_bytes_unref (high);
  }

  for (guint i = 0; i < 4; i++)
    {
      const gchar *bad[] = { "jpeg", "jpeg:0", "jpeg:101", "webp" };

      g_setenv ("GG_TEST_ENCODING", bad[i], TRUE);
      g_assert_null (gg_front_encode (opaque, 64, 48, &error));
      g_assert_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST);
      g_assert_nonnull (strstr (error->message, bad[i]));
      g_clear_error (&error);
    }
  g_unsetenv ("GG_TEST_ENCODING");
#endif
}

int
main (int argc, char **argv)
{
  gint status;

  g_test_init (&argc, &argv, NULL);
  server = gg_fake_server_start (NULL);
  g_setenv ("GOOGLE_GEMINI_BASE_URL", server->base_url, TRUE);
  g_test_add_func ("/front/place-reads-gimp3", test_place_reads_gimp3);
  g_test_add_func ("/front/place-round-trip", test_place_round_trip);
  g_test_add_func ("/front/place-refuses", test_place_refuses);
  g_test_add_func ("/front/serialize-size-rule", test_serialize_size_rule);
  g_test_add_func ("/front/roles", test_roles);
  g_test_add_func ("/front/words", test_words);
  g_test_add_func ("/front/prepare-and-recovery", test_prepare_and_recovery);
  g_test_add_func ("/front/ask-variations", test_ask_variations);
  g_test_add_func ("/front/ask-cancel", test_ask_cancel);
  g_test_add_func ("/front/ask-fraction", test_ask_fraction);
  g_test_add_func ("/front/roles-of", test_roles_of);
  g_test_add_func ("/front/place-fits", test_place_fits);
  g_test_add_func ("/front/prepare-masks", test_prepare_masks);
  g_test_add_func ("/front/encode-policy", test_encode_policy);
  status = g_test_run ();
  gg_fake_server_stop (server);

  return status;
}
