/* gg-ui-compat.h: the few widget calls that differ between GTK 2 (the
 * GIMP 2.10 plug-in) and GTK 3 (the GIMP 3 plug-in), for the sources in
 * plugin/ui/ that both plug-ins compile.  Each helper uses only what its
 * GTK version does not deprecate (GIMP 3's build makes deprecations
 * errors). */
#pragma once

#include <libgimp/gimp.h>
#include <libgimp/gimpui.h>

#include "gg-intl.h"

G_BEGIN_DECLS

/* A box of @spacing, laid out vertically or horizontally. */
static inline GtkWidget *
gg_ui_box_new (GtkOrientation orientation,
               gint           spacing)
{
#if GTK_CHECK_VERSION (3, 0, 0)
  return gtk_box_new (orientation, spacing);
#else
  return orientation == GTK_ORIENTATION_VERTICAL ?
         gtk_vbox_new (FALSE, spacing) : gtk_hbox_new (FALSE, spacing);
#endif
}

/* @label's text flush left, on lines of up to @chars characters
 * (0: as the label is). */
static inline void
gg_ui_label_left (GtkWidget *label,
                  gint       chars)
{
#if GTK_CHECK_VERSION (3, 0, 0)
  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  if (chars > 0)
    gtk_label_set_max_width_chars (GTK_LABEL (label), chars);
#else
  gtk_misc_set_alignment (GTK_MISC (label), 0.0, 0.5);
  if (chars > 0)
    gtk_label_set_width_chars (GTK_LABEL (label), chars);
#endif
}

/* A two-column layout of labels and entries (GtkGrid, GtkTable in GTK 2). */
static inline GtkWidget *
gg_ui_rows_new (void)
{
#if GTK_CHECK_VERSION (3, 0, 0)
  GtkWidget *rows = gtk_grid_new ();

  gtk_grid_set_row_spacing (GTK_GRID (rows), 4);
  gtk_grid_set_column_spacing (GTK_GRID (rows), 6);
#else
  GtkWidget *rows = gtk_table_new (1, 2, FALSE);

  gtk_table_set_row_spacings (GTK_TABLE (rows), 4);
  gtk_table_set_col_spacings (GTK_TABLE (rows), 6);
#endif
  return rows;
}

/* Puts @label and @entry (which takes the spare width) in row @row of
 * @rows, made by gg_ui_rows_new (). */
static inline void
gg_ui_rows_attach (GtkWidget *rows,
                   GtkWidget *label,
                   GtkWidget *entry,
                   guint      row)
{
#if GTK_CHECK_VERSION (3, 0, 0)
  gtk_widget_set_hexpand (entry, TRUE);
  gtk_grid_attach (GTK_GRID (rows), label, 0, row, 1, 1);
  gtk_grid_attach (GTK_GRID (rows), entry, 1, row, 1, 1);
#else
  guint n_rows;

  g_object_get (rows, "n-rows", &n_rows, NULL);
  if (row >= n_rows)
    gtk_table_resize (GTK_TABLE (rows), row + 1, 2);
  gtk_table_attach (GTK_TABLE (rows), label, 0, 1, row, row + 1,
                    GTK_FILL, GTK_FILL, 0, 0);
  gtk_table_attach (GTK_TABLE (rows), entry, 1, 2, row, row + 1,
                    GTK_EXPAND | GTK_FILL, GTK_FILL, 0, 0);
#endif
}

/* Tells the user what to type in @entry: @hint as the tooltip of @entry
 * and its @label, @example (untranslated words) as the entry's
 * placeholder; GTK 2 entries have none, there it goes under the hint. */
static inline void
gg_ui_entry_hint (GtkWidget   *entry,
                  GtkWidget   *label,
                  const gchar *hint,
                  const gchar *example)
{
#if GTK_CHECK_VERSION (3, 0, 0)
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), example);
  gimp_help_set_help_data (entry, hint, NULL);
  gimp_help_set_help_data (label, hint, NULL);
#else
  gchar *tooltip = g_strdup_printf (_("%s\nFor example: %s"), hint, example);

  gimp_help_set_help_data (entry, tooltip, NULL);
  gimp_help_set_help_data (label, tooltip, NULL);
  g_free (tooltip);
#endif
}

/* Destroys every child of @container. */
static inline void
gg_ui_container_clear (GtkWidget *container)
{
  GList *children = gtk_container_get_children (GTK_CONTAINER (container));
  GList *list;

  for (list = children; list; list = list->next)
    gtk_widget_destroy (list->data);
  g_list_free (children);
}

/* Indents @box, the content of an expander, under its title. */
static inline void
gg_ui_indent (GtkWidget *box)
{
#if GTK_CHECK_VERSION (3, 0, 0)
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_start (box, 12);
#else
  gtk_container_set_border_width (GTK_CONTAINER (box), 6);
#endif
}

G_END_DECLS
