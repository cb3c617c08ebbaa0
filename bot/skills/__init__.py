"""Skills: what the assistant does with an understood message; each decides the facts of its answer."""
