"""The site as docs/deploy.md deploys it, for tests that break its parts under the running app.

One stack per test module (the `stack` fixture):

- a Redis and a PostgreSQL of its own, on free ports (never the machine's 6379 and 5432), which
  tests can stop, start, hang (SIGSTOP) and resume (SIGCONT);
- the app migrated, its static files collected and the demo content loaded, served by gunicorn
  with the command of the Makefile's `serve` target, in the production environment of
  docs/deploy.md (DEBUG off), its output in a server log the tests read;
- nginx with the configuration of docs/deploy.md's "Serving" section, changed only where this
  machine must differ (ports, a self-signed certificate, the media folder, the log file);
- a small SMTP server in the test process that keeps the mail the site sends;
- `Person`: a reader with their own cookies and their own source address on the loopback network
  (127.0.0.2, 127.0.0.3, ...), so that nginx sees different clients.

Everything is stopped on teardown, whatever failed. Without nginx, redis-server or PostgreSQL's
initdb the fixture skips, except under CI (the CI environment variable), where it fails.
"""

import contextlib
import datetime
import email
import email.policy
import glob
import ipaddress
import json
import os
import re
import secrets
import shutil
import signal
import socket
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest
import requests
from bs4 import BeautifulSoup
from cryptography import x509
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from requests.adapters import HTTPAdapter

BASE_DIR = Path(__file__).resolve().parent.parent
DEPLOY_MD = BASE_DIR / "docs" / "deploy.md"
MAKEFILE = BASE_DIR / "Makefile"
HOST = "advocacy.example"
ORIGIN = f"https://{HOST}"
WORKERS = 2
# The address docs/deploy.md's nginx block passes requests to, and gunicorn's port there.
DOC_UPSTREAM = "127.0.0.1:8000"
DATABASE_NAME = "advocacy"


# Small helpers


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def poll(check, timeout, what, interval=0.1):
    """check() until it returns something true, or fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        try:
            result = check()
        except Exception as error:  # noqa: BLE001 - reported if the deadline passes
            result, last = None, error
        else:
            last = result
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout} s (last: {last!r})")
        time.sleep(interval)


def port_answers(port, host="127.0.0.1"):
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def children_of(pid):
    """The process ids whose parent is `pid` (from /proc)."""
    found = []
    for stat in glob.glob("/proc/[0-9]*/stat"):
        try:
            text = Path(stat).read_text()
        except OSError:
            continue
        # The command name is in parentheses and may hold spaces: the parent follows the last ")".
        fields = text[text.rindex(")") + 2 :].split()
        if int(fields[1]) == pid:
            found.append(int(stat.split("/")[2]))
    return found


def signal_all(pids, signum):
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signum)


def end_process(process, timeout=10, group=False):
    """Stops a Popen (and its process group) politely, then for good."""
    if process is None or process.poll() is not None:
        return
    send = (lambda signum: os.killpg(process.pid, signum)) if group else process.send_signal
    with contextlib.suppress(ProcessLookupError):
        send(signal.SIGCONT)
        send(signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            send(signal.SIGKILL)
        process.wait(timeout=timeout)


# What the machine must have


def find_tools():
    """{name: path or None} for the programs the stack runs."""
    initdbs = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda path: int(re.search(r"/(\d+)/bin/", path).group(1)),
    )
    nginx = shutil.which("nginx") or next(
        (path for path in ("/usr/sbin/nginx",) if os.access(path, os.X_OK)), None
    )
    return {
        "nginx": nginx,
        "redis-server": shutil.which("redis-server"),
        "initdb": initdbs[-1] if initdbs else shutil.which("initdb"),
    }


def require_tools():
    """The tools' paths; skips without them, or fails under CI, which must run these tests."""
    tools = find_tools()
    missing = sorted(name for name, path in tools.items() if not path)
    if missing:
        message = (
            f"the deployment tests need {', '.join(missing)} "
            "(Debian: apt-get install nginx-light redis-server postgresql)"
        )
        if os.environ.get("CI"):
            pytest.fail(f"{message}; CI must run them", pytrace=False)
        pytest.skip(message)
    return tools


# Mail


class SMTPSink:
    """An SMTP server in a thread of the test process that keeps every message it is given."""

    def __init__(self):
        self.messages = []
        self._lock = threading.Lock()
        sink = self

        class Handler(socketserver.StreamRequestHandler):
            timeout = 30

            def send(self, line):
                self.wfile.write(line.encode() + b"\r\n")

            def handle(self):
                self.send("220 sink.test ESMTP")
                sender, recipients = None, []
                while line := self.rfile.readline():
                    command = line.decode("utf-8", "replace").strip()
                    verb = command[:4].upper()
                    if verb == "EHLO":
                        self.wfile.write(b"250-sink.test\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n")
                    elif verb == "HELO":
                        self.send("250 sink.test")
                    elif verb == "MAIL":
                        sender, recipients = command.partition(":")[2].strip(), []
                        self.send("250 OK")
                    elif verb == "RCPT":
                        recipients.append(command.partition(":")[2].strip().strip("<>"))
                        self.send("250 OK")
                    elif verb == "DATA":
                        self.send("354 End data with <CR><LF>.<CR><LF>")
                        data = []
                        while (part := self.rfile.readline()) not in (b".\r\n", b".\n", b""):
                            data.append(part[1:] if part.startswith(b"..") else part)
                        sink._keep(sender, recipients, b"".join(data))
                        self.send("250 OK: kept")
                    elif verb in ("RSET", "NOOP"):
                        self.send("250 OK")
                    elif verb == "QUIT":
                        self.send("221 Bye")
                        return
                    else:
                        self.send("502 Command not implemented")

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

        self.server = Server(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def _keep(self, sender, recipients, data):
        message = email.message_from_bytes(data, policy=email.policy.default)
        body = message.get_body(preferencelist=("plain", "html"))
        with self._lock:
            self.messages.append(
                {
                    "from": sender,
                    "to": recipients,
                    "subject": str(message["Subject"]),
                    "body": body.get_content() if body else "",
                }
            )

    def to(self, address):
        with self._lock:
            return [message for message in self.messages if address in message["to"]]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


# Redis


class Redis:
    """A redis-server of the stack's own, without persistence."""

    def __init__(self, binary, directory):
        self.binary = binary
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.process = None
        self.hung = False

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/1"

    def answers(self):
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as connection:
                connection.sendall(b"PING\r\n")
                return connection.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def start(self):
        arguments = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
        arguments += ["--appendonly", "no", "--dir", str(self.directory)]
        with open(self.directory / "redis.log", "ab") as log:
            self.process = subprocess.Popen(
                arguments,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        poll(self.answers, 15, f"redis-server answering on port {self.port}")

    def stop(self):
        """Kills it: the port then refuses connections."""
        self.resume()
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        poll(lambda: not port_answers(self.port), 10, "Redis's port refusing connections")

    def hang(self):
        os.kill(self.process.pid, signal.SIGSTOP)
        self.hung = True

    def resume(self):
        if self.hung and self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGCONT)
        self.hung = False

    @property
    def running(self):
        return self.process is not None and self.process.poll() is None

    def restore(self):
        self.resume()
        if not self.running:
            self.start()

    def close(self):
        self.resume()
        end_process(self.process)


# PostgreSQL


class PostgreSQL:
    """A throwaway cluster of the stack's own (initdb, trust authentication, fsync off)."""

    def __init__(self, initdb):
        self.bin = Path(initdb).parent
        # initdb refuses root: the cluster belongs to postgres, in a folder postgres can reach
        # (pytest's temporary folders are root's alone).
        self.directory = Path(tempfile.mkdtemp(prefix="advocacy-deployment-pg-"))
        self.data = self.directory / "data"
        self.log = self.directory / "postgresql.log"
        self.port = free_port()
        self.as_owner = []
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres", "postgres")
            self.as_owner = ["runuser", "-u", "postgres", "--"]
        self.hung_pids = []
        # Where the cluster's log is copied when it is deleted, if anywhere.
        self.keep_log_at = None

    @property
    def url(self):
        return f"postgres://postgres@127.0.0.1:{self.port}/{DATABASE_NAME}"

    def _run(self, *arguments, timeout=60, check=True):
        result = subprocess.run(
            [*self.as_owner, *arguments],
            cwd=self.directory,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if check and result.returncode:
            raise AssertionError(
                f"{' '.join(arguments[:2])} failed ({result.returncode}):\n"
                f"{result.stdout}\n{result.stderr}\n{self._log_tail()}"
            )
        return result

    def _log_tail(self):
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-20:])
        except OSError:
            return ""

    def init(self):
        self._run(
            str(self.bin / "initdb"),
            *("-D", str(self.data), "-A", "trust", "-U", "postgres"),
            *("-E", "UTF8", "--locale=C", "--no-sync"),
            timeout=120,
        )

    def start(self):
        options = (
            f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 "
            # A throwaway cluster: nothing to keep if the machine fails.
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._run(
            str(self.bin / "pg_ctl"),
            *("-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "-t", "60"),
            "start",
            timeout=90,
        )

    def stop(self, mode="fast"):
        self.resume()
        self._run(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "-t", "30", "stop"
        )
        poll(lambda: not port_answers(self.port), 10, "PostgreSQL's port refusing connections")

    def postmaster_pid(self):
        try:
            return int((self.data / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    @property
    def running(self):
        pid = self.postmaster_pid()
        return pid is not None and Path(f"/proc/{pid}").exists()

    def pids(self):
        pid = self.postmaster_pid()
        return [pid, *children_of(pid)] if pid else []

    def hang(self):
        """SIGSTOP the postmaster and every backend and helper process of the cluster."""
        self.hung_pids = self.pids()
        signal_all(self.hung_pids, signal.SIGSTOP)

    def resume(self):
        signal_all(set(self.hung_pids) | set(self.pids()), signal.SIGCONT)
        self.hung_pids = []

    def restore(self):
        self.resume()
        if not self.running:
            self.start()

    def load(self, dump):
        """A pg_dump archive (MigratedCopy.dump) into the stack's database."""
        readable = self.directory / "migrated.dump"
        shutil.copyfile(dump, readable)
        if self.as_owner:
            shutil.chown(readable, "postgres")
        self._run(
            str(self.bin / "pg_restore"),
            *("--host", "127.0.0.1", "--port", str(self.port), "--username", "postgres"),
            *("--dbname", DATABASE_NAME, "--no-owner", "--exit-on-error", str(readable)),
            timeout=120,
        )

    def create_database(self):
        import psycopg

        with psycopg.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname="postgres",
            autocommit=True, connect_timeout=10,
        ) as connection:  # fmt: skip
            connection.execute(f'CREATE DATABASE "{DATABASE_NAME}"')

    def close(self):
        try:
            if self.running:
                self.stop(mode="immediate")
        finally:
            signal_all(self.pids(), signal.SIGKILL)
            if self.keep_log_at and self.log.exists():
                shutil.copyfile(self.log, self.keep_log_at)
            shutil.rmtree(self.directory, ignore_errors=True)


# nginx, configured from docs/deploy.md


class DeployDocError(AssertionError):
    """docs/deploy.md's nginx block cannot be used as written (apart from the local changes)."""


def nginx_block_from_docs(markdown):
    """The ```nginx block of docs/deploy.md that proxies to the app (its "Serving" section)."""
    blocks = re.findall(r"^```nginx\n(.*?)^```", markdown, re.M | re.S)
    proxying = [block for block in blocks if f"proxy_pass http://{DOC_UPSTREAM}" in block]
    if not proxying:
        raise DeployDocError(
            f"docs/deploy.md has no ```nginx block with proxy_pass http://{DOC_UPSTREAM}"
        )
    serving = markdown.split("\n## Serving", 1)[-1].split("\n## ", 1)[0]
    in_serving = [block for block in proxying if block in serving]
    return (in_serving or proxying)[0]


def localise_nginx_block(block, *, https_port, http_port, certificate, key, media_root,
                         app_port, access_log):  # fmt: skip
    """The doc's block with only what must differ on this machine changed; each change must
    find what it replaces, or the doc has changed and the harness says so."""
    changes = [
        (r"\blisten\s+443\b", f"listen 127.0.0.1:{https_port}", "listen 443"),
        (r"\blisten\s+80\b", f"listen 127.0.0.1:{http_port}", "listen 80"),
        (r"\bssl_certificate\s+\S+;", f"ssl_certificate {certificate};", "ssl_certificate"),
        (r"\bssl_certificate_key\s+\S+;", f"ssl_certificate_key {key};", "ssl_certificate_key"),
        (r"/srv/advocacy/media/", f"{str(media_root).rstrip('/')}/", "/srv/advocacy/media/"),
        (re.escape(DOC_UPSTREAM), f"127.0.0.1:{app_port}", DOC_UPSTREAM),
        (r"/var/log/nginx/advocacy\.log", str(access_log), "/var/log/nginx/advocacy.log"),
    ]
    for pattern, replacement, name in changes:
        # A function, so that nothing in the replacement is read as a group reference.
        block, count = re.subn(pattern, lambda _match, r=replacement: r, block)
        if not count:
            raise DeployDocError(f"docs/deploy.md's nginx block no longer has {name}")
    return block


def nginx_conf(site_block, directory):
    """A minimal nginx.conf of the harness's own around the doc's block."""
    directory = Path(directory)
    temp = {name: directory / name for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")}
    for path in temp.values():
        path.mkdir(exist_ok=True)
    user = "user root;\n" if os.geteuid() == 0 else ""
    lines = site_block.splitlines()
    indented = "".join(f"    {line}\n" if line.strip() else "\n" for line in lines)
    return (
        f"{user}daemon off;\n"
        "worker_processes 1;\n"
        f"pid {directory / 'nginx.pid'};\n"
        f"error_log {directory / 'error.log'} info;\n"
        "events { worker_connections 512; }\n"
        "http {\n"
        "    include /etc/nginx/mime.types;\n"
        "    default_type application/octet-stream;\n"
        # Requests to a server without an access_log of its own (the doc's port-80 server) go
        # where Debian's own nginx.conf sends them, in its default (combined) format.
        f"    access_log {directory / 'default-access.log'};\n"
        f"    client_body_temp_path {temp['client_body']};\n"
        f"    proxy_temp_path {temp['proxy']};\n"
        f"    fastcgi_temp_path {temp['fastcgi']};\n"
        f"    uwsgi_temp_path {temp['uwsgi']};\n"
        f"    scgi_temp_path {temp['scgi']};\n"
        f"{indented}"
        "}\n"
    )


def self_signed_certificate(directory, host=HOST):
    """(certificate path, key path) for `host`, valid for a day."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(key.public_key()), critical=False
        )
        .sign(key, hashes.SHA256())
    )
    certificate_path, key_path = Path(directory) / "cert.pem", Path(directory) / "key.pem"
    certificate_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_path.chmod(0o600)
    return certificate_path, key_path


class Nginx:
    def __init__(self, binary, directory, *, app_port, media_root):
        self.binary = binary
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.https_port, self.http_port = free_port(), free_port()
        self.certificate, self.key = self_signed_certificate(self.directory)
        self.access_log = self.directory / "advocacy.log"
        self.error_log = self.directory / "error.log"
        self.doc_block = nginx_block_from_docs(DEPLOY_MD.read_text())
        self.site_block = localise_nginx_block(
            self.doc_block,
            https_port=self.https_port,
            http_port=self.http_port,
            certificate=self.certificate,
            key=self.key,
            media_root=media_root,
            app_port=app_port,
            access_log=self.access_log,
        )
        self.conf = self.directory / "nginx.conf"
        self.conf.write_text(nginx_conf(self.site_block, self.directory))
        self.process = None

    def start(self):
        command = [self.binary, "-p", str(self.directory), "-c", str(self.conf)]
        checked = subprocess.run(
            [*command, "-t", "-e", str(self.error_log)], capture_output=True, text=True, timeout=30
        )
        if checked.returncode:
            raise DeployDocError(
                f"nginx refuses the configuration made from docs/deploy.md:\n{checked.stderr}"
            )
        with open(self.directory / "nginx.out", "ab") as out:
            self.process = subprocess.Popen(
                [*command, "-e", str(self.error_log)],
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        poll(
            lambda: (
                self.process.poll() is None
                and port_answers(self.https_port)
                and port_answers(self.http_port)
            ),
            15,
            "nginx listening",
        )

    def close(self):
        end_process(self.process)


# The app


def gunicorn_command_from_makefile(makefile_text, *, bin_dir, port, workers):
    """The Makefile's `serve` recipe's gunicorn line, for `bash -c`, with its make variables
    filled in as `make serve HOST=127.0.0.1 PORT=<port> WEB_CONCURRENCY=<workers>` would."""
    recipe = re.search(r"^serve:.*\n((?:\t.*\n?)+)", makefile_text, re.M)
    if not recipe:
        raise AssertionError("the Makefile has no serve target")
    lines = re.sub(r"\\\n\s*", " ", recipe.group(1)).splitlines()
    command = next((line.strip() for line in lines if "/gunicorn " in line), None)
    if command is None:
        raise AssertionError("the Makefile's serve target does not run gunicorn")
    values = {"BIN": str(bin_dir), "HOST": "127.0.0.1", "PORT": str(port)}
    values["WEB_CONCURRENCY"] = str(workers)

    def variable(match):
        if match.group(1) not in values:
            raise AssertionError(f"unknown make variable in the serve recipe: {match.group(0)}")
        return values[match.group(1)]

    command = re.sub(r"(?<!\$)\$\((\w+)\)", variable, command)
    return command.replace("$$", "$")


class App:
    """The app in the production environment of docs/deploy.md, served by gunicorn."""

    def __init__(self, directory, *, database_url, cache_url, smtp_port):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.secret_key = secrets.token_urlsafe(50)
        self.media_root = self.directory / "media"
        self.static_root = self.directory / "static"
        self.media_root.mkdir(exist_ok=True)
        self.log_path = self.directory / "server.log"
        self.env = {
            "PATH": os.environ["PATH"],
            "DJANGO_ENV_FILE": os.devnull,
            "SECRET_KEY": self.secret_key,
            "ALLOWED_HOSTS": HOST,
            "CSRF_TRUSTED_ORIGINS": ORIGIN,
            "WAGTAILADMIN_BASE_URL": ORIGIN,
            "SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO,https",
            "CLIENT_IP_HEADER": "HTTP_X_FORWARDED_FOR",
            "FAMILY_CONTACT_KEYS": Fernet.generate_key().decode(),
            "DATABASE_URL": database_url,
            "CACHE_URL": cache_url,
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
            "MEDIA_ROOT": str(self.media_root),
            "STATIC_ROOT": str(self.static_root),
            "LOG_LEVEL": "INFO",
        }
        bin_dir = Path(sys.executable).parent
        self.command = gunicorn_command_from_makefile(
            MAKEFILE.read_text(), bin_dir=bin_dir, port=self.port, workers=WORKERS
        )
        self.process = None
        self.timings = {}

    # Management commands, in the app's environment

    def _manage_command(self, *arguments):
        return [sys.executable, "manage.py", *arguments]

    def manage(self, *arguments, timeout=180):
        result = subprocess.run(
            self._manage_command(*arguments),
            cwd=BASE_DIR,
            env=self.env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if result.returncode:
            raise AssertionError(
                f"manage.py {arguments[0]} failed ({result.returncode}):\n"
                f"{result.stdout[-3000:]}\n{result.stderr[-6000:]}"
            )
        return result.stdout

    def shell(self, code, timeout=120):
        """Runs Python in `manage.py shell`; the code prints what the test needs as JSON on
        its last line, which is returned decoded (or None)."""
        output = self.manage("shell", "--no-imports", "-c", code, timeout=timeout).strip()
        return json.loads(output.splitlines()[-1]) if output else None

    def prepare(self, restore=None):
        """migrate and collectstatic (at once: they need nothing of each other), then the demo.
        restore(), if given, first puts a migrated database in place, so that migrate runs as
        on a site being upgraded, with nothing (or only this change's migrations) to apply."""
        collect = subprocess.Popen(
            self._manage_command("collectstatic", "--no-input", "-v0"),
            cwd=BASE_DIR,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        started = time.monotonic()
        try:
            if restore:
                restore()
                self.timings["restore"] = round(time.monotonic() - started, 1)
            self.manage("migrate", "--no-input")
            self.timings["migrate"] = round(time.monotonic() - started, 1)
            output, _ = collect.communicate(timeout=180)
            self.timings["collectstatic"] = round(time.monotonic() - started, 1)
        finally:
            end_process(collect)
        if collect.returncode:
            raise AssertionError(f"collectstatic failed:\n{output.decode(errors='replace')}")
        started = time.monotonic()
        self.manage("load_demo_content")
        self.timings["load_demo_content"] = round(time.monotonic() - started, 1)

    # The server

    def start(self):
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [shutil.which("bash") or "/bin/bash", "-c", f"exec {self.command}"],
                cwd=BASE_DIR,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        poll(self.serves, 90, "gunicorn serving the home page")
        # Both workers have booted: each answers on its own connection.
        poll(lambda: len(self.worker_pids()) == WORKERS, 30, "gunicorn's workers")

    def serves(self):
        if self.process.poll() is not None:
            raise AssertionError(f"gunicorn exited ({self.process.returncode}):\n{self.log()}")
        try:
            response = requests.get(
                f"http://127.0.0.1:{self.port}/",
                headers={"Host": HOST, "X-Forwarded-Proto": "https"},
                timeout=(2, 30),
                allow_redirects=False,
            )
        except requests.RequestException:
            return False
        return response.status_code == 200

    def worker_pids(self):
        return children_of(self.process.pid) if self.process else []

    def log(self, since=0):
        with open(self.log_path, "rb") as log:
            log.seek(since)
            return log.read().decode("utf-8", "replace")

    def log_size(self):
        return self.log_path.stat().st_size

    def aged_token(self, token, seconds=600):
        """The family contact form's fill-time token `token` (from the form's hidden `started`
        field), signed again with the app's key as if the form had been shown `seconds` earlier,
        so that no test waits for the minimum fill time. Whatever follows the start time in the
        token (a part that makes it unique) is kept."""
        from django.core import signing

        from campaigns.family_contact.form import SIGNER_SALT

        signer = signing.TimestampSigner(key=self.secret_key, salt=SIGNER_SALT)
        started, separator, rest = signer.unsign(token).partition(":")
        return signer.sign(f"{int(started) - seconds}{separator}{rest}")

    def start_worker(self, queue):
        """docs/deploy.md's background worker for a queue, as its systemd unit starts it; its
        output goes to worker-<queue>.log."""
        log_path = self.directory / f"worker-{queue}.log"
        with open(log_path, "ab") as log:
            worker = subprocess.Popen(
                worker_command_from_docs(DEPLOY_MD.read_text(), queue),
                cwd=BASE_DIR,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        return worker, log_path

    def close(self):
        end_process(self.process, timeout=15, group=True)


def worker_command_from_docs(markdown, queue):
    """The ExecStart of docs/deploy.md's worker unit (advocacy-worker@.service) for a queue,
    with this checkout's Python in place of /srv/advocacy's."""
    found = re.search(r"^ExecStart=/srv/advocacy/\.venv/bin/python (manage\.py db_worker .*)$",
                      markdown, re.M)  # fmt: skip
    if not found:
        raise DeployDocError("docs/deploy.md has no worker unit running manage.py db_worker")
    return [sys.executable, *found.group(1).replace("%i", queue).split()]


# Readers


class SourceAddressAdapter(HTTPAdapter):
    """Connections from a chosen local address, with a chosen TLS server name (SNI)."""

    def __init__(self, source, server_hostname=None, **kwargs):
        self.source = source
        self.server_hostname = server_hostname
        super().__init__(**kwargs)

    def init_poolmanager(self, connections, maxsize, block=False, **pool_kwargs):
        pool_kwargs["source_address"] = (self.source, 0)
        if self.server_hostname:
            pool_kwargs["server_hostname"] = self.server_hostname
        super().init_poolmanager(connections, maxsize, block, **pool_kwargs)


class Person:
    """One reader: their own source address and cookies. Through nginx over HTTPS (SNI and
    Host advocacy.example, the self-signed certificate verified), or `direct` to gunicorn over
    plain HTTP, as a process on the machine could. Redirects are never followed."""

    def __init__(self, stack, source, *, direct=False, timeout=10):
        ipaddress.IPv4Address(source)
        self.source = source
        self.direct = direct
        self.timeout = timeout
        self.session = requests.Session()
        self.session.trust_env = False  # no proxy from the environment
        if direct:
            self.base = f"http://127.0.0.1:{stack.app.port}"
            adapter = SourceAddressAdapter(source)
        else:
            self.base = f"https://127.0.0.1:{stack.nginx.https_port}"
            self.session.verify = str(stack.nginx.certificate)
            adapter = SourceAddressAdapter(source, server_hostname=HOST)
        self.session.mount(self.base, adapter)
        # Kept by hand: the site's cookies are Secure, which requests would not send to the
        # direct (plain HTTP) address.
        self.cookies = {}

    def request(self, method, path, *, headers=None, data=None, timeout=None):
        sent = {"Host": HOST}
        if self.direct:
            # What nginx would add; gunicorn itself is not behind TLS.
            sent["X-Forwarded-Proto"] = "https"
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        sent.update(headers or {})
        started = time.monotonic()
        response = self.session.request(
            method,
            self.base + path,
            headers=sent,
            data=data,
            timeout=timeout or self.timeout,
            allow_redirects=False,
        )
        response.seconds = time.monotonic() - started
        self.session.cookies.clear()
        for cookie in response.cookies:
            if cookie.value:
                self.cookies[cookie.name] = cookie.value
            else:
                self.cookies.pop(cookie.name, None)
        return response

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, data, **kwargs):
        headers = {"Referer": ORIGIN + path, **kwargs.pop("headers", {})}
        return self.request("POST", path, data=data, headers=headers, **kwargs)

    def form(self, path, marker=None, **kwargs):
        """GET `path` and the hidden fields of its form (the one holding a field named
        `marker`, or the first POST form): the CSRF token, the fill-time token..."""
        response = self.get(path, **kwargs)
        if response.status_code != 200:
            raise AssertionError(f"GET {path}: {response.status_code}, no form")
        soup = BeautifulSoup(response.text, "html.parser")
        forms = soup.find_all("form", method=re.compile("post", re.I))
        if marker:
            forms = [form for form in forms if form.find(attrs={"name": marker})]
        if not forms:
            raise AssertionError(f"GET {path}: no form")
        return {
            field["name"]: field.get("value", "")
            for field in forms[0].find_all("input", type="hidden")
            if field.get("name")
        }

    def close(self):
        self.session.close()


# The whole stack


class Stack:
    """Redis, PostgreSQL, the app under gunicorn and nginx, started in that order and all
    stopped on leaving, whatever failed."""

    def __init__(self, directory, tools, migrated=None):
        self.directory = Path(directory)
        self.tools = tools
        self.migrated = migrated
        self.timings = {}
        self.people = []
        self._next_source = 10

    def __enter__(self):
        self._exit = contextlib.ExitStack()
        try:
            self._start()
        except BaseException:
            self._exit.close()
            raise
        return self

    def __exit__(self, *exc_info):
        for person in self.people:
            person.close()
        try:
            self._exit.close()
        finally:
            self._keep_logs()

    def _keep_logs(self):
        """With DEPLOYMENT_LOGS=<folder>, every part's log is copied there on teardown."""
        if not (folder := os.environ.get("DEPLOYMENT_LOGS")):
            return
        Path(folder).mkdir(parents=True, exist_ok=True)
        logs = {
            "server.log": self.directory / "app" / "server.log",
            "nginx-access.log": self.directory / "nginx" / "advocacy.log",
            "nginx-default-access.log": self.directory / "nginx" / "default-access.log",
            "nginx-error.log": self.directory / "nginx" / "error.log",
            "nginx.conf": self.directory / "nginx" / "nginx.conf",
            "redis.log": self.directory / "redis" / "redis.log",
            "postgresql.log": self.directory / "postgresql.log",
        }
        for name, path in logs.items():
            if path.exists():
                shutil.copyfile(path, Path(folder) / name)

    def _timed(self, name, function, *args):
        started = time.monotonic()
        result = function(*args)
        self.timings[name] = round(time.monotonic() - started, 1)
        return result

    def _start(self):
        self.smtp = SMTPSink()
        self._exit.callback(self.smtp.close)
        self.redis = Redis(self.tools["redis-server"], self.directory / "redis")
        self._exit.callback(self.redis.close)
        self.redis.start()
        self.postgres = PostgreSQL(self.tools["initdb"])
        self.postgres.keep_log_at = self.directory / "postgresql.log"
        self._exit.callback(self.postgres.close)
        self._timed("initdb", self.postgres.init)
        self._timed("postgres start", self.postgres.start)
        self.postgres.create_database()
        self.app = App(
            self.directory / "app",
            database_url=self.postgres.url,
            cache_url=self.redis.url,
            smtp_port=self.smtp.port,
        )
        self.app.prepare(self.migrated and (lambda: self.postgres.load(self.migrated)))
        self.timings.update(self.app.timings)
        self._exit.callback(self.app.close)
        self._timed("gunicorn start", self.app.start)
        self.nginx = Nginx(
            self.tools["nginx"],
            self.directory / "nginx",
            app_port=self.app.port,
            media_root=self.app.media_root,
        )
        self._exit.callback(self.nginx.close)
        self.nginx.start()
        poll(
            lambda: self.person("127.0.0.1").get("/").status_code == 200,
            30,
            "the home page through nginx",
        )

    def person(self, source=None, **kwargs):
        """A new reader; without `source`, at an address no other reader of this stack has."""
        if source is None:
            self._next_source += 1
            source = f"127.0.0.{self._next_source}"
        person = Person(self, source, **kwargs)
        self.people.append(person)
        return person

    def restore(self, timeout=60):
        """Every part running and answering again, after a test that broke one."""
        self.redis.restore()
        self.postgres.restore()
        reader = self.person("127.0.0.1")
        poll(lambda: reader.get("/", timeout=5).status_code == 200, timeout, "the site answering")


def migrated_dump(request, directory, tools):
    """The suite's migrated test database as a pg_dump archive, where pytest-xdist's workers
    keep one (tests/conftest.py's MigratedCopy), or None. Migrating the stack's own database
    from nothing took 21 of its 32 s of start-up (over 100 s in CI, beside the other suite)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    request.getfixturevalue("django_db_setup")
    copy = request.getfixturevalue("_migrated_copy")
    if copy is None:
        return None
    return copy.dump(directory / "migrated.dump", Path(tools["initdb"]).with_name("pg_dump"))


@pytest.fixture(scope="module", name="stack")
def stack_fixture(request, tmp_path_factory):
    tools = require_tools()
    directory = tmp_path_factory.mktemp("deployment")
    with Stack(directory, tools, migrated_dump(request, directory, tools)) as stack:
        yield stack
