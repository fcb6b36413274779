/* gimp-gemini: the refine run (gg_run_refine ()): the next turn of the
 * conversation kept with the image, its answer placed where the
 * conversation's first edit was (or whole, for a generation's).
 */

#include <string.h>

#include "gg-error.h"
#include "gg-intl.h"
#include "gg-procedures.h"
#include "gg-run-private.h"


typedef struct
{
  GgHostCanvas         canvas;
  GgConversation      *conversation;
  GgConversationPlace  place;
  GgRegionPlan         plan;
  GgRaster            *original;
  GgMask              *mask;
  GgMask              *grown;
  GBytes              *encoded;
  GBytes              *hint;
  GPtrArray           *references;
  gchar               *history;
  GgRequest           *requests[GG_FRONT_MAX_VARIATIONS];
} Refine;

static void
refine_clear (Refine *refine)
{
  g_clear_pointer (&refine->conversation, gg_conversation_free);
  gg_conversation_place_clear (&refine->place);
  g_clear_pointer (&refine->original, gg_raster_free);
  g_clear_pointer (&refine->mask, gg_mask_free);
  g_clear_pointer (&refine->grown, gg_mask_free);
  g_clear_pointer (&refine->encoded, g_bytes_unref);
  g_clear_pointer (&refine->hint, g_bytes_unref);
  g_clear_pointer (&refine->references, g_ptr_array_unref);
  g_clear_pointer (&refine->history, g_free);
  for (guint i = 0; i < GG_FRONT_MAX_VARIATIONS; i++)
    g_clear_pointer (&refine->requests[i], gg_request_free);
}

/* Over the conversation's region: what is visible there now (the ground
 * truth the answer is realigned and colour-matched against), the
 * selection as it is now, grown and feathered like an edit's, and, when
 * asked, the region sent again with its hint. */
static gboolean
refine_region (GgHost              *host,
               const GgRunOptions  *options,
               Refine              *refine,
               GError             **error)
{
  gg_conversation_place_to_plan (&refine->place, &refine->plan);

  refine->original = host->klass->read (host, TRUE, &refine->plan.region,
                                        error);
  if (! refine->original)
    return FALSE;

  if (refine->canvas.has_selection)
    {
      refine->mask = gg_run_selection_mask (host, options,
                                            &refine->plan.region,
                                            options->hint ? &refine->grown :
                                            NULL,
                                            error);
      if (! refine->mask)
        return FALSE;
    }

  if (! options->include_region)
    return TRUE;

  refine->encoded = gg_front_encode (refine->original,
                                     refine->plan.send_width,
                                     refine->plan.send_height, error);
  if (! refine->encoded)
    return FALSE;
  if (refine->grown)
    {
      refine->hint = gg_run_hint (&refine->plan, refine->grown, error);
      if (! refine->hint)
        return FALSE;
    }

  return TRUE;
}

/* No region (a generation's conversation): the whole visible canvas, at
 * most GG_REFINE_MAX_SIDE on its longer side. */
static gboolean
refine_canvas (GgHost   *host,
               Refine   *refine,
               GError  **error)
{
  GgRect  canvas  = refine->canvas.space;
  gint    longest = MAX (canvas.width, canvas.height);
  gdouble factor  = longest > GG_REFINE_MAX_SIDE ?
                    (gdouble) GG_REFINE_MAX_SIDE / longest : 1.0;

  canvas.x = canvas.y = 0;
  refine->original = host->klass->read (host, TRUE, &canvas, error);
  if (! refine->original)
    return FALSE;

  refine->encoded = gg_front_encode (refine->original,
                                     MAX (1, (gint) (canvas.width * factor + 0.5)),
                                     MAX (1, (gint) (canvas.height * factor + 0.5)),
                                     error);
  return refine->encoded != NULL;
}

static gboolean
refine_requests (GgHost              *host,
                 const GgRunOptions  *options,
                 Refine              *refine,
                 GError             **error)
{
  GgConversationPlace *place = &refine->place;
  GgRunSpec            spec  = { 0, };

  refine->conversation = host->klass->conversation_load ?
                         host->klass->conversation_load (host, place, error) :
                         NULL;
  if (! refine->conversation)
    {
      if (error && ! *error)
        g_set_error_literal (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                             _("This image has no Gemini conversation to "
                               "refine: start one with Filters > Gemini > "
                               "Edit… or Generate…."));
      return FALSE;
    }

  if (! host->klass->canvas (host, TRUE, &refine->canvas, error))
    return FALSE;

  /* The signatures belong to the model that made them: by default the
   * conversation's model, ratio and size. */
  spec.model = gg_front_option (options->model) ? options->model : place->model;
  spec.text  = options->prompt ? options->prompt : "";
  spec.ratio = gg_front_option (options->ratio) ? options->ratio : place->ratio;
  spec.size  = gg_front_option (options->size) ? options->size : place->size;

  refine->history = gg_conversation_contents_json (refine->conversation);
  spec.history    = refine->history;

  refine->references = gg_run_references (host, error);
  if (! refine->references)
    return FALSE;
  spec.references = refine->references;

  if (place->has_region)
    {
      if (! refine_region (host, options, refine, error))
        return FALSE;
    }
  else if (options->include_region)
    {
      if (! refine_canvas (host, refine, error))
        return FALSE;
    }
  spec.input = refine->encoded;
  spec.hint  = refine->hint;

  return gg_run_requests (options, &spec, refine->requests,
                          gg_run_variations (options), error);
}

gboolean
gg_run_refine (GgHost              *host,
               const GgRunOptions  *options,
               GError             **error)
{
  g_autoptr (GPtrArray) responses = NULL;
  g_autoptr (GPtrArray) failures  = NULL;
  GgRunFinish           finish    = { 0, };
  Refine                refine    = { 0, };
  GgConversationPlace  *place     = &refine.place;
  gboolean              ok        = FALSE;

  g_return_val_if_fail (host != NULL && options != NULL, FALSE);

  if (! refine_requests (host, options, &refine, error))
    goto out;

  responses = gg_run_ask (host, refine.requests, gg_run_variations (options),
                          &failures, error);
  if (! responses)
    goto out;

  finish.host                  = host;
  finish.prompt                = options->prompt ? options->prompt : "";
  finish.target.thought_layers = options->thought_layers;
  if (place->has_region)
    {
      finish.target.plan         = &refine.plan;
      finish.target.space        = place->clip;
      finish.target.original     = refine.original;
      /* The selection as it is now; without one, the changed pixels when
       * asked, else the refined result's mask carries over. */
      finish.target.mask         = refine.mask;
      finish.target.mask_changed = ! refine.canvas.has_selection &&
                                   options->changed_only;
      finish.insert.mask_from_previous = ! refine.canvas.has_selection;
    }
  finish.insert.previous_id = place->result_tattoo;
  finish.responses          = responses;
  finish.failures           = failures;
  finish.conversation       = refine.conversation;
  finish.place              = place;
  finish.request            = refine.requests[0];

  g_free (place->model);
  place->model = g_strdup (gg_request_get_model (refine.requests[0]));

  ok = gg_run_finish (&finish, error);

out:
  refine_clear (&refine);

  return ok;
}
