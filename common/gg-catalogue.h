/* gg-catalogue.h: the one model catalogue (common/catalogue.json, embedded).
 *
 * Everything that knows about models (CLI, plug-in, request builder, region
 * planner, tests) reads it from here.  Model names stay free text: an unknown
 * name yields NULL from gg_catalogue_lookup () and is sent unchecked.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  const gchar *size;            /* "1K" */
  const gchar *ratio;           /* "16:9" */
  gint         width;
  gint         height;
} GgDimensions;

typedef struct
{
  const gchar  *name;           /* canonical name sent to the API */
  const gchar  *label;          /* for menus */
  const gchar *const *aliases;  /* NULL-terminated; other names of the same model */
  const gchar *const *sizes;    /* NULL-terminated imageSize values; empty: no imageSize */
  const gchar *const *ratios;   /* NULL-terminated aspect ratios, catalogue order */
  const gchar  *default_size;   /* key of the dimension table used when no size is sent */
  gint          max_input_images;
  gint          max_objects;
  gint          max_people;
  gboolean      thinking;
  gboolean      answers_jpeg;
  gdouble       price_input;        /* USD per million tokens */
  gdouble       price_text_output;
  gdouble       price_image_output;
  /* private */
  GPtrArray    *dims;           /* of GgDimensions */
  GHashTable   *image_tokens;   /* size -> GINT_TO_POINTER (tokens) */
} GgModel;

/* All models, catalogue order; owned by the catalogue (never free). */
const GgModel *const *gg_catalogue_models (void);
guint                 gg_catalogue_n_models (void);
const gchar          *gg_catalogue_default_model (void);

/* By name or alias, with or without the API's "models/" prefix (case
 * matters); NULL for an unknown (free-text) model. */
const GgModel *gg_catalogue_lookup (const gchar *name);

/* TRUE when the model accepts an imageSize at all. */
gboolean gg_model_has_sizes (const GgModel *model);
gboolean gg_model_has_size  (const GgModel *model, const gchar *size);
gboolean gg_model_has_ratio (const GgModel *model, const gchar *ratio);

/* Output dimensions for a size (NULL: the default) and ratio.  FALSE when the
 * combination is not in the catalogue. */
gboolean gg_model_output_size (const GgModel *model,
                               const gchar   *size,
                               const gchar   *ratio,
                               gint          *width,
                               gint          *height);

/* The supported ratio nearest to width:height (in log space). */
const gchar *gg_model_nearest_ratio (const GgModel *model,
                                     gint           width,
                                     gint           height);

/* Output tokens billed for one image at @size (NULL: default size). */
gint gg_model_image_tokens (const GgModel *model, const gchar *size);

G_END_DECLS
