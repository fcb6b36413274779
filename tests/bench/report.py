#!/usr/bin/python3
"""Turns the raw figures of tests/bench/run.sh into the table, the issue-17
targets (PASS/FAIL), a CSV and a plot.  Standard library; matplotlib when it
is installed (python3-matplotlib), else no bench.png.

Targets (printed, never a timed test):
  * written as received: gemini-image's median wall <= 0.5x the SDK's, on
    each of the three answers;
  * peak RSS <= 2x the answer body + 32 MiB, on each;
  * converted (the JPEG 4K answer to .png): reported beside, with the
    conversion's own share (converted - as received, same answer, same run).
"""

import argparse
import csv
import os
import shutil
import statistics
import sys

US = "gemini-image"
CONV = "gemini-image -> .png"
GENAI = "@google/genai"
CURL = "curl|grep|cut|base64"
TOOLS = [US, CONV, GENAI, CURL]
ANSWERS = ["png4k", "jpeg4k", "jpeg1k"]
LABEL = {
    "png4k": "4K noisy PNG",
    "jpeg4k": "4K JPEG + 2x2.9 MB sigs",
    "jpeg1k": "1K JPEG + 2.9 MB sig",
}
MIB = 2 ** 20


def load(work_dir):
    times, rss = {}, {}
    with open(os.path.join(work_dir, "raw.tsv"), encoding="utf-8") as f:
        for line in f:
            answer, tool, _run, sec, kb = line.rstrip("\n").split("\t")
            times.setdefault((answer, tool), []).append(float(sec))
            rss.setdefault((answer, tool), []).append(int(kb))
    bodies = {a: os.path.getsize(os.path.join(work_dir, "body-%s.json" % a)) for a in ANSWERS}
    images = {}
    for a in ANSWERS:
        for ext in ("png", "jpg"):
            path = os.path.join(work_dir, "answer-%s.%s" % (a, ext))
            if os.path.exists(path):
                images[a] = os.path.getsize(path)
    return times, rss, bodies, images


def fmt_row(cols, widths):
    return "  ".join(c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(cols, widths)))


def plot_matplotlib(rows, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.2), dpi=100)
    colours = {US: "#d62728", CONV: "#ff9896", GENAI: "#1f77b4", CURL: "#2ca02c"}
    width = 0.2
    for k, tool in enumerate(TOOLS):
        xs = [i + (k - 1.5) * width for i in range(len(ANSWERS))]
        med = [rows.get((a, tool), {}).get("median", 0) for a in ANSWERS]
        mem = [rows.get((a, tool), {}).get("rss_mb", 0) for a in ANSWERS]
        ax1.bar(xs, med, width, color=colours[tool], label=tool)
        ax2.bar(xs, mem, width, color=colours[tool], label=tool)
    for ax, title, unit in ((ax1, "median wall time", "seconds"), (ax2, "peak RSS", "MiB")):
        ax.set_xticks(range(len(ANSWERS)), [LABEL[a] for a in ANSWERS], fontsize=8)
        ax.set_ylabel(unit)
        ax.set_title(title)
        ax.grid(alpha=0.3, axis="y")
    ax1.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", required=True)
    ap.add_argument("--results", required=True)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--load-before", default="?")
    ap.add_argument("--load-after", default="?")
    ap.add_argument("--versions", default="")
    ap.add_argument("--machine", default="?")
    ap.add_argument("--locale", default="?")
    a = ap.parse_args()

    times, rss, bodies, images = load(a.work)
    rows = {}
    for (answer, tool), ts in times.items():
        rows[(answer, tool)] = {"median": statistics.median(ts), "min": min(ts), "max": max(ts),
                                "n": len(ts), "rss_mb": max(rss[(answer, tool)]) / 1024}

    lines = []
    p = lines.append
    head = ["answer", "tool", "median s", "min s", "max s", "peak RSS MiB", "x SDK"]
    widths = [24, 22, 9, 7, 7, 12, 6]
    p(fmt_row(head, widths))
    p("  ".join("-" * w for w in widths))
    for answer in ANSWERS:
        genai = rows.get((answer, GENAI))
        for tool in TOOLS:
            r = rows.get((answer, tool))
            if r is None:
                continue
            ratio = "-" if tool == GENAI or genai is None else "%.2f" % (r["median"] / genai["median"])
            p(fmt_row([LABEL[answer], tool, "%.3f" % r["median"], "%.3f" % r["min"], "%.3f" % r["max"],
                       "%.1f" % r["rss_mb"], ratio], widths))
        p("%s  body %.1f MiB, image %.1f MiB" % (" " * 24, bodies[answer] / MIB, images.get(answer, 0) / MIB))
        p("")

    p("Targets of issue 17 (gemini-image, written as received):")
    verdicts = []

    def target(name, ok, detail):
        verdicts.append(ok)
        p("  %-4s %s: %s" % ("PASS" if ok else "FAIL", name, detail))
    for answer in ANSWERS:
        us, genai = rows[(answer, US)], rows[(answer, GENAI)]
        r = us["median"] / genai["median"]
        target("%s: median <= 0.5x @google/genai" % LABEL[answer], r <= 0.5,
               "%.3f s / %.3f s = %.2fx" % (us["median"], genai["median"], r))
    for answer in ANSWERS:
        us = rows[(answer, US)]
        limit = 2 * bodies[answer] / MIB + 32
        target("%s: peak RSS <= 2x body + 32 MiB" % LABEL[answer], us["rss_mb"] <= limit,
               "%.1f MiB (limit %.1f MiB; body %.1f MiB)" % (us["rss_mb"], limit, bodies[answer] / MIB))
    conv, asis = rows.get(("jpeg4k", CONV)), rows.get(("jpeg4k", US))
    if conv and asis:
        own = conv["median"] - asis["median"]
        p("  info converted (4K JPEG answer to .png): median %.3f s, %.2fx the SDK's %.3f s writing the JPEG; "
          "peak RSS %.1f MiB; the conversion's own share %.3f s = %.0f %% of it (JPEG decode + PNG encode)"
          % (conv["median"], conv["median"] / rows[("jpeg4k", GENAI)]["median"],
             rows[("jpeg4k", GENAI)]["median"], conv["rss_mb"], own, 100 * own / conv["median"]))
    for answer in ANSWERS:
        curl = rows.get((answer, CURL))
        if curl:
            p("  info %s: gemini-image / the seed's curl pipeline = %.2fx" %
              (LABEL[answer], rows[(answer, US)]["median"] / curl["median"]))
    p("")
    p("Runs per case: %d, interleaved (after one warm-up run each); server: tests/bench/serve.py, static "
      "bodies on 127.0.0.1 (every tool wrote the exact bytes sent); machine: %s; locale %s; "
      "load average before %s, after %s."
      % (a.runs, a.machine, a.locale, a.load_before, a.load_after))
    p("Peak RSS of a pipeline = its largest single process (GNU time %M).")
    p("Versions: %s" % a.versions)
    text = "\n".join(lines)
    print(text)

    os.makedirs(a.results, exist_ok=True)
    csv_path = os.path.join(a.work, "bench.csv")
    with open(csv_path, "w", newline="", encoding="utf-8") as f:
        cw = csv.writer(f)
        cw.writerow(["answer", "tool", "runs", "median_s", "min_s", "max_s", "peak_rss_mib",
                     "ratio_over_sdk", "answer_body_bytes", "image_bytes"])
        for answer in ANSWERS:
            genai = rows.get((answer, GENAI))
            for tool in TOOLS:
                r = rows.get((answer, tool))
                if r is None:
                    continue
                cw.writerow([answer, tool, r["n"], "%.4f" % r["median"], "%.4f" % r["min"], "%.4f" % r["max"],
                             "%.1f" % r["rss_mb"], "%.3f" % (r["median"] / genai["median"]) if genai else "",
                             bodies[answer], images.get(answer, 0)])
    shutil.copy(csv_path, os.path.join(a.results, "bench.csv"))
    with open(os.path.join(a.results, "summary.txt"), "w", encoding="utf-8") as f:
        f.write(text + "\n")
    plot = os.path.join(a.results, "bench.png")
    try:
        plot_matplotlib(rows, plot)
    except ImportError:
        plot = "(none: python3-matplotlib is missing)"
    print("\nCSV: %s (copy in %s); plot: %s" % (csv_path, a.results, plot))
    return 0 if all(verdicts) else 1


if __name__ == "__main__":
    sys.exit(main())
