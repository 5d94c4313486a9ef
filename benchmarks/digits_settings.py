"""The digits measurements behind skdbn's defaults and the user guide's DBN remarks.

1. RBM defaults: held-out log-likelihood (exact; 16 hidden units) on binarized digits
   after 20 epochs, over learning rate, momentum, batch size and CD-1 / PCD-1.
2. Depth on 8x8 digits: LogisticRegression(C=100) accuracy on the features of a
   200-unit RBM and of a (200, 200) DBN, greedy and with wake-sleep, 10 epochs per
   layer, with the mean per-unit standard deviation of the first layer's features.

    python benchmarks/digits_settings.py
"""

import itertools

import numpy as np
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import MinMaxScaler

from skdbn import DBN, RBM


def rbm_defaults(X_binary):
    train, test = X_binary[:1200], X_binary[1200:]
    print("| method | learning rate | momentum | batch | held-out log-likelihood |")
    print("|---|--:|--:|--:|--:|")
    grid = itertools.product(
        ["cd", "pcd"], [0.005, 0.01, 0.02, 0.05], [0.0, 0.5, 0.9], [10, 50]
    )
    for method, rate, momentum, batch in grid:
        rbm = RBM(
            16,
            n_iter=20,
            learning_rate=rate,
            momentum=momentum,
            batch_size=batch,
            method=method,
            random_state=0,
        )
        try:
            score = f"{rbm.fit(train).score(test):.2f}"
        except FloatingPointError:
            score = "diverged"
        print(f"| {method} | {rate} | {momentum} | {batch} | {score} |")


def depth(X, y):
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, stratify=y, random_state=0
    )
    models = {
        "RBM(200)": RBM(200, n_iter=10, random_state=0),
        "DBN((200, 200))": DBN((200, 200), n_iter=10, random_state=0),
        "DBN((200, 200)) + wake-sleep": DBN(
            (200, 200), n_iter=10, fine_tuning="wake-sleep", random_state=0
        ),
    }
    print("\n| features | accuracy | first-layer feature std |")
    print("|---|--:|--:|")
    for name, model in models.items():
        model.fit(X_train)
        head = LogisticRegression(C=100, max_iter=5000)
        head.fit(model.transform(X_train), y_train)
        first = model if isinstance(model, RBM) else model.rbms_[0]
        spread = first.transform(X_train).std(axis=0).mean()
        accuracy = head.score(model.transform(X_test), y_test)
        print(f"| {name} | {accuracy:.4f} | {spread:.3f} |")


def main():
    X, y = load_digits(return_X_y=True)
    X = MinMaxScaler().fit_transform(X)
    rbm_defaults((X > 0.5).astype(np.float64))
    depth(X, y)


if __name__ == "__main__":
    main()
