/* Fuzzes the conversation parasite as read from an .xcf (anyone can send
 * you one): parsed, trimmed, written back, and what is written reads back
 * the same. */
#include <stdint.h>
#include <string.h>
#include "gg-conversation-place.h"
#include "gg-error.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  GError         *error = NULL;
  GgConversation *conversation = gg_conversation_from_json ((const gchar *) data,
                                                            (gssize) size, &error);
  GgConversation *again;
  gchar          *json, *json_again, *contents, *note = NULL, *stored = NULL;
  gsize           length, stored_length = 0;

  if (conversation == NULL)
    {
      g_assert (error != NULL && error->domain == GG_ERROR);
      g_assert (g_utf8_validate (error->message, -1, NULL));
      g_error_free (error);
      return 0;
    }
  g_assert (error == NULL);

  json = gg_conversation_to_json (conversation, &length);
  g_assert (strlen (json) == length);
  g_assert (gg_conversation_size (conversation) == length);
  g_assert (gg_conversation_n_contents (conversation) >= gg_conversation_n_turns (conversation));
  contents = gg_conversation_contents_json (conversation);
  g_assert ((contents == NULL) == (gg_conversation_n_contents (conversation) == 0));
  g_free (contents);

  /* What is stored reads back as the same conversation. */
  again = gg_conversation_from_json (json, -1, &error);
  g_assert (again != NULL && error == NULL);
  json_again = gg_conversation_to_json (again, NULL);
  g_assert (strcmp (json, json_again) == 0);
  g_free (json_again);
  gg_conversation_free (again);

  /* The size rule, as a refine applies it before storing. */
  if (gg_conversation_place_serialize (conversation, &stored, &stored_length, &note))
    {
      g_assert (stored != NULL && strlen (stored) == stored_length);
      g_assert (gg_conversation_n_turns (conversation) <= GG_CONVERSATION_MAX_TURNS);
    }
  else
    g_assert (note != NULL && g_utf8_validate (note, -1, NULL));
  g_free (stored);
  g_free (note);
  (void) gg_conversation_trim_to_size (conversation, length / 2);
  (void) gg_conversation_trim (conversation, 1);
  g_assert (gg_conversation_n_turns (conversation) <= 1);

  g_free (json);
  gg_conversation_free (conversation);
  return 0;
}
