"""Behaviour of the RBM estimator: likelihoods, sklearn integration, input handling."""

import itertools
import pickle
import re

import joblib
import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline

from skdbn import RBM


def fitted_params(rbm):
    return rbm.components_, rbm.intercept_visible_, rbm.intercept_hidden_


# --------------------------------------------------------------- likelihood


def test_score_samples_is_a_normalised_distribution():
    rng = np.random.default_rng(0)
    X = (rng.random((40, 6)) < 0.3).astype(float)
    rbm = RBM(
        n_components=4, n_iter=30, batch_size=5, learning_rate=0.1, random_state=0
    ).fit(X)
    every_state = np.array(list(itertools.product([0.0, 1.0], repeat=6)))
    total = np.exp(rbm.score_samples(every_state)).sum()
    assert total == pytest.approx(1.0, abs=1e-10)


def test_score_samples_matches_brute_force_joint():
    rbm = RBM(n_components=3, n_iter=1, random_state=0).fit(np.eye(4))
    W, b, c = fitted_params(rbm)
    V = np.array(list(itertools.product([0.0, 1.0], repeat=4)))
    H = np.array(list(itertools.product([0.0, 1.0], repeat=3)))
    log_joint = (V @ b)[:, None] + (H @ c)[None, :] + V @ W.T @ H.T
    log_marginal = np.logaddexp.reduce(log_joint, axis=1)
    log_z = np.logaddexp.reduce(log_marginal)
    np.testing.assert_allclose(rbm.score_samples(V), log_marginal - log_z, atol=1e-10)
    assert rbm.log_partition("exact") == pytest.approx(log_z, abs=1e-10)


def test_ais_within_half_a_nat_of_exact_on_trained_digits_model(binary_digits):
    X, _ = binary_digits
    rbm = RBM(n_components=18, n_iter=10, random_state=0).fit(X)
    exact = rbm.log_partition("exact")
    ais, std = rbm.log_partition("ais", random_state=0, return_std=True)
    assert abs(ais - exact) < 0.5
    assert std < 0.5
    assert rbm.log_partition() == exact  # "auto" is exact for 18 hidden units


def test_score_uses_ais_deterministically_for_large_layers(binary_digits):
    X, _ = binary_digits
    rbm = RBM(n_components=24, n_iter=2, random_state=0).fit(X[:300])
    first = rbm.score_samples(X[:50])
    again = clone(rbm).fit(X[:300]).score_samples(X[:50])
    np.testing.assert_array_equal(first, again)
    np.testing.assert_array_equal(rbm.score_samples(X[10:20]), first[10:20])
    assert rbm.score(X[:50]) == pytest.approx(first.mean())


def test_score_follows_parameters_edited_in_place(binary_digits):
    X, _ = binary_digits
    rbm = RBM(n_components=8, n_iter=2, random_state=0).fit(X[:200])
    before = rbm.score(X[:50])
    rbm.components_ *= 0.5
    assert rbm.score(X[:50]) == pytest.approx(
        np.mean(-rbm.free_energy(X[:50]) - rbm.log_partition("exact"))
    )
    assert rbm.score(X[:50]) != before


def test_log_partition_does_not_modify_estimator(binary_digits):
    X, _ = binary_digits
    rbm = RBM(n_components=8, n_iter=1, random_state=0).fit(X[:100])
    before = pickle.dumps(rbm)
    rbm.log_partition("ais", n_betas=100, random_state=1)
    rbm.log_partition("exact")
    assert pickle.dumps(rbm) == before
    with pytest.raises(ValueError, match="method must be"):
        rbm.log_partition("bogus")


def test_training_improves_held_out_likelihood(binary_digits):
    X, _ = binary_digits
    short = RBM(n_components=16, n_iter=1, random_state=0).fit(X[:1200])
    longer = RBM(n_components=16, n_iter=15, random_state=0).fit(X[:1200])
    assert longer.score(X[1200:]) > short.score(X[1200:]) + 1.0


# ----------------------------------------------------- sklearn integration


def test_pipeline_and_grid_search_on_digits(digits):
    X, y = digits
    X, y = X[:600], y[:600]
    pipeline = make_pipeline(
        RBM(n_iter=5, random_state=0), LogisticRegression(C=100, max_iter=2000)
    )
    search = GridSearchCV(
        pipeline,
        {"rbm__n_components": [16, 64], "rbm__learning_rate": [0.01, 0.05]},
        cv=3,
        n_jobs=2,
    ).fit(X, y)
    assert search.best_params_["rbm__n_components"] == 64
    assert search.best_score_ > 0.8
    assert search.score(X, y) > 0.9


def test_grid_search_selects_by_held_out_likelihood(binary_digits):
    X, _ = binary_digits
    search = GridSearchCV(
        RBM(n_components=12, n_iter=15, random_state=0),
        {"learning_rate": [1e-4, 0.05]},
        cv=2,
        n_jobs=2,
    ).fit(X[:800])
    # A thousand-fold smaller step barely moves from the base-rate initialisation.
    assert search.best_params_ == {"learning_rate": 0.05}
    assert search.cv_results_["mean_test_score"][1] > (
        search.cv_results_["mean_test_score"][0] + 1.0
    )


def test_partial_fit_streams_like_fit(binary_digits):
    X, _ = binary_digits
    train, test = X[:1200], X[1200:]
    fitted = RBM(n_components=16, n_iter=5, random_state=0).fit(train)
    streamed = RBM(n_components=16, random_state=0)
    for _ in range(5):
        for chunk in np.array_split(train, 6):
            assert streamed.partial_fit(chunk) is streamed
    untrained = RBM(n_components=16, n_iter=1, learning_rate=1e-9, random_state=0)
    baseline = untrained.fit(train).score(test)
    # Same number of updates on the same data: both gain > 2 nats over the untrained
    # model (measured: 3.1) and end within 1 nat of each other (seed-to-seed spread
    # is ~0.3 nats).
    assert fitted.score(test) > baseline + 2
    assert streamed.score(test) > baseline + 2
    assert abs(streamed.score(test) - fitted.score(test)) < 1.0
    assert streamed.n_iter_ == 30
    assert streamed.n_samples_seen_ == 5 * len(train)
    np.testing.assert_allclose(streamed.visible_mean_, train.mean(axis=0), atol=1e-12)


def test_sparse_and_dense_fits_are_identical(digits):
    X, _ = digits
    X = X[:300]
    dense = RBM(n_components=10, n_iter=3, random_state=0).fit(X)
    sparse = RBM(n_components=10, n_iter=3, random_state=0).fit(sp.csr_matrix(X))
    # The only difference is the summation order of the training mean (the visible
    # biases' initial value): ~1e-16, still below 1e-12 after training.
    for a, b in zip(fitted_params(dense), fitted_params(sparse)):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-12)
    np.testing.assert_allclose(
        dense.transform(sp.csr_matrix(X)), dense.transform(X), atol=1e-12
    )
    np.testing.assert_allclose(
        sparse.score_samples(sp.csr_matrix(X)), dense.score_samples(X), atol=1e-9
    )


def test_float32_is_kept_and_agrees_with_float64(binary_digits):
    X, _ = binary_digits
    X32 = X.astype(np.float32)
    rbm32 = RBM(n_components=16, n_iter=10, random_state=0).fit(X32[:1200])
    assert rbm32.components_.dtype == np.float32
    assert rbm32.transform(X32).dtype == np.float32
    assert rbm32.inverse_transform(rbm32.transform(X32)).dtype == np.float32
    assert rbm32.score_samples(X32).dtype == np.float32

    # Same parameters evaluated in float64: float32 rounding (~6e-8 relative) stays
    # below 1e-5 after the 64-term sums.
    rbm64 = clone(rbm32).fit(X[:1200])
    rbm64.components_, rbm64.intercept_visible_, rbm64.intercept_hidden_ = (
        p.astype(np.float64) for p in fitted_params(rbm32)
    )
    np.testing.assert_allclose(rbm32.transform(X32), rbm64.transform(X), atol=1e-5)
    np.testing.assert_allclose(
        rbm32.score_samples(X32), rbm64.score_samples(X), rtol=1e-5
    )
    # Trained separately (float32 and float64 uniforms are different random streams),
    # held-out likelihoods agree to within 1 nat; over 6 seeds each, the float64
    # scores spanned 0.3 nats and the float32 mean was 0.2 nats lower.
    rbm64 = clone(rbm32).fit(X[:1200])
    assert abs(rbm32.score(X32[1200:]) - rbm64.score(X[1200:])) < 1.0


def test_pickle_and_joblib_round_trip(tmp_path, binary_digits):
    X, _ = binary_digits
    rbm = RBM(n_components=24, n_iter=2, random_state=0).fit(X[:300])
    rbm.score(X[:5])
    path = tmp_path / "rbm.joblib"
    joblib.dump(rbm, path)
    for restored in (pickle.loads(pickle.dumps(rbm)), joblib.load(path)):
        np.testing.assert_array_equal(restored.transform(X), rbm.transform(X))
        np.testing.assert_array_equal(restored.score_samples(X), rbm.score_samples(X))
    # Training continues identically from the restored state.
    restored = pickle.loads(pickle.dumps(rbm))
    rbm.partial_fit(X[300:400])
    restored.partial_fit(X[300:400])
    np.testing.assert_array_equal(restored.components_, rbm.components_)


@pytest.mark.parametrize("method", ["cd", "pcd"])
def test_same_seed_gives_bit_identical_fits(digits, method):
    X, _ = digits
    params = dict(
        n_components=10, n_iter=3, method=method, n_gibbs_steps=2, sparsity_target=0.1
    )
    a = RBM(random_state=7, **params).fit(X[:300])
    b = RBM(random_state=7, **params).fit(X[:300])
    c = RBM(random_state=8, **params).fit(X[:300])
    for pa, pb in zip(fitted_params(a), fitted_params(b)):
        np.testing.assert_array_equal(pa, pb)
    assert not np.array_equal(a.components_, c.components_)


def test_input_arrays_are_never_modified(digits):
    X, _ = digits
    for data in (X[:200].copy(), X[:200].astype(np.float32), sp.csr_matrix(X[:200])):
        snapshot = data.copy()
        rbm = RBM(n_components=5, n_iter=2, random_state=0).fit(data)
        rbm.partial_fit(data)
        rbm.transform(data)
        rbm.score_samples(data)
        rbm.gibbs(data, random_state=0)
        if sp.issparse(data):
            assert (data != snapshot).nnz == 0
        else:
            np.testing.assert_array_equal(data, snapshot)


def test_feature_names_and_pandas_output(digits):
    X, _ = digits
    rbm = RBM(n_components=3, n_iter=1, random_state=0).set_output(transform="pandas")
    frame = rbm.fit_transform(X[:50])
    assert list(frame.columns) == ["rbm0", "rbm1", "rbm2"]


# ------------------------------------------------------ sampling


def test_gibbs_and_sample_are_seeded_binary_and_pure(binary_digits):
    X, _ = binary_digits
    rbm = RBM(n_components=16, n_iter=5, random_state=0).fit(X)
    before = pickle.dumps(rbm)
    step = rbm.gibbs(X[:10], random_state=0)
    assert step.shape == (10, 64) and set(np.unique(step)) <= {0.0, 1.0}
    np.testing.assert_array_equal(step, rbm.gibbs(X[:10], random_state=0))
    fantasies = rbm.sample(500, n_steps=200, random_state=0)
    assert fantasies.shape == (500, 64) and set(np.unique(fantasies)) <= {0.0, 1.0}
    np.testing.assert_array_equal(
        fantasies, rbm.sample(500, n_steps=200, random_state=0)
    )
    probabilities = rbm.sample(3, n_steps=5, random_state=0, return_probabilities=True)
    assert ((probabilities > 0) & (probabilities < 1)).all()
    assert pickle.dumps(rbm) == before
    # Fantasies follow the model: their pixel means match the model's exact marginals
    # P(v_i = 1), enumerated over the 2^16 hidden states (500 chains: standard error
    # at most 0.022 per pixel; 0.1 is 4.5 sigma for the worst of 64 pixels).
    W, b, c = fitted_params(rbm)
    H = np.array(list(itertools.product([0.0, 1.0], repeat=16)))
    activation = H @ W + b
    log_p_h = H @ c + np.logaddexp(0, activation).sum(axis=1)
    p_h = np.exp(log_p_h - np.logaddexp.reduce(log_p_h))
    marginals = p_h @ (1 / (1 + np.exp(-activation)))
    assert np.abs(fantasies.mean(axis=0) - marginals).max() < 0.1


def test_sampling_and_ais_arguments_are_checked(binary_digits):
    X, _ = binary_digits
    rbm = RBM(n_components=4, n_iter=1, random_state=0).fit(X[:50])
    with pytest.raises(ValueError, match="n_steps"):
        rbm.sample(2, n_steps=0)
    with pytest.raises(ValueError, match="n_runs >= 1"):
        rbm.log_partition("ais", n_runs=0)
    rbm.set_params(n_components=5)
    with pytest.raises(ValueError, match="call fit"):
        rbm.partial_fit(X[:50])


def test_inverse_transform_reconstructs(binary_digits):
    X, _ = binary_digits
    rbm = RBM(n_components=64, n_iter=10, random_state=0).fit(X)
    reconstruction = rbm.inverse_transform(rbm.transform(X))
    # At most half the error of predicting every pixel by its mean.
    base_rate_error = np.mean((X.mean(axis=0) - X) ** 2)
    assert np.mean((reconstruction - X) ** 2) < 0.5 * base_rate_error
    with pytest.raises(ValueError, match="64 hidden units"):
        rbm.inverse_transform(np.zeros((2, 5)))


# ------------------------------------------------------------------ errors


def test_values_outside_unit_interval_warn_with_advice():
    with pytest.warns(UserWarning, match="MinMaxScaler"):
        RBM(n_components=2, n_iter=1).fit(np.array([[0.0, 3.0], [1.0, -2.0]]))


@pytest.mark.parametrize(
    "X, message",
    [
        (np.array([[0.0, np.nan]]), "NaN"),
        (np.array([[0.0, np.inf]]), "infinity"),
        (np.empty((0, 3)), "0 sample"),
    ],
)
def test_bad_input_raises_clear_errors(X, message):
    with pytest.raises(ValueError, match=message):
        RBM(n_components=2).fit(X)


def test_wrong_width_raises(digits):
    X, _ = digits
    rbm = RBM(n_components=2, n_iter=1).fit(X[:20])
    with pytest.raises(ValueError, match="64 features"):
        rbm.transform(X[:5, :10])


def test_divergence_raises_naming_the_learning_rate():
    X = np.ones((20, 4), dtype=np.float32)
    X[::2] = 0
    rbm = RBM(n_components=3, learning_rate=1e37, n_iter=5, random_state=0)
    with pytest.raises(FloatingPointError, match=re.escape("learning_rate=1e+37")):
        rbm.fit(X)


def test_verbose_prints_one_line_per_epoch_without_changing_the_fit(capsys, digits):
    X, _ = digits
    quiet = RBM(n_components=5, n_iter=3, random_state=0).fit(X[:100])
    loud = RBM(n_components=5, n_iter=3, random_state=0, verbose=1).fit(X[:100])
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 3
    assert all(
        "reconstruction error" in line and "pseudo-log-likelihood" in line
        for line in lines
    )
    np.testing.assert_array_equal(quiet.components_, loud.components_)
