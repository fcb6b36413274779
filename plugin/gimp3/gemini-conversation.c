/* gimp-gemini: the image's conversation, stored as parasites.
 *
 * The rules are in gemini-conversation.h.  The conversation text is handled
 * by common/gg-conversation, the parasites' format by
 * common/gg-conversation-place; this file only moves them in and out of
 * the image.
 */

#include <string.h>

#include <libgimp/gimp.h>

#include "gg-error.h"

#include "gemini.h"
#include "gemini-conversation.h"
#include "gemini-intl.h"


/* Persistent: saved in the .xcf.  Undoable: undoing a run also restores
 * the conversation it replaced. */
#define PARASITE_FLAGS (GIMP_PARASITE_PERSISTENT | GIMP_PARASITE_UNDOABLE)


static gboolean attach (GimpImage   *image,
                        const gchar *name,
                        const gchar *data,
                        gsize        length);


GgConversation *
gemini_conversation_load (GimpImage            *image,
                          GgConversationPlace  *place,
                          GError              **error)
{
  GimpParasite   *parasite;
  GimpParasite   *place_parasite;
  GgConversation *conversation = NULL;
  gconstpointer   data;
  guint32         length = 0;

  parasite = gimp_image_get_parasite (image, GG_CONVERSATION_PARASITE);
  if (! parasite)
    return NULL;

  data = gimp_parasite_get_data (parasite, &length);
  if (data && length > 0)
    conversation = gg_conversation_from_json (data, length, error);
  else
    g_set_error_literal (error, GG_ERROR, GG_ERROR_FAILED,
                         _("The image's Gemini conversation is empty."));
  gimp_parasite_free (parasite);

  if (! conversation)
    {
      if (error && *error)
        g_prefix_error (error, _("The image's Gemini conversation is damaged "
                                 "(use Filters > Gemini > Start Over): "));
      return NULL;
    }

  memset (place, 0, sizeof *place);
  place_parasite = gimp_image_get_parasite (image, GG_PLACE_PARASITE);
  if (place_parasite)
    {
      data = gimp_parasite_get_data (place_parasite, &length);
      /* Without it the answers go on as whole images: still usable
       * (gg_conversation_place_from_text () leaves @place cleared). */
      gg_conversation_place_from_text (data, length, place);
      gimp_parasite_free (place_parasite);
    }

  return conversation;
}

gboolean
gemini_conversation_store (GimpImage                  *image,
                           GgConversation             *conversation,
                           const GgConversationPlace  *place,
                           gchar                     **note)
{
  g_autofree gchar *json = NULL;
  g_autofree gchar *text = NULL;
  gsize             length;

  if (! gg_conversation_place_serialize (conversation, &json, &length, note))
    {
      gemini_conversation_forget (image);
      return FALSE;
    }

  text = gg_conversation_place_to_text (place);

  if (! attach (image, GG_CONVERSATION_PARASITE, json, length) ||
      ! attach (image, GG_PLACE_PARASITE, text, strlen (text)))
    {
      gemini_conversation_forget (image);
      if (note)
        *note = g_strdup_printf (_("The conversation could not be kept with "
                                   "the image: %s"),
                                 gimp_pdb_get_last_error (gimp_get_pdb ()));
      return FALSE;
    }

  return TRUE;
}

/* Whether @image has the parasite @name, asked by name: fetching the
 * parasite itself would copy a 4K exchange's 12 MB from GIMP for a yes. */
static gboolean
has_parasite (GimpImage   *image,
              const gchar *name)
{
  g_auto (GStrv) names = gimp_image_get_parasite_list (image);

  return names != NULL && g_strv_contains ((const gchar * const *) names, name);
}

gboolean
gemini_conversation_forget (GimpImage *image)
{
  gboolean had = FALSE;

  if (has_parasite (image, GG_CONVERSATION_PARASITE))
    {
      had = TRUE;
      gimp_image_detach_parasite (image, GG_CONVERSATION_PARASITE);
    }
  if (has_parasite (image, GG_PLACE_PARASITE))
    gimp_image_detach_parasite (image, GG_PLACE_PARASITE);

  return had;
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
