/* test-conversation.c: the multi-turn record, from a request and an
 * answer to the history of the next request. */
#include <string.h>

#include <cjson/cJSON.h>

#include "gg-conversation.h"
#include "gg-error.h"
#include "gg-request.h"
#include "gg-response.h"
#include "gg-test-util.h"

#define PNG_B64 "iVBORw0KGgoAAAANSUhEUgAAAAQAAAAECAIAAAAmkwkpAAAAEElEQVR42mP8z4AATAxEcQAz0QEH0oWRNwAAAABJRU5ErkJggg=="

static gchar *
user_turn (const gchar *prompt)
{
  g_autoptr(GgRequest) request = gg_request_new ("gemini-3-pro-image");

  gg_request_set_prompt (request, prompt);
  return gg_request_user_turn_json (request);
}

static gchar *
model_turn (guint n)
{
  return g_strdup_printf ("{\"role\":\"model\",\"parts\":[{\"text\":\"answer %u\","
                          "\"thoughtSignature\":\"sig-text-%u\"},{\"inlineData\":"
                          "{\"mimeType\":\"image/png\",\"data\":\"" PNG_B64 "\"},"
                          "\"thoughtSignature\":\"sig-image-%u\"}]}", n, n, n);
}

static GgConversation *
conversation_of (guint n)
{
  GgConversation *conversation = gg_conversation_new ();

  for (guint i = 1; i <= n; i++)
    {
      g_autofree gchar *prompt = g_strdup_printf ("step %u", i);
      g_autofree gchar *user = user_turn (prompt);
      g_autofree gchar *model = model_turn (i);
      g_autoptr(GError) error = NULL;

      g_assert_true (gg_conversation_append_turn (conversation, user, model, &error));
      g_assert_no_error (error);
    }
  return conversation;
}

/* A real request and a real answer, stored, reloaded and sent back. */
static void
test_round_trip (void)
{
  g_autoptr(GgRequest)      first = gg_request_new ("gemini-3-pro-image");
  g_autoptr(GgRequest)      second = gg_request_new ("gemini-3-pro-image");
  g_autoptr(GgConversation) conversation = gg_conversation_new ();
  g_autoptr(GgConversation) reloaded = NULL;
  g_autoptr(GgResponse)     response = NULL;
  g_autoptr(GBytes)         answer = gg_test_data ("responses/thinking-grounded.json");
  g_autoptr(GBytes)         image = NULL;
  g_autoptr(GError)         error = NULL;
  g_autofree gchar         *user = NULL;
  g_autofree gchar         *stored = NULL;
  g_autofree gchar         *again = NULL;
  g_autofree gchar         *history = NULL;
  g_autofree gchar         *body = NULL;
  g_autofree gchar         *expected = NULL;
  gsize                     length = 0;
  gsize                     png_len;
  guchar                   *png = g_base64_decode (PNG_B64, &png_len);

  image = g_bytes_new_take (png, png_len);
  g_assert_null (gg_conversation_contents_json (conversation));

  gg_request_set_prompt (first, "a red square");
  gg_request_add_image (first, image, "image/png", GG_ROLE_INPUT);
  user = gg_request_user_turn_json (first);
  response = gg_response_parse (g_bytes_get_data (answer, NULL), g_bytes_get_size (answer),
                                NULL, &error);
  g_assert_no_error (error);

  g_assert_true (gg_conversation_append_turn (conversation, user,
                                              response->model_turn_json, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (gg_conversation_n_turns (conversation), ==, 1);
  g_assert_cmpuint (gg_conversation_n_contents (conversation), ==, 2);

  /* Stored as the two turns, byte for byte. */
  stored = gg_conversation_to_json (conversation, &length);
  expected = g_strconcat ("[", user, ",", response->model_turn_json, "]", NULL);
  g_assert_cmpstr (stored, ==, expected);
  g_assert_cmpuint (length, ==, strlen (stored));
  g_assert_cmpuint (gg_conversation_size (conversation), ==, length);

  /* Reloaded (from a parasite, say) it serializes the same. */
  reloaded = gg_conversation_from_json (stored, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (gg_conversation_n_turns (reloaded), ==, 1);
  again = gg_conversation_to_json (reloaded, NULL);
  g_assert_cmpstr (again, ==, stored);

  /* The next request sends it first, signatures on their parts. */
  history = gg_conversation_contents_json (reloaded);
  gg_request_set_prompt (second, "now make it blue");
  g_assert_true (gg_request_set_history (second, history, &error));
  g_assert_no_error (error);
  body = gg_request_to_json (second, FALSE, NULL);
  g_assert_nonnull (strstr (body, response->model_turn_json));
  g_assert_nonnull (strstr (body, "\"data\":\"" PNG_B64 "\"},\"thoughtSignature\":\"CiQBjz1rX2sigTwo+/=\""));
  g_assert_true (g_str_has_prefix (body, "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"a red square\"}"));
  g_assert_nonnull (strstr (body, "]},{\"role\":\"user\",\"parts\":[{\"text\":\"now make it blue\"}]}],"));
}

static void
test_trim (void)
{
  g_autoptr(GgConversation) conversation = conversation_of (5);
  g_autofree gchar         *json = NULL;
  cJSON                    *root;
  cJSON                    *first;

  g_assert_cmpuint (gg_conversation_n_turns (conversation), ==, 5);
  g_assert_cmpuint (gg_conversation_trim (conversation, 7), ==, 0);
  g_assert_cmpuint (gg_conversation_trim (conversation, 2), ==, 3);
  g_assert_cmpuint (gg_conversation_n_turns (conversation), ==, 2);
  g_assert_cmpuint (gg_conversation_n_contents (conversation), ==, 4);

  json = gg_conversation_to_json (conversation, NULL);
  root = cJSON_Parse (json);
  g_assert_nonnull (root);
  g_assert_cmpint (cJSON_GetArraySize (root), ==, 4);
  /* The last two exchanges, each user turn still with its answer. */
  first = cJSON_GetArrayItem (root, 0);
  g_assert_cmpstr (cJSON_GetObjectItem (first, "role")->valuestring, ==, "user");
  g_assert_cmpstr (cJSON_GetObjectItem (cJSON_GetArrayItem (cJSON_GetObjectItem (first, "parts"), 0),
                                        "text")->valuestring, ==, "step 4");
  g_assert_cmpstr (cJSON_GetObjectItem (cJSON_GetArrayItem (root, 1), "role")->valuestring, ==, "model");
  g_assert_nonnull (strstr (json, "\"thoughtSignature\":\"sig-image-4\""));
  g_assert_nonnull (strstr (json, "\"thoughtSignature\":\"sig-image-5\""));
  g_assert_null (strstr (json, "sig-image-3"));
  cJSON_Delete (root);
  g_assert_cmpuint (gg_conversation_size (conversation), ==, strlen (json));

  g_assert_cmpuint (gg_conversation_trim (conversation, 0), ==, 2);
  g_assert_cmpuint (gg_conversation_n_contents (conversation), ==, 0);
  g_clear_pointer (&json, g_free);
  json = gg_conversation_to_json (conversation, NULL);
  g_assert_cmpstr (json, ==, "[]");
  g_assert_cmpuint (gg_conversation_size (conversation), ==, 2);
}

static void
test_trim_to_size (void)
{
  g_autoptr(GgConversation) conversation = conversation_of (4);
  gsize                     whole = gg_conversation_size (conversation);
  gsize                     one;
  g_autofree gchar         *json = NULL;

  g_assert_true (gg_conversation_trim_to_size (conversation, whole));
  g_assert_cmpuint (gg_conversation_n_turns (conversation), ==, 4);
  g_assert_true (gg_conversation_trim_to_size (conversation, whole - 1));
  g_assert_cmpuint (gg_conversation_n_turns (conversation), ==, 3);
  g_assert_cmpuint (gg_conversation_size (conversation), <, whole);

  /* Never below the newest exchange, even when it alone is too big. */
  g_assert_false (gg_conversation_trim_to_size (conversation, 10));
  g_assert_cmpuint (gg_conversation_n_turns (conversation), ==, 1);
  one = gg_conversation_size (conversation);
  json = gg_conversation_to_json (conversation, NULL);
  g_assert_cmpuint (one, ==, strlen (json));
  g_assert_nonnull (strstr (json, "step 4"));
}

static void
test_append_refused (void)
{
  g_autoptr(GgConversation) conversation = gg_conversation_new ();
  g_autofree gchar         *user = user_turn ("hello");
  g_autofree gchar         *model = model_turn (1);
  g_autofree gchar         *json = NULL;
  const gchar *bad_pairs[][2] = {
    { "{\"role\":\"model\",\"parts\":[]}", NULL },
    { "{\"parts\":[]}", NULL },
    { "not json", NULL },
    { "{\"role\":\"user\",\"parts\":[]} junk", NULL },
    { NULL, "{\"role\":\"user\",\"parts\":[]}" },
    { NULL, "{\"role\":\"model\"}" },
    { NULL, "[1]" },
    { NULL, "{\"role\":7,\"parts\":[]}" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad_pairs); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (gg_conversation_append_turn (conversation,
                                                   bad_pairs[i][0] ? bad_pairs[i][0] : user,
                                                   bad_pairs[i][1] ? bad_pairs[i][1] : model,
                                                   &error));
      g_assert_error (error, GG_ERROR, GG_ERROR_FAILED);
      g_assert_true (g_str_has_suffix (error->message, "the conversation was not extended."));
      g_assert_cmpuint (gg_conversation_n_contents (conversation), ==, 0);
    }

  /* A model turn without its role gets one; the parts are untouched. */
  g_assert_true (gg_conversation_append_turn (conversation, user,
                                              "{\"parts\":[{\"text\":\"hi\",\"thoughtSignature\":\"s1\"}]}",
                                              NULL));
  json = gg_conversation_to_json (conversation, NULL);
  g_assert_nonnull (strstr (json, "{\"parts\":[{\"text\":\"hi\",\"thoughtSignature\":\"s1\"}],\"role\":\"model\"}"));
}

static void
test_from_json_refused (void)
{
  const gchar *bad[] = {
    "",
    "{}",
    "[{\"role\":\"model\",\"parts\":[]}]",
    "[{\"role\":\"user\",\"parts\":[]},{\"role\":\"system\",\"parts\":[]}]",
    "[{\"role\":\"user\",\"parts\":{}}]",
    "[{\"role\":\"user\",\"parts\":[]}] x",
    "[\"user\"]",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError)         error = NULL;
      g_autoptr(GgConversation) conversation = gg_conversation_from_json (bad[i], -1, &error);

      g_assert_null (conversation);
      g_assert_error (error, GG_ERROR, GG_ERROR_FAILED);
      g_assert_true (g_str_has_prefix (error->message, "The stored conversation is damaged"));
    }
}

static void
test_from_json_shapes (void)
{
  g_autoptr(GError)         error = NULL;
  g_autoptr(GgConversation) empty = gg_conversation_from_json (" [ ] ", -1, &error);
  g_autoptr(GgConversation) two = NULL;
  g_autofree gchar         *json = NULL;
  /* Two model contents for one user turn: still one exchange. */
  const gchar              *text =
    "[{\"role\":\"user\",\"parts\":[{\"text\":\"a\"}]},"
    " {\"role\":\"model\",\"parts\":[{\"text\":\"b\"}]},"
    " {\"role\":\"model\",\"parts\":[{\"text\":\"c\"}]},"
    " {\"role\":\"user\",\"parts\":[{\"text\":\"d\"}]},"
    " {\"role\":\"model\",\"parts\":[{\"text\":\"e\"}]}] trailing ignored by length";

  g_assert_no_error (error);
  g_assert_cmpuint (gg_conversation_n_turns (empty), ==, 0);
  g_assert_null (gg_conversation_contents_json (empty));

  two = gg_conversation_from_json (text, strstr (text, " trailing") - text, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (gg_conversation_n_turns (two), ==, 2);
  g_assert_cmpuint (gg_conversation_n_contents (two), ==, 5);
  g_assert_cmpuint (gg_conversation_trim (two, 1), ==, 1);
  json = gg_conversation_to_json (two, NULL);
  g_assert_cmpstr (json, ==, "[{\"role\":\"user\",\"parts\":[{\"text\":\"d\"}]},"
                             "{\"role\":\"model\",\"parts\":[{\"text\":\"e\"}]}]");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/conversation/round-trip", test_round_trip);
  g_test_add_func ("/conversation/trim", test_trim);
  g_test_add_func ("/conversation/trim-to-size", test_trim_to_size);
  g_test_add_func ("/conversation/append-refused", test_append_refused);
  g_test_add_func ("/conversation/from-json-refused", test_from_json_refused);
  g_test_add_func ("/conversation/from-json-shapes", test_from_json_shapes);

  return g_test_run ();
}
