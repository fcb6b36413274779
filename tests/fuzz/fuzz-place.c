/* Fuzzes the placement parasite as read from an .xcf: a damaged one is
 * refused (the answers then go on as whole images), an accepted one gives
 * a plan with sizes that make sense, and what is written back reads back
 * the same. */
#include <stdint.h>
#include <string.h>
#include "gg-conversation-place.h"
#include "gg-image.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static gboolean
same_rect (const GgRect *a, const GgRect *b)
{
  return a->x == b->x && a->y == b->y && a->width == b->width && a->height == b->height;
}

static gboolean
sane_rect (const GgRect *r)
{
  return r->x >= -GG_PLACE_MAX_COORD && r->x <= GG_PLACE_MAX_COORD
         && r->y >= -GG_PLACE_MAX_COORD && r->y <= GG_PLACE_MAX_COORD
         && r->width >= 0 && r->height >= 0
         && r->width <= GG_PLACE_MAX_COORD && r->height <= GG_PLACE_MAX_COORD;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  GgConversationPlace place = { 0, };
  GgConversationPlace again = { 0, };
  GgRegionPlan        plan;
  gchar              *text;

  if (! gg_conversation_place_from_text ((const gchar *) data, size, &place))
    {
      g_assert (place.model == NULL && ! place.has_region);
      return 0;
    }
  if (place.has_region)
    {
      GgRect kept;

      g_assert (place.region.width > 0 && place.region.height > 0);
      /* Nothing a GIMP image can hold is larger (GIMP_MAX_IMAGE_SIZE):
       * anything else is a damaged or hostile parasite. */
      g_assert (sane_rect (&place.region) && sane_rect (&place.selection)
                && sane_rect (&place.clip));
      g_assert ((gsize) place.region.width * place.region.height <= GG_DEFAULT_MAX_PIXELS);
      g_assert (place.out_width <= GG_PLACE_MAX_SIDE && place.out_height <= GG_PLACE_MAX_SIDE);
      g_assert (place.send_width <= GG_PLACE_MAX_SIDE && place.send_height <= GG_PLACE_MAX_SIDE);
      /* What a refine does with them: the kept part of the region. */
      (void) gg_rect_intersect (&place.region, &place.clip, &kept);
      (void) gg_rect_intersect (&place.selection, &place.region, &kept);
      g_assert (place.send_width > 0 && place.send_height > 0);
      gg_conversation_place_to_plan (&place, &plan);
      gg_conversation_place_from_plan (&again, &plan, 0, 0);
      gg_conversation_place_clear (&again);
    }

  text = gg_conversation_place_to_text (&place);
  g_assert (gg_conversation_place_from_text (text, strlen (text), &again));
  g_assert (g_strcmp0 (again.model, place.model) == 0);
  g_assert (again.has_region == place.has_region);
  if (place.has_region)
    {
      g_assert (same_rect (&again.region, &place.region));
      g_assert (same_rect (&again.selection, &place.selection));
      g_assert (same_rect (&again.clip, &place.clip));
    }
  g_free (text);
  gg_conversation_place_clear (&again);
  gg_conversation_place_clear (&place);
  return 0;
}
