"""The offline copy of the site (MkDocs hook; see scripts/build_offline.py).

``KVMKB_OFFLINE=true`` switches on Material's ``offline`` plugin (mkdocs.yml):
plain ``.html`` links that work from ``file://`` and the search index inlined
into ``search/search_index.js``. Search runs in a Web Worker, which a browser
will not start from ``file://``; the plugin adds a shim that runs it in an
iframe instead, loaded from unpkg.com. This hook loads the vendored copy
(docs/assets/vendor/iframe-worker/) so the copy works with no network.

``KVMKB_OFFLINE_ZIP=<path>`` (set by ``make publish``) puts an already built
offline zip into the online site and links it from the footer.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

from mkdocs.exceptions import PluginError

SHIM_CDN = "https://unpkg.com/iframe-worker/shim"
SHIM_LOCAL = "assets/vendor/iframe-worker/shim.js"
ZIP_NAME = "kvm-knowledge-base-offline.zip"


def _zip_path() -> Path | None:
    value = os.environ.get("KVMKB_OFFLINE_ZIP", "").strip()
    if not value:
        return None
    path = Path(value)
    if not path.is_file():
        raise PluginError(f"KVMKB_OFFLINE_ZIP={value}: no such file; run make offline first")
    return path


def on_config(config, **kwargs):
    polyfills = config.extra.get("polyfills") or []
    config.extra["polyfills"] = [SHIM_LOCAL if str(p).startswith(SHIM_CDN) else p for p in polyfills]
    if _zip_path():
        config.extra["kb_offline_zip"] = ZIP_NAME
    return config


def on_post_build(config, **kwargs):
    path = _zip_path()
    if path:
        shutil.copyfile(path, Path(config.site_dir) / ZIP_NAME)
