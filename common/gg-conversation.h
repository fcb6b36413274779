/* gg-conversation.h: the conversation kept with an image, for multi-turn
 * refinement.
 *
 * A conversation is a JSON array of Content objects, oldest first: each
 * user turn as it was sent (gg_request_user_turn_json ()) followed by the
 * model's turn exactly as it was received (GgResponse.model_turn_json), with
 * every thoughtSignature on the part that carried it; the 3 Pro models
 * refuse a later turn whose signatures are missing or moved.  The
 * serialized form (gg_conversation_to_json ()) is what gets stored (an image
 * parasite, a file) and what gg_request_set_history () takes.
 *
 * An exchange is one user Content and the model Content(s) that follow it,
 * up to the next user Content.  Trimming always removes whole exchanges
 * from the oldest end, so a user turn is never separated from the model's
 * answer and the contents always start with a user turn.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _GgConversation GgConversation;

/* An empty conversation.  Free with gg_conversation_free. */
GgConversation *gg_conversation_new  (void);
void            gg_conversation_free (GgConversation *conversation);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GgConversation, gg_conversation_free)

/* Reads a stored conversation: a JSON array of objects, each with a "role"
 * of "user" or "model" and a "parts" list, starting with a user turn.
 * @length -1: NUL-terminated.  NULL with GG_ERROR_FAILED and a sentence
 * when the text is damaged.  Free with gg_conversation_free. */
GgConversation *gg_conversation_from_json (const gchar *json,
                                           gssize       length,
                                           GError     **error);

/* The JSON array of all contents, "[]" when empty; what to store.
 * @length may be NULL.  Free with g_free. */
gchar *gg_conversation_to_json (const GgConversation *conversation,
                                gsize                *length);

/* The same array, for gg_request_set_history (); NULL when the
 * conversation is empty (no history to send).  Free with g_free. */
gchar *gg_conversation_contents_json (const GgConversation *conversation);

/* Appends one exchange: @user_turn_json (from gg_request_user_turn_json ())
 * and @model_turn_json (GgResponse.model_turn_json).  Both are kept byte for
 * byte; a model turn without a "role" gets "role":"model" added (the API
 * needs it in history).  FALSE, with GG_ERROR_FAILED, and nothing appended
 * when either is not a Content object or their roles are wrong. */
gboolean gg_conversation_append_turn (GgConversation *conversation,
                                      const gchar    *user_turn_json,
                                      const gchar    *model_turn_json,
                                      GError        **error);

/* Number of exchanges (user turns). */
guint gg_conversation_n_turns    (const GgConversation *conversation);
/* Number of Content objects. */
guint gg_conversation_n_contents (const GgConversation *conversation);

/* Bytes of gg_conversation_to_json (). */
gsize gg_conversation_size (const GgConversation *conversation);

/* Keeps only the last @max_turns exchanges (0 empties it).  Returns the
 * number of exchanges removed. */
guint gg_conversation_trim (GgConversation *conversation,
                            guint           max_turns);

/* Removes the oldest exchanges until the serialized size is at most
 * @max_bytes, but never the newest exchange (a refine needs at least the
 * last answer).  Returns TRUE when the result fits. */
gboolean gg_conversation_trim_to_size (GgConversation *conversation,
                                       gsize           max_bytes);

G_END_DECLS
