/* gg-catalogue.h: the model catalogue: the built-in one (common/catalogue.json,
 * embedded), with a user's catalogue.json merged over it.
 *
 * Everything that knows about models (CLI, plug-ins, request builder, region
 * planner, tests) reads it from here.  Model names stay free text: an unknown
 * name yields NULL from gg_catalogue_lookup () and is sent unchecked, with
 * sizes and ratios as chosen and the cost unknown.  A retired name is known
 * as retired (gg_catalogue_retired ()): requests to it are refused before
 * sending, with a sentence naming the replacement; the model is never
 * switched silently.
 *
 * Models come and go without a release: gg_catalogue_load_user () merges a
 * file of the same shape (the CLI's $XDG_CONFIG_HOME/gimp-gemini/
 * catalogue.json, a plug-in's file in the GIMP profile) over the built-in
 * catalogue, entry by entry, and every entry says which file it came from.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define GG_CATALOGUE_BUILT_IN "built-in"

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
  const gchar *const *sizes;    /* NULL-terminated imageSize values; empty: no imageSize
                                 * (unless sizes_open) */
  const gchar *const *ratios;   /* NULL-terminated aspect ratios, catalogue order */
  const gchar  *default_size;   /* key of the dimension table used when no size is sent */
  gint          max_input_images;  /* 0: not known, not checked */
  gint          max_objects;
  gint          max_people;
  gboolean      thinking;
  gboolean      answers_jpeg;
  gdouble       price_input;        /* USD per million tokens; < 0: not known */
  gdouble       price_text_output;
  gdouble       price_image_output;

  /* Since the catalogue of December 2026. */
  const gchar *const *thinking_levels;  /* NULL-terminated, upper case ("MINIMAL");
                                         * empty: the model takes no level;
                                         * NULL: not known, any level is sent */
  const gchar  *availability;       /* "open", or "existing-projects": served
                                     * only to projects that used it before */
  const gchar  *availability_note;  /* may be NULL */
  const gchar  *replacement;        /* for a model closing down; may be NULL */
  const gchar  *price_source;       /* where the prices come from; may be NULL */
  gboolean      dimensions_estimated; /* the table is derived, not documented */
  gboolean      sizes_open;         /* a user's entry without "sizes": any size is
                                     * sent as chosen */
  gboolean      ratios_open;        /* likewise without "dimensions" */
  const gchar  *source;             /* GG_CATALOGUE_BUILT_IN or the user file's path */
  gboolean      overrides_built_in; /* a user's entry merged over a built-in one */

  /* private */
  GPtrArray    *dims;           /* of GgDimensions */
  GHashTable   *image_tokens;   /* size -> GINT_TO_POINTER (tokens) */
} GgModel;

/* A model the service no longer serves (it answers 404 NOT_FOUND). */
typedef struct
{
  const gchar *name;
  const gchar *shut_down;        /* "2026-06-25" */
  const gchar *replacement;      /* never NULL */
  const gchar *replacement_new;  /* for projects that cannot use @replacement
                                  * (it is closed to new ones); may be NULL */
  const gchar *note;             /* may be NULL */
  const gchar *source;           /* GG_CATALOGUE_BUILT_IN or the user file's path */
} GgRetired;

/* All models, catalogue order; owned by the catalogue (never free).  Every
 * pointer the catalogue gives stays valid for the life of the process, also
 * after gg_catalogue_load_user (): a loaded catalogue replaces the current
 * one for later calls, the old one is kept. */
const GgModel *const *gg_catalogue_models (void);
guint                 gg_catalogue_n_models (void);
const gchar          *gg_catalogue_default_model (void);

/* By name or alias, with or without the API's "models/" prefix (case
 * matters); NULL for an unknown (free-text) or retired model. */
const GgModel *gg_catalogue_lookup (const gchar *name);

/* The retired model of this name (with or without "models/"); NULL when
 * the name is not retired, or when a model of the catalogue has it (a
 * user's entry can bring a name back). */
const GgRetired       *gg_catalogue_retired      (const gchar *name);
/* All retired models, NULL-terminated; never free. */
const GgRetired *const *gg_catalogue_retired_list (void);

/* The sentence for a request to a retired model, naming the replacement:
 * "gemini-3-pro-image-preview was shut down on 2026-06-25; use
 * gemini-3-pro-image."  NULL when @name is not retired.  g_free. */
gchar *gg_catalogue_retired_sentence (const gchar *name);

/* The user's catalogue of the CLI: $XDG_CONFIG_HOME/gimp-gemini/
 * catalogue.json (the file need not exist).  g_free. */
gchar *gg_catalogue_user_path (void);

/* Merges the catalogue file at @path over the built-in catalogue, for the
 * rest of the process (a later call starts again from the built-in one;
 * @path NULL: the built-in one alone).  The file has the shape of
 * common/catalogue.json, every part optional: a model whose name (or
 * alias) is built in replaces the fields it gives; a new model needs only
 * its "name" (what it leaves out is not checked: sizes and ratios are sent
 * as chosen, the cost is unknown); "retired" entries are added or replace
 * those of the same name; "default_model" replaces the default.  A missing
 * file is no error (TRUE).  A file that cannot be read or is malformed:
 * FALSE with a sentence naming the file and the problem (GG_ERROR_IO or
 * GG_ERROR_INVALID_REQUEST), and the built-in catalogue stays in use. */
gboolean gg_catalogue_load_user (const gchar *path, GError **error);

/* TRUE when the model accepts an imageSize at all. */
gboolean gg_model_has_sizes (const GgModel *model);
gboolean gg_model_has_size  (const GgModel *model, const gchar *size);
gboolean gg_model_has_ratio (const GgModel *model, const gchar *ratio);
/* TRUE when @level (any case) may be sent to the model (always for a model
 * whose levels are not known). */
gboolean gg_model_has_thinking_level (const GgModel *model, const gchar *level);
/* TRUE when all three prices are known. */
gboolean gg_model_prices_known (const GgModel *model);

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

/* Output tokens billed for one image at @size (NULL: default size); 0 when
 * not known. */
gint gg_model_image_tokens (const GgModel *model, const gchar *size);

G_END_DECLS
