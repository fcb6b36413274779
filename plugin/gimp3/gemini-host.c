/* gimp-gemini: what a run reads of the image it works on
 * (gemini-host.h): the layer edited, the selection and its coverage. */

#include <string.h>

#include <libgimp/gimp.h>

#include "gg-error.h"
#include "gg-front.h"
#include "gg-mask.h"

#include "gemini.h"
#include "gemini-host.h"
#include "gemini-intl.h"
#include "gemini-pixels.h"


/* FALSE with @error for an indexed image. */
gboolean
gemini_host_refuse_indexed (GimpImage  *image,
                            GError    **error)
{
  if (gimp_image_get_base_type (image) == GIMP_INDEXED)
    {
      g_set_error_literal (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                           _(GG_FRONT_INDEXED_MESSAGE));
      return FALSE;
    }

  return TRUE;
}

/* The layer an edit starts from: the first selected one (GIMP lists them
 * from the top), the layer of a selected mask; never a channel. */
GimpLayer *
gemini_host_source_layer (GimpImage     *image,
                          GimpDrawable **drawables,
                          gchar        **note,
                          GError       **error)
{
  GimpDrawable *drawable;
  gint          n = 0;

  while (drawables && drawables[n])
    n++;

  if (n == 0)
    {
      g_set_error_literal (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                           _("No layer is selected: select the layer to "
                             "edit."));
      return NULL;
    }

  drawable = drawables[0];

  if (GIMP_IS_LAYER_MASK (drawable))
    drawable = GIMP_DRAWABLE (gimp_layer_from_mask (GIMP_LAYER_MASK (drawable)));

  if (! drawable || ! GIMP_IS_LAYER (drawable))
    {
      g_set_error_literal (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                           _("Gemini edits layers: select a layer, not a "
                             "channel."));
      return NULL;
    }

  if (n > 1)
    {
      g_autofree gchar *item_name = gimp_item_get_name (GIMP_ITEM (drawable));

      *note = g_strdup_printf (_("%d layers are selected: only the first, "
                                 "“%s”, is edited."), n, item_name);
    }

  return GIMP_LAYER (drawable);
}

/* The selection's bounds in image coordinates; FALSE when nothing is
 * selected. */
gboolean
gemini_host_selection (GimpImage *image,
                       GgRect    *selection)
{
  gboolean has_selection = FALSE;
  gint     x1, y1, x2, y2;

  memset (selection, 0, sizeof *selection);
  gimp_selection_bounds (image, &has_selection, &x1, &y1, &x2, &y2);
  if (has_selection)
    {
      selection->x      = x1;
      selection->y      = y1;
      selection->width  = x2 - x1;
      selection->height = y2 - y1;
    }

  return has_selection;
}

/* The selection's coverage over @region (image coordinates); NULL with
 * @error when no pixel of it is even half selected: neither growing nor
 * feathering (which only works inside the grown selection) would then
 * show anything. */
GgMask *
gemini_host_selection_coverage (GimpImage     *image,
                                const GgRect  *region,
                                GError       **error)
{
  g_autoptr (GgMask) coverage = gemini_pixels_read_selection (image, region,
                                                              error);
  gsize              n;

  if (! coverage)
    return NULL;

  n = (gsize) coverage->width * coverage->height;
  for (gsize i = 0; i < n; i++)
    if (coverage->data[i] >= 128)
      return g_steal_pointer (&coverage);

  g_set_error_literal (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                       _("No pixel of the selection is even half "
                         "selected, so nothing of the result would show: "
                         "select more (Select > Sharpen makes it whole)."));
  return NULL;
}

/* The layer mask of an edit of the selection: its coverage over @region
 * (image coordinates), grown and feathered (gg_mask_from_selection), and
 * in @grown (may be NULL) the grown selection alone, for the hint.  NULL
 * with @error when no pixel would show. */
GgMask *
gemini_host_selection_mask (GimpImage                 *image,
                            const GgRect              *region,
                            const GeminiPlaceOptions  *options,
                            GgMask                   **grown,
                            GError                   **error)
{
  g_autoptr (GgMask) coverage     = NULL;
  g_autoptr (GgMask) mask         = NULL;
  GgMaskOptions      mask_options = { options->grow, options->feather };
  GgRect             bounds;

  coverage = gemini_host_selection_coverage (image, region, error);
  if (! coverage)
    return NULL;

  mask = gg_mask_from_selection (coverage, &mask_options, error);
  if (! mask)
    return NULL;

  if (! gg_mask_bounds (mask, &bounds))
    {
      if (options->grow < 0)
        g_set_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                     _("A grow of %d px shrinks the selection to nothing, "
                       "so nothing of the result would show: shrink it "
                       "less."),
                     options->grow);
      else
        g_set_error_literal (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                             _("No pixel of the selection is even half "
                               "selected, so nothing of the result would "
                               "show: select more (Select > Sharpen makes "
                               "it whole)."));
      return NULL;
    }

  if (grown)
    {
      *grown = gg_mask_grow (coverage, options->grow, error);
      if (! *grown)
        return NULL;
    }

  return g_steal_pointer (&mask);
}
