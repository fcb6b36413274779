/* gg-response.c: reading a generateContent answer.
 *
 * The answer may be tens of megabytes of base64.  When the caller keeps
 * the model turn (the history needs the data as received), cJSON holds each
 * data string once; the turn is printed first, then each string is taken
 * from the tree, validated and decoded in place, and handed to a GBytes: no
 * further copy.  Without the model turn (one-shot callers) cJSON never sees
 * the data at all: a scan of the body finds every inlineData.data string,
 * cJSON parses a skeleton of the body in which each is replaced by "#N",
 * and the image is decoded straight from the body into its GBytes.  The
 * body and the decoded images are all that is ever held (4K: 12 + 9 MiB,
 * instead of 12 + 12 with cJSON's copy).  The scan gives up, and the plain
 * path runs, on anything it would not read exactly as cJSON does.
 *
 * Malformed input is a normal event here (proxies, truncation, hostile
 * servers): every field is type-checked and a wrong one is reported by its
 * path, never dereferenced.  cJSON refuses nesting deeper than
 * CJSON_NESTING_LIMIT, so deep input cannot exhaust the stack.
 */
#include "gg-response.h"

#include <string.h>

#include <cjson/cJSON.h>

#include "gg-api-error.h"
#include "gg-catalogue.h"
#include "gg-error.h"

#define MAX_THOUGHT_IMAGES 4

#define DEFAULT_MAX_IMAGES      16
#define DEFAULT_MAX_IMAGE_BYTES ((gsize) 64 * 1024 * 1024)
#define EXCERPT_CHARS           60
#define QUOTE_CHARS             200

static void
part_free (gpointer data)
{
  GgPart *part = data;

  g_free (part->thought_signature);
  g_free (part->text);
  g_free (part->declared_mime);
  if (part->data)
    g_bytes_unref (part->data);
  g_free (part);
}

static void
source_free (gpointer data)
{
  GgSource *source = data;

  g_free (source->title);
  g_free (source->uri);
  g_free (source);
}

void
gg_response_free (GgResponse *response)
{
  if (response == NULL)
    return;

  g_ptr_array_unref (response->parts);
  g_free (response->finish_reason);
  g_free (response->finish_message);
  g_free (response->block_reason);
  g_free (response->block_message);
  g_free (response->model_version);
  g_free (response->response_id);
  g_free (response->search_entry_html);
  g_ptr_array_unref (response->sources);
  g_strfreev (response->search_queries);
  g_free (response->model_turn_json);
  g_free (response);
}

static gboolean
malformed (GError     **error,
           const gchar *path,
           const gchar *what)
{
  g_set_error (error, GG_ERROR, GG_ERROR_BAD_RESPONSE,
               "The server's answer is malformed (%s is not %s): try again, "
               "and check GOOGLE_GEMINI_BASE_URL if it keeps happening.",
               path, what);
  return FALSE;
}

/* The member @key of @object, or NULL when absent or null (both mean "not
 * given" in proto3 JSON). */
static const cJSON *
member (const cJSON *object,
        const gchar *key)
{
  const cJSON *item = cJSON_GetObjectItemCaseSensitive (object, key);

  return cJSON_IsNull (item) ? NULL : item;
}

/* Each getter leaves its output alone when the member is absent, and fails
 * with the member's path when it has the wrong type. */
static gboolean
get_string (const cJSON *object,
            const gchar *key,
            const gchar *path,
            gchar      **out,
            GError     **error)
{
  const cJSON *item = member (object, key);

  if (item == NULL)
    return TRUE;
  if (!cJSON_IsString (item))
    {
      g_autofree gchar *where = g_strconcat (path, key, NULL);
      return malformed (error, where, "a string");
    }
  g_free (*out);
  *out = g_utf8_make_valid (item->valuestring, -1);
  return TRUE;
}

static gboolean
get_int (const cJSON *object,
         const gchar *key,
         const gchar *path,
         gint        *out,
         GError     **error)
{
  const cJSON *item = member (object, key);
  gdouble      value;

  if (item == NULL)
    return TRUE;
  /* proto3 JSON may write 64-bit integers as strings. */
  if (cJSON_IsString (item))
    {
      gchar *end;

      value = g_ascii_strtod (item->valuestring, &end);
      if (*end != '\0' || end == item->valuestring)
        {
          g_autofree gchar *where = g_strconcat (path, key, NULL);
          return malformed (error, where, "a number");
        }
    }
  else if (cJSON_IsNumber (item))
    value = item->valuedouble;
  else
    {
      g_autofree gchar *where = g_strconcat (path, key, NULL);
      return malformed (error, where, "a number");
    }
  *out = (gint) CLAMP (value, 0, G_MAXINT);
  return TRUE;
}

static gboolean
get_typed (const cJSON  *object,
           const gchar  *key,
           const gchar  *path,
           cJSON_bool  (*is) (const cJSON *),
           const gchar  *what,
           const cJSON **out,
           GError      **error)
{
  const cJSON *item = member (object, key);

  *out = NULL;
  if (item == NULL)
    return TRUE;
  if (!is (item))
    {
      g_autofree gchar *where = g_strconcat (path, key, NULL);
      return malformed (error, where, what);
    }
  *out = item;
  return TRUE;
}

#define get_object(o, k, p, out, e) get_typed (o, k, p, cJSON_IsObject, "an object", out, e)
#define get_array(o, k, p, out, e)  get_typed (o, k, p, cJSON_IsArray, "a list", out, e)

/* Strict base64 (standard or URL-safe alphabet, padding optional): the
 * @full_len characters of @text decoded into @out, which may be @text
 * itself (decoding in place) or hold full_len / 4 * 3 + 2 bytes.  GLib's
 * decoder skips characters outside the alphabet, which would turn a
 * corrupt answer into a silently wrong image.
 *
 * Four characters a step through four tables holding each character's six
 * bits already in place (a character outside the alphabet sets bit 31 in
 * all four), so that a quantum is three loads, three ORs and one test:
 * about 1 GB/s, against 0.3 GB/s for a character at a time (a 4K answer
 * holds 40 MB of base64). */
typedef struct
{
  guint32 shifted[4][256];
} Base64Tables;

static const Base64Tables *
base64_tables (void)
{
  static Base64Tables tables;
  static gsize        init = 0;

  if (g_once_init_enter (&init))
    {
      const gchar *alphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

      for (guint k = 0; k < 4; k++)
        for (guint c = 0; c < 256; c++)
          tables.shifted[k][c] = 0x80000000u;
      for (guint v = 0; v < 66; v++)
        {
          guint8 c = v < 64 ? (guint8) alphabet[v] : v == 64 ? '-' : '_';
          guint  six = v < 64 ? v : v - 2;      /* '-' = 62, '_' = 63 */

          for (guint k = 0; k < 4; k++)
            tables.shifted[k][c] = (guint32) six << (18 - 6 * k);
        }
      g_once_init_leave (&init, 1);
    }
  return &tables;
}

static gboolean
base64_decode (const gchar *text,
               gsize        full_len,
               guint8      *out,
               gsize       *length)
{
  const Base64Tables *t = base64_tables ();
  const guint8       *in = (const guint8 *) text;
  gsize               len = full_len;
  gsize               n_out = 0;
  gsize               i = 0;
  guint32             bad = 0;
  guint               rest;

  /* Padding only at the very end, at most two, completing a quantum. */
  while (len > 0 && text[len - 1] == '=')
    len--;
  if (full_len - len > 2 || (full_len > len && full_len % 4 != 0))
    return FALSE;
  if (len % 4 == 1)
    return FALSE;

  for (; i + 4 <= len; i += 4)
    {
      guint32 q = t->shifted[0][in[i]] | t->shifted[1][in[i + 1]]
                | t->shifted[2][in[i + 2]] | t->shifted[3][in[i + 3]];

      bad |= q;
      out[n_out]     = (guint8) (q >> 16);
      out[n_out + 1] = (guint8) (q >> 8);
      out[n_out + 2] = (guint8) q;
      n_out += 3;
      /* Stop early on garbage, checked once every 4 KiB of input. */
      if ((i & 4095) == 0 && (bad & 0x80000000u))
        return FALSE;
    }
  rest = (guint) (len - i);
  if (rest > 0)
    {
      guint32 q = 0;

      for (guint k = 0; k < rest; k++)
        q |= t->shifted[k][in[i + k]];
      bad |= q;
      out[n_out++] = (guint8) (q >> 16);
      if (rest == 3)
        out[n_out++] = (guint8) (q >> 8);
    }
  if (bad & 0x80000000u)
    return FALSE;

  *length = n_out;
  return TRUE;
}

/* ---- the data strings, straight from the body --------------------------- */

/* Where each inlineData.data string of the body lies (its characters,
 * without the quotes). */
typedef struct
{
  const gchar *body;
  GArray      *spans;     /* of Span */
} Spans;

typedef struct
{
  gsize offset;
  gsize length;
} Span;

enum { KEY_OTHER, KEY_INLINE, KEY_DATA };

/* The bracket nesting the scan follows; deeper bodies take the plain path
 * (cJSON refuses them anyway past CJSON_NESTING_LIMIT). */
#define SCAN_DEPTH 64

/* The index of the quote closing the string that starts at @start (or
 * @length when it is unterminated); *@escaped when it holds a backslash.
 * memchr finds the quotes at memory speed: a 4K answer is one 40 MB
 * string and a few MB of signatures. */
static gsize
string_end (const gchar *body,
            gsize        start,
            gsize        length,
            gboolean    *escaped)
{
  gsize i = start;

  for (;;)
    {
      const gchar *quote = memchr (body + i, '"', length - i);
      gsize        end = quote ? (gsize) (quote - body) : length;
      const gchar *slash = memchr (body + i, '\\', end - i);

      if (slash == NULL)
        return end;
      /* An escape: what it escapes (maybe a quote) is not the end. */
      *escaped = TRUE;
      i = (gsize) (slash - body) + 2;
      if (i >= length)
        return length;
    }
}

/* Finds every string value of a "data" member of an object that is the
 * value of an "inlineData" or "inline_data" member, at any depth.  FALSE
 * (take the plain path) when the scan could read the body differently
 * from cJSON: an escape in a key or in such a data string, a NUL byte in
 * one, an unterminated string or bracket, deep nesting. */
static gboolean
scan_spans (const gchar *body,
            gsize        length,
            GArray      *spans)
{
  guint8  parent[SCAN_DEPTH];   /* per open bracket: the key it is the value of */
  guint   depth = 0;
  gint    pending = -1;         /* a key and its ':' seen, its value not yet */
  gsize   i = 0;

  while (i < length)
    {
      guchar c = body[i];

      if (c == '"')
        {
          gsize    start = ++i;
          gboolean escaped = FALSE;
          gsize    j;

          i = string_end (body, start, length, &escaped);
          if (i >= length)
            return FALSE;
          /* A key: the next significant character is ':'. */
          for (j = i + 1; j < length && g_ascii_isspace (body[j]); j++)
            ;
          if (j < length && body[j] == ':' && pending < 0)
            {
              gsize n = i - start;

              if (escaped)
                return FALSE;
              if (n == 4 && memcmp (body + start, "data", 4) == 0)
                pending = KEY_DATA;
              else if ((n == 10 && memcmp (body + start, "inlineData", 10) == 0)
                       || (n == 11 && memcmp (body + start, "inline_data", 11) == 0))
                pending = KEY_INLINE;
              else
                pending = KEY_OTHER;
              i = j + 1;
              continue;
            }
          if (pending == KEY_DATA && depth > 0 && parent[depth - 1] == KEY_INLINE)
            {
              Span span = { start, i - start };

              /* Any character outside the alphabet fails base64_decode,
               * with the sentence the plain path gives it; but cJSON's
               * string ends at a NUL byte (the plain path would decode
               * what comes before it), and an escape reads otherwise. */
              if (escaped || memchr (body + start, '\0', i - start) != NULL)
                return FALSE;
              g_array_append_val (spans, span);
            }
          pending = -1;
          i++;
          continue;
        }
      if (c == '{' || c == '[')
        {
          if (depth == SCAN_DEPTH)
            return FALSE;
          parent[depth++] = c == '{' && pending >= 0 ? (guint8) pending : KEY_OTHER;
          pending = -1;
        }
      else if (c == '}' || c == ']')
        {
          if (depth == 0)
            return FALSE;
          depth--;
          pending = -1;
        }
      else if (c == ',')
        pending = -1;
      i++;
    }
  return depth == 0;
}

/* The body with each span's characters replaced by "#N" (N its index):
 * what cJSON parses instead of the body.  g_free. */
static gchar *
skeleton (const gchar *body,
          gsize        length,
          GArray      *spans,
          gsize       *out_length)
{
  GString *out = g_string_sized_new (4096);
  gsize    at = 0;

  for (guint k = 0; k < spans->len; k++)
    {
      const Span *span = &g_array_index (spans, Span, k);

      g_string_append_len (out, body + at, span->offset - at);
      g_string_append_printf (out, "#%u", k);
      at = span->offset + span->length;
    }
  g_string_append_len (out, body + at, length - at);
  *out_length = out->len;
  return g_string_free (out, FALSE);
}

/* The span a skeleton's "#N" stands for; NULL when @text is not one. */
static const Span *
span_of (const Spans *spans,
         const gchar *text)
{
  guint64 k;

  if (spans == NULL || text[0] != '#'
      || !g_ascii_string_to_unsigned (text + 1, 10, 0, spans->spans->len - 1, &k, NULL))
    return NULL;
  return &g_array_index (spans->spans, Span, k);
}

static gboolean
parse_image (GgPart                 *part,
             cJSON                  *inline_data,
             const gchar            *path,
             gsize                   max_bytes,
             const Spans            *spans,
             GError                **error)
{
  cJSON       *data = cJSON_GetObjectItemCaseSensitive (inline_data, "data");
  const Span  *span;
  gchar       *text;
  gsize        len;
  gboolean     valid;

  if (!get_string (inline_data, "mimeType", path, &part->declared_mime, error))
    return FALSE;
  if (!cJSON_IsString (data))
    {
      g_autofree gchar *where = g_strconcat (path, "data", NULL);
      return malformed (error, where, "a string");
    }

  span = span_of (spans, data->valuestring);
  len = span ? span->length : strlen (data->valuestring);
  if (len / 4 * 3 > max_bytes)
    {
      g_set_error (error, GG_ERROR, GG_ERROR_TOO_LARGE,
                   "An image in the answer is larger than the limit of %"
                   G_GSIZE_FORMAT " MiB: ask for a smaller image size.",
                   max_bytes / (1024 * 1024));
      return FALSE;
    }

  if (span != NULL)
    {
      /* Straight from the body into the image's storage. */
      text = g_try_malloc (len / 4 * 3 + 3);
      if (text == NULL)
        {
          g_set_error (error, GG_ERROR, GG_ERROR_TOO_LARGE,
                       "An image in the answer (%" G_GSIZE_FORMAT " MiB) does not fit "
                       "in memory: ask for a smaller image size.", len / 4 * 3 >> 20);
          return FALSE;
        }
      valid = base64_decode (spans->body + span->offset, len, (guint8 *) text, &len);
    }
  else
    {
      /* Take the string from the tree: it becomes the image's storage. */
      text = data->valuestring;
      data->valuestring = NULL;
      valid = base64_decode (text, len, (guint8 *) text, &len);
    }
  if (!valid || len == 0)
    {
      g_autofree gchar *where = g_strconcat (path, "data", NULL);

      g_free (text);
      g_set_error (error, GG_ERROR, GG_ERROR_BAD_RESPONSE,
                   "The server's answer is malformed (%s is not valid base64 "
                   "image data): try again.", where);
      return FALSE;
    }
  /* cJSON allocates with malloc (no hooks are installed), and g_free is
   * free since GLib 2.46. */
  part->data = g_bytes_new_take (text, len);
  part->format = gg_image_sniff ((const guint8 *) text, len);

  return TRUE;
}

static gboolean
parse_parts (GgResponse             *response,
             const cJSON            *parts,
             const GgResponseLimits *limits,
             const Spans            *spans,
             GError                **error)
{
  guint  max_images = limits && limits->max_images ? limits->max_images
                                                   : DEFAULT_MAX_IMAGES;
  gsize  max_bytes = limits && limits->max_image_bytes ? limits->max_image_bytes
                                                       : DEFAULT_MAX_IMAGE_BYTES;
  guint  n_images = 0;
  guint  n_thought_images = 0;
  guint  index = 0;
  cJSON *item;

  cJSON_ArrayForEach (item, parts)
    {
      g_autofree gchar *path = g_strdup_printf ("candidates[0].content.parts[%u].",
                                                index++);
      const cJSON      *thought;
      const cJSON      *inline_data;
      GgPart           *part;

      if (!cJSON_IsObject (item))
        {
          path[strlen (path) - 1] = '\0';
          return malformed (error, path, "an object");
        }

      part = g_new0 (GgPart, 1);
      part->kind = GG_PART_OTHER;
      g_ptr_array_add (response->parts, part);

      if (!get_typed (item, "thought", path, cJSON_IsBool, "true or false",
                      &thought, error)
          || !get_string (item, "thoughtSignature", path,
                          &part->thought_signature, error))
        return FALSE;
      part->thought = cJSON_IsTrue (thought);

      if (!get_object (item, "inlineData", path, &inline_data, error))
        return FALSE;
      if (inline_data == NULL
          && !get_object (item, "inline_data", path, &inline_data, error))
        return FALSE;

      if (member (item, "text") != NULL)
        {
          part->kind = GG_PART_TEXT;
          part->text = g_strdup ("");
          if (!get_string (item, "text", path, &part->text, error))
            return FALSE;
        }
      else if (inline_data != NULL)
        {
          g_autofree gchar *data_path = g_strconcat (path, "inlineData.", NULL);

          /* Past the limit, images are dropped, not the answer: the ones
           * kept are paid for.  Thought images have their own small cap so
           * that they can never crowd out a result. */
          if (part->thought ? ++n_thought_images > MAX_THOUGHT_IMAGES
                            : ++n_images > max_images)
            {
              if (!part->thought)
                response->images_dropped++;
              continue;
            }
          part->kind = GG_PART_IMAGE;
          if (!parse_image (part, (cJSON *) inline_data, data_path, max_bytes, spans,
                            error))
            return FALSE;
        }
    }

  return TRUE;
}

static gboolean
parse_grounding (GgResponse  *response,
                 const cJSON *grounding,
                 GError     **error)
{
  const gchar *path = "candidates[0].groundingMetadata.";
  const cJSON *entry;
  const cJSON *chunks;
  const cJSON *queries;
  const cJSON *item;
  guint        index = 0;

  if (!get_object (grounding, "searchEntryPoint", path, &entry, error))
    return FALSE;
  if (entry != NULL
      && !get_string (entry, "renderedContent",
                      "candidates[0].groundingMetadata.searchEntryPoint.",
                      &response->search_entry_html, error))
    return FALSE;

  if (!get_array (grounding, "groundingChunks", path, &chunks, error))
    return FALSE;
  cJSON_ArrayForEach (item, chunks)
    {
      g_autofree gchar *chunk_path =
        g_strdup_printf ("%sgroundingChunks[%u].", path, index++);
      g_autofree gchar *web_path = g_strconcat (chunk_path, "web.", NULL);
      const cJSON      *web;
      GgSource         *source;

      if (!cJSON_IsObject (item))
        {
          chunk_path[strlen (chunk_path) - 1] = '\0';
          return malformed (error, chunk_path, "an object");
        }
      if (!get_object (item, "web", chunk_path, &web, error))
        return FALSE;
      if (web == NULL)
        continue;   /* another kind of source (retrieved context, maps) */

      source = g_new0 (GgSource, 1);
      g_ptr_array_add (response->sources, source);
      if (!get_string (web, "uri", web_path, &source->uri, error)
          || !get_string (web, "title", web_path, &source->title, error))
        return FALSE;
    }

  if (!get_array (grounding, "webSearchQueries", path, &queries, error))
    return FALSE;
  if (queries != NULL)
    {
      GPtrArray *strv = g_ptr_array_new_with_free_func (g_free);

      index = 0;
      cJSON_ArrayForEach (item, queries)
        {
          if (!cJSON_IsString (item))
            {
              g_autofree gchar *where =
                g_strdup_printf ("%swebSearchQueries[%u]", path, index);

              g_ptr_array_unref (strv);
              return malformed (error, where, "a string");
            }
          g_ptr_array_add (strv, g_utf8_make_valid (item->valuestring, -1));
          index++;
        }
      g_ptr_array_add (strv, NULL);
      g_ptr_array_set_free_func (strv, NULL);
      response->search_queries = (GStrv) g_ptr_array_free (strv, FALSE);
    }

  return TRUE;
}

static gboolean
parse_usage (GgUsage     *usage,
             const cJSON *metadata,
             GError     **error)
{
  const gchar *path = "usageMetadata.";
  const cJSON *details;
  const cJSON *item;
  guint        index = 0;

  if (!get_int (metadata, "promptTokenCount", path, &usage->prompt_tokens, error)
      || !get_int (metadata, "candidatesTokenCount", path, &usage->candidates_tokens, error)
      || !get_int (metadata, "thoughtsTokenCount", path, &usage->thoughts_tokens, error)
      || !get_int (metadata, "totalTokenCount", path, &usage->total_tokens, error)
      || !get_array (metadata, "candidatesTokensDetails", path, &details, error))
    return FALSE;

  cJSON_ArrayForEach (item, details)
    {
      g_autofree gchar *detail_path =
        g_strdup_printf ("%scandidatesTokensDetails[%u].", path, index++);
      g_autofree gchar *modality = NULL;
      gint              tokens = 0;

      if (!cJSON_IsObject (item))
        {
          detail_path[strlen (detail_path) - 1] = '\0';
          return malformed (error, detail_path, "an object");
        }
      if (!get_string (item, "modality", detail_path, &modality, error)
          || !get_int (item, "tokenCount", detail_path, &tokens, error))
        return FALSE;

      if (g_strcmp0 (modality, "IMAGE") == 0)
        usage->image_output_tokens += tokens;
      else if (g_strcmp0 (modality, "TEXT") == 0)
        usage->text_output_tokens += tokens;
    }

  return TRUE;
}

/* TRUE when @body ends inside a string or an open object or array: an
 * answer cut short on the way, rather than one that was wrong as sent. */
static gboolean
json_cut_short (const gchar *body,
                gsize        length)
{
  gsize    depth = 0;
  gboolean in_string = FALSE;

  for (gsize i = 0; i < length; i++)
    {
      gchar c = body[i];

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
        }
      else if (c == '"')
        in_string = TRUE;
      else if (c == '{' || c == '[')
        depth++;
      else if ((c == '}' || c == ']') && depth > 0)
        depth--;
    }
  return in_string || depth > 0;
}

static GError *
not_a_response (const gchar *body,
                gsize        length,
                gboolean     cut_short)
{
  g_autofree gchar *excerpt = NULL;

  if (length == 0)
    return g_error_new (GG_ERROR, GG_ERROR_BAD_RESPONSE,
                        "The server answered with an empty body instead of a "
                        "Gemini response: try again.");

  /* A 200 with a web page is a captive portal or a proxy, not Google:
   * show its words, not its tags. */
  if (memchr (body, '<', MIN (length, 64)) != NULL && body[0] != '{')
    {
      excerpt = gg_excerpt (body, length, EXCERPT_CHARS, TRUE);
      return g_error_new (GG_ERROR, GG_ERROR_BAD_RESPONSE,
                          "The server answered with a web page instead of a "
                          "Gemini response (“%s”): a proxy, captive portal or "
                          "network problem between you and Google.", excerpt);
    }
  excerpt = gg_excerpt (body, length, EXCERPT_CHARS, FALSE);
  /* JSON whose parse fails at its very end was cut short on the way. */
  if (cut_short)
    return g_error_new (GG_ERROR, GG_ERROR_BAD_RESPONSE,
                        "The server's answer was cut short or is not valid JSON "
                        "(“%s”): try again.", excerpt);
  return g_error_new (GG_ERROR, GG_ERROR_BAD_RESPONSE,
                      "The server answered with something that is not a Gemini "
                      "response: “%s”.", excerpt);
}

static gboolean
parse_root (GgResponse             *response,
            cJSON                  *root,
            const GgResponseLimits *limits,
            const Spans            *spans,
            GError                **error)
{
  const cJSON *feedback;
  const cJSON *metadata;
  const cJSON *candidates;
  const cJSON *candidate;
  const cJSON *content;
  const cJSON *parts;
  const cJSON *grounding;

  if (!get_object (root, "promptFeedback", "", &feedback, error))
    return FALSE;
  if (feedback != NULL
      && (!get_string (feedback, "blockReason", "promptFeedback.",
                       &response->block_reason, error)
          || !get_string (feedback, "blockReasonMessage", "promptFeedback.",
                          &response->block_message, error)))
    return FALSE;

  if (!get_object (root, "usageMetadata", "", &metadata, error))
    return FALSE;
  if (metadata != NULL && !parse_usage (&response->usage, metadata, error))
    return FALSE;

  if (!get_string (root, "modelVersion", "", &response->model_version, error)
      || !get_string (root, "responseId", "", &response->response_id, error))
    return FALSE;

  if (!get_array (root, "candidates", "", &candidates, error))
    return FALSE;
  candidate = cJSON_GetArrayItem (candidates, 0);
  if (candidate == NULL)
    return TRUE;
  if (!cJSON_IsObject (candidate))
    return malformed (error, "candidates[0]", "an object");

  if (!get_string (candidate, "finishReason", "candidates[0].",
                   &response->finish_reason, error)
      || !get_string (candidate, "finishMessage", "candidates[0].",
                      &response->finish_message, error)
      || !get_object (candidate, "groundingMetadata", "candidates[0].",
                      &grounding, error)
      || !get_object (candidate, "content", "candidates[0].", &content, error))
    return FALSE;

  if (grounding != NULL && !parse_grounding (response, grounding, error))
    return FALSE;

  if (content == NULL)
    return TRUE;
  if (!get_array (content, "parts", "candidates[0].content.", &parts, error))
    return FALSE;

  /* Printed before the data strings are taken out of the tree: the history
   * needs the turn exactly as received, images and signatures included.
   * cJSON prints with malloc; g_free is free. */
  if (limits == NULL || !limits->skip_model_turn)
    response->model_turn_json = cJSON_PrintUnformatted (content);

  return parts == NULL || parse_parts (response, parts, limits, spans, error);
}

GgResponse *
gg_response_parse (const gchar            *body,
                   gsize                   length,
                   const GgResponseLimits *limits,
                   GError                **error)
{
  g_autoptr(GgResponse) response = NULL;
  g_autoptr(GArray)     found = NULL;
  g_autofree gchar     *bones = NULL;
  Spans                 spans = { body, NULL };
  const cJSON          *api_error;
  cJSON                *root;

  if (body == NULL)
    {
      body = "";
      length = 0;
    }
  /* Without the model turn nothing needs the data as text: keep it out of
   * cJSON (see the top of the file). */
  if (limits != NULL && limits->skip_model_turn && length > 0)
    {
      found = g_array_new (FALSE, FALSE, sizeof (Span));
      if (scan_spans (body, length, found) && found->len > 0)
        spans.spans = found;
    }
  if (spans.spans != NULL)
    {
      gsize bones_length;

      bones = skeleton (body, length, spans.spans, &bones_length);
      root = cJSON_ParseWithLength (bones, bones_length);
    }
  else
    root = length > 0 ? cJSON_ParseWithLength (body, length) : NULL;
  if (!cJSON_IsObject (root))
    {
      cJSON_Delete (root);
      g_propagate_error (error, not_a_response (body, length,
                                                 (body[0] == '{' || body[0] == '[')
                                                 && json_cut_short (body, length)));
      return NULL;
    }

  /* An error body that came with a 2xx (seen behind some gateways). */
  api_error = cJSON_GetObjectItemCaseSensitive (root, "error");
  if (cJSON_IsObject (api_error)
      && cJSON_GetObjectItemCaseSensitive (root, "candidates") == NULL)
    {
      const cJSON            *code = cJSON_GetObjectItemCaseSensitive (api_error, "code");
      g_autoptr(GgApiError)   parsed = NULL;

      parsed = gg_api_error_parse (cJSON_IsNumber (code) ? (gint) code->valuedouble : 500,
                                   body, length);
      cJSON_Delete (root);
      g_propagate_error (error, gg_api_error_to_gerror (parsed, NULL));
      return NULL;
    }

  response = g_new0 (GgResponse, 1);
  response->parts = g_ptr_array_new_with_free_func (part_free);
  response->sources = g_ptr_array_new_with_free_func (source_free);

  if (!parse_root (response, root, limits, spans.spans ? &spans : NULL, error))
    {
      cJSON_Delete (root);
      return NULL;
    }
  cJSON_Delete (root);

  return g_steal_pointer (&response);
}

static GPtrArray *
images (const GgResponse *response,
        gboolean          thought)
{
  GPtrArray *list = g_ptr_array_new ();

  for (guint i = 0; i < response->parts->len; i++)
    {
      GgPart *part = g_ptr_array_index (response->parts, i);

      if (part->kind == GG_PART_IMAGE && !part->thought == !thought)
        g_ptr_array_add (list, part);
    }
  return list;
}

GPtrArray *
gg_response_images (const GgResponse *response)
{
  return images (response, FALSE);
}

GPtrArray *
gg_response_thought_images (const GgResponse *response)
{
  return images (response, TRUE);
}

gchar *
gg_response_text (const GgResponse *response)
{
  GString *text = NULL;

  for (guint i = 0; i < response->parts->len; i++)
    {
      GgPart *part = g_ptr_array_index (response->parts, i);

      if (part->kind != GG_PART_TEXT || part->thought || part->text[0] == '\0')
        continue;
      if (text == NULL)
        text = g_string_new (part->text);
      else
        {
          g_string_append_c (text, '\n');
          g_string_append (text, part->text);
        }
    }

  return text ? g_string_free (text, FALSE) : NULL;
}

/* What a finishReason that withholds the image means, in words. */
static const struct
{
  const gchar *reason;
  const gchar *words;
} safety_reasons[] =
{
  { "SAFETY",                   "the answer was stopped by the safety filters" },
  { "IMAGE_SAFETY",             "the image was withheld by the image safety filters" },
  { "PROHIBITED_CONTENT",       "the request touches content the service prohibits" },
  { "IMAGE_PROHIBITED_CONTENT", "the image would show content the service prohibits" },
  { "BLOCKLIST",                "the request contains terms on a blocklist" },
  { "SPII",                     "the answer could contain sensitive personal information" },
  { "RECITATION",               "the answer would reproduce existing material too closely" },
  { "IMAGE_RECITATION",         "the image would reproduce an existing image too closely" },
};

static const gchar *
no_image_remedy (const gchar *reason)
{
  if (g_strcmp0 (reason, "MAX_TOKENS") == 0)
    return "the answer ran out of tokens before an image came: shorten the "
           "prompt or try again";
  if (g_strcmp0 (reason, "NO_IMAGE") == 0 || g_strcmp0 (reason, "IMAGE_OTHER") == 0)
    return "rephrase the prompt to ask plainly for an image, or try again";
  return "ask explicitly for an image (\"generate an image of...\") or try again";
}

gboolean
gg_response_check (const GgResponse *response,
                   GError          **error)
{
  g_autoptr(GPtrArray) results = NULL;
  g_autofree gchar    *text = NULL;
  const gchar         *reason = response->finish_reason;

  if (response->block_reason != NULL)
    {
      g_set_error (error, GG_ERROR, GG_ERROR_BLOCKED,
                   "The prompt was blocked (%s%s%s): rephrase it, or choose "
                   "other reference images.",
                   response->block_reason,
                   response->block_message ? ": " : "",
                   response->block_message ? response->block_message : "");
      return FALSE;
    }

  results = gg_response_images (response);
  if (results->len > 0)
    return TRUE;

  for (guint i = 0; reason && i < G_N_ELEMENTS (safety_reasons); i++)
    if (strcmp (reason, safety_reasons[i].reason) == 0)
      {
        g_set_error (error, GG_ERROR, GG_ERROR_SAFETY,
                     "No image: %s (%s%s%s); rephrase the prompt or change the "
                     "input.",
                     safety_reasons[i].words, reason,
                     response->finish_message ? ": " : "",
                     response->finish_message ? response->finish_message : "");
        return FALSE;
      }

  text = gg_response_text (response);
  if (text != NULL)
    {
      g_autofree gchar *quote = gg_excerpt (text, -1, QUOTE_CHARS, FALSE);

      g_set_error (error, GG_ERROR, GG_ERROR_NO_IMAGE,
                   "The model answered with text only%s%s%s: “%s”; %s.",
                   reason ? " (" : "", reason ? reason : "", reason ? ")" : "",
                   quote, no_image_remedy (reason));
    }
  else if (response->parts->len == 0 && reason == NULL)
    g_set_error (error, GG_ERROR, GG_ERROR_NO_IMAGE,
                 "The model returned an empty answer: try again.");
  else
    g_set_error (error, GG_ERROR, GG_ERROR_NO_IMAGE,
                 "The model returned no image%s%s%s%s%s: %s.",
                 reason ? " (" : "", reason ? reason : "",
                 response->finish_message ? ": " : "",
                 response->finish_message ? response->finish_message : "",
                 reason ? ")" : "",
                 no_image_remedy (reason));
  return FALSE;
}

/* The catalogue size whose square output is nearest the image's pixel
 * count: the answer does not say which size it was made at. */
static const gchar *
guess_size (const GgModel *model,
            const GgPart  *part)
{
  const gchar *best = model->default_size;
  gdouble      best_distance = G_MAXDOUBLE;
  gsize        len;
  const guint8 *data = g_bytes_get_data (part->data, &len);
  GgFormat     format;
  gint         width;
  gint         height;

  if (!gg_image_probe (data, len, &format, &width, &height, NULL))
    return best;

  for (guint i = 0; i < model->dims->len; i++)
    {
      const GgDimensions *d = g_ptr_array_index (model->dims, i);
      gdouble             distance = ABS ((gdouble) d->width * d->height
                                          - (gdouble) width * height);

      if (distance < best_distance)
        {
          best_distance = distance;
          best = d->size;
        }
    }
  return best;
}

gdouble
gg_response_cost (const GgResponse *response,
                  const gchar      *model)
{
  const GgModel *info = gg_catalogue_lookup (model);
  const GgUsage *usage = &response->usage;
  gdouble        image_tokens = usage->image_output_tokens;
  gdouble        text_tokens = usage->text_output_tokens;

  if (info == NULL || !gg_model_prices_known (info))
    return -1;

  if (usage->image_output_tokens == 0 && usage->text_output_tokens == 0)
    {
      g_autoptr(GPtrArray) results = gg_response_images (response);

      /* No breakdown by modality: the catalogue's tokens per result image
       * (thought images are not billed), the rest as text. */
      image_tokens = 0;
      for (guint i = 0; i < results->len; i++)
        image_tokens += gg_model_image_tokens (info,
                                               guess_size (info,
                                                           g_ptr_array_index (results, i)));
      text_tokens = MAX (0, usage->candidates_tokens - image_tokens);
    }

  return (image_tokens * info->price_image_output
          + (text_tokens + usage->thoughts_tokens) * info->price_text_output
          + usage->prompt_tokens * info->price_input) / 1e6;
}
