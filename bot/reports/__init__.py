"""Reports for commune chairs (issue 5): digests with progress against targets, reminders,
the outbox that delivers them exactly once, and XLSX/CSV exports.

For the chat service: `make_report_hook` (the `report_hook` of ChatService: /baocao, /report
and buttons whose data starts with "x:"), or `report_command` / `report_callback` /
`digest_replies` with the `Reports`. bot.bootstrap builds the `Reports` (once), the
`ReportScheduler` and the `OutboxWorker`; bot.channels runs the last two beside the channels.
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
