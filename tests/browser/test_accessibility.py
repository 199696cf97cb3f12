"""Scenario 7: axe-core finds no violations on any page, in Finnish, Swedish and English.

Every page a client, a signed-out visitor, a coach or an admin reaches is
checked, in its plain state and in the states that change it (an error
summary, an htmx swap, a finished task). On client pages, axe's AAA contrast
rule (7:1, the product's bar) is switched on too, and two layout rules are
measured in the browser: body text of at least 18 px and touch targets of at
least 48 x 48 px. No page may scroll sideways at 360 px. Coach pages get
the target check as well; a link inside a
running sentence may be smaller there, and is reported as a warning.

Every client, signed-out and family page is also checked, on the same page
and put back as it was after:
- at 320 x 740 with 200 % text (the root font size doubled; the body text
  must really double, so the check cannot pass without the zoom): no
  sideways scroll, no text that stays under 2 x 18 px (sized in px), targets
  still 48 x 48 px, no text cut off by overflow hidden, and no fixed bar
  taller than the room the page leaves it;
- focus: every control focused as by the keyboard gets a ring (outline or
  box-shadow, 3:1 against what is around it) it did not have before, and is
  not hidden under another element (the help bar);
- forced colours: every control has a border (a link may be underlined text),
  every box told apart by its background colour alone gets a border, and all
  text reads at 7:1;
- reduced motion: nothing animates or transitions longer than 0.01 s. The
  client's and the visitor's phones ask for reduced motion throughout, so
  every press and htmx swap here (the check-in first) works that way.

A failure lists every problem on every page at once, with axe's rule ids
and node targets, so it says what to fix.
"""

import io
import warnings
from collections import Counter
from datetime import date, time, timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from PIL import Image
from sqlalchemy import select

from selko import clock
from selko.access import signin
from selko.alarms import Kind, ring_now
from selko.day import attendance, help_request, self_assessment, tasks
from selko.library import photos, voice
from selko.models import AbsenceReason, ClientProfile, Role, ScheduleException, User
from selko.records import work_diary
from selko.words import plain_language
from tests.browser.conftest import VIEWPORT

LANGUAGES = ["fi", "sv", "en"]
MONDAY = date(2026, 11, 23)
MIN_TEXT_PX = 18
MIN_TARGET_PX = 48
ZOOMED_VIEWPORT = {"width": 320, "height": 740}

axe = Axe()


class SmallLinkInSentence(UserWarning):
    """A coach page's link inside running text is under 48 x 48 px (allowed, reported)."""


# Shared by the scripts below: what is shown, how to name an element in a
# failure, and WCAG's contrast of two computed colours.
HELPERS = """
  const shown = (el) => {
    if (el.closest('[hidden], .visually-hidden, [aria-hidden=true]')) return false;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none') return false;
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0;
  };
  const describe = (el) => {
    let name = el.tagName.toLowerCase();
    if (el.id) name += '#' + el.id;
    if (el.classList.length) name += '.' + [...el.classList].join('.');
    const href = el.getAttribute('href');
    if (href) name += `[href="${href}"]`;
    const text = (el.innerText || el.value || '').trim().replace(/\\s+/g, ' ').slice(0, 50);
    return `${name} "${text}"`;
  };
  const ownText = (el) => [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
  const rgba = (colour) => {
    const [r, g, b, a = 1] = (colour.match(/[\\d.]+/g) || [0, 0, 0, 0]).map(Number);
    return [r, g, b, a];
  };
  const luminance = ([r, g, b]) => {
    const f = (v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const contrast = (one, other) => {
    const [light, dark] = [luminance(one), luminance(other)].sort((x, y) => y - x);
    return (light + 0.05) / (dark + 0.05);
  };
  // The colour an element is drawn on: its own or the nearest ancestor's background.
  const backdrop = (el) => {
    for (; el; el = el.parentElement) {
      const colour = rgba(getComputedStyle(el).backgroundColor);
      if (colour[3] > 0) return colour;
    }
    return [255, 255, 255, 1];
  };
  const edged = (style) => ['Top', 'Right', 'Bottom', 'Left'].some(
    (side) => style[`border${side}Style`] !== 'none' && parseFloat(style[`border${side}Width`]) > 0);
  const CONTROLS = 'a[href], button, input:not([type=hidden]), select, textarea, summary';
"""

# One pass over the page: text smaller than minText, and interactive targets
# smaller than 48 x 48 px, each marked whether it sits in a running sentence.
MEASURE = (
    "(minText) => {"
    + HELPERS
    + """
  const areas = [...document.querySelectorAll('header, main, footer')];
  const smallText = [];
  for (const area of areas) {
    for (const el of [area, ...area.querySelectorAll('*')]) {
      if (!shown(el)) continue;
      const size = parseFloat(getComputedStyle(el).fontSize);
      if (ownText(el) && size < minText) smallText.push(`${describe(el)} is ${size}px`);
    }
  }
  const targets = [];
  for (const area of areas) {
    for (const el of area.querySelectorAll('a[href], button, input[type=submit], summary, select')) {
      if (el.classList.contains('skip-link') || !shown(el)) continue;
      const box = el.getBoundingClientRect();
      // Text around the link in the same block: the link sits in a running sentence.
      const block = el.parentElement.closest('p, li, dd, dt, td, th, h1, h2, h3, h4, label, legend, div, section');
      let inSentence = false;
      if (block && el.tagName === 'A') {
        const copy = block.cloneNode(true);
        copy.querySelectorAll('a, button, form, select, [aria-hidden=true], .visually-hidden').forEach((n) => n.remove());
        inSentence = /[\\p{L}\\p{N}]/u.test(copy.textContent);
      }
      targets.push({what: describe(el), width: box.width, height: box.height, inSentence});
    }
  }
  return {smallText, targets};
}"""
)


# The elements that stick out of the screen on the right, to say what to fix.
WIDEST = """() => [...document.querySelectorAll('body *')]
  .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5 && !el.closest('.visually-hidden, .skip-link'))
  .slice(0, 5).map((el) => el.tagName.toLowerCase() + (el.className ? '.' + el.className : '') + ' ' + Math.round(el.getBoundingClientRect().right) + 'px')
  .join(', ')"""


# Focus each control as the keyboard would: it must get a ring (an outline or
# a box-shadow of 2 px or more, at 3:1 against what is around it, that it did
# not have unfocused), and it must not land under the fixed help bar.
FOCUS = (
    "() => {"
    + HELPERS
    + """
  const ring = (el) => {
    const style = getComputedStyle(el);
    const around = backdrop(el.parentElement);
    const marks = [];
    if (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2) marks.push(rgba(style.outlineColor));
    for (const [, colour, lengths] of style.boxShadow.matchAll(/(rgba?\\([^)]*\\))([^,]*)/g)) {
      const [, , blur = 0, spread = 0] = lengths.trim().split(/\\s+/).map(parseFloat);
      if (blur + spread >= 2) marks.push(rgba(colour));
    }
    return marks.some((colour) => colour[3] > 0 && contrast(colour, around) >= 3);
  };
  const problems = [];
  for (const el of document.querySelectorAll(CONTROLS)) {
    if (el.disabled || el.tabIndex < 0 || !(shown(el) || el.matches('.skip-link'))) continue;
    const ringed = ring(el);
    el.focus({focusVisible: true});
    if (document.activeElement !== el) continue;
    if (!el.matches(':focus-visible') || ringed || !ring(el)) {
      problems.push(`no visible focus ring: ${describe(el)}`);
    }
    const box = el.getBoundingClientRect();
    const x = Math.min(Math.max(box.left + box.width / 2, 0), innerWidth - 1);
    const y = Math.min(Math.max(box.top + box.height / 2, 0), innerHeight - 1);
    const hit = document.elementFromPoint(x, y);
    if (hit && !el.contains(hit) && !hit.contains(el)) {
      problems.push(`focused, it is hidden under ${describe(hit)}: ${describe(el)}`);
    }
  }
  document.activeElement.blur();
  scrollTo(0, 0);
  return problems;
}"""
)

# 200 % text zoom: the root font size doubled (the CSS sizes text in rem and
# em). Returns the body text size before and after, to prove it took effect.
ZOOM = """() => {
  const before = parseFloat(getComputedStyle(document.body).fontSize);
  const root = parseFloat(getComputedStyle(document.documentElement).fontSize);
  document.documentElement.style.fontSize = `${2 * root}px`;
  return [before, parseFloat(getComputedStyle(document.body).fontSize)];
}"""

# Cut off: text in a box that hides its overflow, or the page's end under a
# bar fixed at the bottom that is taller than the room the page leaves it.
CLIPPED = (
    "() => {"
    + HELPERS
    + """
  const hides = (overflow) => overflow === 'hidden' || overflow === 'clip';
  const room = parseFloat(getComputedStyle(document.body).paddingBottom);
  const problems = [];
  for (const el of document.querySelectorAll('body *')) {
    if (!shown(el) || el.matches('.skip-link') || !el.innerText.trim()) continue;
    const style = getComputedStyle(el);
    if ((hides(style.overflowX) && el.scrollWidth > el.clientWidth + 1)
        || (hides(style.overflowY) && el.scrollHeight > el.clientHeight + 1)) {
      problems.push(`text cut off by overflow hidden: ${describe(el)}`);
    }
    const box = el.getBoundingClientRect();
    if (style.position === 'fixed' && box.bottom >= innerHeight - 1 && box.height > room + 1) {
      problems.push(`the page's end hides under a ${box.height}px bar with ${room}px room: ${describe(el)}`);
    }
  }
  return problems;
}"""
)

# Boxes told apart by their background colour alone (unforced), for FORCED.
TINTED = (
    "() => {"
    + HELPERS
    + """
  return [...document.querySelectorAll('body *')].filter((el) => {
    if (!shown(el)) return false;
    const own = rgba(getComputedStyle(el).backgroundColor);
    return own[3] > 0 && String(own) !== String(backdrop(el.parentElement));
  });
}"""
)

# Forced colours drop backgrounds and box-shadows: every control and every
# tinted box needs a border (or an outline; a link may be underlined text),
# and all text must still read.
FORCED = (
    "(tinted) => {"
    + HELPERS
    + """
  if (!matchMedia('(forced-colors: active)').matches) return ['forced colours did not take effect'];
  const problems = [];
  const bounded = (el) => {
    const style = getComputedStyle(el);
    return edged(style) || (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0);
  };
  for (const el of document.querySelectorAll(CONTROLS)) {
    if (!shown(el) || el.matches('input[type=radio], input[type=checkbox]')) continue;
    const underlined = getComputedStyle(el).textDecorationLine.includes('underline');
    if (!bounded(el) && !(underlined && el.matches('a, .link-button, summary'))) {
      problems.push(`a control with no border in forced colours: ${describe(el)}`);
    }
  }
  for (const el of tinted) {
    if (!bounded(el)) problems.push(`only a background colour marks it, gone in forced colours: ${describe(el)}`);
  }
  for (const el of document.querySelectorAll('body *')) {
    if (!shown(el) || !ownText(el)) continue;
    const ratio = contrast(rgba(getComputedStyle(el).color), backdrop(el));
    if (ratio < 7) problems.push(`text at ${ratio.toFixed(1)}:1 in forced colours: ${describe(el)}`);
  }
  return problems;
}"""
)

# With reduced motion asked for, nothing may move for longer than 0.01 s.
MOTION = (
    "() => {"
    + HELPERS
    + """
  if (!matchMedia('(prefers-reduced-motion: reduce)').matches) return ['reduced motion did not take effect'];
  const longest = (times) => Math.max(...times.split(',').map(parseFloat));
  const problems = [];
  for (const el of document.querySelectorAll('*')) {
    const style = getComputedStyle(el);
    if (style.animationName !== 'none' && longest(style.animationDuration) > 0.01) {
      problems.push(`animates for ${style.animationDuration}: ${describe(el)}`);
    }
    if (longest(style.transitionDuration) > 0.01) problems.push(`transition of ${style.transitionDuration}: ${describe(el)}`);
  }
  if (getComputedStyle(document.documentElement).scrollBehavior === 'smooth') problems.push('scroll-behavior: smooth on html');
  for (const animation of document.getAnimations()) {
    if (animation.playState === 'running' && animation.effect.getTiming().duration > 10) {
      problems.push(`a running animation on ${describe(animation.effect.target)}`);
    }
  }
  return problems;
}"""
)


class Audit:
    """Collects every problem of every page, to fail once with the whole list."""

    def __init__(self, language: str):
        self.language = language
        self.problems: list[str] = []
        self.sentence_links: list[str] = []
        self.pages = 0

    def check(self, page, label: str, *, client_page: bool):
        # Let htmx finish swapping and settling before anything is measured.
        page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added')")
        where = f"[{self.language}] {label} ({page.url.split('localhost:')[1].split('/', 1)[1]!r})"
        assert page.locator("html").get_attribute("lang") == self.language, f"{where}: wrong language"
        self.pages += 1

        options = {"resultTypes": ["violations"]}
        if client_page:
            options["rules"] = {"color-contrast-enhanced": {"enabled": True}}
        for violation in axe.run(page, options=options).response["violations"]:
            targets = "; ".join(" ".join(node["target"]) for node in violation["nodes"])
            self.problems.append(f"{where}: axe {violation['id']} ({violation['impact']}): {violation['help']} -> {targets}")

        self.sideways(page, where)
        measured = page.evaluate(MEASURE, MIN_TEXT_PX)
        if client_page:
            for text in measured["smallText"]:
                self.problems.append(f"{where}: text under {MIN_TEXT_PX}px: {text}")
        self.small_targets(measured["targets"], where, client_page)
        if client_page:
            self.problems += [f"{where}: {problem}" for problem in page.evaluate(FOCUS)]
            self.zoomed(page, where)
            self.forced_colours_and_reduced_motion(page, where)

    def sideways(self, page, where: str):
        """No page may scroll sideways on a phone."""
        wide = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        if wide > 0:
            widest = page.evaluate(WIDEST)
            self.problems.append(f"{where}: scrolls sideways by {wide}px at {page.viewport_size['width']}px: {widest}")

    def small_targets(self, targets, where: str, client_page: bool):
        for target in targets:
            if target["width"] + 0.5 >= MIN_TARGET_PX and target["height"] + 0.5 >= MIN_TARGET_PX:
                continue
            size = f"{target['width']:.0f}x{target['height']:.0f}px"
            if target["inSentence"] and not client_page:
                self.sentence_links.append(f"{where}: {size}: {target['what']}")
            else:
                self.problems.append(f"{where}: target under {MIN_TARGET_PX}x{MIN_TARGET_PX}px ({size}): {target['what']}")

    def zoomed(self, page, where: str):
        """The same page on a 320 px phone with 200 % text, then back as it was."""
        page.set_viewport_size(ZOOMED_VIEWPORT)
        before, after = page.evaluate(ZOOM)
        where = f"{where} at {ZOOMED_VIEWPORT['width']}px, 200% text"
        if after < 2 * before - 0.5:
            self.problems.append(f"{where}: body text is {after}px, not twice {before}px: size it in rem or em")
        self.sideways(page, where)
        measured = page.evaluate(MEASURE, 2 * MIN_TEXT_PX)
        for text in measured["smallText"]:
            self.problems.append(f"{where}: text that does not grow (size it in rem or em): {text}")
        self.small_targets(measured["targets"], where, client_page=True)
        self.problems += [f"{where}: {problem}" for problem in page.evaluate(CLIPPED)]
        page.evaluate("() => document.documentElement.style.removeProperty('font-size')")
        page.set_viewport_size(VIEWPORT)

    def forced_colours_and_reduced_motion(self, page, where: str):
        """Both emulated on the page for a moment; reduced motion stays if the
        context asked for it."""
        reduced = page.evaluate("() => matchMedia('(prefers-reduced-motion: reduce)').matches")
        tinted = page.evaluate_handle(TINTED)
        page.emulate_media(forced_colors="active", reduced_motion="reduce")
        problems = page.evaluate(MOTION) + page.evaluate(FORCED, tinted)
        page.emulate_media(forced_colors="none", reduced_motion="reduce" if reduced else "no-preference")
        tinted.dispose()
        self.problems += [f"{where}: {problem}" for problem in problems]

    def assert_clean(self):
        if self.sentence_links:
            warnings.warn(
                SmallLinkInSentence(
                    f"{len(self.sentence_links)} links inside running text on coach pages are under "
                    f"{MIN_TARGET_PX}x{MIN_TARGET_PX}px (allowed there):\n  " + "\n  ".join(self.sentence_links)
                ),
                stacklevel=2,
            )
        counted = Counter(self.problems)
        lines = [f"{problem}{f' (x{n})' if n > 1 else ''}" for problem, n in counted.items()]
        assert not lines, f"{len(lines)} accessibility problems on {self.pages} pages:\n" + "\n".join(lines)


def submit(page, form_selector: str):
    with page.expect_navigation():
        page.locator(f"{form_selector} [type=submit]").first.click()


def choose_language(page, code: str):
    page.goto("/language")
    with page.expect_navigation():
        page.locator(f"form[action='/language'] button[name=language][value={code}]").click()


@pytest.mark.parametrize("language", LANGUAGES)
def test_client_and_signed_out_pages_have_no_accessibility_problems(language, app, make, session, new_context, open_link):
    coach = make.coach(name="Sanna Coach", phone="040 123 4567")
    client = make.client(
        coach=coach,
        name="Aino",
        language=language,
        breaks=((time(10), time(10, 15), "Kahvi"), (time(11, 30), time(12), "Lounas")),
    )
    task = make.task(organisation_id=client.organisation_id, title="Pese ikkunat", emoji="🪟")
    assignment = make.assignment(client=client, task=task)
    with_photos(app, session, task)
    with app.test_request_context():  # the coach's voice on the first step: Kuuntele
        voice.attach(session, task.steps[0], voice.chime(1.0, "webm"))
    make.passkey(client)  # so "My phone and lock" lists one
    ring_now(session, session.merge(client), Kind.coach, "Muista hanskat.")  # a message card on Today
    work_diary.write(session, client.id, MONDAY, "Hienoa työtä eilen.", True, coach)  # the coach's note on Today
    answered_before(session, client)  # her last weeks on the thanks page
    session.commit()
    audit = Audit(language)

    # The client's and the visitor's phones ask for reduced motion: every press
    # and htmx swap below (the check-in first) must work so.
    page = open_link(new_context(reduced_motion="reduce"), client)
    audit.check(page, "Today", client_page=True)
    page.locator("#check-in form[action='/arrive'] [type=submit]").click()
    page.locator("#check-in form[data-early-until]").wait_for()
    audit.check(page, "Today, at work (htmx)", client_page=True)

    page.goto("/tasks")
    audit.check(page, "My tasks", client_page=True)
    page.goto("/week")
    audit.check(page, "My work days", client_page=True)
    page.goto(f"/tasks/{assignment.id}")
    audit.check(page, "a task, Listen on a step", client_page=True)
    page.goto(f"/tasks/{assignment.id}/steps/{task.steps[0].id}")
    audit.check(page, "one step, with the coach's voice", client_page=True)
    page.goto(f"/tasks/{assignment.id}")
    for number in range(1, len(task.steps) + 1):
        page.locator("#steps li.step").nth(number - 1).locator("button.tick").click()
        page.locator(f"#steps li.step:nth-child({number}).is-done").wait_for()
    page.locator("#steps .done[role=status]").wait_for()
    audit.check(page, "a task, every step done (htmx)", client_page=True)
    session.get(ClientProfile, client.id).one_step_at_a_time = True
    session.commit()
    page.goto(f"/tasks/{assignment.id}/steps/{task.steps[0].id}")
    audit.check(page, "one step at a time, with its photo", client_page=True)
    session.get(ClientProfile, client.id).one_step_at_a_time = False
    session.commit()
    page.goto(f"/tasks/{assignment.id}")
    page.locator(".help-bar form[action='/help'] [type=submit]").click()
    page.locator("#help [role=status]").wait_for()
    audit.check(page, "a task, help asked (htmx)", client_page=True)

    page.goto("/help")
    audit.check(page, "help asked", client_page=True)
    asked = help_request.shown_to_client(session, client, MONDAY)
    help_request.mark_handled(session, asked, coach.id)
    session.commit()
    page.reload()
    audit.check(page, "help asked, the coach knows", client_page=True)
    page.locator("#help-status form button").click()
    page.locator("#help-status .notice").wait_for()
    audit.check(page, "help request cancelled (htmx)", client_page=True)
    page.goto("/today-went")
    audit.check(page, "How did today go?", client_page=True)
    submit(page, "form[action='/today-went']")
    audit.check(page, "How did today go?, nothing chosen", client_page=True)
    for area in self_assessment.AREAS:
        page.locator(f"input[name={area}][value='2']").check()
    submit(page, "form[action='/today-went']")
    assert page.url.endswith("/today-went/thanks")
    page.locator("#lately").wait_for()
    audit.check(page, "How did today go?, thanks, the last weeks", client_page=True)

    page.goto("/absent")
    audit.check(page, "not coming today", client_page=True)
    submit(page, "form[action='/absent']")
    audit.check(page, "not coming today, no picture chosen", client_page=True)
    page.locator("input[name=reason][value=ill]").check()
    page.fill("textarea[name=note]", "Flunssa.")
    submit(page, "form[action='/absent']")
    audit.check(page, "Today, absent", client_page=True)

    page.goto("/home-screen")
    audit.check(page, "Selko on the home screen", client_page=True)
    page.goto("/alarms")
    audit.check(page, "alarms", client_page=True)
    page.goto("/language")
    audit.check(page, "language", client_page=True)
    page.goto("/account")
    audit.check(page, "My phone and lock", client_page=True)
    page.goto("/passkeys/new")
    audit.check(page, "Lock Selko", client_page=True)
    page.goto("/share")
    audit.check(page, "who can see my work days", client_page=True)
    page.fill("#share-name", "Äiti")
    submit(page, "form[action='/share']")
    audit.check(page, "a share link to send", client_page=True)
    family_link = page.locator("[data-share-url]").get_attribute("href")
    page.goto("/share")
    audit.check(page, "who can see my work days, one person", client_page=True)
    response = page.goto("/tasks/999999")
    assert response.status == 404
    audit.check(page, "error page (404)", client_page=True)
    page.goto("/about")
    audit.check(page, "about Selko: the pictures and parts", client_page=True)

    # Signed out, on a phone that chose the language. The sign-in page submits
    # itself; here form.submit() does nothing, so the page stays to be checked.
    visitor = new_context(reduced_motion="reduce")
    visitor.add_init_script("HTMLFormElement.prototype.submit = function () {};")
    stranger = visitor.new_page()
    choose_language(stranger, language)
    assert stranger.url.endswith("/welcome")
    audit.check(stranger, "welcome", client_page=True)
    stranger.goto("/language")
    audit.check(stranger, "language, signed out", client_page=True)
    stranger.goto(f"/signin/{make.link(client)}")
    stranger.locator("form[data-auto-submit]").wait_for()
    audit.check(stranger, "sign-in link", client_page=True)
    response = stranger.goto("/signin/no-such-link")
    assert response.status == 404
    audit.check(stranger, "unknown link", client_page=True)
    response = stranger.goto("/no-such-page")
    assert response.status == 404
    audit.check(stranger, "error page, signed out (404)", client_page=True)
    stranger.goto(family_link)
    audit.check(stranger, "the family's week", client_page=True)
    stranger.goto("/about")
    audit.check(stranger, "about Selko, signed out", client_page=True)

    audit.assert_clean()


def with_photos(app, session, task):
    """A photo on the task and on each step: a landscape, a portrait, a square."""
    sizes = [(1200, 900), (600, 800), (500, 500), (800, 600)]
    with app.test_request_context():
        for owner, size in zip([task, *task.steps], sizes):
            out = io.BytesIO()
            Image.new("RGB", size, "#2a9d8f").save(out, format="JPEG")
            assert photos.attach(session, owner, out.getvalue()) is None
        session.commit()


def answered_before(session, client):
    """How did today go, on a few days of the last weeks: a chart for the
    coach, the last weeks for the client."""
    for weeks_ago, face in [(9, 1), (5, 2), (2, 3), (1, 3)]:
        answers = dict.fromkeys(self_assessment.AREAS, face) | {"work": 2}
        self_assessment.save(session, client.id, MONDAY - timedelta(weeks=weeks_ago), answers, False)


def arrange_a_busy_board(make, session, coach):
    """Clients in every state the board shows, made straight in the database."""
    task = make.task(organisation_id=coach.organisation_id, title="Pese ikkunat", emoji="🪟")
    helped = make.client(coach=coach, name="Aino Apua")
    helped.phone = "040 111 2222"  # a tel: link on the client page
    assignment = make.assignment(client=helped, task=task)
    attendance.arrive(session, helped.id, MONDAY)
    help_request.ask(session, helped.id, tasks.one_for_day(session, helped.id, MONDAY, assignment.id))
    help_request.cancel(help_request.ask(session, helped.id))
    ring_now(session, helped, Kind.coach, "Muista hanskat.").seen_at = clock.now()
    ring_now(session, helped, Kind.ready_message, "call")
    self_assessment.save(session, helped.id, MONDAY, dict.fromkeys(self_assessment.AREAS, 2) | {"mind": 1}, True)
    answered_before(session, helped)  # the self-assessment chart on the client page
    absent = make.client(coach=coach, name="Bertta Poissa")
    attendance.report_absence(session, absent.id, MONDAY, AbsenceReason.doctor, "Hammaslääkäri.")
    make.client(coach=coach, name="Cecilia Myöhässä", hours=(time(8), time(14)))
    gone = make.client(coach=coach, name="Daniel Kotona", hours=(time(7), time(9)))
    attendance.arrive(session, gone.id, MONDAY)
    attendance.leave(session, gone.id, MONDAY)
    make.client(coach=coach, name="Eero Vapaa", works=[2, 3])
    make.client(coach=coach, name="Fanni Myöhemmin", hours=(time(12), time(16)))
    # The client page's every section: a phone, a passkey, a date that differs, tasks.
    signin.open_device_session(session, helped, length=timedelta(days=90), user_agent="Mozilla/5.0 (Linux; Android 14)")
    make.passkey(helped)
    session.add(ScheduleException(client_id=helped.id, date=MONDAY + timedelta(days=7), day_off=True, note="Loma"))
    make.assignment(client=helped, task=make.task(organisation_id=coach.organisation_id, title="Vie roskat", emoji="🗑️"))
    session.commit()
    return helped, task


def with_a_photo(app, session, task):
    """The library's task page with a photo of the task and of its first step."""
    with_photos(app, session, task)
    with app.test_request_context():
        photos.remove(session, task.steps[1])
        session.commit()


@pytest.mark.parametrize("language", LANGUAGES)
def test_coach_and_admin_pages_have_no_accessibility_problems(language, app, make, session, new_context, open_link, page_problems, tmp_path):
    coach = make.coach(name="Sanna Coach")
    coach.role = Role.admin  # an admin is a coach too, and sees the organisation pages
    session.commit()
    client, task = arrange_a_busy_board(make, session, coach)
    with_a_photo(app, session, task)
    audit = Audit(language)

    page = open_link(new_context(), coach)
    choose_language(page, language)
    page.goto("/coach/")
    assert page.locator("#board .board-row").count() == 6
    audit.check(page, "board", client_page=False)

    page.goto("/coach/clients/new")
    audit.check(page, "new client", client_page=False)
    page.fill("#phone", "not a number")
    submit(page, "form[action='/coach/clients/new']")
    audit.check(page, "new client, errors", client_page=False)

    page.goto(f"/coach/clients/{client.id}")
    audit.check(page, "client page, today", client_page=False)
    page.goto(f"/coach/clients/{client.id}/self-assessment")
    assert page.locator("svg.sa-chart g[data-area] use").count() > 0
    audit.check(page, "client page, the self-assessment chart", client_page=False)
    page.locator("#self-assessment details summary").click()
    audit.check(page, "client page, the self-assessment as a table", client_page=False)
    never_answered = session.scalar(select(User).where(User.name == "Bertta Poissa"))
    page.goto(f"/coach/clients/{never_answered.id}/self-assessment")
    assert page.locator("#self-assessment").count() == 1 and page.locator("svg.sa-chart").count() == 0
    audit.check(page, "client page, no self-assessment answers", client_page=False)
    page.goto(f"/coach/clients/{client.id}/phones")
    audit.check(page, "client page, phones and sharing", client_page=False)
    page.goto(f"/coach/clients/{client.id}/schedule")
    audit.check(page, "client page, schedule and tasks", client_page=False)
    page.fill("#exc-date", "")
    page.check("input[name=kind][value=hours]")
    submit(page, f"form[action='/coach/clients/{client.id}/exceptions']")
    audit.check(page, "client page, date error", client_page=False)

    # The register: the month, a day with its history, a wrong correction, the report.
    page.goto(f"/coach/clients/{client.id}/attendance-2026-11")
    audit.check(page, "attendance month", client_page=False)
    page.goto(f"/coach/clients/{client.id}/attendance/2026-11-23")
    audit.check(page, "attendance day with history", client_page=False)
    page.fill("#arrived", "8.75")
    submit(page, f"form[action='/coach/clients/{client.id}/attendance/2026-11-23']")
    audit.check(page, "attendance day, error", client_page=False)
    page.check("#state-2")  # present on the coach's word
    page.fill("#arrived", "")
    submit(page, f"form[action='/coach/clients/{client.id}/attendance/2026-11-23']")
    audit.check(page, "attendance month, day saved", client_page=False)
    page.goto(f"/coach/clients/{client.id}/diary")
    audit.check(page, "work diary, empty", client_page=False)
    submit(page, f"form[action='/coach/clients/{client.id}/diary']")
    audit.check(page, "work diary, error", client_page=False)
    page.fill("#text", "Hyvä päivä.")
    page.check("#shown")
    submit(page, f"form[action='/coach/clients/{client.id}/diary']")
    audit.check(page, "work diary, a note", client_page=False)
    page.goto("/coach/reports/attendance-2026-11")
    audit.check(page, "attendance report", client_page=False)
    page.goto("/coach/reports/attendance-2026-11/print")
    audit.check(page, "attendance report, printable", client_page=False)

    page.goto(f"/coach/clients/{client.id}/contacts")
    audit.check(page, "client page, no contacts yet", client_page=False)
    page.check("#contacts input[name=kind][value=visit]")
    page.fill("#contact-note", "Kävin työpaikalla. Esihenkilö oli paikalla.")
    submit(page, "#contacts form")
    audit.check(page, "client page, a contact logged", client_page=False)
    page.fill("#contact-date", (MONDAY + timedelta(days=1)).isoformat())
    submit(page, "#contacts form")
    audit.check(page, "client page, contact error", client_page=False)

    page.goto("/coach/caseload")
    audit.check(page, "caseload", client_page=False)

    page.goto(f"/coach/clients/{client.id}/schedule/0")
    audit.check(page, "schedule day", client_page=False)
    page.fill("#starts", "late")
    submit(page, f"form[action='/coach/clients/{client.id}/schedule/0']")
    audit.check(page, "schedule day, error", client_page=False)

    page.goto(f"/coach/clients/{client.id}")
    submit(page, f"form[action='/coach/clients/{client.id}/connect']")
    page.locator("[data-sign-in-link]").wait_for()
    audit.check(page, "connect phone", client_page=False)
    page.goto(f"/signin/{make.link(client)}")
    audit.check(page, "a client's sign-in link, asked before switching", client_page=True)

    page.goto("/coach/tasks")
    audit.check(page, "task library", client_page=False)
    page.goto("/coach/tasks/new")
    audit.check(page, "new task", client_page=False)
    page.locator("#picture-q").fill({"fi": "kahvi", "sv": "kaffe", "en": "coffee"}[language])
    page.locator("#picture-found", has_text="”").wait_for()
    page.locator("#picture-choices input[value='☕']").check()
    audit.check(page, "new task, pictures found and one picked (htmx)", client_page=False)
    page.locator("#picture-q").fill("qqqzzz")
    page.locator("#picture-found", has_text="qqqzzz").wait_for()
    audit.check(page, "new task, no pictures found (htmx)", client_page=False)
    # Search as without JavaScript: the form posted back with what was found.
    with page.expect_navigation():
        page.evaluate("""() => {
            const form = document.querySelector("form[action='/coach/tasks/new']");
            form.querySelector('#picture-q').value = 'tee';
            form.insertAdjacentHTML('beforeend', '<input type="hidden" name="search" value="1">');
            form.submit();
        }""")
    audit.check(page, "new task, pictures searched without JavaScript", client_page=False)
    submit(page, "form[action='/coach/tasks/new']")
    audit.check(page, "new task, errors", client_page=False)
    if plain_language.grammar_available():
        # The selko check's suggestions under the field, swapped in as the coach types.
        page.locator("#steps").press_sequentially("Keitin käynnistetään.")
        page.locator("#steps-check li").first.wait_for()
        audit.check(page, "new task, a plain-language suggestion", client_page=False)
    page.goto(f"/coach/tasks/{task.id}")
    audit.check(page, "a task in the library, with photos", client_page=False)
    page_problems.allowed = ("status of 400",)  # the file refused below, on purpose
    not_a_photo = tmp_path / "kuva.jpg"
    not_a_photo.write_bytes(b"not a photo")
    page.locator(f"#step-{task.steps[1].id}-photo-file").set_input_files(not_a_photo)
    page.locator(f"#step-{task.steps[1].id}-photo [type=submit]").click()
    page.locator(f"#step-{task.steps[1].id}-photo-error").wait_for()
    audit.check(page, "a task in the library, a photo refused (htmx)", client_page=False)
    audit.check(page, "a task in the library, photos and voice", client_page=False)
    first = f"#step-{task.steps[0].id}-voice"
    page.locator(f"{first} input[type=file]").set_input_files(files=[{"name": "voice.webm", "mimeType": "audio/webm", "buffer": b"not a sound"}])
    with page.expect_navigation():
        page.locator(f"{first} form[data-voice-form]").evaluate("(form) => form.requestSubmit()")
    page.locator(f"{first} .error").wait_for()
    audit.check(page, "a task, a refused recording", client_page=False)
    page.locator(f"{first} input[type=file]").set_input_files(files=[{"name": "voice.webm", "mimeType": "audio/webm", "buffer": voice.chime(1.0, "webm")}])
    with page.expect_navigation():
        page.locator(f"{first} form[data-voice-form]").evaluate("(form) => form.requestSubmit()")
    page.locator(f"{first} audio[data-voice-saved]").wait_for()
    audit.check(page, "a task, a recording saved", client_page=False)

    page.goto("/account")
    audit.check(page, "passkeys and sessions", client_page=False)
    page.goto("/passkeys/new")
    audit.check(page, "make a passkey", client_page=False)

    page.goto("/admin/")
    audit.check(page, "organisation", client_page=False)
    page.locator("form[action$='/link'] [type=submit]").first.click()
    page.wait_for_url("**/admin/coaches/*/link")
    audit.check(page, "a coach's new sign-in link", client_page=False)
    page.goto("/admin/")
    page.fill("#amount", "13")
    submit(page, "form[action='/admin/compensation']")
    audit.check(page, "organisation, compensation error", client_page=False)
    page.goto("/admin/reports/attendance-2026-11")
    audit.check(page, "organisation's attendance report", client_page=False)
    page.goto("/admin/audit")
    audit.check(page, "audit log", client_page=False)
    page.goto(f"/admin/clients/{client.id}/erase")
    audit.check(page, "erase a client", client_page=False)
    submit(page, f"form[action='/admin/clients/{client.id}/erase']")
    audit.check(page, "erase a client, not confirmed", client_page=False)
    response = page.goto("/coach/clients/999999")
    assert response.status == 404
    audit.check(page, "error page for a coach (404)", client_page=False)

    audit.assert_clean()
