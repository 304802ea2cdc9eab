"""The replica manifests users copy: probes on the right paths, drain longer than the
server's graceful timeout, and every RLVR_* variable a real settings field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from server.settings import ServerSettings

DEPLOY = Path(__file__).resolve().parents[2] / "server" / "deploy"
GRACE = ServerSettings.model_fields["graceful_timeout_s"].default


def _env_names(env: Any) -> list[str]:
    if isinstance(env, dict):
        return list(env)
    return [e["name"] for e in env]


def _assert_known_settings(names: list[str]) -> None:
    fields = {f"RLVR_{name.upper()}" for name in ServerSettings.model_fields}
    unknown = [n for n in names if n.startswith("RLVR_") and n not in fields]
    assert not unknown, f"not ServerSettings fields: {unknown}"


def test_kubernetes_replicas_probe_readyz_and_drain() -> None:
    docs = list(yaml.safe_load_all((DEPLOY / "kubernetes.yaml").read_text()))
    deployment = next(d for d in docs if d["kind"] == "Deployment")
    service = next(d for d in docs if d["kind"] == "Service")
    pod = deployment["spec"]["template"]["spec"]
    container = pod["containers"][0]
    assert deployment["spec"]["replicas"] >= 2
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    pause = int(container["lifecycle"]["preStop"]["exec"]["command"][-1])
    assert pod["terminationGracePeriodSeconds"] > GRACE + pause
    assert service["spec"]["selector"] == deployment["spec"]["selector"]["matchLabels"]
    port = container["ports"][0]["containerPort"]
    assert str(port) in container["args"]
    assert port == ServerSettings.model_fields["port"].default  # the documented default
    _assert_known_settings(_env_names(container["env"]))


def test_compose_replicas_behind_a_balancer() -> None:
    compose = yaml.safe_load((DEPLOY / "compose.replicas.yaml").read_text())
    server = compose["services"]["reward-server"]
    assert "/readyz" in " ".join(server["healthcheck"]["test"])
    assert float(server["stop_grace_period"].rstrip("s")) > GRACE
    assert "replicas" in server["deploy"]
    _assert_known_settings(_env_names(server["environment"]))
    nginx = (DEPLOY / "nginx.conf").read_text()
    assert "proxy_next_upstream" in nginx and "reward-server:8100" in nginx
