/* test-network.c: a loopback base URL never goes through a proxy (the key
 * would reach it in clear text over http), and an IPv6 base URL keeps its
 * brackets all the way (requests, upload addresses, messages).
 *
 * Servers of its own (gg_loop_server_start () in gg-test-util.c, their
 * answers in this file): a tiny HTTP server on 127.0.0.1 or [::1] that
 * answers the Files API's resumable upload, and a "proxy" that only counts
 * the connections it gets. */
#include <string.h>

#include "gg-client.h"
#include "gg-error.h"
#include "gg-batch.h"
#include "gg-files.h"
#include "gg-test-util.h"

#define KEY "AIzaSyNetworkTestKey-0123456789abcdefgh"

typedef struct
{
  GgLoopServer *loop;
  gint          port;
  gboolean      ipv6;
  gboolean      proxy;      /* count, answer 502 */
  GMutex        lock;
  GPtrArray    *lines;      /* the request lines received */
} Server;

/* The answer to @request, whose line ("POST /upload/v1beta/files
 * HTTP/1.1") is kept. */
static gchar *
answer_for (GgLoopServer *loop, const gchar *request, gpointer data)
{
  Server           *server = data;
  const gchar      *body = "{\"models\":[]}";
  g_autofree gchar *extra = g_strdup ("");
  g_autofree gchar *host = NULL;
  gchar            *line = g_strndup (request, strcspn (request, "\r\n"));
  gint              port;

  g_mutex_lock (&server->lock);
  g_ptr_array_add (server->lines, line);
  g_mutex_unlock (&server->lock);
  if (server->proxy)
    return g_strdup ("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n"
                     "Connection: close\r\n\r\n");
  /* The upload address is absolute, as Google's is. */
  port = gg_loop_server_port (loop);
  host = port == 80 ? g_strdup (server->ipv6 ? "[::1]" : "127.0.0.1")
                    : g_strdup_printf (server->ipv6 ? "[::1]:%d" : "127.0.0.1:%d", port);
  /* A list that hands out the same page token for ever. */
  if (strstr (line, "/v1beta/files?pageSize") != NULL)
    body = "{\"files\":[{\"name\":\"files/a\"}],\"nextPageToken\":\"again\"}";
  else if (strstr (line, "/v1beta/batches?pageSize") != NULL)
    body = "{\"operations\":[],\"nextPageToken\":\"again\"}";
  else if (strstr (line, "/upload/v1beta/files ") != NULL)
    {
      g_free (extra);
      extra = g_strdup_printf ("x-goog-upload-url: http://%s/resumable?upload_id=7\r\n"
                               "x-goog-upload-status: active\r\n"
                               "x-goog-upload-chunk-granularity: 8388608\r\n", host);
      body = "";
    }
  else if (strstr (line, "/resumable?upload_id=7") != NULL)
    {
      g_free (extra);
      extra = g_strdup ("x-goog-upload-status: final\r\n");
      body = "{\"file\":{\"name\":\"files/abc\",\"state\":\"ACTIVE\"}}";
    }
  return gg_http_reply ("200 OK", "application/json", extra, body);
}

/* NULL when @port cannot be had (only asked for port 80). */
static Server *
server_start (gboolean ipv6, gboolean proxy, gint port)
{
  Server *server = g_new0 (Server, 1);

  server->ipv6  = ipv6;
  server->proxy = proxy;
  server->lines = g_ptr_array_new_with_free_func (g_free);
  g_mutex_init (&server->lock);
  server->loop = gg_loop_server_start (ipv6, port, answer_for, server);
  if (server->loop == NULL)
    {
      g_ptr_array_unref (server->lines);
      g_mutex_clear (&server->lock);
      g_free (server);
      return NULL;
    }
  server->port = gg_loop_server_port (server->loop);
  return server;
}

static void
server_stop (Server *server)
{
  gg_loop_server_stop (server->loop);
  g_ptr_array_unref (server->lines);
  g_mutex_clear (&server->lock);
  g_free (server);
}

static gint
server_accepted (Server *server)
{
  return gg_loop_server_accepted (server->loop);
}

static gboolean
server_saw (Server *server, const gchar *part)
{
  gboolean seen = FALSE;

  g_mutex_lock (&server->lock);
  for (guint i = 0; i < server->lines->len; i++)
    if (strstr (g_ptr_array_index (server->lines, i), part) != NULL)
      seen = TRUE;
  g_mutex_unlock (&server->lock);
  return seen;
}

static GgClient *
client_for (const gchar *url)
{
  return gg_test_client_once (KEY, url, 5);
}

/* "http://127.0.0.1:PORT" or "http://[::1]:PORT" (g_free). */
static gchar *
server_url (Server *server)
{
  return g_strdup_printf (server->ipv6 ? "http://[::1]:%d" : "http://127.0.0.1:%d",
                          server->port);
}

static GgClient *
server_client (Server *server)
{
  g_autofree gchar *url = server_url (server);

  return client_for (url);
}

/* Every way the environment names a proxy for http. */
static void
set_proxy (gint port)
{
  g_autofree gchar *url = g_strdup_printf ("http://127.0.0.1:%d", port);
  const gchar      *names[] = { "http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY",
                                "all_proxy", "ALL_PROXY" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    g_setenv (names[i], url, TRUE);
  g_unsetenv ("no_proxy");
  g_unsetenv ("NO_PROXY");
}

static void
unset_proxy (void)
{
  const gchar *names[] = { "http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY",
                           "all_proxy", "ALL_PROXY", "no_proxy", "NO_PROXY" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    g_unsetenv (names[i]);
}

static void
test_loopback_bypasses_proxy (void)
{
  Server *proxy = server_start (FALSE, TRUE, 0);
  Server *four = server_start (FALSE, FALSE, 0);
  Server *six = server_start (TRUE, FALSE, 0);

  set_proxy (proxy->port);
  for (guint i = 0; i < 3; i++)
    {
      g_autofree gchar   *url = NULL;
      g_autoptr(GgClient) client = NULL;
      g_autoptr(GBytes)   answer = NULL;
      g_autoptr(GError)   error = NULL;

      if (i == 0)
        url = server_url (four);
      else if (i == 1)
        url = g_strdup_printf ("http://localhost:%d", four->port);
      else
        url = server_url (six);
      client = client_for (url);
      answer = gg_client_call (client, "GET", "v1beta/models", NULL, NULL, &error);
      g_test_message ("%s: %s", url, error ? error->message : "answered");
      g_assert_no_error (error);
      g_assert_nonnull (answer);
      g_assert_cmpint (server_accepted (proxy), ==, 0);
    }
  g_assert_true (server_saw (four, "GET /v1beta/models "));
  g_assert_true (server_saw (six, "GET /v1beta/models "));
  unset_proxy ();
  server_stop (six);
  server_stop (four);
  server_stop (proxy);
}

/* The proxy is still used for any other host: the test's proxy gets the
 * connection (and answers 502). */
static void
test_other_hosts_keep_proxy (void)
{
  Server             *proxy = server_start (FALSE, TRUE, 0);
  g_autoptr(GgClient) client = NULL;
  g_autoptr(GBytes)   answer = NULL;
  g_autoptr(GError)   error = NULL;

  set_proxy (proxy->port);
  client = client_for ("https://generativelanguage.example.invalid");
  answer = gg_client_call (client, "GET", "v1beta/models", NULL, NULL, &error);
  g_assert_null (answer);
  g_assert_nonnull (error);
  g_assert_cmpint (server_accepted (proxy), >=, 1);
  unset_proxy ();
  server_stop (proxy);
}

static GgFile *
upload (GgClient *client, GError **error)
{
  g_autoptr(GBytes) data = g_bytes_new_static ("0123456789", 10);

  return gg_files_upload (client, data, "image/png", "x", NULL, error);
}

static void
test_ipv6_upload (void)
{
  Server             *six = server_start (TRUE, FALSE, 0);
  g_autofree gchar   *url = server_url (six);
  g_autoptr(GgClient) client = client_for (url);
  g_autoptr(GError)   error = NULL;
  g_autoptr(GgFile)   file = upload (client, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (file->name, ==, "files/abc");
  g_assert_true (server_saw (six, "/resumable?upload_id=7"));
  g_assert_cmpstr (gg_client_get_base_url (client), ==, url);
  server_stop (six);
}

/* Without a port, the host alone must keep its brackets: in the upload
 * address made from it and in messages. */
static void
test_ipv6_without_port (void)
{
  Server             *six = server_start (TRUE, FALSE, 80);
  g_autoptr(GgClient) client = client_for ("http://[::1]");
  g_autoptr(GError)   error = NULL;
  g_autoptr(GgFile)   file = NULL;

  if (six != NULL)
    {
      file = upload (client, &error);
      g_test_message ("upload: %s", error ? error->message : "done");
      g_assert_no_error (error);
      g_assert_true (server_saw (six, "/resumable?upload_id=7"));
      server_stop (six);
    }
  else
    g_test_message ("port 80 on [::1] is taken: the upload part is not run");

  /* Nothing listens now (or never did): the message names the host as
   * it is written in a URL. */
  if (six != NULL)
    {
      g_autoptr(GBytes) answer = gg_client_call (client, "GET", "v1beta/models", NULL,
                                                 NULL, &error);

      g_assert_null (answer);
      g_test_message ("refused: %s", error->message);
      g_assert_error (error, GG_ERROR, GG_ERROR_NETWORK);
      g_assert_nonnull (strstr (error->message, "[::1]"));
    }
  else
    gg_test_skip ("port 80 on [::1] is in use");
}

/* A server's list that never ends (the same page token each time) is
 * read once, not forever. */
static void
test_endless_lists_end (void)
{
  Server              *four = server_start (FALSE, FALSE, 0);
  g_autoptr(GgClient)  client = server_client (four);
  g_autoptr(GError)    error = NULL;
  g_autoptr(GPtrArray) batches = NULL;
  g_autoptr(GPtrArray) files = gg_files_list (client, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (files->len, <=, 2);
  batches = gg_batch_list (client, 10, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (batches->len, ==, 0);
  g_assert_cmpint (server_accepted (four), <=, 4);
  server_stop (four);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  unset_proxy ();
  g_test_add_func ("/network/loopback-bypasses-proxy", test_loopback_bypasses_proxy);
  g_test_add_func ("/network/other-hosts-keep-proxy", test_other_hosts_keep_proxy);
  g_test_add_func ("/network/ipv6-upload", test_ipv6_upload);
  g_test_add_func ("/network/ipv6-without-port", test_ipv6_without_port);
  g_test_add_func ("/network/endless-lists-end", test_endless_lists_end);
  return gg_test_status (g_test_run ());
}
