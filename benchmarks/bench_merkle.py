"""Merkle tree speed: the batch root of a million leaves and the accumulator's appends per second.

    PYTHONPATH=src python benchmarks/bench_merkle.py [--leaves 1000000] [--json]

Moved here from the tests: a timing depends on the machine's load, so it is measured and
reported, never asserted in the test suite (target: root of 1M leaves well under 5 s).
"""

from __future__ import annotations

import argparse
import json
import os
import time

from projlife.audit.merkle import MerkleAccumulator, root

__all__ = ["run_merkle_benchmark"]


def run_merkle_benchmark(leaves: int = 1_000_000) -> dict[str, float]:
    """Seconds for the batch root of ``leaves`` random leaves, and accumulator appends per second."""
    hashes = [os.urandom(32) for _ in range(leaves)]
    start = time.perf_counter()
    batch = root(hashes)
    root_seconds = time.perf_counter() - start
    acc = MerkleAccumulator()
    start = time.perf_counter()
    for h in hashes:
        acc.append(h)
    append_seconds = time.perf_counter() - start
    if acc.root() != batch:
        raise SystemExit("the accumulator's root differs from the batch root")
    return {
        "leaves": leaves,
        "root_seconds": round(root_seconds, 3),
        "appends_per_second": round(leaves / append_seconds),
        "target_root_seconds": 5.0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leaves", type=int, default=1_000_000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = run_merkle_benchmark(args.leaves)
    if args.json:
        print(json.dumps(result))
    else:
        print(
            f"root({result['leaves']:,}) = {result['root_seconds']:.2f} s (target < 5 s); "
            f"accumulator {result['appends_per_second']:,.0f} appends/s"
        )


if __name__ == "__main__":
    main()
