/* gemini-references.h: reference images from drawables of any open image.
 *
 * Each reference is the whole drawable (layer, group's projection or mask),
 * scaled down to at most GEMINI_REFERENCE_MAX_SIDE pixels on its longer
 * side and encoded (PNG with transparency, else JPEG), with a role that
 * adds its sentence to the prompt (gg_request_add_image ()).
 *
 * Roles are given as one string, comma-separated, one per reference in
 * order: "style", "subject", "object", "person", "composition".  When
 * fewer roles than references are given, the last one given repeats; with
 * none, "object".  More roles than references, or an unknown role, is
 * refused.
 */
#pragma once

#include <libgimp/gimp.h>

#include "gg-request.h"

G_BEGIN_DECLS

#define GEMINI_REFERENCE_MAX_SIDE 2048

typedef struct
{
  GBytes      *bytes;
  GgImageRole  role;
} GeminiReference;

/* @drawables: NULL-terminated (NULL: none).  A new array of
 * GeminiReference* (g_ptr_array_unref frees everything), or NULL with
 * GG_ERROR_INVALID_REQUEST and a sentence. */
GPtrArray *gemini_references_read (GimpDrawable **drawables,
                                   const gchar   *roles,
                                   GError       **error);

G_END_DECLS
