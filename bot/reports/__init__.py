"""Reports for commune chairs (issue 5): what digests (progress against targets) and
reminders say, and XLSX/CSV exports. Queueing and delivering them is bot/outbox's.

For the chat service: `make_report_hook` (the `report_hook` of ChatService: /baocao, /report
and buttons whose data starts with "x:"), or `report_command` / `report_callback` /
`digest_replies` with the `Reports`. bot.bootstrap builds the `Reports` (once); the outbox
worker (bot/outbox/) asks `Reports.render` for the text of each queued digest and reminder.
"""

from bot.reports.chat import (
    digest_replies,
    is_report_callback,
    make_report_hook,
    parse_period,
    report_callback,
    report_command,
)

__all__ = [
    "digest_replies",
    "is_report_callback",
    "make_report_hook",
    "parse_period",
    "report_callback",
    "report_command",
]
