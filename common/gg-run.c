/* gimp-gemini: what every run of gg-run.h shares: the plan of an edit,
 * the requests, the sending, and the end of a run (placement, insertion,
 * conversation, report, recovery).  The runs themselves are in
 * gg-run-edit.c, gg-run-refine.c and gg-run-generate.c.
 */

#include <string.h>

#include "gg-catalogue.h"
#include "gg-error.h"
#include "gg-intl.h"
#include "gg-response.h"
#include "gg-run-private.h"


void
gg_run_options_init (GgRunOptions *options)
{
  GgMaskOptions   mask;
  GgRegionOptions region;

  memset (options, 0, sizeof *options);
  gg_mask_options_init (&mask);
  gg_region_options_init (&region);

  options->variations  = 1;
  options->grow        = (gint) mask.grow;
  options->feather     = mask.feather;
  options->context_px  = region.pad_px;
  options->context_pct = (gint) (region.pad_pct * 100.0 + 0.5);
}

gboolean
gg_run_plan_edit (const GgRunOptions  *options,
                  const GgHostCanvas  *canvas,
                  GgRegionPlan        *plan,
                  GError             **error)
{
  GgRegionOptions  region_options;
  GgRect           selection = { 0, 0, 0, 0 };
  const gchar     *model     = gg_front_option (options->model);

  if (canvas->has_selection)
    {
      GgRect local = canvas->selection;

      local.x -= canvas->origin_x;
      local.y -= canvas->origin_y;

      if (! gg_rect_intersect (&local, &canvas->space, &selection))
        {
          g_set_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                       _("The selection does not touch the layer “%s”: "
                         "select inside it, or select nothing (Select > "
                         "None) to edit the whole layer."),
                       canvas->name ? canvas->name : "");
          return FALSE;
        }

      /* What may change is the grown selection: the region is planned
       * around it, so that its context ring lies outside. */
      if (options->grow > 0 && ! options->mask_as_is)
        {
          GgRect grown = { selection.x - options->grow,
                           selection.y - options->grow,
                           selection.width + 2 * options->grow,
                           selection.height + 2 * options->grow };

          gg_rect_intersect (&grown, &canvas->space, &selection);
        }
    }

  gg_region_options_init (&region_options);
  region_options.pad_px   = options->context_px;
  region_options.pad_pct  = options->context_pct / 100.0;
  region_options.max_size = gg_front_option (options->size);

  return gg_region_plan (gg_catalogue_lookup (model ? model :
                                              gg_catalogue_default_model ()),
                         canvas->space.width, canvas->space.height,
                         &selection, &region_options, plan, error);
}

guint
gg_run_variations (const GgRunOptions *options)
{
  return (guint) CLAMP (options->variations, 1, GG_FRONT_MAX_VARIATIONS);
}

void
gg_run_mark (GgHost      *host,
             const gchar *step)
{
  if (host->klass->mark)
    host->klass->mark (host, step);
}

static void
mark_trampoline (const gchar *step,
                 gpointer     data)
{
  gg_run_mark (data, step);
}

gboolean
gg_run_progress (GgHost      *host,
                 const gchar *text,
                 gdouble      fraction)
{
  if (! host->klass->progress)
    return TRUE;

  return host->klass->progress (host, text, fraction);
}

GPtrArray *
gg_run_references (GgHost  *host,
                   GError **error)
{
  if (! host->klass->references)
    return g_ptr_array_new_with_free_func (gg_run_reference_free);

  return host->klass->references (host, error);
}

GgRunReference *
gg_run_reference_new (GBytes      *bytes,
                      GgImageRole  role)
{
  GgRunReference *reference = g_new0 (GgRunReference, 1);

  reference->bytes = g_bytes_ref (bytes);
  reference->role  = role;

  return reference;
}

void
gg_run_reference_free (gpointer data)
{
  GgRunReference *reference = data;

  if (! reference)
    return;
  g_bytes_unref (reference->bytes);
  g_free (reference);
}

gboolean
gg_run_requests (const GgRunOptions  *options,
                 const GgRunSpec     *spec,
                 GgRequest          **requests,
                 guint                n,
                 GError             **error)
{
  for (guint i = 0; i < n; i++)
    {
      GgRequest *request = gg_request_new (spec->model);

      requests[i] = request;
      gg_request_set_prompt (request, spec->text);
      gg_request_set_aspect_ratio (request, spec->ratio);
      gg_request_set_image_size (request, spec->size);
      gg_request_set_image_only (request, options->image_only);
      gg_request_set_search (request, options->search);
      gg_request_set_store (request, options->store);
      /* "default" is the model's own level: nothing is sent. */
      if (g_strcmp0 (options->thinking, "default") != 0)
        gg_request_set_thinking_level (request,
                                       gg_front_option (options->thinking));
      if (options->thought_layers)
        gg_request_set_include_thoughts (request, TRUE);

      if (spec->history &&
          ! gg_request_set_history (request, spec->history, error))
        return FALSE;

      if (spec->input)
        gg_request_add_image (request, spec->input, NULL, GG_ROLE_INPUT);

      for (guint r = 0; spec->references && r < spec->references->len; r++)
        {
          GgRunReference *reference = g_ptr_array_index (spec->references, r);

          gg_request_add_image (request, reference->bytes, reference->mime,
                                reference->role);
        }

      /* The request words it (prompts.json, roles.hint). */
      if (spec->hint)
        gg_request_add_image (request, spec->hint, "image/png", GG_ROLE_HINT);
    }

  return TRUE;
}

static gboolean
ask_tick (const gchar *text,
          gdouble      fraction,
          gpointer     data)
{
  return gg_run_progress (data, text, fraction);
}

GPtrArray *
gg_run_ask (GgHost     *host,
            GgRequest **requests,
            guint       n,
            GPtrArray **failures,
            GError    **error)
{
  g_autofree gchar *label     = NULL;
  g_autofree gchar *text      = NULL;
  g_autofree gchar *cache_dir = NULL;
  gchar            *key;
  GPtrArray        *responses;

  *failures = NULL;

  /* A host that sends for itself checks for itself. */
  if (host->ask)
    return host->ask (host, requests, n, failures, error);

  /* Refused before the key is even looked for. */
  if (! gg_front_validate (requests, n, error))
    return NULL;

  key = host->klass->key (host, error);
  if (! key)
    return NULL;

  label = gg_front_model_label (gg_request_get_model (requests[0]));
  if (n > 1)
    text = g_strdup_printf (_("%s: sending %u requests…"), label, n);
  else
    text = g_strdup_printf (_("%s: sending the request…"), label);

  /* Nothing is paid yet: a cancel here costs nothing. */
  if (! gg_run_progress (host, text, -1.0))
    {
      memset (key, 0, strlen (key));
      g_free (key);
      g_set_error_literal (error, GG_ERROR, GG_ERROR_CANCELLED,
                           _("Cancelled."));
      return NULL;
    }

  cache_dir = g_build_filename (host->profile_dir, GG_FRONT_UPLOAD_CACHE,
                                NULL);
  responses = gg_front_ask_fraction (key, requests, n, cache_dir, ask_tick,
                                     host, failures, error);
  memset (key, 0, strlen (key));
  g_free (key);

  return responses;
}

void
gg_run_recover (GgHost      *host,
                GPtrArray   *responses,
                const gchar *prompt,
                const gchar *why,
                GError     **error)
{
  GgResponse           *first  = g_ptr_array_index (responses, 0);
  g_autoptr (GPtrArray) images = gg_response_images (first);

  gg_front_recovery_error (error, host->profile_dir,
                           images && images->len ?
                           ((GgPart *) g_ptr_array_index (images, 0))->data :
                           NULL,
                           prompt, why);
}

/* Keeps the newest exchange with the image (or forgets the one kept when
 * it cannot be); a sentence for the user in @note. */
static void
conversation_keep (GgRunFinish  *finish,
                   gchar       **note)
{
  GgHost           *host   = finish->host;
  GgResponse       *answer = g_ptr_array_index (finish->responses, 0);
  g_autofree gchar *user_turn = NULL;
  GError           *error  = NULL;

  if (! host->klass->conversation_store)
    return;

  if (! answer->model_turn_json)
    {
      *note = g_strdup_printf (_("This answer cannot be refined: %s"),
                               _("it came without its content"));
      host->klass->conversation_store (host, NULL, NULL, note);
      return;
    }

  /* Too large to keep (a 4K edit): said before its JSON is built. */
  if (! gg_conversation_place_fits (finish->request, answer->model_turn_json,
                                    note))
    {
      host->klass->conversation_store (host, NULL, NULL, note);
      return;
    }

  user_turn = gg_request_user_turn_json (finish->request);
  if (! gg_conversation_append_turn (finish->conversation, user_turn,
                                     answer->model_turn_json, &error))
    {
      *note = g_strdup_printf (_("This answer cannot be refined: %s"),
                               error->message);
      g_clear_error (&error);
      host->klass->conversation_store (host, NULL, NULL, note);
      return;
    }

  host->klass->conversation_store (host, finish->conversation,
                                   finish->place, note);
}

/* Inserts @prepared in one undo step; on failure saves every answer. */
static gboolean
insert_all (GgRunFinish      *finish,
            GgFrontPrepared  *prepared,
            GError          **error)
{
  GgHost        *host     = finish->host;
  GgRunInserted  inserted = { 0, };

  finish->insert.prepared = prepared;
  finish->insert.prompt   = finish->prompt;
  finish->insert.model    = gg_request_get_model (finish->request);

  if (host->klass->begin && ! host->klass->begin (host, &finish->insert, error))
    {
      gg_front_recovery_all (error, prepared, host->profile_dir,
                             finish->prompt,
                             _("The result could not be added to an image"));
      return FALSE;
    }

  if (! host->klass->insert (host, &finish->insert, &inserted, error))
    {
      if (host->klass->end)
        host->klass->end (host, FALSE);
      gg_front_recovery_all (error, prepared, host->profile_dir,
                             finish->prompt,
                             _("The result could not be added to the image"));
      return FALSE;
    }
  gg_run_mark (host, "inserted");

  /* The first answer continues the conversation; with variations the
   * others are alternatives the user can keep by hand. */
  finish->place->result_tattoo = inserted.result_id;
  finish->place->clip          = prepared->clip;

  return TRUE;
}

gboolean
gg_run_finish (GgRunFinish  *finish,
               GError      **error)
{
  g_autoptr (GgFrontPrepared) prepared = NULL;
  g_autofree gchar           *label    = NULL;
  g_autofree gchar           *text     = NULL;
  g_autofree gchar           *note     = NULL;
  g_autofree gchar           *usage    = NULL;
  g_autofree gchar           *report   = NULL;
  GgHost                     *host     = finish->host;
  const gchar                *model    = gg_request_get_model (finish->request);
  gboolean                    go_on;

  label = gg_front_model_label (model);
  text  = g_strdup_printf (_("%s: placing the result…"), label);
  go_on = gg_run_progress (host, text, -1.0);

  finish->target.profile_dir = host->profile_dir;
  finish->target.prompt      = finish->prompt;
  finish->target.mark_full   = mark_trampoline;
  finish->target.mark_data   = host;

  /* Decoded and placed before the image is touched. */
  prepared = gg_front_prepare (&finish->target, finish->responses, error);
  if (! prepared)
    return FALSE;

  if (! go_on)
    {
      /* Paid for: kept, never thrown away. */
      gg_front_recovery_all (error, prepared, host->profile_dir,
                             finish->prompt,
                             _("Cancelled after the answer arrived"));
      if (error && *error)
        (*error)->code = GG_ERROR_CANCELLED;
      return FALSE;
    }

  if (! insert_all (finish, prepared, error))
    return FALSE;

  conversation_keep (finish, &note);
  gg_run_mark (host, "conversation");

  if (host->klass->end)
    host->klass->end (host, TRUE);

  report = gg_front_report (host->profile_dir, model, finish->responses,
                            finish->failures, note, &usage);
  if (host->klass->report)
    host->klass->report (host, report, usage,
                         finish->failures && finish->failures->len > 0);

  return TRUE;
}

GgMask *
gg_run_coverage (GgHost        *host,
                 const GgRect  *rect,
                 GError       **error)
{
  g_autoptr (GgMask) coverage = host->klass->selection (host, rect, error);
  gsize              n;

  if (! coverage)
    return NULL;

  /* Neither growing nor feathering (which works inside the grown
   * selection) shows anything of a selection that is nowhere half set. */
  n = (gsize) coverage->width * coverage->height;
  for (gsize i = 0; i < n; i++)
    if (coverage->data[i] >= 128)
      return g_steal_pointer (&coverage);

  g_set_error_literal (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                       _("No pixel of the selection is even half "
                         "selected, so nothing of the result would show: "
                         "select more (Select > Sharpen makes it whole)."));
  return NULL;
}

GgMask *
gg_run_selection_mask (GgHost              *host,
                       const GgRunOptions  *options,
                       const GgRect        *rect,
                       GgMask             **grown,
                       GError             **error)
{
  g_autoptr (GgMask) coverage = NULL;
  g_autoptr (GgMask) mask     = NULL;
  GgMaskOptions      mask_options = { options->grow, options->feather };
  GgRect             bounds;

  if (options->mask_as_is)
    {
      /* The coverage is the mask (the CLI's --mask); the hint shows where
       * it is above 0. */
      GgRect whole = { 0, 0, rect->width, rect->height };

      mask = host->klass->selection (host, rect, error);
      if (mask && ! gg_mask_bounds (mask, &bounds))
        {
          g_set_error_literal (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                               _("The mask marks nothing to change over the "
                                 "region: paint the area to edit white."));
          return NULL;
        }
      if (mask && grown && ! (*grown = gg_mask_crop (mask, &whole, error)))
        return NULL;
      return g_steal_pointer (&mask);
    }
  if (mask_options.feather < 0)
    mask_options.feather = GG_MASK_FEATHER_AUTO;

  coverage = gg_run_coverage (host, rect, error);
  if (! coverage)
    return NULL;

  mask = gg_mask_from_selection (coverage, &mask_options, error);
  if (! mask)
    return NULL;

  if (! gg_mask_bounds (mask, &bounds))
    {
      if (options->grow < 0)
        g_set_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                     _("A grow of %d px shrinks the selection to nothing, "
                       "so nothing of the result would show: shrink it "
                       "less."),
                     options->grow);
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
      *grown = gg_mask_grow (coverage, options->grow, error);
      if (! *grown)
        return NULL;
    }

  return g_steal_pointer (&mask);
}

GBytes *
gg_run_hint (const GgRegionPlan  *plan,
             const GgMask        *grown,
             GError             **error)
{
  g_autoptr (GgRaster) picture = gg_mask_hint (plan, grown, error);

  if (! picture)
    return NULL;

  /* Two colours: tiny at any level. */
  return gg_image_encode_png (picture, 9, error);
}
