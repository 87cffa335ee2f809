"""Jinja errors become template:line messages; templates are strict about undefined names."""
from __future__ import annotations

import pytest

from feelagain.config import load_config
from feelagain.errors import BuildError
from feelagain.templating import Renderer


def renderer_with(make_site, templates: dict[str, str]) -> Renderer:
    site = make_site({f"templates/{k}": v for k, v in templates.items()})
    return Renderer(load_config(site))


def test_syntax_error_names_template_and_line(make_site):
    renderer = renderer_with(make_site, {"broken.html": "<p>\n{% if x %}\n<p>no endif\n"})
    with pytest.raises(BuildError) as info:
        renderer.render("broken.html", {"x": 1})
    assert str(info.value).startswith("templates/broken.html:3: template syntax error: Unexpected end of template")


def test_undefined_variable_names_template_and_line(make_site):
    renderer = renderer_with(make_site, {"typo.html": "<h1>{{ page.title }}</h1>\n<p>{{ page.tittle }}</p>\n"})
    with pytest.raises(BuildError) as info:
        renderer.render("typo.html", {"page": {"title": "T"}})
    assert str(info.value).startswith("templates/typo.html:2: template error: 'dict object' has no attribute 'tittle'")
    assert 'did you mean "title"?' in str(info.value)


def test_missing_template(make_site):
    renderer = renderer_with(make_site, {})
    with pytest.raises(BuildError, match='template "nosuch.html" not found'):
        renderer.render("nosuch.html", {})


def test_site_templates_override_bundled_ones(make_site):
    renderer = renderer_with(make_site, {"404.html": "<p>our own 404</p>"})
    assert renderer.render("404.html", {}) == "<p>our own 404</p>"


def test_content_is_escaped(make_site):
    renderer = renderer_with(make_site, {"x.html": "{{ text }}"})
    assert renderer.render("x.html", {"text": "<script>"}) == "&lt;script&gt;"


@pytest.mark.parametrize("html", [
    '<footer class="crisis" data-crisis>', '<div\tdata-crisis\n>', '<p data-crisisx>', '<p>data-crisis</p>',
    '<a x="<b" data-crisis >', '<a x=">" data-crisis>', "data-crisis", '<p data-crisis', '<P data-crisis>',
    '<a href="/" data-exit-link>', '<a\ndata-exit-link>', '<abbr data-exit-link>', '<a data-exit-link',
    "<main>", "<main id=m>", "<mainx>", "<main", "<<main>", "x" * 50 + "<main\n", "<a data-crisis> data-crisis>",
])
def test_the_safety_check_finds_exactly_what_a_plain_search_finds(html: str):
    from feelagain.pages import MUST_HAVE, MUST_HAVE_NEEDLES, has_part

    for (_, pattern), needle in zip(MUST_HAVE, MUST_HAVE_NEEDLES):
        for text in (html, "<p>" + html + "</p>" * 3, html + html):
            assert has_part(pattern, needle, text) == bool(pattern.search(text)), (needle, text)


def test_the_safety_check_agrees_with_a_plain_search_on_random_markup():
    import random

    from feelagain.pages import MUST_HAVE, MUST_HAVE_NEEDLES, has_part

    pieces = ["<", ">", " ", "\n", "a", "p", "main", "<main", "<a", "data-crisis", "data-exit-link", '"', "=", "x"]
    rng = random.Random(16)
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 14)))
        for (_, pattern), needle in zip(MUST_HAVE, MUST_HAVE_NEEDLES):
            assert has_part(pattern, needle, text) == bool(pattern.search(text)), (needle, text)


@pytest.mark.parametrize("code", ["en", "es"])
def test_remembered_interface_strings_render_as_jinja_would(code: str):
    import jinja2

    from feelagain.config import PROJECT_ROOT
    from feelagain.i18n import install, translations

    source = ('{{ _("Key points") }}|{{ _("Key points") + "<i>" }}|{% trans %}Key points{% endtrans %}|'
              '{{ _("Open %(hours)s.", hours="9<10") }}|{{ _("Open %(hours)s.", hours="24/7") }}|'
              '{% autoescape false %}{{ _("Key points") + "<i>" }}|{{ _("Open %(hours)s.", hours="<b>") }}'
              '{% endautoescape %}|{{ gettext("Key points") }}')
    ours = jinja2.Environment(autoescape=True, extensions=["jinja2.ext.i18n"])
    install(ours, code, PROJECT_ROOT)
    plain = jinja2.Environment(autoescape=True, extensions=["jinja2.ext.i18n"])
    plain.install_gettext_translations(translations(PROJECT_ROOT, code), newstyle=True)  # type: ignore[attr-defined]
    expected = plain.from_string(source).render()
    assert ours.from_string(source).render() == expected
    assert ours.from_string(source).render() == expected  # the second time from what was remembered
    assert "<i>" in expected and "&lt;i&gt;" in expected  # both escaping modes are exercised
