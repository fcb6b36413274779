/* gg-test-util.h: shared helpers for the unit tests (GLib's gtest). */
#pragma once

#include <gio/gio.h>

#include "gg-client.h"

/* The key the fake server accepts unless told otherwise. */
#define GG_FAKE_KEY "fake-key-for-tests"

typedef struct
{
  GSubprocess *process;
  gint         port;
  gchar       *base_url;   /* http://127.0.0.1:PORT */
  gchar       *dir;        /* temporary directory of this server */
} GgFakeServer;

/* Starts tests/fake_gemini/server.py on a free loopback port and waits until
 * it listens.  @extra_args: NULL-terminated, may be NULL.  Aborts the test
 * when the server cannot be started (never a silent skip). */
GgFakeServer *gg_fake_server_start (const gchar *const *extra_args);
void          gg_fake_server_stop  (GgFakeServer *server);

/* POST /_control/scenario with @json (e.g. {"queue":["error_429","ok"]}). */
void   gg_fake_server_control (GgFakeServer *server, const gchar *path, const gchar *json);
/* GET /_control/log: the JSON array of requests received (g_free). */
gchar *gg_fake_server_log     (GgFakeServer *server);
/* GET /_control/state: scenario, queue, requests, active (g_free). */
gchar *gg_fake_server_state   (GgFakeServer *server);

/* Reads a file from tests/data (g_bytes_unref). */
GBytes *gg_test_data (const gchar *name);

/* A fresh temporary directory, removed at exit (g_free). */
gchar *gg_test_tmpdir (void);

/* Skips the running test, saying why on stdout ("SKIP: /path: @why"), and
 * remembers it for gg_test_status ().  Use it, never g_test_skip () alone:
 * a skip must be counted (tests/gimp/test_harness.py checks this). */
void gg_test_skip (const gchar *why);

/* The exit status for CTest from g_test_run ()'s @status: 77 (CTest's
 * SKIP_RETURN_CODE, "skipped") when every test passed but one was skipped
 * with gg_test_skip ().  A test that may skip runs as a CTest test of its
 * own (GG_UNIT_OWN_TESTS in tests/CMakeLists.txt), so that its skip does not
 * hide its binary's other tests. */
gint gg_test_status (gint status);

/* A client of @key for @url that fails at once: no further attempts (and
 * @connect_timeout seconds to connect, when > 0).  Aborts the test when it
 * cannot be made.  (g_object_unref / g_autoptr) */
GgClient *gg_test_client_once (const gchar *key, const gchar *url, gdouble connect_timeout);

/* A client of the fake server's key for @server, with short backoffs
 * (0.05 s, at most 0.1 s) so that retries do not slow the tests. */
GgClient *gg_fake_server_client (GgFakeServer *server);

/* ----- a loopback HTTP server in a thread of the test ---------------------- */

typedef struct _GgLoopServer GgLoopServer;

/* The whole reply (status line, headers, body) to @request (its head and
 * body as received) that came to @server.  Called in the server's thread;
 * g_free. */
typedef gchar *(*GgLoopAnswer) (GgLoopServer *server, const gchar *request,
                                gpointer user_data);

/* Listens on 127.0.0.1 (or [::1] when @ipv6) at @port (0: any free port)
 * and answers each connection with @answer, one at a time, then closes it.
 * NULL when a given @port cannot be had; port 0 that cannot be had aborts
 * the test.  Stop it with gg_loop_server_stop (). */
GgLoopServer *gg_loop_server_start    (gboolean     ipv6,
                                       gint         port,
                                       GgLoopAnswer answer,
                                       gpointer     user_data);
void          gg_loop_server_stop     (GgLoopServer *server);
gint          gg_loop_server_port     (GgLoopServer *server);
/* How many connections it has accepted so far. */
gint          gg_loop_server_accepted (GgLoopServer *server);

/* For a server of a test's own: waits for the next connection on
 * @listen_fd (polling every 50 ms) and returns it (close ()), or -1 once
 * *@stop (atomic) is set. */
int gg_loop_accept (int listen_fd, gint *stop);

/* "HTTP/1.1 @status_line" with Content-Type, @extra_headers (each ending in
 * "\r\n", may be ""), Content-Length and "Connection: close", then @body
 * (g_free). */
gchar *gg_http_reply (const gchar *status_line, const gchar *content_type,
                      const gchar *extra_headers, const gchar *body);
