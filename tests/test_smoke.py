from pathlib import Path

from tests.conftest import BuildSite


def test_seeds_build(seeds: Path, build_site: BuildSite) -> None:
    result, out = build_site(seeds)
    assert result.articles_built == 4
    assert (out / "index.html").is_file()
