/* gimp-gemini for GIMP 2.10: the steps of the runs (gimp2-pipeline.h).
 *
 * The image is only touched once every paid answer has been decoded and
 * placed, inside one undo group, so that a failure or a cancel leaves it
 * exactly as it was; what cannot be placed is saved for recovery.
 */

#include <string.h>

#include <libgimp/gimp.h>

#include "gg-catalogue.h"
#include "gg-conversation.h"
#include "gg-error.h"
#include "gg-image.h"
#include "gg-mask.h"
#include "gg-prompt.h"
#include "gg-reference-file.h"
#include "gg-front-models.h"
#include "gg-region.h"
#include "gg-request.h"
#include "gg-response.h"

#include "gimp2-form.h"
#include "gimp2-host.h"
#include "gimp2-key.h"
#include "gimp2-pipeline.h"
#include "gimp2-plan.h"
#include "gimp2-result.h"


typedef struct
{
  const gchar *model;
  const gchar *text;
  const gchar *ratio;
  const gchar *size;
  const gchar *history;
  GBytes      *input;
  GPtrArray   *references;   /* of GBytes*, roles beside */
  GgImageRole *roles;
  GBytes      *hint;         /* the editable area (prompts.json, roles.hint) */
} Spec;

static GgRequest *
request_build (const Gimp2Options  *options,
               const Spec          *spec,
               GError             **error)
{
  g_autoptr (GgRequest) request = gg_request_new (spec->model);
  guint                 i;

  gg_request_set_prompt (request, spec->text);
  gg_request_set_aspect_ratio (request, spec->ratio);
  gg_request_set_image_size (request, spec->size);
  gg_request_set_image_only (request, options->values.image_only);
  gg_request_set_search (request, options->values.search);
  gg_request_set_store (request, options->values.store);
  /* "" and "default": the model's own level, nothing sent. */
  if (g_ascii_strcasecmp (options->values.thinking, "default") != 0)
    gg_request_set_thinking_level (request, options->values.thinking);
  if (options->values.thought_layers)
    gg_request_set_include_thoughts (request, TRUE);

  if (spec->history && ! gg_request_set_history (request, spec->history, error))
    return NULL;

  if (spec->input)
    gg_request_add_image (request, spec->input, NULL, GG_ROLE_INPUT);

  for (i = 0; spec->references && i < spec->references->len; i++)
    gg_request_add_image (request, g_ptr_array_index (spec->references, i),
                          NULL, spec->roles[i]);

  /* The request words it (prompts.json, roles.hint). */
  if (spec->hint)
    gg_request_add_image (request, spec->hint, "image/png", GG_ROLE_HINT);

  return g_steal_pointer (&request);
}

/* The references, read and encoded: the drawables, then the files (as
 * GIMP 3's gemini_references_read ()); their roles in @roles.  Roles
 * first: a bad role is refused before any pixel or file is read. */
static GPtrArray *
references_read (const Gimp2Options  *options,
                 GgImageRole        **roles,
                 GError             **error)
{
  g_autoptr (GPtrArray) references =
    g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  guint                 n_files = options->files ? g_strv_length (options->files) : 0;
  guint                 n       = (guint) MAX (0, options->n_references);
  guint                 i;

  *roles = g_new0 (GgImageRole, MAX (1, n + n_files));
  if (! gg_front_parse_roles_of (options->roles, n, _("reference images"),
                                 *roles, error) ||
      ! gg_front_parse_roles_of (options->file_roles, n_files,
                                 _("reference files"), *roles + n, error))
    return NULL;

  for (i = 0; i < n; i++)
    {
      gint32               drawable = options->references[i];
      g_autoptr (GgRaster) raster   = NULL;
      GgRect               rect;
      GBytes              *bytes;

      if (! gimp_item_is_valid (drawable) || ! gimp_item_is_drawable (drawable))
        {
          g_set_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                       _("Reference %u no longer exists."), i + 1);
          return NULL;
        }

      rect.x = rect.y = 0;
      rect.width  = gimp_drawable_width (drawable);
      rect.height = gimp_drawable_height (drawable);
      raster = gimp2_pixels_read (drawable, &rect, error);
      if (! raster)
        return NULL;

      bytes = gg_front_encode_reference (raster, error);
      if (! bytes)
        return NULL;
      g_ptr_array_add (references, bytes);
    }

  for (i = 0; i < n_files; i++)
    {
      GBytes *bytes = gg_reference_file_read (options->files[i], error);

      if (! bytes)
        return NULL;
      g_ptr_array_add (references, bytes);
    }

  return g_steal_pointer (&references);
}

/* Builds one request per variation, checks them, finds the key and sends
 * them.  The answers that hold an image; NULL with @error. */
static GPtrArray *
ask (const Gimp2Options  *options,
     const Spec          *spec,
     GgRequest          **requests,
     GPtrArray          **failures,
     GError             **error)
{
  g_autofree gchar *shown = NULL;
  g_autofree gchar *label = NULL;
  GPtrArray        *responses;
  gchar            *key;
  gint              n = CLAMP (options->values.variations, 1,
                               GG_FRONT_MAX_VARIATIONS);
  gint              i;

  for (i = 0; i < n; i++)
    {
      requests[i] = request_build (options, spec, error);
      if (! requests[i])
        return NULL;
    }

  /* Refused before the key is even looked for. */
  if (! gg_front_validate (requests, n, error))
    return NULL;

  key = gimp2_key_get (options->run_mode, error);
  if (! key)
    return NULL;

  label = gg_front_model_label (gg_request_get_model (requests[0]));
  if (n > 1)
    gimp_progress_init_printf (_("%s: sending %d requests…"), label, n);
  else
    gimp_progress_init_printf (_("%s: sending the request…"), label);

  {
    g_autofree gchar *cache_dir = g_build_filename (gimp_directory (),
                                                    GG_FRONT_UPLOAD_CACHE, NULL);

    responses = gg_front_ask (key, requests, n, cache_dir, gimp2_progress_tick,
                              &shown, failures, error);
  }
  gimp2_key_free (key);

  gimp_progress_set_text_printf (_("%s: placing the result…"), label);

  return responses;
}

/* The common end of every run: layers, conversation and messages, in one
 * undo group (gemini_finish () in GIMP 3).  target->image -1: a new image. */
static gint32
finish (const Gimp2Options  *options,
        Gimp2Target         *target,
        GPtrArray           *responses,
        GPtrArray           *failures,
        GgConversation      *conversation,
        GgConversationPlace *place,
        const GgRequest     *request,
        GError             **error)
{
  g_autoptr (GgFrontPrepared) prepared  = NULL;
  g_autofree gchar           *user_turn = NULL;
  g_autofree gchar           *note      = NULL;
  g_autofree gchar           *report    = NULL;
  g_autofree gchar           *usage     = NULL;
  GgResponse                 *answer    = g_ptr_array_index (responses, 0);
  Gimp2Result                 result;
  gboolean                    new_image = FALSE;
  GError                     *conversation_error = NULL;

  prepared = gg_front_prepare (&target->front, responses, error);
  if (! prepared)
    return -1;

  if (target->image < 0)
    {
      GgFrontPiece *first = g_ptr_array_index (prepared->layers, 0);

      target->image = gimp_image_new (first->raster->width,
                                      first->raster->height, GIMP_RGB);
      if (target->image < 0)
        {
          g_set_error (error, GG_ERROR, GG_ERROR_FAILED,
                       _("A new image could not be made: %s"),
                       gimp_get_pdb_error ());
          gg_front_recovery_all (error, prepared, target->front.profile_dir,
                                 target->front.prompt,
                                 _("The result could not be added to an image"));
          return -1;
        }
      new_image = TRUE;
      /* A new image starts with no history, as if it had been opened. */
      gimp_image_undo_disable (target->image);
    }
  else
    {
      gimp_image_undo_group_start (target->image);
    }

  if (! gimp2_result_insert (target, prepared, &result, error))
    {
      if (new_image)
        {
          gimp_image_delete (target->image);
          target->image = -1;
        }
      else
        {
          gimp_image_undo_group_end (target->image);
        }
      return -1;
    }

  /* The first answer continues the conversation; with variations the
   * others are alternatives the user can keep by hand. */
  user_turn = gg_request_user_turn_json (request);
  place->result_tattoo = gimp_item_get_tattoo (result.first);
  place->clip          = result.clip;

  if (! answer->model_turn_json ||
      ! gg_conversation_append_turn (conversation, user_turn,
                                     answer->model_turn_json,
                                     &conversation_error))
    {
      gimp2_conversation_forget (target->image);
      note = g_strdup_printf (_("This answer cannot be refined: %s"),
                              conversation_error ?
                              conversation_error->message :
                              _("it came without its content"));
      g_clear_error (&conversation_error);
    }
  else
    {
      gimp2_conversation_store (target->image, conversation, place, &note);
    }

  if (new_image)
    gimp_image_undo_enable (target->image);
  else
    gimp_image_undo_group_end (target->image);

  report = gg_front_report (gimp_directory (), gg_request_get_model (request),
                            responses, failures, note, &usage);
  gimp_progress_set_text (usage);

  /* The dialog's recent prompts: what the user ran, not what scripts
   * send (a script's prompts are its own business). */
  if (options->run_mode != GIMP_RUN_NONINTERACTIVE)
    gimp2_history_record (options->prompt);

  /* Scripts get no chatter; a partial failure is told in every mode. */
  if (options->run_mode == GIMP_RUN_INTERACTIVE ||
      (failures && failures->len > 0))
    gimp_message (report);

  if (options->run_mode == GIMP_RUN_INTERACTIVE)
    {
      if (new_image)
        gimp_display_new (target->image);
      gimp_displays_flush ();
    }

  return result.item;
}


/* The layer mask of an edit of the selection: its coverage over @region
 * (image coordinates), grown and feathered as @values say
 * (gg_mask_from_selection), and in @grown (may be NULL) the grown
 * selection alone, for the hint.  NULL with @error when no pixel would
 * show (GIMP 3's selection_mask ()). */
static GgMask *
selection_mask (gint32              image,
                const GgRect       *region,
                const Gimp2Values  *values,
                GgMask            **grown,
                GError            **error)
{
  g_autoptr (GgMask) coverage = NULL;
  g_autoptr (GgMask) mask     = NULL;
  GgMaskOptions      mask_options = { values->grow,
                                      values->feather < 0 ?
                                      GG_MASK_FEATHER_AUTO : values->feather };
  GgRect             bounds;
  gsize              n, i;

  coverage = gimp2_selection_read (image, region, error);
  if (! coverage)
    return NULL;

  n = (gsize) coverage->width * coverage->height;
  for (i = 0; i < n; i++)
    if (coverage->data[i] >= 128)
      break;
  if (i == n)
    {
      g_set_error_literal (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                           _("No pixel of the selection is even half "
                             "selected, so nothing of the result would show: "
                             "select more (Select > Sharpen makes it whole)."));
      return NULL;
    }

  mask = gg_mask_from_selection (coverage, &mask_options, error);
  if (! mask)
    return NULL;

  if (! gg_mask_bounds (mask, &bounds))
    {
      if (values->grow < 0)
        g_set_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                     _("A grow of %d px shrinks the selection to nothing, "
                       "so nothing of the result would show: shrink it "
                       "less."),
                     values->grow);
      else
        g_set_error_literal (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                             _("No pixel of the selection is even half "
                               "selected, so nothing of the result would "
                               "show: select more (Select > Sharpen makes "
                               "it whole)."));
      return NULL;
    }

  if (grown)
    {
      *grown = gg_mask_grow (coverage, values->grow, error);
      if (! *grown)
        return NULL;
    }

  return g_steal_pointer (&mask);
}

/* The hint image: the grown selection, white, at the size of the image
 * sent (gg_mask_hint), as PNG. */
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

static void
target_init (Gimp2Target        *target,
             const Gimp2Options *options)
{
  memset (target, 0, sizeof *target);
  target->image     = -1;
  target->above     = -1;
  target->mask_from = -1;
  target->front.profile_dir    = gimp_directory ();
  target->front.prompt         = options->prompt;
  target->front.thought_layers = options->values.thought_layers;
}

static void
requests_free (GgRequest **requests)
{
  gint i;

  for (i = 0; i < GG_FRONT_MAX_VARIATIONS; i++)
    g_clear_pointer (&requests[i], gg_request_free);
}


/* --- the runs ------------------------------------------------------------- */

/* Generate: a new image, or a new layer of @image; *new_image gets it. */
gint32
gimp2_generate (Gimp2Options  *options,
                gint32         image,
                gint32        *new_image,
                GError       **error)
{
  g_autoptr (GPtrArray)      references   = NULL;
  g_autoptr (GPtrArray)      responses    = NULL;
  g_autoptr (GPtrArray)      failures     = NULL;
  g_autoptr (GgConversation) conversation = NULL;
  g_autofree GgImageRole    *roles        = NULL;
  GgRequest                 *requests[GG_FRONT_MAX_VARIATIONS] = { NULL, };
  GgConversationPlace        place        = { 0, };
  Gimp2Target                target;
  Spec                       spec         = { 0, };
  gint32                     layer        = -1;
  gboolean                   as_layer     = options->values.as_layer;

  *new_image = -1;

  if (as_layer && (image <= 0 || ! gimp_image_is_valid (image)))
    {
      g_set_error_literal (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                           _("\"as-layer\" needs an image to add the layer to."));
      return -1;
    }
  if (as_layer && ! gimp2_refuse_indexed (image, error))
    return -1;

  references = references_read (options, &roles, error);
  if (! references)
    return -1;

  spec.model      = gg_front_option (options->values.model);
  spec.text       = options->prompt;
  spec.ratio      = gg_front_option (options->values.ratio);
  spec.size       = gg_front_option (options->values.size);
  spec.references = references;
  spec.roles      = roles;

  responses = ask (options, &spec, requests, &failures, error);
  if (! responses)
    goto out;

  target_init (&target, options);
  /* When the image was closed meanwhile, the paid result gets a new one. */
  target.image = (as_layer && gimp_image_is_valid (image)) ? image : -1;

  conversation = gg_conversation_new ();
  place.model  = g_strdup (gg_request_get_model (requests[0]));

  layer = finish (options, &target, responses, failures, conversation,
                  &place, requests[0], error);
  if (layer >= 0)
    *new_image = target.image;

out:
  requests_free (requests);
  gg_conversation_place_clear (&place);

  return layer;
}

/* Edit (and Style Transfer): the region around the selection goes out,
 * the answers come back placed over it. */
gint32
gimp2_edit (Gimp2Options  *options,
            gint32         image,
            gint32         source,
            GError       **error)
{
  g_autoptr (GPtrArray)      references   = NULL;
  g_autoptr (GPtrArray)      responses    = NULL;
  g_autoptr (GPtrArray)      failures     = NULL;
  g_autoptr (GgConversation) conversation = NULL;
  g_autoptr (GgRaster)       original     = NULL;
  g_autoptr (GBytes)         encoded      = NULL;
  g_autoptr (GgMask)         mask         = NULL;
  g_autoptr (GgMask)         grown        = NULL;
  g_autoptr (GBytes)         hint         = NULL;
  g_autofree GgImageRole    *roles        = NULL;
  g_autofree gchar          *text         = NULL;
  GgRequest                 *requests[GG_FRONT_MAX_VARIATIONS] = { NULL, };
  GgConversationPlace        place        = { 0, };
  Gimp2Target                target;
  Spec                       spec         = { 0, };
  g_autofree gchar          *item_name    = gimp_item_get_name (source);
  GgRegionPlan               plan;
  Gimp2Canvas                canvas;
  gboolean                   has_selection;
  gint32                     layer        = -1;

  /* The space the plan works in: the layer's own pixels, or the canvas;
   * planned as the dialog's size-and-cost line plans it. */
  gimp2_canvas_read (image, source, options->values.visible, &canvas);
  canvas.name   = item_name;
  has_selection = canvas.has_selection;
  if (! gimp2_plan_edit (&options->values, &canvas, &plan, NULL, error))
    return -1;

  /* The layer mask, from the selection's coverage over the region:
   * refused (before anything is paid for) when nothing would show. */
  if (has_selection)
    {
      GgRect region = plan.region;

      region.x += canvas.origin_x;
      region.y += canvas.origin_y;
      mask = selection_mask (image, &region, &options->values,
                             options->values.hint ? &grown : NULL, error);
      if (! mask)
        return -1;
      if (grown)
        {
          hint = hint_image (&plan, grown, error);
          if (! hint)
            return -1;
        }
    }

  /* References first: a bad role is refused before any pixel is read. */
  references = references_read (options, &roles, error);
  if (! references)
    return -1;

  if (options->values.visible)
    original = gimp2_pixels_read_visible (image, &plan.region, error);
  else
    original = gimp2_pixels_read (source, &plan.region, error);
  if (! original)
    return -1;

  encoded = gg_front_encode (original, plan.send_width, plan.send_height,
                             error);
  if (! encoded)
    return -1;

  {
    g_autofree gchar *area = has_selection ? gg_front_selection_area (&plan)
                                           : NULL;

    text = gg_prompt_edit (options->prompt, has_selection, area);
  }

  spec.model      = gg_front_option (options->values.model);
  spec.text       = text;
  spec.ratio      = gg_front_option (options->values.ratio) ?
                    options->values.ratio : plan.ratio;
  spec.size       = plan.size;
  spec.input      = encoded;
  spec.references = references;
  spec.roles      = roles;
  spec.hint       = hint;

  responses = ask (options, &spec, requests, &failures, error);
  if (! responses)
    goto out;

  target_init (&target, options);
  target.image                = image;
  target.above                = gimp_item_is_valid (source) ? source : -1;
  target.front.mask           = mask;
  target.front.mask_changed   = ! has_selection &&
                                options->values.changed_only;
  target.front.plan           = &plan;
  target.front.origin_x       = canvas.origin_x;
  target.front.origin_y       = canvas.origin_y;
  target.front.space          = canvas.space;
  target.front.original       = original;

  /* An edit starts a new conversation, placed over this region. */
  conversation = gg_conversation_new ();
  place.model  = g_strdup (gg_request_get_model (requests[0]));
  gg_conversation_place_from_plan (&place, &plan, canvas.origin_x,
                                   canvas.origin_y);
  place.had_selection = has_selection;

  layer = finish (options, &target, responses, failures, conversation,
                  &place, requests[0], error);

out:
  requests_free (requests);
  gg_conversation_place_clear (&place);

  return layer;
}

/* Refine without a placed region: the whole visible image, at most
 * GG_REFINE_MAX_SIDE on its longer side, encoded. */
static GBytes *
refine_whole_image (gint32   image,
                    GError **error)
{
  g_autoptr (GgRaster) original = NULL;
  GgRect               canvas   = { 0, 0, gimp_image_width (image),
                                    gimp_image_height (image) };
  gint                 longest  = MAX (canvas.width, canvas.height);
  gdouble              factor   = longest > GG_REFINE_MAX_SIDE ?
                                  (gdouble) GG_REFINE_MAX_SIDE / longest : 1.0;

  original = gimp2_pixels_read_visible (image, &canvas, error);
  if (! original)
    return NULL;

  return gg_front_encode (original,
                          MAX (1, (gint) (canvas.width * factor + 0.5)),
                          MAX (1, (gint) (canvas.height * factor + 0.5)),
                          error);
}

/* Where a refine's result goes: above @drawable when it is a layer (or a
 * layer's mask), else above the result refined (*@previous, -1 when it
 * is gone). */
static gint32
refine_above (gint32                     image,
              gint32                     drawable,
              const GgConversationPlace *place,
              gint32                    *previous)
{
  *previous = -1;
  if (place->result_tattoo)
    {
      *previous = gimp_image_get_layer_by_tattoo (image, place->result_tattoo);
      if (*previous <= 0)
        *previous = -1;
    }
  if (drawable > 0 && gimp_item_is_valid (drawable))
    {
      if (gimp_item_is_layer_mask (drawable))
        drawable = gimp_layer_from_mask (drawable);
      if (drawable > 0 && gimp_item_is_layer (drawable))
        return drawable;
    }

  return *previous;
}

gint32
gimp2_refine (Gimp2Options        *options,
              gint32               image,
              gint32               drawable,
              GgConversation      *conversation,
              GgConversationPlace *place,
              GError             **error)
{
  g_autoptr (GPtrArray)  references = NULL;
  g_autoptr (GPtrArray)  responses  = NULL;
  g_autoptr (GPtrArray)  failures   = NULL;
  g_autoptr (GgRaster)   original   = NULL;
  g_autoptr (GBytes)     encoded    = NULL;
  g_autoptr (GgMask)     mask       = NULL;
  g_autoptr (GgMask)     grown      = NULL;
  g_autoptr (GBytes)     hint       = NULL;
  g_autofree GgImageRole *roles     = NULL;
  g_autofree gchar      *history    = NULL;
  GgRequest             *requests[GG_FRONT_MAX_VARIATIONS] = { NULL, };
  Gimp2Target            target;
  Spec                   spec       = { 0, };
  GgRegionPlan           plan;
  GgRect                 selection;
  gboolean               has_selection;
  gint32                 previous   = -1;
  gint32                 layer      = -1;

  /* The signatures belong to the model that made them: by default the
   * conversation's model, ratio and size. */
  spec.model = gg_front_option (options->values.model) ?
               options->values.model : place->model;
  spec.text  = options->prompt;
  spec.ratio = gg_front_option (options->values.ratio) ?
               options->values.ratio : place->ratio;
  spec.size  = gg_front_option (options->values.size) ?
               options->values.size : place->size;

  history = gg_conversation_contents_json (conversation);
  spec.history = history;

  references = references_read (options, &roles, error);
  if (! references)
    return -1;
  spec.references = references;
  spec.roles      = roles;

  has_selection = gimp2_selection_bounds (image, &selection);

  if (place->has_region)
    {
      gg_conversation_place_to_plan (place, &plan);

      /* What is visible over the region now: the ground truth the answer
       * is realigned and colour-matched against. */
      original = gimp2_pixels_read_visible (image, &plan.region, error);
      if (! original)
        return -1;

      /* The selection as it is now, grown and feathered like an edit's. */
      if (has_selection)
        {
          mask = selection_mask (image, &plan.region, &options->values,
                                 options->values.hint ? &grown : NULL,
                                 error);
          if (! mask)
            return -1;
        }

      if (options->values.include_region)
        {
          encoded = gg_front_encode (original, plan.send_width,
                                     plan.send_height, error);
          if (! encoded)
            return -1;
          if (grown)
            {
              hint = hint_image (&plan, grown, error);
              if (! hint)
                return -1;
            }
        }
    }
  else if (options->values.include_region)
    {
      encoded = refine_whole_image (image, error);
      if (! encoded)
        return -1;
    }
  spec.input = encoded;
  spec.hint  = hint;

  responses = ask (options, &spec, requests, &failures, error);
  if (! responses)
    goto out;

  target_init (&target, options);
  target.image = image;
  target.above = refine_above (image, drawable, place, &previous);

  if (place->has_region)
    {
      target.front.plan     = &plan;
      target.front.space    = place->clip;
      target.front.original = original;
      /* The selection as it is now; without one, the changed pixels
       * when asked, else the refined result's mask carries over. */
      target.front.mask         = mask;
      target.front.mask_changed = ! has_selection &&
                                  options->values.changed_only;
      target.mask_from          = has_selection ? -1 : previous;
    }

  g_free (place->model);
  place->model = g_strdup (gg_request_get_model (requests[0]));

  layer = finish (options, &target, responses, failures, conversation,
                  place, requests[0], error);

out:
  requests_free (requests);

  return layer;
}

