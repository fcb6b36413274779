/* gg-conversation-place.h: how an image keeps its Gemini conversation, for
 * every GIMP front end (GIMP 3 in plugin/, GIMP 2.10 in plugin/gimp2/).
 *
 * Two persistent image parasites, saved in the .xcf, in one format that
 * both GIMP versions read and write (so that an .xcf edited in 2.10 is
 * refined in 3 and back):
 * - GG_CONVERSATION_PARASITE: gg_conversation_to_json (), the model's turns
 *   byte for byte as received, thought signatures included;
 * - GG_PLACE_PARASITE: a GKeyFile, group [conversation], "version=1", the
 *   model and, when the conversation started from an edit, where its
 *   answers go (the region plan in image coordinates).
 * Neither ever holds the API key (it is not in requests' bodies).
 *
 * Size rule: only the last GG_CONVERSATION_MAX_TURNS exchanges are kept,
 * then the oldest are dropped until the text is at most
 * GG_CONVERSATION_MAX_BYTES; the newest exchange is always kept, and when
 * it alone is larger the image keeps no conversation.
 */
#pragma once

#include <glib.h>

#include "gg-conversation.h"
#include "gg-region.h"
#include "gg-request.h"

G_BEGIN_DECLS

#define GG_CONVERSATION_PARASITE  "gemini-conversation"
#define GG_PLACE_PARASITE         "gemini-conversation-place"
#define GG_CONVERSATION_MAX_TURNS 4
#define GG_CONVERSATION_MAX_BYTES ((gsize) 16 * 1000 * 1000)
/* The place format written; readers accept it and anything without a
 * version (the first files had none). */
#define GG_PLACE_VERSION          1
/* What a place read from an .xcf may hold, else it is damaged: image
 * coordinates within GIMP's largest image (GIMP_MAX_IMAGE_SIZE), a region
 * within the decoder's pixel limit, answer sizes no model comes near. */
#define GG_PLACE_MAX_COORD        524288
#define GG_PLACE_MAX_SIDE         65536

/* Where a conversation's answers go (image coordinates). */
typedef struct
{
  gchar   *model;           /* the model that holds the signatures */
  gboolean has_region;      /* FALSE: answers are whole images at (0, 0) */
  GgRect   region;          /* what was sent */
  GgRect   selection;       /* the selection's bounds */
  GgRect   clip;            /* the part of the region kept */
  gboolean had_selection;
  gchar   *ratio;
  gchar   *size;            /* NULL for models without sizes */
  gint     out_width, out_height;
  gint     send_width, send_height;
  guint    result_tattoo;   /* the last result layer (0: none) */
} GgConversationPlace;

void      gg_conversation_place_clear     (GgConversationPlace       *place);

/* The plan of @place, its strings borrowed from @place. */
void      gg_conversation_place_to_plan   (const GgConversationPlace *place,
                                           GgRegionPlan              *plan);
/* @plan in a space whose origin is (@origin_x, @origin_y) in the image. */
void      gg_conversation_place_from_plan (GgConversationPlace       *place,
                                           const GgRegionPlan        *plan,
                                           gint                       origin_x,
                                           gint                       origin_y);

/* The GG_PLACE_PARASITE text (g_free). */
gchar   * gg_conversation_place_to_text   (const GgConversationPlace *place);
/* Parses it into @place (cleared first); FALSE when damaged or of a newer
 * version, @place then cleared: the answers go on as whole images. */
gboolean  gg_conversation_place_from_text (const gchar               *text,
                                           gsize                      length,
                                           GgConversationPlace       *place);

/* Trims @conversation by the size rule and serializes it: the
 * GG_CONVERSATION_PARASITE text in @json (g_free) and its @length.  FALSE
 * when nothing can be kept, with a sentence for the user in @note. */
gboolean  gg_conversation_place_serialize (GgConversation            *conversation,
                                           gchar                    **json,
                                           gsize                     *length,
                                           gchar                    **note);

/* Whether the newest exchange, @request and its answer's @model_turn_json,
 * can be kept at all: FALSE, with the same sentence in @note (may be
 * NULL), when the images they carry inline are alone over
 * GG_CONVERSATION_MAX_BYTES.  Checked before the exchange is built, so
 * that a 4K edit does not make 25 MB of JSON for the size rule to drop. */
gboolean  gg_conversation_place_fits      (const GgRequest           *request,
                                           const gchar               *model_turn_json,
                                           gchar                    **note);

G_END_DECLS
