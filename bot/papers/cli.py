"""`hoctap dossier` (the recognition dossier as Word and PDF files) and `hoctap units papers`
(what a commune's papers print: issuing body, chair, signers, who issues decisions)."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any, Protocol

from bot.packs import PackLibrary
from bot.papers.dossier import dossier_files, pack_lookup
from bot.papers.settings import DECISION_BY, commune_papers, letterhead
from bot.reports.service import Reports
from bot.settings import Settings
from storage.db import Database
from storage.places import PlaceError

WithApp = Callable[[Callable[[Any, argparse.Namespace], Any]], Callable[[argparse.Namespace], int]]
# The titles a dossier can be made for (issue 15 adds more: they come from the packs).
DEFAULT_TITLES = ("household", "clan")
# `hoctap units papers` options -> the stored setting they set.
SETTING_OPTIONS = {
    "parent_body": "the body above the issuer, first line top left",
    "issuing_body": "the issuer, e.g. “Hội Khuyến học xã Kim Liên”",
    "chair_name": "the chair's name under the signature",
    "signer_lines": "the signer's position, lines separated by | (“TM. BAN CHẤP HÀNH|CHỦ TỊCH”)",
    "decision_by": "who issues the recognition decision: commune or village",
    "decision_body": "the body issuing decisions (default: Ủy ban nhân dân xã …)",
    "decision_signer_name": "the name under the decision's signature",
    "decision_signer_lines": "the decision signer's position, lines separated by |",
    "place": "the place of the date line (default: the commune's name without “Xã”)",
}


class App(Protocol):
    settings: Settings
    db: Database
    packs: PackLibrary
    reports: Reports


def _error(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 1


def _day(text: str) -> date:
    try:
        return datetime.strptime(text, "%d/%m/%Y").date()
    except ValueError:
        raise argparse.ArgumentTypeError("a date like 30/11/2026") from None


def _titles(app: App) -> list[str]:
    return list(dict.fromkeys([*DEFAULT_TITLES, *(p.title for p in app.packs)]))


async def dossier(app: App, args: argparse.Namespace) -> int:
    if args.title not in _titles(app):
        return _error(f"--title: one of {', '.join(_titles(app))}")
    today = args.date or app.reports.today()
    started = time.perf_counter()
    async with app.db.unit_of_work(app.reports.now()) as uow:
        try:
            commune, province = await uow.places.find_commune(args.commune, args.province)
        except PlaceError as err:
            return _error(str(err))
        files = await dossier_files(
            uow,
            commune.id,
            args.year,
            args.title,
            today=today,
            packs=pack_lookup(app.packs),
            photos=app.db.photos,
        )
    if not files:
        print(
            f"{commune.name} ({province}): no {args.title} forms proposed or recognised in "
            f"{args.year}; nothing written."
        )
        return 1
    output = Path(args.output)
    output.mkdir(parents=True, exist_ok=True)
    for file in files:
        (output / file.filename).write_bytes(file.data)
        kind = "Word" if file.filename.endswith(".docx") else "PDF"
        print(f"  {kind:<4} {output / file.filename} ({len(file.data) // 1024 + 1} KB)")
    seconds = time.perf_counter() - started
    print(
        f"{commune.name} ({province}): recognition dossier {args.year}, {args.title}: "
        f"{len(files)} files (4 papers, each .docx and .pdf) in {output} ({seconds:.1f} s)"
    )
    return 0


async def units_papers(app: App, args: argparse.Namespace) -> int:
    values = {
        name: getattr(args, name) for name in SETTING_OPTIONS if getattr(args, name) is not None
    }
    if values.get("decision_by") not in (None, "", *DECISION_BY):
        return _error(f"--decision-by: one of {', '.join(DECISION_BY)}")
    async with app.db.unit_of_work(app.reports.now()) as uow:
        try:
            commune, province = await uow.places.find_commune(args.commune, args.province)
        except PlaceError as err:
            return _error(str(err))
        await uow.papers.set_settings(commune.id, values)
        papers = await commune_papers(uow, commune.id)
        villages = await uow.places.villages(commune.id)
    # Where villages issue decisions, the first village's heading shows what each one prints.
    example = villages[0].name if villages and papers.decision_by == "village" else None
    today = app.reports.today()
    print(f"Papers of {commune.name} ({province}){' (changed)' if values else ''}:")
    for kind in ("report", "decision"):
        head = letterhead(papers, today, kind, village=example if kind == "decision" else None)
        label = f"{kind} (each village, e.g. {example})" if kind == "decision" and example else kind
        print(f"  {label}:")
        if head.parent_body:
            print(f"    {head.parent_body}")
        print(f"    {head.issuing_body}")
        print(f"    {head.number}")
        print(f"    {head.date_line()}")
        print(f"    signed: {' / '.join(head.signer_lines)}: {head.signer_name or '(by hand)'}")
    print(f"  decisions issued by: {papers.decision_by}")
    return 0


def _subcommands(parser: argparse.ArgumentParser) -> Any:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action
    raise LookupError(parser.prog)


def register(sub: Any, with_app: WithApp) -> None:
    parser = sub.add_parser(
        "dossier",
        help="the recognition dossier (tờ trình, danh sách, phiếu, dự thảo quyết định) as "
        ".docx and .pdf",
    )
    parser.add_argument("--commune", required=True, help="commune name (diacritics optional)")
    parser.add_argument("--province", help="needed when communes in two provinces share a name")
    parser.add_argument("--year", type=int, required=True)
    parser.add_argument("--title", default="household", help="household (default), clan, …")
    parser.add_argument("--output", default=".", help="folder to write into (default: here)")
    parser.add_argument(
        "--date", type=_day, help="the date the papers carry, DD/MM/YYYY (default: today)"
    )
    parser.set_defaults(handler=with_app(dossier))

    units = _subcommands(sub.choices["units"])
    papers = units.add_parser(
        "papers", help="show or set what a commune's papers print (issuer, chair, signers)"
    )
    papers.add_argument("--commune", required=True, help="commune name (diacritics optional)")
    papers.add_argument("--province", help="needed when communes in two provinces share a name")
    for name, help_text in SETTING_OPTIONS.items():
        papers.add_argument(f"--{name.replace('_', '-')}", help=f'{help_text}; "" resets it')
    papers.set_defaults(handler=with_app(units_papers))
