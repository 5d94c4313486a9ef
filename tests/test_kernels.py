"""Exact maths of the RBM kernels, checked on tiny models by enumerating every state."""

import itertools

import numpy as np
import pytest
from scipy.special import logsumexp

from skdbn import _kernels

N_VISIBLE, N_HIDDEN = 4, 3


def all_binary(n):
    return np.array(list(itertools.product([0.0, 1.0], repeat=n)))


@pytest.fixture
def tiny():
    """A 4 x 3 RBM with weights large enough that CD-1 is visibly biased."""
    rng = np.random.default_rng(0)
    W = rng.normal(0, 2.0, (N_HIDDEN, N_VISIBLE))
    b = rng.normal(0, 1.0, N_VISIBLE)
    c = rng.normal(0, 1.0, N_HIDDEN)
    return W, b, c


def joint_table(W, b, c):
    """Every (v, h) pair and its exact probability p(v, h)."""
    V, H = all_binary(W.shape[1]), all_binary(W.shape[0])
    # log p*(v, h) = b.v + c.h + h W v for every pair: shape (2^nv, 2^nh)
    log_p = (V @ b)[:, None] + (H @ c)[None, :] + V @ W.T @ H.T
    log_z = logsumexp(log_p)
    return V, H, np.exp(log_p - log_z), log_z


def test_log_partition_exact_from_both_layers(tiny):
    W, b, c = tiny
    *_, log_z = joint_table(W, b, c)
    for layer in ("visible", "hidden", "smaller"):
        got = _kernels.log_partition_exact(W, b, c, enumerate_layer=layer, chunk_size=3)
        assert got == pytest.approx(log_z, abs=1e-12)


def test_log_partition_exact_refuses_intractable_layers():
    W = np.zeros((21, 30))
    with pytest.raises(ValueError, match="at most 20 units"):
        _kernels.log_partition_exact(W, np.zeros(30), np.zeros(21))


def test_free_energy_marginalises_the_hidden_layer(tiny):
    W, b, c = tiny
    V, _, joint, log_z = joint_table(W, b, c)
    expected = -(np.log(joint.sum(axis=1)) + log_z)
    np.testing.assert_allclose(_kernels.free_energy(V, W, b, c), expected, atol=1e-12)


def test_conditionals_match_the_joint(tiny):
    W, b, c = tiny
    V, H, joint, _ = joint_table(W, b, c)
    p_h_given_v = (joint @ H) / joint.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(
        _kernels.hidden_probabilities(V, W, c), p_h_given_v, atol=1e-12
    )
    p_v_given_h = (joint.T @ V) / joint.sum(axis=0)[:, None]
    np.testing.assert_allclose(
        _kernels.visible_probabilities(H, W, b), p_v_given_h, atol=1e-12
    )


def test_ais_matches_exact_on_tiny_model(tiny):
    W, b, c = tiny
    *_, log_z = joint_table(W, b, c)
    rng = np.random.default_rng(1)
    estimate, std = _kernels.log_partition_ais(
        W, b, c, np.zeros(N_VISIBLE), n_runs=200, n_betas=2000, rng=rng
    )
    # 200 runs on a 7-unit model: the standard error is ~0.01 nats; 0.05 is 5 sigma.
    assert std < 0.02
    assert estimate == pytest.approx(log_z, abs=0.05)


def test_ais_schedule_is_increasing_from_zero_to_one():
    betas = _kernels.ais_schedule(1000)
    assert betas[0] == 0.0 and betas[-1] == 1.0
    assert np.all(np.diff(betas) > 0)
    # Finest steps near beta = 1, where the distribution changes fastest.
    assert np.diff(betas)[-1] < np.diff(betas)[0]


def test_sample_bernoulli_frequencies():
    rng = np.random.default_rng(0)
    P = np.tile(np.array([0.0, 0.1, 0.5, 0.9, 1.0], dtype=np.float32), (20000, 1))
    out = np.empty_like(P)
    sample = _kernels.sample_bernoulli(P, rng, out, np.empty_like(P))
    assert sample.dtype == np.float32
    assert set(np.unique(sample)) <= {0.0, 1.0}
    # 20000 draws: a frequency's standard error is at most 0.0036; 0.015 is 4 sigma.
    np.testing.assert_allclose(sample.mean(axis=0), P[0], atol=0.015)


def exact_gradient(W, b, c, data):
    """<v h>_data - <v h>_model and the bias terms, by enumeration."""
    V, H, joint, _ = joint_table(W, b, c)
    h_data = _kernels.hidden_probabilities(data, W, c)
    model_vh = H.T @ joint.T @ V
    dW = h_data.T @ data / len(data) - model_vh
    db = data.mean(axis=0) - joint.sum(axis=1) @ V
    dc = h_data.mean(axis=0) - joint.sum(axis=0) @ H
    return dW, db, dc


def estimated_gradient(W, b, c, data, n_steps, persistent, seed=0):
    n = len(data)
    ws = _kernels.Workspace.allocate(
        n,
        W,
        np.zeros((n, N_HIDDEN)),
        (np.zeros_like(W), np.zeros(N_VISIBLE), np.zeros(N_HIDDEN)),
    )
    ws.visible[:n] = data
    rng = np.random.default_rng(seed)
    n_negative = _kernels.contrastive_phases(
        W, b, c, n, ws, rng, persistent=persistent, n_steps=n_steps
    )
    return _kernels.log_likelihood_gradient(W, b, c, n, n_negative, ws)


@pytest.fixture
def training_data():
    # Two patterns, repeated: 20 000 chains make the Monte Carlo error ~0.005.
    patterns = np.array([[1.0, 1.0, 0.0, 0.0], [0.0, 0.0, 1.0, 1.0]])
    return np.repeat(patterns, 10000, axis=0)


def test_cd_gradient_approaches_exact_gradient_as_k_grows(tiny, training_data):
    W, b, c = tiny
    exact = exact_gradient(W, b, c, training_data)

    def error(k):
        estimate = estimated_gradient(W, b, c, training_data, k, persistent=False)
        return max(np.abs(e - x).max() for e, x in zip(estimate, exact))

    errors = {k: error(k) for k in (1, 5, 200)}
    # CD-1 is biased on this strongly coupled model; CD-200 is the model's chain at
    # equilibrium, leaving only Monte Carlo error (~0.005 per entry, 0.03 is 6 sigma).
    assert errors[1] > 0.1
    assert errors[1] > errors[5] > errors[200]
    assert errors[200] < 0.03


def test_pcd_chain_reaches_model_statistics(tiny, training_data):
    W, b, c = tiny
    exact = exact_gradient(W, b, c, training_data)
    # Persistent chains start from h = 0; 200 steps bring them to equilibrium.
    estimate = estimated_gradient(W, b, c, training_data, 200, persistent=True)
    for e, x in zip(estimate, exact):
        np.testing.assert_allclose(e, x, atol=0.03)


def test_apply_update_is_a_momentum_step_on_the_gradient(tiny, training_data):
    W, b, c = tiny
    n = 64
    data = training_data[::312][:n]
    ws = _kernels.Workspace.allocate(
        n,
        W,
        np.zeros((n, N_HIDDEN)),
        (np.zeros_like(W), np.zeros(N_VISIBLE), np.zeros(N_HIDDEN)),
    )
    ws.visible[:n] = data
    params = [W.copy(), b.copy(), c.copy()]
    rng = np.random.default_rng(0)
    n_negative = _kernels.contrastive_phases(
        *params, n, ws, rng, persistent=False, n_steps=1
    )
    gradient = _kernels.log_likelihood_gradient(*params, n, n_negative, ws)
    lr, decay, momentum = 0.1, 0.01, 0.5
    ws.velocity_weights[...] = 1.0
    _kernels.apply_update(
        *params,
        n,
        n_negative,
        ws,
        learning_rate=lr,
        momentum=momentum,
        weight_decay=decay,
    )
    # Weight decay shrinks the weights directly; the velocity carries the gradient.
    expected_velocity = momentum * 1.0 + lr * gradient[0]
    np.testing.assert_allclose(ws.velocity_weights, expected_velocity, atol=1e-12)
    shrink = 1 - lr * decay / (1 - momentum)
    np.testing.assert_allclose(params[0], shrink * W + expected_velocity, atol=1e-12)
    np.testing.assert_allclose(params[1], b + lr * gradient[1], atol=1e-12)
    np.testing.assert_allclose(params[2], c + lr * gradient[2], atol=1e-12)


def test_weight_decay_fixed_point_does_not_depend_on_momentum():
    """With gradient g - W-independent, W settles where g = weight_decay * W."""
    n = 4
    W = np.zeros((1, 1))
    for momentum in (0.0, 0.5, 0.9):
        W[...] = 0.0
        params = [W, np.zeros(1), np.zeros(1)]
        ws = _kernels.Workspace.allocate(
            n, W, np.zeros((n, 1)), [np.zeros_like(p) for p in params]
        )
        for _ in range(3000):
            # Positive statistics 1, negative 0: the weight gradient is exactly 1.
            ws.visible[:n], ws.hidden[:n] = 1.0, 1.0
            ws.visible[n : 2 * n], ws.hidden[n : 2 * n] = 0.0, 0.0
            _kernels.apply_update(
                *params,
                n,
                n,
                ws,
                learning_rate=0.1,
                momentum=momentum,
                weight_decay=0.5,
            )
        assert W[0, 0] == pytest.approx(1 / 0.5, rel=1e-6)


def test_sparsity_penalty_lowers_hidden_biases_of_overactive_units(tiny):
    W, b, c = tiny
    n = 8
    ws = _kernels.Workspace.allocate(
        n,
        W,
        np.zeros((n, N_HIDDEN)),
        (np.zeros_like(W), np.zeros(N_VISIBLE), np.zeros(N_HIDDEN)),
    )
    ws.visible[:n] = 1.0
    ws.visible[n : 2 * n] = 1.0
    ws.hidden[: 2 * n] = 0.5  # positive and negative statistics cancel exactly
    penalty = np.array([0.2, 0.0, -0.2])
    params = [W.copy(), b.copy(), c.copy()]
    _kernels.apply_update(
        *params,
        n,
        n,
        ws,
        learning_rate=0.5,
        momentum=0.0,
        weight_decay=0.0,
        sparsity_penalty=penalty,
    )
    np.testing.assert_allclose(params[2] - c, -0.5 * penalty, atol=1e-12)
    np.testing.assert_allclose(
        params[0] - W, np.outer(-0.5 * penalty, np.ones(4)), atol=1e-12
    )
