"""Which requests the page cache may answer, and the name each page is kept under."""

import pytest

from articles.caching import address


def environ(path="/articles/a-story/", query="", **extra):
    return {
        "REQUEST_METHOD": "GET",
        "SCRIPT_NAME": "",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "HTTP_HOST": "news.example",
        "wsgi.url_scheme": "http",
        **extra,
    }


@pytest.mark.parametrize("query", ["", "page=2", "p=3", "page=2&p=1", "page=999999", "pa%67e=2"])
def test_a_page_number_at_most_may_be_answered_from_the_cache(query):
    assert address.cacheable(environ(query=query))


@pytest.mark.parametrize(
    "query",
    [
        "q=budget",
        "page=2&page=3",
        "page=0",
        "page=02",
        "page=1000000",
        "page=",
        "page",
        "page=1%0A",
        "page=%D9%A3",  # An Arabic-Indic three: a digit, but not one of ours.
        "page=1&utm_source=x",
        "page=1;q=x",
    ],
)
def test_any_other_query_goes_to_django(query):
    assert not address.cacheable(environ(query=query))


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "OPTIONS", "PATCH", ""])
def test_only_get_and_head_may_be_answered(method):
    assert not address.cacheable(environ(REQUEST_METHOD=method))
    assert address.cacheable(environ(REQUEST_METHOD="HEAD"))


def test_a_signed_in_session_goes_to_django(settings):
    assert not address.cacheable(environ(HTTP_COOKIE="theme=dark; sessionid=abc"))
    # A cookie whose name merely holds the session cookie's is a reader's.
    assert address.cacheable(environ(HTTP_COOKIE="mysessionid_x=abc; csrftoken=t"))
    assert address.cacheable(environ(HTTP_COOKIE="garbage;;=;sessionid"))


def test_static_and_uploaded_files_are_not_pages(settings):
    assert not address.cacheable(environ(path=settings.STATIC_URL + "site.css"))
    assert not address.cacheable(environ(path=settings.MEDIA_URL + "photos/a.jpg"))


def test_no_name_while_the_page_cache_is_off(settings):
    assert address.kept_name(environ()) is not None
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
    assert address.kept_name(environ()) is None


def test_every_part_of_the_address_tells_pages_apart():
    names = {
        address.page_name(environ()),
        address.page_name(environ(query="page=2")),
        address.page_name(environ(path="/articles/another/")),
        address.page_name(environ(HTTP_HOST="other.example")),
        address.page_name(environ(**{"wsgi.url_scheme": "https"})),
        address.page_name(environ(SCRIPT_NAME="/news")),
    }
    assert len(names) == 6
    # Only what the address is made of counts.
    assert address.page_name(environ(HTTP_COOKIE="a=b", HTTP_ACCEPT="*/*")) == address.page_name(
        environ()
    )


def test_the_host_and_scheme_are_read_as_django_reads_them(settings, rf):
    proxied = environ(HTTP_X_FORWARDED_HOST="public.example", HTTP_X_FORWARDED_PROTO="https")
    # Unless the settings trust the proxy, its headers change nothing.
    assert address.page_name(proxied) == address.page_name(environ())
    settings.USE_X_FORWARDED_HOST = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.ALLOWED_HOSTS = ["public.example", "news.example"]
    assert address.page_name(proxied) == address.page_name(
        environ(HTTP_HOST="public.example", **{"wsgi.url_scheme": "https"})
    )
    request = rf.get("/articles/a-story/", HTTP_HOST="news.example", secure=True)
    assert f"{request.scheme}://{request.get_host()}" == "https://news.example"
    assert address.page_name(request.META) == address.page_name(
        environ(**{"wsgi.url_scheme": "https"})
    )


def test_without_a_host_header_the_server_name_stands_for_it():
    bare = environ()
    del bare["HTTP_HOST"]
    assert address.page_name(bare) == address.page_name(environ(HTTP_HOST="testserver"))
    odd_port = {**bare, "SERVER_PORT": "8000"}
    assert address.page_name(odd_port) == address.page_name(environ(HTTP_HOST="testserver:8000"))


def test_an_address_that_is_not_text_still_has_a_name():
    # PATH_INFO holds the address's bytes as latin-1; a lone surrogate cannot hurt either.
    assert address.page_name(environ(path="/articles/\xc3\xa9t\xc3\xa9/")).startswith("newsroom:")
    assert address.page_name(environ(path="/articles/\udcff/")).startswith("newsroom:")
