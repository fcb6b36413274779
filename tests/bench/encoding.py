#!/usr/bin/python3
"""The encoding measurement's figures (tests/bench/encoding.sh).

  encoding.py cli --cli GEMINI-IMAGE --encodings png,jpeg:96,... --json OUT
      tests/placement/run.py's cases through the CLI, once per encoding
      (GG_TEST_ENCODING; the CLI must be built with -DGG_TEST_HOOKS=ON):
      its own measures (register, assess: residual shift and ring error)
      plus what the fake server received (format, bytes).
  encoding.py gimp --work GIMP-RUN --encoding E --json OUT
      one tests/gimp/run.sh run's placement part (GG_GIMP_PARTS=placement,
      GG_TEST_ENCODING=E), judged by tests/gimp/part_placement.py's own
      measures.
  encoding.py table DIR
      cli.json, gimp-*.json and encode.txt (encoding.c) of DIR side by side.

A figure that cannot be had is an error (exit 1), never a blank: an
encoding that the build did not honour (the server received another
format) fails.
"""

import importlib.util
import json
import os
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TESTS = os.path.join(HERE, "..")


def module(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def want_format(encoding):
    return "png" if encoding == "png" else "jpeg"


def sent_images(log):
    gen = [e for e in log if e.get("path", "").endswith(":generateContent")]
    return [p["inlineData"]["data"] for e in gen[-1:] for c in e["body"]["contents"]
            for p in c["parts"] if "inlineData" in p]


def cli(argv):
    import argparse
    ap = argparse.ArgumentParser(prog="encoding.py cli")
    ap.add_argument("--cli", required=True)
    ap.add_argument("--encodings", required=True)
    ap.add_argument("--json", required=True)
    ap.add_argument("--server", default=os.path.join(TESTS, "fake_gemini", "server.py"))
    opts = ap.parse_args(argv)
    rp = module("gg_placement_run", os.path.join(TESTS, "placement", "run.py"))
    workdir = tempfile.mkdtemp(prefix="gg-encoding-")
    server = rp.Server(opts.server, workdir)
    rows, errors = [], []
    try:
        for enc in opts.encodings.split(","):
            os.environ["GG_TEST_ENCODING"] = enc
            for c in rp.CASES:
                row = rp.measure(opts, server, workdir, c)
                sent = sent_images(server.control("/_control/log"))
                out = {"encoding": enc, "case": c["name"], "failures": row["failures"]}
                if "resid" not in row or not sent:
                    errors.append("%s %s: %s" % (enc, c["name"], "; ".join(row["failures"])))
                    continue
                out.update(resid=float(row["resid"]), ring=float(row["mae"]),
                           format=sent[0]["format"], bytes=sent[0]["bytes"],
                           sent="%sx%s" % (sent[0]["width"], sent[0]["height"]),
                           seconds=row["elapsed"])
                if out["format"] != want_format(enc):
                    errors.append("%s %s: the server received %s: the build does not honour "
                                  "GG_TEST_ENCODING (configure with -DGG_TEST_HOOKS=ON)"
                                  % (enc, c["name"], out["format"]))
                rows.append(out)
                print("cli  %-9s %-8s resid %.3f px  ring %.2f/255  sent %s %s %d B%s"
                      % (enc, c["name"], out["resid"], out["ring"], out["sent"], out["format"],
                         out["bytes"], "  (" + "; ".join(row["failures"]) + ")"
                         if row["failures"] else ""), file=sys.stderr, flush=True)
    finally:
        server.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    with open(opts.json, "w") as f:
        json.dump(rows, f, indent=1)
    for e in errors:
        print("encoding.py cli: " + e, file=sys.stderr)
    return 1 if errors else 0


def gimp(argv):
    import argparse
    ap = argparse.ArgumentParser(prog="encoding.py gimp")
    ap.add_argument("--work", required=True)
    ap.add_argument("--encoding", required=True)
    ap.add_argument("--json", required=True)
    opts = ap.parse_args(argv)
    rp = module("gg_placement_run", os.path.join(TESTS, "placement", "run.py"))
    scope = {"__name__": "gg_part_placement"}
    path = os.path.join(TESTS, "gimp", "part_placement.py")
    with open(path, encoding="utf-8") as f:
        exec(compile(f.read(), path, "exec"), scope)
    reports = {}
    with open(os.path.join(opts.work, "part_placement.log"), encoding="utf-8",
              errors="replace") as f:
        for line in f:
            if line.startswith("GGT-JSON "):
                d = json.loads(line[len("GGT-JSON "):])
                reports[d.get("name")] = d
    rows, errors = [], []
    for c in scope["CASES"]:
        d = reports.get("placement-" + c["name"])
        if d is None:
            errors.append("%s: no report from GIMP" % c["name"])
            continue
        fig, conds = scope["_judge"](rp, opts.work, c, d)
        failures = [why for ok, why in conds if not ok]
        if not fig:
            errors.append("%s: %s" % (c["name"], "; ".join(failures)))
            continue
        sent = (d.get("sent") or {}).get("bytes") or [[None, None]]
        out = {"encoding": opts.encoding, "case": c["name"], "resid": float(fig["resid"]),
               "ring": float(fig["mae"]), "format": sent[0][0], "bytes": sent[0][1],
               "sent": "%sx%s" % tuple((d["sent"].get("images") or [["?", "?"]])[0]),
               "seconds": d.get("seconds"), "failures": failures}
        if out["format"] is not None and out["format"] != want_format(opts.encoding):
            errors.append("%s: GIMP sent %s: the plug-in does not honour GG_TEST_ENCODING"
                          % (c["name"], out["format"]))
        rows.append(out)
    with open(opts.json, "w") as f:
        json.dump(rows, f, indent=1)
    for e in errors:
        print("encoding.py gimp %s: %s" % (opts.encoding, e), file=sys.stderr)
    return 1 if errors else 0


def table(argv):
    d = argv[0]
    with open(os.path.join(d, "cli.json")) as f:
        cli_rows = json.load(f)
    gimp_rows = []
    for name in sorted(os.listdir(d)):
        if name.startswith("gimp-") and name.endswith(".json"):
            with open(os.path.join(d, name)) as f:
                gimp_rows += json.load(f)
    encodings = []
    for r in cli_rows + gimp_rows:
        if r["encoding"] not in encodings:
            encodings.append(r["encoding"])

    def pick(rows, enc):
        return [r for r in rows if r["encoding"] == enc]

    def rng(rows, key, fmt):
        vals = [r[key] for r in rows if r.get(key) is not None]
        if not vals:
            return "-"
        return (fmt % min(vals)) + "-" + (fmt % max(vals))

    def fails(rows):
        return sum(1 for r in rows if r["failures"])

    print("Placement by encoding (fake drifting answers; resid = residual shift, worst corner, "
          "px; ring = colour error on the context ring, /255; sent = the region's bytes)")
    print("%-9s | %-12s %-10s %-14s %-5s | %-12s %-10s %-14s %-5s"
          % ("encoding", "CLI resid", "CLI ring", "CLI sent kB", "fail",
             "GIMP resid", "GIMP ring", "GIMP sent kB", "fail"))
    for enc in encodings:
        c, g = pick(cli_rows, enc), pick(gimp_rows, enc)
        kb = lambda rows: [dict(r, kb=r["bytes"] / 1000.0 if r.get("bytes") else None) for r in rows]
        print("%-9s | %-12s %-10s %-14s %-5s | %-12s %-10s %-14s %-5s"
              % (enc, rng(c, "resid", "%.3f"), rng(c, "ring", "%.2f"), rng(kb(c), "kb", "%.0f"),
                 "%d/%d" % (fails(c), len(c)) if c else "-",
                 rng(g, "resid", "%.3f"), rng(g, "ring", "%.2f"), rng(kb(g), "kb", "%.0f"),
                 "%d/%d" % (fails(g), len(g)) if g else "-"))
    # Per case: resid / ring, CLI and GIMP next to each other.
    print()
    print("Per case, resid px / ring /255 (CLI | GIMP)")
    cases = []
    for r in cli_rows + gimp_rows:
        key = ("CLI" if r in cli_rows else "GIMP", r["case"])
        if key not in cases:
            cases.append(key)
    print("%-22s " % "case" + " ".join("%-14s" % e for e in encodings))
    for front, case in cases:
        rows = cli_rows if front == "CLI" else gimp_rows
        cells = []
        for enc in encodings:
            hit = [r for r in rows if r["encoding"] == enc and r["case"] == case]
            cells.append("%.3f/%.2f%s" % (hit[0]["resid"], hit[0]["ring"],
                                          "!" if hit[0]["failures"] else "")
                         if hit else "-")
        print("%-22s " % ("%s %s" % (front, case)) + " ".join("%-14s" % x for x in cells))
    print("(! = a threshold of the placement check failed: resid <= 0.5 px, ring <= 2/255)")
    enc_file = os.path.join(d, "encode.txt")
    if os.path.exists(enc_file):
        print()
        print("Encode cost (gg_front_encode on a photo-like picture, tests/bench/bodies.py "
              "--picture; median time)")
        print("%-10s %-9s %-6s %10s %9s %8s" % ("size", "encoding", "format", "bytes", "ms", "PSNR dB"))
        with open(enc_file) as f:
            for line in f:
                size, enc, fmt, nbytes, ms, psnr = line.split()
                print("%-10s %-9s %-6s %10s %9s %8s" % (size, enc, fmt, nbytes, ms,
                                                        "lossless" if float(psnr) >= 99 else psnr))
    return 0


def main():
    if len(sys.argv) < 2 or sys.argv[1] not in ("cli", "gimp", "table"):
        sys.exit(__doc__)
    return {"cli": cli, "gimp": gimp, "table": table}[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
