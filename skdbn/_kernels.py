"""Pure numpy maths of Bernoulli RBMs and DBNs.

Conditionals, energies, sampling, contrastive-divergence steps, exact and AIS
log-partition functions, wake-sleep deltas and the variational bound.

Arrays and a ``numpy.random.Generator`` go in, arrays come out. Nothing here validates
input or keeps estimator state; the estimators in ``_rbm.py`` and ``_dbn.py`` do that.

Every matrix product goes through numpy (never ``scipy.linalg.blas``): numpy and scipy
ship separate OpenBLAS builds, and alternating calls between the two makes their
spinning worker threads fight for the cores (measured here: 4x slower epochs).
"""

from dataclasses import dataclass

import numpy as np
from scipy.special import expit, logsumexp
from sklearn.utils.extmath import safe_sparse_dot

# Largest layer that "exact" enumeration accepts: 2**20 states of a 784-pixel layer
# take about a second; each further unit doubles it.
MAX_EXACT_UNITS = 20


def logistic_inplace(x):
    """X <- 1 / (1 + exp(-x)) in place, as (1 + tanh(x / 2)) / 2, and return x.

    numpy's tanh is SIMD-vectorised; ``scipy.special.expit`` is a scalar loop, 6x
    slower on the training blocks (measured here on 100 x 500 float32: 3.7 against
    0.6 ns per value; 6.0 against 2.2 in float64), which made it the largest cost
    outside the matrix products of an epoch. The absolute error stays at rounding
    level; only the relative precision of probabilities below ~1e-8 is lost, which
    Bernoulli sampling and the gradient statistics cannot see. Training kernels use
    this; values returned to users (``transform``, ``inverse_transform``) use expit.
    """
    np.multiply(x, 0.5, out=x)
    np.tanh(x, out=x)
    np.multiply(x, 0.5, out=x)
    np.add(x, 0.5, out=x)
    return x


def hidden_probabilities(V, W, c, out=None):
    """P(h = 1 | v) for each row of V: expit(V W^T + c).

    With ``out`` (a training buffer) the product goes there and the logistic is
    ``logistic_inplace``; without, a new array gets scipy's exact expit.
    """
    if out is None:
        out = np.asarray(safe_sparse_dot(V, W.T))
        out += c
        return expit(out, out=out)
    np.matmul(V, W.T, out=out)
    out += c
    return logistic_inplace(out)


def visible_probabilities(H, W, b, out=None):
    """P(v = 1 | h) for each row of H: expit(H W + b); ``out`` as above."""
    if out is None:
        out = H @ W
        out += b
        return expit(out, out=out)
    np.matmul(H, W, out=out)
    out += b
    return logistic_inplace(out)


def sample_bernoulli(P, rng, out, uniform):
    """Write a 0/1 sample of independent Bernoulli(P) units into ``out``.

    ``uniform`` is a scratch buffer of P's shape and dtype; ``out`` may be ``P``.
    """
    rng.random(out=uniform, dtype=uniform.dtype)
    return np.less(uniform, P, out=out, casting="unsafe")


def free_energy(V, W, b, c):
    """F(v) = -b.v - sum_j softplus(c_j + W_j.v), one value per row of V."""
    activation = np.asarray(safe_sparse_dot(V, W.T))
    activation += c
    visible_term = np.asarray(safe_sparse_dot(V, b)).ravel()
    return -visible_term - np.logaddexp(0, activation, out=activation).sum(axis=1)


def _all_states(start, stop, n_units):
    """Rows are the binary states with integer codes start..stop-1 (bit j = unit j)."""
    codes = np.arange(start, stop, dtype=np.int64)[:, None]
    return ((codes >> np.arange(n_units, dtype=np.int64)) & 1).astype(np.float64)


def log_partition_exact(W, b, c, *, enumerate_layer="smaller", chunk_size=8192):
    """Exact log Z by summing out one layer analytically and enumerating the other.

    With the hidden layer enumerated, log Z = logsumexp_h [c.h + sum_i softplus(b_i +
    (h W)_i)]; with the visible layer enumerated, log Z = logsumexp_v [-F(v)]. The
    enumerated layer (``"visible"``, ``"hidden"`` or the ``"smaller"``) may have at most
    ``MAX_EXACT_UNITS`` units. States are visited in chunks, in float64.
    """
    W = np.asarray(W, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    c = np.asarray(c, dtype=np.float64)
    n_hidden, n_visible = W.shape
    if enumerate_layer == "smaller":
        enumerate_layer = "hidden" if n_hidden <= n_visible else "visible"
    if enumerate_layer == "hidden":
        weights, own_bias, other_bias = W, c, b
    else:
        weights, own_bias, other_bias = W.T, b, c
    n_units = weights.shape[0]
    if n_units > MAX_EXACT_UNITS:
        raise ValueError(
            f"Exact log-partition enumerates 2**{n_units} states of the "
            f"{enumerate_layer}"
            f" layer; at most {MAX_EXACT_UNITS} units are allowed. Use method='ais'."
        )
    chunk_logs = []
    for start in range(0, 2**n_units, chunk_size):
        states = _all_states(start, min(start + chunk_size, 2**n_units), n_units)
        activation = states @ weights
        activation += other_bias
        log_weight = states @ own_bias
        log_weight += np.logaddexp(0, activation, out=activation).sum(axis=1)
        chunk_logs.append(logsumexp(log_weight))
    return float(logsumexp(chunk_logs))


def ais_schedule(n_betas):
    """Inverse temperatures 0 = beta_0 < ... < beta_K = 1 for AIS, K ~ n_betas.

    The spacing of Salakhutdinov & Murray (2008), scaled to ``n_betas`` points:
    500/14500 of them evenly on [0, 0.5], 4000/14500 on [0.5, 0.9] and the rest on
    [0.9, 1], so the steps are finest where the model's distribution changes fastest.
    """
    n_first = max(int(round(n_betas * 500 / 14500)), 1)
    n_second = max(int(round(n_betas * 4000 / 14500)), 1)
    n_third = max(n_betas - n_first - n_second, 1)
    return np.concatenate(
        [
            np.linspace(0.0, 0.5, n_first, endpoint=False),
            np.linspace(0.5, 0.9, n_second, endpoint=False),
            np.linspace(0.9, 1.0, n_third + 1),
        ]
    )


def log_partition_ais(W, b, c, base_logits, *, n_runs, n_betas, rng):
    """Annealed importance sampling estimate of log Z (Salakhutdinov & Murray 2008).

    The base model has independent visible units with logits ``base_logits`` (a
    base-rate model fitted to the data) and hidden units with zero weights, so
    log Z_0 = sum softplus(base_logits) + n_hidden log 2. The intermediate unnormalised
    log-probabilities are log p*_beta(v) = (1 - beta) a.v + beta b.v +
    sum_j softplus(beta (W_j.v + c_j)), and each transition is one Gibbs sweep that
    leaves p_beta invariant. Returns (log Z estimate, its standard error in nats from
    the spread of the importance weights).
    """
    W = np.asarray(W, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    c = np.asarray(c, dtype=np.float64)
    a = np.asarray(base_logits, dtype=np.float64)
    n_hidden, n_visible = W.shape
    betas = ais_schedule(n_betas)

    uniform_v = np.empty((n_runs, n_visible))
    uniform_h = np.empty((n_runs, n_hidden))
    v = sample_bernoulli(expit(a), rng, np.empty((n_runs, n_visible)), uniform_v)
    h = np.empty((n_runs, n_hidden))
    hidden_input = v @ W.T + c
    scaled = np.empty_like(hidden_input)
    visible_input = np.empty((n_runs, n_visible))
    log_weights = np.zeros(n_runs)

    def log_unnormalised(beta):
        np.multiply(hidden_input, beta, out=scaled)
        return (
            (1.0 - beta) * (v @ a)
            + beta * (v @ b)
            + np.logaddexp(0, scaled, out=scaled).sum(axis=1)
        )

    for beta_previous, beta in zip(betas[:-1], betas[1:]):
        log_weights += log_unnormalised(beta)
        log_weights -= log_unnormalised(beta_previous)
        if beta == 1.0:
            break
        np.multiply(hidden_input, beta, out=scaled)
        sample_bernoulli(logistic_inplace(scaled), rng, h, uniform_h)
        np.matmul(h, W, out=visible_input)
        visible_input += b
        visible_input *= beta
        visible_input += (1.0 - beta) * a
        sample_bernoulli(logistic_inplace(visible_input), rng, v, uniform_v)
        np.matmul(v, W.T, out=hidden_input)
        hidden_input += c

    log_z_base = np.logaddexp(0, a).sum() + n_hidden * np.log(2.0)
    log_mean_weight = logsumexp(log_weights) - np.log(n_runs)
    # Delta method: std of log(mean w) ~ std(w) / (sqrt(n) mean(w)).
    relative = np.exp(log_weights - log_mean_weight)
    standard_error = float(np.std(relative) / np.sqrt(n_runs))
    return float(log_z_base + log_mean_weight), standard_error


@dataclass
class Workspace:
    """Buffers of one training run, plus the training state the estimator owns.

    ``visible`` and ``hidden`` stack, row-wise, the data batch and its hidden
    probabilities (the positive phase) above the negative-phase chain states, so the
    whole weight gradient is one GEMM: hidden.T @ visible. ``chain`` (PCD's persistent
    hidden states) and the three velocities are the estimator's own arrays, updated in
    place so that ``partial_fit`` resumes where the last call stopped.
    """

    visible: np.ndarray
    hidden: np.ndarray
    hidden_sample: np.ndarray
    uniform_visible: np.ndarray
    uniform_hidden: np.ndarray
    gradient: np.ndarray
    chain: np.ndarray
    velocity_weights: np.ndarray
    velocity_visible: np.ndarray
    velocity_hidden: np.ndarray

    @classmethod
    def allocate(cls, batch_size, W, chain, velocities):
        """Scratch buffers for batches of at most ``batch_size`` rows of W's width."""
        n_components, n_features = W.shape
        dtype = W.dtype
        return cls(
            np.zeros((2 * batch_size, n_features), dtype=dtype),
            np.zeros((2 * batch_size, n_components), dtype=dtype),
            np.zeros((batch_size, n_components), dtype=dtype),
            np.zeros((batch_size, n_features), dtype=dtype),
            np.zeros((batch_size, n_components), dtype=dtype),
            np.zeros_like(W),
            chain,
            *velocities,
        )


def contrastive_phases(W, b, c, n_positive, ws, rng, *, persistent, n_steps):
    """Run the positive phase and a k-step Gibbs chain; fill the stacked buffers.

    On entry ``ws.visible[:n_positive]`` holds the data batch. On return
    ``ws.hidden[:n_positive]`` holds P(h | data) and the rows after them hold the
    negative phase: binary visible states v_k and P(h | v_k) (Rao-Blackwellised hidden
    statistics). The chain starts from a sample of P(h | data) (CD-k) or from the
    persistent states in ``ws.chain`` (PCD-k), which it then advances. Returns
    ``n_negative``, the number of chain rows.
    """
    v_data = ws.visible[:n_positive]
    h_data = hidden_probabilities(v_data, W, c, out=ws.hidden[:n_positive])
    if persistent:
        h_state = ws.chain
    else:
        h_state = ws.hidden_sample[:n_positive]
        sample_bernoulli(h_data, rng, h_state, ws.uniform_hidden[:n_positive])
    n_negative = h_state.shape[0]
    v_model = ws.visible[n_positive : n_positive + n_negative]
    h_model = ws.hidden[n_positive : n_positive + n_negative]
    uniform_v = ws.uniform_visible[:n_negative]
    uniform_h = ws.uniform_hidden[:n_negative]
    for step in range(n_steps):
        visible_probabilities(h_state, W, b, out=v_model)
        sample_bernoulli(v_model, rng, v_model, uniform_v)
        hidden_probabilities(v_model, W, c, out=h_model)
        if persistent or step < n_steps - 1:
            sample_bernoulli(h_model, rng, h_state, uniform_h)
    return n_negative


def log_likelihood_gradient(W, b, c, n_positive, n_negative, ws):
    """Gradient estimate from the stacked buffers of ``contrastive_phases``.

    Returns (dW, db, dc): <v h>_data - <v h>_model and the matching bias terms, each
    expectation a mean over its own rows: the estimate itself, for inspection and for
    the tests against the exact gradient. Training folds it into ``apply_update``.
    """
    rows = slice(0, n_positive + n_negative)
    hidden = ws.hidden[rows].copy()
    hidden[:n_positive] /= n_positive
    hidden[n_positive:] /= -n_negative
    dW = hidden.T @ ws.visible[rows]
    db = ws.visible[:n_positive].mean(axis=0) - ws.visible[rows][n_positive:].mean(
        axis=0
    )
    return dW, db, hidden.sum(axis=0)


def apply_update(
    W,
    b,
    c,
    n_positive,
    n_negative,
    ws,
    *,
    learning_rate,
    momentum,
    weight_decay,
    sparsity_penalty=None,
):
    """One momentum step of gradient ascent on the log-likelihood, in place.

    velocity <- momentum * velocity + learning_rate * gradient, then
    W <- (1 - learning_rate * weight_decay / (1 - momentum)) W + velocity_W (biases
    likewise, without decay). Weight decay scales the weights directly rather than
    entering the velocity: two passes over the weights fewer per batch, and the same
    fixed point (gradient = weight_decay * W) as decay inside the velocity.
    The weight gradient is a single GEMM over the stacked
    buffers: the positive rows are pre-scaled by learning_rate / n_positive and the
    negative rows by -learning_rate / n_negative (cheap: they are batch-sized).
    ``sparsity_penalty``, if given, is the per-hidden-unit derivative (q - p) * cost of
    the sparsity cross-entropy with respect to the hidden input; it is applied to the
    hidden biases and, through the batch's mean visible vector, to the weights.
    """
    rows = slice(0, n_positive + n_negative)
    visible = ws.visible[rows]
    hidden = ws.hidden[rows]
    positive_scale = learning_rate / n_positive
    negative_scale = learning_rate / n_negative
    hidden[:n_positive] *= positive_scale
    hidden[n_positive:] *= -negative_scale
    if sparsity_penalty is not None:
        # Subtracting penalty / n from every positive row makes the one GEMM (and the
        # column sum) also carry -learning_rate * penalty (x) mean(v_data).
        hidden[:n_positive] -= positive_scale * sparsity_penalty

    step_weights = np.matmul(hidden.T, visible, out=ws.gradient)
    step_hidden = hidden.sum(axis=0)
    step_visible = visible[:n_positive].sum(axis=0)
    step_visible *= positive_scale
    step_visible -= negative_scale * visible[n_positive:].sum(axis=0)
    if weight_decay:
        # Divided by (1 - momentum): the velocity amplifies gradient steps by that
        # factor, so the decay must match for the guide's fixed point gradient =
        # weight_decay * W.
        W *= 1.0 - learning_rate * weight_decay / (1.0 - momentum)
    for velocity, step, param in (
        (ws.velocity_weights, step_weights, W),
        (ws.velocity_visible, step_visible, b),
        (ws.velocity_hidden, step_hidden, c),
    ):
        if momentum:
            velocity *= momentum
            velocity += step
            step = velocity
        param += step


# ---------------------------------------------------------------- directed layers
#
# A directed layer between a lower layer (n_below units) and an upper layer (n_above
# units) has recognition weights R (n_above, n_below) with biases r (n_above), giving
# q(above = 1 | below) = expit(below R^T + r), and generative weights G (n_below,
# n_above) with biases g (n_below), giving p(below = 1 | above) = expit(above G^T + g).
# A pretrained RBM with components_ W, hidden biases c and visible biases b gives
# R = W, r = c, G = W^T, g = b: the weights are tied until wake-sleep unties them.


def bernoulli_log_likelihood(states, logits):
    """sum_i log Bernoulli(states_i; expit(logits_i)) per row: s.a - softplus(a)."""
    return (states * logits).sum(axis=1) - np.logaddexp(0, logits).sum(axis=1)


def bernoulli_entropy(logits):
    """Entropy in nats of independent Bernoulli(expit(logits)) units, per row."""
    return (np.logaddexp(0, logits) - expit(logits) * logits).sum(axis=1)


def generative_error(above, below, G, g):
    """Below - p, with p = expit(above G^T + g) the top-down prediction of below."""
    return np.subtract(below, logistic_inplace(above @ G.T + g))


def recognition_error(below, above, R, r):
    """Above - q, with q = expit(below R^T + r) the bottom-up prediction of above."""
    return np.subtract(above, logistic_inplace(below @ R.T + r))


def generative_delta(above, below, G, g):
    """Wake-phase delta rule of one generative layer: (dG, dg).

    dG = (below - p)^T above / n and dg = mean(below - p), where p is the top-down
    prediction of the lower layer. Only the two connected layers' activities enter.
    """
    error = generative_error(above, below, G, g)
    return error.T @ above / len(above), error.mean(axis=0)


def recognition_delta(below, above, R, r):
    """Sleep-phase delta rule of one recognition layer: (dR, dr).

    dR = (above - q)^T below / n and dr = mean(above - q), where q is the bottom-up
    prediction of the upper layer. Only the two connected layers' activities enter.
    """
    error = recognition_error(below, above, R, r)
    return error.T @ below / len(below), error.mean(axis=0)


def _apply_delta(weights, biases, error, inputs, scale, decay, buffer):
    """Set weights <- decay * weights + scale * error^T inputs (biases: no decay).

    ``error`` (batch-sized) is scaled in place so the GEMM writes the finished step
    into the preallocated ``buffer``.
    """
    error *= scale
    np.matmul(error.T, inputs, out=buffer)
    if decay != 1.0:
        weights *= decay
    weights += buffer
    biases += error.sum(axis=0)


def _predict(inputs, weights, biases, out):
    """expit(inputs weights^T + biases) written into ``out`` (a batch buffer)."""
    np.matmul(inputs, weights.T, out=out)
    out += biases
    return logistic_inplace(out)


@dataclass
class WakeSleepBuffers:
    """Batch-sized buffers of every directed layer for ``wake_sleep_step``.

    For layer l (bottom first): ``above[l]`` and ``below[l]`` hold the wake state of
    the upper unit layer and the generative error of the lower one; ``dream_below[l]``
    and ``dream_error[l]`` the sleep state of the lower layer and the recognition error
    of the upper one; ``uniform_*`` are sampling scratch; ``gradients`` holds one
    weight-sized step per generative matrix, then one per recognition matrix.
    """

    above: list
    uniform_above: list
    below: list
    dream_below: list
    uniform_below: list
    dream_error: list
    gradients: list

    @classmethod
    def allocate(cls, batch_size, generative_weights):
        """Buffers for batches of at most ``batch_size`` rows."""
        shapes = [G.shape for G in generative_weights]  # (n_below, n_above)
        dtype = generative_weights[0].dtype if generative_weights else np.float64

        def batch(width):
            return np.zeros((batch_size, width), dtype=dtype)

        return cls(
            above=[batch(n_above) for _, n_above in shapes],
            uniform_above=[batch(n_above) for _, n_above in shapes],
            below=[batch(n_below) for n_below, _ in shapes],
            dream_below=[batch(n_below) for n_below, _ in shapes],
            uniform_below=[batch(n_below) for n_below, _ in shapes],
            dream_error=[batch(n_above) for _, n_above in shapes],
            gradients=[np.zeros(shape, dtype=dtype) for shape in shapes]
            + [np.zeros(shape[::-1], dtype=dtype) for shape in shapes],
        )


def wake_sleep_step(
    V,
    recognition,
    generative,
    top,
    ws,
    rng,
    buffers,
    *,
    learning_rate,
    weight_decay,
    n_gibbs_steps,
):
    """One contrastive wake-sleep (up-down) update on the batch V, in place.

    ``recognition`` and ``generative`` are lists of [weights, biases] pairs, one per
    directed layer, bottom first; ``top`` is [W, b, c] of the undirected top RBM, ``ws``
    its ``Workspace``, and ``buffers`` a ``WakeSleepBuffers``.

    1. Wake: a stochastic up-pass with the recognition weights gives binary states
       s_0 = V, s_1, ..., s_{L-1}. Each generative layer gets the delta
       s_above (s_below - p_below).
    2. The top RBM gets a CD-k update with s_{L-1} as its data.
    3. Sleep: from the top RBM's negative visible state t_{L-1}, a stochastic
       down-pass with the generative weights gives t_{L-2}, ..., t_0 (probabilities at
       the bottom, as in Hinton et al. 2006). Each recognition layer gets the delta
       t_below (t_above - q_above).

    All deltas are computed from the parameters as they were at the start of the
    step, then applied with the learning rate; weight decay shrinks every weight by
    the factor (1 - learning_rate * weight_decay). Returns the wake states and the
    sleep states, bottom first (views of the buffers, overwritten by the next step).
    """
    n = len(V)
    states = [V]
    for layer, (R, r) in enumerate(recognition):
        probabilities = _predict(states[-1], R, r, buffers.above[layer][:n])
        uniform = buffers.uniform_above[layer][:n]
        states.append(sample_bernoulli(probabilities, rng, probabilities, uniform))
    generative_errors = []
    for layer, (G, g) in enumerate(generative):
        prediction = _predict(states[layer + 1], G, g, buffers.below[layer][:n])
        generative_errors.append(np.subtract(states[layer], prediction, out=prediction))

    W, b, c = top
    ws.visible[:n] = states[-1]
    n_negative = contrastive_phases(
        W, b, c, n, ws, rng, persistent=False, n_steps=n_gibbs_steps
    )

    fantasy = [ws.visible[n : n + n_negative]]
    for layer in reversed(range(len(generative))):
        G, g = generative[layer]
        dream = _predict(fantasy[0], G, g, buffers.dream_below[layer][:n_negative])
        if layer > 0:
            uniform = buffers.uniform_below[layer][:n_negative]
            sample_bernoulli(dream, rng, dream, uniform)
        fantasy.insert(0, dream)
    recognition_errors = []
    for layer, (R, r) in enumerate(recognition):
        out = buffers.dream_error[layer][:n_negative]
        prediction = _predict(fantasy[layer], R, r, out)
        recognition_errors.append(np.subtract(fantasy[layer + 1], prediction, out=out))

    apply_update(
        W,
        b,
        c,
        n,
        n_negative,
        ws,
        learning_rate=learning_rate,
        momentum=0.0,
        weight_decay=weight_decay,
    )
    decay = 1.0 - learning_rate * weight_decay
    updates = [
        (G, g, error, above, learning_rate / n)
        for (G, g), error, above in zip(generative, generative_errors, states[1:])
    ] + [
        (R, r, error, below, learning_rate / n_negative)
        for (R, r), error, below in zip(recognition, recognition_errors, fantasy[:-1])
    ]
    for (weights, biases, error, inputs, scale), buffer in zip(
        updates, buffers.gradients
    ):
        _apply_delta(weights, biases, error, inputs, scale, decay, buffer)
    return states, fantasy


def up_pass(V, recognition):
    """Deterministic up-pass: recognition probabilities of every layer, V first."""
    layers = [V]
    for R, r in recognition:
        layers.append(hidden_probabilities(layers[-1], R, r))
    return layers


def down_pass(H, generative):
    """Deterministic down-pass from the top directed layer to the visible layer."""
    for G, g in reversed(generative):
        H = visible_probabilities(H, G.T, g)
    return H


def variational_bound(V, recognition, generative, top, log_z_top, uniforms):
    """Monte Carlo estimate of the variational lower bound on log p(v), per row.

    log p(v) >= E_q[sum_l log p(s_{l-1} | s_l) + log p_top(s_{L-1})] + H(q), where
    q(s_1, ..., s_{L-1} | v) is the factorial recognition distribution (Salakhutdinov
    & Murray 2008). The entropy of each layer given the layer below is exact; the
    expectation averages over ``len(uniforms[0])`` samples whose uniforms
    (``uniforms[l]`` of shape (n_samples, n_units_l)) are shared by every row, which
    keeps each row's estimate independent of the other rows. V must be dense.
    """
    W, b, c = top
    n_mc = len(uniforms[0]) if uniforms else 1
    total = np.zeros(V.shape[0], dtype=np.float64)
    first_logits = V @ recognition[0][0].T + recognition[0][1] if recognition else None
    for s in range(n_mc):
        below = V
        for layer, ((R, r), (G, g), noise) in enumerate(
            zip(recognition, generative, uniforms)
        ):
            logits = first_logits if layer == 0 else below @ R.T + r
            total += bernoulli_entropy(logits)
            above = np.less(noise[s], expit(logits)).astype(V.dtype)
            total += bernoulli_log_likelihood(below, above @ G.T + g)
            below = above
        total -= free_energy(below, W, b, c) + log_z_top
    return total / n_mc
