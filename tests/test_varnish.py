"""
End to end through a real Varnish (docs/varnish/newsroom.vcl, Debian's varnish and
varnish-modules): readers are served from it, an edit reaches the next reader, and a page
that does not show what changed stays cached.
"""

import json
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from articles import services
from articles.models import LiveEntry
from tests import factories

ROOT = Path(__file__).resolve().parent.parent
VARNISHD = shutil.which("varnishd") or "/usr/sbin/varnishd"
XKEY = Path("/usr/lib/x86_64-linux-gnu/varnish/vmods/libvmod_xkey.so")

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not Path(VARNISHD).exists(), reason="varnishd not installed (apt-get install varnish)"
    ),
]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def varnish(live_server, tmp_path, settings):
    """A varnishd in front of the live server, stopped by its PID afterwards; its address."""
    if not any(Path("/usr/lib").glob("*/varnish/vmods/libvmod_xkey.so")):
        pytest.skip("Varnish's xkey module not installed (apt-get install varnish-modules)")
    backend = urlsplit(live_server.url)
    vcl = (ROOT / "docs/varnish/newsroom.vcl").read_text()
    vcl = vcl.replace('.host = "127.0.0.1"', f'.host = "{backend.hostname}"')
    vcl = vcl.replace('.port = "8000"', f'.port = "{backend.port}"')
    (tmp_path / "test.vcl").write_text(vcl)
    port = free_port()
    process = subprocess.Popen(
        [
            VARNISHD,
            "-F",
            "-j",
            "none",
            "-n",
            str(tmp_path / "varnish"),
            "-a",
            f"127.0.0.1:{port}",
            "-T",
            "none",
            "-f",
            str(tmp_path / "test.vcl"),
            "-s",
            "malloc,64m",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            if process.poll() is not None:
                pytest.fail(f"varnishd did not start: {process.stderr.read().decode()}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                time.sleep(0.1)
        settings.NEWSROOM_FRONT_CACHE_URLS = [url]
        settings.NEWSROOM_SHARED_CACHE_SECONDS = 3600
        settings.ALLOWED_HOSTS = ["*"]
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stderr.close()


def get(url, **headers):
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.headers["X-Cache"], response.read().decode()


def test_an_edit_reaches_the_next_reader_through_varnish_and_nothing_else_is_purged(varnish):
    edited = factories.ArticleFactory(headline="First headline", slug="edited")
    other = factories.ArticleFactory(headline="Untouched story", slug="untouched")
    edited_url, other_url = varnish + edited.get_absolute_url(), varnish + other.get_absolute_url()

    assert get(edited_url)[0] == "MISS"
    assert get(other_url)[0] == "MISS"
    state, page = get(edited_url)
    assert state == "HIT" and "First headline" in page
    assert get(other_url)[0] == "HIT"

    edited.headline = "Second headline"
    services.article_save(article=edited)

    state, page = get(edited_url)
    assert state == "MISS" and "Second headline" in page
    assert get(edited_url)[0] == "HIT"
    assert get(other_url)[0] == "HIT"


def test_signed_in_users_and_their_cookies_pass_through(varnish):
    story = factories.ArticleFactory(slug="story")
    url = varnish + story.get_absolute_url()
    get(url)

    assert get(url, Cookie="sessionid=abc")[0] == "MISS"
    assert get(url, Cookie="sessionid=abc")[0] == "MISS"
    # Any other cookie is dropped: the reader gets the shared page.
    assert get(url, Cookie="theme=dark")[0] == "HIT"


def test_only_the_site_may_purge_and_it_must_name_keys(varnish):
    request = urllib.request.Request(varnish + "/", method="PURGE")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=5)
    refused.value.close()
    assert refused.value.code == 400


def test_a_live_blogs_updates_are_shared_by_readers_until_one_is_posted(varnish):
    blog = factories.ArticleFactory(slug="live", article_type="live")
    story = factories.ArticleFactory(slug="story")
    first = services.live_entry_save(entry=LiveEntry(article=blog, body="<p>First.</p>"))
    answer = f"{varnish}/articles/live/updates/?after={first.pk}"
    page = varnish + story.get_absolute_url()
    get(page)

    assert get(answer)[0] == "MISS"
    state, body = get(answer)
    assert state == "HIT" and json.loads(body)["updates"] == []

    second = services.live_entry_save(entry=LiveEntry(article=blog, body="<p>Second.</p>"))

    state, body = get(answer)
    assert state == "MISS"
    assert [update["id"] for update in json.loads(body)["updates"]] == [second.pk]
    # Another story's page is not purged by the blog's update.
    assert get(page)[0] == "HIT"
