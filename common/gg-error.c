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

gchar *
gg_redact (const gchar *text,
           const gchar *secret)
{
  GString     *out;
  const gchar *p;
  const gchar *hit;
  gsize        secret_len;

  if (text == NULL)
    return NULL;
  if (secret == NULL || secret[0] == '\0')
    return g_strdup (text);

  secret_len = strlen (secret);
  out = g_string_sized_new (strlen (text));
  p = text;
  while ((hit = strstr (p, secret)) != NULL)
    {
      g_string_append_len (out, p, hit - p);
      g_string_append (out, "[redacted]");
      p = hit + secret_len;
    }
  g_string_append (out, p);

  return g_string_free (out, FALSE);
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
