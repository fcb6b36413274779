/* cli-conversation.c: the --conversation FILE of edit --mask and refine.
 *
 * One JSON object, written by gemini-image only:
 *
 *   { "format": "gimp-gemini-conversation", "version": 1,
 *     "width": 800, "height": 600,
 *     "place": "[conversation]\nversion=1\nmodel=...",
 *     "conversation": [ { "role": "user", ... }, { "role": "model", ... } ] }
 *
 * "place" is the text of the GIMP plug-ins' GG_PLACE_PARASITE
 * (gg_conversation_place_to_text ()), "conversation" the array of their
 * GG_CONVERSATION_PARASITE (gg_conversation_to_json ()): the model's turns
 * as received, thought signatures included; width and height are the
 * image's, whose coordinates the place uses.  No key is ever in it (not in
 * a request's body).  Written atomically with mode 0600: the earlier
 * prompts and pictures are the user's own.
 */
#include <stdio.h>
#include <string.h>
#include <glib/gstdio.h>

#include "cli.h"
#include "gg-error.h"

#define FORMAT  "gimp-gemini-conversation"
#define VERSION 1
/* The conversation is at most GG_CONVERSATION_MAX_BYTES; anything much
 * larger is not one of ours. */
#define MAX_FILE (4 * GG_CONVERSATION_MAX_BYTES)

void
cli_conversation_clear (CliConversation *kept)
{
  g_clear_pointer (&kept->conversation, gg_conversation_free);
  gg_conversation_place_clear (&kept->place);
  kept->width = kept->height = 0;
}

static gint
get_int (const cJSON *root, const gchar *name)
{
  const cJSON *item = cJSON_GetObjectItemCaseSensitive (root, name);

  return cJSON_IsNumber (item) && item->valuedouble >= 1
         && item->valuedouble <= GG_PLACE_MAX_COORD ? (gint) item->valuedouble : 0;
}

/* Reads @root into @kept.  NULL on success, else what is wrong (static),
 * or "" with @error set by the conversation's own parser. */
static const gchar *
read_document (const cJSON *root, CliConversation *kept, gint *version, GError **error)
{
  const cJSON      *format = cJSON_GetObjectItemCaseSensitive (root, "format");
  const cJSON      *place = cJSON_GetObjectItemCaseSensitive (root, "place");
  const cJSON      *contents = cJSON_GetObjectItemCaseSensitive (root, "conversation");
  g_autofree gchar *json = NULL;

  if (!cJSON_IsObject (root))
    return "it is not a JSON object";
  if (!cJSON_IsString (format) || strcmp (format->valuestring, FORMAT) != 0)
    return "it is not a gemini-image conversation";
  *version = get_int (root, "version");
  if (*version != VERSION)
    return *version > VERSION ? "newer" : "it has no valid version";
  kept->width = get_int (root, "width");
  kept->height = get_int (root, "height");
  if (kept->width == 0 || kept->height == 0)
    return "it has no valid image size";
  if (!cJSON_IsString (place)
      || !gg_conversation_place_from_text (place->valuestring, strlen (place->valuestring),
                                           &kept->place))
    return "its place is missing or damaged";
  if (!cJSON_IsArray (contents) || cJSON_GetArraySize (contents) == 0)
    return "it holds no turns";
  /* cJSON prints with malloc; g_free is free. */
  json = cJSON_PrintUnformatted (contents);
  if (json == NULL)
    return "it is too large for the memory";
  kept->conversation = gg_conversation_from_json (json, -1, error);
  return kept->conversation != NULL ? NULL : "";
}

gboolean
cli_conversation_load (const gchar *filename, CliConversation *kept, GError **error)
{
  g_autofree gchar *text = NULL;
  gsize             length = 0;
  GError           *local = NULL;
  const gchar      *why;
  cJSON            *root;
  gint              version = 0;

  memset (kept, 0, sizeof *kept);
  if (!g_file_test (filename, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                   "The conversation %s does not exist: %s.", filename,
                   CLI_CONVERSATION_START);
      return FALSE;
    }
  if (!g_file_get_contents (filename, &text, &length, &local))
    {
      g_set_error (error, GG_ERROR, GG_ERROR_IO, "The conversation %s could not be read: %s",
                   filename, local->message);
      g_error_free (local);
      return FALSE;
    }
  root = length <= MAX_FILE ? cJSON_ParseWithLength (text, length) : NULL;
  why = length > MAX_FILE ? "it is far larger than any conversation"
        : root == NULL ? "it is not JSON, or it was cut short"
        : read_document (root, kept, &version, &local);
  cJSON_Delete (root);
  if (why == NULL && !kept->place.has_region)
    why = "region";
  if (why == NULL)
    return TRUE;

  if (local != NULL)
    g_set_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST, "The conversation %s: %s",
                 filename, local->message);
  else if (strcmp (why, "newer") == 0)
    g_set_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                 "The conversation %s was written by a newer gemini-image (format "
                 "version %d): update gimp-gemini to refine it.", filename, version);
  else if (strcmp (why, "region") == 0)
    g_set_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                 "The conversation %s says nowhere where its answers go (it did not "
                 "come from an edit with a mask): %s.", filename, CLI_CONVERSATION_START);
  else
    g_set_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                 "The conversation %s is damaged (%s): %s.", filename, why,
                 CLI_CONVERSATION_START);
  g_clear_error (&local);
  cli_conversation_clear (kept);
  return FALSE;
}

gboolean
cli_conversation_check (const gchar *filename, GError **error)
{
  gchar        head[128] = "";
  const gchar *p;
  FILE        *file;
  gsize        n;

  if (!g_file_test (filename, G_FILE_TEST_EXISTS))
    return TRUE;
  file = g_file_test (filename, G_FILE_TEST_IS_REGULAR) ? g_fopen (filename, "rb") : NULL;
  n = file != NULL ? fread (head, 1, sizeof head - 1, file) : 0;
  if (file != NULL)
    fclose (file);
  head[n] = '\0';
  /* Our own files begin with the format (cJSON keeps the order). */
  p = strstr (head, "\"format\"");
  if (p != NULL)
    {
      p += strlen ("\"format\"");
      p += strspn (p, " \t\r\n:");
      if (g_str_has_prefix (p, "\"" FORMAT "\""))
        return TRUE;
    }
  g_set_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
               "%s is there and is not a gemini-image conversation, so it is not "
               "overwritten: name a new file with --conversation.", filename);
  return FALSE;
}

void
cli_conversation_forget (const gchar *filename)
{
  /* Only what cli_conversation_check () accepts ever gets here. */
  if (g_file_test (filename, G_FILE_TEST_IS_REGULAR))
    g_unlink (filename);
}

/* The document's text (g_free), NULL when memory ran out. */
static gchar *
document_text (const gchar *json, const GgConversationPlace *place, gint width,
               gint height)
{
  g_autofree gchar *place_text = gg_conversation_place_to_text (place);
  cJSON            *root = cJSON_CreateObject ();
  gchar            *text = NULL;

  if (root != NULL
      && cJSON_AddStringToObject (root, "format", FORMAT) != NULL
      && cJSON_AddNumberToObject (root, "version", VERSION) != NULL
      && cJSON_AddNumberToObject (root, "width", width) != NULL
      && cJSON_AddNumberToObject (root, "height", height) != NULL
      && cJSON_AddStringToObject (root, "place", place_text) != NULL
      && cJSON_AddRawToObject (root, "conversation", json) != NULL)
    text = cJSON_Print (root);
  cJSON_Delete (root);
  return text;
}

gboolean
cli_conversation_save (const gchar *filename, GgConversation *conversation,
                       const GgConversationPlace *place, gint width, gint height,
                       gchar **note)
{
  g_autofree gchar *json = NULL;
  g_autofree gchar *text = NULL;
  gsize             length;
  GError           *error = NULL;

  /* The size rule of the plug-ins' parasites: the last turns, at most
   * GG_CONVERSATION_MAX_BYTES. */
  if (!gg_conversation_place_serialize (conversation, &json, &length, note))
    {
      cli_conversation_forget (filename);
      return FALSE;
    }
  text = document_text (json, place, width, height);
  if (text == NULL)
    g_set_error_literal (&error, GG_ERROR, GG_ERROR_TOO_LARGE,
                         "there is not enough memory for it");
  if (text == NULL
      || !g_file_set_contents_full (filename, text, -1, G_FILE_SET_CONTENTS_CONSISTENT,
                                    0600, &error))
    {
      if (note != NULL)
        *note = g_strdup_printf ("The conversation could not be kept in %s (%s), so "
                                 "refine cannot continue from this answer.",
                                 filename, error->message);
      g_error_free (error);
      cli_conversation_forget (filename);
      return FALSE;
    }
  return TRUE;
}
