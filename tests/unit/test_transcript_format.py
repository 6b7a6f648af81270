"""The conversation-test format (tests/support/transcript.py): what "…" matches and how a file
reads, so a transcript that should fail does."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.transcript import ANY_LINES, TranscriptError, fill, matches, parse


@pytest.mark.parametrize(
    ("expected", "actual", "result"),
    [
        (["a", "b"], ["a", "b"], True),
        (["a", "b"], ["a", "b", "c"], False),  # word for word: no extra line at the end
        (["a", "B"], ["a", "b"], False),
        (["a", ANY_LINES], ["a"], True),  # "…" may stand for no line at all
        (["a", ANY_LINES], ["a", "b", "c"], True),
        ([ANY_LINES, "c"], ["a", "b", "c"], True),
        (["a", ANY_LINES, "c"], ["a", "b", "x"], False),
        (["a", ANY_LINES, "b", ANY_LINES], ["a", "x", "b", "y", "b"], True),
        ([], [], True),
        ([], ["a"], False),
    ],
)
def test_any_lines_stands_for_any_number_of_lines(
    expected: list[str], actual: list[str], result: bool
) -> None:
    assert matches(expected, actual) is result


def test_a_transcript_file_reads_as_header_and_turns(tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_text(
        "# Một hộ\n# gia đình.\npack: gdht-448, dhht-2022\nuser: ho-1\n\n"
        "> {invite:household}\nDạ, xin chào!\n\nCâu 1/12\n\n\n> 4\n…\n",
        encoding="utf-8",
    )
    transcript = parse(path)
    assert transcript.title == "Một hộ gia đình."
    assert (transcript.packs, transcript.user) == (("gdht-448", "dhht-2022"), "ho-1")
    first, second = transcript.turns
    assert first.expected == ("Dạ, xin chào!", "", "Câu 1/12")  # trailing blank lines dropped
    assert (second.says, second.expected) == ("4", (ANY_LINES,))
    assert fill(first.says, {"household": "ABC123"}) == "ABC123"


def test_a_transcript_without_a_pack_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_text("user: local\n\n> /start\n", encoding="utf-8")
    with pytest.raises(TranscriptError):
        parse(path)
