/* gg-history.c: the prompt history file. */
#include "gg-history.h"

#include <errno.h>
#include <string.h>

#include <glib/gstdio.h>
#include <cjson/cJSON.h>

#include "gg-error.h"

struct _GgHistory
{
  gchar     *dir;
  gchar     *path;
  GPtrArray *prompts;   /* gchar*, most recent first */
};

/* A prompt's identity for deduplication: case and white space ignored.
 * g_free. */
static gchar *
prompt_key (const gchar *prompt)
{
  g_autofree gchar *folded = g_utf8_casefold (prompt, -1);
  g_auto(GStrv)     words = g_strsplit_set (folded, " \t\r\n", -1);
  GString          *key = g_string_new (NULL);

  for (guint i = 0; words[i] != NULL; i++)
    if (words[i][0] != '\0')
      g_string_append_printf (key, "%s%s", key->len > 0 ? " " : "", words[i]);
  return g_string_free (key, FALSE);
}

/* TRUE when @text holds something shaped like a Google API key ("AIza"
 * and 35 more URL-safe characters). */
static gboolean
looks_like_key (const gchar *text)
{
  for (const gchar *p = strstr (text, "AIza"); p != NULL; p = strstr (p + 1, "AIza"))
    {
      guint n = 0;

      while (g_ascii_isalnum (p[4 + n]) || p[4 + n] == '-' || p[4 + n] == '_')
        n++;
      if (n >= 35)
        return TRUE;
    }
  return FALSE;
}

/* Reads the file into a new array; a missing file is an empty one. */
static GPtrArray *
read_file (const gchar *path, GError **error)
{
  g_autoptr(GError) local = NULL;
  g_autofree gchar *text = NULL;
  GPtrArray        *prompts;
  const cJSON      *list, *item;
  cJSON            *root;
  gsize             length;

  if (!g_file_get_contents (path, &text, &length, &local))
    {
      if (g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return g_ptr_array_new_with_free_func (g_free);
      g_set_error (error, GG_ERROR, GG_ERROR_IO,
                   "The prompt history %s could not be read (%s): check its permissions.",
                   path, local->message);
      return NULL;
    }
  root = cJSON_ParseWithLength (text, length);
  list = cJSON_GetObjectItemCaseSensitive (root, "prompts");
  if (!cJSON_IsArray (list))
    {
      cJSON_Delete (root);
      g_set_error (error, GG_ERROR, GG_ERROR_IO,
                   "The prompt history %s is damaged: move it away to start a new one.",
                   path);
      return NULL;
    }
  prompts = g_ptr_array_new_with_free_func (g_free);
  cJSON_ArrayForEach (item, list)
    if (cJSON_IsString (item) && item->valuestring[0] != '\0'
        && g_utf8_validate (item->valuestring, -1, NULL)
        && prompts->len < GG_HISTORY_MAX_ENTRIES)
      g_ptr_array_add (prompts, g_strdup (item->valuestring));
  cJSON_Delete (root);
  return prompts;
}

/* Writes @prompts atomically (temporary file, rename), 0600. */
static gboolean
write_file (GgHistory *history, GPtrArray *prompts, GError **error)
{
  g_autoptr(GError) local = NULL;
  g_autofree gchar *text = NULL;
  cJSON            *root = cJSON_CreateObject ();
  cJSON            *list = cJSON_AddArrayToObject (root, "prompts");

  cJSON_AddNumberToObject (root, "version", 1);
  for (guint i = 0; i < prompts->len; i++)
    cJSON_AddItemToArray (list, cJSON_CreateString (prompts->pdata[i]));
  text = cJSON_Print (root);
  cJSON_Delete (root);

  if (g_mkdir_with_parents (history->dir, 0700) != 0)
    {
      g_set_error (error, GG_ERROR, GG_ERROR_IO,
                   "The folder %s for the prompt history could not be made (%s).",
                   history->dir, g_strerror (errno));
      return FALSE;
    }
  if (!g_file_set_contents_full (history->path, text, -1,
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0600, &local))
    {
      g_set_error (error, GG_ERROR, GG_ERROR_IO,
                   "The prompt history could not be saved (%s): check the space "
                   "and permissions of %s.", local->message, history->dir);
      return FALSE;
    }
  return TRUE;
}

GgHistory *
gg_history_open (const gchar *dir,
                 GError     **error)
{
  GgHistory *history;
  GPtrArray *prompts;
  gchar     *path;

  g_return_val_if_fail (dir != NULL, NULL);

  path = g_build_filename (dir, GG_HISTORY_FILE_NAME, NULL);
  prompts = read_file (path, error);
  if (prompts == NULL)
    {
      g_free (path);
      return NULL;
    }
  history = g_new0 (GgHistory, 1);
  history->dir = g_strdup (dir);
  history->path = path;
  history->prompts = prompts;
  return history;
}

void
gg_history_free (GgHistory *history)
{
  if (history == NULL)
    return;
  g_free (history->dir);
  g_free (history->path);
  g_ptr_array_unref (history->prompts);
  g_free (history);
}

const gchar *
gg_history_get_path (const GgHistory *history)
{
  return history->path;
}

gboolean
gg_history_add_except (GgHistory   *history,
                       const gchar *prompt,
                       const gchar *secret,
                       GError     **error)
{
  g_return_val_if_fail (history != NULL, FALSE);

  if (prompt != NULL && secret != NULL && strlen (secret) >= 8 &&
      strstr (prompt, secret) != NULL)
    {
      g_set_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                   "The prompt was not added to the history: it contains the "
                   "API key, which is never written there.");
      return FALSE;
    }
  return gg_history_add (history, prompt, error);
}

gboolean
gg_history_add (GgHistory   *history,
                const gchar *prompt,
                GError     **error)
{
  g_autofree gchar *text = NULL;
  g_autofree gchar *key = NULL;
  GPtrArray        *prompts;

  g_return_val_if_fail (history != NULL, FALSE);

  text = g_strstrip (g_strdup (prompt ? prompt : ""));
  if (text[0] == '\0')
    return TRUE;
  if (!g_utf8_validate (text, -1, NULL) || g_utf8_strlen (text, -1) > GG_HISTORY_MAX_CHARS)
    {
      g_set_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                   "The prompt was not added to the history: it is longer than "
                   "%d characters or not valid text.", GG_HISTORY_MAX_CHARS);
      return FALSE;
    }
  if (looks_like_key (text))
    {
      g_set_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                   "The prompt was not added to the history: it seems to contain an "
                   "API key, which is never written there.");
      return FALSE;
    }

  /* Another process may have added prompts since we read. */
  prompts = read_file (history->path, error);
  if (prompts == NULL)
    return FALSE;
  key = prompt_key (text);
  for (guint i = prompts->len; i-- > 0;)
    {
      g_autofree gchar *other = prompt_key (prompts->pdata[i]);

      if (strcmp (other, key) == 0)
        g_ptr_array_remove_index (prompts, i);
    }
  g_ptr_array_insert (prompts, 0, g_steal_pointer (&text));
  if (prompts->len > GG_HISTORY_MAX_ENTRIES)
    g_ptr_array_set_size (prompts, GG_HISTORY_MAX_ENTRIES);

  if (!write_file (history, prompts, error))
    {
      g_ptr_array_unref (prompts);
      return FALSE;
    }
  g_ptr_array_unref (history->prompts);
  history->prompts = prompts;
  return TRUE;
}

gchar **
gg_history_list (const GgHistory *history)
{
  return gg_history_search (history, NULL);
}

gchar **
gg_history_search (const GgHistory *history,
                   const gchar     *query)
{
  g_autofree gchar *folded = g_utf8_casefold (query ? query : "", -1);
  g_auto(GStrv)     words = g_strsplit_set (folded, " \t\r\n", -1);
  GPtrArray        *found = g_ptr_array_new ();

  for (guint i = 0; i < history->prompts->len; i++)
    {
      const gchar      *prompt = history->prompts->pdata[i];
      g_autofree gchar *haystack = g_utf8_casefold (prompt, -1);
      gboolean          all = TRUE;

      for (guint w = 0; all && words[w] != NULL; w++)
        if (words[w][0] != '\0' && strstr (haystack, words[w]) == NULL)
          all = FALSE;
      if (all)
        g_ptr_array_add (found, g_strdup (prompt));
    }
  g_ptr_array_add (found, NULL);
  return (gchar **) g_ptr_array_free (found, FALSE);
}

gboolean
gg_history_clear (GgHistory *history,
                  GError   **error)
{
  g_return_val_if_fail (history != NULL, FALSE);

  if (g_remove (history->path) != 0 && errno != ENOENT)
    {
      g_set_error (error, GG_ERROR, GG_ERROR_IO,
                   "The prompt history %s could not be removed (%s).",
                   history->path, g_strerror (errno));
      return FALSE;
    }
  g_ptr_array_set_size (history->prompts, 0);
  return TRUE;
}

gchar *
gg_history_default_dir (void)
{
  return g_build_filename (g_get_user_state_dir (), "gimp-gemini", NULL);
}
