"""The human side of the store: agents' presence and hours, and the desk they work from."""
