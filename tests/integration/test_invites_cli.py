"""`hoctap invite create|list|revoke` and `hoctap demo`, in-process, on both databases."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PIL import Image

from tests.integration.conftest import Cli


@pytest.fixture
def cli(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> Cli:
    monkeypatch.setenv("TELEGRAM_BOT_USERNAME", "kimlien_khuyenhoc_bot")
    return cli


def test_demo_prints_working_invites(cli: Cli) -> None:
    code, out, _ = cli("demo")
    assert code == 0
    codes = dict(re.findall(r"^(\w+) invite: (\w{8})", out, re.M))
    # Issue 15: a village head, a unit's head and its staff have invites of their own.
    assert set(codes) == {
        "collaborator",
        "chair",
        "household",
        "village_head",
        "unit_head",
        "citizen",
    }
    assert f"https://t.me/kimlien_khuyenhoc_bot?start={codes['household']}" in out
    # Run again: the same demo, the same (still usable) invites.
    _, again, _ = cli("demo")
    assert dict(re.findall(r"^(\w+) invite: (\w{8})", again, re.M)) == codes


def test_create_list_and_revoke(cli: Cli, tmp_path: Path) -> None:
    cli("demo")
    code, out, _ = cli(
        "invite", "create", "--role", "household", "--commune", "kim lien",
        "--village", "thon sen 2", "--qr-dir", str(tmp_path),
    )  # fmt: skip
    assert code == 0
    invite = re.search(r"household invite: (\w{8}) \(nhiều lần\)", out)
    assert invite is not None
    qr = Path(out.split("QR: ")[1].strip())
    with Image.open(qr) as image:
        assert image.format == "PNG" and image.height > image.width  # the caption is below

    code, out, _ = cli(
        "invite",
        "create",
        "--role",
        "collaborator",
        "--commune",
        "Xã Kim Liên",
        "--no-qr",
        "--days",
        "7",
    )
    assert code == 0 and re.search(r"collaborator invite: \w{8} \(0/1 lần, hết hạn", out)

    _, listing, _ = cli("invite", "list", "--commune", "kim lien")
    assert invite.group(1) in listing

    assert cli("invite", "revoke", invite.group(1).lower())[0] == 0
    _, listing, _ = cli("invite", "list", "--commune", "kim lien")
    assert f"{invite.group(1)} (nhiều lần, ĐÃ THU HỒI)" in listing
    assert cli("invite", "revoke", invite.group(1))[0] == 1  # already revoked


def test_unknown_commune_is_refused(cli: Cli) -> None:
    cli("demo")
    with pytest.raises(SystemExit, match="no commune named"):
        cli("invite", "create", "--role", "chair", "--commune", "Xã Không Có")
