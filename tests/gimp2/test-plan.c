/* test-plan.c: the GIMP 2.10 front end's edit plan (plugin/gimp2/
 * gimp2-plan.c: its values as the engine's options, planned by
 * gg_run_plan_edit ()), which both the run and the dialog's size-and-cost
 * line use: the plan follows the values as the run applies them, grow
 * included (issue 16: the 2.10 estimate ignored grow while the run
 * applied it).  CTest gimp2/plan, built with the GIMP 2.10 plug-in. */
#include <string.h>

#include "gg-error.h"
#include "gg-mask.h"
#include "gg-region.h"

#include "gimp2-plan.h"

static void
values_default (Gimp2Values *values)
{
  GgMaskOptions mask;

  gg_mask_options_init (&mask);
  memset (values, 0, sizeof *values);
  values->grow    = (gint32) mask.grow;
  values->feather = mask.feather;
}

static GgHostCanvas
canvas_of (gint width, gint height, gint ox, gint oy,
           gint x, gint y, gint w, gint h)
{
  GgHostCanvas canvas = { { 0, 0, width, height }, ox, oy, w > 0,
                          { x, y, w, h }, "Layer" };

  return canvas;
}

static gboolean
contains (const GgRect *outer, const GgRect *inner)
{
  return outer->x <= inner->x && outer->y <= inner->y &&
         outer->x + outer->width >= inner->x + inner->width &&
         outer->y + outer->height >= inner->y + inner->height;
}

/* Grow widens what may change: the region sent is planned around the
 * grown selection, whose context ring then lies outside it. */
static void
test_grow (void)
{
  g_autoptr (GError) error = NULL;
  Gimp2Values        values;
  GgHostCanvas       canvas = canvas_of (2000, 2000, 0, 0, 800, 800, 400, 400);
  GgRegionPlan       plan;
  GgRect             grown  = { 700, 700, 600, 600 };

  values_default (&values);
  values.grow = 100;
  g_assert_true (gimp2_plan_edit (&values, &canvas, &plan, &error));
  g_assert_no_error (error);
  g_assert_cmpint (plan.selection.x, ==, grown.x);
  g_assert_cmpint (plan.selection.y, ==, grown.y);
  g_assert_cmpint (plan.selection.width, ==, grown.width);
  g_assert_cmpint (plan.selection.height, ==, grown.height);
  g_assert_true (contains (&plan.region, &grown));

  /* More grow, a larger region and answer: the estimate follows it. */
  {
    GgRegionPlan smaller;

    values.grow = 0;
    g_assert_true (gimp2_plan_edit (&values, &canvas, &smaller, &error));
    g_assert_cmpint (smaller.region.width, <, plan.region.width);
  }
}

/* The grown selection is clipped to the layer, in its own coordinates. */
static void
test_grow_clipped (void)
{
  g_autoptr (GError) error = NULL;
  Gimp2Values        values;
  /* A 600 x 500 layer at (100, 50) of the image; the selection at its
   * top-left corner. */
  GgHostCanvas       canvas = canvas_of (600, 500, 100, 50, 100, 50, 200, 200);
  GgRegionPlan       plan;

  values_default (&values);
  values.grow = 30;
  g_assert_true (gimp2_plan_edit (&values, &canvas, &plan, &error));
  g_assert_cmpint (plan.selection.x, ==, 0);
  g_assert_cmpint (plan.selection.y, ==, 0);
  g_assert_cmpint (plan.selection.width, ==, 230);
  g_assert_cmpint (plan.selection.height, ==, 230);
  g_assert_true (contains (&plan.region, &plan.selection));
  g_assert_cmpint (plan.region.x, >=, 0);
  g_assert_cmpint (plan.region.y, >=, 0);
}

/* A shrinking grow plans around the selection itself. */
static void
test_shrink (void)
{
  g_autoptr (GError) error = NULL;
  Gimp2Values        values;
  GgHostCanvas       canvas = canvas_of (2000, 2000, 0, 0, 800, 800, 400, 400);
  GgRegionPlan       plan;

  values_default (&values);
  values.grow = -20;
  g_assert_true (gimp2_plan_edit (&values, &canvas, &plan, &error));
  g_assert_cmpint (plan.selection.x, ==, 800);
  g_assert_cmpint (plan.selection.width, ==, 400);
  g_assert_true (contains (&plan.region, &canvas.selection));
}

/* A selection beside the layer: one sentence naming it, no plan. */
static void
test_outside (void)
{
  g_autoptr (GError) error = NULL;
  Gimp2Values        values;
  GgHostCanvas       canvas = canvas_of (300, 300, 0, 0, 500, 500, 50, 50);
  GgRegionPlan       plan;

  values_default (&values);
  g_assert_false (gimp2_plan_edit (&values, &canvas, &plan, &error));
  g_assert_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST);
  g_assert_nonnull (strstr (error->message, "“Layer”"));
}

/* Nothing selected: the whole layer. */
static void
test_whole (void)
{
  g_autoptr (GError) error = NULL;
  Gimp2Values        values;
  GgHostCanvas       canvas = canvas_of (640, 480, 10, 10, 0, 0, 0, 0);
  GgRegionPlan       plan;

  values_default (&values);
  values.grow = 50;
  g_assert_true (gimp2_plan_edit (&values, &canvas, &plan, &error));
  g_assert_true (contains (&plan.region, &canvas.space));
}

/* The values reach the engine's options: an automatic feather, the
 * model's own thinking level under any spelling of "default". */
static void
test_options (void)
{
  Gimp2Values  values;
  GgRunOptions run;

  values_default (&values);
  values.feather = -3.0;
  values.grow    = 12;
  values.hint    = TRUE;
  g_strlcpy (values.thinking, "Default", sizeof values.thinking);
  gimp2_run_options (&values, "a kite", &run);
  g_assert_cmpstr (run.prompt, ==, "a kite");
  g_assert_cmpfloat (run.feather, ==, GG_MASK_FEATHER_AUTO);
  g_assert_cmpint (run.grow, ==, 12);
  g_assert_true (run.hint);
  g_assert_cmpstr (run.thinking, ==, "");

  g_strlcpy (values.thinking, "high", sizeof values.thinking);
  values.feather = 7.5;
  gimp2_run_options (&values, NULL, &run);
  g_assert_cmpstr (run.thinking, ==, "high");
  g_assert_cmpfloat (run.feather, ==, 7.5);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/gimp2/plan/grow", test_grow);
  g_test_add_func ("/gimp2/plan/grow-clipped", test_grow_clipped);
  g_test_add_func ("/gimp2/plan/shrink", test_shrink);
  g_test_add_func ("/gimp2/plan/outside", test_outside);
  g_test_add_func ("/gimp2/plan/whole", test_whole);
  g_test_add_func ("/gimp2/plan/options", test_options);

  return g_test_run ();
}
