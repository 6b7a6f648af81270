"""Which flow a message belongs to, and the main menu of each role."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.flows import assessment, join, privacy, review
from bot.i18n import LOCALES
from bot.rendering import Reply

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
    # A command is answered on every screen; then the screen it interrupted is shown again,
    # so a question or a list waiting for an answer is never lost (nor answered by it).
    if command in HELP:
        turn.replies.append(help_reply(turn))
        await reshow(service, turn)
        return
    if turn.person is None:
        if command in MY_DATA | DELETE:
            if command in DELETE:
                # Joining half done: the name typed in is all there is, and it goes too.
                turn.state = {k: turn.state[k] for k in ("lang", "n") if k in turn.state}
            turn.reply("privacy-nothing-stored")
            await reshow(service, turn)
        elif command in REPORT:
            turn.reply("report-not-allowed")
            await reshow(service, turn)
        elif command and not payload and screen.startswith("join_"):
            # "/menu" or an unknown command while joining: the joining step again.
            await reshow(service, turn)
        else:
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
        await reshow(service, turn)
        return
    if command in DELETE:
        if not await privacy.ask_delete(service, turn):
            await reshow(service, turn)
        return
    if command in REPORT:
        await report(service, turn, payload)
        await reshow(service, turn)
        return
    if command:
        turn.reply("command-unknown")
        await reshow(service, turn)
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
    """Show the current question, list or request again, changing nothing else."""
    screen = turn.state.get("screen")
    if screen is None or (turn.person is None and not screen.startswith("join_")):
        return
    if screen == "assessment":
        await assessment.resume(service, turn)
    elif turn.state.get("options") is not None:
        turn.replies.append(turn.options_reply())
    elif screen in TEXT_SCREENS:
        turn.replies.append(text_prompt(service, turn, screen))


def text_prompt(service: ChatService, turn: Turn, screen: str) -> Reply:
    """What a screen waiting for typed text asked, to ask it again."""
    if screen == "ask_comment":
        return Reply(turn.say(f"ask-{turn.state.get('transition', 'return')}-comment"))
    if screen == "decision_date":
        return Reply(turn.say("ask-decision-date", today=service.local_now().strftime("%d/%m/%Y")))
    message_id = TEXT_PROMPTS.get(screen, "menu-reply")
    return Reply(turn.say(message_id), request_contact=screen == "join_phone")


def help_reply(turn: Turn) -> Reply:
    """The guide, with every command this person's role may use, and only those."""
    role = turn.person.role if turn.person is not None else None
    lines = [turn.say("help"), turn.say("help-commands")]
    if role is None:
        lines.append(turn.say("help-command-join"))
    else:
        lines.append(turn.say("help-command-menu"))
    if role == "household":
        lines += [turn.say("help-command-mydata"), turn.say("help-command-delete")]
    if role in ("chair", "admin"):
        lines.append(turn.say("help-command-report"))
    lines.append(turn.say("help-command-help"))
    return Reply("\n".join(lines))


async def report(service: ChatService, turn: Turn, period: str) -> None:
    if service.report_hook is None or turn.person is None or turn.person.role != "chair":
        turn.reply("report-not-allowed")
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
        options += [("household", turn.say("menu-household")), ("clan", turn.say("menu-clan"))]
        if drafts:  # "(0)" would offer nothing to continue
            options.append(("continue", turn.say("menu-continue", count=len(drafts))))
        options.append(("verify", turn.say("menu-verify", count=waiting)))
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
        await show_menu(service, turn)
    elif key == "delete":
        if not await privacy.ask_delete(service, turn):
            await show_menu(service, turn)
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
# What each screen waiting for typed text asks (the two needing arguments are in text_prompt).
TEXT_PROMPTS = {
    "join_name": "join-ask-name",
    "join_head_name": "join-ask-head-name",
    "join_phone": "join-ask-phone",
    "clan_members": "clan-members-ask",
    "decision_number": "ask-decision-number-again",
}
