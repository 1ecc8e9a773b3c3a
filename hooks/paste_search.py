"""Let readers paste a whole error message into the site search.

Material's search passes the query to lunr, whose query syntax gives meaning
to characters that error messages are full of: ``word:`` selects a field
(``qemu-system-x86_64: ...``, ``error: ...``), a leading ``-`` excludes a word
(``-device``), ``"`` starts a phrase, ``*``, ``^``, ``~`` and ``+`` are
operators. A pasted message then finds nothing, or the wrong page.

After the build this hook patches Material's search worker in the built
site (the theme's own files are untouched):

1. The search worker reads every query as plain words: the characters
   above are turned into spaces before Material's own query handling runs
   (``kbPlainQuery``). Words are still matched as prefixes, as before.
2. Results are re-ranked when the query has three words or more: a
   section whose title *is* the query (after dropping punctuation and case)
   comes first, then sections whose whole title (three words or more)
   occurs in the query (a message pasted with extra text around it),
   longest first, then, for queries of five words or more, sections with
   at least 60 % of their title's words in the query (the same message
   with other values: CPU numbers, PIDs, addresses; numbers are ignored). lunr's scores
   cannot do this: for "Failed to get "write" lock" it scores the entry of
   'Failed to get shared "write" lock' the same, and a longer message that
   quotes a shorter one (libvirt quoting QEMU) ties with it. Queries of one
   or two words keep lunr's order.
Each patch must apply, or the build fails naming this file, so a Material
upgrade cannot silently drop it. tests/browser/test_paste_search.py pastes
every message of data/errors.yml and checks that its entry comes first.
"""
from __future__ import annotations

from pathlib import Path

from mkdocs.exceptions import PluginError

# Runs in the worker before Material's query handling (its search(e) method).
PLAIN_QUERY_JS = (
    "function kbPlainQuery(q){"
    # lunr operators and field separators become word breaks
    "return String(q).replace(/[:\"`+\\-~^*\\\\]/g,\" \").replace(/\\s+/g,\" \").trim()"
    "}"
)
RERANK_JS = (
    "function kbNorm(t){"
    "return String(t).replace(/<[^>]*>|&#?\\w+;/g,\" \").toLowerCase().replace(/[^\\p{L}\\p{N}]+/gu,\" \").trim()"
    "}"
    # words that identify a message: numbers are example values, they vary
    "function kbWords(t){return new Set(t.split(\" \").filter(w=>w&&!/^\\d+$/.test(w)))}"
    "function kbExact(q,qw,doc){"
    "const t=kbNorm(doc.title);if(!t)return 0;"
    "if(t===q)return 4;"
    "const tw=kbWords(t);if(tw.size<3)return 0;"
    "if((\" \"+q+\" \").includes(\" \"+t+\" \"))return 2+t.length/q.length;"
    "if(qw.size<5)return 0;"
    "let n=0;for(const w of tw)if(qw.has(w))n++;"
    "return n/tw.size>=0.6?1+n/tw.size:0"
    "}"
    # How well a section's title answers the query: the share of the query's
    # words (weighted by rarity, stop words left out) that its title holds.
    "function kbIdf(s,w){const e=s.index.invertedIndex[w];let n=0;"
    "if(e)for(const f of [\"title\",\"text\"])n+=Object.keys(e[f]||{}).length;"
    "return Math.log(1+s.map.size/(n||1))}"
    "function kbHas(tw,w){for(const t of tw)if(t.startsWith(w)||(w.length>3&&t.length>2&&w.startsWith(t)))return true;return false}"
    "function kbCover(s,q,p){"
    # comparison connectors ("kvm vs virtualbox") say nothing about the topic
    "const ws=[...new Set(q.split(\" \"))].filter(w=>w&&lunr.stopWordFilter(w)&&!/^(vs|versus|difference|compared?)$/.test(w));"
    "if(!ws.length)return()=>0;"
    "const idf=new Map(ws.map(w=>[w,kbIdf(s,w)])),all=[...idf.values()].reduce((a,b)=>a+b,0);"
    "const memo=new Map();"
    "return d=>{if(memo.has(d.location))return memo.get(d.location);"
    "const o=s.map.get(d.location)||d,tx=String(o.text||\"\");"
    # a Chinese query is matched against the section's 中文 line (keywords_zh, FAQ zh)
    "const zh=/^<p>\\u200b?中文/.test(tx)?tx.slice(0,tx.indexOf(\"</p>\")).replace(/\\u200b/g,\"\"):\"\";"
    "const tw=kbNorm(d.title).split(\" \");let n=0;"
    "const th=tw.join(\"\");"
    "for(const w of ws)if(/\\p{sc=Han}/u.test(w)?(zh.includes(w)||th.includes(w)):kbHas(tw,w))n+=idf.get(w);"
    "let v=Math.round(4*n/all)/4;"
    # the query as typed (an ioctl, an option, a command) in the section
    "if(p.length>5){const lt=String(o.title||\"\").toLowerCase();"
    "if(lt.includes(p))v+=1;else if(tx.toLowerCase().includes(p))v+=0.5}"
    # a Chinese query found whole in the title or the 中文 line (jieba split it)
    "if(/\\p{sc=Han}/u.test(p)){const pn=p.replace(/[\\s\\u200b]/g,\"\"),"
    "hz=(zh+\" \"+String(o.title||\"\")).toLowerCase().replace(/[\\s\\u200b]/g,\"\");"
    "if(pn.length>=2&&hz.includes(pn))v+=1}"
    "memo.set(d.location,v);return v}"
    "}"
    "function kbRerank(query,result,s){"
    "const q=kbNorm(query),qw=kbWords(q);"
    "if(!q||!result||!result.items)return result;"
    "const long=q.split(\" \").length>=3,cov=s?kbCover(s,q,String(query).toLowerCase().replace(/\\s+/g,\" \").trim()):()=>0;"
    # an English query never lands on the Chinese edition first (its zh/ pages)
    "const zq=/\\p{sc=Han}/u.test(q);"
    "const key=d=>[zq||!String(d.location).startsWith(\"zh/\")?1:0,long?kbExact(q,qw,d):0,cov(d),d.score||0];"
    "const cmp=(a,b)=>{for(let i=0;i<4;i++)if(a[i]!==b[i])return b[i]-a[i];return 0};"
    "for(const g of result.items)g.sort((a,b)=>cmp(key(a),key(b)));"
    "result.items.sort((a,b)=>cmp(key(a[0]),key(b[0])));"
    "return result"
    "}"
)
SEARCH_METHOD = "search(e){if(e=e.replace("
PATCHED_METHOD = "search(e){return kbRerank(e,this.kbSearch(e),this)}kbSearch(e){if(e=kbPlainQuery(e),e=e.replace("


def patch_worker(site_dir: Path) -> None:
    workers = list((site_dir / "assets" / "javascripts" / "workers").glob("search.*.min.js"))
    if len(workers) != 1:
        raise PluginError(f"hooks/paste_search.py: expected one Material search worker, found {len(workers)}")
    worker = workers[0]
    text = worker.read_text(encoding="utf-8")
    if PATCHED_METHOD in text:
        return
    if text.count(SEARCH_METHOD) != 1:
        raise PluginError(
            f"hooks/paste_search.py: Material's search worker ({worker.name}) no longer contains "
            f"'{SEARCH_METHOD}' exactly once; update the patch for the new Material release"
        )
    text = PLAIN_QUERY_JS + ";" + RERANK_JS + ";" + text.replace(SEARCH_METHOD, PATCHED_METHOD)
    worker.write_text(text, encoding="utf-8")
    sourcemap = worker.with_name(worker.name + ".map")
    if sourcemap.exists():  # it would describe the unpatched file
        sourcemap.unlink()
        worker.write_text(text.replace(f"//# sourceMappingURL={sourcemap.name}", ""), encoding="utf-8")


def on_post_build(config, **kwargs) -> None:
    site_dir = Path(config["site_dir"])
    patch_worker(site_dir)
