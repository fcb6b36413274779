/* gg-memory.h: room for a region's work, checked before the work starts.
 *
 * Placement and masks keep region-sized buffers in helpers that cannot
 * fail; their entry points ask here first, so that a region too large for
 * the memory at hand (a huge selection, `ulimit -v`) is an error with a
 * sentence, never an abort, and a paid answer can still be saved.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Room kept for what is not counted: worker threads' stacks, codecs. */
#define GG_MEMORY_SLACK ((gsize) 32 << 20)

/* TRUE when a region of @width x @height pixels is within the decoder's
 * pixel limit (GG_DEFAULT_MAX_PIXELS) and @bytes (plus GG_MEMORY_SLACK)
 * can be allocated now: tried with g_try_malloc () and given back at
 * once.  Else FALSE with GG_ERROR_TOO_LARGE: "There is not enough memory
 * to @what a region of W x H pixels (N MB): ...". */
gboolean gg_memory_check (gsize        bytes,
                          gint         width,
                          gint         height,
                          const gchar *what,
                          GError     **error);

G_END_DECLS
