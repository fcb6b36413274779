/* The models a GIMP dialog offers (gg-front-models.h): the retired model
 * remembered by a dialog, the names offered, the user's catalogue in the
 * profile, and the remote list fetched in the background and cached in the
 * profile for a day. */

#include <string.h>

#include "gg-catalogue.h"
#include "gg-front-models.h"
#include "gg-remote-models.h"
#include "gg-test-util.h"

static GgFakeServer *server;

static void
test_retired_choice (void)
{
  g_autofree gchar *note = NULL;
  g_autofree gchar *none = NULL;

  g_assert_cmpstr (gg_front_retired_choice ("gemini-3.1-flash-image", &note), ==,
                   "gemini-nano-banana-2.1");
  g_assert_cmpstr (note, ==, "gemini-3.1-flash-image was shut down on 2026-10-29; "
                   "gemini-nano-banana-2.1 is selected instead.");
  g_clear_pointer (&note, g_free);
  g_assert_cmpstr (gg_front_retired_choice ("gemini-3-pro-image-preview", &note), ==,
                   "gemini-3-pro-image");
  g_clear_pointer (&note, g_free);
  /* Its replacement is closed to new projects: the one open to all. */
  g_assert_cmpstr (gg_front_retired_choice ("models/gemini-2.5-flash-image-preview",
                                            &note), ==, "gemini-nano-banana-2.1");
  g_assert_nonnull (strstr (note, "2026-01-15"));

  g_assert_null (gg_front_retired_choice ("gemini-nano-banana-2.1", &none));
  g_assert_null (gg_front_retired_choice ("a-model-of-tomorrow", &none));
  g_assert_null (gg_front_retired_choice ("", &none));
  g_assert_null (gg_front_retired_choice (NULL, &none));
  g_assert_null (none);
}

static void
test_names (void)
{
  g_autoptr (GPtrArray) remote = g_ptr_array_new_with_free_func (g_free);
  g_auto (GStrv)        names  = NULL;

  g_ptr_array_add (remote, g_strdup ("gemini-3-pro-image"));
  g_ptr_array_add (remote, g_strdup ("gemini-nano-banana-2.2-preview"));
  g_ptr_array_add (remote, g_strdup ("gemini-3.1-flash-image"));
  names = gg_front_model_names (remote);

  /* The catalogue first, default first; then what only the server has;
   * the retired name stays out. */
  g_assert_cmpstr (names[0], ==, gg_catalogue_default_model ());
  g_assert_cmpuint (g_strv_length (names), ==, gg_catalogue_n_models () + 1);
  g_assert_cmpstr (names[gg_catalogue_n_models ()], ==, "gemini-nano-banana-2.2-preview");
  g_assert_false (g_strv_contains ((const gchar *const *) names, "gemini-3.1-flash-image"));
}

static void
test_user_catalogue (void)
{
  g_autofree gchar *profile = gg_test_tmpdir ();
  g_autofree gchar *path    = g_build_filename (profile, GG_FRONT_CATALOGUE_FILE, NULL);
  g_autoptr (GError) error  = NULL;
  g_auto (GStrv)     names  = NULL;
  const GgModel     *model;

  /* None: the built-in catalogue. */
  g_assert_true (gg_front_catalogue_load (profile, &error));
  g_assert_no_error (error);

  g_assert_true (g_file_set_contents (path,
                                      "{\"models\": [{\"name\": \"gemini-user-image\"}]}",
                                      -1, NULL));
  g_assert_true (gg_front_catalogue_load (profile, &error));
  g_assert_no_error (error);
  model = gg_catalogue_lookup ("gemini-user-image");
  g_assert_nonnull (model);
  g_assert_cmpstr (model->source, ==, path);
  names = gg_front_model_names (NULL);
  g_assert_true (g_strv_contains ((const gchar *const *) names, "gemini-user-image"));

  /* A broken file is named, and the catalogue stays usable. */
  g_assert_true (g_file_set_contents (path, "{\"models\": [", -1, NULL));
  g_assert_false (gg_front_catalogue_load (profile, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, GG_FRONT_CATALOGUE_FILE));
  g_assert_nonnull (gg_catalogue_lookup ("gemini-nano-banana-2.1"));

  g_assert_true (gg_catalogue_load_user (NULL, NULL));
}

typedef struct
{
  GMainLoop *loop;
  GPtrArray *names;
  GError    *error;
} Fetched;

static void
fetched (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  Fetched *f = data;

  f->names = gg_front_models_fetch_finish (result, &f->error);
  g_main_loop_quit (f->loop);
}

static Fetched
fetch (const gchar *profile)
{
  Fetched f = { g_main_loop_new (NULL, FALSE), NULL, NULL };

  gg_front_models_fetch_async (profile, NULL, fetched, &f);
  g_main_loop_run (f.loop);
  g_main_loop_unref (f.loop);
  return f;
}

static guint
model_lists_requested (void)
{
  g_autofree gchar *log = gg_fake_server_log (server);
  guint             n   = 0;
  const gchar      *at;

  for (at = log; (at = strstr (at, "\"/v1beta/models")) != NULL; at++)
    if (at[strlen ("\"/v1beta/models")] == '"' || at[strlen ("\"/v1beta/models")] == '?')
      n++;
  return n;
}

static void
test_fetch (void)
{
  g_autofree gchar *profile = gg_test_tmpdir ();
  g_autofree gchar *cache   = g_build_filename (profile, GG_FRONT_MODELS_CACHE_DIR,
                                                GG_REMOTE_MODELS_CACHE_FILE, NULL);
  g_autofree gchar *cached  = NULL;
  Fetched           f;
  guint             requested;
  guint             i;
  gboolean          found = FALSE;

  g_setenv ("GOOGLE_GEMINI_BASE_URL", server->base_url, TRUE);

  /* No key anywhere: an error, nothing fetched. */
  g_unsetenv ("GEMINI_API_KEY");
  g_unsetenv ("GOOGLE_API_KEY");
  /* No keyring either (a session bus is what the keystore looks for). */
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", "", TRUE);
  requested = model_lists_requested ();
  f = fetch (profile);
  g_assert_null (f.names);
  g_assert_nonnull (f.error);
  g_clear_error (&f.error);
  g_assert_cmpuint (model_lists_requested (), ==, requested);

  /* With the key: every page, the server-only model included, cached in
   * the profile without the key. */
  g_setenv ("GEMINI_API_KEY", GG_FAKE_KEY, TRUE);
  f = fetch (profile);
  g_assert_no_error (f.error);
  g_assert_nonnull (f.names);
  for (i = 0; i < f.names->len; i++)
    found |= ! g_strcmp0 (g_ptr_array_index (f.names, i), "gemini-nano-banana-2.2-preview");
  g_assert_true (found);
  g_ptr_array_unref (f.names);
  g_assert_cmpuint (model_lists_requested (), >, requested);
  g_assert_true (g_file_get_contents (cache, &cached, NULL, NULL));
  g_assert_null (strstr (cached, GG_FAKE_KEY));

  /* Within the day: from the cache, the server not asked. */
  requested = model_lists_requested ();
  f = fetch (profile);
  g_assert_no_error (f.error);
  g_assert_nonnull (f.names);
  g_ptr_array_unref (f.names);
  g_assert_cmpuint (model_lists_requested (), ==, requested);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  server = gg_fake_server_start (NULL);
  g_test_add_func ("/front-models/retired-choice", test_retired_choice);
  g_test_add_func ("/front-models/names", test_names);
  g_test_add_func ("/front-models/user-catalogue", test_user_catalogue);
  g_test_add_func ("/front-models/fetch", test_fetch);
  status = g_test_run ();
  gg_fake_server_stop (server);
  return status;
}
