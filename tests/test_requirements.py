"""environment.yml and requirements.txt pin the same packages at the same versions."""

import yaml

from notebook import REPO


def pins(lines):
    return sorted(line.strip() for line in lines if line.strip() and not line.strip().startswith("#"))


def test_environment_yml_matches_requirements_txt():
    environment = yaml.safe_load((REPO / "environment.yml").read_text())
    pip_section = next(item["pip"] for item in environment["dependencies"] if isinstance(item, dict))
    requirements = pins((REPO / "requirements.txt").read_text().splitlines())
    assert pins(pip_section) == requirements
    assert all("==" in line for line in requirements)
    assert "python=3.11" in environment["dependencies"]
