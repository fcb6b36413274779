/* test-estimate.c: the dimensions and cost the dialogs show before a run. */
#include <locale.h>
#include <string.h>

#include "gg-catalogue.h"
#include "gg-estimate.h"
#include "gg-region.h"

#define FLASH "gemini-2.5-flash-image"
#define PRO   "gemini-3-pro-image"

/* The figures come from the catalogue, not from numbers copied here. */
static gdouble
image_price (const gchar *name, const gchar *size)
{
  const GgModel *model = gg_catalogue_lookup (name);

  g_assert_nonnull (model);
  return gg_model_image_tokens (model, size) * model->price_image_output / 1e6;
}

static void
test_generate_flash (void)
{
  GgEstimate        estimate;
  g_autofree gchar *text = NULL;
  g_autofree gchar *expected = NULL;
  gint              w, h;

  g_assert_true (gg_estimate_generate (FLASH, "16:9", NULL, 1, &estimate));
  g_assert_cmpint (estimate.status, ==, GG_ESTIMATE_OK);
  g_assert_true (gg_model_output_size (gg_catalogue_lookup (FLASH), NULL, "16:9", &w, &h));
  g_assert_cmpint (estimate.width, ==, w);
  g_assert_cmpint (estimate.height, ==, h);
  g_assert_cmpint (w, >, h);
  g_assert_null (estimate.size);
  g_assert_cmpfloat_with_epsilon (estimate.cost, image_price (FLASH, NULL), 1e-12);
  g_assert_cmpfloat (estimate.cost, >, 0.0);

  text = gg_estimate_describe (&estimate, "16:9", NULL);
  expected = g_strdup_printf ("%d × %d px (16:9) · about $%.3f", w, h, estimate.cost);
  g_assert_cmpstr (text, ==, expected);

  /* A size chosen for a model without sizes changes nothing. */
  g_assert_true (gg_estimate_generate (FLASH, "16:9", "4K", 1, &estimate));
  g_assert_cmpint (estimate.width, ==, w);
  g_assert_null (estimate.size);
}

static void
test_generate_pro_sizes (void)
{
  GgEstimate estimate;
  gint       w1, w4;
  gdouble    c1, c4;

  g_assert_true (gg_estimate_generate (PRO, "3:2", "1K", 1, &estimate));
  w1 = estimate.width;
  c1 = estimate.cost;
  g_assert_cmpstr (estimate.size, ==, "1K");
  g_assert_true (gg_estimate_generate (PRO, "3:2", "4K", 1, &estimate));
  w4 = estimate.width;
  c4 = estimate.cost;
  g_assert_cmpstr (estimate.size, ==, "4K");
  /* 4K is four times as wide and dearer: the text follows the choice. */
  g_assert_cmpint (w4, >, 3 * w1);
  g_assert_cmpfloat (c4, >, c1);
  g_assert_cmpfloat_with_epsilon (c4, image_price (PRO, "4K"), 1e-12);

  /* "auto" (or nothing) is the model's default size. */
  g_assert_true (gg_estimate_generate (PRO, "3:2", "auto", 1, &estimate));
  g_assert_cmpstr (estimate.size, ==, gg_catalogue_lookup (PRO)->default_size);
  g_assert_cmpint (estimate.width, ==, w1);
}

static void
test_auto_ratio_and_default_model (void)
{
  GgEstimate        estimate;
  g_autofree gchar *text = NULL;

  /* No model: the catalogue's default; no ratio: square, and said so. */
  g_assert_true (gg_estimate_generate ("", "", NULL, 1, &estimate));
  g_assert_true (estimate.ratio_auto);
  g_assert_cmpstr (estimate.ratio, ==, "1:1");
  g_assert_cmpint (estimate.width, ==, estimate.height);
  text = gg_estimate_describe (&estimate, "", NULL);
  g_assert_nonnull (strstr (text, "1:1 unless the model picks another"));
}

static void
test_variations (void)
{
  GgEstimate        one, three;
  g_autofree gchar *text = NULL;
  g_autofree gchar *expected = NULL;

  g_assert_true (gg_estimate_generate (PRO, "1:1", "2K", 1, &one));
  g_assert_true (gg_estimate_generate (PRO, "1:1", "2K", 3, &three));
  g_assert_cmpint (three.images, ==, 3);
  g_assert_cmpfloat_with_epsilon (three.cost, 3 * one.cost, 1e-12);
  g_assert_cmpfloat_with_epsilon (three.cost_each, one.cost, 1e-12);

  text = gg_estimate_describe (&three, "1:1", "2K");
  expected = g_strdup_printf ("3 images of %d × %d px (1:1, 2K) · about $%.3f ($%.3f each)",
                              one.width, one.height, three.cost, one.cost);
  g_assert_cmpstr (text, ==, expected);
}

static void
test_unknown (void)
{
  GgEstimate        estimate;
  g_autofree gchar *model = NULL;
  g_autofree gchar *ratio = NULL;
  g_autofree gchar *size  = NULL;

  g_assert_false (gg_estimate_generate ("imagen-9", "1:1", NULL, 1, &estimate));
  g_assert_cmpint (estimate.status, ==, GG_ESTIMATE_UNKNOWN_MODEL);
  model = gg_estimate_describe (&estimate, "1:1", NULL);
  g_assert_nonnull (strstr (model, "not in the catalogue"));

  g_assert_false (gg_estimate_generate (FLASH, "7:3", NULL, 1, &estimate));
  g_assert_cmpint (estimate.status, ==, GG_ESTIMATE_BAD_RATIO);
  ratio = gg_estimate_describe (&estimate, "7:3", NULL);
  g_assert_nonnull (strstr (ratio, "“7:3”"));

  g_assert_false (gg_estimate_generate (PRO, "1:1", "8K", 1, &estimate));
  g_assert_cmpint (estimate.status, ==, GG_ESTIMATE_BAD_SIZE);
  size = gg_estimate_describe (&estimate, "1:1", "8K");
  g_assert_nonnull (strstr (size, "“8K”"));
}

/* An edit: the figures are the plan's, as the run will ask. */
static void
test_plan (void)
{
  const GgModel    *pro = gg_catalogue_lookup (PRO);
  GgRegionPlan      plan;
  GgRect            selection = { 1000, 800, 900, 500 };
  GgEstimate        estimate;
  g_autoptr(GError) error = NULL;
  g_autofree gchar *text = NULL;
  g_autofree gchar *expected = NULL;

  g_assert_true (gg_region_plan (pro, 4000, 3000, &selection, NULL, &plan, &error));
  g_assert_no_error (error);
  g_assert_true (gg_estimate_plan (PRO, &plan, 2, &estimate));
  g_assert_cmpint (estimate.width, ==, plan.out_width);
  g_assert_cmpint (estimate.height, ==, plan.out_height);
  g_assert_cmpstr (estimate.ratio, ==, plan.ratio);
  g_assert_cmpfloat_with_epsilon (estimate.cost, 2 * image_price (PRO, plan.size), 1e-12);

  text = gg_estimate_describe (&estimate, NULL, NULL);
  expected = g_strdup_printf ("2 images of %d × %d px (%s, %s) · about $%.3f ($%.3f each)",
                              plan.out_width, plan.out_height, plan.ratio, plan.size,
                              estimate.cost, estimate.cost_each);
  g_assert_cmpstr (text, ==, expected);

  g_assert_false (gg_estimate_plan ("someone-elses-model", &plan, 1, &estimate));
  g_assert_cmpint (estimate.status, ==, GG_ESTIMATE_UNKNOWN_MODEL);
}

int
main (int argc, char **argv)
{
  /* The English text, whatever the machine's locale. */
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/estimate/generate-flash", test_generate_flash);
  g_test_add_func ("/estimate/generate-pro-sizes", test_generate_pro_sizes);
  g_test_add_func ("/estimate/auto-ratio-default-model", test_auto_ratio_and_default_model);
  g_test_add_func ("/estimate/variations", test_variations);
  g_test_add_func ("/estimate/unknown", test_unknown);
  g_test_add_func ("/estimate/plan", test_plan);
  return g_test_run ();
}
