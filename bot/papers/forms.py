"""One subject's Phiếu tự đánh giá in the dossier: the profile answers, every criterion and
indicator with the answer given and the points (provisional ones marked "(tạm tính)"), the
total and result, who filled and who verified it and when, the evidence photos as thumbnails
(a photo not in the photo store is named, not left out), and the two signature lines."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from bot.papers import document as d
from bot.rendering import Renderer
from bot.reports import formatting as fmt
from conversations.packs import CriteriaPack
from storage.papers import DossierForm

if TYPE_CHECKING:
    from bot.papers.dossier import DossierData

ANSWER_WIDTH, MAX_WIDTH, POINTS_WIDTH = 45.0, 18.0, 24.0
CAPTION_LENGTH = 60
FORM_TABLE_SIZE = 11.0


def _indicator_scores(score: Mapping[str, Any] | None) -> dict[str, Mapping[str, Any]]:
    out: dict[str, Mapping[str, Any]] = {}
    for criterion in (score or {}).get("criteria") or ():
        if not isinstance(criterion, dict):
            continue
        out[f"c:{criterion.get('id')}"] = criterion
        for indicator in criterion.get("indicators") or ():
            if isinstance(indicator, dict):
                out[str(indicator.get("id"))] = indicator
    return out


def _short(text: str) -> str:
    return text if len(text) <= CAPTION_LENGTH else text[: CAPTION_LENGTH - 1].rstrip() + "…"


class FormWriter:
    def __init__(self, data: DossierData, form: DossierForm) -> None:
        self.data = data
        self.form = form
        self.lang = data.lang
        self.pack: CriteriaPack | None = data.packs(form.pack_id, form.pack_version)
        self.renderer = Renderer(lambda lang, key, **a: data.say(key, **a), data.lang)
        self.scores = _indicator_scores(form.score)

    def say(self, message_id: str, **args: object) -> str:
        return self.data.say(message_id, **args)

    def points(self, value: Any) -> str:
        return "" if value is None else fmt.points(float(value), self.lang)

    def answer(self, question_name: str) -> str:
        assert self.pack is not None
        value = self.form.answers.get(question_name)
        if question_name not in self.form.answers or value is None:
            return self.say("paper-form-not-answered")
        return self.renderer.answer_text(self.pack.question(question_name), value)

    def rows(self) -> list[tuple[d.Cell, ...]]:
        rows: list[tuple[d.Cell, ...]] = []
        provisional = self.say("paper-form-provisional")
        if self.pack is None:
            # A pack this bot no longer has: the points by criterion as stored.
            for key, item in self.scores.items():
                if key.startswith("c:"):
                    rows.append(
                        (
                            d.Cell(self.say("paper-form-criterion", id=key[2:], name=""), span=2),
                            d.Cell(self.points(item.get("max_points"))),
                            d.Cell(self.points(item.get("points"))),
                        )
                    )
            return rows
        profile = [q for q in self.pack.profile if q.name in self.form.answers]
        if profile:
            rows.append((d.Cell(self.say("paper-form-profile"), bold=True, span=4),))
            for question in profile:
                rows.append(
                    (
                        d.Cell(question.label.get(self.lang)),
                        d.Cell(self.answer(question.name), span=3),
                    )
                )
        for criterion in self.pack.criteria:
            stored = self.scores.get(f"c:{criterion.id}", {})
            rows.append(
                (
                    d.Cell(
                        self.say(
                            "paper-form-criterion",
                            id=criterion.id,
                            name=criterion.name.get(self.lang),
                        ),
                        bold=True,
                        span=2,
                    ),
                    d.Cell(self.points(criterion.max_points), bold=True),
                    d.Cell(self.points(stored.get("points")), bold=True),
                )
            )
            for indicator in criterion.indicators:
                scored = self.scores.get(indicator.id, {})
                if scored.get("applicable") is False:
                    answer = self.say("paper-form-not-applicable")
                elif indicator.question is not None:
                    answer = self.answer(indicator.question.name)
                else:
                    answer = ""
                points = self.points(scored.get("points"))
                if points and scored.get("provisional"):
                    points = f"{points} {provisional}"
                rows.append(
                    (
                        d.Cell(f"{indicator.id}. {indicator.text.get(self.lang)}"),
                        d.Cell(answer),
                        d.Cell(self.points(indicator.max_points)),
                        d.Cell(points),
                    )
                )
        total = self.points(self.form.total)
        if total and self.form.score and self.form.score.get("provisional"):
            total = f"{total} {provisional}"
        rows.append(
            (
                d.Cell(self.say("paper-form-total"), bold=True, span=2),
                d.Cell(self.points(self.pack.max_total), bold=True),
                d.Cell(total, bold=True),
            )
        )
        return rows

    def provisional_mark(self) -> str:
        """ " (tạm tính)" after a total scored with provisional parts of the pack."""
        from bot.papers.dossier import _provisional

        return " " + self.say("paper-form-provisional") if _provisional(self.form) else ""

    def table(self) -> d.Table:
        first = d.text_width(False) - ANSWER_WIDTH - MAX_WIDTH - POINTS_WIDTH
        return d.Table(
            widths=(first, ANSWER_WIDTH, MAX_WIDTH, POINTS_WIDTH),
            header=(
                self.say("paper-form-col-indicator"),
                self.say("paper-form-col-answer"),
                self.say("paper-form-col-max"),
                self.say("paper-form-col-points"),
            ),
            rows=tuple(self.rows()),
            aligns=("left", "left", "center", "center"),
            size=FORM_TABLE_SIZE,
        )

    def who(self) -> list[d.Block]:
        from bot.papers.dossier import TIMEZONE

        form = self.form
        lines = []
        if form.filled_by:
            role = form.filled_by_role or "other"
            role_key = f"paper-form-role-{role}"
            if role not in ("household", "collaborator", "chair", "admin"):
                role_key = "paper-form-role-other"
            submitted = fmt.day(form.submitted_at, TIMEZONE) if form.submitted_at else "…"
            lines.append(
                self.say(
                    "paper-form-filled",
                    name=form.filled_by,
                    role=self.say(role_key),
                    date=submitted,
                )
            )
        else:
            lines.append(self.say("paper-form-filled-unknown"))
        if form.verified_by and form.verified_at:
            lines.append(
                self.say(
                    "paper-form-verified",
                    name=form.verified_by,
                    date=fmt.day(form.verified_at, TIMEZONE),
                )
            )
        else:
            lines.append(self.say("paper-form-not-verified"))
        return [d.Para(line, indent=False, size=12) for line in lines]

    def caption(self, question: str) -> str:
        if self.pack is not None:
            try:
                return _short(self.pack.question(question).label.get(self.lang))
            except KeyError:
                pass
        return question

    def photos(self) -> list[d.Block]:
        items: list[d.Photo] = []
        missing: list[d.Block] = []
        for index, photo in enumerate(self.form.photos):
            data = self.data.photo_bytes.get((self.form.assessment_id, index))
            small = d.thumbnail(data) if data is not None else None
            caption = self.caption(photo.question)
            if small is None:
                missing.append(
                    d.Para(
                        self.say(
                            "paper-form-photo-missing",
                            question=caption,
                            channel=photo.channel.capitalize(),
                        ),
                        italic=True,
                        indent=False,
                        size=11,
                    )
                )
            else:
                items.append(d.Photo(small, caption))
        if not items and not missing:
            return [d.Para(self.say("paper-form-no-photos"), italic=True, indent=False, size=12)]
        blocks: list[d.Block] = [
            d.Para(self.say("paper-form-photos"), bold=True, indent=False, size=12)
        ]
        if items:
            blocks.append(d.Photos(tuple(items)))
        return blocks + missing

    def blocks(self) -> list[d.Block]:
        from bot.papers.dossier import _result, form_letterhead

        data, form = self.data, self.form
        say = self.say
        head = form_letterhead(data, form)
        column = say(f"paper-name-column-{data.title}")
        info = [say("paper-form-subject", column=column, name=form.name)]
        if form.villages:
            info.append(say("paper-form-village", village=", ".join(form.villages)))
        if form.head_name:
            info.append(say("paper-form-head", name=form.head_name))
        pack_name = self.pack.name.get(self.lang) if self.pack else form.pack_id
        info.append(say("paper-form-pack", pack=pack_name, version=form.pack_version))
        max_total = self.pack.max_total if self.pack else None
        blocks: list[d.Block] = [
            d.Heading(head),
            d.Title(
                say("paper-form-kind"),
                (say("paper-form-about", title=data.title_name, year=data.year),),
            ),
            *(d.Para(line, indent=False, space_after=1) for line in info),
            self.table(),
            d.Para(
                say(
                    "paper-form-result",
                    result=_result(data, form),
                    total=self.points(form.total) or "…",
                    max=self.points(max_total) or "…",
                    mark=self.provisional_mark(),
                ),
                bold=True,
                indent=False,
            ),
            *self.who(),
            *self.photos(),
            d.SignPair(
                left=say(f"paper-form-sign-head-{data.title}"),
                right=say("paper-form-sign-collaborator"),
                hint=say("paper-sign-hint"),
                left_name=form.head_name or (form.name if data.title == "household" else ""),
                right_name=form.verified_by or "",
            ),
        ]
        return blocks


def form_blocks(data: DossierData, form: DossierForm) -> list[d.Block]:
    return FormWriter(data, form).blocks()
