#!/usr/bin/python3
"""The test harness itself (CTest harness/test_harness): no check of the
GIMP suites is lost silently, and every skip of the tree is counted.

- tests/gimp/checks.py's registry (Verdicts): an exception in one check is
  that check's FAIL and the others still report;
- the judges of both GIMP suites (tests/gimp/checks.py check,
  tests/gimp2/checks.py) given a result that does not cover the selection
  (changed_inside then raises IndexError): exit 0, that check FAILs, and as
  many checks report as their registry holds ("count");
- tests/gimp/verdicts.sh, the accounting of tests/gimp/run.sh and
  tests/gimp2/run.sh: a judge that dies fails the stage, and so do fewer
  verdicts than the registry holds;
- tests/accounting.sh, the counting of tests/run.sh: CTest's skipped
  tests (exit 77) and the suites' skips are counted as skipped, a suite
  that says "NOT RUN" is listed as not run and never counted as passed, a
  suite that dies or checks nothing is a failure;
- the unit tests skip only through gg_test_skip (exit 77, counted), as
  CTest tests of their own, and every CTest test has SKIP_RETURN_CODE 77.

Standard library + Pillow.
"""
import io
import os
import re
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.normpath(os.path.join(HERE, "..", ".."))
CHECKS3 = os.path.join(HERE, "checks.py")
CHECKS2 = os.path.join(SRC, "tests", "gimp2", "checks.py")
VERDICTS_SH = os.path.join(HERE, "verdicts.sh")
ACCOUNTING_SH = os.path.join(SRC, "tests", "accounting.sh")
KEY = "gg-harness-test-key-0123456789"

sys.path.insert(0, HERE)
import checks  # noqa: E402  (tests/gimp/checks.py)

from PIL import Image  # noqa: E402


def judge(argv, **env):
    e = dict(os.environ, GG_GIMP_TEST_KEY=KEY, **env)
    return subprocess.run([sys.executable] + argv, capture_output=True, text=True, env=e, timeout=120)


def verdict_lines(text):
    return [l for l in text.splitlines() if re.match(r"(PASS|FAIL|SKIP) ", l)]


def uncovered_selection(work, log_name):
    """A work folder whose selection edit placed a 10x10 layer, not one over
    the 160x120 selection: changed_inside reads outside it (IndexError)."""
    out = os.path.join(work, "out")
    os.makedirs(out)
    src = checks.texture(500, 400, 1)
    src.save(os.path.join(out, "sel-src-before.png"))
    src.save(os.path.join(out, "sel-src-after.png"))
    Image.new("RGBA", (10, 10), (255, 0, 0, 255)).save(os.path.join(out, "sel-new.png"))
    Image.new("L", (10, 10), 255).save(os.path.join(out, "sel-mask.png"))
    with open(os.path.join(work, log_name), "w") as f:
        f.write("GGT edit-selection layers=2 pos-new=0 pos-src=1 mask=1 alpha=1 gray=0 undo=1"
                " x=130 y=120 w=10 h=10\n"
                "GGT edit-selection-src x=30 y=20 w=500 h=400\n")


class Registry(unittest.TestCase):
    def test_an_exception_is_that_checks_fail(self):
        v = checks.Verdicts()
        v.require("first", lambda: [(True, "")])
        v.require("raises", lambda: [((1, 2)[5], "never")])
        v.check("last", lambda: 1 / 0 == 0)
        v.require("after", [(False, "a plain list, false")])
        self.assertEqual(len(v), 4)
        printed = io.StringIO()
        lines = v.run(printed)
        self.assertEqual(printed.getvalue().splitlines(), lines)
        self.assertEqual(lines[0], "PASS first")
        self.assertTrue(lines[1].startswith("FAIL raises: the check raised IndexError"), lines[1])
        self.assertTrue(lines[2].startswith("FAIL last: the check raised ZeroDivisionError"), lines[2])
        self.assertEqual(lines[3], "FAIL after: a plain list, false")


class Judges(unittest.TestCase):
    def check_judge(self, argv_check, argv_count, log_name, env=None):
        env = env or {}
        with tempfile.TemporaryDirectory() as work:
            uncovered_selection(work, log_name)
            r = judge(argv_check + [work], **env)
            self.assertEqual(r.returncode, 0, "the judge died:\n" + r.stderr[-2000:])
            lines = verdict_lines(r.stdout)
            sel = [l for l in lines if l.startswith(("PASS edit-selection", "FAIL edit-selection"))
                   and l.split()[1].rstrip(":") == "edit-selection"]
            self.assertEqual(len(sel), 1, lines)
            self.assertIn("IndexError", sel[0])
            n = judge(argv_count, **env)
            self.assertEqual(n.returncode, 0, n.stderr)
            held = int(n.stdout.strip())
            self.assertGreater(held, 30)
            self.assertGreaterEqual(len(lines), held, "fewer checks reported than held")
            names = [re.split(r"[: ]", l, 2)[1] for l in lines]
            self.assertEqual(len(names), len(set(names)), "a check reported twice")

    def test_gimp3_judge_survives_an_index_error(self):
        self.check_judge([CHECKS3, "check"], [CHECKS3, "count"], "script-fu.log")

    def test_gimp2_judge_survives_an_index_error(self):
        self.check_judge([CHECKS2], [CHECKS2, "--count"], "sf-main.log")

    def test_gimp2_judge_counts_the_cross_version_checks(self):
        self.check_judge([CHECKS2], [CHECKS2, "--count"], "sf-main.log", {"GG_CROSS": "1"})

    def test_count_is_the_registry_on_nothing(self):
        """On an empty folder every check reports (a FAIL each), exactly
        as many as count says."""
        with tempfile.TemporaryDirectory() as work:
            r = judge([CHECKS3, "check", work])
            self.assertEqual(r.returncode, 0, r.stderr[-2000:])
            lines = verdict_lines(r.stdout)
            held = int(judge([CHECKS3, "count"]).stdout)
            self.assertEqual(len(lines), held)
            self.assertTrue(all(l.startswith("FAIL ") for l in lines), lines)


def accounting(script):
    """Runs @script in bash after sourcing tests/gimp/verdicts.sh."""
    return subprocess.run(["bash", "-c", 'source "$0"; ' + script, VERDICTS_SH],
                          capture_output=True, text=True, timeout=60)


class Accounting(unittest.TestCase):
    def test_all_reported(self):
        r = accounting('judge j 2 sh -c "echo PASS a; echo PASS b"; finish')
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(r.stdout.splitlines()[-1], "2 passed, 0 failed, 0 skipped")

    def test_a_judge_that_dies_fails_the_stage(self):
        r = accounting('judge j 1 sh -c "echo PASS a; exit 3"; finish')
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("FAIL setup: j: the judge ended with status 3", r.stdout)
        self.assertEqual(r.stdout.splitlines()[-1], "1 passed, 1 failed, 0 skipped")

    def test_fewer_checks_than_held_fail_the_stage(self):
        r = accounting('judge j 3 sh -c "echo PASS a; echo PASS b"; finish')
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("FAIL setup: j: 2 checks reported, the registry holds 3", r.stdout)

    def test_a_python_judge_killed_by_an_exception(self):
        r = accounting('judge j 1 %s -c "print(\'PASS a\', flush=True); [][1]"; finish' % sys.executable)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("the judge ended with status 1", r.stdout)

    def test_nothing_ran(self):
        r = accounting('judge j 0 true; finish')
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("FAIL setup: no check ran", r.stdout)

    def test_skips_are_counted(self):
        r = accounting('judge j 2 sh -c "echo PASS a; echo SKIP b: no tool"; finish')
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(r.stdout.splitlines()[-1], "1 passed, 0 failed, 1 skipped")


def run_sh(script, out):
    """Runs @script in bash after sourcing tests/accounting.sh (logs in @out)."""
    return subprocess.run(["bash", "-c", 'out="$1"; jobs=1; source "$0"; ' + script, ACCOUNTING_SH, out],
                          capture_output=True, text=True, timeout=300)


class RunAccounting(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.out = self.tmp.name

    def tearDown(self):
        self.tmp.cleanup()

    def last(self, r):
        return r.stdout.strip().splitlines()[-1]

    def test_ctest_skipped_tests_are_counted(self):
        project = os.path.join(self.out, "p")
        os.makedirs(project)
        with open(os.path.join(project, "CMakeLists.txt"), "w") as f:
            f.write("cmake_minimum_required(VERSION 3.16)\nproject(p NONE)\nenable_testing()\n"
                    "add_test(NAME passes COMMAND sh -c \"exit 0\")\n"
                    "add_test(NAME skips COMMAND sh -c \"echo SKIP: no tool; exit 77\")\n"
                    "set_tests_properties(skips PROPERTIES SKIP_RETURN_CODE 77)\n"
                    "add_test(NAME also-passes COMMAND sh -c \"exit 0\")\n")
        build = os.path.join(self.out, "b")
        subprocess.run(["cmake", "-S", project, "-B", build], check=True, capture_output=True)
        r = run_sh('ctest_stage p "$1/b"; summary', self.out)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(self.last(r), "2 passed, 0 failed, 1 skipped")

    def test_suite_skips_and_not_run(self):
        r = run_sh('suite_stage a sh -c "echo PASS x; echo SKIP y: no tool; echo 1 passed, 0 failed, 1 skipped"; '
                   'suite_stage replay sh -c "echo NOT RUN: no recordings; echo 0 passed, 0 failed, 0 skipped"; '
                   'not_run+=("fuzzing (GG_TEST_QUICK=1)"); summary', self.out)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(self.last(r), "1 passed, 0 failed, 1 skipped; not run: replay (no recordings), "
                                       "fuzzing (GG_TEST_QUICK=1)")

    def test_old_summary_line_is_read(self):
        r = run_sh('suite_stage a sh -c "echo 3 passed, 0 failed"; summary', self.out)
        self.assertEqual(self.last(r), "3 passed, 0 failed, 0 skipped")

    def test_a_suite_that_dies_fails(self):
        r = run_sh('suite_stage a sh -c "echo PASS x; exit 3"; summary', self.out)
        self.assertNotEqual(r.returncode, 0)
        self.assertEqual(self.last(r), "0 passed, 1 failed, 0 skipped")
        self.assertIn("a: the suite did not complete, exit status 3", r.stdout)

    def test_a_suite_that_checks_nothing_fails(self):
        r = run_sh('suite_stage a sh -c "echo 0 passed, 0 failed, 0 skipped"; summary', self.out)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("a: no check ran", r.stdout)

    def test_a_suite_with_a_bad_status_fails(self):
        r = run_sh('suite_stage a sh -c "echo 2 passed, 0 failed; exit 1"; summary', self.out)
        self.assertNotEqual(r.returncode, 0)
        self.assertEqual(self.last(r), "2 passed, 1 failed, 0 skipped")


class Skips(unittest.TestCase):
    def read(self, *parts):
        with open(os.path.join(SRC, *parts), encoding="utf-8") as f:
            return f.read()

    def test_unit_tests_skip_only_through_gg_test_skip(self):
        unit = os.path.join(SRC, "tests", "unit")
        cmake = self.read("tests", "CMakeLists.txt")
        own = re.search(r"set\(GG_UNIT_OWN_TESTS(.*?)\)", cmake, re.S).group(1)
        for name in sorted(os.listdir(unit)):
            if not name.endswith(".c") or name == "gg-test-util.c":
                continue
            text = self.read("tests", "unit", name)
            self.assertNotRegex(text, r"\bg_test_skip\s*\(",
                                "%s: g_test_skip is not counted: use gg_test_skip" % name)
            if re.search(r"\bgg_test_skip\s*\(", text):
                binary = name[:-2]
                self.assertIn(binary + ":", own,
                              "%s skips: its test must be in GG_UNIT_OWN_TESTS" % name)
                self.assertRegex(text, r"gg_test_status\s*\(",
                                 "%s skips but does not exit with gg_test_status" % name)

    def test_every_ctest_test_says_skipped_with_77(self):
        for parts in (("tests", "CMakeLists.txt"), ("po", "CMakeLists.txt")):
            text = self.read(*parts)
            tests = re.findall(r"add_test\(NAME ([^ \n]+)", text)
            self.assertTrue(tests)
            for name in tests:
                props = re.findall(r"set_tests_properties\(%s PROPERTIES[^)]*SKIP_RETURN_CODE 77"
                                   % re.escape(name), text)
                self.assertTrue(props, "%s: %s has no SKIP_RETURN_CODE 77" % ("/".join(parts), name))

    def test_python_tests_do_not_skip_silently(self):
        """unittest's skips exit 0: the e2e and fake-server tests must not
        use them (a test that cannot run exits 77 after "SKIP: why")."""
        for folder in ("e2e", "fake_gemini"):
            d = os.path.join(SRC, "tests", folder)
            for name in sorted(os.listdir(d)):
                if name.endswith(".py"):
                    self.assertNotRegex(self.read("tests", folder, name),
                                        r"skipTest|unittest\.skip|SkipTest",
                                        "tests/%s/%s skips without being counted" % (folder, name))


if __name__ == "__main__":
    unittest.main()
