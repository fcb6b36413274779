/* cli-models.c: `gemini-image models`, the catalogue for people and
 * scripts. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "gg-catalogue.h"
#include "gg-error.h"
#include "gg-remote-models.h"

/* The dimension tables the model has: its sizes, or its one default size. */
static GPtrArray *
table_sizes (const GgModel *model)
{
  GPtrArray *sizes = g_ptr_array_new ();

  if (gg_model_has_sizes (model))
    for (guint i = 0; model->sizes[i] != NULL; i++)
      g_ptr_array_add (sizes, (gpointer) model->sizes[i]);
  else
    g_ptr_array_add (sizes, NULL);
  return sizes;
}

/* USD for one image; < 0: not known. */
static gdouble
image_price (const GgModel *model, const gchar *size)
{
  gint tokens = gg_model_image_tokens (model, size);

  if (tokens <= 0 || model->price_image_output < 0)
    return -1;
  return tokens * model->price_image_output / 1e6;
}

static gchar *
price_text (gdouble price)
{
  return price >= 0 ? g_strdup_printf ("$%.2f", price) : g_strdup ("unknown");
}

/* "built-in", or the user's file (and that it changes a built-in entry). */
static gchar *
source_text (const GgModel *model)
{
  if (model->overrides_built_in)
    return g_strdup_printf ("%s (over the built-in entry)", model->source);
  return g_strdup (model->source);
}

static void
print_model (const GgModel *model)
{
  g_autoptr (GPtrArray) sizes = table_sizes (model);
  g_autofree gchar     *source = source_text (model);
  g_autofree gchar     *p_in = price_text (model->price_input);
  g_autofree gchar     *p_text = price_text (model->price_text_output);
  g_autofree gchar     *p_image = price_text (model->price_image_output);

  printf ("%s%s\n  %s\n", model->name,
          strcmp (model->name, gg_catalogue_default_model ()) == 0 ? "  (default)" : "",
          model->label);
  printf ("  from: %s\n", source);
  if (g_strcmp0 (model->availability, "existing-projects") == 0)
    printf ("  open only to projects that used it before%s%s%s\n",
            model->availability_note ? " (" : "",
            model->availability_note ? model->availability_note : "",
            model->availability_note ? ")" : "");
  if (model->replacement != NULL)
    printf ("  replacement: %s\n", model->replacement);
  if (model->aliases != NULL && model->aliases[0] != NULL)
    {
      g_autofree gchar *aliases = g_strjoinv (", ", (gchar **) model->aliases);
      printf ("  also known as: %s\n", aliases);
    }
  if (model->sizes_open)
    printf ("  --size: not in the catalogue (sent as given)\n");
  else if (gg_model_has_sizes (model))
    {
      g_autofree gchar *list = g_strjoinv (", ", (gchar **) model->sizes);
      printf ("  --size: %s (default %s)\n", list, model->default_size);
    }
  else
    printf ("  --size: not accepted (about 1 megapixel)\n");
  if (model->thinking_levels == NULL)
    printf ("  --thinking: not in the catalogue (sent as given)\n");
  else if (model->thinking_levels[0] == NULL)
    printf ("  --thinking: not accepted%s\n",
            model->thinking ? " (the model always thinks as it chooses)" : "");
  else
    {
      g_autofree gchar *joined = g_strjoinv (", ", (gchar **) model->thinking_levels);
      g_autofree gchar *levels = g_ascii_strdown (joined, -1);
      printf ("  --thinking: %s\n", levels);
    }
  printf ("  input images: up to %d (objects %d, people %d); thinking: %s; "
          "may answer JPEG: %s\n", model->max_input_images, model->max_objects,
          model->max_people, model->thinking ? "yes" : "no",
          model->answers_jpeg ? "yes" : "no");
  printf ("  prices per million tokens: input %s, text out %s, image out %s%s%s%s\n",
          p_in, p_text, p_image, model->price_source ? " (" : "",
          model->price_source ? model->price_source : "", model->price_source ? ")" : "");
  if (model->ratios_open)
    printf ("  --aspect: not in the catalogue (sent as given)\n");
  for (guint s = 0; s < sizes->len && !model->ratios_open; s++)
    {
      const gchar *size = g_ptr_array_index (sizes, s);
      gdouble      price = image_price (model, size);
      g_autofree gchar *each = price >= 0 ? g_strdup_printf ("about $%.3f per image", price)
                                          : g_strdup ("cost per image unknown");

      printf ("  %s: %d tokens, %s%s\n", size != NULL ? size : model->default_size,
              gg_model_image_tokens (model, size), each,
              model->dimensions_estimated ? "; dimensions estimated (the answer's "
                                            "real size is used)" : "");
      for (guint r = 0; model->ratios[r] != NULL; r++)
        {
          gint width, height;

          if (gg_model_output_size (model, size, model->ratios[r], &width, &height))
            printf ("    %-5s %5d x %d\n", model->ratios[r], width, height);
        }
    }
  printf ("\n");
}

static void
print_text (void)
{
  const GgModel *const   *models = gg_catalogue_models ();
  const GgRetired *const *retired = gg_catalogue_retired_list ();
  g_autofree gchar       *user_path = gg_catalogue_user_path ();

  for (guint m = 0; m < gg_catalogue_n_models (); m++)
    print_model (models[m]);
  if (retired[0] != NULL)
    {
      printf ("Retired (refused before sending; the replacement is never chosen for you):\n");
      for (guint i = 0; retired[i] != NULL; i++)
        {
          g_autofree gchar *sentence = gg_catalogue_retired_sentence (retired[i]->name);

          printf ("  %s%s%s\n", sentence ? sentence : retired[i]->name,
                  strcmp (retired[i]->source, GG_CATALOGUE_BUILT_IN) != 0 ? "  from: " : "",
                  strcmp (retired[i]->source, GG_CATALOGUE_BUILT_IN) != 0
                  ? retired[i]->source : "");
        }
      printf ("\n");
    }
  printf ("Other model names are sent as given (sizes and ratios as chosen, cost "
          "unknown): see 'gemini-image models --remote' for the ones your key can "
          "use.  Add or correct entries in %s.\n", user_path);
}

static void
add_price (cJSON *object, const gchar *key, gdouble price)
{
  if (price >= 0)
    cJSON_AddNumberToObject (object, key, price);
  else
    cJSON_AddNullToObject (object, key);
}

static void
print_json (void)
{
  const GgModel *const   *models = gg_catalogue_models ();
  const GgRetired *const *retired = gg_catalogue_retired_list ();
  cJSON *root = cJSON_CreateObject ();
  cJSON *list;

  cJSON_AddStringToObject (root, "default_model", gg_catalogue_default_model ());
  list = cJSON_AddArrayToObject (root, "models");
  for (guint m = 0; m < gg_catalogue_n_models (); m++)
    {
      const GgModel      *model = models[m];
      g_autoptr (GPtrArray) sizes = table_sizes (model);
      cJSON *item = cJSON_CreateObject ();
      cJSON *array, *dims, *prices;

      cJSON_AddStringToObject (item, "name", model->name);
      cJSON_AddStringToObject (item, "label", model->label);
      cJSON_AddBoolToObject (item, "default",
                             strcmp (model->name, gg_catalogue_default_model ()) == 0);
      cJSON_AddStringToObject (item, "source", model->source);
      cJSON_AddBoolToObject (item, "overrides_built_in", model->overrides_built_in);
      cJSON_AddStringToObject (item, "availability", model->availability);
      if (model->replacement != NULL)
        cJSON_AddStringToObject (item, "replacement", model->replacement);
      if (model->thinking_levels != NULL)
        {
          array = cJSON_AddArrayToObject (item, "thinking_levels");
          for (guint i = 0; model->thinking_levels[i] != NULL; i++)
            {
              g_autofree gchar *level = g_ascii_strdown (model->thinking_levels[i], -1);
              cJSON_AddItemToArray (array, cJSON_CreateString (level));
            }
        }
      else
        cJSON_AddNullToObject (item, "thinking_levels");
      cJSON_AddBoolToObject (item, "dimensions_estimated", model->dimensions_estimated);
      array = cJSON_AddArrayToObject (item, "aliases");
      for (guint i = 0; model->aliases != NULL && model->aliases[i] != NULL; i++)
        cJSON_AddItemToArray (array, cJSON_CreateString (model->aliases[i]));
      array = cJSON_AddArrayToObject (item, "sizes");
      for (guint i = 0; model->sizes != NULL && model->sizes[i] != NULL; i++)
        cJSON_AddItemToArray (array, cJSON_CreateString (model->sizes[i]));
      cJSON_AddStringToObject (item, "default_size", model->default_size);
      array = cJSON_AddArrayToObject (item, "ratios");
      for (guint i = 0; model->ratios[i] != NULL; i++)
        cJSON_AddItemToArray (array, cJSON_CreateString (model->ratios[i]));
      cJSON_AddNumberToObject (item, "max_input_images", model->max_input_images);
      cJSON_AddNumberToObject (item, "max_objects", model->max_objects);
      cJSON_AddNumberToObject (item, "max_people", model->max_people);
      cJSON_AddBoolToObject (item, "thinking", model->thinking);
      cJSON_AddBoolToObject (item, "answers_jpeg", model->answers_jpeg);
      prices = cJSON_AddObjectToObject (item, "price_per_mtok");
      add_price (prices, "input", model->price_input);
      add_price (prices, "text_output", model->price_text_output);
      add_price (prices, "image_output", model->price_image_output);
      if (model->price_source != NULL)
        cJSON_AddStringToObject (item, "price_source", model->price_source);
      dims = cJSON_AddObjectToObject (item, "dimensions");
      for (guint s = 0; s < sizes->len; s++)
        {
          const gchar *size = g_ptr_array_index (sizes, s);
          cJSON *table = cJSON_AddObjectToObject (dims, size != NULL ? size
                                                                     : model->default_size);

          cJSON_AddNumberToObject (table, "image_tokens", gg_model_image_tokens (model, size));
          add_price (table, "image_price_usd", image_price (model, size));
          for (guint r = 0; model->ratios[r] != NULL; r++)
            {
              gint width, height;

              if (gg_model_output_size (model, size, model->ratios[r], &width, &height))
                {
                  cJSON *pair = cJSON_CreateArray ();

                  cJSON_AddItemToArray (pair, cJSON_CreateNumber (width));
                  cJSON_AddItemToArray (pair, cJSON_CreateNumber (height));
                  cJSON_AddItemToObject (table, model->ratios[r], pair);
                }
            }
        }
      cJSON_AddItemToArray (list, item);
    }
  list = cJSON_AddArrayToObject (root, "retired");
  for (guint i = 0; retired[i] != NULL; i++)
    {
      cJSON *item = cJSON_CreateObject ();

      cJSON_AddStringToObject (item, "name", retired[i]->name);
      cJSON_AddStringToObject (item, "shut_down", retired[i]->shut_down);
      cJSON_AddStringToObject (item, "replacement", retired[i]->replacement);
      if (retired[i]->replacement_new != NULL)
        cJSON_AddStringToObject (item, "replacement_for_new_projects",
                                 retired[i]->replacement_new);
      cJSON_AddStringToObject (item, "source", retired[i]->source);
      cJSON_AddItemToArray (list, item);
    }
  cli_output_print_json (root);
  cJSON_Delete (root);
}

/* What the catalogue knows of a listed model, in a few words. */
static gchar *
known_text (const gchar *name)
{
  const GgModel *model = gg_catalogue_lookup (name);
  gchar         *retired = gg_catalogue_retired_sentence (name);

  if (retired != NULL)
    {
      gchar *text = g_strdup_printf ("retired: %s", retired);

      g_free (retired);
      return text;
    }
  if (model == NULL)
    return g_strdup ("not in the catalogue: sizes and ratios sent as chosen, cost unknown");
  {
    g_autofree gchar *sizes = model->sizes_open ? g_strdup ("any size")
                              : gg_model_has_sizes (model)
                              ? g_strjoinv ("/", (gchar **) model->sizes)
                              : g_strdup ("no size");
    guint             n_ratios = g_strv_length ((gchar **) model->ratios);
    g_autofree gchar *ratios = model->ratios_open ? g_strdup ("any ratio")
                               : g_strdup_printf ("%u ratios", n_ratios);
    gdouble           price = image_price (model, NULL);
    g_autofree gchar *cost = price >= 0 ? g_strdup_printf ("about $%.3f per image", price)
                                        : g_strdup ("cost unknown");

    return g_strdup_printf ("%s%s; %s, %s, %s; from %s",
                            strcmp (model->name, gg_catalogue_default_model ()) == 0
                            ? "default; " : "",
                            model->label, sizes, ratios, cost, model->source);
  }
}

static gint
print_remote (gboolean json, gboolean refresh)
{
  g_autofree gchar     *base_url = gg_base_url_from_environment ();
  g_autofree gchar     *key = NULL;
  g_autofree gchar     *cache = cli_cache_dir ();
  g_autoptr (GgClient)  client = NULL;
  g_autoptr (GPtrArray) models = NULL;
  g_autoptr (GError)    error = NULL;
  gboolean              from_cache = FALSE;
  GgClientOptions       options;

  if (!gg_base_url_check (base_url, &error))
    {
      fprintf (stderr, "%s: %s\n", CLI_NAME, error->message);
      return CLI_EXIT_USAGE;
    }
  key = gg_key_from_environment ();
  if (key == NULL)
    {
      fprintf (stderr, "%s: No API key: set GEMINI_API_KEY (or GOOGLE_API_KEY) to list "
               "the models your key can use; 'gemini-image models' lists the "
               "catalogue without one.\n", CLI_NAME);
      return CLI_EXIT_USAGE;
    }
  client = gg_client_new (key, base_url, &error);
  if (client == NULL)
    {
      fprintf (stderr, "%s: %s\n", CLI_NAME, error->message);
      return CLI_EXIT_USAGE;
    }
  gg_client_options_init (&options);
  options.total_timeout = 60;
  options.first_byte_timeout = 60;
  gg_client_set_options (client, &options);
  models = gg_remote_models_get (client, cache, refresh, &from_cache, NULL, &error);
  if (models == NULL)
    {
      g_autofree gchar *message = gg_redact (error->message, key);

      memset (key, 0, strlen (key));
      fprintf (stderr, "%s: %s\n", CLI_NAME, message);
      return CLI_EXIT_FAILED;
    }
  memset (key, 0, strlen (key));

  if (json)
    {
      cJSON *root = cJSON_CreateObject ();
      cJSON *list = cJSON_AddArrayToObject (root, "models");

      cJSON_AddBoolToObject (root, "from_cache", from_cache);
      for (guint i = 0; i < models->len; i++)
        {
          const GgRemoteModel *remote = g_ptr_array_index (models, i);
          const GgModel       *model = gg_catalogue_lookup (remote->name);
          const GgRetired     *retired = gg_catalogue_retired (remote->name);
          cJSON               *item = cJSON_CreateObject ();

          cJSON_AddStringToObject (item, "name", remote->name);
          if (remote->display_name)
            cJSON_AddStringToObject (item, "display_name", remote->display_name);
          cJSON_AddBoolToObject (item, "in_catalogue", model != NULL);
          cJSON_AddBoolToObject (item, "default", model != NULL
                                 && strcmp (model->name, gg_catalogue_default_model ()) == 0);
          if (model != NULL)
            {
              cJSON_AddStringToObject (item, "label", model->label);
              cJSON_AddStringToObject (item, "source", model->source);
              add_price (item, "image_price_usd", image_price (model, NULL));
            }
          if (retired != NULL)
            {
              cJSON_AddStringToObject (item, "retired", retired->shut_down);
              cJSON_AddStringToObject (item, "replacement", retired->replacement);
            }
          cJSON_AddItemToArray (list, item);
        }
      cli_output_print_json (root);
      cJSON_Delete (root);
      return CLI_EXIT_OK;
    }

  printf ("Image models this API key can use (%s%s):\n", base_url,
          from_cache ? ", as listed within the last day; --refresh asks again" : "");
  for (guint i = 0; i < models->len; i++)
    {
      const GgRemoteModel *remote = g_ptr_array_index (models, i);
      g_autofree gchar    *known = known_text (remote->name);

      printf ("%s\n  %s\n", remote->name, known);
    }
  if (models->len == 0)
    printf ("  (none: the key's project may not have the Generative Language API "
            "enabled)\n");
  return CLI_EXIT_OK;
}

gint
cli_models_main (gint argc, gchar **argv)
{
  gboolean        json = FALSE;
  gboolean        remote = FALSE;
  gboolean        refresh = FALSE;
  GOptionEntry    entries[] =
  {
    { "json", 'j', 0, G_OPTION_ARG_NONE, &json,
      "Print the catalogue as JSON.", NULL },
    { "remote", 0, 0, G_OPTION_ARG_NONE, &remote,
      "List the image models the API key can use, as the service lists them "
      "(every page of GET /v1beta/models; text models left out), with what the "
      "catalogue knows about each.  Cached for a day.", NULL },
    { "refresh", 0, 0, G_OPTION_ARG_NONE, &refresh,
      "With --remote: ask the service again instead of using the day's cache.", NULL },
    G_OPTION_ENTRY_NULL
  };
  GOptionContext *context;
  GError         *error = NULL;
  g_autofree gchar *user_path = gg_catalogue_user_path ();
  g_autofree gchar *summary = g_strdup_printf (
    "DESCRIPTION\n"
    "  Lists the models gemini-image knows: their image sizes, aspect ratios\n"
    "  with output dimensions, thinking levels, input limits, and prices (USD\n"
    "  per million tokens, and per image), the default marked, and the file\n"
    "  each entry came from: the built-in catalogue, or\n"
    "  %s, which is merged over it\n"
    "  (add a model or correct one there without a new release).  Retired\n"
    "  names are listed with their replacements.  Other model names are\n"
    "  accepted by --model and sent as given.", user_path);

  g_set_prgname (CLI_NAME " models");
  context = g_option_context_new (NULL);
  g_option_context_set_summary (context, summary);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "%s: %s.\n", CLI_NAME, error->message);
      g_error_free (error);
      g_option_context_free (context);
      return CLI_EXIT_USAGE;
    }
  g_option_context_free (context);
  if (argc > 1)
    {
      fprintf (stderr, "%s: Unexpected argument '%s'.\n", CLI_NAME, argv[1]);
      return CLI_EXIT_USAGE;
    }
  if (refresh && !remote)
    {
      fprintf (stderr, "%s: --refresh goes with --remote.\n", CLI_NAME);
      return CLI_EXIT_USAGE;
    }
  if (remote)
    return print_remote (json, refresh);
  if (json)
    print_json ();
  else
    print_text ();
  return CLI_EXIT_OK;
}

void
cli_load_user_catalogue (void)
{
  g_autofree gchar *path = gg_catalogue_user_path ();
  g_autoptr(GError) error = NULL;

  if (!gg_catalogue_load_user (path, &error))
    fprintf (stderr, "%s: %s The built-in catalogue is used.\n", CLI_NAME, error->message);
}
