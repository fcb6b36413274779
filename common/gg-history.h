/* gg-history.h: the recent prompts, kept in a file, searchable.
 *
 * The file is GG_HISTORY_FILE_NAME in a directory the caller chooses (the
 * plug-in gimp_directory (), the CLI gg_history_default_dir ()): a JSON
 * object {"version": 1, "prompts": ["most recent", ...]} holding prompts
 * and nothing else, written to a temporary file and renamed (never half
 * written), readable by the user only.  A prompt that looks like it holds
 * an API key is refused, so that a key pasted by mistake never reaches
 * the disk.
 *
 * Each change re-reads the file first, so that two processes (two plug-in
 * runs, the plug-in and the CLI on one directory) lose nothing but a race
 * within the same instant.  Not thread-safe: one GgHistory per thread.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define GG_HISTORY_FILE_NAME   "gemini-prompt-history.json"
#define GG_HISTORY_MAX_ENTRIES 200
/* Longer prompts are kept whole in the request but not in the history. */
#define GG_HISTORY_MAX_CHARS   8000

typedef struct _GgHistory GgHistory;

/* The history in @dir (created, 0700, when a prompt is first added).  A
 * missing file is an empty history; an unreadable or malformed one is an
 * error (GG_ERROR_IO), never silently overwritten.  gg_history_free. */
GgHistory *gg_history_open          (const gchar *dir,
                                     GError     **error);
void       gg_history_free          (GgHistory   *history);

/* The file's path.  Owned by @history. */
const gchar *gg_history_get_path    (const GgHistory *history);

/* Puts @prompt first (trimmed; an equal entry, compared without regard to
 * case and white space, is moved rather than repeated), keeps the newest
 * GG_HISTORY_MAX_ENTRIES and writes the file.  A blank prompt changes
 * nothing.  Errors: GG_ERROR_INVALID_REQUEST when @prompt looks like it
 * holds an API key or is longer than GG_HISTORY_MAX_CHARS (nothing is
 * written); GG_ERROR_IO. */
gboolean   gg_history_add           (GgHistory   *history,
                                     const gchar *prompt,
                                     GError     **error);

/* gg_history_add (), and also refused (GG_ERROR_INVALID_REQUEST, nothing
 * written) when @prompt contains @secret: the API key in use, whatever
 * its shape.  A NULL or short (< 8 characters) @secret is not checked. */
gboolean   gg_history_add_except    (GgHistory   *history,
                                     const gchar *prompt,
                                     const gchar *secret,
                                     GError     **error);

/* The prompts, most recent first.  g_strfreev. */
gchar    **gg_history_list          (const GgHistory *history);

/* The prompts that contain every word of @query, case-insensitively, as
 * substrings, most recent first ("red bik" finds "A red bicycle").  A
 * blank query: every prompt.  g_strfreev. */
gchar    **gg_history_search        (const GgHistory *history,
                                     const gchar     *query);

/* Forgets every prompt and removes the file.  GG_ERROR_IO. */
gboolean   gg_history_clear         (GgHistory   *history,
                                     GError     **error);

/* Where the CLI keeps its history: $XDG_STATE_HOME/gimp-gemini (default
 * ~/.local/state/gimp-gemini).  g_free. */
gchar     *gg_history_default_dir   (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GgHistory, gg_history_free)

G_END_DECLS
