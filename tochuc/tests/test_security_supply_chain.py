"""H1: `requirements.txt` pins the runtime dependencies with hashes and agrees with pyproject.toml."""

from __future__ import annotations

import re
import tomllib
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
ENTRY = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)((?:\s+--hash=sha256:[0-9a-f]{64})+)\s*$")


def locked() -> dict[str, tuple[str, int]]:
    """Name -> (version, number of hashes) of every entry of requirements.txt."""
    text = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    logical = [line for line in text.replace("\\\n", " ").splitlines() if line.strip() and not line.startswith("#")]
    entries = {}
    for line in logical:
        match = ENTRY.match(line)
        assert match, f"requirements.txt: not a pinned, hashed entry: {line[:80]}"
        entries[canonicalize_name(match[1])] = (match[2], match[3].count("--hash="))
    return entries


def direct_pins() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pins = {}
    for spec in project["dependencies"]:
        requirement = Requirement(spec)
        (specifier,) = requirement.specifier
        assert specifier.operator == "==", f"pyproject.toml: {spec} is not pinned"
        pins[canonicalize_name(requirement.name)] = specifier.version
    return pins


def test_every_entry_is_pinned_with_at_least_one_sha256():
    entries = locked()
    assert len(entries) >= len(direct_pins())
    assert all(hashes >= 1 for _, hashes in entries.values())


def test_the_lock_file_names_the_versions_pinned_in_pyproject():
    entries = locked()
    assert {name: entries.get(name, ("missing", 0))[0] for name in direct_pins()} == direct_pins()


def test_the_lock_file_holds_every_runtime_dependency_of_what_it_names():
    """Closed under dependencies (as installed here): nothing the application imports at run time
    escapes the hashes."""
    entries = locked()
    missing = set()
    for name in entries:
        try:
            requires = distribution(name).requires or []
        except PackageNotFoundError:
            continue  # a dependency of another platform only
        for spec in requires:
            requirement = Requirement(spec)
            applies = requirement.marker is None or requirement.marker.evaluate({"extra": ""})
            if applies and canonicalize_name(requirement.name) not in entries:
                missing.add(f"{requirement.name} (for {name})")
    assert sorted(missing) == []
