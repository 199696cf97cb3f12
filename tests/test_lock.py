"""requirements.lock is what `make demo`, `make test` and CI install: every
dependency pyproject.toml asks for must be pinned there, at a version it allows."""

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).parent.parent


def test_every_dependency_is_pinned_in_the_lock_at_a_version_pyproject_allows():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = [Requirement(line) for line in project["dependencies"] + project["optional-dependencies"]["test"]]
    pinned = {
        canonicalize_name(name): version
        for name, version in re.findall(r"^([A-Za-z0-9_.-]+)==([^\s;\\]+)", (ROOT / "requirements.lock").read_text(), re.MULTILINE)
    }
    unpinned = [str(r) for r in wanted if canonicalize_name(r.name) not in pinned]
    assert not unpinned, f"not in requirements.lock (run `make lock`): {unpinned}"
    outside = [
        f"{r} (locked {pinned[canonicalize_name(r.name)]})" for r in wanted if not r.specifier.contains(pinned[canonicalize_name(r.name)], prereleases=True)
    ]
    assert not outside, f"requirements.lock is older than pyproject.toml (run `make lock`): {outside}"
