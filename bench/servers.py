"""
The servers bench/delivery.py measures, each on a free port of 127.0.0.1 and stopped by its
PID: Newsroom under gunicorn, Varnish in front of it, a bare Django view and nginx serving
the bytes of one Newsroom page, and the Wagtail anchor. Also the CPU time a server's
processes have used, read from /proc.
"""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
TICK = os.sysconf("SC_CLK_TCK")
VARNISHD = shutil.which("varnishd") or "/usr/sbin/varnishd"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
ANCHOR = Path(
    os.environ.get("NEWSROOM_ANCHORS_DIR", ROOT.parent / "shared" / "anchors" / "wagtail")
)
# Each gunicorn 27 master listens on a control socket, by default one path for all of them.
GUNICORN_OPTIONS = ["--log-level", "warning", "--no-control-socket"]
ANCHORS_DIR = Path(os.environ.get("ANCHORS_DIR", "/tmp/anchors"))


def free_port():
    """A TCP port of 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url, timeout=30):
    """(status, headers, body) of a GET, whatever the status."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.headers, error.read()


def tree_cpu_seconds(pid):
    """User plus system CPU seconds of `pid` and every live process descended from it."""
    children = {}
    stats = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # Gone meanwhile.
            continue
        # The command name, in parentheses, may hold spaces: fields are counted after it.
        fields = stat[stat.rfind(")") + 2 :].split()
        stats[int(entry.name)] = fields
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        if current in stats:
            # Fields 14 and 15 of stat (utime, stime), in clock ticks; the list starts at field 3.
            total += int(stats[current][11]) + int(stats[current][12])
        todo.extend(children.get(current, []))
    return total / TICK


def database_cpu_seconds(name):
    """{pid: CPU seconds} of the live PostgreSQL backends serving the database `name`."""
    found = {}
    for entry in Path("/proc").iterdir():
        try:
            # A backend names itself "postgres: USER DATABASE HOST(PORT) STATE".
            if entry.name.isdigit() and f" {name} " in (entry / "cmdline").read_text():
                stat = (entry / "stat").read_text()
                fields = stat[stat.rfind(")") + 2 :].split()
                found[int(entry.name)] = (int(fields[11]) + int(fields[12])) / TICK
        except OSError:
            continue
    return found


@dataclass
class Server:
    """One running server: its process (the master of its tree) and address."""

    name: str
    process: subprocess.Popen
    url: str
    log: Path
    files: list = field(default_factory=list)
    # The PostgreSQL database the server reads, whose backends' CPU time is counted apart.
    database: str | None = None

    def cpu_seconds(self):
        return tree_cpu_seconds(self.process.pid)

    def tracebacks(self):
        """How many tracebacks the server has logged, and the error line of the first."""
        lines = self.log.read_text(errors="replace").splitlines()
        starts = [n for n, line in enumerate(lines) if line.startswith("Traceback")]
        if not starts:
            return 0, ""
        return len(starts), next(
            (line for line in lines[starts[0] + 1 :] if line and not line[0].isspace()), ""
        )

    def stop(self):
        """Stop the process by its PID (its own children with it), then kill it if it lingers."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                # The master did not stop: its process group (its own, see start()) goes.
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        with contextlib.suppress(ProcessLookupError):
            # Whatever of its group outlived the master (the workers of one that crashed).
            os.killpg(self.process.pid, signal.SIGKILL)
        for file in self.files:
            file.close()


class Servers:
    """The servers started so far; stop_all() stops every one, in reverse order."""

    def __init__(self, work):
        self.work = work
        self.running = []

    def start(self, name, command, *, probe, env=None, cwd=None, port=None, timeout=90):
        """
        Start `command` ({port} in it replaced by `port`, by default a free one) and wait
        until GET `probe` (a path) answers 200; return the Server.
        """
        port = port or free_port()
        command = [part.replace("{port}", str(port)) for part in command]
        log = self.work / f"{name}.log"
        out = log.open("w")
        # A session of its own: a Ctrl-C at the terminal reaches this script, which stops
        # the server in order, and the process group can be killed whole if it must.
        process = subprocess.Popen(
            command,
            cwd=cwd or ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        server = Server(name, process, f"http://127.0.0.1:{port}", log, [out])
        self.running.append(server)
        deadline = time.monotonic() + timeout
        status = None
        while time.monotonic() < deadline:
            if process.poll() is not None:
                break
            try:
                status = fetch(server.url + probe, timeout=10)[0]
            except OSError:
                status = None
            if status == 200:
                return server
            time.sleep(0.2)
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-20:])
        raise SystemExit(f"{name} did not answer 200 on {probe} (last: {status}). Its log:\n{tail}")

    def stop_all(self):
        while self.running:
            self.running.pop().stop()

    def newsroom(
        self, name, env, *, page_cache_seconds, shared_cache_seconds=0, fragment_cache_seconds=None
    ):
        """
        Newsroom under gunicorn, 2 sync workers, with the page cache on or off (and the
        fragment cache, when `fragment_cache_seconds` is given).
        """
        env = {
            **env,
            "PAGE_CACHE_SECONDS": str(page_cache_seconds),
            "SHARED_CACHE_SECONDS": str(shared_cache_seconds),
        }
        if fragment_cache_seconds is not None:
            env["FRAGMENT_CACHE_SECONDS"] = str(fragment_cache_seconds)
        command = [sys.executable, "-m", "gunicorn", "newsroom.wsgi", "--workers", "2"]
        command += ["--bind", "127.0.0.1:{port}", *GUNICORN_OPTIONS]
        server = self.start(name, command, probe="/robots.txt", env=env)
        database = urlsplit(env["DATABASE_URL"])
        if database.scheme.startswith("postgres"):
            server.database = database.path.lstrip("/")
        return server

    def varnish(self, backend):
        """Varnish with docs/varnish/newsroom.vcl in front of the Server `backend`."""
        vcl = (ROOT / "docs" / "varnish" / "newsroom.vcl").read_text()
        port = backend.url.rsplit(":", 1)[1]
        if '.port = "8000"' not in vcl:
            raise SystemExit('docs/varnish/newsroom.vcl no longer names .port = "8000"')
        path = self.work / "newsroom.vcl"
        path.write_text(vcl.replace('.port = "8000"', f'.port = "{port}"'))
        command = [VARNISHD, "-F", "-j", "none", "-n", str(self.work / "varnish")]
        command += ["-a", "127.0.0.1:{port}", "-T", "none", "-f", str(path), "-s", "malloc,256m"]
        # Healthy once its probe of /robots.txt has passed: a page through it answers 200.
        return self.start("varnish", command, probe="/robots.txt")

    def bare(self, page):
        """A one-file Django project (bench/bareview.py) whose only view returns `page`'s bytes."""
        env = {**os.environ, "BAREVIEW_PAGE": str(page)}
        command = [sys.executable, "-m", "gunicorn", "--chdir", str(HERE), "bareview:application"]
        command += ["--workers", "2", "--bind", "127.0.0.1:{port}", *GUNICORN_OPTIONS]
        return self.start("bare view", command, probe="/article.html", env=env)

    def nginx(self, page):
        """nginx, 2 workers, serving `page` as /article.html."""
        folder = self.work / "nginx"
        (folder / "root").mkdir(parents=True, exist_ok=True)
        shutil.copyfile(page, folder / "root" / "article.html")
        # Workers run as an unprivileged user when started by root: they must read the file.
        for path in (self.work, folder, folder / "root"):
            path.chmod(0o755)
        (folder / "root" / "article.html").chmod(0o644)
        config = folder / "nginx.conf"
        port = free_port()
        config.write_text(
            f"daemon off;\nworker_processes 2;\npid {folder / 'nginx.pid'};\n"
            f"error_log {folder / 'error.log'} warn;\nevents {{ worker_connections 1024; }}\n"
            "http {\n  types { text/html html; }\n  access_log off;\n"
            f"  client_body_temp_path {folder / 'tmp'};\n"
            f"  server {{\n    listen 127.0.0.1:{port};\n    root {folder / 'root'};\n  }}\n}}\n"
        )
        command = [NGINX, "-p", str(folder), "-e", str(folder / "error.log"), "-c", str(config)]
        return self.start("nginx", command, probe="/article.html", port=port)

    def wagtail(self):
        """The Wagtail anchor's site (its README's command), built first if it is not."""
        gunicorn = ANCHORS_DIR / "venv" / "bin" / "gunicorn"
        data = ANCHORS_DIR / "data"
        if not gunicorn.exists() or not (data / "db.sqlite3").exists():
            print(f"building the Wagtail anchor in {ANCHORS_DIR} (bash setup.sh)…", file=sys.stderr)
            env = {**os.environ, "ANCHORS_DIR": str(ANCHORS_DIR)}
            built = subprocess.run(["bash", str(ANCHOR / "setup.sh")], cwd=ANCHOR, env=env)
            if built.returncode != 0:
                raise SystemExit(f"{ANCHOR / 'setup.sh'} failed (exit code {built.returncode})")
        env = {**os.environ, "ANCHORS_DATA": str(data)}
        command = [str(gunicorn), "--chdir", str(ANCHOR / "site"), "--bind", "127.0.0.1:{port}"]
        command += ["--workers", "2", "newsroom.wsgi:application", *GUNICORN_OPTIONS]
        return self.start("Wagtail", command, probe="/news/", env=env, cwd=ANCHOR)


def anchor_available():
    return (ANCHOR / "setup.sh").exists() and (ANCHOR / "site").is_dir()


def anchor_paths():
    """The Wagtail anchor's article paths (its article_paths.txt)."""
    return ANCHORS_DIR / "data" / "article_paths.txt"
