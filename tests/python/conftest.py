"""pytest set-up for the tms package tests: ctest puts the staged package (build/<preset>/python) on PYTHONPATH
and passes the `tms` CLI as TMS_CLI for the comparisons with the C++ API."""
import os

import pytest


@pytest.fixture
def tms_cli():
    path = os.environ.get("TMS_CLI")
    if not path or not os.path.exists(path):
        pytest.skip("TMS_CLI (the tms program of the same build) is not given")
    return path
