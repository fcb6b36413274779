/* gg-image.h: pixels in memory and the codecs that move them.
 *
 * A GgRaster is 8-bit, non-premultiplied RGBA in sRGB ("R'G'B'A u8" in babl
 * terms), rows packed (stride = width * 4).  Decoding refuses images whose
 * header claims more than max_pixels before any pixel is allocated.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  GG_FORMAT_UNKNOWN,
  GG_FORMAT_PNG,
  GG_FORMAT_JPEG,
  GG_FORMAT_WEBP,
  GG_FORMAT_GIF,
  GG_FORMAT_HEIF,
} GgFormat;

typedef struct
{
  gint    width;
  gint    height;
  guint8 *pixels;     /* width * height * 4 bytes, owned */
} GgRaster;

/* Default pixel limit for decoding: 16384 x 16384. */
#define GG_DEFAULT_MAX_PIXELS ((gsize) 16384 * 16384)

/* Allocates a zeroed (transparent) raster; NULL and @error set when the
 * size is invalid or memory cannot be had.  Free with gg_raster_free. */
GgRaster *gg_raster_new  (gint width, gint height, GError **error);
void      gg_raster_free (GgRaster *raster);
GgRaster *gg_raster_copy (const GgRaster *raster);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GgRaster, gg_raster_free)

/* TRUE when any pixel has alpha < 255. */
gboolean gg_raster_has_alpha (const GgRaster *raster);

/* Real format from the first bytes (PNG 89 50 4E 47, JPEG FF D8 FF,
 * WebP RIFF....WEBP, GIF, HEIF ftyp). */
GgFormat     gg_image_sniff       (const guint8 *data, gsize len);
const gchar *gg_format_mime_type  (GgFormat format);   /* "image/png"; NULL for unknown */
GgFormat     gg_format_from_mime  (const gchar *mime_type);
/* From a file name's extension (.png .jpg .jpeg .webp); UNKNOWN otherwise. */
GgFormat     gg_format_from_filename (const gchar *filename);

/* Reads only the header: format and dimensions.  FALSE with GG_ERROR_IMAGE
 * when the data is not a supported image. */
gboolean gg_image_probe (const guint8 *data,
                         gsize         len,
                         GgFormat     *format,
                         gint         *width,
                         gint         *height,
                         GError      **error);

/* Decodes PNG, JPEG or WebP (sniffed, whatever was declared) to RGBA.
 * GG_ERROR_TOO_LARGE when width*height > max_pixels (0: the default limit);
 * GG_ERROR_IMAGE when the data is corrupt or of another format. */
GgRaster *gg_image_decode (const guint8 *data,
                           gsize         len,
                           gsize         max_pixels,
                           GError      **error);

/* Checks that the data is a whole, decodable PNG, JPEG or WebP image
 * without keeping its pixels: PNG and JPEG are decoded one row at a time
 * into one row buffer (WebP fully, to YUV).  Refuses what gg_image_decode
 * refuses, with the same errors and sentences. */
gboolean gg_image_verify (const guint8 *data,
                          gsize         len,
                          gsize         max_pixels,
                          GError      **error);

/* Checks what can be checked without decoding any pixel, at memory speed:
 * the header and the pixel limit as gg_image_verify does; for PNG every
 * chunk's length and CRC, the chunk order, IEND, the zlib header and the
 * first 256 KiB of the deflate stream with their rows' filter bytes; for
 * JPEG every marker segment from SOI through EOI, the quantisation and
 * Huffman tables, the frame and scan headers and the markers inside the
 * entropy-coded data (stuffing, restart markers in order).  Damage in
 * transit and truncation show here, except inside a JPEG's entropy-coded
 * data (no checksum covers it: gg_image_save_bytes reads that through).
 * WebP is verified in full.  GG_ERROR_IMAGE or GG_ERROR_TOO_LARGE with a
 * sentence, as gg_image_verify. */
gboolean gg_image_check (const guint8 *data,
                         gsize         len,
                         gsize         max_pixels,
                         GError      **error);

/* Encoders.  PNG keeps alpha (level 0-9); JPEG drops it (quality 1-100);
 * WebP is lossless when quality >= 100. */
GBytes *gg_image_encode_png  (const GgRaster *raster, gint level,   GError **error);
GBytes *gg_image_encode_jpeg (const GgRaster *raster, gint quality, GError **error);
GBytes *gg_image_encode_webp (const GgRaster *raster, gint quality, GError **error);
GBytes *gg_image_encode      (const GgRaster *raster, GgFormat format, GError **error);

/* Files.  gg_image_save picks the format from the extension (PNG when
 * unknown) and writes atomically (temporary file, then rename). */
GgRaster *gg_image_load (const gchar *filename, gsize max_pixels, GError **error);
gboolean  gg_image_save (const GgRaster *raster, const gchar *filename, GError **error);

/* Writes @bytes to @filename as they are when their sniffed format matches
 * the extension, else decodes and re-encodes.  Atomic like gg_image_save.
 * Written as they are, the bytes are checked first (gg_image_check); a
 * JPEG's entropy-coded data is then read through as gg_image_verify reads
 * it, on a second thread while the file is written: nothing is left at
 * @filename when a check fails. */
gboolean gg_image_save_bytes (GBytes *bytes, const gchar *filename,
                              gsize max_pixels, GError **error);

G_END_DECLS
