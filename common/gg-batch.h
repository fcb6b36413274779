/* gg-batch.h: Gemini's Batch API (batchGenerateContent), for large jobs
 * that run on Google's side at half the price.
 *
 * A batch is built from keyed requests (gg_batch_input_add), sent inline
 * when small or as an uploaded JSONL file, then polled by name
 * ("batches/...") until it ends; the results come back per key, each a
 * response or an error.  Calls block like those of gg-client.h.
 */
#pragma once

#include "gg-client.h"
#include "gg-files.h"

G_BEGIN_DECLS

/* The limit of an inline batch request body. */
#define GG_BATCH_MAX_INLINE ((gsize) 20 * 1000 * 1000)

typedef enum
{
  GG_BATCH_STATE_UNKNOWN,
  GG_BATCH_STATE_PENDING,
  GG_BATCH_STATE_RUNNING,
  GG_BATCH_STATE_SUCCEEDED,
  GG_BATCH_STATE_FAILED,
  GG_BATCH_STATE_CANCELLED,
  GG_BATCH_STATE_EXPIRED,
} GgBatchState;

typedef struct
{
  gchar        *name;             /* "batches/abc" */
  gchar        *display_name;     /* may be NULL */
  gchar        *model;            /* "models/..." as given; may be NULL */
  GgBatchState  state;
  gchar        *state_name;       /* as given (BATCH_STATE_* or JOB_STATE_*) */
  gchar        *create_time;      /* RFC 3339; may be NULL */
  gchar        *end_time;
  gint64        request_count;    /* batchStats; -1 when absent */
  gint64        pending_count;
  gint64        succeeded_count;
  gint64        failed_count;
  gchar        *responses_file;   /* output.responsesFile ("files/..."), or NULL */
  gboolean      has_inline;       /* output.inlinedResponses is there */
  gchar        *error_message;    /* the operation's error, or NULL */
  GBytes       *body;             /* the answer, for the inline results */
} GgBatch;

void     gg_batch_free  (GgBatch *batch);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GgBatch, gg_batch_free)

/* An Operation (or a bare batch) as the REST API answers it.  NULL with
 * GG_ERROR_BAD_RESPONSE when there is no batch name.  @body is kept
 * (referenced) for gg_batch_results ().  gg_batch_free. */
GgBatch *gg_batch_parse (GBytes *body, GError **error);

/* "PENDING", "RUNNING", "SUCCEEDED" ... (static). */
const gchar *gg_batch_state_to_string (GgBatchState state);
/* TRUE for SUCCEEDED, FAILED, CANCELLED and EXPIRED. */
gboolean     gg_batch_state_is_final  (GgBatchState state);
/* "batches/abc" for "abc" or "batches/abc".  g_free. */
gchar       *gg_batch_name_normalize  (const gchar *name);

/* ---- building ------------------------------------------------------------ */

typedef struct _GgBatchInput GgBatchInput;

GgBatchInput *gg_batch_input_new   (void);
void          gg_batch_input_free  (GgBatchInput *input);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GgBatchInput, gg_batch_input_free)
/* Validates @request and adds its body under @key.  Keys are unique and
 * non-empty (GG_ERROR_INVALID_REQUEST otherwise, one sentence). */
gboolean      gg_batch_input_add   (GgBatchInput    *input,
                                    const gchar     *key,
                                    const GgRequest *request,
                                    GError         **error);
guint         gg_batch_input_count (const GgBatchInput *input);
/* The bytes of the request bodies together (the size of an inline batch,
 * give or take its small frame). */
gsize         gg_batch_input_size  (const GgBatchInput *input);
/* The JSONL of the file form: one {"key":..,"request":{..}} per line.
 * g_free. */
gchar        *gg_batch_input_jsonl (const GgBatchInput *input, gsize *length);

/* Creates the batch for @model: inline, or (@via_file) the JSONL uploaded
 * with the Files API (waited for until ACTIVE with @upload's limits; NULL:
 * defaults).  Returns it as the server first describes it. */
GgBatch *gg_batch_create (GgClient              *client,
                          const gchar           *model,
                          const gchar           *display_name,
                          const GgBatchInput    *input,
                          gboolean               via_file,
                          const GgUploadOptions *upload,
                          GCancellable          *cancellable,
                          GError               **error);

GgBatch   *gg_batch_get    (GgClient *client, const gchar *name,
                            GCancellable *cancellable, GError **error);
gboolean   gg_batch_cancel (GgClient *client, const gchar *name,
                            GCancellable *cancellable, GError **error);
/* One page of a batches.list answer ({"operations": [...],
 * "nextPageToken"}): appends its batches (GgBatch*, without results) to
 * @batches while it holds fewer than @max; returns the next page's token
 * (g_free), NULL on the last page or when the text is not such an answer. */
gchar     *gg_batch_parse_page (const gchar *json, gsize length, GPtrArray *batches,
                                guint max);

/* Batches of the project, newest first, at most @max (0: 100); GgBatch*
 * without results.  g_ptr_array_unref. */
GPtrArray *gg_batch_list   (GgClient *client, guint max,
                            GCancellable *cancellable, GError **error);

/* ---- results ------------------------------------------------------------- */

typedef struct
{
  gchar      *key;
  GgResponse *response;        /* NULL when the request failed */
  gint        error_code;      /* the per-request error (google.rpc.Status) */
  gchar      *error_message;   /* NULL when there is a response */
} GgBatchResult;

void gg_batch_result_free (GgBatchResult *result);

/* Parses the results: "inlinedResponses" of an Operation's output, or a
 * JSONL of {key, response | error}.  A line or item that does not parse
 * becomes an error result, never a failure of the whole.  GgBatchResult*;
 * g_ptr_array_unref. */
GPtrArray *gg_batch_results_parse_inline (const gchar *json, gsize length,
                                          const GgResponseLimits *limits, GError **error);
GPtrArray *gg_batch_results_parse_jsonl  (const gchar *jsonl, gsize length,
                                          const GgResponseLimits *limits);

/* The results of a SUCCEEDED batch: inline from @batch->body, or its
 * responses file downloaded. */
GPtrArray *gg_batch_results (GgClient               *client,
                             const GgBatch          *batch,
                             const GgResponseLimits *limits,
                             GCancellable           *cancellable,
                             GError                **error);

G_END_DECLS
