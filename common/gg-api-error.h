/* gg-api-error.h: reading an error answer ({"error":{...}}, or whatever a
 * proxy sent instead) and turning it into one sentence. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  gint     http_status;
  gchar   *status;        /* "RESOURCE_EXHAUSTED"; NULL when the body was not JSON */
  gchar   *message;       /* the server's message, NULL when none */
  gchar   *reason;        /* google.rpc.ErrorInfo.reason ("API_KEY_INVALID") */
  gchar   *quota_metric;  /* google.rpc.QuotaFailure.violations[0] */
  gchar   *quota_id;
  gboolean quota_zero;    /* some violation has quotaValue "0" */
  gdouble  retry_delay;   /* google.rpc.RetryInfo.retryDelay in seconds; < 0: none */
  gchar   *help_url;      /* google.rpc.Help.links[0].url */
  gchar   *excerpt;       /* non-JSON body: its first ~120 printable characters */
} GgApiError;

/* Never fails: a body that is not the JSON error shape fills excerpt (tags,
 * style sheets and scripts stripped, white space folded, "" for an empty
 * body).  An error wrapped in a one-element list is read too.  retryDelay
 * is read from "15s", "0.250s" or {"seconds":..,"nanos":..}.  Free with
 * gg_api_error_free. */
GgApiError *gg_api_error_parse (gint http_status, const gchar *body, gsize length);
void        gg_api_error_free  (GgApiError *error);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GgApiError, gg_api_error_free)

/* The GError (GG_ERROR domain) for this answer: code chosen from status,
 * reason and quota; message one sentence naming the cause and the remedy,
 * mentioning @model where it matters (404, 403, 429; NULL: "this model"),
 * quoting the server's message (shortened) where it names the cause (400,
 * 403, 500).  A non-Gemini body maps by HTTP status alone (408, 429, 500,
 * 502, 503, 504 keep their retryable codes; anything else is
 * GG_ERROR_BAD_RESPONSE).  The key never reaches this function; callers
 * that may have it in hand pass the message through gg_redact ().  Free
 * with g_error_free. */
GError *gg_api_error_to_gerror (const GgApiError *error, const gchar *model);

G_END_DECLS
