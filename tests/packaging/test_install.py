"""`pip install .` into a fresh venv gives the `localchat-server` console script and the
`localchat` GUI script (gui_scripts: no console window on Windows), both answering --version
with the one version; the wheel carries the MIT license and our icon. As pip does, the wheel is
built with the PEP 517 hooks (setuptools from the test environment, so no download: pip's build
isolation would fetch setuptools each time) in a copy of the tracked files (nothing is written
into the source tree), then pip installs it --no-deps --no-index; the dependencies come from
the test's own environment."""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.packaging


def tracked_copy(target: Path) -> Path:
    files = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                           cwd=ROOT, capture_output=True, check=True).stdout.split(b"\0")
    for name in filter(None, (f.decode() for f in files)):
        source = ROOT / name
        if source.is_file() and not name.startswith("tests/"):
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def test_install_gives_both_programs_with_the_version_license_and_icon(tmp_path: Path):
    source = tracked_copy(tmp_path / "src")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}  # the source tree would
    # count as installed already
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    wheels = tmp_path / "wheels"
    built = subprocess.run(  # what `pip install .` does first, without fetching setuptools
        [sys.executable, "-c", "import sys; from setuptools import build_meta; "
         "print(build_meta.build_wheel(sys.argv[1]))", str(wheels)],
        cwd=source, capture_output=True, text=True, timeout=120)
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-2000:]
    wheel = wheels / built.stdout.strip().splitlines()[-1]
    installed = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps",
         "--no-index", "--disable-pip-version-check", str(wheel)],
        capture_output=True, text=True, timeout=120, env=env)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; "
                                "print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    # the dependencies from this environment, after the venv's own site-packages (so the
    # version comes from the metadata just installed)
    (site / "test-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    bin_dir = python.parent
    for program in ("localchat-server", "localchat"):
        done = subprocess.run([str(bin_dir / program), "--version"], capture_output=True,
                              text=True, env=env, cwd=tmp_path, timeout=60)
        assert (done.returncode, done.stdout.strip()) == (0, f"{program} {version}"), done.stderr
    dist = site / f"localchat-{version}.dist-info"
    entry_points = configparser.ConfigParser()
    entry_points.read(dist / "entry_points.txt")
    assert dict(entry_points["gui_scripts"]) == {"localchat": "app.__main__:main"}
    assert dict(entry_points["console_scripts"]) == {"localchat-server": "server.__main__:main"}
    metadata = (dist / "METADATA").read_text()
    assert "License-Expression: MIT" in metadata
    assert "Copyright 2026 The LocalChat developers" in (dist / "licenses" / "LICENSE").read_text()
    assert (site / "app" / "assets" / "localchat.png").is_file()
    assert (site / "app" / "assets" / "localchat.svg").is_file()
