/* gimp-gemini: the work of a run, from its options to the result layer
 * (gemini-pipeline.h). */

#include <string.h>

#include <libgimp/gimp.h>

#include "gg-catalogue.h"
#include "gg-error.h"
#include "gg-front.h"
#include "gg-image.h"
#include "gg-mask.h"
#include "gg-procedures.h"
#include "gg-prompt.h"
#include "gg-request.h"
#include "gg-response.h"

#include "gemini.h"
#include "gemini-conversation.h"
#include "gemini-host.h"
#include "gemini-intl.h"
#include "gemini-key.h"
#include "gemini-pipeline.h"
#include "gemini-pixels.h"
#include "gemini-references.h"
#include "gemini-result.h"
#include "gemini-worker.h"


/* What one request carries besides the options. */
typedef struct
{
  const gchar *model;            /* NULL: the catalogue's default */
  const gchar *text;             /* the prompt as sent */
  const gchar *ratio;
  const gchar *size;
  const gchar *history;          /* JSON array of earlier turns, or NULL */
  GBytes      *input;            /* the image edited, or NULL */
  GPtrArray   *references;       /* of GeminiReference*, or NULL */
  GBytes      *hint;             /* the editable area (PNG), or NULL */
} RequestSpec;

/* What an edit can make before the answer is there, on a thread of its
 * own while the model works: the layer mask from the selection's coverage
 * (a 4K selection's grow and feather) and what placing needs of the
 * original alone (gg_region_place_prepare): a few tenths of a second at
 * 4K that the wait hides (issue 7). */
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

/* An edit's plan and what is made of it before the request goes out. */
typedef struct
{
  const GeminiOptions      *options;
  const GeminiPlaceOptions *place_options;
  GimpImage                *image;
  GimpLayer                *source;
  gboolean                  has_selection;
  GgRect                    selection;   /* image, then space coordinates:
                                          * what may change */
  GgRect                    space;       /* the layer's pixels or the canvas */
  gint                      origin_x;    /* the space's place in the image */
  gint                      origin_y;
  GgRegionPlan              plan;
  GgMask                   *mask;        /* made here (a shrinking grow) */
  GgMask                   *grown;       /* the grown selection, for the hint */
  GBytes                   *hint;
  MaskJob                   mask_job;    /* else made while the model works */
} Edit;


static gboolean    edit_plan      (Edit                      *edit,
                                   GError                   **error);
static gboolean    edit_mask      (Edit                      *edit,
                                   GError                   **error);
static void        edit_clear     (Edit                      *edit);
static gboolean    refine_region  (const GeminiOptions       *options,
                                   const GeminiPlaceOptions  *place_options,
                                   GimpImage                 *image,
                                   const GgConversationPlace *place,
                                   GgRegionPlan              *plan,
                                   gboolean                   has_selection,
                                   GgRaster                 **original,
                                   GgMask                   **mask,
                                   GBytes                   **encoded,
                                   GBytes                   **hint,
                                   GError                   **error);
static GimpLayer * refine_above   (GimpImage                 *image,
                                   GimpDrawable             **drawables,
                                   GimpLayer                 *previous);
static gboolean    build_requests (const GeminiOptions       *options,
                                   const RequestSpec         *spec,
                                   GgRequest                **requests,
                                   GError                   **error);
static void        free_requests  (GgRequest                **requests);
static GPtrArray * ask            (const GeminiOptions       *options,
                                   GgRequest                **requests,
                                   guint                      n,
                                   GPtrArray                **failures,
                                   GError                   **error);
static void        mask_job_start (MaskJob                   *job);
static gboolean    mask_job_finish (MaskJob                  *job,
                                    GError                  **error);
static GBytes    * hint_image     (const GgRegionPlan        *plan,
                                   const GgMask              *grown,
                                   GError                   **error);


gboolean
gemini_pipeline_generate (GeminiOptions  *options,
                          GimpImage      *image,
                          GimpImage     **new_image,
                          GimpLayer     **new_layer,
                          GError        **error)
{
  g_autoptr (GPtrArray)       references = NULL;
  g_autoptr (GPtrArray)       responses  = NULL;
  g_autoptr (GPtrArray)       failures   = NULL;
  g_autoptr (GgConversation)  conversation = NULL;
  GgRequest                  *requests[GG_FRONT_MAX_VARIATIONS] = { NULL, };
  GgConversationPlace         place      = { 0, };
  GeminiTarget                target     = { 0, };
  RequestSpec                 spec       = { 0, };
  GimpLayer                  *layer      = NULL;

  *new_image = NULL;
  *new_layer = NULL;

  if (options->as_layer && ! image)
    {
      g_set_error_literal (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                           _("\"as-layer\" needs an image to add the layer "
                             "to."));
      return FALSE;
    }
  if (options->as_layer && ! gemini_host_refuse_indexed (image, error))
    return FALSE;

  references = gemini_references_read (options, error);
  if (! references)
    return FALSE;

  spec.model      = gg_front_option (options->model);
  spec.text       = options->prompt;
  spec.ratio      = gg_front_option (options->ratio);
  spec.size       = gg_front_option (options->size);
  spec.references = references;

  if (! build_requests (options, &spec, requests, error))
    goto out;

  responses = ask (options, requests, options->variations, &failures, error);
  if (! responses)
    goto out;

  /* libgimp owns its GimpImage proxies (transfer none): the target is
   * only borrowed, never unreferenced.  Without as-layer (or when the
   * image was closed meanwhile: the result is paid for), a new image. */
  target.image          = (options->as_layer && gimp_image_is_valid (image)) ?
                          image : NULL;
  target.prompt         = options->prompt;
  target.thought_layers = options->thought_layers;

  conversation = gg_conversation_new ();
  place.model  = g_strdup (gg_request_get_model (requests[0]));

  layer = gemini_finish (options, &target, responses, failures, conversation,
                         &place, requests[0], error);
  if (layer)
    {
      *new_image = target.image;
      *new_layer = layer;
    }

out:
  free_requests (requests);
  gg_conversation_place_clear (&place);

  return layer != NULL;
}

GimpLayer *
gemini_pipeline_edit (GeminiOptions             *options,
                      const GeminiPlaceOptions  *place_options,
                      GimpImage                 *image,
                      GimpLayer                 *source,
                      gboolean                   has_selection,
                      GgRect                     selection,
                      GError                   **error)
{
  g_autoptr (GPtrArray)       references = NULL;
  g_autoptr (GPtrArray)       responses  = NULL;
  g_autoptr (GPtrArray)       failures   = NULL;
  g_autoptr (GgConversation)  conversation = NULL;
  g_autoptr (GgRaster)        original   = NULL;
  g_autoptr (GBytes)          encoded    = NULL;
  g_autofree gchar           *text       = NULL;
  g_autofree gchar           *area       = NULL;
  GgRequest                  *requests[GG_FRONT_MAX_VARIATIONS] = { NULL, };
  GgConversationPlace         place      = { 0, };
  GeminiTarget                target     = { 0, };
  RequestSpec                 spec       = { 0, };
  Edit                        edit       = { 0, };
  GimpLayer                  *layer      = NULL;

  edit.options       = options;
  edit.place_options = place_options;
  edit.image         = image;
  edit.source        = source;
  edit.has_selection = has_selection;
  edit.selection     = selection;

  if (! edit_plan (&edit, error) || ! edit_mask (&edit, error))
    goto out;

  /* References first: a bad role is refused before any pixel is read. */
  references = gemini_references_read (options, error);
  if (! references)
    goto out;

  if (options->visible)
    original = gemini_pixels_read_visible (image, &edit.plan.region, error);
  else
    original = gemini_pixels_read (GIMP_DRAWABLE (source), &edit.plan.region,
                                   error);
  if (! original)
    goto out;
  gemini_time_mark ("read");

  encoded = gg_front_encode (original, edit.plan.send_width,
                             edit.plan.send_height, error);
  if (! encoded)
    goto out;
  gemini_time_mark ("encoded");

  if (has_selection)
    area = gg_front_selection_area (&edit.plan);
  text = gg_prompt_edit (options->prompt, has_selection, area);

  spec.model      = gg_front_option (options->model);
  spec.text       = text;
  spec.ratio      = gg_front_option (options->ratio) ? options->ratio :
                                                       edit.plan.ratio;
  spec.size       = edit.plan.size;
  spec.input      = encoded;
  spec.references = references;
  spec.hint       = edit.hint;

  if (! build_requests (options, &spec, requests, error))
    goto out;
  gemini_time_mark ("built");

  edit.mask_job.plan     = &edit.plan;
  edit.mask_job.original = original;
  mask_job_start (&edit.mask_job);
  responses = ask (options, requests, options->variations, &failures, error);
  if (responses && ! mask_job_finish (&edit.mask_job, error))
    {
      /* Out of memory, after the answer was paid for: kept for recovery. */
      GgResponse           *first  = g_ptr_array_index (responses, 0);
      g_autoptr (GPtrArray) images = gg_response_images (first);

      gg_front_recovery_error (error, gimp_directory (),
                               images->len ?
                               ((GgPart *) g_ptr_array_index (images, 0))->data :
                               NULL,
                               options->prompt,
                               "The layer mask could not be made");
      goto out;
    }
  if (! responses)
    goto out;
  if (edit.mask_job.mask)
    edit.mask = g_steal_pointer (&edit.mask_job.mask);
  gemini_time_mark ("answered");

  if (! gimp_item_is_valid (GIMP_ITEM (source)))
    source = NULL;

  target.image          = image;
  target.above          = source;
  target.prompt         = options->prompt;
  target.plan           = &edit.plan;
  target.origin_x       = edit.origin_x;
  target.origin_y       = edit.origin_y;
  target.space          = edit.space;
  target.original       = original;
  target.prep           = edit.mask_job.prep;
  target.mask           = edit.mask;
  target.mask_changed   = ! has_selection && place_options->changed_only;
  target.thought_layers = options->thought_layers;

  /* An edit starts a new conversation, placed over this region. */
  conversation = gg_conversation_new ();
  place.model  = g_strdup (gg_request_get_model (requests[0]));
  gg_conversation_place_from_plan (&place, &edit.plan,
                                   edit.origin_x, edit.origin_y);
  place.had_selection = has_selection;

  layer = gemini_finish (options, &target, responses, failures, conversation,
                         &place, requests[0], error);

out:
  free_requests (requests);
  gg_conversation_place_clear (&place);
  edit_clear (&edit);

  return layer;
}

/* The space the edit works in (the layer's own pixels, or the canvas),
 * the selection in it, grown, and the region planned around it. */
static gboolean
edit_plan (Edit    *edit,
           GError **error)
{
  const GeminiOptions      *options       = edit->options;
  const GeminiPlaceOptions *place_options = edit->place_options;
  GgRect                    selection     = { 0, };
  GgRegionOptions           region_options;

  if (options->visible)
    {
      edit->space.width  = gimp_image_get_width (edit->image);
      edit->space.height = gimp_image_get_height (edit->image);
    }
  else
    {
      gimp_drawable_get_offsets (GIMP_DRAWABLE (edit->source),
                                 &edit->origin_x, &edit->origin_y);
      edit->space.width  = gimp_drawable_get_width (GIMP_DRAWABLE (edit->source));
      edit->space.height = gimp_drawable_get_height (GIMP_DRAWABLE (edit->source));
    }

  if (edit->has_selection)
    {
      GgRect local = edit->selection;

      local.x -= edit->origin_x;
      local.y -= edit->origin_y;

      if (! gg_rect_intersect (&local, &edit->space, &selection))
        {
          g_autofree gchar *item_name =
            gimp_item_get_name (GIMP_ITEM (edit->source));

          g_set_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                       _("The selection does not touch the layer “%s”: "
                         "select inside it, or select nothing (Select > "
                         "None) to edit the whole layer."), item_name);
          return FALSE;
        }

      /* What may change is the grown selection: the region is planned
       * around it, so that its context ring lies outside. */
      if (place_options->grow > 0)
        {
          GgRect grown_bounds = { selection.x - place_options->grow,
                                  selection.y - place_options->grow,
                                  selection.width + 2 * place_options->grow,
                                  selection.height + 2 * place_options->grow };

          gg_rect_intersect (&grown_bounds, &edit->space, &selection);
        }
    }
  edit->selection = selection;

  gg_region_options_init (&region_options);
  region_options.pad_px   = options->context_px;
  region_options.pad_pct  = options->context_pct / 100.0;
  region_options.max_size = gg_front_option (options->size);

  if (! gg_region_plan (gg_catalogue_lookup (gg_front_option (options->model) ?
                                             options->model :
                                             gg_catalogue_default_model ()),
                        edit->space.width, edit->space.height,
                        &edit->selection, &region_options, &edit->plan,
                        error))
    return FALSE;
  gemini_time_mark ("planned");

  return TRUE;
}

/* The layer mask, from the selection's own coverage over the region:
 * refused (before anything is paid for) when nothing would show.  A
 * shrinking grow is made here; otherwise one pixel at least half selected
 * is enough to know (only a feather far wider than the selection could
 * still hide all: the layer is then added, hidden by its mask), and the
 * mask is made while the model works (mask_job).  Also the hint. */
static gboolean
edit_mask (Edit    *edit,
           GError **error)
{
  const GeminiPlaceOptions *place_options = edit->place_options;
  GgRect                    canvas        = edit->plan.region;

  if (! edit->has_selection)
    return TRUE;

  canvas.x += edit->origin_x;
  canvas.y += edit->origin_y;
  if (place_options->grow < 0)
    {
      edit->mask = gemini_host_selection_mask (edit->image, &canvas,
                                               place_options,
                                               place_options->hint ?
                                               &edit->grown : NULL, error);
      if (! edit->mask)
        return FALSE;
    }
  else
    {
      MaskJob *job = &edit->mask_job;

      job->coverage = gemini_host_selection_coverage (edit->image, &canvas,
                                                      error);
      if (! job->coverage)
        return FALSE;
      job->options.grow    = place_options->grow;
      job->options.feather = place_options->feather;
      if (place_options->hint)
        {
          edit->grown = gg_mask_grow (job->coverage, place_options->grow,
                                      error);
          if (! edit->grown)
            return FALSE;
        }
    }
  if (place_options->hint)
    {
      edit->hint = hint_image (&edit->plan, edit->grown, error);
      if (! edit->hint)
        return FALSE;
    }
  gemini_time_mark ("mask");

  return TRUE;
}

static void
edit_clear (Edit *edit)
{
  mask_job_finish (&edit->mask_job, NULL);
  g_clear_pointer (&edit->mask_job.coverage, gg_mask_free);
  g_clear_pointer (&edit->mask_job.mask, gg_mask_free);
  g_clear_pointer (&edit->mask_job.prep, gg_place_prep_free);
  g_clear_pointer (&edit->mask, gg_mask_free);
  g_clear_pointer (&edit->grown, gg_mask_free);
  g_clear_pointer (&edit->hint, g_bytes_unref);
}

GimpLayer *
gemini_pipeline_refine (GeminiOptions             *options,
                        const GeminiPlaceOptions  *place_options,
                        GimpImage                 *image,
                        GimpDrawable             **drawables,
                        GgConversation            *conversation,
                        GgConversationPlace       *place,
                        GError                   **error)
{
  g_autoptr (GPtrArray)       references = NULL;
  g_autoptr (GPtrArray)       responses  = NULL;
  g_autoptr (GPtrArray)       failures   = NULL;
  g_autoptr (GgRaster)        original   = NULL;
  g_autoptr (GgMask)          mask       = NULL;
  g_autoptr (GBytes)          encoded    = NULL;
  g_autoptr (GBytes)          hint       = NULL;
  g_autofree gchar           *history    = NULL;
  GgRequest                  *requests[GG_FRONT_MAX_VARIATIONS] = { NULL, };
  GeminiTarget                target     = { 0, };
  RequestSpec                 spec       = { 0, };
  GgRegionPlan                plan;
  GgRect                      selection;
  GimpLayer                  *previous   = NULL;
  GimpLayer                  *layer      = NULL;
  gboolean                    has_selection;

  has_selection = gemini_host_selection (image, &selection);

  /* The signatures belong to the model that made them: by default the
   * conversation's model, ratio and size. */
  spec.model = gg_front_option (options->model) ? options->model : place->model;
  spec.text  = options->prompt;
  spec.ratio = gg_front_option (options->ratio) ? options->ratio : place->ratio;
  spec.size  = gg_front_option (options->size) ? options->size : place->size;

  history = gg_conversation_contents_json (conversation);
  spec.history = history;

  references = gemini_references_read (options, error);
  if (! references)
    goto out;
  spec.references = references;

  if (! refine_region (options, place_options, image, place, &plan,
                       has_selection, &original, &mask, &encoded, &hint,
                       error))
    goto out;
  spec.input = encoded;
  spec.hint  = hint;

  if (! build_requests (options, &spec, requests, error))
    goto out;

  responses = ask (options, requests, options->variations, &failures, error);
  if (! responses)
    goto out;

  if (place->result_tattoo)
    previous = gimp_image_get_layer_by_tattoo (image, place->result_tattoo);

  target.image          = image;
  target.above          = refine_above (image, drawables, previous);
  target.prompt         = options->prompt;
  target.thought_layers = options->thought_layers;

  if (place->has_region)
    {
      target.plan           = &plan;
      target.space          = place->clip;
      target.original       = original;
      /* The selection as it is now; without one, the changed pixels
       * when asked, else the refined result's mask carries over. */
      target.mask           = mask;
      target.mask_changed   = ! has_selection && place_options->changed_only;
      target.mask_from      = has_selection ? NULL : previous;
    }

  g_free (place->model);
  place->model = g_strdup (gg_request_get_model (requests[0]));

  layer = gemini_finish (options, &target, responses, failures, conversation,
                         place, requests[0], error);

out:
  free_requests (requests);

  return layer;
}

/* What a refine sends besides its words: with a placed region, what is
 * visible there now (the ground truth the answer is realigned and
 * colour-matched against; sent with "include-region"), the selection's
 * mask and hint; without one, the whole visible image when asked. */
static gboolean
refine_region (const GeminiOptions       *options,
               const GeminiPlaceOptions  *place_options,
               GimpImage                 *image,
               const GgConversationPlace *place,
               GgRegionPlan              *plan,
               gboolean                   has_selection,
               GgRaster                 **original,
               GgMask                   **mask,
               GBytes                   **encoded,
               GBytes                   **hint,
               GError                   **error)
{
  g_autoptr (GgMask) grown = NULL;

  if (place->has_region)
    {
      gg_conversation_place_to_plan (place, plan);

      *original = gemini_pixels_read_visible (image, &plan->region, error);
      if (! *original)
        return FALSE;

      /* The selection as it is now, grown and feathered like an edit's. */
      if (has_selection)
        {
          *mask = gemini_host_selection_mask (image, &plan->region,
                                              place_options,
                                              place_options->hint ?
                                              &grown : NULL, error);
          if (! *mask)
            return FALSE;
        }

      if (options->include_region)
        {
          *encoded = gg_front_encode (*original, plan->send_width,
                                      plan->send_height, error);
          if (! *encoded)
            return FALSE;
          if (grown)
            {
              *hint = hint_image (plan, grown, error);
              if (! *hint)
                return FALSE;
            }
        }
    }
  else if (options->include_region)
    {
      GgRect  canvas = { 0, 0, gimp_image_get_width (image),
                         gimp_image_get_height (image) };
      gint    longest = MAX (canvas.width, canvas.height);
      gdouble factor  = longest > GG_REFINE_MAX_SIDE ?
                        (gdouble) GG_REFINE_MAX_SIDE / longest : 1.0;

      *original = gemini_pixels_read_visible (image, &canvas, error);
      if (! *original)
        return FALSE;

      *encoded = gg_front_encode (*original,
                                  MAX (1, (gint) (canvas.width * factor + 0.5)),
                                  MAX (1, (gint) (canvas.height * factor + 0.5)),
                                  error);
      if (! *encoded)
        return FALSE;
    }

  return TRUE;
}

/* A refine's result goes above the selected layer; else above the result
 * being refined (@previous, may be NULL: the top). */
static GimpLayer *
refine_above (GimpImage     *image,
              GimpDrawable **drawables,
              GimpLayer     *previous)
{
  if (drawables && drawables[0])
    {
      GimpDrawable *drawable = drawables[0];

      if (GIMP_IS_LAYER_MASK (drawable))
        drawable = GIMP_DRAWABLE (gimp_layer_from_mask (GIMP_LAYER_MASK (drawable)));
      if (drawable && GIMP_IS_LAYER (drawable))
        return GIMP_LAYER (drawable);
    }

  return previous;
}

/* One request of @options and @spec per variation into @requests
 * (free_requests ()); FALSE with @error when the history is refused. */
static gboolean
build_requests (const GeminiOptions  *options,
                const RequestSpec    *spec,
                GgRequest           **requests,
                GError              **error)
{
  gint i;
  guint j;

  for (i = 0; i < options->variations; i++)
    {
      g_autoptr (GgRequest) request = gg_request_new (spec->model);

      gg_request_set_prompt (request, spec->text);
      gg_request_set_aspect_ratio (request, spec->ratio);
      gg_request_set_image_size (request, spec->size);
      gg_request_set_image_only (request, options->image_only);
      gg_request_set_search (request, options->search);
      gg_request_set_store (request, options->store);
      gg_request_set_thinking_level (request, options->thinking);
      if (options->thought_layers)
        gg_request_set_include_thoughts (request, TRUE);

      if (spec->history &&
          ! gg_request_set_history (request, spec->history, error))
        return FALSE;

      if (spec->input)
        gg_request_add_image (request, spec->input, NULL, GG_ROLE_INPUT);

      for (j = 0; spec->references && j < spec->references->len; j++)
        {
          GeminiReference *reference = g_ptr_array_index (spec->references, j);

          gg_request_add_image (request, reference->bytes, NULL,
                                reference->role);
        }
      /* The request words it (prompts.json, roles.hint). */
      if (spec->hint)
        gg_request_add_image (request, spec->hint, "image/png", GG_ROLE_HINT);

      requests[i] = g_steal_pointer (&request);
    }

  return TRUE;
}

static void
free_requests (GgRequest **requests)
{
  gint i;

  for (i = 0; i < GG_FRONT_MAX_VARIATIONS; i++)
    g_clear_pointer (&requests[i], gg_request_free);
}

/* Sends @n requests at once (variations).  The answers that hold an image,
 * in order (gg_response_free); @failures receives one sentence per request
 * that failed.  NULL with @error (the first failure's) when none succeeded. */
static GPtrArray *
ask (const GeminiOptions  *options,
     GgRequest           **requests,
     guint                 n,
     GPtrArray           **failures,
     GError              **error)
{
  GPtrArray *responses;
  gchar     *key;

  *failures = NULL;

  /* Refused before the key is even looked for. */
  if (! gg_front_validate (requests, n, error))
    return NULL;

  key = gemini_key_get (options->run_mode, error);
  if (! key)
    return NULL;

  responses = gemini_worker_ask (key, requests, n, failures, error);
  gemini_key_free (key);

  return responses;
}

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

/* The hint image: the grown selection, white, at the size of the image
 * sent (gg_mask_hint), as PNG (two colours: tiny at any level). */
static GBytes *
hint_image (const GgRegionPlan  *plan,
            const GgMask        *grown,
            GError             **error)
{
  g_autoptr (GgRaster) picture = gg_mask_hint (plan, grown, error);

  if (! picture)
    return NULL;

  return gg_image_encode_png (picture, 9, error);
}
