"""Deployment: the files in deploy/ as an operator installs them, `gongzhi check-deploy`, and what
`make run` says when a first run goes wrong.

The end-to-end test starts Debian's nginx in front of two gunicorn processes and a task worker,
each started from deploy/ as written (paths and ports substituted for a temporary folder), and
checks what a resident's browser and the operator see. It runs when nginx is installed (.ci/run
installs it) and once per CI run: in the SQLite pass (its processes use a SQLite file of their own).
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
from contextlib import ExitStack, contextmanager, suppress
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import override_settings

from gongzhi.core import components, deploy_checks

ROOT = Path(__file__).resolve().parents[3]
DEPLOY = ROOT / "deploy"
HOST = "gongzhi.example.gov.cn"
RELEASE = Path(sys.prefix)  # the virtual environment stands in for /opt/gongzhi/current
NGINX = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None)
ON_POSTGRES = "postgresql" in settings.DATABASES["default"]["ENGINE"]
once_per_ci = pytest.mark.skipif(
    ON_POSTGRES, reason="starts processes on a SQLite file of its own: runs once, in the SQLite pass"
)


# --- the files in deploy/ -------------------------------------------------------------------------

ENV_READ = re.compile(r"""os\.environ(?:\.get)?\s*[(\[]\s*["']([A-Z][A-Z0-9_]+)["']|env_bool\(\s*["']([A-Z][A-Z0-9_]+)["']""")


def environment_names_read_by_the_code() -> set[str]:
    names: set[str] = set()
    for path in (ROOT / "gongzhi").rglob("*.py"):
        if "tests" in path.parts or "benchdata" in path.parts:
            continue
        text = path.read_text()
        names |= {a or b for a, b in ENV_READ.findall(text)}
        names |= set(re.findall(r'^KEY_ENV = "([A-Z0-9_]+)"', text, re.M))
    return names - {"DJANGO_SETTINGS_MODULE"}


def template_names() -> set[str]:
    return set(re.findall(r"^#?([A-Z][A-Z0-9_]+)=", (DEPLOY / "gongzhi.env.example").read_text(), re.M))


def test_the_environment_template_lists_every_setting_the_code_reads():
    read = environment_names_read_by_the_code()
    assert {"SECRET_KEY", "DATABASE_URL", "FIELD_HASH_KEY", "TASKS_BACKEND", "GONGZHI_BACKUP_KEY"} <= read
    missing = read - template_names()
    assert not missing, f"add these to deploy/gongzhi.env.example with their meaning: {sorted(missing)}"


def test_the_environment_template_names_what_the_units_read():
    units = "".join(p.read_text() for p in (DEPLOY / "systemd").glob("*.service"))
    used = set(re.findall(r"\$\{?([A-Z][A-Z0-9_]+)", units)) - {"MAINPID"}
    assert used == {"WEB_WORKERS", "WEB_TIMEOUT", "WORKER_ARGS"}
    assert used <= template_names()


def largest_request_bytes() -> int:
    """The largest upload the app accepts in one request: the most files of the largest kind, plus
    1 MiB of form fields."""
    from gongzhi.cases import conf as cases_conf

    per_request = [
        cases_conf.get("CASES_ATTACHMENTS_PER_EVENT") * cases_conf.get("CASES_ATTACHMENT_MAX_BYTES"),
        components.setting("MEETINGS_ATTACHMENTS_PER_UPLOAD") * components.setting("MEETINGS_ATTACHMENT_MAX_BYTES"),
        components.setting("MEETINGS_PHOTOS_PER_UPDATE") * components.setting("MEETINGS_PHOTO_MAX_BYTES"),
    ]
    return max(per_request) + 1024 * 1024


def nginx_body_limit() -> int:
    value = re.search(r"client_max_body_size\s+(\d+)m;", (DEPLOY / "nginx" / "gongzhi.conf").read_text())
    return int(value.group(1)) * 1024 * 1024


def test_nginx_accepts_the_largest_upload_the_app_accepts_and_nothing_larger():
    assert nginx_body_limit() == largest_request_bytes() == 91 * 1024 * 1024


def test_nginx_never_serves_the_media_folder():
    site = (DEPLOY / "nginx" / "gongzhi.conf").read_text()
    media_root = "/var/lib/gongzhi/media"
    assert media_root not in site
    assert re.search(r"location \^~ /media/ \{\s*return 404;", site)
    env = (DEPLOY / "gongzhi.env.example").read_text()
    assert f"MEDIA_ROOT={media_root}" in env and "STATIC_ROOT=/var/lib/gongzhi/static" in env


def render_units(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    rendered = []
    for unit in (DEPLOY / "systemd").iterdir():
        target = folder / unit.name
        target.write_text(unit.read_text().replace("/opt/gongzhi/current", str(RELEASE)))
        rendered.append(target)
    return rendered


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze is not installed")
def test_the_systemd_units_pass_systemd_analyze_verify(tmp_path):
    render_units(tmp_path)
    answer = subprocess.run(  # noqa: S603
        [shutil.which("systemd-analyze"), "verify", "--man=no",
         str(tmp_path / "gongzhi-web@8001.service"), str(tmp_path / "gongzhi-worker@1.service"),
         str(tmp_path / "gongzhi.target")],
        capture_output=True, text=True, cwd=tmp_path, timeout=60, check=False,
    )
    assert answer.returncode == 0 and not answer.stderr.strip(), answer.stderr


def test_the_units_restart_on_failure_as_a_dedicated_user_with_hardening():
    for name in ("gongzhi-web@.service", "gongzhi-worker@.service"):
        service = unit_service_section(DEPLOY / "systemd" / name)
        assert service["User"] == ["gongzhi"] and service["Restart"] == ["on-failure"]
        for option in ("NoNewPrivileges", "ProtectSystem", "ProtectHome", "PrivateTmp", "PrivateDevices"):
            assert service[option][0] in {"yes", "strict"}, (name, option)
        assert service["ReadWritePaths"] == ["/var/lib/gongzhi"]
        assert service["CapabilityBoundingSet"] == [""]


# --- check-deploy --------------------------------------------------------------------------------


def production_keys() -> dict:
    from cryptography.fernet import Fernet

    return {
        "DEBUG": False,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "FIELD_ENCRYPTION_KEYS": [Fernet.generate_key().decode()],
        "FIELD_HASH_KEY": secrets.token_urlsafe(32),
    }


@pytest.fixture
def deployed_folders(tmp_path):
    static_root, media_root = tmp_path / "static", tmp_path / "media"
    static_root.mkdir()
    (static_root / "staticfiles.json").write_text("{}")
    (static_root / "staticfiles.json").chmod(0o644)
    media_root.mkdir(mode=0o750)
    media_root.chmod(0o750)
    with override_settings(STATIC_ROOT=static_root, MEDIA_ROOT=media_root):
        yield static_root, media_root


@pytest.mark.django_db
def test_check_deploy_passes_with_real_keys_collected_files_and_a_worker(deployed_folders, capsys):
    with override_settings(**production_keys()):
        call_command("check_deploy", worker_wait=1)
    out = capsys.readouterr().out
    assert "[OK  ] keys: SECRET_KEY 已设置 / SECRET_KEY is set" in out
    assert "[OK  ] database:" in out and "[OK  ] worker:" in out and "[OK  ] files:" in out
    assert "[FAIL]" not in out
    assert " 0 failed" in out.splitlines()[-1]


@pytest.mark.django_db
def test_check_deploy_fails_on_the_development_keys_and_says_which(deployed_folders, capsys):
    with override_settings(DEBUG=False), pytest.raises(CommandError, match="failed"):
        call_command("check_deploy", worker_wait=0)
    out = capsys.readouterr().out
    assert "[FAIL] keys: SECRET_KEY 是开发或基准测试用的公开密钥 / SECRET_KEY is the public development or benchmark key" in out
    assert "[FAIL] keys: FIELD_ENCRYPTION_KEYS" in out and "[FAIL] keys: FIELD_HASH_KEY" in out


@pytest.mark.django_db
def test_check_deploy_fails_before_collectstatic_and_on_a_media_folder_inside_static(tmp_path):
    with override_settings(STATIC_ROOT=tmp_path / "static", MEDIA_ROOT=tmp_path / "static" / "media"):
        findings = list(deploy_checks.check_files())
    assert [f.ok for f in findings] == [False, False]
    assert "collectstatic" in findings[0].en and "would be public" in findings[1].en


@pytest.mark.django_db(transaction=True)
def test_the_worker_check_fails_without_a_worker_and_passes_once_one_ran_the_probe():
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend",
                                              "QUEUES": ["default", "sla", "notifications"]}}):
        probe = deploy_checks.enqueue_probe()
        before = deploy_checks.probe_finding(probe, wait=0.3)
        call_command("worker", batch=True, no_schedule=True, verbosity=0)
        after = deploy_checks.probe_finding(probe, wait=5)
    assert not before.ok and "gongzhi-worker@1" in before.en
    assert after.ok, after.line()


@pytest.mark.django_db
def test_the_clock_check_fails_when_ntp_does_not_keep_the_clock():
    findings = list(deploy_checks.check_clock(synchronised=lambda: False))
    assert not findings[-1].ok and "timedatectl set-ntp true" in findings[-1].en
    assert list(deploy_checks.check_clock(synchronised=lambda: True))[-1].ok


@pytest.mark.django_db
def test_the_gongzhi_console_script_runs_check_deploy_by_its_dashed_name(deployed_folders, monkeypatch, capsys):
    from gongzhi import cli

    monkeypatch.setattr(sys, "argv", ["gongzhi", "check-deploy", "--worker-wait", "1"])
    with override_settings(**production_keys()):
        cli.main()
    assert "[OK  ] worker:" in capsys.readouterr().out


# --- make run: one clear line when a first run goes wrong ------------------------------------------


def clean_env(**extra: str) -> dict[str, str]:
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "SYSTEMROOT", "TMPDIR")
    env = {k: v for k, v in os.environ.items() if k in keep}
    env["PYTHONPATH"] = str(ROOT)
    env.update(extra)
    return env


def preflight(var_dir: Path, port: int, **extra: str) -> subprocess.CompletedProcess:
    env = clean_env(DEBUG="1", GONGZHI_VAR_DIR=str(var_dir), PORT=str(port), **extra)
    return subprocess.run(  # noqa: S603 - our interpreter, our script
        [sys.executable, str(ROOT / "scripts" / "preflight.py")],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
    )


def assert_one_line_refusal(answer: subprocess.CompletedProcess, *words: str) -> str:
    assert answer.returncode == 1, answer.stdout + answer.stderr
    assert "Traceback" not in answer.stderr
    lines = answer.stderr.strip().splitlines()
    assert len(lines) == 1, answer.stderr
    zh, en = lines[0].split(" / ", 1)
    assert zh.startswith("错误：") and en.startswith("Error: ")
    for word in words:
        assert word in lines[0]
    return lines[0]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_make_run_says_so_in_one_line_when_the_port_is_taken(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        answer = preflight(tmp_path / "var", port)
    assert_one_line_refusal(answer, f"端口 {port} 已被占用", f"port {port} is already in use", f"PORT={port + 1} make run")


def test_make_run_says_so_in_one_line_when_var_cannot_be_written(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    answer = preflight(blocker / "var", free_port())
    assert_one_line_refusal(answer, "无法写入", "cannot write to", "GONGZHI_VAR_DIR")
    if os.geteuid() != 0:  # root writes anywhere: a read-only folder only stops other users
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        assert_one_line_refusal(preflight(locked / "var", free_port()), "Permission denied")


def test_make_run_says_so_in_one_line_when_the_database_file_is_not_a_database(tmp_path):
    var = tmp_path / "var"
    var.mkdir()
    (var / "gongzhi.sqlite3").write_text("not a database\n" * 100)
    answer = preflight(var, free_port())
    assert_one_line_refusal(answer, "不是 SQLite 数据库", "is not a SQLite database")


@pytest.fixture(scope="module")
def migrated_database(tmp_path_factory) -> Path:
    """A SQLite file migrated by `make run`'s preflight on a new machine (made once: migrating takes
    a while); tests copy it."""
    var = tmp_path_factory.mktemp("first-run") / "var"
    first = preflight(var, free_port())
    assert first.returncode == 0, first.stderr
    assert "New database: applying" in first.stdout
    return var / "gongzhi.sqlite3"


def copy_database(source: Path, target: Path) -> None:
    import sqlite3

    target.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(source) as db, sqlite3.connect(target) as copy:
        db.backup(copy)


@once_per_ci
def test_make_run_migrates_a_database_from_an_older_version_and_refuses_one_from_a_newer(migrated_database, tmp_path):
    import sqlite3

    # given the database of a version before the last meetings migration
    var = tmp_path / "var"
    copy_database(migrated_database, var / "gongzhi.sqlite3")
    env = clean_env(DEBUG="1", GONGZHI_VAR_DIR=str(var))
    subprocess.run(  # noqa: S603
        [sys.executable, str(ROOT / "manage.py"), "migrate", "meetings", "0001", "-v0"],
        env=env, cwd=ROOT, check=True, capture_output=True, timeout=300,
    )
    # when make run starts, then it copies the old database aside and migrates it
    again = preflight(var, free_port())
    assert again.returncode == 0, again.stderr
    # (rolling meetings back to 0001 also rolls back the apps built on it: several migrations)
    assert re.search(r"The database is from an older version: applying [1-9]\d* migration\(s\)", again.stdout)
    assert len(list((var / "backups").glob("gongzhi-*.sqlite3"))) == 1
    # given a database a newer gongzhi migrated, then it refuses in one line
    with sqlite3.connect(var / "gongzhi.sqlite3") as db:
        db.execute("INSERT INTO django_migrations (app, name, applied) VALUES ('meetings', '0999_future', '2030-01-01')")
    newer = preflight(var, free_port())
    assert_one_line_refusal(newer, "更新版本", "newer gongzhi", "meetings.0999_future")


MAKE = shutil.which("make")


def make(*args: str, path: str) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603
        [MAKE, "--no-print-directory", "-C", str(ROOT), *args],
        env={"PATH": path, "HOME": os.environ.get("HOME", "/tmp")}, capture_output=True, text=True, timeout=60, check=False,  # noqa: S108
    )


@pytest.mark.skipif(not MAKE, reason="make is not installed")
def test_make_explains_a_target_it_does_not_have():
    answer = make("serve", path=os.environ["PATH"])
    assert answer.returncode != 0
    assert "没有 “serve” 这个目标" in answer.stderr and "No target “serve”: use make run or make test" in answer.stderr
    assert "No rule to make target" not in answer.stderr


@pytest.mark.skipif(not MAKE, reason="make is not installed")
def test_make_picks_the_newest_working_python_and_says_what_to_install_when_there_is_none(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    broken = bin_dir / "python3.13"  # e.g. a pyenv shim for a version that is not installed
    broken.write_text("#!/bin/sh\nexit 127\n")
    broken.chmod(0o755)
    (bin_dir / "python3.12").symlink_to(sys.executable)  # any supported interpreter will do
    (bin_dir / "python3").symlink_to(sys.executable)
    chosen = make("-n", "-B", "setup", path=str(bin_dir))
    assert '"python3.12" -m venv' in chosen.stdout, chosen.stdout + chosen.stderr
    overridden = make("-n", "-B", "setup", f"PYTHON={bin_dir / 'python3'}", path=str(bin_dir))
    assert f'"{bin_dir / "python3"}" -m venv' in overridden.stdout
    (bin_dir / "python3.12").unlink()
    (bin_dir / "python3").unlink()
    none = make("-n", "-B", "setup", path=str(bin_dir))
    assert none.returncode != 0
    assert "需要 Python 3.11、3.12 或 3.13" in none.stderr and "Python 3.11, 3.12 or 3.13 is required" in none.stderr


# --- nginx in front of two app servers and a worker, from deploy/ as written -----------------------


def read_env_file(path: Path) -> dict[str, str]:
    """systemd's EnvironmentFile= reading: NAME=value, surrounding double quotes removed."""
    values = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        name, value = line.split("=", 1)
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1]
        values[name.strip()] = value
    return values


def unit_service_section(path: Path) -> dict[str, list[str]]:
    section, keys = "", {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line.startswith("["):
            section = line
        elif section == "[Service]" and "=" in line and not line.startswith("#"):
            name, value = line.split("=", 1)
            keys.setdefault(name, []).append(value)
    return keys


def unit_command(path: Path, *, instance: str, env_file: dict[str, str]) -> tuple[list[str], dict]:
    """The unit's ExecStart as systemd runs it: %i, then ${NAME} (one word) and $NAME (split into
    words) from Environment= overridden by the environment file; /opt/gongzhi/current → RELEASE."""
    service = unit_service_section(path)
    env = {}
    for assignment in service.get("Environment", []):
        for word in shlex.split(assignment):
            name, value = word.split("=", 1)
            env[name] = value
    env.update(env_file)
    line = service["ExecStart"][0].replace("%i", instance).replace("/opt/gongzhi/current", str(RELEASE))
    line = re.sub(r"\$\{([A-Z0-9_]+)\}", lambda m: env.get(m.group(1), ""), line)
    argv = []
    for word in shlex.split(line):
        if re.fullmatch(r"\$[A-Z0-9_]+", word):
            argv.extend(env.get(word[1:], "").split())
        else:
            argv.append(word)
    assert service["WorkingDirectory"] == ["/var/lib/gongzhi"]
    return argv, env


def self_signed_certificate(folder: Path) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, HOST)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(HOST)]), critical=False)
        .sign(key, hashes.SHA256())
    )
    folder.mkdir(parents=True)
    (folder / "fullchain.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "privkey.pem").write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )


def ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


def render_site(target: Path, *, tmp: Path, http_port: int, https_port: int, app_ports: list[int]) -> None:
    site = (DEPLOY / "nginx" / "gongzhi.conf").read_text()
    site = site.replace("/var/lib/gongzhi/", f"{tmp}/var/").replace("/etc/ssl/gongzhi/", f"{tmp}/ssl/")
    site = site.replace("127.0.0.1:8001", f"127.0.0.1:{app_ports[0]}").replace("127.0.0.1:8002", f"127.0.0.1:{app_ports[1]}")
    site = re.sub(r"listen 80;", f"listen 127.0.0.1:{http_port};", site)
    site = re.sub(r"listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;", site)
    if ipv6_loopback():
        site = site.replace("listen [::]:80;", f"listen [::1]:{http_port};")
        site = site.replace("listen [::]:443 ssl http2;", f"listen [::1]:{https_port} ssl http2;")
    else:
        site = re.sub(r"\n\s*listen \[::\]:[^\n]*", "", site)
    assert "8001" not in site and "/var/lib/gongzhi" not in site
    target.write_text(site)


def nginx_main_config(tmp: Path, site: Path) -> Path:
    """What Debian's /etc/nginx/nginx.conf provides around a site, in a folder of the test's own."""
    for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp / "nginx-temp" / name).mkdir(parents=True, exist_ok=True)
    user = "user root;" if os.geteuid() == 0 else ""  # the test's folders are private to this user
    conf = tmp / "nginx.conf"
    conf.write_text(f"""
{user}
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 128; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    access_log {tmp}/nginx-access.log;
    client_body_temp_path {tmp}/nginx-temp/client_body;
    proxy_temp_path {tmp}/nginx-temp/proxy;
    fastcgi_temp_path {tmp}/nginx-temp/fastcgi;
    uwsgi_temp_path {tmp}/nginx-temp/uwsgi;
    scgi_temp_path {tmp}/nginx-temp/scgi;
    include {site};
}}
""")
    return conf


def gongzhi_manage(*args: str, env_file: Path, timeout: float = 300) -> subprocess.CompletedProcess:
    import getpass

    env = clean_env(GONGZHI_ENV_FILE=str(env_file), GONGZHI_RELEASE=str(RELEASE), GONGZHI_USER=getpass.getuser())
    return subprocess.run(  # noqa: S603
        [str(DEPLOY / "gongzhi-manage"), *args], env=env, capture_output=True, text=True, timeout=timeout, check=False,
    )


def write_env_file(tmp: Path) -> Path:
    from cryptography.fernet import Fernet

    values = {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": f"sqlite:///{tmp}/var/gongzhi.sqlite3",
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "FIELD_HASH_KEY": secrets.token_urlsafe(32),
        "WEB_WORKERS": "1",
    }
    lines = []
    for line in (DEPLOY / "gongzhi.env.example").read_text().splitlines():
        name = line.split("=", 1)[0]
        lines.append(f"{name}={values.pop(name)}" if name in values else line.replace("/var/lib/gongzhi", f"{tmp}/var"))
    assert not values, f"the template lost these settings: {values}"
    env_file = tmp / "gongzhi.env"
    env_file.write_text("\n".join(lines) + "\n")
    assert "CHANGE-ME" not in "".join(read_env_file(env_file).values())
    return env_file


@contextmanager
def process(argv: list[str], *, env: dict, cwd: Path, log: Path):
    with log.open("wb") as out:
        proc = subprocess.Popen(argv, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)  # noqa: S603
    try:
        yield proc
    finally:
        if proc.poll() is None:
            with suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def wait_for_port(port: int, proc: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"exited early: {log.read_text()[-3000:]}"
        with suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return
        time.sleep(0.1)
    raise AssertionError(f"nothing listens on {port}: {log.read_text()[-3000:]}")


class Site:
    def __init__(self, https_port: int, http_port: int):
        self.https_port, self.http_port = https_port, http_port
        self.tls = ssl.create_default_context()
        self.tls.check_hostname = False
        self.tls.verify_mode = ssl.CERT_NONE

    def request(self, method: str, path: str, *, headers: dict | None = None, https: bool = True) -> tuple:
        conn = (http.client.HTTPSConnection("127.0.0.1", self.https_port, context=self.tls, timeout=30) if https
                else http.client.HTTPConnection("127.0.0.1", self.http_port, timeout=30))
        try:
            conn.request(method, path, headers={"Host": HOST, **(headers or {})})
            response = conn.getresponse()
            return response.status, response.headers, response.read()
        finally:
            conn.close()

    def oversized_post(self, path: str, length: int) -> int:
        """Headers announcing `length` bytes, then nothing: nginx answers from the length alone."""
        conn = http.client.HTTPSConnection("127.0.0.1", self.https_port, context=self.tls, timeout=30)
        try:
            conn.putrequest("POST", path, skip_host=True)
            conn.putheader("Host", HOST)
            conn.putheader("Content-Type", "multipart/form-data; boundary=x")
            conn.putheader("Content-Length", str(length))
            conn.endheaders()
            return conn.getresponse().status
        finally:
            conn.close()


@once_per_ci
@pytest.mark.skipif(NGINX is None, reason="nginx is not installed (Debian: apt-get install nginx; .ci/run installs it)")
def test_nginx_in_front_of_two_app_servers_serves_the_site_as_deployed(migrated_database, tmp_path):
    # given a machine set up as docs/DEPLOY.md says: settings from the template, migrated, static collected
    var = tmp_path / "var"
    var.mkdir(mode=0o750)
    (var / "media").mkdir(mode=0o750)
    copy_database(migrated_database, var / "gongzhi.sqlite3")  # (migrating from scratch takes a while)
    env_file = write_env_file(tmp_path)
    for command in (("migrate", "--noinput", "-v0"), ("collectstatic", "--noinput", "-v0")):
        done = gongzhi_manage(*command, env_file=env_file)
        assert done.returncode == 0, done.stdout + done.stderr
    manifest = json.loads((var / "static" / "staticfiles.json").read_text())["paths"]
    hashed_css = manifest["gongzhi/app.css"]
    self_signed_certificate(tmp_path / "ssl")
    app_ports = [free_port(), free_port()]
    http_port, https_port = free_port(), free_port()
    site_file = tmp_path / "site.conf"
    render_site(site_file, tmp=tmp_path, http_port=http_port, https_port=https_port, app_ports=app_ports)
    main_conf = nginx_main_config(tmp_path, site_file)
    tested = subprocess.run([NGINX, "-t", "-c", str(main_conf), "-p", str(tmp_path)],  # noqa: S603
                            capture_output=True, text=True, timeout=30, check=False)
    assert tested.returncode == 0, tested.stderr

    settings_env = read_env_file(env_file)
    web_unit = DEPLOY / "systemd" / "gongzhi-web@.service"
    worker_unit = DEPLOY / "systemd" / "gongzhi-worker@.service"
    with ExitStack() as stack:
        # when the two app servers, a worker and nginx start from the units and the site as written
        apps = []
        for port in app_ports:
            argv, unit_env = unit_command(web_unit, instance=str(port), env_file=settings_env)
            log = tmp_path / f"gunicorn-{port}.log"
            apps.append((stack.enter_context(process(argv, env=clean_env(**unit_env), cwd=var, log=log)), log))
        argv, unit_env = unit_command(worker_unit, instance="1", env_file=settings_env)
        stack.enter_context(process(argv, env=clean_env(**unit_env), cwd=var, log=tmp_path / "worker.log"))
        nginx = stack.enter_context(process([NGINX, "-c", str(main_conf), "-p", str(tmp_path), "-g", "daemon off;"],
                                            env=clean_env(), cwd=tmp_path, log=tmp_path / "nginx.log"))
        for (proc, log), port in zip(apps, app_ports, strict=True):
            wait_for_port(port, proc, log)
        wait_for_port(https_port, nginx, tmp_path / "nginx-error.log")
        # a file only nginx can know of: added after the app servers looked at STATIC_ROOT
        (var / "static" / "served-by-nginx.txt").write_text("nginx")
        (var / "media" / "cases").mkdir(parents=True)
        (var / "media" / "cases" / "attachment.txt").write_text("a resident's ID card")
        site = Site(https_port, http_port)

        # then pages answer over https with the security headers, the app sees https and the host
        for _ in range(4):
            status, headers, body = site.request("GET", "/accounts/login/")
            assert status == 200, body[:500]
        assert b'name="csrfmiddlewaretoken"' in body
        assert headers["Strict-Transport-Security"].startswith("max-age=31536000")  # Django saw https
        assert "default-src 'self'" in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff" and headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "same-origin" and headers["Cross-Origin-Opener-Policy"] == "same-origin"
        assert headers["Server"] == "nginx" and headers["X-Request-ID"]
        assert "Secure" in headers["Set-Cookie"]
        # and a client cannot claim plain http or another address
        status, headers, _ = site.request("GET", "/accounts/login/", headers={"X-Forwarded-Proto": "http"})
        assert status == 200 and "Strict-Transport-Security" in headers
        # the API answers through it, in its own error shape
        status, headers, body = site.request("GET", "/api/core/notifications")
        assert status == 401 and headers["Content-Type"].startswith("application/json"), body[:300]
        # plain http is sent to https
        status, headers, _ = site.request("GET", "/accounts/login/?next=/", https=False)
        assert status == 301 and headers["Location"] == f"https://{HOST}/accounts/login/?next=/"
        # static files come from nginx, hashed ones cached for good; the app servers never see them
        status, headers, body = site.request("GET", "/static/served-by-nginx.txt")
        assert (status, body) == (200, b"nginx")
        status, headers, body = site.request("GET", f"/static/{hashed_css}")
        assert status == 200 and headers["Content-Type"].startswith("text/css")
        assert "immutable" in headers["Cache-Control"] and headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
        # the media folder is never served
        status, _, body = site.request("GET", "/media/cases/attachment.txt")
        assert status == 404 and b"ID card" not in body
        # an upload larger than the largest the app accepts stops at nginx
        assert site.oversized_post("/api/cases/", nginx_body_limit() + 1) == 413
        # both app servers took requests, and neither was asked for a static file
        time.sleep(0.5)
        logs = [log.read_text() for _, log in apps]
        assert all("GET /accounts/login/" in text for text in logs), logs
        assert not any("/static/" in text or "/media/" in text for text in logs)
        # one app server down (a rolling restart): the other answers every request
        os.killpg(apps[0][0].pid, signal.SIGTERM)
        apps[0][0].wait(timeout=30)
        assert all(site.request("GET", "/accounts/login/")[0] == 200 for _ in range(4))

        # and the operator's check passes against the running worker
        checked = gongzhi_manage("check-deploy", "--worker-wait", "30", env_file=env_file)
        assert checked.returncode == 0, checked.stdout + checked.stderr
        assert "[OK  ] worker:" in checked.stdout and "[OK  ] keys: SECRET_KEY" in checked.stdout
        assert "[OK  ] django: Django 的部署检查" in checked.stdout
