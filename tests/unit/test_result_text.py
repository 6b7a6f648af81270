"""The result a household reads says what of it is provisional: the indicators, and the pass
mark it was measured against (its own flag), in the reader's language."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from bot.i18n import Translator
from bot.rendering import Renderer
from conversations.pack_files import load_pack, pack_from_data
from conversations.scoring import score

ROOT = Path(__file__).resolve().parents[2]
TRANSLATOR = Translator(ROOT / "locales")
HOUSEHOLD = load_pack(ROOT / "packs" / "gdht-448.yaml")
ANSWERS: dict[str, Any] = {
    "head_name": "Nguyễn Văn An",
    "members": 4,
    "children": 0,
    "adults": 2,
    "children_conduct": "yes",
    "adult_literacy": "yes",
    "adult_learning": "yes",
    "adult_applying": "no",
    "study_corner": "yes",
    "info_devices": ["tv"],
    "study_fund": "no",
    "cultured_family": "yes",
    "stable_lawful": "yes",
}


def _text(lang: str, difficult_area: bool, pack: Any = HOUSEHOLD) -> str:
    result = score(pack, ANSWERS, difficult_area=difficult_area)
    return Renderer(TRANSLATOR, lang).result(pack, result).text


def test_the_result_names_the_provisional_pass_mark_it_was_measured_against() -> None:
    text = _text("vi", difficult_area=False)
    assert "Tổng: 85/100 điểm (đạt từ 80 điểm trở lên)" in text
    assert "Lưu ý: mức điểm để đạt (80 điểm) là tạm thời, chưa đối chiếu với văn bản gốc." in text
    difficult = _text("vi", difficult_area=True)
    assert (
        "Lưu ý: mức điểm để đạt (70 điểm) là tạm thời, chưa đối chiếu với văn bản gốc." in difficult
    )
    english = _text("en", difficult_area=False)
    assert "Note: the pass mark (80 points) is provisional, not yet checked" in english


def test_a_confirmed_pass_rule_adds_no_note() -> None:
    data = yaml.safe_load((ROOT / "packs" / "gdht-448.yaml").read_text(encoding="utf-8"))
    data["pass_rule"]["provisional"] = False
    text = _text("vi", difficult_area=False, pack=pack_from_data(data))
    assert "mức điểm để đạt" not in text
    assert "chỉ số tạm thời" in text  # the indicators still are
