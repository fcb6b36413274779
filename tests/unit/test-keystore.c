/* test-keystore.c: where the key is found and how the key file is kept.
 *
 * The session bus is pointed at nothing before anything runs, so these tests
 * never touch a real keyring and prove that a missing one falls through to
 * the file, quickly and silently. */
#include <string.h>
#include <sys/stat.h>
#include <glib/gstdio.h>

#include "gg-error.h"
#include "gg-keystore.h"
#include "gg-test-util.h"

static gchar *
key_path (const gchar *dir)
{
  return g_build_filename (dir, "gemini-api-key", NULL);
}

static void
write_file (const gchar *path, const gchar *text, mode_t mode)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (path, mode), ==, 0);
}

static mode_t
file_mode (const gchar *path)
{
  GStatBuf info;

  g_assert_cmpint (g_stat (path, &info), ==, 0);
  return info.st_mode & 07777;
}

static guint
count_entries (const gchar *dir)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  guint n = 0;

  while (d && g_dir_read_name (d))
    n++;
  if (d)
    g_dir_close (d);
  return n;
}

static void
clear_env (void)
{
  g_unsetenv ("GOOGLE_API_KEY");
  g_unsetenv ("GEMINI_API_KEY");
}

static void
test_env_precedence (void)
{
  g_autofree gchar *dir = gg_test_tmpdir ();
  g_autofree gchar *path = key_path (dir);
  g_autoptr(GError) error = NULL;
  GgKeySource       source;
  gchar            *key;

  write_file (path, "file-key\n", 0600);

  g_setenv ("GEMINI_API_KEY", "gemini-env-key", TRUE);
  key = gg_keystore_load (dir, &source, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (key, ==, "gemini-env-key");
  g_assert_cmpint (source, ==, GG_KEY_SOURCE_ENVIRONMENT);
  g_free (key);

  g_setenv ("GOOGLE_API_KEY", "google-env-key", TRUE);
  key = gg_keystore_load (dir, &source, NULL, &error);
  g_assert_cmpstr (key, ==, "google-env-key");
  g_assert_cmpint (source, ==, GG_KEY_SOURCE_ENVIRONMENT);
  g_free (key);

  g_setenv ("GOOGLE_API_KEY", "", TRUE);
  g_setenv ("GEMINI_API_KEY", "", TRUE);
  key = gg_keystore_load (dir, &source, NULL, &error);
  g_assert_cmpstr (key, ==, "file-key");
  g_assert_cmpint (source, ==, GG_KEY_SOURCE_FILE);
  g_free (key);
  clear_env ();
}

static void
test_save_creates_0600 (void)
{
  g_autofree gchar *dir = gg_test_tmpdir ();
  g_autofree gchar *profile = g_build_filename (dir, "new", "profile", NULL);
  g_autofree gchar *path = key_path (profile);
  g_autofree gchar *contents = NULL;
  g_autofree gchar *warning = NULL;
  g_autoptr(GError) error = NULL;
  GgKeySource       where = GG_KEY_SOURCE_NONE;
  GgKeySource       source;
  gchar            *key;
  mode_t            old_mask;

  /* A permissive umask must not matter. */
  old_mask = umask (0);
  g_assert_true (gg_keystore_save (profile, "  saved-key-123 \n", &where, &error));
  umask (old_mask);
  g_assert_no_error (error);
  g_assert_cmpint (where, ==, GG_KEY_SOURCE_FILE);
  g_assert_cmpint (file_mode (path), ==, 0600);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "saved-key-123\n");
  /* No temporary file left behind. */
  g_assert_cmpuint (count_entries (profile), ==, 1);

  key = gg_keystore_load (profile, &source, &warning, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (key, ==, "saved-key-123");
  g_assert_cmpint (source, ==, GG_KEY_SOURCE_FILE);
  g_assert_null (warning);
  g_free (key);

  /* Replacing a file that was world-readable yields a private one. */
  g_assert_cmpint (g_chmod (path, 0644), ==, 0);
  g_assert_true (gg_keystore_save (profile, "second-key", &where, &error));
  g_assert_cmpint (file_mode (path), ==, 0600);
  key = gg_keystore_load (profile, NULL, NULL, &error);
  g_assert_cmpstr (key, ==, "second-key");
  g_free (key);
}

static void
test_loose_mode_warns (void)
{
  g_autofree gchar *dir = gg_test_tmpdir ();
  g_autofree gchar *path = key_path (dir);
  g_autofree gchar *warning = NULL;
  g_autoptr(GError) error = NULL;
  GgKeySource       source;
  gchar            *key;

  write_file (path, "\t loose-key  \r\n\n", 0644);
  key = gg_keystore_load (dir, &source, &warning, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (key, ==, "loose-key");
  g_assert_cmpint (source, ==, GG_KEY_SOURCE_FILE);
  g_assert_nonnull (warning);
  g_assert_nonnull (strstr (warning, "chmod 600"));
  g_assert_nonnull (strstr (warning, path));
  g_assert_null (strstr (warning, "loose-key"));
  g_free (key);

  /* The caller may not want the warning. */
  key = gg_keystore_load (dir, NULL, NULL, &error);
  g_assert_cmpstr (key, ==, "loose-key");
  g_free (key);
}

static void
test_forget (void)
{
  g_autofree gchar *dir = gg_test_tmpdir ();
  g_autofree gchar *path = key_path (dir);
  g_autoptr(GError) error = NULL;
  GgKeySource       source;
  gchar            *key;

  g_assert_true (gg_keystore_save (dir, "to-forget", NULL, &error));
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_true (gg_keystore_forget (dir, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  key = gg_keystore_load (dir, &source, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (key);
  g_assert_cmpint (source, ==, GG_KEY_SOURCE_NONE);

  /* Forgetting nothing is fine. */
  g_assert_true (gg_keystore_forget (dir, &error));
  g_assert_no_error (error);
}

static void
test_empty_and_missing (void)
{
  g_autofree gchar *dir = gg_test_tmpdir ();
  g_autofree gchar *path = key_path (dir);
  g_autoptr(GError) error = NULL;
  GgKeySource       source = GG_KEY_SOURCE_FILE;
  gchar            *key;

  key = gg_keystore_load (dir, &source, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (key);
  g_assert_cmpint (source, ==, GG_KEY_SOURCE_NONE);

  write_file (path, " \n\t\n", 0600);
  key = gg_keystore_load (dir, &source, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (key);

  g_assert_false (gg_keystore_save (dir, "  ", NULL, &error));
  g_assert_error (error, GG_ERROR, GG_ERROR_NO_KEY);
  g_clear_error (&error);

  /* A directory where the file should be is an error, not a key. */
  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_cmpint (g_mkdir (path, 0700), ==, 0);
  key = gg_keystore_load (dir, &source, NULL, &error);
  g_assert_null (key);
  g_assert_error (error, GG_ERROR, GG_ERROR_IO);
  g_rmdir (path);
}

/* With no keyring reachable, saving and loading use the file at once. */
static void
test_no_keyring_falls_to_file (void)
{
  const gchar *buses[] = { "unix:path=/nonexistent/gg-no-bus", NULL };

  for (guint i = 0; i < G_N_ELEMENTS (buses); i++)
    {
      g_autofree gchar *dir = gg_test_tmpdir ();
      g_autofree gchar *runtime = gg_test_tmpdir ();
      g_autofree gchar *old_runtime = g_strdup (g_getenv ("XDG_RUNTIME_DIR"));
      g_autoptr(GError) error = NULL;
      GgKeySource       where, source;
      gint64            start = g_get_monotonic_time ();
      gdouble           elapsed;
      gchar            *key;

      if (buses[i])
        g_setenv ("DBUS_SESSION_BUS_ADDRESS", buses[i], TRUE);
      else
        {
          /* No address and no socket: must not autolaunch a bus. */
          g_unsetenv ("DBUS_SESSION_BUS_ADDRESS");
          g_setenv ("XDG_RUNTIME_DIR", runtime, TRUE);
        }
      g_assert_true (gg_keystore_save (dir, "file-only-key", &where, &error));
      g_assert_no_error (error);
      g_assert_cmpint (where, ==, GG_KEY_SOURCE_FILE);
      key = gg_keystore_load (dir, &source, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (key, ==, "file-only-key");
      g_assert_cmpint (source, ==, GG_KEY_SOURCE_FILE);
      g_free (key);
      g_assert_true (gg_keystore_forget (dir, &error));
      elapsed = (g_get_monotonic_time () - start) / (gdouble) G_USEC_PER_SEC;
      g_test_message ("save, load, forget without a keyring: %.1f ms", elapsed * 1000);
      g_assert_cmpfloat (elapsed, <, 2.0);

      if (old_runtime)
        g_setenv ("XDG_RUNTIME_DIR", old_runtime, TRUE);
      g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/gg-no-bus", TRUE);
    }
}

/* The child of test_bus_without_keyring: a session bus answers, but no
 * keyring service is on it. */
static void
bus_without_keyring_child (void)
{
  g_autofree gchar *dir = gg_test_tmpdir ();
  g_autoptr(GError) error = NULL;
  GgKeySource       where, source;
  gint64            start = g_get_monotonic_time ();
  gchar            *key;

  g_assert_true (gg_keystore_save (dir, "bus-file-key", &where, &error));
  g_assert_no_error (error);
  g_assert_cmpint (where, ==, GG_KEY_SOURCE_FILE);
  key = gg_keystore_load (dir, &source, NULL, &error);
  g_assert_cmpstr (key, ==, "bus-file-key");
  g_assert_cmpint (source, ==, GG_KEY_SOURCE_FILE);
  g_free (key);
  g_assert_true (gg_keystore_forget (dir, &error));
  g_assert_cmpint (g_get_monotonic_time () - start, <, 3 * G_USEC_PER_SEC);
}

/* Runs in a child process: GDBus keeps its session connection for the
 * life of the process, and exits the process when that bus goes away. */
static void
test_bus_without_keyring (void)
{
  const gchar         *argv[] = { "dbus-daemon", "--session", "--nofork",
                                  "--print-address=1", NULL };
  g_autoptr(GError)       error = NULL;
  g_autoptr(GSubprocess)  daemon = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree gchar       *address = NULL;
  g_autofree gchar       *program = NULL;

  if (g_test_subprocess ())
    {
      bus_without_keyring_child ();
      return;
    }
  program = g_find_program_in_path ("dbus-daemon");
  if (program == NULL)
    {
      gg_test_skip ("dbus-daemon is not installed (apt-get install dbus-daemon)");
      return;
    }
  daemon = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE
                              | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (daemon));
  address = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (address);
  g_setenv ("GG_TEST_BUS", address, TRUE);
  g_test_trap_subprocess (NULL, 20 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_unsetenv ("GG_TEST_BUS");
  g_subprocess_force_exit (daemon);
  g_subprocess_wait (daemon, NULL, NULL);
  g_test_trap_assert_passed ();
}

int
main (int argc, char **argv)
{
  const gchar *bus = g_getenv ("GG_TEST_BUS");

  /* Before anything can open a bus: never the developer's own keyring. */
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", bus ? bus : "unix:path=/nonexistent/gg-no-bus", TRUE);
  clear_env ();
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/keystore/env-precedence", test_env_precedence);
  g_test_add_func ("/keystore/save-creates-0600", test_save_creates_0600);
  g_test_add_func ("/keystore/loose-mode-warns", test_loose_mode_warns);
  g_test_add_func ("/keystore/forget", test_forget);
  g_test_add_func ("/keystore/empty-and-missing", test_empty_and_missing);
  g_test_add_func ("/keystore/no-keyring-falls-to-file", test_no_keyring_falls_to_file);
  g_test_add_func ("/keystore/bus-without-keyring", test_bus_without_keyring);
  return gg_test_status (g_test_run ());
}
