/* gg-remote-models.h: the image models an API key can use, as the service
 * lists them (GET /v1beta/models, every page), and a one-day cache of that
 * list in a folder (the CLI's cache folder, a plug-in's profile).
 *
 * The service's list carries no lifecycle field and lists text models too:
 * only image models are kept (a name the catalogue knows, or one with
 * "image" or "nano-banana" in it, that supports generateContent).  What the
 * catalogue knows about each is gg_catalogue_lookup () of its name.
 */
#pragma once

#include <gio/gio.h>

#include "gg-client.h"

G_BEGIN_DECLS

#define GG_REMOTE_MODELS_CACHE_FILE "remote-models.json"
#define GG_REMOTE_MODELS_MAX_AGE    (24 * 3600.0)   /* s: one day */

typedef struct
{
  gchar  *name;                /* without "models/" */
  gchar  *display_name;        /* may be NULL */
  gchar  *description;         /* may be NULL */
  gint64  input_token_limit;   /* 0: not given */
  gint64  output_token_limit;
} GgRemoteModel;

void gg_remote_model_free (GgRemoteModel *model);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GgRemoteModel, gg_remote_model_free)

/* TRUE when a listed model is an image model this client can use:
 * @methods (supportedGenerationMethods, NULL-terminated; NULL: not given)
 * include generateContent, and the catalogue knows @name (also as retired)
 * or it has "image" or "nano-banana" in it (Imagen, which only predicts,
 * is left out). */
gboolean gg_remote_model_is_image (const gchar *name, const gchar *const *methods);

/* One page of the list (@body: the JSON answer): its image models are
 * appended to @models (of GgRemoteModel*); @next_page_token (may be NULL)
 * receives the nextPageToken, NULL on the last page (g_free).  FALSE
 * (GG_ERROR_BAD_RESPONSE) when @body is not a model list. */
gboolean gg_remote_models_parse_page (const gchar *body,
                                      gsize        length,
                                      GPtrArray   *models,
                                      gchar      **next_page_token,
                                      GError     **error);

/* Every page of GET /v1beta/models; the image models, in the server's
 * order (g_ptr_array_unref; frees its items).  NULL with the error. */
GPtrArray *gg_remote_models_fetch (GgClient     *client,
                                   GCancellable *cancellable,
                                   GError      **error);

/* Writes @models to @dir/GG_REMOTE_MODELS_CACHE_FILE (created with the
 * folder), with the time and @base_url (never the key). */
gboolean   gg_remote_models_save  (const gchar     *dir,
                                   const GPtrArray *models,
                                   const gchar     *base_url,
                                   GError         **error);

/* The cached list for @base_url when it is younger than @max_age seconds
 * (g_ptr_array_unref), its time in @fetched_at (may be NULL; real time in
 * µs); NULL when there is none, it is older, it is of another server, or it
 * cannot be read (a broken cache is only a miss). */
GPtrArray *gg_remote_models_load  (const gchar *dir,
                                   const gchar *base_url,
                                   gdouble      max_age,
                                   gint64      *fetched_at);

/* The list: from the cache in @dir (may be NULL: no cache) when it is less
 * than a day old and @refresh is FALSE, else fetched and cached.
 * @from_cache (may be NULL): TRUE when it came from the cache.  A fetch that
 * fails returns NULL with the error (the caller falls back on the built-in
 * catalogue; a cache that could not be written is no failure). */
GPtrArray *gg_remote_models_get   (GgClient     *client,
                                   const gchar  *dir,
                                   gboolean      refresh,
                                   gboolean     *from_cache,
                                   GCancellable *cancellable,
                                   GError      **error);

G_END_DECLS
