/* floor: the codec floor of the issue-7 benchmark.
 *
 *   floor BODY.json [REPS] [full|rows|check]
 *
 * Reads a saved generateContent answer body, finds the image's base64 string
 * (the first "data" value), then REPS times: base64-decodes it straight from
 * the body (GLib, no copy of the string) and decodes the PNG (libpng) to
 * 8-bit RGBA, the way the engine does.  Prints
 * one line per repetition: "b64 SECONDS png SECONDS" (CLOCK_MONOTONIC), then
 * "rss_kb N" (peak RSS of this process, getrusage).  Neither the file read
 * nor the search is timed: they are not codec work.
 *
 * Mode "full" (default) keeps the whole raster as the engine does (width x
 * height x 4 bytes); "rows" decodes into one row buffer only, which is what
 * a check that the PNG is intact needs: same time, a fraction of the memory.
 * Mode "check" does not unfilter at all: chunk CRCs, the zlib stream inflated
 * into a small scratch buffer (Adler-32 checked by zlib), its length against
 * the IHDR, each row's filter byte: every way a damaged PNG fails libpng,
 * for about half the time (zlib only).
 *
 * Built by tests/bench/run.sh:  cc -O2 floor.c $(pkg-config --cflags --libs glib-2.0 libpng zlib)
 */
#include <glib.h>
#include <png.h>
#include <setjmp.h>
#include <zlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

typedef struct
{
  const guint8 *data;
  gsize         len;
  gsize         pos;
} Reader;

static void
read_mem (png_structp png, png_bytep out, png_size_t n)
{
  Reader *r = png_get_io_ptr (png);

  if (n > r->len - r->pos)
    png_error (png, "truncated");
  memcpy (out, r->data + r->pos, n);
  r->pos += n;
}

static double
now (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Returns a checksum of the pixels so that nothing is optimised away. */
static guint64
decode_png (const guint8 *data, gsize len, gboolean keep_all)
{
  png_structp       png;
  png_infop         info;
  Reader            r = { data, len, 0 };
  guint8 *volatile  pixels = NULL;
  png_bytep *volatile rows = NULL;
  volatile guint64  sum = 0;
  png_uint_32       w, h;
  int               depth, color, passes;
  gsize             stride;

  png = png_create_read_struct (PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
  info = png_create_info_struct (png);
  if (setjmp (png_jmpbuf (png)))
    {
      fprintf (stderr, "floor: bad PNG\n");
      exit (1);
    }
  png_set_read_fn (png, &r, read_mem);
  png_set_user_limits (png, 0x7fffffff, 0x7fffffff);
  png_read_info (png, info);
  png_get_IHDR (png, info, &w, &h, &depth, &color, NULL, NULL, NULL);
  png_set_expand (png);
  png_set_scale_16 (png);
  if (color == PNG_COLOR_TYPE_GRAY || color == PNG_COLOR_TYPE_GRAY_ALPHA)
    png_set_gray_to_rgb (png);
  png_set_add_alpha (png, 0xff, PNG_FILLER_AFTER);
  passes = png_set_interlace_handling (png);
  png_read_update_info (png, info);
  stride = (gsize) w * 4;
  if (keep_all)
    {
      pixels = g_malloc (stride * h);
      rows = g_new (png_bytep, h);
      for (png_uint_32 y = 0; y < h; y++)
        rows[y] = pixels + y * stride;
      png_read_image (png, rows);
      for (png_uint_32 y = 0; y < h; y += 97)
        sum += pixels[y * stride + (y % w) * 4];
    }
  else
    {
      pixels = g_malloc (stride);
      for (int p = 0; p < passes; p++)
        for (png_uint_32 y = 0; y < h; y++)
          {
            png_read_row (png, pixels, NULL);
            sum += pixels[(y % w) * 4];
          }
    }
  png_read_end (png, NULL);
  png_destroy_read_struct (&png, &info, NULL);
  g_free (rows);
  g_free (pixels);
  return sum;
}

static guint32
be32 (const guint8 *p)
{
  return (guint32) p[0] << 24 | (guint32) p[1] << 16 | (guint32) p[2] << 8 | p[3];
}

/* Returns the number of inflated bytes; exits on a damaged PNG. */
static guint64
check_png (const guint8 *data, gsize len)
{
  static guint8 scratch[256 * 1024];
  z_stream      z = { 0 };
  gsize         pos = 8;
  guint64       row = 0, total = 0, expect = 0, col = 0;
  gboolean      interlaced = FALSE, end = FALSE;
  int           ret = Z_OK;

  if (len < 8 || memcmp (data, "\x89PNG\r\n\x1a\n", 8) != 0 || inflateInit (&z) != Z_OK)
    goto bad;
  while (pos + 12 <= len && !end)
    {
      guint32       n = be32 (data + pos);
      const guint8 *type = data + pos + 4, *body = data + pos + 8;

      if (n > len - pos - 12
          || crc32 (crc32 (0, type, 4), body, n) != be32 (body + n))
        goto bad;
      if (memcmp (type, "IHDR", 4) == 0 && n == 13)
        {
          static const int channels[7] = { 1, 0, 3, 1, 2, 0, 4 };
          guint32 w = be32 (body), h = be32 (body + 4);
          int depth = body[8], color = body[9] <= 6 ? body[9] : 1;

          row = ((guint64) w * channels[color] * depth + 7) / 8 + 1;
          expect = row * h;
          interlaced = body[12] != 0;
        }
      else if (memcmp (type, "IDAT", 4) == 0)
        {
          z.next_in = (Bytef *) body;
          z.avail_in = n;
          while (z.avail_in > 0 && ret != Z_STREAM_END)
            {
              z.next_out = scratch;
              z.avail_out = sizeof scratch;
              ret = inflate (&z, Z_NO_FLUSH);
              if (ret != Z_OK && ret != Z_STREAM_END)
                goto bad;
              for (gsize i = 0, got = sizeof scratch - z.avail_out; i < got; )
                {
                  /* col: the position in the current row; 0 = filter byte. */
                  if (col == 0 && !interlaced && scratch[i] > 4)
                    goto bad;
                  gsize step = MIN (got - i, row - col);
                  i += step;
                  col = (col + step) % row;
                }
              total += sizeof scratch - z.avail_out;
            }
        }
      else if (memcmp (type, "IEND", 4) == 0)
        end = TRUE;
      pos += 12 + (gsize) n;
    }
  inflateEnd (&z);
  if (!end || ret != Z_STREAM_END || (!interlaced && total != expect))
    goto bad;
  return total;
bad:
  fprintf (stderr, "floor: damaged PNG\n");
  exit (1);
}

int
main (int argc, char **argv)
{
  gchar          *body = NULL;
  gsize           body_len = 0;
  GError         *error = NULL;
  const char     *start, *end;
  int             reps = argc > 2 ? atoi (argv[2]) : 7;
  gboolean        keep_all = !(argc > 3 && strcmp (argv[3], "rows") == 0);
  gboolean        check = argc > 3 && strcmp (argv[3], "check") == 0;
  guint64         sum = 0;
  struct rusage   ru;

  if (argc < 2)
    {
      fprintf (stderr, "usage: floor BODY.json [REPS] [full|rows|check]\n");
      return 2;
    }
  if (!g_file_get_contents (argv[1], &body, &body_len, &error))
    {
      fprintf (stderr, "floor: %s\n", error->message);
      return 1;
    }
  start = strstr (body, "\"data\"");
  if (start == NULL || (start = strchr (start + 6, '"')) == NULL
      || (end = strchr (start + 1, '"')) == NULL)
    {
      fprintf (stderr, "floor: no \"data\" string in %s\n", argv[1]);
      return 1;
    }
  start++;
  for (int i = 0; i < reps; i++)
    {
      /* Decoded straight from the span of the body (no copy of the
       * base64 string): the least a client must do. */
      gsize   cap = (end - start) / 4 * 3 + 3, len;
      gint    state = 0;
      guint   save = 0;
      double  t0 = now (), t1, t2;
      guchar *bytes = g_malloc (cap);

      len = g_base64_decode_step (start, end - start, bytes, &state, &save);
      t1 = now ();
      sum += check ? check_png (bytes, len) : decode_png (bytes, len, keep_all);
      t2 = now ();
      g_free (bytes);
      printf ("b64 %.6f png %.6f\n", t1 - t0, t2 - t1);
    }
  getrusage (RUSAGE_SELF, &ru);
  printf ("rss_kb %ld\n", ru.ru_maxrss);
  fprintf (stderr, "checksum %llu, body %zu bytes\n", (unsigned long long) sum, body_len);
  g_free (body);
  return 0;
}
