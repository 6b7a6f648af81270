"""Reply buttons → Telegram keyboards."""

from __future__ import annotations

from bot.rendering import Button
from bot.telegram.keyboards import contact_keyboard, inline_keyboard


def test_rows_of_buttons_become_an_inline_keyboard() -> None:
    markup = inline_keyboard(
        (
            (Button("1. Có", "a:4:yes"), Button("2. Không", "a:4:no")),
            (Button("💾 Lưu", "n:4:leave"),),
        )
    )
    assert markup is not None
    assert [[(b.text, b.callback_data) for b in row] for row in markup.inline_keyboard] == [
        [("1. Có", "a:4:yes"), ("2. Không", "a:4:no")],
        [("💾 Lưu", "n:4:leave")],
    ]
    assert inline_keyboard(()) is None


def test_a_button_whose_data_telegram_would_refuse_is_dropped_not_the_message() -> None:
    too_long = Button("Hộ Nguyễn", "d:" + "9" * 70)  # Telegram: at most 64 bytes
    markup = inline_keyboard(((too_long,), (Button("Về trình đơn", "m:menu"),)))
    assert markup is not None
    assert [b.callback_data for row in markup.inline_keyboard for b in row] == ["m:menu"]


def test_the_contact_keyboard_asks_for_the_persons_own_number() -> None:
    markup = contact_keyboard("📱 Gửi số điện thoại")
    [[button]] = markup.keyboard
    assert button.request_contact is True
    assert markup.one_time_keyboard and markup.resize_keyboard
