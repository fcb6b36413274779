#!/usr/bin/python3
"""End-to-end tests of prompt templates and the prompt history in
gemini-image, against the fake Gemini server.

CTest runs this with GEMINI_IMAGE and GG_FAKE_SERVER in the environment
(see test_cli.py, whose server and helpers this reuses).  Every run gets
its own $XDG_STATE_HOME, so the history never touches the real profile.
"""

import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_cli import KEY, CliTestCase, picture  # noqa: E402


class TemplateTest(CliTestCase):

    def env(self, *args, **kw):
        env = super().env(*args, **kw)
        env["XDG_STATE_HOME"] = self.path("state")
        return env

    def history_file(self):
        return os.path.join(self.path("state"), "gimp-gemini", "gemini-prompt-history.json")

    def input_image(self):
        path = self.path("in.png")
        if not os.path.exists(path):
            picture(64, 48).save(path)
        return path

    # -- filling

    def test_generate_sends_the_filled_template(self):
        r = self.run_cli("generate", "--template", "photorealistic",
                         "--field", "subject=a red fox",
                         "--field", "environment=snowy  woods.",
                         "--field", "shot=close-up",
                         "--field", "lighting=",
                         "--field", "mood=hushed",
                         "--prompt", "add a few falling snowflakes",
                         "--output", self.path("fox.png"))
        self.assertEqual(r.status, 0, r.stderr)
        self.assert_image(self.path("fox.png"), "png")
        self.assertEqual(self.text_of(self.only_request()),
                         "A photorealistic close-up photograph of a red fox, in snowy woods. "
                         "The mood is hushed. Add a few falling snowflakes.")

    def test_edit_wraps_the_filled_template(self):
        r = self.run_cli("edit", "--input", self.input_image(), "--template", "change-one",
                         "--field", "element=the blue sofa",
                         "--field", "change=make it green velvet",
                         "--output", self.path("out.png"))
        self.assertEqual(r.status, 0, r.stderr)
        text = self.text_of(self.only_request())
        # The template's sentences inside the edit wording of prompts.json.
        self.assertIn("In this image, change only the blue sofa: make it green velvet. "
                      "Leave everything else exactly as it is", text)
        self.assertNotIn("{", text)
        self.assertNotIn("especially", text)

    def test_every_template_through_the_cli(self):
        """Each template, filled with its examples by --field, is sent as the
        prompt that 'template ID --json' announces."""
        r = self.run_cli("templates", "--json")
        self.assertEqual(r.status, 0, r.stderr)
        templates = json.loads(r.stdout)
        self.assertGreaterEqual(len(templates), 13)
        for t in templates:
            shown = self.run_cli("template", t["id"], "--json")
            self.assertEqual(shown.status, 0, shown.stderr)
            expected = json.loads(shown.stdout)["example_prompt"]
            args = [t["kind"], "--template", t["id"], "--output", self.path("x.png"), "--dry-run"]
            if t["kind"] == "edit":
                args += ["--input", self.input_image()]
            for field in t["fields"]:
                args += ["--field", "%s=%s" % (field["name"], field["example"])]
            run = self.run_cli(*args)
            self.assertEqual(run.status, 0, run.stderr)
            body = json.loads(run.stdout)
            text = " ".join(p["text"] for c in body["contents"] for p in c["parts"] if "text" in p)
            # edit drops the final full stop before its own wording.
            self.assertIn(expected.rstrip(".") if t["kind"] == "edit" else expected, text, t["id"])
        self.assertEqual(self.generate_requests(), [])

    # -- refusals: nothing is sent

    def test_missing_required_field_is_named(self):
        r = self.run_cli("generate", "--template", "text-logo", "--field", "kind=poster",
                         "--field", "brand=a jazz night", "--output", self.path("p.png"))
        self.assert_failed(r, 2)
        self.assert_sentence(r, '"text"', "Text to render")
        self.assertEqual(self.generate_requests(), [])

    def test_refusals(self):
        cases = [
            (["generate", "--template", "no-such"], ("no template", "photorealistic")),
            (["generate", "--template", "sketch", "--field", "sketch=x", "--field", "medium=y"],
             ("for edit",)),
            (["generate", "--template", "minimalist", "--field", "colour=red"], ("colour",)),
            (["generate", "--template", "minimalist", "--field", "subject"], ("NAME=VALUE",)),
            (["generate", "--field", "subject=a fox"], ("--template",)),
        ]
        for args, words in cases:
            r = self.run_cli(*args, "--output", self.path("o.png"))
            self.assert_failed(r, 2)
            self.assert_sentence(r, *words)
        self.assertEqual(self.generate_requests(), [])

    # -- listing

    def test_templates_and_template(self):
        r = self.run_cli("templates", "--kind", "edit")
        self.assertEqual(r.status, 0, r.stderr)
        for id_ in ("add-remove", "change-one", "style-transfer", "combine",
                    "keep-details", "sketch", "character-angle"):
            self.assertIn(id_, r.stdout)
        self.assertNotIn("photorealistic", r.stdout)
        r = self.run_cli("template", "minimalist")
        self.assertEqual(r.status, 0, r.stderr)
        for words in ("FIELDS", "position", "(required)", "Example:", "--template minimalist"):
            self.assertIn(words, r.stdout)
        r = self.run_cli("templates", "--kind", "draw")
        self.assertEqual(r.status, 2)
        for command in ("templates", "template", "history"):
            r = self.run_cli(command, "--help")
            self.assertEqual(r.status, 0, r.stderr)
            self.assertIn("SYNOPSIS", r.stdout)

    # -- history

    def test_history(self):
        def generate(prompt, *extra):
            r = self.run_cli("generate", "--prompt", prompt, "--output", self.path("h.png"), *extra)
            self.assertEqual(r.status, 0, r.stderr)

        # Not from a terminal: nothing kept unless asked.
        generate("a quiet lake")
        self.assertFalse(os.path.exists(self.history_file()))
        generate("a red bicycle", "--history")
        generate("a lighthouse at dusk", "--history")
        generate("A red  bicycle", "--history")
        generate("not kept", "--no-history")
        r = self.run_cli("history")
        self.assertEqual(r.status, 0, r.stderr)
        self.assertEqual(r.stdout.splitlines(), ["A red  bicycle", "a lighthouse at dusk"])
        r = self.run_cli("history", "--search", "LIGHT dus", "--json")
        self.assertEqual(json.loads(r.stdout)["prompts"], ["a lighthouse at dusk"])
        with open(self.history_file()) as f:
            stored = f.read()
        self.assertNotIn(KEY, stored)
        self.assertEqual(os.stat(self.history_file()).st_mode & 0o777, 0o600)
        # A failed run keeps nothing.
        self.server.scenario("error_400")
        r = self.run_cli("generate", "--prompt", "a failure", "--output", self.path("f.png"),
                         "--history", "--retries", "0")
        self.assertNotEqual(r.status, 0)
        self.assertNotIn("a failure", self.run_cli("history").stdout)
        r = self.run_cli("history", "--clear")
        self.assertEqual(r.status, 0, r.stderr)
        self.assertFalse(os.path.exists(self.history_file()))
        self.assertEqual(self.run_cli("history").stdout, "")


if __name__ == "__main__":
    unittest.main()
