"""The Bernoulli-Bernoulli Restricted Boltzmann Machine estimator."""

import hashlib
import time
import warnings
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.base import (
    BaseEstimator,
    ClassNamePrefixFeaturesOutMixin,
    TransformerMixin,
    _fit_context,
)
from sklearn.utils import check_random_state, gen_batches
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_array, check_is_fitted, validate_data

from skdbn import _kernels

# Monitoring figures printed with verbose are computed on at most this many rows.
_N_MONITOR_ROWS = 1000


def _as_generator(random_state):
    """Seed a PCG64 Generator from sklearn's ``random_state`` convention.

    The Generator draws float32 uniforms directly into our buffers, which
    ``RandomState`` cannot; an int seed still gives bit-identical runs.
    """
    seed = check_random_state(random_state).randint(np.iinfo(np.int32).max)
    return np.random.default_rng(seed)


def _check_unit_interval(X, who):
    """Warn when Bernoulli visible data leave [0, 1]; the values are still used."""
    values = X.data if sp.issparse(X) else X
    if values.size == 0:
        return
    low, high = values.min(), values.max()
    if low < 0 or high > 1:
        warnings.warn(
            f"{who} models Bernoulli visible units, whose values are probabilities in "
            f"[0, 1]; got values in [{low:.4g}, {high:.4g}]. Scale the features first, "
            "for example with sklearn.preprocessing.MinMaxScaler.",
            UserWarning,
            # Points at the caller of fit / partial_fit / transform (each wrapped once
            # by sklearn: _fit_context or set_output).
            stacklevel=6,
        )


def _validate_visible(estimator, X, *, reset, dtype):
    """Validate visible data for ``estimator``: CSR or dense, range-checked.

    float32 and float64 are kept on fit (``reset``); afterwards X is cast to the
    fitted model's ``dtype``.
    """
    X = validate_data(
        estimator, X, accept_sparse="csr", dtype=(np.float64, np.float32), reset=reset
    )
    if dtype is not None and X.dtype != dtype:
        X = X.astype(dtype)
    _check_unit_interval(X, type(estimator).__name__)
    return X


def _check_finite_parameters(estimator, *arrays):
    """Raise a clear error, naming the learning rate, when training has diverged."""
    if not all(np.isfinite(array).all() for array in arrays):
        raise FloatingPointError(
            f"{type(estimator).__name__} diverged: its parameters became non-finite "
            f"with learning_rate={estimator.learning_rate}. Lower the learning rate "
            "(or the momentum) and fit again."
        )


class RBM(ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator):
    """Bernoulli Restricted Boltzmann Machine trained by CD-k or PCD-k.

    Binary visible units v (the features, scaled to [0, 1]) and binary hidden units h
    (the learned features) with energy E(v, h) = -b.v - c.h - h W v. The model is
    trained by stochastic gradient ascent on the log-likelihood with the contrastive
    divergence (CD-k) or persistent contrastive divergence (PCD-k, also called
    stochastic maximum likelihood) estimate of the gradient. Every weight update is
    local: it uses only the activities of the two units the weight connects.

    ``transform`` returns P(h = 1 | v), the features to give a downstream classifier.
    ``score_samples`` returns the log-likelihood log p(v) in nats, with the log
    partition function computed exactly for small layers or by annealed importance
    sampling.

    Parameters
    ----------
    n_components : int, default=256
        Number of hidden units.

    learning_rate : float, default=0.05
        Step size of gradient ascent per mini-batch (the gradient is a mean over the
        batch). The practical guide suggests updates of about 1e-3 times the weights.
        On binarized digits (CD-1, momentum 0.5, batch 10, 20 epochs) 0.05 gave the
        best held-out log-likelihood of {0.005, 0.01, 0.02, 0.05}: -19.8 nats against
        -20.8 for 0.02 and -24.7 for 0.005.

    batch_size : int, default=10
        Number of samples per mini-batch, and number of persistent chains for PCD.
        The guide recommends 10 to 100. On digits, 10 gave a better held-out
        log-likelihood than 20 or 50 for the same number of epochs (more updates);
        on large data sets use 100 or more: each batch is then a real matrix product
        and an epoch is several times faster (see the performance page).

    n_iter : int, default=20
        Number of epochs (passes over the training set) made by ``fit``.

    method : {"cd", "pcd"}, default="cd"
        Gradient estimator. "cd" starts each negative chain from the data batch;
        "pcd" keeps ``batch_size`` persistent chains across batches (Tieleman 2008).
        PCD follows the likelihood gradient more faithfully when the learning rate is
        small and the chains are many; at the default budget on binarized digits (16
        hidden units, 20 epochs, batch 10) CD-1 reached a held-out log-likelihood of
        -19.8 nats against -20.9 for PCD-1, whose 10 chains lag the fast-moving
        weights (``benchmarks/digits_settings.py``), so "cd" is the default.

    n_gibbs_steps : int, default=1
        Number of Gibbs steps k per update in CD-k / PCD-k.

    momentum : float, default=0.5
        Fraction of the previous update added to the current one. The guide starts
        with 0.5; on binarized digits (CD-1, learning rate 0.05) 0.5 gained 0.7 nats
        of held-out log-likelihood over 0, and 0.9 lost 0.8 nats against 0.5.

    weight_decay : float, default=1e-4
        L2 penalty coefficient on the weights (not the biases), the guide's suggested
        value. It shrinks the weights directly each update, scaled by
        1 / (1 - momentum) so that the penalty's strength does not depend on the
        momentum.

    sparsity_target : float or None, default=None
        Target mean activation of each hidden unit. None disables the sparsity
        penalty.

    sparsity_cost : float, default=0.1
        Weight of the sparsity penalty (cross-entropy between the target and a
        running average of each hidden unit's activation, decay 0.9 as in the guide).
        Ignored when ``sparsity_target`` is None.

    random_state : int, RandomState instance or None, default=None
        Seeds the generator used for: the initial weights, the order of the samples in
        each epoch of ``fit``, every Gibbs sample of training, and the annealed
        importance sampling that ``score_samples`` uses when the log partition
        function is not computed exactly. Pass an int for bit-identical results.

    verbose : int, default=0
        If positive, print one line per epoch: epoch, seconds, reconstruction error
        (mean squared error of the mean-field reconstruction) and the stochastic
        pseudo-log-likelihood (one flipped unit per sample, scaled by the number of
        features), both on at most 1000 training rows.

    Attributes
    ----------
    components_ : ndarray of shape (n_components, n_features)
        Weight matrix W.

    intercept_hidden_ : ndarray of shape (n_components,)
        Hidden biases c.

    intercept_visible_ : ndarray of shape (n_features,)
        Visible biases b.

    visible_mean_ : ndarray of shape (n_features,)
        Mean of the training data; the base-rate model of annealed importance
        sampling, and the initial visible biases (as log-odds).

    persistent_hidden_ : ndarray of shape (batch_size, n_components)
        Hidden states of the persistent chains (PCD).

    n_samples_seen_ : int
        Number of training rows seen so far.

    n_iter_ : int
        Number of passes over training data: epochs of ``fit`` plus ``partial_fit``
        calls.

    n_features_in_ : int
        Number of features seen during fit.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when X has string feature names.

    See Also
    --------
    skdbn.DBN : Stack of RBMs with wake-sleep fine-tuning.
    sklearn.neural_network.BernoulliRBM : The PCD-1 RBM of scikit-learn.

    References
    ----------
    G. E. Hinton, "A Practical Guide to Training Restricted Boltzmann Machines",
    UTML TR 2010-003, 2010.

    T. Tieleman, "Training Restricted Boltzmann Machines using Approximations to the
    Likelihood Gradient", ICML 2008.

    R. Salakhutdinov and I. Murray, "On the Quantitative Analysis of Deep Belief
    Networks", ICML 2008.

    Examples
    --------
    >>> import itertools
    >>> import numpy as np
    >>> from skdbn import RBM
    >>> X = np.array([[0, 0, 0], [0, 1, 1], [1, 0, 1], [1, 1, 1]])
    >>> rbm = RBM(n_components=2, random_state=0).fit(X)
    >>> rbm.transform(X).shape
    (4, 2)
    >>> every_state = list(itertools.product([0, 1], repeat=3))
    >>> round(float(np.exp(rbm.score_samples(every_state)).sum()), 6)
    1.0
    """

    _parameter_constraints: dict = {
        "n_components": [Interval(Integral, 1, None, closed="left")],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "n_iter": [Interval(Integral, 1, None, closed="left")],
        "method": [StrOptions({"cd", "pcd"})],
        "n_gibbs_steps": [Interval(Integral, 1, None, closed="left")],
        "momentum": [Interval(Real, 0, 1, closed="left")],
        "weight_decay": [Interval(Real, 0, None, closed="left")],
        "sparsity_target": [None, Interval(Real, 0, 1, closed="neither")],
        "sparsity_cost": [Interval(Real, 0, None, closed="left")],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        n_components=256,
        *,
        learning_rate=0.05,
        batch_size=10,
        n_iter=20,
        method="cd",
        n_gibbs_steps=1,
        momentum=0.5,
        weight_decay=1e-4,
        sparsity_target=None,
        sparsity_cost=0.1,
        random_state=None,
        verbose=0,
    ):
        self.n_components = n_components
        self.learning_rate = learning_rate
        self.batch_size = batch_size
        self.n_iter = n_iter
        self.method = method
        self.n_gibbs_steps = n_gibbs_steps
        self.momentum = momentum
        self.weight_decay = weight_decay
        self.sparsity_target = sparsity_target
        self.sparsity_cost = sparsity_cost
        self.random_state = random_state
        self.verbose = verbose

    # ----------------------------------------------------------------- training

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Fit the model to X by ``n_iter`` epochs of mini-batch CD-k / PCD-k.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data, values in [0, 1].

        y : None
            Ignored.

        Returns
        -------
        self : RBM
            The fitted model.
        """
        X = self._validate_visible(X, reset=True)
        rng = _as_generator(self.random_state)
        self._initialize(X, rng)
        for _ in range(self.n_iter):
            self._train_epoch(X, rng.permutation(X.shape[0]), rng)
        return self

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y=None):
        """Make one pass over X in mini-batches of ``batch_size``, in row order.

        The first call initialises the model; later calls continue training with the
        same velocities, persistent chains and random stream, so a data set too large
        for memory can be streamed in chunks.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data, values in [0, 1].

        y : None
            Ignored.

        Returns
        -------
        self : RBM
            The updated model.
        """
        first_call = not hasattr(self, "components_")
        X = self._validate_visible(X, reset=first_call)
        if first_call:
            self._initialize(X, _as_generator(self.random_state))
        elif self.components_.shape[0] != self.n_components:
            raise ValueError(
                f"n_components is now {self.n_components}, but the fitted model has "
                f"{self.components_.shape[0]} hidden units; call fit to start again."
            )
        else:
            self.n_samples_seen_ += X.shape[0]
            self.visible_mean_ += (
                np.asarray(X.sum(axis=0)).ravel() - X.shape[0] * self.visible_mean_
            ) / self.n_samples_seen_
        self._train_epoch(X, np.arange(X.shape[0]), self._rng)
        return self

    def _initialize(self, X, rng):
        """Set the initial parameters the practical guide recommends.

        Weights N(0, 0.01^2); hidden biases 0; visible biases log(p / (1 - p)) of the
        training proportions p, so that the model starts at the data's base rates.
        ``rng`` is kept so that ``partial_fit`` continues the same random stream.
        """
        n_samples, n_features = X.shape
        dtype = X.dtype
        self._rng = rng
        self.components_ = (
            rng.standard_normal((self.n_components, n_features)) * 0.01
        ).astype(dtype)
        self.visible_mean_ = np.asarray(X.mean(axis=0), dtype=dtype).ravel()
        self.intercept_visible_ = self._base_rate_logits().astype(dtype)
        self.intercept_hidden_ = np.zeros(self.n_components, dtype=dtype)
        self.persistent_hidden_ = np.zeros(
            (self.batch_size, self.n_components), dtype=dtype
        )
        self._velocity = (
            np.zeros_like(self.components_),
            np.zeros_like(self.intercept_visible_),
            np.zeros_like(self.intercept_hidden_),
        )
        self._hidden_activity = np.zeros(self.n_components, dtype=dtype)
        self.n_samples_seen_ = n_samples
        self.n_iter_ = 0

    def _base_rate_logits(self):
        """Log-odds of the training proportions, clipped away from 0 and 1."""
        p = np.clip(self.visible_mean_.astype(np.float64), 1e-3, 1 - 1e-3)
        return np.log(p) - np.log1p(-p)

    def _train_epoch(self, X, order, rng):
        """One pass over the rows of X in the given order, one update per batch."""
        start = time.perf_counter()
        W, b, c = self.components_, self.intercept_visible_, self.intercept_hidden_
        batch_size = min(self.batch_size, X.shape[0])
        persistent = self.method == "pcd"
        # The chains keep the batch size they were created with, even if
        # set_params changed it since.
        ws = _kernels.Workspace.allocate(
            max(self.batch_size, len(self.persistent_hidden_)),
            W,
            self.persistent_hidden_,
            self._velocity,
        )
        for batch in gen_batches(len(order), batch_size):
            rows = order[batch]
            n_positive = len(rows)
            v_data = ws.visible[:n_positive]
            if sp.issparse(X):
                X[rows].toarray(out=v_data)
            else:
                np.take(X, rows, axis=0, out=v_data)
            n_negative = _kernels.contrastive_phases(
                W,
                b,
                c,
                n_positive,
                ws,
                rng,
                persistent=persistent,
                n_steps=self.n_gibbs_steps,
            )
            _kernels.apply_update(
                W,
                b,
                c,
                n_positive,
                n_negative,
                ws,
                learning_rate=self.learning_rate,
                momentum=self.momentum,
                weight_decay=self.weight_decay,
                sparsity_penalty=self._sparsity_penalty(ws.hidden[:n_positive]),
            )
        _check_finite_parameters(self, W, b, c)
        self.n_iter_ += 1
        if self.verbose:
            self._print_progress(X, order, time.perf_counter() - start)

    def _sparsity_penalty(self, hidden_data):
        """(q - p) * cost, q the running mean activation (decay 0.9), or None."""
        if self.sparsity_target is None:
            return None
        q = self._hidden_activity
        q *= 0.9
        q += 0.1 * hidden_data.mean(axis=0)
        return self.sparsity_cost * (q - self.sparsity_target)

    def _print_progress(self, X, order, seconds):
        """One line: epoch, time, reconstruction error, pseudo-log-likelihood.

        The flipped units come from their own generator, so verbose output never
        changes the training random stream.
        """
        rng = np.random.default_rng(self.n_iter_)
        rows = np.sort(order[:_N_MONITOR_ROWS])
        V = X[rows]
        V = V.toarray() if sp.issparse(V) else V
        W, b, c = self.components_, self.intercept_visible_, self.intercept_hidden_
        hidden = _kernels.hidden_probabilities(V, W, c)
        reconstruction = _kernels.visible_probabilities(hidden, W, b)
        error = float(np.mean((V - reconstruction) ** 2))
        flipped = V.copy()
        unit = rng.integers(0, V.shape[1], size=V.shape[0])
        picked = flipped[np.arange(V.shape[0]), unit]
        flipped[np.arange(V.shape[0]), unit] = 1 - picked
        gap = _kernels.free_energy(flipped, W, b, c) - _kernels.free_energy(V, W, b, c)
        pseudo = V.shape[1] * float(np.mean(-np.logaddexp(0, -gap)))
        print(
            f"[{type(self).__name__}] epoch {self.n_iter_:3d}  {seconds:7.2f}s  "
            f"reconstruction error {error:.5f}  "
            f"pseudo-log-likelihood {pseudo:.3f}"
        )

    # ------------------------------------------------------------ inference

    def transform(self, X):
        """Hidden-unit probabilities P(h = 1 | v): the learned features.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Visible data, values in [0, 1].

        Returns
        -------
        H : ndarray of shape (n_samples, n_components)
            P(h_j = 1 | v) for each sample.
        """
        check_is_fitted(self)
        X = self._validate_visible(X, reset=False)
        return _kernels.hidden_probabilities(
            X, self.components_, self.intercept_hidden_
        )

    def inverse_transform(self, H):
        """Visible-unit probabilities P(v = 1 | h): the mean reconstruction.

        Parameters
        ----------
        H : array-like of shape (n_samples, n_components)
            Hidden states or probabilities.

        Returns
        -------
        V : ndarray of shape (n_samples, n_features)
            P(v_i = 1 | h) for each sample.
        """
        check_is_fitted(self)
        H = self._validate_hidden(H)
        return _kernels.visible_probabilities(
            H, self.components_, self.intercept_visible_
        )

    def free_energy(self, X):
        """Free energy F(v) = -log sum_h exp(-E(v, h)) of each sample.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Visible data, values in [0, 1].

        Returns
        -------
        free_energy : ndarray of shape (n_samples,)
            F(v) in nats; log p(v) = -F(v) - log Z.
        """
        check_is_fitted(self)
        X = self._validate_visible(X, reset=False)
        return _kernels.free_energy(
            X, self.components_, self.intercept_visible_, self.intercept_hidden_
        )

    def log_partition(
        self,
        method="auto",
        *,
        n_runs=100,
        n_betas=10000,
        random_state=None,
        return_std=False,
    ):
        """Log partition function log Z = log sum_{v,h} exp(-E(v, h)).

        Parameters
        ----------
        method : {"auto", "exact", "ais"}, default="auto"
            "exact" sums out one layer and enumerates every state of the other
            (allowed when the smaller layer has at most 20 units). "ais" is annealed
            importance sampling from the base-rate model of the training data
            (``visible_mean_``) with the Salakhutdinov & Murray schedule. "auto" is
            "exact" when it is allowed, otherwise "ais".

        n_runs : int, default=100
            Number of independent AIS runs (importance weights).

        n_betas : int, default=10000
            Number of inverse temperatures in the AIS schedule.

        random_state : int, RandomState instance or None, default=None
            Seeds the AIS runs. The estimator itself is never modified.

        return_std : bool, default=False
            Also return the standard error of the estimate (0 for "exact").

        Returns
        -------
        log_z : float
            The log partition function in nats.

        std : float
            Standard error of ``log_z``; only returned if ``return_std`` is True.
        """
        check_is_fitted(self)
        W, b, c = self.components_, self.intercept_visible_, self.intercept_hidden_
        if method not in ("auto", "exact", "ais"):
            raise ValueError(
                f"method must be 'auto', 'exact' or 'ais'; got {method!r}."
            )
        if n_runs < 1 or n_betas < 3:
            raise ValueError(
                f"AIS needs n_runs >= 1 and n_betas >= 3; got {n_runs} and {n_betas}."
            )
        if method == "auto":
            method = "exact" if min(W.shape) <= _kernels.MAX_EXACT_UNITS else "ais"
        if method == "exact":
            log_z, std = _kernels.log_partition_exact(W, b, c), 0.0
        else:
            log_z, std = _kernels.log_partition_ais(
                W,
                b,
                c,
                self._base_rate_logits(),
                n_runs=n_runs,
                n_betas=n_betas,
                rng=_as_generator(random_state),
            )
        return (log_z, std) if return_std else log_z

    def score_samples(self, X):
        """Log-likelihood log p(v) = -F(v) - log Z of each sample, in nats.

        log Z comes from ``log_partition(method="auto", random_state=random_state)``,
        computed once per fitted state and cached, so scores are deterministic and
        do not depend on which rows are scored together.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Visible data, values in [0, 1] (exactly 0 or 1 for a true probability).

        Returns
        -------
        log_likelihood : ndarray of shape (n_samples,)
            The log-likelihood log p(v) in nats.
        """
        return -self.free_energy(X) - self._cached_log_partition()

    def score(self, X, y=None):
        """Mean log-likelihood of X in nats (higher is better).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Visible data, values in [0, 1].

        y : None
            Ignored.

        Returns
        -------
        score : float
            Mean of ``score_samples(X)``.
        """
        return float(np.mean(self.score_samples(X)))

    def _cached_log_partition(self):
        """Return log Z of the current parameters, computed once per parameter set.

        The cache is keyed by a digest of the parameters' bytes (a fraction of a
        millisecond for 784 x 500 weights), so training, ``set_params`` or editing
        ``components_`` in place can never leave a stale log Z behind.
        """
        digest = hashlib.blake2b(digest_size=16)
        for array in (
            self.components_,
            self.intercept_visible_,
            self.intercept_hidden_,
        ):
            digest.update(np.ascontiguousarray(array).data)
        key = digest.hexdigest()
        cached = getattr(self, "_log_partition_cache", None)
        if cached is None or cached[0] != key:
            cached = (key, self.log_partition(random_state=self.random_state))
            self._log_partition_cache = cached
        return cached[1]

    # -------------------------------------------------------------- sampling

    def gibbs(self, V, random_state=None):
        """One Gibbs step v -> h -> v' with binary samples at both layers.

        Parameters
        ----------
        V : {array-like, sparse matrix} of shape (n_samples, n_features)
            Starting visible states.

        random_state : int, RandomState instance or None, default=None
            Seeds the two sampling steps. The estimator is not modified.

        Returns
        -------
        V_new : ndarray of shape (n_samples, n_features)
            Binary visible states after one step.
        """
        check_is_fitted(self)
        V = self._validate_visible(V, reset=False)
        rng = _as_generator(random_state)
        H = _kernels.hidden_probabilities(V, self.components_, self.intercept_hidden_)
        return self._gibbs_from_hidden(H, 1, rng)[0]

    def sample(
        self,
        n_samples=1,
        *,
        n_steps=1000,
        random_state=None,
        return_probabilities=False,
    ):
        """Fantasies: visible states after ``n_steps`` Gibbs steps from the base rates.

        Each chain starts from a sample of the training data's base rates
        (``visible_mean_``) and runs ``n_steps`` full Gibbs steps.

        Parameters
        ----------
        n_samples : int, default=1
            Number of independent chains.

        n_steps : int, default=1000
            Gibbs steps per chain.

        random_state : int, RandomState instance or None, default=None
            Seeds the chains. The estimator is not modified.

        return_probabilities : bool, default=False
            Return P(v = 1 | h) of the last step (smoother images) instead of the
            binary visible sample.

        Returns
        -------
        V : ndarray of shape (n_samples, n_features)
            Binary visible samples, or their probabilities.
        """
        check_is_fitted(self)
        if n_steps < 1:
            raise ValueError(f"n_steps must be at least 1; got {n_steps}.")
        rng = _as_generator(random_state)
        W = self.components_
        dtype = W.dtype
        V = np.empty((n_samples, W.shape[1]), dtype=dtype)
        _kernels.sample_bernoulli(
            np.broadcast_to(self.visible_mean_, V.shape), rng, V, np.empty_like(V)
        )
        H = _kernels.hidden_probabilities(V, W, self.intercept_hidden_)
        V, P = self._gibbs_from_hidden(H, n_steps, rng)
        return P if return_probabilities else V

    def _gibbs_from_hidden(self, H, n_steps, rng):
        """Run n_steps of h ~ P(h|v), v ~ P(v|h) starting from P(h|v0) in H."""
        W, b, c = self.components_, self.intercept_visible_, self.intercept_hidden_
        H = np.asarray(H, dtype=W.dtype)
        V = np.empty((H.shape[0], W.shape[1]), dtype=W.dtype)
        P = np.empty_like(V)
        uniform_h, uniform_v = np.empty_like(H), np.empty_like(V)
        for step in range(n_steps):
            _kernels.sample_bernoulli(H, rng, H, uniform_h)
            _kernels.visible_probabilities(H, W, b, out=P)
            _kernels.sample_bernoulli(P, rng, V, uniform_v)
            if step < n_steps - 1:
                _kernels.hidden_probabilities(V, W, c, out=H)
        return V, P

    # ------------------------------------------------------------ plumbing

    def _validate_visible(self, X, *, reset):
        return _validate_visible(
            self, X, reset=reset, dtype=None if reset else self.components_.dtype
        )

    def _validate_hidden(self, H):
        """Validate dense hidden states of width n_components in the model's dtype."""
        H = check_array(H, dtype=self.components_.dtype)
        if H.shape[1] != self.components_.shape[0]:
            raise ValueError(
                f"H has {H.shape[1]} columns, but {type(self).__name__} has "
                f"{self.components_.shape[0]} hidden units (n_components)."
            )
        return H

    @property
    def _n_features_out(self):
        """Number of transformed output features (hidden units)."""
        return self.components_.shape[0]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags
