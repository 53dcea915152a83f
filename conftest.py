"""Test-wide settings: every notebook run under pytest is in quick mode and writes into a
temporary folder, so the tests never touch the committed submission, figures or model, and
no DIGITS_* variable from the caller's shell leaks into them."""

import os
import shutil
import tempfile

for name in [name for name in os.environ if name.startswith("DIGITS_")]:
    del os.environ[name]
QUICK_OUTPUT_DIR = tempfile.mkdtemp(prefix="digits-test-")
os.environ.update(DIGITS_QUICK="1", DIGITS_OUTPUT_DIR=QUICK_OUTPUT_DIR, TF_CPP_MIN_LOG_LEVEL="3")
# The tests import TensorFlow before the notebook's imports cell could switch its oneDNN kernels on.
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "1")


def pytest_unconfigure(config):
    shutil.rmtree(QUICK_OUTPUT_DIR, ignore_errors=True)


def pytest_addoption(parser):
    parser.addoption(
        "--browser",
        action="store_true",
        help="also run tests/browser (JupyterLab in Chromium): `make test-browser`",
    )


def pytest_ignore_collect(collection_path, config):
    if collection_path.name == "browser" and not config.getoption("--browser"):
        return True
    return None
