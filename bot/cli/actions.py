"""`shopbot actions`: serve Shopbot's Rasa custom actions (the rasa-sdk action server)."""

from __future__ import annotations

import click

from bot.cli import settings_of


def register(main: click.Group) -> None:
    """Add the actions command to the CLI."""

    @main.command("actions")
    @click.option("--port", type=click.IntRange(1, 65535), default=5055, show_default=True, help="Port of the action server.")
    @click.option("--cors", multiple=True, help="Allowed CORS origin (repeatable; default none).")
    @click.pass_context
    def serve_actions(ctx: click.Context, port: int, cors: tuple[str, ...]) -> None:
        """Serve the custom actions for a Rasa assistant: `python -m rasa_sdk --actions actions` with
        this command's settings. Point Rasa's endpoints.yml at http://HOST:PORT/webhook."""
        from rasa_sdk.__main__ import main_from_args
        from rasa_sdk.endpoint import create_argument_parser

        from actions import resources

        # Settings are read here, once, and handed to the actions; a bad config fails now, not on the first call.
        resources.configure(settings_of(ctx))
        argv = ["--actions", "actions", "--port", str(port)]
        for origin in cors:
            argv += ["--cors", origin]
        main_from_args(create_argument_parser().parse_args(argv))
