"""`python -m bench run --scale tiny|city|province|national --db sqlite|postgres`

Generates (or reuses) the data set through `tochuc demo` in a scratch database (SQLite file in
bench/data/, PostgreSQL database bench_<scale>), measures, stores the figures in
bench/results/<scale>-<db>.json and rewrites bench/RESULTS.md from every stored run.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Where data sets and results go: this checkout's bench/, or another one's (a run from a clean
# `git worktree` of a commit writes its results into the working checkout).
BENCH = Path(os.environ.get("TOCHUC_BENCH_OUT", ROOT / "bench"))
DATA = BENCH / "data"
RESULTS_DIR = BENCH / "results"
TOCHUC = [sys.executable, "-m", "tochuc"]
# The data set is pinned to a day so that reruns on later days measure the same data.
UNTIL = "2026-11-27"
PG = "postgres://postgres@127.0.0.1:5432/"


def say(line: str) -> None:
    sys.stderr.write(f"[bench {time.strftime('%H:%M:%S', time.gmtime())}] {line}\n")
    sys.stderr.flush()


def database_env(scale: str, db: str, *, name: str = "") -> dict[str, str]:
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    if db == "sqlite":
        DATA.mkdir(parents=True, exist_ok=True)
        env["TOCHUC_SQLITE_PATH"] = str(DATA / f"{name or scale}.sqlite3")
    else:
        env["DATABASE_URL"] = PG + f"bench_{name or scale}"
    return env


def ensure_pg_database(name: str) -> None:
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], capture_output=True)


def ensure_data(scale: str, db: str, until: str) -> dict[str, str]:
    env = database_env(scale, db)
    if db == "postgres":
        ensure_pg_database(f"bench_{scale}")
    subprocess.run([*TOCHUC, "migrate", "--verbosity", "0"], env=env, check=True, cwd=ROOT)
    status = subprocess.run(
        [*TOCHUC, "demo", "--status"], env=env, check=True, capture_output=True, text=True, cwd=ROOT
    )
    if status.stdout.strip() == "empty":
        say(f"sinh dữ liệu mẫu {scale} vào {db} (có thể mất nhiều phút)…")
        t0 = time.monotonic()
        subprocess.run(
            [*TOCHUC, "demo", "--scale", scale, "--seed", "1", "--until", until],
            env=env,
            check=True,
            cwd=ROOT,
        )
        say(f"dữ liệu mẫu xong sau {time.monotonic() - t0:.0f} s")
    return env


def setup_django(env: dict[str, str]) -> None:
    for key in ("DATABASE_URL", "TOCHUC_SQLITE_PATH"):
        if key in env:
            os.environ[key] = env[key]
        else:
            os.environ.pop(key, None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tochuc.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="đo và ghi bench/RESULTS.md")
    run.add_argument(
        "--scale", default="city", choices=("tiny", "small", "city", "province", "national")
    )
    run.add_argument("--db", default="sqlite", choices=("sqlite", "postgres"))
    run.add_argument(
        "--year",
        type=int,
        default=2024,
        help="năm của báo cáo (mặc định 2024: năm cuối còn cấp huyện)",
    )
    run.add_argument("--runs", type=int, default=7)
    run.add_argument("--warmup", type=int, default=1)
    run.add_argument("--until", default=UNTIL)
    run.add_argument("--users", type=int, default=20)
    run.add_argument("--load-seconds", type=float, default=120)
    run.add_argument(
        "--think-seconds",
        type=float,
        default=1.0,
        help="thời gian nghĩ trung bình giữa hai trang của một người dùng; sau đó đo thêm một lượt "
        "liên tục (0 s, máy chủ bão hòa) trừ khi giá trị này đã là 0",
    )
    run.add_argument("--skip-load", action="store_true")
    run.add_argument(
        "--analyze",
        action="store_true",
        help="PostgreSQL: ANALYZE trước khi đo (thống kê cho bộ lập kế hoạch)",
    )
    run.add_argument(
        "--only",
        default="",
        help="chỉ các phần này (tên phần, cách nhau bởi dấu phẩy; vd. báo cáo năm)",
    )
    run.add_argument("--tag", default="", help="hậu tố tên kết quả, vd. no-analyze")
    run.add_argument(
        "--budget",
        type=float,
        default=None,
        help="giây tối đa cho mỗi phép đo (khởi động + các lần chạy); hết thì dừng, ít nhất một lần",
    )
    run.add_argument(
        "--import", dest="do_import", action="store_true", help="đo nhập sổ XLSX và CSV (dài)"
    )
    run.add_argument(
        "--import-unit", default="", help="chỉ xuất/nhập cây của đơn vị này (mặc định: toàn bộ)"
    )
    sub.add_parser("write", help="chỉ viết lại bench/RESULTS.md từ bench/results/*.json")
    explain = sub.add_parser(
        "explain", help="báo cáo năm của một đơn vị: các truy vấn chậm nhất và kế hoạch của chúng"
    )
    explain.add_argument(
        "--scale", default="city", choices=("tiny", "small", "city", "province", "national")
    )
    explain.add_argument("--db", default="postgres", choices=("sqlite", "postgres"))
    explain.add_argument("--unit", required=True, help="mã đơn vị, vd. TW")
    explain.add_argument("--year", type=int, default=2024)
    explain.add_argument("--top", type=int, default=3)
    args = parser.parse_args(argv)

    from bench import results as R

    if args.command == "write":
        R.write_markdown(RESULTS_DIR, BENCH / "RESULTS.md")
        return 0

    if args.command == "explain":
        setup_django(database_env(args.scale, args.db))
        from bench import harness
        from tochuc.reports.annual import build_annual

        t0 = time.monotonic()
        slow = harness.slowest_queries(
            lambda: build_annual(scope=None, code=args.unit, year=args.year, allow_empty=True),
            top=args.top,
        )
        say(
            f"báo cáo năm {args.unit} {args.year} và EXPLAIN: {time.monotonic() - t0:.1f} s (tải {os.getloadavg()[0]:.2f})"
        )
        for q in slow:
            print(f"-- {q['ms']:.0f} ms\n{q['sql']}\n" + "\n".join(q["plan"]) + "\n")
        return 0

    env = ensure_data(args.scale, args.db, args.until)
    setup_django(env)
    from bench import harness

    harness.BUDGET_S = args.budget
    stats = harness.planner_statistics(analyze=args.analyze)
    say(f"đo {args.scale} / {args.db} (tải hệ thống {os.getloadavg()[0]:.2f}; {stats})…")
    res = harness.run_core(
        scale=args.scale,
        db=args.db,
        year=args.year,
        runs=args.runs,
        warmup=args.warmup,
        say=say,
        only=tuple(
            t
            for t in harness.SECTIONS
            if any(w.strip() and w.strip().lower() in t.lower() for w in args.only.split(","))
        ),
    )
    res.facts["planner_statistics"] = stats
    if args.tag:
        res.db = f"{res.db}-{args.tag}"
    extra: dict = {"commit": harness.git_commit(), "until": args.until}
    script = ROOT / "bench" / "report.py"
    if script.exists() and not args.only:
        # The reports engineer's timing script (figures alone, whole report, drill-down with its
        # count, DOCX): run as it is, its lines kept in the results.
        say("bench/report.py…")
        code = (res.facts.get("picks") or {}).get("root") or ""
        limit = 1800 if args.budget is None else max(300.0, 4 * args.budget)
        try:
            proc = subprocess.run(
                [sys.executable, str(script), "--unit", code, "--year", str(args.year), "--runs", str(args.runs), "--docx"],
                env=env, cwd=ROOT, capture_output=True, text=True, timeout=limit,
            )  # fmt: skip
            extra["report_script"] = (proc.stdout + proc.stderr[-1000:]).strip().splitlines()
        except subprocess.TimeoutExpired as exc:
            out = exc.stdout.decode() if isinstance(exc.stdout, bytes) else (exc.stdout or "")
            extra["report_script"] = [
                *out.strip().splitlines(),
                f"(dừng sau {limit:.0f} s: quá thời gian cho phép)",
            ]
    if args.do_import:
        from bench import importing

        say("đo nhập sổ…")
        extra["import"] = importing.measure_import(args.scale, args.db, env, unit=args.import_unit)
    if not args.skip_load:
        from bench import serve

        say(f"đo tải web: {args.users} người dùng, nghĩ {args.think_seconds:g} s, {args.load_seconds:.0f} s…")
        extra["load"] = serve.measure_load(
            env, users=args.users, seconds=args.load_seconds, year=args.year, think=args.think_seconds
        )
        if args.think_seconds:
            say(f"đo tải web liên tục (bão hòa): {args.users} người dùng, {args.load_seconds:.0f} s…")
            extra["load_saturated"] = serve.measure_load(
                env, users=args.users, seconds=args.load_seconds, year=args.year
            )
    res.facts["load_average_end"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    path = R.save(res, extra, RESULTS_DIR)
    R.write_markdown(RESULTS_DIR, BENCH / "RESULTS.md")
    say(f"đã ghi {path} và {BENCH / 'RESULTS.md'}")
    print(json.dumps(R.to_json(res, extra)["rows"][:3], ensure_ascii=False)[:400])
    return 0


if __name__ == "__main__":
    sys.exit(main())
