/* gimp2-result.h: what a run of the GIMP 2.10 plug-in leaves in the
 * image: the result layers (with their masks and sources) and the
 * conversation, kept as parasites. */
#pragma once

#include <libgimp/gimp.h>

#include "gg-conversation-place.h"
#include "gg-front.h"

#include "gimp2.h"

G_BEGIN_DECLS

/* Where the result layers go. */
typedef struct
{
  gint32       image;
  gint32       above;         /* -1: the top of the stack */
  gint32       mask_from;     /* -1, or a layer whose mask to copy */
  const gchar *prompt;        /* names the layers */
} Gimp2Target;

typedef struct
{
  gint32 item;        /* the result layer, or the group of several */
  gint32 first;       /* the first result layer */
} Gimp2Result;

/* Adds @prepared's layers (with their masks; thoughts, sources) to
 * @target's image; FALSE with @error after removing what it added (the
 * engine then saves the answers for recovery). */
gboolean        gimp2_result_insert       (Gimp2Target         *target,
                                           GgFrontPrepared     *prepared,
                                           Gimp2Result         *result,
                                           GError             **error);

GgConversation *gimp2_conversation_load   (gint32               image,
                                           GgConversationPlace *place,
                                           GError             **error);
gboolean        gimp2_conversation_store  (gint32               image,
                                           GgConversation      *conversation,
                                           const GgConversationPlace *place,
                                           gchar              **note);
gboolean        gimp2_conversation_forget (gint32               image);

G_END_DECLS
