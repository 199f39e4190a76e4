"""Offline HTML export of an executed report notebook.

nbconvert's default ``lab`` template loads require.js and MathJax from a CDN (and mermaid.js
on demand). The shipped ``offline`` template (``templates/offline/``) extends ``lab`` and
drops all of them; CSS is inlined. The export then:

- hides every code input and every prompt (``exclude_input``, ``exclude_*_prompt``);
- removes, input *and* output, the cells tagged ``parameters``, ``injected-parameters``
  (papermill) and ``remove-cell`` (``TagRemovePreprocessor.remove_cell_tags``);
- embeds images as data URIs: outputs always are, Markdown attachments too; images that
  Markdown references by a relative path are embedded here, after conversion (nbconvert's
  own ``embed_images`` re-parses every inline HTML fragment of a Markdown cell on its own
  and so breaks inline HTML such as ``<span style=...>text</span>``: it is left off);
- shows error outputs (tracebacks) as plain text with ANSI colour codes stripped, so a
  failed run shows which cell failed and why; papermill's own red marker cells stay;
- as a last line of defence, strips from the result anything that would execute or fetch:
  ``<script>``, ``<iframe>``/``<object>``/``<embed>``, ``on*`` handlers, ``javascript:``
  links, external ``src``/``href`` on anything but ``<a>``, CSS ``@import`` and external
  ``url(...)``.

Text in DataFrames is escaped by pandas (``to_html(escape=True)``, the default), so a value
``<script>`` reaches the HTML as ``&lt;script&gt;``. HTML that a notebook emits on purpose
(``display(HTML(...))``) is trusted as written: notebooks must escape table values they
interpolate (``html.escape``).
"""

from __future__ import annotations

import base64
import mimetypes
import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import nbformat
from bs4 import BeautifulSoup
from bs4.element import Stylesheet
from nbconvert import HTMLExporter
from traitlets.config import Config

from .summary import atomic_write_text

__all__ = ["REMOVED_CELL_TAGS", "TEMPLATES_DIR", "TEMPLATE_NAME", "THEME_CSS", "export_html", "lead_with_findings",
           "make_offline", "theme_css"]

#: Directory holding the shipped nbconvert templates.
TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
#: Name of the shipped offline template.
TEMPLATE_NAME = "offline"
#: The report theme, inlined in every report and in the index page (no JupyterLab theme CSS).
THEME_CSS = TEMPLATES_DIR / "theme.css"
#: Cells with any of these tags are removed from the HTML entirely.
REMOVED_CELL_TAGS = ("parameters", "injected-parameters", "remove-cell")

_EXTERNAL = re.compile(r"^\s*(?:[a-z][a-z0-9+.\-]*:)?//", re.IGNORECASE)
_SCHEME = re.compile(r"^\s*([a-z][a-z0-9+.\-]*):", re.IGNORECASE)
_CSS_IMPORT = re.compile(r"@import\s+[^;]*;?", re.IGNORECASE)
_CSS_URL = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)", re.IGNORECASE | re.DOTALL)
_URL_ATTRS = ("src", "srcset", "href", "poster", "data", "background", "action", "formaction",
              "xlink:href", "codebase", "cite", "longdesc", "manifest", "ping", "lowsrc", "dynsrc")
_DROP_TAGS = ("script", "iframe", "frame", "frameset", "object", "embed", "applet", "base",
              "portal", "noscript")


def theme_css() -> str:
    """The report theme's CSS text (``templates/theme.css``)."""
    return THEME_CSS.read_text(encoding="utf-8")


def _is_remote(url: str) -> bool:
    """True for a URL that would make the browser contact a host (or run code)."""
    if _EXTERNAL.match(url):
        return True
    match = _SCHEME.match(url)
    if match is None:
        return False  # relative path or fragment
    return match.group(1).lower() not in ("data", "mailto", "tel")


def _clean_css(css: str) -> str:
    css = _CSS_IMPORT.sub("", css)

    def repl(m: re.Match[str]) -> str:
        return "url()" if _is_remote(m.group(2)) else m.group(0)

    css = _CSS_URL.sub(repl, css)
    return re.sub(r"expression\s*\(", "(", css, flags=re.IGNORECASE)


def _data_uri(path: Path) -> str | None:
    mime, _ = mimetypes.guess_type(path.name)
    if mime is None or not mime.startswith("image/"):
        return None
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def _embed_local_images(soup: BeautifulSoup, base_dir: Path) -> None:
    base = base_dir.resolve()
    for img in soup.find_all("img"):
        src = str(img.get("src", "")).strip()
        if not src or src.lower().startswith("data:") or _is_remote(src) or src.startswith("#"):
            continue
        candidate = (base / unquote(src.split("?", 1)[0].split("#", 1)[0])).resolve()
        if candidate != base and base not in candidate.parents:
            continue  # never read files outside the notebook's directory
        if candidate.is_file():
            uri = _data_uri(candidate)
            if uri is not None:
                img["src"] = uri


def make_offline(html: str, *, base_dir: str | os.PathLike[str] | None = None) -> str:
    """Remove from ``html`` everything that could execute code or contact another host.

    With ``base_dir``, ``<img>`` sources that are relative paths to image files under that
    directory are replaced by data URIs.
    """
    soup = BeautifulSoup(html, "html.parser")
    if base_dir is not None:
        _embed_local_images(soup, Path(base_dir))
    for tag in soup.find_all(_DROP_TAGS):
        if not tag.decomposed:
            tag.decompose()
    for tag in soup.find_all("meta"):
        if str(tag.get("http-equiv", "")).lower() == "refresh":
            tag.decompose()
    for tag in soup.find_all("link"):
        href = str(tag.get("href", ""))
        if href and not href.lower().startswith("data:"):
            tag.decompose()
    for tag in soup.find_all("style"):
        text = tag.string
        if text is not None:
            cleaned = _clean_css(str(text))
            if cleaned != str(text):
                tag.string = Stylesheet(cleaned)
    for tag in soup.find_all(True):
        for attr in list(tag.attrs):
            name = attr.lower()
            value = tag.attrs[attr]
            text = " ".join(value) if isinstance(value, list) else str(value)
            if name.startswith("on"):
                del tag.attrs[attr]
            elif name == "style":
                tag.attrs[attr] = _clean_css(text)
            elif name == "ping":
                del tag.attrs[attr]  # a ping is a request on click
            elif tag.name == "a" and name == "href":
                # a link is not a request, but a javascript: link is code
                scheme = _SCHEME.match(text)
                if scheme and scheme.group(1).lower() not in ("http", "https", "mailto", "tel"):
                    del tag.attrs[attr]
            elif name in _URL_ATTRS and (name == "srcset" or _is_remote(text)):
                del tag.attrs[attr]
    return str(soup)


def lead_with_findings(html: str, *, contents_from: int = 5, back_link: str | None = None) -> str:
    """Move the report's "key findings" box (``section.dr-findings``) right under its header and,
    when the report has at least ``contents_from`` sections, add a contents list (anchor links);
    with ``back_link``, a link back to the index page above the title."""
    soup = BeautifulSoup(html, "html.parser")
    main = soup.find("main") or soup.body
    if main is None:
        return html
    title = main.find("h1")
    header = title.find_next("table") if title is not None else None
    # right after the header's own output (a cell may show more below it, e.g. a price table)
    anchor = (header.find_parent(class_="jp-OutputArea-child") or header.find_parent(class_="jp-Cell")
              if header is not None else None)
    box = soup.find("section", class_="dr-findings")
    box_cell = box.find_parent(class_="jp-Cell") if box is not None else None
    if box is not None and anchor is not None:
        box.extract()
        if box_cell is not None and not box_cell.get_text(strip=True):
            box_cell.decompose()
        anchor.insert_after(box)
    sections, seen = [], set()
    for h in main.find_all("h2"):
        if h.get("id") and h["id"] not in seen and not h.find_parent(class_="dr-findings"):
            seen.add(h["id"])  # a heading repeated by the notebook is listed once
            sections.append(h)
    if len(sections) >= contents_from and (box is not None or anchor is not None):
        nav = soup.new_tag("nav", attrs={"class": "dr-contents", "aria-label": "Contents"})
        label = soup.new_tag("b")
        label.string = "Contents"
        nav.append(label)
        items = soup.new_tag("ol")
        for h in sections:
            li = soup.new_tag("li")
            a = soup.new_tag("a", href=f"#{h['id']}")
            a.string = h.get_text(" ", strip=True).rstrip("¶").strip()
            li.append(a)
            items.append(li)
        nav.append(items)
        after = box if box is not None and box.parent is not None else anchor
        if after is not None:
            after.insert_after(nav)
    if back_link:
        back = soup.new_tag("p", attrs={"class": "dr-back"})
        link = soup.new_tag("a", href=back_link)
        link.string = "← All reports"
        back.append(link)
        main.insert(0, back)
    return str(soup)


def _exporter() -> HTMLExporter:
    c = Config()
    c.TagRemovePreprocessor.enabled = True
    c.TagRemovePreprocessor.remove_cell_tags = set(REMOVED_CELL_TAGS)
    c.HTMLExporter.template_name = TEMPLATE_NAME
    c.HTMLExporter.extra_template_basedirs = [str(TEMPLATES_DIR)]
    c.HTMLExporter.exclude_input = True
    c.HTMLExporter.exclude_input_prompt = True
    c.HTMLExporter.exclude_output_prompt = True
    c.HTMLExporter.embed_images = False  # see module docstring; done in make_offline
    c.HTMLExporter.sanitize_html = False  # bleach would escape pandas' <th>/<thead> tables
    c.HTMLExporter.theme = "light"
    return HTMLExporter(config=c)


def export_html(
    executed_nb_path: str | os.PathLike[str],
    html_path: str | os.PathLike[str],
    *,
    title: str,
    banner: str | None = None,
    banner_kind: str = "info",
    index_link: str | None = None,
) -> Path:
    """Export an executed notebook to a self-contained offline HTML file (written atomically).

    ``title`` becomes the page ``<title>``; ``banner`` (escaped) is shown at the top of the
    page, styled by ``banner_kind`` (``"info"`` or ``"failed"``); ``index_link`` (a relative
    URL) adds a link back to the index page. The "key findings" box is moved under the header
    and a long report gets a contents list (:func:`lead_with_findings`).
    """
    source = Path(executed_nb_path)
    nb = nbformat.read(source, as_version=4)
    nb.metadata["title"] = title
    nb.metadata.pop("widgets", None)

    # images that Markdown references by path are resolved next to the *source* notebook
    input_path = nb.metadata.get("papermill", {}).get("input_path")
    base = Path(input_path).parent if input_path else source.parent
    resources: dict[str, Any] = {
        "metadata": {"name": title, "path": str(base)},
        "report_css": theme_css(),
        "report_banner": banner or "",
        "report_banner_kind": banner_kind if banner_kind in ("info", "failed") else "info",
    }
    body, _ = _exporter().from_notebook_node(nb, resources=resources)
    body = lead_with_findings(body, back_link=index_link)
    return atomic_write_text(html_path, make_offline(body, base_dir=base))
