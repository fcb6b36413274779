/* test-image.c: sniffing, probing, decoding, encoding, files. */
#include "gg-test-util.h"
#include "gg-error.h"
#include "gg-image.h"
#include "gg-region.h"

#include <math.h>
#include <string.h>

/* A smooth, photo-like RGBA test picture (JPEG-friendly). */
static GgRaster *
make_picture (gint w, gint h, gboolean with_alpha)
{
  g_autoptr(GError) error = NULL;
  GgRaster *r = gg_raster_new (w, h, &error);

  g_assert_no_error (error);
  for (gint y = 0; y < h; y++)
    for (gint x = 0; x < w; x++)
      {
        guint8 *p = r->pixels + ((gsize) y * w + x) * 4;

        p[0] = (guint8) (128 + 100 * sin (x * 0.05) * cos (y * 0.03));
        p[1] = (guint8) (255.0 * x / w);
        p[2] = (guint8) (128 + 90 * sin ((x + y) * 0.02));
        p[3] = with_alpha ? (guint8) ((x * 7 + y * 3) & 0xff) : 255;
      }
  return r;
}

/* Noise: incompressible, and any off-by-one shows. */
static GgRaster *
make_noise (gint w, gint h, gboolean with_alpha)
{
  GgRaster *r = gg_raster_new (w, h, NULL);
  GRand    *rand = g_rand_new_with_seed (42);

  for (gsize i = 0; i < (gsize) w * h * 4; i++)
    r->pixels[i] = (guint8) g_rand_int_range (rand, 0, 256);
  if (! with_alpha)
    for (gsize i = 0; i < (gsize) w * h; i++)
      r->pixels[i * 4 + 3] = 255;
  g_rand_free (rand);
  return r;
}

static gdouble
psnr_rgb (const GgRaster *a, const GgRaster *b)
{
  gdouble se = 0;
  gsize   n = (gsize) a->width * a->height;

  g_assert_cmpint (a->width, ==, b->width);
  g_assert_cmpint (a->height, ==, b->height);
  for (gsize i = 0; i < n; i++)
    for (gint c = 0; c < 3; c++)
      {
        gdouble d = (gdouble) a->pixels[i * 4 + c] - b->pixels[i * 4 + c];

        se += d * d;
      }
  if (se == 0)
    return 99.0;
  return 10 * log10 (255.0 * 255.0 / (se / (n * 3)));
}

static void
assert_pixel (const GgRaster *r, gint x, gint y, gint cr, gint cg, gint cb, gint ca, gint tol)
{
  const guint8 *p = r->pixels + ((gsize) y * r->width + x) * 4;

  if (ABS (p[0] - cr) > tol || ABS (p[1] - cg) > tol || ABS (p[2] - cb) > tol ||
      ABS (p[3] - ca) > tol)
    g_error ("pixel (%d,%d) is %d %d %d %d, expected %d %d %d %d (+-%d)",
             x, y, p[0], p[1], p[2], p[3], cr, cg, cb, ca, tol);
}

static GgRaster *
decode_fixture (const gchar *name)
{
  g_autofree gchar *path = g_build_filename ("images", name, NULL);
  g_autoptr(GBytes) bytes = gg_test_data (path);
  g_autoptr(GError) error = NULL;
  gsize             len;
  const guint8     *data = g_bytes_get_data (bytes, &len);
  GgRaster         *r = gg_image_decode (data, len, 0, &error);

  g_assert_no_error (error);
  g_assert_nonnull (r);
  return r;
}

/* Sniffing and names */

static void
test_sniff (void)
{
  static const guint8 png[] = { 0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a, 0 };
  static const guint8 jpeg[] = { 0xff, 0xd8, 0xff, 0xe0 };
  static const guint8 webp[] = "RIFF\x10\0\0\0WEBPVP8 ";
  static const guint8 gif[] = "GIF89a\x01\0\x01\0";
  static const guint8 heic[] = "\0\0\0\x18" "ftypheic\0\0\0\0";
  static const guint8 mif1[] = "\0\0\0\x18" "ftypmif1\0\0\0\0";
  static const guint8 avif_like[] = "\0\0\0\x18" "ftypisom\0\0\0\0";
  static const guint8 text[] = "<html>";
  static const guint8 riff_wav[] = "RIFF\x10\0\0\0WAVEfmt ";

  g_assert_cmpint (gg_image_sniff (png, sizeof png), ==, GG_FORMAT_PNG);
  g_assert_cmpint (gg_image_sniff (png, 7), ==, GG_FORMAT_UNKNOWN);
  g_assert_cmpint (gg_image_sniff (jpeg, sizeof jpeg), ==, GG_FORMAT_JPEG);
  g_assert_cmpint (gg_image_sniff (jpeg, 2), ==, GG_FORMAT_UNKNOWN);
  g_assert_cmpint (gg_image_sniff (webp, 12), ==, GG_FORMAT_WEBP);
  g_assert_cmpint (gg_image_sniff (riff_wav, 12), ==, GG_FORMAT_UNKNOWN);
  g_assert_cmpint (gg_image_sniff (gif, 10), ==, GG_FORMAT_GIF);
  g_assert_cmpint (gg_image_sniff (heic, 16), ==, GG_FORMAT_HEIF);
  g_assert_cmpint (gg_image_sniff (mif1, 16), ==, GG_FORMAT_HEIF);
  g_assert_cmpint (gg_image_sniff (avif_like, 16), ==, GG_FORMAT_UNKNOWN);
  g_assert_cmpint (gg_image_sniff (text, 6), ==, GG_FORMAT_UNKNOWN);
  g_assert_cmpint (gg_image_sniff (NULL, 0), ==, GG_FORMAT_UNKNOWN);
}

static void
test_names (void)
{
  g_assert_cmpstr (gg_format_mime_type (GG_FORMAT_PNG), ==, "image/png");
  g_assert_cmpstr (gg_format_mime_type (GG_FORMAT_JPEG), ==, "image/jpeg");
  g_assert_cmpstr (gg_format_mime_type (GG_FORMAT_WEBP), ==, "image/webp");
  g_assert_null (gg_format_mime_type (GG_FORMAT_UNKNOWN));
  g_assert_cmpint (gg_format_from_mime ("image/png"), ==, GG_FORMAT_PNG);
  g_assert_cmpint (gg_format_from_mime ("IMAGE/JPEG"), ==, GG_FORMAT_JPEG);
  g_assert_cmpint (gg_format_from_mime ("image/webp; q=1"), ==, GG_FORMAT_WEBP);
  g_assert_cmpint (gg_format_from_mime ("image/heic"), ==, GG_FORMAT_HEIF);
  g_assert_cmpint (gg_format_from_mime ("image/pngx"), ==, GG_FORMAT_UNKNOWN);
  g_assert_cmpint (gg_format_from_mime (NULL), ==, GG_FORMAT_UNKNOWN);

  g_assert_cmpint (gg_format_from_filename ("a.png"), ==, GG_FORMAT_PNG);
  g_assert_cmpint (gg_format_from_filename ("/x/y/A.PNG"), ==, GG_FORMAT_PNG);
  g_assert_cmpint (gg_format_from_filename ("a.jpg"), ==, GG_FORMAT_JPEG);
  g_assert_cmpint (gg_format_from_filename ("a.JPeG"), ==, GG_FORMAT_JPEG);
  g_assert_cmpint (gg_format_from_filename ("a.webp"), ==, GG_FORMAT_WEBP);
  g_assert_cmpint (gg_format_from_filename ("a.gif"), ==, GG_FORMAT_UNKNOWN);
  g_assert_cmpint (gg_format_from_filename ("png"), ==, GG_FORMAT_UNKNOWN);
  g_assert_cmpint (gg_format_from_filename ("dir.png/file"), ==, GG_FORMAT_UNKNOWN);
}

/* Round trips */

static GgRaster *
round_trip (const GgRaster *r, GgFormat format, gint quality, gsize *size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  GgRaster         *back;
  GgFormat          probed;
  gint              w, h;
  gsize             len;
  const guint8     *data;

  switch (format)
    {
    case GG_FORMAT_PNG:  bytes = gg_image_encode_png (r, quality, &error); break;
    case GG_FORMAT_JPEG: bytes = gg_image_encode_jpeg (r, quality, &error); break;
    case GG_FORMAT_WEBP: bytes = gg_image_encode_webp (r, quality, &error); break;
    default: g_assert_not_reached ();
    }
  g_assert_no_error (error);
  data = g_bytes_get_data (bytes, &len);
  g_assert_cmpint (gg_image_sniff (data, len), ==, format);
  g_assert_true (gg_image_probe (data, len, &probed, &w, &h, &error));
  g_assert_no_error (error);
  g_assert_cmpint (probed, ==, format);
  g_assert_cmpint (w, ==, r->width);
  g_assert_cmpint (h, ==, r->height);
  back = gg_image_decode (data, len, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (back->width, ==, r->width);
  g_assert_cmpint (back->height, ==, r->height);
  if (size)
    *size = len;
  return back;
}

static void
test_png_round_trip (void)
{
  g_autoptr(GgRaster) alpha = make_noise (97, 61, TRUE);
  g_autoptr(GgRaster) opaque = make_noise (97, 61, FALSE);
  g_autoptr(GgRaster) back = NULL;
  g_autoptr(GBytes)   rgb = NULL;
  g_autoptr(GBytes)   rgba = NULL;
  gsize               len;
  const guint8       *data;

  back = round_trip (alpha, GG_FORMAT_PNG, 6, NULL);
  g_assert_cmpmem (back->pixels, 97 * 61 * 4, alpha->pixels, 97 * 61 * 4);
  g_clear_pointer (&back, gg_raster_free);
  back = round_trip (opaque, GG_FORMAT_PNG, 1, NULL);
  g_assert_cmpmem (back->pixels, 97 * 61 * 4, opaque->pixels, 97 * 61 * 4);

  /* Opaque rasters are written as RGB (colour type 2): a quarter smaller. */
  rgb = gg_image_encode_png (opaque, 9, NULL);
  data = g_bytes_get_data (rgb, &len);
  g_assert_cmpint (data[25], ==, 2);
  opaque->pixels[3] = 254;
  rgba = gg_image_encode_png (opaque, 9, NULL);
  g_assert_cmpint (((const guint8 *) g_bytes_get_data (rgba, NULL))[25], ==, 6);
  g_test_message ("opaque noise: RGB %" G_GSIZE_FORMAT " bytes, RGBA %" G_GSIZE_FORMAT, len, g_bytes_get_size (rgba));
  g_assert_cmpuint (len, <, g_bytes_get_size (rgba) * 0.9);
}

static void
test_jpeg_round_trip (void)
{
  g_autoptr(GgRaster) pic = make_picture (320, 200, FALSE);
  g_autoptr(GgRaster) back = round_trip (pic, GG_FORMAT_JPEG, 90, NULL);
  gdouble             psnr = psnr_rgb (pic, back);

  g_test_message ("JPEG q90 PSNR %.2f dB", psnr);
  g_assert_cmpfloat (psnr, >, 35.0);
  assert_pixel (back, 10, 10, back->pixels[(10 * 320 + 10) * 4],
                back->pixels[(10 * 320 + 10) * 4 + 1],
                back->pixels[(10 * 320 + 10) * 4 + 2], 255, 0);
}

static void
test_webp_round_trip (void)
{
  g_autoptr(GgRaster) noise = make_noise (64, 48, TRUE);
  g_autoptr(GgRaster) pic = make_picture (160, 120, FALSE);
  g_autoptr(GgRaster) back = round_trip (noise, GG_FORMAT_WEBP, 100, NULL);
  g_autoptr(GgRaster) lossy = NULL;

  /* Lossless keeps every pixel, alpha included (libwebp may alter the
   * colour of fully transparent pixels only). */
  for (gsize i = 0; i < 64 * 48; i++)
    if (noise->pixels[i * 4 + 3] != 0)
      g_assert_cmpmem (back->pixels + i * 4, 4, noise->pixels + i * 4, 4);
    else
      g_assert_cmpint (back->pixels[i * 4 + 3], ==, 0);
  lossy = round_trip (pic, GG_FORMAT_WEBP, 90, NULL);
  g_assert_cmpfloat (psnr_rgb (pic, lossy), >, 32.0);
}

/* Fixtures made by tests/data/images/make-fixtures.py */

static void
test_png_variants (void)
{
  g_autoptr(GgRaster) rgb16 = decode_fixture ("rgb16.png");
  g_autoptr(GgRaster) gray16 = decode_fixture ("gray16.png");
  g_autoptr(GgRaster) inter = decode_fixture ("interlaced.png");
  g_autoptr(GgRaster) pal = decode_fixture ("palette-trns.png");
  g_autoptr(GgRaster) ga = decode_fixture ("gray-alpha.png");

  /* 16-bit values scaled (rounded), not read as linear light. */
  assert_pixel (rgb16, 0, 0, 255, 128, 0, 255, 0);
  assert_pixel (rgb16, 3, 3, 255, 128, 120, 255, 0);
  g_assert_cmpint (gray16->width, ==, 8);
  for (gint x = 0; x < 8; x++)
    {
      gint v = (gint) floor (MIN (65535, x * 9362) * 255.0 / 65535 + 0.5);

      assert_pixel (gray16, x, 0, v, v, v, 255, 1);
    }
  for (gint y = 0; y < 16; y++)
    for (gint x = 0; x < 16; x++)
      assert_pixel (inter, x, y, 16 * x, 16 * y, 128, 255, 0);
  assert_pixel (pal, 0, 0, 255, 0, 0, 255, 0);
  assert_pixel (pal, 7, 3, 0, 0, 255, 0, 0);
  g_assert_true (gg_raster_has_alpha (pal));
  assert_pixel (ga, 2, 2, 128, 128, 128, 64, 0);
}

static void
test_jpeg_variants (void)
{
  g_autoptr(GgRaster) gray = decode_fixture ("gray.jpg");
  g_autoptr(GgRaster) cmyk = decode_fixture ("cmyk.jpg");

  assert_pixel (gray, 5, 5, 100, 100, 100, 255, 1);
  g_assert_false (gg_raster_has_alpha (gray));
  assert_pixel (cmyk, 4, 8, 255, 0, 0, 255, 8);
  assert_pixel (cmyk, 28, 8, 0, 0, 0, 255, 8);
}

/* Hostile input */

/* PNG's CRC-32, bit by bit: a fixture needs no speed. */
static guint32
png_crc (const guint8 *data, gsize len)
{
  guint32 crc = 0xffffffff;

  for (gsize i = 0; i < len; i++)
    {
      crc ^= data[i];
      for (gint k = 0; k < 8; k++)
        crc = (crc >> 1) ^ (0xedb88320 & (0 - (crc & 1)));
    }
  return crc ^ 0xffffffff;
}

static GBytes *
png_claiming (guint32 width, guint32 height)
{
  static const guint8 sig[8] = { 0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a };
  GByteArray *out = g_byte_array_new ();
  guint8      chunk[25];
  guint32     crc;
  static const guint8 idat_iend[] =
    { 0, 0, 0, 0, 'I', 'D', 'A', 'T', 0x35, 0xaf, 0x06, 0x1e,
      0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xae, 0x42, 0x60, 0x82 };

  g_byte_array_append (out, sig, 8);
  memcpy (chunk, "\0\0\0\x0dIHDR", 8);
  chunk[8] = width >> 24; chunk[9] = width >> 16; chunk[10] = width >> 8; chunk[11] = width;
  chunk[12] = height >> 24; chunk[13] = height >> 16; chunk[14] = height >> 8; chunk[15] = height;
  chunk[16] = 8; chunk[17] = 6; chunk[18] = chunk[19] = chunk[20] = 0;
  crc = png_crc (chunk + 4, 17);
  chunk[21] = crc >> 24; chunk[22] = crc >> 16; chunk[23] = crc >> 8; chunk[24] = crc;
  g_byte_array_append (out, chunk, 25);
  g_byte_array_append (out, idat_iend, sizeof idat_iend);
  return g_byte_array_free_to_bytes (out);
}

static void
test_bomb (void)
{
  g_autoptr(GBytes)   bomb = png_claiming (50000, 50000);
  g_autoptr(GError)   error = NULL;
  g_autoptr(GgRaster) r = NULL;
  gsize               len;
  const guint8       *data = g_bytes_get_data (bomb, &len);
  gint64              start = g_get_monotonic_time ();
  gint                w = 0, h = 0;
  GgFormat            format;
  /* A JPEG whose SOF0 claims 60000 x 60000. */
  static const guint8 jpeg[] =
    { 0xff, 0xd8, 0xff, 0xe0, 0, 16, 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0,
      0xff, 0xc0, 0, 17, 8, 0xea, 0x60, 0xea, 0x60, 3,
      1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1, 0xff, 0xd9 };

  g_assert_true (gg_image_probe (data, len, &format, &w, &h, &error));
  g_assert_cmpint (w, ==, 50000);
  g_assert_cmpint (h, ==, 50000);

  r = gg_image_decode (data, len, 0, &error);
  g_assert_null (r);
  g_assert_error (error, GG_ERROR, GG_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "50000 x 50000"));
  g_assert_nonnull (strstr (error->message, "268435456"));
  /* Refused from the header: no 10 GB allocation, no decoding. */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 50 * 1000);
  g_clear_error (&error);

  r = gg_image_decode (jpeg, sizeof jpeg, 0, &error);
  g_assert_null (r);
  g_assert_error (error, GG_ERROR, GG_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "60000 x 60000"));
  g_clear_error (&error);

  /* The caller's own limit. */
  {
    g_autoptr(GgRaster) pic = make_picture (100, 100, FALSE);
    g_autoptr(GBytes)   png = gg_image_encode_png (pic, 1, NULL);

    r = gg_image_decode (g_bytes_get_data (png, NULL), g_bytes_get_size (png), 9999, &error);
    g_assert_null (r);
    g_assert_error (error, GG_ERROR, GG_ERROR_TOO_LARGE);
    g_assert_nonnull (strstr (error->message, "100 x 100"));
    g_clear_error (&error);
    r = gg_image_decode (g_bytes_get_data (png, NULL), g_bytes_get_size (png), 10000, &error);
    g_assert_no_error (error);
    g_assert_nonnull (r);
  }
}

static void
assert_corrupt (const guint8 *data, gsize len, const gchar *what)
{
  g_autoptr(GError)   error = NULL;
  g_autoptr(GgRaster) r = gg_image_decode (data, len, 0, &error);

  if (r != NULL)
    g_error ("%s decoded", what);
  g_assert_error (error, GG_ERROR, GG_ERROR_IMAGE);
  g_assert_cmpuint (strlen (error->message), >, 10);
  g_test_message ("%s: %s", what, error->message);
}

static void
test_corrupt (void)
{
  g_autoptr(GgRaster) pic = make_picture (200, 150, FALSE);
  g_autoptr(GBytes)   png = gg_image_encode_png (pic, 6, NULL);
  g_autoptr(GBytes)   jpeg = gg_image_encode_jpeg (pic, 90, NULL);
  g_autoptr(GBytes)   webp = gg_image_encode_webp (pic, 80, NULL);
  gsize               plen, jlen, wlen;
  const guint8       *p = g_bytes_get_data (png, &plen);
  const guint8       *j = g_bytes_get_data (jpeg, &jlen);
  const guint8       *w = g_bytes_get_data (webp, &wlen);
  g_autofree guint8  *flipped = g_memdup2 (p, plen);
  static const guint8 garbage[] = "not an image at all, just some text";

  assert_corrupt (p, plen / 2, "truncated PNG");
  assert_corrupt (p, 30, "PNG cut after IHDR");
  assert_corrupt (p, 16, "PNG cut inside IHDR");
  assert_corrupt (j, jlen / 2, "truncated JPEG");
  assert_corrupt (j, 100, "JPEG cut in its headers");
  assert_corrupt (w, wlen / 2, "truncated WebP");
  assert_corrupt (garbage, sizeof garbage, "text");
  assert_corrupt (garbage, 0, "empty");
  flipped[plen / 2] ^= 0x55;   /* CRC mismatch inside IDAT */
  assert_corrupt (flipped, plen, "PNG with a flipped byte");
  {
    static const guint8 gif[] = "GIF89a\x01\0\x01\0\0\0\0";

    assert_corrupt (gif, sizeof gif, "GIF");
  }
}

/* gg_image_verify: the verdict, the code and the sentence of
 * gg_image_decode, without the raster. */
static void
assert_same_verdict (const guint8 *data, gsize len, gsize max_pixels, const gchar *what)
{
  g_autoptr(GError)   derr = NULL;
  g_autoptr(GError)   verr = NULL;
  g_autoptr(GgRaster) r = gg_image_decode (data, len, max_pixels, &derr);
  gboolean            ok = gg_image_verify (data, len, max_pixels, &verr);

  if (ok != (r != NULL))
    g_error ("%s: decode %s, verify %s (%s)", what, r ? "accepts" : "refuses",
             ok ? "accepts" : "refuses", derr ? derr->message : verr ? verr->message : "");
  if (ok)
    {
      g_assert_no_error (verr);
      return;
    }
  g_assert_nonnull (verr);
  g_assert_cmpuint (verr->domain, ==, derr->domain);
  g_assert_cmpint (verr->code, ==, derr->code);
  g_assert_cmpstr (verr->message, ==, derr->message);
}

static void
assert_verified (const guint8 *data, gsize len, const gchar *what)
{
  g_autoptr(GError) error = NULL;

  if (! gg_image_verify (data, len, 0, &error))
    g_error ("%s refused: %s", what, error->message);
  assert_same_verdict (data, len, 0, what);
}

static void
assert_refused (const guint8 *data, gsize len, gint code, const gchar *what)
{
  g_autoptr(GError) error = NULL;

  if (gg_image_verify (data, len, 0, &error))
    g_error ("%s verified", what);
  g_assert_error (error, GG_ERROR, code);
  g_test_message ("%s: %s", what, error->message);
  assert_same_verdict (data, len, 0, what);
}

static void
test_verify (void)
{
  g_autoptr(GgRaster) pic = make_picture (200, 150, FALSE);
  g_autoptr(GgRaster) alpha = make_picture (97, 61, TRUE);
  g_autoptr(GBytes)   png = gg_image_encode_png (pic, 6, NULL);
  g_autoptr(GBytes)   png_alpha = gg_image_encode_png (alpha, 1, NULL);
  g_autoptr(GBytes)   jpeg = gg_image_encode_jpeg (pic, 90, NULL);
  g_autoptr(GBytes)   webp = gg_image_encode_webp (pic, 80, NULL);
  g_autoptr(GBytes)   webp_ll = gg_image_encode_webp (alpha, 100, NULL);
  g_autoptr(GBytes)   bomb = png_claiming (50000, 50000);
  gsize               plen, jlen, wlen;
  const guint8       *p = g_bytes_get_data (png, &plen);
  const guint8       *j = g_bytes_get_data (jpeg, &jlen);
  const guint8       *w = g_bytes_get_data (webp, &wlen);
  g_autofree guint8  *flipped = g_memdup2 (p, plen);
  g_autofree guint8  *jflipped = g_memdup2 (j, jlen);
  static const gchar *const fixtures[] =
    { "rgb16.png", "gray16.png", "interlaced.png", "palette-trns.png",
      "gray-alpha.png", "gray.jpg", "cmyk.jpg" };
  static const guint8 garbage[] = "not an image at all, just some text";
  static const guint8 jpeg_bomb[] =
    { 0xff, 0xd8, 0xff, 0xe0, 0, 16, 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0,
      0xff, 0xc0, 0, 17, 8, 0xea, 0x60, 0xea, 0x60, 3,
      1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1, 0xff, 0xd9 };

  /* Good images of every kind pass. */
  assert_verified (p, plen, "PNG");
  assert_verified (g_bytes_get_data (png_alpha, NULL), g_bytes_get_size (png_alpha), "RGBA PNG");
  assert_verified (j, jlen, "JPEG");
  assert_verified (w, wlen, "WebP");
  assert_verified (g_bytes_get_data (webp_ll, NULL), g_bytes_get_size (webp_ll),
                   "lossless WebP with alpha, odd size");
  for (guint i = 0; i < G_N_ELEMENTS (fixtures); i++)
    {
      g_autofree gchar *path = g_build_filename ("images", fixtures[i], NULL);
      g_autoptr(GBytes) bytes = gg_test_data (path);

      assert_verified (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), fixtures[i]);
    }

  /* Damaged ones do not, for the same reason as gg_image_decode. */
  assert_refused (p, plen / 2, GG_ERROR_IMAGE, "truncated PNG");
  assert_refused (p, plen - 12, GG_ERROR_IMAGE, "PNG without IEND");
  assert_refused (p, 30, GG_ERROR_IMAGE, "PNG cut after IHDR");
  assert_refused (p, 16, GG_ERROR_IMAGE, "PNG cut inside IHDR");
  flipped[plen / 2] ^= 0x55;
  assert_refused (flipped, plen, GG_ERROR_IMAGE, "PNG with a flipped byte in IDAT");
  {
    /* A broken zlib stream behind a correct CRC: only inflating finds it. */
    g_autofree guint8 *zbad = g_memdup2 (p, plen);
    gsize              idat = 8;

    while (memcmp (zbad + idat + 4, "IDAT", 4) != 0)
      idat += 12 + ((gsize) zbad[idat] << 24 | zbad[idat + 1] << 16 |
                    zbad[idat + 2] << 8 | zbad[idat + 3]);
    {
      guint32 n = (guint32) zbad[idat] << 24 | zbad[idat + 1] << 16 |
                  zbad[idat + 2] << 8 | zbad[idat + 3];
      guint32 crc;

      memset (zbad + idat + 8 + n / 2, 0xff, MIN (64, n / 4));
      crc = png_crc (zbad + idat + 4, n + 4);
      zbad[idat + 8 + n] = crc >> 24;
      zbad[idat + 9 + n] = crc >> 16;
      zbad[idat + 10 + n] = crc >> 8;
      zbad[idat + 11 + n] = crc;
      assert_refused (zbad, plen, GG_ERROR_IMAGE, "PNG with bad deflate data, good CRC");
    }
  }
  {
    g_autofree gchar *path = g_build_filename ("images", "interlaced.png", NULL);
    g_autoptr(GBytes) bytes = gg_test_data (path);

    assert_refused (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes) - 30,
                    GG_ERROR_IMAGE, "truncated interlaced PNG");
  }
  assert_refused (j, jlen / 2, GG_ERROR_IMAGE, "truncated JPEG");
  assert_refused (j, jlen - 2, GG_ERROR_IMAGE, "JPEG without EOI");
  assert_refused (j, 100, GG_ERROR_IMAGE, "JPEG cut in its headers");
  /* Damage inside the entropy-coded data: libjpeg's verdict, whatever it
   * is, must be the same both ways. */
  for (gsize i = jlen / 3; i < jlen / 3 + 40; i++)
    jflipped[i] ^= 0xa5;
  assert_same_verdict (jflipped, jlen, 0, "JPEG with flipped bytes in its scan");
  assert_refused (w, wlen / 2, GG_ERROR_IMAGE, "truncated WebP");
  assert_refused (garbage, sizeof garbage, GG_ERROR_IMAGE, "text");
  assert_refused (garbage, 0, GG_ERROR_IMAGE, "empty");
  assert_refused ((const guint8 *) "GIF89a\x01\0\x01\0\0\0\0", 13, GG_ERROR_IMAGE, "GIF");

  /* Bombs: refused from the header, at once. */
  {
    g_autoptr(GError) error = NULL;
    gint64            start = g_get_monotonic_time ();

    g_assert_false (gg_image_verify (g_bytes_get_data (bomb, NULL), g_bytes_get_size (bomb),
                                     0, &error));
    g_assert_error (error, GG_ERROR, GG_ERROR_TOO_LARGE);
    g_assert_nonnull (strstr (error->message, "50000 x 50000"));
    g_assert_cmpint (g_get_monotonic_time () - start, <, 50 * 1000);
    assert_same_verdict (g_bytes_get_data (bomb, NULL), g_bytes_get_size (bomb), 0, "PNG bomb");
    g_clear_error (&error);
    g_assert_false (gg_image_verify (jpeg_bomb, sizeof jpeg_bomb, 0, &error));
    g_assert_error (error, GG_ERROR, GG_ERROR_TOO_LARGE);
    g_assert_nonnull (strstr (error->message, "60000 x 60000"));
    g_clear_error (&error);
    /* The caller's own limit. */
    g_assert_false (gg_image_verify (p, plen, 200 * 150 - 1, &error));
    g_assert_error (error, GG_ERROR, GG_ERROR_TOO_LARGE);
    assert_same_verdict (p, plen, 200 * 150 - 1, "PNG over the caller's limit");
    g_clear_error (&error);
    g_assert_true (gg_image_verify (p, plen, 200 * 150, &error));
    g_assert_no_error (error);
  }
}

/* gg_image_check: the structure and checksums, no decoding. */

static void
assert_checked (const guint8 *data, gsize len, const gchar *what)
{
  g_autoptr(GError) error = NULL;

  if (! gg_image_check (data, len, 0, &error))
    g_error ("%s refused by gg_image_check: %s", what, error->message);
}

static void
assert_check_refuses (const guint8 *data, gsize len, gsize max_pixels, gint code,
                      const gchar *what)
{
  g_autoptr(GError) error = NULL;

  if (gg_image_check (data, len, max_pixels, &error))
    g_error ("%s passed gg_image_check", what);
  if (code < 0)                                 /* either: a changed size may be too large */
    g_assert_true (g_error_matches (error, GG_ERROR, GG_ERROR_IMAGE)
                   || g_error_matches (error, GG_ERROR, GG_ERROR_TOO_LARGE));
  else
    g_assert_error (error, GG_ERROR, code);
  /* One sentence. */
  g_assert_true (g_ascii_isupper (error->message[0]));
  g_assert_true (g_str_has_suffix (error->message, "."));
  g_assert_null (strchr (error->message, '\n'));
  g_test_message ("%s: %s", what, error->message);
}

static gsize
find_bytes (const guint8 *data, gsize len, const guint8 *what, gsize n)
{
  for (gsize i = 0; i + n <= len; i++)
    if (memcmp (data + i, what, n) == 0)
      return i;
  g_error ("bytes not found");
  return 0;
}

static void
test_check (void)
{
  g_autoptr(GgRaster) pic = make_picture (200, 150, FALSE);
  g_autoptr(GgRaster) noise = make_noise (301, 203, TRUE);
  g_autoptr(GBytes)   png = gg_image_encode_png (pic, 6, NULL);
  g_autoptr(GBytes)   png_noise = gg_image_encode_png (noise, 1, NULL);
  g_autoptr(GBytes)   jpeg = gg_image_encode_jpeg (pic, 90, NULL);
  g_autoptr(GBytes)   webp = gg_image_encode_webp (pic, 80, NULL);
  g_autoptr(GBytes)   bomb = png_claiming (50000, 50000);
  gsize               plen, jlen;
  const guint8       *p = g_bytes_get_data (png, &plen);
  const guint8       *j = g_bytes_get_data (jpeg, &jlen);
  static const gchar *const fixtures[] =
    { "rgb16.png", "gray16.png", "interlaced.png", "palette-trns.png",
      "gray-alpha.png", "gray.jpg", "cmyk.jpg" };
  static const guint8 jpeg_bomb[] =
    { 0xff, 0xd8, 0xff, 0xe0, 0, 16, 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0,
      0xff, 0xc0, 0, 17, 8, 0xea, 0x60, 0xea, 0x60, 3,
      1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1, 0xff, 0xd9 };

  /* Every good image passes, as gg_image_verify passes it. */
  assert_checked (p, plen, "PNG");
  assert_checked (g_bytes_get_data (png_noise, NULL), g_bytes_get_size (png_noise), "noisy RGBA PNG");
  assert_checked (j, jlen, "JPEG");
  assert_checked (g_bytes_get_data (webp, NULL), g_bytes_get_size (webp), "WebP");
  for (guint i = 0; i < G_N_ELEMENTS (fixtures); i++)
    {
      g_autofree gchar *path = g_build_filename ("images", fixtures[i], NULL);
      g_autoptr(GBytes) bytes = gg_test_data (path);

      assert_checked (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), fixtures[i]);
    }

  /* Truncated anywhere: refused, PNG and JPEG. */
  for (gsize n = 0; n < plen; n++)
    assert_check_refuses (p, n, 0, GG_ERROR_IMAGE, "truncated PNG");
  for (gsize n = 0; n < jlen; n++)
    assert_check_refuses (j, n, 0, GG_ERROR_IMAGE, "truncated JPEG");

  /* Bad CRC: any one byte of a PNG changed after the signature is seen
   * (the CRCs cover every chunk's type and data, and a changed length or
   * CRC no longer matches). */
  {
    g_autofree guint8 *bad = g_memdup2 (p, plen);

    for (gsize i = 8; i < plen; i++)
      {
        bad[i] ^= 0x20;
        assert_check_refuses (bad, plen, 0, -1, "PNG with a changed byte");
        bad[i] ^= 0x20;
      }
    /* The sentence names the chunk. */
    {
      g_autoptr(GError) error = NULL;

      bad[plen / 2] ^= 1;
      g_assert_false (gg_image_check (bad, plen, 0, &error));
      g_assert_nonnull (strstr (error->message, "IDAT chunk fails its CRC"));
    }
  }
  /* Garbage in place of the deflate stream, with a right CRC (the fault
   * table's corrupt_png): the stream's head is inflated. */
  {
    g_autofree guint8 *zbad = g_memdup2 (p, plen);
    gsize              idat = find_bytes (zbad, plen, (const guint8 *) "IDAT", 4) - 4;
    guint32            n = (guint32) zbad[idat] << 24 | zbad[idat + 1] << 16 |
                           zbad[idat + 2] << 8 | zbad[idat + 3];
    guint32            crc;

    memset (zbad + idat + 8 + 2, 0xff, MIN (64, n - 2));
    crc = png_crc (zbad + idat + 4, n + 4);
    zbad[idat + 8 + n] = crc >> 24;
    zbad[idat + 9 + n] = crc >> 16;
    zbad[idat + 10 + n] = crc >> 8;
    zbad[idat + 11 + n] = crc;
    assert_check_refuses (zbad, plen, 0, GG_ERROR_IMAGE, "PNG with bad deflate data, good CRC");
  }

  /* Bad marker structure (JPEG). */
  {
    g_autofree guint8 *bad = g_memdup2 (j, jlen);
    static const guint8 dqt[] = { 0xff, 0xdb };
    static const guint8 sos[] = { 0xff, 0xda };
    gsize              at_dqt = find_bytes (j, jlen, dqt, 2);
    gsize              at_sos = find_bytes (j, jlen, sos, 2);
    gsize              scan = at_sos + 2 + ((gsize) j[at_sos + 2] << 8 | j[at_sos + 3]);

    /* A segment's length running past the end. */
    bad[at_dqt + 2] = 0xff;
    assert_check_refuses (bad, jlen, 0, GG_ERROR_IMAGE, "JPEG with a DQT length past the end");
    memcpy (bad, j, jlen);
    /* Bytes between segments (a marker's 0xFF lost). */
    bad[at_dqt] = 0x00;
    assert_check_refuses (bad, jlen, 0, GG_ERROR_IMAGE, "JPEG with bytes between segments");
    memcpy (bad, j, jlen);
    /* A marker that cannot be inside the entropy-coded data. */
    bad[scan + 100] = 0xff;
    bad[scan + 101] = 0x01;
    assert_check_refuses (bad, jlen, 0, GG_ERROR_IMAGE, "JPEG with TEM inside a scan");
    memcpy (bad, j, jlen);
    /* A restart marker out of order (no restart interval: any is fine,
     * so the check counts them only with DRI; here SOI again). */
    bad[scan + 100] = 0xff;
    bad[scan + 101] = 0xd8;
    assert_check_refuses (bad, jlen, 0, GG_ERROR_IMAGE, "JPEG with SOI inside a scan");
    memcpy (bad, j, jlen);
    /* The quantisation tables taken away (the fault table's corrupt_jpeg):
     * DQT becomes a COM segment. */
    for (gsize i = 2; i < at_sos; )
      {
        gsize seg = (gsize) bad[i + 2] << 8 | bad[i + 3];

        if (bad[i + 1] == 0xdb)
          bad[i + 1] = 0xfe;
        i += 2 + seg;
      }
    assert_check_refuses (bad, jlen, 0, GG_ERROR_IMAGE, "JPEG without quantisation tables");
    memcpy (bad, j, jlen);
    /* A frame of 2 components (no colour conversion takes it). */
    {
      static const guint8 sof[] = { 0xff, 0xc0 };
      gsize at_sof = find_bytes (j, jlen, sof, 2);

      bad[at_sof + 9] = 2;
      assert_check_refuses (bad, jlen, 0, GG_ERROR_IMAGE, "JPEG with a 2-component frame");
    }
    /* No EOI. */
    assert_check_refuses (j, jlen - 2, 0, GG_ERROR_IMAGE, "JPEG without EOI");
  }

  /* Oversized dimensions: refused from the header, at once. */
  {
    gint64 start = g_get_monotonic_time ();

    assert_check_refuses (g_bytes_get_data (bomb, NULL), g_bytes_get_size (bomb), 0,
                          GG_ERROR_TOO_LARGE, "PNG claiming 50000 x 50000");
    assert_check_refuses (jpeg_bomb, sizeof jpeg_bomb, 0, GG_ERROR_TOO_LARGE,
                          "JPEG claiming 60000 x 60000");
    assert_check_refuses (p, plen, 200 * 150 - 1, GG_ERROR_TOO_LARGE, "PNG over the caller's limit");
    assert_check_refuses (j, jlen, 200 * 150 - 1, GG_ERROR_TOO_LARGE, "JPEG over the caller's limit");
    g_assert_true (gg_image_check (p, plen, 200 * 150, NULL));
    g_assert_cmpint (g_get_monotonic_time () - start, <, 50 * 1000);
  }
  assert_check_refuses ((const guint8 *) "GIF89a\x01\0\x01\0\0\0\0", 13, 0, GG_ERROR_IMAGE, "GIF");
  assert_check_refuses ((const guint8 *) "text", 4, 0, GG_ERROR_IMAGE, "text");
}

/* gg_image_save_bytes as received: what the structure lets through but a
 * decode refuses (here a JPEG frame whose sampling needs 16 blocks a
 * macroblock; libjpeg takes at most 10) is refused too, read on a second
 * thread while the file is written, and nothing is left behind. */
static void
test_save_bytes_checked (void)
{
  g_autofree gchar   *dir = gg_test_tmpdir ();
  g_autofree gchar   *path = g_build_filename (dir, "answer.jpg", NULL);
  g_autoptr(GgRaster) pic = make_picture (200, 150, FALSE);
  g_autoptr(GBytes)   jpeg = gg_image_encode_jpeg (pic, 90, NULL);
  g_autoptr(GBytes)   png = gg_image_encode_png (pic, 6, NULL);
  g_autoptr(GError)   error = NULL;
  g_autoptr(GDir)     listing = NULL;
  gsize               jlen;
  const guint8       *j = g_bytes_get_data (jpeg, &jlen);
  g_autofree guint8  *bad = g_memdup2 (j, jlen);
  static const guint8 sof[] = { 0xff, 0xc0 };
  gsize               at_sof = find_bytes (j, jlen, sof, 2);
  g_autoptr(GBytes)   bad_bytes = NULL;

  bad[at_sof + 11] = 0x44;                      /* Y: 4x4, with Cb and Cr 1x1 */
  bad_bytes = g_bytes_new (bad, jlen);
  g_assert_true (gg_image_check (bad, jlen, 0, NULL));
  g_assert_false (gg_image_verify (bad, jlen, 0, NULL));

  g_assert_false (gg_image_save_bytes (bad_bytes, path, 0, &error));
  g_assert_error (error, GG_ERROR, GG_ERROR_IMAGE);
  g_assert_true (g_str_has_prefix (error->message, "The JPEG image is truncated or corrupt ("));
  g_clear_error (&error);
  listing = g_dir_open (dir, 0, NULL);
  g_assert_null (g_dir_read_name (listing));    /* neither the file nor a temporary one */

  /* The good one is written as it is, a truncated PNG is not. */
  g_assert_true (gg_image_save_bytes (jpeg, path, 0, &error));
  g_assert_no_error (error);
  {
    g_autofree gchar *contents = NULL;
    gsize             len;

    g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
    g_assert_cmpmem (contents, len, j, jlen);
  }
  {
    g_autofree gchar *png_path = g_build_filename (dir, "cut.png", NULL);
    g_autoptr(GBytes) cut = g_bytes_new_from_bytes (png, 0, g_bytes_get_size (png) - 5);

    g_assert_false (gg_image_save_bytes (cut, png_path, 0, &error));
    g_assert_error (error, GG_ERROR, GG_ERROR_IMAGE);
    g_assert_false (g_file_test (png_path, G_FILE_TEST_EXISTS));
    g_clear_error (&error);
  }
  /* A directory that does not exist: GG_ERROR_IO, naming the file. */
  {
    g_autofree gchar *missing = g_build_filename (dir, "no", "such", "x.jpg", NULL);

    g_assert_false (gg_image_save_bytes (jpeg, missing, 0, &error));
    g_assert_error (error, GG_ERROR, GG_ERROR_IO);
    g_assert_nonnull (strstr (error->message, "x.jpg"));
  }
}

/* A PNG whose deflate stream is broken deep in (past what gg_image_check
 * inflates), under recomputed CRCs, as a broken encoder would write it:
 * gg_image_save_bytes refuses it (the whole stream is inflated on a
 * second thread while the file is written) and leaves no file behind.
 * Seen failing before issue 17's change: it was written. */
static void
test_save_bytes_png_deep (void)
{
  g_autofree gchar   *dir = gg_test_tmpdir ();
  g_autofree gchar   *path = g_build_filename (dir, "answer.png", NULL);
  g_autoptr(GgRaster) pic = gg_raster_new (700, 500, NULL);
  g_autoptr(GBytes)   png = NULL;
  g_autoptr(GBytes)   bad_bytes = NULL;
  g_autoptr(GError)   error = NULL;
  g_autoptr(GDir)     listing = NULL;
  g_autofree guint8  *bad = NULL;
  GRand              *rand = g_rand_new_with_seed (17);
  gsize               plen, idat = 0, at = 0;
  guint32             n = 0, crc;

  /* Noise: the stream is about as long as the 1.4 MB of rows. */
  for (gsize i = 0; i < (gsize) 700 * 500 * 4; i++)
    pic->pixels[i] = (i & 3) == 3 ? 255 : (guint8) g_rand_int (rand);
  g_rand_free (rand);
  png = gg_image_encode_png (pic, 6, NULL);
  g_assert_nonnull (png);
  {
    const guint8 *data = g_bytes_get_data (png, &plen);

    bad = g_memdup2 (data, plen);
  }
  /* The last IDAT chunk (walking the chunks), a byte 200 before its end. */
  for (at = 8; at + 12 <= plen; at += 12 + (gsize) n)
    {
      n = (guint32) bad[at] << 24 | bad[at + 1] << 16 | bad[at + 2] << 8 | bad[at + 3];
      if (memcmp (bad + at + 4, "IDAT", 4) == 0)
        idat = at;
    }
  n = (guint32) bad[idat] << 24 | bad[idat + 1] << 16 | bad[idat + 2] << 8 | bad[idat + 3];
  g_assert_cmpuint (n, >, 400);
  g_assert_cmpuint (idat, >, 600 * 1024);       /* well past the checked head */
  bad[idat + 8 + n - 200] ^= 0x5a;
  crc = png_crc (bad + idat + 4, n + 4);
  bad[idat + 8 + n] = crc >> 24;
  bad[idat + 9 + n] = crc >> 16;
  bad[idat + 10 + n] = crc >> 8;
  bad[idat + 11 + n] = crc;
  g_assert_true (gg_image_check (bad, plen, 0, NULL));     /* the head is sound */
  g_assert_false (gg_image_verify (bad, plen, 0, NULL));

  bad_bytes = g_bytes_new (bad, plen);
  g_assert_false (gg_image_save_bytes (bad_bytes, path, 0, &error));
  g_assert_error (error, GG_ERROR, GG_ERROR_IMAGE);
  g_assert_true (g_str_has_prefix (error->message, "The PNG image is truncated or corrupt ("));
  listing = g_dir_open (dir, 0, NULL);
  g_assert_null (g_dir_read_name (listing));    /* neither the file nor a temporary one */
  g_clear_error (&error);

  /* The sound one is written as it is. */
  g_assert_true (gg_image_save_bytes (png, path, 0, &error));
  g_assert_no_error (error);
}

/* Every image the live service answered (../shared/real-answers, read in
 * place, never copied): gg_image_check passes it and agrees with
 * gg_image_verify. */
static void
test_check_real_answers (void)
{
  g_autofree gchar *dir = g_build_filename (GG_REAL_ANSWERS, NULL);
  g_autoptr(GDir)   listing = g_dir_open (dir, 0, NULL);
  const gchar      *name;
  guint             images = 0;

  if (listing == NULL)
    {
      gg_test_skip ("../shared/real-answers is absent");
      return;
    }
  while ((name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree gchar *path = g_build_filename (dir, name, NULL);
      g_autofree gchar *body = NULL;
      const gchar      *at;
      gsize             len;

      if (! g_str_has_suffix (name, ".json") || ! g_file_get_contents (path, &body, &len, NULL))
        continue;
      for (at = body; (at = strstr (at, "\"data\": \"")) != NULL; )
        {
          const gchar      *start = at + 9;
          const gchar      *end = strchr (start, '"');
          g_autofree gchar *b64 = g_strndup (start, end - start);
          g_autofree guchar *img = NULL;
          gsize             n;
          GgFormat          format;
          g_autoptr(GError) error = NULL;

          at = end;
          img = g_base64_decode (b64, &n);
          format = gg_image_sniff (img, n);
          if (format != GG_FORMAT_PNG && format != GG_FORMAT_JPEG)
            continue;
          if (! gg_image_verify (img, n, 0, NULL))
            continue;                           /* placeholders, 1x1 stand-ins */
          if (! gg_image_check (img, n, 0, &error))
            g_error ("%s: %s", name, error->message);
          images++;
        }
    }
  g_test_message ("%u recorded images checked", images);
  g_assert_cmpuint (images, >, 0);
}

/* Files */

static void
test_files (void)
{
  g_autofree gchar   *dir = gg_test_tmpdir ();
  g_autoptr(GgRaster) pic = make_picture (64, 40, FALSE);
  g_autoptr(GError)   error = NULL;
  static const struct { const gchar *name; GgFormat format; } cases[] =
    {
      { "a.png", GG_FORMAT_PNG }, { "b.JPG", GG_FORMAT_JPEG }, { "c.jpeg", GG_FORMAT_JPEG },
      { "d.webp", GG_FORMAT_WEBP }, { "e.unknown", GG_FORMAT_PNG },
    };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree gchar   *path = g_build_filename (dir, cases[i].name, NULL);
      g_autofree gchar   *contents = NULL;
      g_autoptr(GgRaster) back = NULL;
      gsize               len;

      g_assert_true (gg_image_save (pic, path, &error));
      g_assert_no_error (error);
      g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
      g_assert_cmpint (gg_image_sniff ((guint8 *) contents, len), ==, cases[i].format);
      back = gg_image_load (path, 0, &error);
      g_assert_no_error (error);
      g_assert_cmpfloat (psnr_rgb (pic, back), >, 30.0);
    }

  /* save_bytes: kept as they are when the format matches, else converted. */
  {
    g_autoptr(GBytes) png = gg_image_encode_png (pic, 6, NULL);
    g_autofree gchar *same = g_build_filename (dir, "same.png", NULL);
    g_autofree gchar *conv = g_build_filename (dir, "conv.jpg", NULL);
    g_autofree gchar *contents = NULL;
    gsize             len;

    g_assert_true (gg_image_save_bytes (png, same, 0, &error));
    g_assert_true (g_file_get_contents (same, &contents, &len, NULL));
    g_assert_cmpmem (contents, len, g_bytes_get_data (png, NULL), g_bytes_get_size (png));
    g_clear_pointer (&contents, g_free);
    g_assert_true (gg_image_save_bytes (png, conv, 0, &error));
    g_assert_no_error (error);
    g_assert_true (g_file_get_contents (conv, &contents, &len, NULL));
    g_assert_cmpint (gg_image_sniff ((guint8 *) contents, len), ==, GG_FORMAT_JPEG);
  }

  /* Errors name the file and are GG_ERROR_IO. */
  {
    g_autofree gchar   *missing = g_build_filename (dir, "no", "such", "x.png", NULL);
    g_autoptr(GgRaster) r = NULL;

    g_assert_false (gg_image_save (pic, missing, &error));
    g_assert_error (error, GG_ERROR, GG_ERROR_IO);
    g_assert_nonnull (strstr (error->message, "x.png"));
    g_clear_error (&error);
    r = gg_image_load (missing, 0, &error);
    g_assert_null (r);
    g_assert_error (error, GG_ERROR, GG_ERROR_IO);
  }
}

static void
test_raster (void)
{
  g_autoptr(GError)   error = NULL;
  g_autoptr(GgRaster) r = gg_raster_new (3, 2, &error);
  g_autoptr(GgRaster) copy = NULL;

  g_assert_no_error (error);
  for (gint i = 0; i < 24; i++)
    g_assert_cmpint (r->pixels[i], ==, 0);
  g_assert_true (gg_raster_has_alpha (r));
  memset (r->pixels, 255, 24);
  g_assert_false (gg_raster_has_alpha (r));
  copy = gg_raster_copy (r);
  g_assert_cmpmem (copy->pixels, 24, r->pixels, 24);

  g_assert_null (gg_raster_new (0, 5, &error));
  g_assert_error (error, GG_ERROR, GG_ERROR_IMAGE);
  g_clear_error (&error);
  g_assert_null (gg_raster_new (G_MAXINT, G_MAXINT, &error));
  g_assert_nonnull (error);
}

/* Timings at 4096 x 4096 (gtester -m perf, or GG_PERF=1). */
static void
test_perf_4k (void)
{
  g_autoptr(GgRaster) pic = NULL;
  g_autoptr(GgRaster) back = NULL;
  g_autoptr(GBytes)   png = NULL;
  g_autoptr(GBytes)   jpeg = NULL;
  gint64              t;

  if (! g_test_perf () && g_getenv ("GG_PERF") == NULL)
    {
      gg_test_skip ("timings run with -m perf or GG_PERF=1");
      return;
    }
  pic = make_picture (4096, 4096, FALSE);

  t = g_get_monotonic_time ();
  png = gg_image_encode_png (pic, 6, NULL);
  g_printerr ("PNG encode 4096x4096 level 6: %.0f ms, %.1f MB\n",
              (g_get_monotonic_time () - t) / 1000.0, g_bytes_get_size (png) / 1e6);
  t = g_get_monotonic_time ();
  back = gg_image_decode (g_bytes_get_data (png, NULL), g_bytes_get_size (png), 0, NULL);
  g_printerr ("PNG decode: %.0f ms\n", (g_get_monotonic_time () - t) / 1000.0);
  t = g_get_monotonic_time ();
  g_assert_true (gg_image_verify (g_bytes_get_data (png, NULL), g_bytes_get_size (png), 0, NULL));
  g_printerr ("PNG verify: %.0f ms\n", (g_get_monotonic_time () - t) / 1000.0);
  g_assert_cmpmem (back->pixels, 4096 * 4096 * 4, pic->pixels, 4096 * 4096 * 4);
  g_clear_pointer (&back, gg_raster_free);

  t = g_get_monotonic_time ();
  jpeg = gg_image_encode_jpeg (pic, 90, NULL);
  g_printerr ("JPEG encode q90: %.0f ms, %.1f MB\n",
              (g_get_monotonic_time () - t) / 1000.0, g_bytes_get_size (jpeg) / 1e6);
  t = g_get_monotonic_time ();
  back = gg_image_decode (g_bytes_get_data (jpeg, NULL), g_bytes_get_size (jpeg), 0, NULL);
  g_printerr ("JPEG decode: %.0f ms\n", (g_get_monotonic_time () - t) / 1000.0);
  t = g_get_monotonic_time ();
  g_assert_true (gg_image_verify (g_bytes_get_data (jpeg, NULL), g_bytes_get_size (jpeg), 0, NULL));
  g_printerr ("JPEG verify: %.0f ms\n", (g_get_monotonic_time () - t) / 1000.0);
  g_assert_cmpfloat (psnr_rgb (pic, back), >, 35.0);
}

int
main (int argc, char **argv)
{
  int rc;

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/image/sniff", test_sniff);
  g_test_add_func ("/image/names", test_names);
  g_test_add_func ("/image/raster", test_raster);
  g_test_add_func ("/image/png-round-trip", test_png_round_trip);
  g_test_add_func ("/image/jpeg-round-trip", test_jpeg_round_trip);
  g_test_add_func ("/image/webp-round-trip", test_webp_round_trip);
  g_test_add_func ("/image/png-variants", test_png_variants);
  g_test_add_func ("/image/jpeg-variants", test_jpeg_variants);
  g_test_add_func ("/image/bomb", test_bomb);
  g_test_add_func ("/image/corrupt", test_corrupt);
  g_test_add_func ("/image/verify", test_verify);
  g_test_add_func ("/image/check", test_check);
  g_test_add_func ("/image/check-real-answers", test_check_real_answers);
  g_test_add_func ("/image/save-bytes-checked", test_save_bytes_checked);
  g_test_add_func ("/image/save-bytes-png-deep", test_save_bytes_png_deep);
  g_test_add_func ("/image/files", test_files);
  g_test_add_func ("/image/perf-4k", test_perf_4k);
  rc = g_test_run ();
  return gg_test_status (rc);
}
