/* base64.c: the project's strict base64 decoder (common/gg-response.c)
 * against GLib's g_base64_decode_step and g_base64_decode_inplace on the
 * image string of a benchmark body (tests/bench/bodies.py), issue 17.
 *
 *   base64 BODY.json     prints the median of 7 runs of each, in MB/s
 *
 * GLib's decoder skips characters outside the alphabet and knows only the
 * standard alphabet; the answer must be refused when it holds such
 * characters, so the GLib figures are also given with the alphabet check
 * (one table lookup a character) that the project would have to add. */

#include "../../common/gg-response.c"

static gint
cmp_double (gconstpointer a, gconstpointer b)
{
  gdouble x = *(const gdouble *) a, y = *(const gdouble *) b;

  return x < y ? -1 : x > y;
}

static gboolean
alphabet_ok (const guint8 *s, gsize n)
{
  static guint8 ok[256];
  guint8        bad = 0;

  if (!ok['A'])
    {
      const gchar *a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=";

      memset (ok, 1, sizeof ok);
      for (; *a; a++)
        ok[(guint8) *a] = 0;
    }
  for (gsize i = 0; i < n; i++)
    bad |= ok[s[i]];
  return bad == 0;
}

int
main (int argc, char **argv)
{
  gchar  *body, *start, *end, *copy;
  gsize   body_len, len, out_len = 0;
  guint8 *out;
  gdouble t[4][7];
  const gchar *names[4] = { "hand-written (gg-response.c, strict)",
                            "g_base64_decode_step (not strict)",
                            "g_base64_decode_inplace (not strict)",
                            "g_base64_decode_step + alphabet check" };

  if (argc != 2 || !g_file_get_contents (argv[1], &body, &body_len, NULL))
    {
      g_printerr ("usage: base64 BODY.json\n");
      return 2;
    }
  start = strstr (body, "\"data\": \"");
  if (start == NULL)
    return 2;
  start += 9;
  end = strchr (start, '"');
  len = (gsize) (end - start);
  out = g_malloc (len / 4 * 3 + 3);
  copy = g_malloc (len + 1);

  for (gint r = 0; r < 7; r++)
    {
      gint64 t0;
      gint   state = 0;
      guint  save = 0;
      gsize  n;

      t0 = g_get_monotonic_time ();
      if (!base64_decode (start, len, out, &n))
        return 1;
      t[0][r] = (g_get_monotonic_time () - t0) / 1e6;
      out_len = n;

      t0 = g_get_monotonic_time ();
      n = g_base64_decode_step (start, len, out, &state, &save);
      t[1][r] = (g_get_monotonic_time () - t0) / 1e6;
      if (n != out_len)
        return 1;

      memcpy (copy, start, len);
      copy[len] = 0;
      t0 = g_get_monotonic_time ();
      g_base64_decode_inplace (copy, &n);
      t[2][r] = (g_get_monotonic_time () - t0) / 1e6;
      if (n != out_len)
        return 1;

      state = 0;
      save = 0;
      t0 = g_get_monotonic_time ();
      if (!alphabet_ok ((const guint8 *) start, len))
        return 1;
      n = g_base64_decode_step (start, len, out, &state, &save);
      t[3][r] = (g_get_monotonic_time () - t0) / 1e6;
    }
  g_print ("%.1f MB of base64 -> %.1f MB\n", len / 1e6, out_len / 1e6);
  for (gint k = 0; k < 4; k++)
    {
      qsort (t[k], 7, sizeof (gdouble), cmp_double);
      g_print ("%-40s median %.3f s  %.0f MB/s of base64\n", names[k], t[k][3], len / 1e6 / t[k][3]);
    }
  return 0;
}
