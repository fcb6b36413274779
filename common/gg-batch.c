/* gg-batch.c: see gg-batch.h.
 *
 * The REST API answers with an Operation: {"name":"batches/..",
 * "metadata":{GenerateContentBatch: state, batchStats, output..},
 * "done":..,"response":{output}}.  The SDKs read metadata.output; the
 * response is read when that is missing.  States arrive as BATCH_STATE_*
 * (the SDKs rename them JOB_STATE_*, which is accepted too).
 */
#include "gg-batch.h"

#include <string.h>

#include <cjson/cJSON.h>

#include "gg-error.h"

/* ---- the batch ----------------------------------------------------------- */

void
gg_batch_free (GgBatch *batch)
{
  if (batch == NULL)
    return;
  g_free (batch->name);
  g_free (batch->display_name);
  g_free (batch->model);
  g_free (batch->state_name);
  g_free (batch->create_time);
  g_free (batch->end_time);
  g_free (batch->responses_file);
  g_free (batch->error_message);
  g_clear_pointer (&batch->body, g_bytes_unref);
  g_free (batch);
}

static const gchar *
json_string (const cJSON *object, const gchar *camel, const gchar *snake)
{
  const cJSON *item = cJSON_GetObjectItemCaseSensitive (object, camel);

  if (item == NULL && snake != NULL)
    item = cJSON_GetObjectItemCaseSensitive (object, snake);
  return cJSON_IsString (item) ? item->valuestring : NULL;
}

static const cJSON *
json_object (const cJSON *object, const gchar *camel, const gchar *snake)
{
  const cJSON *item = cJSON_GetObjectItemCaseSensitive (object, camel);

  if (item == NULL && snake != NULL)
    item = cJSON_GetObjectItemCaseSensitive (object, snake);
  return cJSON_IsObject (item) ? item : NULL;
}

/* int64 in proto3 JSON: a string of digits, or a number. */
static gint64
json_int64 (const cJSON *object, const gchar *camel, const gchar *snake)
{
  const cJSON *item = cJSON_GetObjectItemCaseSensitive (object, camel);

  if (item == NULL && snake != NULL)
    item = cJSON_GetObjectItemCaseSensitive (object, snake);
  if (cJSON_IsNumber (item))
    return (gint64) item->valuedouble;
  if (cJSON_IsString (item))
    {
      gchar  *end = NULL;
      gint64  value = g_ascii_strtoll (item->valuestring, &end, 10);

      if (end != item->valuestring && *end == '\0')
        return value;
    }
  return -1;
}

static const struct
{
  const gchar  *name;
  GgBatchState  state;
} state_names[] =
{
  { "PENDING",   GG_BATCH_STATE_PENDING },
  { "RUNNING",   GG_BATCH_STATE_RUNNING },
  { "SUCCEEDED", GG_BATCH_STATE_SUCCEEDED },
  { "FAILED",    GG_BATCH_STATE_FAILED },
  { "CANCELLED", GG_BATCH_STATE_CANCELLED },
  { "EXPIRED",   GG_BATCH_STATE_EXPIRED },
};

static GgBatchState
parse_state (const gchar *name)
{
  if (name == NULL)
    return GG_BATCH_STATE_UNKNOWN;
  if (g_str_has_prefix (name, "BATCH_STATE_"))
    name += strlen ("BATCH_STATE_");
  else if (g_str_has_prefix (name, "JOB_STATE_"))
    name += strlen ("JOB_STATE_");
  for (guint i = 0; i < G_N_ELEMENTS (state_names); i++)
    if (strcmp (name, state_names[i].name) == 0)
      return state_names[i].state;
  return GG_BATCH_STATE_UNKNOWN;
}

const gchar *
gg_batch_state_to_string (GgBatchState state)
{
  for (guint i = 0; i < G_N_ELEMENTS (state_names); i++)
    if (state_names[i].state == state)
      return state_names[i].name;
  return "UNKNOWN";
}

gboolean
gg_batch_state_is_final (GgBatchState state)
{
  return state == GG_BATCH_STATE_SUCCEEDED || state == GG_BATCH_STATE_FAILED
         || state == GG_BATCH_STATE_CANCELLED || state == GG_BATCH_STATE_EXPIRED;
}

gchar *
gg_batch_name_normalize (const gchar *name)
{
  if (g_str_has_prefix (name, "batches/"))
    name += strlen ("batches/");
  return g_strconcat ("batches/", name, NULL);
}

/* The output object of an Operation: metadata.output, else response. */
static const cJSON *
batch_output (const cJSON *root)
{
  const cJSON *metadata = json_object (root, "metadata", NULL);
  const cJSON *output = json_object (metadata, "output", NULL);

  if (output == NULL)
    output = json_object (root, "response", NULL);
  if (output == NULL)
    output = json_object (root, "output", NULL);
  return output;
}

static GgBatch *
batch_from_json (const cJSON *root)
{
  const cJSON *metadata = json_object (root, "metadata", NULL);
  const cJSON *source = metadata ? metadata : root;
  const cJSON *stats = json_object (source, "batchStats", "batch_stats");
  const cJSON *output = batch_output (root);
  const cJSON *error = json_object (root, "error", NULL);
  const gchar *name = json_string (root, "name", NULL);
  GgBatch     *batch;

  if (name == NULL)
    name = json_string (source, "name", NULL);
  if (name == NULL)
    return NULL;
  /* What the server says may be shown: no key in it (gg_redact). */
  batch = g_new0 (GgBatch, 1);
  batch->name          = gg_redact (name, NULL);
  batch->display_name  = gg_redact (json_string (source, "displayName", "display_name"), NULL);
  batch->model         = gg_redact (json_string (source, "model", NULL), NULL);
  batch->state_name    = gg_redact (json_string (source, "state", NULL), NULL);
  batch->state         = parse_state (batch->state_name);
  batch->create_time   = g_strdup (json_string (source, "createTime", "create_time"));
  batch->end_time      = g_strdup (json_string (source, "endTime", "end_time"));
  batch->request_count   = json_int64 (stats, "requestCount", "request_count");
  batch->pending_count   = json_int64 (stats, "pendingRequestCount", "pending_request_count");
  batch->succeeded_count = json_int64 (stats, "successfulRequestCount", "successful_request_count");
  batch->failed_count    = json_int64 (stats, "failedRequestCount", "failed_request_count");
  batch->responses_file = g_strdup (json_string (output, "responsesFile", "responses_file"));
  batch->has_inline = json_object (output, "inlinedResponses", "inlined_responses") != NULL;
  if (error != NULL)
    batch->error_message = gg_redact (json_string (error, "message", NULL), NULL);
  return batch;
}

GgBatch *
gg_batch_parse (GBytes *body, GError **error)
{
  gsize        size;
  const gchar *data = g_bytes_get_data (body, &size);
  cJSON       *root = cJSON_ParseWithLength (data ? data : "", size);
  GgBatch     *batch = batch_from_json (root);

  cJSON_Delete (root);
  if (batch == NULL)
    {
      g_autofree gchar *excerpt = gg_excerpt (data ? data : "", (gssize) size, 80, TRUE);

      g_set_error (error, GG_ERROR, GG_ERROR_BAD_RESPONSE,
                   "The server's answer about the batch is not a batch description "
                   "(“%s”): try again.", excerpt);
      return NULL;
    }
  batch->body = g_bytes_ref (body);
  return batch;
}

/* ---- building ------------------------------------------------------------ */

typedef struct
{
  gchar *key;
  gchar *body;      /* the GenerateContentRequest JSON */
  gsize  length;
} Entry;

struct _GgBatchInput
{
  GPtrArray  *entries;   /* of Entry* */
  GHashTable *keys;      /* borrowed keys, for uniqueness */
  gsize       size;
};

static void
entry_free (gpointer data)
{
  Entry *entry = data;

  g_free (entry->key);
  g_free (entry->body);
  g_free (entry);
}

GgBatchInput *
gg_batch_input_new (void)
{
  GgBatchInput *input = g_new0 (GgBatchInput, 1);

  input->entries = g_ptr_array_new_with_free_func (entry_free);
  input->keys = g_hash_table_new (g_str_hash, g_str_equal);
  return input;
}

void
gg_batch_input_free (GgBatchInput *input)
{
  if (input == NULL)
    return;
  g_hash_table_unref (input->keys);
  g_ptr_array_unref (input->entries);
  g_free (input);
}

gboolean
gg_batch_input_add (GgBatchInput    *input,
                    const gchar     *key,
                    const GgRequest *request,
                    GError         **error)
{
  Entry *entry;

  if (key == NULL || *key == '\0')
    {
      g_set_error_literal (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                           "A request of the batch has no key: give every request a "
                           "unique key.");
      return FALSE;
    }
  if (g_hash_table_contains (input->keys, key))
    {
      g_set_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                   "The key “%s” is used twice in the batch: keys name the results, "
                   "so each must be unique.", key);
      return FALSE;
    }
  if (!gg_request_validate (request, error))
    return FALSE;
  entry = g_new0 (Entry, 1);
  entry->key = g_strdup (key);
  entry->body = gg_request_to_json (request, FALSE, &entry->length);
  g_ptr_array_add (input->entries, entry);
  g_hash_table_add (input->keys, entry->key);
  input->size += entry->length;
  return TRUE;
}

guint
gg_batch_input_count (const GgBatchInput *input)
{
  return input->entries->len;
}

gsize
gg_batch_input_size (const GgBatchInput *input)
{
  return input->size;
}

/* @text as a JSON string literal, appended to @out. */
static void
append_json_string (GString *out, const gchar *text)
{
  cJSON *string = cJSON_CreateString (text);
  gchar *printed = cJSON_PrintUnformatted (string);

  g_string_append (out, printed);
  cJSON_free (printed);
  cJSON_Delete (string);
}

gchar *
gg_batch_input_jsonl (const GgBatchInput *input, gsize *length)
{
  GString *out = g_string_sized_new (input->size + input->entries->len * 64 + 1);

  for (guint i = 0; i < input->entries->len; i++)
    {
      const Entry *entry = g_ptr_array_index (input->entries, i);

      g_string_append (out, "{\"key\":");
      append_json_string (out, entry->key);
      g_string_append (out, ",\"request\":");
      g_string_append_len (out, entry->body, entry->length);
      g_string_append (out, "}\n");
    }
  if (length)
    *length = out->len;
  return g_string_free (out, FALSE);
}

/* The bodies are spliced in as they are: they hold megabytes of base64
 * that a cJSON round trip would copy twice. */
static gchar *
inline_body (const GgBatchInput *input, const gchar *display_name, gsize *length)
{
  GString *out = g_string_sized_new (input->size + input->entries->len * 64 + 256);

  g_string_append (out, "{\"batch\":{\"displayName\":");
  append_json_string (out, display_name);
  g_string_append (out, ",\"inputConfig\":{\"requests\":{\"requests\":[");
  for (guint i = 0; i < input->entries->len; i++)
    {
      const Entry *entry = g_ptr_array_index (input->entries, i);

      if (i > 0)
        g_string_append_c (out, ',');
      g_string_append (out, "{\"request\":");
      g_string_append_len (out, entry->body, entry->length);
      g_string_append (out, ",\"metadata\":{\"key\":");
      append_json_string (out, entry->key);
      g_string_append (out, "}}");
    }
  g_string_append (out, "]}}}}");
  *length = out->len;
  return g_string_free (out, FALSE);
}

static gchar *
model_path (const gchar *model, const gchar *method)
{
  g_autofree gchar *escaped = NULL;

  if (g_str_has_prefix (model, "models/"))
    model += strlen ("models/");
  escaped = g_uri_escape_string (model, NULL, FALSE);
  return g_strdup_printf ("v1beta/models/%s:%s", escaped, method);
}

GgBatch *
gg_batch_create (GgClient              *client,
                 const gchar           *model,
                 const gchar           *display_name,
                 const GgBatchInput    *input,
                 gboolean               via_file,
                 const GgUploadOptions *upload,
                 GCancellable          *cancellable,
                 GError               **error)
{
  g_autofree gchar *path = model_path (model, "batchGenerateContent");
  g_autofree gchar *body = NULL;
  g_autoptr(GBytes) answer = NULL;
  GgHttpRequest     request = { 0, };
  gsize             length = 0;

  g_return_val_if_fail (input != NULL, NULL);
  if (display_name == NULL)
    display_name = "gimp-gemini batch";
  if (input->entries->len == 0)
    {
      g_set_error_literal (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                           "The batch is empty: give at least one prompt.");
      return NULL;
    }

  if (via_file)
    {
      g_autofree gchar *jsonl = gg_batch_input_jsonl (input, &length);
      g_autoptr(GBytes) bytes = g_bytes_new_take (g_steal_pointer (&jsonl), length);
      g_autoptr(GgFile) uploaded = NULL;
      g_autoptr(GgFile) active = NULL;
      GString          *out = g_string_new ("{\"batch\":{\"displayName\":");

      uploaded = gg_files_upload (client, bytes, "application/jsonl", display_name,
                                  cancellable, error);
      if (uploaded != NULL)
        active = gg_files_wait_active (client, uploaded,
                                       upload ? upload->wait_timeout : 0,
                                       upload ? upload->poll_interval : 0,
                                       cancellable, error);
      if (active == NULL)
        {
          g_string_free (out, TRUE);
          return NULL;
        }
      append_json_string (out, display_name);
      g_string_append (out, ",\"inputConfig\":{\"fileName\":");
      append_json_string (out, active->name);
      g_string_append (out, "}}}");
      length = out->len;
      body = g_string_free (out, FALSE);
    }
  else
    body = inline_body (input, display_name, &length);

  request.method = "POST";
  request.path   = path;
  request.body   = body;
  request.length = length;
  request.model  = model;
  answer = gg_client_request (client, &request, NULL, cancellable, error);
  if (answer == NULL)
    return NULL;
  return gg_batch_parse (answer, error);
}

GgBatch *
gg_batch_get (GgClient *client, const gchar *name, GCancellable *cancellable, GError **error)
{
  g_autofree gchar *normal = gg_batch_name_normalize (name);
  g_autofree gchar *path = g_strconcat ("v1beta/", normal, NULL);
  g_autofree gchar *subject = g_strdup_printf ("the batch %s", normal);
  g_autoptr(GBytes) answer = gg_client_call (client, "GET", path, subject,
                                             cancellable, error);

  return answer ? gg_batch_parse (answer, error) : NULL;
}

gboolean
gg_batch_cancel (GgClient *client, const gchar *name, GCancellable *cancellable, GError **error)
{
  g_autofree gchar *normal = gg_batch_name_normalize (name);
  g_autofree gchar *path = g_strconcat ("v1beta/", normal, ":cancel", NULL);
  g_autofree gchar *subject = g_strdup_printf ("the batch %s", normal);
  g_autoptr(GBytes) answer = gg_client_call (client, "POST", path, subject,
                                             cancellable, error);

  return answer != NULL;
}

GPtrArray *
gg_batch_list (GgClient *client, guint max, GCancellable *cancellable, GError **error)
{
  g_autoptr(GPtrArray) batches = g_ptr_array_new_with_free_func ((GDestroyNotify) gg_batch_free);
  g_autofree gchar    *token = NULL;
  guint                pages = 0;   /* a bound on a server's answers */

  if (max == 0)
    max = 100;
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

          path = g_strdup_printf ("v1beta/batches?pageSize=%u&pageToken=%s",
                                  MIN (max - batches->len, 100), escaped);
        }
      else
        path = g_strdup_printf ("v1beta/batches?pageSize=%u", MIN (max, 100));
      request.method = "GET";
      request.path   = path;
      answer = gg_client_request (client, &request, NULL, cancellable, error);
      if (answer == NULL)
        return NULL;
      data = g_bytes_get_data (answer, &size);
      next = gg_batch_parse_page (data ? data : "", size, batches, max);
      /* A server that hands out the same page again would never end. */
      if (next != NULL && g_strcmp0 (next, token) == 0)
        g_clear_pointer (&next, g_free);
      g_free (token);
      token = next;
    }
  while (token != NULL && *token != '\0' && batches->len < max && ++pages < 1000);
  return g_steal_pointer (&batches);
}

gchar *
gg_batch_parse_page (const gchar *json, gsize length, GPtrArray *batches, guint max)
{
  cJSON       *root = cJSON_ParseWithLength (json, length);
  const cJSON *item;
  gchar       *token;

  cJSON_ArrayForEach (item, cJSON_GetObjectItemCaseSensitive (root, "operations"))
    {
      GgBatch *batch = batch_from_json (item);

      if (batch != NULL && batches->len < max)
        g_ptr_array_add (batches, batch);
      else
        gg_batch_free (batch);
    }
  token = g_strdup (json_string (root, "nextPageToken", "next_page_token"));
  cJSON_Delete (root);
  return token;
}

/* ---- results ------------------------------------------------------------- */

void
gg_batch_result_free (GgBatchResult *result)
{
  if (result == NULL)
    return;
  g_free (result->key);
  g_clear_pointer (&result->response, gg_response_free);
  g_free (result->error_message);
  g_free (result);
}

/* One result from an item holding "response" or "error"; @key NULL: the
 * item's own key (metadata.key or key), else "#@index". */
static GgBatchResult *
result_from_json (const cJSON            *item,
                  guint                   index,
                  const GgResponseLimits *limits)
{
  GgBatchResult *result = g_new0 (GgBatchResult, 1);
  const cJSON   *metadata = json_object (item, "metadata", NULL);
  const cJSON   *response = json_object (item, "response", NULL);
  const cJSON   *error = json_object (item, "error", NULL);
  const gchar   *key = json_string (metadata, "key", NULL);

  if (key == NULL)
    key = json_string (item, "key", NULL);
  result->key = key ? gg_redact (key, NULL) : g_strdup_printf ("#%u", index + 1);

  if (response != NULL)
    {
      gchar  *text = cJSON_PrintUnformatted (response);
      GError *local = NULL;

      result->response = gg_response_parse (text, strlen (text), limits, &local);
      cJSON_free (text);
      if (result->response == NULL)
        {
          result->error_code = GG_ERROR_BAD_RESPONSE;
          result->error_message = g_strdup (local->message);
          g_error_free (local);
        }
    }
  else if (error != NULL)
    {
      const cJSON *code = cJSON_GetObjectItemCaseSensitive (error, "code");
      const gchar *message = json_string (error, "message", NULL);

      result->error_code = cJSON_IsNumber (code) ? code->valueint : 0;
      result->error_message = gg_redact (message && *message ? message
                                         : "The request failed without a reason given.", NULL);
    }
  else
    result->error_message = g_strdup ("The batch holds neither an answer nor an error "
                                      "for this request.");
  return result;
}

static GgResponseLimits
results_limits (const GgResponseLimits *limits)
{
  GgResponseLimits copy = { 0, };

  if (limits)
    copy = *limits;
  copy.skip_model_turn = TRUE;
  return copy;
}

GPtrArray *
gg_batch_results_parse_inline (const gchar            *json,
                               gsize                   length,
                               const GgResponseLimits *limits,
                               GError                **error)
{
  GgResponseLimits own = results_limits (limits);
  cJSON           *root = cJSON_ParseWithLength (json, length);
  const cJSON     *output = batch_output (root);
  const cJSON     *outer = json_object (output, "inlinedResponses", "inlined_responses");
  const cJSON     *items = cJSON_GetObjectItemCaseSensitive (outer, "inlinedResponses");
  const cJSON     *item;
  GPtrArray       *results;
  guint            index = 0;

  if (items == NULL)
    items = cJSON_GetObjectItemCaseSensitive (outer, "inlined_responses");
  if (!cJSON_IsArray (items))
    {
      cJSON_Delete (root);
      g_set_error_literal (error, GG_ERROR, GG_ERROR_BAD_RESPONSE,
                           "The batch's answer holds no inline results: try fetching "
                           "it again.");
      return NULL;
    }
  results = g_ptr_array_new_with_free_func ((GDestroyNotify) gg_batch_result_free);
  cJSON_ArrayForEach (item, items)
    g_ptr_array_add (results, result_from_json (item, index++, &own));
  cJSON_Delete (root);
  return results;
}

GPtrArray *
gg_batch_results_parse_jsonl (const gchar            *jsonl,
                              gsize                   length,
                              const GgResponseLimits *limits)
{
  GgResponseLimits own = results_limits (limits);
  GPtrArray       *results = g_ptr_array_new_with_free_func ((GDestroyNotify) gg_batch_result_free);
  const gchar     *p = jsonl;
  const gchar     *end = jsonl + length;
  guint            index = 0;

  while (p < end)
    {
      const gchar *newline = memchr (p, '\n', end - p);
      const gchar *line_end = newline ? newline : end;
      cJSON       *item;

      item = cJSON_ParseWithLength (p, line_end - p);
      if (item != NULL)
        g_ptr_array_add (results, result_from_json (item, index++, &own));
      else
        {
          gboolean blank = TRUE;

          for (const gchar *q = p; q < line_end; q++)
            if (!g_ascii_isspace (*q))
              blank = FALSE;
          if (!blank)
            {
              GgBatchResult *result = g_new0 (GgBatchResult, 1);

              result->key = g_strdup_printf ("#%u", index + 1);
              result->error_message = g_strdup ("This line of the batch's results is "
                                                "not valid JSON.");
              g_ptr_array_add (results, result);
              index++;
            }
        }
      cJSON_Delete (item);
      p = line_end + 1;
    }
  return results;
}

GPtrArray *
gg_batch_results (GgClient               *client,
                  const GgBatch          *batch,
                  const GgResponseLimits *limits,
                  GCancellable           *cancellable,
                  GError                **error)
{
  if (batch->responses_file != NULL)
    {
      g_autoptr(GBytes) data = gg_files_download (client, batch->responses_file,
                                                  cancellable, error);
      gsize             size;
      const gchar      *text;

      if (data == NULL)
        return NULL;
      text = g_bytes_get_data (data, &size);
      return gg_batch_results_parse_jsonl (text ? text : "", size, limits);
    }
  if (batch->has_inline && batch->body != NULL)
    {
      gsize        size;
      const gchar *text = g_bytes_get_data (batch->body, &size);

      return gg_batch_results_parse_inline (text ? text : "", size, limits, error);
    }
  g_set_error (error, GG_ERROR, GG_ERROR_NO_IMAGE,
               "The batch %s has no results%s%s.", batch->name,
               batch->state != GG_BATCH_STATE_SUCCEEDED ? ": its state is " : "",
               batch->state != GG_BATCH_STATE_SUCCEEDED
               ? gg_batch_state_to_string (batch->state) : " (neither inline nor a file)");
  return NULL;
}
