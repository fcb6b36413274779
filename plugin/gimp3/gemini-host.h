/* gemini-host.h: what a run reads of the image it works on: the layer
 * edited, the selection's bounds and its coverage, made into the layer
 * mask of an edit.  Pixels themselves are gemini-pixels.h's.
 */
#pragma once

#include <libgimp/gimp.h>

#include "gg-mask.h"
#include "gg-region.h"

#include "gemini-options.h"

G_BEGIN_DECLS

/* FALSE with a sentence when @image is indexed (GG_FRONT_INDEXED_MESSAGE). */
gboolean    gemini_host_refuse_indexed     (GimpImage                 *image,
                                            GError                   **error);

/* The layer an edit starts from: the first of @drawables (GIMP lists them
 * from the top), the layer of a selected mask; never a channel.  NULL
 * with @error when there is none; *@note (g_free) says so when several
 * are selected. */
GimpLayer * gemini_host_source_layer       (GimpImage                 *image,
                                            GimpDrawable             **drawables,
                                            gchar                    **note,
                                            GError                   **error);

/* The selection's bounds in image coordinates; FALSE when nothing is
 * selected. */
gboolean    gemini_host_selection          (GimpImage                 *image,
                                            GgRect                    *selection);

/* The selection's coverage (0..255) over @region, image coordinates
 * (gg_mask_free); NULL with @error when no pixel is even half selected. */
GgMask    * gemini_host_selection_coverage (GimpImage                 *image,
                                            const GgRect              *region,
                                            GError                   **error);

/* The layer mask of an edit of the selection: its coverage over @region,
 * grown and feathered by @options (gg_mask_from_selection ()), and in
 * @grown (may be NULL) the grown selection alone, for the hint.  NULL
 * with @error when no pixel would show. */
GgMask    * gemini_host_selection_mask     (GimpImage                 *image,
                                            const GgRect              *region,
                                            const GeminiPlaceOptions  *options,
                                            GgMask                   **grown,
                                            GError                   **error);

G_END_DECLS
