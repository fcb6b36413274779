/* test-catalogue.c: the embedded model catalogue, as every caller sees it. */
#include <string.h>

#include "gg-catalogue.h"
#include "gg-test-util.h"

static void
test_models (void)
{
  const GgModel *const *models = gg_catalogue_models ();

  g_assert_cmpuint (gg_catalogue_n_models (), ==, 3);
  g_assert_cmpstr (models[0]->name, ==, "gemini-2.5-flash-image");
  g_assert_cmpstr (models[1]->name, ==, "gemini-3-pro-image-preview");
  g_assert_cmpstr (models[2]->name, ==, "gemini-3.1-flash-image");
  g_assert_null (models[3]);
  g_assert_cmpstr (gg_catalogue_default_model (), ==, "gemini-2.5-flash-image");

  g_assert_cmpint (models[0]->max_input_images, ==, 3);
  g_assert_cmpint (models[1]->max_input_images, ==, 14);
  g_assert_cmpint (models[1]->max_objects, ==, 6);
  g_assert_cmpint (models[1]->max_people, ==, 5);
  g_assert_false (models[0]->thinking);
  g_assert_true (models[1]->thinking);
  g_assert_true (models[1]->answers_jpeg);
  g_assert_cmpfloat_with_epsilon (models[1]->price_image_output, 120.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (models[0]->price_input, 0.30, 1e-9);
  g_assert_cmpstr (models[1]->label, ==, "Gemini 3 Pro Image (Nano Banana Pro)");
}

static void
test_lookup (void)
{
  const GgModel *pro = gg_catalogue_lookup ("gemini-3-pro-image-preview");

  g_assert_nonnull (pro);
  g_assert_true (gg_catalogue_lookup ("gemini-3-pro-image") == pro);
  g_assert_true (gg_catalogue_lookup ("models/gemini-3-pro-image") == pro);
  g_assert_true (gg_catalogue_lookup ("gemini-2.5-flash-image-preview")
                 == gg_catalogue_lookup ("gemini-2.5-flash-image"));
  g_assert_null (gg_catalogue_lookup ("my-own-tuned-model"));
  g_assert_null (gg_catalogue_lookup ("Gemini-3-Pro-Image"));
  g_assert_null (gg_catalogue_lookup (NULL));
}

static void
test_sizes (void)
{
  const GgModel *flash = gg_catalogue_lookup ("gemini-2.5-flash-image");
  const GgModel *pro = gg_catalogue_lookup ("gemini-3-pro-image");
  const GgModel *flash31 = gg_catalogue_lookup ("gemini-3.1-flash-image");

  g_assert_false (gg_model_has_sizes (flash));
  g_assert_null (flash->sizes[0]);
  g_assert_false (gg_model_has_size (flash, "1K"));
  g_assert_true (gg_model_has_sizes (pro));
  g_assert_true (gg_model_has_size (pro, "4K"));
  g_assert_false (gg_model_has_size (pro, "4k"));
  g_assert_false (gg_model_has_size (pro, "512"));
  g_assert_true (gg_model_has_size (flash31, "512"));
  g_assert_false (gg_model_has_sizes (NULL));

  g_assert_cmpuint (g_strv_length ((gchar **) pro->ratios), ==, 10);
  g_assert_cmpstr (pro->ratios[0], ==, "1:1");
  g_assert_cmpstr (pro->ratios[9], ==, "21:9");
  g_assert_cmpuint (g_strv_length ((gchar **) flash31->ratios), ==, 14);
  g_assert_true (gg_model_has_ratio (flash31, "8:1"));
  g_assert_false (gg_model_has_ratio (pro, "8:1"));
  g_assert_true (gg_model_has_ratio (flash, "21:9"));
}

static void
test_output_size (void)
{
  const GgModel *flash = gg_catalogue_lookup ("gemini-2.5-flash-image");
  const GgModel *pro = gg_catalogue_lookup ("gemini-3-pro-image-preview");
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
  g_assert_false (gg_model_output_size (pro, "8K", "1:1", &w, &h));
  g_assert_false (gg_model_output_size (pro, "1K", "8:1", &w, &h));
  g_assert_false (gg_model_output_size (NULL, "1K", "1:1", &w, &h));
}

static void
test_nearest_ratio (void)
{
  const GgModel *pro = gg_catalogue_lookup ("gemini-3-pro-image-preview");
  const GgModel *flash31 = gg_catalogue_lookup ("gemini-3.1-flash-image");

  g_assert_cmpstr (gg_model_nearest_ratio (pro, 1920, 1080), ==, "16:9");
  g_assert_cmpstr (gg_model_nearest_ratio (pro, 1000, 1010), ==, "1:1");
  g_assert_cmpstr (gg_model_nearest_ratio (pro, 600, 800), ==, "3:4");
  g_assert_cmpstr (gg_model_nearest_ratio (pro, 4000, 500), ==, "21:9");
  g_assert_cmpstr (gg_model_nearest_ratio (flash31, 4000, 500), ==, "8:1");
  g_assert_cmpstr (gg_model_nearest_ratio (flash31, 100, 400), ==, "1:4");
  g_assert_null (gg_model_nearest_ratio (NULL, 1, 1));
}

static void
test_image_tokens (void)
{
  const GgModel *flash = gg_catalogue_lookup ("gemini-2.5-flash-image");
  const GgModel *pro = gg_catalogue_lookup ("gemini-3-pro-image-preview");

  g_assert_cmpint (gg_model_image_tokens (flash, NULL), ==, 1290);
  g_assert_cmpint (gg_model_image_tokens (pro, NULL), ==, 1120);
  g_assert_cmpint (gg_model_image_tokens (pro, "2K"), ==, 1120);
  g_assert_cmpint (gg_model_image_tokens (pro, "4K"), ==, 2000);
  /* An unknown size falls back on the default size. */
  g_assert_cmpint (gg_model_image_tokens (pro, "9K"), ==, 1120);
  g_assert_cmpint (gg_model_image_tokens (NULL, "1K"), ==, 0);
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
  return (gpointer) gg_catalogue_lookup ("gemini-3-pro-image");
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
  g_test_add_func ("/catalogue/sizes", test_sizes);
  g_test_add_func ("/catalogue/output-size", test_output_size);
  g_test_add_func ("/catalogue/nearest-ratio", test_nearest_ratio);
  g_test_add_func ("/catalogue/image-tokens", test_image_tokens);
  g_test_add_func ("/catalogue/consistent", test_consistent);

  return g_test_run ();
}
