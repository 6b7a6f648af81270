"""Which flow a message belongs to, and the main menu of each role."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.flows import assessment, join, privacy, review
from bot.i18n import LOCALES

if TYPE_CHECKING:
    from bot.service import ChatService, Turn

# Commands in both languages; Vietnamese ones without diacritics, as typed on a phone.
HELP = {"/help", "/huongdan", "/trogiup"}
MENU = {"/start", "/menu"}
MY_DATA = {"/dulieu", "/mydata"}
DELETE = {"/xoa", "/xoadulieu", "/delete"}
REPORT = {"/baocao", "/report"}


async def dispatch(service: ChatService, turn: Turn) -> None:
    inbound = turn.inbound
    text = inbound.text.strip() if inbound.kind in ("text", "contact") else ""
    command, _, payload = text.partition(" ") if text.startswith("/") else ("", "", "")
    command = command.lower().split("@")[0]  # "/start@hoctap_bot" in groups
    payload = payload.strip()
    screen = turn.state.get("screen", "menu")

    if inbound.kind == "callback" and inbound.data.startswith("x:") and turn.person is not None:
        await report(service, turn, inbound.data)  # a digest's buttons: another period, exports
        return
    if command in HELP:
        turn.reply("help")
        return
    if turn.person is None:
        await join.unregistered(service, turn, command, payload, text)
        return
    if turn.person.disabled:
        turn.reply("account-disabled")
        return
    if command in MENU:
        if payload:
            await join.open_invite(service, turn, payload)
        elif screen == "assessment":
            # Opening the bot again mid-questionnaire must not lose the place.
            turn.reply("assessment-resumed")
            await assessment.resume(service, turn)
        else:
            await show_menu(service, turn)
        return
    if command in MY_DATA:
        await privacy.show_data(service, turn)
        return
    if command in DELETE:
        await privacy.ask_delete(service, turn)
        return
    if command in REPORT:
        await report(service, turn, payload)
        return

    handler = SCREENS.get(screen)
    if screen == "assessment":
        await assessment.handle_input(service, turn)
    elif handler is not None and turn.state.get("options") is not None:
        key = turn.chosen_option()
        if key is None:
            turn.repeat_options()
        else:
            await handler(service, turn, key)
    elif screen in TEXT_SCREENS:
        await TEXT_SCREENS[screen](service, turn)
    else:
        await show_menu(service, turn)


async def reshow(service: ChatService, turn: Turn) -> None:
    """Show the current question or list again, changing nothing else."""
    screen = turn.state.get("screen")
    if turn.person is None or screen is None:
        return
    if screen == "assessment":
        await assessment.resume(service, turn)
    elif turn.state.get("options") is not None:
        turn.replies.append(turn.options_reply())


async def report(service: ChatService, turn: Turn, period: str) -> None:
    if service.report_hook is None or turn.person is None or turn.person.role != "chair":
        turn.reply("not-allowed")
        return
    turn.replies.extend(await service.report_hook(turn, period))


# --- the main menu ----------------------------------------------------------------------


async def show_menu(service: ChatService, turn: Turn, notice: str | None = None) -> None:
    person = turn.person
    assert person is not None
    if notice:
        turn.reply(notice)
    options: list[tuple[str, str]] = []
    year = service.year()
    repo = turn.repo
    if person.role == "household":
        options += await assessment.household_options(service, turn)
        options += [("mydata", turn.say("menu-mydata")), ("delete", turn.say("menu-delete"))]
    elif person.role == "collaborator":
        drafts = await repo.drafts_by(person.id)
        assert person.commune_id is not None
        waiting = await repo.count_with_status(
            person.commune_id, year, ["submitted"], village_id=person.village_id
        )
        returned = await repo.count_with_status(
            person.commune_id, year, ["returned"], village_id=person.village_id
        )
        options += [
            ("household", turn.say("menu-household")),
            ("clan", turn.say("menu-clan")),
            ("continue", turn.say("menu-continue", count=len(drafts))),
            ("verify", turn.say("menu-verify", count=waiting)),
        ]
        if returned:
            options.append(("returned", turn.say("menu-returned", count=returned)))
        options.append(("duplicates", turn.say("menu-duplicates")))
    elif person.role == "chair":
        assert person.commune_id is not None
        counts = {
            status: await repo.count_with_status(person.commune_id, year, [status])
            for status in ("verified", "proposed", "rejected")
        }
        options += [
            ("propose", turn.say("menu-propose", count=counts["verified"])),
            ("proposed", turn.say("menu-proposed", count=counts["proposed"])),
            ("decide", turn.say("menu-decide", count=counts["proposed"])),
            ("rejected", turn.say("menu-rejected", count=counts["rejected"])),
        ]
        if service.report_hook is not None:
            options.append(("report", turn.say("menu-report")))
    options.append(("language", turn.say("menu-language")))
    turn.options("menu", turn.say("menu-title", name=person.name or ""), options)


async def on_menu(service: ChatService, turn: Turn, key: str) -> None:
    if key == "language":
        turn.render.lang = LOCALES[(LOCALES.index(turn.lang) + 1) % len(LOCALES)]
        await turn.repo.set_identity_locale(turn.identity.id, turn.lang)
        await show_menu(service, turn, "language-changed")
    elif key == "mydata":
        await privacy.show_data(service, turn)
    elif key == "delete":
        await privacy.ask_delete(service, turn)
    elif key == "report":
        await report(service, turn, "")
    elif key in assessment.MENU_KEYS:
        await assessment.on_menu(service, turn, key)
    elif key in review.MENU_KEYS:
        await review.on_menu(service, turn, key)
    else:
        await show_menu(service, turn)


SCREENS = {
    "menu": on_menu,
    **assessment.SCREENS,
    **join.SCREENS,
    **review.SCREENS,
    **privacy.SCREENS,
}
TEXT_SCREENS = {**assessment.TEXT_SCREENS, **join.TEXT_SCREENS, **review.TEXT_SCREENS}
