/* gemini-conversation.h: the image's Gemini conversation, kept with it.
 *
 * Two persistent, undoable image parasites (saved in the .xcf), in the
 * format of gg-conversation-place.h that GIMP 2.10 (plugin/gimp2) shares:
 * GG_CONVERSATION_PARASITE, the contents exactly as
 * gg_conversation_to_json () wrote them, and GG_PLACE_PARASITE, which
 * model was used and, when the conversation started from an edit, where
 * its answers go, so that a refine lands over the same region.  The size
 * rule is gg-conversation-place.h's: when the newest exchange alone is too
 * large the image keeps no conversation (refine then asks the user to
 * start over with an edit).
 */
#pragma once

#include <libgimp/gimp.h>

#include "gg-conversation.h"
#include "gg-conversation-place.h"

G_BEGIN_DECLS

/* The stored conversation, or NULL: with @error set when it is damaged,
 * without when there is none.  @place is filled when one is returned
 * (cleared when its text is damaged or of a newer version: the answers
 * then go on as whole images). */
GgConversation *gemini_conversation_load    (GimpImage                  *image,
                                             GgConversationPlace        *place,
                                             GError                    **error);

/* Trims @conversation by the size rule and stores it with @place
 * (replacing what was there).  Call inside the run's undo group.  Returns
 * FALSE when nothing could be kept; @note (may be NULL) then says why, for
 * the user. */
gboolean        gemini_conversation_store   (GimpImage                  *image,
                                             GgConversation             *conversation,
                                             const GgConversationPlace  *place,
                                             gchar                     **note);

/* Removes both parasites; TRUE when there was a conversation. */
gboolean        gemini_conversation_forget  (GimpImage                  *image);

G_END_DECLS
