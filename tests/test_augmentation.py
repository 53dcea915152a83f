"""The training augmentation (RandomAffine): what each of its random changes does to a digit."""

import keras
import numpy as np
import pytest
from notebook import notebook_functions

nb = notebook_functions()
RandomAffine = nb["RandomAffine"]


def blobs(count=64):
    # A 10x8 block of ink centred on the image's centre (13.5, 13.5), `count` times.
    images = np.zeros((count, 28, 28, 1), dtype="float32")
    images[:, 9:19, 10:18] = 1
    return images


def augment(images, degrees=0, zoom=0, shift=0, seed=1):
    layer = RandomAffine(degrees, zoom, shift, seed=seed)
    return keras.ops.convert_to_numpy(layer(images, training=True))


def centres(images):
    # Each image's centre of ink as (row, column).
    ink = images[..., 0]
    total = ink.sum(axis=(1, 2))
    rows = (ink.sum(axis=2) * np.arange(28)).sum(axis=1) / total
    columns = (ink.sum(axis=1) * np.arange(28)).sum(axis=1) / total
    return np.stack([rows, columns], axis=1)


def test_no_change_leaves_the_images_exactly_as_they_were():
    images = np.random.default_rng(0).random((8, 28, 28, 1), dtype="float32")
    np.testing.assert_array_equal(augment(images), images)


def test_at_inference_the_images_pass_unchanged():
    images = np.random.default_rng(0).random((8, 28, 28, 1), dtype="float32")
    layer = RandomAffine(10, 0.1, 0.1, seed=1)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(layer(images, training=False)), images)


def test_shifts_move_the_ink_by_at_most_a_tenth_of_the_image_and_keep_it():
    images = blobs()
    moved = augment(images, shift=0.1)
    offsets = centres(moved) - 13.5
    assert np.abs(offsets).max() <= 2.8 + 1e-4
    assert np.abs(offsets).max() > 1.5  # the shifts are spread over their range, not all tiny
    assert len(np.unique(offsets.round(3), axis=0)) == len(
        images
    )  # a different shift for each image
    np.testing.assert_allclose(moved.sum(axis=(1, 2, 3)), images.sum(axis=(1, 2, 3)), rtol=1e-4)


def test_rotations_turn_the_ink_about_the_centre_by_at_most_ten_degrees():
    images = np.zeros((64, 28, 28, 1), dtype="float32")
    images[:, 13:15, 4:24] = 1  # a horizontal bar through the centre
    turned = augment(images, degrees=10)
    np.testing.assert_allclose(centres(turned), 13.5, atol=0.05)
    np.testing.assert_allclose(turned.sum(axis=(1, 2, 3)), images.sum(axis=(1, 2, 3)), rtol=0.02)
    ink = turned[..., 0]
    rows, columns = np.indices((28, 28))
    # The bar's slope from the second moments of its ink: at most tan(10 degrees), and not always 0.
    covariance = (ink * (rows - 13.5) * (columns - 13.5)).sum(axis=(1, 2)) / (
        ink * (columns - 13.5) ** 2
    ).sum(axis=(1, 2))
    assert np.abs(covariance).max() <= np.tan(np.deg2rad(10)) + 0.01
    assert np.abs(covariance).max() > np.tan(np.deg2rad(5))


@pytest.mark.parametrize("zoom", [0.1, 0.3])
def test_zooms_scale_the_ink_by_at_most_the_zoom_factor(zoom):
    images = blobs()
    zoomed = augment(images, zoom=zoom)
    ratio = zoomed.sum(axis=(1, 2, 3)) / images.sum(axis=(1, 2, 3))
    # The layer samples the input at (1 ± zoom) times each distance from the centre: ink scales by 1
    # / scale².
    assert ratio.min() >= 1 / (1 + zoom) ** 2 - 0.02
    assert ratio.max() <= 1 / (1 - zoom) ** 2 + 0.02
    assert ratio.max() - ratio.min() > zoom  # both smaller and larger digits
    np.testing.assert_allclose(centres(zoomed), 13.5, atol=0.05)


def test_the_same_seed_gives_the_same_variants_and_another_seed_others():
    images = blobs(8)
    np.testing.assert_array_equal(
        augment(images, 10, 0.1, 0.1, seed=3), augment(images, 10, 0.1, 0.1, seed=3)
    )
    assert not np.array_equal(
        augment(images, 10, 0.1, 0.1, seed=3), augment(images, 10, 0.1, 0.1, seed=4)
    )


def test_the_notebooks_model_augments_with_its_stated_settings():
    # What the notebook says (rotations up to 10 degrees, zooms of 10 %, shifts of 10 %), measured
    # on the layer inside the model it trains, not on a layer built here.
    model = nb["build_model"](1, (4, 4, 4), 0.25, nb["AUGMENTATION"])
    layer = next(layer for layer in model.layers if isinstance(layer, RandomAffine))
    assert (layer.degrees, layer.zoom, layer.shift) == (10, 0.1, 0.1)
    moved = keras.ops.convert_to_numpy(layer(blobs(256), training=True))
    offsets = centres(moved) - centres(blobs(1))
    # Shifts of up to 10 % of 28 pixels, plus what rotation and zoom move the centre: at most ~3.
    assert 1.5 < np.abs(offsets).max() < 3.5


def test_flags_read_as_environment_variables_spell_booleans(monkeypatch):
    for text in ("1", "true", "Yes", "ON"):
        assert nb["flag"](text) is True
    for text in ("0", "false", "No", "off"):
        assert nb["flag"](text) is False
    with pytest.raises(ValueError):
        nb["flag"]("maybe")
    monkeypatch.setenv("DIGITS_QUICK", "maybe")
    with pytest.raises(ValueError, match=r"DIGITS_QUICK='maybe' is not a valid boolean \(1 or 0\)"):
        nb["setting"]("QUICK", False, nb["flag"])


def test_the_validation_split_is_stratified_when_every_class_can_take_part():
    labels = np.repeat(np.arange(10), [300, 100, 200, 100, 100, 100, 100, 100, 100, 800])
    images = np.arange(len(labels))
    _, _, train_labels, val_labels = nb["split_for_validation"](images, labels, 0.1, 2)
    np.testing.assert_array_equal(np.bincount(val_labels, minlength=10), np.bincount(labels) // 10)
    assert len(train_labels) == len(labels) - len(val_labels)
