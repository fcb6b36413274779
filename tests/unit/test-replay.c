/* test-replay.c: the engine's parser on every generateContent answer the
 * live service was recorded giving (../shared/real-answers beside the
 * checkout; GG_REAL_ANSWERS at build time).  The expected outcome of each
 * recording is read from the recording itself, never from the engine:
 * its images byte for byte, or the error a user must see (one sentence,
 * the right code).  Without the recordings: "SKIP: ..." and exit 77. */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "gg-api-error.h"
#include "gg-error.h"
#include "gg-response.h"

#ifndef GG_REAL_ANSWERS
#define GG_REAL_ANSWERS ""
#endif

#define MODEL "gemini-nano-banana-2.1"

typedef struct
{
  gchar *name;
  gint   status;
} Recording;

static void
recording_free (gpointer data)
{
  Recording *r = data;

  g_free (r->name);
  g_free (r);
}

static GBytes *
read_recording (const Recording *r)
{
  g_autofree gchar *path = g_build_filename (GG_REAL_ANSWERS, r->name, NULL);
  gchar            *data = NULL;
  gsize             length = 0;
  g_autoptr(GError) error = NULL;

  if (!g_file_get_contents (path, &data, &length, &error))
    g_error ("%s is listed in INDEX.tsv but cannot be read: %s", r->name, error->message);
  return g_bytes_new_take (data, length);
}

/* One sentence: one line, a capital, a full stop, no raw JSON. */
static void
assert_sentence (const gchar *message)
{
  g_assert_true (g_utf8_validate (message, -1, NULL));
  g_assert_null (strchr (message, '\n'));
  g_assert_true (g_str_has_suffix (message, ".") || g_str_has_suffix (message, ".)"));
  g_assert_null (strstr (message, "\"error\""));
  g_assert_null (strstr (message, "@type"));
  g_assert_cmpuint (strlen (message), <, 600);
}

static gboolean
contains_ci (const gchar *haystack, const gchar *needle)
{
  g_autofree gchar *h = g_utf8_strdown (haystack, -1);
  g_autofree gchar *n = g_utf8_strdown (needle, -1);

  return strstr (h, n) != NULL;
}

static const gchar *
string_of (const cJSON *object, const gchar *name)
{
  const cJSON *item = cJSON_GetObjectItemCaseSensitive (object, name);

  return cJSON_IsString (item) ? item->valuestring : NULL;
}

static gboolean
type_is (const cJSON *detail, const gchar *suffix)
{
  const gchar *type = string_of (detail, "@type");

  return type != NULL && g_str_has_suffix (type, suffix);
}

/* An error answer: the code and the sentence its class calls for. */
static void
check_error (const Recording *r, GBytes *bytes)
{
  gsize                 length;
  const gchar          *body = g_bytes_get_data (bytes, &length);
  g_autoptr(GgApiError) api = gg_api_error_parse (r->status, body, length);
  g_autoptr(GError)     error = gg_api_error_to_gerror (api, MODEL);
  cJSON                *root = cJSON_ParseWithLength (body, length);
  const cJSON          *top = cJSON_IsArray (root) ? cJSON_GetArrayItem (root, 0) : root;
  const cJSON          *err = cJSON_GetObjectItemCaseSensitive (top, "error");
  const cJSON          *details = cJSON_GetObjectItemCaseSensitive (err, "details");
  const gchar          *message = string_of (err, "message");
  const gchar          *status = string_of (err, "status");
  const cJSON          *detail;
  gboolean              key_invalid = FALSE, zero = FALSE;
  gdouble               retry = -1;

  g_assert_nonnull (err);
  g_assert_nonnull (error);
  if (err == NULL || error == NULL)
    {
      cJSON_Delete (root);
      return;
    }
  cJSON_ArrayForEach (detail, details)
    {
      const cJSON *violation;

      if (type_is (detail, "ErrorInfo") && g_strcmp0 (string_of (detail, "reason"), "API_KEY_INVALID") == 0)
        key_invalid = TRUE;
      /* The older form of a limit of 0 (a region without free tier). */
      if (type_is (detail, "ErrorInfo")
          && g_strcmp0 (string_of (cJSON_GetObjectItemCaseSensitive (detail, "metadata"),
                                   "quota_limit_value"), "0") == 0)
        zero = TRUE;
      if (type_is (detail, "RetryInfo") && string_of (detail, "retryDelay"))
        retry = g_ascii_strtod (string_of (detail, "retryDelay"), NULL);
      cJSON_ArrayForEach (violation, cJSON_GetObjectItemCaseSensitive (detail, "violations"))
        if (g_strcmp0 (string_of (violation, "quotaValue"), "0") == 0)
          zero = TRUE;
    }
  /* The live service puts a limit of 0 only in the message. */
  if (message != NULL && strstr (message, "limit: 0,") != NULL)
    zero = TRUE;

  g_assert_true (error->domain == GG_ERROR);
  assert_sentence (error->message);
  if (r->status == 429)
    {
      if (zero)
        {
          g_assert_cmpint (error->code, ==, GG_ERROR_QUOTA_ZERO);
          g_assert_false (gg_error_is_retryable (error));
          g_assert_true (contains_ci (error->message, "billing"));
        }
      else
        {
          g_assert_cmpint (error->code, ==, GG_ERROR_QUOTA);
          g_assert_true (gg_error_is_retryable (error));
        }
      if (retry >= 0)
        g_assert_cmpfloat_with_epsilon (api->retry_delay, retry, 1e-6);
    }
  else if (r->status == 401 || key_invalid)
    g_assert_cmpint (error->code, ==, GG_ERROR_BAD_KEY);
  else if (g_strcmp0 (status, "FAILED_PRECONDITION") == 0)
    g_assert_cmpint (error->code, ==, GG_ERROR_BILLING);
  else if (r->status == 403)
    g_assert_true (error->code == GG_ERROR_PERMISSION || error->code == GG_ERROR_BAD_KEY);
  else if (r->status == 404)
    g_assert_cmpint (error->code, ==, GG_ERROR_MODEL_NOT_FOUND);
  else if (r->status == 400)
    {
      /* The server's own words name the cause: the first few must show;
       * a refused thinking level is named with its level. */
      g_auto(GStrv) words = NULL;
      g_autoptr(GString) start = g_string_new (NULL);

      g_assert_cmpint (error->code, ==, GG_ERROR_BAD_ARGUMENT);
      g_assert_nonnull (message);
      if (message == NULL)
        message = "";
      words = g_strsplit_set (message + strspn (message, "* "), " \n", 5);
      if (g_str_has_prefix (message, "Thinking level ") && words[2] != NULL)
        g_string_printf (start, "thinking level %s", words[2]);
      else
        for (guint i = 0; words[i] != NULL && i < 4; i++)
          g_string_append_printf (start, "%s%s", i ? " " : "", words[i]);
      while (start->len && strchr (".,:", start->str[start->len - 1]))
        g_string_truncate (start, start->len - 1);
      g_assert_true (contains_ci (error->message, start->str));
    }
  else if (r->status == 500)
    g_assert_cmpint (error->code, ==, GG_ERROR_SERVER);
  else if (r->status == 503)
    g_assert_cmpint (error->code, ==, GG_ERROR_OVERLOADED);
  else
    g_assert_true (gg_error_is_retryable (error) || error->code != GG_ERROR_FAILED);
  cJSON_Delete (root);
}

/* A 200 answer: its images byte for byte with their signatures verbatim,
 * or the sentence that says why there is none. */
static void
check_answer (GBytes *bytes)
{
  gsize               length;
  const gchar        *body = g_bytes_get_data (bytes, &length);
  cJSON              *root = cJSON_ParseWithLength (body, length);
  const cJSON        *cands = cJSON_GetObjectItemCaseSensitive (root, "candidates");
  const cJSON        *feedback = cJSON_GetObjectItemCaseSensitive (root, "promptFeedback");
  const cJSON        *cand = cJSON_GetArrayItem (cands, 0);
  const cJSON        *content = cJSON_GetObjectItemCaseSensitive (cand, "content");
  const cJSON        *part;
  g_autoptr(GPtrArray) expected = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(GPtrArray) signatures = g_ptr_array_new ();
  gboolean            placeholder = FALSE, text = FALSE;
  const gchar        *finish = string_of (cand, "finishReason");
  g_autoptr(GgResponse) response = NULL;
  g_autoptr(GError)   error = NULL;

  g_assert_nonnull (root);
  if (root == NULL)
    return;
  cJSON_ArrayForEach (part, cJSON_GetObjectItemCaseSensitive (content, "parts"))
    {
      const cJSON *inline_data = cJSON_GetObjectItemCaseSensitive (part, "inlineData");
      const gchar *data = string_of (inline_data, "data");

      if (cJSON_IsTrue (cJSON_GetObjectItemCaseSensitive (part, "thought")))
        continue;
      if (string_of (part, "text") && *string_of (part, "text"))
        text = TRUE;
      if (inline_data == NULL)
        continue;
      /* A recorder's placeholder ("<redacted ...>") is no base64. */
      if (data == NULL || strspn (data, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_")
                          != strlen (data))
        placeholder = TRUE;
      else
        {
          gsize   n = 0;
          guchar *raw = g_base64_decode (data, &n);

          g_ptr_array_add (expected, g_bytes_new_take (raw, n));
          g_ptr_array_add (signatures, (gpointer) string_of (part, "thoughtSignature"));
        }
    }

  response = gg_response_parse (body, length, NULL, &error);
  if (placeholder)
    {
      g_assert_error (error, GG_ERROR, GG_ERROR_BAD_RESPONSE);
      if (error != NULL)
        {
          assert_sentence (error->message);
          g_assert_true (contains_ci (error->message, "malformed"));
        }
      cJSON_Delete (root);
      return;
    }
  g_assert_no_error (error);
  g_assert_nonnull (response);
  if (response == NULL)
    {
      cJSON_Delete (root);
      return;
    }

  if (expected->len > 0)
    {
      g_autoptr(GPtrArray) images = gg_response_images (response);

      g_assert_cmpuint (images->len, ==, expected->len);
      for (guint i = 0; i < MIN (images->len, expected->len); i++)
        {
          const GgPart *p = images->pdata[i];

          g_assert_true (g_bytes_equal (p->data, expected->pdata[i]));
          g_assert_cmpstr (p->thought_signature, ==, signatures->pdata[i]);
        }
      g_assert_true (gg_response_check (response, &error));
      g_assert_no_error (error);
    }
  else
    {
      const gchar *block = string_of (feedback, "blockReason");

      g_assert_false (gg_response_check (response, &error));
      g_assert_nonnull (error);
      if (error == NULL)
        {
          cJSON_Delete (root);
          return;
        }
      assert_sentence (error->message);
      if (cJSON_GetArraySize (cands) == 0 && block != NULL)
        {
          g_assert_error (error, GG_ERROR, GG_ERROR_BLOCKED);
          g_assert_true (strstr (error->message, block) != NULL);
        }
      else if ((finish == NULL || strcmp (finish, "STOP") == 0) && text)
        g_assert_error (error, GG_ERROR, GG_ERROR_NO_IMAGE);
      else
        {
          g_assert_true (error->code == GG_ERROR_NO_IMAGE || error->code == GG_ERROR_SAFETY);
          g_assert_true (strstr (error->message, finish ? finish : "STOP") != NULL);
        }
    }
  cJSON_Delete (root);
}

static void
test_recording (gconstpointer data)
{
  const Recording  *r = data;
  g_autoptr(GBytes) bytes = read_recording (r);

  if (r->status >= 400)
    check_error (r, bytes);
  else
    check_answer (bytes);
}

/* generateContent answers: whole JSON bodies with an HTTP status (streams,
 * Files API and batch recordings are other tests' matter). */
static gboolean
in_scope (const gchar *name, const gchar *status)
{
  if (!g_str_has_suffix (name, ".json") || g_str_has_suffix (name, ".chunks.json"))
    return FALSE;
  if (g_str_has_prefix (name, "cookbook__files-api__") || g_str_has_prefix (name, "cookbook__batch__"))
    return FALSE;
  return g_ascii_isdigit (status[0]);
}

int
main (int argc, char **argv)
{
  g_autofree gchar *index_path = g_build_filename (GG_REAL_ANSWERS, "INDEX.tsv", NULL);
  g_autofree gchar *index = NULL;
  g_auto(GStrv)     lines = NULL;
  g_auto(GStrv)     header = NULL;
  gint              col_name = -1, col_status = -1;
  guint             added = 0;

  if (*GG_REAL_ANSWERS == '\0' || !g_file_get_contents (index_path, &index, NULL, NULL))
    {
      g_print ("SKIP: the recorded answers are absent (%s)\n", index_path);
      return 77;
    }
  g_test_init (&argc, &argv, NULL);
  /* Every recording is checked even when one fails. */
  g_test_set_nonfatal_assertions ();
  lines = g_strsplit (index, "\n", -1);
  header = g_strsplit (lines[0], "\t", -1);
  for (gint i = 0; header[i] != NULL; i++)
    {
      if (strcmp (header[i], "filename") == 0)
        col_name = i;
      else if (strcmp (header[i], "http_status") == 0)
        col_status = i;
    }
  g_assert_cmpint (col_name, >=, 0);
  g_assert_cmpint (col_status, >=, 0);
  for (guint l = 1; lines[l] != NULL; l++)
    {
      g_auto(GStrv) cells = g_strsplit (lines[l], "\t", -1);
      Recording    *r;
      g_autofree gchar *test_path = NULL;

      if (g_strv_length (cells) <= (guint) MAX (col_name, col_status)
          || !in_scope (cells[col_name], cells[col_status]))
        continue;
      r = g_new0 (Recording, 1);   /* freed by GTest after its test */
      r->name = g_strdup (cells[col_name]);
      r->status = atoi (cells[col_status]);
      test_path = g_strdup_printf ("/replay/%s", r->name);
      g_test_add_data_func_full (test_path, r, test_recording, recording_free);
      added++;
    }
  g_assert_cmpuint (added, >, 0);
  return g_test_run ();
}
