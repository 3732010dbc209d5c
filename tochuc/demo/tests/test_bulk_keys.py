"""The first load's keys and indexes on PostgreSQL: taken off for the COPYs, put back as the
migrations made them, every reference checked once before the commit (tochuc/demo/load.py,
`detach` and `reattach`). Transactional tests: the load commits, as `tochuc demo` does."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction

from tochuc.demo.load import LOADED, Generator, Sink, detach
from tochuc.demo.tests.test_generate import UNTIL
from tochuc.units.models import Unit

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="keys and indexes are taken off only on PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]

MISSING = 10**9  # no row has this id


def schema() -> tuple[list[tuple], list[tuple]]:
    """Every constraint (name, definition, deferrable, deferred, validated) and every index of the schema."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), condeferrable, condeferred, convalidated "
            "FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2"
        )
        constraints = cur.fetchall()
        cur.execute("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1")
        return constraints, cur.fetchall()


def counts() -> tuple[int, int]:
    """Foreign keys between the loaded tables, and their non-unique secondary indexes."""
    tables = [m._meta.db_table for m in LOADED]
    with connection.cursor() as cur:
        cur.execute(
            "SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND conrelid = ANY(%s::text[]::regclass[]) "
            "AND confrelid = ANY(%s::text[]::regclass[])",
            [tables, tables],
        )
        keys = cur.fetchone()[0]
        cur.execute(
            "SELECT count(*) FROM pg_index WHERE indrelid = ANY(%s::text[]::regclass[]) AND NOT indisunique AND NOT indisprimary",
            [tables],
        )
        return keys, cur.fetchone()[0]


def test_a_first_load_leaves_the_keys_and_indexes_the_migrations_made():
    before = schema()
    keys, indexes = counts()
    lines: list[str] = []
    stats = Generator(scale="tiny", seed=1, until=UNTIL, progress=lines.append).run()
    assert schema() == before
    assert all(row[3:] == (True, True, True) for row in before[0] if "FOREIGN KEY" in row[2])
    assert (keys, indexes) == counts() and keys >= 14 and indexes >= 38
    said = [line.split("] ", 1)[1] for line in lines]
    assert said[0] == f"Bảng trống: tạm bỏ {keys} khóa ngoại và {indexes} chỉ mục phụ trong lúc nạp"
    assert [s.split(":")[0] for s in said if s.startswith(("Dựng lại", "Kiểm tra", "Thống kê", "Ghi nhận"))] == [
        f"Dựng lại {indexes} chỉ mục phụ",
        f"Kiểm tra {keys} khóa ngoại (mỗi khóa một lần cho cả bảng)",
        "Thống kê cho bộ lập kế hoạch truy vấn (ANALYZE)",
        "Ghi nhận giao dịch (COMMIT)",
    ]
    assert Unit.objects.count() == stats.units == 63


def break_event_person(monkeypatch) -> None:
    write_events = Sink.write_events

    def broken(self, events):
        person_events = [ev for ev in events if ev.person is not None]
        if person_events:
            person_events[0].person = MISSING
        return write_events(self, events)

    monkeypatch.setattr(Sink, "write_events", broken)


def break_membership_unit(monkeypatch) -> None:
    write_objects = Sink.write_objects

    def broken(self, model, objs):
        objs = list(objs)
        if model._meta.model_name == "membership" and objs:
            objs[0].unit_id = MISSING
        return write_objects(self, model, objs)

    monkeypatch.setattr(Sink, "write_objects", broken)


@pytest.mark.parametrize(
    ("breaks", "key"),
    [
        (break_event_person, "events_event_person_id_ceb1b320_fk_people_person_id"),
        (break_membership_unit, "events_membership_unit_id_7559f4a8_fk_units_unit_id"),
    ],
)
def test_a_load_with_a_broken_reference_fails_and_leaves_no_row_and_every_key(monkeypatch, breaks, key):
    before = schema()
    breaks(monkeypatch)
    lines: list[str] = []
    with pytest.raises(IntegrityError) as failure:
        Generator(scale="tiny", seed=1, until=UNTIL, progress=lines.append).run()
    assert f'violates foreign key constraint "{key}"' in str(failure.value)
    assert f"=({MISSING}) is not present" in str(failure.value)
    # refused by the VALIDATE after the indexes, before the extensions and the commit
    assert lines[-1].split("] ", 1)[1].startswith("Dựng lại ")
    assert schema() == before
    assert [m._meta.db_table for m in LOADED if m.objects.exists()] == []


def test_into_tables_that_have_rows_nothing_is_taken_off():
    before = schema()
    Unit.objects.create(code="X")
    assert detach(LOADED) is None
    assert schema() == before


def test_keys_to_a_table_outside_the_load_stay_and_leave_that_table_unlocked():
    before = schema()
    tables = [m._meta.db_table for m in LOADED]
    with transaction.atomic(), connection.cursor() as cur:
        detached = detach(LOADED)
        cur.execute("SELECT mode FROM pg_locks WHERE relation = 'accounts_user'::regclass AND pid = pg_backend_pid()")
        locks = cur.fetchall()
        cur.execute(
            "SELECT conrelid::regclass::text, conname FROM pg_constraint WHERE contype = 'f' "
            "AND conrelid = ANY(%s::text[]::regclass[]) ORDER BY 1, 2",
            [tables],
        )
        kept = cur.fetchall()
        transaction.set_rollback(True)
    # a login reads accounts_user: dropping a key to it would lock it until the commit
    assert locks == []
    assert kept == [
        ("events_event", "events_event_recorded_by_id_d6f80e13_fk_accounts_user_id"),
        ("people_person", "people_person_created_by_id_82aa5eb7_fk_accounts_user_id"),
        ("reports_target", "reports_target_set_by_id_7e42f724_fk_accounts_user_id"),
    ]
    assert detached is not None and len(detached.keys) == counts()[0]
    assert schema() == before
