"""What a quick run of the notebook leaves behind: submission, figures, model, summary."""

import json

import keras
import numpy as np
import pandas as pd
import pytest
from notebook import REPO, notebook_functions
from PIL import Image

notebook_functions()  # registers the notebook's layers, which the saved models use

FIGURES = [
    "label_distribution",
    "sample_digits",
    "mean_digits",
    "pixel_histogram",
    "augmentation_preview",
    "learning_curves",
    "confusion_matrix",
    "misclassified",
    "reliability_diagram",
    "test_predictions",
    "least_certain_test_digits",
    "first_layer_filters",
    "occlusion_maps",
    "my_digits",
]
SAMPLE_TEST = REPO / "data" / "sample" / "test.csv.gz"


@pytest.fixture(scope="session")
def test_images():
    pixels = pd.read_csv(SAMPLE_TEST).to_numpy(dtype="float32")
    return pixels.reshape(-1, 28, 28, 1) / 255


def test_submission_has_kaggle_format(outputs, test_images):
    text = (outputs / "submission.csv").read_text()
    assert text.splitlines()[0] == "ImageId,Label"
    submission = pd.read_csv(outputs / "submission.csv")
    assert len(submission) == len(test_images) == 1000
    assert submission["ImageId"].tolist() == list(range(1, 1001))
    assert submission["Label"].between(0, 9).all()


def test_probabilities_file_matches_the_submission(outputs):
    probabilities = pd.read_csv(outputs / "submission_probabilities.csv")
    assert list(probabilities.columns) == ["ImageId"] + [f"p{digit}" for digit in range(10)]
    np.testing.assert_allclose(probabilities.iloc[:, 1:].sum(axis=1), 1, atol=1e-4)
    labels = probabilities.iloc[:, 1:].to_numpy().argmax(axis=1)
    assert labels.tolist() == pd.read_csv(outputs / "submission.csv")["Label"].tolist()


def test_every_figure_has_content(outputs):
    for name in FIGURES:
        with Image.open(outputs / "figures" / f"{name}.png") as image:
            assert image.format == "PNG", name
            gray = np.asarray(image.convert("L"), dtype=float)
        assert min(gray.shape) > 100, name
        # Not a blank canvas: a real share of the pixels is drawn, in more than two shades.
        assert (gray < 200).mean() > 0.01, name
        assert len(np.unique(gray.round(-1))) > 3, name


@pytest.mark.parametrize("name", ["digit_recognizer.keras", "mnist_cnn_improved_gpu.h5"])
def test_saved_model_reloads_and_predicts_the_submission(outputs, test_images, name):
    model = keras.models.load_model(outputs / name)
    labels = model.predict(test_images, verbose=0).argmax(axis=1)
    assert labels.tolist() == pd.read_csv(outputs / "submission.csv")["Label"].tolist()


def test_run_summary_reports_the_sample_run(outputs):
    summary = json.loads((outputs / "run_summary.json").read_text())
    assert summary["data"] == "the embedded sample of 5,000 + 1,000 digits"
    assert summary["labelled_digits"] == 5000 and summary["test_digits"] == 1000
    assert summary["device"].startswith("CPU (") and summary["backend"] == "tensorflow"
    assert summary["training_devices"] == [summary["device"]] or summary["training_devices"] == [
        "/device:CPU:0"
    ]
    assert summary["models"] == 1 and summary["epochs"] == 1
    assert summary["test_time_augmentation"] is False and summary["retrained_on_all"] is False
    assert 0 < summary["training_seconds"] < 600
    assert summary["seconds_to_99_5"] is None  # one epoch on 4,500 digits is not enough
    assert 0.5 < summary["validation_accuracy"] <= 1
    assert 0 < summary["temperature"] < 20
    assert 0 <= summary["ece_after"] <= summary["ece_before"] + 0.01 < 1
    assert len(summary) == 16
