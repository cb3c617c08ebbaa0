"""Dialogue: per-conversation state with slots, and the turn that turns a parsed message into a reply."""
