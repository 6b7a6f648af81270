"""Property-based: whatever a person sends to whatever question, the engine never raises, the
reply renders in both languages, and a rejected input changes nothing already answered."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.i18n import Translator
from bot.rendering import Renderer
from conversations import engine
from conversations.pack_files import load_pack
from conversations.packs import CriteriaPack

ROOT = Path(__file__).resolve().parents[2]
HOUSEHOLD = load_pack(ROOT / "packs" / "gdht-448.yaml")
CLAN = load_pack(ROOT / "packs" / "dhht-2022.yaml")
TRANSLATOR = Translator(ROOT / "locales")

# Answers that walk the household pack to each question in turn.
HOUSEHOLD_PATH = [
    "Nguyễn Văn An",
    "5",
    "2",
    "2",
    "1",
    "1",
    "1",
    "1",
    "1",
    "1",
    "1",
    "1, 3",
    "1",
    "1",
    "1",
    "1",
]


def _at_each_question(pack: CriteriaPack, path: list[str]) -> list[engine.Session]:
    """A session waiting at every question of the pack, one per question type at least."""
    session, _ = engine.start(pack, known={"household.village": "Thôn Sen 1"})
    sessions = [session]
    for answer in path:
        session, _ = engine.resume(pack, session, engine.TextInput(answer))
        sessions.append(session)
        if session.mode != "asking":
            break
    return sessions


SESSIONS = _at_each_question(HOUSEHOLD, HOUSEHOLD_PATH)
QUESTION_TYPES = {HOUSEHOLD.question(s.current).type for s in SESSIONS if s.current}

nasty_text = st.one_of(
    st.text(max_size=50),
    st.text(alphabet=st.characters(categories=["Cc", "Cf", "Zs", "So", "Mn"]), max_size=30),
    st.text(min_size=3000, max_size=5000),
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "🙏🙏🙏",
            "١٢٣",
            "-1",
            "99999999999999999999",
            "1e9",
            "NaN",
            "${members}",
            "__import__('os')",
            "1,2,3,4,5,6,7",
            "không có",
            "‮ 2",
            "２",
            "mười mười",
        ]
    ),
)
wrong_kinds = st.sampled_from(
    [
        engine.OtherInput("sticker"),
        engine.OtherInput("voice"),
        engine.OtherInput("contact"),
        engine.PhotoInput("file-1"),
        engine.ChoiceTap(-5, "yes"),
        engine.ChoiceTap(10_000, "zzz"),
        engine.EditRequest("no_such_question", None),
        engine.Command("back", -1),
    ]
)


def test_the_paths_reach_every_question_type() -> None:
    assert {"text", "integer", "select_one", "select_multiple", "yes_no"} <= QUESTION_TYPES


def _render_all(events: list[engine.Event]) -> None:
    for lang in ("vi", "en"):
        for buttons in (True, False):
            replies = Renderer(TRANSLATOR, lang, buttons=buttons).events(HOUSEHOLD, events)
            assert replies and all(r.text.strip() for r in replies)
            assert all(
                len(b.data.encode()) <= 64 for r in replies for row in r.buttons for b in row
            )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    index=st.integers(min_value=0, max_value=len(SESSIONS) - 1),
    given_input=st.one_of(nasty_text.map(engine.TextInput), wrong_kinds),
)
def test_any_input_at_any_question(index: int, given_input: engine.Input) -> None:
    before = SESSIONS[index]
    after, events = engine.resume(HOUSEHOLD, before, given_input)
    assert events
    _render_all(events)
    if any(isinstance(e, engine.AnswerRejected) for e in events):
        assert after.answers == before.answers
        asked = [e for e in events if isinstance(e, engine.QuestionAsked | engine.ReviewShown)]
        assert asked, "a rejection is always followed by the question again"
    # Stored values are always of the question's type, never raw junk.
    for name, value in after.answers.items():
        kind = HOUSEHOLD.question(name).type
        if kind == "integer":
            assert isinstance(value, int)
        elif kind == "text":
            assert isinstance(value, str) and 0 < len(value) <= 200 and "\x00" not in value
        elif kind == "select_multiple":
            assert isinstance(value, list)
        else:
            assert HOUSEHOLD.question(name).choice(str(value)) is not None


@settings(max_examples=100, deadline=None)
@given(text=nasty_text)
def test_clan_computed_indicator_never_raises(text: str) -> None:
    session, _ = engine.start(CLAN)
    for answer in ["Họ Lê", "Lê Văn Cả", "Thôn Sen 1", text, "0", text]:
        session, events = engine.resume(CLAN, session, engine.TextInput(answer))
        assert events


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_sticker_at_review_is_refused_and_review_shown_again(lang: str) -> None:
    review = SESSIONS[-1]
    assert review.mode == "review"
    after, events = engine.resume(HOUSEHOLD, review, engine.OtherInput("sticker"))
    assert after.answers == review.answers
    assert isinstance(events[-1], engine.ReviewShown)
    _render_all(events)
