"""setuptools drives CMake to build tms._tms (pybind11's cmake_example layout); the version is the CMake project's.

Environment: TMS_PYTHON_BUILD_DIR names a persistent CMake build directory (reused between installs);
TMS_PYTHON_CMAKE_ARGS extra CMake configure arguments, split as a shell would (they come last, so they override,
e.g. "'-DCMAKE_CXX_FLAGS_RELEASE=-O1 -DNDEBUG'", which replaces the default -O3 -DNDEBUG); CMAKE_BUILD_PARALLEL_LEVEL the number of compile jobs.
"""

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = Path(__file__).resolve().parent


def cmake_project_version() -> str:
    text = (ROOT / "CMakeLists.txt").read_text(encoding="utf-8")
    match = re.search(r"project\(\s*tms\s+VERSION\s+([0-9][0-9.]*)", text)
    if not match:
        raise RuntimeError("setup.py: no `project(tms VERSION x.y.z)` in CMakeLists.txt")
    return match.group(1)


class CMakeExtension(Extension):
    def __init__(self, name: str):
        super().__init__(name, sources=[])


class CMakeBuild(build_ext):
    def build_extension(self, ext: Extension) -> None:
        package_dir = Path(self.get_ext_fullpath(ext.name)).resolve().parent
        build_dir = Path(os.environ.get("TMS_PYTHON_BUILD_DIR") or Path(self.build_temp).resolve() / "cmake")
        build_dir.mkdir(parents=True, exist_ok=True)
        configure = [
            "cmake", "-S", str(ROOT), "-B", str(build_dir),
            "-DCMAKE_BUILD_TYPE=Release", "-DCMAKE_CXX_FLAGS_RELEASE=-O3 -DNDEBUG",
            f"-DPython_EXECUTABLE={sys.executable}",
            "-DTMS_BUILD_PYTHON=ON", "-DTMS_PYTHON_STAGE_PACKAGE=OFF", f"-DTMS_PYTHON_PACKAGE_DIR={package_dir}",
            "-DTMS_BUILD_TESTS=OFF", "-DTMS_BUILD_EXAMPLES=OFF", "-DTMS_BUILD_BENCHMARKS=OFF",
            "-DTMS_BUILD_TOOLS=OFF", "-DTMS_INSTALL=OFF",
            *shlex.split(os.environ.get("TMS_PYTHON_CMAKE_ARGS", "")),
        ]
        subprocess.run(configure, check=True)
        jobs = os.environ.get("CMAKE_BUILD_PARALLEL_LEVEL") or str(os.cpu_count() or 1)
        subprocess.run(["cmake", "--build", str(build_dir), "--target", "tms_python", "-j", jobs], check=True)


setup(
    version=cmake_project_version(),
    packages=["tms"],
    package_dir={"": "python"},
    package_data={"tms": ["*.pyi", "py.typed"]},
    ext_modules=[CMakeExtension("tms._tms")],
    cmdclass={"build_ext": CMakeBuild},
    zip_safe=False,
)
