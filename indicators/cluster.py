"""`make cluster`: the app as several replicas on one DuckLake, on this machine.

1. starts PostgreSQL (`initdb` in a temporary folder, a free loopback port) for the catalog and
   makes a lake whose Parquet files go to a temporary folder, then `init --demo` on it;
2. starts the demo log-in provider and writes the demo secrets.toml (one cookie secret for all
   replicas), as `make run` does (indicators/devserver.py);
3. starts three app replicas on three free ports, each with its own connection to the lake;
4. if nginx is installed, runs deploy/nginx.conf on loopback in front of them (sticky sessions
   by a cookie hash, long websocket timeouts) and prints its address;
5. Ctrl-C (or SIGTERM) stops everything and removes the temporary folders.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from indicators import devserver, pgserver

ROOT = Path(__file__).resolve().parent.parent
NGINX_TEMPLATE = ROOT / "deploy" / "nginx.conf"


def nginx_conf(listen: int, replicas: list[int], prefix: Path) -> str:
    upstreams = "\n".join(f"        server 127.0.0.1:{port};" for port in replicas)
    return (
        NGINX_TEMPLATE.read_text()
        .replace("@PREFIX@", str(prefix))
        .replace("@LISTEN@", f"127.0.0.1:{listen}")
        .replace("@UPSTREAMS@", upstreams)
    )


def nginx_command(nginx: str, work: Path, listen: int, replicas: list[int]) -> list[str]:
    """The command that runs deploy/nginx.conf on `listen` in front of `replicas`, with its
    prefix (temp folders, the filled conf) laid out under `work`."""
    prefix = work / "nginx"
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (prefix / "tmp" / sub).mkdir(parents=True)
    for folder in (work, prefix, *prefix.rglob("*")):
        folder.chmod(0o777 if "tmp" in folder.parts else 0o755)  # nginx's worker user
    conf = prefix / "nginx.conf"
    conf.write_text(nginx_conf(listen, replicas, prefix))
    return [nginx, "-p", str(prefix), "-c", str(conf)]


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def wait_healthy(url: str, process: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not healthy(url):
        if process.poll() is not None:
            raise RuntimeError(f"{url} exited with code {process.returncode}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not answer in {timeout:.0f} s")
        time.sleep(0.2)  # polling the condition (the health endpoint), not a fixed wait


def replica_command(port: int) -> list[str]:
    return [
        sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard.py"),
        "--server.port", str(port), "--server.address", "127.0.0.1",
        "--server.headless", "true",
    ]  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicas", type=int, default=3)
    parser.add_argument("--port", type=int, default=8500, help="nginx's port (else a free one)")
    parser.add_argument("--no-login", action="store_true", help="public view only, no provider")
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="indicators-cluster-"))
    processes: list[subprocess.Popen] = []
    postgres = mock = None
    wrote = False
    try:
        postgres = pgserver.start(durable=True, log=work / "postgres.log")
        lake = "ducklake:postgres:" + postgres.create_database("indicators")
        env = {**os.environ, "INDICATORS_DB": lake, "INDICATORS_LAKE_DATA": str(work / "lake")}
        print(f"catalog: PostgreSQL on 127.0.0.1:{postgres.port}; data: {work / 'lake'}")
        print(f"logs: {work}", flush=True)
        subprocess.run(
            [sys.executable, "-m", "indicators", "init", "--demo"], cwd=ROOT, env=env, check=True
        )

        ports = [devserver.free_port() for _ in range(args.replicas)]
        nginx = shutil.which("nginx") or (
            "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
        )
        entry_port = devserver.free_port(args.port) if nginx else ports[0]
        entry = f"http://localhost:{entry_port}"
        if not args.no_login:
            if devserver.SECRETS.exists() and not devserver.is_generated(devserver.SECRETS):
                print(f"{devserver.SECRETS} was not written by the demo: using it as it is")
            else:
                mock_port = devserver.free_port(devserver.MOCK_PORT)
                mock = devserver.start_mock(mock_port)
                provider = f"http://127.0.0.1:{mock_port}"
                # one cookie secret for every replica: a log-in made on one is valid on all
                wrote = devserver.write_demo_secrets(
                    devserver.SECRETS, devserver.secrets_toml(entry, provider)
                )
        elif devserver.is_generated(devserver.SECRETS):
            devserver.SECRETS.unlink()

        logs = work / "logs"
        logs.mkdir()
        for number, port in enumerate(ports, 1):
            with open(logs / f"replica-{number}.log", "ab") as log:
                processes.append(
                    subprocess.Popen(
                        replica_command(port),
                        cwd=ROOT,
                        env=env,
                        stdout=log,
                        stderr=subprocess.STDOUT,
                    )  # fmt: skip
                )
        for port, process in zip(ports, processes, strict=True):
            wait_healthy(f"http://127.0.0.1:{port}", process)
            print(f"replica: http://127.0.0.1:{port}", flush=True)

        if nginx:
            command = nginx_command(nginx, work, entry_port, ports)
            processes.append(subprocess.Popen(command, cwd=work / "nginx"))
            wait_healthy(f"http://127.0.0.1:{entry_port}", processes[-1])
            print(f"nginx (sticky sessions): {entry}", flush=True)
        else:
            print("nginx is not installed: open a replica directly", flush=True)
        print(f"the app: {entry}   (Ctrl-C stops the cluster)", flush=True)
        while all(p.poll() is None for p in processes):
            time.sleep(0.5)  # nothing to do but wait for Ctrl-C or a process to end
        return 1
    except KeyboardInterrupt:
        return 130
    finally:
        for process in reversed(processes):
            devserver.stop(process)
        if mock is not None:
            devserver.stop(mock)
        if wrote and devserver.is_generated(devserver.SECRETS):
            devserver.SECRETS.unlink()
        if postgres is not None:
            postgres.stop()
        shutil.rmtree(work, ignore_errors=True)


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


if __name__ == "__main__":
    # SIGINT too: a shell starting the cluster in the background leaves Ctrl-C ignored
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, _interrupt)
    sys.exit(main())
