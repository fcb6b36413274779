/* test-secrets.c: the API key never shows in a message, whole or in part.
 *
 * A tiny loopback server (gg_loop_server_start () in gg-test-util.c, its
 * answers in this file) reads the key from each request's
 * x-goog-api-key header and echoes it back in the answer: at the point
 * where a message is cut, in pieces, in an HTML page, in a JSON error, in
 * the Files API's and the Batch API's answers.  Every message that comes
 * back is searched for every 8-character piece of the key. */
#define _GNU_SOURCE
#include <string.h>

#include "gg-batch.h"
#include "gg-client.h"
#include "gg-error.h"
#include "gg-files.h"
#include "gg-response.h"
#include "gg-test-util.h"

/* Looks like a real key (39 characters, as Google's are). */
#define ECHO_KEY "AIzaSyQ7vX2mKp9LtR4wZs8NbHc3JdFg6Ye1Ua0"
#define PIECE    8

static const gchar echo_key[] = ECHO_KEY;

/* ----- the echoing server --------------------------------------------------- */

typedef struct
{
  GgLoopServer *loop;
  gint          port;
  GMutex        lock;
  gchar        *status_line;  /* the next answer: "400 Bad Request" */
  gchar        *content_type;
  gchar        *body;         /* "%K" stands for the key the request sent */
} EchoServer;

static EchoServer *echo;

static gchar *
echo_reply (GgLoopServer *loop, const gchar *request, gpointer data)
{
  EchoServer       *server = data;
  const gchar      *line = strcasestr (request, "x-goog-api-key: ");
  g_autofree gchar *key = NULL;
  g_autofree gchar *body = NULL;
  gchar           **parts;
  gchar            *reply;

  (void) loop;
  key = line ? g_strndup (line + 16, strcspn (line + 16, "\r\n")) : g_strdup ("?");
  g_mutex_lock (&server->lock);
  parts = g_strsplit (server->body, "%K", -1);
  body = g_strjoinv (key, parts);
  g_strfreev (parts);
  reply = gg_http_reply (server->status_line, server->content_type,
                         "x-goog-upload-status: final\r\n", body);
  g_mutex_unlock (&server->lock);
  return reply;
}

static EchoServer *
echo_start (void)
{
  EchoServer *server = g_new0 (EchoServer, 1);

  g_mutex_init (&server->lock);
  server->status_line  = g_strdup ("200 OK");
  server->content_type = g_strdup ("application/json");
  server->body         = g_strdup ("{}");
  server->loop = gg_loop_server_start (FALSE, 0, echo_reply, server);
  server->port = gg_loop_server_port (server->loop);
  return server;
}

static void
echo_stop (EchoServer *server)
{
  gg_loop_server_stop (server->loop);
  g_free (server->status_line);
  g_free (server->content_type);
  g_free (server->body);
  g_mutex_clear (&server->lock);
  g_free (server);
}

/* The next answers: @body with "%K" for the key. */
static void
echo_answer (const gchar *status_line, const gchar *content_type, const gchar *body)
{
  g_mutex_lock (&echo->lock);
  g_free (echo->status_line);
  g_free (echo->content_type);
  g_free (echo->body);
  echo->status_line  = g_strdup (status_line);
  echo->content_type = g_strdup (content_type);
  echo->body         = g_strdup (body);
  g_mutex_unlock (&echo->lock);
}

/* ----- helpers ------------------------------------------------------------------ */

static guint checked;

/* Fails when @text holds any PIECE characters in a row of the key. */
static void
assert_no_piece (const gchar *what, const gchar *text)
{
  gsize key_len = strlen (ECHO_KEY);

  g_assert_nonnull (text);
  for (gsize i = 0; i + PIECE <= key_len; i++)
    {
      g_autofree gchar *piece = g_strndup (&echo_key[i], PIECE);

      if (strstr (text, piece) != NULL)
        g_error ("%s: the message holds the key's piece “%s”: %s", what, piece, text);
    }
  checked++;
}

static GgClient *
echo_client (void)
{
  g_autofree gchar *url = g_strdup_printf ("http://127.0.0.1:%d", echo->port);

  return gg_test_client_once (ECHO_KEY, url, 0);
}

/* @n characters of filler: words, so that excerpts keep them as they are. */
static gchar *
filler (guint n)
{
  GString *out = g_string_new (NULL);

  while (out->len < n)
    g_string_append (out, "lorem ");
  g_string_truncate (out, n);
  if (n > 0)
    out->str[n - 1] = ' ';
  return g_string_free (out, FALSE);
}

/* The key's pieces, each of @size characters, joined by @glue. */
static gchar *
key_in_pieces (guint size, const gchar *glue)
{
  GString *out = g_string_new (NULL);
  gsize    key_len = strlen (ECHO_KEY);

  for (gsize i = 0; i < key_len; i += size)
    {
      if (i > 0)
        g_string_append (out, glue);
      g_string_append_len (out, &echo_key[i], MIN (size, key_len - i));
    }
  return g_string_free (out, FALSE);
}

/* Every place a message may be cut: the key starts just before it, so that
 * a cut after redaction would leave its head. */
static const guint cuts[] = { 60, 80, 120, 200 };
static const guint before[] = { 4, 8, 12, 20, 30 };

typedef GError *(*Attempt) (GgClient *client);

/* Serves @template (with "%F" for filler of every length around the cuts,
 * "%K" for the key) and asserts that @attempt's error holds no piece. */
static void
try_everywhere (const gchar *what,
                const gchar *status_line,
                const gchar *content_type,
                const gchar *template,
                Attempt      attempt)
{
  g_autoptr(GgClient) client = echo_client ();

  for (guint c = 0; c < G_N_ELEMENTS (cuts); c++)
    for (guint b = 0; b < G_N_ELEMENTS (before); b++)
      {
        g_autofree gchar *pad = filler (cuts[c] - before[b]);
        gchar           **parts = g_strsplit (template, "%F", -1);
        g_autofree gchar *body = g_strjoinv (pad, parts);
        g_autoptr(GError) error = NULL;

        g_strfreev (parts);
        echo_answer (status_line, content_type, body);
        error = attempt (client);
        g_assert_nonnull (error);
        assert_no_piece (what, error->message);
      }
}

static GError *
attempt_generate (GgClient *client)
{
  GError           *error = NULL;
  g_autoptr(GBytes) answer = gg_client_post_json (client, "v1beta/models/m:generateContent",
                                                  "{}", 2, "m", NULL, &error);

  g_assert_null (answer);
  return error;
}

/* Posts a request that must be answered 2xx, and parses its body:
 * NULL with @error set when the parser refuses it. */
static GgResponse *
post_and_parse (GgClient *client, GError **error)
{
  g_autoptr(GBytes) body = gg_client_post_json (client, "v1beta/models/m:generateContent",
                                                "{}", 2, "m", NULL, error);
  gsize             length;
  const gchar      *data;

  g_assert_no_error (*error);
  data = g_bytes_get_data (body, &length);
  return gg_response_parse (data, length, NULL, error);
}

/* A 2xx whose body is not an answer: the response parser quotes it. */
static GError *
attempt_response (GgClient *client)
{
  GError     *error = NULL;
  GgResponse *response = post_and_parse (client, &error);

  g_assert_null (response);
  return error;
}

/* A text-only answer: gg_response_check () quotes the model's words. */
static GError *
attempt_response_checked (GgClient *client)
{
  GError     *error = NULL;
  GgResponse *response = post_and_parse (client, &error);

  g_assert_no_error (error);
  g_assert_false (gg_response_check (response, &error));
  gg_response_free (response);
  return error;
}

static GError *
attempt_file_get (GgClient *client)
{
  GError            *error = NULL;
  g_autoptr(GgFile)  file = gg_files_get (client, "files/abc", NULL, &error);

  g_assert_null (file);
  return error;
}

static GError *
attempt_file_wait (GgClient *client)
{
  GError           *error = NULL;
  g_autoptr(GgFile) file = gg_files_get (client, "files/abc", NULL, &error);
  g_autoptr(GgFile) active = NULL;

  if (file == NULL)
    return error;
  active = gg_files_wait_active (client, file, 1, 0.05, NULL, &error);
  g_assert_null (active);
  return error;
}

static GError *
attempt_upload (GgClient *client)
{
  GError           *error = NULL;
  g_autoptr(GBytes) data = g_bytes_new_static ("12345678", 8);
  g_autoptr(GgFile) file = gg_files_upload (client, data, "image/png", "x", NULL, &error);

  g_assert_null (file);
  return error;
}

static GError *
attempt_batch_get (GgClient *client)
{
  GError            *error = NULL;
  g_autoptr(GgBatch) batch = gg_batch_get (client, "batches/abc", NULL, &error);

  g_assert_null (batch);
  return error;
}

/* A batch that failed: its reason is shown as it came, and must not carry
 * the key either. */
static GError *
attempt_batch_reason (GgClient *client)
{
  GError            *error = NULL;
  g_autoptr(GgBatch) batch = gg_batch_get (client, "batches/abc", NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (batch->error_message);
  return g_error_new_literal (GG_ERROR, GG_ERROR_FAILED, batch->error_message);
}

/* ----- tests -------------------------------------------------------------------- */

static void
test_redact_pieces (void)
{
  g_autofree gchar *split = key_in_pieces (10, " ");
  g_autofree gchar *joined = g_strdup_printf ("a%sb", split);
  g_autofree gchar *clean = gg_redact (joined, ECHO_KEY);
  g_autofree gchar *head = gg_redact ("AIzaSyQ7 and AIzaSyQ", ECHO_KEY);
  g_autofree gchar *both = gg_redact ("x" ECHO_KEY ECHO_KEY "y", ECHO_KEY);

  assert_no_piece ("pieces", clean);
  g_assert_nonnull (strstr (clean, "[redacted]"));
  /* Seven characters are not a piece: left as they are. */
  g_assert_cmpstr (head, ==, "[redacted] and AIzaSyQ");
  g_assert_cmpstr (both, ==, "x[redacted][redacted]y");
}

static void
test_excerpt_after_client (void)
{
  /* Once a client holds the key, every excerpt drops it before cutting. */
  g_autoptr(GgClient) client = echo_client ();

  g_assert_nonnull (client);
  for (guint c = 0; c < G_N_ELEMENTS (cuts); c++)
    for (guint b = 0; b < G_N_ELEMENTS (before); b++)
      {
        g_autofree gchar *pad = filler (cuts[c] - before[b]);
        g_autofree gchar *text = g_strconcat (pad, ECHO_KEY, " tail", NULL);
        g_autofree gchar *cut = gg_excerpt (text, -1, cuts[c], FALSE);

        assert_no_piece ("excerpt", cut);
      }
}

static void
test_generate_errors (void)
{
  try_everywhere ("400 JSON", "400 Bad Request", "application/json",
                  "{\"error\":{\"code\":400,\"message\":\"%F%K was refused\","
                  "\"status\":\"INVALID_ARGUMENT\"}}", attempt_generate);
  try_everywhere ("500 JSON", "500 Internal Server Error", "application/json",
                  "{\"error\":{\"code\":500,\"message\":\"%F%K\",\"status\":\"INTERNAL\"}}",
                  attempt_generate);
  try_everywhere ("502 HTML", "502 Bad Gateway", "text/html",
                  "<html><body><p>%F%K</p></body></html>", attempt_generate);
  try_everywhere ("502 text", "502 Bad Gateway", "text/plain", "%F%K", attempt_generate);
  try_everywhere ("200 HTML", "200 OK", "text/html",
                  "<html><body><p>%F%K</p></body></html>", attempt_response);
  try_everywhere ("200 not JSON", "200 OK", "application/json", "%F%K", attempt_response);
  try_everywhere ("200 text only", "200 OK", "application/json",
                  "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"%F%K\"}]},"
                  "\"finishReason\":\"STOP\"}]}", attempt_response_checked);
}

static void
test_pieces_in_answers (void)
{
  g_autofree gchar *spaced = key_in_pieces (10, " ");
  g_autofree gchar *tagged = key_in_pieces (9, "<br>");
  g_autofree gchar *json = g_strdup_printf ("{\"error\":{\"code\":400,\"message\":"
                                            "\"%%F%s\",\"status\":\"INVALID_ARGUMENT\"}}",
                                            spaced);
  g_autofree gchar *html = g_strdup_printf ("<html><body>%%F%s</body></html>", tagged);

  /* Pieces of the real key, sent by the server as it pleases. */
  try_everywhere ("400 JSON in pieces", "400 Bad Request", "application/json", json,
                  attempt_generate);
  try_everywhere ("502 HTML in pieces", "502 Bad Gateway", "text/html", html,
                  attempt_generate);
}

static void
test_files_errors (void)
{
  try_everywhere ("file: not a file", "200 OK", "text/plain", "%F%K", attempt_file_get);
  try_everywhere ("file: 404", "404 Not Found", "application/json",
                  "{\"error\":{\"code\":404,\"message\":\"%F%K\",\"status\":\"NOT_FOUND\"}}",
                  attempt_file_get);
  try_everywhere ("file: FAILED", "200 OK", "application/json",
                  "{\"name\":\"files/%K\",\"state\":\"FAILED\","
                  "\"error\":{\"message\":\"%F%K\"}}", attempt_file_wait);
  try_everywhere ("upload: refused", "403 Forbidden", "application/json",
                  "{\"error\":{\"code\":403,\"message\":\"%F%K\","
                  "\"status\":\"PERMISSION_DENIED\"}}", attempt_upload);
}

static void
test_batch_errors (void)
{
  try_everywhere ("batch: not a batch", "200 OK", "text/html", "<p>%F%K</p>",
                  attempt_batch_get);
  try_everywhere ("batch: 404", "404 Not Found", "application/json",
                  "{\"error\":{\"code\":404,\"message\":\"%F%K\",\"status\":\"NOT_FOUND\"}}",
                  attempt_batch_get);
  try_everywhere ("batch: its reason", "200 OK", "application/json",
                  "{\"name\":\"batches/abc\",\"metadata\":{\"state\":\"BATCH_STATE_FAILED\"},"
                  "\"done\":true,\"error\":{\"code\":3,\"message\":\"%F%K\"}}",
                  attempt_batch_reason);
}

static void
test_batch_results (void)
{
  g_autoptr(GgClient)  client = echo_client ();   /* the process now holds the key */
  g_autofree gchar    *jsonl = g_strdup_printf ("{\"key\":\"a\",\"error\":{\"code\":3,"
                                                "\"message\":\"refused %s\"}}\n"
                                                "{\"key\":\"b\",\"response\":\"%s\"}\n",
                                                ECHO_KEY, ECHO_KEY);
  g_autoptr(GPtrArray) results = gg_batch_results_parse_jsonl (jsonl, strlen (jsonl), NULL);

  g_assert_nonnull (client);
  g_assert_cmpuint (results->len, ==, 2);
  for (guint i = 0; i < results->len; i++)
    {
      GgBatchResult *result = g_ptr_array_index (results, i);

      g_assert_nonnull (result->error_message);
      assert_no_piece ("batch result", result->error_message);
    }
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  echo = echo_start ();
  g_test_add_func ("/secrets/redact-pieces", test_redact_pieces);
  g_test_add_func ("/secrets/excerpt", test_excerpt_after_client);
  g_test_add_func ("/secrets/generate-errors", test_generate_errors);
  g_test_add_func ("/secrets/pieces-in-answers", test_pieces_in_answers);
  g_test_add_func ("/secrets/files-errors", test_files_errors);
  g_test_add_func ("/secrets/batch-errors", test_batch_errors);
  g_test_add_func ("/secrets/batch-results", test_batch_results);
  status = g_test_run ();
  echo_stop (echo);
  if (status == 0)
    g_print ("%u messages checked\n", checked);
  return status;
}
