/* gimp-gemini: the GIMP 3 host of the engine's runs (gemini-host.h). */

#include <string.h>

#include <libgimp/gimp.h>

#include "gg-error.h"
#include "gg-front.h"

#include "gemini.h"
#include "gemini-conversation.h"
#include "gemini-host.h"
#include "gemini-intl.h"
#include "gemini-key.h"
#include "gemini-pixels.h"
#include "gemini-references.h"
#include "gemini-result.h"


static gboolean         host_canvas      (GgHost                     *host,
                                          gboolean                    visible,
                                          GgHostCanvas               *out,
                                          GError                    **error);
static GgMask         * host_selection   (GgHost                     *host,
                                          const GgRect               *rect,
                                          GError                    **error);
static GgRaster       * host_read        (GgHost                     *host,
                                          gboolean                    visible,
                                          const GgRect               *rect,
                                          GError                    **error);
static GPtrArray      * host_references  (GgHost                     *host,
                                          GError                    **error);
static GgConversation * host_conversation_load
                                         (GgHost                     *host,
                                          GgConversationPlace        *place,
                                          GError                    **error);
static gboolean         host_begin       (GgHost                     *host,
                                          const GgRunInsert          *insert,
                                          GError                    **error);
static gboolean         host_insert      (GgHost                     *host,
                                          const GgRunInsert          *insert,
                                          GgRunInserted              *out,
                                          GError                    **error);
static void             host_conversation_store
                                         (GgHost                     *host,
                                          GgConversation             *conversation,
                                          const GgConversationPlace  *place,
                                          gchar                     **note);
static void             host_end         (GgHost                     *host,
                                          gboolean                    ok);
static void             host_report      (GgHost                     *host,
                                          const gchar                *text,
                                          const gchar                *usage_line,
                                          gboolean                    partial);
static gboolean         host_progress    (GgHost                     *host,
                                          const gchar                *text,
                                          gdouble                     fraction);
static gchar          * host_key         (GgHost                     *host,
                                          GError                    **error);
static void             host_mark        (GgHost                     *host,
                                          const gchar                *step);


static const GgHostClass host_class =
{
  .canvas             = host_canvas,
  .selection          = host_selection,
  .read               = host_read,
  .references         = host_references,
  .conversation_load  = host_conversation_load,
  .begin              = host_begin,
  .insert             = host_insert,
  .conversation_store = host_conversation_store,
  .end                = host_end,
  .report             = host_report,
  .progress           = host_progress,
  .key                = host_key,
  .mark               = host_mark,
};


void
gemini_host_init (GeminiHost  *host,
                  GimpRunMode  run_mode,
                  GimpImage   *image)
{
  memset (host, 0, sizeof *host);
  host->host.klass       = &host_class;
  host->host.profile_dir = gimp_directory ();
  host->host.data        = host;
  host->run_mode         = run_mode;
  host->image            = image;
}

void
gemini_host_clear (GeminiHost *host)
{
  g_clear_pointer (&host->shown, g_free);
  g_clear_pointer (&host->name, g_free);
}

void
gemini_host_canvas (GimpImage     *image,
                    GimpLayer     *source,
                    gboolean       visible,
                    GgHostCanvas  *out,
                    gchar        **name)
{
  gint x1, y1, x2, y2;

  memset (out, 0, sizeof *out);

  /* The space the plan works in: the layer's own pixels, or the canvas. */
  if (visible || ! source)
    {
      out->space.width  = gimp_image_get_width (image);
      out->space.height = gimp_image_get_height (image);
    }
  else
    {
      gimp_drawable_get_offsets (GIMP_DRAWABLE (source),
                                 &out->origin_x, &out->origin_y);
      out->space.width  = gimp_drawable_get_width (GIMP_DRAWABLE (source));
      out->space.height = gimp_drawable_get_height (GIMP_DRAWABLE (source));
    }

  gimp_selection_bounds (image, &out->has_selection, &x1, &y1, &x2, &y2);
  if (out->has_selection)
    {
      out->selection.x      = x1;
      out->selection.y      = y1;
      out->selection.width  = x2 - x1;
      out->selection.height = y2 - y1;
    }

  if (name)
    {
      *name     = source ? gimp_item_get_name (GIMP_ITEM (source)) : NULL;
      out->name = *name;
    }
}

/* FALSE with @error for an indexed image. */
gboolean
gemini_host_refuse_indexed (GimpImage  *image,
                            GError    **error)
{
  if (gimp_image_get_base_type (image) == GIMP_INDEXED)
    {
      g_set_error_literal (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                           _(GG_FRONT_INDEXED_MESSAGE));
      return FALSE;
    }

  return TRUE;
}

/* The layer an edit starts from: the first selected one (GIMP lists them
 * from the top), the layer of a selected mask; never a channel. */
GimpLayer *
gemini_host_source_layer (GimpImage     *image,
                          GimpDrawable **drawables,
                          gchar        **note,
                          GError       **error)
{
  GimpDrawable *drawable;
  gint          n = 0;

  while (drawables && drawables[n])
    n++;

  if (n == 0)
    {
      g_set_error_literal (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                           _("No layer is selected: select the layer to "
                             "edit."));
      return NULL;
    }

  drawable = drawables[0];

  if (GIMP_IS_LAYER_MASK (drawable))
    drawable = GIMP_DRAWABLE (gimp_layer_from_mask (GIMP_LAYER_MASK (drawable)));

  if (! drawable || ! GIMP_IS_LAYER (drawable))
    {
      g_set_error_literal (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                           _("Gemini edits layers: select a layer, not a "
                             "channel."));
      return NULL;
    }

  if (n > 1)
    {
      g_autofree gchar *item_name = gimp_item_get_name (GIMP_ITEM (drawable));

      *note = g_strdup_printf (_("%d layers are selected: only the first, "
                                 "“%s”, is edited."), n, item_name);
    }

  return GIMP_LAYER (drawable);
}


static GeminiHost *
host_of (GgHost *host)
{
  return host->data;
}

static gboolean
host_canvas (GgHost        *host,
             gboolean       visible,
             GgHostCanvas  *out,
             GError       **error)
{
  GeminiHost *self = host_of (host);

  g_clear_pointer (&self->name, g_free);
  gemini_host_canvas (self->image, self->source, visible, out, &self->name);

  return TRUE;
}

static GgMask *
host_selection (GgHost        *host,
                const GgRect  *rect,
                GError       **error)
{
  return gemini_pixels_read_selection (host_of (host)->image, rect, error);
}

static GgRaster *
host_read (GgHost        *host,
           gboolean       visible,
           const GgRect  *rect,
           GError       **error)
{
  GeminiHost *self = host_of (host);

  if (visible || ! self->source)
    return gemini_pixels_read_visible (self->image, rect, error);

  return gemini_pixels_read (GIMP_DRAWABLE (self->source), rect, error);
}

static GPtrArray *
host_references (GgHost  *host,
                 GError **error)
{
  return gemini_references_read (host_of (host)->options, error);
}

static GgConversation *
host_conversation_load (GgHost               *host,
                        GgConversationPlace  *place,
                        GError              **error)
{
  return gemini_conversation_load (host_of (host)->image, place, error);
}

/* One undo group on the image; or, for a new image (or a generation
 * "as-layer" whose image was closed meanwhile: the result is paid for),
 * an image of the first piece's size, with no history, as if opened. */
static gboolean
host_begin (GgHost             *host,
            const GgRunInsert  *insert,
            GError            **error)
{
  GeminiHost   *self  = host_of (host);
  GgFrontPiece *piece = g_ptr_array_index (insert->prepared->layers, 0);
  gboolean      valid = self->image && gimp_image_is_valid (self->image);

  self->result_image = self->image;
  if (! insert->new_image && valid)
    {
      gimp_image_undo_group_start (self->image);
      return TRUE;
    }
  if (! insert->new_image && ! self->new_if_closed)
    {
      g_set_error_literal (error, GG_ERROR, GG_ERROR_FAILED,
                           _("The image was closed before the result "
                             "arrived"));
      return FALSE;
    }

  self->result_image = gimp_image_new (piece->raster->width,
                                       piece->raster->height, GIMP_RGB);
  if (! self->result_image)
    {
      g_set_error (error, GG_ERROR, GG_ERROR_FAILED,
                   _("A new image could not be made: %s"),
                   gimp_pdb_get_last_error (gimp_get_pdb ()));
      return FALSE;
    }
  self->made_image = TRUE;
  gimp_image_undo_disable (self->result_image);

  return TRUE;
}

/* Above the layer edited; for a refine, above the selected layer, else
 * above the result refined (@previous); else at the top. */
static GimpLayer *
host_above (GeminiHost *self,
            GimpLayer  *previous)
{
  if (self->made_image)
    return NULL;

  if (self->source)
    return gimp_item_is_valid (GIMP_ITEM (self->source)) ? self->source : NULL;

  if (self->drawables && self->drawables[0])
    {
      GimpDrawable *drawable = self->drawables[0];

      if (GIMP_IS_LAYER_MASK (drawable))
        drawable = GIMP_DRAWABLE (gimp_layer_from_mask (GIMP_LAYER_MASK (drawable)));
      if (drawable && GIMP_IS_LAYER (drawable))
        return GIMP_LAYER (drawable);
    }

  return previous;
}

static gboolean
host_insert (GgHost             *host,
             const GgRunInsert  *insert,
             GgRunInserted      *out,
             GError            **error)
{
  GeminiHost   *self     = host_of (host);
  GimpLayer    *previous = NULL;
  GeminiTarget  target   = { 0, };
  GeminiResult  result;

  if (insert->previous_id && ! self->made_image)
    previous = gimp_image_get_layer_by_tattoo (self->result_image,
                                               insert->previous_id);

  target.image     = self->result_image;
  target.above     = host_above (self, previous);
  target.prompt    = insert->prompt;
  target.mask_from = insert->mask_from_previous ? previous : NULL;

  if (! gemini_result_insert (&target, insert->prepared, &result, error))
    return FALSE;

  self->result   = result.item;
  out->result_id = gimp_item_get_tattoo (GIMP_ITEM (result.first));

  return TRUE;
}

static void
host_conversation_store (GgHost                     *host,
                         GgConversation             *conversation,
                         const GgConversationPlace  *place,
                         gchar                     **note)
{
  GeminiHost *self = host_of (host);

  if (conversation)
    gemini_conversation_store (self->result_image, conversation, place, note);
  else
    gemini_conversation_forget (self->result_image);
}

/* Closes the undo group; a new image is shown, or thrown away when the
 * result could not be added. */
static void
host_end (GgHost   *host,
          gboolean  ok)
{
  GeminiHost *self = host_of (host);

  if (! self->made_image)
    {
      gimp_image_undo_group_end (self->result_image);
    }
  else if (ok)
    {
      gimp_image_undo_enable (self->result_image);
      if (self->run_mode == GIMP_RUN_INTERACTIVE)
        gimp_display_new (self->result_image);
    }
  else
    {
      gimp_image_delete (self->result_image);
      self->result_image = NULL;
      self->made_image   = FALSE;
    }

  if (ok && self->run_mode == GIMP_RUN_INTERACTIVE)
    gimp_displays_flush ();
}

/* Scripts get no chatter; a partial failure is told in every mode. */
static void
host_report (GgHost      *host,
             const gchar *text,
             const gchar *usage_line,
             gboolean     partial)
{
  GeminiHost *self = host_of (host);

  gimp_progress_set_text (usage_line);

  if (self->run_mode == GIMP_RUN_INTERACTIVE || partial)
    gimp_message (text);
}

/* On the main thread every 100 ms while the requests run.  GIMP calls go
 * over the wire: the text is only sent when it changed.
 *
 * Cancel: GIMP 3's progress bar has a cancel button, but it does not call
 * back into the plug-in: it ends the plug-in's process (app/plug-in/
 * gimpplugin-progress.c closes the plug-in on "cancel"), which ends the
 * transfer with it.  Since the image is only touched after the answer has
 * been decoded and placed, it stays exactly as it was.  A progress call
 * that fails (GIMP no longer shows our progress) cancels the transfer. */
static gboolean
host_progress (GgHost      *host,
               const gchar *text,
               gdouble      fraction)
{
  GeminiHost *self = host_of (host);

  if (! self->progress_shown)
    {
      gimp_progress_init (text);
      self->progress_shown = TRUE;
    }
  else if (g_strcmp0 (text, self->shown) != 0)
    {
      gimp_progress_set_text (text);
    }
  if (g_strcmp0 (text, self->shown) != 0)
    {
      g_free (self->shown);
      self->shown = g_strdup (text);
    }

  /* An upload's share sent is a real bar; the rest only pulses. */
  if (fraction >= 0.0)
    return gimp_progress_update (fraction);

  return gimp_progress_pulse ();
}

static gchar *
host_key (GgHost  *host,
          GError **error)
{
  return gemini_key_get (host_of (host)->run_mode, error);
}

static void
host_mark (GgHost      *host,
           const gchar *step)
{
  gemini_time_mark (step);
}
