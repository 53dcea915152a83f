"""Test-wide settings: every notebook run under pytest is in quick mode and writes into a
temporary folder, so the tests never touch the committed submission, figures or model, and
no DIGITS_* variable from the caller's shell leaks into them.

`make test` spreads the test files over two processes (pytest-xdist, --dist loadfile). nbval's run
of the notebook writes into one folder that both share; tests/conftest.py's `outputs` fixture
reads it, waiting while the run holds its lock."""

import fcntl
import os
import shutil
import tempfile

for name in [name for name in os.environ if name.startswith("DIGITS_")]:
    del os.environ[name]
# Made once, by the first process; pytest-xdist's workers inherit it.
QUICK_OUTPUT_DIR = os.environ.get("DIGIT_TESTS_DIR") or tempfile.mkdtemp(prefix="digits-test-")
os.environ["DIGIT_TESTS_DIR"] = QUICK_OUTPUT_DIR
NBVAL_LOCK = os.path.join(QUICK_OUTPUT_DIR, "nbval.lock")
os.environ.update(DIGITS_QUICK="1", DIGITS_OUTPUT_DIR=QUICK_OUTPUT_DIR, TF_CPP_MIN_LOG_LEVEL="3")
# The tests import TensorFlow before the notebook's imports cell could switch its oneDNN kernels on.
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "1")


def pytest_unconfigure(config):
    if not hasattr(config, "workerinput"):  # the first process, not a pytest-xdist worker
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


def is_notebook_cell(item):
    return type(item).__name__ == "IPyNbCell"


# The longest first, so that the two processes of `make test` finish together: the files that run
# the notebook or train, slowest first, then the rest in their order.
LONGEST_FIRST = [
    "tests/test_devices.py",
    "tests/test_backends.py",
    "digit_recognizer.ipynb",
    "tests/test_standalone.py",
    "tests/test_training.py",
    "tests/test_bench.py",
    "tests/test_modes.py",
    "tests/test_cv.py",
]


def pytest_collection_modifyitems(config, items):
    # nbval's items are the notebook's cells, which must run in order, one after the other: put
    # them back in order where a plugin (pytest-randomly, `make test-random`) shuffled them.
    cells = [index for index, item in enumerate(items) if is_notebook_cell(item)]
    in_order = sorted((items[index] for index in cells), key=lambda item: item.cell_num)
    for index, item in zip(cells, in_order):
        items[index] = item
    if not config.pluginmanager.hasplugin("randomly"):
        rank = {path: order for order, path in enumerate(LONGEST_FIRST)}
        items.sort(key=lambda item: rank.get(item.nodeid.split("::")[0], len(rank)))


_nbval_lock = None


def pytest_runtest_setup(item):
    # nbval's run holds the lock from its first cell to its last (see pytest_runtest_teardown).
    global _nbval_lock
    if is_notebook_cell(item) and _nbval_lock is None:
        _nbval_lock = open(NBVAL_LOCK, "w")
        fcntl.flock(_nbval_lock, fcntl.LOCK_EX)


def pytest_runtest_teardown(item, nextitem):
    global _nbval_lock
    if is_notebook_cell(item) and not (nextitem and is_notebook_cell(nextitem)):
        if _nbval_lock is not None:
            _nbval_lock.close()
            _nbval_lock = None
