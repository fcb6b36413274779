/* gimp-gemini: the sentences a front end's dialog shows before a run
 * (gg-run.h), worded once for both GIMP front ends.
 */

#include "gg-intl.h"
#include "gg-run.h"


gchar *
gg_run_edit_note (gboolean            style,
                  const gchar        *layer,
                  const GgHostCanvas *canvas)
{
  if (canvas->has_selection)
    return style ?
           g_strdup_printf (_("Restyling “%s”: the selection (%d × %d px) "
                              "and some context around it are sent."),
                            layer, canvas->selection.width,
                            canvas->selection.height) :
           g_strdup_printf (_("Editing “%s”: the selection (%d × %d px) "
                              "and some context around it are sent."),
                            layer, canvas->selection.width,
                            canvas->selection.height);

  return style ?
         g_strdup_printf (_("Restyling “%s”: nothing is selected, so the "
                            "whole layer is sent."), layer) :
         g_strdup_printf (_("Editing “%s”: nothing is selected, so the "
                            "whole layer is sent."), layer);
}

gchar *
gg_run_refine_note (const GgConversation      *conversation,
                    const GgConversationPlace *place)
{
  guint n = gg_conversation_n_turns (conversation);

  return g_strdup_printf (place->has_region ?
                          /* TRANSLATORS: %u exchanges, %s a model's name */
                          g_dngettext (GETTEXT_PACKAGE,
                                       "Continuing a conversation of %u "
                                       "exchange with %s, placed over the "
                                       "edited region.",
                                       "Continuing a conversation of %u "
                                       "exchanges with %s, placed over the "
                                       "edited region.", n) :
                          g_dngettext (GETTEXT_PACKAGE,
                                       "Continuing a conversation of %u "
                                       "exchange with %s.",
                                       "Continuing a conversation of %u "
                                       "exchanges with %s.", n),
                          n, place->model ? place->model :
                          _("the default model"));
}
