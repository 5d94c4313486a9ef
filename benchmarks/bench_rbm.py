"""Seconds per training epoch on Fashion-MNIST: skdbn.RBM, BernoulliRBM, bare GEMMs.

Run from the repository root (full run: a few minutes on 2 cores)::

    python benchmarks/bench_rbm.py
    python benchmarks/bench_rbm.py --n-samples 6000 --repeats 1  # quick smoke run

Each cell is the minimum over ``--repeats`` runs of 500 hidden units, batches of 100,
learning rate 0.01, for float32 and float64 and for PCD-1 and CD-1. The GEMM floor is
the four matrix products one update needs, alone, with numpy and preallocated outputs.
"""

import argparse
import os
import platform
import resource
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
import sklearn
import threadpoolctl
from sklearn.neural_network import BernoulliRBM

import skdbn
from skdbn.datasets import load_fashion_mnist

N_COMPONENTS = 500
BATCH_SIZE = 100
LEARNING_RATE = 0.01
DTYPES = (np.float32, np.float64)
METHODS = {"PCD-1": "pcd", "CD-1": "cd"}


def make_ours(method, n_epochs):
    return skdbn.RBM(
        n_components=N_COMPONENTS,
        batch_size=BATCH_SIZE,
        n_iter=n_epochs,
        method=method,
        n_gibbs_steps=1,
        learning_rate=LEARNING_RATE,
        random_state=0,
    )


def make_sklearn(n_epochs):
    return BernoulliRBM(
        n_components=N_COMPONENTS,
        batch_size=BATCH_SIZE,
        n_iter=n_epochs,
        learning_rate=LEARNING_RATE,
        random_state=0,
    )


def time_fit(estimator, X):
    start = time.perf_counter()
    estimator.fit(X)
    return time.perf_counter() - start


def time_gemm_floor(n_samples, n_features, n_epochs, dtype):
    """Seconds for the products of CD-1 / PCD-1 alone: both do the same four GEMMs.

    A partial last batch is costed as a full one, so the floor is never too low by
    more than one batch.
    """
    rng = np.random.default_rng(0)
    n_batches = -(-n_samples // BATCH_SIZE)
    W = (rng.standard_normal((N_COMPONENTS, n_features)) * 0.01).astype(dtype)
    # Data rows above chain rows, as in skdbn's workspace, so that the weight
    # gradient is one product of the stacked arrays.
    visible = rng.random((2 * BATCH_SIZE, n_features)).astype(dtype)
    hidden = rng.random((2 * BATCH_SIZE, N_COMPONENTS)).astype(dtype)
    hidden_sample = (rng.random((BATCH_SIZE, N_COMPONENTS)) < 0.5).astype(dtype)
    gradient = np.empty_like(W)
    v_data, v_model = visible[:BATCH_SIZE], visible[BATCH_SIZE:]
    h_data, h_model = hidden[:BATCH_SIZE], hidden[BATCH_SIZE:]
    start = time.perf_counter()
    for _ in range(n_epochs * n_batches):
        np.matmul(v_data, W.T, out=h_data)
        np.matmul(hidden_sample, W, out=v_model)
        np.matmul(v_model, W.T, out=h_model)
        np.matmul(hidden.T, visible, out=gradient)
    return time.perf_counter() - start


def traced_peak_mb(estimator, X):
    """Peak of Python-visible allocations (numpy included) made during one fit."""
    tracemalloc.start()
    try:
        estimator.fit(X)
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def git_commit():
    repo = Path(__file__).resolve().parent
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=repo,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(["git", "diff", "--quiet", "HEAD"], cwd=repo).returncode
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return commit + ("+uncommitted changes" if dirty else "")


def print_environment():
    print(
        f"skdbn {skdbn.__version__} at commit {git_commit()}; "
        f"numpy {np.__version__}, scikit-learn {sklearn.__version__}, "
        f"Python {platform.python_version()}, {platform.machine()}"
    )
    print("Thread pools (threadpoolctl):")
    for pool in threadpoolctl.threadpool_info():
        print(
            f"  - {Path(pool['filepath']).parent.name}: "
            f"{pool['internal_api']} {pool.get('version')}, "
            f"architecture {pool.get('architecture', 'n/a')}, "
            f"num_threads {pool['num_threads']}"
        )
    print()


def measure(args):
    """Rows of the timing table, peak memory per dtype and the data's shape."""
    rows, peaks = [], {}
    for dtype in DTYPES:
        X = load_fashion_mnist(dtype=dtype).data[: args.n_samples]
        n_samples, n_features = X.shape
        dtype_name = np.dtype(dtype).name
        floor, sklearn_time = [], []
        ours = {label: [] for label in METHODS}
        # Interleaved so that drift of the shared machine hits every contender alike.
        for repeat in range(args.repeats):
            floor.append(time_gemm_floor(n_samples, n_features, args.n_epochs, dtype))
            for label, method in METHODS.items():
                ours[label].append(time_fit(make_ours(method, args.n_epochs), X))
            sklearn_time.append(time_fit(make_sklearn(args.n_epochs), X))
            latest = ", ".join(
                [f"floor {floor[-1]:.2f}s"]
                + [f"ours {label} {times[-1]:.2f}s" for label, times in ours.items()]
                + [f"sklearn {sklearn_time[-1]:.2f}s"]
            )
            print(
                f"{dtype_name} repeat {repeat + 1}/{args.repeats}: {latest}",
                file=sys.stderr,
            )
        for label in METHODS:
            rows.append(
                (
                    dtype_name,
                    label,
                    min(ours[label]) / args.n_epochs,
                    min(sklearn_time) / args.n_epochs,
                    min(floor) / args.n_epochs,
                )
            )
        peaks[dtype_name] = (
            X.nbytes / 2**20,
            traced_peak_mb(make_ours("pcd", 1), X),
            traced_peak_mb(make_sklearn(1), X),
        )
    return rows, peaks, (n_samples, n_features)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--n-epochs",
        type=int,
        default=1,
        help="epochs per fit; times are reported per epoch",
    )
    parser.add_argument(
        "--n-samples",
        type=int,
        default=None,
        help="use only the first N training rows (smoke runs)",
    )
    parser.add_argument(
        "--repeats",
        type=int,
        default=3,
        help="runs per timing; the minimum is reported",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=None,
        help="BLAS threads (default: the libraries' own); 1 is steadier when other "
        "processes share the cores",
    )
    args = parser.parse_args(argv)

    load_at_start = os.getloadavg()[0]
    with threadpoolctl.threadpool_limits(limits=args.threads, user_api="blas"):
        print_environment()
        rows, peaks, (n_samples, n_features) = measure(args)

    print(
        f"One epoch over {n_samples} x {n_features} Fashion-MNIST rows, "
        f"{N_COMPONENTS} hidden units, batch size {BATCH_SIZE}; "
        f"minimum of {args.repeats} run(s) of {args.n_epochs} epoch(s), "
        "seconds per epoch.\n"
    )
    print(
        "| dtype | method | ours (s) | sklearn (s) | GEMM floor (s) "
        "| ours / floor | sklearn / ours |"
    )
    print("|---|---|--:|--:|--:|--:|--:|")
    for dtype_name, label, ours_s, sklearn_s, floor_s in rows:
        print(
            f"| {dtype_name} | {label} | {ours_s:.2f} | {sklearn_s:.2f}* "
            f"| {floor_s:.2f} | {ours_s / floor_s:.2f} | {sklearn_s / ours_s:.2f} |"
        )
    print(
        "\n* BernoulliRBM only implements PCD-1; its one timing per dtype is "
        "repeated on the CD-1 row."
    )
    print(
        "Ours and sklearn time the whole fit, one-off initialisation included. The "
        "floor is\nV @ W.T, H_sample @ W, V_model @ W.T and one stacked H.T @ V per "
        "batch, numpy only.\n"
    )

    print(
        "Peak memory: tracemalloc peak of new allocations during one PCD-1 fit "
        "(the data set, allocated before, not included).\n"
    )
    print("| dtype | data set (MiB) | ours peak (MiB) | sklearn peak (MiB) |")
    print("|---|--:|--:|--:|")
    for dtype_name, (data_mb, ours_mb, sklearn_mb) in peaks.items():
        print(f"| {dtype_name} | {data_mb:.1f} | {ours_mb:.1f} | {sklearn_mb:.1f} |")
    max_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nMaximum resident set size of the whole run: {max_rss:.0f} MiB.")
    # Other processes on the cores make the BLAS threads wait: judge the noise by it.
    load_at_end = os.getloadavg()[0]
    print(
        f"Load average (1 min) at start {load_at_start:.2f}, at end {load_at_end:.2f} "
        "(this run's own busy threads count in the second)."
    )


if __name__ == "__main__":
    main()
