/* cli-mask.c: `edit --mask` and `refine` are the plug-ins' edit and refine
 * runs (gg_run_edit (), gg_run_refine ()) over the command line's GgHost.
 *
 * The input file is the layer, the mask file the selection: its
 * brightness times its alpha, values at or below MASK_FLOOR black (JPEG
 * masks are never quite black, and their noise must not stretch the
 * bounds over the image).  Without --grow and --feather the mask is used
 * as it is (grey blends: GgRunOptions.mask_as_is); with either it is a
 * selection, grown and feathered as the plug-ins do.  The engine plans the
 * region, words and encodes the request, places the answer; the host
 * sends it with the command line's own client (cli_job_ready (),
 * cli_job_send (): timeouts, retries, uploads, --dry-run), and inserts
 * each placed answer by compositing it through its mask into a copy of the
 * input, written as the output (and with --patch the placed region, its
 * mask as alpha).  A paid answer that cannot be placed or written is
 * saved in the recovery folder by the engine.
 *
 * With --conversation FILE the host keeps what the engine hands it
 * (conversation_store (): cli-conversation.c); refine continues FILE
 * (conversation_load ()): the input is what is visible now, FILE's place
 * says which region, the mask (if any) is the selection as it is now;
 * without one only what the model changed is taken (changed_only).
 */
#include <math.h>
#include <string.h>

#include "cli.h"
#include "gg-error.h"
#include "gg-mask.h"
#include "gg-run.h"

/* Mask values at or below this count as black. */
#define MASK_FLOOR 8

typedef struct
{
  CliJob   *job;
  GgRaster *input;      /* the whole input */
  GgMask   *weights;    /* input size: the mask file's coverage */
  gboolean  asked;      /* the request reached ask (): past planning */
  gboolean  settled;    /* ask () set the job's outcome itself */
} CliHost;

GgRequest *
cli_mask_prepare (CliJob *job)
{
  g_autoptr (GgRequest) request = NULL;
  GError               *error = NULL;

  if (job->aspect != NULL && !job->refine)
    {
      cli_job_fail (job, CLI_EXIT_USAGE, "--aspect does not go with --mask: "
                    "the ratio follows the masked area.");
      return NULL;
    }
  if (job->refine ? !cli_conversation_load (job->conversation, &job->kept, &error)
      : job->conversation != NULL && !cli_conversation_check (job->conversation, &error))
    {
      cli_job_fail (job, CLI_EXIT_USAGE, "%s", error->message);
      g_error_free (error);
      return NULL;
    }
  /* The signatures belong to the conversation's model: its by default. */
  if (job->refine && job->model == NULL)
    job->model = g_strdup (job->kept.place.model);
  request = gg_request_new (job->model);
  if (job->aspect != NULL)
    gg_request_set_aspect_ratio (request, job->aspect);
  if (job->size != NULL)
    gg_request_set_image_size (request, job->size);
  gg_request_set_prompt (request, job->prompt);
  return g_steal_pointer (&request);
}

/* Weights from the mask's brightness times its alpha (a transparent mask
 * pixel marks nothing), and their bounds; FALSE when nothing is white.
 * *@half: some weight is at least half. */
static gboolean
mask_weights (const GgRaster *mask, guint8 *weights, GgRect *bounds, gboolean *half)
{
  gint x0 = mask->width, y0 = mask->height, x1 = -1, y1 = -1;

  *half = FALSE;
  for (gint y = 0; y < mask->height; y++)
    for (gint x = 0; x < mask->width; x++)
      {
        const guint8 *p = mask->pixels + ((gsize) y * mask->width + x) * 4;
        guint         grey = (p[0] * 77u + p[1] * 150u + p[2] * 29u) >> 8;
        guint         w = grey * p[3] / 255u;

        if (w <= MASK_FLOOR)
          w = 0;
        weights[(gsize) y * mask->width + x] = (guint8) w;
        if (w != 0)
          {
            x0 = MIN (x0, x);
            y0 = MIN (y0, y);
            x1 = MAX (x1, x);
            y1 = MAX (y1, y);
            *half |= w >= 128;
          }
      }
  if (x1 < 0)
    return FALSE;
  bounds->x = x0;
  bounds->y = y0;
  bounds->width = x1 - x0 + 1;
  bounds->height = y1 - y0 + 1;
  return TRUE;
}

/* Whether the options make a selection of the mask (grow or feather). */
static gboolean
as_selection (const CliMaskOptions *options)
{
  return options->grow != 0 || options->feather != 0;
}

/* The input and the mask, read; the mask's bounds are the selection. */
static gboolean
host_canvas (GgHost *host, gboolean visible, GgHostCanvas *out, GError **error)
{
  CliHost             *self = host->data;
  const CliJob        *job = self->job;
  g_autoptr (GgRaster) mask = NULL;
  gboolean             half;

  (void) visible;
  self->input = gg_image_load (job->input, 0, error);
  if (self->input == NULL)
    return FALSE;
  if (job->refine && (self->input->width != job->kept.width
                      || self->input->height != job->kept.height))
    {
      g_set_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                   "The conversation %s belongs to a %dx%d image but the input is %dx%d: "
                   "refine the image its edit wrote.", job->conversation,
                   job->kept.width, job->kept.height, self->input->width,
                   self->input->height);
      return FALSE;
    }
  memset (out, 0, sizeof *out);
  out->space.width = self->input->width;
  out->space.height = self->input->height;
  out->name = job->input;
  if (job->mask == NULL)
    return TRUE;
  mask = gg_image_load (job->mask, 0, error);
  if (mask == NULL)
    return FALSE;
  if (mask->width != self->input->width || mask->height != self->input->height)
    {
      g_set_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                   "The mask is %dx%d but the input is %dx%d: they must be the same size.",
                   mask->width, mask->height, self->input->width, self->input->height);
      return FALSE;
    }
  self->weights = gg_mask_new (mask->width, mask->height, error);
  if (self->weights == NULL)
    return FALSE;
  if (!mask_weights (mask, self->weights->data, &out->selection, &half))
    {
      g_set_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                   "The mask %s has no white pixels, so nothing may change: "
                   "paint the area to edit white.", job->mask);
      return FALSE;
    }
  if (as_selection (&job->mask_options) && !half)
    {
      g_set_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                   "With --grow or --feather the mask %s is a selection, and no "
                   "pixel of it is even half white: paint the area to edit white.",
                   job->mask);
      return FALSE;
    }
  out->has_selection = TRUE;
  return TRUE;
}

static GgMask *
host_selection (GgHost *host, const GgRect *rect, GError **error)
{
  CliHost *self = host->data;

  return gg_mask_crop (self->weights, rect, error);
}

static GgRaster *
host_read (GgHost *host, gboolean visible, const GgRect *rect, GError **error)
{
  CliHost *self = host->data;

  (void) visible;
  return gg_raster_crop (self->input, rect, error);
}

static GPtrArray *
host_references (GgHost *host, GError **error)
{
  CliHost             *self = host->data;
  g_autoptr (GPtrArray) references = g_ptr_array_new_with_free_func (gg_run_reference_free);
  gchar              **specs = self->job->references;

  for (guint i = 0; specs != NULL && specs[i] != NULL; i++)
    {
      GgImageRole role;
      GBytes     *bytes = cli_job_read_reference (specs[i], &role, error);

      if (bytes == NULL)
        return NULL;
      g_ptr_array_add (references, gg_run_reference_new (bytes, role));
      g_bytes_unref (bytes);
    }
  return g_steal_pointer (&references);
}

/* The patch: the placed region on a transparent canvas of the input's
 * size, its mask times its alpha as alpha; the placed colours stay under
 * alpha 0 too, so the mask can be redrawn later. */
static gboolean
write_patch (const CliHost *self, const GgFrontPiece *piece, const gchar *filename,
             GError **error)
{
  g_autoptr (GgRaster) patch = gg_raster_new (self->input->width, self->input->height, error);
  const GgRaster      *placed = piece->raster;

  if (patch == NULL)
    return FALSE;
  for (gint y = MAX (piece->y, 0); y < MIN (piece->y + placed->height, patch->height); y++)
    for (gint x = MAX (piece->x, 0); x < MIN (piece->x + placed->width, patch->width); x++)
      {
        gsize         j = (gsize) (y - piece->y) * placed->width + (x - piece->x);
        const guint8 *src = placed->pixels + j * 4;
        guint8       *dst = patch->pixels + ((gsize) y * patch->width + x) * 4;
        guint         m = piece->mask != NULL ? piece->mask->data[j] : 255u;

        memcpy (dst, src, 3);
        dst[3] = (guint8) ((m * (guint) src[3] + 127u) / 255u);
      }
  return gg_image_save (patch, filename, error);
}

/* One result: the input with the piece composited through its mask (where
 * the mask is 0 the input's bytes are not even rewritten), to @temp. */
static gboolean
write_result (const CliHost *self, const GgFrontPiece *piece, const gchar *temp,
              GError **error)
{
  g_autoptr (GgRaster) result = gg_raster_copy (self->input);

  if (result == NULL)
    {
      g_set_error (error, GG_ERROR, GG_ERROR_TOO_LARGE,
                   "There is not enough memory for the edited copy of the input "
                   "(%d x %d pixels): close other programs, or edit a smaller image.",
                   self->input->width, self->input->height);
      return FALSE;
    }
  if (piece->mask != NULL)
    gg_mask_composite (result, piece->raster, piece->mask, piece->x, piece->y);
  else
    {
      /* No mask (none made): the whole placed region. */
      g_autoptr (GgMask) whole = gg_mask_new (piece->raster->width,
                                              piece->raster->height, error);

      if (whole == NULL)
        return FALSE;
      memset (whole->data, 255, (gsize) whole->width * whole->height);
      gg_mask_composite (result, piece->raster, whole, piece->x, piece->y);
    }
  return gg_image_save (result, temp, error);
}

/* Every placed answer written beside its final name, then all moved
 * into place; on failure nothing of the outputs is left. */
static gboolean
host_insert (GgHost *host, const GgRunInsert *insert, GgRunInserted *out, GError **error)
{
  CliHost              *self = host->data;
  CliJob               *job = self->job;
  GPtrArray            *layers = insert->prepared->layers;
  g_autoptr (GPtrArray) temps = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) finals = g_ptr_array_new_with_free_func (g_free);

  out->result_id = 0;
  for (guint i = 0; i < layers->len; i++)
    {
      const GgFrontPiece *piece = g_ptr_array_index (layers, i);
      const gchar        *temp = cli_output_add (job->output, temps, finals);

      if (job->mask_options.patch != NULL)
        {
          g_autofree gchar *name = cli_output_name (job->mask_options.patch, i);

          if (!write_patch (self, piece, name, error))
            goto fail;
        }
      if (!write_result (self, piece, temp, error))
        goto fail;
      if (g_cancellable_is_cancelled (job->cancellable))
        {
          g_set_error_literal (error, GG_ERROR, GG_ERROR_CANCELLED,
                               "Interrupted: nothing was written.");
          goto fail;
        }
    }
  if (!cli_output_commit (temps, finals, error))
    goto fail;
  job->files = g_steal_pointer (&finals);
  return TRUE;

fail:
  cli_output_discard (temps);
  return FALSE;
}

/* Refine: FILE as cli_mask_prepare () read it, handed over. */
static GgConversation *
host_conversation_load (GgHost *host, GgConversationPlace *place, GError **error)
{
  CliHost *self = host->data;
  CliJob  *job = self->job;

  (void) error;
  *place = job->kept.place;
  memset (&job->kept.place, 0, sizeof job->kept.place);
  return g_steal_pointer (&job->kept.conversation);
}

/* Kept in FILE only when asked for; a forgotten one is removed, and why
 * is said on stderr (job->note, printed by cli_job_report ()). */
static void
host_conversation_store (GgHost *host, GgConversation *conversation,
                         const GgConversationPlace *place, gchar **note)
{
  CliHost *self = host->data;
  CliJob  *job = self->job;

  if (job->conversation == NULL)
    return;
  if (conversation != NULL)
    cli_conversation_save (job->conversation, conversation, place, self->input->width,
                           self->input->height, note);
  else
    cli_conversation_forget (job->conversation);
  if (note != NULL && *note != NULL)
    job->note = g_strdup (*note);
}

static gboolean
host_progress (GgHost *host, const gchar *text, gdouble fraction)
{
  CliHost *self = host->data;

  (void) text;
  (void) fraction;
  return !g_cancellable_is_cancelled (self->job->cancellable);
}

/* The request goes out through the command line's own client; the job's
 * outcome (a refusal, the dry run, a failed request) is set there. */
static GPtrArray *
host_ask (GgHost *host, GgRequest **requests, guint n, GPtrArray **failures, GError **error)
{
  CliHost   *self = host->data;
  CliJob    *job = self->job;
  GPtrArray *responses;

  /* One variation (cli_mask_run): one request. */
  (void) n;
  *failures = NULL;
  self->asked = TRUE;
  if (!cli_job_ready (job, requests[0]) || !cli_job_send (job, requests[0]))
    {
      self->settled = TRUE;
      g_set_error_literal (error, GG_ERROR, GG_ERROR_CANCELLED,
                           job->message != NULL ? job->message : "Nothing was sent.");
      return NULL;
    }
  /* No free function: the job keeps its response for the report. */
  responses = g_ptr_array_new ();
  g_ptr_array_add (responses, job->response);
  return responses;
}

static const GgHostClass cli_host_class =
{
  .canvas     = host_canvas,
  .selection  = host_selection,
  .read       = host_read,
  .references = host_references,
  .insert     = host_insert,
  .progress   = host_progress,
  .conversation_load  = host_conversation_load,
  .conversation_store = host_conversation_store,
};

void
cli_mask_run (CliJob *job)
{
  g_autofree gchar *profile = cli_recovery_profile ();
  CliHost           self = { job, NULL, NULL, FALSE, FALSE };
  GgHost            host = { &cli_host_class, profile, &self, host_ask };
  GgRunOptions      options;
  GError           *error = NULL;

  gg_run_options_init (&options);
  options.prompt = job->prompt;
  options.model = job->model;
  options.size = job->size;
  options.thinking = job->thinking;
  options.store = job->store;
  options.image_only = job->image_only;
  options.search = job->search;
  options.variations = 1;
  options.mask_as_is = !as_selection (&job->mask_options);
  options.grow = (gint) lround (job->mask_options.grow);
  options.feather = job->mask_options.feather;
  options.hint = job->mask_options.hint;
  options.ratio = job->aspect;
  options.include_region = job->include_region;
  /* Refine without a mask: what the model changed (no mask to carry). */
  options.changed_only = job->mask == NULL;

  if (job->refine ? gg_run_refine (&host, &options, &error)
      : gg_run_edit (&host, &options, &error))
    job->exit_status = CLI_EXIT_OK;
  else if (!self.settled)
    {
      /* Before the request: the invocation (the files, the mask); after:
       * the answer could not be placed or written, and the engine's
       * sentence says where it saved it. */
      gint status = !self.asked ? CLI_EXIT_USAGE
                    : g_atomic_int_get (&job->interrupted) ? CLI_EXIT_INTERRUPTED
                    : CLI_EXIT_FAILED;

      cli_job_fail (job, status, "%s", error->message);
    }
  g_clear_error (&error);
  gg_raster_free (self.input);
  gg_mask_free (self.weights);
}
