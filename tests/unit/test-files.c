/* test-files.c: chunked resumable uploads and the upload decision shared by
 * the CLI and the plug-in (gg_files_offload), against the fake server,
 * judged by what the server logged and stored. */
#include <string.h>

#include <cjson/cJSON.h>

#include "gg-error.h"
#include "gg-files.h"
#include "gg-image.h"
#include "gg-request.h"
#include "gg-test-util.h"

#define GRANULE ((gsize) 64 * 1024)
/* gg-files sends chunks of at least 256 KiB: four granules here. */
#define CHUNK   ((gsize) 256 * 1024)

static GgFakeServer *server;
static cJSON        *last_log;   /* what upload_log ()'s references point into */

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

/* @size bytes that do not repeat (a chunk sent at the wrong offset would
 * change the stored file's hash). */
static GBytes *
noise (gsize size, guint32 seed)
{
  guint8  *data = g_malloc (size);
  GRand   *rand = g_rand_new_with_seed (seed);

  for (gsize i = 0; i < size; i++)
    data[i] = (guint8) g_rand_int (rand);
  g_rand_free (rand);
  return g_bytes_new_take (data, size);
}

/* A PNG of noise, about 4 bytes a pixel. */
static GBytes *
noise_png (gint side, guint32 seed)
{
  g_autoptr(GgRaster) raster = gg_raster_new (side, side, NULL);
  g_autoptr(GBytes)   random = noise ((gsize) side * side * 4, seed);
  GError             *error = NULL;
  GBytes             *png;

  memcpy (raster->pixels, g_bytes_get_data (random, NULL), g_bytes_get_size (random));
  png = gg_image_encode_png (raster, 1, &error);
  g_assert_no_error (error);
  return png;
}

/* The upload requests of the server's log (not the start), in order. */
static cJSON *
upload_log (void)
{
  g_autofree gchar *text = gg_fake_server_log (server);
  cJSON            *chunks = cJSON_CreateArray ();
  cJSON            *entry;

  cJSON_Delete (last_log);
  last_log = cJSON_Parse (text);
  g_assert_nonnull (last_log);
  cJSON_ArrayForEach (entry, last_log)
    {
      const cJSON *command = cJSON_GetObjectItem (entry, "upload_command");

      if (cJSON_IsString (command) && strcmp (command->valuestring, "start") != 0)
        cJSON_AddItemReferenceToArray (chunks, entry);
    }
  return chunks;
}

static gint64
number (const cJSON *entry, const gchar *name)
{
  const cJSON *item = cJSON_GetObjectItem (entry, name);

  return cJSON_IsNumber (item) ? (gint64) item->valuedouble : -1;
}

static const gchar *
string (const cJSON *entry, const gchar *name)
{
  const cJSON *item = cJSON_GetObjectItem (entry, name);

  return cJSON_IsString (item) ? item->valuestring : "";
}

/* The server's SHA-256 of the stored file @name (its sha256Hash is the
 * base64 of the hex digest, as the real service gives it). */
static gchar *
stored_sha256 (GgClient *client, const gchar *name)
{
  GError           *error = NULL;
  g_autofree gchar *path = g_strconcat ("v1beta/", name, NULL);
  g_autoptr(GBytes) answer = gg_client_call (client, "GET", path, "the file", NULL, &error);
  cJSON            *root;
  gsize             len;
  guchar           *hex;
  gchar            *out;

  g_assert_no_error (error);
  root = cJSON_Parse (g_bytes_get_data (answer, NULL));
  hex = g_base64_decode (string (root, "sha256Hash"), &len);
  out = g_strndup ((const gchar *) hex, len);
  g_free (hex);
  cJSON_Delete (root);
  return out;
}

typedef struct
{
  gsize    last_sent;
  gboolean went_back;
  guint    calls;
  gboolean reused;
  gboolean waiting;
  gchar   *stage;
  gsize    cancel_after;   /* 0: never */
} Seen;

static gboolean
on_upload (const GgUploadProgress *progress, gpointer user_data)
{
  Seen *seen = user_data;

  seen->calls++;
  if (progress->sent < seen->last_sent && !progress->reused)
    seen->went_back = TRUE;
  seen->last_sent = progress->sent;
  seen->reused |= progress->reused;
  seen->waiting |= progress->waiting;
  if (progress->stage != NULL && seen->stage == NULL)
    seen->stage = g_strdup (progress->stage);
  return seen->cancel_after == 0 || progress->sent < seen->cancel_after;
}

/* Chunks of the server's granularity, at increasing offsets, the last one
 * finalizing; the stored file is byte for byte what was sent. */
static void
test_chunks (void)
{
  g_autoptr(GgClient) client = client_new ();
  g_autoptr(GBytes)   data = noise (10 * CHUNK + 12345, 1);
  g_autoptr(GgFile)   file = NULL;
  g_autofree gchar   *want = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, data);
  g_autofree gchar   *got = NULL;
  cJSON              *chunks;
  GError             *error = NULL;
  gsize               total = 0;
  gint                n;

  scenario ("{\"upload_granularity\":65536,\"file_processing\":0}");
  file = gg_files_upload (client, data, "application/octet-stream", "chunks", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (file->size_bytes, ==, (gint64) g_bytes_get_size (data));

  chunks = upload_log ();
  n = cJSON_GetArraySize (chunks);
  g_assert_cmpint (n, ==, 11);
  for (gint i = 0; i < n; i++)
    {
      const cJSON *entry = cJSON_GetArrayItem (chunks, i);

      g_assert_cmpint (number (entry, "upload_offset"), ==, (gint64) (i * CHUNK));
      g_assert_cmpint (number (entry, "status"), ==, 200);
      g_assert_cmpstr (string (entry, "upload_command"), ==,
                       i == n - 1 ? "upload,finalize" : "upload");
      if (i < n - 1)
        g_assert_cmpint (number (entry, "body_bytes"), ==, (gint64) CHUNK);
      total += number (entry, "body_bytes");
    }
  g_assert_cmpuint (total, ==, g_bytes_get_size (data));
  got = stored_sha256 (client, file->name);
  g_assert_cmpstr (got, ==, want);
  cJSON_Delete (chunks);

  /* Without a granularity from the server: one "upload, finalize". */
  {
    g_autoptr(GBytes) small = noise (1000, 2);
    g_autoptr(GgFile) one = NULL;

    scenario ("{\"upload_granularity\":1000000000,\"file_processing\":0}");
    one = gg_files_upload (client, small, NULL, NULL, NULL, &error);
    g_assert_no_error (error);
    chunks = upload_log ();
    g_assert_cmpint (cJSON_GetArraySize (chunks), ==, 1);
    g_assert_cmpstr (string (cJSON_GetArrayItem (chunks, 0), "upload_command"), ==,
                     "upload,finalize");
    cJSON_Delete (chunks);
  }
}

/* The connection drops in the middle of chunk 3 after the server kept half
 * of it: the client asks where the server stands and resumes from exactly
 * there; chunks 0-2 are never sent again. */
static void
test_resume (void)
{
  g_autoptr(GgClient) client = client_new ();
  g_autoptr(GBytes)   data = noise (6 * CHUNK + 999, 3);
  g_autoptr(GgFile)   file = NULL;
  g_autofree gchar   *want = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, data);
  g_autofree gchar   *got = NULL;
  cJSON              *chunks;
  GError             *error = NULL;
  gint64              kept = -1;
  gint64              resumed_at = -1;
  gint                finished_sends[3] = { 0, };
  gboolean            after_query = FALSE;
  const cJSON        *entry;

  scenario ("{\"upload_granularity\":65536,\"upload_cut_chunk\":3,\"file_processing\":0}");
  file = gg_files_upload (client, data, "application/octet-stream", "resume", NULL, &error);
  g_assert_no_error (error);
  got = stored_sha256 (client, file->name);
  g_assert_cmpstr (got, ==, want);

  chunks = upload_log ();
  cJSON_ArrayForEach (entry, chunks)
    {
      const gchar *command = string (entry, "upload_command");
      gint64       offset = number (entry, "upload_offset");

      if (number (entry, "upload_kept") >= 0)
        {
          g_assert_cmpint (offset, ==, (gint64) (3 * CHUNK));
          kept = offset + number (entry, "upload_kept");
        }
      if (strcmp (command, "query") == 0)
        {
          g_assert_cmpint (number (entry, "upload_received"), ==, kept);
          after_query = TRUE;
          continue;
        }
      /* Every send of a finished chunk counts, refused or not, at the
       * offset it claimed (logged before the server judges it). */
      g_assert_cmpint (number (entry, "upload_offset_sent"), >=, 0);
      if (number (entry, "upload_offset_sent") < (gint64) (3 * CHUNK))
        finished_sends[number (entry, "upload_offset_sent") / CHUNK]++;
      if (after_query && resumed_at < 0)
        resumed_at = offset;
      if (after_query)
        g_assert_cmpint (offset, >=, kept);
    }
  /* The server kept a whole number of granules, more than nothing. */
  g_assert_cmpint (kept, >, (gint64) (3 * CHUNK));
  g_assert_cmpint (kept % GRANULE, ==, 0);
  g_assert_true (after_query);
  g_assert_cmpint (resumed_at, ==, kept);
  for (gint i = 0; i < 3; i++)
    g_assert_cmpint (finished_sends[i], ==, 1);
  cJSON_Delete (chunks);
}

/* The cut hits the finalizing chunk and the server kept all of it: the
 * query says everything arrived, and an empty "upload, finalize" at the
 * end completes the upload. */
static void
test_resume_last (void)
{
  g_autoptr(GgClient) client = client_new ();
  g_autoptr(GBytes)   data = noise (2 * CHUNK + 100, 4);
  g_autoptr(GgFile)   file = NULL;
  g_autofree gchar   *want = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, data);
  g_autofree gchar   *got = NULL;
  cJSON              *chunks;
  const cJSON        *last;
  GError             *error = NULL;

  scenario ("{\"upload_granularity\":65536,\"upload_cut_chunk\":2,\"upload_cut_keep\":100,"
            "\"file_processing\":0}");
  file = gg_files_upload (client, data, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  got = stored_sha256 (client, file->name);
  g_assert_cmpstr (got, ==, want);
  chunks = upload_log ();
  last = cJSON_GetArrayItem (chunks, cJSON_GetArraySize (chunks) - 1);
  g_assert_cmpstr (string (last, "upload_command"), ==, "upload,finalize");
  g_assert_cmpint (number (last, "upload_offset"), ==, (gint64) g_bytes_get_size (data));
  g_assert_cmpint (number (last, "body_bytes"), ==, 0);
  cJSON_Delete (chunks);
}

/* A chunk the server keeps refusing (503 on every attempt, nothing kept):
 * the upload fails with the server's reason after the client's retries,
 * instead of looping. */
static void
test_chunk_keeps_failing (void)
{
  g_autoptr(GgClient) client = client_new ();
  g_autoptr(GBytes)   data = noise (3 * CHUNK, 5);
  GgFile             *file;
  GError             *error = NULL;
  cJSON              *chunks;

  scenario ("{\"upload_granularity\":65536,\"upload_fail\":99,\"file_processing\":0}");
  file = gg_files_upload (client, data, NULL, NULL, NULL, &error);
  g_assert_null (file);
  g_assert_error (error, GG_ERROR, GG_ERROR_OVERLOADED);
  g_clear_error (&error);
  chunks = upload_log ();
  /* The client's five attempts at offset 0, one query, nothing more. */
  g_assert_cmpint (cJSON_GetArraySize (chunks), ==, 6);
  g_assert_cmpstr (string (cJSON_GetArrayItem (chunks, 5), "upload_command"), ==, "query");
  cJSON_Delete (chunks);
}

/* The decision: a request under the limit uploads nothing; over it, the
 * largest image goes (progress from 0 to its size), the request refers to
 * it and the server accepts it; the same bytes again reuse the upload
 * through the cache; a progress callback that says stop cancels. */
static void
test_offload (void)
{
  g_autoptr(GgClient)    client = client_new ();
  g_autofree gchar      *dir = gg_test_tmpdir ();
  g_autoptr(GgFileCache) cache = gg_file_cache_open (dir);
  g_autoptr(GBytes)      big = noise_png (400, 6);     /* ~640 kB */
  g_autoptr(GBytes)      small = noise_png (60, 7);    /* ~15 kB */
  GgUploadOptions        options = { 0, };
  Seen                   seen = { 0, };
  GError                *error = NULL;
  gsize                  limit = 300 * 1000;

  scenario ("{\"upload_granularity\":65536,\"file_processing\":0.2}");
  options.cache = cache;
  options.poll_interval = 0.05;
  options.max_inline = limit;
  options.progress = on_upload;
  options.progress_data = &seen;

  {
    g_autoptr(GgRequest) fits = gg_request_new ("gemini-nano-banana-2.1");

    gg_request_set_prompt (fits, "small");
    gg_request_add_image (fits, small, NULL, GG_ROLE_INPUT);
    g_assert_true (gg_files_offload (client, fits, &options, NULL, NULL, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (seen.calls, ==, 0);
    g_assert_nonnull (gg_request_get_image (fits, 0, NULL));
  }

  for (gint round = 0; round < 2; round++)
    {
      g_autoptr(GgRequest)  request = gg_request_new ("gemini-nano-banana-2.1");
      g_autoptr(GgResponse) response = NULL;
      g_autoptr(GPtrArray)  uploaded = g_ptr_array_new_with_free_func (g_free);
      g_autofree gchar     *body = NULL;
      cJSON                *chunks;

      memset (&seen, 0, sizeof seen);
      gg_fake_server_control (server, "/_control/reset", "{}");
      gg_fake_server_control (server, "/_control/scenario",
                              "{\"scenario\":\"ok\",\"params\":{\"upload_granularity\":65536,"
                              "\"file_processing\":0.2}}");
      gg_request_set_prompt (request, "make it blue");
      gg_request_add_image (request, big, NULL, GG_ROLE_INPUT);
      gg_request_add_image (request, small, NULL, GG_ROLE_SUBJECT);
      g_assert_true (gg_files_offload (client, request, &options, uploaded, NULL, &error));
      g_assert_no_error (error);
      /* With a cache the upload is kept, not listed for deletion. */
      g_assert_cmpuint (uploaded->len, ==, 0);
      g_assert_null (gg_request_get_image (request, 0, NULL));
      g_assert_nonnull (gg_request_get_image (request, 1, NULL));
      g_assert_cmpuint (gg_request_get_max_inline (request), ==, limit);
      body = gg_request_to_json (request, FALSE, NULL);
      g_assert_nonnull (strstr (body, "\"fileData\""));
      g_assert_false (seen.went_back);
      g_assert_cmpuint (seen.last_sent, ==, g_bytes_get_size (big));
      chunks = upload_log ();
      if (round == 0)
        {
          g_assert_false (seen.reused);
          g_assert_true (seen.waiting);
          g_assert_true (g_str_has_prefix (seen.stage, "uploading 0."));
          g_assert_cmpint (cJSON_GetArraySize (chunks), ==,
                           (gint) ((g_bytes_get_size (big) + CHUNK - 1) / CHUNK));
        }
      else
        {
          g_assert_true (seen.reused);
          g_assert_true (g_str_has_prefix (seen.stage, "reusing the earlier upload files/"));
          g_assert_cmpint (cJSON_GetArraySize (chunks), ==, 0);
        }
      cJSON_Delete (chunks);
      g_clear_pointer (&seen.stage, g_free);

      response = gg_client_generate (client, request, NULL, &error);
      g_assert_no_error (error);
      g_assert_true (gg_response_check (response, &error));
    }

  /* Without a cache: uploaded every time, and listed for deletion. */
  {
    g_autoptr(GgRequest) request = gg_request_new ("gemini-nano-banana-2.1");
    g_autoptr(GPtrArray) uploaded = g_ptr_array_new_with_free_func (g_free);

    options.cache = NULL;
    memset (&seen, 0, sizeof seen);
    gg_request_set_prompt (request, "again");
    gg_request_add_image (request, big, NULL, GG_ROLE_INPUT);
    g_assert_true (gg_files_offload (client, request, &options, uploaded, NULL, &error));
    g_assert_cmpuint (uploaded->len, ==, 1);
    g_assert_false (seen.reused);
    g_assert_true (gg_files_delete (client, g_ptr_array_index (uploaded, 0), NULL, &error));
    g_assert_no_error (error);
    g_clear_pointer (&seen.stage, g_free);
  }

  /* Stopped by the progress callback halfway: cancelled, no finalize. */
  {
    g_autoptr(GgRequest) request = gg_request_new ("gemini-nano-banana-2.1");
    cJSON               *chunks;
    const cJSON         *entry;

    gg_fake_server_control (server, "/_control/reset", "{}");
    gg_fake_server_control (server, "/_control/scenario",
                            "{\"scenario\":\"ok\",\"params\":{\"upload_granularity\":65536}}");
    memset (&seen, 0, sizeof seen);
    seen.cancel_after = g_bytes_get_size (big) / 2;
    gg_request_set_prompt (request, "stop");
    gg_request_add_image (request, big, NULL, GG_ROLE_INPUT);
    g_assert_false (gg_files_offload (client, request, &options, NULL, NULL, &error));
    g_assert_error (error, GG_ERROR, GG_ERROR_CANCELLED);
    g_clear_error (&error);
    g_assert_nonnull (gg_request_get_image (request, 0, NULL));
    chunks = upload_log ();
    cJSON_ArrayForEach (entry, chunks)
      g_assert_cmpstr (string (entry, "upload_command"), !=, "upload,finalize");
    cJSON_Delete (chunks);
    g_clear_pointer (&seen.stage, g_free);
  }
}

/* Inputs reused across requests: under the inline limit, a large image is
 * uploaded once when several requests send it (variations), and an
 * earlier upload of it is referred to again; other images stay inline. */
static void
test_offload_reused (void)
{
  g_autoptr(GgClient)    client = client_new ();
  g_autofree gchar      *dir = gg_test_tmpdir ();
  g_autoptr(GgFileCache) cache = gg_file_cache_open (dir);
  g_autoptr(GBytes)      large = noise_png (400, 9);   /* ~640 kB */
  g_autoptr(GBytes)      other = noise_png (400, 10);
  g_autoptr(GBytes)      small = noise_png (60, 11);
  GgUploadOptions        options = { 0, };
  Seen                   seen = { 0, };
  GError                *error = NULL;

  scenario ("{\"upload_granularity\":65536,\"file_processing\":0}");
  options.cache = cache;
  options.poll_interval = 0.05;
  options.max_inline = 10 * 1000 * 1000;
  options.reuse_above = 100 * 1000;
  options.progress = on_upload;
  options.progress_data = &seen;

  {
    g_autoptr(GgRequest) first = gg_request_new ("gemini-nano-banana-2.1");

    gg_request_set_prompt (first, "variation");
    gg_request_add_image (first, large, NULL, GG_ROLE_INPUT);
    gg_request_add_image (first, small, NULL, GG_ROLE_STYLE);
    g_assert_true (gg_files_offload_wanted (first, options.max_inline, options.reuse_above, TRUE));
    g_assert_false (gg_files_offload_wanted (first, options.max_inline, options.reuse_above, FALSE));
    options.shared = TRUE;
    g_assert_true (gg_files_offload (client, first, &options, NULL, NULL, &error));
    g_assert_no_error (error);
    g_assert_null (gg_request_get_image (first, 0, NULL));      /* by reference */
    g_assert_nonnull (gg_request_get_image (first, 1, NULL));   /* small: inline */
    g_assert_false (seen.reused);
    g_assert_nonnull (strstr (seen.stage, "is sent by several requests"));
    g_clear_pointer (&seen.stage, g_free);
  }
  {
    /* The next request, alone: the cached upload is referred to. */
    g_autoptr(GgRequest) again = gg_request_new ("gemini-nano-banana-2.1");

    memset (&seen, 0, sizeof seen);
    options.shared = FALSE;
    gg_request_set_prompt (again, "another edit");
    gg_request_add_image (again, large, NULL, GG_ROLE_INPUT);
    gg_request_add_image (again, other, NULL, GG_ROLE_STYLE);
    g_assert_true (gg_files_offload (client, again, &options, NULL, NULL, &error));
    g_assert_no_error (error);
    g_assert_null (gg_request_get_image (again, 0, NULL));
    g_assert_true (seen.reused);
    /* Large but sent once and never uploaded before: inline. */
    g_assert_nonnull (gg_request_get_image (again, 1, NULL));
    g_free (seen.stage);
  }
  {
    /* Without a cache nothing is reused: inline under the limit. */
    g_autoptr(GgRequest) plain = gg_request_new ("gemini-nano-banana-2.1");

    memset (&seen, 0, sizeof seen);
    options.cache = NULL;
    options.shared = TRUE;
    gg_request_set_prompt (plain, "plain");
    gg_request_add_image (plain, large, NULL, GG_ROLE_INPUT);
    g_assert_true (gg_files_offload (client, plain, &options, NULL, NULL, &error));
    g_assert_nonnull (gg_request_get_image (plain, 0, NULL));
    g_assert_cmpuint (seen.calls, ==, 0);
  }
}

int
main (int argc, char **argv)
{
  gint status;

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/files/chunks", test_chunks);
  g_test_add_func ("/files/resume", test_resume);
  g_test_add_func ("/files/resume-last", test_resume_last);
  g_test_add_func ("/files/chunk-keeps-failing", test_chunk_keeps_failing);
  g_test_add_func ("/files/offload", test_offload);
  g_test_add_func ("/files/offload-reused", test_offload_reused);
  server = gg_fake_server_start (NULL);
  status = g_test_run ();
  gg_fake_server_stop (server);
  cJSON_Delete (last_log);
  return status;
}
