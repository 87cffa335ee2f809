"""The signs checklist, authored as a ```checklist block of YAML inside Markdown."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .errors import BuildError, SourceLocation
from .schema import Field, check_mapping, is_bool, is_int, is_slug, is_text
from .yamlfile import LineMap, parse_yaml


@dataclass(frozen=True)
class Item:
    """One thing a reader can tick."""

    id: str
    text: str
    urgent: bool


@dataclass(frozen=True)
class Result:
    """The message for a number of ticked items (max None = no upper limit)."""

    min: int
    max: int | None
    message: str


@dataclass(frozen=True)
class Checklist:
    """A self-check: what to tick and what to say about it."""

    id: str
    legend: str
    intro: str
    items: tuple[Item, ...]
    results: tuple[Result, ...]
    urgent_message: str


def _is_list(value: Any) -> str | None:
    return None if isinstance(value, list) and value else "should be a list with at least one entry"


CHECKLIST_FIELDS = (
    Field("id", is_slug, "a name for the checklist, e.g. signs"),
    Field("legend", is_text, "the question, e.g. Over the last two weeks, have you…", required=True),
    Field("intro", is_text, "a line saying this is not a diagnosis", required=True),
    Field("items", _is_list, "the things to tick", required=True),
    Field("results", _is_list, "messages by number ticked: {min, max, message}", required=True),
    Field("urgent_message", is_text, "what to say when an urgent item is ticked", required=True),
)
ITEM_FIELDS = (Field("text", is_text, "what the reader may have felt", required=True),
               Field("urgent", is_bool, "true if ticking it should show crisis help at once"))
RESULT_FIELDS = (Field("min", is_int, "smallest number ticked", required=True),
                 Field("max", is_int, "largest number ticked (leave out for 'or more')"),
                 Field("message", is_text, "the message", required=True))
DIAGNOSING = ("you have ", "you are suffering from", "you are depressed", "diagnosis:")


def _sub_lines(lines: LineMap, key: str) -> list[LineMap]:
    return lines.items(key)


def parse_checklist(text: str, loc: SourceLocation, offset: int) -> tuple[Checklist | None, list[BuildError]]:
    """Return the checklist of a block's YAML text (offset = file lines before it) and its problems."""
    try:
        raw, lines = parse_yaml(text, loc, offset)
    except BuildError as err:
        return None, [err]
    good, errors = check_mapping(raw, CHECKLIST_FIELDS, loc, lines, "the checklist")
    if errors:
        return None, errors
    prefix = good.get("id", "checklist")
    items: list[Item] = []
    for index, (raw_item, item_lines) in enumerate(zip(good["items"], _sub_lines(lines, "items"))):
        if isinstance(raw_item, str):
            raw_item = {"text": raw_item}
        item, problems = check_mapping(raw_item, ITEM_FIELDS, loc, item_lines, f"checklist item {index + 1}",
                                       text_item=True)  # "- Felt: flat" is text with ": " in it, not a mapping
        errors += problems
        if not problems:
            items.append(Item(f"{prefix}-{index + 1}", item["text"], item.get("urgent", False)))
    results: list[Result] = []
    for index, (raw_result, result_lines) in enumerate(zip(good["results"], _sub_lines(lines, "results"))):
        result, problems = check_mapping(raw_result, RESULT_FIELDS, loc, result_lines, f"checklist result {index + 1}")
        errors += problems
        if not problems:
            results.append(Result(result["min"], result.get("max"), result["message"]))
            lower = result["message"].lower()
            if any(phrase in lower for phrase in DIAGNOSING):
                errors.append(BuildError(loc.at(result_lines.at("message")), "a checklist message sounds like a diagnosis",
                                         "describe what the answers might mean and suggest a next step; never 'you have …'"))
    if not any(i.urgent for i in items) and not errors:
        errors.append(BuildError(loc.at(lines.at("items")), "no checklist item is marked urgent",
                                 "mark the item about thoughts of self-harm with 'urgent: true'"))
    # Urgent items are not counted (they get the urgent message instead), so the bands cover the others.
    errors += _check_ranges(results, sum(1 for i in items if not i.urgent), loc.at(lines.at("results")))
    if errors:
        return None, errors
    return Checklist(prefix, good["legend"], good["intro"], tuple(items), tuple(results), good["urgent_message"]), []


def _check_ranges(results: list[Result], count: int, loc: SourceLocation) -> list[BuildError]:
    """Every possible count of non-urgent items ticked, 0 to count, needs exactly one message."""
    for ticked in range(count + 1):
        matches = [r for r in results if r.min <= ticked and (r.max is None or ticked <= r.max)]
        if len(matches) != 1:
            what = "no message" if not matches else "more than one message"
            return [BuildError(loc, f"{what} for {ticked} ticked item(s)",
                               "make the min/max ranges of results cover 0 to the number of items once each")]
    return []
