"""Long option lists (here a commune of 45 villages) on Telegram come a page of 20 at a time
with ◀ ▶ buttons; a typed number or name picks any option on any page; Zalo still gets the
whole list as text. Through the chat service, on SQLite and PostgreSQL."""

from __future__ import annotations

from bot.bootstrap import App
from bot.demo import ensure_demo
from bot.flows.options import OPTIONS_PER_PAGE
from bot.rendering import Reply
from storage.uow import UnitOfWork
from tests.support.chat import Chat


async def _collaborator_with_45_villages(app: App, channel: str, user: str) -> Chat:
    demo = await ensure_demo(app.db)
    async with app.db.session() as s:
        uow = UnitOfWork(s, app.service.clock())
        for number in range(1, 43):
            await uow.places.ensure_village(demo.commune_id, f"Thôn Xóm {number:02d}")
        identity = await uow.chats.identity(channel, user, user)
        await uow.chats.bind(identity.id, demo.collaborator_id)
    return Chat(app, user, channel=channel)


async def _pick_village_screen(app: App, chat: Chat) -> Reply:
    await chat.say("/menu")
    [menu] = [r for r in chat.last_replies if r.is_prompt]
    household = app.translator("vi", "menu-household")
    number = next(line.split(".")[0] for line in menu.text.splitlines() if line.endswith(household))
    await chat.say(number)
    [screen] = [r for r in chat.last_replies if r.is_prompt]
    assert screen.text.startswith(app.translator("vi", "pick-village"))
    return screen


def _option_lines(reply: Reply) -> list[str]:
    return [line for line in reply.text.splitlines() if line.split(".")[0].isdigit()]


async def _draft_village(app: App) -> str:
    demo = await ensure_demo(app.db)
    async with app.db.session() as s:
        uow = UnitOfWork(s, app.service.clock())
        [draft] = await uow.assessments.drafts_by(demo.collaborator_id)
        assert draft.village_id is not None
        village = await uow.places.village(draft.village_id)
    assert village is not None
    return village.name


async def test_long_option_list_is_paged_with_buttons_and_any_number_still_picks(
    app: App,
) -> None:
    chat = await _collaborator_with_45_villages(app, "telegram", "7001")
    first = await _pick_village_screen(app, chat)
    options = [b for row in first.buttons for b in row if b.data.startswith("o:")]
    assert len(options) == OPTIONS_PER_PAGE
    [next_page] = first.buttons[-1]
    assert next_page.label == app.translator("vi", "button-page-next")
    lines = _option_lines(first)
    assert lines[0].startswith("1. ") and lines[-1].startswith("20. ") and len(lines) == 20
    page_data = next_page.data.rsplit(":", 1)[0]  # "p:<list counter>"

    # ▶: the next 20, numbered on; the same message is edited.
    await chat.send("callback", data=next_page.data)
    [second] = chat.last_replies
    assert second.updates_prompt
    lines = _option_lines(second)
    assert lines[0].startswith("21. ") and lines[-1].startswith("40. ")
    assert [b.label for b in second.buttons[-1]] == [
        app.translator("vi", "button-page-previous"),
        app.translator("vi", "button-page-next"),
    ]
    await chat.send("callback", data=f"{page_data}:2")
    [third] = chat.last_replies
    lines = _option_lines(third)
    assert lines[0].startswith("41. ") and lines[-1].startswith("45. ")
    last_village = lines[-1].removeprefix("45. ")
    assert [b.label for b in third.buttons[-1]] == [app.translator("vi", "button-page-previous")]

    # A ▶ of an older list, or to a page that does not exist: the list again, nothing chosen.
    for stale in ("p:1:1", f"{page_data}:3", f"{page_data}:{'9' * 30}"):
        await chat.send("callback", data=stale)
        assert not any(r.updates_prompt for r in chat.last_replies), stale
        assert chat.last_replies[-1].text.startswith(app.translator("vi", "pick-village"))

    # Back on page 1, the 45th village typed by its number.
    await chat.send("callback", data=f"{page_data}:0")
    assert _option_lines(chat.last_replies[0])[0].startswith("1. ")
    await chat.say("45")
    assert await _draft_village(app) == last_village


async def test_option_of_another_page_is_picked_by_its_name(app: App) -> None:
    chat = await _collaborator_with_45_villages(app, "telegram", "7002")
    await _pick_village_screen(app, chat)
    await chat.say("thon xom 42")  # on page 3, typed while page 1 is shown
    assert await _draft_village(app) == "Thôn Xóm 42"


async def test_long_option_list_on_zalo_is_the_whole_text_list(app: App) -> None:
    chat = await _collaborator_with_45_villages(app, "zalo", "z-7003")
    screen = await _pick_village_screen(app, chat)
    assert screen.buttons == ()
    lines = _option_lines(screen)
    assert len(lines) == 45 and lines[-1].startswith("45. "), screen.text
