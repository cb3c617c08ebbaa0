"""Entry point: `python -m bot` and the `shopbot` console script."""

from bot.cli import main

if __name__ == "__main__":
    main()
