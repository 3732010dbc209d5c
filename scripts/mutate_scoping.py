#!/usr/bin/env python
"""Mutation test of the scoping module (SECURITY.md B3): do the scope tests notice a broken scope?

Each mutant is one targeted change to `tochuc/accounts/scoping.py` (or to the two tree helpers it
builds on, `valid_on` and `path_prefix` in `tochuc/units/selectors.py`) of the kind that would
leak records or rights: a filter dropped, a date bound widened, `<` and `<=` swapped, every unit
returned, the grant's end ignored, the role order reversed... For each, the scope tests run in a
fresh pytest process that imports the mutated module in place of the real one (an import hook: the
working tree is never written, so other test runs on the machine are not disturbed). A mutant is
killed when a test fails; one that survives means the tests would not see that leak, and the
script exits 1 naming it.

    .venv/bin/python scripts/mutate_scoping.py [--jobs 2] [--only NAME…] [--tests PATH…]

It honours DATABASE_URL like `bin/test` (PostgreSQL-only mutants are skipped on SQLite and the
reverse; each parallel mutant gets its own test database, named after TOCHUC_TEST_DB_NAME).
About 3 minutes of CPU on SQLite; `.ci/run` runs it there with 2 jobs. mutmut 3.8 was tried
(`docs/security.md`, B3): it runs here, but its 233 blind mutants of this module would take about
half an hour, and most are cosmetic (the text of a 404 message) or equivalent.
"""

from __future__ import annotations

import argparse
import importlib.abc
import importlib.util
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULES = {
    "tochuc.accounts.scoping": ROOT / "tochuc/accounts/scoping.py",
    "tochuc.units.selectors": ROOT / "tochuc/units/selectors.py",
}
TESTS = [
    "tochuc/accounts/tests/test_scoping.py",
    "tochuc/accounts/tests/test_grants.py",
]


@dataclass(frozen=True)
class Mutant:
    name: str
    module: str
    old: str
    new: str
    backend: str = ""  # "sqlite" or "postgresql" when the code only runs there


S, U = "tochuc.accounts.scoping", "tochuc.units.selectors"
# Left out as equivalent: reading the grant roots' paths of every date instead of the asked one
# (paths are made of unit ids, so a root's path of another date names no unit on the asked date
# but the root's own subtree; in `role_for_unit` it only makes the answer depend on row order);
# dropping the path's final "." or widening the SQLite range to "0" (segments are fixed-width,
# `units.models.path_segment`, so no sibling's path extends another's without its ".").
MUTANTS = [
    # Who the user is and which grants count
    Mutant("inactive user keeps scope", S, "or not user.is_active:", ":"),
    Mutant("every user's grants", S, "Grant.objects.filter(user=user)", "Grant.objects.all()"),
    Mutant("ended grants still count", S, "Grant.objects.filter(user=user)", "Grant.all_grants.filter(user=user)"),
    # The subtree on a date
    Mutant("no root means every unit", S, "return UnitVersion.objects.none()", "return UnitVersion.objects.all()"),
    Mutant(
        "versions of every date",
        S,
        "return UnitVersion.objects.filter(valid_on(on)).filter(q)",
        "return UnitVersion.objects.filter(q)",
    ),
    Mutant(
        "versions outside the subtree",
        S,
        "return UnitVersion.objects.filter(valid_on(on)).filter(q)",
        "return UnitVersion.objects.filter(valid_on(on))",
    ),
    Mutant("the asked date ignored", S, "on = on or today()\n    q = _prefix_q", "on = today()\n    q = _prefix_q"),
    # Units, including history
    Mutant("no root means every unit (history)", S, "return Unit.objects.none()", "return Unit.objects.all()"),
    Mutant(
        "history of every root",
        S,
        "set(UnitVersion.objects.filter(unit_id__in=scope.root_unit_ids)",
        "set(UnitVersion.objects.all()",
    ),
    Mutant(
        "every unit (history)",
        S,
        "return Unit.objects.filter(pk__in=UnitVersion.objects.filter(q).values(\"unit_id\"))",
        "return Unit.objects.all()",
    ),
    Mutant(
        "units that moved away count as gone",
        S,
        "return units(scope).exclude(pk__in=UnitVersion.objects.filter(valid_on(today_)).values(\"unit_id\")).values(\"pk\")",
        "return units(scope).values(\"pk\")",
    ),
    # Records
    Mutant(
        "records of dissolved units forgotten",
        S,
        " | Q(**{f\"{field}__in\": gone_unit_ids(scope)})",
        "",
    ),
    Mutant(
        "records of every current unit",
        S,
        "Q(**{f\"{field}__in\": unit_ids(scope)})",
        "Q(**{f\"{field}__isnull\": False})",
    ),
    Mutant("every person", S, "return Person.objects.filter(_record_units_q(scope))", "return Person.objects.all()"),
    Mutant(
        "search among every person",
        S,
        "        .filter(_record_units_q(scope, \"record_unit\"))\n",
        "\n",
    ),
    Mutant(
        "every event",
        S,
        "return Event.objects.filter(_record_units_q(scope, \"person__state__unit_id\") | Q(person__isnull=True, unit_id__in=visible_units))",
        "return Event.objects.all()",
    ),
    Mutant(
        "person events placed by their unit",
        S,
        "Q(person__isnull=True, unit_id__in=visible_units)",
        "Q(unit_id__in=visible_units)",
    ),
    Mutant(
        "unit events of every unit",
        S,
        "Q(person__isnull=True, unit_id__in=visible_units)",
        "Q(person__isnull=True)",
    ),
    Mutant("get_unit unscoped", S, "unit = units(scope).filter(code=code).first()", "unit = Unit.objects.filter(code=code).first()"),
    Mutant("get_person unscoped", S, "person = people(scope).filter(pk=pk).first()", "person = Person.objects.filter(pk=pk).first()"),
    # Roles
    Mutant("any grant rules any unit", S, "if path and version.path.startswith(path) and", "if path and"),
    Mutant("the weakest role wins", S, "ROLE_RANK[g.role] > ROLE_RANK[best]", "ROLE_RANK[g.role] < ROLE_RANK[best]"),
    Mutant("a gone unit is judged on no date", S, "explicit = on is not None", "explicit = True"),
    Mutant("no role may view", S, "if role is None:\n        return False", "if role is None:\n        return True"),
    Mutant("a role does less than its rank (> for >=)", S, ")] >= ROLE_RANK[ACTION_MIN_ROLE", ")] > ROLE_RANK[ACTION_MIN_ROLE"),
    Mutant("a clerk may void", S, '"void": Role.SPECIALIST', '"void": Role.CLERK'),
    Mutant("a viewer may record", S, '"record": Role.CLERK', '"record": Role.VIEWER'),
    Mutant("a specialist manages users", S, '"manage_users": Role.ADMIN', '"manage_users": Role.SPECIALIST'),
    Mutant(
        "a person's role by the registering unit",
        S,
        "unit_id = state.unit_id if state else person.registered_unit_id",
        "unit_id = person.registered_unit_id or (state.unit_id if state else None)",
    ),
    # The tree helpers scope relies on
    Mutant("valid_from bound < for <=", U, "Q(valid_from__lte=day)", "Q(valid_from__lt=day)"),
    Mutant("valid_to bound >= for >", U, "Q(valid_to__gt=day)", "Q(valid_to__gte=day)"),
    Mutant("open-ended versions only", U, "(Q(valid_to__isnull=True) | Q(valid_to__gt=day))", "Q(valid_to__isnull=True)"),
    # A path segment is 9 characters (8 digits of the unit id and "."): the parent's subtree, siblings included.
    Mutant("the parent's subtree (SQLite)", U, 'Q(path__gte=prefix, path__lt=prefix[:-1] + "/")', 'Q(path__gte=prefix[:-9], path__lt=prefix[:-10] + "/")', "sqlite"),
    Mutant("the parent's subtree (PostgreSQL)", U, "Q(path__startswith=prefix)", "Q(path__startswith=prefix[:-9])", "postgresql"),
    Mutant("the prefix range includes the root only (SQLite)", U, 'path__lt=prefix[:-1] + "/"', 'path__lte=prefix', "sqlite"),
]


class _MutantFinder(importlib.abc.MetaPathFinder):
    def __init__(self, name: str, path: str):
        self.name, self.path = name, path

    def find_spec(self, fullname, path, target=None):
        if fullname == self.name:
            return importlib.util.spec_from_file_location(fullname, self.path)
        return None


def child(module: str, path: str, pytest_args: list[str]) -> int:
    """In the test process: import `module` from `path`, then run pytest."""
    sys.meta_path.insert(0, _MutantFinder(module, path))
    import pytest

    code = int(pytest.main(pytest_args))
    loaded = sys.modules.get(module)
    if loaded is None or getattr(loaded, "__file__", None) != path:
        print(f"MUTANT NOT LOADED: {module}", file=sys.stderr)
        return 99
    return code


def apply(mutant: Mutant) -> str:
    source = MODULES[mutant.module].read_text(encoding="utf-8")
    found = source.count(mutant.old)
    if found != 1:
        raise SystemExit(f"mutant '{mutant.name}': the text to change occurs {found} times in {mutant.module}")
    return source.replace(mutant.old, mutant.new)


def run_tests(module: str, source: str, tests: list[str], workdir: Path, tag: str) -> tuple[int, str]:
    path = workdir / f"{tag}.py"
    path.write_text(source, encoding="utf-8")
    args = [*tests, "-x", "-q", "-p", "no:randomly", "-p", "no:cacheprovider", "-o", "addopts="]
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    if env.get("DATABASE_URL", "").startswith("postgres"):
        # parallel mutants each need their own PostgreSQL test database
        env["TOCHUC_TEST_DB_NAME"] = f"{env.get('TOCHUC_TEST_DB_NAME', 'test_tochuc')}_{tag}"
    result = subprocess.run(
        [sys.executable, __file__, "--child", module, str(path), "--", *args],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )
    tail = (result.stdout + result.stderr).strip().splitlines()
    return result.returncode, tail[-1] if tail else ""


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        module, path = sys.argv[2], sys.argv[3]
        return child(module, path, sys.argv[sys.argv.index("--") + 1 :])
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--only", nargs="*", help="run only the mutants with these names")
    parser.add_argument("--tests", nargs="*", default=TESTS)
    parser.add_argument("--list", action="store_true", help="print the mutants and stop")
    args = parser.parse_args()
    backend = "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    chosen = [m for m in MUTANTS if (not args.only or m.name in args.only) and m.backend in ("", backend)]
    if args.list:
        for m in MUTANTS:
            print(f"{m.module.rsplit('.', 1)[1]:9} {m.name}" + (f" [{m.backend}]" if m.backend else ""))
        return 0
    sources = [(m, apply(m)) for m in chosen]  # every mutant must apply before anything runs
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="tochuc-mutants-") as tmp:
        work = Path(tmp)
        # The unmutated module through the same hook: the tests must pass, and the hook must load it.
        code, last = run_tests(S, MODULES[S].read_text(encoding="utf-8"), args.tests, work, "baseline")
        if code != 0:
            print(f"baseline: the scope tests fail without any mutant (exit {code}): {last}")
            return 2
        print(f"baseline: {last}", flush=True)

        def one(item: tuple[int, tuple[Mutant, str]]) -> tuple[Mutant, int, str]:
            i, (m, source) = item
            code, last = run_tests(m.module, source, args.tests, work, f"mutant{i}")
            return m, code, last

        survivors, broken = [], []
        with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            for m, code, last in pool.map(one, enumerate(sources)):
                if code == 1:
                    verdict = "killed"
                elif code == 0:
                    verdict = "SURVIVED"
                    survivors.append(m.name)
                else:
                    verdict = f"ERROR (exit {code})"
                    broken.append(m.name)
                print(f"{verdict:9} {m.name}: {last}", flush=True)
    took = time.monotonic() - started
    killed = len(sources) - len(survivors) - len(broken)
    print(
        f"MUTATION ({backend}): {len(sources)} mutants, {killed} killed, {len(survivors)} survived, "
        f"{len(broken)} errors, {took:.0f} s"
        + (f"; survivors: {', '.join(survivors)}" if survivors else "")
        + (f"; errors: {', '.join(broken)}" if broken else "")
    )
    return 1 if survivors or broken else 0


if __name__ == "__main__":
    sys.exit(main())
