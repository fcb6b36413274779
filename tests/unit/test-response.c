/* test-response.c: reading answers, good, odd and hostile. */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "gg-error.h"
#include "gg-response.h"
#include "gg-test-util.h"

#define PNG_B64 "iVBORw0KGgoAAAANSUhEUgAAAAQAAAAECAIAAAAmkwkpAAAAEElEQVR42mP8z4AATAxEcQAz0QEH0oWRNwAAAABJRU5ErkJggg=="

static GgResponse *
parse_file (const gchar *name,
            GError     **error)
{
  g_autofree gchar *path = g_build_filename ("responses", name, NULL);
  g_autoptr(GBytes) bytes = gg_test_data (path);
  gsize             size;
  const gchar      *body = g_bytes_get_data (bytes, &size);

  return gg_response_parse (body, size, NULL, error);
}

static GgResponse *
parse_ok (const gchar *name)
{
  g_autoptr(GError) error = NULL;
  GgResponse       *response = parse_file (name, &error);

  g_assert_no_error (error);
  g_assert_nonnull (response);
  return response;
}

static void
assert_parse_fails (const gchar *body,
                    gint         code,
                    const gchar *needle)
{
  g_autoptr(GError)     error = NULL;
  g_autoptr(GgResponse) response = gg_response_parse (body, strlen (body), NULL, &error);

  g_assert_null (response);
  g_assert_error (error, GG_ERROR, code);
  if (needle && strstr (error->message, needle) == NULL)
    g_error ("“%s” not found in “%s”", needle, error->message);
}

static void
test_full_answer (void)
{
  g_autoptr(GgResponse) response = parse_ok ("thinking-grounded.json");
  g_autoptr(GPtrArray)  images = gg_response_images (response);
  g_autoptr(GPtrArray)  thoughts = gg_response_thought_images (response);
  g_autofree gchar     *text = gg_response_text (response);
  g_autoptr(GError)     error = NULL;
  GgPart               *part;
  gsize                 size;

  g_assert_cmpuint (response->parts->len, ==, 5);

  part = g_ptr_array_index (response->parts, 0);
  g_assert_cmpint (part->kind, ==, GG_PART_TEXT);
  g_assert_true (part->thought);
  g_assert_null (part->thought_signature);
  g_assert_cmpstr (part->text, ==, "Planning the composition: a red square.");

  part = g_ptr_array_index (response->parts, 1);
  g_assert_cmpint (part->kind, ==, GG_PART_IMAGE);
  g_assert_true (part->thought);
  g_assert_cmpint (part->format, ==, GG_FORMAT_PNG);

  part = g_ptr_array_index (response->parts, 2);
  g_assert_cmpint (part->kind, ==, GG_PART_TEXT);
  g_assert_false (part->thought);
  g_assert_cmpstr (part->thought_signature, ==, "CiQBjz1rX2sigOne+/=");

  part = g_ptr_array_index (response->parts, 3);
  g_assert_cmpint (part->kind, ==, GG_PART_IMAGE);
  g_assert_false (part->thought);
  g_assert_cmpstr (part->thought_signature, ==, "CiQBjz1rX2sigTwo+/=");
  g_assert_cmpstr (part->declared_mime, ==, "image/png");
  g_assert_cmpint (part->format, ==, GG_FORMAT_PNG);
  g_assert_cmpuint (g_bytes_get_size (part->data), ==, 73);
  g_assert_true (memcmp (g_bytes_get_data (part->data, &size), "\x89PNG\r\n\x1a\n", 8) == 0);

  part = g_ptr_array_index (response->parts, 4);
  g_assert_cmpint (part->kind, ==, GG_PART_OTHER);

  g_assert_cmpuint (images->len, ==, 1);
  g_assert_true (g_ptr_array_index (images, 0) == g_ptr_array_index (response->parts, 3));
  g_assert_cmpuint (thoughts->len, ==, 1);
  g_assert_true (g_ptr_array_index (thoughts, 0) == g_ptr_array_index (response->parts, 1));
  g_assert_cmpstr (text, ==, "Here is your image.");

  g_assert_cmpstr (response->finish_reason, ==, "STOP");
  g_assert_null (response->finish_message);
  g_assert_null (response->block_reason);
  g_assert_cmpstr (response->model_version, ==, "gemini-3-pro-image-preview");
  g_assert_cmpstr (response->response_id, ==, "resp-abc123");

  g_assert_cmpint (response->usage.prompt_tokens, ==, 100);
  g_assert_cmpint (response->usage.candidates_tokens, ==, 1170);
  g_assert_cmpint (response->usage.thoughts_tokens, ==, 200);
  g_assert_cmpint (response->usage.total_tokens, ==, 1470);
  g_assert_cmpint (response->usage.image_output_tokens, ==, 1120);
  g_assert_cmpint (response->usage.text_output_tokens, ==, 50);

  g_assert_cmpstr (response->search_entry_html, ==, "<div class=\"chip\">Weather in Paris</div>");
  g_assert_cmpuint (response->sources->len, ==, 2);
  g_assert_cmpstr (((GgSource *) g_ptr_array_index (response->sources, 0))->uri, ==,
                   "https://example.com/a");
  g_assert_cmpstr (((GgSource *) g_ptr_array_index (response->sources, 1))->title, ==,
                   "Example B");
  g_assert_nonnull (response->search_queries);
  g_assert_cmpuint (g_strv_length (response->search_queries), ==, 2);
  g_assert_cmpstr (response->search_queries[1], ==, "paris forecast");

  g_assert_true (gg_response_check (response, &error));
  g_assert_no_error (error);
}

/* model_turn_json is candidates[0].content as received: same JSON value,
 * signatures on the same parts, image data still encoded. */
static void
test_model_turn (void)
{
  g_autoptr(GgResponse) response = parse_ok ("thinking-grounded.json");
  g_autoptr(GBytes)     bytes = gg_test_data ("responses/thinking-grounded.json");
  cJSON                *file = cJSON_ParseWithLength (g_bytes_get_data (bytes, NULL),
                                                      g_bytes_get_size (bytes));
  cJSON                *content;
  cJSON                *turn;

  content = cJSON_GetObjectItem (cJSON_GetArrayItem (cJSON_GetObjectItem (file, "candidates"),
                                                     0), "content");
  turn = cJSON_Parse (response->model_turn_json);
  g_assert_nonnull (turn);
  g_assert_true (cJSON_Compare (content, turn, TRUE));
  g_assert_nonnull (strstr (response->model_turn_json,
                            "{\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\"" PNG_B64
                            "\"},\"thoughtSignature\":\"CiQBjz1rX2sigTwo+/=\"}"));
  g_assert_true (g_str_has_prefix (response->model_turn_json, "{\"role\":\"model\",\"parts\":["));
  cJSON_Delete (turn);
  cJSON_Delete (file);
}

static void
test_lying_mime (void)
{
  g_autoptr(GgResponse) response = parse_ok ("jpeg-labelled-png.json");
  g_autoptr(GPtrArray)  images = gg_response_images (response);
  GgPart               *part = g_ptr_array_index (images, 0);

  g_assert_cmpuint (images->len, ==, 1);
  g_assert_cmpstr (part->declared_mime, ==, "image/png");
  g_assert_cmpint (part->format, ==, GG_FORMAT_JPEG);
  g_assert_cmpuint (g_bytes_get_size (part->data), ==, 633);
}

static void
test_invalid_base64 (void)
{
  g_autoptr(GError)     error = NULL;
  g_autoptr(GgResponse) response = parse_file ("invalid-base64.json", &error);

  g_assert_null (response);
  g_assert_error (error, GG_ERROR, GG_ERROR_BAD_RESPONSE);
  g_assert_nonnull (strstr (error->message, "candidates[0].content.parts[0].inlineData.data "
                                            "is not valid base64"));

  assert_parse_fails ("{\"candidates\":[{\"content\":{\"parts\":[{\"inlineData\":"
                      "{\"data\":\"iVBO Rw0K\"}}]}}]}", GG_ERROR_BAD_RESPONSE, "base64");
  assert_parse_fails ("{\"candidates\":[{\"content\":{\"parts\":[{\"inlineData\":"
                      "{\"data\":\"iVBORw0KG\"}}]}}]}", GG_ERROR_BAD_RESPONSE, "base64");
  assert_parse_fails ("{\"candidates\":[{\"content\":{\"parts\":[{\"inlineData\":"
                      "{\"data\":\"iV=BORw0\"}}]}}]}", GG_ERROR_BAD_RESPONSE, "base64");
  assert_parse_fails ("{\"candidates\":[{\"content\":{\"parts\":[{\"inlineData\":"
                      "{\"data\":\"iVBORw===\"}}]}}]}", GG_ERROR_BAD_RESPONSE, "base64");
  assert_parse_fails ("{\"candidates\":[{\"content\":{\"parts\":[{\"inlineData\":"
                      "{\"data\":\"\"}}]}}]}", GG_ERROR_BAD_RESPONSE, "base64");
}

/* Unpadded and URL-safe base64 are both proto3 JSON. */
static void
test_base64_variants (void)
{
  const gchar *bodies[] = {
    "{\"candidates\":[{\"content\":{\"parts\":[{\"inlineData\":{\"data\":\"_-_-\"}}]}}]}",
    "{\"candidates\":[{\"content\":{\"parts\":[{\"inlineData\":{\"data\":\"/+/+\"}}]}}]}",
    "{\"candidates\":[{\"content\":{\"parts\":[{\"inlineData\":{\"data\":\"/+/+AQ\"}}]}}]}",
    "{\"candidates\":[{\"content\":{\"parts\":[{\"inlineData\":{\"data\":\"/+/+AQ==\"}}]}}]}",
    "{\"candidates\":[{\"content\":{\"parts\":[{\"inlineData\":{\"data\":\"/+/+AQI=\"}}]}}]}",
  };
  const gsize sizes[] = { 3, 3, 4, 4, 5 };

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autoptr(GError)     error = NULL;
      g_autoptr(GgResponse) response = gg_response_parse (bodies[i], strlen (bodies[i]),
                                                          NULL, &error);
      GgPart               *part;
      const guint8         *data;

      g_assert_no_error (error);
      part = g_ptr_array_index (response->parts, 0);
      data = g_bytes_get_data (part->data, NULL);
      g_assert_cmpuint (g_bytes_get_size (part->data), ==, sizes[i]);
      g_assert_cmpint (data[0], ==, 0xff);
      g_assert_cmpint (data[1], ==, 0xef);
      g_assert_cmpint (data[2], ==, 0xfe);
      if (sizes[i] > 3)
        g_assert_cmpint (data[3], ==, 0x01);
      g_assert_cmpint (part->format, ==, GG_FORMAT_UNKNOWN);
    }
}

static void
test_wrong_types (void)
{
  g_autoptr(GError)     error = NULL;
  g_autoptr(GgResponse) response = parse_file ("wrong-types.json", &error);
  const struct
  {
    const gchar *body;
    const gchar *path;
  } cases[] = {
    { "[]", NULL },
    { "\"candidates\"", NULL },
    { "{\"candidates\":{}}", "candidates is not a list" },
    { "{\"candidates\":[1]}", "candidates[0] is not an object" },
    { "{\"candidates\":[{\"content\":[]}]}", "candidates[0].content is not an object" },
    { "{\"candidates\":[{\"content\":{\"parts\":\"x\"}}]}", "candidates[0].content.parts is not a list" },
    { "{\"candidates\":[{\"content\":{\"parts\":[null]}}]}", "candidates[0].content.parts[0] is not an object" },
    { "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"a\",\"thought\":\"yes\"}]}}]}",
      "candidates[0].content.parts[0].thought is not true or false" },
    { "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"a\",\"thoughtSignature\":7}]}}]}",
      "parts[0].thoughtSignature is not a string" },
    { "{\"candidates\":[{\"content\":{\"parts\":[{\"inlineData\":\"abc\"}]}}]}",
      "parts[0].inlineData is not an object" },
    { "{\"candidates\":[{\"content\":{\"parts\":[{\"inlineData\":{\"data\":12}}]}}]}",
      "parts[0].inlineData.data is not a string" },
    { "{\"candidates\":[{\"content\":{\"parts\":[{\"inlineData\":{\"mimeType\":[],\"data\":\"AAAA\"}}]}}]}",
      "parts[0].inlineData.mimeType is not a string" },
    { "{\"candidates\":[{\"finishReason\":3}]}", "candidates[0].finishReason is not a string" },
    { "{\"usageMetadata\":{\"promptTokenCount\":\"many\"}}", "usageMetadata.promptTokenCount is not a number" },
    { "{\"usageMetadata\":{\"candidatesTokensDetails\":{}}}", "usageMetadata.candidatesTokensDetails is not a list" },
    { "{\"usageMetadata\":{\"candidatesTokensDetails\":[{\"modality\":\"IMAGE\",\"tokenCount\":true}]}}",
      "usageMetadata.candidatesTokensDetails[0].tokenCount is not a number" },
    { "{\"promptFeedback\":{\"blockReason\":{}}}", "promptFeedback.blockReason is not a string" },
    { "{\"promptFeedback\":5}", "promptFeedback is not an object" },
    { "{\"modelVersion\":[]}", "modelVersion is not a string" },
    { "{\"candidates\":[{\"groundingMetadata\":{\"groundingChunks\":{}}}]}",
      "candidates[0].groundingMetadata.groundingChunks is not a list" },
    { "{\"candidates\":[{\"groundingMetadata\":{\"groundingChunks\":[{\"web\":{\"uri\":1}}]}}]}",
      "groundingChunks[0].web.uri is not a string" },
    { "{\"candidates\":[{\"groundingMetadata\":{\"webSearchQueries\":[\"a\",2]}}]}",
      "webSearchQueries[1] is not a string" },
    { "{\"candidates\":[{\"groundingMetadata\":{\"searchEntryPoint\":{\"renderedContent\":false}}}]}",
      "searchEntryPoint.renderedContent is not a string" },
  };

  g_assert_null (response);
  g_assert_error (error, GG_ERROR, GG_ERROR_BAD_RESPONSE);
  g_assert_nonnull (strstr (error->message, "candidates[0].content.parts[0].text is not a string"));

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    assert_parse_fails (cases[i].body, GG_ERROR_BAD_RESPONSE, cases[i].path);
}

/* Absent, null and unknown members are all fine; token counts written as
 * strings (64-bit integers in proto3 JSON) are read. */
static void
test_lenient (void)
{
  const gchar          *body =
    "{\"candidates\":[{\"content\":null,\"finishReason\":null,\"future\":{\"x\":[1]}}],"
    "\"usageMetadata\":{\"promptTokenCount\":\"12\",\"cachedContentTokenCount\":3},"
    "\"promptFeedback\":{},\"modelVersion\":null}";
  g_autoptr(GError)     error = NULL;
  g_autoptr(GgResponse) response = gg_response_parse (body, strlen (body), NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (response->parts->len, ==, 0);
  g_assert_null (response->finish_reason);
  g_assert_null (response->model_turn_json);
  g_assert_cmpint (response->usage.prompt_tokens, ==, 12);
  g_assert_null (response->search_queries);
  g_assert_cmpuint (response->sources->len, ==, 0);
}

static gchar *
deep (gsize        depth,
      const gchar *open,
      const gchar *close)
{
  GString *s = g_string_sized_new (depth * (strlen (open) + strlen (close)));

  for (gsize i = 0; i < depth; i++)
    g_string_append (s, open);
  for (gsize i = 0; i < depth; i++)
    g_string_append (s, close);
  return g_string_free (s, FALSE);
}

static void
test_deep_nesting (void)
{
  g_autofree gchar *arrays = deep (100000, "[", "]");
  g_autofree gchar *objects = deep (100000, "{\"a\":", "}");
  g_autofree gchar *inside = NULL;
  g_autofree gchar *nested = deep (100000, "[", "]");

  assert_parse_fails (arrays, GG_ERROR_BAD_RESPONSE, "not a Gemini response: “[[[[");
  assert_parse_fails (objects, GG_ERROR_BAD_RESPONSE, "not a Gemini response: “{\"a\":{\"a\":");

  /* Deep inside an otherwise valid answer, and unterminated. */
  inside = g_strconcat ("{\"candidates\":[{\"content\":{\"parts\":[{\"x\":", nested, "}]}}]}", NULL);
  assert_parse_fails (inside, GG_ERROR_BAD_RESPONSE, "not a Gemini response");
  arrays[50000] = '\0';
  assert_parse_fails (arrays, GG_ERROR_BAD_RESPONSE, "cut short");
  /* An answer cut in the middle of its image data. */
  assert_parse_fails ("{\"candidates\":[{\"content\":{\"parts\":[{\"inlineData\":"
                      "{\"data\":\"iVBORw0KGgoAAAANSUhEUgAA", GG_ERROR_BAD_RESPONSE,
                      "cut short");
}

static void
test_not_json (void)
{
  const gchar *html = "<html>\n<head><title>502 Bad Gateway</title></head>\n<body>"
                      "<center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center>"
                      "</body>\n</html>\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(GgResponse) response = gg_response_parse (html, strlen (html), NULL, &error);

  g_assert_null (response);
  g_assert_error (error, GG_ERROR, GG_ERROR_BAD_RESPONSE);
  g_assert_true (g_str_has_prefix (error->message,
                                   "The server answered with a web page instead of a "
                                   "Gemini response (“502 Bad Gateway"));
  g_assert_null (strchr (error->message, '<'));
  g_assert_true (strstr (error->message, "proxy") != NULL);
  g_assert_cmpuint (g_utf8_strlen (error->message, -1), <, 260);
  g_assert_null (strchr (error->message, '\n'));

  g_clear_error (&error);
  g_assert_null (gg_response_parse ("", 0, NULL, &error));
  g_assert_error (error, GG_ERROR, GG_ERROR_BAD_RESPONSE);
  g_assert_nonnull (strstr (error->message, "empty body"));

  /* Binary junk comes out printable. */
  assert_parse_fails ("\x01\x02\xff\xfe garbage", GG_ERROR_BAD_RESPONSE, "“\xef\xbf\xbd\xef\xbf\xbd garbage”");
  /* Truncated. */
  assert_parse_fails ("{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"hel",
                      GG_ERROR_BAD_RESPONSE, "cut short");
}

/* Some gateways send an error body with a 2xx status. */
static void
test_error_in_ok (void)
{
  assert_parse_fails ("{\"error\":{\"code\":503,\"message\":\"The model is overloaded.\","
                      "\"status\":\"UNAVAILABLE\"}}", GG_ERROR_OVERLOADED, "a few minutes");
}

static void
test_skip_model_turn (void)
{
  g_autoptr(GBytes)     bytes = gg_test_data ("responses/thinking-grounded.json");
  GgResponseLimits      limits = { .skip_model_turn = TRUE };
  g_autoptr(GError)     error = NULL;
  g_autoptr(GgResponse) kept = NULL;
  g_autoptr(GgResponse) skipped = NULL;
  g_autoptr(GPtrArray)  images = NULL;
  gsize                 size;
  const gchar          *body = g_bytes_get_data (bytes, &size);

  kept = gg_response_parse (body, size, NULL, &error);
  g_assert_no_error (error);
  skipped = gg_response_parse (body, size, &limits, &error);
  g_assert_no_error (error);
  g_assert_nonnull (kept->model_turn_json);
  g_assert_null (skipped->model_turn_json);
  images = gg_response_images (skipped);
  g_assert_cmpuint (images->len, >, 0);
}

static void
test_limits (void)
{
  g_autoptr(GBytes)     bytes = gg_test_data ("responses/thinking-grounded.json");
  GgResponseLimits      limits = { .max_images = 1 };
  g_autoptr(GError)     error = NULL;
  g_autoptr(GgResponse) response = NULL;
  GString              *many;

  /* Past the limit images are dropped, not the answer; thought images never
   * take a result's place. */
  response = gg_response_parse (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                &limits, &error);
  g_assert_no_error (error);
  {
    g_autoptr(GPtrArray) images = gg_response_images (response);
    g_assert_cmpuint (images->len, ==, 1);
    g_assert_false (((GgPart *) images->pdata[0])->thought);
  }
  g_clear_pointer (&response, gg_response_free);

  limits.max_images = 0;
  limits.max_image_bytes = 50;
  response = gg_response_parse (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                &limits, &error);
  g_assert_null (response);
  g_assert_error (error, GG_ERROR, GG_ERROR_TOO_LARGE);
  g_clear_error (&error);

  /* The default: 16 images. */
  many = g_string_new ("{\"candidates\":[{\"content\":{\"parts\":[");
  for (guint i = 0; i < 17; i++)
    g_string_append_printf (many, "%s{\"inlineData\":{\"data\":\"" PNG_B64 "\"}}", i ? "," : "");
  g_string_append (many, "]}}]}");
  response = gg_response_parse (many->str, many->len, NULL, &error);
  g_assert_no_error (error);
  {
    g_autoptr(GPtrArray) images = gg_response_images (response);
    g_assert_cmpuint (images->len, ==, 16);
    g_assert_cmpuint (response->images_dropped, ==, 1);
  }
  g_string_free (many, TRUE);
}

static void
assert_check_fails (const gchar *file,
                    gint         code,
                    const gchar *needle)
{
  g_autoptr(GgResponse) response = parse_ok (file);
  g_autoptr(GError)     error = NULL;

  g_assert_false (gg_response_check (response, &error));
  g_assert_error (error, GG_ERROR, code);
  if (strstr (error->message, needle) == NULL)
    g_error ("“%s” not found in “%s”", needle, error->message);
}

static void
test_check (void)
{
  g_autoptr(GgResponse) text_only = parse_ok ("text-only.json");
  g_autoptr(GError)     error = NULL;
  g_autoptr(GgResponse) thought_only = NULL;
  const gchar          *body =
    "{\"candidates\":[{\"content\":{\"parts\":[{\"thought\":true,\"inlineData\":"
    "{\"mimeType\":\"image/png\",\"data\":\"" PNG_B64 "\"}}]},\"finishReason\":\"STOP\"}]}";

  assert_check_fails ("blocked.json", GG_ERROR_BLOCKED,
                      "The prompt was blocked (SAFETY: The prompt violates the policy.): rephrase it");
  assert_check_fails ("image-safety.json", GG_ERROR_SAFETY,
                      "the image was withheld by the image safety filters (IMAGE_SAFETY: "
                      "Unable to show the generated image.)");
  assert_check_fails ("no-image.json", GG_ERROR_NO_IMAGE, "(NO_IMAGE): “Sorry.”; rephrase the prompt");

  /* Text only: the model's words, shortened, and a remedy. */
  g_assert_false (gg_response_check (text_only, &error));
  g_assert_error (error, GG_ERROR, GG_ERROR_NO_IMAGE);
  g_assert_true (g_str_has_prefix (error->message,
                                   "The model answered with text only (STOP): “I can't draw that "
                                   "exactly, but I can describe it:"));
  g_assert_nonnull (strstr (error->message, "…”; ask explicitly for an image"));
  g_assert_cmpuint (g_utf8_strlen (error->message, -1), <, 320);
  g_clear_error (&error);

  /* A thought image is never the result. */
  thought_only = gg_response_parse (body, strlen (body), NULL, &error);
  g_assert_no_error (error);
  g_assert_false (gg_response_check (thought_only, &error));
  g_assert_error (error, GG_ERROR, GG_ERROR_NO_IMAGE);
}

static void
test_safety_reasons (void)
{
  const gchar *reasons[] = {
    "SAFETY", "IMAGE_SAFETY", "PROHIBITED_CONTENT", "IMAGE_PROHIBITED_CONTENT",
    "BLOCKLIST", "SPII", "RECITATION", "IMAGE_RECITATION",
  };
  const gchar *no_image[] = { "NO_IMAGE", "IMAGE_OTHER", "OTHER", "MAX_TOKENS" };

  for (guint i = 0; i < G_N_ELEMENTS (reasons); i++)
    {
      g_autofree gchar     *body = g_strdup_printf ("{\"candidates\":[{\"finishReason\":\"%s\"}]}",
                                                    reasons[i]);
      g_autoptr(GgResponse) response = gg_response_parse (body, strlen (body), NULL, NULL);
      g_autoptr(GError)     error = NULL;
      g_autofree gchar     *named = g_strdup_printf ("(%s)", reasons[i]);

      g_assert_false (gg_response_check (response, &error));
      g_assert_error (error, GG_ERROR, GG_ERROR_SAFETY);
      g_assert_nonnull (strstr (error->message, named));
      g_assert_true (g_str_has_prefix (error->message, "No image: the "));
    }

  for (guint i = 0; i < G_N_ELEMENTS (no_image); i++)
    {
      g_autofree gchar     *body = g_strdup_printf ("{\"candidates\":[{\"finishReason\":\"%s\","
                                                    "\"content\":{\"parts\":[{\"text\":\"Hmm.\"}]}}]}",
                                                    no_image[i]);
      g_autoptr(GgResponse) response = gg_response_parse (body, strlen (body), NULL, NULL);
      g_autoptr(GError)     error = NULL;

      g_assert_false (gg_response_check (response, &error));
      g_assert_error (error, GG_ERROR, GG_ERROR_NO_IMAGE);
      g_assert_nonnull (strstr (error->message, "“Hmm.”"));
      g_assert_nonnull (strstr (error->message, no_image[i]));
    }
}

static void
test_cost (void)
{
  g_autoptr(GgResponse) pro = parse_ok ("thinking-grounded.json");
  g_autoptr(GgResponse) flash = parse_ok ("flash-no-details.json");

  /* 1120 image x $120 + (50 text + 200 thoughts) x $12 + 100 x $2, per Mtok. */
  g_assert_cmpfloat_with_epsilon (gg_response_cost (pro, "gemini-3-pro-image"), 0.1376, 1e-9);
  /* A retired name is no model; Lite's prices are not published: unknown. */
  g_assert_cmpfloat (gg_response_cost (pro, "gemini-3-pro-image-preview"), <, 0);
  g_assert_cmpfloat (gg_response_cost (pro, "gemini-3.1-flash-lite-image"), <, 0);
  /* No modality details: 1290 tokens per image from the catalogue. */
  g_assert_cmpfloat_with_epsilon (gg_response_cost (flash, "gemini-2.5-flash-image"),
                                  (1290 * 30.0 + 10 * 0.30) / 1e6, 1e-9);
  g_assert_cmpfloat (gg_response_cost (pro, "some-other-model"), <, 0);
}

/* ---- the data kept out of cJSON (skip_model_turn) ------------------------ */

/* Parses @body both ways (data through cJSON, data straight from the body)
 * and asserts the same outcome: the same error, or the same parts byte for
 * byte. */
static void
assert_same_both_ways (const gchar *body,
                       gsize        size)
{
  GgResponseLimits      plain_limits = { .max_images = 3, .max_image_bytes = 1 << 20 };
  GgResponseLimits      fast_limits = plain_limits;
  g_autoptr(GError)     plain_error = NULL;
  g_autoptr(GError)     fast_error = NULL;
  g_autoptr(GgResponse) plain = NULL;
  g_autoptr(GgResponse) fast = NULL;

  fast_limits.skip_model_turn = TRUE;
  plain = gg_response_parse (body, size, &plain_limits, &plain_error);
  fast = gg_response_parse (body, size, &fast_limits, &fast_error);
  if (plain == NULL)
    {
      g_assert_null (fast);
      g_assert_nonnull (fast_error);
      g_assert_cmpint (fast_error->code, ==, plain_error->code);
      g_assert_cmpstr (fast_error->message, ==, plain_error->message);
      return;
    }
  g_assert_no_error (fast_error);
  g_assert_cmpuint (fast->parts->len, ==, plain->parts->len);
  g_assert_cmpuint (fast->images_dropped, ==, plain->images_dropped);
  g_assert_cmpstr (fast->finish_reason, ==, plain->finish_reason);
  for (guint i = 0; i < plain->parts->len; i++)
    {
      const GgPart *a = g_ptr_array_index (plain->parts, i);
      const GgPart *b = g_ptr_array_index (fast->parts, i);

      g_assert_cmpint (b->kind, ==, a->kind);
      g_assert_cmpint (b->thought, ==, a->thought);
      g_assert_cmpstr (b->text, ==, a->text);
      g_assert_cmpstr (b->thought_signature, ==, a->thought_signature);
      g_assert_cmpstr (b->declared_mime, ==, a->declared_mime);
      g_assert_cmpint (b->format, ==, a->format);
      g_assert_true ((a->data == NULL) == (b->data == NULL));
      if (a->data != NULL)
        g_assert_true (g_bytes_equal (a->data, b->data));
    }
}

static void
test_data_outside_cjson (void)
{
  const gchar *files[] = { "thinking-grounded.json", "flash-no-details.json", "blocked.json",
                           "image-safety.json", "invalid-base64.json", "jpeg-labelled-png.json",
                           "no-image.json", "text-only.json", "wrong-types.json" };
  const gchar *bodies[] = {
    /* snake_case, several images, URL-safe alphabet, padding */
    "{\"candidates\":[{\"content\":{\"parts\":[{\"inline_data\":{\"data\":\"_-_-\"}},"
    "{\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\"" PNG_B64 "\"}},"
    "{\"text\":\"a \\\"data\\\": \\\"AAAA\\\"\"},{\"inlineData\":{\"data\":\"/+/+AQ==\"}}]}}]}",
    /* an escape in the data: cJSON reads it ("\/" is "/"), so does the plain path */
    "{\"candidates\":[{\"content\":{\"parts\":[{\"inlineData\":{\"data\":\"\\/+\\/+\"}}]}}]}",
    /* a data string that looks like our stand-in: invalid base64 either way */
    "{\"candidates\":[{\"content\":{\"parts\":[{\"inlineData\":{\"data\":\"#0\"}},"
    "{\"inlineData\":{\"data\":\"/+/+\"}}]}}]}",
    /* an escaped key that cJSON reads as inlineData */
    "{\"candidates\":[{\"content\":{\"parts\":[{\"inline\\u0044ata\":{\"data\":\"#0\"}},"
    "{\"inlineData\":{\"data\":\"/+/+\"}}]}}]}",
    /* invalid base64, empty data, data of the wrong type, too many images */
    "{\"candidates\":[{\"content\":{\"parts\":[{\"inlineData\":{\"data\":\"A===\"}}]}}]}",
    "{\"candidates\":[{\"content\":{\"parts\":[{\"inlineData\":{\"data\":\"\"}}]}}]}",
    "{\"candidates\":[{\"content\":{\"parts\":[{\"inlineData\":{\"data\":7}}]}}]}",
    "{\"candidates\":[{\"content\":{\"parts\":[{\"inlineData\":{\"data\":\"AAAA\"}},"
    "{\"inlineData\":{\"data\":\"AAAB\"}},{\"inlineData\":{\"data\":\"AAAC\"}},"
    "{\"inlineData\":{\"data\":\"AAAD\"}},{\"thought\":true,\"inlineData\":{\"data\":\"AAAE\"}}]}}]}",
    /* duplicate keys: cJSON takes the first */
    "{\"candidates\":[{\"content\":{\"parts\":[{\"inlineData\":{\"data\":\"AAAA\",\"data\":\"BBBB\"}}]}}]}",
    /* cut short, unbalanced, not an object */
    "{\"candidates\":[{\"content\":{\"parts\":[{\"inlineData\":{\"data\":\"AAAA",
    "{\"candidates\":[{\"content\":{\"parts\":[{\"inlineData\":{\"data\":\"AAAA\"}}]}}]}}]",
    "[{\"inlineData\":{\"data\":\"AAAA\"}}]",
  };

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree gchar *path = g_build_filename ("responses", files[i], NULL);
      g_autoptr(GBytes) bytes = gg_test_data (path);

      assert_same_both_ways (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
    }
  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    assert_same_both_ways (bodies[i], strlen (bodies[i]));
  {
    /* A NUL byte inside the data (found by fuzz-response): cJSON's string
     * ends there, so the two readings must still agree. */
    static const gchar nul[] =
      "{\"candidates\":[{\"content\":{\"parts\":[{\"inlineData\":{\"data\":\"AAAA\0BBBB\"}}]}}]}";

    assert_same_both_ways (nul, sizeof nul - 1);
  }
}

/* The largest block cJSON asked for since the last reset. */
static gsize cjson_largest;

static void *
counting_malloc (size_t size)
{
  cjson_largest = MAX (cjson_largest, size);
  return malloc (size);
}

/* The point of it: with skip_model_turn cJSON never allocates the image's
 * base64 (a 1.3 MB string here); without it, it does. */
static void
test_data_never_in_cjson (void)
{
  cJSON_Hooks       hooks = { counting_malloc, free };
  cJSON_Hooks       plain_hooks = { malloc, free };
  GgResponseLimits  limits = { .skip_model_turn = TRUE };
  g_autofree guint8 *image = g_malloc (1000 * 1000);
  g_autofree gchar *b64 = NULL;
  g_autofree gchar *body = NULL;
  GError           *error = NULL;
  GgResponse       *response;
  GgPart           *part;

  for (guint i = 0; i < 1000 * 1000; i++)
    image[i] = (guint8) (i * 7 + i / 1000);
  b64 = g_base64_encode (image, 1000 * 1000);
  body = g_strdup_printf ("{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":["
                          "{\"text\":\"here\"},{\"inlineData\":{\"mimeType\":\"image/png\","
                          "\"data\":\"%s\"}}]},\"finishReason\":\"STOP\"}]}", b64);
  cJSON_InitHooks (&hooks);

  cjson_largest = 0;
  response = gg_response_parse (body, strlen (body), &limits, &error);
  g_assert_no_error (error);
  part = g_ptr_array_index (response->parts, 1);
  g_assert_cmpuint (g_bytes_get_size (part->data), ==, 1000 * 1000);
  g_assert_cmpmem (g_bytes_get_data (part->data, NULL), 1000 * 1000, image, 1000 * 1000);
  g_assert_cmpuint (cjson_largest, <, 4096);
  gg_response_free (response);

  cjson_largest = 0;
  response = gg_response_parse (body, strlen (body), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cjson_largest, >=, strlen (b64));
  gg_response_free (response);

  cJSON_InitHooks (&plain_hooks);
}

/* A recording whose image data was replaced by a placeholder string: a
 * clear "malformed answer", never a crash or a wrong image. */
static void
test_real_placeholder (void)
{
  g_autofree gchar *path = g_build_filename (GG_REAL_ANSWERS,
                                             "vercel-ai__gemini-3.1-flash-image__jpeg+sig_REDACTED.json",
                                             NULL);
  g_autofree gchar *text = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GgResponse) response = NULL;
  gsize             length;

  if (!g_file_get_contents (path, &text, &length, NULL))
    {
      gg_test_skip ("the recordings of ../shared/real-answers are not there");
      return;
    }
  response = gg_response_parse (text, length, NULL, &error);
  g_assert_null (response);
  g_assert_error (error, GG_ERROR, GG_ERROR_BAD_RESPONSE);
  g_assert_nonnull (strstr (error->message, "malformed"));
  g_assert_nonnull (strstr (error->message, "inlineData.data is not valid base64 image data"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/response/skip-model-turn", test_skip_model_turn);
  g_test_add_func ("/response/data-outside-cjson", test_data_outside_cjson);
  g_test_add_func ("/response/data-never-in-cjson", test_data_never_in_cjson);
  g_test_add_func ("/response/full-answer", test_full_answer);
  g_test_add_func ("/response/model-turn", test_model_turn);
  g_test_add_func ("/response/lying-mime", test_lying_mime);
  g_test_add_func ("/response/invalid-base64", test_invalid_base64);
  g_test_add_func ("/response/base64-variants", test_base64_variants);
  g_test_add_func ("/response/wrong-types", test_wrong_types);
  g_test_add_func ("/response/lenient", test_lenient);
  g_test_add_func ("/response/deep-nesting", test_deep_nesting);
  g_test_add_func ("/response/not-json", test_not_json);
  g_test_add_func ("/response/error-in-ok", test_error_in_ok);
  g_test_add_func ("/response/limits", test_limits);
  g_test_add_func ("/response/check", test_check);
  g_test_add_func ("/response/safety-reasons", test_safety_reasons);
  g_test_add_func ("/response/cost", test_cost);
  g_test_add_func ("/response/real-placeholder", test_real_placeholder);

  return gg_test_status (g_test_run ());
}
