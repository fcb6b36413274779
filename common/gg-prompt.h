/* gg-prompt.h: the wording the engine adds around the user's words.
 *
 * The sentences live in common/prompts.json (embedded), never in code, so
 * the user can read and change them in one place.  The file is parsed once
 * and kept for the life of the process; these functions are thread-safe.
 *
 * Who adds what:
 * - the caller (plug-in, CLI) turns the user's words into an edit prompt
 *   with gg_prompt_edit () and sets that as the request's prompt;
 * - gg_request_to_json () and gg_request_user_turn_json () add the role
 *   sentences themselves: for every image whose role is not GG_ROLE_INPUT,
 *   gg_prompt_role_sentence (role, n) is appended to the prompt text, n being
 *   the image's 1-based position among the images of that turn.  Callers
 *   must not add them again.
 */
#pragma once

#include <glib.h>
#include "gg-request.h"

G_BEGIN_DECLS

/* The edit prompt for @user_prompt (trailing white space and one final full
 * stop are dropped, the template supplies its own).  @selection TRUE and
 * @area non-NULL: the "edit_selection" wording, naming @area (such as "the
 * sky at the top left"); otherwise the whole-image "edit" wording.  Returns
 * a newly allocated string (g_free). */
gchar *gg_prompt_edit (const gchar *user_prompt,
                       gboolean     selection,
                       const gchar *area);

/* The sentence that tells the model what image @n (1-based) is for, or NULL
 * when the role needs none (GG_ROLE_INPUT).  GG_ROLE_HINT (a mask) uses
 * prompts.json's roles.hint when present, else edit_hint, which is worded
 * for the second image: NULL then for any other @n.  Newly allocated
 * (g_free). */
gchar *gg_prompt_role_sentence (GgImageRole role,
                                guint       n);

/* The template as stored under @key in prompts.json ("edit",
 * "edit_selection", "edit_hint", "roles.style", ...), NULL when absent.
 * Owned by the library (never free). */
const gchar *gg_prompt_template (const gchar *key);

G_END_DECLS
