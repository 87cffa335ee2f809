"""Crisis resources: content/crisis.yml validated into regions, lines and ready-made links."""
from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from .discover import read_text_file
from .errors import BuildError, Problems, SourceLocation
from .schema import Field, check_mapping, is_date, is_https_url, is_text
from .yamlfile import LineMap, parse_yaml

CRISIS_PATH = PurePosixPath("content/crisis.yml")
PHONE = re.compile(r"\+?[0-9](?:[0-9 -]*[0-9])?")
# Numbers that still connect but must not be published any more (domain.md rule 11).
LEGACY_NUMBERS = {"18002738255": "988"}
STALE_AFTER = datetime.timedelta(days=365)
KINDS = ("call", "text", "chat", "email", "web")
# Topics of support lines: services for a need that is not a crisis (never shown in the crisis footer).
TOPICS = ("grief", "substance")


@dataclass(frozen=True)
class Contact:
    """One way to reach a line, with the link and its visible text."""

    kind: str
    label: str
    href: str
    text: str
    keyword: str = ""


@dataclass(frozen=True)
class Line:
    """A helpline."""

    name: str
    description: str
    hours: str
    url: str | None
    contacts: tuple[Contact, ...]
    topic: str = ""  # support lines only: one of TOPICS
    # {language: {name, description, hours}}: the line's text for pages in that language
    translations: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()
    language: str | None = None  # shown only on pages in this language (e.g. a line's Spanish option)
    text_lang: str | None = None  # set when shown on a page of another language than its text's (lang="en")
    own_text: tuple[str, ...] = ()  # the fields ("name", "description", "hours") shown untranslated, in text_lang
    # Where and when the details were read (crisis.yml), for the content API: reusers see how fresh they are.
    verified_on: datetime.date | None = None
    source: str = ""
    hours_source: str | None = None

    def lang_for(self, field: str) -> str | None:
        """Return the lang attribute a field's text needs on the page showing it (None: the page's language).

        Only the line's own words get it, never the labels around them ("Open", "Call 988"): those are ours,
        translated, and a screen reader must read them in the page's language.
        """
        return self.text_lang if field in self.own_text else None

    @property
    def hours_is_time(self) -> bool:
        """Return True when hours name a time ("24/7", "Monday to Friday, 10am to 1pm": they have a digit), read
        as "Open 24/7."; hours without a digit are a note ("Varies by helpline") shown as they are
        (docs/editing.md, "Crisis lines"). A digit, not a guess at the words, so it holds in every language."""
        return any(ch.isdigit() for ch in self.hours)


@dataclass(frozen=True)
class Emergency:
    """The emergency number of a region."""

    number: str
    tel: str
    note: str
    verified_on: datetime.date | None = None
    source: str = ""


@dataclass(frozen=True)
class Region:
    """A country or area and its crisis lines."""

    code: str
    name: str
    emergency: Emergency | None
    lines: tuple[Line, ...]
    support: tuple[Line, ...] = ()
    # {language: {name, note}}: the region's name and its emergency note for pages in that language
    translations: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()
    note_lang: str | None = None  # set when the emergency note is shown untranslated on a page of another language

    def support_for(self, topic: str) -> tuple[Line, ...]:
        """Return the support lines of one topic."""
        return tuple(line for line in self.support if line.topic == topic)

    @property
    def first_contact(self) -> tuple[Line, Contact] | None:
        """Return the first call or text contact of the region's crisis lines (else its first contact at all)."""
        pairs = [(line, c) for line in self.lines for c in line.contacts]
        return next((p for p in pairs if p[1].kind in ("call", "text")), pairs[0] if pairs else None)


@dataclass(frozen=True)
class Crisis:
    """Every region, and the one shown by default."""

    default: str
    regions: tuple[Region, ...]

    def region(self, code: str) -> Region | None:
        """Return the region with this code, or None."""
        return next((r for r in self.regions if r.code == code), None)

    def numbers(self) -> frozenset[str]:
        """Return the digits of every phone number in crisis.yml: emergency, crisis and support lines."""
        found = {digits_of(r.emergency.number) for r in self.regions if r.emergency}
        found |= {digits_of(c.text) for r in self.regions for line in r.lines + r.support
                  for c in line.contacts if c.kind in ("call", "text")}
        return frozenset(found)


def digits_of(number: str) -> str:
    """Return the digits of a phone number ("116 123" → "116123"), the form numbers are compared in."""
    return re.sub(r"\D", "", number)


def is_phone(value: Any) -> str | None:
    """A phone number: digits, spaces and hyphens, optionally starting with +."""
    if isinstance(value, int) and not isinstance(value, bool):
        return "should be in quotes, e.g. \"116 123\", so leading zeros and spaces are kept"
    problem = is_text(value)
    if problem:
        return problem
    digits = re.sub(r"\D", "", value)
    if not PHONE.fullmatch(value) or not 3 <= len(digits) <= 15:
        return "is not a phone number (use digits, spaces and hyphens, e.g. \"116 123\")"
    if digits in LEGACY_NUMBERS:
        return f"is a legacy number that must not be published; use {LEGACY_NUMBERS[digits]}"
    return None


def is_code(value: Any) -> str | None:
    """A region code: 2 to 4 lower-case letters."""
    problem = is_text(value)
    return problem or (None if re.fullmatch(r"[a-z]{2,4}", value) else "should be 2 to 4 lower-case letters, e.g. uk")


def _is_kind(value: Any) -> str | None:
    return None if value in KINDS else f"should be one of {', '.join(KINDS)}"


def _is_email(value: Any) -> str | None:
    problem = is_text(value)
    return problem or (None if re.fullmatch(r"[^@\s<>\"]+@[a-z0-9.-]+\.[a-z]+", value) else "is not an email address")


def _is_keyword(value: Any) -> str | None:
    problem = is_text(value)
    return problem or (None if re.fullmatch(r"[A-Za-z0-9]{1,20}", value) else "should be one word of letters or digits")


def _any(value: Any) -> str | None:
    return None


def _is_language(value: Any) -> str | None:
    problem = is_text(value)
    return problem or (None if re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})?", value) else "should be a language tag like es")


def _translations_of(keys: tuple[str, ...]) -> Any:
    """Return a checker for {language: {key: text}}, the only keys allowed being keys."""
    def check(value: Any) -> str | None:
        if not isinstance(value, dict) or not value:
            return "should map a language tag to its texts, e.g. es: {name: …}"
        for code, texts in value.items():
            if _is_language(code):
                return f"has {code!r}, which is not a language tag like es"
            if not isinstance(texts, dict) or not texts:
                return f"{code}: should be a set of 'key: text' lines ({', '.join(keys)})"
            for key, text in texts.items():
                if key not in keys:
                    return f"{code}: has unknown field {key!r} (known: {', '.join(keys)})"
                if is_text(text):
                    return f"{code}.{key} {is_text(text)}"
        return None
    return check


# The words of a region and of a line that `translations` may give in another language.
REGION_TEXTS = ("name", "note")
LINE_TEXTS = ("name", "description", "hours")


def _freeze(value: dict[str, dict[str, str]] | None) -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    return tuple((code, tuple(texts.items())) for code, texts in (value or {}).items())


def _is_topic(value: Any) -> str | None:
    return None if value in TOPICS else f"should be one of {', '.join(TOPICS)}"


REGION_FIELDS = (
    Field("code", is_code, "region code, e.g. uk", required=True),
    Field("name", is_text, "region name, e.g. United Kingdom", required=True),
    Field("emergency", _any, "the emergency number, or null for the international fallback", required=True),
    Field("lines", _any, "list of helplines", required=True),
    Field("translations", _translations_of(REGION_TEXTS),
          "the region's name and emergency note in other languages, e.g. es: {name: España, note: …}"),
    Field("support", _any, "list of support lines for other needs (grief, substance), each with a topic"),
)
EMERGENCY_FIELDS = (
    Field("number", is_phone, "emergency number in quotes, e.g. \"999\"", required=True),
    Field("note", is_text, "a short extra note, e.g. 112 also works"),
    Field("verified_on", is_date, "date the number was last checked, YYYY-MM-DD", required=True),
    Field("source", is_https_url, "the https:// address of the page where the number was read", required=True),
)
LINE_FIELDS = (
    Field("name", is_text, "name of the service", required=True),
    Field("description", is_text, "one short line about it", required=True),
    Field("hours", is_text, "opening hours, e.g. 24/7", required=True),
    Field("url", is_https_url, "the service's website"),
    Field("verified_on", is_date, "date the details were last checked, YYYY-MM-DD", required=True),
    Field("source", is_https_url, "the https:// address of the page where the details were read", required=True),
    Field("contacts", _any, "list of ways to reach it", required=True),
    Field("translations", _translations_of(LINE_TEXTS),
          "the line's texts in other languages, e.g. es: {description: …, hours: …}"),
    Field("language", _is_language, "show this line only on pages in this language, e.g. es"),
    Field("hours_source", is_https_url, "where the hours were checked, if not on the source page"),
)
SUPPORT_FIELDS = LINE_FIELDS + (Field("topic", _is_topic, "what it helps with: " + " or ".join(TOPICS), required=True),)
CONTACT_FIELDS = (
    Field("kind", _is_kind, "call, text, chat, email or web", required=True),
    Field("number", is_phone, "phone number in quotes"),
    Field("keyword", _is_keyword, "word to text, e.g. SHOUT"),
    Field("url", is_https_url, "chat address"),
    Field("address", _is_email, "email address"),
)
NEEDS = {"call": "number", "text": "number", "chat": "url", "email": "address", "web": "url"}


def _same(message: str) -> str:
    return message


def make_contact(kind: str, item: dict[str, Any], _: Callable[[str], str] = _same) -> Contact:
    """Return a contact with its link (tel:, sms:, https:, mailto:) and action text (in the language of _)."""
    if kind in ("call", "text"):
        number = item["number"]
        digits = re.sub(r"[^\d+]", "", number)
        if kind == "call":
            return Contact(kind, _("Call %(number)s") % {"number": number}, f"tel:{digits}", number)
        keyword = item.get("keyword")
        if keyword:
            return Contact(kind, _("Text %(keyword)s to %(number)s") % {"keyword": keyword, "number": number},
                           f"sms:{digits}?body={keyword}", number, keyword)
        return Contact(kind, _("Text %(number)s") % {"number": number}, f"sms:{digits}", number)
    if kind == "chat":
        return Contact(kind, _("Chat online"), item["url"], item["url"])
    if kind == "web":
        host = urlsplit(item["url"]).netloc.removeprefix("www.")
        return Contact(kind, _("Visit %(host)s") % {"host": host}, item["url"], item["url"])
    return Contact(kind, _("Email %(address)s") % {"address": item["address"]}, f"mailto:{item['address']}", item["address"])


def localize_crisis(crisis: Crisis, code: str, default: str, _: Callable[[str], str] = _same) -> Crisis:
    """Return the crisis lines as pages in language `code` show them.

    Names, descriptions and hours come from each line's `translations` for that language, a region's name and
    emergency note from the region's; a text without one keeps its own words, marked with their language
    (lang="en": Line.lang_for, Region.note_lang) so screen readers read them right. Lines meant only
    for another language's pages are left out; lines meant for this language's pages come first in their region.
    The default region is the language's own. Contact labels ("Call 988") are interface strings (catalogs).
    """
    base = code.split("-")[0]
    source_lang = "en"

    def texts(item: Line | Region) -> dict[str, str]:
        return next((dict(t) for c, t in item.translations if c in (code, base)), {})

    def contact(c: Contact) -> Contact:
        fields: dict[str, dict[str, str]] = {
            "call": {"number": c.text}, "text": {"number": c.text, "keyword": c.keyword},
            "chat": {"url": c.href}, "web": {"url": c.href}, "email": {"address": c.text}}
        return make_contact(c.kind, {k: v for k, v in fields[c.kind].items() if v}, _)

    def localize(lines: tuple[Line, ...]) -> tuple[Line, ...]:
        shown = []
        for line in lines:
            if line.language is not None and line.language not in (code, base):
                continue
            own = texts(line)
            in_page_language = line.language is not None or base == source_lang
            own_text = () if in_page_language else tuple(f for f in LINE_TEXTS if f not in own)
            shown.append(replace(line, name=own.get("name", line.name), description=own.get("description", line.description),
                                 hours=own.get("hours", line.hours), contacts=tuple(contact(c) for c in line.contacts),
                                 text_lang=source_lang if own_text else None, own_text=own_text))
        shown.sort(key=lambda ln: ln.language is None)  # this language's own lines first (a stable sort)
        return tuple(shown)

    regions = []
    for region in crisis.regions:
        own = texts(region)
        emergency = region.emergency
        if emergency and emergency.note and "note" in own:
            emergency = replace(emergency, note=own["note"])
        note_lang = (source_lang if base != source_lang and emergency and emergency.note and "note" not in own
                     else None)
        regions.append(replace(region, name=own.get("name", region.name), emergency=emergency,
                               lines=localize(region.lines), support=localize(region.support), note_lang=note_lang))
    return Crisis(default, tuple(regions))


class _Reader:
    """Walks crisis.yml, collecting problems with their file lines."""

    def __init__(self, loc: SourceLocation, problems: Problems, today: datetime.date) -> None:
        self.loc, self.problems, self.today = loc, problems, today

    def mapping(self, raw: Any, fields: tuple[Field, ...], lines: LineMap, what: str) -> dict[str, Any] | None:
        good, errors = check_mapping(raw, fields, self.loc, lines, what)
        for err in errors:
            self.problems.add(err)
        if "verified_on" in good and good["verified_on"] > self.today:  # a typo, or a check that never happened
            self.problems.add(BuildError(self.loc.at(lines.at("verified_on")),
                                         f"verified_on {good['verified_on']} is in the future",
                                         "write the day you checked the number"))
            return None
        if "verified_on" in good and self.today - good["verified_on"] > STALE_AFTER:
            self.problems.warn(BuildError(self.loc.at(lines.at("verified_on")),
                                          f"{what} was last verified on {good['verified_on']}, over 12 months ago",
                                          "check the number with the service and update verified_on"))
        return None if errors else good

    def items(self, raw: Any, lines: LineMap, key: str, what: str) -> list[tuple[Any, LineMap]]:
        if not isinstance(raw, list):
            self.problems.add(BuildError(self.loc.at(lines.at(key)), f'"{key}" in {what} should be a list',
                                         "write each entry on its own line starting with '- '"))
            return []
        item_lines = lines.items(key)
        return [(item, item_lines[i] if i < len(item_lines) else lines) for i, item in enumerate(raw)]

    def contact(self, raw: Any, lines: LineMap, what: str) -> Contact | None:
        good = self.mapping(raw, CONTACT_FIELDS, lines, what)
        if good is None:
            return None
        need = NEEDS[good["kind"]]
        if need not in good:
            self.problems.add(BuildError(self.loc.at(lines.line), f'a "{good["kind"]}" contact needs "{need}"',
                                         f'add "{need}: …" to this contact'))
            return None
        return make_contact(good["kind"], good)

    def line(self, raw: Any, lines: LineMap, what: str, fields: tuple[Field, ...] = LINE_FIELDS) -> Line | None:
        good = self.mapping(raw, fields, lines, what)
        if good is None:
            return None
        contacts = [self.contact(c, cl, f"a contact of {good['name']}")
                    for c, cl in self.items(good["contacts"], lines, "contacts", good["name"])]
        checked = [c for c in contacts if c is not None]
        if len(checked) != len(contacts):
            return None
        return Line(good["name"], good["description"], good["hours"], good.get("url"), tuple(checked),
                    topic=good.get("topic", ""), translations=_freeze(good.get("translations")),
                    language=good.get("language"), verified_on=good["verified_on"], source=good["source"],
                    hours_source=good.get("hours_source"))

    def region(self, raw: Any, lines: LineMap, index: int) -> Region | None:
        good = self.mapping(raw, REGION_FIELDS, lines, f"region {index + 1}")
        if good is None:
            return None
        emergency = None
        if good["emergency"] is not None:
            sub = lines.child("emergency")
            em = self.mapping(good["emergency"], EMERGENCY_FIELDS, sub, f"the emergency number of {good['code']}")
            if em is None:
                return None
            emergency = Emergency(em["number"], "tel:" + re.sub(r"[^\d+]", "", em["number"]), em.get("note", ""),
                                  em["verified_on"], em["source"])
        elif good["code"] != "intl":
            self.problems.add(BuildError(self.loc.at(lines.at("emergency")), f'region "{good["code"]}" has no emergency number',
                                         "add emergency: {number, verified_on, source}; only the intl fallback may leave it empty"))
        for code, texts in list(good.get("translations", {}).items()):
            if "note" in texts and not (emergency and emergency.note):
                self.problems.add(BuildError(
                    self.loc.at(lines.at("translations")),
                    f'translations.{code}.note of region "{good["code"]}" translates a note its emergency number does not have',
                    "add the English note to emergency (note: …), or remove note from the translation"))
                # Keep the region (without that note): dropping it would add a second, false problem wherever
                # the region is named (default_region, a language's default_region).
                good["translations"][code] = {k: v for k, v in texts.items() if k != "note"}
        lines_ = [self.line(item, il, f"a line of {good['code']}") for item, il in self.items(good["lines"], lines, "lines", good["code"])]
        support = [self.line(item, il, f"a support line of {good['code']}", SUPPORT_FIELDS)
                   for item, il in self.items(good.get("support", []), lines, "support", good["code"])]
        good_lines, good_support = [x for x in lines_ if x is not None], [x for x in support if x is not None]
        if len(good_lines) != len(lines_) or len(good_support) != len(support):
            return None
        return Region(good["code"], good["name"], emergency, tuple(good_lines), tuple(good_support),
                      translations=_freeze(good.get("translations")))


def load_crisis(site_dir: Path, default_region: str, default_line: int | None, problems: Problems,
                today: datetime.date) -> Crisis | None:
    """Read and validate content/crisis.yml; record problems; return None if it is unusable.

    An empty default_region skips the check that it names a region (site.yml has reported its own problem).
    """
    loc = SourceLocation(CRISIS_PATH)
    try:
        raw, lines = parse_yaml(read_text_file(site_dir / CRISIS_PATH, loc), loc)
    except BuildError as err:
        if "No such file" in err.problem:
            err = BuildError(loc, "crisis.yml is missing", "every site needs crisis resources: create content/crisis.yml")
        problems.add(err)
        return None
    reader = _Reader(loc, problems, today)
    if not isinstance(raw, dict) or set(raw) != {"regions"}:
        problems.add(BuildError(loc.at(1), "crisis.yml should have exactly one key, regions", "see docs/design.md"))
        return None
    regions: list[Region] = []
    for index, (item, item_lines) in enumerate(reader.items(raw["regions"], lines, "regions", "crisis.yml")):
        region = reader.region(item, item_lines, index)
        if region is None:
            continue
        if any(r.code == region.code for r in regions):
            problems.add(BuildError(loc.at(item_lines.at("code")), f'region "{region.code}" appears twice', "keep one"))
        regions.append(region)
    crisis = Crisis(default_region, tuple(regions))
    # A region that is there but has its own errors is no missing region: say nothing more about it.
    written = {item.get("code") for item in raw["regions"] if isinstance(item, dict)} if isinstance(raw["regions"], list) else set()
    if regions and default_region and default_region not in written and crisis.region(default_region) is None:
        problems.add(BuildError(SourceLocation(PurePosixPath("content/site.yml"), default_line),
                                f'default_region "{default_region}" is not a region in crisis.yml',
                                "use one of: " + ", ".join(r.code for r in regions)))
    if not raw["regions"]:
        problems.add(BuildError(loc.at(1), "crisis.yml lists no region", "add at least one region"))
    return crisis if regions else None
