"""The Deep Belief Network estimator: greedy stacked RBMs and untied wake-sleep."""

import copy
import time
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.base import (
    BaseEstimator,
    ClassNamePrefixFeaturesOutMixin,
    TransformerMixin,
    _fit_context,
)
from sklearn.utils import gen_batches
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_array, check_is_fitted

from skdbn import _kernels
from skdbn._rbm import (
    RBM,
    _as_generator,
    _check_finite_parameters,
    _validate_visible,
)

_N_MONITOR_ROWS = 1000


def _greedy_only(dbn):
    """partial_fit streams greedy pretraining, so it exists without fine-tuning."""
    return dbn.fine_tuning is None


class DBN(ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator):
    """Deep Belief Network: greedily stacked RBMs, optionally fine-tuned by wake-sleep.

    ``fit`` trains one :class:`skdbn.RBM` per entry of ``hidden_layer_sizes``, each on
    the hidden probabilities of the layer below (computed once per layer). The top
    RBM stays undirected; every lower RBM becomes a directed layer with recognition
    (bottom-up) weights and generative (top-down) weights, tied (transposes of each
    other) after pretraining.

    With ``fine_tuning="wake-sleep"`` the weights are then untied and fine-tuned by
    the contrastive wake-sleep ("up-down") algorithm of Hinton, Osindero & Teh
    (2006), without labels:

    - wake: a stochastic up-pass with the recognition weights; each generative weight
      from unit j above to unit i below changes by s_j (s_i - p_i), where p_i is the
      top-down prediction of s_i; the top RBM gets a CD-k update from the up-pass
      state;
    - sleep: from the top RBM's negative state, a stochastic down-pass with the
      generative weights; each recognition weight from unit i below to unit j above
      changes by s_i (s_j - q_j), where q_j is the bottom-up prediction of s_j.

    Every update is local: it uses only the activities of the two layers its weights
    connect, and no derivative of any activation function is needed.

    Parameters
    ----------
    hidden_layer_sizes : tuple of int, default=(256, 256)
        Number of units in each hidden layer, bottom first.

    learning_rate : float, default=0.05
        Learning rate of greedy pretraining, shared by every layer.

    batch_size : int, default=10
        Mini-batch size of pretraining and fine-tuning.

    n_iter : int, default=20
        Pretraining epochs per layer.

    method : {"cd", "pcd"}, default="cd"
        Gradient estimator of pretraining (see :class:`skdbn.RBM`).

    n_gibbs_steps : int, default=1
        Gibbs steps k of CD-k / PCD-k in pretraining.

    momentum : float, default=0.5
        Momentum of pretraining.

    weight_decay : float, default=1e-4
        L2 penalty on the weights, in pretraining and in fine-tuning.

    sparsity_target : float or None, default=None
        Target mean activation of hidden units in pretraining; None disables it.

    sparsity_cost : float, default=0.1
        Weight of the sparsity penalty.

    fine_tuning : {None, "wake-sleep"}, default=None
        None keeps the greedily pretrained, tied stack. "wake-sleep" unties the
        weights and runs ``fine_tuning_n_iter`` epochs of contrastive wake-sleep.

    fine_tuning_n_iter : int, default=10
        Epochs of wake-sleep fine-tuning.

    fine_tuning_learning_rate : float, default=0.01
        Learning rate of wake-sleep (no momentum). Smaller than the pretraining rate:
        fine-tuning adjusts a good model rather than building one.

    fine_tuning_n_gibbs_steps : int, default=3
        Gibbs steps in the top RBM per wake-sleep update; Hinton et al. (2006) start
        with 3. Each step costs two top-layer matrix products.

    n_bound_samples : int, default=10
        Samples from the recognition distribution used by ``score_samples`` to
        estimate the variational bound (the layer entropies are exact).

    random_state : int, RandomState instance or None, default=None
        Seeds: each layer's RBM (initial weights, sample order, Gibbs samples), the
        sample order and every stochastic state of wake-sleep, the annealed
        importance sampling of the top RBM's log partition function, and the
        recognition samples of ``score_samples`` (drawn once per fit, so scores are
        deterministic even with None). Pass an int for bit-identical
        results.

    verbose : int, default=0
        If positive, print one line per epoch for each layer's pretraining (see
        :class:`skdbn.RBM`) and for fine-tuning (epoch, seconds, reconstruction
        error of a deterministic up-down pass, on at most 1000 training rows).

    Attributes
    ----------
    rbms_ : list of RBM
        The greedily pretrained RBMs, bottom first; each is usable on its own.

    recognition_weights_ : list of ndarray
        Recognition weights of each directed layer, shape (n_above, n_below).

    recognition_intercepts_ : list of ndarray
        Recognition biases of each directed layer, shape (n_above,).

    generative_weights_ : list of ndarray
        Generative weights of each directed layer, shape (n_below, n_above).

    generative_intercepts_ : list of ndarray
        Generative biases of each directed layer, shape (n_below,).

    top_rbm_ : RBM
        The undirected top RBM (a fine-tuned copy of ``rbms_[-1]`` after wake-sleep).

    n_iter_ : int
        Epochs of fine-tuning done (0 without fine-tuning).

    n_features_in_ : int
        Number of features seen during fit.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when X has string feature names.

    See Also
    --------
    skdbn.RBM : The building block, a Bernoulli RBM.

    References
    ----------
    G. E. Hinton, S. Osindero and Y.-W. Teh, "A Fast Learning Algorithm for Deep
    Belief Nets", Neural Computation 18(7), 2006.

    R. Salakhutdinov and I. Murray, "On the Quantitative Analysis of Deep Belief
    Networks", ICML 2008.

    Examples
    --------
    >>> import numpy as np
    >>> from skdbn import DBN
    >>> X = np.array([[0, 0, 0], [0, 1, 1], [1, 0, 1], [1, 1, 1]])
    >>> dbn = DBN((4, 2), fine_tuning="wake-sleep", random_state=0).fit(X)
    >>> dbn.transform(X).shape
    (4, 2)
    >>> len(dbn.recognition_weights_)
    1
    """

    _parameter_constraints: dict = {
        "hidden_layer_sizes": ["array-like"],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "n_iter": [Interval(Integral, 1, None, closed="left")],
        "method": [StrOptions({"cd", "pcd"})],
        "n_gibbs_steps": [Interval(Integral, 1, None, closed="left")],
        "momentum": [Interval(Real, 0, 1, closed="left")],
        "weight_decay": [Interval(Real, 0, None, closed="left")],
        "sparsity_target": [None, Interval(Real, 0, 1, closed="neither")],
        "sparsity_cost": [Interval(Real, 0, None, closed="left")],
        "fine_tuning": [None, StrOptions({"wake-sleep"})],
        "fine_tuning_n_iter": [Interval(Integral, 1, None, closed="left")],
        "fine_tuning_learning_rate": [Interval(Real, 0, None, closed="neither")],
        "fine_tuning_n_gibbs_steps": [Interval(Integral, 1, None, closed="left")],
        "n_bound_samples": [Interval(Integral, 1, None, closed="left")],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        hidden_layer_sizes=(256, 256),
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
        fine_tuning=None,
        fine_tuning_n_iter=10,
        fine_tuning_learning_rate=0.01,
        fine_tuning_n_gibbs_steps=3,
        n_bound_samples=10,
        random_state=None,
        verbose=0,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.learning_rate = learning_rate
        self.batch_size = batch_size
        self.n_iter = n_iter
        self.method = method
        self.n_gibbs_steps = n_gibbs_steps
        self.momentum = momentum
        self.weight_decay = weight_decay
        self.sparsity_target = sparsity_target
        self.sparsity_cost = sparsity_cost
        self.fine_tuning = fine_tuning
        self.fine_tuning_n_iter = fine_tuning_n_iter
        self.fine_tuning_learning_rate = fine_tuning_learning_rate
        self.fine_tuning_n_gibbs_steps = fine_tuning_n_gibbs_steps
        self.n_bound_samples = n_bound_samples
        self.random_state = random_state
        self.verbose = verbose

    # ----------------------------------------------------------------- training

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Pretrain the stack greedily, then fine-tune it if ``fine_tuning`` says so.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data, values in [0, 1].

        y : None
            Ignored.

        Returns
        -------
        self : DBN
            The fitted model.
        """
        X = self._validate_visible(X, reset=True)
        rng = _as_generator(self.random_state)
        self._bound_seed = int(rng.integers(np.iinfo(np.int32).max))
        self.rbms_ = []
        layer_input = X
        for size in self._layer_sizes():
            rbm = self._layer_rbm(size, rng)
            if self.verbose:
                print(
                    f"[DBN] pretraining layer {len(self.rbms_) + 1}: "
                    f"{layer_input.shape[1]} -> {size} units"
                )
            rbm.fit(layer_input)
            self.rbms_.append(rbm)
            if len(self.rbms_) < len(self._layer_sizes()):
                layer_input = rbm.transform(layer_input)
        self._tie_weights()
        self.n_iter_ = 0
        if self.fine_tuning == "wake-sleep":
            for _ in range(self.fine_tuning_n_iter):
                self._wake_sleep_epoch(X, rng.permutation(X.shape[0]), rng)
        return self

    @available_if(_greedy_only)
    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y=None):
        """One greedy pass over X: each layer's RBM makes one ``partial_fit`` pass.

        Layer l is updated on the hidden probabilities of the (already updated)
        layers below it, so a stream of chunks trains the whole stack. Only
        available with ``fine_tuning=None``: wake-sleep needs a pretrained stack,
        which ``fit`` provides.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data, values in [0, 1].

        y : None
            Ignored.

        Returns
        -------
        self : DBN
            The updated model.
        """
        first_call = not hasattr(self, "rbms_")
        X = self._validate_visible(X, reset=first_call)
        if first_call:
            rng = _as_generator(self.random_state)
            self._bound_seed = int(rng.integers(np.iinfo(np.int32).max))
            self.rbms_ = [self._layer_rbm(size, rng) for size in self._layer_sizes()]
            self.n_iter_ = 0
        elif self.n_iter_:
            raise ValueError(
                "partial_fit would discard the wake-sleep fine-tuning of this DBN "
                "(it re-ties the weights to the pretrained RBMs); call fit instead."
            )
        elif [rbm.n_components for rbm in self.rbms_] != list(self._layer_sizes()):
            raise ValueError(
                f"hidden_layer_sizes is now {tuple(self.hidden_layer_sizes)}, but the "
                f"fitted layers have {tuple(r.n_components for r in self.rbms_)} "
                "units; call fit to start again with the new sizes."
            )
        layer_input = X
        for index, rbm in enumerate(self.rbms_):
            rbm.partial_fit(layer_input)
            if index < len(self.rbms_) - 1:
                layer_input = rbm.transform(layer_input)
        self._tie_weights()
        return self

    def _layer_sizes(self):
        sizes = tuple(self.hidden_layer_sizes)
        if not sizes or not all(
            isinstance(size, Integral) and size >= 1 for size in sizes
        ):
            raise ValueError(
                "hidden_layer_sizes must be a non-empty sequence of positive "
                f"integers; got {self.hidden_layer_sizes!r}."
            )
        return sizes

    def _layer_rbm(self, size, rng):
        """Make an unfitted RBM with the shared training parameters and its own seed."""
        return RBM(
            n_components=size,
            learning_rate=self.learning_rate,
            batch_size=self.batch_size,
            n_iter=self.n_iter,
            method=self.method,
            n_gibbs_steps=self.n_gibbs_steps,
            momentum=self.momentum,
            weight_decay=self.weight_decay,
            sparsity_target=self.sparsity_target,
            sparsity_cost=self.sparsity_cost,
            random_state=int(rng.integers(np.iinfo(np.int32).max)),
            verbose=self.verbose,
        )

    def _tie_weights(self):
        """Directed layers from all but the top RBM, with tied (transposed) weights."""
        directed = self.rbms_[:-1]
        self.recognition_weights_ = [rbm.components_.copy() for rbm in directed]
        self.recognition_intercepts_ = [
            rbm.intercept_hidden_.copy() for rbm in directed
        ]
        self.generative_weights_ = [rbm.components_.T.copy() for rbm in directed]
        self.generative_intercepts_ = [
            rbm.intercept_visible_.copy() for rbm in directed
        ]
        self.top_rbm_ = copy.deepcopy(self.rbms_[-1])

    def _wake_sleep_epoch(self, X, order, rng):
        """One epoch of contrastive wake-sleep over the rows of X in the given order."""
        start = time.perf_counter()
        top = self.top_rbm_
        params = [top.components_, top.intercept_visible_, top.intercept_hidden_]
        recognition = list(zip(self.recognition_weights_, self.recognition_intercepts_))
        generative = list(zip(self.generative_weights_, self.generative_intercepts_))
        batch_size = min(self.batch_size, X.shape[0])
        ws = _kernels.Workspace.allocate(
            batch_size,
            top.components_,
            np.zeros_like(top.persistent_hidden_),
            [np.zeros_like(p) for p in params],
        )
        buffers = _kernels.WakeSleepBuffers.allocate(
            batch_size, self.generative_weights_
        )
        batch_rows = np.empty((batch_size, X.shape[1]), dtype=X.dtype)
        for batch in gen_batches(len(order), batch_size):
            rows = order[batch]
            V = batch_rows[: len(rows)]
            if sp.issparse(X):
                X[rows].toarray(out=V)
            else:
                np.take(X, rows, axis=0, out=V)
            _kernels.wake_sleep_step(
                V,
                recognition,
                generative,
                params,
                ws,
                rng,
                buffers,
                learning_rate=self.fine_tuning_learning_rate,
                weight_decay=self.weight_decay,
                n_gibbs_steps=self.fine_tuning_n_gibbs_steps,
            )
        _check_finite_parameters(
            self,
            *params,
            *self.recognition_weights_,
            *self.generative_weights_,
            *self.recognition_intercepts_,
            *self.generative_intercepts_,
        )
        self.n_iter_ += 1
        if self.verbose:
            rows = np.sort(order[:_N_MONITOR_ROWS])
            V = X[rows]
            V = V.toarray() if sp.issparse(V) else V
            below = self._up_pass(V)[-1]
            top_hidden = _kernels.hidden_probabilities(
                below, top.components_, top.intercept_hidden_
            )
            top_visible = _kernels.visible_probabilities(
                top_hidden, top.components_, top.intercept_visible_
            )
            reconstruction = _kernels.down_pass(top_visible, self._generative())
            error = float(np.mean((reconstruction - V) ** 2))
            print(
                f"[DBN] wake-sleep epoch {self.n_iter_:3d}  "
                f"{time.perf_counter() - start:7.2f}s  "
                f"reconstruction error {error:.5f}"
            )

    # ------------------------------------------------------------ inference

    def transform(self, X):
        """Top-layer features: a deterministic up-pass of probabilities.

        The recognition weights carry P(h | layer below) up through the directed
        layers, then the top RBM gives P(h_top = 1 | h_below).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Visible data, values in [0, 1].

        Returns
        -------
        H : ndarray of shape (n_samples, hidden_layer_sizes[-1])
            Top hidden-unit probabilities.
        """
        check_is_fitted(self)
        X = self._validate_visible(X, reset=False)
        below = self._up_pass(X)[-1]
        top = self.top_rbm_
        return _kernels.hidden_probabilities(
            below, top.components_, top.intercept_hidden_
        )

    def inverse_transform(self, H):
        """Visible probabilities from top-layer states: a deterministic down-pass.

        Parameters
        ----------
        H : array-like of shape (n_samples, hidden_layer_sizes[-1])
            Top hidden states or probabilities.

        Returns
        -------
        V : ndarray of shape (n_samples, n_features)
            Visible probabilities reached with the generative weights.
        """
        check_is_fitted(self)
        top = self.top_rbm_
        H = check_array(H, dtype=top.components_.dtype)
        if H.shape[1] != top.components_.shape[0]:
            raise ValueError(
                f"H has {H.shape[1]} columns, but the top layer of this DBN has "
                f"{top.components_.shape[0]} units."
            )
        below = _kernels.visible_probabilities(
            H, top.components_, top.intercept_visible_
        )
        return _kernels.down_pass(below, self._generative())

    def sample(
        self,
        n_samples=1,
        *,
        n_steps=1000,
        random_state=None,
        return_probabilities=False,
    ):
        """Fantasies: Gibbs sampling in the top RBM, then a stochastic down-pass.

        Parameters
        ----------
        n_samples : int, default=1
            Number of independent chains.

        n_steps : int, default=1000
            Gibbs steps in the top RBM.

        random_state : int, RandomState instance or None, default=None
            Seeds the chains and the down-pass. The estimator is not modified.

        return_probabilities : bool, default=False
            Return the visible probabilities of the last directed layer instead of a
            binary sample.

        Returns
        -------
        V : ndarray of shape (n_samples, n_features)
            Binary visible samples, or their probabilities.
        """
        check_is_fitted(self)
        rng = _as_generator(random_state)
        seed = int(rng.integers(np.iinfo(np.int32).max))
        top_probabilities = return_probabilities and not self.generative_weights_
        state = self.top_rbm_.sample(
            n_samples,
            n_steps=n_steps,
            random_state=seed,
            return_probabilities=top_probabilities,
        )
        if not self.generative_weights_:
            return state
        for G, g in reversed(self._generative()):
            probabilities = _kernels.visible_probabilities(state, G.T, g)
            state = _kernels.sample_bernoulli(
                probabilities,
                rng,
                np.empty_like(probabilities),
                np.empty_like(probabilities),
            )
        return probabilities if return_probabilities else state

    def score_samples(self, X):
        """Variational lower bound on log p(v) of each sample, in nats.

        Uses the factorial recognition distribution q (Salakhutdinov & Murray 2008)
        with ``n_bound_samples`` samples shared by all rows (drawn from
        ``random_state``), and the top RBM's log partition function (exact when its
        smaller layer has at most 20 units, else annealed importance sampling). For
        a one-layer DBN this is exactly ``RBM.score_samples``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Visible data, values in [0, 1].

        Returns
        -------
        bound : ndarray of shape (n_samples,)
            Lower bound on log p(v) in nats.
        """
        check_is_fitted(self)
        X = self._validate_visible(X, reset=False)
        X = X.toarray() if sp.issparse(X) else X
        top = self.top_rbm_
        # Recognition samples from a seed fixed at fit time: the bound is the same
        # for a row however often, and beside whichever rows, it is scored.
        rng = np.random.default_rng(self._bound_seed)
        uniforms = [
            rng.random((self.n_bound_samples, len(r)), dtype=X.dtype)
            for r in self.recognition_intercepts_
        ]
        bound = _kernels.variational_bound(
            X,
            list(zip(self.recognition_weights_, self.recognition_intercepts_)),
            self._generative(),
            (top.components_, top.intercept_visible_, top.intercept_hidden_),
            top._cached_log_partition(),
            uniforms,
        )
        return bound.astype(X.dtype, copy=False)

    def score(self, X, y=None):
        """Mean variational lower bound on log p(v), in nats.

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

    def _up_pass(self, X):
        return _kernels.up_pass(
            X, list(zip(self.recognition_weights_, self.recognition_intercepts_))
        )

    def _generative(self):
        return list(zip(self.generative_weights_, self.generative_intercepts_))

    # ------------------------------------------------------------ plumbing

    def _validate_visible(self, X, *, reset):
        dtype = None if reset else self.rbms_[0].components_.dtype
        return _validate_visible(self, X, reset=reset, dtype=dtype)

    @property
    def _n_features_out(self):
        return self.rbms_[-1].components_.shape[0]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags
