"""
Grid search over a DBN pipeline
===============================

``GridSearchCV`` over the depth of a DBN, its fine-tuning and its learning rate, with a
logistic-regression head, on digits.
"""

# %%
import pandas as pd
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler

from skdbn import DBN

X, y = load_digits(return_X_y=True)
X = MinMaxScaler().fit_transform(X)
pipeline = make_pipeline(
    DBN(n_iter=10, fine_tuning_n_iter=5, random_state=0),
    LogisticRegression(C=100, max_iter=3000),
)
grid = {
    "dbn__hidden_layer_sizes": [(100,), (100, 100)],
    "dbn__fine_tuning": [None, "wake-sleep"],
    "dbn__learning_rate": [0.02, 0.05],
}
search = GridSearchCV(pipeline, grid, cv=3, n_jobs=2).fit(X, y)

# %%
# The results, best first. With one layer, "wake-sleep" only fine-tunes the single
# (top) RBM.
results = pd.DataFrame(search.cv_results_)
results["param_dbn__fine_tuning"] = results["param_dbn__fine_tuning"].fillna("none")
columns = [
    "param_dbn__hidden_layer_sizes",
    "param_dbn__fine_tuning",
    "param_dbn__learning_rate",
    "mean_test_score",
    "std_test_score",
    "mean_fit_time",
]
print(
    results[columns]
    .sort_values("mean_test_score", ascending=False)
    .to_string(index=False)
)
print("best:", search.best_params_)
