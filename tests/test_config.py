"""digest.yaml: every bad value is a config error naming the file and the key (exit 2)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from digest.cli import main
from digest.config import ConfigError, SiteConfig, TopicRule, load_config

RULE = "topics:\n  rules:\n    - {name: X, keywords: [a]%s}\n"

BAD = [  # (digest.yaml, what the message says after the file name)
    (RULE % ", min_mentions: lots", "topics.rules[0].min_mentions must be a whole number, "
                                    "not 'lots'"),
    (RULE % ", min_mentions: null", "topics.rules[0].min_mentions must be a whole number"),
    (RULE % ", min_mentions: 2.5", "topics.rules[0].min_mentions must be a whole number"),
    (RULE % ", min_mentions: 0", "topics.rules[0].min_mentions must be at least 1, not 0"),
    (RULE % ", min_mentions: [1]", "topics.rules[0].min_mentions must be a whole number"),
    (RULE % ", min_mentions: true", "topics.rules[0].min_mentions must be a whole number"),
    (RULE % ", min: 2", "unknown key `min` in topics.rules[0] (known keys: name, keywords, "
                        "min_mentions)"),
    ("topics:\n  rules:\n    - {name: X, keyword: [a]}\n", "unknown key `keyword` in "
                                                        "topics.rules[0]: did you mean "
                                                        "`keywords`?"),
    ("topics:\n  rules:\n    - {name: X}\n", "topics.rules[0] needs a name and a list of keywords"),
    ("topics:\n  rules:\n    - X\n", "topics.rules[0] needs a name and a list of keywords"),
    ("topics:\n  rules:\n    - {name: [X], keywords: [a]}\n", "topics.rules[0].name must be text"),
    ("topics:\n  rules:\n    - {name: '  ', keywords: [a]}\n",
     "topics.rules[0].name must not be empty"),
    ("topics:\n  rules:\n    - {name: X, keywords: {a: 1}}\n",
     "topics.rules[0].keywords must be a list"),
    ("topics:\n  rules:\n    - {name: X, keywords: []}\n",
     "topics.rules[0].keywords must list at least one keyword"),
    ("topics:\n  rules:\n    - {name: X, keywords: [a, '']}\n",
     "topics.rules[0].keywords[1] must not be empty"),
    ("topics:\n  rules:\n    - {name: X, keywords: [[a]]}\n",
     "topics.rules[0].keywords[0] must be text, not ['a']"),
    ("topics:\n  rules:\n    - {name: X, keywords: [a]}\n    - {name: Y, keywords: [yes]}\n",
     "topics.rules[1].keywords[0] must be text, not True (put it in quotes)"),
    ("topics:\n  rules: {name: X}\n", "topics.rules must be a list"),
    ("topics:\n  aliases:\n    ai: [AI]\n", "topics.aliases.ai must be text, not ['AI']"),
    ("topics:\n  aliases:\n    ai: ''\n", "topics.aliases.ai must not be empty"),
    ("topics:\n  aliases:\n    ai:\n", "topics.aliases.ai must be text, not None"),
    ("topics:\n  aliases: [ai]\n", "topics.aliases must be a mapping"),
    ("topics:\n  default: [X]\n", "topics.default must be text"),
    ("topics:\n  default: '  '\n", "topics.default must not be empty"),
    ("topics: [a]\n", "topics must be a mapping"),
    ("topics:\n  alias: {}\n", "unknown key `alias` in topics: did you mean `aliases`?"),
    ("topics:\n  colour: {}\n", "unknown key `colour` in topics (known keys: aliases, rules, "
                                 "default, max_from_rules)"),
    ("topics:\n  max_from_rules: 0\n", "topics.max_from_rules must be at least 1, not 0"),
    ("topics:\n  max_from_rules: all\n", "topics.max_from_rules must be a whole number, "
                                          "not 'all'"),
    ("topics:\n  max_per_article: 3\n", "unknown key `max_per_article` in topics: did you mean "
                                         "`max_from_rules`?"),
    ("promo_patterns: ['(unclosed']\n", "promo_patterns[0]: '(unclosed' is not a regular "
                                        "expression: missing ), unterminated subpattern"),
    ("promo_patterns: ['ok', {a: 1}]\n", "promo_patterns[1] must be text"),
    ("promo_patterns: see also\n", "promo_patterns must be a list"),
    ("promo_patterns: ['" + "(" * 3000 + ")" * 3000 + "']\n",
     "promo_patterns[0]: '(((("),
    ("page_size: lots\n", "page_size must be a whole number, not 'lots'"),
    ("page_size: 2.5\n", "page_size must be a whole number, not 2.5"),
    ("page_size: 0\n", "page_size must be at least 1, not 0"),
    ("max_topics: -3\n", "max_topics must be at least 1, not -3"),
    ("story_window_days: 0\n", "story_window_days must be at least 1, not 0"),
    ("story_window_days: soon\n", "story_window_days must be a whole number, not 'soon'"),
    ("max_topics: many\n", "max_topics must be a whole number"),
    ("drafts: maybe\n", "drafts must be true or false, not 'maybe'"),
    ("search: 1\n", "search must be true or false, not 1"),
    ("title: [a]\n", "title must be text, not ['a']"),
    ("author: {name: A}\n", "author must be text"),
    ("content: 5\n", "content must be a path, not 5"),
    ("output: [a]\n", "output must be a path"),
    ("timezone: Mars/Olympus\n", "unknown timezone 'Mars/Olympus'"),
    ("timezone: [UTC]\n", "timezone must be text"),
    ("markdown: rst\n", "markdown must be one of commonmark, python-markdown, not 'rst'"),
    ("base_url: ftp://x\n", "base_url must be an absolute http(s) URL"),
    ("base_url: [x]\n", "base_url must be text"),
    ("cname: 'http://x/'\n", "cname must be a bare domain"),
    ("titel: x\n", "unknown key `titel`: did you mean `title`?"),
    ("tittle: x\n", "unknown key `tittle`: did you mean `title`?"),
    ("Title: x\n", "unknown key `Title`: did you mean `title`?"),
    ("output_folder: x\n", "unknown key `output_folder`: did you mean `output`?"),
    ("colour: x\n", "unknown key `colour` (known keys: author, base_url, clean_links, cname, "
                    "content, description, drafts, excerpt_words, feed_size, front_page_days, "
                    "furniture, future, language, markdown, max_title_length, max_topics, "
                    "output, page_size, promo_patterns, remote_images, search, sources, "
                    "static, story_window_days, templates, timezone, title, topics, "
                    "words_per_minute)"),
    ("topic_rules: []\n", "unknown key `topic_rules`: did you mean `topics`?"),
    ("language: english\n", "language must be a BCP 47 language tag such as 'en', 'pt-BR' or "
                            "'zh-Hant', not 'english'"),
    ("language: xx\n", "language must be a BCP 47 language tag"),
    ("language: en--US\n", "language must be a BCP 47 language tag"),
    ("lang: [en]\n", "lang must be text"),
    ("- a\n", "the config must be a mapping of keys to values"),
    ("title: " + "[" * 5000 + "]" * 5000 + "\n", "invalid YAML: nested too deeply"),
]


@pytest.mark.parametrize(("text", "message"), BAD, ids=[f"{i}" for i in range(len(BAD))])
def test_a_bad_config_is_an_error_naming_the_file_and_key(
        tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "digest.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    whole_file = message.startswith(("the config must", "invalid YAML"))
    # every message names the line of the key, except those about the whole file
    line = "" if whole_file else re.match(rf"{re.escape(str(path))}(:\d+)?", str(raised.value))
    assert whole_file or (line and line.group(1)), str(raised.value)
    where = f"{path}{line.group(1) if line else ''}"
    assert str(raised.value).startswith(f"{where}: {message}"), str(raised.value)
    for internal in ("content_dir", "output_dir", "topic_rules`?", "default_topic"):
        assert internal not in str(raised.value).replace("unknown key `topic_rules`", "")

    (tmp_path / "seeds").mkdir(exist_ok=True)
    done = CliRunner().invoke(main, ["build", "--config", str(path), "--content",
                                     str(tmp_path / "seeds"), "--output", str(tmp_path / "o")])
    assert done.exit_code == 2, done.output
    assert done.exception is None or isinstance(done.exception, SystemExit), done.exception
    assert f"error: {where}: {message}" in done.output


def test_min_mentions_in_words_exits_2_without_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "digest.yaml").write_text(RULE % ", min_mentions: lots")
    (tmp_path / "seeds").mkdir()
    done = subprocess.run([sys.executable, "-m", "digest", "build"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "digest.yaml:3: topics.rules[0].min_mentions must be a whole number, not 'lots'" in \
        done.stderr


@pytest.mark.parametrize(("text", "line", "message"), [
    ("title: A\n\ntittle: B\n", 3, "unknown key `tittle`: did you mean `title`?"),
    ("title: A\ntopics:\n  aliases: {ai: AI}\n  rules:\n    - name: X\n      keywords: [a]\n"
     "    - name: Y\n      keywords: [b]\n      min_mention: 3\n", 9,
     "unknown key `min_mention` in topics.rules[1]: did you mean `min_mentions`?"),
    ("title: A\ntopics:\n  rules:\n    - name: X\n      keywords:\n        - a\n        - ''\n",
     7, "topics.rules[0].keywords[1] must not be empty"),
    ("title: A\npage_size: 20\nfeed_size: lots\n", 3, "feed_size must be a whole number"),
    ("title: A\nlang: english\n", 2, "language must be a BCP 47 language tag"),
    ("title: A\n\n\ntimezone: Mars/Olympus\n", 4, "unknown timezone 'Mars/Olympus'"),
    ("title: A\npage_size: 20\ntitle: B\n", 3, "title is given twice (first on line 1); keep one"),
    ("topics:\n  aliases: {ai: AI}\n  rules: []\n  aliases: {ml: ML}\n", 4,
     "topics.aliases is given twice (first on line 2)"),
])
def test_a_bad_key_is_named_with_its_line(tmp_path: Path, text: str, line: int,
                                          message: str) -> None:
    path = tmp_path / "digest.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    assert str(raised.value).startswith(f"{path}:{line}: {message}"), str(raised.value)


def test_the_known_keys_are_the_documented_ones() -> None:
    """The keys an unknown key's message lists are those of the README's table."""
    from digest.config import DOCUMENTED_KEYS

    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Configuration: `digest.yaml`")[1].split("\n## ")[0]
    documented = set()
    for row in re.findall(r"^\| (`[^|]*)\|", table, re.MULTILINE):
        documented |= {key.split(".")[0] for key in re.findall(r"`([a-z_.]+)`", row)}
    assert documented == set(DOCUMENTED_KEYS)


@pytest.mark.parametrize(("language", "tag"), [
    ("en", "en"), ("pt-BR", "pt-BR"), ("pt_BR", "pt-BR"), ("zh-Hant-TW", "zh-Hant-TW"),
    ("de-CH-1996", "de-CH-1996"), ("sr-Latn", "sr-Latn"), ("es-419", "es-419"),
])
def test_a_bcp_47_language_is_accepted(tmp_path: Path, language: str, tag: str) -> None:
    path = tmp_path / "digest.yaml"
    path.write_text(f"language: {language}\n", encoding="utf-8")
    assert load_config(path).language == tag


def test_good_values_are_read_as_before(tmp_path: Path) -> None:
    path = tmp_path / "digest.yaml"
    path.write_text("title: 2024\npage_size: 5\ndrafts: true\ncontent: news\n"
                    "promo_patterns: ['sponsored', 42]\n"
                    "topics:\n  aliases: {AI: Artificial Intelligence, 5g: 5G}\n"
                    "  rules:\n    - {name: Chips, keywords: Nvidia}\n"
                    "    - {name: Llama, keywords: [Llama, 2], min_mentions: 3}\n"
                    "  default: Other\n  max_from_rules: 6\n", encoding="utf-8")
    config = load_config(path)
    assert (config.title, config.page_size, config.drafts) == ("2024", 5, True)
    assert config.content_dir == Path("news")
    assert config.promo_patterns == ("sponsored", "42")
    assert config.topic_aliases == {"ai": "Artificial Intelligence", "5g": "5G"}
    assert config.topic_rules == (TopicRule("Chips", ("Nvidia",)),
                                  TopicRule("Llama", ("Llama", "2"), 3))
    assert config.default_topic == "Other"
    assert config.max_rule_topics == 6
    assert load_config(None) == SiteConfig()


def test_sources_are_not_part_of_the_parse_cache_key(tmp_path: Path) -> None:
    """Adding a feed to `sources` must not throw away every parsed article."""
    from dataclasses import replace

    from digest.fetch.sources import Source
    from digest.incremental.cache import parse_fingerprint

    config = SiteConfig(root=tmp_path)
    fed = replace(config, sources=(Source("Wire", "http://127.0.0.1:9/feed.xml"),))
    assert parse_fingerprint(fed) == parse_fingerprint(config)
    assert parse_fingerprint(replace(config, excerpt_words=7)) != parse_fingerprint(config)
