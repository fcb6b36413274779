/* gg-conversation.c: see gg-conversation.h.
 *
 * Each Content is kept as its own JSON text, so appending, trimming and
 * serializing never re-encode the (possibly multi-megabyte) image data or
 * touch the signatures.
 */
#include "gg-conversation.h"

#include <string.h>

#include <cjson/cJSON.h>

#include "gg-error.h"

typedef struct
{
  gchar   *json;
  gsize    length;
  gboolean user;
} Content;

struct _GgConversation
{
  GPtrArray *contents;    /* of Content*, oldest first */
  gsize      size;        /* sum of lengths */
};

static void
content_free (gpointer data)
{
  Content *content = data;

  g_free (content->json);
  g_free (content);
}

/* Takes @json (g_free-able). */
static Content *
content_new (gchar   *json,
             gboolean user)
{
  Content *content = g_new0 (Content, 1);

  content->json = json;
  content->length = strlen (json);
  content->user = user;
  return content;
}

GgConversation *
gg_conversation_new (void)
{
  GgConversation *conversation = g_new0 (GgConversation, 1);

  conversation->contents = g_ptr_array_new_with_free_func (content_free);
  return conversation;
}

void
gg_conversation_free (GgConversation *conversation)
{
  if (conversation == NULL)
    return;

  g_ptr_array_unref (conversation->contents);
  g_free (conversation);
}

static void
add (GgConversation *conversation,
     Content        *content)
{
  g_ptr_array_add (conversation->contents, content);
  conversation->size += content->length;
}

/* Parses @json, refusing trailing garbage (cJSON accepts it). */
static cJSON *
parse_strict (const gchar *json,
              gsize        length)
{
  const gchar *end = NULL;
  cJSON       *root = cJSON_ParseWithLengthOpts (json, length, &end, FALSE);

  if (root == NULL)
    return NULL;
  for (; end < json + length; end++)
    if (!g_ascii_isspace (*end))
      {
        cJSON_Delete (root);
        return NULL;
      }
  return root;
}

/* The role of a Content object, or NULL when @item is not one. */
static const gchar *
content_role (const cJSON *item)
{
  const cJSON *role = cJSON_GetObjectItemCaseSensitive (item, "role");

  if (!cJSON_IsObject (item)
      || !cJSON_IsArray (cJSON_GetObjectItemCaseSensitive (item, "parts")))
    return NULL;
  if (role == NULL)
    return "";
  return cJSON_IsString (role) ? role->valuestring : NULL;
}

GgConversation *
gg_conversation_from_json (const gchar *json,
                           gssize       length,
                           GError     **error)
{
  g_autoptr(GgConversation) conversation = gg_conversation_new ();
  const cJSON              *item;
  cJSON                    *root;
  guint                     index = 0;

  if (json == NULL)
    json = "";
  root = parse_strict (json, length < 0 ? strlen (json) : (gsize) length);
  if (!cJSON_IsArray (root))
    {
      cJSON_Delete (root);
      g_set_error (error, GG_ERROR, GG_ERROR_FAILED,
                   "The stored conversation is damaged (it is not a JSON list): "
                   "start a new conversation.");
      return NULL;
    }

  cJSON_ArrayForEach (item, root)
    {
      const gchar *role = content_role (item);
      gboolean     user = g_strcmp0 (role, "user") == 0;

      if (role == NULL || (!user && strcmp (role, "model") != 0)
          || (index == 0 && !user))
        {
          cJSON_Delete (root);
          g_set_error (error, GG_ERROR, GG_ERROR_FAILED,
                       "The stored conversation is damaged (turn %u is not a user "
                       "or model turn in order): start a new conversation.",
                       index + 1);
          return NULL;
        }
      /* cJSON prints with malloc; g_free is free. */
      add (conversation, content_new (cJSON_PrintUnformatted (item), user));
      index++;
    }
  cJSON_Delete (root);

  return g_steal_pointer (&conversation);
}

gchar *
gg_conversation_to_json (const GgConversation *conversation,
                         gsize                *length)
{
  GString *out = g_string_sized_new (gg_conversation_size (conversation) + 1);

  g_string_append_c (out, '[');
  for (guint i = 0; i < conversation->contents->len; i++)
    {
      const Content *content = g_ptr_array_index (conversation->contents, i);

      if (i > 0)
        g_string_append_c (out, ',');
      g_string_append_len (out, content->json, content->length);
    }
  g_string_append_c (out, ']');

  if (length)
    *length = out->len;
  return g_string_free (out, FALSE);
}

gchar *
gg_conversation_contents_json (const GgConversation *conversation)
{
  if (conversation->contents->len == 0)
    return NULL;
  return gg_conversation_to_json (conversation, NULL);
}

gboolean
gg_conversation_append_turn (GgConversation *conversation,
                             const gchar    *user_turn_json,
                             const gchar    *model_turn_json,
                             GError        **error)
{
  cJSON       *user = NULL;
  cJSON       *model = NULL;
  const gchar *user_role;
  const gchar *model_role;
  gchar       *model_text;

  if (user_turn_json != NULL)
    user = parse_strict (user_turn_json, strlen (user_turn_json));
  if (model_turn_json != NULL)
    model = parse_strict (model_turn_json, strlen (model_turn_json));
  user_role = content_role (user);
  model_role = content_role (model);

  if (g_strcmp0 (user_role, "user") != 0)
    {
      cJSON_Delete (user);
      cJSON_Delete (model);
      g_set_error (error, GG_ERROR, GG_ERROR_FAILED,
                   "The turn to remember is not a user turn (a JSON object with "
                   "role \"user\" and parts): the conversation was not extended.");
      return FALSE;
    }
  if (model_role == NULL || (model_role[0] != '\0' && strcmp (model_role, "model") != 0))
    {
      cJSON_Delete (user);
      cJSON_Delete (model);
      g_set_error (error, GG_ERROR, GG_ERROR_FAILED,
                   "The model's answer to remember is not a model turn (a JSON "
                   "object with parts): the conversation was not extended.");
      return FALSE;
    }

  if (model_role[0] == '\0')
    {
      /* Only the role is added; the parts print as they parsed. */
      cJSON_DeleteItemFromObjectCaseSensitive (model, "role");
      cJSON_AddStringToObject (model, "role", "model");
      model_text = cJSON_PrintUnformatted (model);
    }
  else
    model_text = g_strdup (model_turn_json);
  cJSON_Delete (user);
  cJSON_Delete (model);

  add (conversation, content_new (g_strdup (user_turn_json), TRUE));
  add (conversation, content_new (model_text, FALSE));
  return TRUE;
}

guint
gg_conversation_n_turns (const GgConversation *conversation)
{
  guint n = 0;

  for (guint i = 0; i < conversation->contents->len; i++)
    if (((const Content *) g_ptr_array_index (conversation->contents, i))->user)
      n++;
  return n;
}

guint
gg_conversation_n_contents (const GgConversation *conversation)
{
  return conversation->contents->len;
}

gsize
gg_conversation_size (const GgConversation *conversation)
{
  guint n = conversation->contents->len;

  /* Brackets and commas around the contents. */
  return conversation->size + 2 + (n > 0 ? n - 1 : 0);
}

/* Removes the oldest exchange: its user turn and everything up to the next
 * user turn. */
static void
drop_oldest (GgConversation *conversation)
{
  guint end = 1;

  while (end < conversation->contents->len
         && !((const Content *) g_ptr_array_index (conversation->contents, end))->user)
    end++;
  for (guint i = 0; i < end; i++)
    conversation->size -= ((const Content *) g_ptr_array_index (conversation->contents,
                                                                i))->length;
  g_ptr_array_remove_range (conversation->contents, 0, end);
}

guint
gg_conversation_trim (GgConversation *conversation,
                      guint           max_turns)
{
  guint n = gg_conversation_n_turns (conversation);
  guint removed = 0;

  while (n - removed > max_turns)
    {
      drop_oldest (conversation);
      removed++;
    }
  return removed;
}

gboolean
gg_conversation_trim_to_size (GgConversation *conversation,
                              gsize           max_bytes)
{
  while (gg_conversation_size (conversation) > max_bytes
         && gg_conversation_n_turns (conversation) > 1)
    drop_oldest (conversation);
  return gg_conversation_size (conversation) <= max_bytes;
}
