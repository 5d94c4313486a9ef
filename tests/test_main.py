"""The main job, ``python -m skdbn``: options, output table, persistence."""

import joblib
import pytest

from skdbn.__main__ import main


def test_main_job_prints_the_table_and_saves(tmp_path, capsys):
    path = tmp_path / "pipeline.joblib"
    assert main(["--n-components", "16", "--n-iter", "2", "--save", str(path)]) == 0
    out = capsys.readouterr().out
    for row in (
        "test accuracy",
        "raw-pixel LogisticRegression accuracy",
        "training time",
        "held-out log-likelihood",
    ):
        assert row in out
    pipeline = joblib.load(path)
    assert pipeline[0].n_components == 16


def test_main_job_dbn_beside_rbm(capsys):
    main(
        [
            "--model",
            "dbn",
            "--fine-tuning",
            "wake-sleep",
            "--n-components",
            "8",
            "--n-iter",
            "1",
            "--n-layers",
            "2",
        ]
    )
    header = capsys.readouterr().out.splitlines()[0].split()
    assert header == ["RBM", "DBN"]


@pytest.mark.parametrize(
    "argv", [["--n-iter", "0"], ["--model", "svm"], ["--learning-rate", "-1"]]
)
def test_bad_options_are_argparse_errors(argv, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    assert "error:" in capsys.readouterr().err
