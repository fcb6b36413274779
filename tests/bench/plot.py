#!/usr/bin/python3
"""The README's plot: wall time and peak memory of gemini-image and its
peers on the benchmark's three real-shaped answers, from the results file.

    /usr/bin/python3 tests/bench/plot.py [--csv tests/bench/results/bench.csv]
                                         [--out docs/bench-time.svg]

Medians as bars, each run's spread (min to max) as error bars; peak RSS in
a second panel with the target (2x the answer body + 32 MiB).  Drawn with
matplotlib (Debian's python3-matplotlib) as SVG, without a date or random
ids, so that the same results give the same file.  tests/bench/run.sh
calls it after each run.
"""
import argparse
import csv
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
ANSWERS = [("png4k", "4K noisy PNG\n(40 MB body)"),
           ("jpeg4k", "4K JPEG, 2 x 2.9 MB\nsignatures (8.5 MB body)"),
           ("jpeg1k", "1K JPEG, 2.9 MB\nsignature (3.7 MB body)")]
# Tool as the CSV names it -> (label, colour).
TOOLS = [
    ("gemini-image", "gemini-image, as received", "#d62728"),
    ("gemini-image -> .png", "gemini-image, JPEG converted to .png", "#ff9896"),
    ("@google/genai", "@google/genai (official JS SDK)", "#1f77b4"),
    ("curl|grep|cut|base64", "curl | grep | cut | base64 (the seed's)", "#2ca02c"),
]


def load(path):
    rows = {}
    with open(path, newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            rows[(r["answer"], r["tool"])] = r
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
    missing = [k for k, _ in ANSWERS if (k, "gemini-image") not in rows]
    if missing:
        sys.exit("plot.py: %s has no gemini-image rows for %s" % (a.csv, ", ".join(missing)))

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 5.2), dpi=100)
    width = 0.2
    for k, (tool, label, colour) in enumerate(TOOLS):
        xs, med, lo, hi, rss = [], [], [], [], []
        for i, (answer, _) in enumerate(ANSWERS):
            r = rows.get((answer, tool))
            if r is None:
                continue
            m = float(r["median_s"])
            xs.append(i + (k - 1.5) * width)
            med.append(m)
            lo.append(m - float(r["min_s"]))
            hi.append(float(r["max_s"]) - m)
            rss.append(float(r["peak_rss_mib"]))
        ax1.bar(xs, med, width, yerr=[lo, hi], color=colour, label=label, capsize=2,
                error_kw={"elinewidth": 0.8})
        ax2.bar(xs, rss, width, color=colour, label=label)
    for i, (answer, _) in enumerate(ANSWERS):
        body = int(rows[(answer, "gemini-image")]["answer_body_bytes"]) / 2 ** 20
        ax2.plot([i - 2 * width, i + 2 * width], [2 * body + 32] * 2, ":", color="black", linewidth=1,
                 label="target: 2x the body + 32 MiB" if i == 0 else None)
    for ax, title, unit in ((ax1, "Wall time (median; bars: min to max)", "seconds"),
                            (ax2, "Peak memory (RSS; a pipeline: its largest process)", "MiB")):
        ax.set_xticks(range(len(ANSWERS)))
        ax.set_xticklabels([label for _, label in ANSWERS], fontsize=8)
        ax.set_ylabel(unit)
        ax.set_title(title, fontsize=11)
        ax.grid(alpha=0.3, axis="y")
        ax.set_ylim(bottom=0)
    handles, labels = ax2.get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=3, fontsize=8, frameon=False)
    fig.suptitle("gemini-image against its peers, client work only (static answers on loopback)",
                 fontsize=12)
    fig.tight_layout(rect=(0, 0.1, 1, 1))
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    fig.savefig(a.out, format="svg", metadata={"Date": None})
    plt.close(fig)
    print("plot.py: wrote %s" % a.out)


if __name__ == "__main__":
    main()
