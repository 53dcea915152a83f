"""The seed notebook's recipe, reimplemented as the benchmark's reference (the notebook does not
use it).

A Keras CNN with convolution blocks of 32, 64, 128 and 256 filters (batch normalization, ReLU,
max pooling, dropout), dense layers with L2 regularization and a softmax; augmentation on the CPU
with the legacy ImageDataGenerator (rotation 10 degrees, zoom 0.1, shifts 0.1); RMSprop at 0.001
with the learning rate decaying 5 % each epoch; early stopping on the validation loss; batch size
86; up to 30 epochs.
"""

import keras
import tensorflow as tf
from keras import layers

EPOCHS = 30
BATCH_SIZE = 86
LEARNING_RATE = 0.001
DECAY = 0.95
PATIENCE = 5


def build_seed_model():
    model = keras.Sequential([keras.Input(shape=(28, 28, 1))], name="seed_cnn")
    for filters in (32, 64, 128, 256):
        model.add(layers.Conv2D(filters, 3, padding="same"))
        model.add(layers.BatchNormalization())
        model.add(layers.Activation("relu"))
        model.add(layers.MaxPooling2D(padding="same"))
        model.add(layers.Dropout(0.25))
    model.add(layers.Flatten())
    for units in (256, 128):
        model.add(
            layers.Dense(units, activation="relu", kernel_regularizer=keras.regularizers.l2(1e-4))
        )
        model.add(layers.Dropout(0.5))
    model.add(layers.Dense(10, activation="softmax"))
    model.compile(
        optimizer=keras.optimizers.RMSprop(LEARNING_RATE),
        loss="categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


def train_seed_recipe(
    train_images, train_labels, val_images, val_labels, callbacks=(), epochs=EPOCHS
):
    """Train the seed recipe; labels are one-hot. Returns the model and its Keras history."""
    generator = tf.keras.preprocessing.image.ImageDataGenerator(
        rotation_range=10, zoom_range=0.1, width_shift_range=0.1, height_shift_range=0.1
    )
    model = build_seed_model()
    history = model.fit(
        generator.flow(train_images, train_labels, batch_size=BATCH_SIZE),
        validation_data=(val_images, val_labels),
        epochs=epochs,
        callbacks=[
            keras.callbacks.LearningRateScheduler(lambda epoch: LEARNING_RATE * DECAY**epoch),
            keras.callbacks.EarlyStopping(
                monitor="val_loss", patience=PATIENCE, restore_best_weights=True
            ),
            *callbacks,
        ],
        verbose=2,
    )
    return model, history
