/* gg-keystore.c: see gg-keystore.h.
 *
 * The keyring is tried only when a session bus is plainly there: with no
 * bus, GLib would try to autolaunch one (slow, and it would hold no keyring
 * anyway), so the file is used at once instead.
 */
#include "gg-keystore.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "gg-client.h"
#include "gg-error.h"

#ifdef GG_HAVE_LIBSECRET
#include <libsecret/secret.h>
#endif

#define KEY_FILE_NAME "gemini-api-key"
#define KEY_FILE_MAX  4096   /* a key is ~40 characters; anything big is not one */

/* ----- keyring ------------------------------------------------------------ */

#ifdef GG_HAVE_LIBSECRET
static const SecretSchema *
key_schema (void)
{
  static const SecretSchema schema = {
    .name       = "org.gimp-gemini.ApiKey",
    .flags      = SECRET_SCHEMA_NONE,
    .attributes = {
      { "service", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
  };

  return &schema;
}

#define KEY_SERVICE "generativelanguage"

/* A session bus we can reach without autolaunching one. */
static gboolean
keyring_reachable (void)
{
  const gchar      *address = g_getenv ("DBUS_SESSION_BUS_ADDRESS");
  const gchar      *runtime;
  g_autofree gchar *socket = NULL;

  if (address != NULL)
    return *address != '\0';
  runtime = g_getenv ("XDG_RUNTIME_DIR");
  if (runtime == NULL)
    return FALSE;
  socket = g_build_filename (runtime, "bus", NULL);
  return g_file_test (socket, G_FILE_TEST_EXISTS);
}

/* The key from the keyring; NULL when none is stored or no keyring
 * answers (silently: the file comes next).  g_free. */
static gchar *
keyring_load (void)
{
  g_autoptr(GError) error = NULL;
  gchar            *secret;
  gchar            *key;

  if (!keyring_reachable ())
    return NULL;
  secret = secret_password_lookup_sync (key_schema (), NULL, &error,
                                        "service", KEY_SERVICE, NULL);
  if (secret == NULL)
    return NULL;
  key = g_strstrip (g_strdup (secret));
  secret_password_free (secret);
  if (*key == '\0')
    g_clear_pointer (&key, g_free);
  return key;
}

static gboolean
keyring_save (const gchar *key)
{
  g_autoptr(GError) error = NULL;

  if (!keyring_reachable ())
    return FALSE;
  return secret_password_store_sync (key_schema (), SECRET_COLLECTION_DEFAULT,
                                     "Gemini API key (gimp-gemini)", key,
                                     NULL, &error,
                                     "service", KEY_SERVICE, NULL);
}

static void
keyring_forget (void)
{
  g_autoptr(GError) error = NULL;

  if (keyring_reachable ())
    secret_password_clear_sync (key_schema (), NULL, &error,
                                "service", KEY_SERVICE, NULL);
}
#else
static gchar *keyring_load (void) { return NULL; }
static gboolean keyring_save (const gchar *key) { return FALSE; }
static void keyring_forget (void) { }
#endif

/* ----- file --------------------------------------------------------------- */

/* NULL without error when there is no file.  g_free. */
static gchar *
file_load (const gchar  *path,
           gchar       **warning,
           GError      **error)
{
  gchar       buffer[KEY_FILE_MAX + 1];
  struct stat info;
  gssize      length;
  gsize       total = 0;
  gchar      *key;
  int         fd;

  fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY, 0);
  if (fd < 0)
    {
      int saved = errno;

      if (saved == ENOENT)
        return NULL;
      g_set_error (error, GG_ERROR, GG_ERROR_IO,
                   "Could not read the API key file %s: %s.", path, g_strerror (saved));
      return NULL;
    }
  if (fstat (fd, &info) != 0 || !S_ISREG (info.st_mode))
    {
      close (fd);
      g_set_error (error, GG_ERROR, GG_ERROR_IO,
                   "The API key file %s is not a regular file: remove it and "
                   "enter the key again.", path);
      return NULL;
    }
  while (total < sizeof buffer
         && (length = read (fd, buffer + total, sizeof buffer - total)) != 0)
    {
      if (length < 0 && errno == EINTR)
        continue;
      if (length < 0)
        {
          int saved = errno;

          close (fd);
          memset (buffer, 0, sizeof buffer);
          g_set_error (error, GG_ERROR, GG_ERROR_IO,
                       "Could not read the API key file %s: %s.", path,
                       g_strerror (saved));
          return NULL;
        }
      total += (gsize) length;
    }
  close (fd);
  if (total > KEY_FILE_MAX)
    {
      memset (buffer, 0, sizeof buffer);
      g_set_error (error, GG_ERROR, GG_ERROR_IO,
                   "The API key file %s is too large to hold a key: remove it "
                   "and enter the key again.", path);
      return NULL;
    }

  key = g_strstrip (g_strndup (buffer, total));
  memset (buffer, 0, sizeof buffer);
  if (*key == '\0')
    {
      g_free (key);
      return NULL;
    }
  if ((info.st_mode & (S_IRWXG | S_IRWXO)) != 0 && warning != NULL)
    *warning = g_strdup_printf ("The API key file %s can be read by other users: "
                                "run chmod 600 %s.", path, path);
  return key;
}

/* Written to a fresh 0600 file that is then renamed over the old one, so
 * the key is never readable by others, not even briefly, and a crash never
 * leaves half a key. */
static gboolean
file_save (const gchar  *profile_dir,
           const gchar  *path,
           const gchar  *key,
           GError      **error)
{
  g_autofree gchar *temp = NULL;
  g_autofree gchar *content = g_strconcat (key, "\n", NULL);
  gsize             length = strlen (content);
  gsize             done = 0;
  int               fd = -1;
  int               saved = 0;

  if (g_mkdir_with_parents (profile_dir, 0700) != 0)
    {
      saved = errno;
      g_set_error (error, GG_ERROR, GG_ERROR_IO,
                   "Could not create the folder %s for the API key: %s.",
                   profile_dir, g_strerror (saved));
      goto out;
    }
  temp = g_strconcat (path, ".XXXXXX", NULL);
  fd = g_mkstemp_full (temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      saved = errno;
      goto failed;
    }
  while (done < length)
    {
      gssize n = write (fd, content + done, length - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          saved = errno;
          goto failed;
        }
      done += (gsize) n;
    }
  if (fsync (fd) != 0 || close (fd) != 0)
    {
      saved = errno;
      fd = -1;
      goto failed;
    }
  fd = -1;
  if (g_rename (temp, path) != 0)
    {
      saved = errno;
      goto failed;
    }
  memset (content, 0, length);
  return TRUE;

failed:
  if (fd >= 0)
    close (fd);
  if (temp)
    g_unlink (temp);
  g_set_error (error, GG_ERROR, GG_ERROR_IO,
               "Could not save the API key to %s: %s.", path, g_strerror (saved));
out:
  memset (content, 0, length);
  return FALSE;
}

/* ----- public ------------------------------------------------------------- */

gchar *
gg_keystore_load (const gchar *profile_dir,
                  GgKeySource *source,
                  gchar      **warning,
                  GError     **error)
{
  g_autofree gchar *path = NULL;
  GError           *local = NULL;
  gchar            *key;

  if (source)
    *source = GG_KEY_SOURCE_NONE;
  if (warning)
    *warning = NULL;

  key = gg_key_from_environment ();
  if (key)
    {
      if (source)
        *source = GG_KEY_SOURCE_ENVIRONMENT;
      gg_redact_register (key);
      return key;
    }

  key = keyring_load ();
  if (key)
    {
      if (source)
        *source = GG_KEY_SOURCE_KEYRING;
      gg_redact_register (key);
      return key;
    }

  if (profile_dir == NULL)
    return NULL;
  path = g_build_filename (profile_dir, KEY_FILE_NAME, NULL);
  key = file_load (path, warning, &local);
  if (local)
    {
      g_propagate_error (error, local);
      return NULL;
    }
  if (key && source)
    *source = GG_KEY_SOURCE_FILE;
  gg_redact_register (key);
  return key;
}

gboolean
gg_keystore_save (const gchar *profile_dir,
                  const gchar *key,
                  GgKeySource *where,
                  GError     **error)
{
  g_autofree gchar *clean = NULL;
  g_autofree gchar *path = NULL;

  if (where)
    *where = GG_KEY_SOURCE_NONE;
  clean = key ? g_strstrip (g_strdup (key)) : NULL;
  if (clean == NULL || *clean == '\0')
    {
      g_set_error_literal (error, GG_ERROR, GG_ERROR_NO_KEY,
                           "The API key is empty: paste the key from Google AI Studio.");
      return FALSE;
    }
  gg_redact_register (clean);
  path = profile_dir ? g_build_filename (profile_dir, KEY_FILE_NAME, NULL) : NULL;

  if (keyring_save (clean))
    {
      /* One place only: an older key left in the file would outlive this one. */
      if (path)
        g_unlink (path);
      if (where)
        *where = GG_KEY_SOURCE_KEYRING;
      memset (clean, 0, strlen (clean));
      return TRUE;
    }
  if (path == NULL)
    {
      g_set_error_literal (error, GG_ERROR, GG_ERROR_IO,
                           "No keyring is available and no profile folder was "
                           "given: the API key cannot be stored.");
      return FALSE;
    }
  if (!file_save (profile_dir, path, clean, error))
    return FALSE;
  memset (clean, 0, strlen (clean));
  if (where)
    *where = GG_KEY_SOURCE_FILE;
  return TRUE;
}

gboolean
gg_keystore_forget (const gchar *profile_dir, GError **error)
{
  g_autofree gchar *path = NULL;

  keyring_forget ();
  if (profile_dir == NULL)
    return TRUE;
  path = g_build_filename (profile_dir, KEY_FILE_NAME, NULL);
  if (g_unlink (path) != 0 && errno != ENOENT)
    {
      int saved = errno;

      g_set_error (error, GG_ERROR, GG_ERROR_IO,
                   "Could not remove the API key file %s: %s.", path,
                   g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}
