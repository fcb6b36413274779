/* gimp-gemini: the models a GIMP dialog offers (gg-front-models.h). */

#include <string.h>

#include "gg-catalogue.h"
#include "gg-client.h"
#include "gg-error.h"
#include "gg-front-models.h"
#include "gg-keystore.h"
#include "gg-remote-models.h"


/* A dialog waits for no list: a slow service only leaves it shorter. */
#define FETCH_TIMEOUT 20.0


gboolean
gg_front_catalogue_load (const gchar  *profile_dir,
                         GError      **error)
{
  g_autofree gchar *path = g_build_filename (profile_dir,
                                             GG_FRONT_CATALOGUE_FILE, NULL);

  return gg_catalogue_load_user (path, error);
}

const gchar *
gg_front_retired_choice (const gchar  *model,
                         gchar       **note)
{
  const GgRetired *retired = model && *model ? gg_catalogue_retired (model) : NULL;
  const gchar     *choice;

  if (! retired)
    return NULL;

  /* The replacement open to everyone: a remembered preview name says
   * nothing about which models the project may still use. */
  choice = retired->replacement_new ? retired->replacement_new :
                                      retired->replacement;
  if (note)
    *note = g_strdup_printf ("%s was shut down on %s; %s is selected instead.",
                             retired->name, retired->shut_down, choice);

  return choice;
}

gchar **
gg_front_model_names (GPtrArray *remote)
{
  const GgModel *const *models = gg_catalogue_models ();
  GPtrArray            *names  = g_ptr_array_new ();
  guint                 i;

  for (i = 0; models && models[i]; i++)
    g_ptr_array_add (names, g_strdup (models[i]->name));

  for (i = 0; remote && i < remote->len; i++)
    {
      const gchar *name = g_ptr_array_index (remote, i);

      /* Aliases and retired names stay out: the catalogue names them. */
      if (! name || ! *name || gg_catalogue_lookup (name) ||
          gg_catalogue_retired (name))
        continue;
      g_ptr_array_add (names, g_strdup (name));
    }
  g_ptr_array_add (names, NULL);

  return (gchar **) g_ptr_array_free (names, FALSE);
}

static void
fetch_thread (GTask        *task,
              gpointer      source,
              gpointer      task_data,
              GCancellable *cancellable)
{
  const gchar          *profile_dir = task_data;
  g_autofree gchar     *cache       = g_build_filename (profile_dir,
                                                        GG_FRONT_MODELS_CACHE_DIR,
                                                        NULL);
  g_autofree gchar     *key         = NULL;
  g_autofree gchar     *base_url    = gg_base_url_from_environment ();
  g_autoptr (GgClient)  client      = NULL;
  g_autoptr (GPtrArray) models      = NULL;
  GPtrArray            *names;
  GError               *error       = NULL;
  GgClientOptions       options;
  guint                 i;

  key = gg_keystore_load (profile_dir, NULL, NULL, &error);
  if (! key)
    {
      if (! error)
        error = g_error_new_literal (GG_ERROR, GG_ERROR_NO_KEY,
                                     "No Gemini API key: the catalogue alone "
                                     "is offered.");
      g_task_return_error (task, error);
      return;
    }
  if (! gg_base_url_check (base_url, &error) ||
      ! (client = gg_client_new (key, base_url, &error)))
    {
      memset (key, 0, strlen (key));
      g_task_return_error (task, error);
      return;
    }
  memset (key, 0, strlen (key));

  gg_client_options_init (&options);
  options.connect_timeout    = MIN (options.connect_timeout, FETCH_TIMEOUT);
  options.first_byte_timeout = FETCH_TIMEOUT;
  options.total_timeout      = FETCH_TIMEOUT;
  options.call_timeout       = FETCH_TIMEOUT;
  options.max_retries        = 1;
  options.max_wait           = 0;
  gg_client_set_options (client, &options);

  models = gg_remote_models_get (client, cache, FALSE, NULL, cancellable,
                                 &error);
  if (! models)
    {
      g_task_return_error (task, error);
      return;
    }

  names = g_ptr_array_new_with_free_func (g_free);
  for (i = 0; i < models->len; i++)
    {
      const GgRemoteModel *model = g_ptr_array_index (models, i);

      g_ptr_array_add (names, g_strdup (model->name));
    }
  g_task_return_pointer (task, names, (GDestroyNotify) g_ptr_array_unref);
}

void
gg_front_models_fetch_async (const gchar        *profile_dir,
                             GCancellable       *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer            user_data)
{
  g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_task_data (task, g_strdup (profile_dir), g_free);
  g_task_set_return_on_cancel (task, TRUE);
  g_task_run_in_thread (task, fetch_thread);
}

GPtrArray *
gg_front_models_fetch_finish (GAsyncResult  *result,
                              GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}
