/* test-request.c: request bodies, byte for byte, and what validation
 * refuses before anything is sent. */
#include <string.h>

#include <cjson/cJSON.h>

#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#endif
#endif
#ifndef RUNNING_ON_VALGRIND
#define RUNNING_ON_VALGRIND 0
#endif

#include "gg-error.h"
#include "gg-image.h"
#include "gg-prompt.h"
#include "gg-request.h"
#include "gg-test-util.h"

/* 4x4 red PNG and 8x8 blue JPEG, made with Pillow. */
#define PNG_B64 "iVBORw0KGgoAAAANSUhEUgAAAAQAAAAECAIAAAAmkwkpAAAAEElEQVR42mP8z4AATAxEcQAz0QEH0oWRNwAAAABJRU5ErkJggg=="
#define JPEG_B64 \
  "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDABALDA4MChAODQ4SERATGCgaGBYWGDEjJR0oOjM9PDkzODdASFxOQERXRTc4UG1RV19iZ2hnPk1xeXBkeFxlZ2P/2wBDARESEhgVGC8aGi9jQjhCY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2P/wAARCAAIAAgDASIAAhEBAxEB/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/8QAHwEAAwEBAQEBAQEBAQAAAAAAAAECAwQFBgcICQoL/8QAtREAAgECBAQDBAcFBAQAAQJ3AAECAxEEBSExBhJBUQdhcRMiMoEIFEKRobHBCSMzUvAVYnLRChYkNOEl8RcYGRomJygpKjU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hpanN0dXZ3eHl6goOEhYaHiImKkpOUlZaXmJmaoqOkpaanqKmqsrO0tba3uLm6wsPExcbHyMnK0tPU1dbX2Nna4uPk5ebn6Onq8vP09fb3+Pn6/9oADAMBAAIRAxEAPwCnRRRX1B84f//Z"
#define GIF_BYTES "GIF89a\x01\x00\x01\x00\x00\x00\x00;"

static GBytes *
bytes_from_b64 (const gchar *b64)
{
  gsize   len;
  guchar *data = g_base64_decode (b64, &len);

  return g_bytes_new_take (data, len);
}

static GBytes *
png (void)
{
  return bytes_from_b64 (PNG_B64);
}

static GBytes *
jpeg (void)
{
  return bytes_from_b64 (JPEG_B64);
}

static gchar *
body_of (const GgRequest *request)
{
  gsize  length = 0;
  gchar *body = gg_request_to_json (request, FALSE, &length);

  g_assert_cmpuint (length, ==, strlen (body));
  return body;
}

/* Asserts that validation fails with GG_ERROR_INVALID_REQUEST and that the
 * message contains @needle. */
static void
assert_refused (const GgRequest *request,
                const gchar     *needle)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (gg_request_validate (request, &error));
  g_assert_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST);
  if (strstr (error->message, needle) == NULL)
    g_error ("“%s” not found in “%s”", needle, error->message);
  /* One sentence. */
  g_assert_true (g_str_has_suffix (error->message, "."));
}

static void
assert_valid (const GgRequest *request)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (gg_request_validate (request, &error));
  g_assert_no_error (error);
}

static void
test_full_body (void)
{
  g_autoptr(GgRequest) request = gg_request_new ("gemini-3-pro-image");
  g_autofree gchar *body = NULL;

  gg_request_set_prompt (request, "a cat \"on\" a mat");
  gg_request_set_system_instruction (request, "Be precise.");
  gg_request_set_aspect_ratio (request, "16:9");
  gg_request_set_image_size (request, "2K");
  gg_request_set_search (request, TRUE);
  gg_request_set_include_thoughts (request, TRUE);
  gg_request_set_temperature (request, 0.5);
  gg_request_set_seed (request, 42);
  gg_request_add_safety (request, "dangerous_content", "block_only_high");
  gg_request_add_safety (request, "HARM_CATEGORY_HARASSMENT", "OFF");
  assert_valid (request);

  body = body_of (request);
  g_assert_cmpstr (body, ==,
                   "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"a cat \\\"on\\\" a mat\"}]}],"
                   "\"systemInstruction\":{\"parts\":[{\"text\":\"Be precise.\"}]},"
                   "\"tools\":[{\"googleSearch\":{}}],"
                   "\"safetySettings\":[{\"category\":\"HARM_CATEGORY_DANGEROUS_CONTENT\",\"threshold\":\"BLOCK_ONLY_HIGH\"},"
                   "{\"category\":\"HARM_CATEGORY_HARASSMENT\",\"threshold\":\"OFF\"}],"
                   "\"generationConfig\":{\"responseModalities\":[\"TEXT\",\"IMAGE\"],"
                   "\"imageConfig\":{\"aspectRatio\":\"16:9\",\"imageSize\":\"2K\"},"
                   "\"thinkingConfig\":{\"includeThoughts\":true},"
                   "\"temperature\":0.5,\"seed\":42},\"store\":false}");
}

static void
test_minimal_body (void)
{
  g_autoptr(GgRequest) request = gg_request_new (NULL);
  g_autofree gchar *body = NULL;

  g_assert_cmpstr (gg_request_get_model (request), ==, "gemini-nano-banana-2.1");
  g_assert_nonnull (gg_request_get_model_info (request));
  gg_request_set_prompt (request, "a cat");
  gg_request_set_image_only (request, TRUE);
  assert_valid (request);

  /* "store": false unless storage is allowed. */
  body = body_of (request);
  g_assert_cmpstr (body, ==,
                   "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"a cat\"}]}],"
                   "\"generationConfig\":{\"responseModalities\":[\"IMAGE\"]},\"store\":false}");
}

static void
test_no_thoughts_for_flash (void)
{
  g_autoptr(GgRequest) request = gg_request_new ("gemini-2.5-flash-image");
  g_autofree gchar *body = NULL;

  gg_request_set_prompt (request, "a cat");
  /* 2.5 Flash does not think: includeThoughts would be refused there. */
  gg_request_set_include_thoughts (request, TRUE);
  assert_valid (request);
  body = body_of (request);
  g_assert_null (strstr (body, "thinkingConfig"));
}

static void
test_store (void)
{
  g_autoptr(GgRequest) request = gg_request_new (NULL);
  g_autofree gchar *body = NULL;
  g_autofree gchar *allowed = NULL;
  cJSON            *root;

  gg_request_set_prompt (request, "a cat");
  g_assert_false (gg_request_get_store (request));
  body = body_of (request);
  root = cJSON_Parse (body);
  g_assert_true (cJSON_IsFalse (cJSON_GetObjectItemCaseSensitive (root, "store")));
  cJSON_Delete (root);

  gg_request_set_store (request, TRUE);
  g_assert_true (gg_request_get_store (request));
  allowed = body_of (request);
  root = cJSON_Parse (allowed);
  g_assert_true (cJSON_IsTrue (cJSON_GetObjectItemCaseSensitive (root, "store")));
  cJSON_Delete (root);
}

static void
test_thinking_level (void)
{
  g_autoptr(GgRequest) nano = gg_request_new ("gemini-nano-banana-2.1");
  g_autoptr(GgRequest) pro = gg_request_new ("gemini-3-pro-image");
  g_autoptr(GgRequest) flash = gg_request_new ("gemini-2.5-flash-image");
  g_autoptr(GgRequest) custom = gg_request_new ("my-tuned-image-model");
  g_autofree gchar    *body = NULL;
  g_autofree gchar    *both = NULL;
  g_autofree gchar    *free_text = NULL;

  gg_request_set_prompt (nano, "a cat");
  gg_request_set_thinking_level (nano, "minimal");
  g_assert_cmpstr (gg_request_get_thinking_level (nano), ==, "MINIMAL");
  assert_valid (nano);
  body = body_of (nano);
  g_assert_nonnull (strstr (body, "\"thinkingConfig\":{\"thinkingLevel\":\"MINIMAL\"}"));
  gg_request_set_include_thoughts (nano, TRUE);
  both = body_of (nano);
  g_assert_nonnull (strstr (both, "\"thinkingConfig\":{\"includeThoughts\":true,"
                                  "\"thinkingLevel\":\"MINIMAL\"}"));
  gg_request_set_thinking_level (nano, "extreme");
  assert_refused (nano, "The thinking level “EXTREME” is not one the API knows");
  gg_request_set_thinking_level (nano, NULL);
  assert_valid (nano);

  /* Refused before sending where the catalogue says the model takes none. */
  gg_request_set_prompt (pro, "a cat");
  gg_request_set_thinking_level (pro, "high");
  assert_refused (pro, "gemini-3-pro-image takes no thinking level (it always thinks as it "
                       "chooses): leave the thinking level unset.");
  gg_request_set_prompt (flash, "a cat");
  gg_request_set_thinking_level (flash, "medium");
  assert_refused (flash, "gemini-2.5-flash-image takes no thinking level: leave");

  /* A model no catalogue knows: sent as chosen. */
  gg_request_set_prompt (custom, "a cat");
  gg_request_set_thinking_level (custom, "high");
  assert_valid (custom);
  free_text = body_of (custom);
  g_assert_nonnull (strstr (free_text, "\"thinkingLevel\":\"HIGH\""));
}

static void
test_retired_refused (void)
{
  const gchar *names[] = { "gemini-3-pro-image-preview", "gemini-3.1-flash-image-preview",
                           "gemini-2.5-flash-image-preview", "gemini-3.1-flash-image" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(GgRequest) request = gg_request_new (names[i]);
      g_autoptr(GError)    error = NULL;
      g_autofree gchar    *expected = gg_catalogue_retired_sentence (names[i]);

      /* Never another model in its place. */
      g_assert_cmpstr (gg_request_get_model (request), ==, names[i]);
      gg_request_set_prompt (request, "a cat");
      g_assert_false (gg_request_validate (request, &error));
      g_assert_error (error, GG_ERROR, GG_ERROR_MODEL_NOT_FOUND);
      g_assert_cmpstr (error->message, ==, expected);
      g_assert_true (g_str_has_prefix (error->message, names[i]));
      g_assert_nonnull (strstr (error->message, "; use gemini-"));
    }
}

static void
test_extended_ratios (void)
{
  g_autoptr(GgRequest) nano = gg_request_new (NULL);
  g_autoptr(GgRequest) lite = gg_request_new ("gemini-3.1-flash-lite-image");
  const gchar *extended[] = { "1:4", "4:1", "1:8", "8:1" };
  g_autofree gchar *body = NULL;

  gg_request_set_prompt (nano, "a banner");
  gg_request_set_prompt (lite, "a banner");
  for (guint i = 0; i < G_N_ELEMENTS (extended); i++)
    {
      gg_request_set_aspect_ratio (nano, extended[i]);
      gg_request_set_aspect_ratio (lite, extended[i]);
      assert_valid (nano);
      assert_valid (lite);
    }
  /* --aspect 4:1 --size 2K on the default model. */
  gg_request_set_aspect_ratio (nano, "4:1");
  gg_request_set_image_size (nano, "2K");
  assert_valid (nano);
  body = body_of (nano);
  g_assert_nonnull (strstr (body, "\"imageConfig\":{\"aspectRatio\":\"4:1\",\"imageSize\":\"2K\"}"));
  /* Lite makes 1K only; Nano Banana 2.1 refuses 512. */
  gg_request_set_image_size (lite, "2K");
  assert_refused (lite, "use one of 1K");
  gg_request_set_image_size (nano, "512");
  assert_refused (nano, "use one of 1K, 2K, 4K");
}

static void
test_flash_no_image_size (void)
{
  g_autoptr(GgRequest) request = gg_request_new ("gemini-2.5-flash-image");
  g_autofree gchar *body = NULL;

  gg_request_set_prompt (request, "a cat");
  gg_request_set_aspect_ratio (request, "21:9");
  assert_valid (request);
  gg_request_set_image_size (request, "1K");
  assert_refused (request, "does not take an image size");

  /* Even unvalidated, imageSize is never sent to 2.5 Flash. */
  body = body_of (request);
  g_assert_null (strstr (body, "imageSize"));
  g_assert_nonnull (strstr (body, "\"imageConfig\":{\"aspectRatio\":\"21:9\"}"));
}

static void
test_size_rules (void)
{
  g_autoptr(GgRequest) pro = gg_request_new ("gemini-3-pro-image");
  g_autoptr(GgRequest) custom = gg_request_new ("my-tuned-image-model");
  g_autofree gchar *body = NULL;

  gg_request_set_prompt (pro, "a cat");
  gg_request_set_image_size (pro, "1k");
  assert_refused (pro, "use “1K”");
  gg_request_set_image_size (pro, "512");
  assert_refused (pro, "use one of 1K, 2K, 4K");
  gg_request_set_image_size (pro, "4K");
  assert_valid (pro);

  gg_request_set_aspect_ratio (pro, "8:1");
  assert_refused (pro, "use one of 1:1, 2:3, 3:2, 3:4, 4:3, 4:5, 5:4, 9:16, 16:9, 21:9");
  gg_request_set_aspect_ratio (pro, "16x9");
  assert_refused (pro, "width:height");
  gg_request_set_aspect_ratio (pro, "16:9");
  assert_valid (pro);

  /* A free-text model: sent as asked, only the universal rules. */
  g_assert_null (gg_request_get_model_info (custom));
  gg_request_set_prompt (custom, "a cat");
  gg_request_set_image_size (custom, "8K");
  gg_request_set_aspect_ratio (custom, "7:3");
  assert_valid (custom);
  body = body_of (custom);
  g_assert_nonnull (strstr (body, "\"imageConfig\":{\"aspectRatio\":\"7:3\",\"imageSize\":\"8K\"}"));
  gg_request_set_image_size (custom, "2k");
  assert_refused (custom, "use “2K”");
}

static void
test_image_only_search (void)
{
  g_autoptr(GgRequest) request = gg_request_new ("gemini-3-pro-image");

  gg_request_set_prompt (request, "today's weather in Paris as a poster");
  gg_request_set_search (request, TRUE);
  assert_valid (request);
  gg_request_set_image_only (request, TRUE);
  assert_refused (request, "Google Search grounding needs text output: turn off image-only.");
}

static void
test_empty_prompt (void)
{
  g_autoptr(GgRequest) request = gg_request_new (NULL);

  assert_refused (request, "The prompt is empty");
  gg_request_set_prompt (request, " \t\n");
  assert_refused (request, "The prompt is empty");
}

static void
test_too_many_images (void)
{
  g_autoptr(GgRequest) flash = gg_request_new ("gemini-2.5-flash-image");
  g_autoptr(GgRequest) pro = gg_request_new ("gemini-3-pro-image");
  g_autoptr(GBytes) image = png ();

  gg_request_set_prompt (flash, "combine");
  for (guint i = 0; i < 3; i++)
    gg_request_add_image (flash, image, "image/png", GG_ROLE_INPUT);
  assert_valid (flash);
  gg_request_add_image (flash, image, "image/png", GG_ROLE_STYLE);
  g_assert_cmpuint (gg_request_n_images (flash), ==, 4);
  assert_refused (flash, "at most 3 input images, and this request has 4");

  gg_request_set_prompt (pro, "combine");
  for (guint i = 0; i < 7; i++)
    gg_request_add_image (pro, image, "image/png", GG_ROLE_OBJECT);
  assert_refused (pro, "at most 6 object reference images, and this request has 7");

  g_clear_pointer (&pro, gg_request_free);
  pro = gg_request_new ("gemini-3-pro-image");
  gg_request_set_prompt (pro, "a group photo");
  for (guint i = 0; i < 6; i++)
    gg_request_add_image (pro, image, NULL, GG_ROLE_PERSON);
  assert_refused (pro, "at most 5 reference images of people");

  g_clear_pointer (&pro, gg_request_free);
  pro = gg_request_new ("gemini-3-pro-image");
  gg_request_set_prompt (pro, "combine");
  for (guint i = 0; i < 15; i++)
    gg_request_add_image (pro, image, NULL, GG_ROLE_INPUT);
  assert_refused (pro, "at most 14 input images");
}

static void
test_mime_types (void)
{
  g_autoptr(GBytes) jpg = jpeg ();
  g_autoptr(GBytes) gif = g_bytes_new_static (GIF_BYTES, sizeof GIF_BYTES - 1);
  g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);
  g_autoptr(GgRequest) request = NULL;
  g_autofree gchar *body = NULL;

  request = gg_request_new (NULL);
  gg_request_set_prompt (request, "edit");
  gg_request_add_image (request, jpg, "image/jpg", GG_ROLE_INPUT);
  assert_refused (request, "“image/jpg” of image 1 is not accepted by the API: use “image/jpeg”");

  g_clear_pointer (&request, gg_request_free);
  request = gg_request_new (NULL);
  gg_request_set_prompt (request, "edit");
  gg_request_add_image (request, jpg, "image/png", GG_ROLE_INPUT);
  assert_refused (request, "Image 1 is declared as image/png but its bytes are JPEG: declare it as image/jpeg.");

  g_clear_pointer (&request, gg_request_free);
  request = gg_request_new (NULL);
  gg_request_set_prompt (request, "edit");
  gg_request_add_image (request, gif, "image/gif", GG_ROLE_INPUT);
  assert_refused (request, "“image/gif”");

  g_clear_pointer (&request, gg_request_free);
  request = gg_request_new (NULL);
  gg_request_set_prompt (request, "edit");
  gg_request_add_image (request, gif, NULL, GG_ROLE_INPUT);
  assert_refused (request, "Image 1 is not a PNG, JPEG, WebP or HEIF image");

  g_clear_pointer (&request, gg_request_free);
  request = gg_request_new (NULL);
  gg_request_set_prompt (request, "edit");
  gg_request_add_image (request, empty, "image/png", GG_ROLE_INPUT);
  assert_refused (request, "Image 1 is empty");

  /* No declared type: sniffed, and the body says what the bytes are. */
  g_clear_pointer (&request, gg_request_free);
  request = gg_request_new (NULL);
  gg_request_set_prompt (request, "edit");
  gg_request_add_image (request, jpg, NULL, GG_ROLE_INPUT);
  gg_request_add_image (request, jpg, "image/jpeg", GG_ROLE_INPUT);
  assert_valid (request);
  body = body_of (request);
  g_assert_nonnull (strstr (body, "{\"inlineData\":{\"mimeType\":\"image/jpeg\",\"data\":\"" JPEG_B64 "\"}},"
                                  "{\"inlineData\":{\"mimeType\":\"image/jpeg\",\"data\":\"" JPEG_B64 "\"}}]}]"));
}

static void
test_images_in_body (void)
{
  g_autoptr(GgRequest) request = gg_request_new ("gemini-3-pro-image");
  g_autoptr(GBytes) image = png ();
  g_autoptr(GBytes) style = jpeg ();
  g_autofree gchar *body = NULL;
  g_autofree gchar *elided = NULL;
  g_autofree gchar *turn = NULL;
  g_autofree gchar *expected_text = NULL;
  g_autofree gchar *style_sentence = gg_prompt_role_sentence (GG_ROLE_STYLE, 2);
  cJSON *root;
  cJSON *parts;

  gg_request_set_prompt (request, "make it autumn");
  gg_request_add_image (request, image, "image/png", GG_ROLE_INPUT);
  gg_request_add_image (request, style, "image/jpeg", GG_ROLE_STYLE);
  assert_valid (request);

  body = body_of (request);
  root = cJSON_Parse (body);
  g_assert_nonnull (root);
  parts = cJSON_GetObjectItem (cJSON_GetArrayItem (cJSON_GetObjectItem (root, "contents"), 0),
                               "parts");
  g_assert_cmpint (cJSON_GetArraySize (parts), ==, 3);

  /* The role sentence follows the user's words, numbered by position. */
  g_assert_nonnull (style_sentence);
  g_assert_nonnull (strstr (style_sentence, "image 2"));
  expected_text = g_strconcat ("make it autumn\n\n", style_sentence, NULL);
  g_assert_cmpstr (cJSON_GetObjectItem (cJSON_GetArrayItem (parts, 0), "text")->valuestring,
                   ==, expected_text);
  g_assert_cmpstr (cJSON_GetObjectItem (cJSON_GetObjectItem (cJSON_GetArrayItem (parts, 1),
                                                             "inlineData"), "data")->valuestring,
                   ==, PNG_B64);
  g_assert_cmpstr (cJSON_GetObjectItem (cJSON_GetObjectItem (cJSON_GetArrayItem (parts, 2),
                                                             "inlineData"), "mimeType")->valuestring,
                   ==, "image/jpeg");
  g_assert_cmpstr (cJSON_GetObjectItem (cJSON_GetObjectItem (cJSON_GetArrayItem (parts, 2),
                                                             "inlineData"), "data")->valuestring,
                   ==, JPEG_B64);
  cJSON_Delete (root);

  /* Elided: the same body with the data replaced by its length. */
  elided = gg_request_to_json (request, TRUE, NULL);
  g_assert_null (strstr (elided, PNG_B64));
  g_assert_nonnull (strstr (elided, "{\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\"<100 bytes elided>\"}}"));
  g_assert_nonnull (strstr (elided, "\"data\":\"<844 bytes elided>\""));

  /* The user turn for the conversation is the body's turn, data included. */
  turn = gg_request_user_turn_json (request);
  g_assert_true (g_str_has_prefix (turn, "{\"role\":\"user\",\"parts\":[{\"text\":\"make it autumn"));
  g_assert_nonnull (strstr (body, turn));
}

/* User text can hold any byte: it must come out escaped and never be taken
 * for one of the builder's markers. */
static void
test_hostile_text (void)
{
  g_autoptr(GgRequest) request = gg_request_new (NULL);
  g_autoptr(GBytes) image = png ();
  g_autofree gchar *body = NULL;
  cJSON *root;

  gg_request_set_prompt (request, "\x01" "0" "\x01 \x01H\x01 \xff\xfe \"quoted\" \\ end");
  gg_request_add_image (request, image, NULL, GG_ROLE_INPUT);
  body = body_of (request);
  g_assert_null (strchr (body, '\x01'));
  g_assert_true (g_utf8_validate (body, -1, NULL));
  root = cJSON_Parse (body);
  g_assert_nonnull (root);
  cJSON_Delete (root);
  g_assert_nonnull (strstr (body, "\\u0001H\\u0001"));
}

#define HISTORY \
  "[ {\"role\":\"user\",\"parts\":[{\"text\":\"a red square\"}]},\n" \
  "  {\"role\":\"model\",\"parts\":[{\"text\":\"Here.\",\"thoughtSignature\":\"c2lnLTE=\"}," \
  "{\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\"" PNG_B64 "\"},\"thoughtSignature\":\"c2lnLTI=\"}]} ]\n"

static void
test_history_verbatim (void)
{
  g_autoptr(GgRequest) request = gg_request_new ("gemini-3-pro-image");
  g_autoptr(GError) error = NULL;
  g_autofree gchar *body = NULL;
  g_autofree gchar *inner = NULL;
  const gchar *start = strchr (HISTORY, '[') + 1;
  const gchar *end = strrchr (HISTORY, ']');
  cJSON *root;
  cJSON *contents;

  gg_request_set_prompt (request, "now make it blue");
  g_assert_true (gg_request_set_history (request, HISTORY, &error));
  g_assert_no_error (error);
  assert_valid (request);

  body = body_of (request);
  inner = g_strndup (start, end - start);
  /* The earlier turns come first, exactly as given, then the new turn. */
  g_assert_true (g_str_has_prefix (body, "{\"contents\":["));
  g_assert_true (strncmp (body + strlen ("{\"contents\":["), inner, strlen (inner)) == 0);
  g_assert_true (g_str_has_prefix (body + strlen ("{\"contents\":[") + strlen (inner),
                                   ",{\"role\":\"user\",\"parts\":[{\"text\":\"now make it blue\"}]}]"));

  root = cJSON_Parse (body);
  g_assert_nonnull (root);
  contents = cJSON_GetObjectItem (root, "contents");
  g_assert_cmpint (cJSON_GetArraySize (contents), ==, 3);
  g_assert_cmpstr (cJSON_GetObjectItem (cJSON_GetArrayItem (contents, 1), "role")->valuestring,
                   ==, "model");
  cJSON_Delete (root);

  /* The elided body keeps the history's turns and signatures, not its
   * image data. */
  g_clear_pointer (&body, g_free);
  body = gg_request_to_json (request, TRUE, NULL);
  g_assert_nonnull (strstr (body, "{\"inlineData\":{\"mimeType\":\"image/png\",\"data\":"
                                  "\"<100 bytes elided>\"},\"thoughtSignature\":\"c2lnLTI=\"}"));
  g_assert_null (strstr (body, PNG_B64));
  root = cJSON_Parse (body);
  g_assert_nonnull (root);
  g_assert_cmpint (cJSON_GetArraySize (cJSON_GetObjectItem (root, "contents")), ==, 3);
  cJSON_Delete (root);

  /* An empty list is no history. */
  g_assert_true (gg_request_set_history (request, " [ ] ", &error));
  g_clear_pointer (&body, g_free);
  body = body_of (request);
  g_assert_true (g_str_has_prefix (body, "{\"contents\":[{\"role\":\"user\""));
}

static void
test_history_refused (void)
{
  g_autoptr(GgRequest) request = gg_request_new (NULL);
  const gchar *bad[] = {
    "{\"role\":\"user\"}",
    "[{\"role\":\"user\",\"parts\":[]}] trailing",
    "[1, 2]",
    "[{\"parts\":[]}]",
    "not json",
    "[{\"role\":\"user\",\"parts\":[]}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (gg_request_set_history (request, bad[i], &error));
      g_assert_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST);
      g_assert_nonnull (strstr (error->message, "start a new conversation"));
    }
}

static void
test_safety_rules (void)
{
  g_autoptr(GgRequest) request = gg_request_new (NULL);

  gg_request_set_prompt (request, "a cat");
  gg_request_add_safety (request, "SEXUALLY_EXPLICIT", "BLOCK_LOW_AND_ABOVE");
  gg_request_add_safety (request, "HARM_CATEGORY_HATE_SPEECH", "BLOCK_NONE");
  assert_valid (request);
  gg_request_add_safety (request, "VIOLENCE", "BLOCK_NONE");
  assert_refused (request, "The safety category “VIOLENCE” is not one this API knows");

  g_clear_pointer (&request, gg_request_free);
  request = gg_request_new (NULL);
  gg_request_set_prompt (request, "a cat");
  gg_request_add_safety (request, "HARASSMENT", "BLOCK_SOME");
  assert_refused (request, "The safety threshold “BLOCK_SOME”");
}

static void
test_sampling_rules (void)
{
  g_autoptr(GgRequest) request = gg_request_new (NULL);
  g_autofree gchar *body = NULL;

  gg_request_set_prompt (request, "a cat");
  gg_request_set_temperature (request, 2.5);
  assert_refused (request, "use a value from 0 to 2");
  gg_request_set_temperature (request, 0);
  gg_request_set_seed (request, G_GINT64_CONSTANT (5000000000));
  assert_refused (request, "The seed");
  gg_request_set_seed (request, 0);
  assert_valid (request);
  body = body_of (request);
  g_assert_nonnull (strstr (body, "\"temperature\":0,\"seed\":0}"));
}

static gint64
elapsed_build (const GgRequest *request,
               gboolean         elide,
               gsize           *length)
{
  gint64 start = g_get_monotonic_time ();
  gchar *body = gg_request_to_json (request, elide, length);

  g_free (body);
  return g_get_monotonic_time () - start;
}

/* A 20 MB image: linear build, one pass, the data bit for bit. */
static void
test_large_body (void)
{
  const gsize          size = 20 * 1000 * 1000;
  g_autoptr(GgRequest) request = gg_request_new ("gemini-3-pro-image");
  g_autoptr(GBytes)    image = NULL;
  g_autofree gchar    *body = NULL;
  g_autofree gchar    *head = NULL;
  g_autofree gchar    *tail = NULL;
  guint8              *data = g_malloc (size);
  gint64               best = G_MAXINT64;
  gsize                length = 0;
  const gchar         *start;

  /* A PNG signature, then bytes that cover the whole alphabet. */
  for (gsize i = 0; i < size; i++)
    data[i] = (guint8) (i * 2654435761u >> 13);
  memcpy (data, "\x89PNG\r\n\x1a\n", 8);
  image = g_bytes_new_take (data, size);

  gg_request_set_prompt (request, "make it blue");
  gg_request_add_image (request, image, "image/png", GG_ROLE_INPUT);
  /* 26.7 MB of base64: under the 100 MB of generateContent since
   * 2026-01-08 (the default), over the 20 MB that stays for batch requests. */
  g_assert_cmpuint (gg_request_get_max_inline (request), ==, 100 * 1000 * 1000);
  assert_valid (request);
  gg_request_set_max_inline (request, 20 * 1000 * 1000);
  assert_refused (request, "over the 20 MB the API accepts inline: select a smaller region");
  gg_request_set_max_inline (request, GG_REQUEST_DEFAULT_MAX_INLINE);
  assert_valid (request);

  for (guint i = 0; i < 3; i++)
    best = MIN (best, elapsed_build (request, FALSE, &length));
  g_test_message ("20 MB image: body of %" G_GSIZE_FORMAT " bytes built in %.1f ms",
                  length, best / 1000.0);
  g_assert_cmpuint (length, ==, (size + 2) / 3 * 4 + 187);

  /* The time is printed, not asserted: speed belongs to tests/bench. */

  body = gg_request_to_json (request, FALSE, &length);
  start = strstr (body, "\"data\":\"") + strlen ("\"data\":\"");
  head = g_base64_encode (data, 3000);
  tail = g_base64_encode (data + size - 2, 2);
  g_assert_true (strncmp (start, head, strlen (head)) == 0);
  g_assert_true (g_str_has_suffix (body, "\"}}]}],\"generationConfig\":{\"responseModalities\":[\"TEXT\",\"IMAGE\"]},\"store\":false}"));
  g_assert_true (strncmp (start + (size + 2) / 3 * 4 - 4, tail, 4) == 0);

  g_clear_pointer (&body, g_free);
  body = gg_request_to_json (request, TRUE, &length);
  g_assert_nonnull (strstr (body, "\"data\":\"<26666668 bytes elided>\""));
  g_assert_cmpuint (length, <, 400);
}

static void
test_prompt_wording (void)
{
  g_autofree gchar *whole = gg_prompt_edit ("make the sky purple.  ", FALSE, NULL);
  g_autofree gchar *area = gg_prompt_edit ("add a moon", TRUE, "the upper left corner");
  g_autofree gchar *no_area = gg_prompt_edit ("add a moon", TRUE, NULL);
  g_autofree gchar *hint = gg_prompt_role_sentence (GG_ROLE_HINT, 2);
  g_autofree gchar *person = gg_prompt_role_sentence (GG_ROLE_PERSON, 3);

  g_assert_true (g_str_has_prefix (whole, "Edit this image: make the sky purple. Change only"));
  g_assert_null (strstr (whole, "{"));
  g_assert_true (g_str_has_prefix (area, "Edit this image: add a moon. The change belongs only "
                                         "inside the area of interest (the upper left corner)"));
  g_assert_true (g_str_has_prefix (no_area, "Edit this image: add a moon. Change only"));
  g_assert_true (g_str_has_prefix (hint, "Image 2 is a mask: white marks the area"));
  g_assert_cmpstr (person, ==, "Image 3 shows a person; keep their likeness.");
  g_assert_null (gg_prompt_role_sentence (GG_ROLE_INPUT, 1));
  g_assert_null (gg_prompt_template ("no-such-key"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/request/full-body", test_full_body);
  g_test_add_func ("/request/minimal-body", test_minimal_body);
  g_test_add_func ("/request/no-thoughts-for-flash", test_no_thoughts_for_flash);
  g_test_add_func ("/request/store", test_store);
  g_test_add_func ("/request/thinking-level", test_thinking_level);
  g_test_add_func ("/request/retired-refused", test_retired_refused);
  g_test_add_func ("/request/extended-ratios", test_extended_ratios);
  g_test_add_func ("/request/flash-no-image-size", test_flash_no_image_size);
  g_test_add_func ("/request/size-rules", test_size_rules);
  g_test_add_func ("/request/image-only-search", test_image_only_search);
  g_test_add_func ("/request/empty-prompt", test_empty_prompt);
  g_test_add_func ("/request/too-many-images", test_too_many_images);
  g_test_add_func ("/request/mime-types", test_mime_types);
  g_test_add_func ("/request/images-in-body", test_images_in_body);
  g_test_add_func ("/request/hostile-text", test_hostile_text);
  g_test_add_func ("/request/history-verbatim", test_history_verbatim);
  g_test_add_func ("/request/history-refused", test_history_refused);
  g_test_add_func ("/request/safety-rules", test_safety_rules);
  g_test_add_func ("/request/sampling-rules", test_sampling_rules);
  g_test_add_func ("/request/large-body", test_large_body);
  g_test_add_func ("/request/prompt-wording", test_prompt_wording);

  return g_test_run ();
}
