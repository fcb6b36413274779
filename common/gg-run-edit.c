/* gimp-gemini: the edit run (gg_run_edit ()): the selection and some
 * context around it (or the whole layer) sent with the user's words, the
 * answer placed back over the region, masked to the grown, feathered
 * selection (or to the pixels the model changed).  Style transfer is an
 * edit whose references carry the style.
 */

#include <string.h>

#include "gg-error.h"
#include "gg-intl.h"
#include "gg-prompt.h"
#include "gg-run-private.h"


/* What an edit can make before the answer is there, on a thread of its
 * own while the model works: the layer mask from the selection's coverage
 * (a 4K selection's grow and feather) and what placing needs of the
 * original alone (gg_region_place_prepare ()): a few tenths of a second
 * at 4K that the wait hides (issue 7). */
typedef struct
{
  GgMask             *coverage;    /* owned; NULL: no mask to make */
  GgMaskOptions       options;
  GgMask             *mask;        /* the result, or NULL with error */
  const GgRegionPlan *plan;        /* with original: the prep to make */
  const GgRaster     *original;
  GgPlacePrep        *prep;        /* the result (NULL: placed without) */
  GError             *error;
  GThread            *thread;
} MaskJob;

/* Everything an edit holds; freed by edit_clear (). */
typedef struct
{
  GgHostCanvas         canvas;
  GgRegionPlan         plan;
  MaskJob              job;
  GgMask              *mask;
  GgMask              *grown;
  GBytes              *hint;
  GPtrArray           *references;
  GgRaster            *original;
  GBytes              *encoded;
  gchar               *text;
  gchar               *prompt;
  GgRequest           *requests[GG_FRONT_MAX_VARIATIONS];
} Edit;

static gpointer
mask_job_run (gpointer data)
{
  MaskJob *job = data;

  /* Without a prep the answer is placed the long way: never an error. */
  if (job->plan && job->original)
    job->prep = gg_region_place_prepare (job->plan, job->original, NULL);
  if (job->coverage)
    job->mask = gg_mask_from_selection (job->coverage, &job->options,
                                        &job->error);
  return NULL;
}

/* Starts @job on a thread (or runs it here when no thread can be had). */
static void
mask_job_start (MaskJob *job)
{
  job->thread = g_thread_try_new ("gemini-mask", mask_job_run, job, NULL);
  if (! job->thread)
    mask_job_run (job);
}

/* Waits for @job.  FALSE with @error (may be NULL: dropped) when it was
 * started and failed; TRUE otherwise. */
static gboolean
mask_job_finish (MaskJob  *job,
                 GError  **error)
{
  if (job->thread)
    g_thread_join (g_steal_pointer (&job->thread));
  if (job->coverage && ! job->mask && job->error)
    {
      g_propagate_error (error, g_steal_pointer (&job->error));
      return FALSE;
    }
  g_clear_error (&job->error);
  return TRUE;
}

static void
edit_clear (Edit *edit)
{
  mask_job_finish (&edit->job, NULL);
  g_clear_pointer (&edit->job.coverage, gg_mask_free);
  g_clear_pointer (&edit->job.mask, gg_mask_free);
  g_clear_pointer (&edit->job.prep, gg_place_prep_free);
  g_clear_pointer (&edit->mask, gg_mask_free);
  g_clear_pointer (&edit->grown, gg_mask_free);
  g_clear_pointer (&edit->hint, g_bytes_unref);
  g_clear_pointer (&edit->references, g_ptr_array_unref);
  g_clear_pointer (&edit->original, gg_raster_free);
  g_clear_pointer (&edit->encoded, g_bytes_unref);
  g_clear_pointer (&edit->text, g_free);
  g_clear_pointer (&edit->prompt, g_free);
  for (guint i = 0; i < GG_FRONT_MAX_VARIATIONS; i++)
    g_clear_pointer (&edit->requests[i], gg_request_free);
}

/* The layer mask, from the selection's own coverage over the region:
 * refused (before anything is paid for) when nothing would show.  A
 * shrinking grow is made here; otherwise one pixel at least half selected
 * is enough to know (only a feather far wider than the selection could
 * still hide all), and the mask is made while the model works. */
static gboolean
edit_masks (GgHost              *host,
            const GgRunOptions  *options,
            Edit                *edit,
            GError             **error)
{
  GgRect canvas = edit->plan.region;

  if (! edit->canvas.has_selection)
    return TRUE;

  canvas.x += edit->canvas.origin_x;
  canvas.y += edit->canvas.origin_y;
  if (options->mask_as_is)
    {
      edit->mask = gg_run_selection_mask (host, options, &canvas, NULL,
                                          error);
      if (! edit->mask)
        return FALSE;
      if (options->hint)
        {
          edit->hint = gg_run_hint (&edit->plan, edit->mask, error);
          if (! edit->hint)
            return FALSE;
        }
      return TRUE;
    }
  if (options->grow < 0)
    {
      edit->mask = gg_run_selection_mask (host, options, &canvas,
                                          options->hint ? &edit->grown : NULL,
                                          error);
      if (! edit->mask)
        return FALSE;
    }
  else
    {
      edit->job.coverage = gg_run_coverage (host, &canvas, error);
      if (! edit->job.coverage)
        return FALSE;
      edit->job.options.grow    = options->grow;
      edit->job.options.feather = options->feather < 0 ?
                                  GG_MASK_FEATHER_AUTO : options->feather;
      if (options->hint)
        {
          edit->grown = gg_mask_grow (edit->job.coverage, options->grow,
                                      error);
          if (! edit->grown)
            return FALSE;
        }
    }

  if (options->hint)
    {
      edit->hint = gg_run_hint (&edit->plan, edit->grown, error);
      if (! edit->hint)
        return FALSE;
    }
  gg_run_mark (host, "mask");

  return TRUE;
}

/* Plans, reads, encodes and words the requests: nothing is paid yet. */
static gboolean
edit_requests (GgHost              *host,
               const GgRunOptions  *options,
               Edit                *edit,
               GError             **error)
{
  GgRunSpec         spec = { 0, };
  g_autofree gchar *area = NULL;

  if (! host->klass->canvas (host, options->visible, &edit->canvas, error))
    return FALSE;
  if (! gg_run_plan_edit (options, &edit->canvas, &edit->plan, error))
    return FALSE;
  gg_run_mark (host, "planned");

  if (! edit_masks (host, options, edit, error))
    return FALSE;

  /* References first: a bad role is refused before any pixel is read. */
  edit->references = gg_run_references (host, error);
  if (! edit->references)
    return FALSE;

  edit->original = host->klass->read (host, options->visible,
                                      &edit->plan.region, error);
  if (! edit->original)
    return FALSE;
  gg_run_mark (host, "read");

  edit->encoded = gg_front_encode (edit->original, edit->plan.send_width,
                                   edit->plan.send_height, error);
  if (! edit->encoded)
    return FALSE;
  gg_run_mark (host, "encoded");

  if (edit->canvas.has_selection)
    area = gg_front_selection_area (&edit->plan);
  edit->text = gg_prompt_edit (edit->prompt, edit->canvas.has_selection, area);

  spec.model      = gg_front_option (options->model);
  spec.text       = edit->text;
  spec.ratio      = gg_front_option (options->ratio) ? options->ratio :
                    edit->plan.ratio;
  spec.size       = edit->plan.size;
  spec.input      = edit->encoded;
  spec.references = edit->references;
  spec.hint       = edit->hint;

  if (! gg_run_requests (options, &spec, edit->requests,
                         gg_run_variations (options), error))
    return FALSE;
  gg_run_mark (host, "built");

  return TRUE;
}

gboolean
gg_run_edit (GgHost              *host,
             const GgRunOptions  *options,
             GError             **error)
{
  g_autoptr (GPtrArray)      responses    = NULL;
  g_autoptr (GPtrArray)      failures     = NULL;
  g_autoptr (GgConversation) conversation = NULL;
  GgConversationPlace        place        = { 0, };
  GgRunFinish                finish       = { 0, };
  Edit                       edit         = { 0, };
  gboolean                   ok           = FALSE;

  g_return_val_if_fail (host != NULL && options != NULL, FALSE);

  edit.prompt = g_strdup (options->prompt ? options->prompt : "");
  if (options->style && ! *g_strstrip (edit.prompt))
    {
      g_free (edit.prompt);
      edit.prompt = g_strdup (GG_FRONT_STYLE_PROMPT);
    }

  if (! edit_requests (host, options, &edit, error))
    goto out;

  edit.job.plan     = &edit.plan;
  edit.job.original = edit.original;
  mask_job_start (&edit.job);
  responses = gg_run_ask (host, edit.requests, gg_run_variations (options),
                          &failures, error);
  if (responses && ! mask_job_finish (&edit.job, error))
    {
      /* Out of memory, after the answer was paid for: kept. */
      gg_run_recover (host, responses, edit.prompt,
                      _("The layer mask could not be made"), error);
      goto out;
    }
  if (! responses)
    goto out;
  if (edit.job.mask)
    edit.mask = g_steal_pointer (&edit.job.mask);
  gg_run_mark (host, "answered");

  finish.host                  = host;
  finish.prompt                = edit.prompt;
  finish.target.plan           = &edit.plan;
  finish.target.origin_x       = edit.canvas.origin_x;
  finish.target.origin_y       = edit.canvas.origin_y;
  finish.target.space          = edit.canvas.space;
  finish.target.original       = edit.original;
  finish.target.prep           = edit.job.prep;
  finish.target.mask           = edit.mask;
  finish.target.mask_changed   = ! edit.canvas.has_selection &&
                                 options->changed_only;
  finish.target.thought_layers = options->thought_layers;
  finish.responses             = responses;
  finish.failures              = failures;
  finish.request               = edit.requests[0];

  /* An edit starts a new conversation, placed over this region. */
  conversation        = gg_conversation_new ();
  finish.conversation = conversation;
  finish.place        = &place;
  place.model         = g_strdup (gg_request_get_model (edit.requests[0]));
  gg_conversation_place_from_plan (&place, &edit.plan, edit.canvas.origin_x,
                                   edit.canvas.origin_y);
  place.had_selection = edit.canvas.has_selection;

  ok = gg_run_finish (&finish, error);

out:
  gg_conversation_place_clear (&place);
  edit_clear (&edit);

  return ok;
}
