"""Digests and exports at the scale of a province.

A province of `assessments` household assessments (communes of `households` each, ten villages
per commune, statuses spread over the yearly cycle, real scores) is written in bulk; then each
operation runs in a fresh process of its own (`python -m bench.scale OP URL ...`), so its time
and its peak memory are its own. Peak memory is the growth of the process's resident set
(VmHWM over VmRSS just before the operation), so C allocations (SQLite, openpyxl's XML,
matplotlib) count too.

- digest: the chair's weekly digest of one commune (text and chart), as the outbox renders it;
- commune XLSX: the commune's assessment list for the year;
- province CSV: every assessment of the province, streamed;
- and, for both exports, a baseline: the export's own query streamed straight into
  csv.writer or a write-only openpyxl workbook, so the cost of the export's own work is
  reported as a ratio that carries from one machine to another.
"""

from __future__ import annotations

import asyncio
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from sqlalchemy import insert

from conversations.pack_files import load_pack
from conversations.scoring import score

PROJECT_ROOT = Path(__file__).resolve().parent.parent
VILLAGES = 10
CHUNK = 5000
# Where the score JSON is in a row of storage.exports.export_select().
SCORE = 12
# A household of 4 with 2 school-age children, every criterion met.
TYPED = ("4", "2", "2", "1", "1", "co", "co", "co", "co", "co", "1, 3", "co", "co", "co")
# The yearly cycle, as shares of assessments: most are submitted or verified by autumn.
STATUSES = (
    ("submitted", 40),
    ("verified", 25),
    ("proposed", 10),
    ("recognised", 15),
    ("returned", 5),
    ("draft", 5),
)


def _answers() -> tuple[dict[str, Any], dict[str, Any], float, bool]:
    """Answers and score of a real household, as the engine stores them."""
    pack = load_pack(PROJECT_ROOT / "packs" / "gdht-448.yaml")
    answers: dict[str, Any] = {
        "members": 4,
        "children": 2,
        "adults": 2,
        "head_name": "Nguyễn Văn An",
        "village": "Thôn 1",
    }
    for question in pack.questions():
        if question.name in answers:
            continue
        if question.type == "yes_no":
            answers[question.name] = True
        elif question.type == "select_multiple":
            answers[question.name] = [c.value for c in question.choices[:2]]
        elif question.type == "select_one":
            answers[question.name] = question.choices[0].value
    result = score(pack, answers)
    return answers, result.model_dump(mode="json"), result.total, result.passed


async def populate(url: str, households: int, assessments: int, year: int) -> dict[str, int]:
    """Write the province; returns the ids the operations need."""
    from bot.demo import ensure_demo
    from storage.db import Database, upgrade
    from storage.tables import (
        AssessmentLogRow,
        AssessmentRow,
        ChannelIdentityRow,
        CommuneRow,
        HouseholdRow,
        PersonRow,
        ProvinceRow,
        TargetRow,
        VillageRow,
    )

    await asyncio.to_thread(upgrade, url)
    db = Database(url)
    answers, scored, total, passed = _answers()
    now = datetime.now(UTC)
    start = datetime(year, 1, 15, tzinfo=UTC)
    communes = max(1, -(-assessments // households))
    try:
        await ensure_demo(db)  # as the running bot does (and its chair gets a digest)
        async with db.session() as s:
            province_id = int(
                await s.scalar(  # type: ignore[arg-type]
                    insert(ProvinceRow)
                    .values(name="Tỉnh Đo Tải", name_key="tinh do tai")
                    .returning(ProvinceRow.id)
                )
            )
            commune_ids = list(
                await s.scalars(
                    insert(CommuneRow).returning(CommuneRow.id),
                    [
                        {
                            "province_id": province_id,
                            "name": f"Xã Đo Tải {c + 1}",
                            "name_key": f"xa do tai {c + 1}",
                            "difficult_area": False,
                        }
                        for c in range(communes)
                    ],
                )
            )
            await s.execute(
                insert(TargetRow),
                [
                    {"commune_id": c, "target_year": t, "title": "household", "share": share}
                    for c in commune_ids
                    for t, share in ((2025, 70.0), (2030, 80.0))
                ],
            )
            chair = int(
                await s.scalar(  # type: ignore[arg-type]
                    insert(PersonRow)
                    .values(
                        name="Chủ tịch Đo Tải",
                        role="chair",
                        commune_id=commune_ids[0],
                        locale="vi",
                        disabled=False,
                        created_at=now,
                    )
                    .returning(PersonRow.id)
                )
            )
            await s.execute(
                insert(ChannelIdentityRow).values(
                    channel="telegram",
                    external_id="777000",
                    chat_id="777000",
                    person_id=chair,
                    locale="vi",
                    unreachable=False,
                    created_at=now,
                )
            )
        written = 0
        for index, commune_id in enumerate(commune_ids):
            size = min(households, assessments - written)
            async with db.session() as s:
                village_ids = list(
                    await s.scalars(
                        insert(VillageRow).returning(VillageRow.id),
                        [
                            {
                                "commune_id": commune_id,
                                "name": f"Thôn {v + 1}",
                                "name_key": f"thon {v + 1}",
                            }
                            for v in range(VILLAGES)
                        ],
                    )
                )
            for offset in range(0, size, CHUNK):
                count = min(CHUNK, size - offset)
                async with db.session() as s:
                    rows = [
                        {
                            "village_id": village_ids[(offset + i) % VILLAGES],
                            "head_name": f"Nguyễn Văn Hộ {offset + i + 1}",
                            "head_name_key": f"nguyen van ho {offset + i + 1}",
                            "created_at": start,
                        }
                        for i in range(count)
                    ]
                    household_ids = list(
                        await s.scalars(insert(HouseholdRow).returning(HouseholdRow.id), rows)
                    )
                    records = []
                    for i, household_id in enumerate(household_ids):
                        n = offset + i
                        status = _status(n)
                        # Spread over the year, the latest ones in the digest's week.
                        submitted = now - timedelta(days=(n * 7919) % 300, hours=n % 24)
                        assessed = status != "draft"
                        records.append(
                            {
                                "title": "household",
                                "subject_kind": "household",
                                "subject_id": household_id,
                                "household_id": household_id,
                                "commune_id": commune_id,
                                "village_id": rows[i]["village_id"],
                                "year": year,
                                "pack_id": "gdht-448",
                                "pack_version": scored["pack_version"],
                                "status": status,
                                "answers": answers,
                                "session": {},
                                "score": scored if assessed else None,
                                "total": total if assessed else None,
                                "passed": passed if assessed else None,
                                "created_at": submitted - timedelta(days=1),
                                "updated_at": submitted,
                                "submitted_at": submitted if assessed else None,
                                "verified_at": submitted + timedelta(days=2)
                                if status in ("verified", "proposed", "recognised")
                                else None,
                            }
                        )
                    ids = list(
                        await s.scalars(insert(AssessmentRow).returning(AssessmentRow.id), records)
                    )
                    if index == 0:
                        # The digest reads the status history of its commune.
                        await s.execute(
                            insert(AssessmentLogRow),
                            [
                                {
                                    "assessment_id": a,
                                    "at": r["updated_at"],
                                    "action": "status",
                                    "field": "status",
                                    "old": "draft",
                                    "new": r["status"],
                                }
                                for a, r in zip(ids, records, strict=True)
                            ],
                        )
            written += size
        return {"province": province_id, "commune": commune_ids[0], "communes": len(commune_ids)}
    finally:
        await db.dispose()


def _status(n: int) -> str:
    slot = n % 100
    for status, share in STATUSES:
        if slot < share:
            return status
        slot -= share
    return "submitted"


# --- one operation in a process of its own --------------------------------------------------


def _status_mb(field: str) -> float:
    """A memory figure of this process from /proc/self/status (Linux), MiB."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024  # kB
    return 0.0


def _reset_peak() -> None:
    """Start the high-water mark afresh (ru_maxrss would remember the parent before exec)."""
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
    except OSError:
        pass


def _naive(value: Any) -> Any:
    return value.replace(tzinfo=None) if isinstance(value, datetime) else value


async def _floor_rows(
    db: Any, *, year: int, province_id: int | None = None, commune_id: int | None = None
) -> AsyncIterator[list[tuple[Any, ...]]]:
    """The baseline for an export: the export's own query (same joins, same rows, same order)
    streamed on one connection, 2,000 rows at a time, as plain tuples: without the score JSON
    (the export turns it into points per criterion), nothing formatted or translated."""
    from storage.exports import export_select
    from storage.tables import AssessmentRow, CommuneRow, VillageRow

    a = AssessmentRow
    where = CommuneRow.province_id == province_id if province_id else a.commune_id == commune_id
    query = (
        export_select()
        .where(where, a.year == year)
        .order_by(CommuneRow.id, a.title, VillageRow.id, a.id)
        .execution_options(yield_per=2000)
    )
    async with db.engine.connect() as conn:
        result = await conn.stream(query)
        async for partition in result.partitions(2000):
            yield [(*row[:SCORE], *row[SCORE + 1 :]) for row in partition]


async def _operation(
    op: str, url: str, ids: dict[str, int], year: int, out: Path
) -> dict[str, Any]:
    from bot.bootstrap import build_app
    from bot.reports.periods import on_demand
    from bot.settings import Settings

    app = build_app(Settings(database_url=url, _env_file=None))
    reports = app.reports
    before = _status_mb("VmRSS")
    _reset_peak()
    started = time.perf_counter()
    size = 0
    if op == "digest":
        period = on_demand("week", reports.now(), reports.tz)
        replies = await reports.digest(ids["commune"], period, "vi", buttons=True, chart=True)
        size = len(replies[0].text) + len(replies[-1].photo or b"")
    elif op == "xlsx":
        file = await reports.export_xlsx(ids["commune"], year)
        out.write_bytes(file.data)
        size = len(file.data)
    elif op == "csv":
        with out.open("w", encoding="utf-8", newline="") as handle:
            size = await reports.province_csv(ids["province"], year, handle)
    elif op == "csv-floor":
        with out.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            async for rows in _floor_rows(app.db, province_id=ids["province"], year=year):
                writer.writerows(rows)
                size += len(rows)
    elif op == "xlsx-floor":
        book = Workbook(write_only=True)
        sheet = book.create_sheet()
        async for rows in _floor_rows(app.db, commune_id=ids["commune"], year=year):
            for row in rows:
                # openpyxl refuses time zones; the export writes local dates instead.
                sheet.append([_naive(v) for v in row])
            size += len(rows)
        book.save(out)
        size = out.stat().st_size
    seconds = time.perf_counter() - started
    await app.close()
    return {
        "seconds": seconds,
        "peak_mb": max(0.0, _status_mb("VmHWM") - before),
        "size": size,
        "bytes": out.stat().st_size if out.exists() else 0,
    }


def run_operation(op: str, url: str, ids: dict[str, int], year: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / f"out.{op}"
        done = subprocess.run(
            [sys.executable, "-m", "bench.scale", op, url, json.dumps(ids), str(year), str(out)],
            cwd=PROJECT_ROOT,
            env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
            capture_output=True,
            text=True,
            timeout=1800,
        )
        if done.returncode != 0:
            raise RuntimeError(f"{op} failed:\n{done.stdout}\n{done.stderr}")
        return dict(json.loads(done.stdout.strip().splitlines()[-1]))


async def measure(url: str, households: int, assessments: int) -> list[list[str]]:
    year = datetime.now(UTC).year
    started = time.perf_counter()
    ids = await populate(url, households, assessments, year)
    seeded = time.perf_counter() - started
    rows = [["(writing the province)", f"{seeded:.1f}", "", f"{assessments:,} assessments", ""]]
    for op, label, what in (
        ("digest", f"digest, commune of {households:,} households", "text + chart PNG"),
        ("xlsx", f"commune XLSX, {households:,} households", "bytes"),
        ("xlsx-floor", "baseline: the same query -> openpyxl write-only", "bytes"),
        ("csv", f"province CSV, {assessments:,} assessments", "rows"),
        ("csv-floor", "baseline: the same query -> csv.writer", "rows"),
    ):
        result = await asyncio.to_thread(run_operation, op, url, ids, year)
        detail = f"{result['size']:,} {what}" if what != "text + chart PNG" else what
        if op.startswith("csv"):
            detail += f" ({result['bytes'] / 2**20:.0f} MiB)"
        rows.append([label, f"{result['seconds']:.2f}", f"{result['peak_mb']:.0f}", detail, ""])
        if op.endswith("-floor"):
            # The export against its floor, measured in the same run: what carries over.
            export, floor = float(rows[-2][1]), float(rows[-1][1])
            rows[-2][4] = f"{export / floor:.1f}" if floor else ""
    return rows


async def run_scale(
    households: int, assessments: int, options: Any, postgres: str | None = None
) -> str:
    from bench.__main__ import _table
    from bench.run import postgres_database

    sections = []
    with tempfile.TemporaryDirectory() as scratch:
        url = f"sqlite+aiosqlite:///{Path(scratch) / 'province.db'}"
        options.say(f"scale: SQLite, {assessments:,} assessments")
        sections.append(("SQLite", await measure(url, households, assessments)))
    if postgres:
        async with postgres_database(postgres) as url:
            options.say(f"scale: PostgreSQL, {assessments:,} assessments")
            sections.append(("PostgreSQL", await measure(url, households, assessments)))
    rows = [[f"{db}: {r[0]}", *r[1:]] for db, section in sections for r in section]
    return _table(["operation", "seconds", "peak MiB (RSS)", "output", "x baseline"], rows)


def main() -> None:
    op, url, ids, year, out = sys.argv[1:6]
    result = asyncio.run(_operation(op, url, json.loads(ids), int(year), Path(out)))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
