"""The "Hồ sơ công nhận" report button: which titles have a dossier this year, then the
dossier's files sent as documents (Telegram sendDocument; the Zalo way is a web link)."""

from __future__ import annotations

import typing

from bot.papers.dossier import PAPERS, dossier_files, pack_lookup
from bot.papers.settings import paper_text
from bot.rendering import Button, Reply, button_int
from bot.reports.service import CALLBACK_PREFIX, Reports
from conversations.packs import TitleKind
from storage.uow import UnitOfWork

# The earliest year a dossier button may ask for.
MIN_YEAR = 2000
TITLES: tuple[str, ...] = typing.get_args(TitleKind)


def _say(lang: str, message_id: str, **args: object) -> str:
    return paper_text()(lang, message_id, **args)


def _title_order(title: str) -> int:
    return TITLES.index(title) if title in TITLES else len(TITLES)


async def dossier_reply(
    reports: Reports,
    commune_id: int,
    argument: str,
    lang: str,
    uow: UnitOfWork | None,
) -> list[Reply]:
    """ "x:h:<commune>:<year>": the titles with forms proposed or recognised that year (the
    dossier at once when only one has); "x:h:<commune>:<year>-<title>": that dossier."""
    year_text, _, title = argument.partition("-")
    year = button_int(year_text, maximum=reports.year() + 1)
    if year is None or year < MIN_YEAR or (title and title not in TITLES):
        return [Reply(reports.t(lang, "report-button-stale"))]
    async with reports._unit_of_work(uow) as work:
        counts = await work.papers.dossier_counts(commune_id, year)
        if not title:
            titles = sorted((t for t in counts if counts[t]), key=_title_order)
            if not titles:
                return [Reply(_say(lang, "dossier-nothing", year=str(year)))]
            if len(titles) > 1:
                rows = tuple(
                    (
                        Button(
                            _say(
                                lang,
                                "dossier-title-button",
                                title=_say(lang, f"paper-title-{t}"),
                                count=counts[t],
                            ),
                            f"{CALLBACK_PREFIX}h:{commune_id}:{year}-{t}",
                        ),
                    )
                    for t in titles
                )
                return [Reply(_say(lang, "dossier-choose-title", year=str(year)), rows)]
            title = titles[0]
        title_name = _say(lang, f"paper-title-{title}")
        subject = _say(lang, f"paper-subject-{title}")
        if not counts.get(title):
            return [
                Reply(_say(lang, "dossier-none", year=str(year), title=title_name, subject=subject))
            ]
        commune = await work.places.commune_name(commune_id)
        files = await dossier_files(
            work,
            commune_id,
            year,
            title,
            today=reports.today(),
            packs=pack_lookup(reports.packs),
            photos=reports.db.photos,
        )
    replies = [
        Reply(
            _say(
                lang,
                "dossier-ready",
                year=str(year),
                title=title_name,
                commune=commune,
                count=counts[title],
                subject=subject,
            )
        )
    ]
    for index, file in enumerate(files):
        paper = PAPERS[index // 2]
        kind = "Word" if file.filename.endswith(".docx") else "PDF"
        caption = f"{_say(lang, f'dossier-file-{paper}', subject=subject)} ({kind})"
        replies.append(Reply(caption, document=(file.filename, file.data)))
    return replies
