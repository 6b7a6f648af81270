"""What the web page shows, for whom (issue 16). Read-only: actions stay in the chat.

The figures come from the digest's own query (`Reports.progress`, storage/progress.py) and are
written with the digest's own formatting, so the page and the Monday digest never disagree.
Who sees what follows the chat's rules: a form through `conversations.permissions.allowed`
("view"), a commune's figures and files through `bot.reports.service.may_see`; an
administrator gets the province's figures and files (as `/baocao` and `hoctap export` give
them) but no household's form, which the chat never shows them either.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field

from pydantic import ValidationError

from bot.flows.common import scope_in
from bot.i18n import Translator
from bot.packs import PackLibrary
from bot.rendering import Renderer
from bot.reports import formatting as fmt
from bot.reports import shares
from bot.reports.periods import on_demand
from bot.reports.service import ReportFile, Reports, may_see, slug
from bot.webaccess import Viewer
from conversations.domain import Assessment
from conversations.packs import CriteriaPack
from conversations.permissions import Action, Actor, Scope, allowed
from conversations.scoring import ScoreResult
from conversations.text import fold
from storage.progress import TITLES as TITLES
from storage.progress import CommuneProgress
from storage.uow import UnitOfWork
from storage.web import SORT_KEYS, FormFilter, FormRow, SortKey

STATUSES = ("draft", "submitted", "returned", "verified", "proposed", "recognised", "rejected")
PER_PAGE = 50


class Forbidden(Exception):
    """The viewer may not see this (the page answers 403)."""


class NotFound(Exception):
    """No such thing (404)."""


@dataclass(frozen=True)
class TitleFigure:
    title: str
    recognised: int
    registered: int
    assessed: int
    verified: int
    total: int | None
    share: str | None
    target: str | None
    target_year: int | None
    missing: tuple[str, ...] = ()


@dataclass(frozen=True)
class VillageFigure:
    id: int
    name: str
    registered: int
    recognised: int
    total: int | None
    share: str | None


@dataclass(frozen=True)
class WaitingForm:
    id: int
    title: str
    name: str
    village: str
    submitted: str
    days: int


@dataclass(frozen=True)
class Overview:
    commune_id: int
    commune: str
    province: str
    year: int
    titles: tuple[TitleFigure, ...]
    villages: tuple[VillageFigure, ...]
    waiting: tuple[WaitingForm, ...]
    waiting_total: int
    inactive: tuple[tuple[str, str, str], ...]
    whole_commune: bool


@dataclass(frozen=True)
class IndicatorLine:
    id: str
    text: str
    points: str
    max_points: str
    provisional: bool
    answers: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class CriterionLine:
    id: str
    name: str
    points: str
    max_points: str
    provisional: bool
    indicators: tuple[IndicatorLine, ...]


@dataclass(frozen=True)
class HistoryLine:
    at: str
    who: str
    what: str
    note: str | None


@dataclass(frozen=True)
class FormView:
    id: int
    commune_id: int
    title: str
    status: str
    name: str
    village: str
    year: int
    pack: str
    profile: tuple[tuple[str, str], ...]
    criteria: tuple[CriterionLine, ...]
    total: str | None
    max_total: str | None
    threshold: str | None
    passed: bool | None
    provisional: bool
    comment: str | None
    decision: tuple[str, str] | None
    photos: tuple[tuple[int, str, bool], ...]
    history: tuple[HistoryLine, ...]


@dataclass(frozen=True)
class FormList:
    rows: tuple[FormRow, ...]
    total: int
    page: int
    pages: int
    villages: tuple[tuple[int, str], ...]
    filters: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ProvinceView:
    province_id: int
    province: str
    provinces: tuple[tuple[int, str], ...]
    communes: tuple[tuple[int, str, tuple[TitleFigure, ...]], ...]
    year: int


def actor_of(viewer: Viewer) -> Actor:
    p = viewer.person
    return Actor(p.id, p.role, p.commune_id, viewer.village_id, None, p.disabled)


class WebView:
    def __init__(self, reports: Reports, packs: PackLibrary, translator: Translator) -> None:
        self.reports = reports
        self.packs = packs
        self.t = translator

    async def check_commune(self, viewer: Viewer, commune_id: int) -> None:
        """The commune's figures: its chair, its collaborators (their village), an
        administrator of its province."""
        async with self.reports.db.unit_of_work(self.reports.now()) as uow:
            province = await uow.web.province_of(commune_id)
        if province is None:
            raise NotFound
        if not viewer.sees_commune(commune_id, province):
            raise Forbidden

    def may_download(self, viewer: Viewer, commune_id: int) -> bool:
        """The commune's files (they name households): what `/baocao`'s buttons give its
        chair. An administrator has the province roll-up, which names nobody."""
        return viewer.role == "chair" and may_see(viewer.person, commune_id)

    # --- the overview ---------------------------------------------------------------------

    async def progress(self, commune_id: int) -> CommuneProgress:
        """The figures of the digest `/baocao` sends now (the last 7 days)."""
        period = on_demand("week", self.reports.now(), self.reports.tz)
        return await self.reports.progress(commune_id, period)

    def _title_figure(self, progress: CommuneProgress, title: str, lang: str) -> TitleFigure:
        counts = progress.counts(title)
        total = progress.total(title)
        share = None if total is None else fmt.share(counts.recognised, total)
        target = shares.reference_target(progress.targets, progress.year, title)
        missing = tuple(v.name for v in progress.without_total(title))
        return TitleFigure(
            title,
            counts.recognised,
            counts.registered,
            counts.assessed,
            counts.verified,
            total,
            None if share is None else fmt.percent(share, lang),
            None if target is None else fmt.percent(target[1], lang),
            None if target is None else target[0],
            missing,
        )

    async def overview(self, viewer: Viewer, commune_id: int) -> Overview:
        await self.check_commune(viewer, commune_id)
        lang = viewer.lang
        progress = await self.progress(commune_id)
        village = viewer.village_id
        villages = [
            VillageFigure(
                v.village_id,
                v.name,
                v.households.registered,
                v.households.recognised,
                v.households_total,
                None
                if v.households_total is None or v.households_total <= 0
                else fmt.percent(fmt.share(v.households.recognised, v.households_total) or 0, lang),
            )
            for v in progress.villages
            if village is None or v.village_id == village
        ]
        own = {v.name for v in villages}
        tz = self.reports.tz
        now = self.reports.now()
        waiting = tuple(
            WaitingForm(
                w.assessment_id,
                w.title,
                w.name or self.t(lang, "digest-unnamed"),
                w.village or self.t(lang, "digest-no-village"),
                fmt.day(w.submitted_at, tz),
                (now - w.submitted_at).days,
            )
            for w in progress.waiting
            if village is None or w.village in own
        )
        if viewer.role == "admin":
            # Households' names are for those who see them in the chat: the count only.
            waiting = ()
        inactive: tuple[tuple[str, str, str], ...] = ()
        if village is None:
            inactive = tuple(
                (
                    c.name,
                    c.village or "",
                    fmt.day(c.last_active, tz) if c.last_active else "",
                )
                for c in progress.collaborators
            )
        titles = (
            tuple(self._title_figure(progress, title, lang) for title in progress.titles)
            if village is None
            else ()
        )
        return Overview(
            commune_id,
            progress.commune,
            progress.province,
            progress.year,
            titles,
            tuple(villages),
            waiting,
            progress.waiting_total if village is None else len(waiting),
            inactive,
            village is None,
        )

    async def chart(self, viewer: Viewer, commune_id: int) -> bytes:
        await self.check_commune(viewer, commune_id)
        if viewer.village_id is not None:
            raise Forbidden  # the chart shows every village
        return await self.reports.chart(await self.progress(commune_id), viewer.lang)

    # --- lists ----------------------------------------------------------------------------

    def _list_scope(self, viewer: Viewer, commune_id: int) -> None:
        """The chat's list rights: a chair the commune, a collaborator their village."""
        if viewer.role == "admin" or viewer.commune_id != commune_id:
            raise Forbidden
        villages = frozenset({viewer.village_id} if viewer.village_id is not None else set())
        action: Action = "list_commune" if viewer.role == "chair" else "list_village"
        if not allowed(actor_of(viewer), action, Scope(commune_id, villages)):
            raise Forbidden

    async def forms(
        self,
        viewer: Viewer,
        commune_id: int,
        *,
        village: int | None = None,
        status: str | None = None,
        title: str | None = None,
        search: str = "",
        sort: str = "name",
        descending: bool = False,
        page: int = 1,
    ) -> FormList:
        self._list_scope(viewer, commune_id)
        if viewer.village_id is not None:
            village = viewer.village_id
        key: SortKey = next((k for k in SORT_KEYS if k == sort), "name")
        f = FormFilter(
            commune_id,
            self.reports.year(),
            village,
            status if status in STATUSES else None,
            title or None,
            fold(search)[:100],
            key,
            descending,
            max(1, page),
            PER_PAGE,
        )
        async with self.reports.db.unit_of_work(self.reports.now()) as uow:
            rows, total = await uow.web.forms(f)
            villages = await uow.web.villages_of(commune_id)
        if viewer.village_id is not None:
            villages = [v for v in villages if v[0] == viewer.village_id]
        pages = max(1, -(-total // PER_PAGE))
        return FormList(tuple(rows), total, f.page, pages, tuple(villages))

    # --- one form -------------------------------------------------------------------------

    async def _readable(self, uow: UnitOfWork, viewer: Viewer, assessment_id: int) -> Assessment:
        assessment = await uow.assessments.get(assessment_id)
        if assessment is None:
            raise NotFound
        scope = await scope_in(uow, assessment)
        if not allowed(actor_of(viewer), "view", scope):
            raise Forbidden
        return assessment

    def _pack(self, assessment: Assessment) -> CriteriaPack | None:
        try:
            return self.packs.get(assessment.pack_id, assessment.pack_version)
        except KeyError:
            return None

    async def form(self, viewer: Viewer, assessment_id: int) -> FormView:
        lang = viewer.lang
        tz = self.reports.tz
        async with self.reports.db.unit_of_work(self.reports.now()) as uow:
            a = await self._readable(uow, viewer, assessment_id)
            subject = await uow.web.subject(a.id)
            photos = await uow.assessments.evidence(a.id)
            history = await uow.assessments.history(a.id)
            names = await uow.web.names([h.actor_id for h in history if h.actor_id is not None])
        pack = self._pack(a)
        render = Renderer(self.t, lang, buttons=False)
        answers = a.answers or {}

        def answer(name: str) -> tuple[str, str] | None:
            if pack is None or name not in answers:
                return None
            try:
                question = pack.question(name)
            except KeyError:
                return None
            return question.label.get(lang), render.answer_text(question, answers[name])

        criteria: list[CriterionLine] = []
        profile: list[tuple[str, str]] = []
        result = _result(a) if pack else None
        if pack is not None:
            scored = {c.id: c for c in result.criteria} if result else {}
            in_indicators: set[str] = set()
            for criterion in pack.criteria:
                got = scored.get(criterion.id)
                got_ind = {i.id: i for i in got.indicators} if got else {}
                lines = []
                for ind in criterion.indicators:
                    s = got_ind.get(ind.id)
                    q = ind.question
                    shown = []
                    if q is not None:
                        in_indicators.add(q.name)
                        found = answer(q.name)
                        if found:
                            shown.append(found)
                    lines.append(
                        IndicatorLine(
                            ind.id,
                            ind.text.get(lang),
                            fmt.points(s.points, lang) if s else "—",
                            fmt.points(ind.max_points, lang),
                            bool(s.provisional) if s else ind.partly_provisional,
                            tuple(shown),
                        )
                    )
                criteria.append(
                    CriterionLine(
                        criterion.id,
                        criterion.name.get(lang),
                        fmt.points(got.points, lang) if got else "—",
                        fmt.points(criterion.max_points, lang),
                        any(line.provisional for line in lines),
                        tuple(lines),
                    )
                )
            for q in pack.questions():
                if q.name not in in_indicators:
                    found = answer(q.name)
                    if found:
                        profile.append(found)
        labels = {q.name: q.label.get(lang) for q in pack.questions()} if pack else {}
        name, village = subject or ("", None)
        return FormView(
            a.id,
            a.commune_id,
            a.title,
            a.status,
            name or self.t(lang, "digest-unnamed"),
            village or "",
            a.year,
            pack.name.get(lang) if pack else f"{a.pack_id}@{a.pack_version}",
            tuple(profile),
            tuple(criteria),
            fmt.points(result.total, lang) if result else None,
            fmt.points(result.max_total, lang) if result else None,
            fmt.points(result.threshold, lang) if result else None,
            a.passed,
            bool(result and (result.provisional or result.provisional_rule)),
            a.comment,
            (a.decision_number, fmt.day(a.decision_date))
            if a.decision_number and a.decision_date
            else None,
            tuple(
                (i, labels.get(p.question, p.question), p.stored is not None)
                for i, p in enumerate(photos)
            ),
            tuple(
                HistoryLine(
                    f"{fmt.day(h.at, tz)} {fmt.clock_time(h.at, tz)}",
                    names.get(h.actor_id, "") if h.actor_id is not None else "",
                    self._what(lang, h.action, h.field, h.new, labels),
                    h.note,
                )
                for h in history
            ),
        )

    def _what(
        self, lang: str, action: str, field_: str | None, new: object, labels: dict[str, str]
    ) -> str:
        if action == "status" and isinstance(new, str):
            return self.t(lang, f"status-{new}")
        if action == "answer" and field_:
            return self.t(lang, "web-history-answer", question=labels.get(field_, field_))
        return action

    async def photo(self, viewer: Viewer, assessment_id: int, index: int) -> bytes:
        """An evidence photo's stored copy, to someone who may see its form."""
        async with self.reports.db.unit_of_work(self.reports.now()) as uow:
            a = await self._readable(uow, viewer, assessment_id)
            photos = await uow.assessments.evidence(a.id)
        if not 0 <= index < len(photos) or photos[index].stored is None:
            raise NotFound
        stored = photos[index].stored
        assert stored is not None
        files = self.reports.db.photos
        data = files.read(stored) if files is not None else None
        if data is None:
            raise NotFound
        return data

    # --- files ----------------------------------------------------------------------------

    async def export_xlsx(self, viewer: Viewer, commune_id: int, year: int) -> ReportFile:
        await self.check_commune(viewer, commune_id)
        if not self.may_download(viewer, commune_id):
            raise Forbidden
        return await self.reports.export_xlsx(commune_id, year, viewer.lang)

    async def dossier_titles(self, commune_id: int, year: int) -> list[str]:
        """The titles with forms proposed or recognised in `year`: those with a dossier."""
        async with self.reports.db.unit_of_work(self.reports.now()) as uow:
            return sorted(await uow.papers.dossier_counts(commune_id, year))

    async def dossier(self, viewer: Viewer, commune_id: int, year: int, title: str) -> ReportFile:
        """The recognition dossier (bot/papers/dossier.py) of one title, its papers as Word
        and PDF in filing order, in one ZIP."""
        await self.check_commune(viewer, commune_id)
        if not self.may_download(viewer, commune_id):
            raise Forbidden
        from bot.papers.dossier import dossier_files, pack_lookup

        reports = self.reports
        async with reports.db.unit_of_work(reports.now()) as uow:
            files = await dossier_files(
                uow,
                commune_id,
                year,
                title,
                today=reports.today(),
                packs=pack_lookup(self.packs),
                photos=reports.db.photos,
                lang=viewer.lang,
            )
            commune = await uow.places.commune_name(commune_id)
        if not files:
            raise NotFound
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            for file in files:
                archive.writestr(file.filename, file.data)
        return ReportFile(f"ho-so-{slug(commune)}-{year}-{slug(title)}.zip", out.getvalue())

    # --- the province ---------------------------------------------------------------------

    async def _chosen_province(
        self, uow: UnitOfWork, viewer: Viewer, province_id: int | None
    ) -> tuple[int, list[tuple[int, str]]]:
        """The province an administrator asked for (or their own, or the first), and the
        provinces they may see."""
        if viewer.role != "admin":
            raise Forbidden
        provinces = await uow.web.provinces()
        if viewer.province_id is not None:
            provinces = [p for p in provinces if p[0] == viewer.province_id]
        chosen = province_id if province_id is not None else viewer.province_id
        if chosen is None and provinces:
            chosen = provinces[0][0]
        if chosen is None or chosen not in {p[0] for p in provinces}:
            raise Forbidden if chosen is not None else NotFound
        return chosen, provinces

    async def province(self, viewer: Viewer, province_id: int | None) -> ProvinceView:
        async with self.reports.db.unit_of_work(self.reports.now()) as uow:
            chosen, provinces = await self._chosen_province(uow, viewer, province_id)
            communes = await uow.web.communes_of(chosen)
        rows = []
        for commune_id, name in communes:
            progress = await self.progress(commune_id)
            figures = tuple(
                self._title_figure(progress, title, viewer.lang) for title in progress.titles
            )
            rows.append((commune_id, name, figures))
        return ProvinceView(
            chosen,
            dict(provinces)[chosen],
            tuple(provinces),
            tuple(rows),
            self.reports.year(),
        )

    async def province_xlsx(self, viewer: Viewer, province_id: int, year: int) -> ReportFile:
        """The province roll-up (one row per commune against its targets; no names)."""
        async with self.reports.db.unit_of_work(self.reports.now()) as uow:
            chosen, _ = await self._chosen_province(uow, viewer, province_id)
        return await self.reports.province_xlsx(chosen, year, viewer.lang)


def _result(assessment: Assessment) -> ScoreResult | None:
    """The stored score, or None when there is none (or it is of a shape no longer read)."""
    if not assessment.score:
        return None
    try:
        return ScoreResult.model_validate(assessment.score)
    except ValidationError:
        return None
