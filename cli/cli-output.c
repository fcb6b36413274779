/* cli-output.c: what gemini-image leaves behind: result files (all or
 * none), thought images, the --json summary and the cost line. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "cli.h"
#include "gg-catalogue.h"
#include "gg-error.h"
#include "gg-front.h"

/* The extension of @path's base name, with its dot ("" when none). */
static const gchar *
extension_of (const gchar *path)
{
  const gchar *base = strrchr (path, G_DIR_SEPARATOR);
  const gchar *dot;

  base = base != NULL ? base + 1 : path;
  dot = strrchr (base, '.');
  return (dot != NULL && dot != base) ? dot : path + strlen (path);
}

gchar *
cli_output_name (const gchar *output, guint index)
{
  const gchar *ext;

  if (index == 0)
    return g_strdup (output);
  ext = extension_of (output);
  return g_strdup_printf ("%.*s-%u%s", (gint) (ext - output), output, index + 1, ext);
}

gchar *
cli_output_temp_name (const gchar *final)
{
  g_autofree gchar *dir = g_path_get_dirname (final);
  g_autofree gchar *base = g_path_get_basename (final);
  const gchar      *ext = extension_of (base);

  /* Hidden, unique, and in the same directory so that rename () is atomic;
   * the extension stays last because the writers choose the format by it. */
  return g_strdup_printf ("%s%c.%.*s.%d-%08x.tmp%s", dir, G_DIR_SEPARATOR,
                          (gint) (ext - base), base, (gint) getpid (),
                          g_random_int (), ext);
}

const gchar *
cli_output_add (const gchar *output, GPtrArray *temps, GPtrArray *finals)
{
  gchar *final = cli_output_name (output, finals->len);
  gchar *temp = cli_output_temp_name (final);

  g_ptr_array_add (finals, final);
  g_ptr_array_add (temps, temp);
  return temp;
}

void
cli_output_discard (GPtrArray *temps)
{
  for (guint i = 0; temps != NULL && i < temps->len; i++)
    g_unlink (g_ptr_array_index (temps, i));
}

gboolean
cli_output_commit (GPtrArray *temps, GPtrArray *finals, GError **error)
{
  for (guint i = 0; i < temps->len; i++)
    {
      const gchar *temp = g_ptr_array_index (temps, i);
      const gchar *final = g_ptr_array_index (finals, i);

      if (g_rename (temp, final) != 0)
        {
          gint saved = errno;

          /* All or nothing: a half-written set of variations would pass
           * for a complete one in a script. */
          for (guint j = 0; j < i; j++)
            g_unlink (g_ptr_array_index (finals, j));
          for (guint j = i; j < temps->len; j++)
            g_unlink (g_ptr_array_index (temps, j));
          g_set_error (error, GG_ERROR, GG_ERROR_IO,
                       "Could not write %s: %s.", final, g_strerror (saved));
          return FALSE;
        }
    }
  return TRUE;
}

static const gchar *
format_extension (GgFormat format)
{
  switch (format)
    {
    case GG_FORMAT_JPEG: return ".jpg";
    case GG_FORMAT_WEBP: return ".webp";
    case GG_FORMAT_GIF:  return ".gif";
    case GG_FORMAT_HEIF: return ".heif";
    default:             return ".png";
    }
}

gboolean
cli_output_thoughts (const GgResponse *response,
                     const gchar      *dir,
                     GPtrArray        *written,
                     GError          **error)
{
  g_autoptr (GPtrArray) thoughts = gg_response_thought_images (response);

  if (thoughts->len == 0)
    return TRUE;
  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      gint saved = errno;

      g_set_error (error, GG_ERROR, GG_ERROR_IO,
                   "Could not create the folder %s for the thought images: %s.",
                   dir, g_strerror (saved));
      return FALSE;
    }
  for (guint i = 0; i < thoughts->len; i++)
    {
      const GgPart     *part = g_ptr_array_index (thoughts, i);
      gsize             len;
      const guint8     *data = g_bytes_get_data (part->data, &len);
      g_autofree gchar *name = g_strdup_printf ("thought-%u%s", i + 1,
                                                format_extension (part->format));
      g_autofree gchar *path = g_build_filename (dir, name, NULL);

      /* As received: they are a glimpse of the work, not a result. */
      if (!g_file_set_contents (path, (const gchar *) data, len, error))
        return FALSE;
      g_ptr_array_add (written, g_steal_pointer (&path));
    }
  return TRUE;
}

static cJSON *
string_array (GPtrArray *strings)
{
  cJSON *array = cJSON_CreateArray ();

  for (guint i = 0; strings != NULL && i < strings->len; i++)
    cJSON_AddItemToArray (array, cJSON_CreateString (g_ptr_array_index (strings, i)));
  return array;
}

static void
add_string_or_null (cJSON *object, const gchar *name, const gchar *value)
{
  if (value != NULL)
    cJSON_AddStringToObject (object, name, value);
  else
    cJSON_AddNullToObject (object, name);
}

cJSON *
cli_output_summary (const GgResponse *response,
                    const gchar      *model,
                    GPtrArray        *files,
                    GPtrArray        *thought_files)
{
  cJSON *summary = cJSON_CreateObject ();
  cJSON *texts = cJSON_AddArrayToObject (summary, "texts");
  cJSON *thoughts = cJSON_AddArrayToObject (summary, "thoughts");
  cJSON *usage, *sources;
  gdouble cost;

  cJSON_AddItemToObject (summary, "files", string_array (files));
  cJSON_AddItemToObject (summary, "thought_files", string_array (thought_files));
  cJSON_AddStringToObject (summary, "model", model);
  if (response == NULL)
    return summary;

  for (guint i = 0; i < response->parts->len; i++)
    {
      const GgPart *part = g_ptr_array_index (response->parts, i);

      if (part->kind == GG_PART_TEXT && part->text != NULL && part->text[0] != '\0')
        cJSON_AddItemToArray (part->thought ? thoughts : texts,
                              cJSON_CreateString (part->text));
    }
  add_string_or_null (summary, "finish_reason", response->finish_reason);
  if (response->finish_message != NULL)
    cJSON_AddStringToObject (summary, "finish_message", response->finish_message);
  if (response->block_reason != NULL)
    cJSON_AddStringToObject (summary, "block_reason", response->block_reason);
  add_string_or_null (summary, "model_version", response->model_version);
  add_string_or_null (summary, "response_id", response->response_id);

  usage = cJSON_AddObjectToObject (summary, "usage");
  cJSON_AddNumberToObject (usage, "prompt_tokens", response->usage.prompt_tokens);
  cJSON_AddNumberToObject (usage, "candidates_tokens", response->usage.candidates_tokens);
  cJSON_AddNumberToObject (usage, "thoughts_tokens", response->usage.thoughts_tokens);
  cJSON_AddNumberToObject (usage, "total_tokens", response->usage.total_tokens);
  cJSON_AddNumberToObject (usage, "image_output_tokens", response->usage.image_output_tokens);
  cJSON_AddNumberToObject (usage, "text_output_tokens", response->usage.text_output_tokens);

  cost = gg_response_cost (response, model);
  if (cost >= 0.0)
    cJSON_AddNumberToObject (summary, "cost_usd", cost);
  else
    cJSON_AddNullToObject (summary, "cost_usd");

  sources = cJSON_AddArrayToObject (summary, "sources");
  for (guint i = 0; response->sources != NULL && i < response->sources->len; i++)
    {
      const GgSource *source = g_ptr_array_index (response->sources, i);
      cJSON          *item = cJSON_CreateObject ();

      add_string_or_null (item, "title", source->title);
      add_string_or_null (item, "uri", source->uri);
      cJSON_AddItemToArray (sources, item);
    }
  if (response->search_queries != NULL)
    cJSON_AddItemToObject (summary, "search_queries",
                           cJSON_CreateStringArray ((const char *const *) response->search_queries,
                                                    (int) g_strv_length (response->search_queries)));
  if (response->search_entry_html != NULL)
    cJSON_AddStringToObject (summary, "search_entry_html", response->search_entry_html);
  return summary;
}

void
cli_output_print_json (cJSON *json)
{
  gchar *text = cJSON_Print (json);

  if (text != NULL)
    {
      fputs (text, stdout);
      fputc ('\n', stdout);
      fflush (stdout);
      cJSON_free (text);
    }
}

gchar *
cli_output_cost_line (const GgResponse *response, const gchar *model, guint n_images)
{
  gint    tokens = response->usage.candidates_tokens + response->usage.thoughts_tokens;
  gdouble cost = gg_response_cost (response, model);
  GString *line = g_string_new (NULL);

  g_string_append_printf (line, "%u image%s, %d output tokens", n_images,
                          n_images == 1 ? "" : "s", tokens);
  if (cost >= 0.0)
    g_string_append_printf (line, ", about $%.3f", cost);
  else
    g_string_append (line, ", cost unknown for this model");
  return g_string_free (line, FALSE);
}

gchar *
cli_recovery_profile (void)
{
  return g_build_filename (g_get_user_data_dir (), "gimp-gemini", NULL);
}

/* Each image saved as received in the recovery folder
 * (gg_front_recovery_save: a new file, never over another). */
void
cli_output_recover (CliJob *job, GPtrArray *images)
{
  g_autofree gchar *profile = cli_recovery_profile ();
  g_autofree gchar *first = NULL;
  g_autofree gchar *message = NULL;
  g_autoptr(GError) error = NULL;
  guint             saved = 0;

  for (guint i = 0; images != NULL && i < images->len; i++)
    {
      const GgPart *part = g_ptr_array_index (images, i);
      gchar        *path = gg_front_recovery_save (profile, part->data, job->prompt,
                                                   error ? NULL : &error);

      if (path == NULL)
        continue;
      if (saved++ == 0)
        first = path;
      else
        g_free (path);
    }
  if (saved == 0 && error == NULL)
    return;
  message = g_strdup (job->message ? job->message : "The run failed.");
  g_free (job->message);
  if (saved == 0)
    job->message = g_strdup_printf ("%s The paid answer could not be saved either: %s",
                                    message, error->message);
  else if (saved == 1)
    job->message = g_strdup_printf ("%s The answer was saved as %s.", message, first);
  else
    job->message = g_strdup_printf ("%s The %u answers were saved beside %s.", message,
                                    saved, first);
}
