"""What the tests and the benchmarks run Shopbot against: real server processes and a fake model endpoint."""
