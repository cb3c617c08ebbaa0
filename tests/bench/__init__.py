"""Shopbot's benchmarks: speed and memory of search, message understanding, generation, turns,
Rasa actions, product copy and onboarding, each next to a baseline measured in the same run.

    python -m tests.bench [--suite search|nlu|generation|turns|actions|copy|onboarding|all]
    python -m tests.bench.loadgen --url http://127.0.0.1:8080    # load on a running server

`make bench` runs every suite on the demo data dir.
"""
