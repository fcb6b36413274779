/* test-catalogue.c: the embedded model catalogue, as every caller sees it. */
#include <string.h>

#include <glib/gstdio.h>

#include "gg-catalogue.h"
#include "gg-error.h"
#include "gg-test-util.h"

#define NANO  "gemini-nano-banana-2.1"
#define PRO   "gemini-3-pro-image"
#define LITE  "gemini-3.1-flash-lite-image"
#define FLASH "gemini-2.5-flash-image"

static void
test_models (void)
{
  const GgModel *const *models = gg_catalogue_models ();

  g_assert_cmpuint (gg_catalogue_n_models (), ==, 4);
  g_assert_cmpstr (models[0]->name, ==, NANO);
  g_assert_cmpstr (models[1]->name, ==, PRO);
  g_assert_cmpstr (models[2]->name, ==, LITE);
  g_assert_cmpstr (models[3]->name, ==, FLASH);
  g_assert_null (models[4]);
  g_assert_cmpstr (gg_catalogue_default_model (), ==, NANO);

  g_assert_cmpint (models[3]->max_input_images, ==, 3);
  g_assert_cmpint (models[1]->max_input_images, ==, 14);
  g_assert_cmpint (models[1]->max_objects, ==, 6);
  g_assert_cmpint (models[1]->max_people, ==, 5);
  g_assert_false (models[3]->thinking);
  g_assert_true (models[1]->thinking);
  g_assert_true (models[1]->answers_jpeg);
  g_assert_cmpfloat_with_epsilon (models[1]->price_image_output, 120.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (models[3]->price_input, 0.30, 1e-9);
  g_assert_cmpstr (models[1]->label, ==, "Nano Banana Pro (Gemini 3 Pro Image)");
  /* The state of each, as Google's changelog and deprecations pages say. */
  g_assert_cmpstr (models[0]->availability, ==, "open");
  g_assert_cmpstr (models[3]->availability, ==, "existing-projects");
  g_assert_cmpstr (models[3]->replacement, ==, NANO);
  g_assert_true (models[0]->dimensions_estimated);
  g_assert_true (models[2]->dimensions_estimated);
  g_assert_false (models[1]->dimensions_estimated);
  /* Prices: a third-party figure is said so; a price nobody published is
   * unknown, not zero. */
  g_assert_nonnull (strstr (models[0]->price_source, "third-party"));
  g_assert_true (gg_model_prices_known (models[0]));
  g_assert_false (gg_model_prices_known (models[2]));
  g_assert_cmpfloat (models[2]->price_image_output, <, 0);
  for (guint i = 0; models[i] != NULL; i++)
    g_assert_cmpstr (models[i]->source, ==, GG_CATALOGUE_BUILT_IN);
}

static void
test_lookup (void)
{
  const GgModel *pro = gg_catalogue_lookup (PRO);

  g_assert_nonnull (pro);
  g_assert_true (gg_catalogue_lookup ("models/gemini-3-pro-image") == pro);
  g_assert_nonnull (gg_catalogue_lookup (NANO));
  g_assert_nonnull (gg_catalogue_lookup (LITE));
  /* Retired names are no aliases: they are not looked up as a model. */
  g_assert_null (gg_catalogue_lookup ("gemini-3-pro-image-preview"));
  g_assert_null (gg_catalogue_lookup ("gemini-3.1-flash-image"));
  g_assert_null (gg_catalogue_lookup ("my-own-tuned-model"));
  g_assert_null (gg_catalogue_lookup ("Gemini-3-Pro-Image"));
  g_assert_null (gg_catalogue_lookup (NULL));
}

static void
test_retired (void)
{
  struct { const gchar *name, *date, *replacement; } expected[] = {
    { "gemini-3-pro-image-preview", "2026-06-25", PRO },
    { "gemini-3.1-flash-image-preview", "2026-06-25", NANO },
    { "gemini-2.5-flash-image-preview", "2026-01-15", FLASH },
    { "gemini-3.1-flash-image", "2026-10-29", NANO },
  };
  g_autofree gchar *sentence = NULL;
  g_autofree gchar *preview = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      const GgRetired *retired = gg_catalogue_retired (expected[i].name);

      g_assert_nonnull (retired);
      g_assert_cmpstr (retired->shut_down, ==, expected[i].date);
      g_assert_cmpstr (retired->replacement, ==, expected[i].replacement);
      /* Every replacement is a model of today. */
      g_assert_nonnull (gg_catalogue_lookup (retired->replacement));
    }
  g_assert_true (gg_catalogue_retired ("models/gemini-3-pro-image-preview")
                 == gg_catalogue_retired ("gemini-3-pro-image-preview"));
  g_assert_null (gg_catalogue_retired (PRO));
  g_assert_null (gg_catalogue_retired ("my-own-tuned-model"));
  g_assert_null (gg_catalogue_retired (NULL));
  g_assert_cmpuint (g_strv_length ((gchar **) gg_catalogue_retired_list ()), ==, 4);

  sentence = gg_catalogue_retired_sentence ("gemini-3-pro-image-preview");
  g_assert_cmpstr (sentence, ==, "gemini-3-pro-image-preview was shut down on "
                                 "2026-06-25; use gemini-3-pro-image.");
  /* The 2.5 preview's replacement is closed to new projects: both named. */
  preview = gg_catalogue_retired_sentence ("gemini-2.5-flash-image-preview");
  g_assert_nonnull (strstr (preview, "use gemini-2.5-flash-image"));
  g_assert_nonnull (strstr (preview, NANO));
  g_assert_null (gg_catalogue_retired_sentence (NANO));
}

static void
test_sizes (void)
{
  const GgModel *flash = gg_catalogue_lookup (FLASH);
  const GgModel *pro = gg_catalogue_lookup (PRO);
  const GgModel *nano = gg_catalogue_lookup (NANO);
  const GgModel *lite = gg_catalogue_lookup (LITE);

  g_assert_false (gg_model_has_sizes (flash));
  g_assert_null (flash->sizes[0]);
  g_assert_false (gg_model_has_size (flash, "1K"));
  g_assert_true (gg_model_has_sizes (pro));
  g_assert_true (gg_model_has_size (pro, "4K"));
  g_assert_false (gg_model_has_size (pro, "4k"));
  g_assert_false (gg_model_has_size (pro, "512"));
  /* Nano Banana 2.1 refuses 512; Lite has 1K only. */
  g_assert_false (gg_model_has_size (nano, "512"));
  g_assert_true (gg_model_has_size (nano, "2K"));
  g_assert_true (gg_model_has_size (lite, "1K"));
  g_assert_false (gg_model_has_size (lite, "2K"));
  g_assert_false (gg_model_has_sizes (NULL));

  g_assert_cmpuint (g_strv_length ((gchar **) pro->ratios), ==, 10);
  g_assert_cmpstr (pro->ratios[0], ==, "1:1");
  g_assert_cmpstr (pro->ratios[9], ==, "21:9");
  g_assert_cmpuint (g_strv_length ((gchar **) nano->ratios), ==, 14);
  g_assert_cmpuint (g_strv_length ((gchar **) lite->ratios), ==, 14);
  g_assert_cmpuint (g_strv_length ((gchar **) flash->ratios), ==, 10);
  g_assert_true (gg_model_has_ratio (nano, "8:1"));
  g_assert_true (gg_model_has_ratio (nano, "4:1"));
  g_assert_false (gg_model_has_ratio (pro, "8:1"));
  g_assert_true (gg_model_has_ratio (flash, "21:9"));
}

static void
test_thinking_levels (void)
{
  g_assert_true (gg_model_has_thinking_level (gg_catalogue_lookup (NANO), "minimal"));
  g_assert_true (gg_model_has_thinking_level (gg_catalogue_lookup (NANO), "HIGH"));
  g_assert_false (gg_model_has_thinking_level (gg_catalogue_lookup (PRO), "high"));
  g_assert_false (gg_model_has_thinking_level (gg_catalogue_lookup (FLASH), "minimal"));
  /* Not in the catalogue: sent as chosen. */
  g_assert_true (gg_model_has_thinking_level (NULL, "minimal"));
}

static void
test_output_size (void)
{
  const GgModel *flash = gg_catalogue_lookup (FLASH);
  const GgModel *pro = gg_catalogue_lookup (PRO);
  const GgModel *nano = gg_catalogue_lookup (NANO);
  gint           w = 0;
  gint           h = 0;

  g_assert_true (gg_model_output_size (flash, NULL, "16:9", &w, &h));
  g_assert_cmpint (w, ==, 1344);
  g_assert_cmpint (h, ==, 768);
  g_assert_true (gg_model_output_size (pro, "4K", "21:9", &w, &h));
  g_assert_cmpint (w, ==, 6336);
  g_assert_cmpint (h, ==, 2688);
  g_assert_true (gg_model_output_size (pro, NULL, "2:3", &w, &h));
  g_assert_cmpint (w, ==, 848);
  g_assert_cmpint (h, ==, 1264);
  /* --aspect 4:1 --size 2K on the default model. */
  g_assert_true (gg_model_output_size (nano, "2K", "4:1", &w, &h));
  g_assert_cmpint (w, ==, 4096);
  g_assert_cmpint (h, ==, 1024);
  /* The one measured extended ratio: 1:8 at 1K came back 352x2928. */
  g_assert_true (gg_model_output_size (nano, "1K", "1:8", &w, &h));
  g_assert_cmpint (w, ==, 352);
  g_assert_cmpint (h, ==, 2928);
  g_assert_false (gg_model_output_size (pro, "8K", "1:1", &w, &h));
  g_assert_false (gg_model_output_size (pro, "1K", "8:1", &w, &h));
  g_assert_false (gg_model_output_size (NULL, "1K", "1:1", &w, &h));
}

static void
test_nearest_ratio (void)
{
  const GgModel *pro = gg_catalogue_lookup (PRO);
  const GgModel *nano = gg_catalogue_lookup (NANO);

  g_assert_cmpstr (gg_model_nearest_ratio (pro, 1920, 1080), ==, "16:9");
  g_assert_cmpstr (gg_model_nearest_ratio (pro, 1000, 1010), ==, "1:1");
  g_assert_cmpstr (gg_model_nearest_ratio (pro, 600, 800), ==, "3:4");
  g_assert_cmpstr (gg_model_nearest_ratio (pro, 4000, 500), ==, "21:9");
  g_assert_cmpstr (gg_model_nearest_ratio (nano, 4000, 500), ==, "8:1");
  g_assert_cmpstr (gg_model_nearest_ratio (nano, 100, 400), ==, "1:4");
  g_assert_null (gg_model_nearest_ratio (NULL, 1, 1));
}

static void
test_image_tokens (void)
{
  const GgModel *flash = gg_catalogue_lookup (FLASH);
  const GgModel *pro = gg_catalogue_lookup (PRO);

  g_assert_cmpint (gg_model_image_tokens (flash, NULL), ==, 1290);
  g_assert_cmpint (gg_model_image_tokens (pro, NULL), ==, 1120);
  g_assert_cmpint (gg_model_image_tokens (pro, "2K"), ==, 1120);
  g_assert_cmpint (gg_model_image_tokens (pro, "4K"), ==, 2000);
  /* An unknown size falls back on the default size. */
  g_assert_cmpint (gg_model_image_tokens (pro, "9K"), ==, 1120);
  g_assert_cmpint (gg_model_image_tokens (NULL, "1K"), ==, 0);
}

/* ----- a user's catalogue merged over the built-in one --------------------- */

static gchar *
write_user_catalogue (const gchar *text)
{
  g_autoptr(GError) error = NULL;
  gchar            *dir = g_dir_make_tmp ("gg-catalogue-XXXXXX", &error);
  gchar            *path;

  g_assert_no_error (error);
  path = g_build_filename (dir, "catalogue.json", NULL);
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  g_free (dir);
  return path;
}

static void
remove_user_catalogue (gchar *path)
{
  g_autofree gchar *dir = g_path_get_dirname (path);

  g_remove (path);
  g_rmdir (dir);
  g_free (path);
}

static void
test_user_merge (void)
{
  gchar            *path = write_user_catalogue (
    "{\"default_model\": \"gemini-4-flash-image\",\n"
    " \"models\": [\n"
    "  {\"name\": \"gemini-3-pro-image\", \"price_per_mtok\": {\"input\": 1.0,"
    "   \"text_output\": 6.0, \"image_output\": 60.0}},\n"
    "  {\"name\": \"gemini-4-flash-image\", \"label\": \"Gemini 4 Flash Image\","
    "   \"sizes\": [\"1K\", \"2K\"]}\n"
    " ],\n"
    " \"retired\": [{\"name\": \"gemini-nano-banana-2.0\", \"shut_down\": \"2026-11-30\","
    "   \"replacement\": \"gemini-nano-banana-2.1\"}]}");
  g_autoptr(GError) error = NULL;
  const GgModel    *pro_before = gg_catalogue_lookup (PRO);
  const GgModel    *pro;
  const GgModel    *added;
  g_autofree gchar *sentence = NULL;

  g_assert_true (gg_catalogue_load_user (path, &error));
  g_assert_no_error (error);

  /* A built-in entry with the user's fields over it, the rest kept. */
  pro = gg_catalogue_lookup (PRO);
  g_assert_cmpfloat_with_epsilon (pro->price_image_output, 60.0, 1e-9);
  g_assert_cmpint (gg_model_image_tokens (pro, "4K"), ==, 2000);
  g_assert_cmpstr (pro->label, ==, "Nano Banana Pro (Gemini 3 Pro Image)");
  g_assert_cmpstr (pro->source, ==, path);
  g_assert_true (pro->overrides_built_in);
  /* The one before stays valid for whoever holds it. */
  g_assert_cmpfloat_with_epsilon (pro_before->price_image_output, 120.0, 1e-9);
  /* Untouched entries are still the built-in ones. */
  g_assert_cmpstr (gg_catalogue_lookup (NANO)->source, ==, GG_CATALOGUE_BUILT_IN);
  g_assert_false (gg_catalogue_lookup (NANO)->overrides_built_in);

  /* A new model needs only its name: what it leaves out is not checked. */
  added = gg_catalogue_lookup ("gemini-4-flash-image");
  g_assert_nonnull (added);
  g_assert_cmpstr (added->source, ==, path);
  g_assert_false (added->overrides_built_in);
  g_assert_true (gg_model_has_size (added, "2K"));
  g_assert_false (gg_model_has_size (added, "4K"));
  g_assert_true (gg_model_has_ratio (added, "5:1"));
  g_assert_true (gg_model_has_thinking_level (added, "high"));
  g_assert_false (gg_model_prices_known (added));
  g_assert_cmpuint (gg_catalogue_n_models (), ==, 5);
  g_assert_cmpstr (gg_catalogue_default_model (), ==, "gemini-4-flash-image");

  sentence = gg_catalogue_retired_sentence ("gemini-nano-banana-2.0");
  g_assert_cmpstr (sentence, ==, "gemini-nano-banana-2.0 was shut down on 2026-11-30; "
                                 "use gemini-nano-banana-2.1.");
  g_assert_cmpstr (gg_catalogue_retired ("gemini-nano-banana-2.0")->source, ==, path);
  g_assert_nonnull (gg_catalogue_retired ("gemini-3-pro-image-preview"));

  /* NULL: back to the built-in catalogue alone. */
  g_assert_true (gg_catalogue_load_user (NULL, &error));
  g_assert_null (gg_catalogue_lookup ("gemini-4-flash-image"));
  g_assert_cmpstr (gg_catalogue_default_model (), ==, NANO);
  g_assert_cmpfloat_with_epsilon (gg_catalogue_lookup (PRO)->price_image_output, 120.0, 1e-9);
  remove_user_catalogue (path);
}

static void
test_user_bring_back (void)
{
  /* A user's entry may name a retired model again (say Google reopened it):
   * then it is a model, not retired. */
  gchar            *path = write_user_catalogue (
    "{\"models\": [{\"name\": \"gemini-3.1-flash-image\"}]}");
  g_autoptr(GError) error = NULL;

  g_assert_true (gg_catalogue_load_user (path, &error));
  g_assert_nonnull (gg_catalogue_lookup ("gemini-3.1-flash-image"));
  g_assert_null (gg_catalogue_retired ("gemini-3.1-flash-image"));
  g_assert_true (gg_catalogue_load_user (NULL, &error));
  g_assert_nonnull (gg_catalogue_retired ("gemini-3.1-flash-image"));
  remove_user_catalogue (path);
}

static void
test_user_bad (void)
{
  const gchar *bad[] = {
    "{\"models\": [",                                         /* not JSON */
    "[1, 2]",                                                 /* not an object */
    "{\"models\": {\"name\": \"x\"}}",                          /* not a list */
    "{\"models\": [{\"label\": \"no name\"}]}",
    "{\"models\": [{\"name\": \"x-image\", \"sizes\": \"1K\"}]}",
    "{\"models\": [{\"name\": \"gemini-3-pro-image\", \"thinking\": \"yes\"}]}",
    "{\"default_model\": \"nowhere-image\"}",
    "{\"retired\": [{\"name\": \"old-image\"}]}",
  };
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      gchar *path = write_user_catalogue (bad[i]);

      g_assert_false (gg_catalogue_load_user (path, &error));
      g_test_message ("%s -> %s", bad[i], error->message);
      g_assert_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST);
      g_assert_nonnull (strstr (error->message, path));
      g_assert_nonnull (strstr (error->message, "correct or remove it"));
      g_clear_error (&error);
      /* The built-in catalogue stays. */
      g_assert_cmpstr (gg_catalogue_default_model (), ==, NANO);
      g_assert_cmpuint (gg_catalogue_n_models (), ==, 4);
      remove_user_catalogue (path);
    }
  /* A missing file is no error. */
  g_assert_true (gg_catalogue_load_user ("/nonexistent/gimp-gemini/catalogue.json", &error));
  g_assert_no_error (error);
}

/* Every size a model lists has a dimension for every ratio it lists in
 * that size's table, and the default size is always there. */
static void
test_consistent (void)
{
  const GgModel *const *models = gg_catalogue_models ();

  for (guint m = 0; models[m] != NULL; m++)
    {
      const GgModel *model = models[m];
      gint           w;
      gint           h;

      g_assert_true (gg_model_output_size (model, NULL, "1:1", &w, &h));
      g_assert_cmpint (w, ==, h);
      for (guint s = 0; model->sizes[s] != NULL; s++)
        for (guint r = 0; model->ratios[r] != NULL; r++)
          {
            g_assert_true (gg_model_output_size (model, model->sizes[s],
                                                 model->ratios[r], &w, &h));
            g_assert_cmpint (w, >, 0);
            g_assert_cmpint (h, >, 0);
          }
      g_assert_cmpint (gg_model_image_tokens (model, NULL), >, 0);
    }
}

static gpointer
lookup_thread (gpointer data)
{
  return (gpointer) gg_catalogue_lookup (PRO);
}

/* g_once: the first calls may race; all must see the same catalogue.
 * Runs in a subprocess so the catalogue is not loaded yet. */
static void
test_threads (void)
{
  if (g_test_subprocess ())
    {
      GThread *threads[8];
      gpointer results[8];

      for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
        threads[i] = g_thread_new ("lookup", lookup_thread, NULL);
      for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
        results[i] = g_thread_join (threads[i]);
      for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
        {
          g_assert_nonnull (results[i]);
          g_assert_true (results[i] == results[0]);
        }
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/catalogue/threads", test_threads);
  g_test_add_func ("/catalogue/models", test_models);
  g_test_add_func ("/catalogue/lookup", test_lookup);
  g_test_add_func ("/catalogue/retired", test_retired);
  g_test_add_func ("/catalogue/thinking-levels", test_thinking_levels);
  g_test_add_func ("/catalogue/user-merge", test_user_merge);
  g_test_add_func ("/catalogue/user-bring-back", test_user_bring_back);
  g_test_add_func ("/catalogue/user-bad", test_user_bad);
  g_test_add_func ("/catalogue/sizes", test_sizes);
  g_test_add_func ("/catalogue/output-size", test_output_size);
  g_test_add_func ("/catalogue/nearest-ratio", test_nearest_ratio);
  g_test_add_func ("/catalogue/image-tokens", test_image_tokens);
  g_test_add_func ("/catalogue/consistent", test_consistent);

  return g_test_run ();
}
