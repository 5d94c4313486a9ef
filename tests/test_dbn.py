"""Behaviour of the DBN estimator: stacking, untying, wake-sleep locality, the bound."""

import itertools
import pickle

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.special import expit, logsumexp
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import make_pipeline

from skdbn import DBN, RBM, _kernels


def all_binary(n):
    return np.array(list(itertools.product([0.0, 1.0], repeat=n)))


# ------------------------------------------------------------- structure


def test_greedy_stack_is_tied_and_layers_are_rbms(binary_digits):
    X, _ = binary_digits
    dbn = DBN((20, 10, 5), n_iter=2, random_state=0).fit(X[:300])
    assert [rbm.components_.shape for rbm in dbn.rbms_] == [(20, 64), (10, 20), (5, 10)]
    assert all(isinstance(rbm, RBM) for rbm in dbn.rbms_)
    assert len(dbn.recognition_weights_) == 2 and dbn.n_iter_ == 0
    for layer, rbm in enumerate(dbn.rbms_[:-1]):
        np.testing.assert_array_equal(dbn.recognition_weights_[layer], rbm.components_)
        np.testing.assert_array_equal(
            dbn.generative_weights_[layer], dbn.recognition_weights_[layer].T
        )
        np.testing.assert_array_equal(
            dbn.recognition_intercepts_[layer], rbm.intercept_hidden_
        )
        np.testing.assert_array_equal(
            dbn.generative_intercepts_[layer], rbm.intercept_visible_
        )
    # Layer 2 was trained on layer 1's hidden probabilities.
    np.testing.assert_allclose(
        dbn.rbms_[1].visible_mean_, dbn.rbms_[0].transform(X[:300]).mean(axis=0)
    )
    np.testing.assert_allclose(
        dbn.transform(X[:5]),
        dbn.rbms_[2].transform(dbn.rbms_[1].transform(dbn.rbms_[0].transform(X[:5]))),
    )


def test_wake_sleep_unties_the_weights(binary_digits):
    X, _ = binary_digits
    dbn = DBN(
        (20, 10),
        n_iter=2,
        fine_tuning="wake-sleep",
        fine_tuning_n_iter=2,
        random_state=0,
    ).fit(X[:300])
    assert dbn.n_iter_ == 2
    G, R = dbn.generative_weights_[0], dbn.recognition_weights_[0]
    assert np.abs(G - R.T).max() > 1e-3
    # The pretrained RBMs are kept as they were; the fine-tuned top is a copy.
    np.testing.assert_array_equal(R.shape, dbn.rbms_[0].components_.shape)
    assert not np.array_equal(R, dbn.rbms_[0].components_)
    assert not np.array_equal(dbn.top_rbm_.components_, dbn.rbms_[-1].components_)


# ---------------------------------------------------------- local rules


def test_generative_delta_is_the_hand_computed_delta_rule():
    rng = np.random.default_rng(0)
    above = (rng.random((5, 2)) < 0.5).astype(float)
    below = (rng.random((5, 3)) < 0.5).astype(float)
    G, g = rng.normal(size=(3, 2)), rng.normal(size=3)
    dG, dg = _kernels.generative_delta(above, below, G, g)
    for i, j in itertools.product(range(3), range(2)):
        expected = 0.0
        for n in range(5):
            p_i = 1 / (
                1 + np.exp(-(g[i] + sum(G[i, k] * above[n, k] for k in range(2))))
            )
            expected += above[n, j] * (below[n, i] - p_i) / 5
        assert dG[i, j] == pytest.approx(expected, abs=1e-12)
    p = expit(above @ G.T + g)
    np.testing.assert_allclose(dg, (below - p).mean(axis=0), atol=1e-12)


def test_recognition_delta_is_the_hand_computed_delta_rule():
    rng = np.random.default_rng(1)
    below = rng.random((4, 3))
    above = (rng.random((4, 2)) < 0.5).astype(float)
    R, r = rng.normal(size=(2, 3)), rng.normal(size=2)
    dR, dr = _kernels.recognition_delta(below, above, R, r)
    for j, i in itertools.product(range(2), range(3)):
        expected = 0.0
        for n in range(4):
            q_j = 1 / (
                1 + np.exp(-(r[j] + sum(R[j, k] * below[n, k] for k in range(3))))
            )
            expected += below[n, i] * (above[n, j] - q_j) / 4
        assert dR[j, i] == pytest.approx(expected, abs=1e-12)
    np.testing.assert_allclose(
        dr, (above - expit(below @ R.T + r)).mean(axis=0), atol=1e-12
    )


def replay_states_independently(V, recognition, generative, top, states, fantasy):
    """Recompute every wake and sleep state from the same random stream (seed 3).

    The draws come in the order of the algorithm: one uniform per unit for each
    up-pass layer, then CD-2 in the top RBM (hidden sample from the data, visible
    sample, hidden sample, visible sample), then the sampled generative layers of
    the down-pass, top first (the bottom layer stays probabilities).
    """
    rng = np.random.default_rng(3)
    expected = [V]
    for R, r in recognition:
        q = expit(expected[-1] @ R.T + r)
        expected.append((rng.random(q.shape) < q).astype(float))
    W, b, c = top
    h = (rng.random((len(V), W.shape[0])) < expit(expected[-1] @ W.T + c)) * 1.0
    v = (rng.random((len(V), W.shape[1])) < expit(h @ W + b)) * 1.0
    h = (rng.random(h.shape) < expit(v @ W.T + c)) * 1.0
    v = (rng.random(v.shape) < expit(h @ W + b)) * 1.0
    dream = [v]
    for layer in (1, 0):
        G, g = generative[layer]
        p = expit(dream[0] @ G.T + g)
        dream.insert(0, (rng.random(p.shape) < p) * 1.0 if layer else p)
    for got, want in zip(states + fantasy, expected + dream):
        np.testing.assert_allclose(got, want, atol=1e-12)


def test_wake_sleep_step_updates_each_layer_from_its_own_two_layers():
    """On a 5-4-3-2 network, every change equals its local rule on two layers."""
    rng = np.random.default_rng(0)
    sizes = [5, 4, 3]
    recognition = [
        [rng.normal(size=(a, b)), rng.normal(size=a)]
        for b, a in zip(sizes[:-1], sizes[1:])
    ]
    generative = [
        [rng.normal(size=(b, a)), rng.normal(size=b)]
        for b, a in zip(sizes[:-1], sizes[1:])
    ]
    top = [rng.normal(size=(2, 3)), rng.normal(size=3), rng.normal(size=2)]
    before_rec = [[w.copy(), b.copy()] for w, b in recognition]
    before_gen = [[w.copy(), b.copy()] for w, b in generative]
    before_top = [p.copy() for p in top]
    V = (rng.random((6, 5)) < 0.5).astype(float)
    ws = _kernels.Workspace.allocate(
        6, top[0], np.zeros((6, 2)), [np.zeros_like(p) for p in top]
    )
    lr, decay = 0.1, 0.01
    buffers = _kernels.WakeSleepBuffers.allocate(6, [G for G, _ in generative])
    states, fantasy = _kernels.wake_sleep_step(
        V,
        recognition,
        generative,
        top,
        ws,
        np.random.default_rng(3),
        buffers,
        learning_rate=lr,
        weight_decay=decay,
        n_gibbs_steps=2,
    )

    assert len(states) == len(fantasy) == 3
    np.testing.assert_array_equal(states[0], V)
    replay_states_independently(V, before_rec, before_gen, before_top, states, fantasy)
    for layer in range(2):
        # Generative layer: wake states of its own two layers only.
        G, g = before_gen[layer]
        dG, dg = _kernels.generative_delta(states[layer + 1], states[layer], G, g)
        np.testing.assert_allclose(generative[layer][0], (1 - lr * decay) * G + lr * dG)
        np.testing.assert_allclose(generative[layer][1], g + lr * dg)
        # Recognition layer: sleep (fantasy) states of its own two layers only.
        R, r = before_rec[layer]
        dR, dr = _kernels.recognition_delta(fantasy[layer], fantasy[layer + 1], R, r)
        np.testing.assert_allclose(
            recognition[layer][0], (1 - lr * decay) * R + lr * dR
        )
        np.testing.assert_allclose(recognition[layer][1], r + lr * dr)
    # The top RBM: a contrastive update from its data (the top wake state) and its
    # chain's negative state, which is where the sleep pass began.
    W, b, c = before_top
    n = len(V)
    np.testing.assert_array_equal(ws.visible[:n], states[-1])
    np.testing.assert_array_equal(ws.visible[n : 2 * n], fantasy[-1])
    h_data = expit(states[-1] @ W.T + c)
    h_model = expit(fantasy[-1] @ W.T + c)
    dW = h_data.T @ states[-1] / n - h_model.T @ fantasy[-1] / n
    np.testing.assert_allclose(top[0], W + lr * (dW - decay * W))
    np.testing.assert_allclose(top[1], b + lr * (states[-1] - fantasy[-1]).mean(axis=0))
    np.testing.assert_allclose(top[2], c + lr * (h_data - h_model).mean(axis=0))


# ------------------------------------------------------------- the bound


def test_one_layer_dbn_scores_like_its_rbm(binary_digits):
    X, _ = binary_digits
    dbn = DBN((16,), n_iter=3, random_state=0).fit(X[:500])
    np.testing.assert_array_equal(
        dbn.score_samples(X[500:600]), dbn.rbms_[0].score_samples(X[500:600])
    )
    np.testing.assert_array_equal(dbn.transform(X[:5]), dbn.rbms_[0].transform(X[:5]))


def exact_log_likelihood(dbn, V):
    """log p(v) of a two-layer DBN, enumerating its middle layer."""
    G, g = dbn.generative_weights_[0], dbn.generative_intercepts_[0]
    top = dbn.top_rbm_
    H1 = all_binary(G.shape[1])
    log_prior = -top.free_energy(H1) - top.log_partition("exact")
    logits = H1 @ G.T + g  # (n_h1_states, n_visible)
    log_lik = V @ logits.T - np.logaddexp(0, logits).sum(axis=1)  # (n_v, n_h1)
    return logsumexp(log_lik + log_prior, axis=1)


def exact_bound(dbn, V):
    """The variational bound of a two-layer DBN, enumerating its middle layer."""
    R, r = dbn.recognition_weights_[0], dbn.recognition_intercepts_[0]
    G, g = dbn.generative_weights_[0], dbn.generative_intercepts_[0]
    top = dbn.top_rbm_
    H1 = all_binary(R.shape[0])
    q = expit(V @ R.T + r)
    log_q = H1 @ np.log(q).T + (1 - H1) @ np.log1p(-q).T  # (n_h1, n_v)
    log_prior = -top.free_energy(H1) - top.log_partition("exact")
    logits = H1 @ G.T + g
    log_lik = (V @ logits.T - np.logaddexp(0, logits).sum(axis=1)).T  # (n_h1, n_v)
    weights = np.exp(log_q)
    return (weights * (log_lik + log_prior[:, None] - log_q)).sum(axis=0)


@pytest.mark.parametrize("fine_tuning", [None, "wake-sleep"])
def test_bound_never_exceeds_exact_log_likelihood(fine_tuning):
    rng = np.random.default_rng(0)
    X = (rng.random((60, 4)) < [0.2, 0.8, 0.5, 0.3]).astype(float)
    dbn = DBN(
        (3, 2),
        n_iter=20,
        learning_rate=0.1,
        batch_size=5,
        fine_tuning=fine_tuning,
        fine_tuning_n_iter=20,
        n_bound_samples=4000,
        random_state=0,
    ).fit(X)
    V = all_binary(4)
    exact = exact_log_likelihood(dbn, V)
    bound = exact_bound(dbn, V)
    assert np.exp(exact).sum() == pytest.approx(1.0, abs=1e-10)
    assert np.all(bound <= exact + 1e-12)
    # The package's Monte Carlo estimate stays below the exact log-likelihood too.
    assert np.all(dbn.score_samples(V) <= exact + 0.05)
    # 4000 shared recognition samples: Monte Carlo error of a few hundredths of a nat.
    np.testing.assert_allclose(dbn.score_samples(V), bound, atol=0.05)


def test_score_samples_is_deterministic_and_row_independent(binary_digits):
    X, _ = binary_digits
    dbn = DBN((30, 25), n_iter=2, random_state=0, n_bound_samples=5).fit(X[:300])
    scores = dbn.score_samples(X[:40])
    np.testing.assert_array_equal(scores, dbn.score_samples(X[:40]))
    np.testing.assert_array_equal(dbn.score_samples(X[:40][::-1]), scores[::-1])
    np.testing.assert_array_equal(dbn.score_samples(X[5:9]), scores[5:9])


# -------------------------------------------------------- wake-sleep on digits


def test_wake_sleep_improves_bound_and_reconstruction_on_digits(binary_digits):
    X, _ = binary_digits
    X_train, X_test = train_test_split(X, test_size=0.25, random_state=0)
    params = dict(hidden_layer_sizes=(100, 20), random_state=0, fine_tuning_n_iter=20)
    greedy = DBN(**params).fit(X_train)
    tuned = DBN(fine_tuning="wake-sleep", **params).fit(X_train)

    def error(dbn):
        return np.mean((dbn.inverse_transform(dbn.transform(X_test)) - X_test) ** 2)

    # Measured: bound -19.79 -> -19.23 nats, reconstruction error 0.0642 -> 0.0595.
    assert tuned.score(X_test) > greedy.score(X_test) + 0.2
    assert error(tuned) < error(greedy)


def test_dbn_pipeline_classifies_digits(digits):
    X, y = digits
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, stratify=y, random_state=0
    )
    head = LogisticRegression(C=100, max_iter=5000)
    dbn = make_pipeline(DBN((100, 100), n_iter=10, random_state=0), head)
    # Measured: 0.84; RBM(100) with 20 epochs reaches 0.96 on the same split, so on
    # 8x8 digits the second layer loses information (see the user guide).
    assert dbn.fit(X_train, y_train).score(X_test, y_test) > 0.8


def test_grid_search_over_dbn_pipeline(digits):
    X, y = digits
    pipeline = make_pipeline(
        DBN(n_iter=3, fine_tuning_n_iter=2, random_state=0),
        LogisticRegression(C=100, max_iter=2000),
    )
    search = GridSearchCV(
        pipeline,
        {
            "dbn__hidden_layer_sizes": [(16,), (64, 64)],
            "dbn__fine_tuning": [None, "wake-sleep"],
            "dbn__learning_rate": [0.05],
        },
        cv=2,
        n_jobs=2,
    ).fit(X[:500], y[:500])
    scores = dict(
        zip(
            [
                (p["dbn__hidden_layer_sizes"], p["dbn__fine_tuning"])
                for p in search.cv_results_["params"]
            ],
            search.cv_results_["mean_test_score"],
        )
    )
    # fine_tuning reached the DBN through the pipeline: the fine-tuned two-layer
    # models differ from the greedy ones.
    assert scores[(64, 64), "wake-sleep"] != scores[(64, 64), None]
    assert np.all(np.isfinite(list(scores.values())))
    # 3 epochs on 250 rows per fold: far from converged, but far above chance (0.1).
    assert search.best_score_ > 0.5


# ---------------------------------------------------------- sklearn behaviour


def test_partial_fit_only_without_fine_tuning(binary_digits):
    X, _ = binary_digits
    assert not hasattr(DBN(fine_tuning="wake-sleep"), "partial_fit")
    dbn = DBN((16, 8), random_state=0)
    for _ in range(4):
        for chunk in np.array_split(X[:1000], 5):
            dbn.partial_fit(chunk)
    assert [rbm.n_iter_ for rbm in dbn.rbms_] == [20, 20]
    np.testing.assert_array_equal(
        dbn.generative_weights_[0], dbn.recognition_weights_[0].T
    )
    untrained = DBN((16, 8), n_iter=1, learning_rate=1e-9, random_state=0).fit(X[:1000])
    assert dbn.score(X[1000:]) > untrained.score(X[1000:]) + 1.0


def test_bound_is_deterministic_without_a_seed(binary_digits):
    X, _ = binary_digits
    dbn = DBN((20, 10), n_iter=1, n_bound_samples=3).fit(X[:200])
    scores = dbn.score_samples(X[:30])
    np.testing.assert_array_equal(scores, dbn.score_samples(X[:30]))
    np.testing.assert_array_equal(scores[:5], dbn.score_samples(X[:5]))


def test_partial_fit_refuses_changed_sizes_or_fine_tuned_models(binary_digits):
    X, _ = binary_digits
    dbn = DBN((8, 4), n_iter=1, random_state=0).partial_fit(X[:50])
    dbn.set_params(hidden_layer_sizes=(8, 5))
    with pytest.raises(ValueError, match="call fit"):
        dbn.partial_fit(X[:50])
    tuned = DBN(
        (8, 4), n_iter=1, fine_tuning="wake-sleep", fine_tuning_n_iter=1, random_state=0
    ).fit(X[:50])
    tuned.set_params(fine_tuning=None)
    with pytest.raises(ValueError, match="discard the wake-sleep"):
        tuned.partial_fit(X[:50])


def test_sample_is_seeded_binary_and_pure(binary_digits):
    X, _ = binary_digits
    dbn = DBN(
        (32, 16),
        n_iter=3,
        fine_tuning="wake-sleep",
        fine_tuning_n_iter=1,
        random_state=0,
    ).fit(X[:400])
    before = pickle.dumps(dbn)
    fantasies = dbn.sample(20, n_steps=50, random_state=0)
    assert fantasies.shape == (20, 64) and set(np.unique(fantasies)) <= {0.0, 1.0}
    np.testing.assert_array_equal(fantasies, dbn.sample(20, n_steps=50, random_state=0))
    probabilities = dbn.sample(3, n_steps=5, random_state=0, return_probabilities=True)
    assert ((probabilities > 0) & (probabilities < 1)).all()
    assert dbn.inverse_transform(dbn.transform(X[:3])).shape == (3, 64)
    assert pickle.dumps(dbn) == before
    with pytest.raises(ValueError, match="16 units"):
        dbn.inverse_transform(np.zeros((2, 3)))


def test_dense_sparse_float32_and_seeds(digits):
    X, _ = digits
    X = X[:200]
    params = dict(
        hidden_layer_sizes=(12, 6),
        n_iter=2,
        fine_tuning="wake-sleep",
        fine_tuning_n_iter=2,
        random_state=3,
    )
    dense = DBN(**params).fit(X)
    again = DBN(**params).fit(X)
    sparse = DBN(**params).fit(sp.csr_matrix(X))
    for a, b, c in zip(
        dense.recognition_weights_ + dense.generative_weights_,
        again.recognition_weights_ + again.generative_weights_,
        sparse.recognition_weights_ + sparse.generative_weights_,
    ):
        np.testing.assert_array_equal(a, b)
        np.testing.assert_allclose(a, c, atol=1e-10)
    X32 = X.astype(np.float32)
    snapshot = X32.copy()
    dbn32 = DBN(**params).fit(X32)
    assert dbn32.transform(X32).dtype == np.float32
    assert dbn32.score_samples(X32).dtype == np.float32
    assert dbn32.generative_weights_[0].dtype == np.float32
    np.testing.assert_array_equal(X32, snapshot)


def test_divergence_in_fine_tuning_names_the_learning_rate():
    X = np.ones((20, 4))
    X[::2] = 0
    dbn = DBN(
        (3, 2),
        n_iter=1,
        fine_tuning="wake-sleep",
        fine_tuning_learning_rate=1e308,
        random_state=0,
    )
    with pytest.raises(FloatingPointError, match="learning_rate"):
        dbn.fit(X)


def test_bad_hidden_layer_sizes():
    with pytest.raises(ValueError, match="positive integers"):
        DBN((4, 0)).fit(np.zeros((5, 3)))


def test_verbose_lines_for_each_layer_and_fine_tuning(capsys, digits):
    X, _ = digits
    DBN(
        (5, 3),
        n_iter=2,
        fine_tuning="wake-sleep",
        fine_tuning_n_iter=2,
        verbose=1,
        random_state=0,
    ).fit(X[:100])
    out = capsys.readouterr().out
    assert out.count("pretraining layer") == 2
    assert out.count("[RBM] epoch") == 4
    assert out.count("wake-sleep epoch") == 2
