"""Checks over the source code itself (SECURITY.md B3, B5, C2, C3).

They read the code of every app as it stands, so a view added tomorrow is checked tomorrow.
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path

import tochuc

ROOT = Path(tochuc.__file__).parent

# Models that hold personal records or the tree that scopes them. Outside the scoping module and
# the selectors, views and the API reach them only through `accounts.scoping` (DESIGN.md §2.5).
PROTECTED_MODELS = {
    "Person", "Event", "EventVoid", "Membership", "PersonState", "PositionHolding", "Unit", "UnitVersion",
    "AuditEntry", "AccessLog", "AuthEvent", "Grant", "User",
}
MANAGERS = {"objects", "_default_manager", "_base_manager"}
LOADERS = {"get_object_or_404", "get_list_or_404"}
# (module path relative to tochuc/, model): why the unscoped use is safe. Keep this short and
# reviewed: each line is a place where scope is enforced by hand.
ALLOWLIST: dict[tuple[str, str], str] = {
    ("reports/views.py", "Unit"): "loads the user's own grant roots (pk__in=scope.root_unit_ids)",
    ("imports/views.py", "Unit"): "loads the user's own grant roots (pk__in=scope.root_unit_ids)",
    ("events/views.py", "Unit"): "maps unit ids of already-scoped due lines to their codes",
}


def _interface_modules() -> list[Path]:
    """Views and API modules: where requests arrive."""
    found = []
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT)
        if "tests" in rel.parts or "migrations" in rel.parts:
            continue
        if rel.stem in {"views", "api"} or rel.parent.name in {"views", "api"}:
            found.append(path)
    return sorted(found)


@functools.cache
def _parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"))


def unscoped_uses(path: Path) -> list[tuple[int, str]]:
    tree = _parse(path)
    hits = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in MANAGERS and isinstance(node.value, ast.Name):
            if node.value.id in PROTECTED_MODELS:
                hits.append((node.lineno, node.value.id))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in LOADERS and node.args:
            first = node.args[0]
            if isinstance(first, ast.Name) and first.id in PROTECTED_MODELS:
                hits.append((node.lineno, first.id))
    return hits


def test_the_scan_covers_the_views_of_every_app_with_pages():
    rels = {str(p.relative_to(ROOT)) for p in _interface_modules()}
    assert {"core/views.py", "accounts/views.py", "people/views.py"} <= rels


def test_the_scan_catches_an_unscoped_query(tmp_path):
    sample = tmp_path / "views.py"
    sample.write_text("def v(request, pk):\n    return Person.objects.get(pk=pk), get_object_or_404(Event, pk=pk)\n")
    assert sorted(unscoped_uses(sample)) == [(2, "Event"), (2, "Person")]


def test_views_and_api_never_query_a_protected_model_outside_the_scoping_module():
    offending = []
    for path in _interface_modules():
        rel = str(path.relative_to(ROOT))
        for line, model in unscoped_uses(path):
            if (rel, model) not in ALLOWLIST:
                offending.append(f"{rel}:{line} {model}")
    assert offending == []


def _all_sources() -> list[Path]:
    return sorted(p for p in ROOT.rglob("*.py") if "tests" not in p.relative_to(ROOT).parts)


def _code_sources() -> list[Path]:
    """Code that runs on requests and commands; migrations are schema DDL reviewed once."""
    return [p for p in _all_sources() if "migrations" not in p.relative_to(ROOT).parts]


def test_no_form_or_schema_takes_all_fields():
    """B5: forms and serializers name their fields; `__all__` and `exclude` invite mass assignment."""
    offending = []
    for path in _all_sources():
        tree = _parse(path)
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign):
                names = {t.id for t in node.targets if isinstance(t, ast.Name)}
                if "fields" in names and isinstance(node.value, ast.Constant) and node.value.value == "__all__":
                    offending.append(f"{path.relative_to(ROOT)}:{node.lineno} fields='__all__'")
                if "exclude" in names and "migrations" not in path.parts:
                    offending.append(f"{path.relative_to(ROOT)}:{node.lineno} exclude=")
    assert offending == []


def test_no_sql_is_built_from_strings():
    """C2: `.raw()`, `.extra()` and `RawSQL` are not used; `execute()` gets constant SQL, except the
    append-only trigger DDL, whose table names come from the constant APPEND_ONLY_TABLES."""
    allowed_dynamic = {
        "core/appendonly.py",
        # The bulk loader: identifiers come from model metadata and are quoted; values are parameters.
        "demo/load.py",
    }
    offending = []
    for path in _code_sources():
        rel = str(path.relative_to(ROOT))
        tree = _parse(path)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute | ast.Name):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id
            if name in {"raw", "extra", "RawSQL"} and isinstance(node.func, ast.Attribute | ast.Name):
                if name != "raw" or (isinstance(node.func, ast.Attribute) and node.args):
                    offending.append(f"{rel}:{node.lineno} {name}()")
            if name in {"execute", "executemany"} and node.args and rel not in allowed_dynamic:
                sql = node.args[0]
                if isinstance(sql, ast.JoinedStr | ast.BinOp) or (
                    isinstance(sql, ast.Call) and isinstance(sql.func, ast.Attribute) and sql.func.attr == "format"
                ):
                    offending.append(f"{rel}:{node.lineno} execute(built string)")
    assert offending == []


def _templates() -> list[Path]:
    return sorted(ROOT.rglob("templates/**/*.html"))


# Reviewed places where mark_safe wraps markup built entirely by format_html (which escapes).
MARK_SAFE_REVIEWED = {"units/views.py": "the unit tree: joins parts each built by format_html"}


def test_no_template_or_code_marks_user_data_safe():
    """C3: autoescaping is never switched off; `mark_safe` only wraps constant markup."""
    offending = []
    for path in _templates():
        text = path.read_text(encoding="utf-8")
        for token in ("|safe", "| safe", "{% autoescape off", "|safeseq"):
            if token in text:
                offending.append(f"{path.relative_to(ROOT)} {token}")
    for path in _all_sources():
        tree = _parse(path)
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) == "mark_safe":
                reviewed = str(path.relative_to(ROOT)) in MARK_SAFE_REVIEWED
                if node.args and not isinstance(node.args[0], ast.Constant) and not reviewed:
                    offending.append(f"{path.relative_to(ROOT)}:{node.lineno} mark_safe(non-constant)")
    assert offending == []
