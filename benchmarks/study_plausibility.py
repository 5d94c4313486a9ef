"""How biologically plausible, and at what cost? Local rules against backprop.

Trains, on digits and on Fashion-MNIST: an RBM with CD-1, an RBM with PCD-1, a greedy
DBN, a DBN fine-tuned by untied wake-sleep (each followed by the same
LogisticRegression head), and sklearn's MLPClassifier with the DBN's hidden layers
trained by backprop. Prints one table per data set: plausibility properties of each
learning rule, test accuracy, held-out log-likelihood (RBM) or its variational lower
bound (DBN) in nats, and training time as a ratio to the RBM CD-1 run.

    python benchmarks/study_plausibility.py                # digits + Fashion-MNIST
    python benchmarks/study_plausibility.py --fashion-rows 0   # digits only
"""

import argparse
import time
import warnings

import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler

from skdbn import DBN, RBM
from skdbn.datasets import load_fashion_mnist

SEED = 0
HIDDEN = (256, 256)

# Properties of each learning rule: every update local to the two layers it
# connects; feedback weights tied to feedforward ones (weight transport); needs the
# derivative of the activation; phases per update.
PROPERTIES = {
    "RBM, CD-1": (
        "yes",
        "yes (one symmetric W)",
        "no",
        "2 (data, 1-step reconstruction)",
    ),
    "RBM, PCD-1": ("yes", "yes (one symmetric W)", "no", "2 (data, persistent chain)"),
    "DBN, greedy": ("yes", "yes (tied)", "no", "2 per layer, layer by layer"),
    "DBN + wake-sleep": ("yes", "no (untied)", "no", "2 (wake, sleep) + top CD-k"),
    "MLP, backprop": (
        "no (errors cross layers)",
        "yes (W^T carries errors)",
        "yes",
        "2 (forward, backward)",
    ),
}


def models(n_iter, batch_size):
    rbm = dict(n_iter=n_iter, batch_size=batch_size, random_state=SEED)
    return {
        "RBM, CD-1": RBM(HIDDEN[0], method="cd", **rbm),
        "RBM, PCD-1": RBM(HIDDEN[0], method="pcd", learning_rate=0.01, **rbm),
        "DBN, greedy": DBN(HIDDEN, **rbm),
        "DBN + wake-sleep": DBN(
            HIDDEN, fine_tuning="wake-sleep", fine_tuning_n_iter=n_iter, **rbm
        ),
        "MLP, backprop": MLPClassifier(
            HIDDEN, max_iter=4 * n_iter, batch_size=batch_size, random_state=SEED
        ),
    }


def run(X_train, X_test, y_train, y_test, n_iter, batch_size):
    rows = {}
    for name, model in models(n_iter, batch_size).items():
        if isinstance(model, MLPClassifier):
            pipeline = model
        else:
            pipeline = make_pipeline(model, LogisticRegression(C=100, max_iter=3000))
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            pipeline.fit(X_train, y_train)
        seconds = time.perf_counter() - start
        accuracy = pipeline.score(X_test, y_test)
        if isinstance(model, MLPClassifier):
            nats = "n/a (not a density model)"
        else:
            # A probability only for binary v: score the binarized test images.
            binary = (X_test > 0.5).astype(X_test.dtype)
            nats = f"{model.score(binary):.2f}"
            if isinstance(model, DBN):
                nats += " (bound)"
        rows[name] = (accuracy, nats, seconds)
    return rows


def print_table(title, rows):
    base = rows["RBM, CD-1"][2]
    print(f"\n### {title}\n")
    print(
        "| model | local updates | weight transport | activation derivative "
        "| phases per update | accuracy | log-likelihood (nats) | time / RBM CD-1 |"
    )
    print("|---|---|---|---|---|--:|--:|--:|")
    for name, (accuracy, nats, seconds) in rows.items():
        properties = " | ".join(PROPERTIES[name])
        print(
            f"| {name} | {properties} | {accuracy:.4f} | {nats} | "
            f"{seconds / base:.2f} |"
        )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--fashion-rows",
        type=int,
        default=10000,
        help="Fashion-MNIST training rows (0 skips it)",
    )
    parser.add_argument("--n-iter", type=int, default=10)
    args = parser.parse_args(argv)
    print(
        f"Seed {SEED}; hidden layers {HIDDEN}; {args.n_iter} epochs per layer "
        "(and of wake-sleep); head LogisticRegression(C=100); MLP: adam, "
        f"{4 * args.n_iter} epochs at most."
    )

    X, y = load_digits(return_X_y=True)
    X = MinMaxScaler().fit_transform(X)
    split = train_test_split(X, y, test_size=0.25, stratify=y, random_state=SEED)
    print_table(
        "Digits (1347 train / 450 test, batch 10)",
        run(*split, n_iter=args.n_iter, batch_size=10),
    )

    if args.fashion_rows:
        train, test = load_fashion_mnist(), load_fashion_mnist(subset="test")
        rows = np.random.default_rng(SEED).choice(
            len(train.data), args.fashion_rows, replace=False
        )
        print_table(
            f"Fashion-MNIST ({args.fashion_rows} train / 10000 test, float32, "
            "batch 50)",
            run(
                train.data[rows],
                test.data,
                train.target[rows],
                test.target,
                n_iter=args.n_iter,
                batch_size=50,
            ),
        )


if __name__ == "__main__":
    main()
