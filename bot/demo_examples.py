"""One example form of each of the five titles in the demo commune (issue 15), so a newcomer
sees all five in the terminal chat: a registered household's, its adult's ("Công dân học
tập"), a clan's of the same village, the first village's "Cộng đồng học tập" and the demo
school's "Đơn vị học tập", each submitted and waiting for whoever checks it.

Every form is answered through the engine and scored by the shipped pack, as a person filling
it in would be; the facts a form starts from are counted as the flows count them
(bot/flows/known.py)."""

from __future__ import annotations

from typing import Any

from bot.flows.context import Service
from bot.flows.known import clan_known, unit_known, village_known
from conversations import engine
from conversations.domain import SubjectKind
from conversations.packs import AnswerValue, Question
from storage.ports import ChatUnitOfWork

# People of the example forms (none of them has a chat: they are for looking at).
EXAMPLE_HOUSEHOLD = "Phan Văn Quý"
EXAMPLE_ADULT = "Phan Thị Hằng"
EXAMPLE_ADULT_BORN = 1988  # the year of birth a person joining for "Công dân học tập" gives
EXAMPLE_CLAN = "Phan"  # shown "Dòng họ Phan"
# What the example forms answer to the questions the bot does not know (names, places).
TEXT_ANSWERS = {"clan_name": EXAMPLE_CLAN, "head_name": EXAMPLE_HOUSEHOLD}
# A household of five: two school-age children, three adults.
COUNT_ANSWERS = {"members": 5, "children": 2, "adults": 3}


def example_input(question: Question, step: int) -> engine.Input:
    """The answer worth the most points, as a person would give it."""
    if question.type == "select_one":
        best = max(question.choices, key=lambda c: c.points)
        return engine.ChoiceTap(step, best.value)
    if question.type == "select_multiple":
        return engine.ChoicesTap(step, tuple(c.value for c in question.choices if c.points > 0))
    if question.type == "yes_no":
        return engine.TextInput("có")
    if question.type == "integer" and question.name in COUNT_ANSWERS:
        return engine.TextInput(str(COUNT_ANSWERS[question.name]))
    if question.type == "integer":
        # A count bound by an earlier one ("no more than the households") is given as its
        # least; a count of its own as 10, within its bounds.
        if question.constraint:
            return engine.TextInput(str(int(question.min or 0)))
        low = question.min if question.min is not None else 0
        high = question.max if question.max is not None else 10
        return engine.TextInput(str(int(max(low, min(10, high)))))
    return engine.TextInput(TEXT_ANSWERS.get(question.name, EXAMPLE_HOUSEHOLD))


async def _submit(
    uow: ChatUnitOfWork,
    service: Service,
    subject: SubjectKind,
    subject_id: int,
    commune_id: int,
    village_id: int | None,
    known: dict[str, AnswerValue],
    by: int | None,
    *,
    unit_id: int | None = None,
) -> None:
    """Fill the subject's form in with the pack's best answers and submit it (as the flows'
    `start`, `apply` and `_submitted` store it)."""
    pack = service.packs.current(subject)
    session, _ = engine.start(pack, known=known)
    assessment = await uow.assessments.add(
        title=pack.title,
        subject_kind=subject,
        subject_id=subject_id,
        commune_id=commune_id,
        village_id=village_id,
        year=service.year(),
        pack_id=pack.id,
        pack_version=pack.version,
        session=session.model_dump(mode="json"),
        created_by=by,
        unit_id=unit_id,
    )
    changed: dict[str, tuple[AnswerValue, AnswerValue]] = {}
    for _ in range(len(pack.questions()) * 2 + 5):
        asked = engine.current_question(pack, session)
        given: engine.Input = (
            engine.Command("submit")
            if asked is None
            else example_input(pack.question(asked.question), session.step)
        )
        session, events = engine.resume(pack, session, given)
        for event in events:
            if isinstance(event, engine.AnswerRejected) and event.question is not None:
                raise RuntimeError(f"{pack.id}: example answer to {event.question} refused")
            if isinstance(event, engine.AnswerRecorded):
                changed[event.question] = (None, event.value)
            if isinstance(event, engine.AssessmentSubmitted):
                await uow.assessments.save_session(
                    assessment.id,
                    session.model_dump(mode="json"),
                    changed=changed,
                    actor_id=by,
                    channel=None,
                )
                result = event.result
                values: dict[str, Any] = {
                    "total": result.total,
                    "passed": result.passed,
                    "score": result.model_dump(mode="json"),
                    "submitted_at": uow.now,
                }
                await uow.assessments.set_status(assessment.id, "submitted", actor_id=by, **values)
                return
    raise RuntimeError(f"{pack.id}: the example form never reached its end")


async def ensure_examples(
    uow: ChatUnitOfWork,
    service: Service,
    commune_id: int,
    village_id: int,
    collaborator_id: int,
    unit_id: int,
) -> list[tuple[str, str]]:
    """Create (once) the five example forms; (title, whose) of each."""
    year = service.year()
    found = [
        h
        for h, _ in await uow.households.find(commune_id, EXAMPLE_HOUSEHOLD)
        if h.village_id == village_id and h.head_name == EXAMPLE_HOUSEHOLD
    ]
    if not found:
        # A household that registered itself, its adult member, and a clan of the village it
        # belongs to (the collaborator's entry): created together, so found together.
        person = await uow.people.add(
            EXAMPLE_HOUSEHOLD, "household", commune_id=commune_id, village_id=village_id
        )
        household = await uow.households.register(village_id, EXAMPLE_HOUSEHOLD, person.id)
        household_known: dict[str, AnswerValue] = {"household.head_name": EXAMPLE_HOUSEHOLD}
        village = await uow.places.village(village_id)
        assert village is not None
        household_known["household.village"] = village.name
        await _submit(
            uow,
            service,
            "household",
            household.id,
            commune_id,
            village_id,
            household_known,
            person.id,
        )
        citizen = await uow.subjects.add_citizen(
            commune_id,
            EXAMPLE_ADULT,
            household_id=household.id,
            village_id=village_id,
            birth_year=EXAMPLE_ADULT_BORN,
        )
        adult = await uow.people.add(
            EXAMPLE_ADULT, "citizen", commune_id=commune_id, village_id=village_id
        )
        await uow.subjects.bind_citizen(citizen.id, adult.id)
        citizen_known: dict[str, AnswerValue] = {
            "person.name": EXAMPLE_ADULT,
            "person.place": village.name,
        }
        await _submit(
            uow,
            service,
            "citizen",
            citizen.id,
            commune_id,
            village_id,
            citizen_known,
            adult.id,
        )
        clan = await uow.households.add_clan(
            commune_id, EXAMPLE_CLAN, head_name=EXAMPLE_HOUSEHOLD, village_ids=[village_id]
        )
        await uow.households.link_clan_household(clan.id, household.id)
        clan_answers = await clan_known(uow, clan, year)
        clan_answers |= {"clan.name": EXAMPLE_CLAN, "clan.head_name": EXAMPLE_HOUSEHOLD}
        clan_answers["clan.villages"] = village.name
        await _submit(
            uow, service, "clan", clan.id, commune_id, None, clan_answers, collaborator_id
        )
    village = await uow.places.village(village_id)
    assert village is not None
    if await uow.assessments.for_subject("village", village_id, "village", year) is None:
        known = await village_known(uow, village, year)
        await _submit(
            uow, service, "village", village_id, commune_id, village_id, known, collaborator_id
        )
    unit = await uow.subjects.unit(unit_id)
    assert unit is not None
    if await uow.assessments.for_subject("unit", unit_id, "unit", year) is None:
        known = await unit_known(uow, unit, year)
        await _submit(uow, service, "unit", unit_id, commune_id, None, known, None)
    return [
        ("household", EXAMPLE_HOUSEHOLD),
        ("citizen", EXAMPLE_ADULT),
        ("clan", EXAMPLE_CLAN),
        ("village", village.name),
        ("unit", unit.name),
    ]
