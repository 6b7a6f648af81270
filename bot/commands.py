"""The commands people type, in both languages (Vietnamese ones without diacritics, as typed
on a phone): the router dispatches on them, the reports read what follows /baocao."""

from __future__ import annotations

HELP = frozenset({"/help", "/huongdan", "/trogiup"})
MENU = frozenset({"/start", "/menu"})
MY_DATA = frozenset({"/dulieu", "/mydata"})
DELETE = frozenset({"/xoa", "/xoadulieu", "/delete"})
REPORT = frozenset({"/baocao", "/report"})
WEB = frozenset({"/web"})
