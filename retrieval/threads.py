"""The cores go to torch: one pool of compute threads per process.

A turn alternates torch forward passes (the encoder, the intent model) with small numpy
matrix products (the out-of-scope detector, scoring and ranking). After each product
OpenBLAS's threads keep spinning for a while, so a forward pass that follows finds the
cores taken: parsing one message took 16 ms at the median and 96 ms at p95 instead of 6.4
and 8.5 ms. numpy's products here are small enough for one thread, so BLAS gets one and
torch gets every core.
"""

from __future__ import annotations

import os


def give_cores_to_torch() -> None:
    """Torch uses the machine's cores (never more threads than cores); BLAS uses one thread."""
    import torch
    from threadpoolctl import threadpool_limits

    torch.set_num_threads(max(1, min(torch.get_num_threads(), os.cpu_count() or 1)))
    # Called as a function, the limit stays for the life of the process.
    threadpool_limits(1, user_api="blas")
