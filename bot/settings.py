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

    # Zalo
    # Where the web server takes Zalo's webhook; unset: the path of ZALO_WEBHOOK_URL, else
    # /zalo/webhook. ZALO_WEBHOOK_SECRET unset: a random one per run (sent in setWebhook).
    zalo_webhook_path: str | None = None
    # Zalo publishes no rate limits: at most 5 messages/s overall, none per chat for answers
    # (every 429 pauses the bot for its retry_after); pushes (digests, notices) at most 4/s so
    # that answers to people who are chatting still go out, and one a second in a chat.
    zalo_rate_per_second: float = 5.0
    zalo_push_rate_per_second: float = 4.0
    zalo_push_chat_interval: float = 1.0
    zalo_request_timeout: float = 20.0
    zalo_polling_timeout: int = 25
    # Zalo's sendPhoto takes a URL only. With ZALO_MEDIA_URL (the public address of
    # ZALO_MEDIA_PATH on the bot's web server) pictures such as digest charts are saved in
    # ZALO_MEDIA_DIR and sent by URL; without it a picture is replaced by a short note.
    zalo_media_url: str | None = None
    zalo_media_path: str = "/zalo/media"
    zalo_media_dir: Path = Path("data/zalo-media")

    # Evidence photos: copied once from Telegram (getFile) into EVIDENCE_DIR, each file named
    # by an opaque id, so exports and the recognition dossier can include them after the chat
    # is gone; /xoa deletes them with the household's data. A failed copy is tried again
    # after `photo_fetch_backoff_seconds`, doubling, at most `photo_fetch_max_attempts` times.
    evidence_dir: Path = Path("data/evidence")
    photo_fetch_poll_seconds: float = 5.0
    photo_fetch_max_attempts: int = 8
    photo_fetch_backoff_seconds: float = 60.0

    # Where webhook mode listens (behind a reverse proxy that terminates TLS).
    webhook_host: str = "127.0.0.1"
    webhook_port: int = 8080

    # The web page for chairs and collaborators (bot/web): WEB_BASE_URL is its public address
    # (https://bot.example.vn, behind the proxy), the start of every link `/web` sends;
    # unset: http://WEBHOOK_HOST:port. `hoctap run` serves it on the webhook server, and on
    # WEB_PORT too when set (then also without a webhook). WEB_SECRET signs the session
    # cookie (every process must share it); unset, it is derived from the bot tokens.
    web_base_url: str | None = None
    web_port: int | None = None
    web_secret: str | None = None
    web_link_minutes: int = 15
    web_session_hours: int = 12
    # A Mini App's initData older than this is refused (it is signed when Telegram opens it).
    web_init_data_max_age_seconds: int = 3600

    # Telegram: sending limits as python-telegram-bot's AIORateLimiter keeps them (~30
    # messages/s overall, 20 a minute in a group, none per private chat: answering a person
    # is never held back; every 429 pauses the bot for its retry_after). Pushes such as
    # digests stay at 25/s, so that answers to people who are chatting still get through,
    # and one every `telegram_push_chat_interval` seconds in a chat. Then how long one Bot
    # API call may take before it counts as a network failure.
    telegram_rate_per_second: float = 30.0
    telegram_push_rate_per_second: float = 25.0
    telegram_push_chat_interval: float = 1.0
    telegram_group_rate_per_minute: float = 20.0
    telegram_request_timeout: float = 20.0
    telegram_polling_timeout: int = 25

    # Reports
    # Chairs' digests, in `timezone`: weekly on `digest_weekday` (0 = Monday) at `digest_time`,
    # daily from `digest_daily_from` to `digest_daily_to` (DD/MM, study-promotion month).
    # An administrator can override these per commune (hoctap digest schedule).
    digest_weekday: int = 0
    digest_time: str = "07:00"
    digest_daily_from: str = "10/08"
    digest_daily_to: str = "10/09"
    # A push whose time passed while the bot was down is still queued within this many hours.
    digest_catch_up_hours: float = 24.0
    # The yearly summary is due upward on this day (DD/MM); chairs are reminded these many days
    # before it.
    summary_due: str = "15/11"
    summary_reminder_days: list[int] = [14, 7, 1]
    # Collaborators are reminded of a draft untouched this many days, at most this many times.
    draft_idle_days: int = 3
    draft_idle_max_reminders: int = 2
    # Outbox delivery: a claimed push must be confirmed within the lease (else it is reported,
    # not resent), retries back off exponentially, and give up after `outbox_max_attempts`.
    outbox_lease_seconds: float = 900.0
    outbox_max_attempts: int = 8
    outbox_backoff_seconds: float = 30.0
    outbox_poll_seconds: float = 2.0
    outbox_concurrency: int = 4
    # Channels whose digests carry the chart image (Zalo sends photos only by URL).
    report_chart_channels: list[str] = ["telegram"]


def mini_app_url(settings: Settings) -> str | None:
    """The web page as a Telegram Mini App (issue 16): Telegram opens only https:// Mini Apps,
    so None without a public https WEB_BASE_URL."""
    base = (settings.web_base_url or "").rstrip("/")
    return f"{base}/web/app" if base.startswith("https://") else None
