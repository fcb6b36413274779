/* gemini-result.h: the placed answers, turned into layers.
 *
 * The engine (common/gg-run.h) decodes and places every image of every
 * answer without touching the image; gemini_result_insert (), called by
 * the host inside the run's undo group, adds the layers (one layer, or a
 * group named after the prompt holding one layer per image), each with
 * its layer mask, the hidden "Thoughts" group when asked, and the
 * grounding sources as a "gemini-sources" parasite on the result.  Each
 * result layer holds the whole placed answer over the region sent: its
 * mask, not its alpha, limits what shows.
 */
#pragma once

#include <libgimp/gimp.h>

#include "gg-front.h"

G_BEGIN_DECLS

typedef struct
{
  GimpImage   *image;
  GimpLayer   *above;          /* NULL: the top of the stack */
  const gchar *prompt;         /* names the layers and the group */
  GimpLayer   *mask_from;      /* pieces without a mask copy this layer's
                                * mask, when its geometry is the same */
} GeminiTarget;

typedef struct
{
  GimpLayer *item;      /* the result layer, or the group of several */
  GimpLayer *first;     /* the first result layer */
  guint      n_layers;
} GeminiResult;

/* Adds the pieces of @prepared to @target->image.  On failure removes
 * what it added and says why (the engine then saves the answers for
 * recovery). */
gboolean gemini_result_insert (const GeminiTarget *target,
                               GgFrontPrepared    *prepared,
                               GeminiResult       *result,
                               GError            **error);

G_END_DECLS
