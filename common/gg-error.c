/* gg-error.c: the error domain, what is worth retrying, and the helpers
 * that keep messages safe to show (redaction, excerpts). */
#include "gg-error.h"

#include <string.h>

G_DEFINE_QUARK (gg-error-quark, gg_error)

gboolean
gg_error_is_retryable (const GError *error)
{
  if (error == NULL || error->domain != GG_ERROR)
    return FALSE;

  switch ((GgErrorCode) error->code)
    {
    case GG_ERROR_NETWORK:
    case GG_ERROR_TIMEOUT:      /* includes 408 */
    case GG_ERROR_QUOTA:        /* 429, but never GG_ERROR_QUOTA_ZERO */
    case GG_ERROR_SERVER:       /* 500, 502 */
    case GG_ERROR_OVERLOADED:   /* 503 */
    case GG_ERROR_DEADLINE:     /* 504 */
      return TRUE;
    default:
      return FALSE;
    }
}

/* The keys this process has read (gg_redact_register), never freed: a
 * message made after the client is gone must still lose them. */
static GMutex     secrets_lock;
static GPtrArray *secrets;

void
gg_redact_register (const gchar *secret)
{
  if (secret == NULL || strlen (secret) < GG_REDACT_MIN_PIECE)
    return;
  g_mutex_lock (&secrets_lock);
  if (secrets == NULL)
    secrets = g_ptr_array_new ();
  for (guint i = 0; i < secrets->len; i++)
    if (strcmp (g_ptr_array_index (secrets, i), secret) == 0)
      {
        g_mutex_unlock (&secrets_lock);
        return;
      }
  g_ptr_array_add (secrets, g_strdup (secret));
  g_mutex_unlock (&secrets_lock);
}

/* The length of the longest piece of @secret (GG_REDACT_MIN_PIECE
 * characters or more; the whole of a shorter secret) that @text starts
 * with; 0 when none. */
static gsize
piece_at (const gchar *text,
          const gchar *secret,
          gsize        secret_len)
{
  gsize best = 0;

  if (secret_len < GG_REDACT_MIN_PIECE)
    return strncmp (text, secret, secret_len) == 0 ? secret_len : 0;
  for (gsize j = 0; j + GG_REDACT_MIN_PIECE <= secret_len; j++)
    {
      gsize n = 0;

      if (text[0] != secret[j])
        continue;
      /* The secret holds no NUL, so the text's end stops the match. */
      while (j + n < secret_len && text[n] == secret[j + n])
        n++;
      if (n >= GG_REDACT_MIN_PIECE && n > best)
        best = n;
    }
  return best;
}

gchar *
gg_redact (const gchar *text,
           const gchar *secret)
{
  g_autoptr(GPtrArray) all = g_ptr_array_new ();
  g_autofree gsize    *lengths = NULL;
  GString             *out;
  const gchar         *p;

  if (text == NULL)
    return NULL;
  if (secret != NULL && secret[0] != '\0')
    g_ptr_array_add (all, (gpointer) secret);
  g_mutex_lock (&secrets_lock);
  for (guint i = 0; secrets != NULL && i < secrets->len; i++)
    g_ptr_array_add (all, g_ptr_array_index (secrets, i));
  g_mutex_unlock (&secrets_lock);
  if (all->len == 0)
    return g_strdup (text);

  lengths = g_new (gsize, all->len);
  for (guint i = 0; i < all->len; i++)
    lengths[i] = strlen (g_ptr_array_index (all, i));
  out = g_string_sized_new (strlen (text));
  p = text;
  while (*p != '\0')
    {
      gsize best = 0;

      for (guint i = 0; i < all->len; i++)
        best = MAX (best, piece_at (p, g_ptr_array_index (all, i), lengths[i]));
      if (best > 0)
        {
          g_string_append (out, "[redacted]");
          p += best;
        }
      else
        g_string_append_c (out, *p++);
    }

  return g_string_free (out, FALSE);
}

void
gg_error_redact (GError      *error,
                 const gchar *secret)
{
  gchar *clean;

  if (error == NULL)
    return;
  clean = gg_redact (error->message, secret);
  g_free (error->message);
  error->message = clean;
}

/* The few entities a proxy's error page is likely to use. */
static const struct
{
  const gchar *name;
  const gchar *text;
} entities[] =
{
  { "&amp;",  "&"  },
  { "&lt;",   "<"  },
  { "&gt;",   ">"  },
  { "&quot;", "\"" },
  { "&#39;",  "'"  },
  { "&apos;", "'"  },
  { "&nbsp;", " "  },
};

gchar *
gg_excerpt (const gchar *text,
            gssize       length,
            guint        max_chars,
            gboolean     strip_tags)
{
  g_autofree gchar *valid = NULL;
  GString          *out;
  const gchar      *p;
  guint             n_chars = 0;
  gboolean          space = FALSE;
  gboolean          cut = FALSE;
  gsize             full_len;
  gsize             len;

  if (text == NULL)
    return g_strdup ("");

  full_len = length < 0 ? strlen (text) : (gsize) length;
  /* Error pages are small; a huge body only needs its start. */
  len = MIN (full_len, 64 * 1024);
  valid = g_utf8_make_valid (text, len);
  /* The key goes before anything is cut, so no piece of it survives at
   * the cut. */
  {
    gchar *clean = gg_redact (valid, NULL);

    g_free (valid);
    valid = clean;
  }

  out = g_string_sized_new (MIN (len, max_chars * 4) + 4);
  p = valid;
  while (*p != '\0')
    {
      gunichar c;

      if (strip_tags && *p == '<')
        {
          const gchar *end;
          const gchar *close = NULL;

          /* What a style sheet or script says is not the page's message. */
          if (g_ascii_strncasecmp (p, "<style", 6) == 0)
            close = "</style";
          else if (g_ascii_strncasecmp (p, "<script", 7) == 0)
            close = "</script";
          if (close != NULL)
            {
              const gchar *q = p + 1;

              while ((q = strchr (q, '<')) != NULL
                     && g_ascii_strncasecmp (q, close, strlen (close)) != 0)
                q++;
              p = q ? q : p + strlen (p);
            }
          end = strchr (p, '>');
          p = end ? end + 1 : p + strlen (p);
          space = TRUE;
          continue;
        }
      if (strip_tags && *p == '&')
        {
          gboolean replaced = FALSE;

          for (guint i = 0; i < G_N_ELEMENTS (entities); i++)
            if (g_str_has_prefix (p, entities[i].name))
              {
                if (entities[i].text[0] == ' ')
                  space = TRUE;
                else
                  {
                    if (space && out->len > 0)
                      {
                        if (n_chars >= max_chars)
                          {
                            cut = TRUE;
                            break;
                          }
                        g_string_append_c (out, ' ');
                        n_chars++;
                      }
                    space = FALSE;
                    if (n_chars >= max_chars)
                      {
                        cut = TRUE;
                        break;
                      }
                    g_string_append (out, entities[i].text);
                    n_chars++;
                  }
                p += strlen (entities[i].name);
                replaced = TRUE;
                break;
              }
          if (cut)
            break;
          if (replaced)
            continue;
        }

      c = g_utf8_get_char (p);
      p = g_utf8_next_char (p);
      if (g_unichar_isspace (c) || g_unichar_iscntrl (c)
          || g_unichar_type (c) == G_UNICODE_FORMAT)
        {
          space = TRUE;
          continue;
        }
      if (space && out->len > 0)
        {
          if (n_chars >= max_chars)
            {
              cut = TRUE;
              break;
            }
          g_string_append_c (out, ' ');
          n_chars++;
        }
      space = FALSE;
      if (n_chars >= max_chars)
        {
          cut = TRUE;
          break;
        }
      g_string_append_unichar (out, c);
      n_chars++;
    }

  /* Also mark the cut when the body went on past what was looked at. */
  if (!cut && full_len > len)
    cut = TRUE;
  if (cut)
    {
      while (out->len > 0 && out->str[out->len - 1] == ' ')
        g_string_truncate (out, out->len - 1);
      g_string_append (out, "…");
    }

  return g_string_free (out, FALSE);
}
