"""The recognition dossier (hồ sơ công nhận) of one commune, year and title, each paper as a
Word file (to edit) and a PDF (to print), both rendered from the same document model:

1. Tờ trình đề nghị công nhận: the forms proposed per village against every household (clan …)
   of the village and the commune's target;
2. Danh sách đề nghị công nhận: STT, name, (a person's year of birth), village, points, result,
   note, village by village, then by name in Vietnamese order;
3. Phiếu tự đánh giá of each subject: every criterion and indicator with the answer and the
   points, who filled and verified it and when, the evidence photos, two signature lines;
4. Dự thảo quyết định công nhận with the list as its annex (Phụ lục); one per village where
   villages issue the decisions.

Forms proposed for or granted recognition are in it. Nothing here branches on the title: what
differs between titles (their names, the name column, who signs a form) is wording in
locales/*/papers.ftl under the title's key; a column of years of birth is there when the forms
are people's who gave one."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from bot.packs import PackLibrary
from bot.papers import document as d
from bot.papers.letterhead import Letterhead
from bot.papers.pdf import render_pdf
from bot.papers.settings import CommunePapers, commune_papers, letterhead, paper_text
from bot.papers.word import render_docx
from bot.reports import formatting as fmt
from bot.reports.exports import vietnamese_name_key
from bot.reports.service import ReportFile, slug
from bot.reports.shares import reference_target
from conversations.packs import CriteriaPack
from storage.media import PhotoFiles
from storage.papers import DossierForm
from storage.progress import CommuneProgress
from storage.uow import UnitOfWork

PackLookup = Callable[[str, str], CriteriaPack | None]
TIMEZONE = ZoneInfo("Asia/Ho_Chi_Minh")
# The four papers in filing order: the file-name stem's message and what the chat calls it.
PAPERS = ("report", "list", "forms", "decision")
# Titles whose every subject is counted per village by the units import (the base of the
# village rows' shares); the others show their village rows without a total.
VILLAGE_TOTALS = ("household", "clan")


@dataclass(frozen=True)
class DossierData:
    """Everything the papers print, loaded in one unit of work."""

    papers: CommunePapers
    progress: CommuneProgress
    title: str
    year: int
    today: date
    lang: str
    forms: tuple[DossierForm, ...]
    packs: PackLookup
    # (assessment id, photo index) -> the stored photo's bytes; a photo missing is absent.
    photo_bytes: dict[tuple[int, int], bytes] = field(default_factory=dict)

    def say(self, message_id: str, **args: object) -> str:
        return paper_text()(self.lang, message_id, **args)

    @property
    def title_name(self) -> str:
        return self.say(f"paper-title-{self.title}")

    @property
    def subject(self) -> str:
        return self.say(f"paper-subject-{self.title}")


def pack_lookup(packs: PackLibrary) -> PackLookup:
    """The pack a form was scored with, or None when this bot no longer has it."""

    def find(pack_id: str, version: str) -> CriteriaPack | None:
        try:
            return packs.get(pack_id, version)
        except KeyError:
            return None

    return find


def order_forms(forms: Sequence[DossierForm]) -> tuple[DossierForm, ...]:
    """Village by village (the commune's order), then by name the Vietnamese way."""
    return tuple(sorted(forms, key=lambda f: (f.village_order, vietnamese_name_key(f.name))))


async def load_dossier(
    uow: UnitOfWork,
    commune_id: int,
    year: int,
    title: str,
    *,
    today: date,
    packs: PackLookup,
    photos: PhotoFiles | None,
    lang: str = "vi",
) -> DossierData:
    papers = await commune_papers(uow, commune_id, lang)
    start = datetime(year, 1, 1, tzinfo=TIMEZONE).astimezone(UTC)
    end = datetime(year + 1, 1, 1, tzinfo=TIMEZONE).astimezone(UTC)
    progress = await uow.progress.commune(commune_id, year, start, end, now=end)
    forms = order_forms(await uow.papers.dossier_forms(commune_id, year, title))
    photo_bytes: dict[tuple[int, int], bytes] = {}
    if photos is not None:
        for form in forms:
            for index, photo in enumerate(form.photos):
                data = photos.read(photo.stored) if photo.stored else None
                if data is not None:
                    photo_bytes[(form.assessment_id, index)] = data
    return DossierData(papers, progress, title, year, today, lang, forms, packs, photo_bytes)


# --- the papers -----------------------------------------------------------------------------


def _villages(form: DossierForm) -> str:
    return ", ".join(form.villages)


def _points(value: float | None, lang: str) -> str:
    return "" if value is None else fmt.points(value, lang)


def _provisional(form: DossierForm) -> bool:
    return bool(
        form.score and (form.score.get("provisional") or form.score.get("provisional_rule"))
    )


def _result(data: DossierData, form: DossierForm) -> str:
    if form.passed is None:
        return data.say("paper-result-unknown")
    return form.result_name(data.lang) or data.say(
        "paper-result-passed" if form.passed else "paper-result-failed"
    )


def _note(data: DossierData, form: DossierForm) -> str:
    if form.status != "recognised":
        return ""
    if form.decision_number and form.decision_date:
        return data.say(
            "paper-note-recognised", number=form.decision_number, date=fmt.day(form.decision_date)
        )
    return data.say("paper-note-recognised-no-number")


def list_table(data: DossierData, forms: Sequence[DossierForm], width: float) -> d.Table:
    """STT, name, (year of birth), village, points, result, note: the list and the
    decision's annex. The year of birth is a column when the forms are people's who gave
    one (the dossier of "Công dân học tập"), in every table of the dossier alike."""
    provisional = data.say("paper-form-provisional")
    header = [
        data.say("paper-col-number"),
        data.say(f"paper-name-column-{data.title}"),
        data.say("paper-col-village"),
        data.say("paper-col-total"),
        data.say("paper-col-result"),
        data.say("paper-col-note"),
    ]
    fixed = [13.0, 0.0, 34.0, 18.0, 18.0, 38.0]  # the name takes what the others leave
    aligns: list[d.Align] = ["center", "left", "left", "center", "center", "left"]
    rows = [
        [
            d.Cell(str(number)),
            d.Cell(form.name),
            d.Cell(_villages(form)),
            d.Cell(
                _points(form.total, data.lang) + (f" {provisional}" if _provisional(form) else "")
            ),
            d.Cell(_result(data, form)),
            d.Cell(_note(data, form)),
        ]
        for number, form in enumerate(forms, 1)
    ]
    if any(form.birth_year is not None for form in data.forms):
        # Narrower village and note columns make room for it, not the names.
        header.insert(2, data.say("paper-col-birth-year"))
        fixed[2:] = [16.0, 30.0, 18.0, 18.0, 32.0]
        aligns.insert(2, "center")
        for row, form in zip(rows, forms, strict=True):
            row.insert(2, d.Cell(str(form.birth_year or "")))
    return d.Table(
        widths=(fixed[0], width - sum(fixed), *fixed[2:]),
        header=tuple(header),
        rows=tuple(tuple(row) for row in rows),
        aligns=tuple(aligns),
    )


def _pack_names(data: DossierData) -> str:
    names = []
    for key in dict.fromkeys((f.pack_id, f.pack_version) for f in data.forms):
        pack = data.packs(*key)
        names.append(pack.source.get(data.lang) if pack else f"{key[0]} {key[1]}")
    return "; ".join(dict.fromkeys(names))


def report_paper(data: DossierData) -> d.Document:
    head = letterhead(data.papers, data.today, "report", lang=data.lang)
    say, title, subject, lang = data.say, data.title_name, data.subject, data.lang
    body = data.papers.decision_body
    width = d.text_width(False)
    rows = []
    for village in data.progress.villages:
        total = village.total(data.title) if data.title in VILLAGE_TOTALS else None
        proposed = sum(1 for f in data.forms if village.name in f.villages)
        share = fmt.share(proposed, total) if total else None
        rows.append(
            (
                d.Cell(village.name),
                d.Cell(
                    say("paper-report-unknown-total") if total is None else fmt.number(total, lang)
                ),
                d.Cell(fmt.number(proposed, lang)),
                d.Cell("" if share is None else fmt.percent(share, lang)),
            )
        )
    commune_total = data.progress.total(data.title)
    count = len(data.forms)
    reached = fmt.share(count, commune_total) if commune_total else None
    rows.append(
        (
            d.Cell(say("paper-report-table-sum"), bold=True),
            d.Cell(
                say("paper-report-unknown-total")
                if commune_total is None
                else fmt.number(commune_total, lang),
                bold=True,
            ),
            d.Cell(fmt.number(count, lang), bold=True),
            d.Cell("" if reached is None else fmt.percent(reached, lang), bold=True),
        )
    )
    table = d.Table(
        widths=(width - 105.0, 35.0, 35.0, 35.0),
        header=(
            say("paper-report-table-village"),
            say("paper-report-table-total", subject=subject),
            say("paper-report-table-proposed"),
            say("paper-report-table-share"),
        ),
        rows=tuple(rows),
        aligns=("left", "center", "center", "center"),
    )
    target = reference_target(data.progress.targets, data.year, data.title)
    if target is None:
        target_line = say("paper-report-no-target")
    else:
        args = dict(
            target_year=str(target[0]),
            share=fmt.percent(target[1], lang),
            subject=subject,
            title=title,
        )
        target_line = (
            say("paper-report-target-unknown", **args)
            if reached is None
            else say("paper-report-target", reached=fmt.percent(reached, lang), **args)
        )
    blocks: list[d.Block] = [
        d.Heading(head),
        d.Title(
            say("paper-report-kind"), (say("paper-report-about", title=title, year=data.year),)
        ),
        d.Para(say("paper-report-to", body=body), align="center", indent=False, space_after=6),
        d.Para(say("paper-report-basis", title=title, pack=_pack_names(data), year=data.year)),
        d.Para(
            say(
                "paper-report-intro",
                issuer=data.papers.issuer,
                body=body,
                count=count,
                subject=subject,
                title=title,
                year=data.year,
            )
        ),
        table,
        d.Para(target_line),
    ]
    if any(_provisional(f) for f in data.forms):
        blocks.append(d.Para(say("paper-report-provisional"), italic=True, size=12))
    blocks += [
        d.Para(say("paper-report-closing", body=body)),
        d.Signatures(head, say("paper-sign-hint")),
    ]
    return d.Document(
        say("paper-report-about", title=title, year=data.year),
        [d.Section(tuple(blocks))],
        say("paper-recipients-label"),
    )


def list_paper(data: DossierData) -> d.Document:
    head = letterhead(data.papers, data.today, "list", lang=data.lang)
    say = data.say
    about = say("paper-list-about", title=data.title_name, year=data.year)
    blocks: list[d.Block] = [
        d.Heading(head),
        d.Title(
            say("paper-list-kind"),
            (about,),
        ),
        d.Para(
            say("paper-list-annex-of", date=fmt.day(data.today), issuer=data.papers.issuer),
            italic=True,
            align="center",
            indent=False,
            space_after=6,
        ),
        list_table(data, data.forms, d.text_width(False)),
        d.Para(say("paper-list-count", count=len(data.forms), subject=data.subject), indent=False),
        d.Signatures(head, say("paper-sign-hint")),
    ]
    return d.Document(about, [d.Section(tuple(blocks))], say("paper-recipients-label"))


def decision_paper(data: DossierData) -> d.Document:
    """One decision for the commune, or one per village where villages issue them."""
    say, title, subject = data.say, data.title_name, data.subject
    groups: list[tuple[str | None, list[DossierForm]]]
    if data.papers.decision_by == "village":
        groups = [
            (v.name, [f for f in data.forms if f.villages and f.villages[0] == v.name])
            for v in data.progress.villages
        ]
        groups = [(name, forms) for name, forms in groups if forms]
    else:
        groups = [(None, list(data.forms))]
    about = say("paper-decision-about", title=title, year=data.year)
    body = data.papers.decision_body
    sections = []
    for village, forms in groups:
        head = letterhead(data.papers, data.today, "decision", village=village, lang=data.lang)
        authority = (
            say("paper-decision-authority-village", village=village.upper())
            if village
            else say("paper-decision-authority-commune", commune=data.papers.commune.upper())
        )
        blocks: list[d.Block] = [
            d.Heading(head, draft=say("paper-decision-draft")),
            d.Title(say("paper-decision-kind"), (about,)),
            d.Para(authority, bold=True, align="center", indent=False, space_after=6),
            d.Para(say("paper-decision-basis-1"), italic=True),
            d.Para(say("paper-decision-basis-2", title=title, pack=_pack_names(data)), italic=True),
            d.Para(
                say("paper-decision-basis-3", issuer=data.papers.issuer, date=fmt.day(data.today)),
                italic=True,
            ),
            d.Para(say("paper-decision-decides"), bold=True, align="center", indent=False),
            d.Para(
                say(
                    "paper-decision-article-1",
                    count=len(forms),
                    subject=subject,
                    title=title,
                    year=data.year,
                )
            ),
            d.Para(say("paper-decision-article-2")),
            d.Para(say("paper-decision-article-3", issuer=data.papers.issuer, subject=subject)),
            d.Signatures(head, say("paper-sign-hint-seal")),
        ]
        sections.append(d.Section(tuple(blocks)))
        code = head.number.rsplit("/", 1)[-1]
        annex: list[d.Block] = [
            d.Title(
                say("paper-annex-kind"),
                (say("paper-annex-about", subject=subject, title=title, year=data.year),),
            ),
            d.Para(
                say("paper-annex-of", code=code, year=data.year, body=village or body),
                italic=True,
                align="center",
                indent=False,
                space_after=6,
            ),
            list_table(data, forms, d.text_width(False)),
        ]
        sections.append(d.Section(tuple(annex)))
    return d.Document(about, sections, say("paper-recipients-label"))


def _form_blocks(data: DossierData, form: DossierForm) -> list[d.Block]:
    from bot.papers.forms import form_blocks

    return form_blocks(data, form)


def forms_paper(data: DossierData) -> d.Document:
    about = data.say("paper-form-about", title=data.title_name, year=data.year)
    blocks: list[d.Block] = []
    for number, form in enumerate(data.forms):
        if number:
            blocks.append(d.PageBreak())
        blocks += _form_blocks(data, form)
    return d.Document(about, [d.Section(tuple(blocks))], data.say("paper-recipients-label"))


def form_letterhead(data: DossierData, form: DossierForm) -> Letterhead:
    """A form carries the association's heading, dated the day it was submitted."""
    head = letterhead(data.papers, data.today, "list", lang=data.lang)
    day = form.submitted_at.astimezone(TIMEZONE).date() if form.submitted_at else data.today
    return replace(head, number="", day=day)


# --- files ----------------------------------------------------------------------------------


def render_dossier(data: DossierData) -> list[ReportFile]:
    """Each paper as .docx then .pdf, numbered in filing order."""
    builders = {
        "report": report_paper,
        "list": list_paper,
        "forms": forms_paper,
        "decision": decision_paper,
    }
    base = f"{slug(data.papers.place)}-{data.year}-{slug(data.title_name)}"
    files = []
    for number, paper in enumerate(PAPERS, 1):
        document = builders[paper](data)
        stem = f"{number}-{data.say(f'paper-file-{paper}')}-{base}"
        files.append(ReportFile(f"{stem}.docx", render_docx(document)))
        files.append(ReportFile(f"{stem}.pdf", render_pdf(document)))
    return files


async def dossier_files(
    uow: UnitOfWork,
    commune_id: int,
    year: int,
    title: str,
    *,
    today: date,
    packs: PackLookup,
    photos: PhotoFiles | None,
    lang: str = "vi",
) -> list[ReportFile]:
    """The dossier's eight files (four papers, each .docx and .pdf) for the forms of `title`
    proposed or recognised in `year`; empty when there are none. Rendering runs in a thread:
    a commune of hundreds of households takes seconds."""
    data = await load_dossier(
        uow, commune_id, year, title, today=today, packs=packs, photos=photos, lang=lang
    )
    if not data.forms:
        return []
    return await asyncio.to_thread(render_dossier, data)
