"""Channels: thin adapters between a transport (REST, WebSocket, terminal, messaging apps) and the Assistant."""
