"""Shared helpers: the built `reesx` program (REESX_BINARY, set by ctest) and the cases."""

import json
import os
import pathlib
import subprocess
import sys

import pytest

SOURCE_DIR = pathlib.Path(
    os.environ.get("REESX_SOURCE_DIR", pathlib.Path(__file__).resolve().parents[2])
)
EXAMPLES = SOURCE_DIR / "examples"
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))


@pytest.fixture(scope="session")
def reesx_binary():
    binary = os.environ.get("REESX_BINARY", str(SOURCE_DIR / "build" / "tools" / "reesx"))
    if not os.path.exists(binary):
        pytest.fail(f"the reesx program is not built at {binary} (set REESX_BINARY)")
    return binary


@pytest.fixture
def cli(reesx_binary, tmp_path):
    """Runs `reesx ARGS --json FILE`; returns (exit code, JSON or None, stderr)."""

    def call(*args, json_option=True):
        out = tmp_path / "out.json"
        command = [reesx_binary, *map(str, args)] + (["--json", str(out)] if json_option else [])
        p = subprocess.run(command, capture_output=True, text=True)
        data = json.loads(out.read_text()) if out.exists() else None
        return p.returncode, data, p.stderr

    return call


def without_timings(value):
    """The summary without wall-clock times (keys named 'seconds'), which differ per run."""
    if isinstance(value, dict):
        return {k: without_timings(v) for k, v in value.items() if k != "seconds"}
    if isinstance(value, list):
        return [without_timings(v) for v in value]
    return value
