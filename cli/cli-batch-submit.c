/* cli-batch-submit.c: gemini-image batch submit: the requests from a
 * prompts file (--prompts FILE.jsonl) or a folder (--dir FOLDER), and
 * their submission.
 */
#include <string.h>

#include "cli-batch.h"
#include "gg-catalogue.h"
#include "gg-prompt.h"

#define MAX_KEY     100

/* ---- submit ----------------------------------------------------------- */

gboolean
cli_batch_key_is_valid (const gchar *key)
{
  gsize length = strlen (key);

  if (length == 0 || length > MAX_KEY || key[0] == '.')
    return FALSE;
  for (const gchar *p = key; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '.' && *p != '_' && *p != '-')
      return FALSE;
  return TRUE;
}

/* Adds one request to the batch; FALSE with a usage failure set. */
static gboolean
add_item (Batch       *b,
          const gchar *key,
          const gchar *prompt,
          const gchar *input,
          const gchar *aspect,
          const gchar *size,
          const gchar *where)
{
  g_autoptr(GgRequest) request = gg_request_new (b->model);
  const GgModel       *model = gg_request_get_model_info (request);
  GError              *error = NULL;

  if (!cli_batch_key_is_valid (key))
    {
      cli_batch_fail (b, CLI_EXIT_USAGE, "The key “%s” (%s) cannot name a file: use letters, "
                  "digits, '.', '_' and '-', at most %d characters, not starting with '.'.",
                  key, where, MAX_KEY);
      return FALSE;
    }
  {
    g_autofree gchar *words = g_strstrip (g_strdup (prompt ? prompt : ""));

    if (words[0] == '\0')
      {
        cli_batch_fail (b, CLI_EXIT_USAGE, "The request “%s” (%s) has no prompt.", key, where);
        return FALSE;
      }
  }
  gg_request_set_store (request, b->store);
  if (aspect != NULL)
    gg_request_set_aspect_ratio (request, aspect);
  if (size != NULL)
    gg_request_set_image_size (request, size);
  if (input != NULL)
    {
      g_autofree gchar *wrapped = NULL;
      GBytes           *bytes;
      gint              width, height;

      bytes = cli_job_read_image (input, "input image", &width, &height, &error);
      if (bytes == NULL)
        {
          cli_batch_fail (b, CLI_EXIT_USAGE, "%s", error->message);
          g_error_free (error);
          return FALSE;
        }
      gg_request_add_image (request, bytes, NULL, GG_ROLE_INPUT);
      g_bytes_unref (bytes);
      if (aspect == NULL && model != NULL && width > 0 && height > 0)
        gg_request_set_aspect_ratio (request, gg_model_nearest_ratio (model, width, height));
      wrapped = gg_prompt_edit (prompt, FALSE, NULL);
      gg_request_set_prompt (request, wrapped);
    }
  else
    gg_request_set_prompt (request, prompt);
  gg_request_set_image_only (request, FALSE);

  if (!gg_batch_input_add (b->input, key, request, &error))
    {
      cli_batch_fail (b, CLI_EXIT_USAGE, "%s (%s)", error->message, where);
      g_error_free (error);
      return FALSE;
    }
  return TRUE;
}

gboolean
cli_batch_read_prompts_file (Batch *b)
{
  g_autofree gchar *text = NULL;
  g_autofree gchar *folder = g_path_get_dirname (b->prompts);
  gchar           **lines;
  GError           *error = NULL;
  gboolean          ok = TRUE;

  if (!g_file_get_contents (b->prompts, &text, NULL, &error))
    {
      cli_batch_fail (b, CLI_EXIT_USAGE, "Could not read the prompts file %s: %s.",
                  b->prompts, error->message);
      g_error_free (error);
      return FALSE;
    }
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; ok && lines[i] != NULL; i++)
    {
      g_autofree gchar *where = g_strdup_printf ("line %u of %s", i + 1, b->prompts);
      g_autofree gchar *default_key = g_strdup_printf ("line-%u", i + 1);
      g_autofree gchar *input = NULL;
      const gchar      *line = g_strstrip (lines[i]);
      cJSON            *item;
      const cJSON      *key, *prompt, *image, *aspect, *size;

      if (*line == '\0')
        continue;
      item = cJSON_Parse (line);
      if (!cJSON_IsObject (item))
        {
          cJSON_Delete (item);
          cli_batch_fail (b, CLI_EXIT_USAGE, "Line %u of %s is not a JSON object: write one "
                      "{\"key\": ..., \"prompt\": ...} per line.", i + 1, b->prompts);
          ok = FALSE;
          break;
        }
      key    = cJSON_GetObjectItemCaseSensitive (item, "key");
      prompt = cJSON_GetObjectItemCaseSensitive (item, "prompt");
      image  = cJSON_GetObjectItemCaseSensitive (item, "input");
      aspect = cJSON_GetObjectItemCaseSensitive (item, "aspect");
      size   = cJSON_GetObjectItemCaseSensitive (item, "size");
      if (cJSON_IsString (image))
        input = g_path_is_absolute (image->valuestring)
                ? g_strdup (image->valuestring)
                : g_build_filename (folder, image->valuestring, NULL);
      ok = add_item (b, cJSON_IsString (key) ? key->valuestring : default_key,
                     cJSON_IsString (prompt) ? prompt->valuestring : NULL, input,
                     cJSON_IsString (aspect) ? aspect->valuestring : b->aspect,
                     cJSON_IsString (size) ? size->valuestring : b->size, where);
      cJSON_Delete (item);
    }
  g_strfreev (lines);
  return ok;
}

/* A key for a file of --dir: its name with what cannot name a file
 * replaced ("my photo" becomes "my-photo").  g_free. */
static gchar *
key_from_name (const gchar *stem)
{
  gchar *key = g_strndup (stem, MAX_KEY);

  for (gchar *p = key; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '.' && *p != '_' && *p != '-')
      *p = '-';
  if (key[0] == '.')
    key[0] = '_';
  return key;
}

static const gchar *const image_extensions[] = { ".png", ".jpg", ".jpeg", ".webp", NULL };

/* The image of the folder named @stem, or NULL.  g_free. */
static gchar *
find_image (const gchar *dir, const gchar *stem)
{
  for (guint i = 0; image_extensions[i] != NULL; i++)
    {
      g_autofree gchar *name = g_strconcat (stem, image_extensions[i], NULL);
      gchar            *path = g_build_filename (dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
        return path;
      g_free (path);
    }
  return NULL;
}

static gint
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const gchar *const *) a, *(const gchar *const *) b);
}

gboolean
cli_batch_read_folder (Batch *b)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  GDir                *dir;
  GError              *error = NULL;
  const gchar         *entry;

  dir = g_dir_open (b->dir, 0, &error);
  if (dir == NULL)
    {
      cli_batch_fail (b, CLI_EXIT_USAGE, "Could not read the folder %s: %s.", b->dir, error->message);
      g_error_free (error);
      return FALSE;
    }
  while ((entry = g_dir_read_name (dir)) != NULL)
    if (entry[0] != '.')
      g_ptr_array_add (names, g_strdup (entry));
  g_dir_close (dir);
  g_ptr_array_sort (names, compare_names);

  for (guint i = 0; i < names->len; i++)
    {
      const gchar      *name = g_ptr_array_index (names, i);
      const gchar      *dot = strrchr (name, '.');
      g_autofree gchar *stem = dot ? g_strndup (name, dot - name) : g_strdup (name);
      g_autofree gchar *key = key_from_name (stem);
      g_autofree gchar *path = g_build_filename (b->dir, name, NULL);
      g_autofree gchar *lower = g_ascii_strdown (dot ? dot : "", -1);

      if (g_strcmp0 (lower, ".txt") == 0)
        {
          g_autofree gchar *text = NULL;
          g_autofree gchar *image = find_image (b->dir, stem);

          if (!g_file_get_contents (path, &text, NULL, &error))
            {
              cli_batch_fail (b, CLI_EXIT_USAGE, "Could not read %s: %s.", path, error->message);
              g_error_free (error);
              return FALSE;
            }
          if (!add_item (b, key, g_strstrip (text), image, b->aspect, b->size, path))
            return FALSE;
        }
      else if (g_strv_contains (image_extensions, lower))
        {
          g_autofree gchar *txt_name = g_strconcat (stem, ".txt", NULL);
          g_autofree gchar *txt = g_build_filename (b->dir, txt_name, NULL);

          if (g_file_test (txt, G_FILE_TEST_EXISTS))
            continue;   /* edited with its own prompt, above */
          if (b->prompt == NULL)
            {
              cli_batch_fail (b, CLI_EXIT_USAGE, "The image %s has no %s.txt beside it: give "
                          "its prompt there, or one prompt for every image with --prompt.",
                          path, stem);
              return FALSE;
            }
          if (!add_item (b, key, b->prompt, path, b->aspect, b->size, path))
            return FALSE;
        }
    }
  if (gg_batch_input_count (b->input) == 0)
    {
      cli_batch_fail (b, CLI_EXIT_USAGE, "The folder %s holds no prompts (.txt) and no images "
                  "(.png, .jpg, .jpeg, .webp).", b->dir);
      return FALSE;
    }
  return TRUE;
}

void
cli_batch_submit_work (Batch *b)
{
  g_autoptr(GgBatch) batch = NULL;
  GgUploadOptions    upload = { 0, };
  gsize              limit = b->max_inline_mb > 0 ? (gsize) (b->max_inline_mb * 1e6)
                                                  : GG_BATCH_MAX_INLINE;
  gsize              size = gg_batch_input_size (b->input);
  gboolean           via_file = b->via_file || size + 64 * gg_batch_input_count (b->input) > limit;
  GError            *error = NULL;

  upload.wait_timeout = b->upload_timeout;
  upload.poll_interval = 0.5;
  if (via_file && !b->quiet && !b->progress_line)
    g_string_append_printf (b->err, "%s: uploading the %u requests as a JSONL file "
                            "(%.1f MB) with the Files API.\n", CLI_NAME,
                            gg_batch_input_count (b->input), size / 1e6);
  if (via_file)
    cli_batch_set_line (b, g_strdup_printf ("uploading %.1f MB of requests", size / 1e6));
  batch = gg_batch_create (b->client, b->model ? b->model : gg_catalogue_default_model (),
                           b->name, b->input, via_file, &upload, b->cancellable, &error);
  if (batch == NULL)
    {
      cli_batch_fail_error (b, error);
      g_error_free (error);
      return;
    }
  g_string_append_printf (b->out, "%s\n", batch->name);
  if (!b->quiet)
    g_string_append_printf (b->err, "%s: submitted %u requests as %s (%s, %.1f MB); "
                            "follow it with '%s batch wait %s'.\n", CLI_NAME,
                            gg_batch_input_count (b->input), batch->name,
                            via_file ? "as an uploaded file" : "inline", size / 1e6,
                            CLI_NAME, batch->name);
  b->status = CLI_EXIT_OK;
}
