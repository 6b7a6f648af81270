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

    zalo_bot_token: str | None = None
    zalo_api_base: str = "https://bot-api.zaloplatforms.com"
    zalo_webhook_url: str | None = None
    zalo_webhook_secret: str | None = None

    # Where webhook mode listens (behind a reverse proxy that terminates TLS).
    webhook_host: str = "127.0.0.1"
    webhook_port: int = 8080
