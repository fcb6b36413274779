/* gg-error.h: the one error model of the engine.
 *
 * Every failure reaches the caller as a GError in GG_ERROR with a code the UI
 * can act on and a message that is one sentence naming the cause and the
 * remedy.  Messages never contain the API key.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define GG_ERROR (gg_error_quark ())
GQuark gg_error_quark (void);

typedef enum
{
  GG_ERROR_FAILED,            /* anything not covered below */
  GG_ERROR_NO_KEY,            /* no API key configured */
  GG_ERROR_INVALID_REQUEST,   /* refused before sending: the API would reject it */
  GG_ERROR_INSECURE_URL,      /* http to a non-loopback host, or a malformed base URL */
  GG_ERROR_NETWORK,           /* could not connect, reset, DNS, TLS */
  GG_ERROR_TIMEOUT,           /* connect timeout, stall (low-speed limit), total limit */
  GG_ERROR_CANCELLED,         /* the caller cancelled */
  GG_ERROR_BAD_KEY,           /* 400 API_KEY_INVALID, 401, 403 on key */
  GG_ERROR_PERMISSION,        /* 403 PERMISSION_DENIED for other reasons */
  GG_ERROR_BILLING,           /* 400 FAILED_PRECONDITION: billing needed in region */
  GG_ERROR_CREDITS,           /* 402: prepaid credits used up */
  GG_ERROR_QUOTA,             /* 429: rate or quota limit (retryable) */
  GG_ERROR_QUOTA_ZERO,        /* 429 with a limit of 0 (quotaValue, or "limit: 0" in the
                               * message): the tier has no quota at all */
  GG_ERROR_MODEL_NOT_FOUND,   /* 404 for the model, or a retired model refused before sending */
  GG_ERROR_BAD_ARGUMENT,      /* 400 INVALID_ARGUMENT from the server */
  GG_ERROR_SERVER,            /* 500, 502 */
  GG_ERROR_OVERLOADED,        /* 503 */
  GG_ERROR_DEADLINE,          /* 504 */
  GG_ERROR_BAD_RESPONSE,      /* non-JSON (proxy HTML), truncated, malformed answer */
  GG_ERROR_TOO_LARGE,         /* a limit was hit: body size, pixel count, image count */
  GG_ERROR_BLOCKED,           /* promptFeedback.blockReason */
  GG_ERROR_SAFETY,            /* finishReason SAFETY / IMAGE_SAFETY / PROHIBITED... */
  GG_ERROR_NO_IMAGE,          /* the answer held no image (text only, NO_IMAGE, ...) */
  GG_ERROR_IMAGE,             /* an image could not be decoded or encoded */
  GG_ERROR_IO,                /* reading or writing a local file */
  GG_ERROR_QUOTA_DAILY,       /* 429 of a per-day quota: no wait short of the daily reset helps */
} GgErrorCode;

/* TRUE when an error of this code is worth retrying (before a complete
 * answer arrived): connection failures, timeouts, 408, 429 (not zero quota),
 * 500, 502, 503, 504. */
gboolean gg_error_is_retryable (const GError *error);

/* Shorter runs of a key's characters are not taken for a piece of it. */
#define GG_REDACT_MIN_PIECE 8

/* Replaces, in @text, @secret and every key passed to gg_redact_register ()
 * with "[redacted]": whole, and every piece of GG_REDACT_MIN_PIECE or more
 * characters in a row of it (what is left at a cut, or a key quoted in
 * parts).  A secret shorter than that is replaced only whole.  @secret may
 * be NULL (the registered keys only).  Every message that may hold text
 * from a server passes here, before any truncation (gg_excerpt () does
 * it itself).  Returns a newly allocated string (free with g_free); NULL
 * for a NULL @text. */
gchar *gg_redact (const gchar *text, const gchar *secret);

/* Remembers @secret (copied) for every later gg_redact () in this process.
 * gg_client_new () and the key store call it with every key they read.
 * Thread-safe; keys shorter than GG_REDACT_MIN_PIECE are not remembered. */
void gg_redact_register (const gchar *secret);

/* gg_redact () on @error's message, in place.  @error may be NULL. */
void gg_error_redact (GError *error, const gchar *secret);

/* A short, printable, single-line excerpt of @text (for messages about
 * bodies that are not what was expected), with the keys redacted first
 * (gg_redact () with the registered keys): at most @max_chars characters
 * (an ellipsis "…" added when cut), invalid UTF-8 replaced, control
 * characters and runs of white space folded into one space.  @strip_tags:
 * HTML/XML tags are dropped (replaced by a space) and the common entities
 * decoded, so a proxy's error page reads as its words.  @length -1: @text
 * is NUL-terminated.  Only the first 64 KiB are looked at.  Returns a newly
 * allocated string, "" when nothing printable is left (free with g_free). */
gchar *gg_excerpt (const gchar *text,
                   gssize       length,
                   guint        max_chars,
                   gboolean     strip_tags);

G_END_DECLS
