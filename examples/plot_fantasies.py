"""
Fantasies from an RBM and a DBN
===============================

Samples from the models: ``RBM.sample`` runs a Gibbs chain in the RBM;
``DBN.sample`` runs one in the top RBM, then a down-pass through the generative
weights. Both take their own ``random_state`` and leave the model unchanged.
"""

# %%
import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from sklearn.preprocessing import MinMaxScaler

from skdbn import DBN, RBM

X = (MinMaxScaler().fit_transform(load_digits().data) > 0.5).astype(float)
rbm = RBM(n_components=100, n_iter=30, random_state=0).fit(X)
dbn = DBN(
    (100, 50),
    n_iter=30,
    fine_tuning="wake-sleep",
    fine_tuning_n_iter=10,
    random_state=0,
).fit(X)

# %%
# Visible probabilities of the last step of 1000-step chains.
samples = {
    "training digits": X[:10],
    "RBM fantasies": rbm.sample(
        10, n_steps=1000, random_state=0, return_probabilities=True
    ),
    "DBN fantasies": dbn.sample(
        10, n_steps=1000, random_state=0, return_probabilities=True
    ),
}
fig, axes = plt.subplots(3, 10, figsize=(8, 2.8))
for row, (title, images) in zip(axes, samples.items()):
    for ax, image in zip(row, images):
        ax.imshow(image.reshape(8, 8), cmap="gray_r", vmin=0, vmax=1)
        ax.set_axis_off()
    row[0].set_title(title, loc="left", fontsize=9)
plt.show()
