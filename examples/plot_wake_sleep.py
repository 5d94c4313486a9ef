"""
Wake-sleep fine-tuning against greedy training alone
====================================================

The same two-layer DBN, trained greedily, then with 20 epochs of untied wake-sleep:
the variational lower bound on held-out log-likelihood, the reconstructions, and the
accuracy of a logistic regression on the top-layer features.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import MinMaxScaler

from skdbn import DBN

X, y = load_digits(return_X_y=True)
X = (MinMaxScaler().fit_transform(X) > 0.5).astype(float)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, stratify=y, random_state=0
)
params = dict(
    hidden_layer_sizes=(100, 20), n_iter=20, fine_tuning_n_iter=20, random_state=0
)
models = {
    "greedy only": DBN(**params).fit(X_train),
    "greedy + wake-sleep": DBN(fine_tuning="wake-sleep", **params).fit(X_train),
}

# %%
# Bound (exact top-level log partition: the top RBM has 20 hidden units),
# reconstruction error of a deterministic up-down pass, and accuracy.
for name, dbn in models.items():
    reconstruction = dbn.inverse_transform(dbn.transform(X_test))
    head = LogisticRegression(C=100, max_iter=5000)
    head.fit(dbn.transform(X_train), y_train)
    print(
        f"{name:<20} bound {dbn.score(X_test):7.2f} nats  "
        f"reconstruction error {np.mean((reconstruction - X_test) ** 2):.4f}  "
        f"accuracy {head.score(dbn.transform(X_test), y_test):.4f}"
    )

# %%
# After untying, the generative weights are no longer the transposes of the
# recognition weights:
tuned = models["greedy + wake-sleep"]
gap = np.abs(tuned.generative_weights_[0] - tuned.recognition_weights_[0].T).mean()
print(f"mean |G - R^T| after wake-sleep: {gap:.4f}")

# %%
# Reconstructions of the first test digits.
fig, axes = plt.subplots(3, 8, figsize=(7, 2.8))
rows = {"data": X_test[:8]}
rows.update(
    {
        name: dbn.inverse_transform(dbn.transform(X_test[:8]))
        for name, dbn in models.items()
    }
)
for row, (title, images) in zip(axes, rows.items()):
    for ax, image in zip(row, images):
        ax.imshow(image.reshape(8, 8), cmap="gray_r", vmin=0, vmax=1)
        ax.set_axis_off()
    row[0].set_title(title, loc="left", fontsize=9)
plt.show()
