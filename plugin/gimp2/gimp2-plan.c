/* gimp-gemini for GIMP 2.10: the edit's plan (gimp2-plan.h). */

#include <string.h>

#include "gg-catalogue.h"
#include "gg-error.h"

#include "gimp2-plan.h"


gboolean
gimp2_plan_edit (const Gimp2Values  *values,
                 const Gimp2Canvas  *canvas,
                 GgRegionPlan       *plan,
                 GgRect             *area,
                 GError            **error)
{
  GgRegionOptions options;
  GgRect          selection = { 0, };
  const gchar    *model     = gg_front_option (values->model);

  if (canvas->has_selection)
    {
      GgRect local = canvas->selection;

      local.x -= canvas->origin_x;
      local.y -= canvas->origin_y;
      if (! gg_rect_intersect (&local, &canvas->space, &selection))
        {
          g_set_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                       _("The selection does not touch the layer “%s”: select "
                         "inside it, or select nothing (Select > None) to edit "
                         "the whole layer."), canvas->name);
          return FALSE;
        }

      /* What may change is the grown selection: the region is planned
       * around it, so that its context ring lies outside. */
      if (values->grow > 0)
        {
          gint   grow  = values->grow;
          GgRect grown = { selection.x - grow, selection.y - grow,
                           selection.width + 2 * grow,
                           selection.height + 2 * grow };

          gg_rect_intersect (&grown, &canvas->space, &selection);
        }
    }

  gg_region_options_init (&options);
  options.pad_px   = values->context_px;
  options.pad_pct  = values->context_pct / 100.0;
  options.max_size = gg_front_option (values->size);

  if (area)
    *area = selection;

  return gg_region_plan (gg_catalogue_lookup (model ? model :
                                              gg_catalogue_default_model ()),
                         canvas->space.width, canvas->space.height,
                         &selection, &options, plan, error);
}
