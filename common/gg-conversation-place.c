/* gimp-gemini: the conversation parasites' format (gg-conversation-place.h).
 *
 * The key file that the GIMP 3 plug-in has written since the
 * first release, so that both GIMP front ends share .xcf files.
 */

#include <string.h>

#include "gg-conversation-place.h"
#include "gg-image.h"


#define PLACE_GROUP "conversation"


static gchar  * too_large_note (void);
static void     set_rect (GKeyFile     *file,
                          const gchar  *key,
                          const GgRect *rect);
static gboolean get_rect (GKeyFile     *file,
                          const gchar  *key,
                          GgRect       *rect);


void
gg_conversation_place_clear (GgConversationPlace *place)
{
  g_clear_pointer (&place->model, g_free);
  g_clear_pointer (&place->ratio, g_free);
  g_clear_pointer (&place->size, g_free);
  memset (place, 0, sizeof *place);
}

void
gg_conversation_place_to_plan (const GgConversationPlace *place,
                               GgRegionPlan              *plan)
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
gg_conversation_place_from_plan (GgConversationPlace *place,
                                 const GgRegionPlan  *plan,
                                 gint                 origin_x,
                                 gint                 origin_y)
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

gchar *
gg_conversation_place_to_text (const GgConversationPlace *place)
{
  g_autoptr (GKeyFile) file = g_key_file_new ();

  g_key_file_set_integer (file, PLACE_GROUP, "version", GG_PLACE_VERSION);
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

gboolean
gg_conversation_place_from_text (const gchar         *text,
                                 gsize                length,
                                 GgConversationPlace *place)
{
  g_autoptr (GKeyFile) file = g_key_file_new ();
  g_autofree gint     *out  = NULL;
  g_autofree gint     *send = NULL;
  gsize                n_out = 0, n_send = 0;

  memset (place, 0, sizeof *place);

  if (! text || length == 0 ||
      ! g_key_file_load_from_data (file, text, length, G_KEY_FILE_NONE, NULL))
    return FALSE;

  /* A newer writer may have moved things: better whole images than a
   * result placed at a misread rectangle. */
  if (g_key_file_has_key (file, PLACE_GROUP, "version", NULL) &&
      g_key_file_get_integer (file, PLACE_GROUP, "version", NULL) >
      GG_PLACE_VERSION)
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
      out[0] > GG_PLACE_MAX_SIDE || out[1] > GG_PLACE_MAX_SIDE ||
      send[0] > GG_PLACE_MAX_SIDE || send[1] > GG_PLACE_MAX_SIDE ||
      (gsize) place->region.width * (gsize) place->region.height > GG_DEFAULT_MAX_PIXELS ||
      place->region.width <= 0 || place->region.height <= 0 ||
      place->clip.width <= 0 || place->clip.height <= 0)
    {
      gg_conversation_place_clear (place);
      return FALSE;
    }

  place->out_width   = out[0];
  place->out_height  = out[1];
  place->send_width  = send[0];
  place->send_height = send[1];

  return TRUE;
}

gboolean
gg_conversation_place_serialize (GgConversation  *conversation,
                                 gchar          **json,
                                 gsize           *length,
                                 gchar          **note)
{
  *json = NULL;
  *length = 0;

  gg_conversation_trim (conversation, GG_CONVERSATION_MAX_TURNS);

  if (! gg_conversation_trim_to_size (conversation, GG_CONVERSATION_MAX_BYTES))
    {
      if (note)
        *note = too_large_note ();
      return FALSE;
    }

  *json = gg_conversation_to_json (conversation, length);

  return TRUE;
}

gboolean
gg_conversation_place_fits (const GgRequest  *request,
                            const gchar      *model_turn_json,
                            gchar           **note)
{
  /* A lower bound of the exchange's text: the base64 of the images sent
   * inline (uploaded ones are a short URI) and the model's turn as
   * received; what goes around them is small. */
  gsize size = model_turn_json ? strlen (model_turn_json) : 0;
  guint i;

  for (i = 0; i < gg_request_n_images (request); i++)
    {
      GBytes *bytes = gg_request_get_image (request, i, NULL);

      if (bytes)
        size += (g_bytes_get_size (bytes) + 2) / 3 * 4;
    }

  if (size <= GG_CONVERSATION_MAX_BYTES)
    return TRUE;

  if (note)
    *note = too_large_note ();

  return FALSE;
}


static gchar *
too_large_note (void)
{
  return g_strdup_printf ("The answer is too large to keep with the "
                          "image (over %u MB), so Refine cannot "
                          "continue from it.",
                          (guint) (GG_CONVERSATION_MAX_BYTES / 1000000));
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
  /* A hostile .xcf is no reason to plan a region no image can have. */
  for (guint i = 0; i < 4; i++)
    if (values[i] < (i < 2 ? -GG_PLACE_MAX_COORD : 0) || values[i] > GG_PLACE_MAX_COORD)
      return FALSE;

  rect->x      = values[0];
  rect->y      = values[1];
  rect->width  = values[2];
  rect->height = values[3];

  return TRUE;
}
