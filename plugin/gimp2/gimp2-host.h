/* gimp2-host.h: the GIMP 2.10 plug-in as the engine's host (GgHost of
 * common/gg-run.h): pixels, the selection, references, the conversation,
 * the result layers, the key and the progress; and what the runs read
 * from GIMP before (the layer edited, the layers Compose combines). */
#pragma once

#include <libgimp/gimp.h>

#include "gg-conversation.h"
#include "gg-conversation-place.h"
#include "gg-image.h"
#include "gg-mask.h"
#include "gg-run.h"

#include "gimp2.h"

G_BEGIN_DECLS

/* The selection's bounds; FALSE (and @selection empty) without one. */
gboolean        gimp2_selection_bounds    (gint32              image,
                                           GgRect             *selection);
/* The space an edit of @source works in (with @visible, or without a
 * layer, the canvas) and the selection; @canvas->name is left NULL. */
void            gimp2_canvas_read         (gint32              image,
                                           gint32              source,
                                           gboolean            visible,
                                           GgHostCanvas       *canvas);

/* The layer an edit starts from (a mask's layer), or -1 with @error. */
gint32          gimp2_edit_source_layer   (gint32              drawable,
                                           GError            **error);
/* FALSE with @error for an indexed image. */
gboolean        gimp2_refuse_indexed      (gint32              image,
                                           GError            **error);
/* Compose's layers: @active first, then the layers linked to it; their
 * count, the IDs in *@out (g_free). */
gint            gimp2_compose_layers      (gint32              image,
                                           gint32              active,
                                           gint32            **out);

/* The conversation kept with @image (gg_conversation_free), or NULL (with
 * @error when it is damaged, without when there is none); @place filled
 * (gg_conversation_place_clear). */
GgConversation *gimp2_conversation_load   (gint32               image,
                                           GgConversationPlace *place,
                                           GError             **error);
/* Forgets it; whether there was one. */
gboolean        gimp2_conversation_forget (gint32               image);

/* The engine's host (common/gg-run.h) for one run over @image. */
typedef struct
{
  GgHost              host;          /* first: the engine sees this */
  const Gimp2Options *options;       /* the references; the run mode */
  gint32              image;         /* -1: none yet (a new image) */
  gint32              source;        /* Edit: the layer edited, else -1 */
  gint32              above;         /* the result goes above it; -1 */
  gboolean            may_make_image; /* Generate, Compose: an image closed
                                       * meanwhile gets a new one */
  /* Refine: the conversation read for the dialog, handed to the engine
   * (the host's conversation_load ()) rather than read twice. */
  GgConversation     *conversation;
  GgConversationPlace place;
  gboolean            made_image;    /* begin () made the image */
  gint32              result;        /* the layer or group inserted; -1 */
  gchar              *source_name;   /* the canvas's name */
  gchar              *progress_text; /* what the progress bar says */
  gboolean            progress_shown;
} Gimp2Host;

/* @host for a run with @options (borrowed: they outlive the host) over
 * @image (-1: none); gimp2_host_clear () frees what it holds. */
void            gimp2_host_init           (Gimp2Host          *host,
                                           const Gimp2Options *options,
                                           gint32              image);
void            gimp2_host_clear          (Gimp2Host          *host);

G_END_DECLS
