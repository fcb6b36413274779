/* test-run-generate.c: the engine's refine, generate and compose runs
 * (gg-run.h) against the fake host (gg-test-host.h) and the fake Gemini
 * server: the conversation continued, new images, references sent.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <glib/gstdio.h>

#include "gg-error.h"
#include "gg-prompt.h"
#include "gg-run.h"
#include "gg-test-host.h"


/* ----- refine, generate, compose -------------------------------------- */

/* A refine continues the edit's conversation over its region, above the
 * result it refines, whose mask carries over when nothing is selected. */
static void
test_refine (void)
{
  GgTestHost        *h = gg_test_host_new (GG_TEST_SEL);
  GgRunOptions       options;
  g_autoptr (GError) error = NULL;
  g_autofree gchar  *first_place = NULL;
  cJSON             *requests;
  const cJSON       *contents;
  GgTestPiece       *edited, *refined;

  gg_test_edit_options (&options);
  gg_test_server_reset ("ok");
  g_assert_true (gg_run_edit (&h->host, &options, &error));
  g_assert_no_error (error);
  first_place = g_strdup (h->place);

  g_clear_pointer (&h->selection, gg_mask_free);
  gg_run_options_init (&options);
  options.prompt = "make it blue";
  gg_test_server_reset ("ok");
  g_assert_true (gg_run_refine (&h->host, &options, &error));
  g_assert_no_error (error);

  requests = gg_test_server_requests ();
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
  gg_test_host_free (h);
}

/* A refine with a selection and the region sent again: what is visible
 * over the conversation's region goes out (as the encoding policy has
 * it) with the hint, and the selection as it is now is the mask. */
static void
test_refine_region_selection (void)
{
  GgTestHost           *h = gg_test_host_new (GG_TEST_SEL);
  GgRunOptions          options;
  GgConversationPlace   place;
  GgRegionPlan          plan;
  g_autoptr (GError)    error = NULL;
  g_autoptr (GgRaster)  visible = NULL;
  g_autoptr (GBytes)    expected = NULL;
  g_autofree gchar     *sha = NULL;
  cJSON                *requests;
  const cJSON          *entry;
  GgTestPiece          *refined;

  gg_test_edit_options (&options);
  gg_test_server_reset ("ok");
  g_assert_true (gg_run_edit (&h->host, &options, &error));
  g_assert_no_error (error);
  g_assert_true (gg_conversation_place_from_text (h->place, strlen (h->place), &place));
  gg_conversation_place_to_plan (&place, &plan);
  visible  = gg_raster_crop (h->image, &plan.region, NULL);
  expected = gg_front_encode (visible, plan.send_width, plan.send_height, NULL);
  sha      = gg_test_sha256 (expected);

  gg_test_edit_options (&options);
  options.prompt         = "make it blue";
  options.include_region = TRUE;
  gg_test_server_reset ("ok");
  g_assert_true (gg_run_refine (&h->host, &options, &error));
  g_assert_no_error (error);

  requests = gg_test_server_requests ();
  entry    = cJSON_GetArrayItem (requests, 0);
  g_assert_cmpstr (gg_test_json_string (gg_test_user_image (entry, 0), "sha256"), ==, sha);
  g_assert_cmpstr (gg_test_json_string (gg_test_user_image (entry, 1), "format"), ==, "png");
  cJSON_Delete (requests);

  refined = g_ptr_array_index (h->pieces, 1);
  g_assert_nonnull (refined->mask);
  g_assert_false (h->mask_from_previous);
  g_assert_cmpint (refined->x, ==, place.clip.x);
  g_assert_cmpint (refined->raster->width, ==, place.clip.width);
  gg_conversation_place_clear (&place);
  gg_test_host_free (h);
}

static void
test_refine_without_conversation (void)
{
  GgTestHost        *h = gg_test_host_new (GG_TEST_SEL);
  GgRunOptions       options;
  g_autoptr (GError) error = NULL;

  gg_run_options_init (&options);
  options.prompt = "make it blue";
  g_assert_false (gg_run_refine (&h->host, &options, &error));
  g_assert_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST);
  g_assert_cmpint (h->begins, ==, 0);
  gg_test_host_free (h);
}

static void
test_generate (void)
{
  GgRect             none = { 0, 0, 0, 0 };
  GgTestHost        *h = gg_test_host_new (none);
  GgRunOptions       options;
  g_autoptr (GError) error = NULL;
  g_autofree gchar  *text = NULL;
  cJSON             *requests;
  GgTestPiece       *piece;

  gg_run_options_init (&options);
  options.prompt     = "a lighthouse at dusk";
  options.ratio      = "16:9";
  options.variations = 2;
  gg_test_server_reset ("ok");
  g_assert_true (gg_run_generate (&h->host, &options, TRUE, &error));
  g_assert_no_error (error);

  requests = gg_test_server_requests ();
  g_assert_cmpint (cJSON_GetArraySize (requests), ==, 2);
  text = gg_test_user_text (cJSON_GetArrayItem (requests, 0));
  g_assert_cmpstr (text, ==, "a lighthouse at dusk");
  g_assert_null (gg_test_user_image (cJSON_GetArrayItem (requests, 0), 0));
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
  gg_test_host_free (h);
}

/* Interim thought images, asked for, come as pieces of their own. */
static void
test_generate_thoughts (void)
{
  GgRect             none = { 0, 0, 0, 0 };
  GgTestHost        *h = gg_test_host_new (none);
  GgRunOptions       options;
  g_autoptr (GError) error = NULL;

  gg_run_options_init (&options);
  options.prompt         = "a lighthouse at dusk";
  options.thought_layers = TRUE;
  gg_test_server_reset ("thoughts");
  g_assert_true (gg_run_generate (&h->host, &options, FALSE, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (h->pieces->len, ==, 1);
  g_assert_cmpint (h->thoughts, ==, 2);
  gg_test_host_free (h);
}

/* No image could be made for the result: the paid answer is saved. */
static void
test_generate_begin_fails (void)
{
  GgRect             none = { 0, 0, 0, 0 };
  GgTestHost        *h = gg_test_host_new (none);
  GgRunOptions       options;
  g_autoptr (GError) error = NULL;

  gg_run_options_init (&options);
  options.prompt = "a lighthouse at dusk";
  h->fail_begin  = TRUE;
  gg_test_server_reset ("ok");
  g_assert_false (gg_run_generate (&h->host, &options, TRUE, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "no image could be made"));
  g_assert_nonnull (strstr (error->message, "The result was saved as "));
  g_assert_cmpuint (gg_test_recovered (h), ==, 1);
  g_assert_cmpint (h->inserts + h->ends_ok + h->reports + h->stores, ==, 0);
  gg_test_host_free (h);
}

/* A host with only what a run needs (canvas, read, insert, key): the run
 * goes through without asking for the rest. */
static void
test_generate_minimal_host (void)
{
  GgRect             none = { 0, 0, 0, 0 };
  GgTestHost        *h = gg_test_host_new (none);
  GgHostClass        minimal = *h->host.klass;
  GgRunOptions       options;
  g_autoptr (GError) error = NULL;

  minimal.references         = NULL;
  minimal.conversation_load  = NULL;
  minimal.begin              = NULL;
  minimal.conversation_store = NULL;
  minimal.end                = NULL;
  minimal.report             = NULL;
  minimal.progress           = NULL;
  h->host.klass = &minimal;
  gg_run_options_init (&options);
  options.prompt = "a lighthouse at dusk";
  gg_test_server_reset ("ok");
  g_assert_true (gg_run_generate (&h->host, &options, TRUE, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (h->pieces->len, ==, 1);
  g_assert_cmpint (h->begins + h->reports + h->stores + h->progress_calls, ==, 0);
  gg_test_host_free (h);
}

static void
test_compose (void)
{
  GgRect               none = { 0, 0, 0, 0 };
  GgTestHost          *h = gg_test_host_new (none);
  GgRunOptions         options;
  g_autoptr (GError)   error = NULL;
  g_autoptr (GgRaster) a = gg_test_texture (64, 48, 1);
  g_autoptr (GgRaster) b = gg_test_texture (48, 64, 2);
  g_autoptr (GBytes)   ba = gg_front_encode_reference (a, NULL);
  g_autoptr (GBytes)   bb = gg_front_encode_reference (b, NULL);
  cJSON               *requests;

  gg_run_options_init (&options);
  options.prompt = "the two side by side";
  gg_test_server_reset ("ok");

  /* Nothing to combine: refused before sending. */
  g_assert_false (gg_run_compose (&h->host, &options, FALSE, &error));
  g_assert_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST);
  g_clear_error (&error);

  h->references = g_ptr_array_new_with_free_func (gg_run_reference_free);
  g_ptr_array_add (h->references, gg_run_reference_new (ba, GG_ROLE_OBJECT));
  g_ptr_array_add (h->references, gg_run_reference_new (bb, GG_ROLE_SUBJECT));
  g_assert_true (gg_run_compose (&h->host, &options, FALSE, &error));
  g_assert_no_error (error);
  requests = gg_test_server_requests ();
  g_assert_cmpint (cJSON_GetArraySize (requests), ==, 1);
  g_assert_cmpint (gg_test_json_int (gg_test_user_image (cJSON_GetArrayItem (requests, 0), 0), "width"), ==, 64);
  g_assert_cmpint (gg_test_json_int (gg_test_user_image (cJSON_GetArrayItem (requests, 0), 1), "width"), ==, 48);
  cJSON_Delete (requests);
  g_assert_false (h->new_image);
  g_assert_cmpuint (h->pieces->len, ==, 1);
  gg_test_host_free (h);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  gg_test_run_start ();

  g_test_add_func ("/run/refine", test_refine);
  g_test_add_func ("/run/refine/region-selection", test_refine_region_selection);
  g_test_add_func ("/run/refine/no-conversation", test_refine_without_conversation);
  g_test_add_func ("/run/generate", test_generate);
  g_test_add_func ("/run/generate/thoughts", test_generate_thoughts);
  g_test_add_func ("/run/generate/begin-fails", test_generate_begin_fails);
  g_test_add_func ("/run/generate/minimal-host", test_generate_minimal_host);
  g_test_add_func ("/run/compose", test_compose);

  return gg_test_run_end (g_test_run ());
}
