/* gg-usage.c: usage and estimated cost, per run and as a running total. */

#include "gg-usage.h"

#include "gg-error.h"


#define TOTAL_GROUP "total"

static void read_group  (GKeyFile *file, const gchar *group, GgUsageTotal *out);
static void add_group   (GKeyFile *file, const gchar *group, const GgUsageTotal *run,
                         GgUsageTotal *out);


void
gg_usage_total_add (GgUsageTotal     *total,
                    const GgResponse *response,
                    gdouble           cost)
{
  g_autoptr (GPtrArray) images = NULL;

  g_return_if_fail (total != NULL && response != NULL);

  images = gg_response_images (response);

  total->requests++;
  total->images         += images ? images->len : 0;
  total->prompt_tokens  += MAX (response->usage.prompt_tokens, 0);
  total->output_tokens  += MAX (response->usage.candidates_tokens, 0);
  total->thought_tokens += MAX (response->usage.thoughts_tokens, 0);

  if (cost >= 0.0)
    total->cost += cost;
  else
    total->unpriced_requests++;
}

gboolean
gg_usage_record (const gchar        *path,
                 const gchar        *model,
                 const GgUsageTotal *run,
                 GgUsageTotal       *total,
                 GError            **error)
{
  g_autoptr (GKeyFile) file     = g_key_file_new ();
  g_autofree gchar    *group    = NULL;
  g_autofree gchar    *data     = NULL;
  gsize                length   = 0;
  GgUsageTotal         new_total;

  g_return_val_if_fail (path != NULL && run != NULL, FALSE);

  /* Missing or damaged: start from zero (an estimate, never worth failing
   * the user's edit for). */
  if (! g_key_file_load_from_file (file, path, G_KEY_FILE_KEEP_COMMENTS, NULL))
    {
      g_key_file_free (file);
      file = g_key_file_new ();
      g_key_file_set_comment (file, NULL, NULL,
                              " gimp-gemini: requests, tokens and estimated "
                              "cost (USD, catalogue prices) so far.\n"
                              " Delete this file to start counting afresh.",
                              NULL);
    }

  add_group (file, TOTAL_GROUP, run, &new_total);

  if (model && *model)
    {
      group = g_strdup_printf ("model %s", model);
      add_group (file, group, run, NULL);
    }

  data = g_key_file_to_data (file, &length, NULL);
  if (! g_file_set_contents (path, data, length, NULL))
    {
      g_set_error (error, GG_ERROR, GG_ERROR_IO,
                   "The usage total could not be written to %s.", path);
      return FALSE;
    }

  if (total)
    *total = new_total;

  return TRUE;
}

gchar *
gg_usage_describe (const GgUsageTotal *run,
                   const GgUsageTotal *total)
{
  GString *text = g_string_new (NULL);

  g_return_val_if_fail (run != NULL, NULL);

  g_string_append_printf (text,
                          "Used %" G_GUINT64_FORMAT " input and %"
                          G_GUINT64_FORMAT " output tokens",
                          run->prompt_tokens,
                          run->output_tokens + run->thought_tokens);
  if (run->thought_tokens)
    g_string_append_printf (text, " (%" G_GUINT64_FORMAT " of them thinking)",
                            run->thought_tokens);

  g_string_append_printf (text, ", %" G_GUINT64_FORMAT " image%s",
                          run->images, run->images == 1 ? "" : "s");

  if (run->unpriced_requests == run->requests && run->requests > 0)
    g_string_append (text, "; no price is known for this model");
  else
    g_string_append_printf (text, ": about $%.3f", run->cost);

  if (total)
    g_string_append_printf (text,
                            ". Total so far: about $%.2f for %"
                            G_GUINT64_FORMAT " request%s",
                            total->cost, total->requests,
                            total->requests == 1 ? "" : "s");

  g_string_append_c (text, '.');

  return g_string_free (text, FALSE);
}


static guint64
read_u64 (GKeyFile    *file,
          const gchar *group,
          const gchar *key)
{
  gint64 value = g_key_file_get_int64 (file, group, key, NULL);

  return value > 0 ? (guint64) value : 0;
}

static void
read_group (GKeyFile     *file,
            const gchar  *group,
            GgUsageTotal *out)
{
  gdouble cost;

  out->requests          = read_u64 (file, group, "requests");
  out->unpriced_requests = read_u64 (file, group, "unpriced-requests");
  out->images            = read_u64 (file, group, "images");
  out->prompt_tokens     = read_u64 (file, group, "prompt-tokens");
  out->output_tokens     = read_u64 (file, group, "output-tokens");
  out->thought_tokens    = read_u64 (file, group, "thought-tokens");

  cost = g_key_file_get_double (file, group, "cost-usd", NULL);
  out->cost = (cost > 0.0 && cost < 1e12) ? cost : 0.0;
}

static void
add_group (GKeyFile           *file,
           const gchar        *group,
           const GgUsageTotal *run,
           GgUsageTotal       *out)
{
  GgUsageTotal sum;
  gchar        cost[G_ASCII_DTOSTR_BUF_SIZE];

  read_group (file, group, &sum);

  sum.requests          += run->requests;
  sum.unpriced_requests += run->unpriced_requests;
  sum.images            += run->images;
  sum.prompt_tokens     += run->prompt_tokens;
  sum.output_tokens     += run->output_tokens;
  sum.thought_tokens    += run->thought_tokens;
  sum.cost              += run->cost;

  g_key_file_set_int64 (file, group, "requests", (gint64) sum.requests);
  g_key_file_set_int64 (file, group, "unpriced-requests",
                        (gint64) sum.unpriced_requests);
  g_key_file_set_int64 (file, group, "images", (gint64) sum.images);
  g_key_file_set_int64 (file, group, "prompt-tokens", (gint64) sum.prompt_tokens);
  g_key_file_set_int64 (file, group, "output-tokens", (gint64) sum.output_tokens);
  g_key_file_set_int64 (file, group, "thought-tokens",
                        (gint64) sum.thought_tokens);
  /* Locale-independent, whatever LC_NUMERIC the host runs with. */
  g_ascii_formatd (cost, sizeof cost, "%.6f", sum.cost);
  g_key_file_set_value (file, group, "cost-usd", cost);

  if (out)
    *out = sum;
}
