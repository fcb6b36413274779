/* gg-front-models.h: the models a GIMP dialog offers, for both front ends
 * (plugin/ and plugin/gimp2/).
 *
 * - the user's catalogue in the GIMP profile (GG_FRONT_CATALOGUE_FILE),
 *   merged over the built-in one at the start of every run;
 * - the remote list (what `gemini-image models --remote` shows), fetched on
 *   a worker thread when a dialog opens and cached in the profile for a
 *   day (GG_FRONT_MODELS_CACHE_DIR), with the key of the usual lookup; no
 *   key or no network: the catalogue alone;
 * - a model remembered from an older version that has since been retired:
 *   the dialog selects its replacement and says so.
 * Nothing here calls libgimp: the profile folder is passed in.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Inside the profile folder. */
#define GG_FRONT_CATALOGUE_FILE   "gemini-catalogue.json"
#define GG_FRONT_MODELS_CACHE_DIR "gemini-models"

/* Merges @profile_dir/GG_FRONT_CATALOGUE_FILE over the built-in catalogue
 * (gg_catalogue_load_user ()); a missing file is no error.  FALSE with the
 * sentence naming the file when it is malformed (the built-in catalogue
 * stays in use). */
gboolean  gg_front_catalogue_load      (const gchar   *profile_dir,
                                        GError       **error);

/* For a dialog that opens with @model remembered: when @model is retired,
 * the model to select instead (borrowed from the catalogue; the one open
 * to new projects when there are two) and in @note the sentence to show
 * ("gemini-3.1-flash-image was shut down on 2026-10-29;
 * gemini-nano-banana-2.1 is selected instead.", g_free).  NULL (and @note
 * untouched) when @model is not retired. */
const gchar *gg_front_retired_choice   (const gchar   *model,
                                        gchar        **note);

/* Every model name a dialog offers, catalogue order first, then those of
 * @remote (may be NULL; gchar* names) the catalogue does not know.
 * g_strfreev. */
gchar   **gg_front_model_names         (GPtrArray     *remote);

/* On a worker thread: the key from the keystore of @profile_dir (the
 * environment, the keyring, the profile's file), then the remote list from
 * the cache in @profile_dir/GG_FRONT_MODELS_CACHE_DIR when younger than a
 * day, else fetched (at most 20 s) and cached.  @callback runs in the
 * thread-default main context of the caller. */
void      gg_front_models_fetch_async  (const gchar        *profile_dir,
                                        GCancellable       *cancellable,
                                        GAsyncReadyCallback callback,
                                        gpointer            user_data);
/* The image models' names (GPtrArray of gchar*, g_ptr_array_unref), or
 * NULL with the error (no key, offline, cancelled: the dialog keeps the
 * catalogue). */
GPtrArray *gg_front_models_fetch_finish (GAsyncResult      *result,
                                         GError           **error);

G_END_DECLS
