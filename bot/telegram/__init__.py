"""The Telegram channel (aiogram 3): updates in, `ChatService` replies out.

`TelegramRunner` runs it (long polling, or a webhook on the shared web server); the
`TelegramChannel` sends, and is what the outbox uses for pushes; the `TelegramBridge` takes
updates to the service. bot.bootstrap builds them.

Running (`python -m bot` / `hoctap run` start it whenever TELEGRAM_BOT_TOKEN is set):

    TELEGRAM_BOT_TOKEN=123:ABC hoctap run                     # long polling
    TELEGRAM_BOT_TOKEN=123:ABC TELEGRAM_WEBHOOK_URL=https://bot.example.vn/telegram/webhook \
        TELEGRAM_WEBHOOK_SECRET=long-random-string WEBHOOK_PORT=8080 hoctap run

TELEGRAM_API_BASE points at another Bot API server (a local one, or the test double). In
webhook mode the bot listens on WEBHOOK_HOST:WEBHOOK_PORT at the path of the URL (behind a
proxy that terminates TLS), refuses requests without the secret header (403) and answers
GET /healthz. Sending limits: TELEGRAM_RATE_PER_SECOND, TELEGRAM_PUSH_RATE_PER_SECOND,
TELEGRAM_PUSH_CHAT_INTERVAL, TELEGRAM_GROUP_RATE_PER_MINUTE (see bot.settings).
"""

from bot.telegram.handlers import TelegramBridge
from bot.telegram.runner import TelegramRunner, make_bot, make_channel, make_dispatcher
from bot.telegram.sender import TelegramChannel, TelegramLimits

__all__ = [
    "TelegramBridge",
    "TelegramChannel",
    "TelegramLimits",
    "TelegramRunner",
    "make_bot",
    "make_channel",
    "make_dispatcher",
]
