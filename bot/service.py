"""Handling one inbound message: the same path for every channel.

One transaction per message: the update id is recorded, the chat's state is locked, the engine
runs, every answer is stored, and only after the commit are the replies handed back to be sent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

from bot.i18n import LOCALES, Translator
from bot.rendering import Button, Renderer, Reply
from conversations import engine
from conversations.domain import Assessment, ChannelIdentity, Person
from conversations.packs import AnswerValue, CriteriaPack, TitleKind, load_pack
from conversations.text import fold, parse_integer
from storage.db import Database
from storage.repository import Repository

InboundKind = Literal["text", "callback", "photo", "contact", "sticker", "other"]


@dataclass(frozen=True)
class Inbound:
    """A message or tap from a person, as every channel reports it."""

    channel: str
    chat_id: str
    user_id: str
    kind: InboundKind
    text: str = ""
    # Telegram's callback data; channels without buttons never set it.
    data: str = ""
    file_ref: str | None = None
    display_name: str | None = None
    language_code: str | None = None
    # The channel's id for this delivery, so a redelivered update is applied once.
    update_key: str | None = None


class PackLibrary:
    """Every pack in the packs folder, parsed once at start-up."""

    def __init__(self, packs: Iterable[CriteriaPack]) -> None:
        self._by_key: dict[tuple[str, str], CriteriaPack] = {}
        self._current: dict[str, CriteriaPack] = {}
        for pack in packs:
            self._by_key[(pack.id, pack.version)] = pack
            # The last pack loaded for a title is the one new assessments use.
            self._current[pack.title] = pack

    @classmethod
    def from_directory(cls, directory: Path) -> PackLibrary:
        return cls(load_pack(p) for p in sorted(directory.glob("*.yaml")))

    def get(self, pack_id: str, version: str) -> CriteriaPack:
        return self._by_key[(pack_id, version)]

    def current(self, title: TitleKind) -> CriteriaPack:
        return self._current[title]

    def __iter__(self) -> Any:
        return iter(self._by_key.values())


@dataclass
class Turn:
    """What one message needs while it is handled."""

    repo: Repository
    inbound: Inbound
    identity: ChannelIdentity
    person: Person | None
    state: dict[str, Any]
    render: Renderer
    replies: list[Reply] = field(default_factory=list)

    @property
    def lang(self) -> str:
        return self.render.lang


Clock = Callable[[], datetime]


class ChatService:
    def __init__(
        self,
        db: Database,
        packs: PackLibrary,
        translator: Translator,
        *,
        clock: Clock,
        timezone: str = "Asia/Ho_Chi_Minh",
        channels_with_buttons: Sequence[str] = ("telegram",),
    ) -> None:
        self.db = db
        self.packs = packs
        self.t = translator
        self.clock = clock
        self.tz = ZoneInfo(timezone)
        self.channels_with_buttons = frozenset(channels_with_buttons)

    def year(self) -> int:
        return self.clock().astimezone(self.tz).year

    async def handle(self, inbound: Inbound) -> list[Reply]:
        async with self.db.session() as session:
            repo = Repository(session, self.clock())
            if inbound.update_key and not await repo.claim_update(
                inbound.channel, inbound.update_key
            ):
                return []  # delivered twice: the first delivery was already answered
            state = await repo.chat_state(inbound.channel, inbound.chat_id)
            identity = await repo.identity(
                inbound.channel, inbound.user_id, inbound.chat_id, inbound.display_name
            )
            person = await repo.person(identity.person_id) if identity.person_id else None
            lang = state.get("lang") or identity.locale or self.t.default
            render = Renderer(self.t, lang, buttons=inbound.channel in self.channels_with_buttons)
            turn = Turn(repo, inbound, identity, person, state, render)
            await self._dispatch(turn)
            await repo.save_chat_state(inbound.channel, inbound.chat_id, turn.state)
        return turn.replies

    # --- routing -------------------------------------------------------------------------

    async def _dispatch(self, turn: Turn) -> None:
        inbound = turn.inbound
        text = inbound.text.strip() if inbound.kind == "text" else ""
        command = text.split(maxsplit=1)[0].lower() if text.startswith("/") else ""
        if command == "/help":
            turn.replies.append(Reply(turn.render.say("help")))
            return
        if turn.person is None:
            turn.replies.append(Reply(turn.render.say("not-registered")))
            return
        screen = turn.state.get("screen", "menu")
        if command in ("/start", "/menu"):
            if screen == "assessment":
                # Opening the bot again mid-questionnaire must not lose the place.
                turn.replies.append(Reply(turn.render.say("assessment-resumed")))
                await self._assessment_input(turn, engine.Command("resume"))
                return
            await self._show_menu(turn)
            return
        if screen == "assessment":
            await self._assessment_input(turn, self._engine_input(turn))
        elif screen == "pick_village":
            await self._pick_village(turn)
        elif screen == "pick_draft":
            await self._pick_draft(turn)
        else:
            await self._menu_choice(turn)

    def _engine_input(self, turn: Turn) -> engine.Input:
        inbound = turn.inbound
        if inbound.kind == "text":
            return engine.TextInput(inbound.text)
        if inbound.kind == "photo" and inbound.file_ref:
            return engine.PhotoInput(inbound.file_ref)
        if inbound.kind == "callback":
            kind, _, rest = inbound.data.partition(":")
            step_text, _, value = rest.partition(":")
            step = int(step_text) if step_text.isdigit() else -1
            if kind == "a":
                return engine.ChoiceTap(step, value)
            if kind == "e":
                return engine.EditRequest(value, step)
            if kind == "n" and value in ("back", "skip", "review", "leave", "submit", "resume"):
                return engine.Command(value, step)  # type: ignore[arg-type]
            # A button from a menu that is no longer on screen.
            return engine.Command("resume", -1)
        return engine.OtherInput(inbound.kind)

    # --- menu ----------------------------------------------------------------------------

    def _menu_options(self, turn: Turn) -> list[tuple[str, str]]:
        return [
            ("household", turn.render.say("menu-household")),
            ("clan", turn.render.say("menu-clan")),
            ("continue", turn.render.say("menu-continue", count=turn.state.get("drafts", 0))),
            ("language", turn.render.say("menu-language")),
        ]

    async def _show_menu(self, turn: Turn, prefix: Sequence[Reply] = ()) -> None:
        assert turn.person is not None
        drafts = await turn.repo.drafts_by(turn.person.id)
        turn.state = {"screen": "menu", "lang": turn.lang, "drafts": len(drafts)}
        options = self._menu_options(turn)
        lines = [turn.render.say("menu-title", name=turn.person.name)]
        lines += [f"{i}. {label}" for i, (_, label) in enumerate(options, 1)]
        lines.append(turn.render.say("menu-reply"))
        buttons = tuple((Button(label, f"m:{key}"),) for key, label in options)
        turn.replies.extend(prefix)
        turn.replies.append(Reply("\n".join(lines), buttons if turn.render.buttons else (), True))

    @staticmethod
    def _pick(text: str, data: str, prefix: str, keys: Sequence[str]) -> str | None:
        """The option chosen by button data (prefix:key) or by its number typed as text."""
        if data.startswith(prefix + ":"):
            key = data[len(prefix) + 1 :]
            return key if key in keys else None
        number = parse_integer(text) if text else None
        if number is not None and 1 <= number <= len(keys):
            return keys[number - 1]
        return None

    async def _menu_choice(self, turn: Turn) -> None:
        keys = [key for key, _ in self._menu_options(turn)]
        choice = self._pick(turn.inbound.text, turn.inbound.data, "m", keys)
        if choice is None:
            await self._show_menu(turn, [Reply(turn.render.say("menu-unknown"))])
        elif choice == "language":
            turn.render.lang = LOCALES[(LOCALES.index(turn.lang) + 1) % len(LOCALES)]
            await turn.repo.set_identity_locale(turn.identity.id, turn.lang)
            await self._show_menu(turn, [Reply(turn.render.say("language-changed"))])
        elif choice == "continue":
            await self._list_drafts(turn)
        elif choice == "household":
            await self._choose_village(turn)
        else:
            await self._start_clan(turn)

    async def _choose_village(self, turn: Turn) -> None:
        person = turn.person
        assert person is not None and person.commune_id is not None
        if person.village_id is not None:
            await self._start_household(turn, person.village_id)
            return
        villages = await turn.repo.villages(person.commune_id)
        if len(villages) == 1:
            await self._start_household(turn, villages[0].id)
            return
        turn.state = {"screen": "pick_village", "lang": turn.lang}
        lines = [turn.render.say("pick-village")]
        lines += [f"{i}. {v.name}" for i, v in enumerate(villages, 1)]
        lines.append(turn.render.say("menu-reply"))
        buttons = tuple((Button(v.name, f"v:{v.id}"),) for v in villages)
        turn.replies.append(Reply("\n".join(lines), buttons if turn.render.buttons else (), True))

    async def _pick_village(self, turn: Turn) -> None:
        assert turn.person is not None and turn.person.commune_id is not None
        villages = await turn.repo.villages(turn.person.commune_id)
        keys = [str(v.id) for v in villages]
        chosen = self._pick(turn.inbound.text, turn.inbound.data, "v", keys)
        if chosen is None:
            # Typed the village name, with or without diacritics.
            typed = fold(turn.inbound.text)
            chosen = next((str(v.id) for v in villages if fold(v.name) == typed), None)
        if chosen is None:
            await self._show_menu(turn, [Reply(turn.render.say("menu-unknown"))])
            return
        await self._start_household(turn, int(chosen))

    async def _start_household(self, turn: Turn, village_id: int) -> None:
        village = await turn.repo.village(village_id)
        assert village is not None and turn.person is not None
        household = await turn.repo.add_household(village_id)
        known: dict[str, AnswerValue] = {"household.village": village.name}
        await self._start(turn, "household", household.id, village.commune_id, village_id, known)

    async def _start_clan(self, turn: Turn) -> None:
        assert turn.person is not None and turn.person.commune_id is not None
        clan = await turn.repo.add_clan(turn.person.commune_id)
        await self._start(turn, "clan", clan.id, turn.person.commune_id, None, {})

    async def _start(
        self,
        turn: Turn,
        subject: Literal["household", "clan"],
        subject_id: int,
        commune_id: int,
        village_id: int | None,
        known: dict[str, AnswerValue],
    ) -> None:
        pack = self.packs.current(subject)
        commune = await turn.repo.commune(commune_id)
        session, events = engine.start(
            pack, known=known, difficult_area=bool(commune and commune.difficult_area)
        )
        assessment = await turn.repo.add_assessment(
            title=pack.title,
            subject_kind=subject,
            subject_id=subject_id,
            commune_id=commune_id,
            village_id=village_id,
            year=self.year(),
            pack_id=pack.id,
            pack_version=pack.version,
            session=session.model_dump(mode="json"),
            created_by=turn.person.id if turn.person else None,
        )
        turn.state = {"screen": "assessment", "lang": turn.lang, "assessment_id": assessment.id}
        turn.replies.extend(turn.render.events(pack, events))

    async def _list_drafts(self, turn: Turn) -> None:
        assert turn.person is not None
        drafts = await turn.repo.drafts_by(turn.person.id)
        if not drafts:
            await self._show_menu(turn, [Reply(turn.render.say("menu-no-drafts"))])
            return
        if len(drafts) == 1:
            await self._resume_draft(turn, drafts[0])
            return
        turn.state = {"screen": "pick_draft", "lang": turn.lang, "drafts": [d.id for d in drafts]}
        lines = [turn.render.say("pick-draft")]
        buttons = []
        for i, draft in enumerate(drafts, 1):
            label = await self._draft_label(turn, draft)
            lines.append(f"{i}. {label}")
            buttons.append((Button(label, f"d:{draft.id}"),))
        lines.append(turn.render.say("menu-reply"))
        turn.replies.append(
            Reply("\n".join(lines), tuple(buttons) if turn.render.buttons else (), True)
        )

    async def _draft_label(self, turn: Turn, draft: Assessment) -> str:
        unnamed = turn.render.say("draft-unnamed")
        if draft.household_id is not None:
            household = await turn.repo.household(draft.household_id)
            village = await turn.repo.village(draft.village_id) if draft.village_id else None
            return turn.render.say(
                "draft-household",
                name=(household.head_name if household else "") or unnamed,
                village=village.name if village else "",
            )
        clan = await turn.repo.clan(draft.clan_id) if draft.clan_id else None
        return turn.render.say("draft-clan", name=(clan.name if clan else "") or unnamed)

    async def _pick_draft(self, turn: Turn) -> None:
        keys = [str(d) for d in turn.state.get("drafts", [])]
        chosen = self._pick(turn.inbound.text, turn.inbound.data, "d", keys)
        draft = await turn.repo.assessment(int(chosen)) if chosen else None
        if draft is None or draft.status != "draft":
            await self._show_menu(turn, [Reply(turn.render.say("menu-unknown"))])
            return
        await self._resume_draft(turn, draft)

    async def _resume_draft(self, turn: Turn, draft: Assessment) -> None:
        turn.state = {"screen": "assessment", "lang": turn.lang, "assessment_id": draft.id}
        await self._assessment_input(turn, engine.Command("resume"))

    # --- inside an assessment ------------------------------------------------------------

    async def _assessment_input(self, turn: Turn, given: engine.Input) -> None:
        assessment = await turn.repo.assessment(int(turn.state["assessment_id"]))
        if assessment is None or assessment.status != "draft":
            await self._show_menu(turn, [Reply(turn.render.say("assessment-already-submitted"))])
            return
        pack = self.packs.get(assessment.pack_id, assessment.pack_version)
        before = engine.Session.model_validate(assessment.session)
        after, events = engine.resume(pack, before, given)
        changed = {
            e.question: (before.answers.get(e.question), e.value)
            for e in events
            if isinstance(e, engine.AnswerRecorded) and before.answers.get(e.question) != e.value
        }
        changed.update(
            {
                e.question: (before.answers.get(e.question), None)
                for e in events
                if isinstance(e, engine.AnswerSkipped) and e.question in before.answers
            }
        )
        actor = turn.person.id if turn.person else None
        channel = turn.inbound.channel
        await turn.repo.save_session(
            assessment.id,
            after.model_dump(mode="json"),
            changed=changed,
            actor_id=actor,
            channel=channel,
        )
        for event in events:
            if isinstance(event, engine.EvidenceAttached) and isinstance(given, engine.PhotoInput):
                await turn.repo.add_evidence(assessment.id, event.question, channel, given.ref)
        await self._sync_subject(turn, assessment, changed)
        replies = turn.render.events(pack, events)
        if any(isinstance(e, engine.AssessmentSubmitted) for e in events):
            result = next(e.result for e in events if isinstance(e, engine.AssessmentSubmitted))
            await turn.repo.set_status(
                assessment.id,
                "submitted",
                actor_id=actor,
                channel=channel,
                total=result.total,
                passed=result.passed,
                score=result.model_dump(mode="json"),
                submitted_at=turn.repo.now,
            )
            await self._show_menu(turn, replies)
        elif any(isinstance(e, engine.AssessmentPaused) for e in events):
            await self._show_menu(turn, replies)
        else:
            turn.replies.extend(replies)

    async def _sync_subject(
        self,
        turn: Turn,
        assessment: Assessment,
        changed: dict[str, tuple[AnswerValue, AnswerValue]],
    ) -> None:
        """Profile answers that name the subject also name it in the commune's lists."""
        new = {name: value for name, (_, value) in changed.items() if isinstance(value, str)}
        if assessment.household_id is not None and "head_name" in new:
            await turn.repo.rename_household(assessment.household_id, new["head_name"])
        if assessment.clan_id is not None:
            values = {}
            if "clan_name" in new:
                values["name"] = new["clan_name"]
            if "head_name" in new:
                values["head_name"] = new["head_name"]
            if values:
                await turn.repo.update_clan(assessment.clan_id, **values)
