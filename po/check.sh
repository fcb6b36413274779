#!/bin/sh
# po/translations (CTest): every language of LINGUAS compiles with
# msgfmt --check, translates every string of the freshly extracted .pot
# (none untranslated, none fuzzy), and its compiled catalogue translates.
#   check.sh POT PO_DIR LOCALE_DIR LANG...
set -u
pot=$1 podir=$2 localedir=$3
shift 3
failed=0 passed=0
fail() { echo "FAIL $1"; failed=$((failed + 1)); }
pass() { echo "PASS $1"; passed=$((passed + 1)); }

if [ ! -s "$pot" ]; then
  fail "no template $pot: build first (cmake --build, target gg-translations)"
  echo "$passed passed, $failed failed"; exit 1
fi
# The extraction reached every kind of source: a dialog, the templates,
# the engine's estimate line, a procedure's menu label, a message marked
# N_() in a header.
for msgid in 'Generate an Image with Gemini' 'Photorealistic scene' 'about $%.3f' \
             '_Compose…' 'No Gemini API key: set GEMINI_API_KEY or use Filters > Gemini > API Key…'; do
  if grep -qF "msgid \"$msgid\"" "$pot"; then pass "pot has \"$msgid\""
  else fail "pot lacks \"$msgid\""; fi
done
n=$(grep -c '^msgid "' "$pot")
[ "$n" -ge 100 ] && pass "pot has $n messages" || fail "pot has only $n messages"

for lang in "$@"; do
  po="$podir/$lang.po"
  if stats=$("$GG_MSGFMT" --check --statistics -o /dev/null "$po" 2>&1); then
    pass "$lang: msgfmt --check ($stats)"
  else
    fail "$lang: msgfmt --check: $stats"
  fi
  if out=$("$GG_MSGCMP" "$po" "$pot" 2>&1); then
    pass "$lang: msgcmp: every string of the .pot is translated"
  else
    fail "$lang: msgcmp: $(echo "$out" | head -5)"
  fi
  fuzzy=$("$GG_MSGATTRIB" --only-fuzzy --no-obsolete "$po" | grep -c '^msgid ' || true)
  untranslated=$("$GG_MSGATTRIB" --untranslated --no-obsolete "$po" | grep -c '^msgid ' || true)
  [ "$fuzzy" = 0 ] && pass "$lang: no fuzzy entry" || fail "$lang: $fuzzy fuzzy entries"
  [ "$untranslated" = 0 ] && pass "$lang: no untranslated entry" || fail "$lang: $untranslated untranslated entries"
  mo="$localedir/$lang/LC_MESSAGES/gimp-gemini.mo"
  if [ -f "$mo" ] && got=$(/usr/bin/python3 -c 'import gettext, sys
t = gettext.translation("gimp-gemini", sys.argv[1], [sys.argv[2]])
print(t.gettext("Generate an Image with Gemini"))' "$localedir" "$lang" 2>&1) \
     && [ -n "$got" ] && [ "$got" != "Generate an Image with Gemini" ]; then
    pass "$lang: the built catalogue translates (\"$got\")"
  else
    fail "$lang: the built catalogue $mo does not translate: ${got:-missing}"
  fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
