/* gg-api-error.c: error answers, from Google or from whatever stands in
 * between, turned into one sentence the user can act on. */
#include "gg-api-error.h"

#include <string.h>

#include <cjson/cJSON.h>

#include "gg-catalogue.h"
#include "gg-error.h"

#define EXCERPT_CHARS 120
#define MESSAGE_CHARS 200

void
gg_api_error_free (GgApiError *error)
{
  if (error == NULL)
    return;

  g_free (error->status);
  g_free (error->message);
  g_free (error->reason);
  g_free (error->quota_metric);
  g_free (error->quota_id);
  g_free (error->quota_value);
  g_free (error->thinking_level);
  g_free (error->help_url);
  g_free (error->excerpt);
  g_free (error);
}

static gchar *
dup_string (const cJSON *object,
            const gchar *key)
{
  const cJSON *item = cJSON_GetObjectItemCaseSensitive (object, key);

  return cJSON_IsString (item) ? g_utf8_make_valid (item->valuestring, -1) : NULL;
}

/* google.protobuf.Duration in JSON: "15s", "1.5s", "0.250s"; some
 * encoders write {"seconds":15,"nanos":0} or a bare number instead. */
static gdouble
duration_parse (const cJSON *item)
{
  if (cJSON_IsString (item))
    {
      gchar  *end;
      gdouble value = g_ascii_strtod (item->valuestring, &end);

      if (end != item->valuestring && (*end == 's' || *end == '\0')
          && (*end == '\0' || end[1] == '\0') && value >= 0)
        return value;
    }
  else if (cJSON_IsNumber (item) && item->valuedouble >= 0)
    return item->valuedouble;
  else if (cJSON_IsObject (item))
    {
      const cJSON *seconds = cJSON_GetObjectItemCaseSensitive (item, "seconds");
      const cJSON *nanos = cJSON_GetObjectItemCaseSensitive (item, "nanos");
      gdouble      value = 0;

      if (cJSON_IsNumber (seconds))
        value = seconds->valuedouble;
      else if (cJSON_IsString (seconds))
        value = g_ascii_strtod (seconds->valuestring, NULL);
      if (cJSON_IsNumber (nanos))
        value += nanos->valuedouble / 1e9;
      if (value >= 0)
        return value;
    }
  return -1;
}

static gboolean
quota_value_is_zero (const cJSON *value)
{
  if (cJSON_IsNumber (value))
    return value->valuedouble == 0;
  if (cJSON_IsString (value))
    return strcmp (value->valuestring, "0") == 0;
  return FALSE;
}

static gchar *
quota_value_string (const cJSON *value)
{
  if (cJSON_IsString (value))
    return g_utf8_make_valid (value->valuestring, -1);
  if (cJSON_IsNumber (value))
    return g_strdup_printf ("%.0f", value->valuedouble);
  return NULL;
}

/* "limit: 0" in the message, as a whole number (not "limit: 05", "limit: 0.5"):
 * the live service's quota-0 answer says it only there. */
static gboolean
message_says_limit_zero (const gchar *message)
{
  const gchar *p = message;

  while (p != NULL && (p = strstr (p, "limit: 0")) != NULL)
    {
      gchar next = p[strlen ("limit: 0")];

      if (!g_ascii_isdigit (next) && next != '.')
        return TRUE;
      p += strlen ("limit: 0");
    }
  return FALSE;
}

/* "Thinking level MINIMAL is not supported for this model": MINIMAL. */
static gchar *
refused_thinking_level (const gchar *message)
{
  const gchar *p = message ? strstr (message, "Thinking level ") : NULL;
  const gchar *end;

  if (p == NULL || strstr (p, "not supported") == NULL)
    return NULL;
  p += strlen ("Thinking level ");
  for (end = p; g_ascii_isalnum (*end) || *end == '_'; end++)
    ;
  return end > p ? g_strndup (p, end - p) : NULL;
}

static void
parse_details (GgApiError  *error,
               const cJSON *details)
{
  const cJSON *detail;

  cJSON_ArrayForEach (detail, details)
    {
      const cJSON *type = cJSON_GetObjectItemCaseSensitive (detail, "@type");

      if (!cJSON_IsObject (detail) || !cJSON_IsString (type))
        continue;

      if (g_str_has_suffix (type->valuestring, "google.rpc.ErrorInfo"))
        {
          const cJSON *metadata = cJSON_GetObjectItemCaseSensitive (detail, "metadata");

          if (error->reason == NULL)
            error->reason = dup_string (detail, "reason");
          /* The older quota answers say the limit here. */
          if (quota_value_is_zero (cJSON_GetObjectItemCaseSensitive (metadata,
                                                                     "quota_limit_value")))
            error->quota_zero = TRUE;
          if (error->quota_id == NULL && cJSON_IsObject (metadata))
            error->quota_id = dup_string (metadata, "quota_limit");
        }
      else if (g_str_has_suffix (type->valuestring, "google.rpc.QuotaFailure"))
        {
          const cJSON *violations = cJSON_GetObjectItemCaseSensitive (detail, "violations");
          const cJSON *violation;

          cJSON_ArrayForEach (violation, violations)
            {
              const cJSON *id = cJSON_GetObjectItemCaseSensitive (violation, "quotaId");
              gboolean     daily;

              if (!cJSON_IsObject (violation))
                continue;
              daily = cJSON_IsString (id) && strstr (id->valuestring, "PerDay") != NULL;
              /* The violation named: the first, or the first per-day one
               * (waiting a minute does not help that one). */
              if ((error->quota_metric == NULL && error->quota_id == NULL)
                  || (daily && !error->quota_daily))
                {
                  g_clear_pointer (&error->quota_metric, g_free);
                  g_clear_pointer (&error->quota_id, g_free);
                  g_clear_pointer (&error->quota_value, g_free);
                  error->quota_metric = dup_string (violation, "quotaMetric");
                  error->quota_id = dup_string (violation, "quotaId");
                  error->quota_value = quota_value_string (
                    cJSON_GetObjectItemCaseSensitive (violation, "quotaValue"));
                }
              if (daily)
                error->quota_daily = TRUE;
              if (quota_value_is_zero (cJSON_GetObjectItemCaseSensitive (violation,
                                                                          "quotaValue")))
                error->quota_zero = TRUE;
            }
        }
      else if (g_str_has_suffix (type->valuestring, "google.rpc.RetryInfo"))
        {
          gdouble delay = duration_parse (cJSON_GetObjectItemCaseSensitive (detail,
                                                                            "retryDelay"));
          if (delay >= 0)
            error->retry_delay = delay;
        }
      else if (g_str_has_suffix (type->valuestring, "google.rpc.Help"))
        {
          const cJSON *links = cJSON_GetObjectItemCaseSensitive (detail, "links");
          const cJSON *link;

          cJSON_ArrayForEach (link, links)
            if (error->help_url == NULL && cJSON_IsObject (link))
              error->help_url = dup_string (link, "url");
        }
    }
}

GgApiError *
gg_api_error_parse (gint         http_status,
                    const gchar *body,
                    gsize        length)
{
  GgApiError  *error = g_new0 (GgApiError, 1);
  cJSON       *root;
  const cJSON *object;

  error->http_status = http_status;
  error->retry_delay = -1;

  if (body == NULL)
    length = 0;
  root = length > 0 ? cJSON_ParseWithLength (body, length) : NULL;

  /* Some Google front ends wrap the error in a one-element list. */
  object = cJSON_IsArray (root) ? cJSON_GetArrayItem (root, 0) : root;
  object = cJSON_GetObjectItemCaseSensitive (object, "error");
  if (cJSON_IsObject (object))
    {
      error->status = dup_string (object, "status");
      error->message = dup_string (object, "message");
      parse_details (error, cJSON_GetObjectItemCaseSensitive (object, "details"));
      if (message_says_limit_zero (error->message))
        error->quota_zero = TRUE;
      error->thinking_level = refused_thinking_level (error->message);
    }

  /* Not the error shape (HTML from a proxy, an empty body, other JSON). */
  if (error->status == NULL && error->message == NULL)
    {
      g_clear_pointer (&error->status, g_free);
      error->excerpt = gg_excerpt (body, length, EXCERPT_CHARS, TRUE);
    }

  cJSON_Delete (root);
  return error;
}

gchar *
gg_api_error_limit (const GgApiError *error,
                    const gchar      *model)
{
  const gchar      *id = error->quota_id ? error->quota_id : "";
  const gchar      *metric = error->quota_metric ? error->quota_metric : "";
  const gchar      *period = "";
  const gchar      *kind = "rate or quota limit";
  g_autofree gchar *model_quoted = model ? g_strdup_printf ("“%s”", model)
                                         : g_strdup ("this model");
  g_autofree gchar *value = NULL;

  if (strstr (id, "PerDay") != NULL)
    period = "daily ";
  else if (strstr (id, "PerMinute") != NULL)
    period = "per-minute ";
  else if (strstr (id, "PerHour") != NULL)
    period = "hourly ";
  if (strstr (id, "InputTokens") != NULL || strstr (metric, "input_token") != NULL)
    kind = "input-token limit";
  else if (strstr (id, "Requests") != NULL || strstr (metric, "requests") != NULL)
    kind = "request limit";
  else if (period[0] != '\0')
    kind = "limit";

  if (error->quota_value != NULL)
    value = g_strdup_printf (", limit %s", error->quota_value);
  if (error->quota_id != NULL || error->quota_metric != NULL)
    return g_strdup_printf ("the %s%s of %s (%s%s)", period, kind, model_quoted,
                            error->quota_id ? error->quota_id : error->quota_metric,
                            value ? value : "");
  return g_strdup_printf ("the %s%s of %s", period, kind, model_quoted);
}

gchar *
gg_api_error_model_not_found (const gchar *model)
{
  gchar         *retired = gg_catalogue_retired_sentence (model);
  const GgModel *info;

  if (retired != NULL)
    return retired;
  info = gg_catalogue_lookup (model);
  if (info != NULL && info->replacement != NULL
      && g_strcmp0 (info->availability, "existing-projects") == 0)
    return g_strdup_printf ("The model “%s” is not available to this API key's "
                            "project (it is served only to projects that used it "
                            "before): use %s.", model, info->replacement);
  return g_strdup_printf ("The model “%s” is not available (the server does not know "
                          "it): list the models this API key can use with "
                          "“gemini-image models --remote” and choose one of them.",
                          model);
}

static gboolean
is (const GgApiError *error,
    gint              http_status,
    const gchar      *status)
{
  return error->http_status == http_status || g_strcmp0 (error->status, status) == 0;
}

/* For non-Gemini bodies only the HTTP status says anything. */
static GgErrorCode
code_for_http (gint http_status)
{
  switch (http_status)
    {
    case 408: return GG_ERROR_TIMEOUT;
    case 429: return GG_ERROR_QUOTA;
    case 500:
    case 502: return GG_ERROR_SERVER;
    case 503: return GG_ERROR_OVERLOADED;
    case 504: return GG_ERROR_DEADLINE;
    default:  return GG_ERROR_BAD_RESPONSE;
    }
}

static GError *
not_gemini (const GgApiError *error)
{
  GgErrorCode code = code_for_http (error->http_status);

  if (error->excerpt == NULL || error->excerpt[0] == '\0')
    return g_error_new (GG_ERROR, code,
                        "The server answered HTTP %d with an empty body: a proxy "
                        "or network problem between you and Google%s.",
                        error->http_status,
                        code != GG_ERROR_BAD_RESPONSE ? "; try again later" : "");

  return g_error_new (GG_ERROR, code,
                      "The server answered HTTP %d with a non-Gemini page (“%s”): "
                      "a proxy or network problem between you and Google.",
                      error->http_status, error->excerpt);
}

GError *
gg_api_error_to_gerror (const GgApiError *error,
                        const gchar      *model)
{
  g_autofree gchar *message = NULL;
  g_autofree gchar *model_quoted = NULL;

  if (error->status == NULL && error->message == NULL)
    return not_gemini (error);

  message = error->message ? gg_excerpt (error->message, -1, MESSAGE_CHARS, FALSE)
                           : g_strdup (error->status);
  model_quoted = model ? g_strdup_printf ("“%s”", model) : g_strdup ("this model");

  if (g_strcmp0 (error->reason, "API_KEY_INVALID") == 0
      || is (error, 401, "UNAUTHENTICATED")
      || (error->message && strstr (error->message, "API key not valid")))
    return g_error_new (GG_ERROR, GG_ERROR_BAD_KEY,
                        "The API key was rejected: check it (GEMINI_API_KEY, or "
                        "Filters > Gemini > API Key in GIMP).");

  if (error->http_status == 402)
    return g_error_new (GG_ERROR, GG_ERROR_CREDITS,
                        "The prepaid credits of this API key's project are used "
                        "up: add credits in Google AI Studio, or use another key.");

  if (is (error, 429, "RESOURCE_EXHAUSTED"))
    {
      g_autofree gchar *wait = NULL;
      g_autofree gchar *limit = gg_api_error_limit (error, model);

      if (error->quota_zero)
        return g_error_new (GG_ERROR, GG_ERROR_QUOTA_ZERO,
                            "The quota of %s for this API key's tier is 0, so no "
                            "wait can help: enable billing on the key's Google Cloud "
                            "project, or choose another model.", model_quoted);
      if (error->quota_daily)
        return g_error_new (GG_ERROR, GG_ERROR_QUOTA_DAILY,
                            "%c%s is used up for today: try again after the daily "
                            "reset (midnight Pacific time), or enable billing on the "
                            "key's Google Cloud project for higher limits.",
                            g_ascii_toupper (limit[0]), limit + 1);

      wait = error->retry_delay >= 0
             ? g_strdup_printf ("wait %.0f s", MAX (1.0, error->retry_delay + 0.499))
             : g_strdup ("wait a minute");
      return g_error_new (GG_ERROR, GG_ERROR_QUOTA,
                          "%c%s was reached: %s and try again, or enable billing "
                          "for higher limits.",
                          g_ascii_toupper (limit[0]), limit + 1, wait);
    }

  if (g_strcmp0 (error->status, "FAILED_PRECONDITION") == 0)
    return g_error_new (GG_ERROR, GG_ERROR_BILLING,
                        "The Gemini API's free tier is not available in your "
                        "region: enable billing on the Google Cloud project of "
                        "this API key.");

  if (is (error, 404, "NOT_FOUND"))
    {
      if (model != NULL)
        {
          g_autofree gchar *sentence = gg_api_error_model_not_found (model);

          return g_error_new_literal (GG_ERROR, GG_ERROR_MODEL_NOT_FOUND, sentence);
        }
      return g_error_new (GG_ERROR, GG_ERROR_MODEL_NOT_FOUND,
                          "The server did not find what was asked for (“%s”): the "
                          "model may have been renamed or retired; choose another "
                          "model.", message);
    }

  if (is (error, 403, "PERMISSION_DENIED"))
    return g_error_new (GG_ERROR, GG_ERROR_PERMISSION,
                        "The API key is not allowed to use %s (“%s”): enable the "
                        "Generative Language API for the key's project, or use "
                        "another key.", model_quoted, message);

  if (is (error, 400, "INVALID_ARGUMENT") && error->thinking_level != NULL)
    return g_error_new (GG_ERROR, GG_ERROR_BAD_ARGUMENT,
                        "%s does not take the thinking level %s (the server refused "
                        "it): choose another level, or leave it unset.",
                        model ? model : "This model", error->thinking_level);

  if (is (error, 400, "INVALID_ARGUMENT"))
    {
      if (error->message
          && (strstr (error->message, "thought_signature")
              || strstr (error->message, "thoughtSignature")
              || strstr (error->message, "thought signature")))
        return g_error_new (GG_ERROR, GG_ERROR_BAD_ARGUMENT,
                            "The server refused the conversation because a thought "
                            "signature is missing (“%s”): start a new conversation.",
                            message);
      return g_error_new (GG_ERROR, GG_ERROR_BAD_ARGUMENT,
                          "The server refused the request as invalid (“%s”): change "
                          "the option or input it names.", message);
    }

  if (error->http_status == 408)
    return g_error_new (GG_ERROR, GG_ERROR_TIMEOUT,
                        "The server timed out waiting for the request: try again.");

  if (is (error, 503, "UNAVAILABLE"))
    return g_error_new (GG_ERROR, GG_ERROR_OVERLOADED,
                        "The model is overloaded right now (the service is "
                        "unavailable): try again in a few minutes.");

  if (is (error, 504, "DEADLINE_EXCEEDED"))
    return g_error_new (GG_ERROR, GG_ERROR_DEADLINE,
                        "The server gave up because the answer took too long: try "
                        "again, perhaps with a smaller image size or fewer images.");

  if (is (error, 500, "INTERNAL") || error->http_status == 502)
    return g_error_new (GG_ERROR, GG_ERROR_SERVER,
                        "Google's server failed with an internal error%s%s%s: try "
                        "again in a moment.",
                        error->message ? " (“" : "",
                        error->message ? message : "",
                        error->message ? "”)" : "");

  return g_error_new (GG_ERROR, error->http_status >= 500 ? GG_ERROR_SERVER
                                                          : GG_ERROR_FAILED,
                      "The server refused the request with HTTP %d%s%s (“%s”): "
                      "check the request, or try again later.",
                      error->http_status, error->status ? " " : "",
                      error->status ? error->status : "", message);
}
