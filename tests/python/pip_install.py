"""ctest: the README's install line works offline from a copy of the source tree, and so does the editable install.

    pip_install.py <source dir> <work dir> <expected version>

The source is copied into <work dir>/src (pip builds in the tree, and a test writes only in its own directory);
CMake builds in <work dir>/cmake-build, kept between runs, so only the first run compiles.
"""
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

source, work, version = Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve(), sys.argv[3]
work.mkdir(parents=True, exist_ok=True)
copy = work / "src"
if copy.exists():
    shutil.rmtree(copy)
shutil.copytree(source, copy, ignore=shutil.ignore_patterns(".git", "build", "results", ".venv", "__pycache__",
                                                             "*.egg-info", "_tms*.so"))
# -O1 through TMS_PYTHON_CMAKE_ARGS (checked at the end): the test checks the installation, not the module's
# speed, and -O1 compiles it about 10% faster (python/src/bind_double.cpp: 75 s vs 83 s at -O3, 2026-12-02).
env = dict(os.environ, TMS_PYTHON_BUILD_DIR=str(work / "cmake-build"), PIP_NO_INDEX="1",
           PIP_DISABLE_PIP_VERSION_CHECK="1", TMS_PYTHON_CMAKE_ARGS="'-DCMAKE_CXX_FLAGS_RELEASE=-O1 -DNDEBUG'")
env.pop("PYTHONPATH", None)


def run(*command, cwd=copy):
    print("+", " ".join(map(str, command)), flush=True)
    subprocess.run(list(map(str, command)), cwd=cwd, env=env, check=True)


for mode, extra in [("install", []), ("editable", ["-e"])]:
    venv = work / f"venv-{mode}"
    if venv.exists():
        shutil.rmtree(venv)
    run("/usr/bin/python3", "-m", "venv", "--system-site-packages", venv)
    run(venv / "bin" / "pip", "install", "-v", "--no-build-isolation", *extra, ".")
    check = ("import tms, numpy as np, pathlib; print(tms.__version__, pathlib.Path(tms.__file__).parent);"
             "m = tms.ReluOutputModel(4, 2, seed=0); r = tms.train(m, steps=10); assert r.steps_completed == 10;"
             "assert (pathlib.Path(tms.__file__).parent / 'py.typed').exists()")
    out = subprocess.run([str(venv / "bin" / "python"), "-c", check], cwd=work, env=env, capture_output=True,
                         text=True)
    print(out.stdout, out.stderr, flush=True)
    assert out.returncode == 0, f"{mode}: import tms failed"
    got_version, location = out.stdout.split()[:2]
    assert got_version == version, f"{mode}: tms.__version__ is {got_version}, expected {version}"
    if mode == "editable":
        assert Path(location).resolve() == (copy / "python" / "tms").resolve(), location
    else:
        assert str(venv) in location, location
    print(f"pip {mode}: tms {got_version} from {location}", flush=True)

cache = (work / "cmake-build" / "CMakeCache.txt").read_text(encoding="utf-8")
assert re.search(r"^CMAKE_CXX_FLAGS_RELEASE:\w+=-O1 -DNDEBUG$", cache, re.M), "TMS_PYTHON_CMAKE_ARGS did not reach CMake"
