"""A second language (issue #18): languages in site.yml, pairing, catalogs, Spanish readability and wording."""
from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from feelagain.config import load_config
from feelagain.errors import BuildFailed
from feelagain.lint import LintPage, LintSettings, lint_page, readability_es
from feelagain.pipeline import build
from tests.support.sites import CRISIS_YML, LANGUAGES, ROOT, SITE_YML, TODAY, page

SITE_ES = SITE_YML.replace("language: en\n", "") + LANGUAGES
ES_BODY = "Puedes sentirte apagado. Es algo común. Casi siempre mejora con el tiempo.\n"


def spanish_site(make_site, **files: str | None) -> Path:
    """Return a two-language site: the default test site plus two Spanish pages."""
    return make_site({
        "content/site.yml": SITE_ES,
        "content/es/index.md": page("Inicio", ES_BODY + "\nLee cómo [obtener ayuda](obtener-ayuda.md).\n",
                                    translation_of="index"),
        "content/es/obtener-ayuda.md": page("Obtener ayuda", ES_BODY, translation_of="get-help"),
        **files,
    })


def messages(err: BuildFailed) -> list[str]:
    return [str(e) for e in err.errors]


# --- site.yml ---------------------------------------------------------------------------------------

def test_languages_are_read_with_their_settings(make_site):
    config = load_config(spanish_site(make_site))
    en, es = config.all_languages
    assert (en.code, en.is_default, en.prefix, en.help_page) == ("en", True, "", "get-help")
    assert (es.code, es.name, es.prefix, es.help_page, es.nav) == ("es", "Español", "es/", "obtener-ayuda",
                                                                     ("index", "obtener-ayuda"))
    es_config = config.for_language(es)
    assert es_config.content_dir == config.site_dir / "content" / "es"
    assert (es_config.language, es_config.lang_prefix, es_config.help_page) == ("es", "es/", "obtener-ayuda")


def test_site_without_languages_is_english_only(make_site):
    config = load_config(make_site())
    assert config.languages == ()
    assert [lang.code for lang in config.all_languages] == ["en"]


@pytest.mark.parametrize(("entry", "expected"), [
    ("  - code: Spanish\n    name: Español\n",
     'content/site.yml:13: "code" should be a language tag like es or pt-BR — code: language tag, e.g. es'),
    ("  - code: es\n", 'content/site.yml:13: "name" is missing from language 2 — add "name: …"'),
    ("  - code: es\n    name: Español\n    help: x\n",
     'content/site.yml:15: unknown field "help" in language 2 — did you mean "help_page"?'),
    ("  - code: en\n    name: Again\n", 'content/site.yml:13: language "en" is listed twice — keep one'),
])
def test_bad_language_entries_name_their_line(make_site, entry, expected):
    text = SITE_YML.replace("language: en\n", "") + "languages:\n  - code: en\n    name: English\n" + entry
    with pytest.raises(BuildFailed) as info:
        load_config(make_site({"content/site.yml": text}))
    assert any(m.startswith(expected) for m in messages(info.value)), messages(info.value)


# --- pairing and output ----------------------------------------------------------------------------

def test_unknown_translation_of_is_a_file_line_error(make_site):
    site = spanish_site(make_site, **{"content/es/obtener-ayuda.md": page("Obtener ayuda", ES_BODY,
                                                                           translation_of="get-hlp")})
    with pytest.raises(BuildFailed) as info:
        build(load_config(site), write=False, today=TODAY, use_cache=False)
    assert ('content/es/obtener-ayuda.md:6: translation_of names "get-hlp", but there is no content/get-hlp.md '
            '— did you mean "get-help"?') in messages(info.value)


def test_two_pages_translating_one_page_is_an_error(make_site):
    site = spanish_site(make_site, **{"content/es/otra.md": page("Otra", ES_BODY, translation_of="get-help")})
    with pytest.raises(BuildFailed) as info:
        build(load_config(site), write=False, today=TODAY, use_cache=False)
    assert any(m.startswith("content/es/otra.md:6:") and "both translate" in m for m in messages(info.value))


def test_spanish_pages_are_published_under_es_with_alternates(make_site):
    site = spanish_site(make_site)
    build(load_config(site), today=TODAY, use_cache=False)
    dist = site / "dist"
    es_home = (dist / "es" / "index.html").read_text()
    en_help = (dist / "get-help" / "index.html").read_text()
    assert '<html lang="es"' in es_home and '<html lang="en"' in en_help
    assert '<link rel="alternate" hreflang="en" href="https://example.org/">' in es_home
    assert '<link rel="alternate" hreflang="x-default" href="https://example.org/">' in es_home
    assert '<link rel="alternate" hreflang="es" href="https://example.org/es/obtener-ayuda/">' in en_help
    assert '<meta property="og:locale:alternate" content="es">' in en_help
    # The switcher on the English help page goes to the Spanish help page, and the other way round.
    assert re.search(r'<a href="../es/obtener-ayuda/" hreflang="es" lang="es"[^>]*>Español</a>', en_help)
    assert re.search(r'<a href="../" hreflang="en" lang="en"[^>]*>English</a>', es_home)
    # Interface strings and the link inside the Markdown are Spanish / stay in /es/.
    assert "Saltar al contenido principal" in es_home and "Salir de este sitio" in es_home
    assert 'href="../es/obtener-ayuda/"' in es_home
    assert (dist / "es" / "404.html").is_file() and "Lo sentimos" in (dist / "es" / "404.html").read_text()
    assert (dist / "es" / "embed" / "obtener-ayuda" / "index.html").is_file()
    assert (dist / "es" / "oembed" / "obtener-ayuda.json").is_file()
    assert (dist / "es" / "api" / "pages" / "obtener-ayuda.json").is_file()
    # The embed guide lists the Spanish pages too, with data-lang and the language's own default region.
    guide = (dist / "embed" / "index.html").read_text()
    assert "data-feelagain=&#34;obtener-ayuda&#34; data-lang=&#34;es&#34;" in guide
    assert 'href="../es/embed/obtener-ayuda/"' in guide
    sitemap = (dist / "sitemap.xml").read_text()
    assert 'xmlns:xhtml="http://www.w3.org/1999/xhtml"' in sitemap
    assert ('<loc>https://example.org/es/</loc><lastmod>2026-11-01</lastmod>'
            '<xhtml:link rel="alternate" hreflang="en" href="https://example.org/"/>') in sitemap
    # A language's home gets no 'es/*' frame-denying rule: its embeds must stay framable.
    headers = (dist / "_headers").read_text()
    assert "\n/es/*\n" not in headers and "/es/embed/*" in headers


def test_language_region_missing_from_crisis_yml_falls_back_with_a_warning(make_site):
    site = spanish_site(make_site, **{"content/site.yml": SITE_ES.replace("default_region: uk\n    help_page",
                                                                          "default_region: us\n    help_page")})
    result = build(load_config(site), today=TODAY, use_cache=False)
    assert [str(w) for w in result.warnings if w.rule == "language-region"] == [
        'content/site.yml:15: language "es": default_region "us" is not a region in crisis.yml, so its pages show '
        '"uk" first — use one of: uk']
    assert '<option value="uk" selected>' in (site / "dist" / "es" / "index.html").read_text()


def lang_switch(html: str) -> list[tuple[str, str, str, str]]:
    """Return the language switch's links: (href, hreflang, lang, text)."""
    found = re.search(r'<p class="lang-switch">(.*?)</p>', html, re.S)
    if found is None:
        return []
    return re.findall(r'<a href="([^"]*)" hreflang="([^"]*)" lang="([^"]*)">([^<]*)</a>', found.group(1))


def test_unpaired_pages_link_the_other_languages_home(make_site):
    """A page in one language only has no alternates; its switch offers the other language's home page."""
    site = spanish_site(make_site, **{"content/es/solo.md": page("Solo en español", ES_BODY),
                                      "content/alone.md": page("Only in English")})
    build(load_config(site), today=TODAY, use_cache=False)
    dist = site / "dist"
    html = (dist / "es" / "solo" / "index.html").read_text()
    assert lang_switch(html) == [("../../", "en", "en", "English")]
    assert "<link rel=\"alternate\" hreflang" not in html  # not a version of this page: no hreflang alternates
    html = (dist / "alone" / "index.html").read_text()
    assert lang_switch(html) == [("../es/", "es", "es", "Español")]
    assert "<link rel=\"alternate\" hreflang" not in html
    # A translated page still links its own translation, not the home page.
    assert lang_switch((dist / "get-help" / "index.html").read_text()) == [
        ("../es/obtener-ayuda/", "es", "es", "Español")]


def test_each_404_page_links_the_other_languages_home(make_site):
    """/404.html links /es/, /es/404.html links /, /fr/404.html both, each named in its own language."""
    french = ("  - code: fr\n    name: Français\n    default_region: uk\n    help_page: aide\n"
              "    nav: [index, aide]\n")
    body = "Tu peux te sentir vide. C'est courant. Cela passe souvent avec le temps.\n"
    site = spanish_site(make_site, **{
        "content/site.yml": SITE_ES + french,
        "content/fr/index.md": page("Accueil", body, translation_of="index"),
        "content/fr/aide.md": page("Aide", body, translation_of="get-help"),
    })
    build(load_config(site), today=TODAY, use_cache=False)
    dist = site / "dist"
    assert lang_switch((dist / "404.html").read_text()) == [("/es/", "es", "es", "Español"),
                                                            ("/fr/", "fr", "fr", "Français")]
    assert lang_switch((dist / "es" / "404.html").read_text()) == [("/", "en", "en", "English"),
                                                                   ("/fr/", "fr", "fr", "Français")]
    assert lang_switch((dist / "fr" / "404.html").read_text()) == [("/", "en", "en", "English"),
                                                                   ("/es/", "es", "es", "Español")]


def test_a_site_in_one_language_has_no_switch(make_site):
    site = make_site({"content/alone.md": page("Only in English")})
    build(load_config(site), today=TODAY, use_cache=False)
    for html in ("404.html", "alone/index.html", "index.html"):
        assert 'class="lang-switch"' not in (site / "dist" / html).read_text(), html


# --- catalogs --------------------------------------------------------------------------------------

def catalog_without(msgid: str) -> str:
    text = (ROOT / "locale" / "es" / "LC_MESSAGES" / "messages.po").read_text(encoding="utf-8")
    entry = re.search(rf'msgid "{re.escape(msgid)}"\nmsgstr "[^"]*"\n', text)
    assert entry, msgid
    return text.replace(entry.group(), f'msgid "{msgid}"\nmsgstr ""\n')


def test_missing_catalog_string_is_a_warning_with_template_line(make_site):
    site = spanish_site(make_site, **{"locale/es/LC_MESSAGES/messages.po": catalog_without("Key points")})
    result = build(load_config(site), write=False, today=TODAY, use_cache=False)
    macros = (ROOT / "templates" / "partials" / "macros.html").read_text().split("\n")
    line = next(i for i, text in enumerate(macros, 1) if '_("Key points")' in text)
    assert [str(w) for w in result.warnings if w.rule == "catalog"] == [
        f'templates/partials/macros.html:{line}: "Key points" has no Español translation — add its msgstr to '
        'locale/es/LC_MESSAGES/messages.po (after `pybabel extract -F babel.cfg -o locale/messages.pot . && '
        'pybabel update -i locale/messages.pot -d locale`, see docs/editing.md)']


def test_missing_catalog_string_fails_strict(make_site):
    site = spanish_site(make_site, **{"locale/es/LC_MESSAGES/messages.po": catalog_without("Need help now?")})
    with pytest.raises(BuildFailed) as info:
        build(load_config(site, strict=True), write=False, today=TODAY, use_cache=False)
    assert any('"Need help now?" has no Español translation' in m for m in messages(info.value))


def test_bundled_catalog_translates_every_used_string(make_site):
    result = build(load_config(spanish_site(make_site), strict=True), write=False, today=TODAY, use_cache=False)
    assert [w for w in result.warnings if w.rule == "catalog"] == []


def test_broken_catalog_is_an_error_with_its_line(make_site):
    broken = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\nmsgid "Key points"\nmsgstr "Puntos\n'
    site = spanish_site(make_site, **{"locale/es/LC_MESSAGES/messages.po": broken})
    with pytest.raises(BuildFailed) as info:
        build(load_config(site), write=False, today=TODAY, use_cache=False)
    assert any(m.startswith("locale/es/LC_MESSAGES/messages.po:6: the catalog cannot be read")
               for m in messages(info.value)), messages(info.value)


# --- Spanish readability and wording ---------------------------------------------------------------

def test_spanish_syllables_match_a_hand_count():
    # ca-sa, e-mo-ción, en-tu-me-ci-mien-to, psi-co-te-ra-pia, 2026 (one per digit): counted by hand.
    assert [readability_es.syllables(w) for w in ("casa", "emoción", "entumecimiento", "psicoterapia", "2026")] == \
        [2, 3, 6, 5, 4]
    # A hyphenation dictionary never splits a hiatus (dí-a, rí-o): pyphen counts these low (docs/design.md).
    assert [readability_es.syllables(w) for w in ("día", "río")] == [1, 1]


def test_szigriszt_pazos_matches_a_hand_computation():
    # "Mi casa es roja." → mi(1) ca-sa(2) es(1) ro-ja(2) = 4 words, 6 syllables, 1 sentence.
    # "Hoy como pan." → hoy(1) co-mo(2) pan(1) = 3 words, 4 syllables, 1 sentence.
    # 7 words, 10 syllables, 2 sentences: 206.835 - 62.3 * 10 / 7 - 7 / 2 = 114.3336
    ease, words = readability_es.szigriszt_pazos(["Mi casa es roja. Hoy como pan."])
    assert words == 7
    assert ease == pytest.approx(206.835 - 62.3 * 10 / 7 - 7 / 2)
    assert readability_es.band(ease) == "muy fácil"
    # A list item without a full stop still counts as a sentence.
    assert readability_es.counts(["Dormir mal", "Comer poco."]) == (4, 2, 7)  # dor-mir mal, co-mer po-co


def lint_es(body: str, **settings: object) -> tuple[list[str], list[str]]:
    lines = body.split("\n")
    page_ = LintPage(path=Path("content/es/x.md"), slug="x", body_md=body, body_start_line=10, body_html="",
                     sources_count=2, sources_line=3, reviewed=TODAY, next_review=TODAY.replace(year=2027),
                     reviewed_line=4, next_review_line=5, links=())
    assert lines
    errors, warnings = lint_page(page_, dataclasses.replace(LintSettings(), language="es", **settings), TODAY)
    return [str(e) for e in errors], [str(w) for w in warnings]


@pytest.mark.parametrize(("phrase", "hint"), [
    ("cometer suicidio", 'di "morir por suicidio" o "quitarse la vida"'),
    ("suicidio exitoso", 'di "morir por suicidio" o "quitarse la vida"'),
    ("suicidio fallido", 'di "intento de suicidio"'),
    ("intento fallido", 'di "intento de suicidio"'),
])
def test_spanish_safe_messaging(phrase, hint):
    errors, _ = lint_es(f"Hablamos de la ayuda.\n\nNadie quiere hablar de un {phrase}. Ve a [ayuda](get-help.md).\n")
    assert f'content/es/x.md:12: avoid "{phrase}" — {hint}' in errors


def test_spanish_respectful_wording_passes_and_help_link_is_required():
    errors, _ = lint_es("Una persona puede morir por suicidio. Un intento de suicidio es una urgencia.\n")
    assert [e for e in errors if "avoid" in e] == []
    assert errors == ['content/es/x.md:10: mentions "suicidio" but does not link to the help page — '
                      "add a link in the text, e.g. [obtener ayuda](get-help.md)"]


def test_spanish_reading_ease_warning():
    hard = " ".join(["La psicoterapia interpersonal contemporánea proporciona herramientas metodológicas "
                     "extraordinariamente especializadas"] * 4) + ".\n"
    _, warnings = lint_es(hard)
    assert any(re.match(r"content/es/x\.md:10: reading ease \(Szigriszt-Pazos\) -?\d+\.\d < 65 \(muy difícil\)", w)
               for w in warnings), warnings
    easy = "Hoy me siento mal. No sé por qué. Voy a hablar con mi hermana. Ella me quiere. " * 3
    _, warnings = lint_es(easy + "\n")
    assert [w for w in warnings if "reading ease" in w] == []


def test_crisis_line_only_for_spanish_pages(make_site):
    crisis = CRISIS_YML + """\
      - name: Línea en español
        language: es
        description: Una línea de prueba.
        hours: 24/7
        verified_on: 2026-11-20
        source: https://www.samaritans.org
        contacts:
          - {kind: text, number: "116 123", keyword: AYUDA}
"""
    crisis = crisis.replace("    name: United Kingdom\n", "    name: United Kingdom\n    translations: {es: {name: Reino Unido}}\n")
    site = spanish_site(make_site, **{"content/crisis.yml": crisis})
    build(load_config(site), today=TODAY, use_cache=False)
    es_html = (site / "dist" / "es" / "index.html").read_text()
    en_html = (site / "dist" / "index.html").read_text()
    assert "Línea en español" in es_html and "Envía AYUDA al 116 123" in es_html and "Reino Unido" in es_html
    assert "Línea en español" not in en_html and "Call 116 123" in en_html
    # The Spanish-only line comes first; the English line keeps its words, marked as English.
    assert es_html.index("Línea en español") < es_html.index("Samaritans")
    assert '<li class="line">\n<p class="line__name" lang="en">Samaritans</p>' in es_html
    # Only the line's own words are marked English, not our Spanish label around its hours.
    assert '<span class="line__hours">Horario: <span lang="en">24/7</span>.</span>' in es_html


# --- pages nobody can reach ------------------------------------------------------------------------------

def nav_warnings(site: Path) -> list[str]:
    return [str(w) for w in build(load_config(site), today=TODAY, use_cache=False).warnings if w.rule == "nav"]


def line_of(text: str, needle: str) -> int:
    return text.splitlines().index(needle) + 1


def test_a_translation_left_out_of_its_nav_is_a_warning_in_every_language(make_site):
    """A page whose other version is in its language's nav, but that is in no nav and linked from no page."""
    site_yml = SITE_ES.replace("nav: [index, get-help]", "nav: [index, get-help, causes]").replace(
        "nav: [index, obtener-ayuda]", "nav: [index, obtener-ayuda, solo]")
    site = spanish_site(make_site, **{
        "content/site.yml": site_yml,
        "content/causes.md": page("Causes"),
        "content/es/causas.md": page("Causas", ES_BODY, translation_of="causes"),
        "content/alone.md": page("Alone"),
        "content/es/solo.md": page("Solo", ES_BODY, translation_of="alone"),
    })
    assert sorted(nav_warnings(site)) == sorted([
        f'content/site.yml:{line_of(site_yml, "nav: [index, get-help, causes]")}: page "alone" (content/alone.md) '
        'is not in nav and no page links to it, so its readers cannot find it (its version "solo" is in '
        'languages[es].nav) — add it to nav in site.yml, or link to it from another page',
        f'content/site.yml:{line_of(site_yml, "    nav: [index, obtener-ayuda, solo]")}: page "causas" '
        '(content/es/causas.md) is not in languages[es].nav and no page links to it, so its readers cannot find it '
        '(its version "causes" is in nav) — add it to languages[es].nav in site.yml, or link to it from another page',
    ])


def test_a_translation_out_of_nav_is_fine_when_a_page_of_its_language_links_to_it(make_site):
    site = spanish_site(make_site, **{
        "content/site.yml": SITE_ES.replace("nav: [index, get-help]", "nav: [index, get-help, causes]"),
        "content/causes.md": page("Causes"),
        "content/es/causas.md": page("Causas", ES_BODY, translation_of="causes"),
        "content/es/obtener-ayuda.md": page("Obtener ayuda", ES_BODY + "\nLee sobre las [causas](causas.md).\n",
                                            translation_of="get-help"),
    })
    assert nav_warnings(site) == []


def test_pages_in_one_language_or_in_no_nav_give_no_warning(make_site):
    """As the editor chose: a page in no nav at all, or with no translation, stays quiet (docs/editing.md)."""
    site = spanish_site(make_site, **{
        "content/causes.md": page("Causes"),
        "content/es/causas.md": page("Causas", ES_BODY, translation_of="causes"),
        "content/alone.md": page("Only in English"),
        "content/es/solo.md": page("Solo en español", ES_BODY),
    })
    assert nav_warnings(site) == []
    listed = spanish_site(make_site, **{
        "content/site.yml": SITE_ES.replace("nav: [index, get-help]", "nav: [index, get-help, causes]").replace(
            "nav: [index, obtener-ayuda]", "nav: [index, obtener-ayuda, causas]"),
        "content/causes.md": page("Causes"),
        "content/es/causas.md": page("Causas", ES_BODY, translation_of="causes"),
    })
    assert nav_warnings(listed) == []


def test_the_default_languages_nav_in_its_languages_entry_is_named_there(make_site):
    site_yml = SITE_ES.replace("nav: [index, get-help]\n", "").replace(
        "  - code: en\n    name: English\n", "  - code: en\n    name: English\n    nav: [index, get-help]\n").replace(
        "nav: [index, obtener-ayuda]", "nav: [index, obtener-ayuda, solo]")
    site = spanish_site(make_site, **{"content/site.yml": site_yml, "content/alone.md": page("Alone"),
                                      "content/es/solo.md": page("Solo", ES_BODY, translation_of="alone")})
    assert nav_warnings(site) == [
        f'content/site.yml:{line_of(site_yml, "    nav: [index, get-help]")}: page "alone" (content/alone.md) is not '
        'in languages[en].nav and no page links to it, so its readers cannot find it (its version "solo" is in '
        'languages[es].nav) — add it to languages[en].nav in site.yml, or link to it from another page']
