/* test-history.c: the prompt history file. */
#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>
#include <cjson/cJSON.h>

#include "gg-error.h"
#include "gg-history.h"
#include "gg-test-util.h"

static gchar *
read_text (const gchar *path)
{
  gchar *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  return text;
}

static void
test_add_list_dedupe (void)
{
  g_autofree gchar     *dir = gg_test_tmpdir ();
  g_autofree gchar     *sub = g_build_filename (dir, "profile", "deeper", NULL);
  g_autoptr(GError)     error = NULL;
  g_autoptr(GgHistory)  history = gg_history_open (sub, &error);
  g_auto(GStrv)         list = NULL;
  struct stat           st;

  g_assert_no_error (error);
  list = gg_history_list (history);
  g_assert_cmpuint (g_strv_length (list), ==, 0);
  g_clear_pointer (&list, g_strfreev);
  g_assert_false (g_file_test (gg_history_get_path (history), G_FILE_TEST_EXISTS));

  g_assert_true (gg_history_add (history, "a red bicycle", &error));
  g_assert_true (gg_history_add (history, "  a lighthouse at dusk\n", &error));
  g_assert_true (gg_history_add (history, "", &error));
  g_assert_true (gg_history_add (history, "A  RED bicycle", &error));
  g_assert_no_error (error);

  /* Most recent first; the repeated prompt moved up, in its newest
   * spelling, not doubled. */
  list = gg_history_list (history);
  g_assert_cmpuint (g_strv_length (list), ==, 2);
  g_assert_cmpstr (list[0], ==, "A  RED bicycle");
  g_assert_cmpstr (list[1], ==, "a lighthouse at dusk");

  /* Private to the user, and read back by a new instance. */
  g_assert_cmpint (g_stat (gg_history_get_path (history), &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  {
    g_autoptr(GgHistory) again = gg_history_open (sub, &error);
    g_auto(GStrv)        list2 = NULL;

    g_assert_no_error (error);
    list2 = gg_history_list (again);
    g_assert_true (g_strv_equal ((const gchar *const *) list, (const gchar *const *) list2));
  }
}

/* Two handles on one file (two processes): neither loses the other's. */
static void
test_two_writers (void)
{
  g_autofree gchar    *dir = gg_test_tmpdir ();
  g_autoptr(GgHistory) one = gg_history_open (dir, NULL);
  g_autoptr(GgHistory) two = gg_history_open (dir, NULL);
  g_auto(GStrv)        list = NULL;

  g_assert_true (gg_history_add (one, "first", NULL));
  g_assert_true (gg_history_add (two, "second", NULL));
  list = gg_history_list (two);
  g_assert_cmpuint (g_strv_length (list), ==, 2);
  g_assert_cmpstr (list[0], ==, "second");
  g_assert_cmpstr (list[1], ==, "first");
}

static void
test_cap (void)
{
  g_autofree gchar    *dir = gg_test_tmpdir ();
  g_autoptr(GgHistory) history = gg_history_open (dir, NULL);
  g_auto(GStrv)        list = NULL;

  for (guint i = 0; i < GG_HISTORY_MAX_ENTRIES + 15; i++)
    {
      g_autofree gchar *prompt = g_strdup_printf ("prompt number %u", i);

      g_assert_true (gg_history_add (history, prompt, NULL));
    }
  list = gg_history_list (history);
  g_assert_cmpuint (g_strv_length (list), ==, GG_HISTORY_MAX_ENTRIES);
  g_assert_cmpstr (list[0], ==, "prompt number 214");
  g_assert_cmpstr (list[GG_HISTORY_MAX_ENTRIES - 1], ==, "prompt number 15");
}

static void
test_search (void)
{
  g_autofree gchar    *dir = gg_test_tmpdir ();
  g_autoptr(GgHistory) history = gg_history_open (dir, NULL);
  g_auto(GStrv)        found = NULL;
  g_auto(GStrv)        all = NULL;
  g_auto(GStrv)        none = NULL;
  g_auto(GStrv)        accents = NULL;

  g_assert_true (gg_history_add (history, "A red bicycle against a brick wall", NULL));
  g_assert_true (gg_history_add (history, "A blue bicycle on a beach", NULL));
  g_assert_true (gg_history_add (history, "Red roses in a vase", NULL));
  g_assert_true (gg_history_add (history, "Un caf\u00e9 \u00c0 Paris", NULL));

  /* Every word, anywhere, any case, as a part of a word. */
  found = gg_history_search (history, "  RED bicyc ");
  g_assert_cmpuint (g_strv_length (found), ==, 1);
  g_assert_cmpstr (found[0], ==, "A red bicycle against a brick wall");
  g_clear_pointer (&found, g_strfreev);
  found = gg_history_search (history, "red");
  g_assert_cmpuint (g_strv_length (found), ==, 2);
  g_assert_cmpstr (found[0], ==, "Red roses in a vase");

  all = gg_history_search (history, "");
  g_assert_cmpuint (g_strv_length (all), ==, 4);
  none = gg_history_search (history, "bicycle roses");
  g_assert_cmpuint (g_strv_length (none), ==, 0);
  accents = gg_history_search (history, "CAF\u00c9 \u00e0");
  g_assert_cmpuint (g_strv_length (accents), ==, 1);
}

/* The file is replaced whole (no temporary left over) and holds the
 * prompts and nothing else; a key never gets in. */
static void
test_file_contents (void)
{
  g_autofree gchar    *dir = gg_test_tmpdir ();
  g_autoptr(GgHistory) history = gg_history_open (dir, NULL);
  g_autoptr(GError)    error = NULL;
  g_autofree gchar    *text = NULL;
  g_autoptr(GDir)      listing = NULL;
  const gchar         *name;
  guint                files = 0;
  const gchar         *with_key = "draw AIzaSyA1234567890abcdefghijklmnopqrstuv please";

  g_assert_true (gg_history_add (history, "one \"quoted\" prompt", NULL));
  g_assert_true (gg_history_add (history, "two", NULL));
  g_assert_false (gg_history_add (history, with_key, &error));
  g_assert_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST);
  g_assert_nonnull (strstr (error->message, "key"));

  text = read_text (gg_history_get_path (history));
  g_assert_null (strstr (text, "AIza"));
  {
    cJSON       *root = cJSON_Parse (text);
    const cJSON *item;
    guint        keys = 0;

    /* Exactly the version and the prompts, newest first. */
    g_assert_true (cJSON_IsObject (root));
    cJSON_ArrayForEach (item, root)
      {
        g_assert_true (g_strcmp0 (item->string, "version") == 0
                       || g_strcmp0 (item->string, "prompts") == 0);
        keys++;
      }
    g_assert_cmpuint (keys, ==, 2);
    item = cJSON_GetObjectItem (root, "prompts");
    g_assert_cmpint (cJSON_GetArraySize (item), ==, 2);
    g_assert_cmpstr (cJSON_GetArrayItem (item, 0)->valuestring, ==, "two");
    g_assert_cmpstr (cJSON_GetArrayItem (item, 1)->valuestring, ==, "one \"quoted\" prompt");
    cJSON_Delete (root);
  }

  listing = g_dir_open (dir, 0, NULL);
  while ((name = g_dir_read_name (listing)) != NULL)
    {
      g_assert_cmpstr (name, ==, GG_HISTORY_FILE_NAME);
      files++;
    }
  g_assert_cmpuint (files, ==, 1);
}

static void
test_damaged_file_kept (void)
{
  g_autofree gchar  *dir = gg_test_tmpdir ();
  g_autofree gchar  *path = g_build_filename (dir, GG_HISTORY_FILE_NAME, NULL);
  g_autofree gchar  *text = NULL;
  g_autoptr(GError)  error = NULL;
  GgHistory         *history;

  g_assert_true (g_file_set_contents (path, "not json {", -1, NULL));
  history = gg_history_open (dir, &error);
  g_assert_null (history);
  g_assert_error (error, GG_ERROR, GG_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "damaged"));
  text = read_text (path);
  g_assert_cmpstr (text, ==, "not json {");
}

static void
test_clear (void)
{
  g_autofree gchar    *dir = gg_test_tmpdir ();
  g_autoptr(GgHistory) history = gg_history_open (dir, NULL);
  g_autoptr(GError)    error = NULL;
  g_auto(GStrv)        list = NULL;

  g_assert_true (gg_history_add (history, "something", NULL));
  g_assert_true (g_file_test (gg_history_get_path (history), G_FILE_TEST_EXISTS));
  g_assert_true (gg_history_clear (history, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (gg_history_get_path (history), G_FILE_TEST_EXISTS));
  list = gg_history_list (history);
  g_assert_cmpuint (g_strv_length (list), ==, 0);
  /* Clearing an empty history is no error; adding afterwards works. */
  g_assert_true (gg_history_clear (history, &error));
  g_assert_true (gg_history_add (history, "again", NULL));
  g_clear_pointer (&list, g_strfreev);
  list = gg_history_list (history);
  g_assert_cmpuint (g_strv_length (list), ==, 1);
}

static void
test_default_dir (void)
{
  g_autofree gchar *dir = gg_history_default_dir ();

  g_assert_true (g_str_has_suffix (dir, "/gimp-gemini"));
  g_assert_true (g_path_is_absolute (dir));
}


/* The key in use, whatever its shape, never reaches the file. */
static void
test_add_except_secret (void)
{
  g_autofree gchar    *dir = gg_test_tmpdir ();
  g_autoptr(GError)    error = NULL;
  g_autoptr(GgHistory) history = gg_history_open (dir, &error);
  g_autofree gchar    *text = NULL;
  g_auto(GStrv)        list = NULL;
  const gchar         *secret = "gg-test-key-0123456789";

  g_assert_no_error (error);
  g_assert_true (gg_history_add_except (history, "a red kite", secret, &error));
  g_assert_no_error (error);
  g_assert_false (gg_history_add_except (history, "draw gg-test-key-0123456789 big",
                                         secret, &error));
  g_assert_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST);
  g_assert_null (strstr (error->message, secret));
  g_clear_error (&error);
  /* No secret, or one too short to mean anything: an ordinary add. */
  g_assert_true (gg_history_add_except (history, "a blue kite", NULL, &error));
  g_assert_true (gg_history_add_except (history, "a green kite", "kite", &error));
  g_assert_no_error (error);

  list = gg_history_list (history);
  g_assert_cmpuint (g_strv_length (list), ==, 3);
  g_assert_cmpstr (list[0], ==, "a green kite");
  text = read_text (gg_history_get_path (history));
  g_assert_null (strstr (text, secret));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/history/add-list-dedupe", test_add_list_dedupe);
  g_test_add_func ("/history/two-writers", test_two_writers);
  g_test_add_func ("/history/cap", test_cap);
  g_test_add_func ("/history/search", test_search);
  g_test_add_func ("/history/file-contents", test_file_contents);
  g_test_add_func ("/history/damaged-file-kept", test_damaged_file_kept);
  g_test_add_func ("/history/clear", test_clear);
  g_test_add_func ("/history/default-dir", test_default_dir);
  g_test_add_func ("/history/add-except-secret", test_add_except_secret);
  return g_test_run ();
}
