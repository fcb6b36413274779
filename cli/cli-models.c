/* cli-models.c: `gemini-image models`, the catalogue for people and
 * scripts. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "gg-catalogue.h"

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

static gdouble
image_price (const GgModel *model, const gchar *size)
{
  return gg_model_image_tokens (model, size) * model->price_image_output / 1e6;
}

static void
print_text (void)
{
  const GgModel *const *models = gg_catalogue_models ();

  for (guint m = 0; m < gg_catalogue_n_models (); m++)
    {
      const GgModel      *model = models[m];
      g_autoptr (GPtrArray) sizes = table_sizes (model);

      printf ("%s%s\n  %s\n", model->name,
              strcmp (model->name, gg_catalogue_default_model ()) == 0 ? "  (default)" : "",
              model->label);
      if (model->aliases != NULL && model->aliases[0] != NULL)
        {
          g_autofree gchar *aliases = g_strjoinv (", ", (gchar **) model->aliases);
          printf ("  also known as: %s\n", aliases);
        }
      if (gg_model_has_sizes (model))
        {
          g_autofree gchar *list = g_strjoinv (", ", (gchar **) model->sizes);
          printf ("  --size: %s (default %s)\n", list, model->default_size);
        }
      else
        printf ("  --size: not accepted (about 1 megapixel)\n");
      printf ("  input images: up to %d (objects %d, people %d); thinking: %s; "
              "may answer JPEG: %s\n", model->max_input_images, model->max_objects,
              model->max_people, model->thinking ? "always" : "no",
              model->answers_jpeg ? "yes" : "no");
      printf ("  prices per million tokens: input $%.2f, text out $%.2f, image out $%.2f\n",
              model->price_input, model->price_text_output, model->price_image_output);
      for (guint s = 0; s < sizes->len; s++)
        {
          const gchar *size = g_ptr_array_index (sizes, s);

          printf ("  %s: %d tokens, about $%.3f per image\n",
                  size != NULL ? size : model->default_size,
                  gg_model_image_tokens (model, size), image_price (model, size));
          for (guint r = 0; model->ratios[r] != NULL; r++)
            {
              gint width, height;

              if (gg_model_output_size (model, size, model->ratios[r], &width, &height))
                printf ("    %-5s %5d x %d\n", model->ratios[r], width, height);
            }
        }
      printf ("\n");
    }
  printf ("Other model names are sent as given (no checks, no cost estimate).\n");
}

static void
print_json (void)
{
  const GgModel *const *models = gg_catalogue_models ();
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
      cJSON_AddNumberToObject (prices, "input", model->price_input);
      cJSON_AddNumberToObject (prices, "text_output", model->price_text_output);
      cJSON_AddNumberToObject (prices, "image_output", model->price_image_output);
      dims = cJSON_AddObjectToObject (item, "dimensions");
      for (guint s = 0; s < sizes->len; s++)
        {
          const gchar *size = g_ptr_array_index (sizes, s);
          cJSON *table = cJSON_AddObjectToObject (dims, size != NULL ? size
                                                                     : model->default_size);

          cJSON_AddNumberToObject (table, "image_tokens", gg_model_image_tokens (model, size));
          cJSON_AddNumberToObject (table, "image_price_usd", image_price (model, size));
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
  cli_output_print_json (root);
  cJSON_Delete (root);
}

gint
cli_models_main (gint argc, gchar **argv)
{
  gboolean        json = FALSE;
  GOptionEntry    entries[] =
  {
    { "json", 'j', 0, G_OPTION_ARG_NONE, &json,
      "Print the catalogue as JSON.", NULL },
    G_OPTION_ENTRY_NULL
  };
  GOptionContext *context;
  GError         *error = NULL;

  g_set_prgname (CLI_NAME " models");
  context = g_option_context_new (NULL);
  g_option_context_set_summary (context,
    "DESCRIPTION\n"
    "  Lists the models gemini-image knows: their image sizes, aspect ratios\n"
    "  with output dimensions, input limits, and prices (USD per million\n"
    "  tokens, and per image).  Other model names are accepted by --model and\n"
    "  sent as given.");
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
  if (json)
    print_json ();
  else
    print_text ();
  return CLI_EXIT_OK;
}
