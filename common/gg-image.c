/* gg-image.c: rasters, format sniffing, and the PNG/JPEG/WebP codecs.
 *
 * Every decoder first reads the header alone (gg_image_probe) and refuses an
 * image whose claimed size exceeds the pixel limit, so a tiny file that
 * promises 50000 x 50000 pixels never costs more than its own bytes.  libpng
 * and libjpeg report errors with longjmp: everything those paths must free
 * is kept in a struct or a volatile local that the landing site releases.
 */
#include "gg-image.h"
#include "gg-error.h"

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include <libdeflate.h>
#include <png.h>
#include <zlib.h>
#include <jpeglib.h>
#include <jerror.h>
#include <webp/decode.h>
#include <webp/encode.h>

#define RGBA 4

/* Rasters */

/* Bytes of a width x height RGBA raster, or 0 when that overflows gsize
 * (or the stride overflows gint, which libpng/libjpeg/GEGL take). */
static gsize
raster_bytes (gint width, gint height)
{
  gsize n;

  if (width <= 0 || height <= 0 || width > G_MAXINT / RGBA)
    return 0;
  if (! g_size_checked_mul (&n, (gsize) width, (gsize) height) ||
      ! g_size_checked_mul (&n, n, RGBA))
    return 0;
  return n;
}

/* Allocates a zeroed raster; free with gg_raster_free (). */
GgRaster *
gg_raster_new (gint width, gint height, GError **error)
{
  gsize     n = raster_bytes (width, height);
  GgRaster *raster;

  if (n == 0)
    {
      g_set_error (error, GG_ERROR, GG_ERROR_IMAGE,
                   "An image of %d x %d pixels is not possible.",
                   width, height);
      return NULL;
    }
  raster = g_new0 (GgRaster, 1);
  /* g_try: a huge request must be an error the user sees, not an abort. */
  raster->pixels = g_try_malloc0 (n);
  if (raster->pixels == NULL)
    {
      g_free (raster);
      g_set_error (error, GG_ERROR, GG_ERROR_TOO_LARGE,
                   "There is not enough memory for an image of %d x %d pixels.",
                   width, height);
      return NULL;
    }
  raster->width = width;
  raster->height = height;
  return raster;
}

void
gg_raster_free (GgRaster *raster)
{
  if (raster == NULL)
    return;
  g_free (raster->pixels);
  g_free (raster);
}

/* A deep copy; free with gg_raster_free ().  NULL only when memory fails. */
GgRaster *
gg_raster_copy (const GgRaster *raster)
{
  GgRaster *copy;

  g_return_val_if_fail (raster != NULL, NULL);
  copy = gg_raster_new (raster->width, raster->height, NULL);
  if (copy)
    memcpy (copy->pixels, raster->pixels,
            raster_bytes (raster->width, raster->height));
  return copy;
}

gboolean
gg_raster_has_alpha (const GgRaster *raster)
{
  gsize n, i;

  g_return_val_if_fail (raster != NULL, FALSE);
  n = (gsize) raster->width * raster->height;
  for (i = 0; i < n; i++)
    if (raster->pixels[i * RGBA + 3] != 255)
      return TRUE;
  return FALSE;
}

/* Formats */

GgFormat
gg_image_sniff (const guint8 *data, gsize len)
{
  static const guint8 png_sig[8] = { 0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a };
  /* HEIF brands: still images (heic, heix, mif1 ...) and sequences. */
  static const gchar *const heif_brands[] =
    { "heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "msf1" };

  if (data == NULL)
    return GG_FORMAT_UNKNOWN;
  if (len >= 8 && memcmp (data, png_sig, 8) == 0)
    return GG_FORMAT_PNG;
  if (len >= 3 && data[0] == 0xff && data[1] == 0xd8 && data[2] == 0xff)
    return GG_FORMAT_JPEG;
  if (len >= 12 && memcmp (data, "RIFF", 4) == 0 && memcmp (data + 8, "WEBP", 4) == 0)
    return GG_FORMAT_WEBP;
  if (len >= 6 && (memcmp (data, "GIF87a", 6) == 0 || memcmp (data, "GIF89a", 6) == 0))
    return GG_FORMAT_GIF;
  if (len >= 12 && memcmp (data + 4, "ftyp", 4) == 0)
    for (guint i = 0; i < G_N_ELEMENTS (heif_brands); i++)
      if (memcmp (data + 8, heif_brands[i], 4) == 0)
        return GG_FORMAT_HEIF;
  return GG_FORMAT_UNKNOWN;
}

const gchar *
gg_format_mime_type (GgFormat format)
{
  switch (format)
    {
    case GG_FORMAT_PNG:  return "image/png";
    case GG_FORMAT_JPEG: return "image/jpeg";
    case GG_FORMAT_WEBP: return "image/webp";
    case GG_FORMAT_GIF:  return "image/gif";
    case GG_FORMAT_HEIF: return "image/heif";
    case GG_FORMAT_UNKNOWN:
    default:             return NULL;
    }
}

GgFormat
gg_format_from_mime (const gchar *mime_type)
{
  static const struct { const gchar *mime; GgFormat format; } table[] =
    {
      { "image/png",  GG_FORMAT_PNG  },
      { "image/jpeg", GG_FORMAT_JPEG },
      { "image/jpg",  GG_FORMAT_JPEG },   /* seen in the wild; the API rejects it */
      { "image/webp", GG_FORMAT_WEBP },
      { "image/gif",  GG_FORMAT_GIF  },
      { "image/heif", GG_FORMAT_HEIF },
      { "image/heic", GG_FORMAT_HEIF },
    };
  gsize len;

  if (mime_type == NULL)
    return GG_FORMAT_UNKNOWN;
  /* Ignore parameters such as "; charset=binary". */
  len = strcspn (mime_type, "; \t");
  for (guint i = 0; i < G_N_ELEMENTS (table); i++)
    if (strlen (table[i].mime) == len &&
        g_ascii_strncasecmp (mime_type, table[i].mime, len) == 0)
      return table[i].format;
  return GG_FORMAT_UNKNOWN;
}

GgFormat
gg_format_from_filename (const gchar *filename)
{
  const gchar *dot;

  if (filename == NULL)
    return GG_FORMAT_UNKNOWN;
  dot = strrchr (filename, '.');
  if (dot == NULL || strchr (dot, G_DIR_SEPARATOR) != NULL)
    return GG_FORMAT_UNKNOWN;
  if (g_ascii_strcasecmp (dot, ".png") == 0)
    return GG_FORMAT_PNG;
  if (g_ascii_strcasecmp (dot, ".jpg") == 0 || g_ascii_strcasecmp (dot, ".jpeg") == 0)
    return GG_FORMAT_JPEG;
  if (g_ascii_strcasecmp (dot, ".webp") == 0)
    return GG_FORMAT_WEBP;
  return GG_FORMAT_UNKNOWN;
}

static const gchar *
format_name (GgFormat format)
{
  switch (format)
    {
    case GG_FORMAT_PNG:  return "PNG";
    case GG_FORMAT_JPEG: return "JPEG";
    case GG_FORMAT_WEBP: return "WebP";
    case GG_FORMAT_GIF:  return "GIF";
    case GG_FORMAT_HEIF: return "HEIF";
    case GG_FORMAT_UNKNOWN:
    default:             return "unknown";
    }
}

/* Header probes */

static guint32
be32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

static guint
be16 (const guint8 *p)
{
  return ((guint) p[0] << 8) | p[1];
}

static gboolean
probe_png (const guint8 *data, gsize len, gint *width, gint *height)
{
  guint32 w, h;

  /* Signature, then the IHDR chunk, which the format requires to be first. */
  if (len < 24 || be32 (data + 8) < 8 || memcmp (data + 12, "IHDR", 4) != 0)
    return FALSE;
  w = be32 (data + 16);
  h = be32 (data + 20);
  if (w == 0 || h == 0 || w > G_MAXINT || h > G_MAXINT)
    return FALSE;
  *width = (gint) w;
  *height = (gint) h;
  return TRUE;
}

/* Walks the marker segments up to the first SOFn; never decodes. */
static gboolean
probe_jpeg (const guint8 *data, gsize len, gint *width, gint *height)
{
  gsize pos = 2;

  while (pos + 4 <= len)
    {
      guint marker, seglen;

      if (data[pos] != 0xff)
        return FALSE;
      while (pos < len && data[pos] == 0xff)    /* fill bytes */
        pos++;
      if (pos >= len)
        return FALSE;
      marker = data[pos++];
      if (marker == 0xd8 || marker == 0x01 || (marker >= 0xd0 && marker <= 0xd7))
        continue;                               /* no length field */
      if (marker == 0xd9 || marker == 0xda)     /* EOI or scan before any SOF */
        return FALSE;
      if (pos + 2 > len)
        return FALSE;
      seglen = be16 (data + pos);
      if (seglen < 2)
        return FALSE;
      if (marker >= 0xc0 && marker <= 0xcf &&
          marker != 0xc4 && marker != 0xc8 && marker != 0xcc)
        {
          guint w, h;

          if (seglen < 7 || pos + 7 > len)
            return FALSE;
          h = be16 (data + pos + 3);
          w = be16 (data + pos + 5);
          if (w == 0 || h == 0)                 /* DNL-defined height: rare, refuse */
            return FALSE;
          *width = (gint) w;
          *height = (gint) h;
          return TRUE;
        }
      pos += seglen;
    }
  return FALSE;
}

gboolean
gg_image_probe (const guint8 *data,
                gsize         len,
                GgFormat     *format,
                gint         *width,
                gint         *height,
                GError      **error)
{
  GgFormat fmt = gg_image_sniff (data, len);
  gint     w = 0, h = 0;
  gboolean ok = FALSE;

  switch (fmt)
    {
    case GG_FORMAT_PNG:
      ok = probe_png (data, len, &w, &h);
      break;
    case GG_FORMAT_JPEG:
      ok = probe_jpeg (data, len, &w, &h);
      break;
    case GG_FORMAT_WEBP:
      /* Parses the RIFF/VP8 headers only. */
      ok = WebPGetInfo (data, len, &w, &h) != 0 && w > 0 && h > 0;
      break;
    case GG_FORMAT_GIF:
    case GG_FORMAT_HEIF:
      if (format)
        *format = fmt;
      g_set_error (error, GG_ERROR, GG_ERROR_IMAGE,
                   "%s images are not supported here; convert the image to PNG or JPEG.",
                   format_name (fmt));
      return FALSE;
    case GG_FORMAT_UNKNOWN:
    default:
      if (format)
        *format = fmt;
      g_set_error (error, GG_ERROR, GG_ERROR_IMAGE,
                   "The data is not a PNG, JPEG or WebP image.");
      return FALSE;
    }

  if (format)
    *format = fmt;
  if (! ok)
    {
      g_set_error (error, GG_ERROR, GG_ERROR_IMAGE,
                   "The %s image's header is truncated or corrupt.", format_name (fmt));
      return FALSE;
    }
  if (width)
    *width = w;
  if (height)
    *height = h;
  return TRUE;
}

/* PNG decoding (classic libpng API: full control over the conversions, and
 * 16-bit data is scaled, not reinterpreted as linear light). */

typedef struct
{
  const guint8 *data;
  gsize         len;
  gsize         pos;
  gchar         message[200];
} PngReader;

static void
png_read_mem (png_structp png, png_bytep out, png_size_t n)
{
  PngReader *reader = png_get_io_ptr (png);

  if (n > reader->len - reader->pos)
    png_error (png, "the data ends too early");
  memcpy (out, reader->data + reader->pos, n);
  reader->pos += n;
}

static void
png_error_cb (png_structp png, png_const_charp message)
{
  /* The error pointer is the caller's 200-byte message buffer: keep the
   * reason for the GError, then jump back to the caller's setjmp. */
  gchar *buf = png_get_error_ptr (png);

  g_strlcpy (buf, message, 200);
  png_longjmp (png, 1);
}

static void
png_warning_cb (png_structp png, png_const_charp message)
{
  /* Warnings (odd ancillary chunks, bad iCCP) must not reach stderr. */
}

/* Reads the header and sets the conversions: every PNG becomes 8-bit RGBA
 * rows of width * 4 bytes.  Shared by decoding and verifying, so that both
 * read (and refuse) exactly the same things.  Returns the interlace passes. */
static int
png_begin_read (png_structp png, png_infop info, PngReader *reader,
                png_uint_32 *w, png_uint_32 *h)
{
  int depth, color, passes;

  png_set_read_fn (png, reader, png_read_mem);
  /* Our own pixel limit was checked before; lift libpng's 1M-per-side one. */
  png_set_user_limits (png, 0x7fffffff, 0x7fffffff);
  png_read_info (png, info);
  png_get_IHDR (png, info, w, h, &depth, &color, NULL, NULL, NULL);

  /* Everything to 8-bit RGBA: palette and low-depth gray expand, tRNS
   * becomes alpha, 16-bit is rounded, gray is replicated, opaque gets 255. */
  png_set_expand (png);
  png_set_scale_16 (png);
  if (color == PNG_COLOR_TYPE_GRAY || color == PNG_COLOR_TYPE_GRAY_ALPHA)
    png_set_gray_to_rgb (png);
  png_set_add_alpha (png, 0xff, PNG_FILLER_AFTER);
  passes = png_set_interlace_handling (png);
  png_read_update_info (png, info);

  if (png_get_rowbytes (png, info) != (gsize) *w * RGBA)
    png_error (png, "unexpected row layout");
  return passes;
}

static GgRaster *
decode_png (const guint8 *data, gsize len, GError **error)
{
  PngReader         reader = { data, len, 0, "" };
  png_structp       png;
  png_infop         info = NULL;
  GgRaster *volatile raster = NULL;
  png_bytep *volatile rows = NULL;
  png_uint_32       w, h;

  png = png_create_read_struct (PNG_LIBPNG_VER_STRING, reader.message,
                                png_error_cb, png_warning_cb);
  if (png)
    info = png_create_info_struct (png);
  if (png == NULL || info == NULL)
    {
      png_destroy_read_struct (&png, NULL, NULL);
      g_set_error (error, GG_ERROR, GG_ERROR_IMAGE,
                   "There is not enough memory to decode the PNG image.");
      return NULL;
    }

  if (setjmp (png_jmpbuf (png)))
    {
      /* Everything allocated after setjmp is reachable from volatiles. */
      g_free (rows);
      gg_raster_free (raster);
      png_destroy_read_struct (&png, &info, NULL);
      g_set_error (error, GG_ERROR, GG_ERROR_IMAGE,
                   "The PNG image is truncated or corrupt (%s).", reader.message);
      return NULL;
    }

  png_begin_read (png, info, &reader, &w, &h);

  {
    GError *local = NULL;

    raster = gg_raster_new ((gint) w, (gint) h, &local);
    if (raster == NULL)
      {
        png_destroy_read_struct (&png, &info, NULL);
        g_propagate_error (error, local);
        return NULL;
      }
  }
  rows = g_try_new (png_bytep, h);
  if (rows == NULL)
    png_error (png, "out of memory");
  for (png_uint_32 y = 0; y < h; y++)
    rows[y] = raster->pixels + (gsize) y * w * RGBA;
  png_read_image (png, rows);
  png_read_end (png, NULL);

  g_free (rows);
  png_destroy_read_struct (&png, &info, NULL);
  return raster;
}

/* Verifying: the same reading, one row at a time into one buffer.  With
 * interlacing, libpng's own row combining writes each pass's pixels into
 * that row; the values are thrown away, only the reading matters. */
static gboolean
verify_png (const guint8 *data, gsize len, GError **error)
{
  PngReader         reader = { data, len, 0, "" };
  png_structp       png;
  png_infop         info = NULL;
  guint8 *volatile  row = NULL;
  png_uint_32       w, h;
  int               passes;

  png = png_create_read_struct (PNG_LIBPNG_VER_STRING, reader.message,
                                png_error_cb, png_warning_cb);
  if (png)
    info = png_create_info_struct (png);
  if (png == NULL || info == NULL)
    {
      png_destroy_read_struct (&png, NULL, NULL);
      g_set_error (error, GG_ERROR, GG_ERROR_IMAGE,
                   "There is not enough memory to decode the PNG image.");
      return FALSE;
    }
  if (setjmp (png_jmpbuf (png)))
    {
      g_free (row);
      png_destroy_read_struct (&png, &info, NULL);
      g_set_error (error, GG_ERROR, GG_ERROR_IMAGE,
                   "The PNG image is truncated or corrupt (%s).", reader.message);
      return FALSE;
    }

  passes = png_begin_read (png, info, &reader, &w, &h);
  row = g_try_malloc ((gsize) w * RGBA);
  if (row == NULL)
    png_error (png, "out of memory");
  for (int pass = 0; pass < passes; pass++)
    for (png_uint_32 y = 0; y < h; y++)
      png_read_row (png, row, NULL);
  png_read_end (png, NULL);

  g_free (row);
  png_destroy_read_struct (&png, &info, NULL);
  return TRUE;
}

/* JPEG decoding */

typedef struct
{
  struct jpeg_error_mgr pub;
  jmp_buf               jump;
  gchar                 message[JMSG_LENGTH_MAX];
} JpegError;

static void
jpeg_error_exit_cb (j_common_ptr cinfo)
{
  JpegError *err = (JpegError *) cinfo->err;

  err->pub.format_message (cinfo, err->message);
  longjmp (err->jump, 1);
}

static void
jpeg_emit_message_cb (j_common_ptr cinfo, int level)
{
  JpegError *err = (JpegError *) cinfo->err;

  /* libjpeg pads a truncated file with grey and only warns: for us a
   * half-grey answer is an error.  Other warnings (extraneous bytes) are
   * common in valid files and stay silent. */
  if (level < 0 && err->pub.msg_code == JWRN_JPEG_EOF)
    jpeg_error_exit_cb (cinfo);
  if (level < 0)
    err->pub.num_warnings++;
}

static void
jpeg_output_message_cb (j_common_ptr cinfo)
{
  /* Never print to stderr. */
}

static void
jpeg_error_init (JpegError *err)
{
  jpeg_std_error (&err->pub);
  err->pub.error_exit = jpeg_error_exit_cb;
  err->pub.emit_message = jpeg_emit_message_cb;
  err->pub.output_message = jpeg_output_message_cb;
  err->message[0] = '\0';
}

static GgRaster *
decode_jpeg (const guint8 *data, gsize len, GError **error)
{
  struct jpeg_decompress_struct cinfo;
  JpegError                     err;
  GgRaster *volatile            raster = NULL;
  guint8 *volatile              row = NULL;
  gboolean                      cmyk, inverted;

  memset (&cinfo, 0, sizeof cinfo);
  jpeg_error_init (&err);
  cinfo.err = &err.pub;
  if (setjmp (err.jump))
    {
      g_free (row);
      gg_raster_free (raster);
      jpeg_destroy_decompress (&cinfo);
      g_set_error (error, GG_ERROR, GG_ERROR_IMAGE,
                   "The JPEG image is truncated or corrupt (%s).", err.message);
      return NULL;
    }
  jpeg_create_decompress (&cinfo);
  jpeg_mem_src (&cinfo, data, (unsigned long) len);
  jpeg_read_header (&cinfo, TRUE);

  cmyk = cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK;
  /* Photoshop (and Pillow) write CMYK with inverted values, flagged by
   * the Adobe APP14 marker. */
  inverted = cmyk && cinfo.saw_Adobe_marker;
  cinfo.out_color_space = cmyk ? JCS_CMYK : JCS_EXT_RGBA;
  cinfo.dct_method = JDCT_ISLOW;
  jpeg_start_decompress (&cinfo);

  {
    GError *local = NULL;

    raster = gg_raster_new ((gint) cinfo.output_width, (gint) cinfo.output_height, &local);
    if (raster == NULL)
      {
        jpeg_destroy_decompress (&cinfo);
        g_propagate_error (error, local);
        return NULL;
      }
  }
  if (cmyk)
    row = g_try_malloc ((gsize) cinfo.output_width * 4);
  if (cmyk && row == NULL)
    ERREXIT (&cinfo, JERR_OUT_OF_MEMORY);

  while (cinfo.output_scanline < cinfo.output_height)
    {
      guint8  *dest = raster->pixels + (gsize) cinfo.output_scanline * raster->width * RGBA;
      JSAMPROW rowp = cmyk ? row : dest;

      jpeg_read_scanlines (&cinfo, &rowp, 1);
      if (cmyk)
        {
          /* A naive CMYK -> RGB without a profile: good enough for a
           * reference image, which is all a CMYK JPEG will be here. */
          for (guint x = 0; x < cinfo.output_width; x++)
            {
              guint c = row[x * 4], m = row[x * 4 + 1], yy = row[x * 4 + 2], k = row[x * 4 + 3];

              if (! inverted)
                {
                  c = 255 - c; m = 255 - m; yy = 255 - yy; k = 255 - k;
                }
              dest[x * 4]     = (guint8) ((c * k + 127) / 255);
              dest[x * 4 + 1] = (guint8) ((m * k + 127) / 255);
              dest[x * 4 + 2] = (guint8) ((yy * k + 127) / 255);
              dest[x * 4 + 3] = 255;
            }
        }
    }
  jpeg_finish_decompress (&cinfo);
  jpeg_destroy_decompress (&cinfo);
  g_free (row);
  return raster;
}

/* Verifying: the entropy-coded data is read in full (that is where damage
 * shows: bad Huffman codes, markers, truncation), one scanline at a time
 * into one row.  The pixel values are thrown away, so the fast integer
 * IDCT and plain upsampling do: they cannot fail where the exact ones
 * would not. */
static gboolean
verify_jpeg (const guint8 *data, gsize len, GError **error)
{
  struct jpeg_decompress_struct cinfo;
  JpegError                     err;
  guint8 *volatile              row = NULL;

  memset (&cinfo, 0, sizeof cinfo);
  jpeg_error_init (&err);
  cinfo.err = &err.pub;
  if (setjmp (err.jump))
    {
      g_free (row);
      jpeg_destroy_decompress (&cinfo);
      g_set_error (error, GG_ERROR, GG_ERROR_IMAGE,
                   "The JPEG image is truncated or corrupt (%s).", err.message);
      return FALSE;
    }
  jpeg_create_decompress (&cinfo);
  jpeg_mem_src (&cinfo, data, (unsigned long) len);
  jpeg_read_header (&cinfo, TRUE);
  /* The colour conversion decode_jpeg asks for, so that a colour space it
   * cannot convert is refused here too. */
  cinfo.out_color_space = cinfo.jpeg_color_space == JCS_CMYK ||
                          cinfo.jpeg_color_space == JCS_YCCK ? JCS_CMYK : JCS_EXT_RGBA;
  cinfo.dct_method = JDCT_IFAST;
  cinfo.do_fancy_upsampling = FALSE;
  jpeg_start_decompress (&cinfo);

  row = g_try_malloc ((gsize) cinfo.output_width * cinfo.output_components);
  if (row == NULL)
    ERREXIT (&cinfo, JERR_OUT_OF_MEMORY);
  while (cinfo.output_scanline < cinfo.output_height)
    {
      JSAMPROW rowp = row;

      jpeg_read_scanlines (&cinfo, &rowp, 1);
    }
  jpeg_finish_decompress (&cinfo);
  jpeg_destroy_decompress (&cinfo);
  g_free (row);
  return TRUE;
}

/* WebP decoding */

static GgRaster *
decode_webp (const guint8 *data, gsize len, gint width, gint height, GError **error)
{
  GgRaster *raster = gg_raster_new (width, height, error);

  if (raster == NULL)
    return NULL;
  /* Into our buffer, so allocation stays after the size check and on our
   * allocator. */
  if (WebPDecodeRGBAInto (data, len, raster->pixels,
                          raster_bytes (width, height), width * RGBA) == NULL)
    {
      gg_raster_free (raster);
      g_set_error (error, GG_ERROR, GG_ERROR_IMAGE,
                   "The WebP image is truncated, corrupt or animated.");
      return NULL;
    }
  return raster;
}

/* Verifying: libwebp has no row-by-row output for a whole buffer, so this
 * is a full decode, but to YUV 4:2:0 (1.5 bytes a pixel, not 4).  WebP is
 * an input format here; the model answers PNG or JPEG. */
static gboolean
verify_webp (const guint8 *data, gsize len, gint width, gint height, GError **error)
{
  gsize          ysize = (gsize) width * height;
  gint           uv_stride = (width + 1) / 2;
  gsize          uvsize = (gsize) uv_stride * ((height + 1) / 2);
  g_autofree guint8 *planes = g_try_malloc (ysize + 2 * uvsize);

  if (planes == NULL)
    {
      g_set_error (error, GG_ERROR, GG_ERROR_TOO_LARGE,
                   "There is not enough memory for an image of %d x %d pixels.",
                   width, height);
      return FALSE;
    }
  if (WebPDecodeYUVInto (data, len,
                         planes, ysize, width,
                         planes + ysize, uvsize, uv_stride,
                         planes + ysize + uvsize, uvsize, uv_stride) == NULL)
    {
      g_set_error (error, GG_ERROR, GG_ERROR_IMAGE,
                   "The WebP image is truncated, corrupt or animated.");
      return FALSE;
    }
  return TRUE;
}

/* The header, and the pixel limit (0: the default), before any pixel. */
static gboolean
probe_within_limit (const guint8 *data,
                    gsize         len,
                    gsize         max_pixels,
                    GgFormat     *format,
                    gint         *width,
                    gint         *height,
                    GError      **error)
{
  gsize pixels;

  if (! gg_image_probe (data, len, format, width, height, error))
    return FALSE;

  if (max_pixels == 0)
    max_pixels = GG_DEFAULT_MAX_PIXELS;
  pixels = (gsize) *width * (gsize) *height;   /* both < 2^31: no overflow in 64 bits */
  if (pixels > max_pixels || raster_bytes (*width, *height) == 0)
    {
      g_set_error (error, GG_ERROR, GG_ERROR_TOO_LARGE,
                   "The %s image is %d x %d pixels (%" G_GSIZE_FORMAT " pixels), "
                   "more than the limit of %" G_GSIZE_FORMAT " pixels.",
                   format_name (*format), *width, *height, pixels, max_pixels);
      return FALSE;
    }
  return TRUE;
}

/* Decodes; the caller frees with gg_raster_free (). */
GgRaster *
gg_image_decode (const guint8 *data,
                 gsize         len,
                 gsize         max_pixels,
                 GError      **error)
{
  GgFormat format;
  gint     width, height;

  if (! probe_within_limit (data, len, max_pixels, &format, &width, &height, error))
    return NULL;

  switch (format)
    {
    case GG_FORMAT_PNG:
      return decode_png (data, len, error);
    case GG_FORMAT_JPEG:
      return decode_jpeg (data, len, error);
    case GG_FORMAT_WEBP:
      return decode_webp (data, len, width, height, error);
    default:
      g_assert_not_reached ();
    }
  return NULL;
}

/* Checks the whole image without keeping its pixels: one row at a time for
 * PNG and JPEG (one row buffer, plus the codec's own state). */
gboolean
gg_image_verify (const guint8 *data,
                 gsize         len,
                 gsize         max_pixels,
                 GError      **error)
{
  GgFormat format;
  gint     width, height;

  if (! probe_within_limit (data, len, max_pixels, &format, &width, &height, error))
    return FALSE;

  switch (format)
    {
    case GG_FORMAT_PNG:
      return verify_png (data, len, error);
    case GG_FORMAT_JPEG:
      return verify_jpeg (data, len, error);
    case GG_FORMAT_WEBP:
      return verify_webp (data, len, width, height, error);
    default:
      g_assert_not_reached ();
    }
  return FALSE;
}

/* ---- Cheap checks: the structure, never the pixels ----------------------
 *
 * What a damaged or cut answer breaks, read at memory speed: for PNG every
 * chunk's length and CRC (the encoder's own checksum over its bytes: any
 * change in transit shows), the chunk order and the zlib header; for JPEG
 * every marker segment through EOI, the tables, the frame and the scans,
 * and the entropy-coded data's markers (only byte stuffing and restart
 * markers in order between them).  For PNG the first 256 KiB of the
 * deflate stream are inflated too (check_png_stream), with the rows'
 * filter bytes: garbage with a right CRC (a broken encoder, not transport)
 * fails there.  Not seen here: a deflate stream that an encoder broke
 * further in under right CRCs (a full inflate: ~0.3 s for a 4K noisy
 * PNG, 0.02 s here), and damage inside a JPEG's entropy-coded data, which has no
 * checksum: gg_image_save_bytes checks both completely on a second thread
 * while it writes the file. */

/* gg_image_check inflates this much of a PNG's image data: garbage in
 * place of a deflate stream fails in its first bytes. */
#define PNG_CHECK_HEAD ((gsize) 256 * 1024)

static gboolean
structure_error (GError **error, GgFormat format, const gchar *why)
{
  g_set_error (error, GG_ERROR, GG_ERROR_IMAGE,
               "The %s image is truncated or corrupt (%s).", format_name (format), why);
  return FALSE;
}

/* Bytes per row of a PNG's raw (filtered) data, without the filter byte. */
static gsize
png_row_bytes (guint32 width, guint depth, guint color)
{
  guint channels = color == 0 || color == 3 ? 1 : color == 4 ? 2 : color == 2 ? 3 : 4;

  return ((gsize) width * channels * depth + 7) / 8;
}

static gboolean
png_ihdr_valid (const guint8 *ihdr)
{
  guint depth = ihdr[8], color = ihdr[9];

  if (ihdr[10] != 0 || ihdr[11] != 0 || ihdr[12] > 1)
    return FALSE;
  switch (color)
    {
    case 0:  return depth == 1 || depth == 2 || depth == 4 || depth == 8 || depth == 16;
    case 3:  return depth == 1 || depth == 2 || depth == 4 || depth == 8;
    case 2: case 4: case 6:
             return depth == 8 || depth == 16;
    default: return FALSE;
    }
}

static gboolean
check_png_structure (const guint8 *data, gsize len, GError **error)
{
  gsize    pos = 8;
  gboolean seen_plte = FALSE, seen_idat = FALSE, idat_ended = FALSE;
  guint8   zhead[2];
  guint    n_zhead = 0;
  guint    color;

  if (len < 8 + 25 || be32 (data + 8) != 13 || memcmp (data + 12, "IHDR", 4) != 0)
    return structure_error (error, GG_FORMAT_PNG, "no IHDR chunk first");
  if (! png_ihdr_valid (data + 16))
    return structure_error (error, GG_FORMAT_PNG, "the IHDR chunk's depth, colour type or methods are invalid");
  color = data[16 + 9];

  while (TRUE)
    {
      guint32      length;
      const guint8 *type;

      if (len - pos < 12)
        return structure_error (error, GG_FORMAT_PNG, "no IEND chunk: the data ends too early");
      length = be32 (data + pos);
      type = data + pos + 4;
      if (length > 0x7fffffffu || len - pos - 12 < length)
        return structure_error (error, GG_FORMAT_PNG, "a chunk runs past the end of the data");
      for (guint k = 0; k < 4; k++)
        if (! g_ascii_isalpha (type[k]))
          return structure_error (error, GG_FORMAT_PNG, "a chunk's type is not four letters");
      if (libdeflate_crc32 (0, type, (gsize) length + 4) != be32 (type + 4 + length))
        {
          g_autofree gchar *why = g_strdup_printf ("the %.4s chunk fails its CRC", type);

          return structure_error (error, GG_FORMAT_PNG, why);
        }

      if (memcmp (type, "IDAT", 4) == 0)
        {
          if (idat_ended)
            return structure_error (error, GG_FORMAT_PNG, "the IDAT chunks are not consecutive");
          if (color == 3 && ! seen_plte)
            return structure_error (error, GG_FORMAT_PNG, "no PLTE chunk before the image data");
          seen_idat = TRUE;
          for (guint32 k = 0; k < length && n_zhead < 2; k++)
            zhead[n_zhead++] = type[4 + k];
        }
      else
        {
          if (seen_idat)
            idat_ended = TRUE;
          if (memcmp (type, "IEND", 4) == 0)
            break;
          if (memcmp (type, "PLTE", 4) == 0)
            {
              if (seen_idat || color == 0 || color == 4 || length == 0 || length % 3 != 0)
                return structure_error (error, GG_FORMAT_PNG, "a misplaced or invalid PLTE chunk");
              seen_plte = TRUE;
            }
          else if (memcmp (type, "IHDR", 4) == 0 && pos != 8)
            return structure_error (error, GG_FORMAT_PNG, "a second IHDR chunk");
          else if (! (type[0] & 0x20) && memcmp (type, "IHDR", 4) != 0)
            {
              g_autofree gchar *why = g_strdup_printf ("an unknown critical chunk, %.4s", type);

              return structure_error (error, GG_FORMAT_PNG, why);
            }
        }
      pos += 12 + (gsize) length;
    }

  if (! seen_idat)
    return structure_error (error, GG_FORMAT_PNG, "no image data (IDAT)");
  /* zlib: deflate, a window of at most 32 KiB, the header check, no preset
   * dictionary (RFC 1950). */
  if (n_zhead < 2 || (zhead[0] & 0x0f) != 8 || (zhead[0] >> 4) > 7
      || ((guint) zhead[0] << 8 | zhead[1]) % 31 != 0 || (zhead[1] & 0x20))
    return structure_error (error, GG_FORMAT_PNG, "the image data is not a zlib stream");
  return TRUE;
}

/* The deflate stream of a PNG whose structure passed, inflated into a
 * 256 KiB scratch buffer and thrown away: its Adler-32 checksum, its
 * length against the rows IHDR promises and every row's filter type.  What
 * libpng's decoding would refuse, without unfiltering or converting (about
 * 60 % of a decode's time, one scratch buffer of memory). */
static gboolean
check_png_stream (const guint8 *data, gsize len, gsize limit, GError **error)
{
  const guint8 *ihdr = data + 16;
  guint32       width = be32 (ihdr), height = be32 (ihdr + 4);
  guint         depth = ihdr[8], color = ihdr[9];
  gsize         row_bytes = png_row_bytes (width, depth, color) + 1;   /* with the filter byte */
  gsize         expected = 0, done = 0, pos = 8;
  gsize         next_filter = 0;                /* offset of the next filter byte */
  guint         pass = 0;
  gsize         pass_rows_left = 0;
  gboolean      interlaced = ihdr[12] == 1;
  gboolean      seen_idat = FALSE;
  z_stream      zs;
  int           ret = Z_OK;
  g_autofree guint8 *scratch = NULL;
  const gsize   scratch_size = 256 * 1024;
  /* Adam7: starting column and row, column and row steps of each pass. */
  static const guint8 a7[7][4] = { {0, 0, 8, 8}, {4, 0, 8, 8}, {0, 4, 4, 8}, {2, 0, 4, 4},
                                   {0, 2, 2, 4}, {1, 0, 2, 2}, {0, 1, 1, 2} };
  gsize         pass_row_bytes[7] = { 0 }, pass_rows[7] = { 0 };

  if (interlaced)
    {
      for (guint p = 0; p < 7; p++)
        {
          gsize cols = width > a7[p][0] ? (width - a7[p][0] + a7[p][2] - 1) / a7[p][2] : 0;
          gsize rows = height > a7[p][1] ? (height - a7[p][1] + a7[p][3] - 1) / a7[p][3] : 0;

          if (cols == 0 || rows == 0)
            continue;
          pass_rows[p] = rows;
          pass_row_bytes[p] = png_row_bytes ((guint32) cols, depth, color) + 1;
          expected += rows * pass_row_bytes[p];
        }
      while (pass < 7 && pass_rows[pass] == 0)
        pass++;
      pass_rows_left = pass < 7 ? pass_rows[pass] : 0;
      row_bytes = pass < 7 ? pass_row_bytes[pass] : 1;
    }
  else
    expected = row_bytes * height;

  scratch = g_try_malloc (scratch_size);
  memset (&zs, 0, sizeof zs);
  if (scratch == NULL || inflateInit (&zs) != Z_OK)
    return structure_error (error, GG_FORMAT_PNG, "out of memory");

  while (ret != Z_STREAM_END)
    {
      guint32 length = be32 (data + pos);

      /* check_png_structure passed: chunks lie within the data, the IDAT
       * run is consecutive and IEND ends the walk. */
      if (memcmp (data + pos + 4, "IDAT", 4) != 0)
        {
          if (seen_idat || memcmp (data + pos + 4, "IEND", 4) == 0)
            break;
          pos += 12 + (gsize) length;
          continue;
        }
      seen_idat = TRUE;
      zs.next_in = (Bytef *) data + pos + 8;
      zs.avail_in = length;
      while (zs.avail_in > 0 && ret != Z_STREAM_END)
        {
          gsize got;

          zs.next_out = scratch;
          zs.avail_out = (uInt) scratch_size;
          ret = inflate (&zs, Z_NO_FLUSH);
          if (ret != Z_OK && ret != Z_STREAM_END && ret != Z_BUF_ERROR)
            {
              inflateEnd (&zs);
              return structure_error (error, GG_FORMAT_PNG,
                                      ret == Z_DATA_ERROR ? "the compressed image data is corrupt"
                                                          : "the compressed image data cannot be read");
            }
          got = scratch_size - zs.avail_out;
          if (got > expected - done)
            {
              inflateEnd (&zs);
              return structure_error (error, GG_FORMAT_PNG, "more image data than the size needs");
            }
          /* Every row's first byte: its filter type, 0-4. */
          while (next_filter < done + got)
            {
              if (scratch[next_filter - done] > 4)
                {
                  inflateEnd (&zs);
                  return structure_error (error, GG_FORMAT_PNG, "a row has an unknown filter type");
                }
              next_filter += row_bytes;
              if (interlaced && --pass_rows_left == 0)
                {
                  for (pass++; pass < 7 && pass_rows[pass] == 0; pass++)
                    ;
                  pass_rows_left = pass < 7 ? pass_rows[pass] : 0;
                  row_bytes = pass < 7 ? pass_row_bytes[pass] : expected;
                }
            }
          done += got;
          if (done >= limit)
            {
              inflateEnd (&zs);
              return TRUE;
            }
          if (ret == Z_BUF_ERROR && got == 0)
            break;                              /* needs the next chunk */
        }
      pos += 12 + (gsize) length;
    }
  inflateEnd (&zs);
  if (ret != Z_STREAM_END || done != expected)
    return structure_error (error, GG_FORMAT_PNG, "the compressed image data ends too early");
  return TRUE;
}

/* JPEG: the marker segments from SOI to EOI. */
static gboolean
check_jpeg_structure (const guint8 *data, gsize len, GError **error)
{
  gsize    pos = 2;
  guint    qt_defined = 0;                     /* bit per quantisation table */
  guint8   comp_id[4], comp_qt[4];
  guint    n_comp = 0, restart = 0, scans = 0;
  gboolean frame = FALSE;

  while (TRUE)
    {
      guint marker, seglen;
      const guint8 *seg;

      if (pos >= len || data[pos] != 0xff)
        return structure_error (error, GG_FORMAT_JPEG,
                                pos >= len ? "no EOI marker: the data ends too early"
                                           : "bytes between marker segments");
      while (pos < len && data[pos] == 0xff)
        pos++;
      if (pos >= len)
        return structure_error (error, GG_FORMAT_JPEG, "no EOI marker: the data ends too early");
      marker = data[pos++];
      if (marker == 0xd9)
        {
          if (! frame || scans == 0)
            return structure_error (error, GG_FORMAT_JPEG, "no frame or no scan before EOI");
          return TRUE;
        }
      if (marker == 0x00 || marker == 0x01 || marker == 0xd8 || (marker >= 0xd0 && marker <= 0xd7))
        return structure_error (error, GG_FORMAT_JPEG, "a marker out of place");
      if (len - pos < 2)
        return structure_error (error, GG_FORMAT_JPEG, "no EOI marker: the data ends too early");
      seglen = be16 (data + pos);
      if (seglen < 2 || len - pos < seglen)
        return structure_error (error, GG_FORMAT_JPEG,
                                seglen < 2 ? "a marker segment's length is invalid"
                                           : "a marker segment runs past the end of the data");
      seg = data + pos + 2;
      seglen -= 2;

      if (marker == 0xdb)                        /* DQT */
        {
          for (guint k = 0; k < seglen; )
            {
              guint pq = seg[k] >> 4, tq = seg[k] & 15, size = pq ? 129 : 65;

              if (pq > 1 || tq > 3 || seglen - k < size)
                return structure_error (error, GG_FORMAT_JPEG, "an invalid quantisation table");
              qt_defined |= 1u << tq;
              k += size;
            }
        }
      else if (marker == 0xc4)                   /* DHT */
        {
          for (guint k = 0; k < seglen; )
            {
              guint count = 0;

              if (seglen - k < 17 || (seg[k] >> 4) > 1 || (seg[k] & 15) > 3)
                return structure_error (error, GG_FORMAT_JPEG, "an invalid Huffman table");
              for (guint b = 1; b <= 16; b++)
                count += seg[k + b];
              if (count > 256 || seglen - k - 17 < count)
                return structure_error (error, GG_FORMAT_JPEG, "an invalid Huffman table");
              k += 17 + count;
            }
        }
      else if (marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc)
        {                                        /* SOFn */
          if (marker != 0xc0 && marker != 0xc1 && marker != 0xc2 && marker != 0xc9 && marker != 0xca)
            return structure_error (error, GG_FORMAT_JPEG, "a lossless or hierarchical JPEG, which is not supported");
          if (frame)
            return structure_error (error, GG_FORMAT_JPEG, "a second frame header");
          if (seglen < 6 || seg[0] != 8)
            return structure_error (error, GG_FORMAT_JPEG, "an invalid frame header or a precision other than 8 bits");
          n_comp = seg[5];
          if ((n_comp != 1 && n_comp != 3 && n_comp != 4) || seglen != 6 + 3 * n_comp)
            return structure_error (error, GG_FORMAT_JPEG, "an invalid frame header");
          for (guint c = 0; c < n_comp; c++)
            {
              const guint8 *cs = seg + 6 + 3 * c;

              if ((cs[1] >> 4) < 1 || (cs[1] >> 4) > 4 || (cs[1] & 15) < 1 || (cs[1] & 15) > 4 || cs[2] > 3)
                return structure_error (error, GG_FORMAT_JPEG, "an invalid frame header");
              comp_id[c] = cs[0];
              comp_qt[c] = cs[2];
            }
          frame = TRUE;
        }
      else if (marker == 0xdd)                   /* DRI */
        {
          if (seglen != 2)
            return structure_error (error, GG_FORMAT_JPEG, "an invalid restart interval");
          restart = be16 (seg);
        }
      else if (marker == 0xdc)
        return structure_error (error, GG_FORMAT_JPEG, "a DNL marker, which is not supported");
      else if (marker == 0xda)                   /* SOS, then the entropy-coded data */
        {
          guint ns = seglen > 0 ? seg[0] : 0;
          guint rst = 0;
          gsize at;

          if (! frame)
            return structure_error (error, GG_FORMAT_JPEG, "a scan before the frame header");
          if (ns < 1 || ns > 4 || seglen != 4 + 2 * ns)
            return structure_error (error, GG_FORMAT_JPEG, "an invalid scan header");
          for (guint s = 0; s < ns; s++)
            {
              guint c;

              for (c = 0; c < n_comp && comp_id[c] != seg[1 + 2 * s]; c++)
                ;
              if (c == n_comp || (seg[2 + 2 * s] >> 4) > 3 || (seg[2 + 2 * s] & 15) > 3)
                return structure_error (error, GG_FORMAT_JPEG, "a scan names a component the frame lacks");
              if (! (qt_defined & (1u << comp_qt[c])))
                return structure_error (error, GG_FORMAT_JPEG, "a quantisation table is used before it is defined");
            }
          scans++;
          /* The entropy-coded data: 0xFF only as FF 00 (a stuffed byte),
           * FF D0-D7 (restart markers, in order when an interval is set),
           * fill bytes, or the marker that ends it. */
          at = pos + 2 + seglen;
          while (TRUE)
            {
              const guint8 *ff = memchr (data + at, 0xff, len - at);
              guint next;

              if (ff == NULL)
                return structure_error (error, GG_FORMAT_JPEG, "no EOI marker: the data ends too early");
              at = (gsize) (ff - data) + 1;
              while (at < len && data[at] == 0xff)
                at++;
              if (at >= len)
                return structure_error (error, GG_FORMAT_JPEG, "no EOI marker: the data ends too early");
              next = data[at];
              if (next == 0x00)
                {
                  at++;
                  continue;
                }
              if (next >= 0xd0 && next <= 0xd7)
                {
                  if (restart != 0 && next != 0xd0 + rst)
                    return structure_error (error, GG_FORMAT_JPEG, "restart markers out of order");
                  rst = (rst + 1) & 7;
                  at++;
                  continue;
                }
              pos = at - 1;                      /* the marker's 0xFF */
              break;
            }
          continue;
        }
      /* APPn, COM and the rest: their bytes are the segment's. */
      pos += 2 + seglen;
    }
}

gboolean
gg_image_check (const guint8 *data,
                gsize         len,
                gsize         max_pixels,
                GError      **error)
{
  GgFormat format;
  gint     width, height;

  if (! probe_within_limit (data, len, max_pixels, &format, &width, &height, error))
    return FALSE;
  switch (format)
    {
    case GG_FORMAT_PNG:
      return check_png_structure (data, len, error)
             && check_png_stream (data, len, PNG_CHECK_HEAD, error);
    case GG_FORMAT_JPEG:
      return check_jpeg_structure (data, len, error);
    case GG_FORMAT_WEBP:
      return verify_webp (data, len, width, height, error);
    default:
      g_assert_not_reached ();
    }
  return FALSE;
}

/* PNG encoding: the rows filtered with "Up" (each byte minus the one
 * above: photos and renders compress about as well as with libpng's
 * adaptive choice) and compressed in one call by libdeflate.  Measured on
 * a 4096x4096 photo-like answer (JPEG decoded): libpng + zlib level 6
 * took 8.1 s for 10.4 MB, this (level 2) 0.36 s for 10.1 MB.  The chunks
 * are written here: signature, IHDR, sRGB, IDAT in 1 MiB pieces, IEND. */

static void
png_put_chunk (GByteArray *out, const gchar *type, const guint8 *data, gsize len)
{
  guint8  head[8], tail[4];
  guint32 crc;

  head[0] = (guint8) (len >> 24); head[1] = (guint8) (len >> 16);
  head[2] = (guint8) (len >> 8);  head[3] = (guint8) len;
  memcpy (head + 4, type, 4);
  crc = libdeflate_crc32 (0, head + 4, 4);
  if (len > 0)                                  /* (NULL, 0) would restart it */
    crc = libdeflate_crc32 (crc, data, len);
  tail[0] = (guint8) (crc >> 24); tail[1] = (guint8) (crc >> 16);
  tail[2] = (guint8) (crc >> 8);  tail[3] = (guint8) crc;
  g_byte_array_append (out, head, 8);
  if (len > 0)
    g_byte_array_append (out, data, (guint) len);
  g_byte_array_append (out, tail, 4);
}

/* zlib's levels (0-9) to libdeflate's: its level 2 compresses a photo
 * like zlib's 6, in a twentieth of the time. */
static gint
deflate_level (gint level)
{
  static const gint map[10] = { 0, 1, 2, 2, 2, 2, 2, 4, 4, 6 };

  return map[CLAMP (level, 0, 9)];
}

/* Returns new bytes (g_bytes_unref).  A fully opaque raster is written as
 * RGB: about a quarter smaller, and the same pixels. */
GBytes *
gg_image_encode_png (const GgRaster *raster, gint level, GError **error)
{
  static const guint8 signature[8] = { 0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a };
  struct libdeflate_compressor *compressor;
  gboolean           alpha;
  guint              bpp;
  gsize              row_bytes, raw_size, bound, packed;
  g_autofree guint8 *raw = NULL;
  g_autofree guint8 *z = NULL;
  GByteArray        *out;
  guint8             ihdr[13];
  const guint8       srgb = 0;                  /* perceptual intent */

  g_return_val_if_fail (raster != NULL && raster->pixels != NULL, NULL);

  alpha = gg_raster_has_alpha (raster);
  bpp = alpha ? 4 : 3;
  row_bytes = (gsize) raster->width * bpp + 1;
  raw_size = row_bytes * (gsize) raster->height;
  compressor = libdeflate_alloc_compressor (deflate_level (level));
  raw = g_try_malloc (raw_size);
  bound = compressor ? libdeflate_zlib_compress_bound (compressor, raw_size) : 0;
  z = raw && compressor ? g_try_malloc (bound) : NULL;
  if (z == NULL)
    {
      if (compressor)
        libdeflate_free_compressor (compressor);
      g_set_error (error, GG_ERROR, GG_ERROR_TOO_LARGE,
                   "There is not enough memory to encode a PNG image of %d x %d pixels.",
                   raster->width, raster->height);
      return NULL;
    }

  for (gint y = 0; y < raster->height; y++)
    {
      const guint8 *cur = raster->pixels + (gsize) y * raster->width * RGBA;
      const guint8 *up = y > 0 ? cur - (gsize) raster->width * RGBA : NULL;
      guint8       *o = raw + (gsize) y * row_bytes;

      *o++ = up ? 2 : 0;                        /* Up; None on the first row */
      if (alpha)
        {
          if (up)
            for (gsize i = 0; i < (gsize) raster->width * 4; i++)
              o[i] = (guint8) (cur[i] - up[i]);
          else
            memcpy (o, cur, (gsize) raster->width * 4);
        }
      else
        for (gint x = 0; x < raster->width; x++, o += 3, cur += 4)
          {
            o[0] = (guint8) (cur[0] - (up ? up[x * 4] : 0));
            o[1] = (guint8) (cur[1] - (up ? up[x * 4 + 1] : 0));
            o[2] = (guint8) (cur[2] - (up ? up[x * 4 + 2] : 0));
          }
    }
  packed = libdeflate_zlib_compress (compressor, raw, raw_size, z, bound);
  libdeflate_free_compressor (compressor);
  g_clear_pointer (&raw, g_free);
  if (packed == 0)
    {
      g_set_error (error, GG_ERROR, GG_ERROR_IMAGE,
                   "The PNG image could not be encoded (the compressor's output did not fit).");
      return NULL;
    }

  out = g_byte_array_sized_new ((guint) MIN (packed + 1024, G_MAXUINT));
  g_byte_array_append (out, signature, 8);
  ihdr[0] = (guint8) (raster->width >> 24);  ihdr[1] = (guint8) (raster->width >> 16);
  ihdr[2] = (guint8) (raster->width >> 8);   ihdr[3] = (guint8) raster->width;
  ihdr[4] = (guint8) (raster->height >> 24); ihdr[5] = (guint8) (raster->height >> 16);
  ihdr[6] = (guint8) (raster->height >> 8);  ihdr[7] = (guint8) raster->height;
  ihdr[8] = 8;                                  /* bit depth */
  ihdr[9] = alpha ? 6 : 2;                      /* RGBA or RGB */
  ihdr[10] = ihdr[11] = ihdr[12] = 0;           /* deflate, adaptive filters, no interlace */
  png_put_chunk (out, "IHDR", ihdr, 13);
  png_put_chunk (out, "sRGB", &srgb, 1);
  for (gsize at = 0; at < packed; at += (gsize) 1 << 20)
    png_put_chunk (out, "IDAT", z + at, MIN (packed - at, (gsize) 1 << 20));
  png_put_chunk (out, "IEND", NULL, 0);
  return g_byte_array_free_to_bytes (out);
}

/* JPEG encoding: our own destination manager over a GByteArray, because
 * jpeg_mem_dest's buffer leaks when an error jumps out mid-write. */

#define JPEG_CHUNK 65536

typedef struct
{
  struct jpeg_destination_mgr pub;
  GByteArray                 *out;
} JpegDest;

static void
jpeg_dest_init (j_compress_ptr cinfo)
{
  JpegDest *dest = (JpegDest *) cinfo->dest;

  g_byte_array_set_size (dest->out, JPEG_CHUNK);
  dest->pub.next_output_byte = dest->out->data;
  dest->pub.free_in_buffer = JPEG_CHUNK;
}

static boolean
jpeg_dest_empty (j_compress_ptr cinfo)
{
  JpegDest *dest = (JpegDest *) cinfo->dest;
  guint     used = dest->out->len;   /* the whole buffer is full */

  g_byte_array_set_size (dest->out, used * 2);
  dest->pub.next_output_byte = dest->out->data + used;
  dest->pub.free_in_buffer = dest->out->len - used;
  return TRUE;
}

static void
jpeg_dest_term (j_compress_ptr cinfo)
{
  JpegDest *dest = (JpegDest *) cinfo->dest;

  g_byte_array_set_size (dest->out, dest->out->len - (guint) dest->pub.free_in_buffer);
}

/* Returns new bytes (g_bytes_unref).  Alpha is dropped (JPEG has none). */
GBytes *
gg_image_encode_jpeg (const GgRaster *raster, gint quality, GError **error)
{
  struct jpeg_compress_struct cinfo;
  JpegError                   err;
  JpegDest                    dest;

  g_return_val_if_fail (raster != NULL && raster->pixels != NULL, NULL);

  memset (&cinfo, 0, sizeof cinfo);
  memset (&dest, 0, sizeof dest);
  dest.out = g_byte_array_new ();
  jpeg_error_init (&err);
  cinfo.err = &err.pub;
  if (setjmp (err.jump))
    {
      jpeg_destroy_compress (&cinfo);
      g_byte_array_unref (dest.out);
      g_set_error (error, GG_ERROR, GG_ERROR_IMAGE,
                   "The JPEG image could not be encoded (%s).", err.message);
      return NULL;
    }
  jpeg_create_compress (&cinfo);
  dest.pub.init_destination = jpeg_dest_init;
  dest.pub.empty_output_buffer = jpeg_dest_empty;
  dest.pub.term_destination = jpeg_dest_term;
  cinfo.dest = &dest.pub;

  cinfo.image_width = (JDIMENSION) raster->width;
  cinfo.image_height = (JDIMENSION) raster->height;
  cinfo.input_components = 4;
  cinfo.in_color_space = JCS_EXT_RGBX;     /* reads RGBA rows, ignores A */
  jpeg_set_defaults (&cinfo);
  jpeg_set_quality (&cinfo, CLAMP (quality, 1, 100), TRUE);
  /* Huffman optimisation costs a second pass for ~5 % of size: not worth
   * it for an upload.  4:2:0 chroma, as every camera and the model do. */
  cinfo.optimize_coding = FALSE;
  cinfo.comp_info[0].h_samp_factor = 2;
  cinfo.comp_info[0].v_samp_factor = 2;
  cinfo.comp_info[1].h_samp_factor = cinfo.comp_info[1].v_samp_factor = 1;
  cinfo.comp_info[2].h_samp_factor = cinfo.comp_info[2].v_samp_factor = 1;
  cinfo.dct_method = JDCT_ISLOW;

  jpeg_start_compress (&cinfo, TRUE);
  while (cinfo.next_scanline < cinfo.image_height)
    {
      JSAMPROW row = raster->pixels + (gsize) cinfo.next_scanline * raster->width * RGBA;

      jpeg_write_scanlines (&cinfo, &row, 1);
    }
  jpeg_finish_compress (&cinfo);
  jpeg_destroy_compress (&cinfo);
  return g_byte_array_free_to_bytes (dest.out);
}

/* Returns new bytes (g_bytes_unref).  quality >= 100: lossless. */
GBytes *
gg_image_encode_webp (const GgRaster *raster, gint quality, GError **error)
{
  guint8 *out = NULL;
  size_t  size;
  GBytes *bytes;

  g_return_val_if_fail (raster != NULL && raster->pixels != NULL, NULL);

  /* libwebp's limit is 16383 per side. */
  if (raster->width > WEBP_MAX_DIMENSION || raster->height > WEBP_MAX_DIMENSION)
    {
      g_set_error (error, GG_ERROR, GG_ERROR_TOO_LARGE,
                   "WebP cannot hold an image of %d x %d pixels (at most %d per side); "
                   "save it as PNG or JPEG.",
                   raster->width, raster->height, WEBP_MAX_DIMENSION);
      return NULL;
    }
  if (quality >= 100)
    size = WebPEncodeLosslessRGBA (raster->pixels, raster->width, raster->height,
                                   raster->width * RGBA, &out);
  else
    size = WebPEncodeRGBA (raster->pixels, raster->width, raster->height,
                           raster->width * RGBA, (float) CLAMP (quality, 0, 100), &out);
  if (size == 0 || out == NULL)
    {
      WebPFree (out);
      g_set_error (error, GG_ERROR, GG_ERROR_IMAGE,
                   "The WebP image could not be encoded.");
      return NULL;
    }
  bytes = g_bytes_new (out, size);
  WebPFree (out);
  return bytes;
}

/* Defaults: PNG level 6 (zlib's own balance), JPEG 92 (no visible loss,
 * half the size of 100), WebP 90 lossy. */
GBytes *
gg_image_encode (const GgRaster *raster, GgFormat format, GError **error)
{
  switch (format)
    {
    case GG_FORMAT_PNG:
      return gg_image_encode_png (raster, 6, error);
    case GG_FORMAT_JPEG:
      return gg_image_encode_jpeg (raster, 92, error);
    case GG_FORMAT_WEBP:
      return gg_image_encode_webp (raster, 90, error);
    default:
      g_set_error (error, GG_ERROR, GG_ERROR_IMAGE,
                   "Images can only be written as PNG, JPEG or WebP, not %s.",
                   format_name (format));
      return NULL;
    }
}

/* Files */

/* Loads and decodes; the caller frees with gg_raster_free (). */
GgRaster *
gg_image_load (const gchar *filename, gsize max_pixels, GError **error)
{
  g_autoptr(GError) local = NULL;
  g_autofree gchar *contents = NULL;
  g_autofree gchar *display = NULL;
  gsize             len = 0;
  GgRaster         *raster;

  g_return_val_if_fail (filename != NULL, NULL);
  display = g_filename_display_name (filename);
  if (! g_file_get_contents (filename, &contents, &len, &local))
    {
      g_set_error (error, GG_ERROR, GG_ERROR_IO,
                   "Could not read %s: %s.", display, local->message);
      return NULL;
    }
  raster = gg_image_decode ((const guint8 *) contents, len, max_pixels, &local);
  if (raster == NULL)
    g_set_error (error, GG_ERROR, local->code, "%s: %s", display, local->message);
  return raster;
}

static gboolean
write_atomically (const gchar *filename, const guint8 *data, gsize len, GError **error)
{
  g_autoptr(GError) local = NULL;

  /* g_file_set_contents writes a temporary file and renames it over. */
  if (! g_file_set_contents (filename, (const gchar *) data, (gssize) len, &local))
    {
      g_autofree gchar *display = g_filename_display_name (filename);

      g_set_error (error, GG_ERROR, GG_ERROR_IO,
                   "Could not write %s: %s.", display, local->message);
      return FALSE;
    }
  return TRUE;
}

static GgFormat
save_format (const gchar *filename)
{
  GgFormat format = gg_format_from_filename (filename);

  return format == GG_FORMAT_UNKNOWN ? GG_FORMAT_PNG : format;
}

gboolean
gg_image_save (const GgRaster *raster, const gchar *filename, GError **error)
{
  g_autoptr(GBytes) bytes = NULL;
  gsize             len;
  const guint8     *data;

  g_return_val_if_fail (raster != NULL && filename != NULL, FALSE);
  bytes = gg_image_encode (raster, save_format (filename), error);
  if (bytes == NULL)
    return FALSE;
  data = g_bytes_get_data (bytes, &len);
  return write_atomically (filename, data, len, error);
}

/* A JPEG's entropy-coded data read through (verify_jpeg) on a thread of
 * its own. */
typedef struct
{
  const guint8 *data;
  gsize         len;
  GgFormat      format;
  GError       *error;
} DeepCheck;

/* The part of the check that gg_image_check leaves out, on its own thread:
 * a JPEG's entropy-coded data read through (verify_jpeg); a PNG's whole
 * deflate stream inflated (check_png_stream without a limit: its
 * Adler-32, its length and every row's filter byte), so that a stream an
 * encoder broke deep in under right CRCs is refused too (issue 17). */
static gpointer
deep_check_thread (gpointer user_data)
{
  DeepCheck *check = user_data;

  if (check->format == GG_FORMAT_PNG)
    check_png_stream (check->data, check->len, G_MAXSIZE, &check->error);
  else
    verify_jpeg (check->data, check->len, &check->error);
  return NULL;
}

/* Writes @data to a temporary file beside @filename while @check runs on a
 * second thread, and renames it over @filename only when both succeeded:
 * the check's time hides behind the write's (or the other way round).  The
 * temporary file is made like g_file_set_contents makes it (mode 0666
 * under the umask); no fsync, as there. */
static gboolean
write_while_checking (const gchar *filename,
                      const guint8 *data,
                      gsize         len,
                      DeepCheck    *check,
                      GError      **error)
{
  g_autofree gchar *tmp = g_strconcat (filename, ".XXXXXX", NULL);
  GThread          *thread;
  gint              fd, saved_errno = 0;
  gboolean          written = TRUE;

  thread = g_thread_try_new ("gg-image-check", deep_check_thread, check, NULL);
  if (thread == NULL)
    deep_check_thread (check);
  fd = g_mkstemp_full (tmp, O_WRONLY | O_CLOEXEC, 0666);
  if (fd < 0)
    {
      saved_errno = errno;
      written = FALSE;
    }
  else
    {
      gsize off = 0;

      while (off < len)
        {
          gssize n = write (fd, data + off, MIN (len - off, (gsize) 1 << 30));

          if (n < 0 && errno == EINTR)
            continue;
          if (n <= 0)
            {
              saved_errno = n < 0 ? errno : EIO;
              written = FALSE;
              break;
            }
          off += (gsize) n;
        }
      if (close (fd) != 0 && written)
        {
          saved_errno = errno;
          written = FALSE;
        }
    }
  if (thread != NULL)
    g_thread_join (thread);

  if (written && check->error == NULL)
    {
      if (g_rename (tmp, filename) == 0)
        return TRUE;
      saved_errno = errno;
      written = FALSE;
    }
  if (fd >= 0)
    g_unlink (tmp);
  if (check->error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&check->error));
      return FALSE;
    }
  {
    g_autofree gchar *display = g_filename_display_name (filename);

    g_set_error (error, GG_ERROR, GG_ERROR_IO, "Could not write %s: %s.",
                 display, g_strerror (saved_errno));
  }
  return FALSE;
}

gboolean
gg_image_save_bytes (GBytes       *bytes,
                     const gchar  *filename,
                     gsize         max_pixels,
                     GError      **error)
{
  g_autoptr(GgRaster) raster = NULL;
  GgFormat            target;
  gsize               len;
  const guint8       *data;

  g_return_val_if_fail (bytes != NULL && filename != NULL, FALSE);
  data = g_bytes_get_data (bytes, &len);
  target = save_format (filename);
  /* As received: no generation loss, and the model's own metadata kept.
   * Checked without decoding first (gg_image_check).  A PNG's CRCs cover
   * every byte, so that check is complete against damage in transit, but
   * not against an encoder's broken deflate stream under right CRCs: the
   * whole stream is inflated on a second thread while the file is written
   * (4K noisy PNG: ~0.3 s, longer than the write's ~0.05 s: the price of
   * a complete check, tests/bench/save.c); a JPEG has no checksum over
   * its entropy-coded data, so that is read through the same way (4K:
   * 0.03 s).  On failure the file is not written (the temporary one is
   * removed). */
  if (gg_image_sniff (data, len) == target)
    {
      DeepCheck check = { data, len, target, NULL };

      if (! gg_image_check (data, len, max_pixels, error))
        return FALSE;
      if (target != GG_FORMAT_JPEG && target != GG_FORMAT_PNG)
        return write_atomically (filename, data, len, error);
      return write_while_checking (filename, data, len, &check, error);
    }

  raster = gg_image_decode (data, len, max_pixels, error);
  if (raster == NULL)
    return FALSE;
  return gg_image_save (raster, filename, error);
}
