"""What the chat service calls for reports: `/baocao` (`/report`) and the report buttons.

`make_report_hook(reports)` is the `ChatService(report_hook=...)` that bot/bootstrap.py wires
in; it answers inside the service's own transaction. `digest_replies`, `report_command` and
`report_callback` are the same for callers holding the `Reports` and a person.
"""

from __future__ import annotations

from bot.commands import REPORT
from bot.flows.context import ReportHook, Turn
from bot.rendering import Reply, button_int
from bot.reports.periods import PERIOD_KINDS, PeriodKind
from bot.reports.service import CALLBACK_PREFIX, Reports, may_see
from conversations.domain import Person
from conversations.text import fold
from storage.uow import UnitOfWork

# The earliest year a report button may ask for (the movement's yearly titles began later).
MIN_REPORT_YEAR = 2000

# Words people type after the command, folded (no diacritics): "/baocao tháng".
_PERIOD_WORDS: dict[str, PeriodKind] = {
    "": "week",
    "ngay": "day",
    "hom nay": "day",
    "24h": "day",
    "24 gio": "day",
    "day": "day",
    "today": "day",
    "tuan": "week",
    "7 ngay": "week",
    "week": "week",
    "thang": "month",
    "thang nay": "month",
    "month": "month",
    "nam": "year",
    "ca nam": "year",
    "nam nay": "year",
    "year": "year",
}


def parse_period(text: str) -> PeriodKind | None:
    """The period asked for in "/baocao tháng" or just "tháng" (nothing: the last 7 days)."""
    words = text.strip().split(maxsplit=1)
    if words and words[0].lower().split("@")[0] in REPORT:
        words = words[1:]
    return _PERIOD_WORDS.get(fold(words[0]) if words else "")


def is_report_callback(data: str) -> bool:
    return data.startswith(CALLBACK_PREFIX)


def _refusal(reports: Reports, person: Person, lang: str) -> list[Reply] | None:
    if person.disabled or person.role not in ("chair", "admin"):
        return [Reply(reports.t(lang, "report-not-allowed"))]
    if person.commune_id is None:
        return [Reply(reports.t(lang, "report-no-commune"))]
    return None


async def answer(
    reports: Reports,
    person: Person,
    text: str,
    lang: str = "vi",
    *,
    buttons: bool = True,
    chart: bool | None = None,
    uow: UnitOfWork | None = None,
) -> list[Reply]:
    """/baocao with what followed it ("tháng"), or a report button's data ("x:…")."""
    if is_report_callback(text):
        return await _callback(reports, person, text, lang, buttons, chart, uow)
    refusal = _refusal(reports, person, lang)
    if refusal is not None:
        return refusal
    kind = parse_period(text)
    if kind is None:
        return [Reply(reports.t(lang, "report-unknown-period"))]
    assert person.commune_id is not None
    return await reports.on_demand(
        person.commune_id,
        kind,
        lang,
        buttons=buttons,
        chart=buttons if chart is None else chart,
        uow=uow,
    )


async def _callback(
    reports: Reports,
    person: Person,
    data: str,
    lang: str,
    buttons: bool,
    chart: bool | None,
    uow: UnitOfWork | None,
) -> list[Reply]:
    """ "x:d:<commune>:<period>" another period, "x:e:<commune>:<year>" the assessment list
    as XLSX, "x:s:<commune>:<year>" the yearly summary as XLSX."""
    parts = data.split(":")
    stale = [Reply(reports.t(lang, "report-button-stale"))]
    commune_id = button_int(parts[2]) if len(parts) == 4 else None
    if commune_id is None or parts[0] + ":" != CALLBACK_PREFIX:
        return stale
    what, argument = parts[1], parts[3]
    if not may_see(person, commune_id):
        return [Reply(reports.t(lang, "report-not-allowed"))]
    if what == "d" and argument in PERIOD_KINDS:
        return await reports.on_demand(
            commune_id,
            argument,
            lang,
            buttons=buttons,
            chart=buttons if chart is None else chart,
            uow=uow,
        )
    if what == "h":
        # "x:h:<commune>:<year>[-<title>]": the recognition dossier (bot/papers/chat.py).
        from bot.papers.chat import dossier_reply

        return await dossier_reply(reports, commune_id, argument, lang, uow)
    # Only years a report can cover: the buttons carry this year or an earlier one; a forged
    # year past the calendar (99999) would crash the period arithmetic.
    year = button_int(argument, maximum=reports.year() + 1)
    if what in ("e", "s") and year is not None and year >= MIN_REPORT_YEAR:
        return await reports.export_reply(what, commune_id, year, lang, uow)
    return stale


def make_report_hook(reports: Reports) -> ReportHook:
    """`ChatService(report_hook=make_report_hook(Reports(...)))`: the service calls it with the
    turn and what followed /baocao, or with a report button's data ("x:…")."""

    async def hook(turn: Turn, text: str) -> list[Reply]:
        person = turn.person
        if person is None:
            return [Reply(reports.t(turn.lang, "report-not-allowed"))]
        chart = turn.inbound.channel in reports.settings.report_chart_channels
        return await answer(
            reports,
            person,
            text,
            turn.lang,
            buttons=turn.render.buttons,
            chart=chart,
            # The report queries are SQL: on another unit of work they open their own.
            uow=turn.uow if isinstance(turn.uow, UnitOfWork) else None,
        )

    return hook


async def digest_replies(
    reports: Reports,
    person: Person,
    period: PeriodKind = "week",
    lang: str = "vi",
    *,
    buttons: bool = True,
    chart: bool = True,
) -> list[Reply]:
    """The chair's digest for their commune, now, for `period` (day, week, month, year).
    `buttons`: the channel has inline buttons (Telegram); `chart`: it can take a photo."""
    return await answer(reports, person, period, lang, buttons=buttons, chart=chart)


async def report_command(
    reports: Reports, person: Person, text: str, lang: str = "vi", *, buttons: bool = True
) -> list[Reply]:
    """ "/baocao", "/baocao tháng", "/report year": the digest for that period."""
    return await answer(reports, person, text, lang, buttons=buttons)


async def report_callback(
    reports: Reports, person: Person, data: str, lang: str = "vi", *, buttons: bool = True
) -> list[Reply]:
    """A report button's data ("x:…")."""
    return await answer(reports, person, data, lang, buttons=buttons)
