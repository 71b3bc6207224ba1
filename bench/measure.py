"""
Measuring one page of bench/delivery.py with wrk (bench/paths.lua): requests per second, p50
and p99 latency, responses by status and by X-Cache, and the server's CPU milliseconds per
request; and warming a cache by requesting every path once.
"""

import http.client
import os
import re
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import servers

LUA = Path(__file__).resolve().parent / "paths.lua"
THREADS, CONNECTIONS, WARMUP_SECONDS = 2, 4, 2
# CPUs busy while our servers idle below which the machine counts as quiet; how long to wait.
BUSY_LIMIT, QUIET_PATIENCE = 0.15, 60
TICK = os.sysconf("SC_CLK_TCK")
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


@dataclass
class Result:
    """One measured page."""

    page: str
    requests: int
    seconds: float
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    cpu_ms_per_request: float | None
    statuses: dict = field(default_factory=dict)
    xcache: dict = field(default_factory=dict)
    socket_errors: int = 0
    # CPUs that other processes than the server, its database and wrk kept busy meanwhile.
    other_cpus: float = 0.0
    database_cpu_ms_per_request: float | None = None

    @property
    def not_2xx(self):
        return sum(n for status, n in self.statuses.items() if not 200 <= int(status) < 300)


def milliseconds(text):
    number, unit = re.fullmatch(r"([\d.]+)([a-z]+)", text).groups()
    return float(number) * UNITS[unit]


def wrk(url, paths_file, seconds):
    """Run wrk on `url` with the paths of `paths_file`; return its parsed output (a dict)."""
    command = ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency"]
    command += ["--timeout", "10s", "-s", str(LUA), url, "--", str(paths_file)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    out = process.stdout.read()
    process.stdout.close()
    # wait4() gives wrk's own CPU time, told apart from the rest of the machine's.
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0 or "requests in" not in out:
        raise SystemExit(f"wrk failed on {url}:\n{out}")
    total = re.search(r"(\d+) requests in ([\d.]+)(\w+),", out)
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)$", out, re.MULTILINE))
    return {
        "requests": int(total.group(1)),
        "seconds": milliseconds(total.group(2) + total.group(3)) / 1000,
        "requests_per_second": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50_ms": milliseconds(latency["50"]),
        "p99_ms": milliseconds(latency["99"]),
        "statuses": {s: int(n) for s, n in re.findall(r"^status (\d+) (\d+)$", out, re.MULTILINE)},
        "xcache": {s: int(n) for s, n in re.findall(r"^xcache (\S+) (\d+)$", out, re.MULTILINE)},
        "socket_errors": int(re.search(r"^errors (\d+)$", out, re.MULTILINE).group(1)),
        "wrk_cpu_seconds": usage.ru_utime + usage.ru_stime,
    }


def machine_cpu_seconds():
    """CPU seconds the whole machine has used since it started (all but idle and iowait)."""
    fields = [int(n) for n in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    # user nice system idle iowait irq softirq steal
    return (sum(fields[:8]) - fields[3] - fields[4]) / TICK


def quiet(limit, patience=QUIET_PATIENCE):
    """
    Wait, up to `patience` seconds, until the machine uses less than `limit` CPUs while our
    servers idle (other work on a shared machine moves every number); the last reading.
    """
    deadline = time.monotonic() + patience
    told = False
    while True:
        before = machine_cpu_seconds()
        time.sleep(0.5)
        busy = (machine_cpu_seconds() - before) / 0.5
        if busy < limit or time.monotonic() > deadline:
            return busy
        if not told:
            print(f"  (waiting for other work to end: {busy:.1f} CPUs busy)", file=sys.stderr)
            told = True


def measure(page, server, paths_file, seconds, *, warmup=WARMUP_SECONDS):
    """
    A warm-up run of wrk (not counted), then the measured one, with the server's CPU time and
    the CPUs other processes (not the server, its database or wrk) kept busy meanwhile.
    """
    quiet(BUSY_LIMIT)
    if warmup:
        wrk(server.url, paths_file, warmup)
    before, machine = server.cpu_seconds(), machine_cpu_seconds()
    database_before = servers.database_cpu_seconds(server.database) if server.database else {}
    run = wrk(server.url, paths_file, seconds)
    used = server.cpu_seconds() - before
    database_used = 0.0
    if server.database:
        # Per backend: one that ended meanwhile (another client's) takes nothing away.
        after = servers.database_cpu_seconds(server.database)
        database_used = sum(cpu - database_before.get(pid, 0.0) for pid, cpu in after.items())
    others = machine_cpu_seconds() - machine - used - database_used - run.pop("wrk_cpu_seconds")
    result = Result(
        page=page,
        cpu_ms_per_request=None,
        other_cpus=max(0.0, others / run["seconds"]) if run["seconds"] else 0.0,
        **run,
    )
    if run["requests"]:
        result.cpu_ms_per_request = used * 1000 / run["requests"]
        if server.database:
            result.database_cpu_ms_per_request = database_used * 1000 / run["requests"]
    return result


def paths_write(path, paths):
    """Write `paths`, one a line, for paths.lua; return the file."""
    path.write_text("".join(f"{p}\n" for p in paths))
    return path


def warm(url, paths, connections=CONNECTIONS):
    """GET every one of `paths` once from `url`, on parallel connections; (seconds, statuses)."""
    parts = urlsplit(url)
    statuses = Counter()
    lock = threading.Lock()

    def worker(share):
        # http.client opens the connection again when the server closed it (gunicorn's sync
        # workers close after each response; Varnish keeps it).
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        seen = Counter()
        try:
            for path in share:
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                seen[response.status] += 1
        finally:
            connection.close()
        with lock:
            statuses.update(seen)

    start = time.perf_counter()
    workers = [
        threading.Thread(target=worker, args=(paths[n::connections],)) for n in range(connections)
    ]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    return time.perf_counter() - start, dict(statuses)
