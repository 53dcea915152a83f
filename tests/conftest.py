"""Fixtures shared by the test modules, and the state every test starts from."""

import fcntl
import os
import tempfile
from pathlib import Path

import keras
import pytest
from notebook import run_notebook

# The notebook's set-up cell turns TensorFlow's deterministic kernels on, on a CPU, and they stay
# on for the rest of the process: on from the start, every test sees the same kernels, in any order.
if keras.backend.backend() == "tensorflow":
    import tensorflow as tf

    tf.config.experimental.enable_op_determinism()


@pytest.fixture(scope="session")
def outputs():
    """The output folder of nbval's quick run (waiting for it while it runs in another process),
    else of a quick run made here."""
    folder = Path(os.environ["DIGITS_OUTPUT_DIR"])
    with open(folder / "nbval.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (folder / "run_summary.json").exists():
            return folder
    folder = Path(tempfile.mkdtemp(prefix="digits-outputs-", dir=folder))
    os.environ["DIGITS_OUTPUT_DIR"] = str(folder)
    try:
        run_notebook()
    finally:
        os.environ["DIGITS_OUTPUT_DIR"] = str(folder.parent)
    return folder
