#!/usr/bin/python3
"""The claims of a `tms reproduce` run as the Markdown table of docs/reproduction.md.

Usage: tools/claims_table.py DIR/summary.json
Columns: the claim's id, its predicate (the text tms prints, which says exactly what is checked), the control
results (untrained weights, wrong data) and the value measured on the trained models.
"""
import json
import sys


def cell(text):
    return text.replace("|", "\\|").replace("\n", " ")


def main():
    with open(sys.argv[1]) as f:
        summary = json.load(f)
    print("| claim | predicate | untrained | wrong data | measured | verdict |")
    print("| --- | --- | --- | --- | --- | --- |")
    for c in summary["claims"]:
        print(f"| `{c['id']}` | {cell(c['claim'])} | {'fails ✓' if c['fails_untrained'] else 'HOLDS ✗'} | "
              f"{'fails ✓' if c['fails_wrong_data'] else 'HOLDS ✗'} | {cell(c['measured'])} | "
              f"{'reproduced' if c['reproduced'] else 'not reproduced'}{'' if c['converged'] else ' (unconverged)'} |")
    print()
    print(summary["verdict"])


if __name__ == "__main__":
    main()
