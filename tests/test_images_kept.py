"""The images pages show, kept from the last build (site/images.py: shown_images_kept):
after any edit, what a clean shown_images() gives, in the same order."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from digest.config import SiteConfig
from digest.model import Image
from digest.passes import Edit
from digest.site.images import LocalImage, Shown, shown_images, shown_images_kept

from .stories.test_cluster import article

IMAGES = [None, Image("https://img.example/a.jpg", 40, 30, "A"), Image("b.png"),
          Image("ftp://img.example/c.jpg"), Image("https://img.example/d.jpg", alt="D")]


def test_kept_images_are_a_clean_calls() -> None:
    rng = random.Random(4)
    articles = tuple(article(f"a{i}.md", f"Title {i}", "Text.") for i in range(40))
    articles = tuple(replace(a, image=rng.choice(IMAGES)) for a in articles)
    local = {"a3.md": LocalImage("a3.jpg", b"x", 1, 1)}
    last, kept = Shown(), 0
    for _ in range(60):
        config = SiteConfig(remote_images=rng.random() < 0.8)
        before, new = articles, list(articles)
        places = sorted(rng.sample(range(len(new)), rng.randint(1, 3)))
        for i in places:
            new[i] = replace(new[i], image=rng.choice(IMAGES), slug=rng.choice(["x", new[i].slug]))
        articles = tuple(new)
        edit = Edit(before, places, frozenset()) if rng.random() < 0.9 else None
        was = last.shown
        got = shown_images_kept(articles, local, config, edit, last)
        clean = shown_images(articles, local, config)
        assert got == clean and list(got) == list(clean)
        kept += last.shown is not was and got.keys() == was.keys()
    assert kept > 10  # (most calls kept the last)


@pytest.mark.parametrize("remote", [True, False])
def test_another_set_of_local_images_is_looked_at_whole(remote: bool) -> None:
    articles = tuple(replace(article(f"a{i}.md", "T", "x"), image=IMAGES[1]) for i in range(3))
    config = SiteConfig(remote_images=remote)
    last = Shown()
    shown_images_kept(articles, {}, config, None, last)
    local = {"a1.md": LocalImage("a1.jpg", b"x", 1, 1)}
    edit = Edit(articles, [0], frozenset())
    assert shown_images_kept(articles, local, config, edit, last) == \
        shown_images(articles, local, config)
