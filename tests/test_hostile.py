"""Hostile content renders inert: nothing from content runs in a reader's browser."""

import json
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from legwork.builder import build_site
from tests.conftest import make_project, write

PAYLOAD = ('<script>alert(1)</script><img src=x onerror="alert(2)">'
           '<iframe src="javascript:alert(3)"></iframe><!-- hidden --> &amp; &#60;b&#62; '
           '<a href="javascript:alert(4)">x</a> {{ 7*7 }} {% if true %}jinja{% endif %}')
BODY = PAYLOAD + """

[click](javascript:alert(5)) [data](data:text/html,<script>alert(6)</script>)
<javascript:alert(7)> [ok](https://example.org/) [mail](mailto:a@example.org)
![img](javascript:alert(8))

```html
<script>alert(9)</script>
```
"""
Q = json.dumps(PAYLOAD)  # a YAML double-quoted string is JSON-compatible


@pytest.fixture
def hostile_site(tmp_path: Path) -> Path:
    content = tmp_path / "content"
    write(content / "site.yaml", f"title: {Q}\ndescription: {Q}\n")
    for vocab, terms in {"muscles": ["calves"], "goals": ["speed"], "levels": ["beginner"],
                         "equipment": ["none"], "kinds": ["strength"], "topics": ["form"]}.items():
        write(content / "vocabularies" / f"{vocab}.yaml",
              "".join(f"{t}: {{name: {Q}, description: {Q}}}\n" for t in terms))
    write(content / "exercises" / "evil.md", f"""---
title: {Q}
aliases: [{Q}]
summary: {Q}
kind: strength
level: beginner
goals: [speed]
muscles: {{primary: [calves]}}
dose: {{reps: 5, note: {Q}}}
steps: [{Q}]
cues: [{Q}]
mistakes: [{Q}]
cautions: [{Q}]
---
{BODY}""")
    write(content / "tips" / "evil-tip.md", f"""---
title: {Q}
summary: {Q}
goals: [speed]
topic: form
exercises: [evil]
---
{BODY} [[evil|{PAYLOAD.replace('[', '(').replace(']', ')').replace('|', '/')}]]""")
    write(content / "plans" / "evil-plan.md", f"""---
title: {Q}
summary: {Q}
goals: [speed]
level: beginner
weeks: 1
sessions_per_week: 1
sessions:
  - name: {Q}
    note: {Q}
    items: [{{exercise: evil, note: {Q}}}]
---
{BODY}""")
    project = make_project(content)
    build_site(project)
    return project.out


def pages(site: Path) -> list[tuple[Path, BeautifulSoup]]:
    return [(p, BeautifulSoup(p.read_text(), "html.parser")) for p in sorted(site.rglob("*.html"))]


def test_no_script_iframe_or_img_comes_from_content(hostile_site):
    for path, page in pages(hostile_site):
        for script in page.find_all("script"):
            assert script.get("type") == "application/ld+json" or \
                script.get("src", "").endswith(".js"), path
        assert page.find_all(["iframe", "img", "object", "embed"]) == [], path


def test_no_event_handler_attributes_or_javascript_urls(hostile_site):
    for path, page in pages(hostile_site):
        for tag in page.find_all(True):
            for name, value in tag.attrs.items():
                assert not name.lower().startswith("on"), (path, tag)
                text = " ".join(value) if isinstance(value, list) else value
                assert not re.match(r"\s*(javascript|data|vbscript):", text, re.I), (path, tag)


def test_payload_text_is_shown_as_written(hostile_site):
    page = BeautifulSoup((hostile_site / "exercises/evil/index.html").read_text(), "html.parser")
    assert page.h1.get_text() == PAYLOAD
    assert "{{ 7*7 }}" in page.get_text() and "49" not in page.get_text()
    assert [li.get_text() for li in page.select("ol.steps li")] == [PAYLOAD]


def test_markdown_keeps_only_safe_links(hostile_site):
    page = BeautifulSoup((hostile_site / "tips/evil-tip/index.html").read_text(), "html.parser")
    hrefs = [a["href"] for a in page.select(".body a")]
    assert hrefs == ["https://example.org/", "mailto:a@example.org",
                     "../../exercises/evil/index.html"]


def test_json_ld_cannot_close_its_script_element(hostile_site):
    for path, _ in pages(hostile_site):
        raw = path.read_text()
        for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', raw, re.S):
            assert "<" not in block, path
            json.loads(block)
