/* gg-client.c: see gg-client.h.
 *
 * Every call, one request or several at once (gg_client_request_many ()),
 * runs in one loop over the client's libcurl multi handle: each request is
 * a Call with its own easy handle, attempts, retry waits and outcome, and
 * the calling thread wakes at least every TICK_MS to enforce each
 * attempt's first-byte, stall and total timeouts, to report progress, to
 * start the retries that are due and to notice cancellation; a
 * g_cancellable_cancel () from another thread wakes it at once through
 * curl_multi_wakeup ().  Everything per request lives in Call and Transfer,
 * nothing in globals.
 */
#include "gg-client.h"

#include <curl/curl.h>
#include <errno.h>
#include <math.h>
#include <string.h>

#include "gg-api-error.h"
#include "gg-error.h"

#ifndef GG_VERSION
#define GG_VERSION "0.1.0"
#endif

#define TICK_MS            100                  /* longest sleep of the loops */
#define REPORT_INTERVAL    (90 * 1000)          /* µs between progress calls (< TICK_MS) */
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
  GPtrArray      *easies;        /* of CURL*: one per request of a call */
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

typedef struct
{
  GgClient     *client;
  CURL         *easy;
  guint         index;            /* of the request in its call (GgProgress.index) */
  gboolean     *halt;             /* the whole call is being cancelled */
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
  gchar        *limit;            /* a 429's limit (gg_api_error_limit), for sentences */
  gboolean      retry_info;       /* the delay asked for is the server's RetryInfo */
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
  options->max_wait           = 120;
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

/* The host as a URL writes it: "host", "host:port", "[v6]" or
 * "[v6]:port" (GUri gives an IPv6 host without its brackets).  g_free. */
static gchar *
uri_host_port (GUri *uri)
{
  const gchar *host = g_uri_get_host (uri);
  gboolean     v6 = strchr (host, ':') != NULL;

  if (g_uri_get_port (uri) > 0)
    return g_strdup_printf (v6 ? "[%s]:%d" : "%s:%d", host, g_uri_get_port (uri));
  return v6 ? g_strdup_printf ("[%s]", host) : g_strdup (host);
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
  gg_redact_register (client->api_key);
  client->base_url = g_steal_pointer (&url);
  client->host     = uri_host_port (uri);
  gg_client_options_init (&client->options);
  return client;
}

void
gg_client_free (GgClient *client)
{
  if (client == NULL)
    return;
  if (client->easies)
    g_ptr_array_unref (client->easies);
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
  progress.index          = t->index;
  if (!client_report (t->client, &progress))
    {
      /* A cancel from the progress callback ends every request of the call. */
      *t->halt = TRUE;
      if (t->stop == STOP_NONE)
        t->stop = STOP_CANCELLED;
    }
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
  if (*t->halt || (t->cancellable && g_cancellable_is_cancelled (t->cancellable)))
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

/* A loopback server is reached directly, never through a proxy from the
 * environment (http_proxy, all_proxy...): over plain http the proxy would
 * read the key, and it could not reach our loopback anyway. */
static void
transfer_setup_proxy (Transfer *t)
{
  g_autoptr(GUri) uri = g_uri_parse (t->client->base_url, G_URI_FLAGS_NONE, NULL);

  if (uri != NULL && g_uri_get_host (uri) != NULL && host_is_loopback (g_uri_get_host (uri)))
    curl_easy_setopt (t->easy, CURLOPT_NOPROXY, "*");
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
  transfer_setup_proxy (t);
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
      /* Neither a quota of 0 nor a per-day quota comes back in a while. */
      *retryable = status_is_retryable (t->status)
                   && !(api_error->domain == GG_ERROR
                        && (api_error->code == GG_ERROR_QUOTA_ZERO
                            || api_error->code == GG_ERROR_QUOTA_DAILY))
                   && !api->quota_zero && !api->quota_daily;
      *retry_delay = api->retry_delay >= 0 ? api->retry_delay : t->retry_after;
      t->retry_info = api->retry_delay >= 0;
      g_clear_pointer (&t->limit, g_free);
      if (t->status == 429)
        t->limit = gg_api_error_limit (api, t->model);
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

/* ----- calls: attempts, waits between them, several at once ---------------- */

typedef enum
{
  CALL_READY,      /* the next attempt may start */
  CALL_RUNNING,    /* its easy handle is in the multi handle */
  CALL_WAITING,    /* until wake_at, before the next attempt */
  CALL_DONE,
} CallState;

/* One request of a call, from its first attempt to its outcome. */
typedef struct
{
  guint                index;
  const GgHttpRequest *request;       /* borrowed */
  gchar               *url;
  const gchar         *method;
  gconstpointer        body;
  struct curl_slist   *headers;
  gboolean             want_headers;
  gint                 attempts;      /* allowed in all */
  gint                 attempt;       /* the running or next one, 1-based */
  gint64               call_start;    /* monotonic µs */
  gint64               wake_at;       /* CALL_WAITING: when the next attempt starts */
  gint64               last_report;
  CallState            state;
  gboolean             announced;     /* its finished report was made */
  GgPhase              last_phase;    /* of the last report */
  Transfer             t;             /* the running attempt */
  GBytes              *result;
  GHashTable          *result_headers;
  GError              *error;
  gdouble              waited;        /* s of waits started so far */
  gint                 server_waits;  /* waits the server asked for (RetryInfo) */
  gchar               *wait_reason;   /* the sentence of the failure waited out */
  gboolean             server_asked;  /* the current wait is the server's */
} Call;

typedef struct
{
  GgClient     *client;
  Call         *calls;
  guint         n;
  GCancellable *cancellable;
  gboolean      halt;                 /* a progress callback said stop */
} Loop;

static void
waker_cancelled (GCancellable *cancellable, gpointer data)
{
  /* Any thread: curl_multi_wakeup () is made for this. */
  curl_multi_wakeup (data);
}

/* The last report of each call that has reached its outcome. */
static void
loop_announce_done (Loop *loop)
{
  for (guint i = 0; i < loop->n; i++)
    {
      Call      *call = &loop->calls[i];
      GgProgress progress = { 0, };

      if (call->state != CALL_DONE || call->announced)
        continue;
      call->announced   = TRUE;
      progress.phase    = call->last_phase;
      progress.attempt  = MAX (call->attempt, 1);
      progress.sent     = call->t.sent;
      progress.send_total = call->t.send_total;
      progress.received = call->t.received;
      progress.receive_total = call->t.receive_total;
      progress.elapsed  = call->call_start > 0
                          ? (g_get_monotonic_time () - call->call_start) / (gdouble) G_USEC_PER_SEC
                          : 0;
      progress.index    = call->index;
      progress.finished = TRUE;
      if (!client_report (loop->client, &progress))
        loop->halt = TRUE;
    }
}

static gboolean
loop_cancelled (Loop *loop)
{
  return loop->halt
         || (loop->cancellable && g_cancellable_is_cancelled (loop->cancellable));
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
  if (seconds < 10 && fabs (seconds - round (seconds)) >= 0.05)
    return g_strdup_printf ("%.1f seconds", seconds);
  if (round (seconds) == 1)
    return g_strdup ("1 second");
  return g_strdup_printf ("%.0f seconds", seconds);
}

/* A call that is not to be sent: its outcome is @error. */
static void
call_init_failed (Call *call, guint index, GError *error)
{
  memset (call, 0, sizeof *call);
  call->index = index;
  call->state = CALL_DONE;
  call->error = error;
}

/* @url is taken. */
static void
call_init (Call                *call,
           GgClient            *client,
           guint                index,
           const GgHttpRequest *request,
           gchar               *url,
           gboolean             want_headers)
{
  const gchar *content_type = request->content_type;

  memset (call, 0, sizeof *call);
  call->index        = index;
  call->request      = request;
  call->url          = url;
  call->method       = request->method ? request->method : "POST";
  call->body         = request->body ? request->body : "";
  call->want_headers = want_headers;
  call->attempts     = MAX (client->options.max_retries, 0) + 1;
  call->attempt      = 1;
  call->call_start   = g_get_monotonic_time ();
  call->state        = CALL_READY;
  if (content_type == NULL && g_ascii_strcasecmp (call->method, "GET") != 0)
    content_type = "application/json";
  call->headers = request_headers (client->api_key, content_type, request->headers);
}

/* Frees what the call kept for sending; its outcome stays. */
static void
call_clear (Call *call)
{
  g_clear_pointer (&call->wait_reason, g_free);
  if (call->headers)
    request_headers_free (call->headers);
  call->headers = NULL;
  g_clear_pointer (&call->url, g_free);
}

static void
call_report_wait (Loop *loop, Call *call, gboolean force)
{
  gint64     now = g_get_monotonic_time ();
  GgProgress progress = { 0, };

  if (!force && now - call->last_report < REPORT_INTERVAL)
    return;
  call->last_report = now;
  call->last_phase  = GG_PHASE_RETRY_WAIT;
  progress.phase    = GG_PHASE_RETRY_WAIT;
  progress.attempt  = call->attempt;
  progress.elapsed  = (now - call->call_start) / (gdouble) G_USEC_PER_SEC;
  progress.retry_in = MAX (call->wake_at - now, 0) / (gdouble) G_USEC_PER_SEC;
  progress.index    = call->index;
  progress.reason   = call->wait_reason;
  progress.server_asked = call->server_asked;
  if (!client_report (loop->client, &progress))
    loop->halt = TRUE;
}

/* Replaces @error's message (keeping its code) by a sentence. */
static void
error_reword (GError *error, gchar *message)
{
  g_free (error->message);
  error->message = message;
}

/* FALSE (and the call's outcome set from @local) when the wait of @delay s
 * may not start: the server's RetryInfo was honoured once already, or the
 * waits of the call would pass options.max_wait.  @limit: the 429's limit
 * (gg_api_error_limit), NULL for other failures. */
static gboolean
call_may_wait (GgClient    *client,
               Call        *call,
               GError      *local,
               const gchar *limit,
               gdouble      delay,
               gboolean     server_asked)
{
  gdouble           max_wait = MAX (client->options.max_wait, 0);
  g_autofree gchar *wait = describe_wait (delay);
  g_autofree gchar *most = describe_wait (max_wait);
  g_autofree gchar *waited = describe_wait (call->waited);

  if (server_asked && call->server_waits > 0)
    {
      if (limit != NULL)
        error_reword (local, g_strdup_printf ("%c%s is still reached after waiting %s "
                                              "as the server asked: try again in a few "
                                              "minutes, or enable billing for higher "
                                              "limits.", g_ascii_toupper (limit[0]),
                                              limit + 1, waited));
      else
        {
          g_autofree gchar *note = g_strdup_printf ("still so after waiting %s as the "
                                                    "server asked", waited);
          error_add_note (local, note);
        }
      call->error = local;
      return FALSE;
    }
  if (call->waited + delay > max_wait + 1e-9)
    {
      if (limit != NULL && server_asked)
        error_reword (local, g_strdup_printf ("%c%s was reached and the server asks to "
                                              "wait %s, longer than the %s gimp-gemini "
                                              "waits: try again later, or enable "
                                              "billing for higher limits.",
                                              g_ascii_toupper (limit[0]), limit + 1,
                                              wait, most));
      else
        {
          g_autofree gchar *note = call->waited > 0
            ? g_strdup_printf ("gave up after waiting %s, the most gimp-gemini waits "
                               "is %s", waited, most)
            : g_strdup_printf ("the server asks to wait %s, longer than the %s "
                               "gimp-gemini waits", wait, most);
          error_add_note (local, note);
        }
      call->error = local;
      return FALSE;
    }
  return TRUE;
}

/* The end of the running attempt (@added: its handle is in the multi
 * handle): the outcome, or a wait before the next attempt. */
static void
call_end_attempt (Loop *loop, Call *call, CURLcode code, gboolean added)
{
  GgClient *client = loop->client;
  Transfer *t = &call->t;
  GError   *local = NULL;
  gboolean  retryable;
  gboolean  server_asked;
  gboolean  succeeded;
  gdouble   delay;
  g_autofree gchar *limit = NULL;

  if (added)
    curl_multi_remove_handle (client->multi, t->easy);
  if (t->status == 0)
    curl_easy_getinfo (t->easy, CURLINFO_RESPONSE_CODE, &t->status);
  call->state      = CALL_DONE;
  call->last_phase = t->phase;

  succeeded = transfer_outcome (t, code, &retryable, &delay, &local);
  limit = g_steal_pointer (&t->limit);
  if (succeeded)
    {
      guint8 nul = 0;
      gsize  size;

      if (t->body == NULL)
        t->body = g_byte_array_new ();
      size = t->body->len;
      g_byte_array_append (t->body, &nul, 1);
      g_byte_array_set_size (t->body, size);
      call->result = g_byte_array_free_to_bytes (g_steal_pointer (&t->body));
      call->result_headers = g_steal_pointer (&t->headers);
      /* Nothing in the handle may point at this attempt any more. */
      curl_easy_reset (t->easy);
      return;
    }
  curl_easy_reset (t->easy);
  g_clear_pointer (&t->body, g_byte_array_unref);
  g_clear_pointer (&t->headers, g_hash_table_unref);

  if (!retryable || call->attempt == call->attempts)
    {
      if (retryable && call->attempt > 1)
        {
          g_autofree gchar *note = g_strdup_printf ("gave up after %d attempts",
                                                    call->attempt);
          error_add_note (local, note);
        }
      call->error = local;
      return;
    }

  server_asked = delay >= 0;
  if (!server_asked)
    delay = backoff_delay (&client->options, call->attempt);
  if (!call_may_wait (client, call, local, limit, delay, server_asked))
    return;
  if (client->options.call_timeout > 0
      && (g_get_monotonic_time () - call->call_start) / (gdouble) G_USEC_PER_SEC + delay
         > client->options.call_timeout)
    {
      /* Waiting would only end in the caller's time limit: say what the
       * server said instead. */
      g_autofree gchar *wait = describe_wait (delay);
      g_autofree gchar *note = g_strdup_printf ("a retry in %s would pass the "
                                                "%.0f s time limit", wait,
                                                client->options.call_timeout);
      error_add_note (local, note);
      call->error = local;
      return;
    }
  call->waited += delay;
  if (server_asked)
    call->server_waits++;
  call->server_asked = server_asked;
  g_free (call->wait_reason);
  call->wait_reason = g_strdup (local->message);
  g_clear_error (&local);
  call->attempt++;
  call->state   = CALL_WAITING;
  call->wake_at = g_get_monotonic_time () + (gint64) (delay * G_USEC_PER_SEC);
  call_report_wait (loop, call, TRUE);
}

static void
call_start_attempt (Loop *loop, Call *call)
{
  GgClient *client = loop->client;
  Transfer *t = &call->t;
  CURLMcode mc;

  memset (t, 0, sizeof *t);
  t->client      = client;
  t->easy        = g_ptr_array_index (client->easies, call->index);
  t->index       = call->index;
  t->halt        = &loop->halt;
  t->model       = call->request->model;
  t->subject     = call->request->subject;
  t->cancellable = loop->cancellable;
  t->attempt     = call->attempt;
  t->call_start  = call->call_start;
  t->phase       = GG_PHASE_CONNECTING;
  t->send_total  = (gint64) call->request->length;
  t->retry_after = -1;
  if (call->want_headers)
    t->headers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  transfer_setup (t, call->method, call->url, call->body, call->request->length,
                  call->headers);
  curl_easy_setopt (t->easy, CURLOPT_PRIVATE, call);
  call->state = CALL_RUNNING;

  t->attempt_start = t->last_activity = g_get_monotonic_time ();
  transfer_report (t, TRUE);   /* CONNECTING */
  if (transfer_check (t))
    {
      call_end_attempt (loop, call, CURLE_ABORTED_BY_CALLBACK, FALSE);
      return;
    }
  mc = curl_multi_add_handle (client->multi, t->easy);
  if (mc != CURLM_OK)
    {
      g_strlcpy (t->errbuf, curl_multi_strerror (mc), sizeof t->errbuf);
      call_end_attempt (loop, call, CURLE_FAILED_INIT, FALSE);
    }
}

/* The multi handle itself failed: every running attempt ends with it. */
static void
loop_fail_running (Loop *loop, CURLMcode mc)
{
  for (guint i = 0; i < loop->n; i++)
    if (loop->calls[i].state == CALL_RUNNING)
      {
        Call *call = &loop->calls[i];

        g_strlcpy (call->t.errbuf, curl_multi_strerror (mc), sizeof call->t.errbuf);
        call_end_attempt (loop, call, CURLE_FAILED_INIT, TRUE);
      }
}

typedef struct
{
  CURL    *easy;
  CURLcode result;
} Ended;

/* Runs @calls to their outcomes, all at once on the client's multi handle.
 * A failure of one never stops the others; a cancel stops all. */
static void
client_run (GgClient *client, Call *calls, guint n, GCancellable *cancellable)
{
  Loop             loop = { client, calls, n, cancellable, FALSE };
  g_autofree Ended *ended = g_new (Ended, n);
  gulong           handler = 0;

  if (cancellable)
    handler = g_cancellable_connect (cancellable, G_CALLBACK (waker_cancelled),
                                     client->multi, NULL);

  while (TRUE)
    {
      gboolean  cancelled;
      gboolean  running_any = FALSE;
      gboolean  pending = FALSE;
      gint64    now = g_get_monotonic_time ();
      glong     timeout = TICK_MS;
      CURLMcode mc;

      loop_announce_done (&loop);
      cancelled = loop_cancelled (&loop);
      /* Start what is due; a cancel ends the waits at once. */
      for (guint i = 0; i < n; i++)
        {
          Call *call = &calls[i];

          if (call->state == CALL_WAITING && cancelled)
            {
              set_error (&call->error, GG_ERROR_CANCELLED, NULL, "Cancelled.");
              call->state = CALL_DONE;
            }
          else if (call->state == CALL_WAITING && now >= call->wake_at)
            call->state = CALL_READY;
          if (call->state == CALL_READY)
            call_start_attempt (&loop, call);
          running_any |= call->state == CALL_RUNNING;
        }

      if (running_any)
        {
          guint    n_ended = 0;
          CURLMsg *message;
          int      running = 0;
          int      queued;

          mc = curl_multi_perform (client->multi, &running);
          /* Collected first: removing a handle ends the messages' life. */
          while ((message = curl_multi_info_read (client->multi, &queued)))
            if (message->msg == CURLMSG_DONE && n_ended < n)
              {
                ended[n_ended].easy   = message->easy_handle;
                ended[n_ended].result = message->data.result;
                n_ended++;
              }
          for (guint e = 0; e < n_ended; e++)
            {
              char *private = NULL;
              Call *call;

              curl_easy_getinfo (ended[e].easy, CURLINFO_PRIVATE, &private);
              call = (Call *) private;
              /* Finished: a complete answer is never thrown away. */
              if (call != NULL && call->state == CALL_RUNNING)
                call_end_attempt (&loop, call, ended[e].result, TRUE);
            }
          if (mc != CURLM_OK)
            loop_fail_running (&loop, mc);

          for (guint i = 0; i < n; i++)
            if (calls[i].state == CALL_RUNNING)
              {
                if (transfer_check (&calls[i].t))
                  call_end_attempt (&loop, &calls[i], CURLE_ABORTED_BY_CALLBACK, TRUE);
                else
                  transfer_report (&calls[i].t, FALSE);
              }
        }

      now = g_get_monotonic_time ();
      for (guint i = 0; i < n; i++)
        {
          Call *call = &calls[i];

          if (call->state == CALL_WAITING)
            {
              call_report_wait (&loop, call, FALSE);
              timeout = MIN (timeout, MAX ((call->wake_at - now + 999) / 1000, 0));
            }
          else if (call->state == CALL_READY)
            timeout = 0;
          pending |= call->state != CALL_DONE;
        }
      if (!pending)
        {
          loop_announce_done (&loop);
          break;
        }
      if (loop_cancelled (&loop))
        timeout = 0;
      mc = curl_multi_poll (client->multi, NULL, 0, (int) timeout, NULL);
      if (mc != CURLM_OK)
        {
          loop_fail_running (&loop, mc);
          /* No way to sleep on the handle: do not spin on the waits. */
          g_usleep (MIN (timeout, TICK_MS) * 1000);
        }
    }

  /* Waits for a handler running on another thread; 0 when the cancellable
   * was already cancelled and the handler ran at connect time. */
  if (handler)
    g_cancellable_disconnect (cancellable, handler);
}

/* The multi handle and one easy handle per request of a call. */
static gboolean
client_ensure_handles (GgClient *client, guint n, GError **error)
{
  if (client->multi == NULL)
    client->multi = curl_multi_init ();
  if (client->easies == NULL)
    client->easies = g_ptr_array_new_with_free_func ((GDestroyNotify) curl_easy_cleanup);
  while (client->multi != NULL && client->easies->len < n)
    {
      CURL *easy = curl_easy_init ();

      if (easy == NULL)
        break;
      g_ptr_array_add (client->easies, easy);
    }
  if (client->multi == NULL || client->easies->len < n)
    {
      set_error (error, GG_ERROR_FAILED, NULL,
                 "The network library (libcurl) could not start a transfer.");
      return FALSE;
    }
  return TRUE;
}

static gchar *client_url (GgClient *client, const gchar *path, GError **error);

/* Checks and sends @requests at once; bodies[i] is the 2xx body (followed
 * in memory by a NUL byte that the GBytes' size does not count) or NULL
 * with errors[i].  A request whose path is NULL is skipped: errors[i] is
 * left as the caller set it.  @headers_out (n == 1 only): the answer's
 * headers. */
static void
client_request_many (GgClient             *client,
                     const GgHttpRequest  *requests,
                     guint                 n,
                     GHashTable          **headers_out,
                     GCancellable         *cancellable,
                     GBytes              **bodies,
                     GError              **errors)
{
  g_autofree Call *calls = g_new0 (Call, n);
  GError          *local = NULL;

  if (!client_ensure_handles (client, n, &local))
    {
      for (guint i = 0; i < n; i++)
        if (requests[i].path != NULL)
          {
            bodies[i] = NULL;
            errors[i] = g_error_copy (local);
          }
      g_error_free (local);
      return;
    }

  for (guint i = 0; i < n; i++)
    {
      const GgHttpRequest *request = &requests[i];
      gchar               *url;

      if (request->path == NULL)
        {
          call_init_failed (&calls[i], i, NULL);
          continue;
        }
      for (guint h = 0; request->headers != NULL && request->headers[h] != NULL; h++)
        if (strpbrk (request->headers[h], "\r\n") != NULL)
          {
            set_error (&local, GG_ERROR_FAILED, NULL, "A request header holds a line break.");
            break;
          }
      url = local ? NULL : client_url (client, request->path, &local);
      if (url == NULL)
        call_init_failed (&calls[i], i, g_steal_pointer (&local));
      else
        call_init (&calls[i], client, i, request, url, headers_out != NULL);
    }

  client_run (client, calls, n, cancellable);

  for (guint i = 0; i < n; i++)
    {
      call_clear (&calls[i]);
      if (requests[i].path == NULL)
        continue;
      bodies[i] = g_steal_pointer (&calls[i].result);
      errors[i] = g_steal_pointer (&calls[i].error);
      if (bodies[i] == NULL && errors[i] == NULL)
        set_error (&errors[i], GG_ERROR_FAILED, NULL, "The request failed without saying why.");
      if (headers_out != NULL && i == 0)
        *headers_out = g_steal_pointer (&calls[i].result_headers);
      g_clear_pointer (&calls[i].result_headers, g_hash_table_unref);
    }
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
  GBytes *body = NULL;
  GError *local = NULL;

  g_return_val_if_fail (client != NULL, NULL);
  g_return_val_if_fail (request != NULL && request->path != NULL, NULL);
  g_return_val_if_fail (request->body != NULL || request->length == 0, NULL);

  if (headers != NULL)
    *headers = NULL;
  client_request_many (client, request, 1, headers, cancellable, &body, &local);
  if (body == NULL)
    g_propagate_error (error, local);
  return body;
}

void
gg_client_request_many (GgClient            *client,
                        const GgHttpRequest *requests,
                        guint                n,
                        GCancellable        *cancellable,
                        GBytes             **bodies,
                        GError             **errors)
{
  g_return_if_fail (client != NULL);
  g_return_if_fail (n == 0 || (requests != NULL && bodies != NULL && errors != NULL));

  for (guint i = 0; i < n; i++)
    {
      bodies[i] = NULL;
      errors[i] = NULL;
      g_return_if_fail (requests[i].path != NULL);
      g_return_if_fail (requests[i].body != NULL || requests[i].length == 0);
    }
  if (n > 0)
    client_request_many (client, requests, n, NULL, cancellable, bodies, errors);
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

/* The generateContent path of @request's model (g_free); @model: its name
 * without "models/", borrowed from @request. */
static gchar *
generate_path (const GgRequest *request, const gchar **model)
{
  g_autofree gchar *escaped = NULL;

  *model = gg_request_get_model (request);
  /* Names copied from the documentation often carry the "models/" prefix. */
  if (g_str_has_prefix (*model, "models/"))
    *model += strlen ("models/");
  escaped = g_uri_escape_string (*model, NULL, FALSE);
  return g_strdup_printf ("v1beta/models/%s:generateContent", escaped);
}

static GgResponse *
client_parse (GgClient *client, GBytes *answer, GError **error)
{
  GgResponse  *response;
  GError      *local = NULL;
  gsize        size = 0;
  const gchar *data = g_bytes_get_data (answer, &size);

  response = gg_response_parse (data ? data : "", size, &client->options.limits, &local);
  if (response == NULL)
    {
      redact_error (local, client->api_key);
      g_propagate_error (error, local);
    }
  return response;
}

GgResponse *
gg_client_generate (GgClient        *client,
                    const GgRequest *request,
                    GCancellable    *cancellable,
                    GError         **error)
{
  g_autofree gchar *json = NULL;
  g_autofree gchar *path = NULL;
  g_autoptr(GBytes) answer = NULL;
  const gchar      *model;
  gsize             length = 0;

  g_return_val_if_fail (client != NULL, NULL);
  g_return_val_if_fail (request != NULL, NULL);

  if (!gg_request_validate (request, error))
    return NULL;
  path = generate_path (request, &model);
  json = gg_request_to_json (request, FALSE, &length);
  answer = gg_client_post_json (client, path, json, length, model, cancellable, error);
  if (answer == NULL)
    return NULL;
  g_clear_pointer (&json, g_free);   /* the request can be MBs: free it early */
  return client_parse (client, answer, error);
}

void
gg_client_generate_many (GgClient         *client,
                         const GgRequest **requests,
                         guint             n,
                         GCancellable     *cancellable,
                         GgResponse      **responses,
                         GError          **errors)
{
  g_autofree GgHttpRequest *http = NULL;
  g_autofree GBytes       **answers = NULL;
  gchar                   **paths;
  gchar                   **bodies;

  g_return_if_fail (client != NULL);
  g_return_if_fail (n == 0 || (requests != NULL && responses != NULL && errors != NULL));
  if (n == 0)
    return;

  http    = g_new0 (GgHttpRequest, n);
  answers = g_new0 (GBytes *, n);
  paths   = g_new0 (gchar *, n + 1);
  bodies  = g_new0 (gchar *, n + 1);
  for (guint i = 0; i < n; i++)
    {
      const gchar *model;
      gsize        length = 0;

      responses[i] = NULL;
      errors[i]    = NULL;
      /* An invalid request fails alone (its path stays NULL: not sent). */
      if (!gg_request_validate (requests[i], &errors[i]))
        continue;
      paths[i]  = generate_path (requests[i], &model);
      bodies[i] = gg_request_to_json (requests[i], FALSE, &length);
      http[i].method = "POST";
      http[i].path   = paths[i];
      http[i].body   = bodies[i];
      http[i].length = length;
      http[i].model  = model;
    }

  client_request_many (client, http, n, NULL, cancellable, answers, errors);

  for (guint i = 0; i < n; i++)
    {
      g_clear_pointer (&bodies[i], g_free);
      if (answers[i] == NULL)
        continue;
      responses[i] = client_parse (client, answers[i], &errors[i]);
      g_bytes_unref (answers[i]);
    }
  for (guint i = 0; i < n; i++)
    g_free (paths[i]);
  g_free (paths);
  g_free (bodies);
}
