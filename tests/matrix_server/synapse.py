"""Synapse in a temporary directory: SQLite, one loopback listener, rate limits raised, no
federation. Users are registered through the shared-secret admin API, as an operator would.

`SynapseServer` can be stopped and started again on the same port and database, which is how
the tests play a homeserver restart.
"""

from __future__ import annotations

import hashlib
import hmac
import importlib.util
import json
import os
import secrets
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

SERVER_NAME = "piiri.test"
START_SECONDS = 60.0
GENEROUS = {"per_second": 1000, "burst_count": 1000}

LOG_CONFIG = """\
version: 1
formatters:
  plain:
    format: '%(asctime)s %(levelname)s %(name)s %(message)s'
handlers:
  file:
    class: logging.FileHandler
    filename: {path}
    formatter: plain
root:
  level: WARNING
  handlers: [file]
disable_existing_loggers: false
"""


@dataclass(frozen=True, slots=True)
class Account:
    user_id: str
    password: str
    access_token: str
    device_id: str


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def synapse_problem() -> str | None:
    """Why Synapse cannot run here, or None when it can."""
    # Only looked for: importing Synapse here would pull Twisted into the test process.
    if importlib.util.find_spec("synapse") is None:
        return "matrix-synapse is not installed; `pip install -e .[dev]` installs it"
    return None


def _yaml_config(directory: Path, port: int, shared_secret: str) -> str:
    limits = {
        "rc_message": GENEROUS,
        "rc_registration": GENEROUS,
        "rc_registration_token_validity": GENEROUS,
        "rc_login": {"address": GENEROUS, "account": GENEROUS, "failed_attempts": GENEROUS},
        "rc_joins": {"local": GENEROUS, "remote": GENEROUS},
        "rc_joins_per_room": GENEROUS,
        "rc_invites": {"per_room": GENEROUS, "per_user": GENEROUS, "per_issuer": GENEROUS},
        "rc_admin_redaction": GENEROUS,
        "rc_3pid_validation": GENEROUS,
        "rc_presence": {"per_user": GENEROUS},
        "rc_room_creation": GENEROUS,
        "rc_reports": GENEROUS,
    }
    # JSON is YAML: the config needs no YAML library here.
    config = {
        "server_name": SERVER_NAME,
        "pid_file": str(directory / "homeserver.pid"),
        "listeners": [
            {
                "port": port,
                "bind_addresses": ["127.0.0.1"],
                "type": "http",
                "tls": False,
                "x_forwarded": False,
                "resources": [{"names": ["client"], "compress": False}],
            }
        ],
        "database": {"name": "sqlite3", "args": {"database": str(directory / "homeserver.db")}},
        "log_config": str(directory / "log.yaml"),
        "media_store_path": str(directory / "media"),
        "signing_key_path": str(directory / "signing.key"),
        "registration_shared_secret": shared_secret,
        "macaroon_secret_key": secrets.token_hex(16),
        "form_secret": secrets.token_hex(16),
        "report_stats": False,
        "enable_registration": False,
        "trusted_key_servers": [],
        "suppress_key_server_warning": True,
        "federation_domain_whitelist": [],
        "presence": {"enabled": False},
        "url_preview_enabled": False,
        "enable_metrics": False,
        **limits,
    }
    return json.dumps(config, indent=1)


class SynapseServer:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._secret = secrets.token_hex(16)
        self._process: subprocess.Popen[bytes] | None = None
        self._admin: Account | None = None
        self._config = directory / "homeserver.yaml"
        directory.mkdir(parents=True, exist_ok=True)
        self._config.write_text(_yaml_config(directory, self.port, self._secret))
        (directory / "log.yaml").write_text(LOG_CONFIG.format(path=directory / "homeserver.log"))
        self._synapse(["--generate-keys"])

    def _synapse(self, extra: list[str]) -> None:
        subprocess.run(  # noqa: S603 - our own interpreter and arguments
            [sys.executable, "-m", "synapse.app.homeserver", "-c", str(self._config), *extra],
            check=True,
            capture_output=True,
            cwd=self.directory,
        )

    def start(self) -> None:
        env = {**os.environ, "SYNAPSE_ASYNC_IO_REACTOR": "0"}
        with (self.directory / "stderr.log").open("ab") as errors:
            self._process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
                [sys.executable, "-m", "synapse.app.homeserver", "-c", str(self._config)],
                cwd=self.directory,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=errors,
            )
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"Synapse exited at start: {self.log_tail()}")
            try:
                if httpx.get(f"{self.url}/_matrix/client/versions", timeout=1).is_success:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"Synapse did not answer in {START_SECONDS:.0f} s: {self.log_tail()}")

    def stop(self) -> None:
        if self._process is None:
            return
        self._process.terminate()
        try:
            self._process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._process = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def log_tail(self) -> str:
        parts = []
        for name in ("stderr.log", "homeserver.log"):
            path = self.directory / name
            if path.exists():
                parts.append(path.read_text(errors="replace")[-3000:])
        return "\n".join(parts)

    def register(self, localpart: str, *, admin: bool = False) -> Account:
        """A new account through the shared-secret registration API."""
        password = secrets.token_urlsafe(12)
        endpoint = f"{self.url}/_synapse/admin/v1/register"
        nonce = httpx.get(endpoint, timeout=10).json()["nonce"]
        # The MAC covers the parts joined by NUL, with no NUL after the last.
        parts = (nonce, localpart, password, "admin" if admin else "notadmin")
        mac = hmac.new(self._secret.encode(), "\x00".join(parts).encode(), hashlib.sha1)
        body = {
            "nonce": nonce,
            "username": localpart,
            "password": password,
            "admin": admin,
            "mac": mac.hexdigest(),
        }
        answer = httpx.post(endpoint, json=body, timeout=10)
        answer.raise_for_status()
        data = answer.json()
        return Account(data["user_id"], password, data["access_token"], data["device_id"])

    def admin(self) -> Account:
        """An admin account for the admin API, registered on first use."""
        if self._admin is None:
            self._admin = self.register("synapseadmin", admin=True)
        return self._admin

    def limit_messages(self, account: Account, per_second: int, burst: int) -> None:
        """Hold one user to a message rate far below the raised default (the admin API)."""
        answer = httpx.post(
            self._override_url(account),
            json={"messages_per_second": per_second, "burst_count": burst},
            headers=self._admin_headers(),
            timeout=10,
        )
        answer.raise_for_status()

    def unlimit_messages(self, account: Account) -> None:
        answer = httpx.delete(
            self._override_url(account), headers=self._admin_headers(), timeout=10
        )
        answer.raise_for_status()

    def _override_url(self, account: Account) -> str:
        return f"{self.url}/_synapse/admin/v1/users/{account.user_id}/override_ratelimit"

    def _admin_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.admin().access_token}"}
