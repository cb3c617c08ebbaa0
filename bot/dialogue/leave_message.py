"""Leaving a message for the team when nobody can take the conversation now."""

from __future__ import annotations

from bot.dialogue.state import DialogueState
from bot.nlu.entities.orders import extract_emails


def offline_note(hours: str) -> str:
    """What the shopper is told when a person is asked for but nobody is available."""
    when = "" if hours == "any time" else f" (we're here {hours})"
    return (
        f"Nobody from our team is available right now{when}. Leave a message with your email address "
        "and we'll get back to you by email."
    )


def acknowledge(state: DialogueState, text: str) -> str:
    """The bot's answer to a message left for the team; asks for an email address until it has one.

    The address itself is never repeated back: personal data is not echoed.
    """
    if any(extract_emails(text)):
        state.leaving_message = False
        return "Thank you! Your message and email address are saved for our team, and they'll reply by email."
    return "Thanks, your message is saved for our team. What email address should they reply to?"
