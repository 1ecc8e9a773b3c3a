"""Pasting a whole error message into the site search finds its entry first.

Every message of data/errors.yml is sent, as a reader would paste it
(prefixes, quotes, colons, hex values, paths), to the site's own search
worker in one browser page; the first result must be the message's entry on
its layer's page of the error atlas. A few messages also go through the search box
itself, to check that the page hands the query to the worker unchanged.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from macros import atlas

pytestmark = pytest.mark.system

ROOT = Path(__file__).resolve().parents[2]


def entry_page(layer: str) -> str:
    """Where an entry is shown in full: one page per layer (macros/atlas.py entry_page)."""
    return f"hands-on/errors/{layer}/"

# Runs in the page: start the site's search worker with the site's index,
# then send each query and collect the first result's location.
WORKER_SCRIPT = """
async ([workerUrl, indexUrl, queries]) => {
  const index = await (await fetch(indexUrl)).json();
  const worker = new Worker(workerUrl);
  const next = () => new Promise(resolve => worker.addEventListener("message", ev => resolve(ev.data), {once: true}));
  let ready = next();
  worker.postMessage({type: 0, data: {config: index.config, docs: index.docs, options: {suggest: true}}});  // SETUP, as the page sends it
  await ready;                                          // READY
  const out = [];
  for (const q of queries) {
    const result = next();
    worker.postMessage({type: 2, data: q});             // QUERY
    const msg = await result;                           // RESULT
    const items = (msg.data && msg.data.items) || [];
    out.push(items.slice(0, 3).map(group => group[0] && group[0].location));
  }
  worker.terminate();
  return out;
}
"""


# Messages as they are often pasted: with a dmesg time stamp, a journal or
# libvirt log prefix, the "error: " virsh adds, or only the distinctive part.
DECORATED = [
    ("vmx-disabled-by-bios", "[    7.184503] kvm_intel: VMX not enabled (by BIOS) in MSR_IA32_FEAT_CTL on CPU 3"),
    ("kvm-entry-failed", "Dec 01 05:00:12 host qemu-system-x86_64[4242]: KVM: entry failed, hardware error 0x80000021"),
    ("network-default-inactive", "error: Requested operation is not valid: network 'default' is not active"),
    ("kvm-permission-denied", "qemu-system-x86_64: Could not access KVM kernel module: Permission denied"),
    ("vfio-group-not-viable", "vfio 0000:03:00.0: group 14 is not viable"),
    ("libvirt-state-change-lock", "cannot acquire state change lock (held by monitor=remoteDispatchDomainBlockJobAbort agent=remoteDispatchDomainShutdown)"),
    ("guest-soft-lockup", "[ 1234.567890] watchdog: BUG: soft lockup - CPU#0 stuck for 22s! [swapper/0:0]"),
    ("qemu-write-lock", 'qemu-system-x86_64: -drive file=/srv/vm/disk.qcow2,if=virtio: Failed to get "write" lock'),
]


@pytest.fixture(scope="module")
def entries():
    return atlas.load_atlas(ROOT)[0]


def test_every_pasted_message_finds_its_entry_first(page, base_url, entries):
    page.goto(base_url)
    # The worker's file name carries a hash; read it from the built site's config.
    config = json.loads(page.eval_on_selector("#__config", "el => el.textContent"))
    worker_url = page.evaluate("u => new URL(u, location.href).href", config["search"])
    index_url = page.evaluate("() => new URL('search/search_index.json', __md_scope).href")
    cases = [(e["id"], e["message"]) for e in entries] + DECORATED
    firsts = page.evaluate(WORKER_SCRIPT, [worker_url, index_url, [q for _id, q in cases]])
    wrong = []
    layer = {e["id"]: e["layer"] for e in entries}
    for (entry_id, query), top in zip(cases, firsts):
        if not top or top[0] != f"{entry_page(layer[entry_id])}#{entry_id}":
            wrong.append(f"{entry_id}: {query!r}: first results {top}")
    found = len(cases) - len(wrong)
    print(f"\npaste search: {found}/{len(cases)} pasted messages found their entry first "
          f"({len(entries)} catalogue messages, {len(DECORATED)} pasted with the text around them)")
    assert not wrong, f"{len(wrong)} of {len(cases)} pasted messages do not lead to their entry:\n" + "\n".join(wrong)


@pytest.mark.parametrize("entry_id", ["kvm-entry-failed", "vfio-group-not-viable", "kvm-permission-denied"])
def test_pasting_into_the_search_box(page, base_url, entries, entry_id):
    entry = next(e for e in entries if e["id"] == entry_id)
    message = entry["message"]
    page.goto(base_url)
    box = page.locator("input.md-search__input")
    box.click()
    box.fill(message)
    box.press("End")  # Material reacts to key events, not only to input
    page.wait_for_selector(".md-search-result__item", timeout=20_000)
    # Material shows each page first, then its best-matching sections: the
    # first section link of the first page is the first result.
    first = page.eval_on_selector(".md-search-result__item", "el => [...el.querySelectorAll('a')].map(a => a.href)")
    section = next((h for h in first if "#" in h), None)
    assert section and entry_page(entry["layer"]) in section and section.endswith(f"#{entry_id}"), f"{message!r}: first results {first[:3]}"
