"""A throwaway PostgreSQL for the lake's catalog: `initdb` in a temporary folder, the server on
a free loopback port, stopped and removed at the end. The tests and `make cluster` use it; a
deployment runs its own PostgreSQL (with backups and a standby, see the README).

Debian's binaries live in /usr/lib/postgresql/<version>/bin (`PG_BIN` overrides). PostgreSQL
refuses to run as root, so under root (CI) initdb and the server run as the `postgres` user
the Debian package creates.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

USER = "lake"


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL binaries on this machine, or the server would not start; says why."""


def bin_dir() -> Path:
    if os.environ.get("PG_BIN"):
        return Path(os.environ["PG_BIN"])
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version)
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    raise PostgresUnavailable(
        "PostgreSQL is not installed: apt-get install postgresql (or set PG_BIN to its bin folder)"
    )


def _version(path: str) -> int:
    part = Path(path).parts[-3]
    return int(part) if part.isdigit() else 0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run_as() -> dict:
    """subprocess arguments that drop root to the postgres user (nothing when not root)."""
    if os.geteuid() != 0:
        return {}
    try:
        account = pwd.getpwnam("postgres")
    except KeyError:
        raise PostgresUnavailable(
            "running as root and there is no 'postgres' user to run PostgreSQL as"
        ) from None
    return {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []}


@dataclass
class Postgres:
    folder: Path
    port: int
    process: subprocess.Popen
    throwaway: bool = True  # stopped with an immediate shutdown (tests)

    def dsn(self, dbname: str = "postgres") -> str:
        return f"dbname={dbname} host=127.0.0.1 port={self.port} user={USER}"

    def execute(self, sql: str) -> None:
        """One statement outside a transaction (CREATE DATABASE needs that)."""
        import psycopg

        with psycopg.connect(self.dsn(), autocommit=True) as session:
            session.execute(sql)

    def create_database(self, name: str, template: str | None = None) -> str:
        """A new database (a copy of `template` when given); returns its libpq string."""
        copy = f" TEMPLATE {template}" if template else ""
        self.execute(f"CREATE DATABASE {name}{copy}")
        return self.dsn(name)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(3 if self.throwaway else 2)  # SIGQUIT immediate, SIGINT fast
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)


def start(*, durable: bool = False, log: Path | None = None) -> Postgres:
    """initdb and start a server; `durable=False` (tests) turns fsync off for speed."""
    binaries = bin_dir()
    drop = _run_as()
    folder = Path(tempfile.mkdtemp(prefix="indicators-pg-"))
    if drop:
        os.chown(folder, drop["user"], drop["group"])
    data = folder / "data"
    result = subprocess.run(
        [str(binaries / "initdb"), "-D", str(data), "-A", "trust", "-U", USER, "-E", "UTF8",
         "--no-instructions", *([] if durable else ["--no-sync"])],
        capture_output=True, text=True, cwd=folder, **drop,
    )  # fmt: skip
    if result.returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)
        raise PostgresUnavailable(f"initdb failed: {result.stderr.strip()[-500:]}")
    port = free_port()
    settings = ["-c", "listen_addresses=127.0.0.1", "-k", str(folder), "-p", str(port)]
    settings += ["-c", "max_connections=200"]
    if not durable:
        settings += [
            "-c",
            "fsync=off",
            "-c",
            "synchronous_commit=off",
            "-c",
            "full_page_writes=off",
        ]
    with open(log or os.devnull, "ab") as out:  # the server keeps its own copy of the handle
        process = subprocess.Popen(
            [str(binaries / "postgres"), "-D", str(data), *settings],
            stdout=out, stderr=subprocess.STDOUT, cwd=folder, **drop,
        )  # fmt: skip
    server = Postgres(folder, port, process, throwaway=not durable)
    _wait_ready(server)
    return server


def _wait_ready(server: Postgres, timeout: float = 60) -> None:
    import psycopg

    deadline = time.monotonic() + timeout
    while True:
        if server.process.poll() is not None:
            server.stop()
            raise PostgresUnavailable(f"postgres exited with {server.process.returncode}")
        try:
            psycopg.connect(server.dsn(), connect_timeout=2).close()
            return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                server.stop()
                raise PostgresUnavailable("postgres did not accept connections") from None
            time.sleep(0.05)  # polling the condition (accepting connections), not a fixed wait
