"""Every route of the project, with real values to fill its parameters (SECURITY.md B1, B2, C2-C4).

The routes come from the URL resolver at test time, so pages and API endpoints added later are
walked without anyone listing them. A route's parameters are filled from a seeded world: the
city tree of conftest, a secret person, unit and decision in the district CT.NK, and an XSS
payload person visible to the city administrator. Slug parameters are tried with the string
constants of the view's own module (the only place their allowed values are written down).
"""

from __future__ import annotations

import ast
import datetime as dt
import hashlib
import inspect
import io
import itertools
import math
import re
import zipfile
from dataclasses import dataclass, field

from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter, PathConverter, SlugConverter, StringConverter, UUIDConverter

# Routes open to anonymous visitors.
PUBLIC_ROUTES = {"accounts:login", "accounts:logout", "core:health"}
# Routes a signed-in user of any role may POST to (their own account).
SELF_SERVICE_ROUTES = {"accounts:login", "accounts:logout", "accounts:password_change", "accounts:otp"}
# Writes that are not changes of records: the logs of this very walk, sessions, throttling.
NOT_RECORDS = {
    "accounts.accesslog", "accounts.authevent", "sessions.session", "otp_totp.totpdevice",
    # derived counts a report keeps on first use (events.headcounts) or brings up to the end of
    # the log before reading (events.rollups: the rollup and the year counts), not records
    "events.headcount", "events.headcountday",
    "events.eventrollup", "events.rollupattribution", "events.rollupwatermark", "events.eventyearcount",
}

SECRET_NAME = "Lý Thị Kín Đáo"
SECRET_ID = "092188004217"
SECRET_CODE = "KINDAO01"
SECRET_DECISION = "QĐ-KÍN-7731"
SECRET_UNIT = "Chi bộ Kín Đáo Tuyệt Mật"
SECRETS = (SECRET_NAME, SECRET_ID, SECRET_CODE, SECRET_DECISION, SECRET_UNIT)
XSS_NAME = '<script>alert("xss")</script>'
XSS_DECISION = '"><img src=x onerror=alert(1)>'
XSS_UNIT = "Chi bộ <img src=x onerror=alert(2)>"
# One string with every character that breaks naive SQL, LIKE patterns, paths and HTML.
PAYLOADS = ("' OR '1'='1\"; DROP TABLE x; -- % _ \\ <b>",)


@dataclass
class Route:
    pattern: str
    name: str
    callback: object
    params: list[tuple[str, type]]  # (name, converter class), in order of appearance
    parts: list[str] = field(default_factory=list)  # literal text around the params

    def fill(self, values: dict[str, str]) -> str:
        out = self.parts[0]
        for (pname, _), literal in zip(self.params, self.parts[1:], strict=True):
            out += str(values[pname]) + literal
        return "/" + out.lstrip("^").rstrip("$").lstrip("/")


_PARAM = re.compile(r"<(?:(?P<conv>[^>:]+):)?(?P<name>[^>]+)>")


def _routes(resolver: URLResolver, prefix: str = "", namespace: str = "", converters=None):
    converters = dict(converters or {})
    for entry in resolver.url_patterns:
        pattern = str(entry.pattern)
        conv = {**converters, **getattr(entry.pattern, "converters", {})}
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            yield from _routes(entry, prefix + pattern, f"{namespace}:{ns}".strip(":") if ns else namespace, conv)
        elif isinstance(entry, URLPattern):
            full = prefix + pattern
            name = f"{namespace}:{entry.name}" if namespace else (entry.name or full)
            params, parts, last = [], [], 0
            for m in _PARAM.finditer(full):
                parts.append(full[last : m.start()])
                params.append((m.group("name"), type(conv.get(m.group("name"), StringConverter()))))
                last = m.end()
            parts.append(full[last:])
            yield Route(full, name, entry.callback, params, parts)


def all_routes() -> list[Route]:
    return list(_routes(get_resolver()))


def _module_slugs(callback, limit: int = 16) -> list[str]:
    """String constants of the view's module that could be a slug, Vietnamese-style
    hyphenated words first (`doi-ten`, `giai-the`)."""
    func = inspect.unwrap(getattr(callback, "view_class", callback))
    module = inspect.getmodule(func)
    try:
        tree = ast.parse(inspect.getsource(module))
    except (OSError, TypeError):
        return []
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and re.fullmatch(r"[a-z][a-z0-9_-]{1,40}", node.value):
            found.add(node.value)
    return sorted(found, key=lambda v: ("-" not in v, v))[:limit]


@dataclass
class World:
    """Values to fill route parameters with, for one side of the tree."""

    codes: list[str]
    ints: list[int]
    strings: list[str]
    years: list[int] = field(default_factory=lambda: [2020])
    dates: list[str] = field(default_factory=lambda: ["2020-12-31"])

    def candidates(self, route: Route, limit: int = 16) -> list[dict[str, str]]:
        if not route.params:
            return [{}]
        choices, is_slug = [], []
        for pname, conv in route.params:
            lname = pname.lower()
            slug = False
            if conv is IntConverter:
                values = self.years if "year" in lname or lname == "nam" else self.ints
            elif conv is UUIDConverter:
                values = ["00000000-0000-0000-0000-000000000000"]
            elif conv is SlugConverter and "code" not in lname:
                values, slug = _module_slugs(route.callback) or ["x"], True
            elif "date" in lname or "ngay" in lname:
                values = self.dates
            elif "year" in lname:
                values = [str(y) for y in self.years]
            elif "code" in lname or "unit" in lname or conv is PathConverter:
                values = self.codes
            else:
                values = self.codes + self.strings + [str(i) for i in self.ints]
            choices.append(list(values))
            is_slug.append(slug)
        if math.prod(len(c) for c in choices) > limit:
            # Too many combinations: every slug with the first (most secret) value of the rest.
            choices = [c if slug else c[:1] for c, slug in zip(choices, is_slug, strict=True)]
        combos = itertools.islice(itertools.product(*choices), limit)
        return [dict(zip([p for p, _ in route.params], combo, strict=True)) for combo in combos]


def body_text(response) -> str:
    """The response as text, unzipping XLSX/DOCX so their XML is searched too."""
    content = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
    if content[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as zf:
                return "\n".join(zf.read(n).decode("utf-8", "ignore") for n in zf.namelist())
        except zipfile.BadZipFile:
            pass
    return content.decode("utf-8", "ignore")


def records_fingerprint() -> str:
    """A hash of every record in the database (logs of the walk itself excluded)."""
    digest = hashlib.sha256()
    for model in sorted(apps.get_models(), key=lambda m: m._meta.label_lower):
        label = model._meta.label_lower
        if label in NOT_RECORDS or model._meta.proxy:
            continue
        fields = [f.attname for f in model._meta.concrete_fields if f.attname != "last_login"]
        for row in model._default_manager.order_by("pk").values_list(*fields):
            digest.update(repr((label, row)).encode())
    return digest.hexdigest()


def seed(tree, make_person, record) -> dict:
    """The secret world in CT.NK, an XSS payload in CT.NK.02, and a member of the outsider's CT.CR."""
    from tochuc.units.services import unit_found

    secret_unit = unit_found(
        by=None, code="CT.NK.99", name=SECRET_UNIT, kind="branch", founded_on=dt.date(2001, 1, 1), parent=tree["CT.NK"]
    )
    secret = make_person(SECRET_NAME, birth_date=dt.date(1988, 6, 1), sex="female", code=SECRET_CODE, national_id=SECRET_ID)
    secret_event = record(secret, "admission", dt.date(2015, 5, 10), unit=secret_unit, decision_no=SECRET_DECISION)
    unit_found(by=None, code="CT.NK.98", name=XSS_UNIT, kind="branch", founded_on=dt.date(2001, 1, 1), parent=tree["CT.NK"])
    xss = make_person(XSS_NAME, birth_date=dt.date(1990, 1, 1), code="XSS01")
    record(xss, "admission", dt.date(2016, 5, 10), unit=tree["CT.NK.02"], decision_no=XSS_DECISION)
    own = make_person("Phạm Văn Cái Răng", birth_date=dt.date(1985, 2, 2), code="CR0001")
    own_event = record(own, "admission", dt.date(2014, 5, 10), unit=tree["CT.CR.01.01"])
    return {
        "secret_unit": secret_unit,
        "secret": secret,
        "secret_event": secret_event,
        "xss": xss,
        "own": own,
        "own_event": own_event,
    }


def sibling_world(seeded) -> World:
    """Values naming objects of CT.NK, the district the outsider (CT.CR) must never see."""
    return World(
        codes=["CT.NK.99", "CT.NK.01.01", "CT.NK"],
        ints=[seeded["secret"].pk, seeded["secret_event"].pk],
        strings=[SECRET_CODE, "admission"],
    )


def admin_world(seeded) -> World:
    return World(
        codes=["CT.NK.99", "CT.NK.98", "CT.NK.02", "CT"],
        ints=[seeded["xss"].pk, seeded["secret"].pk, seeded["secret_event"].pk],
        strings=["XSS01", "admission"],
    )
