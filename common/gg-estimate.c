/* gg-estimate.c: the answer's dimensions and cost, before anything is sent. */
#include "gg-estimate.h"

#include <string.h>

#include "gg-catalogue.h"
#include "gg-intl.h"


/* NULL for "", NULL and "auto", as the dialogs and the procedures mean them. */
static const gchar *
chosen (const gchar *value)
{
  if (value == NULL || *value == '\0' || g_ascii_strcasecmp (value, "auto") == 0)
    return NULL;
  return value;
}

static void
estimate_reset (GgEstimate *estimate,
                gint        variations)
{
  memset (estimate, 0, sizeof *estimate);
  estimate->images = MAX (variations, 1);
}

static void
estimate_cost (GgEstimate    *estimate,
               const GgModel *model)
{
  gint tokens = gg_model_image_tokens (model, estimate->size);

  /* A price the catalogue does not know: the cost is unknown (< 0). */
  if (tokens <= 0 || model->price_image_output < 0)
    {
      estimate->cost_each = estimate->cost = -1;
      return;
    }
  estimate->cost_each = tokens * model->price_image_output / 1e6;
  estimate->cost      = estimate->cost_each * estimate->images;
}

gboolean
gg_estimate_generate (const gchar *model_name,
                      const gchar *ratio,
                      const gchar *size,
                      gint         variations,
                      GgEstimate  *estimate)
{
  const GgModel *model;

  estimate_reset (estimate, variations);

  model = gg_catalogue_lookup (chosen (model_name) ? model_name
                                                   : gg_catalogue_default_model ());
  if (model == NULL)
    {
      estimate->status = GG_ESTIMATE_UNKNOWN_MODEL;
      return FALSE;
    }

  /* Without an aspectRatio a text prompt comes back square. */
  estimate->ratio_auto = chosen (ratio) == NULL;
  estimate->ratio      = estimate->ratio_auto ? "1:1" : ratio;
  if (! gg_model_has_ratio (model, estimate->ratio))
    {
      estimate->status = GG_ESTIMATE_BAD_RATIO;
      return FALSE;
    }

  /* A model without sizes takes no imageSize: whatever was chosen, the
   * answer has its one size. */
  if (! gg_model_has_sizes (model))
    estimate->size = NULL;
  else if (chosen (size) == NULL)
    estimate->size = model->default_size;
  else if (gg_model_has_size (model, size))
    estimate->size = size;
  else
    {
      estimate->status = GG_ESTIMATE_BAD_SIZE;
      return FALSE;
    }

  if (! gg_model_output_size (model, estimate->size, estimate->ratio,
                              &estimate->width, &estimate->height))
    {
      estimate->status = GG_ESTIMATE_BAD_RATIO;
      return FALSE;
    }

  estimate_cost (estimate, model);
  estimate->status = GG_ESTIMATE_OK;
  return TRUE;
}

gboolean
gg_estimate_plan (const gchar        *model_name,
                  const GgRegionPlan *plan,
                  gint                variations,
                  GgEstimate         *estimate)
{
  const GgModel *model;

  estimate_reset (estimate, variations);

  model = gg_catalogue_lookup (chosen (model_name) ? model_name
                                                   : gg_catalogue_default_model ());
  if (model == NULL)
    {
      estimate->status = GG_ESTIMATE_UNKNOWN_MODEL;
      return FALSE;
    }

  estimate->ratio  = plan->ratio;
  estimate->size   = plan->size;
  estimate->width  = plan->out_width;
  estimate->height = plan->out_height;
  estimate_cost (estimate, model);
  estimate->status = GG_ESTIMATE_OK;
  return TRUE;
}

gchar *
gg_estimate_describe (const GgEstimate *estimate,
                      const gchar      *ratio,
                      const gchar      *size)
{
  g_autofree gchar *shape = NULL;
  g_autofree gchar *what  = NULL;
  g_autofree gchar *cost  = NULL;

  switch (estimate->status)
    {
    case GG_ESTIMATE_UNKNOWN_MODEL:
      return g_strdup (_("A model not in the catalogue: its image size and "
                         "cost are not known."));
    case GG_ESTIMATE_BAD_RATIO:
      return g_strdup_printf (_("This model does not list the ratio “%s”: "
                                "it is sent as written."),
                              ratio ? ratio : "");
    case GG_ESTIMATE_BAD_SIZE:
      return g_strdup_printf (_("This model does not list the size “%s”: "
                                "it is sent as written."),
                              size ? size : "");
    case GG_ESTIMATE_OK:
      break;
    }

  /* "16:9, 2K"; a model without sizes has only its ratio. */
  if (estimate->ratio_auto)
    shape = g_strdup_printf (_("%s unless the model picks another"),
                             estimate->ratio);
  else if (estimate->size)
    shape = g_strdup_printf ("%s, %s", estimate->ratio, estimate->size);
  else
    shape = g_strdup (estimate->ratio);

  if (estimate->images == 1)
    {
      /* TRANSLATORS: the answer's width × height in pixels, then its ratio
       * (and size) */
      what = g_strdup_printf (_("%d × %d px (%s)"),
                              estimate->width, estimate->height, shape);
      /* TRANSLATORS: the estimated cost in US dollars */
      cost = estimate->cost < 0 ? g_strdup (_("cost unknown"))
                                : g_strdup_printf (_("about $%.3f"), estimate->cost);
    }
  else
    {
      what = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "%d image of %d × %d px (%s)",
                                           "%d images of %d × %d px (%s)",
                                           estimate->images),
                              estimate->images,
                              estimate->width, estimate->height, shape);
      cost = estimate->cost < 0 ? g_strdup (_("cost unknown"))
                                : g_strdup_printf (_("about $%.3f ($%.3f each)"),
                                                   estimate->cost, estimate->cost_each);
    }

  return g_strdup_printf ("%s · %s", what, cost);
}
