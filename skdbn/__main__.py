"""``python -m skdbn``: train an RBM (or DBN) feature pipeline on digits and report."""

import argparse
import time

import joblib
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler

from skdbn import DBN, RBM


def _positive(kind):
    """Make an argparse type that parses ``kind`` (int or float) and requires > 0."""

    def parse(text):
        value = kind(text)
        if not value > 0:
            raise argparse.ArgumentTypeError(f"must be positive, got {text}")
        return value

    parse.__name__ = kind.__name__  # argparse names the type in its errors
    return parse


def build_parser():
    """Build the command-line interface of the main job."""
    parser = argparse.ArgumentParser(
        prog="python -m skdbn",
        description=(
            "Train Pipeline(model, LogisticRegression) on sklearn's digits (scaled to "
            "[0, 1], 25% held out) and print test accuracy, the raw-pixel logistic "
            "regression baseline, training time and the held-out log-likelihood."
        ),
    )
    parser.add_argument(
        "--model",
        choices=["rbm", "dbn"],
        default="rbm",
        help="feature extractor to train (default: %(default)s)",
    )
    parser.add_argument(
        "--n-components",
        type=_positive(int),
        default=100,
        help="hidden units of the RBM, and of each DBN layer (default: %(default)s)",
    )
    parser.add_argument(
        "--n-layers",
        type=_positive(int),
        default=2,
        help="hidden layers of the DBN (default: %(default)s)",
    )
    parser.add_argument(
        "--fine-tuning",
        choices=["none", "wake-sleep"],
        default="none",
        help="DBN fine-tuning after greedy pretraining (default: %(default)s)",
    )
    parser.add_argument(
        "--n-iter",
        type=_positive(int),
        default=20,
        help="training epochs (default: %(default)s)",
    )
    parser.add_argument(
        "--learning-rate",
        type=_positive(float),
        default=0.05,
        help="learning rate (default: %(default)s)",
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=0,
        help="random seed for the split and the model (default: 0)",
    )
    parser.add_argument(
        "--save", metavar="PATH", help="save the fitted pipeline to PATH with joblib"
    )
    return parser


def _make_models(args):
    """Build the requested model, preceded by the one-layer RBM it is compared with."""
    rbm = RBM(
        n_components=args.n_components,
        n_iter=args.n_iter,
        learning_rate=args.learning_rate,
        random_state=args.seed,
    )
    if args.model == "rbm":
        return [rbm]
    dbn = DBN(
        hidden_layer_sizes=(args.n_components,) * args.n_layers,
        n_iter=args.n_iter,
        learning_rate=args.learning_rate,
        fine_tuning=None if args.fine_tuning == "none" else args.fine_tuning,
        random_state=args.seed,
    )
    return [rbm, dbn]


def _head():
    return LogisticRegression(C=100.0, max_iter=5000)


def _evaluate(model, X_train, X_test, y_train, y_test):
    """Fit Pipeline(model, head); return its report column."""
    pipeline = make_pipeline(model, _head())
    start = time.perf_counter()
    pipeline.fit(X_train, y_train)
    seconds = time.perf_counter() - start
    # log p(v) is a probability only for binary v: score binarized test digits.
    log_likelihood = pipeline[0].score((X_test > 0.5).astype(X_test.dtype))
    return pipeline, {
        "test accuracy": f"{pipeline.score(X_test, y_test):.4f}",
        "training time (s, whole pipeline)": f"{seconds:.2f}",
        "held-out log-likelihood or bound (nats/digit)": f"{log_likelihood:.2f}",
    }


def main(argv=None):
    """Run the main job; ``argv`` defaults to the command line."""
    args = build_parser().parse_args(argv)
    X, y = load_digits(return_X_y=True)
    X = MinMaxScaler().fit_transform(X)
    split = train_test_split(X, y, test_size=0.25, stratify=y, random_state=args.seed)
    X_train, X_test, y_train, y_test = split
    baseline = _head().fit(X_train, y_train).score(X_test, y_test)
    columns = {}
    for model in _make_models(args):
        pipeline, columns[type(model).__name__] = _evaluate(model, *split)
    names = list(columns)
    rows = [("", names)] + [
        (metric, [columns[name][metric] for name in names])
        for metric in columns[names[0]]
    ]
    rows.append(
        ("raw-pixel LogisticRegression accuracy", [f"{baseline:.4f}"] * len(names))
    )
    width = max(len(metric) for metric, _ in rows)
    for metric, values in rows:
        print(f"{metric:<{width}}  " + "  ".join(f"{v:>10}" for v in values))
    print(
        f"head: {_head()!r}; log-likelihood scored on test digits binarized at 0.5;"
        " the DBN figure is the variational lower bound."
    )
    if args.save:
        joblib.dump(pipeline, args.save)
        print(f"saved the fitted {names[-1]} pipeline to {args.save}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
