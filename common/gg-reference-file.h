/* gg-reference-file.h: a reference image read from a file, for every
 * front end.
 *
 * A file is never trusted: it is read only up to GG_REFERENCE_MAX_FILE
 * bytes, its header probed (PNG, JPEG or WebP, at most
 * GG_DEFAULT_MAX_PIXELS pixels) before any pixel is decoded, and only the
 * pixels, scaled and encoded again (gg_front_encode_reference ()), are
 * sent: never its bytes, nor its metadata.  No GIMP here: the GIMP 2.10
 * front end reads its reference and style files through this, and GIMP 3's
 * plugin/gemini-references.c does the same steps.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Bytes of a reference file read at most (a 16384² PNG can be this big). */
#define GG_REFERENCE_MAX_FILE ((goffset) 256 << 20)

/* @name: a path or a URI.  The encoded reference, or NULL with a sentence
 * that names the file: GG_ERROR_INVALID_REQUEST for an empty name,
 * GG_ERROR_IO for a file that cannot be read, GG_ERROR_IMAGE for one that
 * is not an image it can decode, GG_ERROR_TOO_LARGE beyond the limits. */
GBytes * gg_reference_file_read (const gchar  *name,
                                 GError      **error);

G_END_DECLS
