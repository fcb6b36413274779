/* test-batch.c: the Files API and Batch API engine (gg-files, gg-batch),
 * the generic request of gg-client and fileData parts of gg-request:
 * parsing without a network, then the protocols against the fake server. */
#include <string.h>

#include <cjson/cJSON.h>

#include "gg-batch.h"
#include "gg-error.h"
#include "gg-files.h"
#include "gg-request.h"
#include "gg-test-util.h"

#define PNG_B64 "iVBORw0KGgoAAAANSUhEUgAAAAQAAAAECAIAAAAmkwkpAAAAEElEQVR42mP8z4AATAxEcQAz0QEH0oWRNwAAAABJRU5ErkJggg=="

static GgFakeServer *server;

static GBytes *
png (void)
{
  gsize   len;
  guchar *data = g_base64_decode (PNG_B64, &len);

  return g_bytes_new_take (data, len);
}

static GBytes *
bytes_of (const gchar *text)
{
  return g_bytes_new (text, strlen (text));
}

static GgClient *
client_new (void)
{
  return gg_fake_server_client (server);
}

static void
scenario (const gchar *params)
{
  g_autofree gchar *json = g_strdup_printf ("{\"scenario\":\"ok\",\"params\":%s}", params);

  gg_fake_server_control (server, "/_control/reset", "{}");
  gg_fake_server_control (server, "/_control/scenario", json);
}

/* ---- parsing ------------------------------------------------------------- */

static void
test_file_parse (void)
{
  const gchar *json =
    "{\"file\":{\"name\":\"files/abc\",\"uri\":\"https://x/v1beta/files/abc\","
    "\"mimeType\":\"image/png\",\"sizeBytes\":\"2400000\",\"state\":\"PROCESSING\","
    "\"expirationTime\":\"2030-01-03T00:00:00.5Z\",\"unknownField\":[1]}}";
  g_autoptr(GgFile) file = NULL;
  GError           *error = NULL;

  file = gg_file_parse (json, strlen (json), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (file->name, ==, "files/abc");
  g_assert_cmpstr (file->uri, ==, "https://x/v1beta/files/abc");
  g_assert_cmpint (file->size_bytes, ==, 2400000);
  g_assert_cmpint (file->state, ==, GG_FILE_STATE_PROCESSING);
  g_assert_cmpint (file->expires, ==, 1893628800);

  g_clear_pointer (&file, gg_file_free);
  file = gg_file_parse ("{\"name\":\"files/f\",\"state\":\"FAILED\",\"error\":{\"message\":\"bad\"}}",
                        66, &error);
  g_assert_no_error (error);
  g_assert_cmpint (file->state, ==, GG_FILE_STATE_FAILED);
  g_assert_cmpstr (file->error_message, ==, "bad");

  g_assert_null (gg_file_parse ("<html>proxy</html>", 18, &error));
  g_assert_error (error, GG_ERROR, GG_ERROR_BAD_RESPONSE);
  g_assert_nonnull (strstr (error->message, "proxy"));
  g_clear_error (&error);
}

static void
test_batch_parse (void)
{
  const gchar *json =
    "{\"name\":\"batches/b1\",\"metadata\":{\"@type\":\"x\",\"model\":\"models/m\","
    "\"displayName\":\"d\",\"state\":\"BATCH_STATE_RUNNING\",\"batchStats\":"
    "{\"requestCount\":\"10\",\"pendingRequestCount\":\"4\",\"successfulRequestCount\":5,"
    "\"failedRequestCount\":\"1\"}}}";
  g_autoptr(GBytes)  body = bytes_of (json);
  g_autoptr(GgBatch) batch = NULL;
  GError            *error = NULL;

  batch = gg_batch_parse (body, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (batch->name, ==, "batches/b1");
  g_assert_cmpint (batch->state, ==, GG_BATCH_STATE_RUNNING);
  g_assert_false (gg_batch_state_is_final (batch->state));
  g_assert_cmpint (batch->request_count, ==, 10);
  g_assert_cmpint (batch->pending_count, ==, 4);
  g_assert_cmpint (batch->succeeded_count, ==, 5);
  g_assert_cmpint (batch->failed_count, ==, 1);
  g_assert_null (batch->responses_file);

  /* The SDKs' names of the states, and a result file in "response". */
  {
    g_autoptr(GBytes)  other = bytes_of ("{\"name\":\"batches/b2\",\"metadata\":{\"state\":"
                                         "\"JOB_STATE_SUCCEEDED\"},\"done\":true,\"response\":"
                                         "{\"responsesFile\":\"files/r\"}}");
    g_autoptr(GgBatch) done = gg_batch_parse (other, &error);

    g_assert_no_error (error);
    g_assert_cmpint (done->state, ==, GG_BATCH_STATE_SUCCEEDED);
    g_assert_cmpstr (done->responses_file, ==, "files/r");
  }
  {
    g_autofree gchar *a = gg_batch_name_normalize ("abc");
    g_autofree gchar *b = gg_batch_name_normalize ("batches/abc");

    g_assert_cmpstr (a, ==, "batches/abc");
    g_assert_cmpstr (b, ==, "batches/abc");
  }
}

static void
test_results_parse (void)
{
  g_autofree gchar *answer = g_strdup_printf (
    "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"hi\"},{\"inlineData\":"
    "{\"mimeType\":\"image/png\",\"data\":\"%s\"}}]},\"finishReason\":\"STOP\"}]}", PNG_B64);
  g_autofree gchar *inline_json = g_strdup_printf (
    "{\"name\":\"batches/x\",\"metadata\":{\"state\":\"BATCH_STATE_SUCCEEDED\",\"output\":"
    "{\"inlinedResponses\":{\"inlinedResponses\":[{\"response\":%s,\"metadata\":{\"key\":\"a\"}},"
    "{\"error\":{\"code\":13,\"message\":\"Internal error encountered.\"},\"metadata\":"
    "{\"key\":\"b\"}}]}}}}", answer);
  g_autofree gchar *jsonl = g_strdup_printf ("{\"key\":\"a\",\"response\":%s}\n\nnot json\n"
                                             "{\"key\":\"c\",\"error\":{\"code\":3,\"message\":"
                                             "\"bad\"}}\n", answer);
  g_autoptr(GPtrArray) results = NULL;
  GgBatchResult       *r;
  GError              *error = NULL;

  results = gg_batch_results_parse_inline (inline_json, strlen (inline_json), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (results->len, ==, 2);
  r = g_ptr_array_index (results, 0);
  g_assert_cmpstr (r->key, ==, "a");
  g_assert_nonnull (r->response);
  g_assert_true (gg_response_check (r->response, NULL));
  r = g_ptr_array_index (results, 1);
  g_assert_cmpstr (r->key, ==, "b");
  g_assert_null (r->response);
  g_assert_cmpint (r->error_code, ==, 13);
  g_assert_cmpstr (r->error_message, ==, "Internal error encountered.");
  g_clear_pointer (&results, g_ptr_array_unref);

  /* A broken line is one failed result; the others are kept. */
  results = gg_batch_results_parse_jsonl (jsonl, strlen (jsonl), NULL);
  g_assert_cmpuint (results->len, ==, 3);
  g_assert_nonnull (((GgBatchResult *) g_ptr_array_index (results, 0))->response);
  g_assert_cmpstr (((GgBatchResult *) g_ptr_array_index (results, 1))->key, ==, "#2");
  g_assert_nonnull (((GgBatchResult *) g_ptr_array_index (results, 1))->error_message);
  g_assert_cmpstr (((GgBatchResult *) g_ptr_array_index (results, 2))->key, ==, "c");
  g_clear_pointer (&results, g_ptr_array_unref);

  g_assert_null (gg_batch_results_parse_inline ("{}", 2, NULL, &error));
  g_assert_error (error, GG_ERROR, GG_ERROR_BAD_RESPONSE);
  g_clear_error (&error);
}

static void
test_request_file_part (void)
{
  g_autoptr(GgRequest) request = gg_request_new ("gemini-nano-banana-2.1");
  g_autoptr(GBytes)    image = png ();
  g_autofree gchar    *body = NULL;
  const gchar         *mime = NULL;
  GError              *error = NULL;
  cJSON               *root;
  const cJSON         *parts;

  gg_request_set_prompt (request, "make it blue");
  gg_request_add_image (request, image, NULL, GG_ROLE_INPUT);
  gg_request_add_image (request, image, NULL, GG_ROLE_STYLE);
  g_assert_cmpuint (gg_request_inline_size (request), ==, 2 * strlen (PNG_B64));
  g_assert_true (gg_request_get_image (request, 0, &mime) == image);
  g_assert_cmpstr (mime, ==, "image/png");

  gg_request_use_file (request, 0, "https://h/v1beta/files/abc", NULL);
  gg_request_add_file (request, "https://h/v1beta/files/def", "image/jpeg");
  g_assert_cmpuint (gg_request_inline_size (request), ==, strlen (PNG_B64));
  g_assert_null (gg_request_get_image (request, 0, NULL));
  g_assert_true (gg_request_validate (request, &error));
  g_assert_no_error (error);

  body = gg_request_to_json (request, FALSE, NULL);
  root = cJSON_Parse (body);
  parts = cJSON_GetObjectItem (cJSON_GetArrayItem (cJSON_GetObjectItem (root, "contents"), 0), "parts");
  g_assert_cmpint (cJSON_GetArraySize (parts), ==, 4);
  g_assert_cmpstr (cJSON_GetObjectItem (cJSON_GetObjectItem (cJSON_GetArrayItem (parts, 1), "fileData"),
                                        "fileUri")->valuestring, ==, "https://h/v1beta/files/abc");
  g_assert_cmpstr (cJSON_GetObjectItem (cJSON_GetObjectItem (cJSON_GetArrayItem (parts, 1), "fileData"),
                                        "mimeType")->valuestring, ==, "image/png");
  g_assert_nonnull (cJSON_GetObjectItem (cJSON_GetArrayItem (parts, 2), "inlineData"));
  g_assert_cmpstr (cJSON_GetObjectItem (cJSON_GetObjectItem (cJSON_GetArrayItem (parts, 3), "fileData"),
                                        "mimeType")->valuestring, ==, "image/jpeg");
  cJSON_Delete (root);

  /* The limit counts what is inline only. */
  gg_request_set_max_inline (request, strlen (PNG_B64) - 1);
  g_assert_false (gg_request_validate (request, &error));
  g_assert_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST);
  g_clear_error (&error);
}

/* ---- against the fake server --------------------------------------------- */

static void
test_client_request (void)
{
  g_autoptr(GgClient)   client = client_new ();
  g_autoptr(GHashTable) headers = NULL;
  g_autoptr(GBytes)     answer = NULL;
  g_autofree gchar     *absolute = NULL;
  GgHttpRequest         request = { 0, };
  GError               *error = NULL;

  /* GET with a query; the answer's headers, lower-case. */
  request.method = "GET";
  request.path = "v1beta/models?pageSize=1";
  answer = gg_client_request (client, &request, &headers, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (g_bytes_get_data (answer, NULL), "\"models\""));
  g_assert_cmpstr (g_hash_table_lookup (headers, "x-content-type-options"), ==, "nosniff");
  g_clear_pointer (&answer, g_bytes_unref);

  /* An absolute URL keeps only its path and query: the host is the base's. */
  absolute = g_strdup ("https://elsewhere.example:9/v1beta/models?pageSize=1");
  request.path = absolute;
  answer = gg_client_request (client, &request, NULL, NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&answer, g_bytes_unref);

  /* Header injection is refused before sending. */
  {
    const gchar *bad[] = { "X-A: 1\r\nX-B: 2", NULL };

    request.headers = bad;
    g_assert_null (gg_client_request (client, &request, NULL, NULL, &error));
    g_assert_error (error, GG_ERROR, GG_ERROR_FAILED);
    g_clear_error (&error);
    request.headers = NULL;
  }

  /* A missing batch is named as such, not as a model. */
  {
    g_autoptr(GgBatch) none = gg_batch_get (client, "nope", NULL, &error);

    g_assert_null (none);
    g_assert_error (error, GG_ERROR, GG_ERROR_FAILED);
    g_assert_nonnull (strstr (error->message, "the batch batches/nope"));
    g_clear_error (&error);
  }
}

static void
test_files_upload_and_cache (void)
{
  g_autoptr(GgClient)    client = client_new ();
  g_autofree gchar      *dir = gg_test_tmpdir ();
  g_autoptr(GgFileCache) cache = gg_file_cache_open (dir);
  g_autoptr(GBytes)      image = png ();
  g_autoptr(GgFile)      first = NULL;
  g_autoptr(GgFile)      second = NULL;
  g_autoptr(GPtrArray)   listed = NULL;
  GgUploadOptions        options = { 0, };
  gboolean               reused = TRUE;
  GError                *error = NULL;

  scenario ("{\"file_processing\":0.3}");
  options.cache = cache;
  options.poll_interval = 0.1;
  first = gg_files_ensure (client, image, "image/png", "t", &options, &reused, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (reused);
  g_assert_cmpint (first->state, ==, GG_FILE_STATE_ACTIVE);
  g_assert_true (g_str_has_prefix (first->name, "files/"));
  g_assert_true (gg_file_cache_save (cache, &error));

  /* A cache read back from disk finds it; the server confirms it. */
  {
    g_autoptr(GgFileCache) again = gg_file_cache_open (dir);

    options.cache = again;
    second = gg_files_ensure (client, image, "image/png", "t", &options, &reused, NULL, &error);
    g_assert_no_error (error);
    g_assert_true (reused);
    g_assert_cmpstr (second->uri, ==, first->uri);
  }

  listed = gg_files_list (client, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (listed->len, >=, 1);

  /* Deleted on the server: the cache entry is stale and a new upload made. */
  g_assert_true (gg_files_delete (client, first->name, NULL, &error));
  g_clear_pointer (&second, gg_file_free);
  options.cache = cache;
  second = gg_files_ensure (client, image, "image/png", "t", &options, &reused, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (reused);
  g_assert_cmpstr (second->uri, !=, first->uri);
}

static void
test_files_failure_modes (void)
{
  g_autoptr(GgClient) client = client_new ();
  g_autoptr(GBytes)   image = png ();
  GgUploadOptions     options = { 0, };
  GgFile             *file;
  GError             *error = NULL;

  options.poll_interval = 0.1;
  options.wait_timeout = 0.5;
  scenario ("{\"file_state\":\"PROCESSING\"}");
  file = gg_files_ensure (client, image, "image/png", NULL, &options, NULL, NULL, &error);
  g_assert_null (file);
  g_assert_error (error, GG_ERROR, GG_ERROR_TIMEOUT);
  g_assert_nonnull (strstr (error->message, "still being processed"));
  g_clear_error (&error);

  scenario ("{\"file_state\":\"FAILED\",\"file_processing\":0}");
  file = gg_files_ensure (client, image, "image/png", NULL, &options, NULL, NULL, &error);
  g_assert_null (file);
  g_assert_error (error, GG_ERROR, GG_ERROR_BAD_ARGUMENT);
  g_clear_error (&error);

  /* A failed chunk is retried by the client like any 503. */
  scenario ("{\"upload_fail\":1,\"file_processing\":0}");
  file = gg_files_ensure (client, image, "image/png", NULL, &options, NULL, NULL, &error);
  g_assert_no_error (error);
  gg_file_free (file);

  /* Cancelled before it starts. */
  {
    g_autoptr(GCancellable) cancellable = g_cancellable_new ();

    g_cancellable_cancel (cancellable);
    file = gg_files_upload (client, image, "image/png", NULL, cancellable, &error);
    g_assert_null (file);
    g_assert_error (error, GG_ERROR, GG_ERROR_CANCELLED);
    g_clear_error (&error);
  }
}

static void
test_batch_round_trip (void)
{
  g_autoptr(GgClient)     client = client_new ();
  g_autoptr(GgBatchInput) input = gg_batch_input_new ();
  g_autoptr(GgRequest)    request = gg_request_new ("gemini-nano-banana-2.1");
  GError                 *error = NULL;

  scenario ("{\"batch_step\":0.05,\"batch_dims\":[8,8],\"file_processing\":0,"
            "\"batch_fail_keys\":[\"b\"]}");
  gg_request_set_prompt (request, "a cat");
  g_assert_true (gg_batch_input_add (input, "a", request, &error));
  g_assert_true (gg_batch_input_add (input, "b", request, &error));
  g_assert_false (gg_batch_input_add (input, "a", request, &error));
  g_assert_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST);
  g_clear_error (&error);
  g_assert_cmpuint (gg_batch_input_count (input), ==, 2);

  for (gint via_file = 0; via_file < 2; via_file++)
    {
      g_autoptr(GgBatch)   batch = NULL;
      g_autoptr(GPtrArray) results = NULL;
      GgBatchResult       *result;

      batch = gg_batch_create (client, "gemini-nano-banana-2.1", "unit", input, via_file,
                               NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpint (batch->state, ==, GG_BATCH_STATE_PENDING);
      for (gint i = 0; i < 200 && !gg_batch_state_is_final (batch->state); i++)
        {
          GgBatch *next;

          g_usleep (20000);
          next = gg_batch_get (client, batch->name, NULL, &error);
          g_assert_no_error (error);
          gg_batch_free (batch);
          batch = next;
        }
      g_assert_cmpint (batch->state, ==, GG_BATCH_STATE_SUCCEEDED);
      g_assert_true (via_file ? batch->responses_file != NULL : batch->has_inline);
      results = gg_batch_results (client, batch, NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (results->len, ==, 2);
      result = g_ptr_array_index (results, 0);
      g_assert_cmpstr (result->key, ==, "a");
      g_assert_true (gg_response_check (result->response, NULL));
      result = g_ptr_array_index (results, 1);
      g_assert_cmpstr (result->key, ==, "b");
      g_assert_null (result->response);
      g_assert_nonnull (result->error_message);
    }

  {
    g_autoptr(GPtrArray) list = gg_batch_list (client, 1, NULL, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (list->len, ==, 1);
  }
}

int
main (int argc, char **argv)
{
  gint status;

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/files/parse", test_file_parse);
  g_test_add_func ("/batch/parse", test_batch_parse);
  g_test_add_func ("/batch/results-parse", test_results_parse);
  g_test_add_func ("/request/file-part", test_request_file_part);
  g_test_add_func ("/client/request", test_client_request);
  g_test_add_func ("/files/upload-and-cache", test_files_upload_and_cache);
  g_test_add_func ("/files/failure-modes", test_files_failure_modes);
  g_test_add_func ("/batch/round-trip", test_batch_round_trip);
  server = gg_fake_server_start (NULL);
  status = g_test_run ();
  gg_fake_server_stop (server);
  return status;
}
