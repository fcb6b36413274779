/* gemini-references.h: reference images from drawables of any open image
 * and from image files.
 *
 * Each reference is the whole drawable (layer, group's projection or mask)
 * or the whole picture of a file, scaled down to at most
 * GG_FRONT_REFERENCE_MAX_SIDE pixels on its longer side and encoded
 * again (gg_front_encode_reference (): PNG with transparency, else JPEG),
 * with a role that adds its sentence to the prompt
 * (gg_request_add_image ()).  Layers come first, then files.
 *
 * Files are read by gg_reference_file_read (), as GIMP 2.10's front end
 * reads them: never trusted, probed before decoding, only the re-encoded
 * pixels sent.
 *
 * Roles are given as one string per list (layers, files), comma-separated,
 * one per reference in order (gg_front_parse_roles_of ()): "style",
 * "subject", "object", "person", "composition".  When fewer roles than references are given, the last one
 * given repeats; with none, "object".  More roles than references, or an
 * unknown role, is refused.  The model's limits (how many in all, objects,
 * people) are checked on the whole request by gg_request_validate (),
 * before anything is sent.
 */
#pragma once

#include <libgimp/gimp.h>

#include "gg-request.h"

#include "gemini-options.h"

G_BEGIN_DECLS

/* The references of @options: its drawables ("references",
 * "reference-roles"), then its files ("reference-files", paths or URIs,
 * with "reference-file-roles").  A new array of GgRunReference*
 * (g_ptr_array_unref frees everything: the engine's host references ()), or NULL with a sentence:
 * GG_ERROR_INVALID_REQUEST for roles and vanished layers, GG_ERROR_IO for a
 * file that cannot be read, GG_ERROR_IMAGE for one that is not an image it
 * can decode, GG_ERROR_TOO_LARGE for one beyond the limits; the message
 * names the file. */
GPtrArray *gemini_references_read (const GeminiOptions *options,
                                   GError             **error);

G_END_DECLS
