"""Shared fixtures: sklearn's digits scaled to [0, 1], and binarized."""

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.preprocessing import MinMaxScaler


@pytest.fixture(scope="session")
def digits():
    X, y = load_digits(return_X_y=True)
    return MinMaxScaler().fit_transform(X), y


@pytest.fixture(scope="session")
def binary_digits(digits):
    X, y = digits
    return (X > 0.5).astype(np.float64), y
