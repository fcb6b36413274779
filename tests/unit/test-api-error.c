/* test-api-error.c: every row of the error table, as the user reads it. */
#include <string.h>

#include <cjson/cJSON.h>

#include "gg-api-error.h"
#include "gg-error.h"
#include "gg-test-util.h"

static GgApiError *
parse_file (gint         http_status,
            const gchar *name)
{
  g_autofree gchar *path = g_build_filename ("errors", name, NULL);
  g_autoptr(GBytes) bytes = gg_test_data (path);

  return gg_api_error_parse (http_status, g_bytes_get_data (bytes, NULL),
                             g_bytes_get_size (bytes));
}

/* No bare numbers, no raw JSON, one sentence. */
static void
assert_sentence (const gchar *message)
{
  g_assert_true (g_utf8_validate (message, -1, NULL));
  g_assert_null (strchr (message, '\n'));
  g_assert_true (g_str_has_suffix (message, "."));
  /* A sentence may begin with a model's name, as the retired-model one does. */
  g_assert_true (g_ascii_isupper (message[0]) || message[0] == 'G'
                 || g_str_has_prefix (message, "gemini-"));
  g_assert_cmpuint (strlen (message), <, 400);
}

static void
assert_row (gint         http_status,
            const gchar *file,
            const gchar *model,
            gint         code,
            gboolean     retryable,
            const gchar *needle)
{
  g_autoptr(GgApiError) parsed = parse_file (http_status, file);
  g_autoptr(GError)     error = gg_api_error_to_gerror (parsed, model);

  g_assert_error (error, GG_ERROR, code);
  if (strstr (error->message, needle) == NULL)
    g_error ("%s: “%s” not found in “%s”", file, needle, error->message);
  g_assert_null (strstr (error->message, "{\""));
  assert_sentence (error->message);
  g_assert_cmpint (gg_error_is_retryable (error), ==, retryable);
}

static void
test_table (void)
{
  const gchar *pro = "gemini-3-pro-image";

  assert_row (400, "400-api-key-invalid.json", pro, GG_ERROR_BAD_KEY, FALSE,
              "The API key was rejected: check it (GEMINI_API_KEY, or Filters > Gemini > API Key in GIMP).");
  assert_row (401, "401-unauthenticated.json", pro, GG_ERROR_BAD_KEY, FALSE,
              "The API key was rejected");
  assert_row (400, "400-invalid-argument.json", pro, GG_ERROR_BAD_ARGUMENT, FALSE,
              "The server refused the request as invalid (“Unsupported MIME type: image/jpg”)");
  assert_row (400, "400-missing-signature.json", pro, GG_ERROR_BAD_ARGUMENT, FALSE,
              "thought signature is missing (“Image part is missing a thought_signature in "
              "content position 2, part position 1.”): start a new conversation.");
  assert_row (400, "400-failed-precondition.json", pro, GG_ERROR_BILLING, FALSE,
              "free tier is not available in your region: enable billing");
  assert_row (402, "402-credits.json", pro, GG_ERROR_CREDITS, FALSE,
              "prepaid credits of this API key's project are used up");
  assert_row (403, "403-permission.json", pro, GG_ERROR_PERMISSION, FALSE,
              "The API key is not allowed to use “gemini-3-pro-image”");
  assert_row (404, "404-not-found.json", "gemini-9-image", GG_ERROR_MODEL_NOT_FOUND, FALSE,
              "The model “gemini-9-image” is not available (the server does not know it): "
              "list the models this API key can use with “gemini-image models --remote” "
              "and choose one of them.");
  /* A retired name: its replacement, never a silent switch. */
  assert_row (404, "404-not-found.json", "gemini-3-pro-image-preview",
              GG_ERROR_MODEL_NOT_FOUND, FALSE,
              "gemini-3-pro-image-preview was shut down on 2026-06-25; use gemini-3-pro-image.");
  assert_row (404, "404-not-found.json", "gemini-3.1-flash-image",
              GG_ERROR_MODEL_NOT_FOUND, FALSE,
              "gemini-3.1-flash-image was shut down on 2026-10-29; use gemini-nano-banana-2.1.");
  /* Open only to the projects that used it before. */
  assert_row (404, "404-not-found.json", "gemini-2.5-flash-image",
              GG_ERROR_MODEL_NOT_FOUND, FALSE,
              "served only to projects that used it before): use gemini-nano-banana-2.1.");
  assert_row (429, "429-rate.json", pro, GG_ERROR_QUOTA, TRUE,
              "The per-minute request limit of “gemini-3-pro-image” "
              "(GenerateRequestsPerMinutePerProjectPerModel, limit 10) was reached: wait 15 s "
              "and try again, or enable billing for higher limits.");
  assert_row (429, "429-quota-zero.json", pro, GG_ERROR_QUOTA_ZERO, FALSE,
              "The quota of “gemini-3-pro-image” for this API key's tier is 0, so no wait "
              "can help: enable billing on the key's Google Cloud project, or choose another "
              "model.");
  assert_row (500, "500-internal.json", pro, GG_ERROR_SERVER, TRUE,
              "Google's server failed with an internal error");
  assert_row (503, "503-unavailable.json", pro, GG_ERROR_OVERLOADED, TRUE,
              "try again in a few minutes");
  assert_row (504, "504-deadline.json", pro, GG_ERROR_DEADLINE, TRUE,
              "took too long: try again");
  assert_row (502, "502-proxy.html", pro, GG_ERROR_SERVER, TRUE,
              "The server answered HTTP 502 with a non-Gemini page (“502 Bad Gateway 502 Bad "
              "Gateway nginx/1.22.1”): a proxy or network problem between you and Google.");
}

static void
test_fields (void)
{
  g_autoptr(GgApiError) rate = parse_file (429, "429-rate.json");
  g_autoptr(GgApiError) zero = parse_file (429, "429-quota-zero.json");
  g_autoptr(GgApiError) key = parse_file (400, "400-api-key-invalid.json");

  g_assert_cmpint (rate->http_status, ==, 429);
  g_assert_cmpstr (rate->status, ==, "RESOURCE_EXHAUSTED");
  g_assert_cmpstr (rate->message, ==,
                   "You exceeded your current quota, please check your plan and billing details.");
  g_assert_cmpstr (rate->quota_metric, ==, "generativelanguage.googleapis.com/generate_content_requests");
  g_assert_cmpstr (rate->quota_id, ==, "GenerateRequestsPerMinutePerProjectPerModel");
  g_assert_false (rate->quota_zero);
  g_assert_cmpfloat_with_epsilon (rate->retry_delay, 15.0, 1e-9);
  g_assert_cmpstr (rate->help_url, ==, "https://ai.google.dev/gemini-api/docs/rate-limits");
  g_assert_null (rate->excerpt);
  g_assert_null (rate->reason);

  g_assert_true (zero->quota_zero);
  g_assert_cmpfloat_with_epsilon (zero->retry_delay, 1.5, 1e-9);

  g_assert_cmpstr (key->reason, ==, "API_KEY_INVALID");
  g_assert_cmpfloat (key->retry_delay, <, 0);
  g_assert_null (key->help_url);
}

static GgApiError *
parse_string (gint         http_status,
              const gchar *body)
{
  return gg_api_error_parse (http_status, body, strlen (body));
}

static void
test_retry_info (void)
{
  const struct
  {
    const gchar *delay;
    gdouble      seconds;
  } cases[] = {
    { "\"15s\"", 15 },
    { "\"1.5s\"", 1.5 },
    { "\"0.250s\"", 0.25 },
    { "\"0s\"", 0 },
    { "{\"seconds\":3,\"nanos\":500000000}", 3.5 },
    { "{\"seconds\":\"42\"}", 42 },
    { "\"soon\"", -1 },
    { "\"15m\"", -1 },
    { "\"-3s\"", -1 },
    { "[]", -1 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree gchar *body =
        g_strdup_printf ("{\"error\":{\"code\":429,\"status\":\"RESOURCE_EXHAUSTED\","
                         "\"message\":\"slow down\",\"details\":[{\"@type\":"
                         "\"type.googleapis.com/google.rpc.RetryInfo\",\"retryDelay\":%s}]}}",
                         cases[i].delay);
      g_autoptr(GgApiError) parsed = parse_string (429, body);

      g_assert_cmpfloat_with_epsilon (parsed->retry_delay, cases[i].seconds, 1e-9);
    }
}

static void
test_quota_zero_forms (void)
{
  const gchar *values[] = { "\"0\"", "0", "0.0" };
  const gchar *not_zero[] = { "\"10\"", "\"00x\"", "null", "1" };

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      g_autofree gchar *body =
        g_strdup_printf ("{\"error\":{\"code\":429,\"status\":\"RESOURCE_EXHAUSTED\",\"message\":\"q\","
                         "\"details\":[{\"@type\":\"type.googleapis.com/google.rpc.QuotaFailure\","
                         "\"violations\":[{\"quotaId\":\"A\",\"quotaValue\":\"5\"},"
                         "{\"quotaId\":\"B\",\"quotaValue\":%s}]}]}}", values[i]);
      g_autoptr(GgApiError) parsed = parse_string (429, body);
      g_autoptr(GError)     error = gg_api_error_to_gerror (parsed, NULL);

      g_assert_true (parsed->quota_zero);
      g_assert_cmpstr (parsed->quota_id, ==, "A");
      g_assert_error (error, GG_ERROR, GG_ERROR_QUOTA_ZERO);
      g_assert_nonnull (strstr (error->message, "The quota of this model for this API "
                                                "key's tier is 0"));
      g_assert_false (gg_error_is_retryable (error));
    }
  for (guint i = 0; i < G_N_ELEMENTS (not_zero); i++)
    {
      g_autofree gchar *body =
        g_strdup_printf ("{\"error\":{\"code\":429,\"status\":\"RESOURCE_EXHAUSTED\",\"message\":\"q\","
                         "\"details\":[{\"@type\":\"type.googleapis.com/google.rpc.QuotaFailure\","
                         "\"violations\":[{\"quotaValue\":%s}]}]}}", not_zero[i]);
      g_autoptr(GgApiError) parsed = parse_string (429, body);
      g_autoptr(GError)     error = gg_api_error_to_gerror (parsed, NULL);

      g_assert_false (parsed->quota_zero);
      g_assert_error (error, GG_ERROR, GG_ERROR_QUOTA);
      g_assert_nonnull (strstr (error->message, "wait a minute"));
    }
}

static void
test_not_json (void)
{
  const struct
  {
    gint         http_status;
    const gchar *body;
    gint         code;
    const gchar *needle;
  } cases[] = {
    { 503, "", GG_ERROR_OVERLOADED, "The server answered HTTP 503 with an empty body" },
    { 502, "   \r\n", GG_ERROR_SERVER, "HTTP 502 with an empty body" },
    { 504, "<html><body><h1>Gateway Timeout</h1></body></html>", GG_ERROR_DEADLINE,
      "(“Gateway Timeout”)" },
    { 403, "<!DOCTYPE html><html><head><style>p{color:red}</style></head>"
           "<body><p>Access denied by corporate policy &amp; rules</p></body></html>",
      GG_ERROR_BAD_RESPONSE, "(“Access denied by corporate policy & rules”)" },
    { 500, "{\"unexpected\":true}", GG_ERROR_SERVER, "HTTP 500 with a non-Gemini page" },
    { 429, "Too Many Requests", GG_ERROR_QUOTA, "(“Too Many Requests”)" },
    { 200, "\x01\x02\x03", GG_ERROR_BAD_RESPONSE, "empty body" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GgApiError) parsed = parse_string (cases[i].http_status, cases[i].body);
      g_autoptr(GError)     error = gg_api_error_to_gerror (parsed, "m");

      g_assert_null (parsed->status);
      g_assert_nonnull (parsed->excerpt);
      g_assert_error (error, GG_ERROR, cases[i].code);
      if (strstr (error->message, cases[i].needle) == NULL)
        g_error ("“%s” not found in “%s”", cases[i].needle, error->message);
      assert_sentence (error->message);
    }
}

static void
test_long_html (void)
{
  GString              *html = g_string_new ("<html><body>");
  g_autoptr(GgApiError) parsed = NULL;

  for (guint i = 0; i < 5000; i++)
    g_string_append (html, "<p>word</p>\n");
  g_string_append (html, "</body></html>");
  parsed = gg_api_error_parse (502, html->str, html->len);
  g_assert_true (g_str_has_suffix (parsed->excerpt, "…"));
  g_assert_cmpuint (g_utf8_strlen (parsed->excerpt, -1), <=, 121);
  g_assert_true (g_str_has_prefix (parsed->excerpt, "word word word"));
  g_string_free (html, TRUE);
}

static void
test_other_shapes (void)
{
  g_autoptr(GgApiError) wrapped =
    parse_string (404, "[{\"error\":{\"code\":404,\"message\":\"no such model\",\"status\":\"NOT_FOUND\"}}]");
  g_autoptr(GgApiError) odd =
    parse_string (418, "{\"error\":{\"code\":418,\"message\":\"I'm a teapot\",\"status\":\"TEAPOT\","
                       "\"details\":[1,{\"@type\":5},{\"@type\":\"type.googleapis.com/google.rpc.Help\","
                       "\"links\":[{\"url\":7},{\"url\":\"https://x.test/help\"}]}]}}");
  g_autoptr(GgApiError) status_only =
    parse_string (503, "{\"error\":{\"status\":\"UNAVAILABLE\"}}");
  g_autoptr(GError)     error = NULL;

  g_assert_cmpstr (wrapped->status, ==, "NOT_FOUND");
  error = gg_api_error_to_gerror (wrapped, NULL);
  g_assert_error (error, GG_ERROR, GG_ERROR_MODEL_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "renamed or retired"));
  g_clear_error (&error);

  g_assert_cmpstr (odd->help_url, ==, "https://x.test/help");
  error = gg_api_error_to_gerror (odd, NULL);
  g_assert_error (error, GG_ERROR, GG_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "HTTP 418 TEAPOT (“I'm a teapot”)"));
  assert_sentence (error->message);
  g_clear_error (&error);

  error = gg_api_error_to_gerror (status_only, NULL);
  g_assert_error (error, GG_ERROR, GG_ERROR_OVERLOADED);
}

static void
test_retryable (void)
{
  const gint yes[] = { GG_ERROR_NETWORK, GG_ERROR_TIMEOUT, GG_ERROR_QUOTA, GG_ERROR_SERVER,
                       GG_ERROR_OVERLOADED, GG_ERROR_DEADLINE };
  const gint no[] = { GG_ERROR_FAILED, GG_ERROR_NO_KEY, GG_ERROR_INVALID_REQUEST,
                      GG_ERROR_INSECURE_URL, GG_ERROR_CANCELLED, GG_ERROR_BAD_KEY,
                      GG_ERROR_PERMISSION, GG_ERROR_BILLING, GG_ERROR_CREDITS,
                      GG_ERROR_QUOTA_ZERO, GG_ERROR_MODEL_NOT_FOUND, GG_ERROR_BAD_ARGUMENT,
                      GG_ERROR_BAD_RESPONSE, GG_ERROR_TOO_LARGE, GG_ERROR_BLOCKED,
                      GG_ERROR_SAFETY, GG_ERROR_NO_IMAGE, GG_ERROR_IMAGE, GG_ERROR_IO };
  g_autoptr(GError) other = g_error_new_literal (G_IO_ERROR, GG_ERROR_NETWORK, "x");
  g_autoptr(GgApiError) timeout = parse_string (408, "");
  g_autoptr(GError) error = gg_api_error_to_gerror (timeout, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (yes); i++)
    {
      g_autoptr(GError) e = g_error_new_literal (GG_ERROR, yes[i], "x");
      g_assert_true (gg_error_is_retryable (e));
    }
  for (guint i = 0; i < G_N_ELEMENTS (no); i++)
    {
      g_autoptr(GError) e = g_error_new_literal (GG_ERROR, no[i], "x");
      g_assert_false (gg_error_is_retryable (e));
    }
  g_assert_false (gg_error_is_retryable (other));
  g_assert_false (gg_error_is_retryable (NULL));

  /* 408 */
  g_assert_error (error, GG_ERROR, GG_ERROR_TIMEOUT);
  g_assert_true (gg_error_is_retryable (error));
}

static void
test_redact (void)
{
  g_autofree gchar *a = gg_redact ("key=AIzaSECRET and AIzaSECRETAIzaSECRET!", "AIzaSECRET");
  g_autofree gchar *b = gg_redact ("nothing here", "AIzaSECRET");
  g_autofree gchar *c = gg_redact ("AIzaSECRET", NULL);
  g_autofree gchar *d = gg_redact ("AIzaSECRET", "");

  g_assert_cmpstr (a, ==, "key=[redacted] and [redacted][redacted]!");
  g_assert_cmpstr (b, ==, "nothing here");
  g_assert_cmpstr (c, ==, "AIzaSECRET");
  g_assert_cmpstr (d, ==, "AIzaSECRET");
  g_assert_null (gg_redact (NULL, "x"));
}

static void
test_excerpt (void)
{
  g_autofree gchar *a = gg_excerpt ("  hello\n\n\tworld  ", -1, 120, FALSE);
  g_autofree gchar *b = gg_excerpt ("abcdefghij", -1, 4, FALSE);
  g_autofree gchar *c = gg_excerpt ("<b>x</b>&lt;y&gt;", -1, 120, TRUE);
  g_autofree gchar *d = gg_excerpt ("héllo wörld", 6, 120, FALSE);
  g_autofree gchar *e = gg_excerpt ("\x01\x02", -1, 120, TRUE);

  g_assert_cmpstr (a, ==, "hello world");
  g_assert_cmpstr (b, ==, "abcd…");
  g_assert_cmpstr (c, ==, "x <y>");
  g_assert_cmpstr (d, ==, "héllo");
  g_assert_cmpstr (e, ==, "");
}

/* ----- the live service's answers (../shared/real-answers) ------------------- */

/* A recording, or NULL (the test skips) when the recordings are absent. */
static GBytes *
real_answer (const gchar *name)
{
  g_autofree gchar *path = g_build_filename (GG_REAL_ANSWERS, name, NULL);
  gchar            *text = NULL;
  gsize             length;

  if (!g_file_get_contents (path, &text, &length, NULL))
    {
      g_autofree gchar *why = g_strdup_printf ("the recording %s is not there", path);
      gg_test_skip (why);
      return NULL;
    }
  return g_bytes_new_take (text, length);
}

static GError *
real_error (gint http_status, const gchar *name, const gchar *model, GgApiError **parsed_out)
{
  g_autoptr(GBytes) bytes = real_answer (name);
  GgApiError       *parsed;
  GError           *error;

  if (bytes == NULL)
    return NULL;
  parsed = gg_api_error_parse (http_status, g_bytes_get_data (bytes, NULL),
                               g_bytes_get_size (bytes));
  error = gg_api_error_to_gerror (parsed, model);
  assert_sentence (error->message);
  g_test_message ("%s -> %s", name, error->message);
  if (parsed_out)
    *parsed_out = parsed;
  else
    gg_api_error_free (parsed);
  return error;
}

/* What a recorded 429 must come to. */
typedef struct
{
  const gchar *name;          /* in real-answers */
  const gchar *model;
  gboolean     quota_zero;
  gboolean     quota_daily;
  gdouble      retry_delay;
  const gchar *quota_value;   /* NULL: not checked */
  gint         code;          /* GG_ERROR_* */
  gboolean     retryable;
} RealQuota;

/* Checks @want's recording against it; its message (g_free), or NULL when
 * the recording is not there (the test skips). */
static gchar *
check_real_quota (const RealQuota *want)
{
  g_autoptr(GgApiError) parsed = NULL;
  g_autoptr(GError)     error = real_error (429, want->name, want->model, &parsed);

  if (error == NULL)
    return NULL;
  g_assert_cmpint (parsed->quota_zero, ==, want->quota_zero);
  g_assert_cmpint (parsed->quota_daily, ==, want->quota_daily);
  g_assert_cmpfloat_with_epsilon (parsed->retry_delay, want->retry_delay, 1e-9);
  if (want->quota_value != NULL)
    g_assert_cmpstr (parsed->quota_value, ==, want->quota_value);
  g_assert_error (error, GG_ERROR, want->code);
  g_assert_cmpint (gg_error_is_retryable (error), ==, want->retryable);
  return g_strdup (error->message);
}

/* The quota-0 answer new free-tier users meet: the 0 is only in the
 * message ("limit: 0"), no quotaValue, a RetryInfo of 16 s that no wait can
 * honour.  It must fail at once, saying billing. */
static void
test_real_quota_zero (void)
{
  static const RealQuota want = {
    "logged__gemini-2.5-flash-image__429-RESOURCE_EXHAUSTED_3violations+RetryInfo16s.json",
    "gemini-2.5-flash-image", TRUE, TRUE, 16, NULL, GG_ERROR_QUOTA_ZERO, FALSE };
  g_autofree gchar *message = check_real_quota (&want);

  if (message == NULL)
    return;
  g_assert_nonnull (strstr (message, "billing"));
  g_assert_nonnull (strstr (message, "no wait can help"));
  g_assert_null (strstr (message, "wait 16"));
}

/* A per-minute quota with RetryInfo 58 s: retryable (once, by the client),
 * naming the limit. */
static void
test_real_per_minute (void)
{
  static const RealQuota want = {
    "logged__gemini-3-flash__429-RESOURCE_EXHAUSTED_Help+QuotaFailure+RetryInfo58s.json",
    "gemini-3-flash", FALSE, FALSE, 58, "5", GG_ERROR_QUOTA, TRUE };
  g_autofree gchar *message = check_real_quota (&want);

  if (message == NULL)
    return;
  g_assert_cmpstr (message, ==,
                   "The per-minute request limit of “gemini-3-flash” "
                   "(GenerateRequestsPerMinutePerProjectPerModel-FreeTier, limit 5) was "
                   "reached: wait 58 s and try again, or enable billing for higher limits.");
}

/* The older quota answer says its limit of 0 in ErrorInfo metadata. */
static void
test_real_old_style_zero (void)
{
  g_autoptr(GError) error = real_error (429, "firebase__generativelanguage__429-RESOURCE_"
                                        "EXHAUSTED_old-style.json", "gemini-3-pro-image", NULL);

  if (error == NULL)
    return;
  g_assert_error (error, GG_ERROR, GG_ERROR_QUOTA_ZERO);
}

static void
test_real_not_found (void)
{
  g_autoptr(GError) unknown = real_error (404, "pydantic-ai__gemini-3.6-flahs__404-NOT_FOUND.json",
                                          "gemini-3.6-flahs", NULL);
  g_autoptr(GError) retired = NULL;

  if (unknown == NULL)
    return;
  g_assert_error (unknown, GG_ERROR, GG_ERROR_MODEL_NOT_FOUND);
  g_assert_nonnull (strstr (unknown->message, "gemini-image models --remote"));
  retired = real_error (404, "pydantic-ai__gemini-3.6-flahs__404-NOT_FOUND.json",
                        "gemini-3.1-flash-image-preview", NULL);
  g_assert_cmpstr (retired->message, ==, "gemini-3.1-flash-image-preview was shut down on "
                                         "2026-06-25; use gemini-nano-banana-2.1.");
}

static void
test_real_thinking_level (void)
{
  GgApiError       *parsed = NULL;
  g_autoptr(GError) error = real_error (400, "vercel-ai__gemini-3.1-pro-preview__400-INVALID_"
                                        "ARGUMENT_thinking-level.json", "gemini-3-pro-image",
                                        &parsed);

  if (error == NULL)
    return;
  g_assert_cmpstr (parsed->thinking_level, ==, "MINIMAL");
  g_assert_error (error, GG_ERROR, GG_ERROR_BAD_ARGUMENT);
  g_assert_cmpstr (error->message, ==, "gemini-3-pro-image does not take the thinking level "
                                       "MINIMAL (the server refused it): choose another "
                                       "level, or leave it unset.");
  gg_api_error_free (parsed);
}

/* Per-day quotas (not zero): no wait short of the daily reset helps. */
static void
test_per_day (void)
{
  const gchar *body =
    "{\"error\":{\"code\":429,\"status\":\"RESOURCE_EXHAUSTED\",\"message\":\"You exceeded "
    "your current quota.\\n* Quota exceeded for metric: x, limit: 250, model: m\\nPlease retry "
    "in 7.5s.\",\"details\":[{\"@type\":\"type.googleapis.com/google.rpc.QuotaFailure\","
    "\"violations\":[{\"quotaMetric\":\"generativelanguage.googleapis.com/generate_content_"
    "requests\",\"quotaId\":\"GenerateRequestsPerMinutePerProjectPerModel\",\"quotaValue\":"
    "\"10\"},{\"quotaMetric\":\"generativelanguage.googleapis.com/generate_content_requests\","
    "\"quotaId\":\"GenerateRequestsPerDayPerProjectPerModel\",\"quotaValue\":\"250\"}]},"
    "{\"@type\":\"type.googleapis.com/google.rpc.RetryInfo\",\"retryDelay\":\"7s\"}]}}";
  g_autoptr(GgApiError) parsed = parse_string (429, body);
  g_autoptr(GError)     error = gg_api_error_to_gerror (parsed, "gemini-nano-banana-2.1");

  g_assert_true (parsed->quota_daily);
  g_assert_false (parsed->quota_zero);
  g_assert_cmpstr (parsed->quota_id, ==, "GenerateRequestsPerDayPerProjectPerModel");
  g_assert_error (error, GG_ERROR, GG_ERROR_QUOTA_DAILY);
  g_assert_false (gg_error_is_retryable (error));
  g_assert_cmpstr (error->message, ==,
                   "The daily request limit of “gemini-nano-banana-2.1” "
                   "(GenerateRequestsPerDayPerProjectPerModel, limit 250) is used up for "
                   "today: try again after the daily reset (midnight Pacific time), or enable "
                   "billing on the key's Google Cloud project for higher limits.");
  assert_sentence (error->message);
}

/* "limit: 0" as a whole number only. */
static void
test_limit_zero_in_message (void)
{
  const struct { const gchar *message; gboolean zero; } cases[] = {
    { "* Quota exceeded for metric: m, limit: 0, model: x", TRUE },
    { "limit: 0\nPlease retry", TRUE },
    { "limit: 0", TRUE },
    { "limit: 05, model: x", FALSE },
    { "limit: 0.5, model: x", FALSE },
    { "limit: 10, model: x", FALSE },
    { "no limit here", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      cJSON            *root = cJSON_CreateObject ();
      cJSON            *inner = cJSON_AddObjectToObject (root, "error");
      g_autofree gchar *body = NULL;
      g_autoptr(GgApiError) parsed = NULL;

      cJSON_AddNumberToObject (inner, "code", 429);
      cJSON_AddStringToObject (inner, "status", "RESOURCE_EXHAUSTED");
      cJSON_AddStringToObject (inner, "message", cases[i].message);
      body = cJSON_PrintUnformatted (root);
      cJSON_Delete (root);
      parsed = parse_string (429, body);
      g_assert_cmpint (parsed->quota_zero, ==, cases[i].zero);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/api-error/table", test_table);
  g_test_add_func ("/api-error/real/quota-zero", test_real_quota_zero);
  g_test_add_func ("/api-error/real/per-minute", test_real_per_minute);
  g_test_add_func ("/api-error/real/old-style-zero", test_real_old_style_zero);
  g_test_add_func ("/api-error/real/not-found", test_real_not_found);
  g_test_add_func ("/api-error/real/thinking-level", test_real_thinking_level);
  g_test_add_func ("/api-error/per-day", test_per_day);
  g_test_add_func ("/api-error/limit-zero-in-message", test_limit_zero_in_message);
  g_test_add_func ("/api-error/fields", test_fields);
  g_test_add_func ("/api-error/retry-info", test_retry_info);
  g_test_add_func ("/api-error/quota-zero", test_quota_zero_forms);
  g_test_add_func ("/api-error/not-json", test_not_json);
  g_test_add_func ("/api-error/long-html", test_long_html);
  g_test_add_func ("/api-error/other-shapes", test_other_shapes);
  g_test_add_func ("/api-error/retryable", test_retryable);
  g_test_add_func ("/api-error/redact", test_redact);
  g_test_add_func ("/api-error/excerpt", test_excerpt);

  return gg_test_status (g_test_run ());
}
