"""Printing in a real browser: card decks, single cards and plan sheets, read back as PDFs."""

from __future__ import annotations

import math
import subprocess
from pathlib import Path

import pytest

from legwork.builder import build_site
from legwork.project import Project, load_guide
from tests.browser import screenshots_folder, serve_folder
from tests.conftest import REPO, make_project, soup
from tests.machine import require_program

BASE = "https://user.github.io/legwork/"
A6 = (298, 420)      # points, rounded: 105 x 148 mm
A4 = (595, 842)
LETTER = (612, 792)
CHROME_TEXT = ["Skip to content", "Exercises Muscles Goals", "Search (press /)",
               "Leg training for runners, muscle by muscle", "Print these cards",
               "Print this card", "Previous", "Home /"]


def poppler(tool: str) -> str:
    return require_program(tool, "poppler-utils")


def page_texts(pdf: Path) -> list[str]:
    """The text of each page of `pdf`."""
    text = subprocess.run([poppler("pdftotext"), "-layout", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    return text.split("\f")[:-1]


def page_sizes(pdf: Path) -> set[tuple[int, int]]:
    info = subprocess.run([poppler("pdfinfo"), "-f", "1", "-l", "999", str(pdf)], check=True,
                          capture_output=True, text=True).stdout
    sizes = set()
    for line in info.splitlines():
        if line.startswith("Page") and "size:" in line:
            width, _, height = line.split("size:")[1].split()[:3]
            sizes.add((round(float(width)), round(float(height))))
    return sizes


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("print") / "site"
    build_site(Project.at(REPO, out=out, base_url=BASE))
    base, stop = serve_folder(out)
    yield base, out
    stop()


@pytest.fixture(scope="module")
def guide():
    return load_guide(Project.at(REPO)).guide


def print_pdf(browser, url: str, target: Path, paper: str | None = None,
              page_format: str | None = None) -> Path:
    page = browser.new_page()
    page.goto(url)
    if paper:
        page.check(f"input[name=paper][value={paper}]")
    options = {"format": page_format} if page_format else {"prefer_css_page_size": True}
    page.pdf(path=str(target), print_background=True, **options)
    page.close()
    return target


def titles_on(text: str, titles: list[str]) -> list[str]:
    """Card titles that stand alone at the start of a line of `text`, in page order."""
    found = []
    for line in text.splitlines():
        for part in [p.strip() for p in line.split("   ") if p.strip()]:
            if part in titles:
                found.append(part)
    return found


def test_deck_prints_one_card_per_a6_page_in_order(browser, site, guide, tmp_path):
    base, _ = site
    pdf = print_pdf(browser, base + "cards/", tmp_path / "deck.pdf")
    titles = [e.title for e in guide.exercises]
    texts = page_texts(pdf)
    assert len(texts) == len(titles)
    assert page_sizes(pdf) == {A6}
    assert [titles_on(text, titles) for text in texts] == [[t] for t in titles]
    shots = screenshots_folder("print")
    subprocess.run([poppler("pdftoppm"), "-png", "-r", "110", "-f", "1", "-l", "1",
                    "-singlefile", str(pdf), str(shots / "deck-a6-page1")], check=True)
    assert (shots / "deck-a6-page1.png").stat().st_size > 10_000


@pytest.mark.parametrize(("paper", "size"), [("a4", A4), ("letter", LETTER)])
def test_deck_prints_four_cards_per_sheet(browser, site, guide, tmp_path, paper, size):
    base, _ = site
    pdf = print_pdf(browser, base + "cards/", tmp_path / f"deck-{paper}.pdf", paper=paper)
    titles = [e.title for e in guide.exercises]
    texts = page_texts(pdf)
    assert len(texts) == math.ceil(len(titles) / 4)
    assert page_sizes(pdf) == {size}
    on_pages = [titles_on(text, titles) for text in texts]
    assert sorted(sum(on_pages, [])) == sorted(titles)
    assert all(len(found) == 4 for found in on_pages[:-1])
    shots = screenshots_folder("print")
    subprocess.run([poppler("pdftoppm"), "-png", "-r", "60", "-f", "1", "-l", "1",
                    "-singlefile", str(pdf), str(shots / f"deck-{paper}-page1")], check=True)


def test_printed_pages_carry_no_site_chrome(browser, site, tmp_path):
    base, _ = site
    for url in ["cards/", "cards/goals/speed/", "exercises/squat/", "plans/speed-block/"]:
        pdf = print_pdf(browser, base + url, tmp_path / "page.pdf")
        for text in page_texts(pdf):
            flat = " ".join(text.split())
            assert [c for c in CHROME_TEXT if c in flat] == [], url


def test_taxonomy_deck_is_linked_and_holds_that_terms_cards(browser, site, guide, tmp_path):
    base, out = site
    term_page = soup(out / "muscles" / "calves" / "index.html")
    link = term_page.find("a", string="Print these cards")
    assert link["href"] == "../../cards/muscles/calves/index.html"
    calves = [e.title for e in guide.exercises if any(m.slug == "calves" for m in e.muscles)]
    pdf = print_pdf(browser, base + "cards/muscles/calves/", tmp_path / "calves.pdf")
    assert [titles_on(t, calves) for t in page_texts(pdf)] == [[t] for t in calves]
    for name in ("goals/speed", "levels/beginner", "muscles/glutes", "equipment/box"):
        assert (out / "cards" / name / "index.html").is_file()


def test_exercise_page_prints_just_its_card(browser, site, tmp_path):
    base, out = site
    page = soup(out / "exercises" / "box-jump" / "index.html")
    assert page.find("button", attrs={"data-print": True}).get_text() == "Print this card"
    pdf = print_pdf(browser, base + "exercises/box-jump/", tmp_path / "card.pdf")
    texts = page_texts(pdf)
    assert len(texts) == 1 and page_sizes(pdf) == {A6}
    flat = " ".join(texts[0].split())
    assert flat.startswith("Box jump ADVANCED · SPEED · PLYOMETRIC")
    assert "Caution: Only jump when fresh; tired legs miss boxes." in flat
    assert "user.github.io/legwork/exercises/box-jump/" in flat


@pytest.mark.parametrize("page_format", ["A4", "Letter"])
def test_every_plan_prints_on_one_sheet(browser, site, guide, tmp_path, page_format):
    base, _ = site
    for plan in guide.plans:
        pdf = print_pdf(browser, base + plan.url, tmp_path / "plan.pdf", page_format=page_format)
        texts = page_texts(pdf)
        assert len(texts) == 1, plan.slug
        flat = " ".join(texts[0].split())
        assert flat.startswith(plan.title), plan.slug
        weeks = " ".join(f"W{w}" for w in range(1, plan.weeks.high + 1))
        assert weeks in flat, plan.slug


@pytest.mark.parametrize("paper", ["a6", "a4", "letter"])
def test_no_card_content_is_cut_off(browser, site, paper):
    base, _ = site
    page = browser.new_page()
    page.goto(base + "cards/")
    page.check(f"input[name=paper][value={paper}]")
    page.emulate_media(media="print")
    overflowing = page.eval_on_selector_all(
        ".print-card", "cards => cards.filter(c => c.scrollHeight > c.clientHeight + 1)"
                       ".map(c => c.querySelector('h2').textContent)")
    page.close()
    assert overflowing == []


def test_cards_carry_qr_code_and_short_url_only_with_a_base_url(site, guide_dir):
    _, out = site
    card = soup(out / "cards" / "index.html").select_one(".print-card")
    assert card.select_one("svg.qr")["aria-label"].startswith("QR code for " + BASE)
    assert card.select_one(".card-link span").get_text().startswith("user.github.io/legwork/")
    local = make_project(guide_dir)
    build_site(local)
    assert soup(local.out / "cards" / "index.html").select("svg.qr") == []
