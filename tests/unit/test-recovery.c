/* test-recovery.c: a paid answer saved for recovery is never lost: every
 * save makes a new file (exclusive create), even when several processes
 * save for the same prompt in the same second; a real placement failure
 * (a region too large for memory) is a sentence and a saved file, never
 * an abort; the test hook that fakes a failure is a test build's only. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "gg-error.h"
#include "gg-front.h"
#include "gg-image.h"
#include "gg-test-util.h"

#define PROCESSES 8
#define SAVES     3

/* The files of @dir, sorted (g_ptr_array_unref). */
static GPtrArray *
list_dir (const gchar *dir)
{
  GPtrArray   *names = g_ptr_array_new_with_free_func (g_free);
  GDir        *d = g_dir_open (dir, 0, NULL);
  const gchar *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    g_ptr_array_add (names, g_build_filename (dir, name, NULL));
  if (d != NULL)
    g_dir_close (d);
  g_ptr_array_sort (names, (GCompareFunc) g_strcmp0);
  return names;
}

/* Sleeps until 100 ms into the next second of the wall clock. */
static void
wait_next_second (gint64 at)
{
  gint64 now;

  while ((now = g_get_real_time ()) < at)
    g_usleep (MIN (at - now, 1000));
}

/* Several processes, started together, each save SAVES answers of the
 * same prompt within the same second: every answer gets its own file. */
static void
test_parallel_saves (void)
{
  g_autofree gchar     *profile = gg_test_tmpdir ();
  g_autofree gchar     *dir = g_build_filename (profile, GG_FRONT_RECOVERY_DIR, NULL);
  g_autoptr (GPtrArray) files = NULL;
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gint64                at = (g_get_real_time () / G_USEC_PER_SEC + 1) * G_USEC_PER_SEC
                             + 100 * 1000;
  pid_t                 pids[PROCESSES];

  for (guint p = 0; p < PROCESSES; p++)
    {
      pids[p] = fork ();
      g_assert_cmpint (pids[p], >=, 0);
      if (pids[p] == 0)
        {
          wait_next_second (at);
          for (guint s = 0; s < SAVES; s++)
            {
              g_autofree gchar *content = g_strdup_printf ("answer %u.%u", p, s);
              g_autoptr (GBytes) bytes = g_bytes_new (content, strlen (content));
              GError           *error = NULL;

              g_set_error_literal (&error, GG_ERROR, GG_ERROR_IMAGE, "It broke.");
              gg_front_recovery_error (&error, profile, bytes, "the same prompt",
                                       "The result could not be fitted onto the region");
              if (error == NULL || strstr (error->message, "The result was saved as ") == NULL)
                _exit (2);
              g_error_free (error);
            }
          _exit (0);
        }
    }
  for (guint p = 0; p < PROCESSES; p++)
    {
      int status = 0;

      g_assert_cmpint (waitpid (pids[p], &status, 0), ==, pids[p]);
      g_assert_true (WIFEXITED (status));
      g_assert_cmpint (WEXITSTATUS (status), ==, 0);
    }
  /* All within one second: the names alone could not tell them apart. */
  g_assert_cmpint (g_get_real_time () / G_USEC_PER_SEC, ==, at / G_USEC_PER_SEC);

  files = list_dir (dir);
  g_test_message ("%u files for %u saves", files->len, PROCESSES * SAVES);
  for (guint i = 0; i < files->len; i++)
    {
      gchar *contents = NULL;

      g_assert_true (g_file_get_contents (g_ptr_array_index (files, i), &contents, NULL, NULL));
      g_assert_true (g_str_has_prefix (contents, "answer "));
      g_assert_false (g_hash_table_contains (seen, contents));
      g_hash_table_add (seen, contents);
    }
  g_assert_cmpuint (files->len, ==, PROCESSES * SAVES);
  g_assert_cmpuint (g_hash_table_size (seen), ==, PROCESSES * SAVES);
}

/* A file already there under the name a save would take stays as it was. */
static void
test_never_overwrites (void)
{
  g_autofree gchar     *profile = gg_test_tmpdir ();
  g_autofree gchar     *dir = g_build_filename (profile, GG_FRONT_RECOVERY_DIR, NULL);
  g_autoptr (GPtrArray) files = NULL;
  g_autoptr (GBytes)    bytes = g_bytes_new_static ("second", 6);
  GError               *error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  for (guint i = 0; i < 2; i++)
    {
      g_set_error_literal (&error, GG_ERROR, GG_ERROR_IMAGE, "It broke.");
      gg_front_recovery_error (&error, profile, bytes, "a prompt", "Why");
      g_assert_nonnull (strstr (error->message, "The result was saved as "));
      g_clear_error (&error);
    }
  files = list_dir (dir);
  g_assert_cmpuint (files->len, ==, 2);
}

#if defined (__SANITIZE_ADDRESS__)
#define GG_TEST_ASAN 1
#elif defined (__has_feature)
#if __has_feature (address_sanitizer)
#define GG_TEST_ASAN 1
#endif
#endif

#ifndef GG_TEST_ASAN
/* The address space this process uses now, in bytes (0 if unknown). */
static gsize
address_space (void)
{
  g_autofree gchar *status = NULL;
  const gchar      *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL)
      || (line = strstr (status, "VmSize:")) == NULL)
    return 0;
  return (gsize) g_ascii_strtoull (line + 7, NULL, 10) * 1024;
}

#define SIDE 3000

/* A placement that fails for real: a region too large for the memory the
 * process may use (the changed-pixels mask of a 3000 x 3000 region, with
 * only HEADROOM_MB to spare after the original and the answer are in
 * memory, as `ulimit -v` would leave).  The front end's prepare step says
 * so in a sentence and saves the paid answer; nothing aborts.  Runs in a
 * child process, which the limit cannot outlive. */
static void
test_placement_out_of_memory (void)
{
  g_autofree gchar     *profile = gg_test_tmpdir ();
  g_autofree gchar     *dir = g_build_filename (profile, GG_FRONT_RECOVERY_DIR, NULL);
  g_autofree gchar     *message_file = g_build_filename (profile, "message.txt", NULL);
  g_autofree gchar     *answer_file = g_build_filename (profile, "answer.png", NULL);
  const gchar          *headroom = g_getenv ("GG_TEST_HEADROOM_MB");
  g_autoptr (GPtrArray) files = NULL;
  g_autofree gchar     *message = NULL;
  int                   status = 0;
  pid_t                 pid;

  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      GgRegionPlan      plan = { 0, };
      GgFrontTarget     target = { 0, };
      GPtrArray        *responses = g_ptr_array_new ();
      GgFrontPrepared  *prepared;
      GError           *error = NULL;
      GgRaster         *original = gg_raster_new (SIDE, SIDE, NULL);
      GgRaster         *small = gg_raster_new (256, 256, NULL);
      GBytes           *png;
      gsize             length;
      gchar            *b64;
      gchar            *body;
      GgResponse       *response;
      struct rlimit     limit;

      /* The original a flat grey, the answer a gradient: every pixel
       * changed, so the changed-pixels mask has work to do. */
      for (gsize i = 0; i < (gsize) SIDE * SIDE; i++)
        memcpy (original->pixels + i * 4, "\x80\x80\x80\xff", 4);
      for (gint y = 0; y < 256; y++)
        for (gint x = 0; x < 256; x++)
          {
            guint8 *px = small->pixels + ((gsize) y * 256 + x) * 4;

            px[0] = (guint8) x;
            px[1] = (guint8) y;
            px[2] = 40;
            px[3] = 255;
          }
      png = gg_image_encode_png (small, 1, NULL);
      g_file_set_contents (answer_file, g_bytes_get_data (png, NULL),
                           (gssize) g_bytes_get_size (png), NULL);
      b64 = g_base64_encode (g_bytes_get_data (png, &length), g_bytes_get_size (png));
      body = g_strdup_printf ("{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":["
                              "{\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\"%s\"}}]},"
                              "\"finishReason\":\"STOP\"}]}", b64);
      response = gg_response_parse (body, strlen (body), NULL, &error);
      if (response == NULL)
        _exit (3);
      g_ptr_array_add (responses, response);

      plan.region = (GgRect) { 0, 0, SIDE, SIDE };
      plan.selection = plan.region;
      target.profile_dir  = profile;
      target.prompt       = "a huge selection";
      target.plan         = &plan;
      target.space        = plan.region;
      target.original     = original;
      target.mask_changed = TRUE;

      /* Room for the placed result (4 bytes a pixel) and a little more;
       * not for everything the changed-pixels mask asks. */
      limit.rlim_cur = limit.rlim_max =
        address_space () + (rlim_t) (headroom ? atoi (headroom) : 60) * 1024 * 1024;
      if (setrlimit (RLIMIT_AS, &limit) != 0)
        _exit (5);
      prepared = gg_front_prepare (&target, responses, &error);
      if (prepared != NULL || error == NULL)
        _exit (4);
      g_file_set_contents (message_file, error->message, -1, NULL);
      _exit (0);
    }
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  if (WIFSIGNALED (status))
    g_error ("the placement was killed by signal %d (an abort on allocation?)",
             WTERMSIG (status));
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
  g_assert_true (g_file_get_contents (message_file, &message, NULL, NULL));
  g_test_message ("%s", message);
  g_assert_true (g_str_has_prefix (message, "The result could not be fitted onto the region"));
  g_assert_nonnull (strstr (message, "memory"));
  g_assert_nonnull (strstr (message, "The result was saved as "));
  files = list_dir (dir);
  g_assert_cmpuint (files->len, ==, 1);
  {
    g_autofree gchar *saved = NULL;
    g_autofree gchar *sent = NULL;
    gsize             saved_length, sent_length;

    g_assert_true (g_file_get_contents (g_ptr_array_index (files, 0), &saved,
                                        &saved_length, NULL));
    g_assert_true (g_file_get_contents (answer_file, &sent, &sent_length, NULL));
    g_assert_cmpmem (saved, saved_length, sent, sent_length);
  }
}
#endif

/* GIMP_GEMINI_TEST_FAIL_PLACE works in a build made for the tests only. */
static void
test_hook_is_for_tests (void)
{
  g_setenv ("GIMP_GEMINI_TEST_FAIL_PLACE", "1", TRUE);
#ifdef GG_TEST_HOOKS
  g_assert_true (gg_front_test_fail_place ());
#else
  g_assert_false (gg_front_test_fail_place ());
#endif
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/recovery/parallel-saves", test_parallel_saves);
  g_test_add_func ("/recovery/never-overwrites", test_never_overwrites);
  /* AddressSanitizer reserves terabytes of address space, so no limit can
   * apply: the sanitizer build leaves this test out (tests/e2e/
   * test_recovery.py checks the same failure under ASan through its
   * allocator's size limit). */
#ifndef GG_TEST_ASAN
  g_test_add_func ("/recovery/placement-out-of-memory", test_placement_out_of_memory);
#endif
  g_test_add_func ("/recovery/hook-is-for-tests", test_hook_is_for_tests);
  return g_test_run ();
}
