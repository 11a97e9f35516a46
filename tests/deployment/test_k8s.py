"""deploy/k8s renders with kustomize, validates against the Kubernetes API schemas, and works as
shipped: the image `make image` builds, an Ingress to the public services, client addresses
believed behind it, one ingesting analytics replica, the spool where the image puts it."""

from __future__ import annotations

import ipaddress
import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import kubernetes_validate
import pytest

from deployment.manifests import (
    OVERLAYS,
    ROOT,
    containers,
    dockerfile_env,
    env_of,
    find,
    project_version,
    render,
    render_dir,
)
from qrstack_api.accounts.settings import AccountSettings
from qrstack_redirect.settings import RedirectSettings

# The oldest Kubernetes minor still supported upstream when this was written, and the newest
# the schema package knows.
VERSIONS = ("1.31.0", kubernetes_validate.latest_version())


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_rendered_resource_validates_against_the_kubernetes_schemas(overlay: str) -> None:
    docs = render(overlay)
    assert {d["kind"] for d in docs} >= {"Deployment", "Service", "Ingress", "ConfigMap"}
    for version in VERSIONS:
        for doc in docs:
            try:
                kubernetes_validate.validate(doc, version, strict=True)
            except kubernetes_validate.ValidationError as exc:
                pytest.fail(
                    f"{overlay}: {doc['kind']}/{doc['metadata']['name']} ({version}): {exc}"
                )


def test_a_broken_manifest_is_refused(tmp_path: Path) -> None:
    """The check above can fail: a misspelt field of a copied base is reported."""
    broken = tmp_path / "base"
    broken.mkdir()
    for source in (ROOT / "deploy" / "k8s" / "base").iterdir():
        text = source.read_text()
        if source.name == "renderer.yaml":
            text = text.replace("containerPort: 8002", "containerport: 8002")
        (broken / source.name).write_text(text)
    renderer = find(render_dir(broken), "Deployment", "renderer")
    with pytest.raises(kubernetes_validate.ValidationError, match="containerport"):
        kubernetes_validate.validate(renderer, VERSIONS[0], strict=True)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_container_runs_the_image_make_image_builds(overlay: str) -> None:
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^IMAGE \?= qrstack:\$\(VERSION\)$", makefile, re.M)
    images = {c["image"] for _, c in containers(render(overlay))}
    assert images == {f"qrstack:{project_version()}"}


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_exactly_one_analytics_replica_ingests_and_rollouts_never_overlap(overlay: str) -> None:
    docs = render(overlay)
    ingesting = []
    for name, container in containers(docs):
        if container["command"][-1] != "qrstack_analytics":
            continue
        deployment = find(docs, "Deployment", name)
        if env_of(container)["ANALYTICS_INGEST"] == "true":
            ingesting.append((deployment["spec"]["replicas"], deployment["spec"]["strategy"]))
    assert ingesting == [(1, {"type": "Recreate"})]
    assert find(docs, "HorizontalPodAutoscaler", "redirect")["spec"]["scaleTargetRef"]["name"] == (
        "redirect"
    )  # no autoscaler anywhere near the ingester


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_ingress_serves_the_public_urls_from_their_services(overlay: str) -> None:
    docs = render(overlay)
    config = find(docs, "ConfigMap", "qrstack-config")["data"]
    ingress = find(docs, "Ingress", "qrstack")
    routes = {
        rule["host"]: rule["http"]["paths"][0]["backend"]["service"]
        for rule in ingress["spec"]["rules"]
    }
    assert routes[urlsplit(config["SHORT_URL_BASE"]).hostname] == {
        "name": "redirect",
        "port": {"name": "http"},
    }
    assert routes[urlsplit(config["PUBLIC_API_URL"]).hostname] == {
        "name": "api",
        "port": {"name": "http"},
    }
    for service in routes.values():
        ports = find(docs, "Service", service["name"])["spec"]["ports"]
        assert service["port"]["name"] in {p["name"] for p in ports}
    tls_hosts = {h for entry in ingress["spec"]["tls"] for h in entry["hosts"]}
    assert tls_hosts == set(routes)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_client_addresses_are_believed_from_the_ingress_controller_only(
    overlay: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = render(overlay)
    config = find(docs, "ConfigMap", "qrstack-config")["data"]
    for key in ("TRUSTED_PROXIES", "API_TRUSTED_PROXIES"):  # as the services read them
        monkeypatch.setenv(key, config[key])
    monkeypatch.setenv("VISITOR_HASH_SALT", "x" * 32)
    assert len(RedirectSettings().trusted_proxies) == len(AccountSettings().trusted_proxies) == 4
    controller = ipaddress.ip_address("10.244.3.17")  # a pod address of a typical cluster
    for key in ("TRUSTED_PROXIES", "API_TRUSTED_PROXIES"):
        networks = [ipaddress.ip_network(cidr) for cidr in json.loads(config[key])]
        assert any(controller in n for n in networks), key
        assert all(n.is_private for n in networks), f"{key} trusts a public range"
    policy = find(docs, "NetworkPolicy", "public-services-via-ingress")["spec"]
    selected = policy["podSelector"]["matchExpressions"][0]["values"]
    assert sorted(selected) == ["api", "redirect"]
    sources = policy["ingress"][0]["from"]
    assert {
        "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "ingress-nginx"}}
    } in sources


def test_the_redirect_spools_where_the_image_creates_the_spool() -> None:
    docs = render("overlays/production")
    redirect = find(docs, "Deployment", "redirect")["spec"]["template"]["spec"]
    mounts = {m["name"]: m["mountPath"] for m in redirect["containers"][0]["volumeMounts"]}
    assert mounts["spool"] == dockerfile_env()["SCAN_SPOOL_DIR"] == "/data/spool"
    assert (
        redirect["securityContext"]["runAsUser"] == redirect["securityContext"]["fsGroup"] == 10001
    )


# Measured by bench/renderer_memory.py (the README's figures): the interpreter after imports,
# and painting's cost per output pixel (602 MB peak for a 19.9 MP framed 4096 px code).
RENDERER_BASE_BYTES = 60e6
PAINT_BYTES_PER_PIXEL = 28


def _bytes(quantity: str) -> float:
    units = {"Ki": 1 << 10, "Mi": 1 << 20, "Gi": 1 << 30}
    return float(quantity[:-2]) * units[quantity[-2:]]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_renderers_memory_limit_holds_its_worst_case(overlay: str) -> None:
    renderer = next(c for name, c in containers(render(overlay)) if name == "renderer")
    env = env_of(renderer)
    worst = (
        int(env["RENDERER_THREADS"]) * int(env["RENDERER_MAX_PIXELS"]) * PAINT_BYTES_PER_PIXEL
        + RENDERER_BASE_BYTES
        + int(env["RENDERER_CACHE_BYTES"])
    )
    limit = _bytes(renderer["resources"]["limits"]["memory"])
    assert worst * 1.1 < limit, f"{worst / 1e6:.0f} MB worst case, limit {limit / 1e6:.0f} MB"
    assert int(env["RENDERER_MAX_PIXELS"]) >= 4096 * 4856  # the framed 4096 px code renders
