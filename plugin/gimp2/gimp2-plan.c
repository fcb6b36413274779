/* gimp-gemini for GIMP 2.10: the values as the engine's options
 * (gimp2-plan.h). */

#include "gg-mask.h"

#include "gimp2-plan.h"


void
gimp2_run_options (const Gimp2Values *values,
                   const gchar       *prompt,
                   GgRunOptions      *run)
{
  gg_run_options_init (run);
  run->prompt         = prompt;
  run->model          = values->model;
  run->ratio          = values->ratio;
  run->size           = values->size;
  /* "default" (any case): the model's own level, nothing sent. */
  run->thinking       = g_ascii_strcasecmp (values->thinking, "default") ?
                        values->thinking : "";
  run->store          = values->store;
  run->image_only     = values->image_only;
  run->search         = values->search;
  run->thought_layers = values->thought_layers;
  run->variations     = values->variations;
  run->visible        = values->visible;
  run->context_px     = values->context_px;
  run->context_pct    = values->context_pct;
  run->grow           = values->grow;
  run->feather        = values->feather < 0 ? GG_MASK_FEATHER_AUTO :
                        values->feather;
  run->hint           = values->hint;
  run->changed_only   = values->changed_only;
  run->include_region = values->include_region;
}

gboolean
gimp2_plan_edit (const Gimp2Values  *values,
                 const GgHostCanvas *canvas,
                 GgRegionPlan       *plan,
                 GError            **error)
{
  GgRunOptions run;

  gimp2_run_options (values, NULL, &run);

  return gg_run_plan_edit (&run, canvas, plan, error);
}
