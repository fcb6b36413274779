/* gimp-gemini: the generate and compose runs: a picture from the user's
 * words (and references), a new image or a new layer of the open one.
 * Compose is a generation whose references are the pictures to combine.
 */

#include <string.h>

#include "gg-error.h"
#include "gg-intl.h"
#include "gg-run-private.h"


static gboolean
generate (GgHost              *host,
          const GgRunOptions  *options,
          gboolean             new_image,
          gboolean             compose,
          GError             **error)
{
  g_autoptr (GPtrArray)      references   = NULL;
  g_autoptr (GPtrArray)      responses    = NULL;
  g_autoptr (GPtrArray)      failures     = NULL;
  g_autoptr (GgConversation) conversation = NULL;
  GgRequest                 *requests[GG_FRONT_MAX_VARIATIONS] = { NULL, };
  GgConversationPlace        place        = { 0, };
  GgRunFinish                finish       = { 0, };
  GgRunSpec                  spec         = { 0, };
  guint                      n            = gg_run_variations (options);
  gboolean                   ok           = FALSE;

  g_return_val_if_fail (host != NULL && options != NULL, FALSE);

  references = gg_run_references (host, error);
  if (! references)
    return FALSE;
  if (compose && references->len == 0)
    {
      g_set_error_literal (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                           _("Compose needs the pictures to combine: give "
                             "at least one layer or file."));
      return FALSE;
    }

  spec.model      = gg_front_option (options->model);
  spec.text       = options->prompt ? options->prompt : "";
  spec.ratio      = gg_front_option (options->ratio);
  spec.size       = gg_front_option (options->size);
  spec.references = references;

  if (! gg_run_requests (options, &spec, requests, n, error))
    goto out;

  responses = gg_run_ask (host, requests, n, &failures, error);
  if (! responses)
    goto out;

  finish.host                  = host;
  finish.prompt                = spec.text;
  finish.target.thought_layers = options->thought_layers;
  finish.insert.new_image      = new_image;
  finish.responses             = responses;
  finish.failures              = failures;
  finish.request               = requests[0];

  conversation        = gg_conversation_new ();
  finish.conversation = conversation;
  finish.place        = &place;
  place.model         = g_strdup (gg_request_get_model (requests[0]));

  ok = gg_run_finish (&finish, error);

out:
  for (guint i = 0; i < G_N_ELEMENTS (requests); i++)
    g_clear_pointer (&requests[i], gg_request_free);
  gg_conversation_place_clear (&place);

  return ok;
}

gboolean
gg_run_generate (GgHost              *host,
                 const GgRunOptions  *options,
                 gboolean             new_image,
                 GError             **error)
{
  return generate (host, options, new_image, FALSE, error);
}

gboolean
gg_run_compose (GgHost              *host,
                const GgRunOptions  *options,
                gboolean             new_image,
                GError             **error)
{
  return generate (host, options, new_image, TRUE, error);
}
