"""docker-compose.yml names only settings Shopbot has, with values it accepts."""

from __future__ import annotations

import yaml

from bot.config import Settings
from bot.workers import check_can_share
from tests.conftest import REPO


def _shopbot_environment() -> dict[str, str]:
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text(encoding="utf-8"))
    return {str(k): str(v) for k, v in compose["services"]["shopbot"]["environment"].items()}


def test_every_shopbot_variable_in_the_compose_file_is_a_setting() -> None:
    environment = _shopbot_environment()
    names = {name.removeprefix("SHOPBOT_").lower() for name in environment if name.startswith("SHOPBOT_")}
    assert names, "the compose file configures Shopbot through SHOPBOT_* variables"
    unknown = sorted(names - set(Settings.model_fields))
    assert not unknown, f"not settings: {unknown}"


def test_the_compose_settings_are_valid_and_let_several_workers_share_the_work() -> None:
    values = {name.removeprefix("SHOPBOT_").lower(): value for name, value in _shopbot_environment().items()}
    settings = Settings(**values)  # type: ignore[arg-type]
    assert settings.database_url is not None and settings.redis_url is not None
    check_can_share(settings, 2)  # raises when several workers could not share live updates
