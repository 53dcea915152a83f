"""Test-time augmentation's shifts and the averaging of an ensemble's models."""

import numpy as np
import pytest
from notebook import notebook_functions

nb = notebook_functions()


def test_shifted_moves_the_image_by_one_pixel_and_fills_with_background():
    images = np.zeros((1, 28, 28, 1), dtype="float32")
    images[0, 10, 20, 0] = 1
    images[0, 0, 0, 0] = 1
    for (rows, columns), expected in {
        (0, 0): (10, 20),
        (1, 0): (11, 20),
        (-1, 0): (9, 20),
        (0, 1): (10, 21),
        (0, -1): (10, 19),
    }.items():
        moved = nb["shifted"](images, rows, columns)
        assert moved.shape == images.shape
        assert moved[0, expected[0], expected[1], 0] == 1
    assert nb["shifted"](images, -1, 0)[0, 0, 0, 0] == 0  # the corner pixel left the frame
    assert nb["shifted"](images, 1, 0)[0, 0].sum() == 0  # the new top row is background


def test_ensemble_averages_its_models_probabilities():
    models = [
        nb["build_model"](seed, nb["FILTERS"], nb["DROPOUT"], nb["AUGMENTATION"]) for seed in (1, 2)
    ]
    images = np.random.default_rng(0).random((8, 28, 28, 1), dtype="float32")
    ensemble = nb["average_models"](models)
    expected = np.mean([model.predict(images, verbose=0) for model in models], axis=0)
    np.testing.assert_allclose(ensemble.predict(images, verbose=0), expected, rtol=1e-5, atol=1e-6)
    assert nb["average_models"](models[:1]) is models[0]


def test_test_time_augmentation_averages_five_shifted_predictions():
    model = nb["build_model"](1, nb["FILTERS"], nb["DROPOUT"], nb["AUGMENTATION"])
    images = np.random.default_rng(0).random((4, 28, 28, 1), dtype="float32")
    plain = nb["predict_probabilities"](model, images, False)
    np.testing.assert_allclose(plain, model.predict(images, verbose=0), rtol=1e-5, atol=1e-6)
    augmented = nb["predict_probabilities"](model, images, True)
    expected = np.mean(
        [model.predict(nb["shifted"](images, r, c), verbose=0) for r, c in nb["TTA_SHIFTS"]], axis=0
    )
    np.testing.assert_allclose(augmented, expected, rtol=1e-5, atol=1e-6)


class RecordingModel:
    """Stands in for a model: records the images it is asked about."""

    def __init__(self):
        self.views = []

    def predict(self, images, **options):
        self.views.append(images.copy())
        return np.full((len(images), 10), 0.1, dtype="float32")


def moved(images, down, right):
    # Independently of the notebook: each pixel (r, c) goes to (r + down, c + right).
    result = np.zeros_like(images)
    for r in range(28):
        for c in range(28):
            if 0 <= r + down < 28 and 0 <= c + right < 28:
                result[:, r + down, c + right] = images[:, r, c]
    return result


def test_test_time_augmentation_sees_the_image_and_its_four_one_pixel_moves():
    images = np.random.default_rng(1).random((3, 28, 28, 1), dtype="float32")
    model = RecordingModel()
    nb["predict_probabilities"](model, images, True)
    expected = [moved(images, *shift) for shift in [(0, 0), (1, 0), (-1, 0), (0, 1), (0, -1)]]
    assert len(model.views) == 5
    for view in model.views:  # each view matches exactly one of the five, each used once
        matches = [i for i, candidate in enumerate(expected) if np.array_equal(view, candidate)]
        assert len(matches) == 1
        expected.pop(matches[0])


def test_shifted_refuses_a_move_of_more_than_one_pixel():
    with pytest.raises(ValueError, match="at most one pixel"):
        nb["shifted"](np.zeros((1, 28, 28, 1)), 2, 0)
