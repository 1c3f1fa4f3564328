"""What every benchmark gets: database connection parameters, tool lookup, the output directory."""

from __future__ import annotations

import glob
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

REPO_ROOT = Path(__file__).resolve().parent.parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/mcp_payments"


@dataclass(frozen=True)
class Database:
    host: str
    port: int
    user: str
    password: str | None
    name: str

    @classmethod
    def from_url(cls, url: str) -> Database:
        parts = urlsplit(url)
        if parts.scheme not in {"postgres", "postgresql"}:
            raise ValueError(f"DATABASE_URL must be a postgres:// URL, not {parts.scheme!r}")
        return cls(
            host=parts.hostname or "127.0.0.1",
            port=parts.port or 5432,
            user=unquote(parts.username or "postgres"),
            password=unquote(parts.password) if parts.password else None,
            name=parts.path.lstrip("/") or "mcp_payments",
        )

    def conninfo(self, dbname: str | None = None) -> str:
        items = {
            "host": self.host,
            "port": str(self.port),
            "user": self.user,
            "dbname": dbname or self.name,
        }
        if self.password:
            items["password"] = self.password
        return " ".join(f"{key}={value}" for key, value in items.items())

    def libpq_env(self) -> dict[str, str]:
        """Environment for libpq command-line tools (pgbench, psql)."""
        env = dict(os.environ, PGHOST=self.host, PGPORT=str(self.port), PGUSER=self.user)
        if self.password:
            env["PGPASSWORD"] = self.password
        return env


def _version_key(path: str) -> tuple[int, ...]:
    match = re.search(r"/postgresql/([\d.]+)/", path)
    return tuple(int(part) for part in match.group(1).split(".")) if match else ()


def find_postgres_tool(name: str) -> str | None:
    """A PostgreSQL client program: PATH first, then `pg_config --bindir`, then
    /usr/lib/postgresql/<version>/bin (newest version first)."""
    found = shutil.which(name)
    if found:
        return found
    pg_config = shutil.which("pg_config")
    if pg_config:
        try:
            bindir = subprocess.run(  # noqa: S603 - fixed arguments
                [pg_config, "--bindir"], capture_output=True, text=True, check=True, timeout=10
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            bindir = ""
        candidate = Path(bindir) / name
        if bindir and os.access(candidate, os.X_OK):
            return str(candidate)
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=_version_key)
    for candidate in reversed(candidates):
        if os.access(candidate, os.X_OK):
            return candidate
    return None


@dataclass
class BenchContext:
    database: Database
    out_dir: Path = field(default_factory=lambda: REPO_ROOT / "var" / "bench")

    @classmethod
    def from_env(cls) -> BenchContext:
        url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
        return cls(database=Database.from_url(url))
