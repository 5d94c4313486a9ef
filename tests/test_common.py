"""sklearn's estimator checks on every public estimator, with no expected failures."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from skdbn import DBN, RBM

# Small, fast settings: the checks fit dozens of times on tiny data.
ESTIMATORS = [
    RBM(n_components=3, n_iter=3, batch_size=5, random_state=0),
    RBM(n_components=3, n_iter=2, method="pcd", n_gibbs_steps=2, random_state=0),
    DBN((4, 3), n_iter=2, batch_size=5, random_state=0),
    DBN(
        (4, 3),
        n_iter=2,
        fine_tuning="wake-sleep",
        fine_tuning_n_iter=2,
        n_bound_samples=3,
        random_state=0,
    ),
]


@parametrize_with_checks(ESTIMATORS)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
