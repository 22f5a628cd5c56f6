"""ctest: execute the example notebook headless with nbclient and check what it shows, not just that it runs.

    run_notebook.py <notebook> <work dir>
"""
import os
import re
import sys
import time
from pathlib import Path

import nbclient
import nbformat

# ipykernel's debugger warns about frozen modules on every start; the notebook does not debug.
os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
notebook_path, work = Path(sys.argv[1]), Path(sys.argv[2])
work.mkdir(parents=True, exist_ok=True)
notebook = nbformat.read(notebook_path, as_version=4)
start = time.monotonic()
nbclient.NotebookClient(notebook, timeout=240, kernel_name="python3", resources={"metadata": {"path": str(work)}}).execute()
seconds = time.monotonic() - start
nbformat.write(notebook, work / notebook_path.name)  # the executed notebook, for inspection


def text_of(cell):
    return "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")


def svgs_of(cell):
    return [o["data"]["image/svg+xml"] for o in cell.outputs
            if o.output_type in ("display_data", "execute_result") and "image/svg+xml" in o.get("data", {})]


code = [c for c in notebook.cells if c.cell_type == "code"]
text = "\n".join(text_of(c) for c in code)
failures = []


def check(condition, what):
    if not condition:
        failures.append(what)


# The sweep: dense features represent about m = 5 features, sparse ones more than 5 (superposition).
match = re.search(r"represented by probability: \[([0-9, ]+)\]", text)
check(match, "the sweep printed its represented counts")
if match:
    represented = [int(v) for v in match.group(1).split(",")]
    check(len(represented) == 10, f"10 probabilities, got {represented}")
    check(represented[0] <= 6, f"p = 1 represents at most 6 features, got {represented[0]}")
    check(represented[-1] > 5, f"p = 0.05 represents more than 5 features, got {represented[-1]}")
check("stack (10, 5, 20) -> notebook layout (10, 20, 5)" in text, "layout helper shapes")
# The figures are inline SVG with their titles.
figure_cells = [(c, svgs_of(c)) for c in code if svgs_of(c)]
check(len(figure_cells) == 5, f"5 cells show an SVG figure, got {len(figure_cells)}")
titles = ["p = 1: five features", "superposition", "relu_hidden n=10 m=5", "step 0", "step 8000"]
for title in titles:
    check(any(title in svg for _, svgs in figure_cells for svg in svgs), f"a figure titled {title!r}")
# The ReLU hidden model has monosemantic or polysemantic neurons, counted over all 5.
match = re.search(r"neurons: \{'dead': (\d+), 'monosemantic': (\d+), 'polysemantic': (\d+)\}", text)
check(match and sum(map(int, match.groups())) == 5, "neuron counts over 5 neurons")
check(match and int(match.group(2)) + int(match.group(3)) >= 3, "at least 3 live neurons")
# Weights over time: five snapshots, and a pentagon at the end (five angle gaps of 72 ± 15 degrees).
check("snapshots (5, 2, 5) at steps [0, 2000, 4000, 6000, 8000]" in text, "snapshot shape and steps")
match = re.search(r"final angle gaps: \[([0-9, -]+)\]", text)
check(match, "the angle gaps were printed")
if match:
    gaps = [int(v) for v in match.group(1).split(",")]
    check(len(gaps) == 5 and all(abs(g - 72) <= 15 for g in gaps), f"a pentagon, got gaps {gaps}")
check(seconds < 120, f"the notebook runs in under 2 minutes, took {seconds:.0f} s")

print(f"notebook executed in {seconds:.1f} s")
if failures:
    print("notebook checks failed:\n  " + "\n  ".join(failures))
    sys.exit(1)
print("all notebook checks passed")
