"""A commune's letterhead for each kind of paper, from its paper settings (`hoctap units
papers`) and the defaults: the commune's study-promotion association issues reports and lists
("HỘI KHUYẾN HỌC XÃ KIM LIÊN", signed "TM. BAN CHẤP HÀNH / CHỦ TỊCH" by its chair); the
recognition decision is issued by the commune's People's Committee, or by each village where
the commune's plan says so (the Y Tịch plan: "các thôn … ra quyết định công nhận")."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date
from typing import Literal

from bot.i18n import Translator
from bot.papers.letterhead import Letterhead
from bot.settings import PROJECT_ROOT
from conversations.places import split_prefix
from conversations.text import fold
from storage.papers import PaperSettings
from storage.uow import UnitOfWork

PaperKind = Literal["report", "list", "decision"]
PAPER_KINDS: tuple[PaperKind, ...] = ("report", "list", "decision")
DECISION_BY = ("commune", "village")


@functools.cache
def paper_text() -> Translator:
    """The papers' own wording (locales/*/papers.ftl), Vietnamese unless asked otherwise."""
    return Translator(PROJECT_ROOT / "locales")


def split_lines(value: str) -> tuple[str, ...]:
    """ "TM. BAN CHẤP HÀNH|CHỦ TỊCH" -> its printed lines."""
    return tuple(line.strip() for line in value.split("|") if line.strip())


def commune_title(name: str) -> tuple[str, str]:
    """("Xã", "Kim Liên") for "Kim Liên" or "Xã Kim Liên"; ("Phường", "Hà Đông") for
    "Phường Hà Đông": the kind of commune and its bare name (the date line's place)."""
    prefix, _ = split_prefix(fold(name), "commune")
    words = name.split()
    count = len(prefix.split())
    if prefix and len(words) > count:
        return " ".join(words[:count]).capitalize(), " ".join(words[count:])
    return "Xã", name.strip()


@dataclass(frozen=True)
class CommunePapers:
    """A commune's paper settings with every default filled in."""

    commune_id: int
    commune: str  # "xã Kim Liên", as written in a sentence
    place: str  # "Kim Liên"
    parent_body: str
    # The issuer as written in a sentence ("Hội Khuyến học Xã Kim Liên"), and in capitals.
    issuer: str
    issuing_body: str
    chair_name: str
    signer_lines: tuple[str, ...]
    decision_by: str
    decision_body: str
    decision_signer_name: str
    decision_signer_lines: tuple[str, ...]

    def decision_head(self, village: str | None, lang: str = "vi") -> tuple[str, str]:
        """(parent, body) at the top left of a decision: the People's Committee, or the
        village under it."""
        if self.decision_by == "village" and village:
            body = paper_text()(lang, "paper-village-body", village=village)
            return self.decision_body.upper(), body.upper()
        return "", self.decision_body.upper()


def resolve(stored: PaperSettings, lang: str = "vi") -> CommunePapers:
    t = paper_text()
    kind, bare = commune_title(stored.commune)
    commune = f"{kind.lower()} {bare}"
    decision_by = stored.decision_by if stored.decision_by in DECISION_BY else "commune"
    village_decides = decision_by == "village"
    issuer = stored.issuing_body or t(lang, "paper-association", commune=commune)
    return CommunePapers(
        commune_id=stored.commune_id,
        commune=commune,
        place=stored.place or bare,
        parent_body=(stored.parent_body or "").upper(),
        issuer=issuer,
        issuing_body=issuer.upper(),
        chair_name=stored.chair_name or "",
        signer_lines=split_lines(stored.signer_lines or t(lang, "paper-signer-association")),
        decision_by=decision_by,
        decision_body=stored.decision_body or t(lang, "paper-people-committee", commune=commune),
        decision_signer_name=stored.decision_signer_name or "",
        decision_signer_lines=split_lines(
            stored.decision_signer_lines
            or t(lang, "paper-signer-village" if village_decides else "paper-signer-committee")
        ),
    )


async def commune_papers(uow: UnitOfWork, commune_id: int, lang: str = "vi") -> CommunePapers:
    stored = await uow.papers.settings(commune_id)
    if stored is None:
        raise LookupError(f"no commune with id {commune_id}")
    return resolve(stored, lang)


def letterhead(
    papers: CommunePapers,
    today: date,
    kind: str,
    *,
    village: str | None = None,
    lang: str = "vi",
) -> Letterhead:
    """The letterhead of one paper: `kind` "report" | "list" | "decision" (`village`: the
    village issuing it, where villages issue decisions)."""
    if kind not in PAPER_KINDS:
        raise ValueError(f"kind must be one of {PAPER_KINDS}, not {kind!r}")
    t = paper_text()
    if kind == "decision":
        parent, body = papers.decision_head(village, lang)
        by_village = papers.decision_by == "village" and bool(village)
        number = t(lang, f"paper-number-decision-{'village' if by_village else 'commune'}")
        return Letterhead(
            parent_body=parent,
            issuing_body=body,
            number=number,
            place=papers.place,
            day=today,
            signer_lines=papers.decision_signer_lines,
            signer_name=papers.decision_signer_name,
            recipients=split_lines(t(lang, "paper-recipients-decision", commune=papers.commune)),
        )
    return Letterhead(
        parent_body=papers.parent_body,
        issuing_body=papers.issuing_body,
        number=t(lang, f"paper-number-{kind}"),
        place=papers.place,
        day=today,
        signer_lines=papers.signer_lines,
        signer_name=papers.chair_name,
        recipients=split_lines(t(lang, f"paper-recipients-{kind}", commune=papers.commune)),
    )


async def commune_letterhead(
    uow: UnitOfWork,
    commune_id: int,
    today: date,
    kind: str,
    *,
    village: str | None = None,
    lang: str = "vi",
) -> Letterhead:
    """The commune's letterhead for a paper of `kind` ("report" | "list" | "decision") dated
    `today`. Raises LookupError for an unknown commune, ValueError for an unknown kind."""
    return letterhead(
        await commune_papers(uow, commune_id, lang), today, kind, village=village, lang=lang
    )
