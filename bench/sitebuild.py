"""
The site bench/delivery.py measures: its environment (production mode, everything in one
temporary folder), its build from a generated archive, and what is read from that archive
(articles, a fixture of its first N articles, a search query).
"""

import json
import re
import sys

from import_archive import bench_env, manage


def site_env(work, database_url, cache_url):
    """The environment of every manage.py command and server: production mode, all in `work`."""
    return bench_env(work, database_url, cache_url)


def site_build(fixture, env, work, *, clear_cache=False):
    """Build the site from `fixture`, printing each step's time; return {step: seconds}."""
    steps = [
        ("migrate", ["migrate", "--no-input", "-v", "0"]),
        ("import_articles", ["import_articles", str(fixture), "--no-progress"]),
        ("make_renditions", ["make_renditions"]),
        ("search_index", ["search_index"]),
        ("collectstatic", ["collectstatic", "--no-input", "-v", "0"]),
        ("queued tasks", ["db_worker", "--batch", "--no-startup-delay", "--no-reload"]),
    ]
    if clear_cache:
        clear = "from django.core.cache import cache; cache.clear()"
        steps.insert(0, ("cache clear", ["shell", "-c", clear]))
    times = {}
    for name, arguments in steps:
        print(f"  {name}…", end=" ", file=sys.stderr, flush=True)
        slug = re.sub(r"\W+", "-", name)
        times[name] = manage(arguments, env=env, work=work, name=slug).seconds
        print(f"{times[name]:.1f} s", file=sys.stderr)
    return times


def archive_articles(fixture):
    """The article records of a fixture bench/import_archive.py wrote (one a line)."""
    with fixture.open(encoding="utf-8") as lines:
        for line in lines:
            if line.startswith('{"slug": '):
                yield json.loads(line.rstrip().removesuffix(","))


def fixture_prefix(fixture, articles):
    """A fixture of the first `articles` articles of `fixture`, beside it (same photos)."""
    path = fixture.with_name(f"archive-{articles}.json")
    with fixture.open(encoding="utf-8") as source, path.open("w", encoding="utf-8") as out:
        # Related links point to earlier articles only, so any prefix is a whole archive.
        out.write(source.readline() + source.readline())
        for number in range(articles):
            line = source.readline().rstrip().removesuffix(",")
            out.write(("" if number == 0 else ",\n") + line)
        out.write("\n]}\n")
    return path


def search_query(records, sample=2000):
    """Two words of one headline that occur together in as few articles as any such pair."""
    texts = []
    for record in records[:sample]:
        text = " ".join((record["headline"], record["standfirst"], record["body"]))
        texts.append(set(re.findall(r"[a-z]{4,}", text.lower())))
    best = None
    for record in records[:200]:
        heads = sorted(set(re.findall(r"[a-z]{4,}", record["headline"].lower())))
        for i, first in enumerate(heads):
            for second in heads[i + 1 :]:
                count = sum(1 for found in texts if first in found and second in found)
                if best is None or count < best[0]:
                    best = (count, f"{first} {second}")
    return best[1]
