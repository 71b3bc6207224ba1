"""
Reader-side speed: Newsroom's pages against Django's ceiling, nginx and the Wagtail anchor,
measured side by side with wrk in the same run, as ratios.

    .venv/bin/python bench/delivery.py [--articles 10000] [--seconds 10] [--json] [--keep]
        [--database-url postgres://postgres@127.0.0.1:5432] [--cache-url redis://127.0.0.1:6379/9]
        [--no-wagtail] [--only hit-ratio,article-built,...]
    .venv/bin/python bench/delivery.py --scale 1000,100000 [--seconds 10] [--database-url ...]

1. Generates an archive as bench/import_archive.py does (N articles of 20 paragraphs, a lead
   photo out of 50, bylines, 3 tags, 3 "Read more" links) and builds a site from it in a
   temporary folder, in production mode: migrate, import_articles, make_renditions (about two
   minutes), search_index, collectstatic, and the queued tasks run once (db_worker --batch).
   SQLite and a file cache there by default; --database-url makes a throwaway PostgreSQL
   database beside the one it names (dropped at the end), --cache-url uses that Redis
   database, which is cleared first.
2. Serves it on free ports of 127.0.0.1 with gunicorn (2 sync workers): "built" (page cache
   off: each page built for its request from the fragments kept built, every article page
   requested once before), "scratch" (page and fragment caches off: each page from the
   database), "cached" (page cache on, front caches allowed to keep pages), Varnish with
   docs/varnish/newsroom.vcl in front of "cached", a bare Django view (bench/bareview.py) and
   nginx both serving the bytes of one article page, and the Wagtail anchor
   (NEWSROOM_ANCHORS_DIR, default ../shared/anchors/wagtail; built into ANCHORS_DIR,
   default /tmp/anchors, when it is not).
3. For each page: a 2 s warm-up, then wrk -t2 -c4 for --seconds on random paths
   (bench/paths.lua); prints req/s, p50/p99 latency, the server's CPU ms per request (its
   process tree, from /proc; "+" its PostgreSQL backends') and the ratios the project tracks.
   Article pages are requested once each before (built, cached, Varnish). "hit ratio": wrk
   on the cached articles while bench/edits.py saves a random article every second and
   checks its page shows the edit at once. Each page waits (up to a minute) for a quiet
   machine, and a warning names the pages during which other processes used CPU: on a shared
   machine their numbers drift.

--scale N,M,...: for each size, a site of that many articles (the same photos), served with
nothing kept (each page from the database), and the p50 of its article page; the ratio of the
largest size's p50 to the smallest's.
Every server is stopped by its PID, on errors and Ctrl-C too. Exits 1 when a step fails.
"""

import argparse
import json
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path
from urllib.parse import quote_plus, urlsplit

import measure
import servers
from import_archive import SECTIONS, archive_generate, postgres_database, slugify
from sitebuild import archive_articles, fixture_prefix, search_query, site_build, site_env

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
# (key for --only, label, server, paths)
ROWS = [
    ("article-built", "article built", "built", "articles"),
    ("home-built", "home built", "built", "home"),
    ("section-built", "section built", "built", "sections"),
    ("search-built", "search built", "built", "search"),
    ("article-scratch", "article, nothing kept", "scratch", "articles"),
    ("article-cached", "article cached", "cached", "articles"),
    ("home-cached", "home cached", "cached", "home"),
    ("section-cached", "section cached", "cached", "sections"),
    ("article-varnish", "article via Varnish", "varnish", "articles"),
    ("bare-view", "bare view", "bare", "page"),
    ("nginx-file", "nginx file", "nginx", "page"),
    ("wagtail-article", "Wagtail article", "wagtail", "wagtail"),
    ("wagtail-index", "Wagtail index", "wagtail", "wagtail-index"),
]
ROW_KEYS = [key for key, *_ in ROWS]
# Servers whose article pages are each requested once before they are measured: "built"
# keeps the fragments of each page (as a site does once its stories have been read or saved),
# "cached" and Varnish the pages. "scratch" keeps nothing: every page from the database.
WARMED = ("built", "cached", "varnish")
HIT_RATIO = "hit-ratio"
# (numerator, denominator, target): req/s of one over the other, at least the target.
TARGETS = [
    ("article-built", "wagtail-article", 5),
    ("home-built", "wagtail-index", 5),
    ("section-built", "wagtail-index", 5),
    ("article-cached", "bare-view", 0.70),
    ("article-varnish", "nginx-file", 0.50),
]
HIT_RATIO_TARGET, SCALE_TARGET = 0.95, 1.3


def paths_files(work, records, query):
    """The paths files of every kind of row."""
    write = measure.paths_write
    return {
        "articles": write(work / "articles.txt", [f"/articles/{r['slug']}/" for r in records]),
        "home": write(work / "home.txt", ["/"]),
        "sections": write(work / "sections.txt", [f"/sections/{slugify(s)}/" for s in SECTIONS]),
        "search": write(work / "search.txt", [f"/search/?q={quote_plus(query)}"]),
        "page": write(work / "page.txt", ["/article.html"]),
        "wagtail": servers.anchor_paths(),
        "wagtail-index": write(work / "wagtail-index.txt", ["/news/"]),
    }


def delivery(options, work, running, env, fixture):
    """Build, serve and measure; return the results as a dict."""
    print("building the site:", file=sys.stderr)
    setup = site_build(fixture, env, work, clear_cache=bool(options.cache_url))
    records = list(archive_articles(fixture))
    query = search_query(records)
    files = paths_files(work, records, query)
    keys = [*ROW_KEYS, HIT_RATIO]
    chosen = set(options.only.split(",")) if options.only else set(keys)
    if unknown := chosen - set(keys):
        raise SystemExit(f"--only: unknown {', '.join(sorted(unknown))}; known: {', '.join(keys)}")
    if options.no_wagtail or not servers.anchor_available():
        chosen -= {"wagtail-article", "wagtail-index"}
    needed = {server for key, _, server, _ in ROWS if key in chosen}
    needed |= {"cached"} if HIT_RATIO in chosen else set()
    needed |= {"cached"} if "varnish" in needed else set()
    needed |= {"built"} if needed & {"bare", "nginx"} else set()

    print("starting the servers…", file=sys.stderr)
    up = {}
    if "built" in needed:
        up["built"] = running.newsroom("built", env, page_cache_seconds=0)
    if "scratch" in needed:
        up["scratch"] = running.newsroom(
            "scratch", env, page_cache_seconds=0, fragment_cache_seconds=0
        )
    if "cached" in needed:
        up["cached"] = running.newsroom(
            "cached", env, page_cache_seconds=600, shared_cache_seconds=600
        )
    if "varnish" in needed:
        up["varnish"] = running.varnish(up["cached"])
    if needed & {"bare", "nginx"}:
        address = up["built"].url + f"/articles/{records[0]['slug']}/"
        status, _, body = servers.fetch(address)
        if status != 200:
            raise SystemExit(f"{address} answered {status}: no page for the bare view and nginx")
        page = work / "article.html"
        page.write_bytes(body)
        if "bare" in needed:
            up["bare"] = running.bare(page)
        if "nginx" in needed:
            up["nginx"] = running.nginx(page)
    if "wagtail" in needed:
        up["wagtail"] = running.wagtail()

    warnings, warmed, results, query_note = [], set(), {}, None
    if "built" in up:
        body = servers.fetch(up["built"].url + files["search"].read_text().strip())[2].decode()
        found = re.search(r"([\d,]+) stor(?:y|ies) for", body)
        query_note = f"“{query}”: {found.group(1) if found else '?'} of {len(records)} articles"
        print(f"search {query_note}", file=sys.stderr)
    for key, label, server, paths in ROWS:
        if key not in chosen:
            continue
        if paths == "articles" and server in WARMED and server not in warmed:
            warm(up[server], records, warnings, label)
            warmed.add(server)
        print(f"measuring {label}…", file=sys.stderr)
        results[key] = measure.measure(label, up[server], files[paths], options.seconds)
    hit = None
    if HIT_RATIO in chosen:
        hit = hit_ratio(options, up["cached"], env, files, records, warnings)
    for server in up.values():
        count, first = server.tracebacks()
        if count:
            warnings.append(f"{server.name} logged {count} tracebacks, the first: {first}")
    return {
        "articles": options.articles,
        "database": "PostgreSQL" if options.database_url else "SQLite",
        "cache": "Redis" if options.cache_url else "files",
        "seconds": options.seconds,
        "setup_seconds": setup,
        "search": query_note,
        "rows": results,
        "hit_ratio": hit,
        "warnings": warnings,
    }


def warm(server, records, warnings, label):
    """Request every article once from `server`, so that what is measured are hits."""
    paths = [f"/articles/{r['slug']}/" for r in records]
    print(f"warming {server.name}: {len(paths)} articles…", end=" ", file=sys.stderr, flush=True)
    seconds, statuses = measure.warm(server.url, paths)
    print(f"{seconds:.1f} s", file=sys.stderr)
    if statuses.get(200) != len(paths):
        warnings.append(f"warming for {label}: {statuses} for {len(paths)} paths")


def hit_ratio(options, cached, env, files, records, warnings):
    """wrk on the cached articles while an editor saves one a second; the share of hits."""
    warm(cached, records, warnings, "hit ratio")
    seconds = max(options.seconds, 10)
    editor = subprocess.Popen(
        [sys.executable, str(HERE / "edits.py"), cached.url, str(seconds)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        if editor.stdout.readline().strip() != "ready":
            raise SystemExit("bench/edits.py did not start (its error is above)")
        print(f"measuring the hit ratio for {seconds} s under edits…", file=sys.stderr)
        result = measure.measure("hit ratio", cached, files["articles"], seconds, warmup=0)
        out, _ = editor.communicate(timeout=seconds + 60)
    finally:
        if editor.poll() is None:
            editor.kill()
            editor.wait()
    if editor.returncode != 0:
        raise SystemExit(f"bench/edits.py failed with exit code {editor.returncode}")
    edits = json.loads(out.strip().splitlines()[-1])
    hits, misses = result.xcache.get("HIT", 0), result.xcache.get("MISS", 0)
    return {
        "result": result,
        "hit_ratio": hits / (hits + misses) if hits + misses else None,
        "edits": edits,
    }


def ratios(rows):
    """(numerator, denominator, value, target) of each tracked ratio whose rows were measured."""
    return [
        (rows[a].page, rows[b].page, rows[a].requests_per_second / rows[b].requests_per_second, t)
        for a, b, t in TARGETS
        if a in rows and b in rows and rows[b].requests_per_second
    ]


def cpu_text(result):
    """The server's CPU ms per request, and its PostgreSQL backends' after a "+"."""
    cpu = "-" if result.cpu_ms_per_request is None else f"{result.cpu_ms_per_request:.2f}"
    if result.database_cpu_ms_per_request is not None:
        cpu += f"+{result.database_cpu_ms_per_request:.2f}"
    return cpu


def report(results, as_json):
    """Print the table and the tracked ratios, or JSON."""
    rows, hit = results["rows"], results["hit_ratio"]
    measured = list(rows.values()) + ([hit["result"]] if hit else [])
    warnings = results["warnings"] + [
        f"{r.page}: {r.not_2xx} non-2xx responses {r.statuses}, {r.socket_errors} socket errors"
        for r in measured
        if r.not_2xx or r.socket_errors
    ]
    warnings += [
        f"{r.page}: other processes kept {r.other_cpus:.2f} CPUs busy meanwhile: disturbed"
        for r in measured
        if r.other_cpus > measure.BUSY_LIMIT
    ]
    tracked = ratios(rows)
    if as_json:
        out = {**results, "rows": [asdict(r) for r in rows.values()], "warnings": warnings}
        out["ratios"] = [
            dict(zip(("of", "to", "ratio", "target"), r, strict=True)) for r in tracked
        ]
        if hit:
            out["hit_ratio"] = {**hit, "result": asdict(hit["result"])}
        print(json.dumps(out, indent=2))
        return
    setup = ", ".join(f"{k} {v:.1f} s" for k, v in results["setup_seconds"].items())
    print(
        f"{results['articles']} articles, {results['database']}, {results['cache']} cache; {setup}"
    )
    print(f"wrk -t{measure.THREADS} -c{measure.CONNECTIONS} {results['seconds']} s per page")
    if results["database"] == "PostgreSQL":
        print("CPU ms/req: the server's + its PostgreSQL backends'")
    if results["search"]:
        print(f"search for {results['search']}")
    by_page = {num: f"{value:.2f} vs {den}" for num, den, value, _ in tracked}
    head = f"{'page':22} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'CPU ms/req':>11}"
    print(f"{head} {'hits':>6}  ratio")
    for r in measured:
        cpu = f"{cpu_text(r):>11}"
        line = f"{r.page:22} {r.requests_per_second:9.1f} {r.p50_ms:8.2f} {r.p99_ms:8.2f} {cpu}"
        hits = r.xcache.get("HIT", 0) + r.xcache.get("MISS", 0)
        hits = f"{r.xcache.get('HIT', 0) / hits:6.1%}" if hits else f"{'-':>6}"
        print(f"{line} {hits}  {by_page.get(r.page, '-')}")
    for num, den, value, target in tracked:
        mark = "✓" if value >= target else "✗"
        print(f"{mark} {num} / {den}: {value:.2f} (target ≥ {target})")
    if hit:
        share, edits = hit["hit_ratio"], hit["edits"]
        mark = "✓" if share is not None and share >= HIT_RATIO_TARGET else "✗"
        shown = f"{share:.1%}" if share is not None else "no X-Cache"
        print(f"{mark} hit ratio under edits: {shown} {hit['result'].xcache} (target ≥ 95 %)")
        mark = "✓" if edits["stale"] == 0 and edits["failed"] == 0 else "✗"
        print(
            f"{mark} saved article stale: {edits['stale']} of {edits['saves']} saves, "
            f"{edits['failed']} failed fetches (target 0); save p50 {edits['save_ms_p50']:.0f} ms"
        )
        warnings += [f"edit: {example}" for example in edits["examples"]]
    for warning in warnings:
        print(f"warning: {warning}")


def scale(options, work, running, fixture):
    """A built site per size; the article page's p50 of each, and largest over smallest."""
    sizes = sorted(options.scale)
    results = []
    for size in sizes:
        folder = work / f"site-{size}"
        folder.mkdir()
        drop = None
        try:
            if options.database_url:
                database_url, drop = postgres_database(options.database_url)
            else:
                database_url = f"sqlite:///{folder / 'bench.sqlite3'}"
            env = site_env(folder, database_url, None)
            print(f"building the site of {size} articles:", file=sys.stderr)
            prefix = fixture_prefix(fixture, size)
            setup = site_build(prefix, env, folder)
            paths = [f"/articles/{r['slug']}/" for r in archive_articles(prefix)]
            # Nothing kept, pages nor fragments: each request reads the database, whose
            # growth is what this measures.
            server = running.newsroom(
                f"built-{size}", env, page_cache_seconds=0, fragment_cache_seconds=0
            )
            print(f"measuring the article page of {size}…", file=sys.stderr)
            paths_file = measure.paths_write(folder / "articles.txt", paths)
            result = measure.measure(f"article, {size}", server, paths_file, options.seconds)
            results.append((size, setup, result))
        finally:
            running.stop_all()
            if drop:
                drop()
    ratio = results[-1][2].p50_ms / results[0][2].p50_ms
    if options.json:
        sizes_out = [{"articles": n, "setup_seconds": s, **asdict(r)} for n, s, r in results]
        print(json.dumps({"sizes": sizes_out, "p50_ratio": ratio}, indent=2))
        return
    database = "PostgreSQL" if options.database_url else "SQLite"
    print(
        f"article page built from the database (page and fragment caches off), {database}, "
        f"wrk -t2 -c4 {options.seconds} s"
    )
    print(f"{'articles':>9} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'CPU ms/req':>11}  import s")
    for size, setup, r in results:
        line = f"{size:9} {r.requests_per_second:9.1f} {r.p50_ms:8.2f} {r.p99_ms:8.2f}"
        print(f"{line} {cpu_text(r):>11}  {setup['import_articles']:8.1f}")
        if r.not_2xx or r.socket_errors:
            print(f"warning: {r.page}: {r.not_2xx} non-2xx {r.statuses}, {r.socket_errors} errors")
        if r.other_cpus > measure.BUSY_LIMIT:
            print(f"warning: {r.page}: other processes kept {r.other_cpus:.2f} CPUs busy")
    mark = "✓" if ratio <= SCALE_TARGET else "✗"
    print(f"{mark} p50 {sizes[-1]} / p50 {sizes[0]}: {ratio:.2f} (target ≤ {SCALE_TARGET})")


def main():
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--articles", type=int, default=10000, metavar="N", help="default 10000")
    parser.add_argument("--seconds", type=int, default=10, help="wrk's run per page (default 10)")
    parser.add_argument(
        "--database-url",
        metavar="URL",
        help="a PostgreSQL server (postgres://USER@HOST:PORT): the site runs in a throwaway "
        "database newsroom_bench_<pid> made there and dropped afterwards",
    )
    parser.add_argument(
        "--cache-url", metavar="URL", help="a Redis database for the cache, cleared first"
    )
    parser.add_argument("--no-wagtail", action="store_true", help="leave out the Wagtail anchor")
    parser.add_argument(
        "--only", metavar="KEYS", help="comma-separated: " + ", ".join([*ROW_KEYS, HIT_RATIO])
    )
    parser.add_argument(
        "--scale",
        type=lambda value: [int(n) for n in value.split(",")],
        metavar="N,M",
        help="instead: the article page's p50 at each of these sizes",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    options = parser.parse_args()
    scheme = urlsplit(options.database_url or "postgres:").scheme
    if scheme not in ("postgres", "postgresql"):
        parser.error("--database-url takes a postgres:// URL (SQLite is the default)")
    if options.scale and len(options.scale) < 2:
        parser.error("--scale takes two sizes or more, e.g. 1000,100000")
    if options.articles < 1 or min(options.scale or [1]) < 1:
        parser.error("sizes must be at least 1 article")
    # SIGTERM ends the run as Ctrl-C does: the servers are stopped on the way out.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    work = Path(tempfile.mkdtemp(prefix="newsroom-delivery-"))
    running = servers.Servers(work)
    drop, kept = None, options.keep
    try:
        articles = max(options.scale) if options.scale else options.articles
        started = time.perf_counter()
        print(f"generating {articles} articles in {work / 'archive'}…", file=sys.stderr)
        fixture, _ = archive_generate(work / "archive", articles)
        print(f"generated in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        if options.scale:
            scale(options, work, running, fixture)
            return
        if options.database_url:
            database_url, drop = postgres_database(options.database_url)
        else:
            database_url = f"sqlite:///{work / 'bench.sqlite3'}"
        env = site_env(work, database_url, options.cache_url)
        report(delivery(options, work, running, env, fixture), options.json)
    except SystemExit as error:
        kept = kept or error.code not in (0, None, 143)
        raise
    finally:
        running.stop_all()
        if drop:
            drop()
        if kept:
            print(f"kept {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
