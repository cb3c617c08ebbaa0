"""Agent tokens and console session cookies."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.agents.auth import AgentTokens
from bot.config import Settings
from bot.errors import ConfigError


def test_tokens_name_their_agents() -> None:
    tokens = AgentTokens.parse("alice:alice-secret-1, bob : bob-secret-22")
    assert tokens.names == ["alice", "bob"]
    assert tokens.agent_of("alice-secret-1") == "alice" and tokens.agent_of("bob-secret-22") == "bob"
    assert tokens.agent_of("alice-secret-") is None and tokens.agent_of("") is None


def test_a_session_cookie_cannot_be_forged_or_moved_to_another_agent() -> None:
    tokens = AgentTokens.parse("alice:alice-secret-1,bob:bob-secret-22")
    cookie = tokens.cookie_for("alice")
    assert tokens.agent_of_cookie(cookie) == "alice"
    _, _, mac = cookie.rpartition("|")
    assert tokens.agent_of_cookie(f"bob|{mac}") is None
    tampered = mac[:-1] + ("1" if mac[-1] == "0" else "0")
    assert tokens.agent_of_cookie(f"alice|{tampered}") is None
    assert tokens.agent_of_cookie("alice") is None and tokens.agent_of_cookie("") is None
    rotated = AgentTokens.parse("alice:a-brand-new-token")
    assert rotated.agent_of_cookie(cookie) is None  # a new token signs the old sessions out


@pytest.mark.parametrize(
    ("spec", "fragment"),
    [
        ("alice", "name:token pairs"),
        ("alice:short", "too short"),
        ("<b>x</b>:long-enough-token", "agent name"),
        ("", "no agent tokens"),
    ],
)
def test_bad_token_settings_say_what_to_fix(spec: str, fragment: str) -> None:
    with pytest.raises(ConfigError, match=fragment):
        AgentTokens.parse(spec)


def test_without_configured_tokens_one_is_made_once_and_kept_private(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    first = AgentTokens.from_settings(settings)
    path = tmp_path / "agent_tokens"
    assert first.names == ["agent"] and path.stat().st_mode & 0o077 == 0
    token = path.read_text().strip().partition(":")[2]
    assert len(token) >= 20 and first.agent_of(token) == "agent"
    assert AgentTokens.from_settings(settings).agent_of(token) == "agent"  # the same token on the next start
