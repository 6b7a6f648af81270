"""Starting, continuing and submitting an assessment."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from bot.flows.common import back_to_menu, scope_of
from bot.rendering import button_int
from conversations import engine
from conversations.domain import Assessment
from conversations.packs import AnswerValue
from conversations.permissions import Scope
from conversations.scoring import ScoreResult
from conversations.text import clean, fold

if TYPE_CHECKING:
    from bot.service import ChatService, Turn

MENU_KEYS = {"household", "clan", "continue", "start", "fix", "result"}
DONE_WORDS = {"xong", "done", "het", "bat dau", "start"}


# --- menus ------------------------------------------------------------------------------


async def household_options(service: ChatService, turn: Turn) -> list[tuple[str, str]]:
    """A household's own menu entries, by the state of this year's assessment."""
    if turn.household_id is None:
        return []
    mine = await turn.repo.assessment_for(
        "household", turn.household_id, "household", service.year()
    )
    if mine is None:
        return [("start", turn.say("menu-self-assess", year=service.year()))]
    if mine.status == "draft":
        return [("continue", turn.say("menu-continue-own"))]
    if mine.status == "returned":
        return [("fix", turn.say("menu-fix", comment=mine.comment or ""))]
    return [("result", turn.say("menu-result", status=turn.say(f"status-{mine.status}")))]


async def on_menu(service: ChatService, turn: Turn, key: str) -> None:
    person = turn.person
    assert person is not None
    if key == "household":
        await choose_village(service, turn)
    elif key == "clan":
        await start_clan_members(service, turn)
    elif key == "continue" and person.role == "household":
        mine = await _own(service, turn)
        if mine is not None:
            await continue_assessment(service, turn, mine)
    elif key == "continue":
        await list_drafts(service, turn)
    elif key == "start":
        await start_own_household(service, turn)
    elif key in ("fix", "result"):
        mine = await _own(service, turn)
        if mine is None:
            await back_to_menu(service, turn)
        elif key == "fix":
            await reopen(service, turn, mine)
        else:
            await show_result(service, turn, mine)


async def _own(service: ChatService, turn: Turn) -> Assessment | None:
    if turn.household_id is None:
        return None
    return await turn.repo.assessment_for(
        "household", turn.household_id, "household", service.year()
    )


# --- starting ---------------------------------------------------------------------------


async def choose_village(service: ChatService, turn: Turn) -> None:
    person = turn.person
    assert person is not None and person.commune_id is not None
    if person.village_id is not None:
        await start_household(service, turn, person.village_id)
        return
    villages = await turn.repo.villages(person.commune_id)
    if len(villages) == 1:
        await start_household(service, turn, villages[0].id)
        return
    turn.options("pick_village", turn.say("pick-village"), [(str(v.id), v.name) for v in villages])


async def on_pick_village(service: ChatService, turn: Turn, key: str) -> None:
    await start_household(service, turn, int(key))


async def start_household(service: ChatService, turn: Turn, village_id: int) -> None:
    village = await turn.repo.village(village_id)
    assert village is not None and turn.person is not None
    scope = Scope(commune_id=village.commune_id, village_ids=frozenset({village_id}))
    if not turn.may("assess", scope):
        await back_to_menu(service, turn, "not-allowed")
        return
    household = await turn.repo.add_household(village_id)
    known: dict[str, AnswerValue] = {"household.village": village.name}
    await start(service, turn, "household", household.id, village.commune_id, village_id, known)


async def start_own_household(service: ChatService, turn: Turn) -> None:
    """A registered household's self-assessment; its name and village are known already."""
    if turn.household_id is None:
        await back_to_menu(service, turn)
        return
    household = await turn.repo.household(turn.household_id)
    assert household is not None
    village = await turn.repo.village(household.village_id)
    assert village is not None
    existing = await turn.repo.assessment_for(
        "household", household.id, "household", service.year()
    )
    if existing is not None:
        await continue_assessment(service, turn, existing)
        return
    known: dict[str, AnswerValue] = {
        "household.village": village.name,
        "household.head_name": household.head_name,
    }
    await start(service, turn, "household", household.id, village.commune_id, village.id, known)


async def start_clan_members(service: ChatService, turn: Turn) -> None:
    """Before a clan's questionnaire: link the member households the bot already knows, so
    the share holding "Gia đình học tập" is counted rather than asked."""
    person = turn.person
    assert person is not None and person.commune_id is not None
    scope = Scope(
        commune_id=person.commune_id,
        village_ids=frozenset({person.village_id} if person.village_id else set()),
    )
    if not turn.may("assess", scope):
        await back_to_menu(service, turn, "not-allowed")
        return
    clan = await turn.repo.add_clan(
        person.commune_id, village_ids=[person.village_id] if person.village_id else []
    )
    turn.state = {"screen": "clan_members", "lang": turn.lang, "clan_id": clan.id}
    turn.reply("clan-members-ask")


async def on_clan_member_text(service: ChatService, turn: Turn) -> None:
    clan_id = int(turn.state["clan_id"])
    text = clean(turn.inbound.text) if turn.inbound.kind == "text" else ""
    if fold(text) in DONE_WORDS:
        await start_clan(service, turn, clan_id)
        return
    if len(text) < 2:
        turn.reply("clan-members-ask")
        return
    person = turn.person
    assert person is not None and person.commune_id is not None
    matches = await turn.repo.find_households(person.commune_id, text)
    if not matches:
        turn.reply("clan-member-not-found", name=text)
    elif len(matches) == 1:
        await _link_member(turn, clan_id, matches[0][0].id, matches[0][0].head_name)
    else:
        options = [(str(h.id), f"{h.head_name} — {village}") for h, village in matches]
        turn.options("clan_member_pick", turn.say("clan-member-pick"), options, clan_id=clan_id)


async def on_clan_member_pick(service: ChatService, turn: Turn, key: str) -> None:
    clan_id = int(turn.state["clan_id"])
    household = await turn.repo.household(int(key))
    assert household is not None
    turn.state = {"screen": "clan_members", "lang": turn.lang, "clan_id": clan_id}
    await _link_member(turn, clan_id, household.id, household.head_name)


async def _link_member(turn: Turn, clan_id: int, household_id: int, name: str) -> None:
    await turn.repo.link_clan_household(clan_id, household_id)
    household = await turn.repo.household(household_id)
    if household is not None:
        await turn.repo.add_clan_village(clan_id, household.village_id)
    members, _ = await turn.repo.clan_member_stats(clan_id, 0)
    turn.reply("clan-member-added", name=name, count=members)


async def start_clan(service: ChatService, turn: Turn, clan_id: int) -> None:
    clan = await turn.repo.clan(clan_id)
    assert clan is not None
    known: dict[str, AnswerValue] = {}
    members, holders = await turn.repo.clan_member_stats(clan_id, service.year())
    if members:
        known["clan.member_households"] = members
        known["clan.gdht_households"] = holders
        turn.reply("clan-members-counted", members=members, holders=holders)
    await start(service, turn, "clan", clan_id, clan.commune_id, None, known)


async def start(
    service: ChatService,
    turn: Turn,
    subject: Literal["household", "clan"],
    subject_id: int,
    commune_id: int,
    village_id: int | None,
    known: dict[str, AnswerValue],
) -> None:
    pack = service.packs.current(subject)
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
        year=service.year(),
        pack_id=pack.id,
        pack_version=pack.version,
        session=session.model_dump(mode="json"),
        created_by=turn.person.id if turn.person else None,
    )
    turn.state = {"screen": "assessment", "lang": turn.lang, "assessment_id": assessment.id}
    turn.replies.extend(turn.render.events(pack, events))


# --- drafts -----------------------------------------------------------------------------


async def list_drafts(service: ChatService, turn: Turn) -> None:
    assert turn.person is not None
    drafts = await turn.repo.drafts_by(turn.person.id)
    if not drafts:
        await back_to_menu(service, turn, "menu-no-drafts")
        return
    if len(drafts) == 1:
        await continue_assessment(service, turn, drafts[0])
        return
    options = [(str(d.id), await label(turn, d)) for d in drafts]
    turn.options("pick_draft", turn.say("pick-draft"), options)


async def on_pick_draft(service: ChatService, turn: Turn, key: str) -> None:
    draft = await turn.repo.assessment(int(key))
    if draft is None or draft.status != "draft":
        await back_to_menu(service, turn, "menu-unknown")
        return
    await continue_assessment(service, turn, draft)


async def label(turn: Turn, assessment: Assessment) -> str:
    """ "Hộ Nguyễn Văn An — Thôn Sen 1" or "Dòng họ Lê" for lists."""
    unnamed = turn.say("draft-unnamed")
    if assessment.household_id is not None:
        household = await turn.repo.household(assessment.household_id)
        village = await turn.repo.village(assessment.village_id) if assessment.village_id else None
        return turn.say(
            "draft-household",
            name=(household.head_name if household else "") or unnamed,
            village=village.name if village else "",
        )
    clan = await turn.repo.clan(assessment.clan_id) if assessment.clan_id else None
    return turn.say("draft-clan", name=(clan.name if clan else "") or unnamed)


async def continue_assessment(service: ChatService, turn: Turn, assessment: Assessment) -> None:
    if not turn.may("assess", await scope_of(turn, assessment)):
        await back_to_menu(service, turn, "not-allowed")
        return
    turn.state = {"screen": "assessment", "lang": turn.lang, "assessment_id": assessment.id}
    await resume(service, turn)


async def resume(service: ChatService, turn: Turn) -> None:
    await apply(service, turn, engine.Command("resume"))


async def reopen(service: ChatService, turn: Turn, assessment: Assessment) -> None:
    """A returned assessment goes back to draft and to its questions, to be fixed."""
    from bot.flows.review import change_status

    if not await change_status(service, turn, assessment, "reopen"):
        return
    pack = service.packs.get(assessment.pack_id, assessment.pack_version)
    session, events = engine.reopen(pack, engine.Session.model_validate(assessment.session))
    await turn.repo.update_assessment(assessment.id, session=session.model_dump(mode="json"))
    turn.state = {"screen": "assessment", "lang": turn.lang, "assessment_id": assessment.id}
    if assessment.comment:
        turn.reply("returned-comment", comment=assessment.comment)
    turn.replies.extend(turn.render.events(pack, events))


async def show_result(service: ChatService, turn: Turn, assessment: Assessment) -> None:
    from bot.flows.review import card

    turn.replies.append(await card(service, turn, assessment))
    await back_to_menu(service, turn)


# --- inside an assessment ---------------------------------------------------------------


def engine_input(turn: Turn) -> engine.Input:
    inbound = turn.inbound
    if inbound.kind == "text":
        return engine.TextInput(inbound.text)
    if inbound.kind == "photo" and inbound.file_ref:
        return engine.PhotoInput(inbound.file_ref)
    if inbound.kind == "callback":
        kind, _, rest = inbound.data.partition(":")
        step_text, _, value = rest.partition(":")
        step = button_int(step_text)
        if step is None:
            step = -1  # not a step we ever put on a button: answered as a stale tap
        if kind == "a":
            return engine.ChoiceTap(step, value)
        if kind == "e":
            return engine.EditRequest(value, step)
        if kind == "n" and value in ("back", "skip", "review", "leave", "submit"):
            return engine.Command(value, step)  # type: ignore[arg-type]
        # A button from a list that is no longer on screen.
        return engine.Command("resume", -1)
    return engine.OtherInput(inbound.kind)


async def handle_input(service: ChatService, turn: Turn) -> None:
    inbound = turn.inbound
    if inbound.kind == "callback":
        kind, _, rest = inbound.data.partition(":")
        step_text, _, value = rest.partition(":")
        step = button_int(step_text)
        if kind == "t" and step is not None:
            await toggle(service, turn, step, value)
            return
        if kind == "n" and value == "done" and step is not None:
            await apply(service, turn, engine.ChoicesTap(step, tuple(await _ticked(turn, step))))
            return
    await apply(service, turn, engine_input(turn))


# --- a multiple choice by its toggle buttons (Telegram) ---------------------------------------


async def _ticked(turn: Turn, step: int) -> list[str]:
    """The options ticked on the question shown at `step`: kept in the chat's state between
    taps; before the first tap, those of the answer already given."""
    if turn.state.get("ticked_step") == step:
        return [str(v) for v in turn.state.get("ticked", [])]
    assessment = await turn.repo.assessment(int(turn.state["assessment_id"]))
    if assessment is None:
        return []
    session = engine.Session.model_validate(assessment.session)
    current = session.answers.get(session.current or "")
    return [str(v) for v in current] if isinstance(current, list) else []


async def toggle(service: ChatService, turn: Turn, step: int, value: str) -> None:
    """Tick or untick one option and redraw the same question; nothing is stored until
    "Xong". A tap on an older question is answered like any stale button."""
    assessment = await turn.repo.assessment(int(turn.state["assessment_id"]))
    if assessment is None or assessment.status != "draft":
        await back_to_menu(service, turn, "assessment-already-submitted")
        return
    pack = service.packs.get(assessment.pack_id, assessment.pack_version)
    session = engine.Session.model_validate(assessment.session)
    event = engine.current_question(pack, session)
    question = pack.question(event.question) if event is not None else None
    if (
        event is None
        or question is None
        or step != session.step
        or question.type != "select_multiple"
        or question.choice(value) is None
    ):
        await apply(service, turn, engine.Command("resume", step))  # stale: shown again
        return
    ticked = await _ticked(turn, step)
    ticked = [v for v in ticked if v != value] if value in ticked else [*ticked, value]
    turn.state = {**turn.state, "ticked_step": step, "ticked": ticked}
    turn.replies.append(turn.render.question(pack, event, ticked, redraw=True))


async def apply(service: ChatService, turn: Turn, given: engine.Input) -> None:
    repo = turn.repo
    assessment = await repo.assessment(int(turn.state["assessment_id"]))
    if assessment is None or assessment.status != "draft":
        await back_to_menu(service, turn, "assessment-already-submitted")
        return
    pack = service.packs.get(assessment.pack_id, assessment.pack_version)
    before = engine.Session.model_validate(assessment.session)
    after, events = engine.resume(pack, before, given)
    changed: dict[str, tuple[AnswerValue, AnswerValue]] = {}
    for event in events:
        if isinstance(event, engine.AnswerRecorded):
            old = before.answers.get(event.question)
            if old != event.value:
                changed[event.question] = (old, event.value)
        elif isinstance(event, engine.AnswerSkipped) and event.question in before.answers:
            changed[event.question] = (before.answers[event.question], None)
    actor = turn.person.id if turn.person else None
    channel = turn.inbound.channel
    await repo.save_session(
        assessment.id,
        after.model_dump(mode="json"),
        changed=changed,
        actor_id=actor,
        channel=channel,
    )
    for event in events:
        if isinstance(event, engine.EvidenceAttached) and isinstance(given, engine.PhotoInput):
            await repo.add_evidence(assessment.id, event.question, channel, given.ref)
    await _sync_subject(turn, assessment, changed)
    replies = turn.render.events(pack, events, _result_next(turn))
    submitted = next((e for e in events if isinstance(e, engine.AssessmentSubmitted)), None)
    if submitted is not None:
        await _submitted(service, turn, assessment, submitted.result)
        turn.replies.extend(replies)
        await back_to_menu(service, turn)
    elif any(isinstance(e, engine.AssessmentPaused) for e in events):
        turn.replies.extend(replies)
        await back_to_menu(service, turn)
    else:
        turn.replies.extend(replies)


def _result_next(turn: Turn) -> str:
    """What happens next, told to whoever filled the form: a household's self-assessment waits
    for the collaborator; a collaborator's own entry waits for them to check and verify it."""
    if turn.person is not None and turn.person.role == "household":
        return "result-preliminary"
    return "result-next-collaborator"


async def _submitted(
    service: ChatService, turn: Turn, assessment: Assessment, result: ScoreResult
) -> None:
    from bot.flows.review import change_status

    await change_status(
        service,
        turn,
        assessment,
        "submit",
        total=result.total,
        passed=result.passed,
        score=result.model_dump(mode="json"),
        submitted_at=turn.repo.now,
    )


async def _sync_subject(
    turn: Turn, assessment: Assessment, changed: dict[str, tuple[AnswerValue, AnswerValue]]
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


SCREENS = {
    "pick_village": on_pick_village,
    "pick_draft": on_pick_draft,
    "clan_member_pick": on_clan_member_pick,
}
TEXT_SCREENS = {"clan_members": on_clan_member_text}
