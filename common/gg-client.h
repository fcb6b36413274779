/* gg-client.h: talking to the Gemini API over HTTP (libcurl).
 *
 * The key goes in the x-goog-api-key header only.  The base URL comes from
 * the caller or GOOGLE_GEMINI_BASE_URL; plain http is refused unless the host
 * is a loopback address.  Calls block: run them off the UI thread.  The
 * progress callback runs on the calling thread; cancel from any thread with
 * g_cancellable_cancel ().  A client is used by one thread at a time; for
 * several requests at once use one client and gg_client_generate_many ()
 * (or gg_client_request_many ()), which run them all on the client's one
 * libcurl multi handle.
 */
#pragma once

#include <gio/gio.h>
#include "gg-request.h"
#include "gg-response.h"

G_BEGIN_DECLS

#define GG_DEFAULT_BASE_URL "https://generativelanguage.googleapis.com"

typedef enum
{
  GG_PHASE_CONNECTING,
  GG_PHASE_UPLOADING,
  GG_PHASE_WAITING,       /* request sent, the model is working */
  GG_PHASE_DOWNLOADING,
  GG_PHASE_RETRY_WAIT,    /* sleeping before the next attempt */
} GgPhase;

typedef struct
{
  GgPhase phase;
  gint    attempt;        /* 1-based */
  gint64  sent;
  gint64  send_total;
  gint64  received;
  gint64  receive_total;  /* 0 when unknown */
  gdouble elapsed;        /* seconds since the call started */
  gdouble retry_in;       /* GG_PHASE_RETRY_WAIT: seconds left */
  guint   index;          /* which request of a *_many () call; 0 otherwise */
  gboolean finished;      /* the one last report of a request: its outcome,
                           * success or failure, is known */
  const gchar *reason;    /* GG_PHASE_RETRY_WAIT: the one sentence of the failure
                           * that is waited out (a rate limit, an overload), for a
                           * countdown ("… was reached: retrying in 42 s"); valid
                           * during the call only */
  gboolean server_asked;  /* GG_PHASE_RETRY_WAIT: the wait is the server's
                           * (RetryInfo, Retry-After), not a backoff */
} GgProgress;

/* Return FALSE to cancel (in a *_many () call: every request of it).
 * Called on the calling thread, at least every ~100 ms for each request
 * while it runs and at once on each change of its phase (possibly from
 * inside the transfer: do not call back into the same client). */
typedef gboolean (*GgProgressFunc) (const GgProgress *progress, gpointer user_data);

typedef struct
{
  gdouble connect_timeout;     /* s; default 30 */
  gdouble first_byte_timeout;  /* s the model may think before answering; default 600; 0: none */
  gdouble stall_timeout;       /* s without a byte once the answer started (or while
                                * sending); default 60; 0: none */
  gdouble total_timeout;       /* s for one attempt; 0: none; default 1800 */
  gint    max_retries;         /* further attempts; default 4 */
  gdouble backoff_initial;     /* s; default 1 */
  gdouble backoff_max;         /* s; default 60 */
  gsize   max_body;            /* decoded bytes; default (and 0) 512 MiB */
  gdouble low_speed_bytes;     /* once the answer started, fewer bytes/s than this */
  gdouble low_speed_time;      /* over this many s stops it (a drip); defaults
                                * 1024 and 60; 0: no check */
  gdouble call_timeout;        /* s for the whole call, retries and waits included;
                                * a retry that could not finish in time is not
                                * started; 0 (default): none */
  gdouble max_wait;            /* s of waiting between the attempts of one call, in
                                * all; a wait that would pass it is not started and
                                * the call fails with a sentence naming the limit
                                * waited for.  A server's RetryInfo is honoured once
                                * per call.  Default 120; 0: no waits at all */
  GgResponseLimits limits;
} GgClientOptions;

void gg_client_options_init (GgClientOptions *options);

/* The key from the environment: GOOGLE_API_KEY when set, else
 * GEMINI_API_KEY (as the official SDKs do); NULL when neither is.  Empty
 * values count as unset; white space is trimmed.  g_free. */
gchar *gg_key_from_environment (void);

/* GOOGLE_GEMINI_BASE_URL when set (trailing slashes trimmed), else
 * GG_DEFAULT_BASE_URL.  g_free. */
gchar *gg_base_url_from_environment (void);

/* FALSE (GG_ERROR_INSECURE_URL) unless @base_url is https, or http to
 * 127.0.0.0/8, ::1 or localhost.  A user name, password, query or fragment
 * is refused too.  The message never repeats the URL beyond its host. */
gboolean gg_base_url_check (const gchar *base_url, GError **error);

typedef struct _GgClient GgClient;

/* @api_key: required (GG_ERROR_NO_KEY when NULL or empty).  @base_url NULL:
 * from the environment.  Checks the URL before anything connects. */
GgClient *gg_client_new  (const gchar *api_key, const gchar *base_url, GError **error);
void      gg_client_free (GgClient *client);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GgClient, gg_client_free)

void gg_client_set_options  (GgClient *client, const GgClientOptions *options);
void gg_client_set_progress (GgClient *client, GgProgressFunc func, gpointer user_data);

/* Validates, sends (with retries), parses.  Returns the answer even when it
 * holds no image: call gg_response_check () for that. */
GgResponse *gg_client_generate (GgClient        *client,
                                const GgRequest *request,
                                GCancellable    *cancellable,
                                GError         **error);

/* Several requests at once (variations), each on its own easy handle of
 * the client's one multi handle, with its own attempts, retries, timeouts
 * and outcome: responses[i] is the answer (as gg_client_generate () returns
 * it) or NULL with errors[i] set; the caller frees both.  A request that
 * fails, invalid ones included, leaves the others running; a cancel (of
 * @cancellable, or FALSE from the progress callback) ends them all with
 * GG_ERROR_CANCELLED.  Progress reports carry the request's index. */
void        gg_client_generate_many (GgClient         *client,
                                     const GgRequest **requests,
                                     guint             n,
                                     GCancellable     *cancellable,
                                     GgResponse      **responses,
                                     GError          **errors);

/* One POST of a JSON body to {base}/{path}, with retries; the 2xx body
 * (g_bytes_unref; its data is followed by a NUL byte that the size does not
 * count).  @body is sent from the caller's buffer, not copied: keep it
 * alive until this returns. */
GBytes *gg_client_post_json (GgClient     *client,
                             const gchar  *path,
                             const gchar  *body,
                             gsize         length,
                             const gchar  *model,     /* for error messages */
                             GCancellable *cancellable,
                             GError      **error);

/* One HTTP request for gg_client_request ().  Everything is borrowed for
 * the call; @body is sent from the caller's buffer, not copied. */
typedef struct
{
  const gchar        *method;        /* "GET", "POST", "DELETE"...; NULL: POST */
  const gchar        *path;          /* relative to the base URL ("v1beta/files/x",
                                      * a query allowed), or an absolute URL the
                                      * server gave (an upload URL): its path and
                                      * query are used on the base URL's scheme and
                                      * host, so the key never goes elsewhere */
  const gchar *const *headers;       /* NULL-terminated "Name: value" lines, or NULL */
  const gchar        *content_type;  /* NULL: application/json unless GET */
  gconstpointer       body;          /* NULL: none */
  gsize               length;
  const gchar        *model;         /* for error messages; may be NULL */
  const gchar        *subject;       /* not a model but this ("the batch batches/x"):
                                      * 403, 404 and FAILED_PRECONDITION speak of it */
} GgHttpRequest;

/* Any request, with the retries, timeouts, cancellation, progress and
 * redaction of gg_client_post_json ().  Returns the 2xx body (g_bytes_unref;
 * NUL-terminated beyond its size) or NULL with the error.  @headers (may be
 * NULL): on success, the answer's headers, lower-case name to value
 * (g_hash_table_unref). */
GBytes *gg_client_request (GgClient            *client,
                           const GgHttpRequest *request,
                           GHashTable         **headers,
                           GCancellable        *cancellable,
                           GError             **error);

/* gg_client_request () for @n requests at once, as in
 * gg_client_generate_many (): bodies[i] is the 2xx body or NULL with
 * errors[i] (the caller frees both). */
void    gg_client_request_many (GgClient            *client,
                                const GgHttpRequest *requests,
                                guint                n,
                                GCancellable        *cancellable,
                                GBytes             **bodies,
                                GError             **errors);

/* A request without a body about @subject ("the batch batches/x"): the
 * common case of get, cancel and delete.  Returns the 2xx body. */
GBytes *gg_client_call (GgClient     *client,
                        const gchar  *method,
                        const gchar  *path,
                        const gchar  *subject,
                        GCancellable *cancellable,
                        GError      **error);

/* The base URL in use (no trailing slash); owned by the client. */
const gchar *gg_client_get_base_url (GgClient *client);

G_END_DECLS
