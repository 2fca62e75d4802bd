"""Hugo pages as Hugo wrote them: a leaf bundle's images beside its page, `url:` as the
page's old path (no warning), and the same for a plain folder's relative images."""

from __future__ import annotations

from pathlib import Path

from digest.build import build
from digest.config import load_config
from digest.model import Article
from digest.output.images import find_resources
from tests.conftest import NOW, write
from tests.test_theme import png

PHOTO = png(4, 3)


def built(root: Path, content: Path, **values: object):  # type: ignore[no-untyped-def]
    config = load_config(None, {"content_dir": content, "output_dir": root / "out", **values},
                         root=root)
    return build(config, now=NOW), root / "out"


def test_a_leaf_bundles_images_are_published_beside_its_page(tmp_path: Path) -> None:
    write(tmp_path, "hugo.toml", 'title = "Trips"\n')
    content = tmp_path / "content"
    write(content, "posts/my-trip/index.md", "---\ntitle: My trip\ndate: 2024-03-06\n---\n"
          "![The harbour](photo.jpg)\n\n![Map](maps/route%201.png)\n\n"
          "![Elsewhere](https://example.org/x.jpg)\n")
    write(content, "posts/my-trip/photo.jpg", PHOTO)
    write(content, "posts/my-trip/maps/route 1.png", PHOTO)
    result, out = built(tmp_path, content)
    page = out / "articles" / "my-trip"
    assert (page / "photo.jpg").read_bytes() == PHOTO
    assert (page / "maps" / "route 1.png").read_bytes() == PHOTO
    assert 'src="photo.jpg"' in (page / "index.html").read_text("utf-8")
    assert result.link_problems == []
    # the second build (cached, patching) keeps them
    result, out = built(tmp_path, content)
    assert (page / "photo.jpg").is_file() and result.link_problems == []


def test_a_plain_folders_relative_image_is_published_too(tmp_path: Path) -> None:
    content = tmp_path / "news"
    write(content, "a.md", "---\ntitle: A\ndate: 2024-03-06\n---\n![x](img/a.png)\n")
    write(content, "img/a.png", PHOTO)
    result, out = built(tmp_path, content)
    assert (out / "articles" / "a" / "img" / "a.png").read_bytes() == PHOTO
    assert result.link_problems == []


def test_links_that_leave_the_folder_are_not_followed(tmp_path: Path) -> None:
    write(tmp_path, "outside.png", PHOTO)
    content = tmp_path / "news"
    write(content, "shared.png", PHOTO)
    body = ('<p><img src="../outside.png"> <img src="/shared.png"> <img src="x/../../shared.png">'
            ' <img src="shared.png?v=2"> <img src="notes.txt"></p>')
    article = Article(path="sub/a.md", slug="a", title="A", published=None, body=body.encode())
    files = {"shared.png": (1, 1, 1), "sub/notes.txt": (1, 1, 1)}
    assert find_resources([article], content, files) == ({}, [])


def test_hugo_url_is_the_old_path_not_a_warning(tmp_path: Path) -> None:
    write(tmp_path, "hugo.toml", 'title = "News"\n')
    content = tmp_path / "content"
    write(content, "news/upper.md", "---\ntitle: Upper\ndate: 2024-01-01\nurl: /News/Upper/\n"
          "---\nText.\n")
    write(content, "news/bad.md", "---\ntitle: Bad\ndate: 2024-01-01\nlink: not/a/url\n"
          "---\nText.\n")
    result, out = built(tmp_path, content)
    assert [str(p) for p in result.problems] == [
        "news/bad.md:4: link: URL 'not/a/url' is not absolute; dropped"]  # still said
    redirect = (out / "News" / "Upper" / "index.html").read_text("utf-8")
    assert "url=../../articles/Upper/" in redirect
