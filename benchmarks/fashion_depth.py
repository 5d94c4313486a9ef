"""Does depth pay on Fashion-MNIST? One RBM against DBNs at a similar epoch budget.

10 000 training rows (seed 0), the 10 000 test rows, float32, batch 50; the features
of each model feed LogisticRegression(C=100). Prints test accuracy and fit seconds.

    python benchmarks/fashion_depth.py
"""

import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression

from skdbn import DBN, RBM
from skdbn.datasets import load_fashion_mnist

MODELS = {
    "RBM(256), 20 epochs": RBM(256, n_iter=20, batch_size=50, random_state=0),
    "DBN((256, 256)), 10 epochs/layer": DBN(
        (256, 256), n_iter=10, batch_size=50, random_state=0
    ),
    "DBN((256, 256)) + 10 epochs of wake-sleep": DBN(
        (256, 256),
        n_iter=10,
        batch_size=50,
        fine_tuning="wake-sleep",
        fine_tuning_n_iter=10,
        random_state=0,
    ),
    "DBN((256, 512)), 10 epochs/layer": DBN(
        (256, 512), n_iter=10, batch_size=50, random_state=0
    ),
}


def main():
    train, test = load_fashion_mnist(), load_fashion_mnist(subset="test")
    rows = np.random.default_rng(0).choice(len(train.data), 10000, replace=False)
    X, y = train.data[rows], train.target[rows]
    print("| features | test accuracy | fit (s) |")
    print("|---|--:|--:|")
    for name, model in MODELS.items():
        start = time.perf_counter()
        model.fit(X)
        seconds = time.perf_counter() - start
        head = LogisticRegression(C=100, max_iter=3000)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            head.fit(model.transform(X), y)
        accuracy = head.score(model.transform(test.data), test.target)
        print(f"| {name} | {accuracy:.4f} | {seconds:.0f} |")


if __name__ == "__main__":
    main()
