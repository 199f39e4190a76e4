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

The page is parsed once: nbconvert's ``HTMLExporter`` renders it without its own
BeautifulSoup pass (alt text on images, ``tabindex`` on outputs), and one BeautifulSoup pass
does that, the findings box and contents list, and the offline clean-up above
(:func:`lead_with_findings` and :func:`make_offline` are the same steps, each on its own).
The exporter, with its compiled templates, is built once per process; Jinja's bytecode cache
(the per-user directory Jinja itself chooses) keeps the compiled templates for the next process.

Text in DataFrames is escaped by pandas (``to_html(escape=True)``, the default), so a value
``<script>`` reaches the HTML as ``&lt;script&gt;``. HTML that a notebook emits on purpose
(``display(HTML(...))``) is trusted as written: notebooks must escape table values they
interpolate (``html.escape``).
"""

from __future__ import annotations

import base64
import functools
import logging
import mimetypes
import os
import re
import threading
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from . import lean_jsonschema  # noqa: F401  (first: keeps rfc3987-syntax from loading; see there)

# isort: split

import nbformat
from bs4 import BeautifulSoup
from bs4.element import NavigableString, Stylesheet, Tag
from jinja2 import FileSystemBytecodeCache
from jinja2.bccache import Bucket
from nbconvert import HTMLExporter
from nbconvert.exporters.templateexporter import TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter
from traitlets.config import Config

from .summary import atomic_write_text

__all__ = ["REMOVED_CELL_TAGS", "TEMPLATES_DIR", "TEMPLATE_NAME", "THEME_CSS", "export_html", "lead_with_findings",
           "make_offline", "theme_css"]

log = logging.getLogger(__name__)

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
    _make_offline(soup, base_dir)
    return str(soup)


def _make_offline(soup: BeautifulSoup, base_dir: str | os.PathLike[str] | None) -> None:
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


def lead_with_findings(html: str, *, contents_from: int = 5, back_link: str | None = None) -> str:
    """Move the report's "key findings" box (``section.dr-findings``) right under its header and,
    when the report has at least ``contents_from`` sections, add a contents list (anchor links);
    with ``back_link``, a link back to the index page above the title."""
    soup = BeautifulSoup(html, "html.parser")
    return str(soup) if _lead_with_findings(soup, contents_from=contents_from, back_link=back_link) else html


def _lead_with_findings(soup: BeautifulSoup, *, contents_from: int = 5, back_link: str | None = None) -> bool:
    """:func:`lead_with_findings` on a parsed page; False (nothing done) when it has no ``<main>`` or body."""
    main = soup.find("main") or soup.body
    if main is None:
        return False
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
    return True


#: what nbconvert's HTMLExporter gives an image without alt text
MISSING_ALT = "No description has been provided for this image"


class _OnePassHTMLExporter(HTMLExporter):
    """nbconvert's ``HTMLExporter`` (7.x) without the BeautifulSoup pass that ends its
    ``from_notebook_node``: :func:`_accessible` does the same in :func:`export_html`'s one pass."""

    def from_notebook_node(  # type: ignore[override]
        self, nb: nbformat.NotebookNode, resources: dict[str, Any] | None = None, **kw: Any
    ) -> tuple[str, dict[str, Any]]:
        # HTMLExporter.from_notebook_node up to its rendering, as written there
        langinfo = nb.metadata.get("language_info", {})
        lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
        highlight_code = self.filters.get("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self))
        resources = self._init_resources(resources)
        filter_data_type = WidgetsDataTypeFilter(notebook_metadata=self._nb_metadata, parent=self,
                                                 resources=resources)
        self.register_filter("highlight_code", highlight_code)
        self.register_filter("filter_data_type", filter_data_type)
        return TemplateExporter.from_notebook_node(self, nb, resources, **kw)


def _has_class_ancestor(tag: Tag, name: str) -> bool:
    return any(name in (parent.get("class") or ()) for parent in tag.parents if isinstance(parent, Tag))


def _accessible(soup: BeautifulSoup, log: logging.Logger | logging.LoggerAdapter[Any]) -> None:
    """What nbconvert's HTMLExporter does last: alt text on images that have none, and ``tabindex=0``
    on ``.jp-Notebook div.jp-Cell-inputWrapper`` and ``.jp-Notebook div.jp-OutputArea-output``
    (found without CSS selectors: the same elements, a fraction of the time)."""
    missing_alt = 0
    for img in soup.find_all("img"):
        if not img.has_attr("alt"):
            img.attrs["alt"] = MISSING_ALT
            missing_alt += 1
    if missing_alt:
        log.warning("Alternative text is missing on %s image(s).", missing_alt)
    for wrapper in ("jp-Cell-inputWrapper", "jp-OutputArea-output"):
        for div in soup.find_all("div", class_=wrapper):
            if _has_class_ancestor(div, "jp-Notebook"):
                div.attrs["tabindex"] = "0"


_ASCII_SPACES = frozenset("\x20\x0a\x09\x0c\x0d")
_PRESERVE_WHITESPACE = ("pre", "textarea")


def _collapse(run: list[NavigableString]) -> None:
    text = "".join(run)
    if not text or not _ASCII_SPACES.issuperset(text):
        return  # text: a parse gives the same characters, one string
    wanted = "\n" if "\n" in text else " "
    if len(run) == 1 and text == wanted:
        return
    run[0].replace_with(NavigableString(wanted))
    for extra in run[1:]:
        extra.extract()


def _whitespace_as_parsed(soup: BeautifulSoup) -> None:
    """Whitespace between tags as a parse of the finished page has it: BeautifulSoup turns a run of
    ASCII spaces between two tags into one newline (or one space when it has no newline), outside
    ``<pre>`` and ``<textarea>``. Removing a tag from between two such runs leaves them side by
    side; a page parsed again (as each of the former separate steps did) has one newline there,
    and so does this page: the HTML is byte for byte what the steps made one after the other."""
    preserved = {id(t) for keep in soup.find_all(_PRESERVE_WHITESPACE)
                 for t in (keep, *keep.find_all(True))}
    for tag in (soup, *soup.find_all(True)):
        if id(tag) in preserved:
            continue
        run: list[NavigableString] = []
        for child in [*tag.contents, None]:
            if type(child) is NavigableString:
                run.append(child)
                continue
            if run:
                _collapse(run)
                run = []


def _exporter_config() -> Config:
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
    return c


_EXPORT_LOCK = threading.Lock()


class _TemplateCache(FileSystemBytecodeCache):
    """Jinja's on-disk cache of compiled templates (keyed by template and source checksum); one
    that cannot be written is no cache, never a failed export."""

    def dump_bytecode(self, bucket: Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError as e:
            log.debug("compiled template not cached: %s", e)


@functools.cache
def _exporter() -> _OnePassHTMLExporter:
    """The exporter, built once per process (its templates are compiled at first use, or read
    from Jinja's bytecode cache): an exporter is reusable, nbconvert's own command converts many
    notebooks with one."""
    exporter = _OnePassHTMLExporter(config=_exporter_config())
    try:
        exporter.environment.bytecode_cache = _TemplateCache()
    except (RuntimeError, OSError) as e:  # no safe cache directory: compile every time
        log.debug("no template cache: %s", e)
    return exporter


def _notebook_to_export(executed_nb_path: str | os.PathLike[str], *, title: str, banner: str | None,
                        banner_kind: str) -> tuple[nbformat.NotebookNode, dict[str, Any], Path]:
    """The executed notebook as the exporter gets it, its resources, and the directory its Markdown
    images are resolved in."""
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
    return nb, resources, base


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
    nb, resources, base = _notebook_to_export(executed_nb_path, title=title, banner=banner, banner_kind=banner_kind)
    with _EXPORT_LOCK:  # one exporter per process: one conversion at a time
        exporter = _exporter()
        body, _ = exporter.from_notebook_node(nb, resources=resources)
    soup = BeautifulSoup(body, "html.parser")
    _accessible(soup, exporter.log)
    _lead_with_findings(soup, back_link=index_link)
    _make_offline(soup, base)
    _whitespace_as_parsed(soup)
    return atomic_write_text(html_path, str(soup))
