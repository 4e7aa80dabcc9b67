"""End-to-end: the fixture guide built into tmp_path, checked as parsed HTML."""

import random
from types import SimpleNamespace

from legwork.decks import DECK_MIN, DECK_SIZE, deck_parts
from tests.conftest import links, soup

EXPECTED_PAGES = [
    "index.html", "404.html", "sitemap.xml", "robots.txt", ".nojekyll",
    "exercises/index.html", "tips/index.html", "plans/index.html",
    "exercises/calf-raise/index.html", "exercises/heel-drop/index.html",
    "exercises/box-jump/index.html", "exercises/bridge/index.html",
    "tips/soft-landings/index.html", "tips/rest-days/index.html",
    "plans/starter-plan/index.html",
    "muscles/index.html", "muscles/calves/index.html", "muscles/quadriceps/index.html",
    "goals/index.html", "goals/speed/index.html", "goals/distance/index.html",
    "levels/index.html", "levels/beginner/index.html", "levels/advanced/index.html",
    "equipment/index.html", "equipment/box/index.html", "equipment/none/index.html",
    "static/style.css",
]


def test_every_page_type_exists(built):
    missing = [p for p in EXPECTED_PAGES if not (built / p).is_file()]
    assert missing == []


def test_exercise_page_links_variants_muscles_and_backlinks(built):
    page = soup(built / "exercises" / "calf-raise" / "index.html")
    assert page.h1.get_text() == "Calf raise"
    page.select_one(".bodymap").extract()
    page.select_one(".print-only").extract()
    assert links(page, "#main") == [
        ("../../levels/beginner/index.html", "Beginner"),
        ("../../goals/distance/index.html", "Distance"),
        ("../../goals/speed/index.html", "Speed"),
        ("../../cards/index.html", "All cards"),
        ("../../muscles/calves/index.html", "Calves"),
        ("../../equipment/none/index.html", "No equipment"),
        ("../heel-drop/index.html", "Heel drop"),
        ("../box-jump/index.html", "Box jump"),
        ("../heel-drop/index.html", "Heel drop"),
        ("../../plans/starter-plan/index.html", "Starter plan"),
        ("../box-jump/index.html", "Box jump"),
        ("../heel-drop/index.html", "Heel drop"),
        ("../bridge/index.html", "Previous Bridge"),
        ("../heel-drop/index.html", "Next Heel drop"),
    ]


def test_exercise_page_shows_dose_steps_and_cautions(built):
    page = soup(built / "exercises" / "calf-raise" / "index.html")
    dose = {dt.get_text(): dd.get_text() for dt, dd in
            zip(page.select(".dose dt"), page.select(".dose dd"), strict=True)}
    assert dose == {"Sets": "3", "Each set": "15 reps", "How often": "daily"}
    assert [li.get_text() for li in page.select("ol.steps li")] == [
        "Stand tall.", "Rise onto your toes.", "Lower slowly."]
    assert [li.get_text() for li in page.select(".caution li")] == [
        "Hold a wall if balance is shaky."]


def test_wikilink_with_text_and_backlink_on_tip(built):
    tip = soup(built / "tips" / "soft-landings" / "index.html")
    assert ("../../exercises/box-jump/index.html", "jump") in links(tip, ".body")
    box_jump = soup(built / "exercises" / "box-jump" / "index.html")
    assert ("../../tips/soft-landings/index.html", "Soft landings") in links(box_jump, "#main")


def test_plan_page_lists_sessions_with_plan_dose_or_exercise_dose(built):
    page = soup(built / "plans" / "starter-plan" / "index.html")
    rows = [[cell.get_text(" ", strip=True) for cell in row.find_all(["th", "td"])]
            for row in page.select(".screen-only tbody tr")]
    assert rows == [
        ["Calf raise", "3 \u00d7 15 reps, daily", ""],
        ["Bridge", "2 \u00d7 12 reps", "Squeeze at the top."],
    ]


def test_muscle_page_groups_exercises_by_level(built):
    page = soup(built / "muscles" / "calves" / "index.html")
    sections = {s.h2.get_text(): [a.get_text() for a in s.select(".card-title a")]
                for s in page.select("main section")}
    assert sections == {"Beginner": ["Calf raise"], "Advanced": ["Box jump", "Heel drop"]}


def test_goal_page_lists_exercises_tips_and_plans(built):
    page = soup(built / "goals" / "distance" / "index.html")
    titles = [a.get_text() for a in page.select(".card-title a")]
    assert titles == ["Bridge", "Calf raise", "Heel drop", "Rest days", "Starter plan"]


def test_home_links_every_goal_muscle_level_and_featured_plan(built):
    page = soup(built / "index.html")
    page.select_one(".bodymap").extract()
    hrefs = [href for href, _ in links(page, "main")]
    assert hrefs == [
        "goals/distance/index.html", "goals/speed/index.html",
        "muscles/quadriceps/index.html", "muscles/hamstrings/index.html",
        "muscles/glutes/index.html", "muscles/calves/index.html",
        "levels/beginner/index.html", "levels/advanced/index.html",
        "plans/starter-plan/index.html",
    ]


def test_every_page_has_one_h1_lang_and_a_main_landmark(built):
    for path in built.rglob("*.html"):
        page = soup(path)
        assert len(page.find_all("h1")) == 1, path
        assert page.html["lang"] == "en", path
        assert page.find("main", id="main") is not None, path


def test_404_links_are_absolute_from_the_root(built):
    page = soup(built / "404.html")
    assert page.find("link", rel="stylesheet")["href"] == "/static/style.css"
    assert ("/exercises/", "All exercises") in links(page)


def test_sitemap_lists_every_html_page(built):
    sitemap = (built / "sitemap.xml").read_text()
    pages = sorted(p.relative_to(built).as_posix() for p in built.rglob("index.html"))
    assert sitemap.count("<loc>") == len(pages)


def test_body_map_shades_primary_and_hatches_secondary_with_links(built):
    page = soup(built / "exercises" / "box-jump" / "index.html")
    regions = {(a["href"], a["class"][1]) for a in page.select(".bodymap a.region")}
    assert ("../../muscles/quadriceps/index.html", "primary") in regions
    assert ("../../muscles/glutes/index.html", "primary") in regions
    assert ("../../muscles/calves/index.html", "secondary") in regions
    assert ("../../muscles/hamstrings/index.html", "idle") in regions
    labels = {a["aria-label"] for a in page.select(".bodymap a.region.secondary")}
    assert labels == {"Calves (secondary), back view"}
    caption = " ".join(page.select_one(".bodymap figcaption").get_text().split())
    assert caption == "Primary: Quadriceps, Glutes Secondary: Calves"


def test_body_map_on_home_links_every_drawn_muscle_group(built):
    page = soup(built / "index.html")
    hrefs = {a["href"] for a in page.select(".bodymap a.region")}
    assert hrefs == {"muscles/quadriceps/index.html", "muscles/hamstrings/index.html",
                     "muscles/glutes/index.html",
                     "muscles/calves/index.html"}


def _deck(count: int) -> list[SimpleNamespace]:
    return [SimpleNamespace(slug=f"exercise-{n:05d}") for n in range(count)]


def test_a_deck_of_up_to_100_cards_is_one_page_and_longer_decks_40_to_100():
    assert deck_parts(_deck(100)) == [_deck(100)]
    for count in (101, 139, 320, 2000):
        cards = _deck(count)
        parts = deck_parts(cards)
        assert [card for part in parts for card in part] == cards
        assert all(DECK_MIN <= len(part) <= DECK_SIZE for part in parts), count


def test_moving_one_card_changes_the_deck_pages_it_leaves_and_joins():
    # Pages end at cards their slugs mark, so they do not shift with the order:
    # of 500 moves in a deck of 2,000 cards (about 30 pages), nearly all change
    # two or three pages: the one the card leaves, the one it joins, now and then
    # a neighbour. (Rarely, a page gained or lost numbers every page between.)
    cards = _deck(2000)
    before = deck_parts(cards)
    rng = random.Random(7)
    changed = []
    for _ in range(500):
        moved = list(cards)
        moved.insert(rng.randrange(2000), moved.pop(rng.randrange(2000)))
        after = deck_parts(moved)
        changed.append(sum(a != b for a, b in zip(before, after, strict=False))
                       + abs(len(before) - len(after)))
    assert len(before) >= 25
    assert sorted(changed)[len(changed) // 2] == 2
    assert sum(count <= 4 for count in changed) >= 0.95 * len(changed)
