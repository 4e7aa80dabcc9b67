"""The real guide in a real browser: layout, keyboard use, filters, search, accessibility."""

from __future__ import annotations

import json

import pytest

from legwork.builder import build_site
from legwork.project import Project
from tests.browser import AXE, screenshots_folder, serve_folder
from tests.conftest import REPO
from tests.machine import require

PAGES = {
    "home": "", "exercises": "exercises/", "exercise": "exercises/squat/",
    "muscle": "muscles/calves/", "tip": "tips/running-posture/", "plan": "plans/speed-block/",
    "cards": "cards/",
}
EVERY_PAGE_TYPE = {
    **PAGES, "muscles": "muscles/", "goal": "goals/speed/", "level": "levels/beginner/",
    "equipment": "equipment/none/", "tips": "tips/", "plans": "plans/",
    "search": "search/?q=calf", "not-found": "404.html",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("browser") / "site"
    build_site(Project.at(REPO, out=out))
    base, stop = serve_folder(out)
    yield base, out
    stop()


def open_page(browser, url: str, width: int = 1280, **options):
    """A new page at `url`, with console errors and page errors collected."""
    context = browser.new_context(viewport={"width": width, "height": 900}, **options)
    page = context.new_page()
    page.errors = []
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.goto(url)
    return page


@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize("name", list(PAGES))
def test_page_loads_cleanly_and_fits_the_screen(browser, site, name, width):
    base, _ = site
    page = open_page(browser, base + PAGES[name], width)
    page.screenshot(path=str(screenshots_folder("screenshots") / f"{name}-{width}.png"),
                    full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert page.errors == []
    assert overflow <= 0
    page.context.close()


def link_titles(page, selector: str) -> list[str]:
    """The title text of each link matched by `selector` (without any sub-line)."""
    return page.eval_on_selector_all(selector,
                                     "links => links.map(a => a.firstChild.textContent)")


def visible_titles(page) -> list[str]:
    return link_titles(page, "#exercise-list > li:not([hidden]) .card-title a")


def test_filters_with_the_keyboard_narrow_the_list_and_stay_in_the_url(browser, site):
    base, out = site
    exercises = json.loads((out / "data" / "exercises.json").read_text())
    page = open_page(browser, base + "exercises/")
    page.focus("#filter-muscle")
    for _ in range(4):  # Any, Quadriceps, Hamstrings, Glutes, Calves
        page.keyboard.press("ArrowDown")
    assert page.input_value("#filter-muscle") == "calves"
    calves = sorted(e["title"] for e in exercises
                    if "calves" in e["muscles"]["primary"] + e["muscles"]["secondary"])
    assert sorted(visible_titles(page)) == calves
    assert page.url.endswith("exercises/?muscle=calves")

    page.keyboard.press("Tab")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")  # Any, Distance, Speed
    both = sorted(e["title"] for e in exercises if e["title"] in calves and "speed" in e["goals"])
    assert sorted(visible_titles(page)) == both
    expected = f"Showing {len(both)} of {len(exercises)} exercises"
    assert page.text_content("#filter-count") == expected
    assert page.url.endswith("exercises/?muscle=calves&goal=speed")

    shared = open_page(browser, page.url)
    assert sorted(visible_titles(shared)) == both
    assert shared.input_value("#filter-goal") == "speed"
    assert page.errors == [] and shared.errors == []
    page.context.close()
    shared.context.close()


def test_without_javascript_the_index_is_a_complete_list(browser, site):
    base, out = site
    exercises = json.loads((out / "data" / "exercises.json").read_text())
    page = open_page(browser, base + "exercises/", java_script_enabled=False)
    assert len(visible_titles(page)) == len(exercises)
    assert not page.is_visible("#filters")
    page.context.close()


def result_titles(page) -> list[str]:
    return link_titles(page, "#search-results a")


def test_search_as_you_type_and_enter_opens_the_first_result(browser, site):
    base, _ = site
    page = open_page(browser, base + "tips/")
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "search-input"
    page.keyboard.type("calf rai")
    page.wait_for_selector("#search-results li[role=option]")
    options = result_titles(page)
    assert options[0] == "Calf raise"
    assert "Single-leg calf raise" in options
    page.keyboard.press("ArrowDown")
    assert page.get_attribute("#search-result-1", "aria-selected") == "true"
    page.keyboard.press("ArrowUp")
    page.keyboard.press("Enter")
    page.wait_for_url("**/exercises/calf-raise/")
    assert page.text_content("h1") == "Calf raise"
    assert page.errors == []
    page.context.close()


def test_search_finds_aliases_and_body_text(browser, site):
    base, _ = site
    page = open_page(browser, base)
    page.fill("#search-input", "wall squat")
    page.wait_for_selector("#search-results li[role=option]")
    assert page.text_content("#search-result-0 a").startswith("Wall sit")
    page.fill("#search-input", "plantar fasciitis")
    page.wait_for_selector("#search-result-0")
    titles = result_titles(page)
    assert "Strong calves keep you running" in titles
    page.context.close()


def test_clicking_a_body_map_region_opens_its_muscle_page(browser, site):
    base, _ = site
    page = open_page(browser, base)
    region = page.locator(".bodymap a.region[href='muscles/hamstrings/index.html'] use")
    box = region.bounding_box()
    region.click(position={"x": box["width"] * 0.2, "y": box["height"] * 0.5})  # left leg
    page.wait_for_url("**/muscles/hamstrings/index.html")
    assert page.text_content("h1") == "Hamstrings"
    page.context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", list(EVERY_PAGE_TYPE))
def test_axe_finds_no_violations(browser, site, name, scheme):
    require(AXE, "axe-core")
    base, _ = site
    page = open_page(browser, base + EVERY_PAGE_TYPE[name], color_scheme=scheme)
    if name == "search":
        page.wait_for_selector("#search-page-results li")
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate("""async () => {
        const result = await axe.run(document, {resultTypes: ["violations"]});
        return result.violations.map(
            v => v.id + ": " + v.nodes.map(n => n.target.join(" ")).join(", "));
    }""")
    assert violations == []
    page.context.close()


def test_exercise_page_weighs_under_50_kb_with_one_blocking_stylesheet(browser, site):
    base, _ = site
    sizes: dict[str, int] = {}
    context = browser.new_context()
    page = context.new_page()
    page.on("response", lambda r: sizes.__setitem__(r.url, len(r.body())))
    page.goto(base + "exercises/squat/", wait_until="networkidle")
    assert sum(sizes.values()) < 50_000, sizes
    blocking = page.evaluate("""() => [
        ...document.querySelectorAll('link[rel=stylesheet]'),
        ...document.querySelectorAll(
            'head script:not([defer]):not([async]):not([type="application/ld+json"])')
    ].length""")
    assert blocking == 1
    assert not any("search-index" in url for url in sizes)
    context.close()


def test_dark_mode_follows_the_system_setting(browser, site):
    base, _ = site
    colours = {}
    for scheme in ("light", "dark"):
        page = open_page(browser, base + "exercises/squat/", color_scheme=scheme)
        colours[scheme] = page.evaluate("getComputedStyle(document.body).backgroundColor")
        page.screenshot(path=str(screenshots_folder("screenshots") / f"exercise-{scheme}.png"))
        page.context.close()
    assert colours["light"] != colours["dark"]
    assert colours["dark"] == "rgb(18, 19, 22)"


def test_site_opened_from_disk_navigates_styles_and_searches(browser, site):
    """The same build works from file://, where a link to a folder would show a listing."""
    _, out = site
    page = open_page(browser, (out / "index.html").as_uri())
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == \
        "rgb(251, 250, 247)"  # the stylesheet loaded
    page.click("nav[aria-label=Main] >> text=Exercises")
    assert page.url.endswith("/exercises/index.html")
    assert page.text_content("h1") == "Exercises"
    page.click("#exercise-list >> text=Wall sit")
    assert page.url.endswith("/exercises/wall-sit/index.html")
    assert page.text_content("h1") == "Wall sit"
    page.click("nav[aria-label=Breadcrumb] >> text=Home")
    region = page.locator(".bodymap a.region[href='muscles/calves/index.html'] use")
    box = region.bounding_box()
    region.click(position={"x": box["width"] * 0.2, "y": box["height"] * 0.5})
    assert page.text_content("h1") == "Calves"
    page.keyboard.press("/")
    page.keyboard.type("calf rai")
    page.wait_for_selector("#search-result-0")
    page.keyboard.press("Enter")
    page.wait_for_url("**/exercises/calf-raise/index.html")
    assert page.text_content("h1") == "Calf raise"
    assert page.errors == []
    page.context.close()
