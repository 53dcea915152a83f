"""The model's fused batch normalization trains exactly as Keras' own BatchNormalization does."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from notebook import notebook_functions

nb = notebook_functions()


def one_training_step(layer_class, images):
    # A fresh layer's output, gradients and moving statistics after one training step on `images`.
    layer = layer_class(momentum=0.9)
    layer.build(images.shape)
    layer.gamma.assign(np.linspace(0.5, 2.0, images.shape[-1]))
    layer.beta.assign(np.linspace(-1.0, 1.0, images.shape[-1]))
    with tf.GradientTape() as tape:
        tape.watch(images)
        outputs = layer(images, training=True)
        loss = tf.reduce_sum(outputs * tf.sin(outputs))
    gradients = tape.gradient(loss, [images, layer.gamma, layer.beta])
    return {
        "output": outputs,
        "input gradient": gradients[0],
        "gamma gradient": gradients[1],
        "beta gradient": gradients[2],
        "moving mean": layer.moving_mean,
        "moving variance": layer.moving_variance,
    }


@pytest.mark.parametrize(
    "shape", [(16, 6, 6, 8), (6, 1, 1, 16)]
)  # the last layer's statistics are of 1x1 images
def test_fused_batch_normalization_matches_keras_batch_normalization(shape):
    assert keras.backend.backend() == "tensorflow"
    images = tf.constant(np.random.default_rng(0).normal(1.0, 3.0, shape).astype("float32"))
    fused = one_training_step(nb["FusedBatchNormalization"], images)
    plain = one_training_step(keras.layers.BatchNormalization, images)
    for name, expected in plain.items():
        expected = keras.ops.convert_to_numpy(expected)
        np.testing.assert_allclose(
            keras.ops.convert_to_numpy(fused[name]),
            expected,
            rtol=1e-4,
            atol=1e-5 * np.abs(expected).max(),
            err_msg=name,
        )


def test_fused_batch_normalization_predicts_with_the_moving_statistics():
    layer = nb["FusedBatchNormalization"](momentum=0.9)
    images = np.random.default_rng(1).normal(2.0, 1.0, (4, 3, 3, 2)).astype("float32")
    layer.build(images.shape)
    layer.moving_mean.assign([1.0, -1.0])
    layer.moving_variance.assign([4.0, 0.25])
    expected = (images - [1.0, -1.0]) / np.sqrt(np.array([4.0, 0.25]) + layer.epsilon)
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(layer(images, training=False)), expected, rtol=1e-5
    )
