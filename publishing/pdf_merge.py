"""Parts of a report laid out apart, joined into one tagged PDF (pikepdf, qpdf).

A plain page merge would keep the pages and lose what makes the PDF usable: the
structure tree a screen reader follows (PDF/UA), the named destinations the
table of contents links to, and the bookmarks. WeasyPrint writes each of these
in one simple shape, and this module joins them:

- structure: the parts' top elements become children of the first part's
  /Document element; every page's /StructParents and every annotation's
  /StructParent key is moved up past the keys of the parts before it, and the
  parent tree gets the moved entries;
- named destinations: one sorted name tree; an id defined by a chapter wins
  over the stand-in the front part carries for its table of contents;
- bookmarks: the parts' outlines, one after the other.

Page numbers are not in the parts: a part does not know on which page it will
begin until the parts before it are laid out. They come from a separate,
untagged PDF of the same page count, stamped on every page as a pagination
artifact, which assistive technology skips as it should.
"""

import io
import warnings
from typing import Any

import pikepdf
from pikepdf import Array, Dictionary, Name, OutlineItem, Pdf, Stream, String

# Stamped over the page, in the page's own coordinates (the overlay has the same size).
_NUMBER_NAME = Name("/PageNumber")
_NUMBER_CONTENT = (
    b"\nQ\n/Artifact <</Type /Pagination /Subtype /Footer>> BDC q /PageNumber Do Q EMC\n"
)


def merge(parts: list[bytes], page_numbers: list[bytes] | None = None) -> bytes:
    """One PDF of the parts in order; the first part's catalog (title, language) is kept.

    `page_numbers`: PDFs whose pages, one after the other, hold the number of each page.
    """
    out = Pdf.open(io.BytesIO(parts[0]))
    root = out.Root.StructTreeRoot
    document = root.K[0]
    nums: list[Any] = list(root.ParentTree.Nums)
    next_key = _next_key(nums)
    dests = _destinations(out, out, 0)
    outline = _outline_items(out, out, 0)
    sources = []
    for data in parts[1:]:
        source = Pdf.open(io.BytesIO(data))
        sources.append(source)  # qpdf copies lazily: keep each source open until saved
        first = len(out.pages)
        with warnings.catch_warnings():
            # "does not preserve named destinations": this module joins those itself.
            warnings.simplefilter("ignore", pikepdf.PageCopyWarning)
            out.pages.extend(source.pages)
        offset = next_key
        for page in out.pages[first:]:
            page.obj.StructParents = int(page.obj.StructParents) + offset
            for annotation in page.obj.get(Name.Annots, Array()):
                if Name.StructParent in annotation:
                    annotation.StructParent = int(annotation.StructParent) + offset
        source_root = source.Root.StructTreeRoot
        tree = out.copy_foreign(source_root.ParentTree)
        moved = list(tree.Nums)
        for index in range(0, len(moved), 2):
            nums.extend([int(moved[index]) + offset, moved[index + 1]])
        next_key = offset + _next_key(moved)
        source_document = out.copy_foreign(source_root.K[0])
        _adopt(document, source_document, moved)
        dests.update(_destinations(out, source, first))
        outline.extend(_outline_items(out, source, first))
    root.ParentTree = out.make_indirect(Dictionary(Nums=Array(nums)))
    root.ParentTreeNextKey = next_key
    _write_destinations(out, dests)
    with out.open_outline() as tree_of_bookmarks:
        tree_of_bookmarks.root[:] = outline
    if page_numbers is not None:
        numbers = [Pdf.open(io.BytesIO(data)) for data in page_numbers]
        sources.extend(numbers)
        _stamp_page_numbers(out, [(pdf, page) for pdf in numbers for page in pdf.pages])
    buffer = io.BytesIO()
    out.save(buffer, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return buffer.getvalue()


def _next_key(nums: list[Any]) -> int:
    keys = [int(nums[index]) for index in range(0, len(nums), 2)]
    return max(keys) + 1 if keys else 0


def _adopt(document: Any, source_document: Any, moved: list[Any]) -> None:
    """The source's top elements become the document's; nothing keeps pointing at its root."""
    for child in source_document.K:
        child.P = document
        document.K.append(child)
    # Elements of the running headers are mapped but not linked into the tree (as
    # WeasyPrint makes them); they too must name the surviving document as parent.
    for value in moved[1::2]:
        for element in value if isinstance(value, Array) else [value]:
            if element.get(Name.P) is not None and element.P.objgen == source_document.objgen:
                element.P = document


def _page_map(out: Pdf, source: Pdf, first: int) -> dict[Any, Any]:
    return {page.objgen: out.pages[first + index].obj for index, page in enumerate(source.pages)}


def _destinations(out: Pdf, source: Pdf, first: int) -> dict[str, Array]:
    """The part's named destinations (WeasyPrint writes one flat, sorted /Names array)."""
    names = source.Root.get(Name.Names)
    if names is None or Name.Dests not in names:
        return {}
    pages = _page_map(out, source, first)
    flat = list(names.Dests.Names)
    result = {}
    for name, target in zip(flat[0::2], flat[1::2], strict=True):
        result[str(name)] = Array([pages[target[0].objgen], *list(target)[1:]])
    return result


def _write_destinations(out: Pdf, dests: dict[str, Array]) -> None:
    flat = Array()
    # A name tree is sorted by the bytes of its keys.
    for name in sorted(dests, key=lambda key: key.encode("utf-16-be")):
        flat.append(String(name))
        flat.append(dests[name])
    if Name.Names not in out.Root:
        out.Root.Names = Dictionary()
    out.Root.Names.Dests = Dictionary(Names=flat)


def _outline_items(out: Pdf, source: Pdf, first: int) -> list[OutlineItem]:
    pages = _page_map(out, source, first)
    with source.open_outline() as outline:
        return [_copy_item(item, pages) for item in outline.root]


def _copy_item(item: OutlineItem, pages: dict[tuple[int, int], Any]) -> OutlineItem:
    target: Any = item.destination
    copy = OutlineItem(str(item.title), Array([pages[target[0].objgen], *list(target)[1:]]))
    copy.is_closed = item.is_closed
    copy.children.extend(_copy_item(child, pages) for child in item.children)
    return copy


def _stamp_page_numbers(out: Pdf, numbers: list[tuple[Pdf, pikepdf.Page]]) -> None:
    if len(numbers) != len(out.pages):
        raise ValueError(f"{len(numbers)} page numbers for {len(out.pages)} pages")
    for page, (source, number_page) in zip(out.pages, numbers, strict=True):
        form = out.copy_foreign(source.make_indirect(number_page.as_form_xobject()))
        # The parts share one resource dictionary over all their pages; each page gets
        # its own copy, so its number is its own.
        resources = Dictionary({key: value for key, value in page.obj.Resources.items()})
        xobjects = resources.get(Name.XObject, Dictionary())
        resources.XObject = Dictionary({key: value for key, value in xobjects.items()})
        resources.XObject[_NUMBER_NAME] = form
        page.obj.Resources = resources
        # The page's own drawing is closed with Q, so its transformations end before the
        # number is drawn in plain page coordinates.
        page.contents_add(Stream(out, b"q\n"), prepend=True)
        page.contents_add(Stream(out, _NUMBER_CONTENT))
