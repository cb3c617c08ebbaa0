"""Agent hours and presence: when a shopper can reach a person."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.agents.presence import OfficeHours, Presence
from bot.errors import ConfigError

MONDAY_10 = datetime(2026, 11, 23, 10, 0)
MONDAY_8 = datetime(2026, 11, 23, 8, 59)
MONDAY_17 = datetime(2026, 11, 23, 17, 0)
SATURDAY_10 = datetime(2026, 11, 28, 10, 0)
SUNDAY_23 = datetime(2026, 11, 29, 23, 30)


@pytest.mark.parametrize(
    ("spec", "open_at", "closed_at"),
    [
        ("always", [MONDAY_8, SATURDAY_10, SUNDAY_23], []),
        ("", [MONDAY_10, SUNDAY_23], []),
        ("09:00-17:00", [MONDAY_10, SATURDAY_10], [MONDAY_8, MONDAY_17, SUNDAY_23]),
        ("Mon-Fri 09:00-17:00", [MONDAY_10], [SATURDAY_10, MONDAY_8, MONDAY_17]),
        ("sat 10:00-14:00", [SATURDAY_10], [MONDAY_10]),
        ("Fri-Mon 9:00-24:00", [MONDAY_10, SATURDAY_10, SUNDAY_23], [MONDAY_8]),  # wraps over the weekend
    ],
)
def test_hours_say_when_agents_work(spec: str, open_at: list[datetime], closed_at: list[datetime]) -> None:
    hours = OfficeHours.parse(spec)
    assert all(hours.open_at(t) for t in open_at)
    assert not any(hours.open_at(t) for t in closed_at)


@pytest.mark.parametrize(
    ("spec", "fragment"),
    [
        ("9 to 5", "not like 'Mon-Fri 09:00-17:00'"),
        ("Mon-Fry 09:00-17:00", "days are Mon"),
        ("17:00-09:00", "end must be after the start"),
        ("09:00-25:00", "not a time of day"),
    ],
)
def test_bad_hours_are_refused_with_the_reason(spec: str, fragment: str) -> None:
    with pytest.raises(ConfigError, match=fragment):
        OfficeHours.parse(spec)


def test_a_person_is_available_only_when_signed_in_within_hours() -> None:
    presence = Presence(OfficeHours.parse("Mon-Fri 09:00-17:00"))
    assert not presence.available(MONDAY_10)  # nobody signed in
    presence.signed_in("alice")
    presence.signed_in("alice")  # a second tab
    assert presence.available(MONDAY_10) and not presence.available(SATURDAY_10)
    presence.signed_out("alice")
    assert presence.online == ["alice"]  # one tab still open
    presence.signed_out("alice")
    assert presence.online == [] and not presence.available(MONDAY_10)
