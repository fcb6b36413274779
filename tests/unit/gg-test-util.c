/* gg-test-util.c: see gg-test-util.h. */
#define _GNU_SOURCE
#include "gg-test-util.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <glib/gstdio.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

static gchar *
read_port_file (const gchar *path, GSubprocess *process)
{
  for (gint i = 0; i < 200; i++)   /* up to 20 s: Pillow imports are slow */
    {
      gchar *text = NULL;
      if (g_file_get_contents (path, &text, NULL, NULL) && text[0] != '\0'
          && g_str_has_suffix (text, "\n"))
        return text;
      g_free (text);
      /* The identifier (pid) goes away once the process has exited. */
      if (g_subprocess_get_identifier (process) == NULL)
        break;
      g_usleep (100 * 1000);
    }
  return NULL;
}

/* In the server's process, before exec: ended by SIGTERM when the test
 * process ends, however it ends. */
static void
die_with_parent (gpointer data)
{
  (void) data;
#ifdef __linux__
  prctl (PR_SET_PDEATHSIG, SIGTERM);
#endif
}

GgFakeServer *
gg_fake_server_start (const gchar *const *extra_args)
{
  GgFakeServer *server = g_new0 (GgFakeServer, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autofree gchar *port_file = NULL;
  g_autofree gchar *text = NULL;

  server->dir = g_dir_make_tmp ("gg-fake-XXXXXX", &error);
  g_assert_no_error (error);
  port_file = g_build_filename (server->dir, "port", NULL);

  g_ptr_array_add (argv, g_strdup (GG_PYTHON));
  g_ptr_array_add (argv, g_strdup (GG_FAKE_SERVER));
  g_ptr_array_add (argv, g_strdup ("--port"));
  g_ptr_array_add (argv, g_strdup ("0"));
  g_ptr_array_add (argv, g_strdup ("--port-file"));
  g_ptr_array_add (argv, g_strdup (port_file));
  for (gint i = 0; extra_args && extra_args[i]; i++)
    g_ptr_array_add (argv, g_strdup (extra_args[i]));
  g_ptr_array_add (argv, NULL);

  {
    g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);

    /* A test that aborts must not leave its server running: CTest would
     * wait for the server's copy of its output until the test's timeout. */
    g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
    server->process = g_subprocess_launcher_spawnv (launcher, (const gchar *const *) argv->pdata, &error);
  }
  g_assert_no_error (error);

  text = read_port_file (port_file, server->process);
  if (text == NULL)
    g_error ("the fake Gemini server (%s) did not start", GG_FAKE_SERVER);
  server->port = atoi (text);
  g_assert_cmpint (server->port, >, 0);
  server->base_url = g_strdup_printf ("http://127.0.0.1:%d", server->port);
  return server;
}

static void
remove_tree (const gchar *path)
{
  GDir *dir = g_dir_open (path, 0, NULL);
  const gchar *name;
  while (dir && (name = g_dir_read_name (dir)))
    {
      g_autofree gchar *child = g_build_filename (path, name, NULL);
      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_unlink (child);
    }
  if (dir)
    g_dir_close (dir);
  g_rmdir (path);
}

void
gg_fake_server_stop (GgFakeServer *server)
{
  if (server == NULL)
    return;
  g_subprocess_force_exit (server->process);
  g_subprocess_wait (server->process, NULL, NULL);
  g_object_unref (server->process);
  remove_tree (server->dir);
  g_free (server->dir);
  g_free (server->base_url);
  g_free (server);
}

static size_t
collect (char *data, size_t size, size_t n, void *user)
{
  g_string_append_len ((GString *) user, data, (gssize) (size * n));
  return size * n;
}

static gchar *
control_request (GgFakeServer *server, const gchar *path, const gchar *json)
{
  CURL *curl = curl_easy_init ();
  GString *body = g_string_new (NULL);
  g_autofree gchar *url = g_strdup_printf ("%s%s", server->base_url, path);
  struct curl_slist *headers = curl_slist_append (NULL, "Content-Type: application/json");
  long status = 0;
  CURLcode rc;

  curl_easy_setopt (curl, CURLOPT_URL, url);
  curl_easy_setopt (curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt (curl, CURLOPT_WRITEDATA, body);
  curl_easy_setopt (curl, CURLOPT_TIMEOUT, 30L);
  if (json)
    curl_easy_setopt (curl, CURLOPT_POSTFIELDS, json);
  rc = curl_easy_perform (curl);
  curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all (headers);
  curl_easy_cleanup (curl);
  if (rc != CURLE_OK || status != 200)
    g_error ("fake server control %s failed: %s (HTTP %ld) %s", path,
             curl_easy_strerror (rc), status, body->str);
  return g_string_free (body, FALSE);
}

void
gg_fake_server_control (GgFakeServer *server, const gchar *path, const gchar *json)
{
  g_free (control_request (server, path, json ? json : "{}"));
}

gchar *
gg_fake_server_log (GgFakeServer *server)
{
  return control_request (server, "/_control/log", NULL);
}

gchar *
gg_fake_server_state (GgFakeServer *server)
{
  return control_request (server, "/_control/state", NULL);
}

GBytes *
gg_test_data (const gchar *name)
{
  g_autofree gchar *path = g_build_filename (GG_TEST_DATA, name, NULL);
  g_autoptr(GError) error = NULL;
  gchar *contents = NULL;
  gsize length = 0;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (contents, length);
}

static GPtrArray *tmpdirs;

static void
remove_tmpdirs (void)
{
  for (guint i = 0; tmpdirs && i < tmpdirs->len; i++)
    remove_tree (g_ptr_array_index (tmpdirs, i));
  g_clear_pointer (&tmpdirs, g_ptr_array_unref);
}

gchar *
gg_test_tmpdir (void)
{
  g_autoptr(GError) error = NULL;
  gchar *dir = g_dir_make_tmp ("gg-test-XXXXXX", &error);
  g_assert_no_error (error);
  if (tmpdirs == NULL)
    {
      tmpdirs = g_ptr_array_new_with_free_func (g_free);
      atexit (remove_tmpdirs);
    }
  g_ptr_array_add (tmpdirs, g_strdup (dir));
  return dir;
}

static gboolean test_skipped;

void
gg_test_skip (const gchar *why)
{
  g_print ("SKIP: %s: %s\n", g_test_get_path (), why);
  test_skipped = TRUE;
  g_test_skip (why);
}

gint
gg_test_status (gint status)
{
  return status == 0 && test_skipped ? 77 : status;
}

GgClient *
gg_test_client_once (const gchar *key, const gchar *url, gdouble connect_timeout)
{
  g_autoptr(GError) error = NULL;
  GgClient         *client = gg_client_new (key, url, &error);
  GgClientOptions   options;

  g_assert_no_error (error);
  gg_client_options_init (&options);
  options.max_retries = 0;
  if (connect_timeout > 0)
    options.connect_timeout = connect_timeout;
  gg_client_set_options (client, &options);
  return client;
}

GgClient *
gg_fake_server_client (GgFakeServer *server)
{
  g_autoptr(GError) error = NULL;
  GgClient         *client = gg_client_new (GG_FAKE_KEY, server->base_url, &error);
  GgClientOptions   options;

  g_assert_no_error (error);
  gg_client_options_init (&options);
  options.backoff_initial = 0.05;
  options.backoff_max = 0.1;
  gg_client_set_options (client, &options);
  return client;
}

/* ----- the loopback server ------------------------------------------------- */

struct _GgLoopServer
{
  int           listen_fd;
  gint          port;
  GThread      *thread;
  gint          stop;       /* atomic */
  gint          accepted;   /* atomic */
  GgLoopAnswer  answer;
  gpointer      user_data;
};

/* The head, then the body by its Content-Length (so that closing never
 * resets the connection before the client has sent everything). */
static gchar *
loop_read_request (int fd)
{
  GString *in = g_string_new (NULL);
  gchar    buffer[4096];
  gsize    want = 0;
  gchar   *end;

  while ((end = strstr (in->str, "\r\n\r\n")) == NULL && in->len < 65536)
    {
      ssize_t n = recv (fd, buffer, sizeof buffer, 0);
      if (n <= 0)
        return g_string_free (in, FALSE);
      g_string_append_len (in, buffer, n);
    }
  if (end != NULL)
    {
      gchar *length = strcasestr (in->str, "content-length:");

      if (length != NULL && length < end)
        want = (gsize) (end + 4 - in->str) + g_ascii_strtoull (length + 15, NULL, 10);
    }
  while (in->len < want)
    {
      ssize_t n = recv (fd, buffer, sizeof buffer, 0);
      if (n <= 0)
        break;
      g_string_append_len (in, buffer, n);
    }
  return g_string_free (in, FALSE);
}

int
gg_loop_accept (int listen_fd, gint *stop)
{
  while (!g_atomic_int_get (stop))
    {
      struct pollfd pfd = { listen_fd, POLLIN, 0 };
      int           fd;

      if (poll (&pfd, 1, 50) <= 0)
        continue;
      fd = accept (listen_fd, NULL, NULL);
      if (fd >= 0)
        return fd;
    }
  return -1;
}

static gpointer
loop_thread (gpointer data)
{
  GgLoopServer *server = data;
  int           fd;

  while ((fd = gg_loop_accept (server->listen_fd, &server->stop)) >= 0)
    {
      g_autofree gchar *request = NULL;
      g_autofree gchar *reply = NULL;

      g_atomic_int_inc (&server->accepted);
      request = loop_read_request (fd);
      reply = server->answer (server, request, server->user_data);
      if (send (fd, reply, strlen (reply), MSG_NOSIGNAL) < 0)
        g_test_message ("loopback server: send failed");
      shutdown (fd, SHUT_WR);
      close (fd);
    }
  return NULL;
}

GgLoopServer *
gg_loop_server_start (gboolean ipv6, gint port, GgLoopAnswer answer, gpointer user_data)
{
  GgLoopServer            *server = g_new0 (GgLoopServer, 1);
  struct sockaddr_storage  address = { 0, };
  socklen_t                length;
  int                      one = 1;

  server->answer    = answer;
  server->user_data = user_data;
  server->listen_fd = socket (ipv6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
  g_assert_cmpint (server->listen_fd, >=, 0);
  setsockopt (server->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (ipv6)
    {
      struct sockaddr_in6 *a = (struct sockaddr_in6 *) &address;

      a->sin6_family = AF_INET6;
      a->sin6_addr   = in6addr_loopback;
      a->sin6_port   = htons (port);
      length = sizeof *a;
    }
  else
    {
      struct sockaddr_in *a = (struct sockaddr_in *) &address;

      a->sin_family = AF_INET;
      inet_pton (AF_INET, "127.0.0.1", &a->sin_addr);
      a->sin_port   = htons (port);
      length = sizeof *a;
    }
  if (bind (server->listen_fd, (struct sockaddr *) &address, length) != 0)
    {
      g_assert_cmpint (port, !=, 0);
      close (server->listen_fd);
      g_free (server);
      return NULL;
    }
  g_assert_cmpint (listen (server->listen_fd, 16), ==, 0);
  getsockname (server->listen_fd, (struct sockaddr *) &address, &length);
  server->port = ntohs (ipv6 ? ((struct sockaddr_in6 *) &address)->sin6_port
                             : ((struct sockaddr_in *) &address)->sin_port);
  server->thread = g_thread_new ("loopback-server", loop_thread, server);
  return server;
}

void
gg_loop_server_stop (GgLoopServer *server)
{
  if (server == NULL)
    return;
  g_atomic_int_set (&server->stop, 1);
  g_thread_join (server->thread);
  close (server->listen_fd);
  g_free (server);
}

gint
gg_loop_server_port (GgLoopServer *server)
{
  return server->port;
}

gint
gg_loop_server_accepted (GgLoopServer *server)
{
  return g_atomic_int_get (&server->accepted);
}

gchar *
gg_http_reply (const gchar *status_line, const gchar *content_type,
               const gchar *extra_headers, const gchar *body)
{
  return g_strdup_printf ("HTTP/1.1 %s\r\nContent-Type: %s\r\n%s"
                          "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
                          status_line, content_type, extra_headers, strlen (body), body);
}
