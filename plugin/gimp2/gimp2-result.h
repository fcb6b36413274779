/* gimp2-result.h: the result layers a run of the GIMP 2.10 plug-in adds
 * to the image, with their masks and sources. */
#pragma once

#include <libgimp/gimp.h>

#include "gg-front.h"

#include "gimp2.h"

G_BEGIN_DECLS

/* The plug-in's parasites are saved in the .xcf, and undoing a run also
 * restores those it replaced. */
#define GIMP2_PARASITE_FLAGS (GIMP_PARASITE_PERSISTENT | GIMP_PARASITE_UNDOABLE)

/* Pixels go through GEGL as this format both ways. */
#define GIMP2_RASTER_FORMAT "R'G'B'A u8"

/* GIMP's last error, or a sentence saying it gave none. */
const gchar    *gimp2_last_error          (void);
/* An 8-bit one-component format on @buffer's own tone curve: coverage
 * (selection, masks) is read and written as numbers, never bent by a
 * conversion between linear and perceptual. */
const Babl     *gimp2_coverage_format     (GeglBuffer         *buffer);

/* Where the result layers go. */
typedef struct
{
  gint32       image;
  gint32       above;         /* -1: the top of the stack */
  gint32       mask_from;     /* -1, or a layer whose mask to copy */
  const gchar *prompt;        /* names the layers */
} Gimp2Target;

typedef struct
{
  gint32 item;        /* the result layer, or the group of several */
  gint32 first;       /* the first result layer */
} Gimp2Result;

/* Adds @prepared's layers (with their masks; thoughts, sources) to
 * @target's image; FALSE with @error after removing what it added (the
 * engine then saves the answers for recovery). */
gboolean        gimp2_result_insert       (Gimp2Target         *target,
                                           GgFrontPrepared     *prepared,
                                           Gimp2Result         *result,
                                           GError             **error);

G_END_DECLS
