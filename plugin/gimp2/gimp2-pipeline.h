/* gimp2-pipeline.h: the runs of the GIMP 2.10 plug-in, step by step over
 * common/: read, plan, ask, place, insert in one undo group. */
#pragma once

#include "gg-conversation.h"
#include "gg-conversation-place.h"

#include "gimp2.h"

G_BEGIN_DECLS

/* Generate (and Compose): a new image, or with "as-layer" a new layer of
 * @image; *@new_image gets the image.  The result layer (or group), or
 * -1 with @error. */
gint32 gimp2_generate (Gimp2Options        *options,
                       gint32               image,
                       gint32              *new_image,
                       GError             **error);
/* Edit (and Style Transfer) of @source: the region around the selection
 * goes out, the answers come back placed over it. */
gint32 gimp2_edit     (Gimp2Options        *options,
                       gint32               image,
                       gint32               source,
                       GError             **error);
/* Refine: @conversation continues; the result goes above @drawable (-1:
 * above the result refined). */
gint32 gimp2_refine   (Gimp2Options        *options,
                       gint32               image,
                       gint32               drawable,
                       GgConversation      *conversation,
                       GgConversationPlace *place,
                       GError             **error);

G_END_DECLS
