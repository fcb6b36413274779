/* gemini-pipeline.h: the work of a run, from its options to the result
 * layer: the region planned and read, the requests built and sent at
 * once (variations), and the answers placed and added in one undo group
 * (gemini_finish ()).  The image is only touched once every paid answer
 * has been decoded and placed, so that a failure or a cancel leaves it
 * exactly as it was.
 */
#pragma once

#include <libgimp/gimp.h>

#include "gg-conversation.h"
#include "gg-conversation-place.h"
#include "gg-region.h"

#include "gemini-options.h"

G_BEGIN_DECLS

/* Generate (and Compose, whose references are the selected layers): a
 * new image, or with "as-layer" a new layer of @image.  FALSE with @error
 * and nothing changed. */
gboolean    gemini_pipeline_generate (GeminiOptions             *options,
                                      GimpImage                 *image,
                                      GimpImage                **new_image,
                                      GimpLayer                **new_layer,
                                      GError                   **error);

/* Edit (and Style Transfer): the region around @selection (image
 * coordinates; @has_selection FALSE: the whole layer) of @source goes
 * out, the answers come back placed over it, above @source.  The result
 * layer (a group when there are several), or NULL with @error. */
GimpLayer * gemini_pipeline_edit     (GeminiOptions             *options,
                                      const GeminiPlaceOptions  *place_options,
                                      GimpImage                 *image,
                                      GimpLayer                 *source,
                                      gboolean                   has_selection,
                                      GgRect                     selection,
                                      GError                   **error);

/* Refine: @conversation (kept with @image, at @place) continued with the
 * new prompt; the answer is placed where the last one went, above the
 * first of @drawables (else above the result refined). */
GimpLayer * gemini_pipeline_refine   (GeminiOptions             *options,
                                      const GeminiPlaceOptions  *place_options,
                                      GimpImage                 *image,
                                      GimpDrawable             **drawables,
                                      GgConversation            *conversation,
                                      GgConversationPlace       *place,
                                      GError                   **error);

G_END_DECLS
