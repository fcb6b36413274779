/* gg-client.c: see gg-client.h.
 *
 * One attempt drives one easy handle through the client's multi handle, so
 * that the calling thread wakes at least every TICK_MS to enforce the
 * first-byte, stall and total timeouts, to report progress and to notice
 * cancellation; a g_cancellable_cancel () from another thread wakes it at
 * once through curl_multi_wakeup ().  Several transfers could share the same
 * loop later (variations in parallel): everything per transfer lives in
 * Transfer, nothing in globals.
 */
#include "gg-client.h"

#include <curl/curl.h>
#include <errno.h>
#include <string.h>

#include "gg-api-error.h"
#include "gg-error.h"

#ifndef GG_VERSION
#define GG_VERSION "0.1.0"
#endif

#define TICK_MS            100                  /* longest sleep of the loops */
#define REPORT_INTERVAL    (90 * 1000)          /* µs between progress calls (< TICK_MS) */
#define MAX_RETRY_DELAY    300.0                /* s: a longer RetryInfo fails */
#define MAX_ERROR_BODY     (1024 * 1024)        /* kept of a non-2xx body */
#define MAX_PREALLOC       ((gsize) 256 << 20)  /* trust Content-Length up to this */

struct _GgClient
{
  gchar          *api_key;
  gchar          *base_url;      /* no trailing slash */
  gchar          *host;          /* host[:port], for messages */
  GgClientOptions options;
  GgProgressFunc  progress_func;
  gpointer        progress_data;
  CURLM          *multi;         /* kept between calls: connection reuse */
  CURL           *easy;
};

typedef enum
{
  STOP_NONE,
  STOP_CANCELLED,
  STOP_TOO_LARGE,
  STOP_UPLOAD_STALL,
  STOP_FIRST_BYTE,
  STOP_STALL,
  STOP_TOTAL,
  STOP_SLOW,
} StopReason;

/* Shared with the cancel handler, which may run on any thread. */
typedef struct
{
  GMutex   mutex;
  GCond    cond;
  CURLM   *multi;
  gboolean cancelled;
} Waker;

typedef struct
{
  GgClient     *client;
  CURL         *easy;
  const gchar  *model;
  const gchar  *subject;          /* GgHttpRequest.subject */
  GCancellable *cancellable;
  gint          attempt;
  gint64        call_start;       /* monotonic µs */
  gint64        attempt_start;

  /* Written by curl's callbacks, which run on the calling thread. */
  GgPhase       phase;
  gboolean      connected;
  gboolean      response_began;   /* a byte of the answer arrived */
  gint64        last_activity;    /* µs: last byte sent or received */
  gint64        upload_done_at;
  gint64        sent;
  gint64        send_total;
  gint64        received;         /* raw bytes, as curl counts them */
  gint64        receive_total;
  glong         status;
  gdouble       retry_after;      /* Retry-After header in s; < 0: none */
  GByteArray   *body;             /* decoded body; NULL until the first byte */
  GHashTable   *headers;          /* lower-case name -> value of the last response; NULL: not kept */
  gboolean      body_clipped;     /* an error body beyond MAX_ERROR_BODY */

  StopReason    stop;
  gint64        last_report;
  gint64        slow_window_start;  /* µs: start of the low-speed window */
  gint64        slow_window_bytes;  /* received at that time */
  char          errbuf[CURL_ERROR_SIZE];
} Transfer;

static gpointer
curl_init_once (gpointer data)
{
  /* Not thread-safe in older libcurl: done once, before any handle. */
  return GINT_TO_POINTER (curl_global_init (CURL_GLOBAL_DEFAULT) == CURLE_OK);
}

static gboolean
ensure_curl (void)
{
  static GOnce once = G_ONCE_INIT;

  return GPOINTER_TO_INT (g_once (&once, curl_init_once, NULL));
}

void
gg_client_options_init (GgClientOptions *options)
{
  memset (options, 0, sizeof *options);
  options->connect_timeout    = 30;
  options->first_byte_timeout = 600;
  options->stall_timeout      = 60;
  options->total_timeout      = 1800;
  options->max_retries        = 4;
  options->backoff_initial    = 1;
  options->backoff_max        = 60;
  options->max_body           = (gsize) 512 << 20;
  options->low_speed_bytes    = 1024;
  options->low_speed_time     = 60;
}

/* An environment variable, NULL when unset or empty (as the SDKs treat an
 * empty key).  g_free. */
static gchar *
env_value (const gchar *name)
{
  const gchar *value = g_getenv (name);
  gchar       *copy;

  if (value == NULL)
    return NULL;
  copy = g_strstrip (g_strdup (value));
  if (*copy == '\0')
    g_clear_pointer (&copy, g_free);
  return copy;
}

gchar *
gg_key_from_environment (void)
{
  gchar *key = env_value ("GOOGLE_API_KEY");

  return key ? key : env_value ("GEMINI_API_KEY");
}

/* Trailing slashes off, in place. */
static gchar *
trim_slashes (gchar *url)
{
  gsize length = strlen (url);

  while (length > 0 && url[length - 1] == '/')
    url[--length] = '\0';
  return url;
}

gchar *
gg_base_url_from_environment (void)
{
  gchar *url = env_value ("GOOGLE_GEMINI_BASE_URL");

  if (url == NULL)
    return g_strdup (GG_DEFAULT_BASE_URL);
  return trim_slashes (url);
}

static gboolean
host_is_loopback (const gchar *host)
{
  g_autoptr(GInetAddress) address = NULL;

  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;   /* curl resolves it to loopback itself, never by DNS */
  address = g_inet_address_new_from_string (host);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

/* The parsed URL when acceptable (g_uri_unref), else NULL with the reason. */
static GUri *
base_url_parse (const gchar *base_url, GError **error)
{
  g_autoptr(GUri) uri = NULL;
  const gchar    *scheme;
  const gchar    *host;

  if (base_url != NULL)
    uri = g_uri_parse (base_url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    {
      /* Never echo the URL: a pasted one may hold a key. */
      g_set_error_literal (error, GG_ERROR, GG_ERROR_INSECURE_URL,
                           "The base URL is not a valid http or https address: "
                           "check GOOGLE_GEMINI_BASE_URL or the setting.");
      return NULL;
    }
  scheme = g_uri_get_scheme (uri);
  host   = g_uri_get_host (uri);
  if (g_uri_get_userinfo (uri) != NULL)
    {
      g_set_error_literal (error, GG_ERROR, GG_ERROR_INSECURE_URL,
                           "The base URL must not contain a user name or password: "
                           "remove the part before '@'.");
      return NULL;
    }
  if (g_uri_get_query (uri) != NULL || g_uri_get_fragment (uri) != NULL)
    {
      g_set_error_literal (error, GG_ERROR, GG_ERROR_INSECURE_URL,
                           "The base URL must not contain a query or fragment "
                           "('?' or '#'): the API key is sent in a header, never in the URL.");
      return NULL;
    }
  if (g_ascii_strcasecmp (scheme, "https") == 0)
    return g_steal_pointer (&uri);
  if (g_ascii_strcasecmp (scheme, "http") == 0)
    {
      if (host_is_loopback (host))
        return g_steal_pointer (&uri);
      g_set_error (error, GG_ERROR, GG_ERROR_INSECURE_URL,
                   "Refusing to send the API key over plain http to %s: use https, "
                   "or a loopback address for testing.", host);
      return NULL;
    }
  g_set_error_literal (error, GG_ERROR, GG_ERROR_INSECURE_URL,
                       "The base URL must start with https:// (or http:// to a "
                       "loopback address for testing).");
  return NULL;
}

gboolean
gg_base_url_check (const gchar *base_url, GError **error)
{
  g_autoptr(GUri) uri = base_url_parse (base_url, error);

  return uri != NULL;
}

/* A key becomes a header line: a control character or space would let it
 * inject other headers, and is never part of a real key anyway. */
static gboolean
key_is_valid (const gchar *key)
{
  for (const gchar *p = key; *p; p++)
    if ((guchar) *p <= ' ' || (guchar) *p == 0x7f)
      return FALSE;
  return TRUE;
}

GgClient *
gg_client_new (const gchar *api_key, const gchar *base_url, GError **error)
{
  g_autofree gchar *url = NULL;
  g_autofree gchar *key = NULL;
  g_autoptr(GUri)   uri = NULL;
  GgClient         *client;

  key = api_key ? g_strstrip (g_strdup (api_key)) : NULL;
  if (key == NULL || *key == '\0')
    {
      g_set_error_literal (error, GG_ERROR, GG_ERROR_NO_KEY,
                           "No Gemini API key is set: enter one in the settings or "
                           "set GEMINI_API_KEY.");
      return NULL;
    }
  if (!key_is_valid (key))
    {
      g_set_error_literal (error, GG_ERROR, GG_ERROR_BAD_KEY,
                           "The API key contains spaces or control characters: "
                           "paste it again without them.");
      return NULL;
    }

  url = base_url ? trim_slashes (g_strdup (base_url)) : gg_base_url_from_environment ();
  uri = base_url_parse (url, error);
  if (uri == NULL)
    return NULL;
  if (!ensure_curl ())
    {
      g_set_error_literal (error, GG_ERROR, GG_ERROR_FAILED,
                           "The network library (libcurl) could not be initialised.");
      return NULL;
    }

  client = g_new0 (GgClient, 1);
  client->api_key  = g_steal_pointer (&key);
  client->base_url = g_steal_pointer (&url);
  if (g_uri_get_port (uri) > 0)
    client->host = g_strdup_printf (strchr (g_uri_get_host (uri), ':') ? "[%s]:%d" : "%s:%d",
                                    g_uri_get_host (uri), g_uri_get_port (uri));
  else
    client->host = g_strdup (g_uri_get_host (uri));
  gg_client_options_init (&client->options);
  return client;
}

void
gg_client_free (GgClient *client)
{
  if (client == NULL)
    return;
  if (client->easy)
    curl_easy_cleanup (client->easy);
  if (client->multi)
    curl_multi_cleanup (client->multi);
  /* Do not leave the key behind in freed memory. */
  memset (client->api_key, 0, strlen (client->api_key));
  g_free (client->api_key);
  g_free (client->base_url);
  g_free (client->host);
  g_free (client);
}

void
gg_client_set_options (GgClient *client, const GgClientOptions *options)
{
  client->options = *options;
}

void
gg_client_set_progress (GgClient *client, GgProgressFunc func, gpointer user_data)
{
  client->progress_func = func;
  client->progress_data = user_data;
}

static gboolean
client_report (GgClient *client, const GgProgress *progress)
{
  if (client->progress_func == NULL)
    return TRUE;
  return client->progress_func (progress, client->progress_data);
}

/* Sets @error with a formatted message from which the key is removed. */
G_GNUC_PRINTF (4, 5)
static void
set_error (GError     **error,
           GgErrorCode  code,
           const gchar *key,
           const gchar *format,
           ...)
{
  g_autofree gchar *message = NULL;
  va_list           args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, GG_ERROR, code, message);
  if (error && *error && key && *key)
    {
      gchar *clean = gg_redact ((*error)->message, key);
      g_free ((*error)->message);
      (*error)->message = clean;
    }
}

static void
redact_error (GError *error, const gchar *key)
{
  gchar *clean;

  if (error == NULL || key == NULL || *key == '\0')
    return;
  clean = gg_redact (error->message, key);
  g_free (error->message);
  error->message = clean;
}

/* Rewrites "Sentence." as "Sentence (NOTE)." */
static void
error_add_note (GError *error, const gchar *note)
{
  gsize  length = strlen (error->message);
  gchar *message;

  while (length > 0 && (error->message[length - 1] == '.' || g_ascii_isspace (error->message[length - 1])))
    length--;
  message = g_strdup_printf ("%.*s (%s).", (int) length, error->message, note);
  g_free (error->message);
  error->message = message;
}

/* ----- one attempt ------------------------------------------------------ */

static void
transfer_report (Transfer *t, gboolean force)
{
  gint64     now = g_get_monotonic_time ();
  GgProgress progress = { 0, };

  if (!force && now - t->last_report < REPORT_INTERVAL)
    return;
  t->last_report          = now;
  progress.phase          = t->phase;
  progress.attempt        = t->attempt;
  progress.sent           = t->sent;
  progress.send_total     = t->send_total;
  progress.received       = t->received;
  progress.receive_total  = t->receive_total;
  progress.elapsed        = (now - t->call_start) / (gdouble) G_USEC_PER_SEC;
  if (!client_report (t->client, &progress) && t->stop == STOP_NONE)
    t->stop = STOP_CANCELLED;
}

/* Phases only move forward within an attempt; each is reported when it is
 * entered, so a quick one (a small upload) is still seen. */
static void
transfer_enter (Transfer *t, GgPhase phase)
{
  gint64 now = g_get_monotonic_time ();

  if (phase <= t->phase)
    return;
  t->phase = phase;
  t->last_activity = now;
  if (phase == GG_PHASE_WAITING)
    {
      t->upload_done_at = now;
      t->sent = t->send_total;
    }
  transfer_report (t, TRUE);
}

static void
transfer_connected (Transfer *t)
{
  if (t->connected)
    return;
  t->connected = TRUE;
  transfer_enter (t, t->send_total > 0 ? GG_PHASE_UPLOADING : GG_PHASE_WAITING);
}

/* Decides whether to stop: cancellation, a timeout, a limit.  Called from
 * curl's progress callback and from the loop, on the calling thread. */
static gboolean
transfer_check (Transfer *t)
{
  const GgClientOptions *o = &t->client->options;
  gint64                 now;

  if (t->stop != STOP_NONE)
    return TRUE;
  if (t->cancellable && g_cancellable_is_cancelled (t->cancellable))
    {
      t->stop = STOP_CANCELLED;
      return TRUE;
    }
  now = g_get_monotonic_time ();
  if (o->total_timeout > 0
      && now - t->attempt_start > o->total_timeout * G_USEC_PER_SEC)
    t->stop = STOP_TOTAL;
  else if (t->response_began)
    {
      if (o->stall_timeout > 0
          && now - t->last_activity > o->stall_timeout * G_USEC_PER_SEC)
        t->stop = STOP_STALL;
      else if (o->low_speed_time > 0 && o->low_speed_bytes > 0)
        {
          /* A drip is not a stall: judge the rate over whole windows. */
          if (t->slow_window_start == 0)
            {
              t->slow_window_start = now;
              t->slow_window_bytes = t->received;
            }
          else if (now - t->slow_window_start >= o->low_speed_time * G_USEC_PER_SEC)
            {
              if (t->received - t->slow_window_bytes < o->low_speed_bytes * o->low_speed_time)
                t->stop = STOP_SLOW;
              t->slow_window_start = now;
              t->slow_window_bytes = t->received;
            }
        }
    }
  else if (t->phase == GG_PHASE_WAITING)
    {
      if (o->first_byte_timeout > 0
          && now - t->upload_done_at > o->first_byte_timeout * G_USEC_PER_SEC)
        t->stop = STOP_FIRST_BYTE;
    }
  else if (t->phase == GG_PHASE_UPLOADING)
    {
      if (o->stall_timeout > 0
          && now - t->last_activity > o->stall_timeout * G_USEC_PER_SEC)
        t->stop = STOP_UPLOAD_STALL;
    }
  return t->stop != STOP_NONE;
}

#if LIBCURL_VERSION_NUM >= 0x075000
static int
transfer_prereq (void *user, char *primary_ip, char *local_ip,
                 int primary_port, int local_port)
{
  Transfer *t = user;

  transfer_connected (t);
  return t->stop == STOP_NONE ? CURL_PREREQFUNC_OK : CURL_PREREQFUNC_ABORT;
}
#endif

static int
transfer_xferinfo (void       *user,
                   curl_off_t  dltotal,
                   curl_off_t  dlnow,
                   curl_off_t  ultotal,
                   curl_off_t  ulnow)
{
  Transfer *t = user;

  if (ulnow > t->sent || dlnow > t->received)
    t->last_activity = g_get_monotonic_time ();
  if (ulnow > t->sent)
    t->sent = ulnow;
  if (dlnow > t->received)
    t->received = dlnow;
  if (dltotal > 0)
    t->receive_total = dltotal;

#if LIBCURL_VERSION_NUM < 0x075000
  if (!t->connected)
    {
      curl_off_t pretransfer = 0;

      curl_easy_getinfo (t->easy, CURLINFO_PRETRANSFER_TIME_T, &pretransfer);
      if (pretransfer > 0 || ulnow > 0)
        transfer_connected (t);
    }
#endif
  if (t->connected && !t->response_began && t->sent >= t->send_total)
    transfer_enter (t, GG_PHASE_WAITING);
  return transfer_check (t) ? 1 : 0;
}

static void
transfer_answer_began (Transfer *t)
{
  if (t->response_began)
    return;
  t->response_began = TRUE;
  transfer_enter (t, GG_PHASE_DOWNLOADING);
}

static size_t
transfer_header (char *data, size_t size, size_t count, void *user)
{
  Transfer *t = user;
  gsize     length = size * count;

  transfer_answer_began (t);
  t->last_activity = g_get_monotonic_time ();

  if (length > 5 && g_ascii_strncasecmp (data, "HTTP/", 5) == 0)
    {
      t->retry_after = -1;   /* a new (final or interim) response */
      if (t->headers)
        g_hash_table_remove_all (t->headers);
    }
  else if (t->headers != NULL && memchr (data, ':', length) != NULL)
    {
      const gchar *colon = memchr (data, ':', length);
      gchar       *name = g_ascii_strdown (data, colon - data);
      gchar       *value = g_strstrip (g_strndup (colon + 1, length - (colon + 1 - data)));

      g_hash_table_replace (t->headers, g_strstrip (name), value);
    }
  if (length > 12 && g_ascii_strncasecmp (data, "retry-after:", 12) == 0)
    {
      g_autofree gchar *value = g_strstrip (g_strndup (data + 12, length - 12));
      gchar            *end = NULL;
      guint64           seconds;

      /* Seconds only; an HTTP date is rare here and falls back to backoff. */
      seconds = g_ascii_strtoull (value, &end, 10);
      if (end != value && *end == '\0')
        t->retry_after = (gdouble) seconds;
    }
  return length;
}

static size_t
transfer_write (char *data, size_t size, size_t count, void *user)
{
  Transfer *t = user;
  gsize     length = size * count;
  gsize     limit = t->client->options.max_body ? t->client->options.max_body
                                                 : (gsize) 512 << 20;

  transfer_answer_began (t);
  t->last_activity = g_get_monotonic_time ();
  if (t->status == 0)
    curl_easy_getinfo (t->easy, CURLINFO_RESPONSE_CODE, &t->status);

  if (t->body == NULL)
    {
      curl_off_t content_length = -1;
      gsize      reserve = 64 * 1024;

      /* Content-Length is the encoded size: a good lower bound with gzip. */
      curl_easy_getinfo (t->easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &content_length);
      if (content_length > 0 && (guint64) content_length <= MIN (limit, MAX_PREALLOC)
          && t->status < 300)
        reserve = (gsize) content_length + 1;
      t->body = g_byte_array_sized_new (reserve);
    }

  if (t->status >= 300)
    {
      /* An error page only needs its start; drop the rest, keep reading. */
      if (t->body->len < MAX_ERROR_BODY)
        g_byte_array_append (t->body, (const guint8 *) data,
                             MIN (length, MAX_ERROR_BODY - t->body->len));
      if (t->body->len + length > MAX_ERROR_BODY)
        t->body_clipped = TRUE;
      return length;
    }

  /* Counted after decoding, so a gzip bomb stops here too. */
  if (length > limit || t->body->len > limit - length)
    {
      t->stop = STOP_TOO_LARGE;
      return 0;
    }
  g_byte_array_append (t->body, (const guint8 *) data, length);
  return length;
}

static struct curl_slist *
request_headers (const gchar        *key,
                 const gchar        *content_type,
                 const gchar *const *extra)
{
  g_autofree gchar  *key_header = g_strconcat ("x-goog-api-key: ", key, NULL);
  g_autofree gchar  *type_header = NULL;
  struct curl_slist *headers = NULL;

  if (content_type != NULL)
    {
      type_header = g_strconcat ("Content-Type: ", content_type, NULL);
      headers = curl_slist_append (headers, type_header);
    }
  headers = curl_slist_append (headers, key_header);
  /* No "Expect: 100-continue": it costs a round trip (or a 1 s wait) per
   * multi-MB request, and the API answers errors in the final response. */
  headers = curl_slist_append (headers, "Expect:");
  for (guint i = 0; extra != NULL && extra[i] != NULL; i++)
    headers = curl_slist_append (headers, extra[i]);
  memset (key_header, 0, strlen (key_header));
  return headers;
}

/* Wipes the copy of the key in the header list before freeing it. */
static void
request_headers_free (struct curl_slist *headers)
{
  for (struct curl_slist *h = headers; h; h = h->next)
    memset (h->data, 0, strlen (h->data));
  curl_slist_free_all (headers);
}

static void
transfer_setup (Transfer          *t,
                const gchar       *method,
                const gchar       *url,
                gconstpointer      body,
                gsize              length,
                struct curl_slist *headers)
{
  const GgClientOptions *o = &t->client->options;
  CURL                  *e = t->easy;

  curl_easy_reset (e);   /* keeps the connection and DNS caches */
  curl_easy_setopt (e, CURLOPT_URL, url);
#if LIBCURL_VERSION_NUM >= 0x075500
  curl_easy_setopt (e, CURLOPT_PROTOCOLS_STR, "http,https");
#else
  curl_easy_setopt (e, CURLOPT_PROTOCOLS, (long) (CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
  curl_easy_setopt (e, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt (e, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt (e, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt (e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (e, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt (e, CURLOPT_USERAGENT, "gimp-gemini/" GG_VERSION);
  curl_easy_setopt (e, CURLOPT_ACCEPT_ENCODING, "");
  if (g_ascii_strcasecmp (method, "GET") == 0)
    curl_easy_setopt (e, CURLOPT_HTTPGET, 1L);
  else
    {
      curl_easy_setopt (e, CURLOPT_POST, 1L);
      /* The caller's buffer, not a copy: request bodies run to many MB. */
      curl_easy_setopt (e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t) length);
      curl_easy_setopt (e, CURLOPT_POSTFIELDS, body);
      if (g_ascii_strcasecmp (method, "POST") != 0)
        curl_easy_setopt (e, CURLOPT_CUSTOMREQUEST, method);
    }
  if (o->connect_timeout > 0)
    curl_easy_setopt (e, CURLOPT_CONNECTTIMEOUT_MS, (long) (o->connect_timeout * 1000));
  /* The model may think for minutes with the line silent: keepalives stop
   * NAT boxes and proxies from dropping the idle connection. */
  curl_easy_setopt (e, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt (e, CURLOPT_TCP_KEEPIDLE, 30L);
  curl_easy_setopt (e, CURLOPT_TCP_KEEPINTVL, 15L);
  curl_easy_setopt (e, CURLOPT_ERRORBUFFER, t->errbuf);
  curl_easy_setopt (e, CURLOPT_WRITEFUNCTION, transfer_write);
  curl_easy_setopt (e, CURLOPT_WRITEDATA, t);
  curl_easy_setopt (e, CURLOPT_HEADERFUNCTION, transfer_header);
  curl_easy_setopt (e, CURLOPT_HEADERDATA, t);
  curl_easy_setopt (e, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt (e, CURLOPT_XFERINFOFUNCTION, transfer_xferinfo);
  curl_easy_setopt (e, CURLOPT_XFERINFODATA, t);
#if LIBCURL_VERSION_NUM >= 0x075000
  curl_easy_setopt (e, CURLOPT_PREREQFUNCTION, transfer_prereq);
  curl_easy_setopt (e, CURLOPT_PREREQDATA, t);
#endif
}

/* Runs the transfer to its end, or until transfer_check () stops it. */
static CURLcode
transfer_run (Transfer *t, CURLM *multi)
{
  CURLcode  result = CURLE_ABORTED_BY_CALLBACK;
  CURLMcode mc;
  CURLMsg  *message;
  int       running = 1;
  int       left;

  t->attempt_start = t->last_activity = g_get_monotonic_time ();
  transfer_report (t, TRUE);   /* CONNECTING */
  if (transfer_check (t))
    return result;

  mc = curl_multi_add_handle (multi, t->easy);
  if (mc != CURLM_OK)
    {
      g_strlcpy (t->errbuf, curl_multi_strerror (mc), sizeof t->errbuf);
      return CURLE_FAILED_INIT;
    }
  while (TRUE)
    {
      mc = curl_multi_perform (multi, &running);
      if (mc != CURLM_OK || running == 0)
        break;   /* finished (a complete answer is never thrown away) */
      if (transfer_check (t))
        break;
      transfer_report (t, FALSE);
      mc = curl_multi_poll (multi, NULL, 0, TICK_MS, NULL);
      if (mc != CURLM_OK)
        break;
    }
  while ((message = curl_multi_info_read (multi, &left)))
    if (message->msg == CURLMSG_DONE && message->easy_handle == t->easy)
      result = message->data.result;
  if (mc != CURLM_OK)
    {
      g_strlcpy (t->errbuf, curl_multi_strerror (mc), sizeof t->errbuf);
      result = CURLE_FAILED_INIT;
    }
  curl_multi_remove_handle (multi, t->easy);
  if (t->status == 0)
    curl_easy_getinfo (t->easy, CURLINFO_RESPONSE_CODE, &t->status);
  return result;
}

/* curl's own detail for a message, or its generic text. */
static const gchar *
transfer_detail (Transfer *t, CURLcode code)
{
  gsize length = strlen (t->errbuf);

  while (length > 0 && g_ascii_isspace (t->errbuf[length - 1]))
    t->errbuf[--length] = '\0';
  return length > 0 ? t->errbuf : curl_easy_strerror (code);
}

static gboolean
status_is_retryable (glong status)
{
  return status == 408 || status == 429 || status == 500 || status == 502
         || status == 503 || status == 504;
}

/* Why a connection failed, from the system's error number (curl's own
 * message does not always carry it). */
static const gchar *
connect_failure (Transfer *t)
{
  long os_errno = 0;

  curl_easy_getinfo (t->easy, CURLINFO_OS_ERRNO, &os_errno);
  switch (os_errno)
    {
    case ECONNREFUSED:
      return "connection refused";
    case EHOSTUNREACH:
      return "no route to the host";
    case ENETUNREACH:
      return "the network is unreachable";
    case ETIMEDOUT:
      return "the connection timed out";
    case ECONNRESET:
      return "the connection was reset";
    default:
      return "the connection failed";
    }
}

/* A request about a file or a batch, not a model: "not found" and "not
 * allowed" are about that thing (which may have expired), and a failed
 * precondition is its state, not the region's billing. */
static void
subject_error (GError **error, const GgApiError *api, const gchar *subject)
{
  g_autofree gchar *message = api->message ? gg_excerpt (api->message, -1, 200, FALSE)
                                           : g_strdup (api->status ? api->status : "");
  GError           *replaced = NULL;

  if ((*error)->domain != GG_ERROR)
    return;
  if (api->http_status == 404
      || ((*error)->code == GG_ERROR_PERMISSION && api->http_status == 403))
    replaced = g_error_new (GG_ERROR, GG_ERROR_FAILED,
                            "The server does not know %s (“%s”): it may have expired "
                            "(files last 48 hours), been deleted, or belong to another "
                            "API key's project.", subject, message);
  else if (g_strcmp0 (api->status, "FAILED_PRECONDITION") == 0)
    replaced = g_error_new (GG_ERROR, GG_ERROR_BAD_ARGUMENT,
                            "The server refused this for %s in its present state (“%s”).",
                            subject, message);
  if (replaced != NULL)
    {
      g_error_free (*error);
      *error = replaced;
    }
}

/* Turns the end of an attempt into success (TRUE) or an error, and says
 * whether another attempt may help and after how long (< 0: backoff). */
static gboolean
transfer_outcome (Transfer  *t,
                  CURLcode   code,
                  gboolean  *retryable,
                  gdouble   *retry_delay,
                  GError   **error)
{
  const GgClientOptions *o = &t->client->options;
  const gchar           *key = t->client->api_key;
  const gchar           *host = t->client->host;

  *retryable   = FALSE;
  *retry_delay = -1;

  switch (t->stop)
    {
    case STOP_NONE:
      break;
    case STOP_CANCELLED:
      set_error (error, GG_ERROR_CANCELLED, NULL, "Cancelled.");
      return FALSE;
    case STOP_TOO_LARGE:
      set_error (error, GG_ERROR_TOO_LARGE, NULL,
                 "The answer is larger than the %" G_GSIZE_FORMAT " MB limit: "
                 "ask for fewer or smaller images.",
                 (o->max_body ? o->max_body : (gsize) 512 << 20) / (1024 * 1024));
      return FALSE;
    case STOP_UPLOAD_STALL:
      *retryable = TRUE;
      set_error (error, GG_ERROR_TIMEOUT, NULL,
                 "Sending the request to %s stalled (no progress for %.0f s): "
                 "check your network and try again.", host, o->stall_timeout);
      return FALSE;
    case STOP_FIRST_BYTE:
      *retryable = TRUE;
      set_error (error, GG_ERROR_TIMEOUT, NULL,
                 "The server did not start answering within %.0f s: the model may be "
                 "overloaded; try again later or raise the waiting time.",
                 o->first_byte_timeout);
      return FALSE;
    case STOP_STALL:
      set_error (error, GG_ERROR_TIMEOUT, NULL,
                 "The server stopped sending in the middle of the answer (no data "
                 "for %.0f s): check your network and try again.", o->stall_timeout);
      return FALSE;
    case STOP_SLOW:
      set_error (error, GG_ERROR_TIMEOUT, NULL,
                 "The answer was arriving too slowly (under %.0f bytes/s for %.0f s): "
                 "check your network and try again.", o->low_speed_bytes,
                 o->low_speed_time);
      return FALSE;
    case STOP_TOTAL:
      *retryable = !t->response_began;
      set_error (error, GG_ERROR_TIMEOUT, NULL,
                 "The request took longer than the %.0f s limit: try again, or raise "
                 "the time limit.", o->total_timeout);
      return FALSE;
    }

  /* An HTTP error says more than however its body ended. */
  if (t->status >= 300)
    {
      g_autoptr(GgApiError) api = NULL;
      GError               *api_error;
      const gchar          *data = t->body ? (const gchar *) t->body->data : "";
      gsize                 length = t->body ? t->body->len : 0;

      api = gg_api_error_parse ((gint) t->status, data, length);
      api_error = gg_api_error_to_gerror (api, t->model);
      if (t->subject != NULL)
        subject_error (&api_error, api, t->subject);
      redact_error (api_error, key);
      *retryable = status_is_retryable (t->status)
                   && !(api_error->domain == GG_ERROR && api_error->code == GG_ERROR_QUOTA_ZERO)
                   && !api->quota_zero;
      *retry_delay = api->retry_delay >= 0 ? api->retry_delay : t->retry_after;
      g_propagate_error (error, api_error);
      return FALSE;
    }

  if (code == CURLE_OK)
    {
      if (t->status >= 200)
        return TRUE;
      set_error (error, GG_ERROR_BAD_RESPONSE, key,
                 "The server at %s sent an unexpected answer (HTTP %ld): check the "
                 "base URL and any proxy.", host, t->status);
      return FALSE;
    }

  switch (code)
    {
    case CURLE_COULDNT_RESOLVE_HOST:
      *retryable = TRUE;
      set_error (error, GG_ERROR_NETWORK, key,
                 "Could not find the server %s (DNS lookup failed): check the "
                 "address, your network or proxy.", host);
      break;
    case CURLE_COULDNT_RESOLVE_PROXY:
      *retryable = TRUE;
      set_error (error, GG_ERROR_NETWORK, key,
                 "Could not find the proxy server (DNS lookup failed): check the "
                 "proxy settings (https_proxy).");
      break;
    case CURLE_COULDNT_CONNECT:
      *retryable = TRUE;
      set_error (error, GG_ERROR_NETWORK, key,
                 "Could not connect to %s: %s. Check your network or proxy.",
                 host, connect_failure (t));
      break;
    case CURLE_OPERATION_TIMEDOUT:
      /* Only the connect timeout is left to curl. */
      *retryable = TRUE;
      set_error (error, GG_ERROR_TIMEOUT, key,
                 "Could not connect to %s within %.0f s: check your network or proxy.",
                 host, o->connect_timeout);
      break;
    case CURLE_PEER_FAILED_VERIFICATION:
#if LIBCURL_VERSION_NUM < 0x073e00
    case CURLE_SSL_CACERT:
#endif
      set_error (error, GG_ERROR_NETWORK, key,
                 "The certificate of %s could not be verified (%s): check the "
                 "system clock and any proxy that intercepts https.",
                 host, transfer_detail (t, code));
      break;
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
      set_error (error, GG_ERROR_NETWORK, key,
                 "The system's trusted certificates could not be loaded (%s): "
                 "install the ca-certificates package.", transfer_detail (t, code));
      break;
    case CURLE_SSL_CONNECT_ERROR:
      set_error (error, GG_ERROR_NETWORK, key,
                 "The secure (TLS) connection to %s failed (%s): check any proxy "
                 "or firewall that intercepts https.", host, transfer_detail (t, code));
      break;
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
      if (t->response_began)
        set_error (error, GG_ERROR_NETWORK, key,
                   "The connection was closed before the answer was complete "
                   "(%" G_GINT64_FORMAT " bytes received): try again.", t->received);
      else
        {
          /* Nothing came back, so nothing was generated or billed. */
          *retryable = TRUE;
          set_error (error, GG_ERROR_NETWORK, key,
                     "The connection to %s was closed before any answer arrived: "
                     "check your network or proxy and try again.", host);
        }
      break;
    case CURLE_PARTIAL_FILE:
      /* The framing promised more than came: the connection was cut, the
       * bytes we have are not wrong, so it is a network failure (the same
       * request may succeed), not a malformed answer.  Not retried: the
       * answer had begun, the generation is likely billed. */
      if (t->receive_total > 0)
        set_error (error, GG_ERROR_NETWORK, key,
                   "The connection was closed before the answer was complete "
                   "(%" G_GINT64_FORMAT " of %" G_GINT64_FORMAT " bytes received): "
                   "try again.", t->received, t->receive_total);
      else
        set_error (error, GG_ERROR_NETWORK, key,
                   "The connection was closed before the answer was complete "
                   "(%" G_GINT64_FORMAT " bytes received): try again.", t->received);
      break;
    case CURLE_BAD_CONTENT_ENCODING:
      /* The bytes arrived but do not decode: the answer itself is broken. */
      set_error (error, GG_ERROR_BAD_RESPONSE, key,
                 "The server's compressed answer could not be decoded (%s): "
                 "try again, or check any proxy in between.", transfer_detail (t, code));
      break;
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
      set_error (error, GG_ERROR_INSECURE_URL, key,
                 "The address of the Gemini server is not usable (%s): check the "
                 "base URL.", transfer_detail (t, code));
      break;
    case CURLE_OUT_OF_MEMORY:
      set_error (error, GG_ERROR_FAILED, key, "Out of memory while talking to %s.", host);
      break;
    default:
      if (!t->response_began)
        *retryable = TRUE;
      set_error (error, GG_ERROR_NETWORK, key,
                 "The request to %s failed (%s): check your network or proxy and "
                 "try again.", host, transfer_detail (t, code));
      break;
    }
  return FALSE;
}

/* ----- the call: attempts, waits between them ----------------------------- */

static void
waker_cancelled (GCancellable *cancellable, gpointer data)
{
  Waker *waker = data;

  /* Any thread: curl_multi_wakeup () and GCond are both safe here. */
  g_mutex_lock (&waker->mutex);
  waker->cancelled = TRUE;
  g_cond_broadcast (&waker->cond);
  if (waker->multi)
    curl_multi_wakeup (waker->multi);
  g_mutex_unlock (&waker->mutex);
}

/* Sleeps @seconds reporting RETRY_WAIT; FALSE when cancelled. */
static gboolean
client_wait (GgClient *client,
             Waker    *waker,
             gdouble   seconds,
             gint      next_attempt,
             gint64    call_start)
{
  gint64   end = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);
  gboolean cancelled;

  g_mutex_lock (&waker->mutex);
  while (!waker->cancelled)
    {
      gint64     now = g_get_monotonic_time ();
      GgProgress progress = { 0, };
      gboolean   go_on;

      if (now >= end)
        break;
      progress.phase    = GG_PHASE_RETRY_WAIT;
      progress.attempt  = next_attempt;
      progress.elapsed  = (now - call_start) / (gdouble) G_USEC_PER_SEC;
      progress.retry_in = (end - now) / (gdouble) G_USEC_PER_SEC;
      g_mutex_unlock (&waker->mutex);
      go_on = client_report (client, &progress);
      g_mutex_lock (&waker->mutex);
      if (!go_on)
        waker->cancelled = TRUE;
      else if (!waker->cancelled)
        g_cond_wait_until (&waker->cond, &waker->mutex,
                           MIN (end, now + TICK_MS * 1000));
    }
  cancelled = waker->cancelled;
  g_mutex_unlock (&waker->mutex);
  return !cancelled;
}

static gdouble
backoff_delay (const GgClientOptions *o, gint failed_attempts)
{
  gdouble ceiling = MAX (o->backoff_initial, 0);

  for (gint i = 1; i < failed_attempts && ceiling < o->backoff_max; i++)
    ceiling *= 2;
  ceiling = MIN (ceiling, MAX (o->backoff_max, 0));
  /* Full jitter: clients that failed together do not retry together. */
  return ceiling > 0 ? g_random_double_range (0, ceiling) : 0;
}

static gchar *
describe_wait (gdouble seconds)
{
  if (seconds >= 3600)
    return g_strdup_printf ("%.1f hours", seconds / 3600);
  if (seconds >= 120)
    {
      gint whole = (gint) (seconds + 0.5);

      return whole % 60 == 0 ? g_strdup_printf ("%d minutes", whole / 60)
                             : g_strdup_printf ("%d min %d s", whole / 60, whole % 60);
    }
  return g_strdup_printf ("%.0f seconds", seconds);
}

/* The body of a 2xx answer, followed in memory by a NUL byte that the
 * GBytes' size does not count (g_bytes_unref). */
static GBytes *
client_call (GgClient            *client,
             const gchar         *url,
             const GgHttpRequest *request,
             GHashTable         **headers_out,
             GCancellable        *cancellable,
             GError             **error)
{
  const gchar       *method = request->method ? request->method : "POST";
  gconstpointer      body = request->body ? request->body : "";
  gsize              length = request->length;
  const gchar       *model = request->model;
  const gchar       *content_type = request->content_type;
  struct curl_slist *headers;
  Waker              waker = { 0, };
  gulong             handler = 0;
  gint64             call_start = g_get_monotonic_time ();
  gint               attempts = MAX (client->options.max_retries, 0) + 1;
  GBytes            *result = NULL;

  if (client->multi == NULL)
    client->multi = curl_multi_init ();
  if (client->easy == NULL)
    client->easy = curl_easy_init ();
  if (client->multi == NULL || client->easy == NULL)
    {
      set_error (error, GG_ERROR_FAILED, NULL,
                 "The network library (libcurl) could not start a transfer.");
      return NULL;
    }

  g_mutex_init (&waker.mutex);
  g_cond_init (&waker.cond);
  waker.multi = client->multi;
  if (cancellable)
    handler = g_cancellable_connect (cancellable, G_CALLBACK (waker_cancelled),
                                     &waker, NULL);
  if (content_type == NULL && g_ascii_strcasecmp (method, "GET") != 0)
    content_type = "application/json";
  headers = request_headers (client->api_key, content_type, request->headers);

  for (gint attempt = 1; attempt <= attempts; attempt++)
    {
      Transfer  t = { 0, };
      GError   *local = NULL;
      CURLcode  code;
      gboolean  retryable;
      gdouble   delay;

      t.client      = client;
      t.easy        = client->easy;
      t.model       = model;
      t.subject     = request->subject;
      t.cancellable = cancellable;
      t.attempt     = attempt;
      t.call_start  = call_start;
      t.phase       = GG_PHASE_CONNECTING;
      t.send_total  = (gint64) length;
      t.retry_after = -1;
      if (headers_out != NULL)
        t.headers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      transfer_setup (&t, method, url, body, length, headers);
      code = transfer_run (&t, client->multi);
      /* Nothing in the handle may point at this stack frame any more. */
      curl_easy_reset (client->easy);

      if (transfer_outcome (&t, code, &retryable, &delay, &local))
        {
          guint8 nul = 0;
          gsize  size;

          if (t.body == NULL)
            t.body = g_byte_array_new ();
          size = t.body->len;
          g_byte_array_append (t.body, &nul, 1);
          g_byte_array_set_size (t.body, size);
          result = g_byte_array_free_to_bytes (t.body);
          if (headers_out != NULL)
            *headers_out = g_steal_pointer (&t.headers);
          break;
        }
      if (t.body)
        g_byte_array_unref (t.body);
      g_clear_pointer (&t.headers, g_hash_table_unref);

      if (retryable && delay > MAX_RETRY_DELAY)
        {
          g_autofree gchar *wait = describe_wait (delay);
          g_autofree gchar *note = g_strdup_printf ("the server asks to wait %s "
                                                    "before trying again", wait);
          error_add_note (local, note);
          g_propagate_error (error, local);
          break;
        }
      if (!retryable || attempt == attempts)
        {
          if (retryable && attempt > 1)
            {
              g_autofree gchar *note = g_strdup_printf ("gave up after %d attempts",
                                                        attempt);
              error_add_note (local, note);
            }
          g_propagate_error (error, local);
          break;
        }

      if (delay < 0)
        delay = backoff_delay (&client->options, attempt);
      if (client->options.call_timeout > 0
          && (g_get_monotonic_time () - call_start) / (gdouble) G_USEC_PER_SEC + delay
             > client->options.call_timeout)
        {
          /* Waiting would only end in the caller's time limit: say what the
           * server said instead. */
          g_autofree gchar *wait = describe_wait (delay);
          g_autofree gchar *note = g_strdup_printf ("a retry in %s would pass the "
                                                    "%.0f s time limit", wait,
                                                    client->options.call_timeout);
          error_add_note (local, note);
          g_propagate_error (error, local);
          break;
        }
      g_clear_error (&local);
      if (!client_wait (client, &waker, delay, attempt + 1, call_start))
        {
          set_error (error, GG_ERROR_CANCELLED, NULL, "Cancelled.");
          break;
        }
    }

  request_headers_free (headers);
  /* Waits for a handler running on another thread; 0 when the cancellable
   * was already cancelled and the handler ran at connect time. */
  if (handler)
    g_cancellable_disconnect (cancellable, handler);
  g_mutex_clear (&waker.mutex);
  g_cond_clear (&waker.cond);
  return result;
}

/* The URL of @path: relative to the base URL, or an absolute URL whose
 * path and query are kept on the base URL's scheme and host (as the SDKs
 * treat an upload URL), so the key never goes to another host.  g_free. */
static gchar *
client_url (GgClient *client, const gchar *path, GError **error)
{
  g_autoptr(GUri) base = NULL;
  g_autoptr(GUri) given = NULL;
  const gchar    *query;

  if (!g_str_has_prefix (path, "http://") && !g_str_has_prefix (path, "https://"))
    {
      while (*path == '/')
        path++;
      return g_strconcat (client->base_url, "/", path, NULL);
    }
  base = g_uri_parse (client->base_url, G_URI_FLAGS_ENCODED, NULL);
  given = g_uri_parse (path, G_URI_FLAGS_ENCODED, NULL);
  if (base == NULL || given == NULL)
    {
      set_error (error, GG_ERROR_BAD_RESPONSE, client->api_key,
                 "The server at %s gave an address that is not a valid URL: try again.",
                 client->host);
      return NULL;
    }
  query = g_uri_get_query (given);
  return g_strdup_printf ("%s://%s%s%s%s%s", g_uri_get_scheme (base), client->host,
                          *g_uri_get_path (given) == '/' ? "" : "/", g_uri_get_path (given),
                          query ? "?" : "", query ? query : "");
}

GBytes *
gg_client_call (GgClient     *client,
                const gchar  *method,
                const gchar  *path,
                const gchar  *subject,
                GCancellable *cancellable,
                GError      **error)
{
  GgHttpRequest request = { 0, };

  request.method  = method;
  request.path    = path;
  request.subject = subject;
  return gg_client_request (client, &request, NULL, cancellable, error);
}

GBytes *
gg_client_request (GgClient            *client,
                   const GgHttpRequest *request,
                   GHashTable         **headers,
                   GCancellable        *cancellable,
                   GError             **error)
{
  g_autofree gchar *url = NULL;

  g_return_val_if_fail (client != NULL, NULL);
  g_return_val_if_fail (request != NULL && request->path != NULL, NULL);
  g_return_val_if_fail (request->body != NULL || request->length == 0, NULL);

  if (headers != NULL)
    *headers = NULL;
  for (guint i = 0; request->headers != NULL && request->headers[i] != NULL; i++)
    if (strpbrk (request->headers[i], "\r\n") != NULL)
      {
        set_error (error, GG_ERROR_FAILED, NULL, "A request header holds a line break.");
        return NULL;
      }
  url = client_url (client, request->path, error);
  if (url == NULL)
    return NULL;
  return client_call (client, url, request, headers, cancellable, error);
}

GBytes *
gg_client_post_json (GgClient     *client,
                     const gchar  *path,
                     const gchar  *body,
                     gsize         length,
                     const gchar  *model,
                     GCancellable *cancellable,
                     GError      **error)
{
  GgHttpRequest request = { 0, };

  g_return_val_if_fail (client != NULL, NULL);
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (body != NULL || length == 0, NULL);

  request.method = "POST";
  request.path   = path;
  request.body   = body;
  request.length = length;
  request.model  = model;
  return gg_client_request (client, &request, NULL, cancellable, error);
}

const gchar *
gg_client_get_base_url (GgClient *client)
{
  return client->base_url;
}

GgResponse *
gg_client_generate (GgClient        *client,
                    const GgRequest *request,
                    GCancellable    *cancellable,
                    GError         **error)
{
  g_autofree gchar *json = NULL;
  g_autofree gchar *escaped = NULL;
  g_autofree gchar *path = NULL;
  g_autoptr(GBytes) answer = NULL;
  const gchar      *model;
  GgResponse       *response;
  GError           *local = NULL;
  gsize             length = 0;
  gsize             size = 0;
  const gchar      *data;

  g_return_val_if_fail (client != NULL, NULL);
  g_return_val_if_fail (request != NULL, NULL);

  if (!gg_request_validate (request, error))
    return NULL;
  model = gg_request_get_model (request);
  /* Names copied from the documentation often carry the "models/" prefix. */
  if (g_str_has_prefix (model, "models/"))
    model += strlen ("models/");
  escaped = g_uri_escape_string (model, NULL, FALSE);
  path = g_strdup_printf ("v1beta/models/%s:generateContent", escaped);

  json = gg_request_to_json (request, FALSE, &length);
  answer = gg_client_post_json (client, path, json, length, model, cancellable, error);
  if (answer == NULL)
    return NULL;
  g_clear_pointer (&json, g_free);   /* the request can be MBs: free it early */

  data = g_bytes_get_data (answer, &size);
  response = gg_response_parse (data ? data : "", size, &client->options.limits, &local);
  if (response == NULL)
    {
      redact_error (local, client->api_key);
      g_propagate_error (error, local);
    }
  return response;
}
