"""`make cluster`: PostgreSQL, a lake, replicas and nginx with sticky sessions come up together
and all stop on one signal."""

from __future__ import annotations

import http.cookies
import os
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from indicators import devserver

ROOT = Path(__file__).resolve().parents[2]


def get(url: str, cookie: str | None = None) -> tuple[int, str | None]:
    request = urllib.request.Request(
        url, headers={"Cookie": f"dsm_node={cookie}"} if cookie else {}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        jar = http.cookies.SimpleCookie(response.headers.get("Set-Cookie") or "")
        return response.status, jar["dsm_node"].value if "dsm_node" in jar else None


@pytest.mark.slow
@pytest.mark.skipif(not Path("/usr/sbin/nginx").exists(), reason="nginx is not installed")
def test_cluster_serves_replicas_behind_sticky_nginx_and_stops_whole_on_a_signal():
    port = devserver.free_port()
    cluster = subprocess.Popen(
        [sys.executable, "-m", "indicators.cluster", "--replicas", "2", "--no-login",
         "--port", str(port)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )  # fmt: skip
    lines = []
    try:
        for line in cluster.stdout:  # wait for the condition: the cluster says it is up
            lines.append(line)
            if line.startswith("the app:"):
                break
        else:
            pytest.fail("".join(lines))
        work = Path(next(line for line in lines if line.startswith("logs:")).split()[1])
        replicas = [line.split()[1] for line in lines if line.startswith("replica:")]
        assert len(replicas) == 2

        status, cookie = get(f"http://127.0.0.1:{port}/")
        assert status == 200 and cookie  # the first answer hands out the node cookie
        for _ in range(6):
            assert get(f"http://127.0.0.1:{port}/_stcore/health", cookie)[0] == 200
        log = (work / "nginx" / "access.log").read_text().splitlines()
        served_by = {line.split("-> ")[1] for line in log if f" {cookie} ->" in line}
        assert len(served_by) == 1  # every request of that browser went to one replica
    finally:
        cluster.send_signal(signal.SIGINT)
        cluster.wait(timeout=120)
    assert not work.exists()
    for url in replicas:
        with pytest.raises(OSError):
            urllib.request.urlopen(f"{url}/_stcore/health", timeout=5)
