/* gimp-gemini: the image's conversation, stored as parasites.
 *
 * The rules are in gemini-conversation.h.  The conversation text itself is
 * handled by common/gg-conversation; this file only moves it in and out of
 * the image.
 */

#include <string.h>

#include <libgimp/gimp.h>

#include "gg-error.h"

#include "gemini.h"
#include "gemini-conversation.h"


#define PLACE_GROUP "conversation"

/* Persistent: saved in the .xcf.  Undoable: undoing a run also restores
 * the conversation it replaced. */
#define PARASITE_FLAGS (GIMP_PARASITE_PERSISTENT | GIMP_PARASITE_UNDOABLE)


static gchar    * place_to_text   (const GeminiPlace *place);
static gboolean   place_from_text (const gchar       *text,
                                   gsize              length,
                                   GeminiPlace       *place);
static void       set_rect        (GKeyFile          *file,
                                   const gchar       *key,
                                   const GgRect      *rect);
static gboolean   get_rect        (GKeyFile          *file,
                                   const gchar       *key,
                                   GgRect            *rect);
static gboolean   attach          (GimpImage         *image,
                                   const gchar       *name,
                                   const gchar       *data,
                                   gsize              length);


void
gemini_place_clear (GeminiPlace *place)
{
  g_clear_pointer (&place->model, g_free);
  g_clear_pointer (&place->ratio, g_free);
  g_clear_pointer (&place->size, g_free);
  memset (place, 0, sizeof *place);
}

void
gemini_place_to_plan (const GeminiPlace *place,
                      GgRegionPlan      *plan)
{
  memset (plan, 0, sizeof *plan);
  plan->region      = place->region;
  plan->selection   = place->selection;
  plan->ratio       = place->ratio;
  plan->size        = place->size;
  plan->out_width   = place->out_width;
  plan->out_height  = place->out_height;
  plan->send_width  = place->send_width;
  plan->send_height = place->send_height;
}

void
gemini_place_from_plan (GeminiPlace        *place,
                        const GgRegionPlan *plan,
                        gint                origin_x,
                        gint                origin_y)
{
  place->has_region   = TRUE;
  place->region       = plan->region;
  place->region.x    += origin_x;
  place->region.y    += origin_y;
  place->selection    = plan->selection;
  place->selection.x += origin_x;
  place->selection.y += origin_y;
  g_free (place->ratio);
  place->ratio        = g_strdup (plan->ratio);
  g_free (place->size);
  place->size         = g_strdup (plan->size);
  place->out_width    = plan->out_width;
  place->out_height   = plan->out_height;
  place->send_width   = plan->send_width;
  place->send_height  = plan->send_height;
}

GgConversation *
gemini_conversation_load (GimpImage    *image,
                          GeminiPlace  *place,
                          GError      **error)
{
  GimpParasite   *parasite;
  GimpParasite   *place_parasite;
  GgConversation *conversation = NULL;
  gconstpointer   data;
  guint32         length = 0;

  parasite = gimp_image_get_parasite (image, GEMINI_CONVERSATION_PARASITE);
  if (! parasite)
    return NULL;

  data = gimp_parasite_get_data (parasite, &length);
  if (data && length > 0)
    conversation = gg_conversation_from_json (data, length, error);
  else
    g_set_error_literal (error, GG_ERROR, GG_ERROR_FAILED,
                         "The image's Gemini conversation is empty.");
  gimp_parasite_free (parasite);

  if (! conversation)
    {
      if (error && *error)
        g_prefix_error (error, "The image's Gemini conversation is damaged "
                        "(use Filters > Gemini > Start Over): ");
      return NULL;
    }

  memset (place, 0, sizeof *place);
  place_parasite = gimp_image_get_parasite (image, GEMINI_PLACE_PARASITE);
  if (place_parasite)
    {
      data = gimp_parasite_get_data (place_parasite, &length);
      /* Without it the answers go on as whole images: still usable. */
      if (! place_from_text (data, length, place))
        gemini_place_clear (place);
      gimp_parasite_free (place_parasite);
    }

  return conversation;
}

gboolean
gemini_conversation_store (GimpImage          *image,
                           GgConversation     *conversation,
                           const GeminiPlace  *place,
                           gchar             **note)
{
  g_autofree gchar *json = NULL;
  g_autofree gchar *text = NULL;
  gsize             length;

  gg_conversation_trim (conversation, GEMINI_CONVERSATION_MAX_TURNS);

  if (! gg_conversation_trim_to_size (conversation,
                                      GEMINI_CONVERSATION_MAX_BYTES))
    {
      gemini_conversation_forget (image);
      if (note)
        *note = g_strdup_printf ("The answer is too large to keep with the "
                                 "image (over %u MB), so Refine cannot "
                                 "continue from it.",
                                 (guint) (GEMINI_CONVERSATION_MAX_BYTES /
                                          1000000));
      return FALSE;
    }

  json = gg_conversation_to_json (conversation, &length);
  text = place_to_text (place);

  if (! attach (image, GEMINI_CONVERSATION_PARASITE, json, length) ||
      ! attach (image, GEMINI_PLACE_PARASITE, text, strlen (text)))
    {
      gemini_conversation_forget (image);
      if (note)
        *note = g_strdup_printf ("The conversation could not be kept with "
                                 "the image: %s",
                                 gimp_pdb_get_last_error (gimp_get_pdb ()));
      return FALSE;
    }

  return TRUE;
}

gboolean
gemini_conversation_forget (GimpImage *image)
{
  GimpParasite *parasite;
  gboolean      had = FALSE;

  parasite = gimp_image_get_parasite (image, GEMINI_CONVERSATION_PARASITE);
  if (parasite)
    {
      had = TRUE;
      gimp_parasite_free (parasite);
      gimp_image_detach_parasite (image, GEMINI_CONVERSATION_PARASITE);
    }

  parasite = gimp_image_get_parasite (image, GEMINI_PLACE_PARASITE);
  if (parasite)
    {
      gimp_parasite_free (parasite);
      gimp_image_detach_parasite (image, GEMINI_PLACE_PARASITE);
    }

  return had;
}


static gchar *
place_to_text (const GeminiPlace *place)
{
  g_autoptr (GKeyFile) file = g_key_file_new ();

  g_key_file_set_integer (file, PLACE_GROUP, "version", 1);
  g_key_file_set_string (file, PLACE_GROUP, "model",
                         place->model ? place->model : "");
  g_key_file_set_boolean (file, PLACE_GROUP, "has-region", place->has_region);
  g_key_file_set_uint64 (file, PLACE_GROUP, "result-tattoo",
                         place->result_tattoo);

  if (place->has_region)
    {
      gint out[2]  = { place->out_width,  place->out_height };
      gint send[2] = { place->send_width, place->send_height };

      set_rect (file, "region", &place->region);
      set_rect (file, "selection", &place->selection);
      set_rect (file, "clip", &place->clip);
      g_key_file_set_boolean (file, PLACE_GROUP, "had-selection",
                              place->had_selection);
      g_key_file_set_string (file, PLACE_GROUP, "ratio",
                             place->ratio ? place->ratio : "");
      g_key_file_set_string (file, PLACE_GROUP, "size",
                             place->size ? place->size : "");
      g_key_file_set_integer_list (file, PLACE_GROUP, "out", out, 2);
      g_key_file_set_integer_list (file, PLACE_GROUP, "send", send, 2);
    }

  return g_key_file_to_data (file, NULL, NULL);
}

static gboolean
place_from_text (const gchar *text,
                 gsize        length,
                 GeminiPlace *place)
{
  g_autoptr (GKeyFile) file = g_key_file_new ();
  g_autofree gint     *out  = NULL;
  g_autofree gint     *send = NULL;
  gsize                n_out = 0, n_send = 0;

  if (! text || length == 0 ||
      ! g_key_file_load_from_data (file, text, length, G_KEY_FILE_NONE, NULL))
    return FALSE;

  place->model         = g_key_file_get_string (file, PLACE_GROUP, "model", NULL);
  place->has_region    = g_key_file_get_boolean (file, PLACE_GROUP,
                                                 "has-region", NULL);
  place->result_tattoo = (guint) g_key_file_get_uint64 (file, PLACE_GROUP,
                                                        "result-tattoo", NULL);
  if (place->model && ! *place->model)
    g_clear_pointer (&place->model, g_free);

  if (! place->has_region)
    return TRUE;

  place->had_selection = g_key_file_get_boolean (file, PLACE_GROUP,
                                                 "had-selection", NULL);
  place->ratio = g_key_file_get_string (file, PLACE_GROUP, "ratio", NULL);
  place->size  = g_key_file_get_string (file, PLACE_GROUP, "size", NULL);
  if (place->size && ! *place->size)
    g_clear_pointer (&place->size, g_free);
  out  = g_key_file_get_integer_list (file, PLACE_GROUP, "out", &n_out, NULL);
  send = g_key_file_get_integer_list (file, PLACE_GROUP, "send", &n_send, NULL);

  if (! get_rect (file, "region", &place->region) ||
      ! get_rect (file, "selection", &place->selection) ||
      ! get_rect (file, "clip", &place->clip) ||
      n_out != 2 || n_send != 2 ||
      out[0] <= 0 || out[1] <= 0 || send[0] <= 0 || send[1] <= 0 ||
      place->region.width <= 0 || place->region.height <= 0 ||
      place->clip.width <= 0 || place->clip.height <= 0)
    return FALSE;

  place->out_width   = out[0];
  place->out_height  = out[1];
  place->send_width  = send[0];
  place->send_height = send[1];

  return TRUE;
}

static void
set_rect (GKeyFile     *file,
          const gchar  *key,
          const GgRect *rect)
{
  gint values[4] = { rect->x, rect->y, rect->width, rect->height };

  g_key_file_set_integer_list (file, PLACE_GROUP, key, values, 4);
}

static gboolean
get_rect (GKeyFile    *file,
          const gchar *key,
          GgRect      *rect)
{
  g_autofree gint *values = NULL;
  gsize            n      = 0;

  values = g_key_file_get_integer_list (file, PLACE_GROUP, key, &n, NULL);
  if (! values || n != 4)
    return FALSE;

  rect->x      = values[0];
  rect->y      = values[1];
  rect->width  = values[2];
  rect->height = values[3];

  return TRUE;
}

static gboolean
attach (GimpImage   *image,
        const gchar *name,
        const gchar *data,
        gsize        length)
{
  GimpParasite *parasite;
  gboolean      ok;

  parasite = gimp_parasite_new (name, PARASITE_FLAGS, (guint32) length, data);
  ok = gimp_image_attach_parasite (image, parasite);
  gimp_parasite_free (parasite);

  return ok;
}
