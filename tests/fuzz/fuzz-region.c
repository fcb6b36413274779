/* Fuzzes the region planner with arbitrary geometry: whatever it accepts
 * must be a plan whose region holds the selection and matches its ratio. */
#include <stdint.h>
#include <string.h>
#include "gg-catalogue.h"
#include "gg-region.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static gint32
take (const uint8_t **data, size_t *size)
{
  gint32 v = 0;
  if (*size >= 4)
    {
      memcpy (&v, *data, 4);
      *data += 4;
      *size -= 4;
    }
  return v;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const GgModel *const *models = gg_catalogue_models ();
  const GgModel *model;
  GgRegionOptions options;
  GgRegionPlan plan;
  GgRect selection;
  GError *error = NULL;
  gint dw, dh;

  if (size < 1)
    return 0;
  model = data[0] % (gg_catalogue_n_models () + 1) == 0
          ? NULL : models[data[0] % gg_catalogue_n_models ()];
  data++, size--;
  dw = take (&data, &size) % 100000;
  dh = take (&data, &size) % 100000;
  selection.x = take (&data, &size);
  selection.y = take (&data, &size);
  selection.width = take (&data, &size);
  selection.height = take (&data, &size);
  gg_region_options_init (&options);
  options.pad_px = take (&data, &size) % 100000;

  if (!gg_region_plan (model, dw, dh, &selection, &options, &plan, &error))
    {
      g_assert (error != NULL);
      g_error_free (error);
      return 0;
    }
  g_assert (plan.region.width > 0 && plan.region.height > 0);
  g_assert (plan.out_width > 0 && plan.out_height > 0);
  g_assert (plan.send_width > 0 && plan.send_height > 0);
  g_assert (plan.send_width <= plan.region.width && plan.send_height <= plan.region.height);
  g_assert (plan.selection.x >= plan.region.x && plan.selection.y >= plan.region.y);
  g_assert (plan.selection.x + plan.selection.width <= plan.region.x + plan.region.width);
  g_assert (plan.selection.y + plan.selection.height <= plan.region.y + plan.region.height);
  return 0;
}
