"""Stand-ins for external services that tests and benchmarks talk to over real sockets."""
