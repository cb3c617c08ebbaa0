"""What the processes of one deployment share: live updates, turn order, rate limits, agent presence.

Each piece is an interface with an in-process version (the default: one process needs nothing
else) and a Redis version, used when `SHOPBOT_REDIS_URL` is set so that several Shopbot
processes behind one load balancer act as one. `wiring.open_coordination` picks them from
Settings; the rest of the server only sees the interfaces.
"""
