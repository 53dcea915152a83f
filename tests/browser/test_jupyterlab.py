"""The notebook as a JupyterLab user meets it, in headless Chromium (`make test-browser`): run all
cells through the UI, see the figures, draw a digit on the pad and read its prediction, clear it.

JupyterLab serves a copy of the notebook from a temporary folder, in quick mode, so that neither
the committed notebook nor its outputs change. Screenshots go to a temporary folder (its path is
printed), or to SCREENSHOTS_DIR when that is set.
"""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
NOTEBOOK = "digit_recognizer.ipynb"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# What a headless Chromium needs on a machine without a display, a sandbox or network access.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
RUN_TIMEOUT_MS = 15 * 60 * 1000
SETTINGS = {
    # Every cell in the page (no windowing), and the kernel started without asking.
    "@jupyterlab/notebook-extension/tracker": {
        "windowingMode": "none",
        "autoStartDefaultKernel": True,
    },
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false"},
}


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def stop(server):
    # The server and every kernel it started (they share its process group).
    for sig, wait in ((signal.SIGTERM, 20), (signal.SIGKILL, None)):
        try:
            os.killpg(server.pid, sig)
        except ProcessLookupError:
            pass
        try:
            server.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab on 127.0.0.1 with a token, over a copy of the notebook; always stopped."""
    root = tmp_path_factory.mktemp("lab")
    shutil.copy(REPO / NOTEBOOK, root)
    port, token = free_port(), "digits-browser-test"
    env = {key: value for key, value in os.environ.items() if not key.startswith("DIGITS_")}
    env.update(
        DIGITS_QUICK="1",
        DIGITS_OUTPUT_DIR=str(tmp_path_factory.mktemp("outputs")),
        DIGITS_DATA_DIR=str(REPO / "data" / "sample"),
        DIGITS_MY_DIGITS_DIR=str(REPO / "data" / "my_digits"),
        JUPYTER_CONFIG_DIR=str(root / ".config"),
        JUPYTERLAB_SETTINGS_DIR=str(root / ".settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(root / ".workspaces"),
    )
    for name, settings in SETTINGS.items():
        path = root / ".settings" / f"{name}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(settings))
    log = (root / "server.log").open("w")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            "--ip=127.0.0.1",
            f"--port={port}",
            f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={root}",
            *(["--allow-root"] if os.geteuid() == 0 else []),
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2)
                break
            except OSError:
                if server.poll() is not None:
                    pytest.fail(f"JupyterLab exited: {(root / 'server.log').read_text()[-2000:]}")
                time.sleep(0.5)
        else:
            pytest.fail("JupyterLab did not answer within 60 s")
        yield {"url": url, "token": token, "root": root}
    finally:
        stop(server)
        log.close()


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory):
    folder = Path(os.environ.get("SCREENSHOTS_DIR") or tmp_path_factory.mktemp("screens"))
    folder.mkdir(parents=True, exist_ok=True)
    print(f"Screenshots in {folder}")
    return folder


@pytest.fixture(scope="module")
def page(lab):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"{lab['url']}/lab/tree/{NOTEBOOK}?token={lab['token']}")
            page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=120_000)
            # The kernel is ready when the status bar says so; a first start in a new
            # environment (no compiled bytecode yet) takes a while.
            page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=300_000)
            yield page
        finally:
            browser.close()


def pad_pixels(canvas):
    """The number of dark pixels the pad's canvas shows."""
    return canvas.evaluate(
        """c => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                  let dark = 0; for (let i = 0; i < d.length; i += 4) if (d[i] < 128) dark++;
                  return dark; }"""
    )


@pytest.fixture(scope="module")
def ran_all(page, screenshots):
    """Edit > Clear Outputs of All Cells, Run > Run All Cells, then wait until every cell has run
    (or one failed)."""
    page.get_by_role("menuitem", name="Edit", exact=True).click()
    page.get_by_role("menuitem", name="Clear Outputs of All Cells", exact=True).click()
    page.wait_for_function(
        "() => document.querySelectorAll('.jp-OutputArea-output').length === 0", timeout=30_000
    )
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
    running = """() => [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]
                         .some(prompt => prompt.textContent.includes('*'))"""
    failed = "document.querySelector(\".jp-OutputArea-output[data-mime-type*='error']\")"
    try:
        # Run All queues every cell ("[*]"); it is done when none is left, or stops at an error.
        page.wait_for_function(running, timeout=120_000)
        page.wait_for_function(f"() => {failed} || !({running})()", timeout=RUN_TIMEOUT_MS)
    finally:
        page.screenshot(path=screenshots / "notebook.png")
    return page


def test_all_cells_run_without_an_error_output(ran_all):
    # The last cell printed this run's summary: the run went to the end, on the sample.
    assert "'labelled_digits': 5000" in ran_all.locator(".jp-CodeCell").last.inner_text()
    assert ran_all.locator(".jp-OutputArea-output[data-mime-type*='error']").count() == 0
    assert "Traceback (most recent call last)" not in ran_all.locator(".jp-Notebook").inner_text()


def test_figures_render_as_images(ran_all, screenshots):
    images = ran_all.locator(".jp-RenderedImage img")
    # Every figure the notebook saves is also shown (the drawing pad is a canvas, not an image).
    notebook = json.loads((REPO / NOTEBOOK).read_text())
    shown = sum("".join(cell["source"]).count("save_figure(") for cell in notebook["cells"])
    assert images.count() == shown - 1  # less the function's own definition
    sizes = images.evaluate_all("images => images.map(image => image.naturalWidth)")
    assert min(sizes) > 100
    images.first.scroll_into_view_if_needed()
    images.first.screenshot(path=screenshots / "figure.png")


def test_drawing_pad_predicts_a_drawn_digit_and_clears(ran_all, screenshots):
    canvas = ran_all.locator(".jp-OutputArea-output canvas").last
    canvas.scroll_into_view_if_needed()
    answer = ran_all.locator(".widget-label").filter(has_text=re.compile("Draw one digit|%")).last
    assert answer.inner_text() == "Draw one digit, large, in the square"
    assert pad_pixels(canvas.element_handle()) == 0
    box = canvas.bounding_box()
    x = box["x"] + box["width"] / 2
    ran_all.mouse.move(x, box["y"] + 0.2 * box["height"])
    ran_all.mouse.down()
    for step in range(1, 21):  # one vertical stroke, top to bottom
        ran_all.mouse.move(x, box["y"] + (0.2 + 0.6 * step / 20) * box["height"])
        time.sleep(0.05)
    ran_all.mouse.up()
    # The kernel draws the stroke, the image syncs back, the model predicts: "1: 97%, 7: 1%, ..."
    prediction = re.compile(r"^\d: \d+%(, \d: \d+%){2}$")
    ran_all.wait_for_function(
        "label => /^\\d: \\d+%/.test(label.textContent)",
        arg=answer.element_handle(),
        timeout=60_000,
    )
    assert prediction.match(answer.inner_text())
    assert pad_pixels(canvas.element_handle()) > 1000
    pad = canvas.locator("xpath=ancestor::div[contains(@class, 'widget-vbox')][1]")
    pad.screenshot(path=screenshots / "drawing_pad.png")
    ran_all.get_by_role("button", name="Clear").click()
    ran_all.wait_for_function(
        "label => label.textContent.startsWith('Draw one digit')",
        arg=answer.element_handle(),
        timeout=60_000,
    )
    assert pad_pixels(canvas.element_handle()) == 0
