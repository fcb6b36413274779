/* gemini-conversation.h: the image's Gemini conversation, kept with it.
 *
 * Two persistent, undoable image parasites (saved in the .xcf):
 * - "gemini-conversation": the contents exactly as gg_conversation_to_json ()
 *   wrote them, the model's turns byte for byte as received (thought
 *   signatures on the parts that carried them);
 * - "gemini-conversation-place": a small key file saying which model was
 *   used and, when the conversation started from an edit, where its answers
 *   go (the region plan in image coordinates), so that a refine lands over
 *   the same region.
 * Neither ever holds the API key (it is not in requests' bodies).
 *
 * Size rule: after every answer only the last GEMINI_CONVERSATION_MAX_TURNS
 * exchanges are kept, and then the oldest are dropped until the stored text
 * is at most GEMINI_CONVERSATION_MAX_BYTES; the newest exchange is always
 * kept, and when it alone is larger the image keeps no conversation (refine
 * then asks the user to start over with an edit).
 */
#pragma once

#include <libgimp/gimp.h>

#include "gg-conversation.h"
#include "gg-region.h"

G_BEGIN_DECLS

#define GEMINI_CONVERSATION_PARASITE  "gemini-conversation"
#define GEMINI_PLACE_PARASITE         "gemini-conversation-place"
#define GEMINI_CONVERSATION_MAX_TURNS 4
#define GEMINI_CONVERSATION_MAX_BYTES ((gsize) 16 * 1000 * 1000)

/* Where a conversation's answers go. */
typedef struct
{
  gchar   *model;           /* the model that holds the signatures */
  gboolean has_region;      /* FALSE: answers are whole images at (0, 0) */
  GgRect   region;          /* image coordinates: what was sent */
  GgRect   selection;       /* image coordinates: the selection's bounds */
  GgRect   clip;            /* image coordinates: the part of the region kept */
  gboolean had_selection;
  gchar   *ratio;
  gchar   *size;            /* NULL for models without sizes */
  gint     out_width, out_height;
  gint     send_width, send_height;
  guint    result_tattoo;   /* the last result layer (0: none) */
} GeminiPlace;

void            gemini_place_clear          (GeminiPlace        *place);

/* The plan of @place, its strings borrowed from @place. */
void            gemini_place_to_plan        (const GeminiPlace  *place,
                                             GgRegionPlan       *plan);
/* @plan in a space whose origin is (@origin_x, @origin_y) in the image. */
void            gemini_place_from_plan      (GeminiPlace        *place,
                                             const GgRegionPlan *plan,
                                             gint                origin_x,
                                             gint                origin_y);

/* The stored conversation, or NULL: with @error set when it is damaged,
 * without when there is none.  @place is filled when one is returned. */
GgConversation *gemini_conversation_load    (GimpImage          *image,
                                             GeminiPlace        *place,
                                             GError            **error);

/* Trims @conversation by the size rule above and stores it with @place
 * (replacing what was there).  Call inside the run's undo group.  Returns
 * FALSE when nothing could be kept; @note (may be NULL) then says why, for
 * the user. */
gboolean        gemini_conversation_store   (GimpImage          *image,
                                             GgConversation     *conversation,
                                             const GeminiPlace  *place,
                                             gchar             **note);

/* Removes both parasites; TRUE when there was a conversation. */
gboolean        gemini_conversation_forget  (GimpImage          *image);

G_END_DECLS
