"""Several devices: an ensemble's models train side by side, one per device, with the same
results as on one device. The CPU stands in for two GPUs, split into two logical devices."""

import json

import pandas as pd
import pytest
from notebook import run_notebook


@pytest.fixture(scope="module")
def runs(tmp_path_factory, monkeypatch_module):
    """A quick ensemble of two small networks, with test-time augmentation, on one device and on
    two."""
    folders = {}
    for devices in (1, 2):
        folder = tmp_path_factory.mktemp(f"devices_{devices}")
        monkeypatch_module.setenv("DIGITS_OUTPUT_DIR", str(folder))
        monkeypatch_module.setenv("DIGITS_ENSEMBLE_SIZE", "2")
        monkeypatch_module.setenv("DIGITS_EPOCHS", "1")
        monkeypatch_module.setenv("DIGITS_TEST_TIME_AUGMENTATION", "1")
        monkeypatch_module.setenv("DIGITS_CPU_DEVICES", str(devices))
        monkeypatch_module.setenv("DIGITS_FILTERS", "8,16,32")
        run_notebook()
        folders[devices] = folder
    return folders


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def summary(folder):
    return json.loads((folder / "run_summary.json").read_text())


def test_two_devices_each_train_one_model(runs):
    assert summary(runs[1])["training_devices"] == ["/device:CPU:0"]
    assert summary(runs[2])["training_devices"] == ["/device:CPU:0", "/device:CPU:1"]
    assert summary(runs[2])["models"] == 2
    assert summary(runs[2])["epochs"] == 2  # one epoch each


def test_two_devices_give_the_same_outputs_as_one(runs):
    for name in ("submission.csv", "submission_probabilities.csv"):
        pd.testing.assert_frame_equal(pd.read_csv(runs[2] / name), pd.read_csv(runs[1] / name))
    one, two = summary(runs[1]), summary(runs[2])
    for key in ("validation_accuracy", "temperature", "ece_before", "ece_after"):
        assert two[key] == one[key]
