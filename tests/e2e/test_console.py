"""`hoctap chat` as a real process: piped input through a whole assessment, and a process
killed mid-way whose successor continues at the same question."""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from tests.support.answers import HOUSEHOLD_ANSWERS

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 60  # seconds for any one process; each normally takes one or two

# Menu: 1 = "Đánh giá hộ gia đình"; villages: 2 = "Thôn Sen 1"; then the household's answers.
START = ["1", "2"]


def environment(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "ZALO_"))}
    env["DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path / 'data' / 'hoctap.db'}"
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env["PYTHONUNBUFFERED"] = "1"
    return env


def command() -> list[str]:
    return [sys.executable, "-m", "bot.cli", "chat"]


def stored(tmp_path: Path) -> list[dict[str, Any]]:
    connection = sqlite3.connect(tmp_path / "data" / "hoctap.db")
    connection.row_factory = sqlite3.Row
    try:
        # The form typed here, of Thôn Sen 1 (the demo's example forms are of Thôn Hoàng Trù
        # or of no village).
        rows = connection.execute(
            "SELECT id, status, total, passed, pack_id, pack_version, answers FROM assessments"
            " WHERE village_id = (SELECT id FROM villages WHERE name = 'Thôn Sen 1')"
        ).fetchall()
        result = []
        for row in rows:
            item = dict(row)
            item["answers"] = json.loads(item["answers"])
            item["answer_log"] = [
                r[0]
                for r in connection.execute(
                    # Typed answers only: the village the bot knew is logged as "prefilled".
                    "SELECT field FROM assessment_log WHERE assessment_id = ? AND action = 'answer'"
                    " AND (note IS NULL OR note != 'prefilled') ORDER BY id",
                    (row["id"],),
                )
            ]
            result.append(item)
        return result
    finally:
        connection.close()


EXPECTED_ANSWERS = {
    "village": "Thôn Sen 1",
    "head_name": "Nguyễn Văn An",
    "members": 5,
    "children": 2,
    "adults": 3,
    "school_attendance": "all",
    "school_results": "all",
    "children_conduct": "yes",
    "adult_literacy": "yes",
    "adult_learning": "yes",
    "adult_applying": "yes",
    "study_corner": "yes",
    "info_devices": ["smartphone", "tv"],
    "study_fund": "yes",
    "cultured_family": "yes",
    "stable_lawful": "yes",
}


def test_piped_chat_runs_a_whole_assessment_and_stores_it(tmp_path: Path) -> None:
    script = "\n".join([*START, *HOUSEHOLD_ANSWERS, "gửi"]) + "\n"
    done = subprocess.run(
        command(),
        input=script,
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=tmp_path,
        env=environment(tmp_path),
        timeout=TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert out.startswith("Dạ, xin chào Nguyễn Thị Lan! Vui lòng chọn:")
    assert "1. Đánh giá hộ gia đình" in out
    # The demo's example forms of a household, its adult and a clan wait for the collaborator.
    assert "3. Phiếu chờ xác nhận (3)" in out
    for number in range(1, 16):
        assert re.search(rf"^Câu {number}/1[35]$", out, re.MULTILINE), number
    assert "Tiêu chí 1 – Học tập của trẻ em trong gia đình: 30/30 điểm" in out
    assert "Tổng: 100/100 điểm (đạt từ 80 điểm trở lên)" in out
    assert "Sơ bộ: ĐẠT danh hiệu “Gia đình học tập”." in out
    assert "Traceback" not in done.stderr

    [assessment] = stored(tmp_path)
    assert assessment["status"] == "submitted"
    assert (assessment["total"], assessment["passed"]) == (100, 1)
    assert (assessment["pack_id"], assessment["pack_version"]) == ("gdht-448", "2015.2")
    assert assessment["answers"] == EXPECTED_ANSWERS
    assert len(assessment["answer_log"]) == len(HOUSEHOLD_ANSWERS)


class Console:
    """A running `hoctap chat`, read line by line without blocking."""

    def __init__(self, tmp_path: Path) -> None:
        self.process = subprocess.Popen(
            command(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            cwd=tmp_path,
            env=environment(tmp_path),
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.transcript: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def expect(self, pattern: str, timeout: float = TIMEOUT) -> str:
        """Read until a line matches; return everything read since the last expect."""
        deadline = time.monotonic() + timeout
        seen: list[str] = []
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"no {pattern!r} in:\n" + "\n".join(seen))
            try:
                line = self.lines.get(timeout=remaining)
            except queue.Empty:
                continue
            if line is None:
                raise AssertionError(f"the chat ended before {pattern!r}:\n" + "\n".join(seen))
            seen.append(line)
            self.transcript.append(line)
            if re.search(pattern, line):
                return "\n".join(seen)

    def send(self, text: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(text + "\n")
        self.process.stdin.flush()

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=TIMEOUT)

    def finish(self) -> str:
        """End of input: the chat exits; what it wrote to stderr."""
        assert self.process.stdin is not None and self.process.stderr is not None
        self.process.stdin.close()
        try:
            self.process.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            self.kill()
            raise
        return self.process.stderr.read()


@pytest.mark.parametrize("answered", [1, 6])
def test_a_killed_chat_continues_at_the_same_question(tmp_path: Path, answered: int) -> None:
    first = Console(tmp_path)
    try:
        first.expect(r"^Vui lòng trả lời bằng số thứ tự\.$")
        first.send(START[0])
        first.expect(r"^3\. Thôn Sen 2$")
        first.send(START[1])
        first.expect(r"^Câu 1/13$")
        for number, answer in enumerate(HOUSEHOLD_ANSWERS[:answered], start=2):
            first.send(answer)
            # The next question on screen: the answer was committed before it was printed.
            first.expect(rf"^Câu {number}/1[35]$")
    finally:
        first.kill()
    assert first.process.returncode == -signal.SIGKILL
    [draft] = stored(tmp_path)
    assert draft["status"] == "draft"
    assert len(draft["answer_log"]) == answered

    second = Console(tmp_path)
    try:
        resumed = second.expect(r"^Câu \d+/\d+$")
        assert "Dạ, làm tiếp phiếu đang dở:" in resumed
        assert re.search(rf"^Câu {answered + 1}/1[35]$", resumed, re.MULTILINE), resumed
        for answer in HOUSEHOLD_ANSWERS[answered:]:
            second.send(answer)
        second.send("gửi")
        second.expect(r"^Tổng: 100/100 điểm \(đạt từ 80 điểm trở lên\)$")
        second.expect(r"ĐẠT danh hiệu")
    finally:
        errors = second.finish()
    assert second.process.returncode == 0, errors
    assert "Traceback" not in errors

    [assessment] = stored(tmp_path)
    assert assessment["status"] == "submitted" and assessment["total"] == 100
    assert assessment["answers"] == EXPECTED_ANSWERS
    # Every answer applied exactly once, across both processes.
    assert len(assessment["answer_log"]) == len(HOUSEHOLD_ANSWERS)
