"""Agent sign-in: named tokens from configuration, and the signed cookie of a console session."""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from pathlib import Path

from bot.config import Settings
from bot.errors import ConfigError

logger = logging.getLogger(__name__)

TOKENS_FILE = "agent_tokens"
_NAME_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ._-")


class AgentTokens:
    """Who may use the agent console. Tokens are compared in constant time and never logged."""

    def __init__(self, tokens: dict[str, str]) -> None:
        if not tokens:
            raise ConfigError("no agent tokens: set SHOPBOT_AGENT_TOKENS to name:token pairs")
        for name, token in tokens.items():
            if not name or not set(name) <= _NAME_CHARS or len(name) > 40:
                raise ConfigError(f"agent name {name!r}: use up to 40 letters, digits, spaces, '.', '_' or '-'")
            if len(token) < 8:
                raise ConfigError(f"the token of agent {name!r} is too short: use at least 8 characters")
        self._tokens = dict(tokens)

    @classmethod
    def parse(cls, spec: str) -> AgentTokens:
        """'alice:s3cret-1,bob:t0ken-22' -> two agents."""
        tokens: dict[str, str] = {}
        for pair in filter(None, (p.strip() for p in spec.replace("\n", ",").split(","))):
            name, sep, token = pair.partition(":")
            if not sep:
                raise ConfigError("SHOPBOT_AGENT_TOKENS must be name:token pairs separated by commas")
            tokens[name.strip()] = token.strip()
        return cls(tokens)

    @classmethod
    def from_settings(cls, settings: Settings) -> AgentTokens:
        """The configured tokens; without any, one agent whose token is made once and kept in the data dir."""
        if settings.agent_tokens is not None:
            return cls.parse(settings.agent_tokens.get_secret_value())
        path = settings.data_dir / TOKENS_FILE
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(f"agent:{secrets.token_urlsafe(18)}\n", encoding="utf-8")
            path.chmod(0o600)
        logger.info("agent console: sign in at /agent with the token in %s", path)
        return cls.parse(path.read_text(encoding="utf-8"))

    @property
    def names(self) -> list[str]:
        """The agents' names."""
        return sorted(self._tokens)

    def agent_of(self, token: str) -> str | None:
        """The agent a token belongs to, or None."""
        found = None
        for name, expected in self._tokens.items():
            # Every token is compared, so timing says nothing about which one nearly matched.
            if hmac.compare_digest(token.encode(), expected.encode()):
                found = name
        return found

    def cookie_for(self, agent: str) -> str:
        """A session cookie value for a signed-in agent: their name and a MAC keyed by their token."""
        return f"{agent}|{self._mac(agent)}"

    def agent_of_cookie(self, value: str) -> str | None:
        """The agent a session cookie belongs to, or None (changing a token signs everyone out)."""
        agent, _, mac = value.rpartition("|")
        if agent not in self._tokens or not hmac.compare_digest(mac, self._mac(agent)):
            return None
        return agent

    def _mac(self, agent: str) -> str:
        return hmac.new(self._tokens[agent].encode(), f"shopbot-agent:{agent}".encode(), hashlib.sha256).hexdigest()


def tokens_path(data_dir: Path) -> Path:
    """Where the generated token of the default agent is kept."""
    return data_dir / TOKENS_FILE
