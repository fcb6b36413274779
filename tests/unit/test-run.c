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
#include "gg-test-host.h"


/* ----- edit ----------------------------------------------------------- */

static void
test_edit_selection (void)
{
  const GgRect         sel = GG_TEST_SEL;
  GgTestHost          *h = gg_test_host_new (sel);
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
  GgTestPiece         *piece;
  GgConversationPlace  place;
  gint                 far_out = 0, near = 0;

  gg_test_edit_options (&options);
  gg_test_server_reset ("ok");

  /* The plan the dialogs show is the plan the run sends. */
  g_assert_true (gg_test_host_canvas (&h->host, FALSE, &canvas, NULL));
  g_assert_true (gg_run_plan_edit (&options, &canvas, &plan, &error));
  g_assert_no_error (error);

  g_assert_true (gg_run_edit (&h->host, &options, &error));
  g_assert_no_error (error);

  /* Sent: the region as the encoding policy has it, at the planned size,
   * the wording of gg_prompt_edit () with the selection's area, the hint. */
  original = gg_raster_crop (h->layer, &plan.region, NULL);
  expected = gg_front_encode (original, plan.send_width, plan.send_height, NULL);
  expected_sha = gg_test_sha256 (expected);
  requests = gg_test_server_requests ();
  g_assert_cmpint (cJSON_GetArraySize (requests), ==, 1);
  image = gg_test_user_image (cJSON_GetArrayItem (requests, 0), 0);
  g_assert_nonnull (image);
  g_assert_cmpstr (gg_test_json_string (image, "sha256"), ==, expected_sha);
  g_assert_cmpint (gg_test_json_int (image, "width"), ==, plan.send_width);
  g_assert_cmpint (gg_test_json_int (image, "height"), ==, plan.send_height);
  hint = gg_test_user_image (cJSON_GetArrayItem (requests, 0), 1);
  g_assert_nonnull (hint);
  g_assert_cmpstr (gg_test_json_string (hint, "format"), ==, "png");
  g_assert_cmpint (gg_test_json_int (hint, "width"), ==, plan.send_width);
  area = gg_front_selection_area (&plan);
  wording = gg_prompt_edit ("add a red balloon", TRUE, area);
  text = gg_test_user_text (cJSON_GetArrayItem (requests, 0));
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
        gboolean      out = ix < sel.x - 6 || ix >= sel.x + sel.width + 6 ||
                            iy < sel.y - 6 || iy >= sel.y + sel.height + 6;
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
    gint          cx = sel.x + sel.width / 2 - piece->x;
    gint          cy = sel.y + sel.height / 2 - piece->y;
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
  g_assert_cmpuint (gg_test_recovered (h), ==, 0);

  gg_test_host_free (h);
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
  GgTestHost        *h    = gg_test_host_new (none);
  GgRunOptions       options;
  g_autoptr (GError) error = NULL;
  g_autofree gchar  *text = NULL;
  g_autofree gchar  *wording = gg_prompt_edit ("add a red balloon", FALSE, NULL);
  cJSON             *requests;
  GgTestPiece       *piece;
  gint               cx, cy;

  gg_test_edit_options (&options);
  options.changed_only = TRUE;
  gg_test_server_reset ("ok");
  g_assert_true (gg_run_edit (&h->host, &options, &error));
  g_assert_no_error (error);

  requests = gg_test_server_requests ();
  text = gg_test_user_text (cJSON_GetArrayItem (requests, 0));
  g_assert_nonnull (strstr (text, wording));
  /* No hint without a selection. */
  g_assert_null (gg_test_user_image (cJSON_GetArrayItem (requests, 0), 1));
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
  gg_test_host_free (h);
}

/* The mask as it is (the CLI's --mask): neither grown nor feathered, its
 * faint values kept, the plan around its bounds alone. */
static void
test_edit_mask_as_is (void)
{
  GgTestHost        *h = gg_test_host_new (GG_TEST_SEL);
  GgRunOptions       options;
  GgHostCanvas       canvas;
  GgRegionPlan       plan;
  g_autoptr (GError) error = NULL;
  GgTestPiece       *piece;
  gint               checked = 0;

  for (gint y = GG_TEST_SEL.y; y < GG_TEST_SEL.y + GG_TEST_SEL.height; y++)
    for (gint x = GG_TEST_SEL.x; x < GG_TEST_SEL.x + GG_TEST_SEL.width; x++)
      h->selection->data[y * IMAGE_W + x] = (guint8) (1 + (x - GG_TEST_SEL.x) * 3);
  gg_test_edit_options (&options);
  options.mask_as_is = TRUE;
  options.grow       = 12;
  g_assert_true (gg_test_host_canvas (&h->host, FALSE, &canvas, NULL));
  g_assert_true (gg_run_plan_edit (&options, &canvas, &plan, &error));
  g_assert_cmpint (plan.selection.x, ==, GG_TEST_SEL.x - LAYER_X);
  g_assert_cmpint (plan.selection.width, ==, GG_TEST_SEL.width);

  gg_test_server_reset ("ok");
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
  gg_test_host_free (h);
}

/* Nothing half selected: refused before anything is sent. */
static void
test_edit_refuses_faint_selection (void)
{
  GgTestHost        *h = gg_test_host_new (GG_TEST_SEL);
  GgRunOptions       options;
  g_autoptr (GError) error = NULL;
  cJSON             *requests;

  for (gsize i = 0; i < (gsize) IMAGE_W * IMAGE_H; i++)
    if (h->selection->data[i])
      h->selection->data[i] = 100;
  gg_test_edit_options (&options);
  gg_test_server_reset ("ok");
  g_assert_false (gg_run_edit (&h->host, &options, &error));
  g_assert_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST);
  requests = gg_test_server_requests ();
  g_assert_cmpint (cJSON_GetArraySize (requests), ==, 0);
  cJSON_Delete (requests);
  g_assert_cmpint (h->begins + h->inserts, ==, 0);
  gg_test_host_free (h);
}

/* A cancel before sending costs nothing; one while waiting ends the
 * transfer; neither touches the image. */
static void
test_edit_cancel (void)
{
  GgTestHost        *h = gg_test_host_new (GG_TEST_SEL);
  GgRunOptions       options;
  g_autoptr (GError) error = NULL;
  cJSON             *requests;

  gg_test_edit_options (&options);
  gg_test_server_reset ("ok");
  h->cancel_at = "sending the request";
  g_assert_false (gg_run_edit (&h->host, &options, &error));
  g_assert_error (error, GG_ERROR, GG_ERROR_CANCELLED);
  requests = gg_test_server_requests ();
  g_assert_cmpint (cJSON_GetArraySize (requests), ==, 0);
  cJSON_Delete (requests);
  g_assert_cmpint (h->begins + h->inserts + h->reports, ==, 0);
  g_assert_null (h->conversation);
  g_clear_error (&error);

  /* While the model works (3 s): cancelled within a few ticks. */
  gg_test_server_reset ("slow");
  gg_fake_server_control (gg_test_run_server, "/_control/instant", "{\"instant\":false}");
  h->cancel_at    = NULL;
  h->cancel_after = h->progress_calls + 4;
  {
    gint64 start = g_get_monotonic_time ();

    g_assert_false (gg_run_edit (&h->host, &options, &error));
    g_assert_error (error, GG_ERROR, GG_ERROR_CANCELLED);
    g_assert_cmpint (g_get_monotonic_time () - start, <, 2 * G_USEC_PER_SEC);
  }
  gg_fake_server_control (gg_test_run_server, "/_control/instant", "{\"instant\":true}");
  g_assert_cmpint (h->begins + h->inserts + h->reports, ==, 0);
  g_assert_cmpuint (gg_test_recovered (h), ==, 0);
  gg_test_host_free (h);
}

/* A cancel after the answer arrived: paid for, so saved, never inserted. */
static void
test_edit_cancel_after_payment (void)
{
  GgTestHost        *h = gg_test_host_new (GG_TEST_SEL);
  GgRunOptions       options;
  g_autoptr (GError) error = NULL;

  gg_test_edit_options (&options);
  gg_test_server_reset ("ok");
  h->cancel_at = "placing the result";
  g_assert_false (gg_run_edit (&h->host, &options, &error));
  g_assert_error (error, GG_ERROR, GG_ERROR_CANCELLED);
  g_assert_nonnull (strstr (error->message, "The result was saved as "));
  g_assert_cmpuint (gg_test_recovered (h), ==, 1);
  g_assert_cmpint (h->begins + h->inserts + h->reports, ==, 0);
  gg_test_host_free (h);
}

/* The host cannot insert: the answer is saved, the step closed. */
static void
test_edit_insert_fails (void)
{
  GgTestHost        *h = gg_test_host_new (GG_TEST_SEL);
  GgRunOptions       options;
  g_autoptr (GError) error = NULL;

  gg_test_edit_options (&options);
  options.variations = 2;
  gg_test_server_reset ("ok");
  h->fail_insert = TRUE;
  g_assert_false (gg_run_edit (&h->host, &options, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "the host refused the layer"));
  g_assert_nonnull (strstr (error->message, "The result was saved as "));
  /* Both variations' answers. */
  g_assert_cmpuint (gg_test_recovered (h), ==, 2);
  g_assert_cmpint (h->ends_failed, ==, 1);
  g_assert_cmpint (h->ends_ok + h->reports + h->stores, ==, 0);
  gg_test_host_free (h);
}

/* One variation of two fails: the other is inserted, the report says so
 * (partial: a script is told too). */
static void
test_edit_partial (void)
{
  GgTestHost        *h = gg_test_host_new (GG_TEST_SEL);
  GgRunOptions       options;
  g_autoptr (GError) error = NULL;

  gg_test_edit_options (&options);
  options.variations = 2;
  gg_test_server_reset ("ok");
  gg_fake_server_control (gg_test_run_server, "/_control/scenario", "{\"queue\":[\"ok\",\"error_400\"]}");
  g_assert_true (gg_run_edit (&h->host, &options, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (h->pieces->len, ==, 1);
  g_assert_true (h->partial);
  g_assert_nonnull (strstr (h->report, "1 of 2 variations failed"));
  gg_test_host_free (h);
}

/* What is visible: the region is planned over the canvas and read from
 * the image, the piece placed in image coordinates. */
static void
test_edit_visible (void)
{
  GgTestHost          *h = gg_test_host_new (GG_TEST_SEL);
  GgRunOptions         options;
  GgHostCanvas         canvas;
  GgRegionPlan         plan;
  g_autoptr (GError)   error = NULL;
  g_autoptr (GgRaster) original = NULL;
  g_autoptr (GBytes)   expected = NULL;
  g_autofree gchar    *sha = NULL;
  cJSON               *requests;
  GgTestPiece         *piece;

  gg_test_edit_options (&options);
  options.visible = TRUE;
  g_assert_true (gg_test_host_canvas (&h->host, TRUE, &canvas, NULL));
  g_assert_true (gg_run_plan_edit (&options, &canvas, &plan, &error));
  original = gg_raster_crop (h->image, &plan.region, NULL);
  expected = gg_front_encode (original, plan.send_width, plan.send_height, NULL);
  sha      = gg_test_sha256 (expected);

  gg_test_server_reset ("ok");
  g_assert_true (gg_run_edit (&h->host, &options, &error));
  g_assert_no_error (error);
  requests = gg_test_server_requests ();
  g_assert_cmpstr (gg_test_json_string (gg_test_user_image (cJSON_GetArrayItem (requests, 0), 0), "sha256"),
                   ==, sha);
  cJSON_Delete (requests);
  piece = g_ptr_array_index (h->pieces, 0);
  g_assert_cmpint (piece->x, ==, MAX (plan.region.x, 0));
  g_assert_cmpint (piece->y, ==, MAX (plan.region.y, 0));
  gg_test_host_free (h);
}

/* The server refuses: nothing paid, nothing inserted, nothing saved. */
static void
test_edit_server_error (void)
{
  GgTestHost        *h = gg_test_host_new (GG_TEST_SEL);
  GgRunOptions       options;
  g_autoptr (GError) error = NULL;

  gg_test_edit_options (&options);
  gg_test_server_reset ("error_400");
  g_assert_false (gg_run_edit (&h->host, &options, &error));
  g_assert_nonnull (error);
  g_assert_cmpint (h->begins + h->inserts + h->reports, ==, 0);
  g_assert_cmpuint (gg_test_recovered (h), ==, 0);
  gg_test_host_free (h);
}

/* Style transfer: no words of the user's own, the style prompt; the
 * reference goes out after the picture with its role's sentence. */
static void
test_style (void)
{
  GgTestHost           *h = gg_test_host_new (GG_TEST_SEL);
  GgRunOptions          options;
  g_autoptr (GError)    error = NULL;
  g_autoptr (GgRaster)  style = gg_test_texture (64, 48, 5);
  g_autoptr (GBytes)    bytes = gg_front_encode_reference (style, NULL);
  g_autofree gchar     *sha = gg_test_sha256 (bytes);
  g_autofree gchar     *text = NULL;
  g_autofree gchar     *role = gg_prompt_role_sentence (GG_ROLE_STYLE, 2);
  cJSON                *requests;

  gg_run_options_init (&options);
  options.style  = TRUE;
  options.prompt = "  ";
  h->references = g_ptr_array_new_with_free_func (gg_run_reference_free);
  g_ptr_array_add (h->references, gg_run_reference_new (bytes, GG_ROLE_STYLE));
  gg_test_server_reset ("ok");
  g_assert_true (gg_run_edit (&h->host, &options, &error));
  g_assert_no_error (error);

  requests = gg_test_server_requests ();
  text = gg_test_user_text (cJSON_GetArrayItem (requests, 0));
  g_assert_nonnull (strstr (text, GG_FRONT_STYLE_PROMPT));
  g_assert_nonnull (role);
  g_assert_nonnull (strstr (text, role));
  g_assert_cmpstr (gg_test_json_string (gg_test_user_image (cJSON_GetArrayItem (requests, 0), 1), "sha256"),
                   ==, sha);
  cJSON_Delete (requests);
  g_assert_cmpuint (h->pieces->len, ==, 1);
  gg_test_host_free (h);
}

/* The dialogs' sentences, once for both GIMP front ends. */
static void
test_notes (void)
{
  GgHostCanvas               canvas = { { 0, 0, LAYER_W, LAYER_H }, 0, 0, TRUE,
                                        { 5, 6, 80, 60 }, "Layer" };
  GgConversationPlace        place  = { 0, };
  g_autoptr (GgConversation) conversation = gg_conversation_new ();
  g_autofree gchar          *edit  = gg_run_edit_note (FALSE, "Background", &canvas);
  g_autofree gchar          *style = NULL;
  g_autofree gchar          *refine = NULL;

  g_assert_cmpstr (edit, ==, "Editing “Background”: the selection (80 × 60 px) and "
                             "some context around it are sent.");
  canvas.has_selection = FALSE;
  style = gg_run_edit_note (TRUE, "Background", &canvas);
  g_assert_cmpstr (style, ==, "Restyling “Background”: nothing is selected, so the "
                              "whole layer is sent.");
  g_assert_true (gg_conversation_append_turn (conversation,
                                              "{\"role\":\"user\",\"parts\":[{\"text\":\"a\"}]}",
                                              "{\"role\":\"model\",\"parts\":[{\"text\":\"b\"}]}",
                                              NULL));
  place.has_region = TRUE;
  place.model      = (gchar *) "gemini-3-pro-image";
  refine = gg_run_refine_note (conversation, &place);
  g_assert_cmpstr (refine, ==, "Continuing a conversation of 1 exchange with "
                               "gemini-3-pro-image, placed over the edited region.");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  gg_test_run_start ();

  g_test_add_func ("/run/plan-edit", test_plan_edit);
  g_test_add_func ("/run/edit/selection", test_edit_selection);
  g_test_add_func ("/run/edit/whole-changed", test_edit_whole_changed);
  g_test_add_func ("/run/edit/faint-selection", test_edit_refuses_faint_selection);
  g_test_add_func ("/run/edit/mask-as-is", test_edit_mask_as_is);
  g_test_add_func ("/run/edit/cancel", test_edit_cancel);
  g_test_add_func ("/run/edit/cancel-after-payment", test_edit_cancel_after_payment);
  g_test_add_func ("/run/edit/insert-fails", test_edit_insert_fails);
  g_test_add_func ("/run/edit/server-error", test_edit_server_error);
  g_test_add_func ("/run/edit/partial", test_edit_partial);
  g_test_add_func ("/run/edit/visible", test_edit_visible);
  g_test_add_func ("/run/style", test_style);
  g_test_add_func ("/run/notes", test_notes);

  return gg_test_run_end (g_test_run ());
}
