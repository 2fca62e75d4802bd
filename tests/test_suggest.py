"""`digest topics --suggest`: candidate rules from untagged articles, that do what they say
once pasted into digest.yaml."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from digest.build import read_articles
from digest.cli import main
from digest.config import TopicRule, load_config
from digest.model import Article, Topic
from digest.read.suggest import _spelling, suggest, untagged

NONE = Topic("Uncategorized", "uncategorized")
QUANTUM = [
    ("Quantum computer breaks a record", "The quantum computer kept its qubits stable for "
     "an hour. Quantum computing firms said the qubits were the most stable yet."),
    ("Qubits in a new chip", "A chip with a thousand qubits brings quantum computing "
     "closer. Quantum error correction still limits the qubits."),
    ("A quantum start-up raises money", "Investors back quantum computing again: the "
     "start-up makes qubits from trapped ions, and quantum advantage is its aim."),
]
REEFS = [
    ("Coral reefs bleach again", "Coral bleaching hit the reef after a marine heatwave. "
     "Coral reefs lose colour when the water warms; divers saw bleaching everywhere."),
    ("Scientists map reef bleaching", "A survey of coral found bleaching on most of the "
     "reef. The marine heatwave left coral reefs white for months."),
    ("Can coral recover?", "Some coral survives bleaching. Reef scientists grow coral in "
     "nurseries to restore reefs after a marine heatwave."),
]
TAGGED = [("Elections in autumn", "Voters go to the polls; the coral of candidates is "
           "long, and the quantum of votes matters.")]


def art(path: str, title: str, text: str, topics: tuple[Topic, ...] = (NONE,)) -> Article:
    return Article(path=path, slug=path, title=title, published=None, topics=topics,
                   body=f"<p>{text}</p>".encode())


def corpus() -> list[Article]:
    return ([art(f"q{n}.md", t, b) for n, (t, b) in enumerate(QUANTUM)]
            + [art(f"r{n}.md", t, b) for n, (t, b) in enumerate(REEFS)]
            + [art("e.md", *TAGGED[0], topics=(Topic("Politics", "politics"),))])


def test_untagged_articles_are_those_with_only_the_default_topic() -> None:
    both = art("b.md", "t", "x", topics=(NONE, Topic("AI", "ai")))
    lonely = art("l.md", "t", "x", topics=(Topic("uncategorized", "uncategorized"),))
    assert untagged([both, lonely, *corpus()[-1:]], "Uncategorized") == [lonely]


def test_suggestions_split_the_untagged_articles_by_what_they_are_about() -> None:
    found = suggest(corpus(), (), "Uncategorized", count=5)
    by_articles = {s.articles: s for s in found}
    assert set(by_articles) == {("q0.md", "q1.md", "q2.md"), ("r0.md", "r1.md", "r2.md")}
    quantum = by_articles[("q0.md", "q1.md", "q2.md")]
    reefs = by_articles[("r0.md", "r1.md", "r2.md")]
    assert {"qubits", "quantum"} <= {k.casefold() for k in quantum.keywords}
    assert {"coral", "bleaching"} <= {k.casefold() for k in reefs.keywords}
    assert not {k.casefold() for k in quantum.keywords} & {k.casefold() for k in reefs.keywords}
    assert suggest(corpus(), (), "Uncategorized") == found  # deterministic


def test_a_word_every_untagged_article_uses_is_no_themes_keyword() -> None:
    common = " Analysts watched the markets closely, and analysts expect markets to move."
    articles = [art(a.path, a.title, a.body_html[3:-4] + common) if a.path[0] in "qr" else a
                for a in corpus()]
    found = suggest(articles, (), "Uncategorized")
    assert len(found) == 2
    offered = {k.casefold() for s in found for k in s.keywords}
    assert not offered & {"analysts", "markets", "analysts expect", "markets closely"}


def test_what_a_rule_already_says_is_not_offered_again() -> None:
    rules = (TopicRule("Quantum", ("qubits",)),)
    found = suggest(corpus(), rules, "Uncategorized")
    offered = {k.casefold() for s in found for k in s.keywords} | {
        s.name.casefold() for s in found}
    assert "qubits" not in offered and "quantum" not in offered
    assert suggest(corpus()[-1:], (), "Uncategorized") == []  # nothing untagged


def test_a_keyword_is_spelt_as_the_articles_spell_it() -> None:
    texts = ["Nvidia and NVIDIA", "nvidia's Nvidia chips", "GPT-4 beat gpt-4"]
    assert _spelling("nvidia", texts) == "Nvidia"
    assert _spelling("gpt-4", texts) == "GPT-4"  # a tie: the first in sort order


def write_site(root: Path) -> None:
    content = root / "content"
    content.mkdir(parents=True)
    for n, (title, body) in enumerate(QUANTUM + REEFS + TAGGED):
        (content / f"a{n}.md").write_text(f"# {title}\n\n{body}\n", encoding="utf-8")
    (root / "digest.yaml").write_text(
        "title: Test\ncontent: content\ntopics:\n  rules:\n"
        "    - name: Politics\n      keywords: [voters, polls]\n      min_mentions: 1\n",
        encoding="utf-8")


def test_the_printed_rules_pasted_into_digest_yaml_tag_the_articles(tmp_path: Path) -> None:
    write_site(tmp_path)
    config_file = tmp_path / "digest.yaml"
    run = CliRunner().invoke(main, ["topics", "--suggest", "--config", str(config_file)])
    assert run.exit_code == 0, run.output
    assert run.output.startswith("# 6 articles have only the default topic 'Uncategorized'.")
    pasted = run.output.split("  rules:\n", 1)[1]
    config_file.write_text(config_file.read_text(encoding="utf-8") + pasted, encoding="utf-8")
    config = load_config(config_file, {}, root=tmp_path)
    assert len(config.topic_rules) == 3
    articles = read_articles(config, datetime(2026, 1, 1, tzinfo=UTC))[0]
    assert untagged(articles, "Uncategorized") == []
    again = CliRunner().invoke(main, ["topics", "--suggest", "--config", str(config_file)])
    assert "nothing to suggest" in again.output


@pytest.mark.parametrize("suggesting", [False, True])
def test_topics_without_a_content_folder_is_a_clear_error(tmp_path: Path,
                                                          suggesting: bool) -> None:
    (tmp_path / "digest.yaml").write_text("content: nowhere\n", encoding="utf-8")
    args = ["topics", "--config", str(tmp_path / "digest.yaml")] + (
        ["--suggest"] if suggesting else [])
    run = CliRunner().invoke(main, args)
    assert run.exit_code == 2
    assert "nowhere: no such content folder" in run.output


def test_topics_lists_the_topics_by_size(tmp_path: Path) -> None:
    write_site(tmp_path)
    run = CliRunner().invoke(main, ["topics", "--config", str(tmp_path / "digest.yaml")])
    assert run.exit_code == 0, run.output
    assert [line.split(None, 1) for line in run.output.splitlines()] == [
        ["6", "Uncategorized"], ["1", "Politics"]]
