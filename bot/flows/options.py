"""Option lists: how a numbered list reads, a page at a time on buttons, and which option a
reply or tap chose. Pure: the list, the button counter, the renderer and the inbound."""

from __future__ import annotations

from bot.flows.screens import Choices
from bot.inbound import Inbound
from bot.rendering import Button, Renderer, Reply, button_int
from conversations.options import match_option

# Option buttons per page: Telegram refuses keyboards of about 100 buttons, and a phone screen
# shows about this many.
OPTIONS_PER_PAGE = 20


def pages(choices: Choices, render: Renderer) -> int:
    count = len(choices.keys)
    if not render.buttons or count <= OPTIONS_PER_PAGE:
        return 1
    return -(-count // OPTIONS_PER_PAGE)


def page(choices: Choices, render: Renderer) -> int:
    return min(max(choices.page, 0), pages(choices, render) - 1)


def reply(choices: Choices, counter: int, render: Renderer) -> Reply:
    """The list; with buttons, a page of OPTIONS_PER_PAGE at a time when it is longer
    (Telegram refuses keyboards of about 100 buttons). Numbers run on across pages, and
    typing any option's number or words works on every page. Without buttons (Zalo, the
    terminal) the whole list, as text."""
    keys = choices.keys
    numbered = list(enumerate(choices.labels, 1))
    shown_page, page_count = page(choices, render), pages(choices, render)
    if page_count > 1:
        numbered = numbered[shown_page * OPTIONS_PER_PAGE : (shown_page + 1) * OPTIONS_PER_PAGE]
    shown = numbered
    lines = [choices.title]
    lines += [f"{i}. {label}" for i, label in shown]
    if page_count > 1 and shown:
        lines.append(
            render.say(
                "options-page",
                page=shown_page + 1,
                pages=page_count,
                first=shown[0][0],
                last=shown[-1][0],
                total=len(keys),
            )
        )
    lines.append(render.say("menu-reply"))
    buttons: tuple[tuple[Button, ...], ...] = ()
    if render.buttons:
        rows: list[tuple[Button, ...]] = [
            (Button(label[:60], f"o:{counter}:{keys[i - 1]}"),) for i, label in shown
        ]
        turn_page: list[Button] = []
        if shown_page > 0:
            turn_page.append(
                Button(render.say("button-page-previous"), f"p:{counter}:{shown_page - 1}")
            )
        if shown_page < page_count - 1:
            turn_page.append(
                Button(render.say("button-page-next"), f"p:{counter}:{shown_page + 1}")
            )
        if turn_page:
            rows.append(tuple(turn_page))
        buttons = tuple(rows)
    return Reply("\n".join(lines), buttons, is_prompt=True)


def page_tapped(choices: Choices, counter: int, render: Renderer, inbound: Inbound) -> int | None:
    """The page a ◀ ▶ button of the list on screen asks for; None for anything else (a
    page button of an older list is stale like its option buttons)."""
    if inbound.kind != "callback":
        return None
    tag, _, rest = inbound.data.partition(":")
    tapped_counter, _, page_text = rest.partition(":")
    asked = button_int(page_text)
    if tag != "p" or tapped_counter != str(counter) or asked is None:
        return None
    return asked if asked < pages(choices, render) else None


def chosen(choices: Choices, counter: int, inbound: Inbound) -> str | None:
    """The key chosen on the list, or None (unclear or stale)."""
    keys = choices.keys
    if inbound.kind == "callback":
        tag, _, rest = inbound.data.partition(":")
        tapped_counter, _, key = rest.partition(":")
        if tag == "o" and tapped_counter == str(counter) and key in keys:
            return key
        return None
    text = inbound.text.strip() if inbound.kind == "text" else ""
    if not text:
        return None
    # The option's own words win over a digit inside them ("sen 1" is Thôn Sen 1); a
    # reply that could mean two options is asked again.
    found = match_option(text, [[label] for label in choices.labels[: len(keys)]])
    return keys[found[0]] if len(found) == 1 else None
