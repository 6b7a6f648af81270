"""Administrator commands: `hoctap units|targets|users …` and `hoctap pack import|export`;
`units announce` opts a commune in to the study-promotion month announcement.

Targets (domain.md §4), one per title and target year (and two for Công dân học tập: the
working people of the families, the staff of the units). `targets defaults` writes the commune
plan's shares (bot/admin/targets.py: by 2025 70% families, 65% clans, 65% villages, 80% units,
40% / 60% citizens; by 2030 80 / 75 / 75 / 100%, 60% / 80%), 10 points lower in a difficult
area for families, clans, villages and their citizens (why: bot/admin/targets.py), and keeps a
target already set unless told to overwrite it. Any share can be changed with `targets set`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bot.admin.targets import KEY_MEANINGS, default_targets
from bot.admin.units import (
    ImportReport,
    UnitsFileError,
    import_units,
    read_units,
)
from bot.bootstrap import App, utc_now
from bot.packs import ARCHIVE, provisional_note
from conversations.domain import Commune
from conversations.pack_files import PackError, load_pack
from storage.places import PlaceError
from storage.uow import UnitOfWork

AsyncCommand = Callable[[App, argparse.Namespace], Any]
WithApp = Callable[[AsyncCommand], Callable[[argparse.Namespace], int]]

# What `targets set --title` takes: a title, or "citizen_staff" (citizens among unit staff).
TARGET_TITLES = tuple(KEY_MEANINGS)
ROLES = ("admin", "chair", "collaborator", "household", "citizen", "unit_head", "village_head")


class AdminError(Exception):
    """A problem to print for the administrator (exit code 1), not a crash."""


def _pct(share: float) -> str:
    return f"{share:g}%"


# --- Finding a commune ----------------------------------------------------------------------


async def find_commune(
    uow: UnitOfWork, name: str, province: str | None = None
) -> tuple[Commune, str]:
    """The commune (and its province's name) a person typed: "kim lien" is "Xã Kim Liên"
    (storage/places.py, the one lookup every command uses)."""
    try:
        return await uow.places.find_commune(name, province)
    except PlaceError as err:
        raise AdminError(str(err)) from None


def _place(commune: Commune, province: str) -> str:
    flag = ", difficult area" if commune.difficult_area else ""
    return f"{commune.name} ({province}{flag})"


# --- units ----------------------------------------------------------------------------------


async def units_import(app: App, args: argparse.Namespace) -> int:
    try:
        good, bad = read_units(args.file)
    except (UnitsFileError, OSError) as err:
        print(f"{args.file}: {err}", file=sys.stderr)
        return 1
    report = await import_units(app.db, good, utc_now(), ImportReport(bad=bad))
    print(f"{args.file}: {report.summary()}")
    for note in report.notes:
        print(f"{args.file}: {note}")
    for row in report.bad:
        print(f"{args.file}: {row}", file=sys.stderr)
    return 1 if report.bad else 0


async def units_announce(app: App, args: argparse.Namespace) -> int:
    """Whether the study-promotion month (10/8–10/9) is announced to the commune's registered
    households, on 10/8 once a year (bot/outbox/scheduler.py)."""
    on = args.state == "on"
    async with app.db.unit_of_work(utc_now()) as uow:
        commune, province = await find_commune(uow, args.commune, args.province)
        await uow.schedules.set_announce_study_month(commune.id, on)
    state = "announced on 10/8 to its households" if on else "not announced"
    print(f"{_place(commune, province)}: study-promotion month {state}")
    return 0


# --- targets --------------------------------------------------------------------------------


async def _show_targets(uow: UnitOfWork, commune: Commune, province: str) -> None:
    order = {key: i for i, key in enumerate(TARGET_TITLES)}
    targets = sorted(
        (await uow.places.targets(commune.id)).items(),
        key=lambda item: (item[0][0], order.get(item[0][1], len(order)), item[0][1]),
    )
    print(f"Targets of {_place(commune, province)}:")
    if not targets:
        print("  none yet (hoctap targets defaults --commune …)")
    for (target_year, title), share in targets:
        print(f"  {target_year}  {title:<13} {_pct(share):>5}  {KEY_MEANINGS.get(title, '')}")


async def targets_set(app: App, args: argparse.Namespace) -> int:
    if not 0 < args.share <= 100:
        raise AdminError("--share is a percentage: more than 0, at most 100")
    if not 2000 <= args.target_year <= 2100:
        raise AdminError("--target-year looks wrong (e.g. 2030)")
    async with app.db.unit_of_work(utc_now()) as uow:
        commune, province = await find_commune(uow, args.commune, args.province)
        await uow.places.set_target(commune.id, args.target_year, args.title, float(args.share))
        await _show_targets(uow, commune, province)
    return 0


async def targets_defaults(app: App, args: argparse.Namespace) -> int:
    async with app.db.unit_of_work(utc_now()) as uow:
        commune, province = await find_commune(uow, args.commune, args.province)
        existing = await uow.places.targets(commune.id)
        for (year, title), share in sorted(default_targets(commune.difficult_area).items()):
            current = existing.get((year, title))
            if current is not None and not args.overwrite and current != share:
                print(f"  kept {year} {title} {_pct(current)} (default {_pct(share)}; --overwrite)")
                continue
            await uow.places.set_target(commune.id, year, title, share)
        await _show_targets(uow, commune, province)
    return 0


async def targets_list(app: App, args: argparse.Namespace) -> int:
    async with app.db.unit_of_work(utc_now()) as uow:
        commune, province = await find_commune(uow, args.commune, args.province)
        await _show_targets(uow, commune, province)
    return 0


# --- users ----------------------------------------------------------------------------------


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    return [
        "  ".join(str(cell).ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in [header, *rows]
    ]


async def users_list(app: App, args: argparse.Namespace) -> int:
    async with app.db.unit_of_work(utc_now()) as uow:
        commune, province = await find_commune(uow, args.commune, args.province)
        people = [
            p
            for p in await uow.people.in_commune(commune.id)
            if not args.role or p.role == args.role
        ]
        villages = {v.id: v.name for v in await uow.places.villages(commune.id)}
        channels: dict[int, list[str]] = {}
        for i in await uow.chats.accounts_of([p.id for p in people]):
            label = f"{i.channel} (unreachable)" if i.unreachable else i.channel
            channels.setdefault(int(i.person_id or 0), []).append(label)
    print(f"People of {_place(commune, province)}: {len(people)}")
    rows = [
        [
            str(p.id),
            p.name,
            p.role,
            villages.get(p.village_id, "") if p.village_id else "",
            ", ".join(channels.get(p.id, [])) or "-",
            "disabled" if p.disabled else "active",
        ]
        for p in people
    ]
    if rows:
        for line in _table(["ID", "NAME", "ROLE", "VILLAGE", "CHANNELS", "STATUS"], rows):
            print(f"  {line}")
    return 0


async def _set_disabled(app: App, person_id: int, disabled: bool) -> int:
    word = "disabled" if disabled else "enabled"
    async with app.db.unit_of_work(utc_now()) as uow:
        before = await uow.people.get(person_id)
        if before is None:
            raise AdminError(f"no person with id {person_id} (see `hoctap users list`)")
        if before.disabled == disabled:
            print(f"{before.name} (id {person_id}, {before.role}) is already {word}.")
            return 0
        await uow.people.set_disabled(person_id, disabled)
    print(f"{before.name} (id {person_id}, {before.role}) {word}.")
    return 0


async def users_disable(app: App, args: argparse.Namespace) -> int:
    return await _set_disabled(app, args.id, True)


async def users_enable(app: App, args: argparse.Namespace) -> int:
    return await _set_disabled(app, args.id, False)


# --- pack import / export (no database) -----------------------------------------------------


def pack_import(args: argparse.Namespace) -> int:
    from conversations.pack_sheets import data_to_yaml, import_workbook, read_workbook

    source = Path(args.file)
    output = Path(args.output) if args.output else source.with_suffix(".yaml")
    try:
        data, pack = import_workbook(read_workbook(source.read_bytes(), str(source)), str(source))
    except PackError as err:
        print(err, file=sys.stderr)
        return 1
    except OSError as err:
        print(f"{source}: {err}", file=sys.stderr)
        return 1
    output.write_text(data_to_yaml(data, str(source)), encoding="utf-8")
    note = provisional_note(pack)
    print(
        f"{source}: OK ({pack.key}, {len(pack.questions())} questions, "
        f"{pack.max_total:g} points{note}) -> {output}"
    )
    _warn_same_version(pack, output)
    return 0


def _warn_same_version(pack: Any, output: Path) -> None:
    """Assessments record the pack id and version they were scored with: a changed pack under
    an old version would make that record ambiguous."""
    from bot.settings import Settings

    folder = Settings().packs_dir
    for existing in sorted([*folder.glob("*.yaml"), *(folder / ARCHIVE).glob("*.yaml")]):
        if existing.resolve() == output.resolve():
            continue
        try:
            shipped = load_pack(existing)
        except PackError:
            continue
        if shipped.key == pack.key and shipped != pack:
            print(
                f"warning: {existing} is a different pack with the same id and version "
                f"({pack.key}); raise the version in the settings sheet before using it",
                file=sys.stderr,
            )


def pack_export(args: argparse.Namespace) -> int:
    from conversations.pack_sheets import SHEETS, pack_to_workbook, workbook_bytes

    source = Path(args.pack)
    output = Path(args.output) if args.output else source.with_suffix(".xlsx")
    try:
        pack = load_pack(source)
    except PackError as err:
        print(err, file=sys.stderr)
        return 1
    except OSError as err:
        print(f"{source}: {err}", file=sys.stderr)
        return 1
    output.write_bytes(workbook_bytes(pack_to_workbook(pack)))
    print(f"{source}: wrote {output} (sheets {', '.join(SHEETS)})")
    return 0


# --- wiring ---------------------------------------------------------------------------------


def _guarded(run: AsyncCommand) -> AsyncCommand:
    """Print an AdminError instead of a traceback."""

    async def guarded(app: App, args: argparse.Namespace) -> int:
        try:
            return int(await run(app, args) or 0)
        except AdminError as err:
            print(f"error: {err}", file=sys.stderr)
            return 1

    return guarded


def _subcommands(parser: argparse.ArgumentParser) -> Any:
    """The subcommand group of an existing command (to add `pack import` next to `validate`)."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action
    raise LookupError(parser.prog)


def _commune_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--commune", required=True, help="commune name (diacritics optional)")
    parser.add_argument("--province", help="needed when communes in two provinces share a name")


def register(sub: Any, with_app: WithApp) -> None:
    def add(group: Any, name: str, run: AsyncCommand, help: str) -> argparse.ArgumentParser:
        parser: argparse.ArgumentParser = group.add_parser(name, help=help)
        parser.set_defaults(handler=with_app(_guarded(run)))
        return parser

    units = sub.add_parser("units", help="provinces, communes and villages").add_subparsers(
        dest="units_command", required=True
    )
    load = add(units, "import", units_import, "import units from CSV or XLSX (idempotent)")
    load.add_argument(
        "file",
        help="columns: province, commune, village, difficult_area (có/không, blank), "
        "households (Số hộ), clans (Số dòng họ) of the village, villages (Số thôn) of the commune",
    )

    announce = add(
        units,
        "announce",
        units_announce,
        "announce the study-promotion month (10/8) to a commune's households: on or off",
    )
    _commune_options(announce)
    announce.add_argument("state", choices=["on", "off"])

    targets = sub.add_parser("targets", help="a commune's recognition targets").add_subparsers(
        dest="targets_command", required=True
    )
    setting = add(targets, "set", targets_set, "set one target share")
    _commune_options(setting)
    setting.add_argument("--target-year", type=int, required=True)
    setting.add_argument(
        "--title",
        required=True,
        choices=TARGET_TITLES,
        help="citizen: of the working people of registered families; "
        "citizen_staff: of the units' staff",
    )
    setting.add_argument("--share", type=float, required=True, help="percent, e.g. 80")
    defaults = add(
        targets,
        "defaults",
        targets_defaults,
        "set the commune plan's defaults for 2025 and 2030, every title (lower in difficult "
        "areas); targets already set are kept",
    )
    _commune_options(defaults)
    defaults.add_argument(
        "--overwrite", action="store_true", help="replace targets already set differently"
    )
    listing = add(targets, "list", targets_list, "show a commune's targets")
    _commune_options(listing)

    users = sub.add_parser("users", help="people of a commune").add_subparsers(
        dest="users_command", required=True
    )
    people = add(users, "list", users_list, "people with role, village, channels and status")
    _commune_options(people)
    people.add_argument("--role", choices=ROLES)
    for name, run in (("disable", users_disable), ("enable", users_enable)):
        toggle = add(users, name, run, f"{name} a person (by id from `users list`)")
        toggle.add_argument("id", type=int)

    pack = _subcommands(sub.choices["pack"])
    importing = pack.add_parser("import", help="convert a pack spreadsheet (.xlsx) to YAML")
    importing.add_argument("file")
    importing.add_argument("--output", help="the YAML file to write (default: FILE.yaml)")
    importing.set_defaults(handler=pack_import)
    exporting = pack.add_parser("export", help="write a YAML pack as a spreadsheet to edit")
    exporting.add_argument("pack")
    exporting.add_argument("--output", help="the .xlsx file to write (default: PACK.xlsx)")
    exporting.set_defaults(handler=pack_export)
