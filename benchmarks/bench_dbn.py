"""Cost of a DBN epoch on Fashion-MNIST: greedy epoch per layer vs a wake-sleep epoch.

Trains a 784-500-500 DBN (batch 100, CD-1 pretraining, CD-k in the top RBM during
wake-sleep) on Fashion-MNIST train, timing in one run: one greedy epoch of each layer,
the one-off propagation of the data to layer 2, and one wake-sleep epoch for several k.
Each figure is the minimum over ``--repeats`` runs (default 3); prints each as seconds
and as a ratio to one greedy epoch of the whole stack.

    python benchmarks/bench_dbn.py
    python benchmarks/bench_dbn.py --n-samples 6000  # quick smoke run
"""

import argparse
import time

import numpy as np

from skdbn import DBN, RBM
from skdbn.datasets import load_fashion_mnist

SIZES = (500, 500)
GREEDY = "greedy epoch of the stack (layer 1 + layer 2)"
BATCH_SIZE = 100


def timed(function):
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def one_run(X, common, gibbs_steps):
    """Time each kind of epoch once; return {name: seconds}."""
    layer1 = RBM(SIZES[0], **common)
    seconds_1, _ = timed(lambda: layer1.fit(X))
    seconds_up, hidden = timed(lambda: layer1.transform(X))
    layer2 = RBM(SIZES[1], **common)
    seconds_2, _ = timed(lambda: layer2.fit(hidden))
    rows = {
        "greedy epoch, layer 1 (784 -> 500)": seconds_1,
        "greedy epoch, layer 2 (500 -> 500)": seconds_2,
        "data propagated to layer 2 (once per fit)": seconds_up,
        GREEDY: seconds_1 + seconds_2,
    }
    for k in gibbs_steps:
        dbn = DBN(
            SIZES, fine_tuning_learning_rate=0.01, fine_tuning_n_gibbs_steps=k, **common
        ).fit(X)
        rng = np.random.default_rng(0)
        seconds, _ = timed(
            lambda: dbn._wake_sleep_epoch(X, rng.permutation(len(X)), rng)  # noqa: B023
        )
        rows[f"wake-sleep epoch, top RBM CD-{k}"] = seconds
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-samples", type=int, default=60000)
    parser.add_argument("--dtype", choices=["float32", "float64"], default="float32")
    parser.add_argument("--gibbs-steps", type=int, nargs="+", default=[1, 3, 10])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    X = load_fashion_mnist(dtype=np.dtype(args.dtype).type).data[: args.n_samples]
    common = dict(batch_size=BATCH_SIZE, learning_rate=0.01, n_iter=1, random_state=0)

    rows = {}
    for _ in range(args.repeats):
        for name, seconds in one_run(X, common, args.gibbs_steps).items():
            rows[name] = min(seconds, rows.get(name, np.inf))

    print(
        f"{len(X)} x {X.shape[1]} Fashion-MNIST rows, {args.dtype}, batch "
        f"{BATCH_SIZE}, DBN 784-{SIZES[0]}-{SIZES[1]}, minimum of {args.repeats} runs\n"
    )
    print("| epoch | seconds | ratio to a greedy epoch of the stack |")
    print("|---|--:|--:|")
    for name, seconds in rows.items():
        print(f"| {name} | {seconds:.2f} | {seconds / rows[GREEDY]:.2f} |")


if __name__ == "__main__":
    main()
