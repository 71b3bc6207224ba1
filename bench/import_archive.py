"""
Import speed: `manage.py import_articles` on a generated news archive, imported twice.

    .venv/bin/python bench/import_archive.py [--articles N] [--json] [--keep] [--out DIR]
    .venv/bin/python bench/import_archive.py --database-url postgres://postgres@127.0.0.1:5432
    .venv/bin/python bench/import_archive.py --generate-only DIR [--articles N]

1. Writes one fixture file in our format (docs/fixture-format.md) shaped like a real archive:
   8 sections, 4 agencies, 50 distinct 2400x1350 JPEG photos, 200 authors and N articles (default
   10000), each with a 20-paragraph body, a lead photo, bylines, 3 tags of 500 and 3 "Read more"
   links. Everything comes from a seeded random.Random: the same N gives the same file.
2. Migrates a fresh database (SQLite in the temporary folder, or a throwaway PostgreSQL database
   made beside the one --database-url names and dropped afterwards), then imports an empty file
   (the command's start-up), the archive (everything is created), and the archive again
   (nothing changes), and prints the wall time, articles per second and peak memory of each.

The project's db.sqlite3, media/ and .env are never used. Exits 1, with the end of the
command's stderr, when an import fails; the folder is then kept for a look at the fixture.
"""

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
SEED = 20241017
PHOTO_COUNT = 50
PHOTO_SIZE = (2400, 1350)
AUTHOR_COUNT = 200
PARAGRAPHS = 20
ARCHIVE_START = datetime(2012, 1, 1, tzinfo=UTC)
ARCHIVE_END = datetime(2025, 1, 1, tzinfo=UTC)

SECTIONS = ["World", "Politics", "Business", "Science", "Technology", "Sport", "Culture", "Opinion"]
AGENCIES = [
    ("ap", "The Associated Press", "AP"),
    ("reuters", "Reuters", "Reuters"),
    ("afp", "Agence France-Presse", "AFP"),
    ("aap", "Australian Associated Press", "AAP"),
]
# The word lists below are written as text and split (noqa SIM905): easier to read and edit
# than list literals, which would take a line per word.
FIRST_NAMES = (  # noqa: SIM905
    "Angela Ben Chloe Daniel Elena Farid Grace Hamish Ines Jonas Kiri Liam Maya Nadia Oscar "
    "Priya Quentin Rosa Samuel Tahlia Umar Vera William Xin Yusuf Zoe Amara Bruno Carmen Dmitri"
).split()
LAST_NAMES = (  # noqa: SIM905
    "Skujins Okafor Lindqvist Moreau Tanaka Novak Fischer Haddad Kowalski Brennan Silva Osei "
    "Petrov Nguyen Walsh Rossi Jensen Mbeki Larsen Costa Dubois Kaur Murphy Sato Ferreira"
).split()
PLACES = (  # noqa: SIM905
    "Brussels Kyiv Canberra Nairobi Jakarta Lagos Lima Oslo Manila Warsaw Seoul Dhaka Hanoi "
    "Quito Accra Tbilisi Helsinki Santiago Ottawa Auckland Cairo Delhi Madrid Vienna Dublin"
).split()
TOPICS = (  # noqa: SIM905
    "elections budget drought floods housing energy trade health schools tourism mining "
    "transport wages courts fisheries farming police startups football festival"
).split()
WORDS = (  # noqa: SIM905
    "the government said on Thursday that its plan would cut costs for families and businesses "
    "after months of talks with unions while critics warned the measures came too late for many "
    "households already struggling with rising prices minister officials council report data "
    "showed growth slowed in the third quarter as exports fell and investment stalled despite "
    "hopes of a recovery analysts expect the central bank to hold rates steady next month police "
    "confirmed an investigation into the incident which left several people injured residents "
    "described scenes of chaos near the station emergency crews worked through the night to "
    "restore power scientists found evidence that warming seas are changing fish migration along "
    "the coast researchers published the study in a leading journal this week the team plans "
    "further surveys in spring coach players season match final win loss goal injury club fans "
    "stadium record crowd festival audience artists gallery exhibition opens new work by young "
    "painters from across the region company shares rose sharply in early trading after profits "
    "beat forecasts chief executive said demand remained strong across markets the opposition "
    "leader called for an inquiry into spending decisions made before the vote parliament debate "
    "committee hearing witnesses evidence documents lawyers court ruled appeal judge decision "
    "community leaders welcomed the funding but said more support was needed for rural areas"
).split()


# The archive


def sentence(rng, low=8, high=22):
    """One capitalised sentence of realistic-looking words, now and then naming a place."""
    words = rng.choices(WORDS, k=rng.randint(low, high))
    if rng.random() < 0.4:
        words.insert(rng.randrange(1, len(words)), rng.choice(PLACES))
    if len(words) > 12 and rng.random() < 0.5:
        words[len(words) // 2] += ","
    text = " ".join(words)
    return text[0].upper() + text[1:] + "."


def slugify(text):
    """Lower-case words joined by hyphens: what the fixture's slug pattern accepts."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def iso(moment):
    """ISO 8601 with the +00:00 offset the importer requires."""
    return moment.isoformat(timespec="seconds")


def photo_write(path, rng):
    """A JPEG unlike every other one: a two-colour gradient, a soft light and film grain."""
    top, bottom, glow = (tuple(rng.randrange(256) for _ in range(3)) for _ in range(3))
    mask = Image.linear_gradient("L").rotate(rng.choice([0, 90, 180, 270])).resize(PHOTO_SIZE)
    picture = Image.composite(
        Image.new("RGB", PHOTO_SIZE, top), Image.new("RGB", PHOTO_SIZE, bottom), mask
    )
    diameter = rng.randrange(400, 1400)
    # Bright in the middle, dark from half-way to the edge: a round light, not a square one.
    light = Image.radial_gradient("L").point(lambda v: max(0, 255 - 2 * v))
    light = light.resize((diameter, diameter))
    corner = (rng.randrange(-200, PHOTO_SIZE[0] - 200), rng.randrange(-200, PHOTO_SIZE[1] - 200))
    picture.paste(Image.new("RGB", light.size, glow), corner, mask=light)
    # Grain from the seeded generator rather than Image.effect_noise, so files are reproducible.
    half = (PHOTO_SIZE[0] // 2, PHOTO_SIZE[1] // 2)
    grain = Image.frombytes("L", half, rng.randbytes(half[0] * half[1])).resize(PHOTO_SIZE)
    picture = Image.blend(picture, Image.merge("RGB", (grain, grain, grain)), 0.08)
    picture.save(path, "JPEG", quality=85)


def archive_generate(folder, articles):
    """Write archive.json and its images/ into `folder`; return (fixture path, record count)."""
    rng = random.Random(SEED)
    (folder / "images").mkdir(parents=True, exist_ok=True)
    sections = [
        {"slug": slugify(name), "name": name, "order": order}
        for order, name in enumerate(SECTIONS, start=1)
    ]
    agencies = [{"slug": s, "name": n, "short_name": short} for s, n, short in AGENCIES]
    people = [f"{first} {last}" for first in FIRST_NAMES for last in LAST_NAMES]
    names = rng.sample(people, AUTHOR_COUNT + 20)
    photographers, author_names = names[:20], names[20:]
    photos = []
    for number in range(1, PHOTO_COUNT + 1):
        image = f"images/archive-photo-{number:02d}.jpg"
        photo_write(folder / image, rng)
        agency = rng.choice(AGENCIES)
        taken = ARCHIVE_START + (ARCHIVE_END - ARCHIVE_START) * rng.random()
        creator = rng.choice(photographers)
        photos.append(
            {
                "id": f"archive-photo-{number:02d}",
                "image": image,
                "alt_text": sentence(rng, 6, 14),
                "caption": sentence(rng),
                "creator": creator,
                "credit_line": f"{creator}/{agency[2]}",
                "copyright_notice": f"Copyright {taken.year} {agency[1]}. All rights reserved",
                "source": agency[0],
                "taken_at": iso(taken),
                "focal_point": {"x": round(rng.random(), 3), "y": round(rng.random(), 3)},
            }
        )
    authors = [
        {
            "slug": slugify(name),
            "name": name,
            "job_title": rng.choice(["", "Reporter", "Europe correspondent", "Sport editor"]),
            "bio": sentence(rng),
        }
        for name in author_names
    ]
    tags = [f"{place} {topic}" for place in PLACES for topic in TOPICS]
    # Bodies are drawn from a pool of sentences: building every sentence afresh would make
    # generating 100,000 articles take minutes, and the importer cannot tell the difference.
    pool = [sentence(rng) for _ in range(20000)]
    fixture = folder / "archive.json"
    slugs = []
    with fixture.open("w", encoding="utf-8") as out:
        head = {
            "note": f"Generated by bench/import_archive.py (seed {SEED}): {articles} articles.",
            "sections": sections,
            "agencies": agencies,
            "photos": photos,
            "authors": authors,
        }
        # Written one article at a time: 100,000 articles never sit in memory together.
        out.write(json.dumps(head, ensure_ascii=False)[:-1] + ',\n"articles": [\n')
        span = (ARCHIVE_END - ARCHIVE_START) / max(articles, 1)
        for index in range(articles):
            headline = sentence(rng, 6, 11)[:-1]
            slug = f"{slugify(headline)[:80].strip('-')}-{index}"
            article = {
                "slug": slug,
                "headline": headline,
                "standfirst": sentence(rng, 18, 30),
                "body": "\n".join(
                    f"<p>{' '.join(rng.choices(pool, k=rng.randint(2, 4)))}</p>"
                    for _ in range(PARAGRAPHS)
                ),
                "section": rng.choice(sections)["slug"],
                "status": "published",
                "publish_at": iso(
                    ARCHIVE_START + span * index + timedelta(minutes=rng.randrange(600))
                ),
                "lead_photo": rng.choice(photos)["id"],
                "tags": rng.sample(tags, 3),
                "bylines": [{"author": rng.choice(authors)["slug"], "role": "author"}],
                "related_links": related_links(rng, slugs),
            }
            if rng.random() < 0.3:
                agency = rng.choice(AGENCIES)[0]
                article["bylines"].append({"agency": agency, "role": "contributor"})
            out.write(("" if index == 0 else ",\n") + json.dumps(article, ensure_ascii=False))
            slugs.append(slug)
        out.write("\n]}\n")
    records = len(sections) + len(agencies) + len(photos) + len(authors) + articles
    return fixture, records


def related_links(rng, earlier):
    """Three "Read more" links: mostly to earlier articles of the file, the rest elsewhere."""
    internal = min(len(earlier), rng.choice([1, 2, 2, 3]))
    links = [{"article": earlier[i]} for i in rng.sample(range(len(earlier)), internal)]
    for number in range(3 - internal):
        title = sentence(rng, 5, 10)[:-1]
        domain = rng.choice(["example.com", "example.org", "example.net"])
        url = f"https://www.{domain}/{rng.randrange(2012, 2025)}/{slugify(title)}-{number}"
        links.append({"url": url, "title": title})
    rng.shuffle(links)
    return links


# Running the command


@dataclass
class Run:
    """One measured command: wall time, peak resident memory, and its summary counts."""

    seconds: float
    peak_rss_mb: float
    articles_per_second: float | None = None
    counts: dict | None = None


SUMMARY = re.compile(r"created (\d+), updated (\d+), unchanged (\d+), failed (\d+)")


def manage(arguments, *, env, work, name):
    """Run `manage.py ARGUMENTS` as a child process and measure it; exit 1 when it fails."""
    out_path, err_path = work / f"{name}.out", work / f"{name}.err"
    with out_path.open("w") as out, err_path.open("w") as err:
        start = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "manage.py", *arguments], cwd=ROOT, env=env, stdout=out, stderr=err
        )
        # wait4() hands back the kernel's resource usage of this one child, its peak RSS
        # included. getrusage(RUSAGE_CHILDREN) would not do: its ru_maxrss is the largest of
        # every child reaped so far (migrate, the other imports), so a smaller later import
        # would be hidden, and a peak cannot be taken apart by subtraction. Polling with
        # psutil would miss short peaks between two polls.
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        tail = err_path.read_text(errors="replace").splitlines()[-25:]
        last = out_path.read_text(errors="replace").splitlines()[-1:]
        print(
            f"manage.py {' '.join(arguments)} failed with exit code {process.returncode}"
            f" after {seconds:.1f} s. End of its output:",
            *tail,
            *last,
            f"(full output in {out_path} and {err_path})",
            sep="\n",
            file=sys.stderr,
        )
        raise SystemExit(1)
    # Linux counts ru_maxrss in KiB, macOS in bytes.
    peak = usage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
    found = SUMMARY.findall(out_path.read_text(errors="replace"))
    counts = (
        dict(zip(["created", "updated", "unchanged", "failed"], map(int, found[-1]), strict=True))
        if found
        else None
    )
    return Run(seconds=seconds, peak_rss_mb=peak, counts=counts)


def postgres_database(url):
    """Create a throwaway database on the server `url` names; return (its URL, drop function)."""
    import psycopg

    parts = urlsplit(url)
    name = f"newsroom_bench_{os.getpid()}"
    # Connected to the maintenance database: the database `url` names is never touched.
    try:
        with psycopg.connect(url, dbname="postgres", autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as error:
        raise SystemExit(f"cannot create the database {name} on {url}: {error}") from None

    def drop():
        with psycopg.connect(url, dbname="postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return urlunsplit(parts._replace(path=f"/{name}")), drop


def bench_env(work, database_url, cache_url=None):
    """
    The environment of every manage.py command (and server) of a bench: production mode,
    everything in the throwaway folder `work`.
    """
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        # Production mode, as a site runs: DEBUG would keep every query's SQL in memory.
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-not-a-secret",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(work / "media"),
        "STATIC_ROOT": str(work / "static"),
        # Not the project's .env (it may name a database or a cache), nor its cache, nor a
        # shared task queue: queued tasks stay in the throwaway database, and no worker runs.
        # The cache is of the embedded default's kind (files, which the import tells of what
        # it changed), in the throwaway folder, unless another is named.
        "ENV_FILE": str(work / "no.env"),
        "CACHE_URL": cache_url or f"filecache://{work / 'cache'}",
        "TASKS_BACKEND": "database",
        # Served over plain HTTP on 127.0.0.1.
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "LOG_LEVEL": "WARNING",
    }


def benchmark(fixture, *, articles, work, database_url):
    """Migrate, then import an empty file, the archive, and the archive again; return results."""
    env = bench_env(work, database_url)
    manage(["migrate", "--no-input", "-v", "0"], env=env, work=work, name="migrate")
    empty = work / "empty.json"
    empty.write_text("{}\n")
    startup = manage(["import_articles", str(empty)], env=env, work=work, name="startup")
    runs = {"startup": startup}
    for name in ("first", "second"):
        print(f"importing {articles} articles ({name} time)…", file=sys.stderr)
        run = manage(["import_articles", str(fixture)], env=env, work=work, name=name)
        run.articles_per_second = articles / run.seconds
        runs[name] = run
    return runs


def report(runs, *, articles, records, fixture, database, as_json):
    """Print the results as a table, or as JSON."""
    first, second = runs["first"], runs["second"]
    ratio = first.seconds / second.seconds
    warnings = []
    for run, expected in ((first, "created"), (second, "unchanged")):
        counts = run.counts or {}
        if counts.get(expected) != records:
            warnings.append(
                f"expected “{expected} {records}”, the command printed {counts or 'no summary'}"
            )
    if as_json:
        results = {
            "articles": articles,
            "records": records,
            "fixture_bytes": fixture.stat().st_size,
            "database": database,
            **{name: asdict(run) for name, run in runs.items()},
            "first_to_second_time_ratio": ratio,
            "warnings": warnings,
        }
        print(json.dumps(results, indent=2))
        return
    size = fixture.stat().st_size / 1e6
    print(
        f"import_articles: {articles} articles ({records} records, {size:.1f} MB of JSON, "
        f"{PHOTO_COUNT} photos {PHOTO_SIZE[0]}x{PHOTO_SIZE[1]}), {database}"
    )
    print(f"{'':28} {'wall s':>8} {'articles/s':>11} {'peak RSS MB':>12}  summary")
    rows = (
        ("start-up (empty file)", runs["startup"]),
        ("first import", first),
        ("second import (unchanged)", second),
    )
    for label, run in rows:
        rate = f"{run.articles_per_second:11.1f}" if run.articles_per_second else f"{'-':>11}"
        counts = ", ".join(f"{k} {v}" for k, v in (run.counts or {}).items() if v) or "-"
        print(f"{label:28} {run.seconds:8.2f} {rate} {run.peak_rss_mb:12.1f}  {counts}")
    print(f"first/second time: {ratio:.2f}x")
    for warning in warnings:
        print(f"warning: {warning}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--articles", type=int, default=10000, metavar="N", help="default 10000")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--out", type=Path, metavar="DIR", help="write the archive here")
    where.add_argument(
        "--generate-only", type=Path, metavar="DIR", help="write the archive here and stop"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument(
        "--database-url",
        metavar="URL",
        help="a PostgreSQL server (postgres://USER@HOST:PORT): the imports run in a throwaway "
        "database newsroom_bench_<pid> made there and dropped afterwards",
    )
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    options = parser.parse_args()
    if options.articles < 1:
        parser.error("--articles must be at least 1")
    if options.database_url and urlsplit(options.database_url).scheme not in (
        "postgres",
        "postgresql",
    ):
        parser.error("--database-url takes a postgres:// URL (SQLite is the default)")

    started = time.perf_counter()
    if options.generate_only:
        fixture, records = archive_generate(options.generate_only.resolve(), options.articles)
        print(f"wrote {fixture}: {records} records in {time.perf_counter() - started:.1f} s")
        return

    work = Path(tempfile.mkdtemp(prefix="newsroom-import-bench-"))
    folder = options.out.resolve() if options.out else work / "archive"
    print(f"generating {options.articles} articles in {folder}…", file=sys.stderr)
    fixture, records = archive_generate(folder, options.articles)
    print(f"generated in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    drop = None
    kept = options.keep
    try:
        if options.database_url:
            database_url, drop = postgres_database(options.database_url)
            database = "PostgreSQL"
        else:
            database_url, database = f"sqlite:///{work / 'bench.sqlite3'}", "SQLite"
        try:
            runs = benchmark(
                fixture, articles=options.articles, work=work, database_url=database_url
            )
        except SystemExit:
            kept = True
            raise
        report(
            runs,
            articles=options.articles,
            records=records,
            fixture=fixture,
            database=database,
            as_json=options.json,
        )
    finally:
        if drop:
            drop()
        if kept:
            print(f"kept {work}", file=sys.stderr)
        else:
            shutil.rmtree(work)


if __name__ == "__main__":
    main()
