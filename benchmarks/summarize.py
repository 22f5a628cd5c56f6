#!/usr/bin/python3
"""Markdown tables of the medians in Google Benchmark JSON files (from run_benchmarks.sh).

    /usr/bin/python3 benchmarks/summarize.py <results-dir or file.json>...

One row per benchmark: median real time, and the median of every rate counter (items/s, flops, fraction_of_peak,
instance_steps, ...), plus the coefficient of variation of the time when repetitions were run.
"""
import glob
import json
import os
import sys


def si(value):
    for factor, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= factor:
            return "%.3g%s" % (value / factor, suffix)
    return "%.3g" % value


def duration(value, unit):
    seconds = value * {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}[unit]
    for factor, suffix in ((1.0, "s"), (1e-3, "ms"), (1e-6, "µs")):
        if seconds >= factor:
            return "%.3g %s" % (seconds / factor, suffix)
    return "%.3g ns" % (seconds * 1e9)


def table(path):
    with open(path) as f:
        data = json.load(f)
    rows = {}
    for b in data["benchmarks"]:
        name = b.get("run_name", b["name"])
        kind = b.get("aggregate_name", "")
        if kind not in ("", "median", "cv"):
            continue
        rows.setdefault(name, {})[kind or "median"] = b
    skip = {"name", "run_name", "run_type", "repetitions", "repetition_index", "threads", "iterations",
            "real_time", "cpu_time", "time_unit", "family_index", "per_family_instance_index", "aggregate_name",
            "aggregate_unit", "label", "error_occurred", "error_message"}
    counters = []
    for r in rows.values():
        for key in r["median"]:
            if key not in skip and key not in counters and isinstance(r["median"][key], (int, float)):
                counters.append(key)
    context = data.get("context", {})
    print("\n### %s\n" % os.path.basename(path))
    extras = ["%s=%s" % (k, context[k]) for k in ("fma_peak_gflops_one_core", "xsimd_arch", "float_lanes") if k in context]
    print("`%s`, %s, load average %s\n" % (context.get("executable", ""), ", ".join(extras),
                                          context.get("load_avg", "")))
    print("| benchmark | time (median) | time CV | " + " | ".join(counters) + " |")
    print("|---|---:|---:|" + "---:|" * len(counters))
    for name, r in rows.items():
        m = r["median"]
        if m.get("error_occurred"):
            print("| %s | skipped: %s |" % (name, m.get("error_message", "")))
            continue
        cv = r.get("cv", {}).get("real_time")
        cells = [si(m[c]) if c in m else "" for c in counters]
        print("| %s | %s | %s | %s |" % (name, duration(m["real_time"], m["time_unit"]),
                                              "%.1f%%" % (100 * cv) if cv is not None else "", " | ".join(cells)))


def main():
    paths = []
    for arg in sys.argv[1:] or ["build/release/benchmark-results"]:
        paths += sorted(glob.glob(os.path.join(arg, "*.json"))) if os.path.isdir(arg) else [arg]
    for path in paths:
        table(path)


if __name__ == "__main__":
    main()
