"""The notebook under Keras' other backends, JAX and PyTorch, which the README says it runs on.
`make test-backends` installs them and runs these tests; `make test` has neither and skips them."""

import importlib.util
import json

import pandas as pd
import pytest
from notebook import run_notebook


@pytest.mark.parametrize("backend", ["jax", "torch"])
def test_notebook_runs_under_another_backend(backend, monkeypatch, tmp_path):
    if importlib.util.find_spec(backend) is None:
        pytest.skip(f"{backend} is not installed here; `make test-backends` installs it")
    monkeypatch.setenv("KERAS_BACKEND", backend)
    monkeypatch.setenv("DIGITS_OUTPUT_DIR", str(tmp_path))
    run_notebook()
    summary = json.loads((tmp_path / "run_summary.json").read_text())
    assert summary["backend"] == backend
    assert 0.5 < summary["validation_accuracy"] <= 1
    submission = pd.read_csv(tmp_path / "submission.csv")
    assert len(submission) == 1000 and submission["Label"].between(0, 9).all()
