/* gg-files.h: the Gemini Files API, for inputs too large to send inline.
 *
 * An upload is the resumable protocol: "start" (the server answers with the
 * upload URL and its chunk granularity), then the bytes in chunks of that
 * granularity ("upload" at X-Goog-Upload-Offset, "upload, finalize" for the
 * last).  After a failed chunk a "query" asks how many bytes the server
 * kept, and the upload resumes from there: finished chunks are never sent
 * twice.  Chunks are sent from the caller's buffer, never copied.  The file
 * is then polled until ACTIVE and referred to by its URI in a fileData
 * part.  Files expire after 48 h.
 * A small cache (a JSON file in a folder the caller names) remembers the
 * uploads by the SHA-256 of their content, so that a repeated edit of the
 * same source within the lifetime reuses the upload.  Calls block, like
 * those of gg-client.h; progress goes through the client's callback.
 */
#pragma once

#include "gg-client.h"

G_BEGIN_DECLS

typedef enum
{
  GG_FILE_STATE_UNKNOWN,
  GG_FILE_STATE_PROCESSING,
  GG_FILE_STATE_ACTIVE,
  GG_FILE_STATE_FAILED,
} GgFileState;

typedef struct
{
  gchar       *name;             /* "files/abc123" */
  gchar       *uri;              /* for fileData.fileUri */
  gchar       *mime_type;
  gchar       *display_name;     /* may be NULL */
  gint64       size_bytes;       /* -1 when not given */
  GgFileState  state;
  gchar       *state_name;       /* as the server wrote it; NULL when absent */
  gint64       expires;          /* Unix seconds; 0 when unknown */
  gchar       *expiration_time;  /* RFC 3339 as given; may be NULL */
  gchar       *error_message;    /* FAILED: the server's reason; may be NULL */
} GgFile;

void    gg_file_free (GgFile *file);
GgFile *gg_file_copy (const GgFile *file);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GgFile, gg_file_free)

/* A File object, or {"file": File} as the upload answers.  NULL with
 * GG_ERROR_BAD_RESPONSE when it has no name.  gg_file_free. */
GgFile *gg_file_parse (const gchar *json, gsize length, GError **error);

/* Uploads @data (the resumable protocol, in chunks, resumed after a failed
 * one).  The answer may still be PROCESSING: see gg_files_wait_active ().
 * gg_file_free. */
GgFile *gg_files_upload (GgClient     *client,
                         GBytes       *data,
                         const gchar  *mime_type,
                         const gchar  *display_name,
                         GCancellable *cancellable,
                         GError      **error);

/* One page of a files.list answer ({"files": [...], "nextPageToken"}):
 * appends its files (GgFile*) to @files, skipping items that are not
 * files; returns the next page's token (g_free), NULL on the last page
 * or when the text is not such an answer. */
gchar  *gg_files_parse_page (const gchar *json, gsize length, GPtrArray *files);

/* GET files/{id}; @name: "files/abc" or "abc".  gg_file_free. */
GgFile *gg_files_get    (GgClient *client, const gchar *name,
                         GCancellable *cancellable, GError **error);
gboolean gg_files_delete (GgClient *client, const gchar *name,
                          GCancellable *cancellable, GError **error);
/* Every file of the project (all pages), GgFile*; g_ptr_array_unref. */
GPtrArray *gg_files_list (GgClient *client, GCancellable *cancellable, GError **error);
/* The content of a generated file (batch results): GET
 * download/v1beta/files/{id}:download?alt=media.  g_bytes_unref. */
GBytes  *gg_files_download (GgClient *client, const gchar *name,
                            GCancellable *cancellable, GError **error);

/* Polls @file until ACTIVE (returned, gg_file_free), every @interval s
 * (0: 1 s), for at most @timeout s (0: 300).  FAILED gives
 * GG_ERROR_BAD_ARGUMENT with the server's reason; the time running out
 * GG_ERROR_TIMEOUT.  Cancellable between polls. */
GgFile *gg_files_wait_active (GgClient     *client,
                              const GgFile *file,
                              gdouble       timeout,
                              gdouble       interval,
                              GCancellable *cancellable,
                              GError      **error);

/* ---- the upload cache ---------------------------------------------------- */

typedef struct _GgFileCache GgFileCache;

/* The cache in @dir/files.json (the folder is made when saving).  A
 * missing or damaged file is an empty cache.  One thread at a time; two
 * processes saving at once keep the last one's entries (a lost entry costs
 * one more upload, nothing else). */
GgFileCache *gg_file_cache_open  (const gchar *dir);
void         gg_file_cache_free  (GgFileCache *cache);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GgFileCache, gg_file_cache_free)
/* The entry for content @sha256 (hex) uploaded to @base_url that still
 * has more than @margin s to live at @now (Unix s); NULL if none.
 * gg_file_free. */
GgFile  *gg_file_cache_lookup (GgFileCache *cache, const gchar *sha256,
                               const gchar *base_url, gint64 now, gint64 margin);
void     gg_file_cache_store  (GgFileCache *cache, const gchar *sha256,
                               const gchar *base_url, const GgFile *file);
void     gg_file_cache_forget (GgFileCache *cache, const gchar *sha256);
/* Writes the cache (atomically), expired entries dropped. */
gboolean gg_file_cache_save   (GgFileCache *cache, GError **error);

/* Where an upload stands, for a progress line. */
typedef struct
{
  const gchar *stage;      /* one sentence for a log ("uploading 34.0 MB with the
                            * Files API (image 1 is too large to send inline)") */
  guint        image;      /* 0-based index of the image in the request */
  gsize        size;       /* its encoded bytes */
  gsize        sent;       /* bytes the server has, or is being sent */
  gboolean     reused;     /* an earlier upload of the same bytes: nothing sent */
  gboolean     waiting;    /* sent; the server is processing it */
} GgUploadProgress;

/* Return FALSE to cancel.  Runs on the uploading thread. */
typedef gboolean (*GgUploadFunc) (const GgUploadProgress *progress, gpointer user_data);

typedef struct
{
  gdouble      wait_timeout;     /* s for PROCESSING -> ACTIVE; 0: 300 */
  gdouble      poll_interval;    /* s; 0: 1 */
  GgFileCache *cache;            /* NULL: no reuse */
  gsize        max_inline;       /* gg_files_offload: 0: GG_REQUEST_DEFAULT_MAX_INLINE */
  gsize        reuse_above;      /* gg_files_offload: images larger than this (encoded)
                                  * are reused inputs: 0: GG_FILES_REUSE_ABOVE */
  gboolean     shared;           /* gg_files_offload: the request's images go to
                                  * several requests (variations) */
  GgUploadFunc progress;         /* may be NULL */
  gpointer     progress_data;
} GgUploadOptions;

/* A cached upload of @data that the server still has ACTIVE (checked with
 * a GET), or NULL: with @error set only when the check itself failed
 * (network, cancelled); a stale entry is forgotten.  gg_file_free. */
GgFile *gg_files_find_cached (GgClient     *client,
                              GgFileCache  *cache,
                              GBytes       *data,
                              GCancellable *cancellable,
                              GError      **error);

/* The file to refer to for @data: a cached upload that the server still
 * has ACTIVE, else a new upload waited for until ACTIVE (and cached).
 * @reused (may be NULL): TRUE when nothing was uploaded.  gg_file_free. */
GgFile *gg_files_ensure (GgClient              *client,
                         GBytes                *data,
                         const gchar           *mime_type,
                         const gchar           *display_name,
                         const GgUploadOptions *options,
                         gboolean              *reused,
                         GCancellable          *cancellable,
                         GError               **error);

/* Sending an image again costs more than a reference above this (the
 * historic inline limit, 20 MB encoded). */
#define GG_FILES_REUSE_ABOVE ((gsize) 20 * 1000 * 1000)

/* The decision the CLI and the plug-in share.  Inputs reused across
 * requests first: with a cache, an image over options->reuse_above is sent
 * by reference when an upload of it is cached and still ACTIVE (another
 * edit of the same source, a refine), or uploaded and cached when
 * options->shared (several requests send it).  Then, while @request would send
 * more than @options->max_inline inline, its largest image goes to the
 * Files API (a cached upload of the same bytes when the server still has
 * it, else a new upload waited for until ACTIVE) and is sent by reference;
 * then the request's inline limit is set back to max_inline, so that
 * gg_client_generate () checks what is left (the history).  Nothing is
 * uploaded when the request fits.  @uploaded (may be NULL) receives the
 * names of new uploads that no cache keeps (options->cache NULL), for
 * gg_files_delete () once the answer is in.  The client's progress
 * callback is taken over meanwhile and left unset: set it again after.
 * The cache is not saved: gg_file_cache_save (). */
/* TRUE when gg_files_offload () has something to do for @request: it is
 * over @max_inline (0: GG_REQUEST_DEFAULT_MAX_INLINE), or, @with_cache, an
 * image is over @reuse_above (0: GG_FILES_REUSE_ABOVE). */
gboolean gg_files_offload_wanted (const GgRequest *request,
                                  gsize            max_inline,
                                  gsize            reuse_above,
                                  gboolean         with_cache);

gboolean gg_files_offload (GgClient              *client,
                           GgRequest             *request,
                           const GgUploadOptions *options,
                           GPtrArray             *uploaded,
                           GCancellable          *cancellable,
                           GError               **error);

G_END_DECLS
