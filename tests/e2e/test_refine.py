#!/usr/bin/python3
"""End-to-end tests of `gemini-image edit --mask ... --conversation FILE` and
`gemini-image refine` against the fake Gemini server (which checks the
thought signatures of the history it is sent, as the 3 models do).

CTest runs this with GEMINI_IMAGE and GG_FAKE_SERVER in the environment, as
test_cli.py, whose fake server and helpers it uses.
"""

import json
import os
import stat
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from test_cli import KEY, CliTestCase, Image, ImageDraw, picture  # noqa: E402

WIDTH, HEIGHT = 800, 600
BOX = (300, 200, 460, 360)
# Pixels outside BOX, near it and far from it.
OUTSIDE = ((0, 0), (799, 599), (299, 280), (461, 280), (380, 199), (380, 361),
           (100, 500), (700, 100), (250, 150), (520, 420))


class RefineTest(CliTestCase):

    def setUp(self):
        super().setUp()
        self.src, self.mask = self.path("in.png"), self.path("mask.png")
        picture(WIDTH, HEIGHT, 5).save(self.src)
        m = Image.new("L", (WIDTH, HEIGHT), 0)
        ImageDraw.Draw(m).rectangle(BOX, fill=255)
        m.save(self.mask)
        self.conversation = self.path("sofa.json")

    def edit(self, *extra):
        return self.run_cli("edit", "--input", self.src, "--mask", self.mask,
                            "--prompt", "a magenta ball", "--output", self.path("out.png"),
                            "--conversation", self.conversation, *extra)

    def refine(self, *extra, input_name="out.png", output="out2.png", mask=True):
        args = ["refine", "--input", self.path(input_name), "--conversation",
                self.conversation, "--prompt", "make the ball blue",
                "--output", self.path(output)]
        if mask:
            args += ["--mask", self.mask]
        return self.run_cli(*(args + list(extra)))

    def document(self):
        with open(self.conversation, encoding="utf-8") as f:
            return json.load(f)

    def assert_refused(self, r, *words):
        """Exit status 2, one sentence with @words, nothing sent, no output."""
        self.assertEqual(r.status, 2, r.stderr)
        self.assert_sentence(r, *words)
        self.assertEqual(self.generate_requests(), [])
        self.assertFalse(os.path.exists(self.path("out2.png")))

    def test_help(self):
        r = self.run_cli("refine", "--help")
        self.assertEqual(r.status, 0, r.stderr)
        for word in ("SYNOPSIS", "DESCRIPTION", "EXAMPLES", "--conversation", "--input",
                     "--include-region", "--mask", "--prompt", "--output", "--model"):
            self.assertIn(word, r.stdout)
        self.assertTrue(all(len(line) <= 80 for line in r.stdout.splitlines()))
        r = self.run_cli("edit", "--help")
        self.assertIn("--conversation", r.stdout)
        self.assertIn("gemini-image refine", r.stdout)
        r = self.run_cli("help", "refine")
        self.assertIn("--include-region", r.stdout)
        r = self.run_cli("--help")
        self.assertIn("gemini-image refine --input", r.stdout)
        r = self.run_cli("generate", "--help")
        self.assertNotIn("--conversation", r.stdout)

    # -- edit --conversation

    def test_edit_keeps_the_conversation_in_file(self):
        r = self.edit()
        self.assertEqual(r.status, 0, r.stderr)
        self.assertEqual(stat.S_IMODE(os.stat(self.conversation).st_mode), 0o600)
        with open(self.conversation, encoding="utf-8") as f:
            text = f.read()
        self.assertNotIn(KEY, text)
        doc = json.loads(text)
        self.assertEqual(doc["format"], "gimp-gemini-conversation")
        self.assertEqual((doc["width"], doc["height"]), (WIDTH, HEIGHT))
        self.assertEqual([c["role"] for c in doc["conversation"]], ["user", "model"])
        # The user turn is the request sent (its words and the region), the
        # model's turn the answer with its signatures.
        sent = self.only_request()["body"]["contents"][0]
        self.assertEqual(len(self.image_parts(self.only_request())), 1)
        self.assertIn("a magenta ball", doc["conversation"][0]["parts"][0]["text"])
        self.assertEqual(doc["conversation"][0]["parts"][0]["text"], sent["parts"][0]["text"])
        self.assertTrue(any("thoughtSignature" in p for p in doc["conversation"][1]["parts"]))
        # The place: the parasite's text, the region inside the image.
        self.assertIn("has-region=true", doc["place"])
        region = [int(v) for v in
                  doc["place"].split("\nregion=")[1].split("\n")[0].strip(";").split(";")]
        self.assertLessEqual(region[0], BOX[0])
        self.assertGreaterEqual(region[0] + region[2], BOX[2])

    def test_edit_without_conversation_writes_none(self):
        r = self.run_cli("edit", "--input", self.src, "--mask", self.mask, "--prompt",
                         "a magenta ball", "--output", self.path("out.png"))
        self.assertEqual(r.status, 0, r.stderr)
        self.assertEqual(self.files(), ["in.png", "mask.png", "out.png"])

    def test_edit_keeps_the_picture_when_the_file_cannot_be_written(self):
        # The edit is paid for: a conversation that cannot be kept costs
        # the refine, never the picture.
        self.conversation = os.path.join(self.tmp, "no-such-folder", "c.json")
        r = self.edit()
        self.assertEqual(r.status, 0, r.stderr)
        self.assertIn("could not be kept in %s" % self.conversation, r.stderr)
        self.assertIn("wrote %s" % self.path("out.png"), r.stderr)
        self.assertEqual(self.files(), ["in.png", "mask.png", "out.png"])

    def test_edit_conversation_needs_a_mask(self):
        r = self.run_cli("edit", "--input", self.src, "--prompt", "x", "--output",
                         self.path("out.png"), "--conversation", self.conversation)
        self.assertEqual(r.status, 2, r.stderr)
        self.assert_sentence(r, "--conversation", "--mask")
        self.assertEqual(self.generate_requests(), [])

    def test_edit_never_overwrites_another_file(self):
        self.conversation = self.src
        with open(self.src, "rb") as f:
            before = f.read()
        r = self.edit()
        self.assertEqual(r.status, 2, r.stderr)
        self.assert_sentence(r, "in.png", "not a gemini-image conversation")
        with open(self.src, "rb") as f:
            self.assertEqual(f.read(), before)
        self.assertEqual(self.generate_requests(), [])

    # -- refine

    def test_refine_sends_the_history_and_the_region(self):
        self.assertEqual(self.edit().status, 0)
        edited = Image.open(self.path("out.png")).convert("RGB")
        edit_request = self.only_request()
        self.server.reset()

        r = self.refine("--include-region", "--hint")
        self.assertEqual(r.status, 0, r.stderr)
        entry = self.only_request()
        contents = entry["body"]["contents"]
        self.assertEqual([c.get("role") for c in contents], ["user", "model", "user"])
        # The earlier turn as it was sent, then the model's as received
        # (the fake server refuses a history whose signatures moved).
        self.assertEqual(contents[0], edit_request["body"]["contents"][0])
        self.assertIn("make the ball blue", " ".join(
            p.get("text", "") for p in contents[2]["parts"]))
        # The region as it is now (the edit's output there) and the hint.
        region = [p["inlineData"] for p in contents[2]["parts"] if "inlineData" in p]
        self.assertEqual([p["mimeType"] for p in region], ["image/jpeg", "image/png"])
        first = edit_request["body"]["contents"][0]["parts"]
        sent = [p["inlineData"]["data"] for p in first if "inlineData" in p][0]
        self.assertEqual((region[0]["data"]["width"], region[0]["data"]["height"]),
                         (sent["width"], sent["height"]))
        self.assertNotEqual(region[0]["data"]["sha256"], sent["sha256"])

        result = self.assert_image(self.path("out2.png"), "png", (WIDTH, HEIGHT))
        res, before = result.load(), edited.load()
        for (x, y) in OUTSIDE:
            self.assertEqual(res[x, y], before[x, y], "pixel %d,%d changed" % (x, y))
        changed = sum(1 for y in range(BOX[1], BOX[3], 8) for x in range(BOX[0], BOX[2], 8)
                      if res[x, y] != before[x, y])
        self.assertGreater(changed, 50, "the masked area did not change")

        doc = self.document()
        self.assertEqual([c["role"] for c in doc["conversation"]],
                         ["user", "model", "user", "model"])
        self.assertEqual(doc["conversation"][0]["parts"][0],
                         edit_request["body"]["contents"][0]["parts"][0])
        self.assertEqual(stat.S_IMODE(os.stat(self.conversation).st_mode), 0o600)

    def test_refine_sends_text_only_by_default(self):
        self.assertEqual(self.edit().status, 0)
        self.server.reset()
        r = self.refine(mask=False)
        self.assertEqual(r.status, 0, r.stderr)
        contents = self.only_request()["body"]["contents"]
        self.assertEqual(len(contents), 3)
        self.assertFalse([p for p in contents[2]["parts"] if "inlineData" in p])
        # Without a mask only what the model changed is taken: far from the
        # region nothing moved.
        result = self.assert_image(self.path("out2.png"), "png", (WIDTH, HEIGHT))
        edited = Image.open(self.path("out.png")).convert("RGB").load()
        for (x, y) in ((0, 0), (799, 599), (100, 500), (700, 100)):
            self.assertEqual(result.load()[x, y], edited[x, y])
        self.assertEqual(len(self.document()["conversation"]), 4)

    def test_refine_takes_the_mask_as_it_is(self):
        """As edit --mask: without --grow and --feather a grey mask blends
        (never thresholded into a selection, which refuses a mask that is
        nowhere half white)."""
        self.assertEqual(self.edit().status, 0)
        grey = Image.new("L", (WIDTH, HEIGHT), 0)
        ImageDraw.Draw(grey).rectangle(BOX, fill=100)
        grey.save(self.mask)
        r = self.refine()
        self.assertEqual(r.status, 0, r.stderr)
        result = self.assert_image(self.path("out2.png"), "png", (WIDTH, HEIGHT)).load()
        before = Image.open(self.path("out.png")).convert("RGB").load()
        for (x, y) in OUTSIDE:
            self.assertEqual(result[x, y], before[x, y], "pixel %d,%d changed" % (x, y))
        changed = sum(1 for y in range(BOX[1], BOX[3], 8) for x in range(BOX[0], BOX[2], 8)
                      if result[x, y] != before[x, y])
        self.assertGreater(changed, 50, "the masked area did not change")

    def test_refine_twice_keeps_three_turns(self):
        self.assertEqual(self.edit().status, 0)
        self.assertEqual(self.refine().status, 0)
        self.server.reset()
        r = self.refine(input_name="out2.png", output="out3.png")
        self.assertEqual(r.status, 0, r.stderr)
        contents = self.only_request()["body"]["contents"]
        self.assertEqual([c.get("role") for c in contents],
                         ["user", "model", "user", "model", "user"])
        self.assertEqual(len(self.document()["conversation"]), 6)

    def test_refine_without_file_says_how_to_start_one(self):
        r = self.run_cli("refine", "--input", self.src, "--prompt", "x", "--output",
                         self.path("out2.png"))
        self.assert_refused(r, "--conversation", "gemini-image edit", "--mask")

    def test_missing_file_refused_before_sending(self):
        r = self.refine(input_name="in.png")
        self.assert_refused(r, "sofa.json", "does not exist", "gemini-image edit")

    def test_broken_file_refused_before_sending(self):
        self.assertEqual(self.edit().status, 0)
        with open(self.conversation, "rb") as f:
            whole = f.read()
        doc = self.document()
        broken = {
            "cut short": (whole[:len(whole) // 2], "damaged"),
            "not ours": (b'{"hello": "world"}', "damaged"),
            "turns out of order": (json.dumps(dict(doc, conversation=[
                {"role": "model", "parts": [{"text": "x"}]}])).encode(), "damaged"),
            "place damaged": (json.dumps(dict(doc, place=7)).encode(), "damaged"),
            "no region": (json.dumps(dict(doc, place="[conversation]\nversion=1\n"
                                                    "model=x\n")).encode(), "edit"),
        }
        for what, (data, word) in broken.items():
            with self.subTest(what):
                self.server.reset()
                with open(self.conversation, "wb") as f:
                    f.write(data)
                r = self.refine()
                self.assert_refused(r, "sofa.json", word)
                # Left as it was: the user may want to look at it.
                with open(self.conversation, "rb") as f:
                    self.assertEqual(f.read(), data)

    def test_newer_file_refused(self):
        self.assertEqual(self.edit().status, 0)
        newer = dict(self.document(), version=2)
        with open(self.conversation, "w", encoding="utf-8") as f:
            json.dump(newer, f)
        self.server.reset()
        self.assert_refused(self.refine(), "sofa.json", "newer")

    def test_refine_of_another_image_refused(self):
        self.assertEqual(self.edit().status, 0)
        picture(640, 480, 2).save(self.path("other.png"))
        self.server.reset()
        r = self.refine(input_name="other.png", mask=False)
        self.assert_refused(r, "sofa.json", "800x600", "640x480")

    def test_refine_dry_run_prints_the_history(self):
        self.assertEqual(self.edit().status, 0)
        self.server.reset()
        r = self.refine("--dry-run", mask=False)
        self.assertEqual(r.status, 0, r.stderr)
        body = json.loads(r.stdout)
        self.assertEqual([c.get("role") for c in body["contents"]], ["user", "model", "user"])
        self.assertEqual(self.generate_requests(), [])
        self.assertFalse(os.path.exists(self.path("out2.png")))
        self.assertEqual(len(self.document()["conversation"]), 2)

    def test_too_large_to_keep_is_said_and_forgotten(self):
        """An exchange over the 16 MB the plug-ins keep (a noisy region with
        transparency goes as PNG): the image is written, the conversation
        is not kept (the older FILE is removed, never left beside a newer
        result), and stderr says why."""
        self.assertEqual(self.edit().status, 0)
        size = 1600
        Image.frombytes("RGBA", (size, size), os.urandom(size * size * 4)).save(self.src)
        Image.new("L", (size, size), 255).save(self.mask)
        r = self.edit()
        self.assertEqual(r.status, 0, r.stderr)
        self.assert_image(self.path("out.png"), "png", (size, size))
        self.assertIn("too large to keep", r.stderr)
        self.assertFalse(os.path.exists(self.conversation))


if __name__ == "__main__":
    unittest.main(verbosity=2)
