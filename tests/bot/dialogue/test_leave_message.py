"""Leaving a message for the team: asked for an email until one is given, never echoed."""

from __future__ import annotations

from bot.dialogue.leave_message import acknowledge, offline_note
from bot.dialogue.state import DialogueState


def test_the_bot_asks_for_an_email_until_it_has_one() -> None:
    state = DialogueState(leaving_message=True)
    assert "What email address" in acknowledge(state, "My parcel arrived damaged, I'd like a replacement")
    assert state.leaving_message
    thanks = acknowledge(state, "sure, it's Jane.Doe@Example.com")
    assert "saved for our team" in thanks and "example.com" not in thanks.lower()
    assert not state.leaving_message


def test_the_offline_note_names_the_hours_when_there_are_some() -> None:
    assert "(we're here Mon-Fri 09:00-17:00)" in offline_note("Mon-Fri 09:00-17:00")
    assert "we're here" not in offline_note("any time") and "email address" in offline_note("any time")
