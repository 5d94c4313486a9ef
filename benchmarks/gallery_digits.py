"""sklearn's gallery RBM experiment (nudged digits) with sklearn's RBM and with ours.

Settings of the gallery: 100 hidden units, learning rate 0.06, 10 epochs, then
LogisticRegression(C=6000) with the default tolerance; raw pixels use C=100. The split
is 80/20 with random_state=0. Also runs the skdbn settings that reach >= 0.95.
Takes about eight minutes on two cores (the C=6000 heads dominate).

    python benchmarks/gallery_digits.py
"""

import time
import warnings

from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.neural_network import BernoulliRBM
from sklearn.pipeline import Pipeline

from skdbn import RBM
from skdbn.datasets import load_nudged_digits

HEAD = LogisticRegression(C=6000, max_iter=1000)
CONTENDERS = {
    "raw pixels (LogisticRegression C=100)": None,
    "sklearn BernoulliRBM, gallery settings": BernoulliRBM(
        n_components=100, learning_rate=0.06, n_iter=10, random_state=0
    ),
    "skdbn RBM, gallery settings (momentum 0)": RBM(
        n_components=100, learning_rate=0.06, n_iter=10, momentum=0.0, random_state=0
    ),
    "skdbn RBM, gallery settings, default momentum 0.5": RBM(
        n_components=100, learning_rate=0.06, n_iter=10, random_state=0
    ),
    "skdbn RBM, 500 units, PCD-1, lr 0.02, 20 epochs": RBM(
        n_components=500, method="pcd", learning_rate=0.02, n_iter=20, random_state=0
    ),
    "skdbn RBM, 500 units, CD-1, lr 0.02, 20 epochs": RBM(
        n_components=500, learning_rate=0.02, n_iter=20, random_state=0
    ),
    "skdbn RBM, 500 units, CD-1, lr 0.01, 40 epochs": RBM(
        n_components=500, learning_rate=0.01, n_iter=40, random_state=0
    ),
    "skdbn RBM, 1000 units, CD-1, lr 0.02, 20 epochs": RBM(
        n_components=1000, learning_rate=0.02, n_iter=20, random_state=0
    ),
}


def main():
    X, y = load_nudged_digits()
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.2, random_state=0
    )
    print(f"{'model':<50} {'accuracy':>8} {'fit (s)':>8}")
    for name, rbm in CONTENDERS.items():
        if rbm is None:
            model = LogisticRegression(C=100, max_iter=1000)
        else:
            model = Pipeline([("rbm", clone(rbm)), ("logistic", clone(HEAD))])
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(X_train, y_train)
        seconds = time.perf_counter() - start
        print(f"{name:<50} {model.score(X_test, y_test):>8.4f} {seconds:>8.1f}")


if __name__ == "__main__":
    main()
