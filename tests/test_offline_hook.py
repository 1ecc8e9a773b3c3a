"""hooks/offline.py: the vendored Web Worker shim and the zip offered by make publish."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from mkdocs.exceptions import PluginError

from hooks import offline
from sitebuild import ROOT


def config(tmp_path, polyfills=None):
    return SimpleNamespace(extra={"polyfills": list(polyfills or [])}, site_dir=str(tmp_path / "site"))


def test_worker_shim_comes_from_the_site_not_unpkg(tmp_path, monkeypatch):
    monkeypatch.delenv("KVMKB_OFFLINE_ZIP", raising=False)
    cfg = offline.on_config(config(tmp_path, [offline.SHIM_CDN]))
    assert cfg.extra["polyfills"] == [offline.SHIM_LOCAL]
    assert (ROOT / "docs" / offline.SHIM_LOCAL).is_file(), "run make vendor: the iframe-worker shim is not vendored"
    assert "kb_offline_zip" not in cfg.extra


def test_publish_puts_the_zip_in_the_site_and_links_it(tmp_path, monkeypatch):
    archive = tmp_path / "copy.zip"
    archive.write_bytes(b"PK\x05\x06" + b"\0" * 18)
    monkeypatch.setenv("KVMKB_OFFLINE_ZIP", str(archive))
    cfg = offline.on_config(config(tmp_path))
    assert cfg.extra["kb_offline_zip"] == offline.ZIP_NAME
    (tmp_path / "site").mkdir()
    offline.on_post_build(cfg)
    assert (tmp_path / "site" / offline.ZIP_NAME).read_bytes() == archive.read_bytes()


def test_publish_without_the_zip_says_what_to_run(tmp_path, monkeypatch):
    monkeypatch.setenv("KVMKB_OFFLINE_ZIP", str(tmp_path / "missing.zip"))
    with pytest.raises(PluginError, match="make offline"):
        offline.on_config(config(tmp_path))


def test_footer_links_the_zip_only_when_there_is_one():
    footer = (ROOT / "overrides" / "partials" / "copyright.html").read_text()
    assert "{% if config.extra.kb_offline_zip %}" in footer and "download" in footer
