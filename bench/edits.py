"""
An editor at work, for bench/delivery.py's hit ratio: for SECONDS, once a second, give one
published article picked at random a new headline through the write path
(`services.article_save`), and right after the save returns fetch its page from the site at
URL and check the new headline is on it. Prints "ready" once set up, then at the end one JSON
line: saves, stale pages, failed fetches.

    DJANGO_SETTINGS_MODULE=newsroom.settings (and the site's env) \
        python bench/edits.py URL SECONDS
"""

import json
import random
import re
import sys
import time
import urllib.error
import urllib.request

import django

django.setup()

from django.utils.html import escape  # noqa: E402

from articles import services  # noqa: E402
from articles.models import Article  # noqa: E402

EDITED = re.compile(r" \(edit \d+\)$")


def main():
    url, seconds = sys.argv[1], float(sys.argv[2])
    rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
    ids = list(Article.objects.published().values_list("pk", flat=True))
    saves = stale = failed = 0
    save_ms, examples = [], []
    print("ready", flush=True)
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        tick = time.monotonic()
        article = Article.objects.get(pk=rng.choice(ids))
        article.headline = f"{EDITED.sub('', article.headline)} (edit {saves + 1})"
        services.article_save(article=article)
        save_ms.append((time.monotonic() - tick) * 1000)
        saves += 1
        try:
            with urllib.request.urlopen(url + article.get_absolute_url(), timeout=30) as answer:
                page = answer.read().decode()
        except (urllib.error.URLError, OSError) as error:
            failed += 1
            examples.append(f"{article.get_absolute_url()}: {error}")
        else:
            if escape(article.headline) not in page:
                stale += 1
                examples.append(f"{article.get_absolute_url()}: stale")
        time.sleep(max(0.0, 1.0 - (time.monotonic() - tick)))
    save_ms.sort()
    result = {
        "saves": saves,
        "stale": stale,
        "failed": failed,
        "save_ms_p50": save_ms[len(save_ms) // 2] if save_ms else None,
        "examples": examples[:5],
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
