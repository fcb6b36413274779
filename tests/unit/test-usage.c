/* test-usage.c: the per-run usage line and the running total's key file. */
#include <string.h>

#include "gg-error.h"
#include "gg-response.h"
#include "gg-usage.h"
#include "gg-test-util.h"

#define PNG_B64 "iVBORw0KGgoAAAANSUhEUgAAAAQAAAAECAIAAAAmkwkpAAAAEElEQVR42mP8z4AATAxEcQAz0QEH0oWRNwAAAABJRU5ErkJggg=="

/* One image and usage of the 2.5 Flash kind. */
static GgResponse *
answer (void)
{
  const gchar *body =
    "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":["
    "{\"text\":\"Here it is.\"},"
    "{\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\"" PNG_B64 "\"}}]},"
    "\"finishReason\":\"STOP\"}],"
    "\"usageMetadata\":{\"promptTokenCount\":300,\"candidatesTokenCount\":1300,"
    "\"totalTokenCount\":1600,\"candidatesTokensDetails\":["
    "{\"modality\":\"IMAGE\",\"tokenCount\":1290},"
    "{\"modality\":\"TEXT\",\"tokenCount\":10}]}}";
  g_autoptr(GError) error = NULL;
  GgResponse *response = gg_response_parse (body, strlen (body), NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (response);
  return response;
}

static void
test_total_add (void)
{
  g_autoptr(GgResponse) response = answer ();
  GgUsageTotal          run      = { 0, };

  gg_usage_total_add (&run, response, 0.04);
  gg_usage_total_add (&run, response, -1.0);

  g_assert_cmpuint (run.requests, ==, 2);
  g_assert_cmpuint (run.unpriced_requests, ==, 1);
  g_assert_cmpuint (run.images, ==, 2);
  g_assert_cmpuint (run.prompt_tokens, ==, 600);
  g_assert_cmpuint (run.output_tokens, ==, 2600);
  g_assert_cmpfloat_with_epsilon (run.cost, 0.04, 1e-9);
}

static void
test_record (void)
{
  g_autofree gchar     *dir   = gg_test_tmpdir ();
  g_autofree gchar     *path  = g_build_filename (dir, "usage.ini", NULL);
  g_autoptr(GgResponse) response = answer ();
  g_autoptr(GKeyFile)   file  = g_key_file_new ();
  g_autoptr(GError)     error = NULL;
  GgUsageTotal          run   = { 0, };
  GgUsageTotal          total = { 0, };

  gg_usage_total_add (&run, response,
                      gg_response_cost (response, "gemini-2.5-flash-image"));
  g_assert_cmpfloat (run.cost, >, 0.03);
  g_assert_cmpfloat (run.cost, <, 0.05);

  g_assert_true (gg_usage_record (path, "gemini-2.5-flash-image", &run, &total, &error));
  g_assert_no_error (error);
  g_assert_true (gg_usage_record (path, "gemini-2.5-flash-image", &run, &total, &error));
  g_assert_cmpuint (total.requests, ==, 2);
  g_assert_cmpfloat_with_epsilon (total.cost, 2 * run.cost, 1e-5);

  g_assert_true (g_key_file_load_from_file (file, path, G_KEY_FILE_NONE, &error));
  g_assert_cmpint (g_key_file_get_int64 (file, "total", "requests", NULL), ==, 2);
  g_assert_cmpint (g_key_file_get_int64 (file, "model gemini-2.5-flash-image",
                                         "images", NULL), ==, 2);
}

static void
test_record_damaged (void)
{
  g_autofree gchar *dir   = gg_test_tmpdir ();
  g_autofree gchar *path  = g_build_filename (dir, "usage.ini", NULL);
  GgUsageTotal      run   = { .requests = 1, .images = 1, .cost = 0.5 };
  GgUsageTotal      total = { 0, };

  /* Not a key file: counted afresh, never an error. */
  g_assert_true (g_file_set_contents (path, "\x01\x02 [[[ not ini", -1, NULL));
  g_assert_true (gg_usage_record (path, NULL, &run, &total, NULL));
  g_assert_cmpuint (total.requests, ==, 1);
  g_assert_cmpfloat_with_epsilon (total.cost, 0.5, 1e-9);
}

static void
test_record_unwritable (void)
{
  g_autoptr(GError) error = NULL;
  GgUsageTotal      run   = { .requests = 1 };

  g_assert_false (gg_usage_record ("/nonexistent-dir/usage.ini", NULL, &run, NULL, &error));
  g_assert_error (error, GG_ERROR, GG_ERROR_IO);
}

static void
test_describe (void)
{
  GgUsageTotal      run   = { .requests = 1, .images = 1, .prompt_tokens = 300,
                              .output_tokens = 1290, .cost = 0.039 };
  GgUsageTotal      total = { .requests = 31, .cost = 1.2 };
  GgUsageTotal      unpriced = { .requests = 1, .unpriced_requests = 1, .images = 1 };
  g_autofree gchar *text  = gg_usage_describe (&run, &total);
  g_autofree gchar *none  = gg_usage_describe (&unpriced, NULL);

  g_assert_cmpstr (text, ==, "Used 300 input and 1290 output tokens, 1 image: "
                   "about $0.039. Total so far: about $1.20 for 31 requests.");
  g_assert_nonnull (strstr (none, "no price is known"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/usage/total-add", test_total_add);
  g_test_add_func ("/usage/record", test_record);
  g_test_add_func ("/usage/record-damaged", test_record_damaged);
  g_test_add_func ("/usage/record-unwritable", test_record_unwritable);
  g_test_add_func ("/usage/describe", test_describe);

  return g_test_run ();
}
