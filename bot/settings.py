"""Settings from the environment and an optional .env file."""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///data/hoctap.db"
    default_locale: str = "vi"
    timezone: str = "Asia/Ho_Chi_Minh"
    packs_dir: Path = PROJECT_ROOT / "packs"
    locales_dir: Path = PROJECT_ROOT / "locales"

    telegram_bot_token: str | None = None
    telegram_api_base: str = "https://api.telegram.org"
    telegram_webhook_url: str | None = None
    telegram_webhook_secret: str | None = None
    # For the deep links printed with invites (t.me/<username>?start=<code>).
    telegram_bot_username: str = "hoctap_bot"

    zalo_bot_token: str | None = None
    zalo_api_base: str = "https://bot-api.zaloplatforms.com"
    zalo_webhook_url: str | None = None
    zalo_webhook_secret: str | None = None
    # A link that opens the bot in Zalo, printed with invites (the code is then typed).
    zalo_bot_link: str | None = None

    # Where webhook mode listens (behind a reverse proxy that terminates TLS).
    webhook_host: str = "127.0.0.1"
    webhook_port: int = 8080

    # Telegram: sending limits (Telegram allows ~30 messages/s overall and ~1/s per chat; pushes
    # such as digests stay at 25/s so that answers to people who are chatting still get through),
    # and how long one Bot API call may take before it counts as a network failure.
    telegram_rate_per_second: float = 30.0
    telegram_push_rate_per_second: float = 25.0
    telegram_chat_rate_per_second: float = 1.0
    # A reply to a tap is an edit plus the next question: a short burst is allowed per chat as
    # long as the average stays at the per-chat rate.
    telegram_chat_burst: int = 3
    telegram_request_timeout: float = 20.0
    telegram_polling_timeout: int = 25
