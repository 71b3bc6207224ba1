import re

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_demo_editor_prints_a_login_that_works(client, capsys):
    call_command("demo_editor")

    out = capsys.readouterr().out
    username, password = re.search(r"as “(.+?)” with password “(.+?)”", out).groups()
    user = authenticate(username=username, password=password)
    assert user is not None and user.is_staff
    assert user.has_perm("articles.change_article")
    client.force_login(user)
    assert client.get("/admin/articles/article/add/").status_code == 200


def test_demo_editor_again_resets_the_password(capsys):
    call_command("demo_editor")
    first = re.search(r"password “(.+?)”", capsys.readouterr().out).group(1)

    call_command("demo_editor")
    second = re.search(r"password “(.+?)”", capsys.readouterr().out).group(1)

    assert first != second
    assert authenticate(username="editor", password=first) is None
    assert authenticate(username="editor", password=second) is not None


def test_models_and_migrations_agree():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
