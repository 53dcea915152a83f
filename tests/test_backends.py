"""The notebook under Keras' other backends, JAX and PyTorch, which the README says it runs on.
`make test` installs a CPU JAX (requirements-test.txt) and runs the JAX test; PyTorch, several GB,
only comes with `make test-backends`, and `make test` skips its test."""

import importlib.util
import json

import pandas as pd
import pytest
from notebook import run_notebook


@pytest.mark.parametrize("backend", ["jax", "torch"])
def test_notebook_runs_under_another_backend(backend, monkeypatch, tmp_path):
    if importlib.util.find_spec(backend) is None:
        target = "make test-backends" if backend == "torch" else "make test"
        pytest.skip(f"{backend} is not installed here; `{target}` installs it")
    monkeypatch.setenv("KERAS_BACKEND", backend)
    monkeypatch.setenv("DIGITS_OUTPUT_DIR", str(tmp_path))
    # A small network, which two epochs take past the accuracy checked below.
    monkeypatch.setenv("DIGITS_FILTERS", "8,16,32")
    monkeypatch.setenv("DIGITS_EPOCHS", "2")
    run_notebook()
    summary = json.loads((tmp_path / "run_summary.json").read_text())
    assert summary["backend"] == backend
    assert 0.5 < summary["validation_accuracy"] <= 1
    submission = pd.read_csv(tmp_path / "submission.csv")
    assert len(submission) == 1000 and submission["Label"].between(0, 9).all()
