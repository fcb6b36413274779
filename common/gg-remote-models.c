/* gg-remote-models.c: GET /v1beta/models, every page, image models only;
 * and a one-day cache of the list. */
#include "gg-remote-models.h"

#include <string.h>

#include <cjson/cJSON.h>
#include <glib/gstdio.h>

#include "gg-catalogue.h"
#include "gg-error.h"

#define MAX_PAGES 100   /* a server that never stops paging is not followed forever */

void
gg_remote_model_free (GgRemoteModel *model)
{
  if (model == NULL)
    return;
  g_free (model->name);
  g_free (model->display_name);
  g_free (model->description);
  g_free (model);
}

static gboolean
catalogue_knows (const gchar *name)
{
  if (gg_catalogue_lookup (name) != NULL || gg_catalogue_retired (name) != NULL)
    return TRUE;
  return FALSE;
}

gboolean
gg_remote_model_is_image (const gchar         *name,
                          const gchar *const  *methods)
{
  gboolean generates = methods == NULL;

  if (name == NULL)
    return FALSE;
  if (g_str_has_prefix (name, "models/"))
    name += strlen ("models/");
  for (guint i = 0; methods != NULL && methods[i] != NULL; i++)
    if (strcmp (methods[i], "generateContent") == 0)
      generates = TRUE;
  if (!generates || g_str_has_prefix (name, "imagen"))
    return FALSE;
  return catalogue_knows (name) || strstr (name, "image") != NULL
         || strstr (name, "nano-banana") != NULL;
}

static gchar *
dup_string (const cJSON *object, const gchar *key)
{
  const cJSON *item = cJSON_GetObjectItemCaseSensitive (object, key);

  return cJSON_IsString (item) ? g_utf8_make_valid (item->valuestring, -1) : NULL;
}

static gint64
get_number (const cJSON *object, const gchar *key)
{
  const cJSON *item = cJSON_GetObjectItemCaseSensitive (object, key);

  return cJSON_IsNumber (item) && item->valuedouble > 0 ? (gint64) item->valuedouble : 0;
}

/* One model entry of a listing (or of the cache); NULL when it is not an
 * image model. */
static GgRemoteModel *
model_from_json (const cJSON *entry)
{
  const cJSON      *name = cJSON_GetObjectItemCaseSensitive (entry, "name");
  const cJSON      *methods = cJSON_GetObjectItemCaseSensitive (entry, "supportedGenerationMethods");
  const cJSON      *method;
  g_autoptr(GPtrArray) strv = NULL;
  GgRemoteModel    *model;
  const gchar      *bare;

  if (!cJSON_IsObject (entry) || !cJSON_IsString (name))
    return NULL;
  if (cJSON_IsArray (methods))
    {
      strv = g_ptr_array_new ();
      cJSON_ArrayForEach (method, methods)
        if (cJSON_IsString (method))
          g_ptr_array_add (strv, method->valuestring);
      g_ptr_array_add (strv, NULL);
    }
  if (!gg_remote_model_is_image (name->valuestring,
                                 strv ? (const gchar *const *) strv->pdata : NULL))
    return NULL;

  bare = name->valuestring;
  if (g_str_has_prefix (bare, "models/"))
    bare += strlen ("models/");
  model = g_new0 (GgRemoteModel, 1);
  model->name = g_utf8_make_valid (bare, -1);
  model->display_name = dup_string (entry, "displayName");
  model->description = dup_string (entry, "description");
  model->input_token_limit = get_number (entry, "inputTokenLimit");
  model->output_token_limit = get_number (entry, "outputTokenLimit");
  return model;
}

gboolean
gg_remote_models_parse_page (const gchar *body,
                             gsize        length,
                             GPtrArray   *models,
                             gchar      **next_page_token,
                             GError     **error)
{
  cJSON       *root = body ? cJSON_ParseWithLength (body, length) : NULL;
  const cJSON *list = cJSON_GetObjectItemCaseSensitive (root, "models");
  const cJSON *entry;
  const cJSON *token;

  if (next_page_token)
    *next_page_token = NULL;
  /* An empty object is the last, empty page. */
  if (!cJSON_IsObject (root) || (list != NULL && !cJSON_IsArray (list)))
    {
      g_autofree gchar *excerpt = gg_excerpt (body, body ? (gssize) length : 0, 80, TRUE);

      cJSON_Delete (root);
      g_set_error (error, GG_ERROR, GG_ERROR_BAD_RESPONSE,
                   "The server's model list is malformed (“%s”): check the base URL "
                   "and any proxy.", excerpt);
      return FALSE;
    }
  cJSON_ArrayForEach (entry, list)
    {
      GgRemoteModel *model = model_from_json (entry);

      if (model != NULL)
        g_ptr_array_add (models, model);
    }
  token = cJSON_GetObjectItemCaseSensitive (root, "nextPageToken");
  if (next_page_token && cJSON_IsString (token) && token->valuestring[0] != '\0')
    *next_page_token = g_strdup (token->valuestring);
  cJSON_Delete (root);
  return TRUE;
}

GPtrArray *
gg_remote_models_fetch (GgClient     *client,
                        GCancellable *cancellable,
                        GError      **error)
{
  g_autoptr(GPtrArray) models = g_ptr_array_new_with_free_func ((GDestroyNotify) gg_remote_model_free);
  g_autofree gchar    *token = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint page = 0; page < MAX_PAGES; page++)
    {
      g_autofree gchar *escaped = token ? g_uri_escape_string (token, NULL, FALSE) : NULL;
      g_autofree gchar *path = escaped
        ? g_strdup_printf ("v1beta/models?pageSize=1000&pageToken=%s", escaped)
        : g_strdup ("v1beta/models?pageSize=1000");
      g_autoptr(GBytes) body = NULL;
      gchar            *next = NULL;
      gsize             length;
      const gchar      *data;

      body = gg_client_call (client, "GET", path, "the model list", cancellable, error);
      if (body == NULL)
        return NULL;
      data = g_bytes_get_data (body, &length);
      if (!gg_remote_models_parse_page (data, length, models, &next, error))
        return NULL;
      g_free (token);
      token = next;
      /* A token seen before would loop. */
      if (token == NULL || !g_hash_table_add (seen, g_strdup (token)))
        break;
    }
  return g_steal_pointer (&models);
}

static gchar *
cache_path (const gchar *dir)
{
  return g_build_filename (dir, GG_REMOTE_MODELS_CACHE_FILE, NULL);
}

gboolean
gg_remote_models_save (const gchar     *dir,
                       const GPtrArray *models,
                       const gchar     *base_url,
                       GError         **error)
{
  g_autofree gchar *path = cache_path (dir);
  cJSON            *root = cJSON_CreateObject ();
  cJSON            *list;
  gchar            *text;
  gboolean          ok;

  cJSON_AddNumberToObject (root, "fetched_at", (gdouble) g_get_real_time ());
  cJSON_AddStringToObject (root, "base_url", base_url ? base_url : "");
  list = cJSON_AddArrayToObject (root, "models");
  for (guint i = 0; i < models->len; i++)
    {
      const GgRemoteModel *model = g_ptr_array_index (models, i);
      g_autofree gchar    *name = g_strconcat ("models/", model->name, NULL);
      cJSON               *entry = cJSON_CreateObject ();

      cJSON_AddStringToObject (entry, "name", name);
      if (model->display_name)
        cJSON_AddStringToObject (entry, "displayName", model->display_name);
      if (model->description)
        cJSON_AddStringToObject (entry, "description", model->description);
      if (model->input_token_limit > 0)
        cJSON_AddNumberToObject (entry, "inputTokenLimit", (gdouble) model->input_token_limit);
      if (model->output_token_limit > 0)
        cJSON_AddNumberToObject (entry, "outputTokenLimit", (gdouble) model->output_token_limit);
      cJSON_AddItemToArray (list, entry);
    }
  text = cJSON_Print (root);
  cJSON_Delete (root);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      g_set_error (error, GG_ERROR, GG_ERROR_IO,
                   "The folder %s could not be made for the model list: check its "
                   "permissions.", dir);
      cJSON_free (text);
      return FALSE;
    }
  ok = g_file_set_contents_full (path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, NULL);
  cJSON_free (text);
  if (!ok)
    g_set_error (error, GG_ERROR, GG_ERROR_IO,
                 "The model list could not be cached in %s: check the folder's "
                 "permissions and free space.", path);
  return ok;
}

GPtrArray *
gg_remote_models_load (const gchar *dir,
                       const gchar *base_url,
                       gdouble      max_age,
                       gint64      *fetched_at)
{
  g_autofree gchar *path = cache_path (dir);
  g_autofree gchar *text = NULL;
  gsize             length;
  cJSON            *root;
  const cJSON      *when, *url, *list, *entry;
  GPtrArray        *models = NULL;
  gint64            now = g_get_real_time ();

  if (!g_file_get_contents (path, &text, &length, NULL))
    return NULL;
  root = cJSON_ParseWithLength (text, length);
  when = cJSON_GetObjectItemCaseSensitive (root, "fetched_at");
  url = cJSON_GetObjectItemCaseSensitive (root, "base_url");
  list = cJSON_GetObjectItemCaseSensitive (root, "models");
  if (cJSON_IsNumber (when) && cJSON_IsString (url) && cJSON_IsArray (list)
      && strcmp (url->valuestring, base_url ? base_url : "") == 0
      && when->valuedouble <= now
      && (now - when->valuedouble) / G_USEC_PER_SEC < max_age)
    {
      models = g_ptr_array_new_with_free_func ((GDestroyNotify) gg_remote_model_free);
      cJSON_ArrayForEach (entry, list)
        {
          GgRemoteModel *model = model_from_json (entry);

          if (model != NULL)
            g_ptr_array_add (models, model);
        }
      if (fetched_at)
        *fetched_at = (gint64) when->valuedouble;
    }
  cJSON_Delete (root);
  return models;
}

GPtrArray *
gg_remote_models_get (GgClient     *client,
                      const gchar  *dir,
                      gboolean      refresh,
                      gboolean     *from_cache,
                      GCancellable *cancellable,
                      GError      **error)
{
  const gchar *base_url = gg_client_get_base_url (client);
  GPtrArray   *models = NULL;

  if (from_cache)
    *from_cache = FALSE;
  if (dir != NULL && !refresh)
    models = gg_remote_models_load (dir, base_url, GG_REMOTE_MODELS_MAX_AGE, NULL);
  if (models != NULL)
    {
      if (from_cache)
        *from_cache = TRUE;
      return models;
    }
  models = gg_remote_models_fetch (client, cancellable, error);
  if (models != NULL && dir != NULL)
    gg_remote_models_save (dir, models, base_url, NULL);
  return models;
}
