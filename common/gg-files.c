/* gg-files.c: see gg-files.h. */
#include "gg-files.h"

#include <string.h>

#include <cjson/cJSON.h>

#include "gg-error.h"
#include "gg-image.h"

#define CACHE_FILE        "files.json"
#define DEFAULT_WAIT      300.0
#define DEFAULT_INTERVAL  1.0

void
gg_file_free (GgFile *file)
{
  if (file == NULL)
    return;
  g_free (file->name);
  g_free (file->uri);
  g_free (file->mime_type);
  g_free (file->display_name);
  g_free (file->state_name);
  g_free (file->expiration_time);
  g_free (file->error_message);
  g_free (file);
}

GgFile *
gg_file_copy (const GgFile *file)
{
  GgFile *copy = g_new0 (GgFile, 1);

  *copy = *file;
  copy->name            = g_strdup (file->name);
  copy->uri             = g_strdup (file->uri);
  copy->mime_type       = g_strdup (file->mime_type);
  copy->display_name    = g_strdup (file->display_name);
  copy->state_name      = g_strdup (file->state_name);
  copy->expiration_time = g_strdup (file->expiration_time);
  copy->error_message   = g_strdup (file->error_message);
  return copy;
}

static const gchar *
json_string (const cJSON *object, const gchar *camel, const gchar *snake)
{
  const cJSON *item = cJSON_GetObjectItemCaseSensitive (object, camel);

  if (item == NULL && snake != NULL)
    item = cJSON_GetObjectItemCaseSensitive (object, snake);
  return cJSON_IsString (item) ? item->valuestring : NULL;
}

/* An int64 of proto3 JSON: a string of digits or a number; @fallback
 * otherwise. */
static gint64
json_int64 (const cJSON *item, gint64 fallback)
{
  if (cJSON_IsNumber (item))
    return (gint64) item->valuedouble;
  if (cJSON_IsString (item))
    {
      gchar  *end = NULL;
      gint64  value = g_ascii_strtoll (item->valuestring, &end, 10);

      if (end != item->valuestring && *end == '\0')
        return value;
    }
  return fallback;
}

static gint64
parse_time (const gchar *text)
{
  g_autoptr(GDateTime) when = NULL;

  if (text == NULL)
    return 0;
  when = g_date_time_new_from_iso8601 (text, NULL);
  return when ? g_date_time_to_unix (when) : 0;
}

static GgFileState
parse_state (const gchar *state)
{
  if (g_strcmp0 (state, "ACTIVE") == 0)
    return GG_FILE_STATE_ACTIVE;
  if (g_strcmp0 (state, "PROCESSING") == 0)
    return GG_FILE_STATE_PROCESSING;
  if (g_strcmp0 (state, "FAILED") == 0)
    return GG_FILE_STATE_FAILED;
  return GG_FILE_STATE_UNKNOWN;
}

/* A GgFile from a File object; NULL when it has no name. */
static GgFile *
file_from_json (const cJSON *object)
{
  const cJSON *error;
  GgFile      *file;

  if (!cJSON_IsObject (object) || json_string (object, "name", NULL) == NULL)
    return NULL;
  /* What the server says may be shown: no key in it (gg_redact). */
  file = g_new0 (GgFile, 1);
  file->name            = gg_redact (json_string (object, "name", NULL), NULL);
  file->uri             = g_strdup (json_string (object, "uri", NULL));
  file->mime_type       = g_strdup (json_string (object, "mimeType", "mime_type"));
  file->display_name    = gg_redact (json_string (object, "displayName", "display_name"), NULL);
  file->state_name      = gg_redact (json_string (object, "state", NULL), NULL);
  file->state           = parse_state (file->state_name);
  file->expiration_time = g_strdup (json_string (object, "expirationTime", "expiration_time"));
  file->expires         = parse_time (file->expiration_time);
  file->size_bytes      = json_int64 (cJSON_GetObjectItemCaseSensitive (object, "sizeBytes"), -1);
  error = cJSON_GetObjectItemCaseSensitive (object, "error");
  if (cJSON_IsObject (error))
    file->error_message = gg_redact (json_string (error, "message", NULL), NULL);
  return file;
}

/* More pages than any project has (100 files each): a bound on a
 * server's answers, not a limit anyone meets. */
#define MAX_LIST_PAGES 1000

GgFile *
gg_file_parse (const gchar *json, gsize length, GError **error)
{
  cJSON       *root = cJSON_ParseWithLength (json, length);
  const cJSON *object = root;
  GgFile      *file;

  if (cJSON_IsObject (cJSON_GetObjectItemCaseSensitive (root, "file")))
    object = cJSON_GetObjectItemCaseSensitive (root, "file");
  file = file_from_json (object);
  cJSON_Delete (root);
  if (file == NULL)
    {
      g_autofree gchar *excerpt = gg_excerpt (json, (gssize) length, 80, TRUE);

      g_set_error (error, GG_ERROR, GG_ERROR_BAD_RESPONSE,
                   "The server's answer about an uploaded file is not a file "
                   "description (“%s”): try again.", excerpt);
    }
  return file;
}

/* "files/abc" for "abc" or "files/abc".  g_free. */
static gchar *
file_path (const gchar *name)
{
  if (g_str_has_prefix (name, "files/"))
    name += strlen ("files/");
  return g_strconcat ("files/", name, NULL);
}

static GgFile *
parse_bytes (GBytes *answer, GError **error)
{
  gsize        size;
  const gchar *data = g_bytes_get_data (answer, &size);

  return gg_file_parse (data ? data : "", size, error);
}

/* The smallest chunk: a server that gave a tiny granularity must not turn
 * an upload into thousands of requests. */
#define MIN_CHUNK         ((gsize) 256 * 1024)
/* Chunk failures in a row, each followed by a query, before giving up. */
#define MAX_CHUNK_FAILURES 5

/* One upload's progress, reported through the client's callback while a
 * chunk is on its way. */
typedef struct
{
  GgUploadFunc     func;
  gpointer         data;
  GgUploadProgress progress;
  gsize            offset;      /* of the chunk being sent */
} Report;

static gboolean
report (Report *r)
{
  return r == NULL || r->func == NULL || r->func (&r->progress, r->data);
}

static gboolean
chunk_progress (const GgProgress *progress, gpointer user_data)
{
  Report *r = user_data;

  if (progress->phase == GG_PHASE_UPLOADING || progress->phase == GG_PHASE_WAITING)
    r->progress.sent = MIN (r->offset + (gsize) MAX (progress->sent, 0), r->progress.size);
  return report (r);
}

/* An unsigned header value; FALSE when absent or not a number. */
static gboolean
header_size (GHashTable *headers, const gchar *name, guint64 *value)
{
  const gchar     *text = headers ? g_hash_table_lookup (headers, name) : NULL;
  g_autofree gchar *copy = text ? g_strstrip (g_strdup (text)) : NULL;

  return copy != NULL && g_ascii_string_to_unsigned (copy, 10, 0, G_MAXUINT64, value, NULL);
}

/* The chunk size for @granularity (0: none given, one chunk): a multiple
 * of it, at least MIN_CHUNK. */
static gsize
chunk_size (guint64 granularity, gsize total)
{
  if (granularity == 0 || granularity >= total)
    return MAX (total, 1);
  return (gsize) ((MIN_CHUNK + granularity - 1) / granularity * granularity);
}

static gboolean
cancelled (GCancellable *cancellable, GError **error)
{
  if (!g_cancellable_is_cancelled (cancellable))
    return FALSE;
  g_set_error_literal (error, GG_ERROR, GG_ERROR_CANCELLED, "Cancelled.");
  return TRUE;
}

/* "query": how many bytes the server kept (@received), or the file when
 * the upload was in fact finished (@final).  FALSE with @error when the
 * query failed or its answer says neither. */
static gboolean
upload_query (GgClient     *client,
              const gchar  *upload_url,
              gsize         size,
              guint64      *received,
              GgFile      **final,
              GCancellable *cancellable,
              GError      **error)
{
  const gchar          *query_headers[] = { "X-Goog-Upload-Command: query", NULL };
  g_autoptr(GHashTable) headers = NULL;
  g_autoptr(GBytes)     answer = NULL;
  GgHttpRequest         query = { 0, };
  const gchar          *status;

  *final = NULL;
  query.method       = "POST";
  query.path         = upload_url;
  query.headers      = query_headers;
  query.content_type = "application/octet-stream";
  query.subject      = "the upload";
  answer = gg_client_request (client, &query, &headers, cancellable, error);
  if (answer == NULL)
    return FALSE;
  status = g_hash_table_lookup (headers, "x-goog-upload-status");
  if (g_strcmp0 (status, "final") == 0)
    {
      *final = parse_bytes (answer, error);
      return *final != NULL;
    }
  if (!header_size (headers, "x-goog-upload-size-received", received) || *received > size)
    {
      g_set_error (error, GG_ERROR, GG_ERROR_BAD_RESPONSE,
                   "The server did not say how much of the upload it received "
                   "(status %s): try again.", status ? status : "missing");
      return FALSE;
    }
  return TRUE;
}

/* Sends @data in chunks from @offset 0; resumes from the server's offset
 * after a chunk fails. */
static GgFile *
upload_chunks (GgClient     *client,
               const gchar  *upload_url,
               GBytes       *data,
               const gchar  *mime_type,
               guint64       granularity,
               Report       *r,
               GCancellable *cancellable,
               GError      **error)
{
  gsize         size = g_bytes_get_size (data);
  const guint8 *bytes = g_bytes_get_data (data, NULL);
  gsize         chunk = chunk_size (granularity, size);
  gsize         offset = 0;
  gint          failures = 0;

  while (TRUE)
    {
      g_autoptr(GBytes)     answer = NULL;
      g_autoptr(GHashTable) headers = NULL;
      g_autofree gchar     *offset_header = NULL;
      GgHttpRequest         request = { 0, };
      GError               *local = NULL;
      gsize                 n = MIN (chunk, size - offset);
      gboolean              last = offset + n == size;
      const gchar          *chunk_headers[3];
      GgFile               *final = NULL;
      guint64               received = 0;

      offset_header = g_strdup_printf ("X-Goog-Upload-Offset: %" G_GSIZE_FORMAT, offset);
      chunk_headers[0] = last ? "X-Goog-Upload-Command: upload, finalize"
                              : "X-Goog-Upload-Command: upload";
      chunk_headers[1] = offset_header;
      chunk_headers[2] = NULL;
      request.method       = "POST";
      request.path         = upload_url;
      request.headers      = chunk_headers;
      request.content_type = mime_type ? mime_type : "application/octet-stream";
      /* Straight from the caller's buffer: no copy of the chunk. */
      request.body         = bytes != NULL ? bytes + offset : (gconstpointer) "";
      request.length       = n;
      request.subject      = "the upload";
      if (r != NULL)
        {
          r->offset = offset;
          r->progress.sent = offset;
        }
      answer = gg_client_request (client, &request, &headers, cancellable, &local);
      if (answer != NULL)
        {
          const gchar *status = g_hash_table_lookup (headers, "x-goog-upload-status");

          if (last || g_strcmp0 (status, "final") == 0)
            return parse_bytes (answer, error);
          offset += n;
          failures = 0;
          continue;
        }

      /* The client has already retried what is worth retrying at this
       * offset.  But the server may have kept part of the chunk (a
       * connection cut mid-way, after which a resend at the old offset is
       * refused): ask it, and resume from where it stands. */
      if (cancelled (cancellable, NULL)
          || (local->domain == GG_ERROR && local->code == GG_ERROR_CANCELLED)
          || ++failures > MAX_CHUNK_FAILURES
          || !upload_query (client, upload_url, size, &received, &final, cancellable, NULL))
        {
          g_propagate_error (error, local);
          return NULL;
        }
      if (final != NULL)
        {
          g_error_free (local);
          return final;
        }
      if (received <= offset)
        {
          /* Nothing more arrived: the failure stands. */
          g_propagate_error (error, local);
          return NULL;
        }
      g_clear_error (&local);
      if (received > offset + n || (granularity > 0 && received < size && received % granularity != 0))
        {
          g_set_error (error, GG_ERROR, GG_ERROR_BAD_RESPONSE,
                       "The server reports %" G_GUINT64_FORMAT " bytes of the upload received, "
                       "which does not fit what was sent: try again.", received);
          return NULL;
        }
      offset = (gsize) received;
    }
}

static GgFile *
upload_bytes (GgClient     *client,
              GBytes       *data,
              const gchar  *mime_type,
              const gchar  *display_name,
              Report       *r,
              GCancellable *cancellable,
              GError      **error)
{
  g_autoptr(GHashTable) headers = NULL;
  g_autoptr(GBytes)     answer = NULL;
  g_autofree gchar     *length_header = NULL;
  g_autofree gchar     *type_header = NULL;
  g_autofree gchar     *meta = NULL;
  g_autofree gchar     *upload_url = NULL;
  const gchar          *given_url;
  GgHttpRequest         start = { 0, };
  cJSON                *root;
  guint64               granularity = 0;
  gsize                 size = g_bytes_get_size (data);
  GgFile               *file;

  length_header = g_strdup_printf ("X-Goog-Upload-Header-Content-Length: %" G_GSIZE_FORMAT, size);
  type_header = g_strdup_printf ("X-Goog-Upload-Header-Content-Type: %s",
                                 mime_type ? mime_type : "application/octet-stream");
  {
    const gchar *start_headers[] =
    {
      "X-Goog-Upload-Protocol: resumable",
      "X-Goog-Upload-Command: start",
      length_header,
      type_header,
      NULL
    };
    cJSON *file_meta;

    root = cJSON_CreateObject ();
    file_meta = cJSON_AddObjectToObject (root, "file");
    if (display_name != NULL)
      {
        g_autofree gchar *valid = g_utf8_make_valid (display_name, -1);

        cJSON_AddStringToObject (file_meta, "display_name", valid);
      }
    meta = cJSON_PrintUnformatted (root);
    cJSON_Delete (root);

    start.method  = "POST";
    start.path    = "upload/v1beta/files";
    start.headers = start_headers;
    start.body    = meta;
    start.length  = strlen (meta);
    answer = gg_client_request (client, &start, &headers, cancellable, error);
    if (answer == NULL)
      return NULL;
  }
  given_url = g_hash_table_lookup (headers, "x-goog-upload-url");
  if (given_url == NULL || *given_url == '\0')
    {
      g_set_error_literal (error, GG_ERROR, GG_ERROR_BAD_RESPONSE,
                           "The server did not give an upload address for the file "
                           "(no x-goog-upload-url header): try again.");
      return NULL;
    }
  upload_url = g_strdup (given_url);
  /* No granularity: the whole file in one "upload, finalize". */
  if (!header_size (headers, "x-goog-upload-chunk-granularity", &granularity))
    granularity = 0;

  if (r != NULL && r->func != NULL)
    gg_client_set_progress (client, chunk_progress, r);
  file = upload_chunks (client, upload_url, data, mime_type, granularity, r, cancellable, error);
  if (r != NULL && r->func != NULL)
    gg_client_set_progress (client, NULL, NULL);
  return file;
}

GgFile *
gg_files_upload (GgClient     *client,
                 GBytes       *data,
                 const gchar  *mime_type,
                 const gchar  *display_name,
                 GCancellable *cancellable,
                 GError      **error)
{
  return upload_bytes (client, data, mime_type, display_name, NULL, cancellable, error);
}

GgFile *
gg_files_get (GgClient *client, const gchar *name, GCancellable *cancellable, GError **error)
{
  g_autofree gchar *id = file_path (name);
  g_autofree gchar *path = g_strconcat ("v1beta/", id, NULL);
  g_autofree gchar *subject = g_strdup_printf ("the uploaded file %s", id);
  g_autoptr(GBytes) answer = gg_client_call (client, "GET", path, subject,
                                             cancellable, error);

  return answer ? parse_bytes (answer, error) : NULL;
}

gboolean
gg_files_delete (GgClient *client, const gchar *name, GCancellable *cancellable, GError **error)
{
  g_autofree gchar *id = file_path (name);
  g_autofree gchar *path = g_strconcat ("v1beta/", id, NULL);
  g_autofree gchar *subject = g_strdup_printf ("the uploaded file %s", id);
  g_autoptr(GBytes) answer = gg_client_call (client, "DELETE", path, subject,
                                             cancellable, error);

  return answer != NULL;
}

GPtrArray *
gg_files_list (GgClient *client, GCancellable *cancellable, GError **error)
{
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func ((GDestroyNotify) gg_file_free);
  g_autofree gchar    *token = NULL;
  guint                pages = 0;

  do
    {
      g_autofree gchar *path = NULL;
      g_autoptr(GBytes) answer = NULL;
      GgHttpRequest     request = { 0, };
      gsize             size;
      const gchar      *data;
      gchar            *next;

      if (token != NULL)
        {
          g_autofree gchar *escaped = g_uri_escape_string (token, NULL, FALSE);

          path = g_strconcat ("v1beta/files?pageSize=100&pageToken=", escaped, NULL);
        }
      else
        path = g_strdup ("v1beta/files?pageSize=100");
      request.method = "GET";
      request.path   = path;
      answer = gg_client_request (client, &request, NULL, cancellable, error);
      if (answer == NULL)
        return NULL;
      data = g_bytes_get_data (answer, &size);
      next = gg_files_parse_page (data ? data : "", size, files);
      /* A server that hands out the same page again would never end. */
      if (next != NULL && g_strcmp0 (next, token) == 0)
        g_clear_pointer (&next, g_free);
      g_free (token);
      token = next;
    }
  while (token != NULL && *token != '\0' && ++pages < MAX_LIST_PAGES);
  return g_steal_pointer (&files);
}

gchar *
gg_files_parse_page (const gchar *json, gsize length, GPtrArray *files)
{
  cJSON       *root = cJSON_ParseWithLength (json, length);
  const cJSON *item;
  gchar       *token;

  cJSON_ArrayForEach (item, cJSON_GetObjectItemCaseSensitive (root, "files"))
    {
      GgFile *file = file_from_json (item);

      if (file != NULL)
        g_ptr_array_add (files, file);
    }
  token = g_strdup (json_string (root, "nextPageToken", NULL));
  cJSON_Delete (root);
  return token;
}

GBytes *
gg_files_download (GgClient *client, const gchar *name, GCancellable *cancellable, GError **error)
{
  g_autofree gchar *id = file_path (name);
  g_autofree gchar *path = g_strconcat ("download/v1beta/", id, ":download?alt=media", NULL);
  g_autofree gchar *subject = g_strdup_printf ("the results file %s", id);

  return gg_client_call (client, "GET", path, subject, cancellable, error);
}

/* Sleeps @seconds; FALSE when cancelled meanwhile. */
static gboolean
sleep_cancellable (gdouble seconds, GCancellable *cancellable)
{
  gint64 end = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);

  while (g_get_monotonic_time () < end)
    {
      if (g_cancellable_is_cancelled (cancellable))
        return FALSE;
      g_usleep (MIN (50000, MAX (1, end - g_get_monotonic_time ())));
    }
  return !g_cancellable_is_cancelled (cancellable);
}

GgFile *
gg_files_wait_active (GgClient     *client,
                      const GgFile *file,
                      gdouble       timeout,
                      gdouble       interval,
                      GCancellable *cancellable,
                      GError      **error)
{
  gint64  start = g_get_monotonic_time ();
  GgFile *current = gg_file_copy (file);

  if (timeout <= 0)
    timeout = DEFAULT_WAIT;
  if (interval <= 0)
    interval = DEFAULT_INTERVAL;
  while (TRUE)
    {
      gdouble elapsed = (g_get_monotonic_time () - start) / (gdouble) G_USEC_PER_SEC;
      GgFile *next;

      if (current->state == GG_FILE_STATE_ACTIVE)
        return current;
      if (current->state == GG_FILE_STATE_FAILED)
        {
          if (current->error_message != NULL)
            g_set_error (error, GG_ERROR, GG_ERROR_BAD_ARGUMENT,
                         "The server could not process the uploaded file %s (%s): "
                         "check that the image opens, or send it in another format.",
                         current->name, current->error_message);
          else
            g_set_error (error, GG_ERROR, GG_ERROR_BAD_ARGUMENT,
                         "The server could not process the uploaded file %s (state "
                         "FAILED): check that the image opens, or send it in another "
                         "format.", current->name);
          gg_file_free (current);
          return NULL;
        }
      if (elapsed + interval > timeout)
        {
          g_set_error (error, GG_ERROR, GG_ERROR_TIMEOUT,
                       "The uploaded file %s was still being processed by the server "
                       "after %g s (state %s): try again later, or allow more time.",
                       current->name, timeout,
                       current->state_name ? current->state_name : "unknown");
          gg_file_free (current);
          return NULL;
        }
      if (!sleep_cancellable (interval, cancellable))
        {
          g_set_error_literal (error, GG_ERROR, GG_ERROR_CANCELLED, "Cancelled.");
          gg_file_free (current);
          return NULL;
        }
      next = gg_files_get (client, current->name, cancellable, error);
      gg_file_free (current);
      if (next == NULL)
        return NULL;
      current = next;
    }
}

/* ---- the upload cache ---------------------------------------------------- */

struct _GgFileCache
{
  gchar *path;
  cJSON *root;      /* {"version":1,"files":{sha256:{...}}} */
};

GgFileCache *
gg_file_cache_open (const gchar *dir)
{
  GgFileCache      *cache = g_new0 (GgFileCache, 1);
  g_autofree gchar *text = NULL;
  gsize             length = 0;

  cache->path = g_build_filename (dir, CACHE_FILE, NULL);
  if (g_file_get_contents (cache->path, &text, &length, NULL))
    cache->root = cJSON_ParseWithLength (text, length);
  if (!cJSON_IsObject (cache->root)
      || !cJSON_IsObject (cJSON_GetObjectItemCaseSensitive (cache->root, "files")))
    {
      cJSON_Delete (cache->root);
      cache->root = cJSON_CreateObject ();
      cJSON_AddNumberToObject (cache->root, "version", 1);
      cJSON_AddObjectToObject (cache->root, "files");
    }
  return cache;
}

void
gg_file_cache_free (GgFileCache *cache)
{
  if (cache == NULL)
    return;
  cJSON_Delete (cache->root);
  g_free (cache->path);
  g_free (cache);
}

static cJSON *
cache_files (GgFileCache *cache)
{
  return cJSON_GetObjectItemCaseSensitive (cache->root, "files");
}

GgFile *
gg_file_cache_lookup (GgFileCache *cache,
                      const gchar *sha256,
                      const gchar *base_url,
                      gint64       now,
                      gint64       margin)
{
  const cJSON *entry = cJSON_GetObjectItemCaseSensitive (cache_files (cache), sha256);
  GgFile      *file;

  if (!cJSON_IsObject (entry)
      || g_strcmp0 (json_string (entry, "base", NULL), base_url) != 0)
    return NULL;
  file = file_from_json (entry);
  if (file == NULL || file->uri == NULL || file->expires <= now + margin)
    {
      gg_file_free (file);
      return NULL;
    }
  return file;
}

void
gg_file_cache_store (GgFileCache  *cache,
                     const gchar  *sha256,
                     const gchar  *base_url,
                     const GgFile *file)
{
  cJSON *entry = cJSON_CreateObject ();

  cJSON_AddStringToObject (entry, "name", file->name);
  if (file->uri)
    cJSON_AddStringToObject (entry, "uri", file->uri);
  if (file->mime_type)
    cJSON_AddStringToObject (entry, "mimeType", file->mime_type);
  if (file->expiration_time)
    cJSON_AddStringToObject (entry, "expirationTime", file->expiration_time);
  cJSON_AddStringToObject (entry, "state", "ACTIVE");
  cJSON_AddStringToObject (entry, "base", base_url);
  if (cJSON_GetObjectItemCaseSensitive (cache_files (cache), sha256))
    cJSON_ReplaceItemInObjectCaseSensitive (cache_files (cache), sha256, entry);
  else
    cJSON_AddItemToObject (cache_files (cache), sha256, entry);
}

void
gg_file_cache_forget (GgFileCache *cache, const gchar *sha256)
{
  cJSON_DeleteItemFromObjectCaseSensitive (cache_files (cache), sha256);
}

gboolean
gg_file_cache_save (GgFileCache *cache, GError **error)
{
  g_autofree gchar *dir = g_path_get_dirname (cache->path);
  g_autofree gchar *text = NULL;
  gint64            now = g_get_real_time () / G_USEC_PER_SEC;
  cJSON            *entry;
  cJSON            *next;
  GError           *local = NULL;

  for (entry = cache_files (cache)->child; entry != NULL; entry = next)
    {
      next = entry->next;
      if (parse_time (json_string (entry, "expirationTime", NULL)) <= now)
        cJSON_DeleteItemFromObjectCaseSensitive (cache_files (cache), entry->string);
    }
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      g_set_error (error, GG_ERROR, GG_ERROR_IO,
                   "Could not create the cache folder %s: check its permissions.", dir);
      return FALSE;
    }
  text = cJSON_Print (cache->root);
  if (!g_file_set_contents_full (cache->path, text, -1,
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0600, &local))
    {
      g_set_error (error, GG_ERROR, GG_ERROR_IO, "Could not write the upload cache %s: %s.",
                   cache->path, local->message);
      g_error_free (local);
      return FALSE;
    }
  return TRUE;
}

GgFile *
gg_files_find_cached (GgClient     *client,
                      GgFileCache  *cache,
                      GBytes       *data,
                      GCancellable *cancellable,
                      GError      **error)
{
  g_autofree gchar *sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, data);
  const gchar      *base = gg_client_get_base_url (client);
  g_autoptr(GgFile) cached = NULL;
  GError           *local = NULL;
  GgFile           *fresh;

  /* An hour of margin: the request that uses it must not outlive it. */
  cached = gg_file_cache_lookup (cache, sha256, base, g_get_real_time () / G_USEC_PER_SEC, 3600);
  if (cached == NULL)
    return NULL;
  fresh = gg_files_get (client, cached->name, cancellable, &local);
  /* The server's word wins: the file may have been deleted or expired. */
  if (fresh != NULL && fresh->state == GG_FILE_STATE_ACTIVE
      && g_strcmp0 (fresh->uri, cached->uri) == 0)
    {
      if (fresh->mime_type == NULL)
        fresh->mime_type = g_strdup (cached->mime_type);
      return fresh;
    }
  gg_file_free (fresh);
  if (local != NULL && local->domain == GG_ERROR
      && (local->code == GG_ERROR_CANCELLED || local->code == GG_ERROR_NETWORK
          || local->code == GG_ERROR_TIMEOUT))
    {
      g_propagate_error (error, local);
      return NULL;
    }
  g_clear_error (&local);
  gg_file_cache_forget (cache, sha256);
  return NULL;
}

/* gg_files_ensure () reporting through @r (may be NULL). */
static GgFile *
ensure_file (GgClient              *client,
             GBytes                *data,
             const gchar           *mime_type,
             const gchar           *display_name,
             const GgUploadOptions *options,
             Report                *r,
             gboolean              *reused,
             GCancellable          *cancellable,
             GError               **error)
{
  GgFileCache      *cache = options ? options->cache : NULL;
  g_autoptr(GgFile) uploaded = NULL;
  GgFile           *active;

  if (reused)
    *reused = FALSE;
  if (cache != NULL)
    {
      GError *local = NULL;
      GgFile *found = gg_files_find_cached (client, cache, data, cancellable, &local);

      if (found != NULL)
        {
          if (reused)
            *reused = TRUE;
          return found;
        }
      if (local != NULL)
        {
          g_propagate_error (error, local);
          return NULL;
        }
    }

  uploaded = upload_bytes (client, data, mime_type, display_name, r, cancellable, error);
  if (uploaded == NULL)
    return NULL;
  if (r != NULL)
    {
      r->progress.sent = r->progress.size;
      r->progress.waiting = TRUE;
      if (!report (r))
        {
          g_set_error_literal (error, GG_ERROR, GG_ERROR_CANCELLED, "Cancelled.");
          return NULL;
        }
    }
  active = gg_files_wait_active (client, uploaded,
                                 options ? options->wait_timeout : 0,
                                 options ? options->poll_interval : 0,
                                 cancellable, error);
  if (active == NULL)
    return NULL;
  if (active->mime_type == NULL)
    active->mime_type = g_strdup (mime_type);
  if (cache != NULL)
    {
      g_autofree gchar *sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, data);

      gg_file_cache_store (cache, sha256, gg_client_get_base_url (client), active);
    }
  return active;
}

GgFile *
gg_files_ensure (GgClient              *client,
                 GBytes                *data,
                 const gchar           *mime_type,
                 const gchar           *display_name,
                 const GgUploadOptions *options,
                 gboolean              *reused,
                 GCancellable          *cancellable,
                 GError               **error)
{
  Report r = { 0, };

  if (options != NULL && options->progress != NULL)
    {
      r.func = options->progress;
      r.data = options->progress_data;
      r.progress.size = g_bytes_get_size (data);
    }
  return ensure_file (client, data, mime_type, display_name, options,
                      r.func ? &r : NULL, reused, cancellable, error);
}

/* Sends image @index of @request by reference: a cached upload of it that
 * the server still has, else (with @upload) a new upload, waited for
 * until ACTIVE and cached.  FALSE with @error on a failure; TRUE and the
 * image left inline when nothing is cached and @upload is FALSE. */
static gboolean
offload_one (GgClient              *client,
             GgRequest             *request,
             guint                  index,
             GBytes                *bytes,
             const gchar           *mime,
             gboolean               upload,
             const gchar           *why,
             const GgUploadOptions *options,
             GPtrArray             *uploaded,
             GCancellable          *cancellable,
             GError               **error)
{
  g_autoptr(GgFile) file = NULL;
  g_autofree gchar *stage = NULL;
  gsize             size = g_bytes_get_size (bytes);
  Report            r = { 0, };
  gboolean          reused = FALSE;

  if (mime == NULL)
    mime = gg_format_mime_type (gg_image_sniff (g_bytes_get_data (bytes, NULL), size));

  r.func = options->progress;
  r.data = options->progress_data;
  r.progress.image = index;
  r.progress.size = size;
  if (options->cache != NULL)
    {
      GError *local = NULL;

      file = gg_files_find_cached (client, options->cache, bytes, cancellable, &local);
      if (local != NULL)
        {
          g_propagate_error (error, local);
          return FALSE;
        }
    }
  if (file != NULL)
    {
      stage = g_strdup_printf ("reusing the earlier upload %s of image %u (%.1f MB)",
                               file->name, index + 1, size / 1e6);
      r.progress.stage = stage;
      r.progress.reused = TRUE;
      r.progress.sent = size;
      if (!report (&r))
        {
          g_set_error_literal (error, GG_ERROR, GG_ERROR_CANCELLED, "Cancelled.");
          return FALSE;
        }
    }
  else if (!upload)
    return TRUE;
  else
    {
      GgUploadOptions fresh = *options;

      stage = g_strdup_printf ("uploading %.1f MB with the Files API (image %u %s)",
                               size / 1e6, index + 1, why);
      r.progress.stage = stage;
      if (!report (&r))
        {
          g_set_error_literal (error, GG_ERROR, GG_ERROR_CANCELLED, "Cancelled.");
          return FALSE;
        }
      /* Looked up above already. */
      fresh.cache = NULL;
      file = ensure_file (client, bytes, mime, "gimp-gemini input", &fresh,
                          r.func ? &r : NULL, &reused, cancellable, error);
      if (file == NULL)
        return FALSE;
      if (options->cache != NULL)
        {
          g_autofree gchar *sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);

          gg_file_cache_store (options->cache, sha256, gg_client_get_base_url (client), file);
        }
      else if (uploaded != NULL)
        g_ptr_array_add (uploaded, g_strdup (file->name));
    }
  gg_request_use_file (request, index, file->uri, file->mime_type ? file->mime_type : mime);
  return TRUE;
}

gboolean
gg_files_offload_wanted (const GgRequest *request,
                         gsize            max_inline,
                         gsize            reuse_above,
                         gboolean         with_cache)
{
  if (max_inline == 0)
    max_inline = GG_REQUEST_DEFAULT_MAX_INLINE;
  if (reuse_above == 0)
    reuse_above = GG_FILES_REUSE_ABOVE;
  if (gg_request_inline_size (request) > max_inline)
    return TRUE;
  for (guint i = 0; with_cache && i < gg_request_n_images (request); i++)
    {
      GBytes *bytes = gg_request_get_image (request, i, NULL);

      if (bytes != NULL && (g_bytes_get_size (bytes) + 2) / 3 * 4 > reuse_above)
        return TRUE;
    }
  return FALSE;
}

gboolean
gg_files_offload (GgClient              *client,
                  GgRequest             *request,
                  const GgUploadOptions *options,
                  GPtrArray             *uploaded,
                  GCancellable          *cancellable,
                  GError               **error)
{
  GgUploadOptions defaults = { 0, };
  gsize           limit;
  gsize           reuse_above;

  if (options == NULL)
    options = &defaults;
  limit = options->max_inline > 0 ? options->max_inline : GG_REQUEST_DEFAULT_MAX_INLINE;
  reuse_above = options->reuse_above > 0 ? options->reuse_above : GG_FILES_REUSE_ABOVE;

  /* Inputs reused across requests: a large image goes by reference when an
   * upload of it is cached (another edit of the same source, a refine), and
   * is uploaded (and cached) when several requests send it (variations). */
  for (guint i = 0; options->cache != NULL && i < gg_request_n_images (request); i++)
    {
      const gchar *type;
      GBytes      *bytes = gg_request_get_image (request, i, &type);

      if (bytes == NULL || (g_bytes_get_size (bytes) + 2) / 3 * 4 <= reuse_above)
        continue;
      if (!offload_one (client, request, i, bytes, type, options->shared,
                        "is sent by several requests", options, uploaded, cancellable,
                        error))
        return FALSE;
    }

  while (gg_request_inline_size (request) > limit)
    {
      GBytes      *largest = NULL;
      const gchar *mime = NULL;
      guint        index = 0;

      for (guint i = 0; i < gg_request_n_images (request); i++)
        {
          const gchar *type;
          GBytes      *bytes = gg_request_get_image (request, i, &type);

          if (bytes != NULL
              && (largest == NULL || g_bytes_get_size (bytes) > g_bytes_get_size (largest)))
            {
              largest = bytes;
              mime = type;
              index = i;
            }
        }
      if (largest == NULL)
        break;   /* only the history is left: validation says so */
      if (!offload_one (client, request, index, largest, mime, TRUE,
                        "is too large to send inline", options, uploaded, cancellable, error))
        return FALSE;
    }
  gg_request_set_max_inline (request, limit);
  return TRUE;
}
