"""No URL serves MEDIA_ROOT, not even with DEBUG on; the embedded default runs with DEBUG off and still
serves its static files (docs/adr/0008-serving-uploaded-files.md)."""

import importlib
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import Resolver404, clear_url_caches, resolve


@pytest.fixture
def debug_urls(settings: Any) -> Iterator[Any]:
    """config.urls as it is built with DEBUG on (as `make run` used to be)."""
    import config.urls

    settings.DEBUG = True
    clear_url_caches()
    yield importlib.reload(config.urls)
    settings.DEBUG = False
    importlib.reload(config.urls)
    clear_url_caches()


def test_no_media_url_even_with_debug_on(debug_urls: Any, settings: Any, tmp_path: Any, db: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    name = default_storage.save("grants/2026/12/evidence.pdf", ContentFile(b"%PDF-1.4 secret\n%%EOF\n"))
    assert not any("media" in str(p.pattern) for p in debug_urls.urlpatterns)
    with pytest.raises(Resolver404):
        resolve(f"/media/{name}")
    response = Client().get(f"/media/{name}")
    assert response.status_code == 404 and b"secret" not in response.content


def test_the_embedded_default_has_debug_off_unless_asked(monkeypatch: Any) -> None:
    import config.settings.local as local

    monkeypatch.delenv("DEBUG", raising=False)
    assert importlib.reload(local).DEBUG is False
    assert {"127.0.0.1", "localhost"} <= set(local.ALLOWED_HOSTS)
    monkeypatch.setenv("DEBUG", "1")
    assert importlib.reload(local).DEBUG is True
    monkeypatch.delenv("DEBUG")
    importlib.reload(local)


def test_static_files_are_served_with_debug_off(client: Any, settings: Any) -> None:
    assert settings.DEBUG is False
    response = client.get("/static/bootstrap/css/bootstrap.min.css")
    assert response.status_code == 200
    assert b"bootstrap" in b"".join(response.streaming_content)[:400].lower()
