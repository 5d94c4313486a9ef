"""Loader for IDX files (MNIST, Fashion-MNIST), which sklearn has no reader for."""

import gzip
import os
from pathlib import Path

import numpy as np
from sklearn.utils import Bunch

# Where Debian's ``dataset-fashion-mnist`` package installs the four files.
FASHION_MNIST_DIR = Path("/usr/share/datasets/fashion-mnist")

_IDX_DTYPES = {
    0x08: np.uint8,
    0x09: np.int8,
    0x0B: ">i2",
    0x0C: ">i4",
    0x0D: ">f4",
    0x0E: ">f8",
}


def read_idx(path):
    """Read an IDX file (optionally gzip-compressed) into a numpy array.

    Parameters
    ----------
    path : str or path-like
        File in the IDX format of LeCun's MNIST distribution.

    Returns
    -------
    array : ndarray
        The array, with the shape and dtype the file's header declares.
    """
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as stream:
        data = stream.read()
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] not in _IDX_DTYPES:
        raise ValueError(f"{path} is not an IDX file (bad magic number).")
    n_dims = data[3]
    shape = tuple(
        int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(n_dims)
    )
    dtype = np.dtype(_IDX_DTYPES[data[2]])
    offset = 4 + 4 * n_dims
    expected = offset + int(np.prod(shape)) * dtype.itemsize
    if len(data) != expected:
        raise ValueError(
            f"{path} is truncated or corrupt: {len(data)} bytes, expected {expected}."
        )
    array = np.frombuffer(data, dtype=dtype, offset=offset).reshape(shape)
    # A writable copy in the machine's byte order (IDX stores big-endian).
    return array.astype(dtype.newbyteorder("="))


def load_fashion_mnist(data_home=None, *, subset="train", dtype=np.float32):
    """Fashion-MNIST from local IDX files, pixels scaled to [0, 1].

    Parameters
    ----------
    data_home : str or path-like, default=None
        Directory holding ``train-images-idx3-ubyte.gz`` and the three other files.
        Defaults to ``$SKDBN_FASHION_MNIST`` if set, else the directory of Debian's
        ``dataset-fashion-mnist`` package (``/usr/share/datasets/fashion-mnist``).

    subset : {"train", "test"}, default="train"
        The 60 000 training or the 10 000 test images.

    dtype : dtype, default=np.float32
        Floating dtype of the returned pixels.

    Returns
    -------
    data : Bunch
        ``data`` of shape (n_samples, 784) in [0, 1], ``target`` of shape
        (n_samples,) with the class indices 0-9, and ``images`` of shape
        (n_samples, 28, 28).
    """
    if subset not in ("train", "test"):
        raise ValueError(f"subset must be 'train' or 'test'; got {subset!r}.")
    directory = Path(
        data_home or os.environ.get("SKDBN_FASHION_MNIST", FASHION_MNIST_DIR)
    )
    prefix = "train" if subset == "train" else "t10k"
    images_path = directory / f"{prefix}-images-idx3-ubyte.gz"
    labels_path = directory / f"{prefix}-labels-idx1-ubyte.gz"
    if not images_path.exists():
        raise FileNotFoundError(
            f"{images_path} not found. Install Debian's dataset-fashion-mnist package "
            "(apt-get install dataset-fashion-mnist) or download the four IDX files "
            "of Fashion-MNIST and pass their directory as data_home."
        )
    images = read_idx(images_path)
    data = images.reshape(len(images), -1).astype(dtype)
    data /= 255
    return Bunch(
        data=data, target=read_idx(labels_path).astype(np.int64), images=images
    )


def load_nudged_digits(*, dtype=np.float64):
    """Sklearn's 8x8 digits plus four copies shifted by one pixel, scaled to [0, 1].

    The data set of scikit-learn's gallery example "Restricted Boltzmann Machine
    features for digit classification": each image also appears moved one pixel up,
    down, left and right (the vacated row or column is zero), so there are
    5 x 1797 = 8985 images. Pixels are min-max scaled per feature to [0, 1].

    Parameters
    ----------
    dtype : dtype, default=np.float64
        Floating dtype of the returned pixels.

    Returns
    -------
    X : ndarray of shape (8985, 64)
        Images, one per row.

    y : ndarray of shape (8985,)
        Digit labels.
    """
    from sklearn.datasets import load_digits
    from sklearn.preprocessing import minmax_scale

    X, y = load_digits(return_X_y=True)
    images = X.reshape(-1, 8, 8)
    shifted = [images]
    for axis, step in ((1, 1), (1, -1), (2, 1), (2, -1)):
        moved = np.roll(images, step, axis=axis)
        edge = 0 if step == 1 else -1
        if axis == 1:
            moved[:, edge, :] = 0
        else:
            moved[:, :, edge] = 0
        shifted.append(moved)
    X = np.concatenate(shifted).reshape(-1, 64)
    return minmax_scale(X).astype(dtype), np.tile(y, 5)
