"""
RBM features on Fashion-MNIST
=============================

Reads the Fashion-MNIST IDX files from disk with
:func:`skdbn.datasets.load_fashion_mnist`. On Debian and Ubuntu,
``apt-get install dataset-fashion-mnist`` puts them in
``/usr/share/datasets/fashion-mnist``; elsewhere, download the four
``*-ubyte.gz`` files of Fashion-MNIST and set ``SKDBN_FASHION_MNIST`` to their
directory. Without the files, this example says so and stops.
"""

# %%
import time

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

from skdbn import RBM
from skdbn.datasets import load_fashion_mnist

try:
    train = load_fashion_mnist(subset="train")
    test = load_fashion_mnist(subset="test")
except FileNotFoundError as error:
    print(error)
    train = None

# %%
# 10 000 training images keep this example to about a minute on two cores; float32
# halves the cost of every matrix product.
if train is not None:
    rng = np.random.default_rng(0)
    rows = rng.choice(len(train.data), 10000, replace=False)
    X_train, y_train = train.data[rows], train.target[rows]
    models = {
        "raw pixels": LogisticRegression(max_iter=2000),
        "RBM (256 units, 10 epochs)": make_pipeline(
            RBM(
                n_components=256,
                batch_size=50,
                n_iter=10,
                learning_rate=0.02,
                random_state=0,
            ),
            LogisticRegression(max_iter=2000),
        ),
    }
    for name, model in models.items():
        start = time.perf_counter()
        model.fit(X_train, y_train)
        seconds = time.perf_counter() - start
        accuracy = model.score(test.data, test.target)
        print(f"{name:<28} test accuracy {accuracy:.4f}  fit {seconds:.1f}s")
