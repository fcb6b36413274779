/* gimp2-dialog.h: the GTK 2 dialogs of the GIMP 2.10 plug-in (UI only). */
#pragma once

#include "gimp2.h"

G_BEGIN_DECLS

/* The dialog of @kind over @options' values (and style), @note shown
 * above the prompt; TRUE when OK was pressed (the values are then the
 * dialog's). */
gboolean gimp2_dialog     (Gimp2Kind     kind,
                           Gimp2Options *options,
                           gint32        image,
                           const gchar  *note);

G_END_DECLS
