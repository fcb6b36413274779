/* Fuzzes the Files API answers: a file's description (get, upload) and a
 * page of files.list.  Whatever the server sends, the result is a file with
 * a name, or an error with a one-line message. */
#include <stdint.h>
#include <string.h>
#include "gg-error.h"
#include "gg-files.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
check_file (const GgFile *file)
{
  GgFile *copy;

  g_assert (file->name != NULL);
  copy = gg_file_copy (file);
  g_assert (g_strcmp0 (copy->name, file->name) == 0);
  g_assert (g_strcmp0 (copy->error_message, file->error_message) == 0);
  gg_file_free (copy);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  GError    *error = NULL;
  GgFile    *file = gg_file_parse ((const gchar *) data, size, &error);
  GPtrArray *files = g_ptr_array_new_with_free_func ((GDestroyNotify) gg_file_free);
  gchar     *token;

  if (file != NULL)
    {
      g_assert (error == NULL);
      check_file (file);
      gg_file_free (file);
    }
  else
    {
      g_assert (error != NULL && error->domain == GG_ERROR);
      g_assert (g_utf8_validate (error->message, -1, NULL));
      g_assert (strchr (error->message, '\n') == NULL);
      g_error_free (error);
    }

  token = gg_files_parse_page ((const gchar *) data, size, files);
  for (guint i = 0; i < files->len; i++)
    check_file (g_ptr_array_index (files, i));
  g_free (token);
  g_ptr_array_unref (files);
  return 0;
}
