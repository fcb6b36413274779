/* gg-api-error.h: reading an error answer ({"error":{...}}, or whatever a
 * proxy sent instead) and turning it into one sentence. */
#pragma once

#include <glib.h>

#include "gg-error.h"

G_BEGIN_DECLS

typedef struct
{
  gint     http_status;
  gchar   *status;        /* "RESOURCE_EXHAUSTED"; NULL when the body was not JSON */
  gchar   *message;       /* the server's message, NULL when none */
  gchar   *reason;        /* google.rpc.ErrorInfo.reason ("API_KEY_INVALID") */
  gchar   *quota_metric;  /* google.rpc.QuotaFailure.violations[0] */
  gchar   *quota_id;
  gchar   *quota_value;   /* of that violation; NULL when none */
  gboolean quota_zero;    /* a limit of 0: some violation's quotaValue "0", an
                           * ErrorInfo quota_limit_value "0", or "limit: 0" in
                           * the message (the only place the live service says it) */
  gboolean quota_daily;   /* some violation's quotaId is a per-day one ("PerDay") */
  gchar   *thinking_level;/* 400 "Thinking level X is not supported": X */
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

/* The limit a 429 names, for sentences: "the per-minute rate limit of
 * “gemini-x” (GenerateRequestsPerMinutePerProjectPerModel-FreeTier, limit 5)";
 * @model NULL: "this model".  g_free. */
gchar  *gg_api_error_limit (const GgApiError *error, const gchar *model);

/* The sentence for a model the server does not know (404 NOT_FOUND): the
 * retired model's replacement when the catalogue knows one ("X was shut
 * down on D; use Y."), the replacement of a model open only to the projects
 * that used it before, else that the model is not available and how to
 * list the ones that are ("gemini-image models --remote").  g_free. */
gchar  *gg_api_error_model_not_found (const gchar *model);

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
