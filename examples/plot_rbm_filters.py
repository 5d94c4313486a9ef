"""
The filters an RBM learns
=========================

Each row of ``components_`` is one hidden unit's weights on the 64 pixels: shown as
an 8x8 image, it is the stroke pattern the unit responds to.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.preprocessing import MinMaxScaler

from skdbn import RBM

X = MinMaxScaler().fit_transform(load_digits().data)
rbm = RBM(n_components=64, n_iter=30, random_state=0).fit(X)

# %%
# Units ordered by how much their activity varies over the data: the most
# informative filters first.
order = np.argsort(-rbm.transform(X).std(axis=0))
fig, axes = plt.subplots(8, 8, figsize=(6, 6))
for ax, unit in zip(axes.ravel(), order):
    weights = rbm.components_[unit].reshape(8, 8)
    limit = np.abs(weights).max()
    ax.imshow(weights, cmap="RdBu_r", vmin=-limit, vmax=limit)
    ax.set_axis_off()
fig.suptitle("RBM filters (red: excitatory, blue: inhibitory)")
plt.show()
