"""Deploy files checked without Docker or Kubernetes: parse them and cross-check references.

docker-compose.yml, the Dockerfile, deploy/prometheus, deploy/grafana and deploy/k8s must
agree with each other and with the code: setting names, topic names, ports, metric names,
probes, volumes, pinned images. ``promtool`` (when installed) also unit-tests the alerts.
"""

from __future__ import annotations

import fnmatch
import itertools
import json
import re
import shlex
import shutil
import subprocess
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from prometheus_client import CollectorRegistry

from newsstream.metrics import Metrics
from newsstream.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
DEPLOY = ROOT / "deploy"
PROMETHEUS = DEPLOY / "prometheus" / "prometheus.yml"
ALERTS = DEPLOY / "prometheus" / "alerts.yml"
DASHBOARD = DEPLOY / "grafana" / "dashboards" / "newsstream.json"
K8S = DEPLOY / "k8s"
OPERATIONS = ROOT / "docs" / "operations.md"

FIELDS = Settings.model_fields
SETTING_VARS = {f"NEWSSTREAM_{name.upper()}" for name in FIELDS}
WEB_PORT = FIELDS["web_port"].default
TOPIC_FIELDS = ("input_topic", "cluster_topic", "output_topic", "dlq_topic")
DEFAULT_TOPICS = {field: FIELDS[field].default for field in TOPIC_FIELDS}
WORKER = "worker"  # compose service built from the Dockerfile
JOB = "newsstream"  # Prometheus job of the workers (compose job_name; k8s Service name)


# --- loading ----------------------------------------------------------------------------


@cache
def compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE.read_text())


def service(name: str) -> dict[str, Any]:
    return compose()["services"][name]


@cache
def k8s_docs() -> tuple[dict[str, Any], ...]:
    docs: list[dict[str, Any]] = []
    for path in sorted(K8S.glob("*.yaml")):
        if path.name == "kustomization.yaml":
            continue
        docs.extend(d for d in yaml.safe_load_all(path.read_text()) if d)
    return tuple(docs)


def k8s(kind: str, name: str | None = None) -> dict[str, Any]:
    found = [
        d
        for d in k8s_docs()
        if d["kind"] == kind and (name is None or d["metadata"]["name"] == name)
    ]
    assert len(found) == 1, f"expected one {kind} {name or ''} in deploy/k8s, found {len(found)}"
    return found[0]


def configmap() -> dict[str, str]:
    return {k: str(v) for k, v in k8s("ConfigMap", "newsstream-config")["data"].items()}


def interpolate(value: object) -> str:
    """Compose variable interpolation with an empty environment: defaults, and $$ -> $."""
    text = str(value)

    def sub(match: re.Match[str]) -> str:
        name, default = match.group(1), match.group(3)
        assert default is not None, f"${{{name}}} has no default: compose would need it set"
        return default

    text = re.sub(r"(?<!\$)\$\{(\w+)(:?-(.*?))?\}", sub, text)
    return text.replace("$$", "$")


def compose_env(name: str) -> dict[str, str]:
    env = service(name).get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {k: interpolate(v) for k, v in env.items()}


def dockerfile_lines() -> list[str]:
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def final_stage() -> list[str]:
    lines = dockerfile_lines()
    last_from = max(i for i, line in enumerate(lines) if line.upper().startswith("FROM "))
    return lines[last_from:]


def dockerfile_env() -> dict[str, str]:
    env: dict[str, str] = {}
    for line in final_stage():
        if line.upper().startswith("ENV "):
            for token in shlex.split(line[4:]):
                key, _, value = token.partition("=")
                env[key] = value
    return env


def shell_commands(script: str, env: dict[str, str]) -> list[list[str]]:
    """Commands of a simple shell script with $VAR expanded (assignments are followed)."""
    env = dict(env)
    commands = []
    for line in script.replace("\\\n", " ").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or line.startswith("set "):
            continue
        assignment = re.fullmatch(r"(\w+)=(.*)", line)
        if assignment:
            env[assignment.group(1)] = shlex.split(assignment.group(2))[0]
            continue

        def expand(token: str) -> str:
            return re.sub(r"\$\{?(\w+)\}?", lambda m: env[m.group(1)], token)

        commands.append([expand(token) for token in shlex.split(line)])
    return commands


def topic_creations(commands: list[list[str]]) -> dict[str, dict[str, Any]]:
    """``{topic: {"partitions": ..., "configs": [...]}}`` of kafka-topics.sh --create calls."""
    created: dict[str, dict[str, Any]] = {}
    for cmd in commands:
        if not cmd[0].endswith("kafka-topics.sh") or "--create" not in cmd:
            continue
        args = dict(itertools.pairwise(cmd))
        configs = [cmd[i + 1] for i, tok in enumerate(cmd) if tok == "--config"]
        created[args["--topic"]] = {
            "partitions": int(args["--partitions"]),
            "replication": int(args["--replication-factor"]),
            "configs": configs,
        }
    return created


def settings_from(env: dict[str, str]) -> Settings:
    values = {k.removeprefix("NEWSSTREAM_").lower(): v for k, v in env.items()}
    return Settings(**values)


def all_deploy_files() -> list[Path]:
    files = [COMPOSE, DOCKERFILE]
    files += sorted(p for p in DEPLOY.rglob("*") if p.suffix in {".yml", ".yaml", ".json"})
    return files


# --- metric names -----------------------------------------------------------------------


def sample_names(registry: CollectorRegistry) -> set[str]:
    """Every series name a registry can expose, including labelled ones without samples."""
    suffixes = {
        "counter": ("_total", "_created"),
        "histogram": ("_bucket", "_count", "_sum", "_created"),
        "summary": ("", "_count", "_sum", "_created"),
        "gauge": ("",),
    }
    names: set[str] = set()
    for family in registry.collect():
        names.update(family.name + s for s in suffixes.get(family.type, ("",)))
        names.update(sample.name for sample in family.samples)
    return names


@pytest.fixture(scope="module")
def our_metrics() -> set[str]:
    return sample_names(Metrics.create(CollectorRegistry()).registry)


@pytest.fixture(scope="module")
def faust_metrics() -> set[str]:
    from newsstream.stream.app import create_app

    pipeline = create_app(Settings(), registry=CollectorRegistry())
    return {n for n in sample_names(pipeline.metrics.registry) if n.startswith("newsstream_faust_")}


def recording_rules() -> dict[str, str]:
    rules = yaml.safe_load(ALERTS.read_text())["groups"]
    return {r["record"]: r["expr"] for g in rules for r in g["rules"] if "record" in r}


def alert_rules() -> dict[str, dict[str, Any]]:
    rules = yaml.safe_load(ALERTS.read_text())["groups"]
    return {r["alert"]: r for g in rules for r in g["rules"] if "alert" in r}


def metric_names(expr: str) -> set[str]:
    """Series names an expression reads (ours all start with newsstream; plus ``up``)."""
    bare = re.sub(r'"[^"]*"', '""', expr)  # label values are not names
    names = set(re.findall(r"\bnewsstream[a-zA-Z0-9_:]*", bare))
    if re.search(r"(?<![\w:])up\s*\{", bare):
        names.add("up")
    return names


def resolved_names(expr: str) -> set[str]:
    """Metric names read, following recording rules to the raw series."""
    records = recording_rules()
    names = set()
    for name in metric_names(expr):
        names |= resolved_names(records[name]) if name in records else {name}
    return names


def dashboard() -> dict[str, Any]:
    return json.loads(DASHBOARD.read_text())


def dashboard_exprs() -> Iterator[tuple[str, str]]:
    for panel in dashboard()["panels"]:
        for target in panel.get("targets", []):
            yield panel["title"], target["expr"]


def slug(heading: str) -> str:
    """GitHub's anchor for a Markdown heading."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


# --- settings and topics ------------------------------------------------------------------


def test_every_newsstream_variable_is_a_setting() -> None:
    used: dict[str, set[str]] = {}
    for path in all_deploy_files():
        for var in re.findall(r"NEWSSTREAM_[A-Z0-9_]+", path.read_text()):
            used.setdefault(var, set()).add(str(path.relative_to(ROOT)))
    unknown = {var: files for var, files in used.items() if var not in SETTING_VARS}
    assert not unknown, f"not fields of newsstream.settings.Settings: {unknown}"
    # Non-vacuous: the contract variables are really used by the deploy files.
    for var in ("NEWSSTREAM_BROKER", "NEWSSTREAM_PARTITIONS", "NEWSSTREAM_WEB_PORT"):
        assert var in used


def test_deploy_settings_validate() -> None:
    """The values the deploy files set are accepted by Settings (types, store, cluster key)."""
    worker = settings_from({k: v for k, v in compose_env(WORKER).items() if k in SETTING_VARS})
    assert worker.broker == "kafka://kafka:9092" and worker.bootstrap_servers == "kafka:9092"
    assert worker.web_host == "0.0.0.0"
    cluster = settings_from(configmap())
    assert cluster.replication_factor >= 3
    assert dockerfile_env()["NEWSSTREAM_WEB_HOST"] == "0.0.0.0"
    settings_from({k: v for k, v in dockerfile_env().items() if k.startswith("NEWSSTREAM_")})


def test_compose_init_creates_the_default_topics() -> None:
    init = service("kafka-init")
    assert init["image"] == service("kafka")["image"]
    env = compose_env("kafka-init")
    script = interpolate(
        init["command"][0] if isinstance(init["command"], list) else init["command"]
    )
    created = topic_creations(shell_commands(script, env))

    assert set(created) == set(DEFAULT_TOPICS.values())
    output = DEFAULT_TOPICS["output_topic"]
    assert created[output]["configs"] == ["cleanup.policy=compact"]
    for topic, spec in created.items():
        assert spec["partitions"] == FIELDS["partitions"].default, topic
        if topic != output:
            assert spec["configs"] == [], topic
    # The workers read the same names as the init step created.
    worker = compose_env(WORKER)
    for field, topic in DEFAULT_TOPICS.items():
        assert worker[f"NEWSSTREAM_{field.upper()}"] == topic
    assert worker["NEWSSTREAM_PARTITIONS"] == env["NEWSSTREAM_PARTITIONS"]


def test_k8s_topic_job_creates_the_configured_topics() -> None:
    job = k8s("Job")
    container = job["spec"]["template"]["spec"]["containers"][0]
    assert container["envFrom"][0]["configMapRef"]["name"] == "newsstream-config"
    env = configmap()
    created = topic_creations(shell_commands(container["args"][0], env))

    assert set(created) == set(DEFAULT_TOPICS.values())
    assert created[DEFAULT_TOPICS["output_topic"]]["configs"] == ["cleanup.policy=compact"]
    for spec in created.values():
        assert spec["partitions"] == int(env["NEWSSTREAM_PARTITIONS"])
        assert spec["replication"] == int(env["NEWSSTREAM_REPLICATION_FACTOR"])


# --- images, Dockerfile -------------------------------------------------------------------


def pinned(image: str) -> bool:
    name, _, tag = image.rpartition(":")
    return bool(name) and "/" not in tag and tag != "latest" and bool(re.search(r"\d+\.\d+", tag))


def test_every_image_is_pinned() -> None:
    images = {name: svc.get("image") for name, svc in compose()["services"].items()}
    for name, image in images.items():
        assert image, f"compose service {name} has no image"
        assert pinned(image), f"compose service {name}: {image} is not pinned to a version"
    for doc in k8s_docs():
        pod = doc.get("spec", {}).get("template", {}).get("spec", {})
        for container in pod.get("containers", []):
            assert pinned(container["image"]), f"{doc['kind']}: {container['image']}"
    args = {}
    for line in dockerfile_lines():
        if line.upper().startswith("ARG ") and "=" in line:
            key, _, value = line[4:].partition("=")
            args[key.strip()] = value.strip()
    bases = [
        re.sub(r"\$\{(\w+)\}", lambda m: args[m.group(1)], line.split()[1])
        for line in dockerfile_lines()
        if line.upper().startswith("FROM ")
    ]
    assert bases, "Dockerfile has no FROM"
    for base in bases:
        assert pinned(base) and "slim" in base, base


def test_dockerfile_runs_newsstream_worker_as_non_root() -> None:
    stage = final_stage()
    users = [line.split()[1] for line in stage if line.upper().startswith("USER ")]
    assert users, "final stage has no USER"
    user = users[-1].split(":")[0]
    assert user not in {"root", "0"}, user
    instructions = {line.split()[0].upper(): line for line in stage}
    assert json.loads(instructions["ENTRYPOINT"].split(None, 1)[1]) == ["newsstream"]
    assert json.loads(instructions["CMD"].split(None, 1)[1]) == ["worker"]
    assert instructions["EXPOSE"].split()[1:] == [str(WEB_PORT)]
    assert dockerfile_env()["NEWSSTREAM_WEB_PORT"] == str(WEB_PORT)
    healthcheck = instructions["HEALTHCHECK"]
    assert "python" in healthcheck and "/healthz" in healthcheck and "curl" not in healthcheck
    assert "pip install ." in DOCKERFILE.read_text()


def test_dockerignore_keeps_what_the_build_copies() -> None:
    patterns = [
        p.strip().lstrip("/")
        for p in (ROOT / ".dockerignore").read_text().splitlines()
        if p.strip() and not p.startswith("#") and not p.startswith("!")
    ]
    copied = [
        src
        for line in dockerfile_lines()
        if line.upper().startswith("COPY ") and "--from" not in line
        for src in line.split()[1:-1]
    ]
    assert {"src", "pyproject.toml", "README.md"} <= set(copied)
    for src in copied:
        assert (ROOT / src).exists(), src
        hit = [p for p in patterns if fnmatch.fnmatch(src, p)]
        assert not hit, f"{src} is excluded by .dockerignore {hit}"
    assert ".venv" in patterns and ".git" in patterns


# --- ports, scraping, healthchecks, volumes ---------------------------------------------------


def test_scrape_target_port_matches_the_worker() -> None:
    prometheus = yaml.safe_load(PROMETHEUS.read_text())
    jobs = {job["job_name"]: job for job in prometheus["scrape_configs"]}
    job = jobs[JOB]
    assert job.get("metrics_path", "/metrics") == "/metrics"
    (sd,) = job["dns_sd_configs"]
    assert sd["names"] == [WORKER] and sd["type"] == "A"
    assert sd["port"] == WEB_PORT

    worker = service(WORKER)
    assert worker["build"] in (".", {"context": "."})
    assert "container_name" not in worker and "ports" not in worker  # scalable with --scale
    assert [str(p) for p in worker["expose"]] == [str(WEB_PORT)]
    env = compose_env(WORKER)
    assert env["NEWSSTREAM_WEB_PORT"] == str(WEB_PORT)
    assert env["NEWSSTREAM_WEB_HOST"] == "0.0.0.0"
    assert configmap()["NEWSSTREAM_WEB_PORT"] == str(WEB_PORT)
    assert prometheus["rule_files"] == [ALERTS.name]


def test_healthchecks() -> None:
    services = compose()["services"]
    for name in ("kafka", WORKER, "prometheus", "grafana"):
        test = services[name].get("healthcheck", {}).get("test")
        assert test and test[0] in {"CMD", "CMD-SHELL"}, f"{name} has no healthcheck"
    worker_check = " ".join(services[WORKER]["healthcheck"]["test"])
    assert f"127.0.0.1:{WEB_PORT}/healthz" in worker_check
    assert "kafka-broker-api-versions.sh" in " ".join(services["kafka"]["healthcheck"]["test"])
    for name, svc in services.items():
        for dep, cond in (svc.get("depends_on") or {}).items():
            assert dep in services, f"{name} depends on unknown {dep}"
            if cond["condition"] == "service_healthy":
                assert "healthcheck" in services[dep], f"{name} waits for {dep}'s health"
            if cond["condition"] == "service_completed_successfully":
                assert services[dep].get("restart") == "no", dep
    assert services[WORKER]["depends_on"] == {
        "kafka": {"condition": "service_healthy"},
        "kafka-init": {"condition": "service_completed_successfully"},
    }


def test_volumes_are_declared_and_mounts_exist() -> None:
    declared = set(compose().get("volumes") or {})
    used = set()
    for name, svc in compose()["services"].items():
        for volume in svc.get("volumes", []):
            source, target = volume.split(":")[:2]
            if source.startswith((".", "/")):
                assert (ROOT / source).exists(), f"{name}: bind mount {source} missing"
            else:
                assert source in declared, f"{name}: volume {source} not declared"
                used.add(source)
            assert target.startswith("/")
    assert used == declared, f"declared but unused: {declared - used}"
    # Prometheus reads the mounted config; Grafana reads the mounted provisioning.
    mounts = {v.split(":")[1]: v.split(":")[0] for v in service("prometheus")["volumes"]}
    config = next(a for a in service("prometheus")["command"] if "--config.file" in a)
    config_dir, _, config_file = config.split("=", 1)[1].rpartition("/")
    assert (ROOT / mounts[config_dir] / config_file) == PROMETHEUS


def test_grafana_provisioning_matches_compose_and_dashboard() -> None:
    mounts = {v.split(":")[1]: v.split(":")[0] for v in service("grafana")["volumes"]}
    provisioning = "/etc/grafana/provisioning"
    (datasources,) = list((ROOT / mounts[f"{provisioning}/datasources"]).glob("*.yml"))
    (source,) = yaml.safe_load(datasources.read_text())["datasources"]
    assert source["type"] == "prometheus"
    assert source["url"] == "http://prometheus:9090"
    assert "prometheus" in compose()["services"]
    assert "9090:9090" in service("prometheus")["ports"]
    (providers,) = list((ROOT / mounts[f"{provisioning}/dashboards"]).glob("*.yml"))
    (provider,) = yaml.safe_load(providers.read_text())["providers"]
    assert (ROOT / mounts[provider["options"]["path"]]) == DASHBOARD.parent
    home = compose_env("grafana")["GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH"]
    assert home == f"{provider['options']['path']}/{DASHBOARD.name}"

    board = dashboard()
    uids = {
        (panel.get("datasource") or {}).get("uid")
        for panel in board["panels"]
        for panel in [panel, *panel.get("targets", [])]
    }
    assert uids == {source["uid"]}


# --- metrics in alerts and the dashboard ------------------------------------------------------


def test_alert_and_dashboard_metrics_exist(our_metrics: set[str], faust_metrics: set[str]) -> None:
    assert "newsstream_faust_topic_partition_end_offset" in faust_metrics
    known = our_metrics | faust_metrics | set(recording_rules()) | {"up"}
    exprs = [(f"rule {name}", expr) for name, expr in recording_rules().items()]
    exprs += [(f"alert {name}", rule["expr"]) for name, rule in alert_rules().items()]
    exprs += [(f"panel {title}", expr) for title, expr in dashboard_exprs()]
    assert len(exprs) > 20
    for where, expr in exprs:
        names = metric_names(expr)
        assert names, f"{where} reads no metric: {expr}"
        unknown = names - known
        assert not unknown, f"{where} uses unknown metrics {unknown}"
        for name in names:
            if name.startswith("newsstream_faust_"):
                assert name in faust_metrics, f"{where}: {name} is not a Faust sensor metric"


def test_required_alerts_and_runbooks() -> None:
    alerts = alert_rules()
    required = {
        "NewsstreamWorkerDown": {"up"},
        "NewsstreamConsumerLagGrowing": {
            "newsstream_faust_topic_partition_end_offset",
            "newsstream_faust_topic_partition_offset_commited",
        },
        "NewsstreamDlqRateHigh": {"newsstream_articles_rejected_total"},
        "NewsstreamEndToEndLatencyHigh": {"newsstream_end_to_end_latency_seconds_bucket"},
    }
    for name, metrics in required.items():
        assert metrics <= resolved_names(alerts[name]["expr"]), name
    assert f'up{{job="{JOB}"}} == 0' in alerts["NewsstreamWorkerDown"]["expr"]
    assert "rate(newsstream_articles_rejected_total" in alerts["NewsstreamDlqRateHigh"]["expr"]
    assert "histogram_quantile(0.99" in alerts["NewsstreamEndToEndLatencyHigh"]["expr"]

    anchors = {
        slug(line.lstrip("#"))
        for line in OPERATIONS.read_text().splitlines()
        if line.startswith("#")
    }
    for name, rule in alerts.items():
        annotations = rule["annotations"]
        assert annotations.get("summary") and annotations.get("description"), name
        assert rule["labels"]["severity"] in {"warning", "critical"}, name
        path, _, anchor = annotations["runbook_url"].partition("#")
        assert path == "docs/operations.md", name
        assert anchor in anchors, f"{name}: no heading #{anchor} in docs/operations.md"
    # The Prometheus Operator copy carries exactly the same rules.
    assert k8s("PrometheusRule")["spec"] == yaml.safe_load(ALERTS.read_text())


def test_dashboard_panels() -> None:
    board = dashboard()
    panels = {p["title"]: p for p in board["panels"]}
    assert len(panels) == len(board["panels"]), "duplicate panel titles"
    ids = [p["id"] for p in board["panels"]]
    assert len(set(ids)) == len(ids)

    def reads(title: str) -> set[str]:
        return set().union(*(metric_names(t["expr"]) for t in panels[title]["targets"]))

    def exprs(title: str) -> str:
        return "\n".join(t["expr"] for t in panels[title]["targets"])

    assert {
        "newsstream_articles_received_total",
        "newsstream_story_records_emitted_total",
    } <= reads("Throughput in / out")
    for title, metric in (
        ("End-to-end latency", "newsstream_end_to_end_latency_seconds_bucket"),
        ("Stage latency", "newsstream_stage_seconds_bucket"),
    ):
        assert reads(title) == {metric}
        for q in ("0.5", "0.9", "0.99"):
            assert f"histogram_quantile({q}," in exprs(title), (title, q)
    assert "by (le, stage)" in exprs("Stage latency")
    assert "by (reason)" in exprs("DLQ by reason")
    assert reads("DLQ by reason") == {"newsstream_articles_rejected_total"}
    assert {
        "newsstream_stories_created_total",
        "newsstream_stories_updated_total",
        "newsstream_stories_merged_total",
    } <= reads("Stories created / updated / merged")
    assert reads("Active stories") == {"newsstream_active_stories"}
    assert "newsstream_faust_topic_partition_end_offset" in reads("Consumer lag")

    # Panels do not overlap on the 24-column grid.
    cells: dict[tuple[int, int], str] = {}
    for p in board["panels"]:
        g = p["gridPos"]
        assert g["x"] + g["w"] <= 24, p["title"]
        for x in range(g["x"], g["x"] + g["w"]):
            for y in range(g["y"], g["y"] + g["h"]):
                assert (x, y) not in cells, f"{p['title']} overlaps {cells[(x, y)]}"
                cells[(x, y)] = p["title"]


# --- Kubernetes ---------------------------------------------------------------------------------


def test_k8s_worker_probes_resources_config() -> None:
    deployment = k8s("Deployment", "newsstream-worker")
    pod = deployment["spec"]["template"]
    assert (
        deployment["spec"]["selector"]["matchLabels"].items() <= pod["metadata"]["labels"].items()
    )
    (container,) = pod["spec"]["containers"]
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    assert ports == {"metrics": WEB_PORT}
    for probe, path in (("livenessProbe", "/healthz"), ("readinessProbe", "/readyz")):
        get = container[probe]["httpGet"]
        assert get["path"] == path, probe
        assert get["port"] in ("metrics", WEB_PORT), probe
    assert container["resources"]["requests"]["cpu"]
    assert container["resources"]["requests"]["memory"]
    assert container["resources"]["limits"]["memory"]
    assert pod["spec"]["securityContext"]["runAsNonRoot"] is True
    assert container["envFrom"] == [{"configMapRef": {"name": "newsstream-config"}}]
    secret = {e["name"]: e["valueFrom"]["secretKeyRef"] for e in container["env"]}
    assert set(secret) == {"NEWSSTREAM_SASL_PASSWORD"}
    assert "NEWSSTREAM_SASL_PASSWORD" not in configmap()
    mounts = {m["name"] for m in container["volumeMounts"]}
    assert mounts <= {v["name"] for v in pod["spec"]["volumes"]}
    data_dir = configmap()["NEWSSTREAM_DATA_DIR"]
    assert data_dir in {m["mountPath"] for m in container["volumeMounts"]}


def test_k8s_service_and_servicemonitor_select_the_workers() -> None:
    pod_labels = k8s("Deployment", "newsstream-worker")["spec"]["template"]["metadata"]["labels"]
    svc = k8s("Service", JOB)
    assert svc["spec"]["selector"].items() <= pod_labels.items()
    (port,) = svc["spec"]["ports"]
    assert port["name"] == "metrics" and port["port"] == WEB_PORT
    assert port["targetPort"] in ("metrics", WEB_PORT)
    monitor = k8s("ServiceMonitor")
    assert monitor["spec"]["selector"]["matchLabels"].items() <= svc["metadata"]["labels"].items()
    (endpoint,) = monitor["spec"]["endpoints"]
    assert endpoint["port"] == "metrics" and endpoint["path"] == "/metrics"
    # The job label the alerts match on ("newsstream") is the Service's jobLabel value.
    assert svc["metadata"]["labels"][monitor["spec"]["jobLabel"]] == JOB


def test_kustomization_lists_every_manifest() -> None:
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    listed = set(kustomization["resources"])
    on_disk = {p.name for p in K8S.glob("*.yaml")} - {"kustomization.yaml"}
    assert listed == on_disk
    namespaces = {d["metadata"].get("namespace") for d in k8s_docs() if d["kind"] != "Namespace"}
    assert namespaces <= {kustomization["namespace"], None}


# --- promtool (optional) --------------------------------------------------------------------------

PROMTOOL = shutil.which("promtool")


def promtool(*args: str | Path) -> None:
    assert PROMTOOL is not None
    result = subprocess.run(
        [PROMTOOL, *map(str, args)], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def alert_case(
    series: dict[str, str], at: str, alert: str, fires: list[dict[str, str]]
) -> dict[str, Any]:
    return {
        "interval": "1m",
        "input_series": [{"series": s, "values": v} for s, v in series.items()],
        "alert_rule_test": [
            {"eval_time": at, "alertname": alert, "exp_alerts": [{"exp_labels": f} for f in fires]}
        ],
    }


W = {"severity": "warning"}
C = {"severity": "critical"}
END = "newsstream_faust_topic_partition_end_offset"
COMMITTED = "newsstream_faust_topic_partition_offset_commited"
TP = 'topic="news.articles",partition="0"'
E2E = "newsstream_end_to_end_latency_seconds_bucket"

ALERT_CASES = [
    alert_case(
        {
            'up{job="newsstream",instance="w1:6066"}': "1 1 0x8",
            'up{job="newsstream",instance="w2:6066"}': "1x10",
        },
        "6m",
        "NewsstreamWorkerDown",
        [{**C, "job": "newsstream", "instance": "w1:6066"}],
    ),
    alert_case({"other_series": "1x12"}, "10m", "NewsstreamNoWorkers", [C]),
    alert_case(
        {'up{job="newsstream",instance="w1:6066"}': "1x12"}, "10m", "NewsstreamNoWorkers", []
    ),
    # Lag grows by 100 records a minute, reported by two workers after a rebalance.
    alert_case(
        {
            f'{END}{{{TP},instance="w1"}}': "0+200x45",
            f'{COMMITTED}{{{TP},instance="w1"}}': "0+100x45",
            f'{END}{{{TP},instance="w2"}}': "0+200x45",
        },
        "40m",
        "NewsstreamConsumerLagGrowing",
        [{**W, "topic": "news.articles"}],
    ),
    # A large but constant lag is not "growing".
    alert_case(
        {
            f'{END}{{{TP},instance="w1"}}': "5000+100x45",
            f'{COMMITTED}{{{TP},instance="w1"}}': "3000+100x45",
        },
        "40m",
        "NewsstreamConsumerLagGrowing",
        [],
    ),
    alert_case(
        {
            "newsstream_articles_received_total": "0+100x40",
            'newsstream_articles_rejected_total{reason="schema"}': "0+10x40",
        },
        "30m",
        "NewsstreamDlqRateHigh",
        [W],
    ),
    alert_case(
        {
            "newsstream_articles_received_total": "0+100x40",
            'newsstream_articles_rejected_total{reason="schema"}': "0+1x40",
        },
        "30m",
        "NewsstreamDlqRateHigh",
        [],
    ),
    alert_case(
        {'newsstream_articles_rejected_total{reason="processing"}': "0 0 0 1 1 1"},
        "5m",
        "NewsstreamProcessingFailures",
        [W],
    ),
    # Every article takes 5-10 s: p99 near 10 s.
    alert_case(
        {
            f'{E2E}{{le="1.0"}}': "0x30",
            f'{E2E}{{le="5.0"}}': "0x30",
            f'{E2E}{{le="10.0"}}': "0+10x30",
            f'{E2E}{{le="+Inf"}}': "0+10x30",
        },
        "25m",
        "NewsstreamEndToEndLatencyHigh",
        [W],
    ),
    alert_case(
        {
            f'{E2E}{{le="1.0"}}': "0+10x30",
            f'{E2E}{{le="5.0"}}': "0+10x30",
            f'{E2E}{{le="+Inf"}}': "0+10x30",
        },
        "25m",
        "NewsstreamEndToEndLatencyHigh",
        [],
    ),
    alert_case(
        {
            "newsstream_articles_received_total": "0+10x45",
            "newsstream_story_records_emitted_total": "0x45",
        },
        "40m",
        "NewsstreamNoOutput",
        [C],
    ),
    alert_case(
        {
            "newsstream_articles_received_total": "0+10x45",
            "newsstream_story_records_emitted_total": "0+10x45",
        },
        "40m",
        "NewsstreamNoOutput",
        [],
    ),
    # One gap of three records at minute 5: critical while it is in the last 15 minutes.
    alert_case(
        {'newsstream_offset_gaps_total{topic="news.articles"}': "0x5 3x20"},
        "10m",
        "NewsstreamOffsetGap",
        [{**C, "topic": "news.articles"}],
    ),
    alert_case(
        {'newsstream_offset_gaps_total{topic="news.articles"}': "0x5 3x40"},
        "40m",
        "NewsstreamOffsetGap",
        [],
    ),
]


@pytest.mark.skipif(PROMTOOL is None, reason="promtool not installed")
def test_promtool_checks_config_and_alert_behaviour(tmp_path: Path) -> None:
    promtool("check", "config", PROMETHEUS)
    promtool("check", "rules", ALERTS)
    # Unit-test what fires: annotations are left out (promtool compares them verbatim).
    groups = yaml.safe_load(ALERTS.read_text())["groups"]
    for group in groups:
        for rule in group["rules"]:
            rule.pop("annotations", None)
    (tmp_path / "rules.yml").write_text(yaml.safe_dump({"groups": groups}))
    tested = {case["alert_rule_test"][0]["alertname"] for case in ALERT_CASES}
    assert tested == set(alert_rules())
    spec = {"rule_files": ["rules.yml"], "evaluation_interval": "1m", "tests": ALERT_CASES}
    (tmp_path / "tests.yml").write_text(yaml.safe_dump(spec))
    promtool("test", "rules", tmp_path / "tests.yml")
