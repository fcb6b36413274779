/* gg-test-host.h: a fake host of the engine's runs (gg-run.h) for the
 * unit tests: rasters in memory (a textured layer in a grey image), a
 * selection, recorded inserts, a progress that can cancel; and the fake
 * server's log, read as the requests' words and images. */
#pragma once

#include <cjson/cJSON.h>

#include "gg-run.h"
#include "gg-test-util.h"

#define IMAGE_W  400
#define IMAGE_H  300
#define LAYER_X  10          /* the edited layer's place in the image */
#define LAYER_Y  20
#define LAYER_W  320
#define LAYER_H  240

/* The selection the edits use: 80 x 80 at (150, 110) of the image,
 * inside the layer. */
#define GG_TEST_SEL ((GgRect) { 150, 110, 80, 80 })

/* An edit's options: the defaults, "add a red balloon", with the hint. */
void          gg_test_edit_options    (GgRunOptions *options);

/* The fake server the tests talk to. */
extern GgFakeServer *gg_test_run_server;

/* Starts it (instant, quiet, small signatures) and points the engine at
 * it, before any thread exists (setenv is not thread-safe); call after
 * g_test_init ().  gg_test_run_end () stops it and gives the exit status
 * of g_test_run ()'s @status (gg_test_status ()). */
void          gg_test_run_start       (void);
gint          gg_test_run_end         (gint status);

typedef struct
{
  GgRaster  *raster;
  gint       x, y;
  GgMask    *mask;
} GgTestPiece;

typedef struct
{
  GgHost      host;
  gchar      *profile;
  GgRaster   *layer;         /* LAYER_W x LAYER_H at (LAYER_X, LAYER_Y) */
  GgRaster   *image;         /* what is visible, IMAGE_W x IMAGE_H */
  GgMask     *selection;     /* IMAGE_W x IMAGE_H coverage, or NULL */
  GPtrArray  *references;    /* of GgRunReference* to give, or NULL */
  gboolean    fail_begin;
  gboolean    fail_insert;
  const gchar *cancel_at;    /* progress text holding this cancels */
  gint        cancel_after;  /* ... or the progress call of this number */
  gchar      *conversation;  /* kept: its JSON, NULL when forgotten */
  gchar      *place;         /* ... and its place (GG_PLACE_PARASITE text) */
  gint        stores;        /* conversation_store () calls */

  /* Recorded: */
  gint        progress_calls;
  gint        begins, inserts, ends_ok, ends_failed, reports;
  gboolean    new_image;
  guint32     previous_id;
  gboolean    mask_from_previous;
  GPtrArray  *pieces;        /* of GgTestPiece* */
  gint        thoughts;
  gchar      *report;
  gboolean    partial;
} GgTestHost;

/* A host over a textured layer in a grey image; @sel (image coordinates,
 * width 0: none) fully selected.  gg_test_host_free. */
GgTestHost   *gg_test_host_new        (GgRect sel);
void          gg_test_host_free       (GgTestHost *h);
/* Its canvas (the GgHostClass function, for the plan's tests). */
gboolean      gg_test_host_canvas     (GgHost *host, gboolean visible,
                                       GgHostCanvas *out, GError **error);
/* The files in the host's recovery folder. */
guint         gg_test_recovered       (GgTestHost *h);
/* A textured picture (gg_raster_free). */
GgRaster     *gg_test_texture         (gint width, gint height, gint seed);

/* The server reset to @scenario. */
void          gg_test_server_reset    (const gchar *scenario);
/* The generateContent requests it logged (cJSON_Delete). */
cJSON        *gg_test_server_requests (void);
/* A logged request's last user turn: its parts, its words (g_free), its
 * @n-th image's description ({bytes, sha256, format, width, height}) or
 * NULL. */
const cJSON  *gg_test_user_parts      (const cJSON *entry);
gchar        *gg_test_user_text       (const cJSON *entry);
const cJSON  *gg_test_user_image      (const cJSON *entry, gint n);
gint          gg_test_json_int        (const cJSON *object, const gchar *name);
const gchar  *gg_test_json_string     (const cJSON *object, const gchar *name);
gchar        *gg_test_sha256          (GBytes *bytes);
