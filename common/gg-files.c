/* gg-files.c: see gg-files.h. */
#include "gg-files.h"

#include <string.h>

#include <cjson/cJSON.h>

#include "gg-error.h"

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
  file = g_new0 (GgFile, 1);
  file->name            = g_strdup (json_string (object, "name", NULL));
  file->uri             = g_strdup (json_string (object, "uri", NULL));
  file->mime_type       = g_strdup (json_string (object, "mimeType", "mime_type"));
  file->display_name    = g_strdup (json_string (object, "displayName", "display_name"));
  file->state_name      = g_strdup (json_string (object, "state", NULL));
  file->state           = parse_state (file->state_name);
  file->expiration_time = g_strdup (json_string (object, "expirationTime", "expiration_time"));
  file->expires         = parse_time (file->expiration_time);
  file->size_bytes      = json_int64 (cJSON_GetObjectItemCaseSensitive (object, "sizeBytes"), -1);
  error = cJSON_GetObjectItemCaseSensitive (object, "error");
  if (cJSON_IsObject (error))
    file->error_message = g_strdup (json_string (error, "message", NULL));
  return file;
}

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

GgFile *
gg_files_upload (GgClient     *client,
                 GBytes       *data,
                 const gchar  *mime_type,
                 const gchar  *display_name,
                 GCancellable *cancellable,
                 GError      **error)
{
  g_autoptr(GHashTable) headers = NULL;
  g_autoptr(GBytes)     answer = NULL;
  g_autofree gchar     *length_header = NULL;
  g_autofree gchar     *type_header = NULL;
  g_autofree gchar     *meta = NULL;
  const gchar          *upload_url;
  GgHttpRequest         start = { 0, };
  GgHttpRequest         chunk = { 0, };
  cJSON                *root;
  gsize                 size = g_bytes_get_size (data);

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
    cJSON *file;

    root = cJSON_CreateObject ();
    file = cJSON_AddObjectToObject (root, "file");
    if (display_name != NULL)
      {
        g_autofree gchar *valid = g_utf8_make_valid (display_name, -1);

        cJSON_AddStringToObject (file, "display_name", valid);
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
  upload_url = g_hash_table_lookup (headers, "x-goog-upload-url");
  if (upload_url == NULL || *upload_url == '\0')
    {
      g_set_error_literal (error, GG_ERROR, GG_ERROR_BAD_RESPONSE,
                           "The server did not give an upload address for the file "
                           "(no x-goog-upload-url header): try again.");
      return NULL;
    }
  g_clear_pointer (&answer, g_bytes_unref);

  {
    const gchar *chunk_headers[] =
    {
      "X-Goog-Upload-Command: upload, finalize",
      "X-Goog-Upload-Offset: 0",
      NULL
    };

    chunk.method       = "POST";
    chunk.path         = upload_url;
    chunk.headers      = chunk_headers;
    chunk.content_type = mime_type ? mime_type : "application/octet-stream";
    chunk.body         = g_bytes_get_data (data, NULL);
    chunk.length       = size;
    answer = gg_client_request (client, &chunk, NULL, cancellable, error);
  }
  if (answer == NULL)
    return NULL;
  return parse_bytes (answer, error);
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

  do
    {
      g_autofree gchar *path = NULL;
      g_autoptr(GBytes) answer = NULL;
      GgHttpRequest     request = { 0, };
      const cJSON      *item;
      cJSON            *root;
      gsize             size;
      const gchar      *data;

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
      root = cJSON_ParseWithLength (data ? data : "", size);
      cJSON_ArrayForEach (item, cJSON_GetObjectItemCaseSensitive (root, "files"))
        {
          GgFile *file = file_from_json (item);

          if (file != NULL)
            g_ptr_array_add (files, file);
        }
      g_clear_pointer (&token, g_free);
      token = g_strdup (json_string (root, "nextPageToken", NULL));
      cJSON_Delete (root);
    }
  while (token != NULL && *token != '\0');
  return g_steal_pointer (&files);
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

  uploaded = gg_files_upload (client, data, mime_type, display_name, cancellable, error);
  if (uploaded == NULL)
    return NULL;
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
