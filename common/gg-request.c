/* gg-request.c: building and checking a generateContent request.
 *
 * The body can hold tens of megabytes of base64.  It is built in linear
 * time with one copy of that data: the small JSON skeleton is made with
 * cJSON, with a raw marker where each image's data and the history go, and
 * printed once; then one pass copies the skeleton into a buffer of the
 * final size, encoding each image's base64 straight into it.  The markers
 * start and end with a byte 0x01, which cJSON never prints on its own (it
 * escapes every control character inside strings), so user text cannot
 * forge one.
 */
#include "gg-request.h"

#include <string.h>

#include <cjson/cJSON.h>

#include "gg-error.h"
#include "gg-image.h"
#include "gg-prompt.h"

#define MARK       '\x01'
#define MARK_STR   "\x01"

typedef struct
{
  GBytes      *bytes;        /* NULL for an uploaded file */
  gchar       *mime_type;    /* as declared; NULL: sniff */
  gchar       *file_uri;     /* sent as fileData when set */
  GgImageRole  role;
} Image;

typedef struct
{
  gchar *category;           /* with the HARM_CATEGORY_ prefix */
  gchar *threshold;
} Safety;

struct _GgRequest
{
  gchar         *model;
  const GgModel *info;
  gchar         *prompt;
  gchar         *system_instruction;
  gchar         *aspect_ratio;
  gchar         *image_size;
  gboolean       image_only;
  gboolean       search;
  gboolean       include_thoughts;
  gdouble        temperature;        /* < 0: not sent */
  gint64         seed;               /* < 0: not sent */
  GPtrArray     *safety;             /* of Safety* */
  GPtrArray     *images;             /* of Image* */
  gchar         *history;            /* the array's inside, without brackets */
  gsize          history_len;
  gsize          max_inline;
  gboolean       store;              /* "store": true; default false */
  gchar         *thinking_level;     /* upper case; NULL: not sent */
};

static const gchar *const safety_categories[] =
{
  "HARM_CATEGORY_HARASSMENT",
  "HARM_CATEGORY_HATE_SPEECH",
  "HARM_CATEGORY_SEXUALLY_EXPLICIT",
  "HARM_CATEGORY_DANGEROUS_CONTENT",
  NULL
};

static const gchar *const safety_thresholds[] =
{
  "BLOCK_LOW_AND_ABOVE",
  "BLOCK_MEDIUM_AND_ABOVE",
  "BLOCK_ONLY_HIGH",
  "BLOCK_NONE",
  "OFF",
  NULL
};

static const gchar *const accepted_mime_types[] =
{
  "image/png", "image/jpeg", "image/webp", "image/heic", "image/heif", NULL
};

static const gchar *image_mime_type (const Image *image);

static gsize
base64_length (gsize n)
{
  return (n + 2) / 3 * 4;
}

static void
image_free (gpointer data)
{
  Image *image = data;

  g_clear_pointer (&image->bytes, g_bytes_unref);
  g_free (image->mime_type);
  g_free (image->file_uri);
  g_free (image);
}

static void
safety_free (gpointer data)
{
  Safety *safety = data;

  g_free (safety->category);
  g_free (safety->threshold);
  g_free (safety);
}

/* A copy of @text that is valid UTF-8 (cJSON would print invalid bytes as
 * they are, and the API would refuse the body); NULL stays NULL. */
static gchar *
dup_utf8 (const gchar *text)
{
  if (text == NULL)
    return NULL;
  return g_utf8_make_valid (text, -1);
}

GgRequest *
gg_request_new (const gchar *model)
{
  GgRequest *request = g_new0 (GgRequest, 1);

  request->model = g_strdup (model ? model : gg_catalogue_default_model ());
  request->info = gg_catalogue_lookup (request->model);
  request->temperature = -1;
  request->seed = -1;
  request->safety = g_ptr_array_new_with_free_func (safety_free);
  request->images = g_ptr_array_new_with_free_func (image_free);
  request->max_inline = GG_REQUEST_DEFAULT_MAX_INLINE;

  return request;
}

void
gg_request_set_store (GgRequest *request,
                      gboolean   store)
{
  request->store = store;
}

gboolean
gg_request_get_store (const GgRequest *request)
{
  return request->store;
}

void
gg_request_set_thinking_level (GgRequest   *request,
                               const gchar *level)
{
  g_free (request->thinking_level);
  request->thinking_level = level != NULL && level[0] != '\0'
                            ? g_ascii_strup (level, -1) : NULL;
}

const gchar *
gg_request_get_thinking_level (const GgRequest *request)
{
  return request->thinking_level;
}

void
gg_request_free (GgRequest *request)
{
  if (request == NULL)
    return;

  g_free (request->model);
  g_free (request->prompt);
  g_free (request->system_instruction);
  g_free (request->aspect_ratio);
  g_free (request->image_size);
  g_ptr_array_unref (request->safety);
  g_ptr_array_unref (request->images);
  g_free (request->history);
  g_free (request->thinking_level);
  g_free (request);
}

const gchar *
gg_request_get_model (const GgRequest *request)
{
  return request->model;
}

const GgModel *
gg_request_get_model_info (const GgRequest *request)
{
  return request->info;
}

void
gg_request_set_prompt (GgRequest   *request,
                       const gchar *prompt)
{
  g_free (request->prompt);
  request->prompt = dup_utf8 (prompt);
}

void
gg_request_set_system_instruction (GgRequest   *request,
                                   const gchar *text)
{
  g_free (request->system_instruction);
  request->system_instruction = dup_utf8 (text);
}

void
gg_request_set_aspect_ratio (GgRequest   *request,
                             const gchar *ratio)
{
  g_free (request->aspect_ratio);
  request->aspect_ratio = dup_utf8 (ratio);
}

void
gg_request_set_image_size (GgRequest   *request,
                           const gchar *size)
{
  g_free (request->image_size);
  request->image_size = dup_utf8 (size);
}

void
gg_request_set_image_only (GgRequest *request,
                           gboolean   image_only)
{
  request->image_only = image_only;
}

void
gg_request_set_search (GgRequest *request,
                       gboolean   search)
{
  request->search = search;
}

void
gg_request_set_include_thoughts (GgRequest *request,
                                 gboolean   include)
{
  request->include_thoughts = include;
}

void
gg_request_set_temperature (GgRequest *request,
                            gdouble    temperature)
{
  request->temperature = temperature;
}

void
gg_request_set_seed (GgRequest *request,
                     gint64     seed)
{
  request->seed = seed;
}

void
gg_request_set_max_inline (GgRequest *request,
                           gsize      max_bytes)
{
  request->max_inline = max_bytes;
}

void
gg_request_add_safety (GgRequest   *request,
                       const gchar *category,
                       const gchar *threshold)
{
  Safety           *safety = g_new0 (Safety, 1);
  g_autofree gchar *upper = g_ascii_strup (category ? category : "", -1);

  /* Kept as given apart from case and prefix; gg_request_validate () says
   * what is wrong with it, so the caller's words can be quoted back. */
  safety->category = g_str_has_prefix (upper, "HARM_CATEGORY_")
                     ? g_steal_pointer (&upper)
                     : g_strconcat ("HARM_CATEGORY_", upper, NULL);
  safety->threshold = g_ascii_strup (threshold ? threshold : "", -1);
  g_ptr_array_add (request->safety, safety);
}

void
gg_request_add_image (GgRequest   *request,
                      GBytes      *bytes,
                      const gchar *mime_type,
                      GgImageRole  role)
{
  Image *image = g_new0 (Image, 1);

  g_return_if_fail (bytes != NULL);

  image->bytes = g_bytes_ref (bytes);
  image->mime_type = g_strdup (mime_type);
  image->role = role;
  g_ptr_array_add (request->images, image);
}

guint
gg_request_n_images (const GgRequest *request)
{
  return request->images->len;
}

void
gg_request_add_file (GgRequest   *request,
                     const gchar *uri,
                     const gchar *mime_type)
{
  Image *image = g_new0 (Image, 1);

  g_return_if_fail (uri != NULL && mime_type != NULL);

  image->file_uri = g_strdup (uri);
  image->mime_type = g_strdup (mime_type);
  image->role = GG_ROLE_INPUT;
  g_ptr_array_add (request->images, image);
}

GBytes *
gg_request_get_image (const GgRequest *request,
                      guint            index,
                      const gchar    **mime_type)
{
  const Image *image;

  g_return_val_if_fail (index < request->images->len, NULL);
  image = g_ptr_array_index (request->images, index);
  if (mime_type)
    *mime_type = image_mime_type (image);
  return image->bytes;
}

void
gg_request_use_file (GgRequest   *request,
                     guint        index,
                     const gchar *uri,
                     const gchar *mime_type)
{
  Image *image;

  g_return_if_fail (index < request->images->len && uri != NULL);
  image = g_ptr_array_index (request->images, index);
  if (mime_type != NULL)
    {
      g_free (image->mime_type);
      image->mime_type = g_strdup (mime_type);
    }
  else if (image->mime_type == NULL && image->bytes != NULL)
    image->mime_type = g_strdup (gg_format_mime_type (gg_image_sniff (g_bytes_get_data (image->bytes, NULL),
                                                                      g_bytes_get_size (image->bytes))));
  g_free (image->file_uri);
  image->file_uri = g_strdup (uri);
  g_clear_pointer (&image->bytes, g_bytes_unref);
}

gsize
gg_request_inline_size (const GgRequest *request)
{
  gsize total = request->history_len;

  for (guint i = 0; i < request->images->len; i++)
    {
      const Image *image = g_ptr_array_index (request->images, i);

      if (image->bytes != NULL)
        total += base64_length (g_bytes_get_size (image->bytes));
    }
  return total;
}

gsize
gg_request_get_max_inline (const GgRequest *request)
{
  return request->max_inline;
}

gboolean
gg_request_set_history (GgRequest   *request,
                        const gchar *contents_json,
                        GError     **error)
{
  const gchar *end = NULL;
  const gchar *open;
  const gchar *close;
  const cJSON *item;
  cJSON       *root;
  gsize        len;

  g_clear_pointer (&request->history, g_free);
  request->history_len = 0;
  if (contents_json == NULL)
    return TRUE;

  len = strlen (contents_json);
  root = cJSON_ParseWithLengthOpts (contents_json, len, &end, FALSE);
  if (root == NULL || !cJSON_IsArray (root))
    {
      cJSON_Delete (root);
      g_set_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                   "The earlier turns of the conversation are not a JSON list: "
                   "start a new conversation.");
      return FALSE;
    }
  cJSON_ArrayForEach (item, root)
    if (!cJSON_IsObject (item)
        || !cJSON_IsString (cJSON_GetObjectItemCaseSensitive (item, "role"))
        || !cJSON_IsArray (cJSON_GetObjectItemCaseSensitive (item, "parts")))
      {
        cJSON_Delete (root);
        g_set_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                     "The earlier turns of the conversation hold something "
                     "that is not a turn (role and parts): start a new conversation.");
        return FALSE;
      }
  cJSON_Delete (root);

  /* Whatever follows the array must be white space only. */
  for (const gchar *p = end; p < contents_json + len; p++)
    if (!g_ascii_isspace (*p))
      {
        g_set_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                     "The earlier turns of the conversation are followed by "
                     "something that is not JSON: start a new conversation.");
        return FALSE;
      }

  /* Keep the inside of the brackets, byte for byte: it is spliced into
   * "contents" as given, so signatures and data are never re-encoded. */
  open = strchr (contents_json, '[');
  close = end - 1;
  while (close > open && *close != ']')
    close--;
  request->history = g_strndup (open + 1, close - open - 1);
  request->history_len = close - open - 1;

  for (gsize i = 0; i < request->history_len; i++)
    if (!g_ascii_isspace (request->history[i]))
      return TRUE;
  /* An empty list: no history at all. */
  g_clear_pointer (&request->history, g_free);
  request->history_len = 0;
  return TRUE;
}


static const gchar *
image_mime_type (const Image *image)
{
  if (image->mime_type != NULL || image->bytes == NULL)
    return image->mime_type;
  return gg_format_mime_type (gg_image_sniff (g_bytes_get_data (image->bytes, NULL),
                                              g_bytes_get_size (image->bytes)));
}

static const gchar *
format_name (GgFormat format)
{
  switch (format)
    {
    case GG_FORMAT_PNG:  return "PNG";
    case GG_FORMAT_JPEG: return "JPEG";
    case GG_FORMAT_WEBP: return "WebP";
    case GG_FORMAT_GIF:  return "GIF";
    case GG_FORMAT_HEIF: return "HEIF";
    default:             return NULL;
    }
}

static gboolean
strv_has (const gchar *const *strv,
          const gchar        *s)
{
  return s != NULL && g_strv_contains (strv, s);
}

static gchar *
join_strv (const gchar *const *strv)
{
  return g_strjoinv (", ", (gchar **) strv);
}

static gboolean
ratio_well_formed (const gchar *ratio)
{
  const gchar *p = ratio;
  guint64      w;
  guint64      h;
  gchar       *end;

  if (!g_ascii_isdigit (*p))
    return FALSE;
  w = g_ascii_strtoull (p, &end, 10);
  if (*end != ':' || !g_ascii_isdigit (end[1]))
    return FALSE;
  h = g_ascii_strtoull (end + 1, &end, 10);
  return *end == '\0' && w > 0 && h > 0;
}

static gboolean
validate_images (const GgRequest *request,
                 GError         **error)
{
  const GgModel *info = request->info;
  guint          n_objects = 0;
  guint          n_people = 0;

  for (guint i = 0; i < request->images->len; i++)
    {
      const Image  *image = g_ptr_array_index (request->images, i);
      gsize         size = 0;
      const guint8 *data = image->bytes ? g_bytes_get_data (image->bytes, &size) : NULL;
      GgFormat      sniffed = size > 0 ? gg_image_sniff (data, size) : GG_FORMAT_UNKNOWN;

      if (image->role == GG_ROLE_OBJECT)
        n_objects++;
      else if (image->role == GG_ROLE_PERSON)
        n_people++;

      if (image->file_uri != NULL)
        {
          /* Uploaded: the server has checked the bytes; the type still counts. */
          if (!strv_has (accepted_mime_types, image->mime_type))
            {
              g_set_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                           "The MIME type “%s” of image %u is not accepted by the API: "
                           "convert the image to PNG or JPEG.", image->mime_type, i + 1);
              return FALSE;
            }
          continue;
        }

      if (size == 0)
        {
          g_set_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                       "Image %u is empty (0 bytes): give a PNG, JPEG or WebP image.",
                       i + 1);
          return FALSE;
        }

      if (image->mime_type == NULL)
        {
          if (sniffed == GG_FORMAT_UNKNOWN || sniffed == GG_FORMAT_GIF)
            {
              g_set_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                           "Image %u is not a PNG, JPEG, WebP or HEIF image: "
                           "convert it to PNG or JPEG first.", i + 1);
              return FALSE;
            }
          continue;
        }

      if (!strv_has (accepted_mime_types, image->mime_type))
        {
          if (g_ascii_strcasecmp (image->mime_type, "image/jpg") == 0)
            g_set_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                         "The MIME type “%s” of image %u is not accepted by the "
                         "API: use “image/jpeg”.", image->mime_type, i + 1);
          else
            g_set_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                         "The MIME type “%s” of image %u is not accepted by the "
                         "API: convert the image to PNG or JPEG (accepted: %s).",
                         image->mime_type, i + 1,
                         "image/png, image/jpeg, image/webp, image/heic, image/heif");
          return FALSE;
        }

      if (sniffed != gg_format_from_mime (image->mime_type))
        {
          const gchar *real = format_name (sniffed);

          if (real != NULL && gg_format_mime_type (sniffed) != NULL
              && sniffed != GG_FORMAT_GIF)
            g_set_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                         "Image %u is declared as %s but its bytes are %s: "
                         "declare it as %s.", i + 1, image->mime_type, real,
                         gg_format_mime_type (sniffed));
          else
            g_set_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                         "Image %u is declared as %s but its bytes are not a "
                         "%s image: convert it to PNG or JPEG first.",
                         i + 1, image->mime_type,
                         format_name (gg_format_from_mime (image->mime_type))
                         ? format_name (gg_format_from_mime (image->mime_type))
                         : "supported");
          return FALSE;
        }
    }

  if (info == NULL)
    return TRUE;

  if (info->max_input_images > 0 && request->images->len > (guint) info->max_input_images)
    {
      g_set_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                   "%s accepts at most %d input images, and this request has %u: "
                   "remove some references or choose another model.",
                   info->label, info->max_input_images, request->images->len);
      return FALSE;
    }
  if (info->max_objects > 0 && n_objects > (guint) info->max_objects)
    {
      g_set_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                   "%s accepts at most %d object reference images, and this "
                   "request has %u: remove some.", info->label, info->max_objects,
                   n_objects);
      return FALSE;
    }
  if (info->max_people > 0 && n_people > (guint) info->max_people)
    {
      g_set_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                   "%s accepts at most %d reference images of people, and this "
                   "request has %u: remove some.", info->label, info->max_people,
                   n_people);
      return FALSE;
    }
  return TRUE;
}

gboolean
gg_request_validate (const GgRequest *request,
                     GError         **error)
{
  const GgModel *info = request->info;
  const gchar   *size = request->image_size;
  const gchar   *ratio = request->aspect_ratio;
  gsize          inline_bytes;

  {
    /* Never another model in its place: the user chooses the replacement. */
    g_autofree gchar *retired = gg_catalogue_retired_sentence (request->model);

    if (retired != NULL)
      {
        g_set_error_literal (error, GG_ERROR, GG_ERROR_MODEL_NOT_FOUND, retired);
        return FALSE;
      }
  }

  {
    /* g_strstrip works in place: look at a copy. */
    g_autofree gchar *words = g_strstrip (g_strdup (request->prompt ? request->prompt : ""));

    if (words[0] == '\0')
      {
        g_set_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                     "The prompt is empty: say what to generate or change.");
        return FALSE;
      }
  }

  if (size != NULL)
    {
      gsize len = strlen (size);

      if (len >= 2 && size[len - 1] == 'k')
        {
          g_autofree gchar *upper = g_ascii_strup (size, -1);

          g_set_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                       "The image size “%s” is refused by the API (a lowercase k): "
                       "use “%s”.", size, upper);
          return FALSE;
        }
      if (info != NULL && !gg_model_has_sizes (info))
        {
          g_set_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                       "%s does not take an image size (it makes images of about "
                       "one megapixel): leave the size unset or choose another model.",
                       info->label);
          return FALSE;
        }
      if (info != NULL && !gg_model_has_size (info, size))
        {
          g_autofree gchar *valid = join_strv (info->sizes);

          g_set_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                       "The image size “%s” is not available for %s: use one of %s.",
                       size, info->label, valid);
          return FALSE;
        }
    }

  if (ratio != NULL)
    {
      if (!ratio_well_formed (ratio))
        {
          g_set_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                       "The aspect ratio “%s” is not of the form width:height "
                       "(such as 16:9).", ratio);
          return FALSE;
        }
      if (info != NULL && !gg_model_has_ratio (info, ratio))
        {
          g_autofree gchar *valid = join_strv (info->ratios);

          g_set_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                       "The aspect ratio “%s” is not available for %s: use one of %s.",
                       ratio, info->label, valid);
          return FALSE;
        }
    }

  if (request->thinking_level != NULL)
    {
      const gchar *level = request->thinking_level;

      if (strcmp (level, "MINIMAL") != 0 && strcmp (level, "LOW") != 0
          && strcmp (level, "MEDIUM") != 0 && strcmp (level, "HIGH") != 0)
        {
          g_set_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                       "The thinking level “%s” is not one the API knows: use "
                       "minimal, medium or high.", level);
          return FALSE;
        }
      if (info != NULL && info->thinking_levels != NULL
          && info->thinking_levels[0] == NULL)
        {
          g_set_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                       "%s takes no thinking level%s: leave the thinking level unset.",
                       info->name,
                       info->thinking ? " (it always thinks as it chooses)" : "");
          return FALSE;
        }
      if (info != NULL && !gg_model_has_thinking_level (info, level))
        {
          g_autofree gchar *joined = join_strv (info->thinking_levels);
          g_autofree gchar *valid = g_ascii_strdown (joined, -1);

          g_set_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                       "%s does not take the thinking level %s: use one of %s.",
                       info->name, level, valid);
          return FALSE;
        }
    }

  if (request->image_only && request->search)
    {
      g_set_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                   "Google Search grounding needs text output: turn off image-only.");
      return FALSE;
    }

  if (request->temperature > 2.0)
    {
      g_set_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                   "The temperature %g is out of range: use a value from 0 to 2.",
                   request->temperature);
      return FALSE;
    }
  if (request->seed > G_MAXINT32)
    {
      g_set_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                   "The seed %" G_GINT64_FORMAT " is too large: use a number "
                   "from 0 to %d.", request->seed, G_MAXINT32);
      return FALSE;
    }

  for (guint i = 0; i < request->safety->len; i++)
    {
      const Safety *safety = g_ptr_array_index (request->safety, i);

      if (!strv_has (safety_categories, safety->category))
        {
          g_set_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                       "The safety category “%s” is not one this API knows: use "
                       "HARASSMENT, HATE_SPEECH, SEXUALLY_EXPLICIT or DANGEROUS_CONTENT.",
                       safety->category + strlen ("HARM_CATEGORY_"));
          return FALSE;
        }
      if (!strv_has (safety_thresholds, safety->threshold))
        {
          g_set_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                       "The safety threshold “%s” is not one this API knows: use "
                       "BLOCK_LOW_AND_ABOVE, BLOCK_MEDIUM_AND_ABOVE, BLOCK_ONLY_HIGH, "
                       "BLOCK_NONE or OFF.", safety->threshold);
          return FALSE;
        }
    }

  if (!validate_images (request, error))
    return FALSE;

  inline_bytes = gg_request_inline_size (request);
  if (inline_bytes > request->max_inline)
    {
      g_set_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                   "The images add up to %.1f MB once encoded, over the %.0f MB "
                   "the API accepts inline: select a smaller region, or use fewer "
                   "or smaller reference images.",
                   inline_bytes / 1e6, request->max_inline / 1e6);
      return FALSE;
    }

  return TRUE;
}

/* The prompt text followed by the sentences for the images' roles. */
static gchar *
prompt_text (const GgRequest *request)
{
  GString *text = g_string_new (request->prompt ? request->prompt : "");
  gboolean first = TRUE;

  for (guint i = 0; i < request->images->len; i++)
    {
      const Image      *image = g_ptr_array_index (request->images, i);
      g_autofree gchar *sentence = gg_prompt_role_sentence (image->role, i + 1);

      if (sentence == NULL)
        continue;
      /* A paragraph of its own after the user's words. */
      if (text->len > 0)
        g_string_append (text, first ? "\n\n" : " ");
      g_string_append (text, sentence);
      first = FALSE;
    }

  return g_string_free (text, FALSE);
}

static cJSON *
user_turn_new (const GgRequest *request)
{
  cJSON            *turn = cJSON_CreateObject ();
  cJSON            *parts = cJSON_CreateArray ();
  cJSON            *part = cJSON_CreateObject ();
  g_autofree gchar *text = prompt_text (request);

  cJSON_AddStringToObject (turn, "role", "user");
  cJSON_AddItemToObject (turn, "parts", parts);
  cJSON_AddStringToObject (part, "text", text);
  cJSON_AddItemToArray (parts, part);

  for (guint i = 0; i < request->images->len; i++)
    {
      const Image *image = g_ptr_array_index (request->images, i);
      const gchar *mime = image_mime_type (image);
      cJSON       *inline_data = cJSON_CreateObject ();
      gchar        marker[32];

      if (image->file_uri != NULL)
        {
          cJSON_AddStringToObject (inline_data, "mimeType", mime);
          cJSON_AddStringToObject (inline_data, "fileUri", image->file_uri);
          part = cJSON_CreateObject ();
          cJSON_AddItemToObject (part, "fileData", inline_data);
          cJSON_AddItemToArray (parts, part);
          continue;
        }
      g_snprintf (marker, sizeof marker, MARK_STR "%u" MARK_STR, i);
      cJSON_AddStringToObject (inline_data, "mimeType",
                               mime ? mime : "application/octet-stream");
      cJSON_AddItemToObject (inline_data, "data", cJSON_CreateRaw (marker));
      part = cJSON_CreateObject ();
      cJSON_AddItemToObject (part, "inlineData", inline_data);
      cJSON_AddItemToArray (parts, part);
    }

  return turn;
}

/* Replaces the data of every inlineData below @node by "<N bytes elided>".
 * Depth is bounded by cJSON's nesting limit. */
static void
elide_inline_data (cJSON *node)
{
  cJSON *child;

  cJSON_ArrayForEach (child, node)
    {
      if (cJSON_IsObject (child) && child->string != NULL
          && (strcmp (child->string, "inlineData") == 0
              || strcmp (child->string, "inline_data") == 0))
        {
          cJSON *data = cJSON_GetObjectItemCaseSensitive (child, "data");

          if (cJSON_IsString (data))
            {
              gchar elided[64];

              g_snprintf (elided, sizeof elided, "<%" G_GSIZE_FORMAT " bytes elided>",
                          strlen (data->valuestring));
              cJSON_ReplaceItemInObjectCaseSensitive (child, "data",
                                                      cJSON_CreateString (elided));
            }
        }
      else
        elide_inline_data (child);
    }
}

/* The history for an elided body: the same turns with their images'
 * data left out (logs and --dry-run need not carry earlier images). */
static gchar *
history_elided (const GgRequest *request)
{
  g_autofree gchar *array = g_strconcat ("[", request->history, "]", NULL);
  cJSON            *root = cJSON_Parse (array);
  gchar            *printed;
  gchar            *inner;

  /* Validated by gg_request_set_history (). */
  g_return_val_if_fail (root != NULL, g_strdup (""));
  elide_inline_data (root);
  printed = cJSON_PrintUnformatted (root);
  cJSON_Delete (root);
  inner = g_strndup (printed + 1, strlen (printed) - 2);
  cJSON_free (printed);

  return inner;
}

/* Copies @skeleton, replacing every marker by what it stands for, into a
 * buffer allocated once at its final size.  Returns a g_free-able string. */
static gchar *
splice (const GgRequest *request,
        const gchar     *skeleton,
        gboolean         with_history,
        gboolean         elide_data,
        gsize           *length)
{
  g_autofree gchar *elided_history = NULL;
  const gchar      *history = request->history;
  gsize             history_len = request->history_len;
  gsize             total;
  GString          *out;
  const gchar *p = skeleton;
  const gchar *mark;

  if (with_history && elide_data && history != NULL)
    {
      elided_history = history_elided (request);
      history = elided_history;
      history_len = strlen (elided_history);
    }

  total = strlen (skeleton) + (with_history ? history_len : 0) + 1;
  for (guint i = 0; i < request->images->len; i++)
    {
      const Image *image = g_ptr_array_index (request->images, i);

      /* Room for the encoder's own slack (see g_base64_encode_step). */
      if (image->bytes != NULL)
        total += elide_data ? 48 : base64_length (g_bytes_get_size (image->bytes)) + 8;
    }
  out = g_string_sized_new (total);

  while ((mark = strchr (p, MARK)) != NULL)
    {
      const gchar *end = strchr (mark + 1, MARK);

      g_assert (end != NULL);
      g_string_append_len (out, p, mark - p);

      if (mark[1] == 'H')
        /* The marker is only there when there is a history to splice. */
        g_string_append_len (out, history, history_len);
      else
        {
          guint         index = (guint) g_ascii_strtoull (mark + 1, NULL, 10);
          const Image  *image = g_ptr_array_index (request->images, index);
          gsize         size;
          const guint8 *data = g_bytes_get_data (image->bytes, &size);

          if (elide_data)
            g_string_append_printf (out, "\"<%" G_GSIZE_FORMAT " bytes elided>\"",
                                    base64_length (size));
          else
            {
              gsize start;
              gsize written;
              gint  state = 0;
              gint  save = 0;

              g_string_append_c (out, '"');
              start = out->len;
              /* Grow the length (the buffer is already big enough), encode
               * in place, then cut to what was written. */
              g_string_set_size (out, start + base64_length (size) + 8);
              written = g_base64_encode_step (data, size, FALSE,
                                              out->str + start, &state, &save);
              written += g_base64_encode_close (FALSE, out->str + start + written,
                                                &state, &save);
              g_string_truncate (out, start + written);
              g_string_append_c (out, '"');
            }
        }
      p = end + 1;
    }
  g_string_append (out, p);

  if (length)
    *length = out->len;
  return g_string_free (out, FALSE);
}

static void
add_generation_config (const GgRequest *request,
                       cJSON           *root)
{
  cJSON *config = cJSON_AddObjectToObject (root, "generationConfig");
  cJSON *modalities = cJSON_AddArrayToObject (config, "responseModalities");
  gboolean send_size;

  if (!request->image_only)
    cJSON_AddItemToArray (modalities, cJSON_CreateString ("TEXT"));
  cJSON_AddItemToArray (modalities, cJSON_CreateString ("IMAGE"));

  /* A model known to have no sizes never gets imageSize, even if validation
   * was skipped: sending it there is not known to be safe. */
  send_size = request->image_size != NULL
              && (request->info == NULL || gg_model_has_sizes (request->info));
  if (request->aspect_ratio != NULL || send_size)
    {
      cJSON *image_config = cJSON_AddObjectToObject (config, "imageConfig");

      if (request->aspect_ratio != NULL)
        cJSON_AddStringToObject (image_config, "aspectRatio", request->aspect_ratio);
      if (send_size)
        cJSON_AddStringToObject (image_config, "imageSize", request->image_size);
    }

  if ((request->include_thoughts
       && (request->info == NULL || request->info->thinking))
      || request->thinking_level != NULL)
    {
      cJSON *thinking = cJSON_AddObjectToObject (config, "thinkingConfig");

      if (request->include_thoughts
          && (request->info == NULL || request->info->thinking))
        cJSON_AddTrueToObject (thinking, "includeThoughts");
      if (request->thinking_level != NULL)
        cJSON_AddStringToObject (thinking, "thinkingLevel", request->thinking_level);
    }

  if (request->temperature >= 0)
    cJSON_AddNumberToObject (config, "temperature", request->temperature);
  if (request->seed >= 0)
    cJSON_AddNumberToObject (config, "seed", (gdouble) request->seed);
}

gchar *
gg_request_to_json (const GgRequest *request,
                    gboolean         elide_data,
                    gsize           *length)
{
  cJSON *root = cJSON_CreateObject ();
  cJSON *contents = cJSON_AddArrayToObject (root, "contents");
  gchar *skeleton;
  gchar *body;

  if (request->history != NULL)
    cJSON_AddItemToArray (contents, cJSON_CreateRaw (MARK_STR "H" MARK_STR));
  cJSON_AddItemToArray (contents, user_turn_new (request));

  if (request->system_instruction != NULL && request->system_instruction[0] != '\0')
    {
      cJSON *instruction = cJSON_AddObjectToObject (root, "systemInstruction");
      cJSON *parts = cJSON_AddArrayToObject (instruction, "parts");
      cJSON *part = cJSON_CreateObject ();

      cJSON_AddStringToObject (part, "text", request->system_instruction);
      cJSON_AddItemToArray (parts, part);
    }

  if (request->search)
    {
      cJSON *tools = cJSON_AddArrayToObject (root, "tools");
      cJSON *tool = cJSON_CreateObject ();

      cJSON_AddObjectToObject (tool, "googleSearch");
      cJSON_AddItemToArray (tools, tool);
    }

  if (request->safety->len > 0)
    {
      cJSON *settings = cJSON_AddArrayToObject (root, "safetySettings");

      for (guint i = 0; i < request->safety->len; i++)
        {
          const Safety *safety = g_ptr_array_index (request->safety, i);
          cJSON        *setting = cJSON_CreateObject ();

          cJSON_AddStringToObject (setting, "category", safety->category);
          cJSON_AddStringToObject (setting, "threshold", safety->threshold);
          cJSON_AddItemToArray (settings, setting);
        }
    }

  add_generation_config (request, root);
  /* Since 2026-10-26 new paid projects keep requests (prompts, images,
   * answers) for up to 55 days unless told not to. */
  cJSON_AddBoolToObject (root, "store", request->store);

  skeleton = cJSON_PrintUnformatted (root);
  cJSON_Delete (root);
  body = splice (request, skeleton, TRUE, elide_data, length);
  cJSON_free (skeleton);

  return body;
}

gchar *
gg_request_user_turn_json (const GgRequest *request)
{
  cJSON *turn = user_turn_new (request);
  gchar *skeleton = cJSON_PrintUnformatted (turn);
  gchar *json;

  cJSON_Delete (turn);
  json = splice (request, skeleton, FALSE, FALSE, NULL);
  cJSON_free (skeleton);

  return json;
}
