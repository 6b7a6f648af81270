"""Starting, continuing and submitting an assessment of any of the five subjects."""

from __future__ import annotations

from typing import Literal

from bot.flows.common import citizen_place, label, scope_of
from bot.flows.context import MENU, Outcome, Service, ToMenu, Turn
from bot.flows.known import clan_known, unit_known, village_known
from bot.flows.screens import (
    AssessmentScreen,
    Choices,
    ClanMemberPickScreen,
    ClanMembersScreen,
    PickDraftScreen,
    PickVillageScreen,
)
from bot.flows.status import card, change_status
from bot.rendering import button_int
from conversations import engine
from conversations.domain import Assessment, SubjectKind
from conversations.packs import AnswerValue
from conversations.permissions import Scope
from conversations.scoring import ScoreResult
from conversations.text import clean, fold

MENU_KEYS = {"household", "clan", "village", "continue", "start", "fix", "result"}
DONE_WORDS = {"xong", "done", "het", "bat dau", "start"}


# --- menus ------------------------------------------------------------------------------


def own_subject(turn: Turn) -> tuple[SubjectKind, int] | None:
    """What this person assesses as their own: their household, themselves (a citizen), their
    unit (its head) or their village (a village head)."""
    person = turn.person
    if person is None:
        return None
    if person.role == "household" and turn.household_id is not None:
        return "household", turn.household_id
    if person.role == "citizen" and turn.citizen_id is not None:
        return "citizen", turn.citizen_id
    if person.role == "unit_head" and turn.unit_id is not None:
        return "unit", turn.unit_id
    if person.role == "village_head" and person.village_id is not None:
        return "village", person.village_id
    return None


async def household_options(service: Service, turn: Turn) -> list[tuple[str, str]]:
    """A person's own menu entries (a household's, a citizen's, a unit head's, a village
    head's), by the state of this year's assessment."""
    if own_subject(turn) is None:
        return []
    mine = await _own(service, turn)
    if mine is None:
        return [("start", turn.say("menu-self-assess", year=service.year()))]
    if mine.status == "draft":
        return [("continue", turn.say("menu-continue-own"))]
    if mine.status == "returned":
        return [("fix", turn.say("menu-fix", comment=mine.comment or ""))]
    return [("result", turn.say("menu-result", status=turn.say(f"status-{mine.status}")))]


async def on_menu(service: Service, turn: Turn, key: str) -> Outcome:
    person = turn.person
    assert person is not None
    if key == "household":
        return await choose_village(service, turn)
    if key == "clan":
        return await start_clan_members(service, turn)
    if key == "village":
        return await choose_village(service, turn, "village")
    if key == "continue" and own_subject(turn) is not None:
        mine = await _own(service, turn)
        return None if mine is None else await continue_assessment(service, turn, mine)
    if key == "continue":
        return await list_drafts(service, turn)
    if key == "start":
        return await start_own(service, turn)
    if key in ("fix", "result"):
        mine = await _own(service, turn)
        if mine is None:
            return MENU
        if key == "fix":
            return await reopen(service, turn, mine)
        return await show_result(service, turn, mine)
    return MENU


async def _own(service: Service, turn: Turn) -> Assessment | None:
    own = own_subject(turn)
    if own is None:
        return None
    subject, subject_id = own
    return await turn.uow.assessments.for_subject(subject, subject_id, subject, service.year())


async def start_own(service: Service, turn: Turn) -> Outcome:
    own = own_subject(turn)
    if own is None:
        return MENU
    subject, subject_id = own
    if subject == "citizen":
        return await start_citizen(service, turn, subject_id)
    if subject == "unit":
        return await start_unit(service, turn, subject_id)
    if subject == "village":
        return await start_village(service, turn, subject_id)
    return await start_own_household(service, turn)


# --- starting ---------------------------------------------------------------------------


async def choose_village(
    service: Service, turn: Turn, purpose: Literal["household", "village"] = "household"
) -> Outcome:
    """The collaborator's village (asked when they serve the whole commune), for a new
    household's form or for the village's own."""
    person = turn.person
    assert person is not None and person.commune_id is not None
    villages = await turn.uow.places.villages(person.commune_id)
    if person.village_id is not None or len(villages) == 1:
        village_id = person.village_id if person.village_id is not None else villages[0].id
        return await _start_in_village(service, turn, purpose, village_id)
    options = [(str(v.id), v.name) for v in villages]
    choices = Choices.of(turn.say("pick-village"), options)
    turn.offer(PickVillageScreen(choices=choices, purpose=purpose))
    return None


async def on_pick_village(
    service: Service, turn: Turn, key: str, purpose: Literal["household", "village"] = "household"
) -> Outcome:
    return await _start_in_village(service, turn, purpose, int(key))


async def _start_in_village(
    service: Service, turn: Turn, purpose: Literal["household", "village"], village_id: int
) -> Outcome:
    if purpose == "village":
        return await start_village(service, turn, village_id)
    return await start_household(service, turn, village_id)


async def start_household(service: Service, turn: Turn, village_id: int) -> Outcome:
    village = await turn.uow.places.village(village_id)
    assert village is not None and turn.person is not None
    scope = Scope(commune_id=village.commune_id, village_ids=frozenset({village_id}))
    if not turn.may("assess", scope):
        return ToMenu("not-allowed")
    household = await turn.uow.households.add(village_id)
    known: dict[str, AnswerValue] = {"household.village": village.name}
    await start(service, turn, "household", household.id, village.commune_id, village_id, known)
    return None


async def start_own_household(service: Service, turn: Turn) -> Outcome:
    """A registered household's self-assessment; its name and village are known already."""
    if turn.household_id is None:
        return MENU
    household = await turn.uow.households.get(turn.household_id)
    assert household is not None
    village = await turn.uow.places.village(household.village_id)
    assert village is not None
    existing = await turn.uow.assessments.for_subject(
        "household", household.id, "household", service.year()
    )
    if existing is not None:
        return await continue_assessment(service, turn, existing)
    known: dict[str, AnswerValue] = {
        "household.village": village.name,
        "household.head_name": household.head_name,
    }
    await start(service, turn, "household", household.id, village.commune_id, village.id, known)
    return None


async def start_clan_members(service: Service, turn: Turn) -> Outcome:
    """Before a clan's questionnaire: link the member households the bot already knows, so
    the share holding "Gia đình học tập" is counted rather than asked."""
    person = turn.person
    assert person is not None and person.commune_id is not None
    scope = Scope(
        commune_id=person.commune_id,
        village_ids=frozenset({person.village_id} if person.village_id else set()),
    )
    if not turn.may("assess", scope):
        return ToMenu("not-allowed")
    clan = await turn.uow.households.add_clan(
        person.commune_id, village_ids=[person.village_id] if person.village_id else []
    )
    turn.show(ClanMembersScreen(clan_id=clan.id))
    turn.reply("clan-members-ask")
    return None


async def on_clan_member_text(service: Service, turn: Turn, screen: ClanMembersScreen) -> Outcome:
    clan_id = screen.clan_id
    text = clean(turn.inbound.text) if turn.inbound.kind == "text" else ""
    if fold(text) in DONE_WORDS:
        await start_clan(service, turn, clan_id)
        return None
    if len(text) < 2:
        turn.reply("clan-members-ask")
        return None
    person = turn.person
    assert person is not None and person.commune_id is not None
    matches = await turn.uow.households.find(person.commune_id, text)
    if not matches:
        turn.reply("clan-member-not-found", name=text)
    elif len(matches) == 1:
        await _link_member(turn, clan_id, matches[0][0].id, matches[0][0].head_name)
    else:
        options = [(str(h.id), f"{h.head_name} — {village}") for h, village in matches]
        choices = Choices.of(turn.say("clan-member-pick"), options)
        turn.offer(ClanMemberPickScreen(choices=choices, clan_id=clan_id))
    return None


async def on_clan_member_pick(
    service: Service, turn: Turn, screen: ClanMemberPickScreen, key: str
) -> Outcome:
    household = await turn.uow.households.get(int(key))
    assert household is not None
    turn.show(ClanMembersScreen(clan_id=screen.clan_id))
    await _link_member(turn, screen.clan_id, household.id, household.head_name)
    return None


async def _link_member(turn: Turn, clan_id: int, household_id: int, name: str) -> None:
    await turn.uow.households.link_clan_household(clan_id, household_id)
    household = await turn.uow.households.get(household_id)
    if household is not None:
        await turn.uow.households.add_clan_village(clan_id, household.village_id)
    members, _ = await turn.uow.households.clan_member_stats(clan_id, 0)
    turn.reply("clan-member-added", name=name, count=members)


async def start_clan(service: Service, turn: Turn, clan_id: int) -> None:
    clan = await turn.uow.households.clan(clan_id)
    assert clan is not None
    known = await clan_known(turn.uow, clan, service.year())
    if known:
        members, holders = known["clan.member_households"], known["clan.gdht_households"]
        turn.reply("clan-members-counted", members=members, holders=holders)
    await start(service, turn, "clan", clan_id, clan.commune_id, None, known)


async def _existing(service: Service, turn: Turn, subject: SubjectKind, subject_id: int) -> Outcome:
    """This year's form of a subject that has one (once per subject, title and year): a draft
    is continued, any other shown with its status."""
    existing = await turn.uow.assessments.for_subject(subject, subject_id, subject, service.year())
    if existing is None:
        return None
    if existing.status == "draft":
        return await continue_assessment(service, turn, existing)
    if existing.status in ("returned", "rejected") and turn.may(
        "reopen", await scope_of(turn, existing)
    ):
        return await reopen(service, turn, existing)
    return await show_result(service, turn, existing)


async def start_village(service: Service, turn: Turn, village_id: int) -> Outcome:
    """The village's "Cộng đồng học tập" form, with the shares the bot counts from what it
    knows (its households, clans and adults holding their titles) filled in."""
    village = await turn.uow.places.village(village_id)
    assert village is not None
    scope = Scope(village.commune_id, frozenset({village_id}), subject="village")
    if not turn.may("assess", scope):
        return ToMenu("not-allowed")
    if await turn.uow.assessments.for_subject("village", village_id, "village", service.year()):
        return await _existing(service, turn, "village", village_id)
    known = await village_known(turn.uow, village, service.year())
    await start(service, turn, "village", village_id, village.commune_id, village_id, known)
    return None


async def start_citizen(service: Service, turn: Turn, citizen_id: int) -> Outcome:
    """A person's own "Công dân học tập" self-assessment; their name and place are known."""
    citizen = await turn.uow.subjects.citizen(citizen_id)
    assert citizen is not None
    scope = Scope(
        citizen.commune_id,
        frozenset({citizen.village_id} if citizen.village_id else set()),
        citizen.household_id,
        subject="citizen",
        unit_id=citizen.unit_id,
        citizen_id=citizen.id,
    )
    if not turn.may("assess", scope):
        return ToMenu("not-allowed")
    if await turn.uow.assessments.for_subject("citizen", citizen_id, "citizen", service.year()):
        return await _existing(service, turn, "citizen", citizen_id)
    known: dict[str, AnswerValue] = {
        "person.name": citizen.name,
        "person.place": await citizen_place(turn, citizen),
    }
    await start(
        service,
        turn,
        "citizen",
        citizen.id,
        citizen.commune_id,
        citizen.village_id,
        known,
        unit_id=citizen.unit_id,
    )
    return None


async def start_unit(service: Service, turn: Turn, unit_id: int) -> Outcome:
    """A unit's "Đơn vị học tập" self-assessment by its head; its staff holding "Công dân
    học tập" are counted when the size of its staff is known."""
    unit = await turn.uow.subjects.unit(unit_id)
    assert unit is not None
    if not turn.may("assess", Scope(unit.commune_id, subject="unit", unit_id=unit.id)):
        return ToMenu("not-allowed")
    if await turn.uow.assessments.for_subject("unit", unit_id, "unit", service.year()):
        return await _existing(service, turn, "unit", unit_id)
    known = await unit_known(turn.uow, unit, service.year())
    await start(service, turn, "unit", unit.id, unit.commune_id, None, known)
    return None


async def start(
    service: Service,
    turn: Turn,
    subject: SubjectKind,
    subject_id: int,
    commune_id: int,
    village_id: int | None,
    known: dict[str, AnswerValue],
    *,
    unit_id: int | None = None,
) -> None:
    # Each title's subject is of the same name (conversations.domain.SUBJECT_OF).
    pack = service.packs.current(subject)
    commune = await turn.uow.places.commune(commune_id)
    session, events = engine.start(
        pack, known=known, difficult_area=bool(commune and commune.difficult_area)
    )
    assessment = await turn.uow.assessments.add(
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
        unit_id=unit_id,
    )
    turn.show(AssessmentScreen(assessment_id=assessment.id))
    turn.replies.extend(turn.render.events(pack, events))


# --- drafts -----------------------------------------------------------------------------


async def list_drafts(service: Service, turn: Turn) -> Outcome:
    assert turn.person is not None
    drafts = await turn.uow.assessments.drafts_by(turn.person.id)
    if not drafts:
        return ToMenu("menu-no-drafts")
    if len(drafts) == 1:
        return await continue_assessment(service, turn, drafts[0])
    options = [(str(d.id), await label(turn, d)) for d in drafts]
    turn.offer(PickDraftScreen(choices=Choices.of(turn.say("pick-draft"), options)))
    return None


async def on_pick_draft(service: Service, turn: Turn, key: str) -> Outcome:
    draft = await turn.uow.assessments.get(int(key))
    if draft is None or draft.status != "draft":
        return ToMenu("menu-unknown")
    return await continue_assessment(service, turn, draft)


async def continue_assessment(service: Service, turn: Turn, assessment: Assessment) -> Outcome:
    if not turn.may("assess", await scope_of(turn, assessment)):
        return ToMenu("not-allowed")
    screen = AssessmentScreen(assessment_id=assessment.id)
    turn.show(screen)
    return await resume(service, turn, screen)


async def resume(service: Service, turn: Turn, screen: AssessmentScreen) -> Outcome:
    """The question (or review) the assessment is at, asked again."""
    return await apply(service, turn, screen, engine.Command("resume"))


async def reopen(service: Service, turn: Turn, assessment: Assessment) -> Outcome:
    """A returned assessment goes back to draft and to its questions, to be fixed."""
    if not await change_status(turn, assessment, "reopen"):
        return None
    pack = service.packs.get(assessment.pack_id, assessment.pack_version)
    session, events = engine.reopen(pack, engine.Session.model_validate(assessment.session))
    await turn.uow.assessments.update(assessment.id, session=session.model_dump(mode="json"))
    turn.show(AssessmentScreen(assessment_id=assessment.id))
    if assessment.comment:
        turn.reply("returned-comment", comment=assessment.comment)
    turn.replies.extend(turn.render.events(pack, events))
    return None


async def show_result(service: Service, turn: Turn, assessment: Assessment) -> Outcome:
    turn.replies.append(await card(service, turn, assessment))
    return MENU


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


async def handle_input(service: Service, turn: Turn, screen: AssessmentScreen) -> Outcome:
    inbound = turn.inbound
    if inbound.kind == "callback":
        kind, _, rest = inbound.data.partition(":")
        step_text, _, value = rest.partition(":")
        step = button_int(step_text)
        if kind == "t" and step is not None:
            return await toggle(service, turn, screen, step, value)
        if kind == "n" and value == "done" and step is not None:
            ticked = tuple(await _ticked(turn, screen, step))
            return await apply(service, turn, screen, engine.ChoicesTap(step, ticked))
    return await apply(service, turn, screen, engine_input(turn))


# --- a multiple choice by its toggle buttons (Telegram) ---------------------------------------


async def _ticked(turn: Turn, screen: AssessmentScreen, step: int) -> list[str]:
    """The options ticked on the question shown at `step`: kept in the chat's state between
    taps; before the first tap, those of the answer already given."""
    if screen.ticked_step == step:
        return list(screen.ticked)
    assessment = await turn.uow.assessments.get(screen.assessment_id)
    if assessment is None:
        return []
    session = engine.Session.model_validate(assessment.session)
    current = session.answers.get(session.current or "")
    return [str(v) for v in current] if isinstance(current, list) else []


async def toggle(
    service: Service, turn: Turn, screen: AssessmentScreen, step: int, value: str
) -> Outcome:
    """Tick or untick one option and redraw the same question; nothing is stored until
    "Xong". A tap on an older question is answered like any stale button."""
    assessment = await turn.uow.assessments.get(screen.assessment_id)
    if assessment is None or assessment.status != "draft":
        return ToMenu("assessment-already-submitted")
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
        # Stale: shown again.
        return await apply(service, turn, screen, engine.Command("resume", step))
    ticked = await _ticked(turn, screen, step)
    ticked = [v for v in ticked if v != value] if value in ticked else [*ticked, value]
    turn.show(screen.model_copy(update={"ticked_step": step, "ticked": ticked}))
    turn.replies.append(turn.render.question(pack, event, ticked, redraw=True))
    return None


async def apply(
    service: Service, turn: Turn, screen: AssessmentScreen, given: engine.Input
) -> Outcome:
    uow = turn.uow
    assessment = await uow.assessments.get(screen.assessment_id)
    if assessment is None or assessment.status != "draft":
        return ToMenu("assessment-already-submitted")
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
    await uow.assessments.save_session(
        assessment.id,
        after.model_dump(mode="json"),
        changed=changed,
        actor_id=actor,
        channel=channel,
    )
    for event in events:
        if isinstance(event, engine.EvidenceAttached) and isinstance(given, engine.PhotoInput):
            await uow.assessments.add_evidence(assessment.id, event.question, channel, given.ref)
    await _sync_subject(turn, assessment, changed)
    replies = turn.render.events(pack, events, _result_next(turn, assessment))
    submitted = next((e for e in events if isinstance(e, engine.AssessmentSubmitted)), None)
    if submitted is not None:
        await _submitted(turn, assessment, submitted.result)
    turn.replies.extend(replies)
    if submitted is not None or any(isinstance(e, engine.AssessmentPaused) for e in events):
        return MENU
    return None


def _result_next(turn: Turn, assessment: Assessment) -> str:
    """What happens next, told to whoever filled the form: a household's self-assessment waits
    for the collaborator, a unit staff member's for the unit's head, a village's or a unit's
    for the commune chair; a collaborator's own entry waits for them to check and verify it."""
    if assessment.subject_kind in ("village", "unit"):
        return "result-preliminary-chair"
    if assessment.subject_kind == "citizen" and assessment.unit_id is not None:
        return "result-preliminary-unit-head"
    if turn.person is not None and turn.person.role in ("household", "citizen"):
        return "result-preliminary"
    return "result-next-collaborator"


async def _submitted(turn: Turn, assessment: Assessment, result: ScoreResult) -> None:
    await change_status(
        turn,
        assessment,
        "submit",
        total=result.total,
        passed=result.passed,
        score=result.model_dump(mode="json"),
        submitted_at=turn.uow.now,
    )


async def _sync_subject(
    turn: Turn, assessment: Assessment, changed: dict[str, tuple[AnswerValue, AnswerValue]]
) -> None:
    """Profile answers that name the subject also name it in the commune's lists."""
    new = {name: value for name, (_, value) in changed.items() if isinstance(value, str)}
    if assessment.household_id is not None and "head_name" in new:
        await turn.uow.households.rename(assessment.household_id, new["head_name"])
    if assessment.citizen_id is not None and "full_name" in new:
        await turn.uow.subjects.rename_citizen(assessment.citizen_id, new["full_name"])
    if assessment.clan_id is not None:
        values = {}
        if "clan_name" in new:
            values["name"] = new["clan_name"]
        if "head_name" in new:
            values["head_name"] = new["head_name"]
        if values:
            await turn.uow.households.update_clan(assessment.clan_id, **values)
