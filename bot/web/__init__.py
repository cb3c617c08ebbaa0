"""The pages people open in a browser: the demo store with the chat widget, and the agent console."""
