"""environment.yml and requirements.txt pin the same packages at the same versions;
requirements-oldest.txt pins older versions of them."""

import yaml
from notebook import REPO
from packaging.version import Version


def pins(lines):
    return sorted(
        line.strip() for line in lines if line.strip() and not line.strip().startswith("#")
    )


def test_environment_yml_matches_requirements_txt():
    environment = yaml.safe_load((REPO / "environment.yml").read_text())
    pip_section = next(
        item["pip"] for item in environment["dependencies"] if isinstance(item, dict)
    )
    requirements = pins((REPO / "requirements.txt").read_text().splitlines())
    assert pins(pip_section) == requirements
    assert all("==" in line for line in requirements)
    assert "python=3.11" in environment["dependencies"]


def versions(path):
    return dict(line.split("==") for line in pins((REPO / path).read_text().splitlines()))


def test_oldest_requirements_are_older_versions_of_the_same_packages():
    # `make test-oldest` checks the notebook against Kaggle-like versions; that only means something
    # if it installs the same packages, no newer: all but the drawing pad's ipycanvas (absent on
    # Kaggle) and the tools for working on the project (JupyterLab, ruff).
    current, oldest = versions("requirements.txt"), versions("requirements-oldest.txt")
    assert set(oldest) == set(current) - {"ipycanvas", "jupyterlab", "ruff"}
    newer = {
        name: (oldest[name], current[name])
        for name in oldest
        if Version(oldest[name]) > Version(current[name])
    }
    assert not newer
