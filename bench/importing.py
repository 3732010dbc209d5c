"""Import through the normal path: export the data set, then `tochuc import` it into an empty
database (XLSX, then the CSV folder), each in its own process under /usr/bin/time for its peak
memory."""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from bench.__main__ import DATA, ROOT, TOCHUC, database_env, ensure_pg_database

MAXRSS = re.compile(r"Maximum resident set size \(kbytes\): (\d+)")


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, int | None, str]:
    """(seconds, peak MB, tail of the output) of one command."""
    wrapper = ["/usr/bin/time", "-v"] if Path("/usr/bin/time").exists() else []
    t0 = time.monotonic()
    proc = subprocess.run([*wrapper, *cmd], env=env, cwd=ROOT, capture_output=True, text=True)
    seconds = time.monotonic() - t0
    m = MAXRSS.search(proc.stderr)
    tail = (proc.stdout + proc.stderr).strip().splitlines()
    note = next((line for line in reversed(tail) if line and not line.startswith("\t")), "")
    if proc.returncode:
        note = f"lỗi (mã {proc.returncode}): {note}"
    return seconds, int(m.group(1)) // 1024 if m else None, note[:200]


def fresh_database(scale: str, db: str) -> dict[str, str]:
    name = f"import_{scale}"
    env = database_env(scale, db, name=name)
    if db == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(env["TOCHUC_SQLITE_PATH"] + suffix).unlink(missing_ok=True)
    else:
        subprocess.run(
            ["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", f"bench_{name}"],
            check=True,
        )
        ensure_pg_database(f"bench_{name}")
    subprocess.run([*TOCHUC, "migrate", "--verbosity", "0"], env=env, check=True, cwd=ROOT)
    return env


def count_rows(csv_path: Path) -> int:
    with csv_path.open(encoding="utf-8-sig", newline="") as fh:
        return max(0, sum(1 for _ in csv.reader(fh)) - 1)


def measure_import(scale: str, db: str, env: dict[str, str], *, unit: str = "") -> dict:
    xlsx = DATA / f"{scale}-export.xlsx"
    folder = DATA / f"{scale}-export-csv"
    shutil.rmtree(folder, ignore_errors=True)
    xlsx.unlink(missing_ok=True)
    scope = ["--unit", unit] if unit else []
    steps = []
    s, mb, note = timed([*TOCHUC, "export", str(xlsx), *scope], env)
    steps.append({"what": "xuất XLSX", "seconds": s, "peak_mb": mb, "note": note})
    s, mb, note = timed([*TOCHUC, "export", str(folder) + "/", *scope], env)
    steps.append({"what": "xuất CSV", "seconds": s, "peak_mb": mb, "note": note})
    events = count_rows(folder / "events.csv") if (folder / "events.csv").exists() else 0
    for label, source in (
        ("nhập XLSX vào cơ sở dữ liệu trống", xlsx),
        ("nhập CSV vào cơ sở dữ liệu trống", folder),
    ):
        target = fresh_database(scale, db)
        s, mb, note = timed(
            [*TOCHUC, "import", str(source) + ("/" if source.is_dir() else "")], target
        )
        steps.append(
            {
                "what": label,
                "seconds": s,
                "peak_mb": mb,
                "events_per_s": round(events / s) if s else "",
                "note": note,
            }
        )
    return {
        "events": events,
        "unit": unit or "toàn bộ",
        "steps": steps,
        "python": sys.version.split()[0],
    }
