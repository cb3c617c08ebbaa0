"""Whether a person can take a conversation now: opening hours and agents signed in."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, time

from bot.errors import ConfigError

_DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
_HOURS_RE = re.compile(
    r"^\s*(?:(?P<first>[a-z]{3})(?:\s*-\s*(?P<last>[a-z]{3}))?\s+)?"
    r"(?P<start>\d{1,2}:\d{2})\s*-\s*(?P<end>\d{1,2}:\d{2})\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class OfficeHours:
    """When agents work, in the server's local time: days of the week and a daily window."""

    days: frozenset[int]
    start: time
    end: time | None  # None: until midnight
    text: str

    @classmethod
    def parse(cls, spec: str) -> OfficeHours:
        """'09:00-17:00', 'Mon-Fri 09:00-17:30' or 'Sat 10:00-14:00'; '' or 'always' for any time."""
        if spec.strip().lower() in ("", "always", "24/7"):
            return cls(frozenset(range(7)), time(0, 0), None, "any time")
        m = _HOURS_RE.match(spec)
        if not m:
            raise ConfigError(f"agent hours {spec!r} are not like 'Mon-Fri 09:00-17:00' or '09:00-17:00'")
        days = frozenset(range(7))
        if m["first"]:
            try:
                first = _DAYS.index(m["first"].lower())
                last = _DAYS.index((m["last"] or m["first"]).lower())
            except ValueError:
                raise ConfigError(f"agent hours {spec!r}: days are Mon, Tue, Wed, Thu, Fri, Sat, Sun") from None
            days = frozenset((first + i) % 7 for i in range((last - first) % 7 + 1))
        start, end = _clock(m["start"], spec), _clock(m["end"], spec)
        if end is not None and end <= start:
            raise ConfigError(f"agent hours {spec!r}: the end must be after the start")
        return cls(days, start, end, spec.strip())

    def open_at(self, moment: datetime) -> bool:
        """True when `moment` falls inside the hours."""
        if moment.weekday() not in self.days:
            return False
        now = moment.time()
        return self.start <= now and (self.end is None or now < self.end)


def _clock(text: str, spec: str) -> time | None:
    hours, minutes = (int(x) for x in text.split(":"))
    if (hours, minutes) == (24, 0):
        return None
    if hours > 23 or minutes > 59:
        raise ConfigError(f"agent hours {spec!r}: {text} is not a time of day")
    return time(hours, minutes)


class Presence:
    """Agents signed in to the console right now (a count per agent: several tabs are fine).

    This process's consoles only; with several processes, bot/coordination/presence.py adds
    the agents signed in through the others.
    """

    def __init__(self, hours: OfficeHours) -> None:
        self.hours = hours
        self._open: Counter[str] = Counter()

    def signed_in(self, agent: str) -> None:
        """An agent opened a console."""
        self._open[agent] += 1

    def signed_out(self, agent: str) -> None:
        """An agent closed a console."""
        self._open[agent] -= 1
        if self._open[agent] <= 0:
            del self._open[agent]

    def here(self) -> dict[str, int]:
        """Consoles open in this process, per agent."""
        return dict(self._open)

    @property
    def online(self) -> list[str]:
        """Agents with a console open."""
        return sorted(self._open)

    def available(self, moment: datetime | None = None) -> bool:
        """A person could answer now: within hours and someone signed in."""
        return bool(self.online) and self.hours.open_at(moment or datetime.now())
