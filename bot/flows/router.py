"""Which flow a message belongs to: the one module that knows every screen.

A command is answered on every screen; anything else goes to the reaction of the screen the
chat is on (a list's chosen option, typed text, an assessment's input). A reaction returns
what comes next (`ToMenu`, `Reshow` or None when it showed its next screen itself), and the
router shows it.
"""

from __future__ import annotations

from bot.commands import DELETE, HELP, MENU, MY_DATA, REPORT, WEB
from bot.flows import assessment, invite, join, menu, privacy, review
from bot.flows.context import Outcome, Reshow, Service, ToMenu, Turn
from bot.flows.join import looks_like_code
from bot.flows.screens import (
    JOINING,
    AssessmentScreen,
    ClanMemberPickScreen,
    ClanMembersScreen,
    CommentScreen,
    ConfirmDeleteScreen,
    DecisionDateScreen,
    DecisionNumberScreen,
    DuplicatesScreen,
    InviteHouseholdScreen,
    InviteNameScreen,
    InvitePickScreen,
    ItemScreen,
    JoinBirthYearScreen,
    JoinCitizenNameScreen,
    JoinConsentScreen,
    JoinHeadNameScreen,
    JoinNameScreen,
    JoinPhoneScreen,
    JoinVillageConfirmScreen,
    JoinVillageScreen,
    Listing,
    MenuScreen,
    OptionScreen,
    PickDraftScreen,
    PickVillageScreen,
    QueueScreen,
    TextScreen,
)
from bot.rendering import Reply


async def dispatch(service: Service, turn: Turn) -> None:
    inbound = turn.inbound
    text = inbound.text.strip() if inbound.kind in ("text", "contact") else ""
    command, _, payload = text.partition(" ") if text.startswith("/") else ("", "", "")
    command = command.lower().split("@")[0]  # "/start@hoctap_bot" in groups
    payload = payload.strip()
    screen = turn.screen

    if inbound.kind == "callback" and inbound.data.startswith("x:") and turn.person is not None:
        await menu.report(service, turn, inbound.data)  # a digest's buttons: another period
        return
    # A command is answered on every screen; then the screen it interrupted is shown again,
    # so a question or a list waiting for an answer is never lost (nor answered by it).
    if command in HELP:
        turn.replies.append(help_reply(turn, web=service.web_hook is not None))
        await reshow(service, turn)
        return
    if turn.person is None:
        await _unregistered(service, turn, command, payload, text)
        return
    if turn.person.disabled:
        turn.reply("account-disabled")
        return
    if command in MENU:
        if payload:
            await settle(service, turn, await join.open_invite(service, turn, payload))
        elif isinstance(screen, AssessmentScreen):
            # Opening the bot again mid-questionnaire must not lose the place.
            turn.reply("assessment-resumed")
            await settle(service, turn, await assessment.resume(service, turn, screen))
        else:
            await menu.show(service, turn)
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
        await menu.report(service, turn, payload)
        await reshow(service, turn)
        return
    if command in WEB:
        if service.web_hook is None:
            turn.reply("web-unavailable")
        else:
            turn.replies.extend(await service.web_hook(turn))
        await reshow(service, turn)
        return
    if command:
        turn.reply("command-unknown")
        await reshow(service, turn)
        return
    if screen is None:
        await menu.show(service, turn)
        return
    await settle(service, turn, await react(service, turn, screen))


async def _unregistered(
    service: Service, turn: Turn, command: str, payload: str, text: str
) -> None:
    """Someone the bot does not know yet: an invite, the next step of joining, or how to
    join."""
    screen = turn.screen
    joining = isinstance(screen, JOINING)
    if command in MY_DATA | DELETE:
        if command in DELETE:
            # Joining half done: the name typed in is all there is, and it goes too.
            turn.show(None)
        turn.reply("privacy-nothing-stored")
        await reshow(service, turn)
    elif command in REPORT:
        turn.reply("report-not-allowed")
        await reshow(service, turn)
    elif command == "/start" and payload:
        await settle(service, turn, await join.open_invite(service, turn, payload))
    elif command and not payload and joining:
        # "/menu" or an unknown command while joining: the joining step again.
        await reshow(service, turn)
    elif screen is not None and joining:
        await settle(service, turn, await react(service, turn, screen))
    elif text and not command and looks_like_code(text):
        # Zalo has no start payload: people type the code printed under the QR.
        await settle(service, turn, await join.open_invite(service, turn, text))
    else:
        turn.reply("not-registered")


async def react(
    service: Service, turn: Turn, screen: OptionScreen | TextScreen | AssessmentScreen
) -> Outcome:
    """The screen's reaction to what was sent: a list's option, typed text, an answer."""
    if isinstance(screen, AssessmentScreen):
        return await assessment.handle_input(service, turn, screen)
    if isinstance(screen, Listing):
        key = turn.chosen_option()
        if key is None:
            turn.repeat_options()
            return None
        return await _choose(service, turn, screen, key)
    return await _typed(service, turn, screen)


async def _choose(service: Service, turn: Turn, screen: OptionScreen, key: str) -> Outcome:
    match screen:
        case MenuScreen():
            return await menu.on_choice(service, turn, key)
        case PickVillageScreen():
            return await assessment.on_pick_village(service, turn, key, screen.purpose)
        case PickDraftScreen():
            return await assessment.on_pick_draft(service, turn, key)
        case ClanMemberPickScreen():
            return await assessment.on_clan_member_pick(service, turn, screen, key)
        case JoinConsentScreen():
            return await join.on_consent(service, turn, screen, key)
        case JoinVillageConfirmScreen():
            return await join.on_village_confirm(service, turn, screen, key)
        case JoinVillageScreen():
            return await join.on_village(service, turn, screen, key)
        case InvitePickScreen():
            return await invite.on_pick(service, turn, screen, key)
        case QueueScreen():
            return await review.on_queue(service, turn, screen, key)
        case ItemScreen():
            return await review.on_item(service, turn, screen, key)
        case DuplicatesScreen():
            return await review.on_duplicates(service, turn, key)
        case ConfirmDeleteScreen():
            return await privacy.on_confirm(service, turn, screen, key)


async def _typed(service: Service, turn: Turn, screen: TextScreen) -> Outcome:
    match screen:
        case JoinNameScreen():
            return await join.on_name(service, turn, screen)
        case JoinHeadNameScreen():
            return await join.on_head_name(service, turn, screen)
        case JoinPhoneScreen():
            return await join.on_phone(service, turn, screen)
        case JoinCitizenNameScreen():
            return await join.on_citizen_name(service, turn, screen)
        case JoinBirthYearScreen():
            return await join.on_birth_year(service, turn, screen)
        case InviteHouseholdScreen():
            return await invite.on_household(service, turn, screen)
        case InviteNameScreen():
            return await invite.on_member_name(service, turn, screen)
        case ClanMembersScreen():
            return await assessment.on_clan_member_text(service, turn, screen)
        case CommentScreen():
            return await review.on_comment(service, turn, screen)
        case DecisionNumberScreen():
            return await review.on_decision_number(service, turn, screen)
        case DecisionDateScreen():
            return await review.on_decision_date(service, turn, screen)


async def settle(service: Service, turn: Turn, outcome: Outcome) -> None:
    """Show what a reaction said comes next."""
    if isinstance(outcome, ToMenu):
        await menu.show(service, turn, outcome.notice)
    elif isinstance(outcome, Reshow):
        await reshow(service, turn)


async def reshow(service: Service, turn: Turn) -> None:
    """Show the current question, list or request again, changing nothing else."""
    screen = turn.screen
    if screen is None or (turn.person is None and not isinstance(screen, JOINING)):
        return
    if isinstance(screen, AssessmentScreen):
        await settle(service, turn, await assessment.resume(service, turn, screen))
    elif isinstance(screen, Listing):
        turn.replies.append(turn.options_reply())
    else:
        turn.replies.append(text_prompt(service, turn, screen))


def text_prompt(service: Service, turn: Turn, screen: TextScreen) -> Reply:
    """What a screen waiting for typed text asked, to ask it again."""
    match screen:
        case JoinNameScreen():
            return Reply(turn.say("join-ask-name"))
        case JoinHeadNameScreen():
            return Reply(turn.say("join-ask-head-name"))
        case JoinPhoneScreen():
            return Reply(turn.say("join-ask-phone"), request_contact=True)
        case JoinCitizenNameScreen():
            return Reply(turn.say("join-ask-name"))
        case JoinBirthYearScreen():
            return Reply(turn.say("join-ask-birth-year"))
        case InviteHouseholdScreen():
            return Reply(turn.say("invite-ask-household"))
        case InviteNameScreen():
            return Reply(turn.say("invite-ask-member-name"))
        case ClanMembersScreen():
            return Reply(turn.say("clan-members-ask"))
        case CommentScreen():
            return review.comment_prompt(turn, screen)
        case DecisionNumberScreen():
            return Reply(turn.say("ask-decision-number-again"))
        case DecisionDateScreen():
            today = service.local_now().strftime("%d/%m/%Y")
            return Reply(turn.say("ask-decision-date", today=today))


def help_reply(turn: Turn, *, web: bool = False) -> Reply:
    """The guide, with every command this person's role may use, and only those; `web`: the
    web page is served, so /web is one of them for the roles that may open it."""
    role = turn.person.role if turn.person is not None else None
    lines = [turn.say("help"), turn.say("help-commands")]
    if role is None:
        lines.append(turn.say("help-command-join"))
    else:
        lines.append(turn.say("help-command-menu"))
    if role in ("household", "citizen"):
        lines += [turn.say("help-command-mydata"), turn.say("help-command-delete")]
    if role in ("chair", "admin"):
        lines.append(turn.say("help-command-report"))
    if web and role in ("chair", "collaborator", "admin"):
        lines.append(turn.say("help-command-web"))
    lines.append(turn.say("help-command-help"))
    return Reply("\n".join(lines))
