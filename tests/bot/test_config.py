"""Settings: env vars, a TOML file, clear errors, and a README table that matches the code."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import load_settings, settings_markdown
from bot.errors import ConfigError
from tests.conftest import REPO


def test_env_overrides_file_and_flags_override_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    toml = tmp_path / "shopbot.toml"
    toml.write_text('port = 9000\nindex_kind = "hnsw"\nrrf_k = 30\n', encoding="utf-8")
    monkeypatch.setenv("SHOPBOT_PORT", "9100")
    settings = load_settings(toml, rrf_k=10)
    assert (settings.port, settings.index_kind, settings.rrf_k) == (9100, "hnsw", 10)


def test_invalid_values_name_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHOPBOT_INDEX_KIND", "ivf")
    with pytest.raises(ConfigError, match="SHOPBOT_INDEX_KIND"):
        load_settings()


def test_a_missing_config_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(tmp_path / "nope.toml")


def test_unknown_keys_in_the_file_are_rejected(tmp_path: Path) -> None:
    toml = tmp_path / "shopbot.toml"
    toml.write_text("prot = 9000\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="PROT"):
        load_settings(toml)


def test_readme_configuration_table_is_generated_from_the_code() -> None:
    assert settings_markdown() in (REPO / "README.md").read_text(encoding="utf-8")
