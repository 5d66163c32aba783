"""The cluster scenario's load balancer configuration, checked by HAProxy itself when it is there."""

import subprocess
from pathlib import Path

from bench import cluster
from tests.services import require


class Run:
    sizes = {"workers": 4, "threads": 4}


def config(tmp_path: Path) -> str:
    built = cluster.Cluster(Run(), tmp_path, None, "postgres://postgres@127.0.0.1:5432/consult")
    built.web_port, built.balancer_port = 8001, 8000
    return cluster.haproxy_config(built)


def test_each_instance_takes_as_many_requests_as_it_has_threads(tmp_path):
    text = config(tmp_path)
    assert "server web-a 127.0.0.2:8001 check maxconn 8" in text
    assert "server web-b 127.0.0.3:8001 check maxconn 8" in text
    assert "bind 127.0.0.1:8000" in text


def test_a_request_that_met_a_dead_instance_is_tried_on_the_other(tmp_path):
    text = config(tmp_path)
    assert "retry-on conn-failure empty-response" in text
    assert "option redispatch 1" in text
    assert "observe layer4 error-limit 1 on-error mark-down" in text
    # The clients' X-Forwarded-For is passed on as the edge set it.
    assert "forwardfor" not in text


def test_haproxy_accepts_the_configuration(tmp_path):
    binary = cluster.haproxy_binary()
    require(binary is not None, "needs HAProxy (bench/install_tools.sh installs it)")
    path = tmp_path / "haproxy.cfg"
    path.write_text(config(tmp_path))
    checked = subprocess.run([binary, "-c", "-f", str(path)], capture_output=True, text=True, timeout=30)
    assert checked.returncode == 0, checked.stdout + checked.stderr
