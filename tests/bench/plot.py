#!/usr/bin/python3
"""The README's plot: wall time against image size (1K, 2K, 4K generations)
for gemini-image and its peers, from the benchmark's results file.

    /usr/bin/python3 tests/bench/plot.py [--csv tests/bench/results/bench.csv]
                                         [--out docs/bench-time.svg]

Medians as lines, each run's spread (min to max) as bars; peak RSS in a
second panel.  Drawn with matplotlib (Debian's python3-matplotlib) as SVG,
without a date or random ids, so that the same results give the same file.
tests/bench/run.sh calls it after each run.
"""
import argparse
import csv
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
SIZES = ["generate 1K", "generate 2K", "generate 4K"]
# Tool as the CSV names it -> (label, colour, line style).
TOOLS = [
    ("gemini-image", "gemini-image (this project)", "#d62728", "-"),
    ("@google/genai", "@google/genai (official JS SDK)", "#1f77b4", "-"),
    ("curl|grep|cut|base64", "curl | grep | cut | base64 (documented)", "#2ca02c", "-"),
    ("curl|grep (LC_ALL=C)", "the same with LC_ALL=C", "#98df8a", "-"),
    ("curl|jq|base64", "curl | jq | base64", "#9467bd", "-"),
    ("floor: base64+PNG decode", "floor: base64 + PNG decode alone", "#7f7f7f", "--"),
]


def load(path):
    rows = {}
    with open(path, newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            rows[(r["work"], r["tool"])] = r
    return rows


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--csv", default=os.path.join(HERE, "results", "bench.csv"))
    ap.add_argument("--out", default=os.path.join(ROOT, "docs", "bench-time.svg"))
    a = ap.parse_args(argv)

    try:
        import matplotlib
    except ImportError:
        sys.exit("plot.py: matplotlib is missing: apt-get install python3-matplotlib")
    matplotlib.use("Agg")
    matplotlib.rcParams["svg.hashsalt"] = "gimp-gemini"   # stable ids
    matplotlib.rcParams["svg.fonttype"] = "none"          # text stays text
    import matplotlib.pyplot as plt

    rows = load(a.csv)
    missing = [w for w in SIZES if (w, "gemini-image") not in rows]
    if missing:
        sys.exit("plot.py: %s has no gemini-image rows for %s" % (a.csv, ", ".join(missing)))
    xs = [float(rows[(w, "gemini-image")]["image_mpix"]) for w in SIZES]
    body = [int(rows[(w, "gemini-image")]["answer_body_bytes"]) / 2 ** 20 for w in SIZES]

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 5.2), dpi=100)
    for tool, label, colour, style in TOOLS:
        if any((w, tool) not in rows for w in SIZES):
            continue
        med = [float(rows[(w, tool)]["median_s"]) for w in SIZES]
        lo = [m - float(rows[(w, tool)]["min_s"]) for w, m in zip(SIZES, med)]
        hi = [float(rows[(w, tool)]["max_s"]) - m for w, m in zip(SIZES, med)]
        width = 2.5 if tool == "gemini-image" else 1.4
        ax1.errorbar(xs, med, yerr=[lo, hi], fmt=style, marker="o", color=colour,
                     label=label, linewidth=width, capsize=3, elinewidth=0.8)
        rss = [float(rows[(w, tool)]["peak_rss_mib"]) for w in SIZES]
        ax2.plot(xs, rss, style, marker="o", color=colour, label=label, linewidth=width)
    ax2.plot(xs, [3 * b for b in body], ":", color="black", linewidth=1,
             label="target: 3x the answer body")
    ticks = ["1K\n%.1f MP" % xs[0], "2K\n%.1f MP" % xs[1], "4K\n%.1f MP" % xs[2]]
    for ax, title, unit in ((ax1, "Wall time (median; bars: min to max)", "seconds"),
                            (ax2, "Peak memory (RSS; a pipeline: its largest process)", "MiB")):
        ax.set_xticks(xs)
        ax.set_xticklabels(ticks)
        ax.set_xlabel("generated image (Gemini 3 Pro Image, 1:1, PNG answer)")
        ax.set_ylabel(unit)
        ax.set_title(title, fontsize=11)
        ax.grid(alpha=0.3)
        ax.set_ylim(bottom=0)
    handles, labels = ax2.get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=4, fontsize=8, frameon=False)
    fig.suptitle("gemini-image against its peers, client work only (fake server, instant answers)",
                 fontsize=12)
    fig.tight_layout(rect=(0, 0.1, 1, 1))
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    fig.savefig(a.out, format="svg", metadata={"Date": None})
    plt.close(fig)
    print("plot.py: wrote %s" % a.out)


if __name__ == "__main__":
    main()
