"""The main menu of each role, and where each of its entries leads."""

from __future__ import annotations

from bot.flows import assessment, invite, privacy, review
from bot.flows.common import offered
from bot.flows.context import MENU, Outcome, Service, ToMenu, Turn
from bot.flows.screens import Choices, MenuScreen
from bot.i18n import LOCALES
from conversations.permissions import assessable_titles


async def show(service: Service, turn: Turn, notice: str | None = None) -> None:
    person = turn.person
    assert person is not None
    if notice:
        turn.reply(notice)
    options: list[tuple[str, str]] = []
    year = service.year()
    uow = turn.uow
    if person.role == "household":
        options += await assessment.household_options(service, turn)
        options += [("mydata", turn.say("menu-mydata")), ("delete", turn.say("menu-delete"))]
        options += await invite.options(service, turn)
    elif person.role == "citizen":
        options += await assessment.household_options(service, turn)
        options += [
            ("mydata", turn.say("menu-mydata-citizen")),
            ("delete", turn.say("menu-delete-citizen")),
        ]
    elif person.role == "village_head":
        options += await assessment.household_options(service, turn)
    elif person.role == "unit_head":
        # Its own form, and its staff's results to check (issue 15).
        options += await assessment.household_options(service, turn)
        if turn.unit_id is not None:
            assert person.commune_id is not None
            waiting = await uow.assessments.count_with_status(
                person.commune_id, year, ["submitted"], desk=review.desk(turn)
            )
            options.append(("verify", turn.say("menu-verify", count=waiting)))
        options += await invite.options(service, turn)
    elif person.role == "collaborator":
        drafts = await uow.assessments.drafts_by(person.id)
        assert person.commune_id is not None
        waiting = await uow.assessments.count_with_status(
            person.commune_id,
            year,
            ["submitted"],
            village_id=person.village_id,
            desk=review.desk(turn),
        )
        returned = await uow.assessments.count_with_status(
            person.commune_id, year, ["returned"], village_id=person.village_id
        )
        # Only the titles the role fills in (conversations.permissions.ASSESSES); the village's
        # own form (issue 15) after the lists, so the older entries keep their numbers.
        titles = assessable_titles(person.role)
        options += [(t, turn.say(f"menu-{t}")) for t in titles if t in ("household", "clan")]
        if drafts:  # "(0)" would offer nothing to continue
            options.append(("continue", turn.say("menu-continue", count=len(drafts))))
        options.append(("verify", turn.say("menu-verify", count=waiting)))
        if returned:
            options.append(("returned", turn.say("menu-returned", count=returned)))
        options.append(("duplicates", turn.say("menu-duplicates")))
        options += [
            (t, turn.say(f"menu-{t}"))
            for t in titles
            if t not in ("household", "clan") and offered(service, t)
        ]
        options += await invite.options(service, turn)
    elif person.role == "chair":
        assert person.commune_id is not None
        counts = {
            status: await uow.assessments.count_with_status(person.commune_id, year, [status])
            for status in ("verified", "proposed", "rejected")
        }
        # Villages and units are checked by the chair (issue 15).
        waiting = await uow.assessments.count_with_status(
            person.commune_id, year, ["submitted"], desk=review.desk(turn)
        )
        if waiting:
            options.append(("verify", turn.say("menu-verify", count=waiting)))
        options += [
            ("propose", turn.say("menu-propose", count=counts["verified"])),
            ("proposed", turn.say("menu-proposed", count=counts["proposed"])),
            ("decide", turn.say("menu-decide", count=counts["proposed"])),
            ("rejected", turn.say("menu-rejected", count=counts["rejected"])),
        ]
        if service.report_hook is not None:
            options.append(("report", turn.say("menu-report")))
        options += await invite.options(service, turn)
    options.append(("language", turn.say("menu-language")))
    title = turn.say("menu-title", name=person.name or "")
    turn.offer(MenuScreen(choices=Choices.of(title, options)))


async def on_choice(service: Service, turn: Turn, key: str) -> Outcome:
    if key == "language":
        await turn.set_language(LOCALES[(LOCALES.index(turn.lang) + 1) % len(LOCALES)])
        return ToMenu("language-changed")
    if key == "mydata":
        await privacy.show_data(service, turn)
        return MENU
    if key == "delete":
        return None if await privacy.ask_delete(service, turn) else MENU
    if key == "report":
        await report(service, turn, "")
        return None
    if key in invite.MENU_KEYS:
        return await invite.on_menu(service, turn, key)
    if key in assessment.MENU_KEYS:
        return await assessment.on_menu(service, turn, key)
    if key in review.MENU_KEYS:
        return await review.on_menu(service, turn, key)
    return MENU


async def report(service: Service, turn: Turn, period: str) -> None:
    """`/baocao`: the chair's report, from the reports wired in (a refusal for anyone else)."""
    if service.report_hook is None or turn.person is None or turn.person.role != "chair":
        turn.reply("report-not-allowed")
        return
    turn.replies.extend(await service.report_hook(turn, period))
