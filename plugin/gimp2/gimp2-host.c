/* gimp-gemini for GIMP 2.10: what is read from GIMP (gimp2-host.h).
 *
 * Pixels go through GEGL with babl's "R'G'B'A u8" both ways, so that GEGL
 * converts from and to any precision (8/16/32-bit, float) and from gray, as
 * in the GIMP 3 plug-in.
 */

#include <string.h>

#include <libgimp/gimp.h>

#include "gg-error.h"
#include "gg-reference-file.h"

#include "gimp2-form.h"
#include "gimp2-host.h"
#include "gimp2-key.h"
#include "gimp2-result.h"


/* @rect of @drawable's pixels as @format (NULL: its coverage format)
 * into @data (rows of @stride bytes); outside the drawable, zero.  FALSE
 * when GIMP gives no buffer (gimp2_last_error () says why). */
static gboolean
buffer_read (gint32         drawable,
             const GgRect  *rect,
             const Babl    *format,
             guint8        *data,
             gint           stride)
{
  GeglBuffer *buffer = gimp_drawable_get_buffer (drawable);

  if (! buffer)
    return FALSE;
  if (! format)
    format = gimp2_coverage_format (buffer);
  gegl_buffer_get (buffer,
                   GEGL_RECTANGLE (rect->x, rect->y, rect->width, rect->height),
                   1.0, format, data, stride, GEGL_ABYSS_NONE);
  g_object_unref (buffer);

  return TRUE;
}

/* Outside the drawable is transparent black, which is what the region
 * planner expects for padding. */
static GgRaster *
pixels_read (gint32         drawable,
             const GgRect  *rect,
             GError       **error)
{
  g_autoptr (GgRaster) raster = gg_raster_new (rect->width, rect->height,
                                               error);

  if (! raster)
    return NULL;
  if (! buffer_read (drawable, rect, babl_format (GIMP2_RASTER_FORMAT),
                     raster->pixels, rect->width * 4))
    {
      g_set_error (error, GG_ERROR, GG_ERROR_FAILED,
                   _("The pixels of the layer could not be read: %s"),
                   gimp2_last_error ());
      return NULL;
    }

  return g_steal_pointer (&raster);
}

/* What is visible over @rect (image coordinates), merged in a duplicate:
 * the user's image must not change, not even its undo. */
/* What is visible over @rect (image coordinates), merged in a duplicate:
 * the user's image must not change, not even its undo. */
static GgRaster *
pixels_read_visible (gint32         image,
                     const GgRect  *rect,
                     GError       **error)
{
  gint32    copy   = gimp_image_duplicate (image);
  gint32    merged = -1;
  GgRaster *raster = NULL;

  if (copy >= 0)
    {
      gimp_image_undo_disable (copy);
      merged = gimp_image_merge_visible_layers (copy, GIMP_CLIP_TO_IMAGE);
    }

  if (merged >= 0)
    {
      /* The merged layer may start elsewhere than the canvas. */
      GgRect local = *rect;
      gint   x     = 0;
      gint   y     = 0;

      gimp_drawable_offsets (merged, &x, &y);
      local.x -= x;
      local.y -= y;
      raster = pixels_read (merged, &local, error);
    }
  else if (copy < 0)
    g_set_error_literal (error, GG_ERROR, GG_ERROR_FAILED,
                         _("The image could not be duplicated to read what "
                           "is visible."));
  else
    g_set_error_literal (error, GG_ERROR, GG_ERROR_FAILED,
                         _("Nothing is visible to send: show at least one "
                           "layer, or choose Source: Layer."));

  if (copy >= 0)
    gimp_image_delete (copy);

  return raster;
}

/* Only the selection's bounds are read (the rest is 0). */
static GgMask *
selection_read (gint32         image,
                const GgRect  *rect,
                GError       **error)
{
  g_autoptr (GgMask) mask = gg_mask_new (rect->width, rect->height, error);
  GgRect             bounds;
  GgRect             inside;

  if (! mask)
    return NULL;
  if (! gimp2_selection_bounds (image, &bounds) ||
      ! gg_rect_intersect (rect, &bounds, &inside))
    return g_steal_pointer (&mask);

  if (! buffer_read (gimp_image_get_selection (image), &inside, NULL,
                     mask->data + (gsize) (inside.y - rect->y) * rect->width +
                     (inside.x - rect->x), rect->width))
    {
      g_set_error (error, GG_ERROR, GG_ERROR_FAILED,
                   _("The selection could not be read: %s"),
                   gimp2_last_error ());
      return NULL;
    }

  return g_steal_pointer (&mask);
}

gboolean
gimp2_selection_bounds (gint32  image,
                        GgRect *selection)
{
  gboolean any = FALSE;
  gint     x1  = 0, y1 = 0, x2 = 0, y2 = 0;

  gimp_selection_bounds (image, &any, &x1, &y1, &x2, &y2);
  *selection = any ? (GgRect) { x1, y1, x2 - x1, y2 - y1 }
                   : (GgRect) { 0, 0, 0, 0 };

  return any;
}

void
gimp2_canvas_read (gint32        image,
                   gint32        source,
                   gboolean      visible,
                   GgHostCanvas *canvas)
{
  memset (canvas, 0, sizeof *canvas);
  if (visible || source <= 0)
    {
      canvas->space.width  = gimp_image_width (image);
      canvas->space.height = gimp_image_height (image);
    }
  else
    {
      gimp_drawable_offsets (source, &canvas->origin_x, &canvas->origin_y);
      canvas->space.width  = gimp_drawable_width (source);
      canvas->space.height = gimp_drawable_height (source);
    }
  canvas->has_selection = gimp2_selection_bounds (image, &canvas->selection);
}

gint32
gimp2_edit_source_layer (gint32   drawable,
                         GError **error)
{
  if (drawable > 0 && gimp_item_is_valid (drawable) &&
      gimp_item_is_layer_mask (drawable))
    drawable = gimp_layer_from_mask (drawable);

  if (drawable <= 0 || ! gimp_item_is_valid (drawable))
    {
      g_set_error_literal (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                           _("No layer is selected: select the layer to edit."));
      return -1;
    }

  if (! gimp_item_is_layer (drawable))
    {
      g_set_error_literal (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                           _("Gemini edits layers: select a layer, not a channel."));
      return -1;
    }

  return drawable;
}

gboolean
gimp2_refuse_indexed (gint32   image,
                      GError **error)
{
  if (gimp_image_base_type (image) == GIMP_INDEXED)
    {
      g_set_error_literal (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                           GG_FRONT_INDEXED_MESSAGE);
      return FALSE;
    }

  return TRUE;
}

/* Every layer of @layers (and of their groups) linked to others, in stack
 * order, into @found. */
static void
linked_layers (gint32  *layers,
               gint     n,
               gint32   skip,
               GArray  *found)
{
  gint i;

  for (i = 0; i < n; i++)
    {
      if (layers[i] != skip && gimp_item_get_linked (layers[i]))
        g_array_append_val (found, layers[i]);
      if (gimp_item_is_group (layers[i]))
        {
          gint    n_children = 0;
          gint32 *children   = gimp_item_get_children (layers[i], &n_children);

          linked_layers (children, n_children, skip, found);
          g_free (children);
        }
    }
}

/* A linked @active links the others; alone it is one layer. */
gint
gimp2_compose_layers (gint32    image,
                      gint32    active,
                      gint32  **out)
{
  GArray *found  = g_array_new (FALSE, FALSE, sizeof (gint32));
  gint    n      = 0;
  gint32 *layers;

  if (active > 0 && gimp_item_is_valid (active) && gimp_item_is_layer (active))
    {
      g_array_append_val (found, active);
      if (gimp_item_get_linked (active))
        {
          layers = gimp_image_get_layers (image, &n);
          linked_layers (layers, n, active, found);
          g_free (layers);
        }
    }

  n    = (gint) found->len;
  *out = (gint32 *) g_array_free (found, FALSE);

  return n;
}




/* --- the conversation ----------------------------------------------------- */

/* The data of @image's parasite @name, or NULL when it has none. */
static GBytes *
parasite_bytes (gint32       image,
                const gchar *name)
{
  GimpParasite *parasite = gimp_image_get_parasite (image, name);

  if (! parasite)
    return NULL;

  return g_bytes_new_with_free_func (gimp_parasite_data (parasite),
                                     gimp_parasite_data_size (parasite),
                                     (GDestroyNotify) gimp_parasite_free,
                                     parasite);
}

GgConversation *
gimp2_conversation_load (gint32               image,
                         GgConversationPlace *place,
                         GError             **error)
{
  g_autoptr (GBytes) json  = parasite_bytes (image, GG_CONVERSATION_PARASITE);
  g_autoptr (GBytes) text  = NULL;
  GgConversation    *conversation = NULL;
  gsize              length = 0;
  gconstpointer      data;

  memset (place, 0, sizeof *place);
  if (! json)
    return NULL;

  data = g_bytes_get_data (json, &length);
  if (length == 0)
    g_set_error_literal (error, GG_ERROR, GG_ERROR_FAILED,
                         _("The image's Gemini conversation is empty."));
  else
    conversation = gg_conversation_from_json (data, length, error);
  if (! conversation)
    {
      g_prefix_error (error, _("The image's Gemini conversation is damaged "
                               "(use Filters > Gemini > Start Over): "));
      return NULL;
    }

  /* Without it the answers go on as whole images: still usable. */
  text = parasite_bytes (image, GG_PLACE_PARASITE);
  if (text)
    {
      data = g_bytes_get_data (text, &length);
      gg_conversation_place_from_text (data, length, place);
    }

  return conversation;
}

static gboolean
attach (gint32       image,
        const gchar *name,
        const gchar *data,
        gsize        length)
{
  GimpParasite *parasite = gimp_parasite_new (name, GIMP2_PARASITE_FLAGS,
                                              (guint32) length, data);
  gboolean      ok       = gimp_image_attach_parasite (image, parasite);

  gimp_parasite_free (parasite);

  return ok;
}

/* Removes @image's parasite @name; whether it had one.  Asked by name:
 * fetching the parasite would copy a 4K exchange's megabytes for a yes. */
static gboolean
detach (gint32       image,
        const gchar *name)
{
  gint      n     = 0;
  gchar   **names = gimp_image_get_parasite_list (image, &n);
  gboolean  had   = FALSE;
  gint      i;

  /* 2.10's list is counted, not NULL-terminated. */
  for (i = 0; names && i < n; i++)
    {
      had = had || ! strcmp (names[i], name);
      g_free (names[i]);
    }
  g_free (names);

  return had && gimp_image_detach_parasite (image, name);
}

gboolean
gimp2_conversation_forget (gint32 image)
{
  gboolean had = detach (image, GG_CONVERSATION_PARASITE);

  detach (image, GG_PLACE_PARASITE);

  return had;
}


/* --- the engine's host ---------------------------------------------------- */

#define SELF(host) ((Gimp2Host *) (host))

static gboolean
read_canvas (GgHost        *host,
             gboolean       visible,
             GgHostCanvas  *out,
             GError       **error)
{
  Gimp2Host *self = SELF (host);

  gimp2_canvas_read (self->image, self->source, visible, out);
  /* Borrowed: the engine reads it during the run only. */
  g_free (self->source_name);
  self->source_name = self->source > 0 ? gimp_item_get_name (self->source)
                                       : NULL;
  out->name = self->source_name;

  return TRUE;
}

static GgMask *
read_selection (GgHost        *host,
                const GgRect  *rect,
                GError       **error)
{
  return selection_read (SELF (host)->image, rect, error);
}

static GgRaster *
read_pixels (GgHost        *host,
             gboolean       visible,
             const GgRect  *rect,
             GError       **error)
{
  Gimp2Host *self = SELF (host);

  if (visible || self->source <= 0)
    return pixels_read_visible (self->image, rect, error);

  return pixels_read (self->source, rect, error);
}

/* The reference drawables, then the files (as GIMP 3's), each with its
 * role.  Roles first: a bad role is refused before any pixel or file is
 * read. */
static GPtrArray *
read_references (GgHost  *host,
                 GError **error)
{
  const Gimp2Options     *options = SELF (host)->options;
  g_autoptr (GPtrArray)   references =
    g_ptr_array_new_with_free_func (gg_run_reference_free);
  g_autofree GgImageRole *roles   = NULL;
  guint                   n_files = options->files ?
                                    g_strv_length (options->files) : 0;
  guint                   n       = (guint) MAX (0, options->n_references);
  guint                   i;

  roles = g_new0 (GgImageRole, MAX (1, n + n_files));
  if (! gg_front_parse_roles_of (options->roles, n, _("reference images"),
                                 roles, error) ||
      ! gg_front_parse_roles_of (options->file_roles, n_files,
                                 _("reference files"), roles + n, error))
    return NULL;

  for (i = 0; i < n + n_files; i++)
    {
      g_autoptr (GBytes) bytes = NULL;

      if (i < n)
        {
          gint32               drawable = options->references[i];
          g_autoptr (GgRaster) raster   = NULL;
          GgRect               rect     = { 0, 0, 0, 0 };

          if (! gimp_item_is_valid (drawable) ||
              ! gimp_item_is_drawable (drawable))
            {
              g_set_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                           _("Reference %u no longer exists."), i + 1);
              return NULL;
            }
          rect.width  = gimp_drawable_width (drawable);
          rect.height = gimp_drawable_height (drawable);
          raster = pixels_read (drawable, &rect, error);
          if (raster)
            bytes = gg_front_encode_reference (raster, error);
        }
      else
        {
          bytes = gg_reference_file_read (options->files[i - n], error);
        }
      if (! bytes)
        return NULL;
      g_ptr_array_add (references, gg_run_reference_new (bytes, roles[i]));
    }

  return g_steal_pointer (&references);
}

static GgConversation *
load_conversation (GgHost               *host,
                   GgConversationPlace  *place,
                   GError              **error)
{
  Gimp2Host *self = SELF (host);

  /* Read already (the dialog showed it): handed over as it was. */
  if (self->conversation)
    {
      *place = self->place;
      memset (&self->place, 0, sizeof self->place);
      return g_steal_pointer (&self->conversation);
    }

  return gimp2_conversation_load (self->image, place, error);
}

/* Generate makes its image here: of the first answer's size, with no
 * history, as if it had been opened. */
static gboolean
begin_undo (GgHost             *host,
            const GgRunInsert  *insert,
            GError            **error)
{
  Gimp2Host    *self = SELF (host);
  GgFrontPiece *first;

  if (! insert->new_image && gimp_image_is_valid (self->image))
    {
      gimp_image_undo_group_start (self->image);
      return TRUE;
    }
  /* An image closed meanwhile: insert () says so, and the engine saves
   * the answers; but Generate's as-layer result gets a new image. */
  if (! insert->new_image && ! self->may_make_image)
    return TRUE;

  first = g_ptr_array_index (insert->prepared->layers, 0);
  self->image = gimp_image_new (first->raster->width, first->raster->height,
                                GIMP_RGB);
  if (self->image < 0)
    {
      g_set_error (error, GG_ERROR, GG_ERROR_FAILED,
                   _("A new image could not be made: %s"),
                   gimp_get_pdb_error ());
      return FALSE;
    }
  self->made_image = TRUE;
  gimp_image_undo_disable (self->image);

  return TRUE;
}

static gboolean
insert_result (GgHost             *host,
               const GgRunInsert  *insert,
               GgRunInserted      *out,
               GError            **error)
{
  Gimp2Host   *self     = SELF (host);
  gint32       previous = -1;
  Gimp2Target  target   = { self->image, self->above, -1, insert->prompt };
  Gimp2Result  result;

  /* Refine: above the result refined unless a layer was given; its mask
   * carries over when nothing is selected. */
  if (insert->previous_id)
    {
      previous = gimp_image_get_layer_by_tattoo (self->image,
                                                 insert->previous_id);
      if (previous <= 0)
        previous = -1;
    }
  if (target.above < 0)
    target.above = previous;
  if (insert->mask_from_previous)
    target.mask_from = previous;

  if (! gimp2_result_insert (&target, insert->prepared, &result, error))
    return FALSE;

  self->result   = result.item;
  out->result_id = gimp_item_get_tattoo (result.first);

  return TRUE;
}

/* Keeps @conversation (NULL: forgets the one kept); a conversation that
 * cannot be kept is forgotten, never left over a newer result. */
static void
store_conversation (GgHost                    *host,
                    GgConversation            *conversation,
                    const GgConversationPlace *place,
                    gchar                    **note)
{
  gint32            image = SELF (host)->image;
  g_autofree gchar *json  = NULL;
  g_autofree gchar *text  = NULL;
  gsize             length;
  gboolean          kept  = FALSE;

  if (conversation &&
      gg_conversation_place_serialize (conversation, &json, &length, note))
    {
      text = gg_conversation_place_to_text (place);
      kept = attach (image, GG_CONVERSATION_PARASITE, json, length) &&
             attach (image, GG_PLACE_PARASITE, text, strlen (text));
      if (! kept && note)
        *note = g_strdup_printf (_("The conversation could not be kept with "
                                   "the image: %s"), gimp2_last_error ());
    }
  if (! kept)
    gimp2_conversation_forget (image);
}

static void
end_undo (GgHost   *host,
          gboolean  ok)
{
  Gimp2Host *self = SELF (host);

  if (self->made_image && ! ok)
    {
      gimp_image_delete (self->image);
      self->image      = -1;
      self->made_image = FALSE;
      return;
    }
  if (self->made_image)
    gimp_image_undo_enable (self->image);
  else if (gimp_image_is_valid (self->image))
    gimp_image_undo_group_end (self->image);

  if (ok && self->options->run_mode == GIMP_RUN_INTERACTIVE)
    {
      if (self->made_image)
        gimp_display_new (self->image);
      gimp_displays_flush ();
    }
}

static void
report (GgHost      *host,
        const gchar *text,
        const gchar *usage_line,
        gboolean     partial)
{
  const Gimp2Options *options = SELF (host)->options;

  gimp_progress_set_text (usage_line);

  /* The dialog's recent prompts: what the user ran, not what scripts
   * send (a script's prompts are its own business). */
  if (options->run_mode != GIMP_RUN_NONINTERACTIVE)
    gimp2_history_record (options->prompt);

  /* Scripts get no chatter; a partial failure is told in every mode. */
  if (options->run_mode == GIMP_RUN_INTERACTIVE || partial)
    gimp_message (text);
}

static gboolean
show_progress (GgHost      *host,
               const gchar *text,
               gdouble      fraction)
{
  Gimp2Host *self = SELF (host);

  if (text && g_strcmp0 (text, self->progress_text) != 0)
    {
      if (self->progress_shown)
        gimp_progress_set_text (text);
      else
        gimp_progress_init (text);
      self->progress_shown = TRUE;
      g_free (self->progress_text);
      self->progress_text = g_strdup (text);
    }

  /* FALSE once GIMP no longer shows it: cancelled. */
  if (fraction >= 0.0)
    return gimp_progress_update (fraction);

  return gimp_progress_pulse ();
}

static gchar *
find_key (GgHost  *host,
          GError **error)
{
  return gimp2_key_get (SELF (host)->options->run_mode, error);
}

static const GgHostClass host_class =
{
  read_canvas,
  read_selection,
  read_pixels,
  read_references,
  load_conversation,
  begin_undo,
  insert_result,
  store_conversation,
  end_undo,
  report,
  show_progress,
  find_key,
  NULL,
};

void
gimp2_host_init (Gimp2Host          *host,
                 const Gimp2Options *options,
                 gint32              image)
{
  memset (host, 0, sizeof *host);
  host->host.klass       = &host_class;
  host->host.profile_dir = gimp_directory ();
  host->host.data        = host;
  host->options          = options;
  host->image            = image;
  host->source           = -1;
  host->above            = -1;
  host->result           = -1;
}

void
gimp2_host_clear (Gimp2Host *host)
{
  g_clear_pointer (&host->conversation, gg_conversation_free);
  gg_conversation_place_clear (&host->place);
  g_clear_pointer (&host->progress_text, g_free);
  g_clear_pointer (&host->source_name, g_free);
}
