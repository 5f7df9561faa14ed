"""Prompt files for batches: .txt, .jsonl, .csv and .yaml, read and checked before any work.

Every item is validated up front, so a typo on line 900 is reported before a GPU spends the
night on lines 1-899; each error names the file, the line and the key.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from vidgen.errors import UsageError
from vidgen.generate import MAX_SEED

SUFFIXES = (".txt", ".jsonl", ".csv", ".yaml", ".yml")

# Per-item overrides of the make flags, and how to read each one.
INT_KEYS = ("seed", "frames", "height", "width", "fps", "steps")
FLOAT_KEYS = ("guidance",)
TEXT_KEYS = ("prompt", "negative_prompt", "out")
SIZE_KEY = "size"  # "WIDTHxHEIGHT", a shorthand for width and height
IMAGE_KEYS = ("image", "last_image")  # paths, relative to the prompt file's folder
LORA_KEY = "lora"  # "PATH_OR_HUB_ID[:SCALE]", or a list of them
KNOWN_KEYS = (*TEXT_KEYS, *INT_KEYS, *FLOAT_KEYS, SIZE_KEY, *IMAGE_KEYS, LORA_KEY)


@dataclass(frozen=True)
class PromptItem:
    """One line of a prompt file: a prompt plus its own overrides of the make flags."""

    id: str  # stable across re-runs: from the line number and the content
    line: int
    prompt: str
    settings: dict = field(default_factory=dict)  # seed, frames, height, ... (checked values)
    out: str | None = None  # file name for the clip, inside the batch folder


def is_prompt_file(argument: str) -> bool:
    path = Path(argument)
    return path.suffix.lower() in SUFFIXES and path.is_file()


def read_prompt_file(path: Path) -> list[PromptItem]:
    """All items of a prompt file, or a UsageError naming the first bad line and key."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise UsageError(
            f"{path}: unknown prompt file type {suffix or '(none)'}; use one of {', '.join(SUFFIXES)}"
        )
    try:
        text = path.read_text(encoding="utf-8-sig")  # -sig: spreadsheet exports start with a BOM
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"{path}: cannot read the prompt file ({error}); check the path") from None
    readers = {
        ".txt": _read_txt,
        ".jsonl": _read_jsonl,
        ".csv": _read_csv,
        ".yaml": _read_yaml,
        ".yml": _read_yaml,
    }
    raw_items = readers[suffix](path, text)
    items = [_checked_item(path, line, raw) for line, raw in raw_items]
    if not items:
        raise UsageError(f"{path}: the prompt file has no prompts; add one prompt per line")
    _refuse_duplicate_names(path, items)
    return items


def _read_txt(path: Path, text: str) -> list[tuple[int, dict]]:
    items = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            items.append((number, {"prompt": stripped}))
    return items


def _read_jsonl(path: Path, text: str) -> list[tuple[int, dict]]:
    items = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except ValueError as error:
            raise UsageError(
                f"{path}:{number}: not valid JSON ({error.args[0]}); fix the line"
            ) from None
        if not isinstance(value, dict):
            raise UsageError(
                f'{path}:{number}: each line must be a JSON object like {{"prompt": "..."}}'
            )
        items.append((number, value))
    return items


def _read_csv(path: Path, text: str) -> list[tuple[int, dict]]:
    # strict: an unterminated quote is an error, not a prompt that swallows the next lines.
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    started = 1  # the first line of the row being read
    items = []
    try:
        if reader.fieldnames is None or "prompt" not in reader.fieldnames:
            raise UsageError(f"{path}:1: the CSV header needs a 'prompt' column; add it")
        started = reader.line_num + 1
        for row in reader:
            if None in row:
                raise UsageError(
                    f"{path}:{reader.line_num}: more cells than header columns; quote commas"
                )
            cleaned = {key: value for key, value in row.items() if value not in (None, "")}
            if cleaned:
                items.append((reader.line_num, cleaned))
            started = reader.line_num + 1
    except csv.Error as error:
        raise UsageError(
            f"{path}:{started}: not valid CSV ({error}): a quote opened on this line is not "
            'closed where it should be; close it, or write a quote inside a cell as ""'
        ) from None
    return items


def _read_yaml(path: Path, text: str) -> list[tuple[int, dict]]:
    import yaml

    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
        if root is None or not isinstance(root, yaml.MappingNode):
            raise UsageError(
                f"{path}:1: a YAML prompt file is a mapping with `items:` (and `defaults:`)"
            )
        sections = {key.value: value for key, value in root.value}
        unknown = set(sections) - {"defaults", "items"}
        if unknown:
            line = next(key.start_mark.line + 1 for key, _ in root.value if key.value in unknown)
            raise UsageError(
                f"{path}:{line}: unknown section {sorted(unknown)[0]!r}; use defaults and items"
            )
        defaults = (
            loader.construct_object(sections["defaults"], deep=True)
            if "defaults" in sections
            else {}
        )
        if not isinstance(defaults, dict):
            raise UsageError(f"{path}: `defaults:` must be a mapping of make settings")
        if "items" not in sections or not isinstance(sections["items"], yaml.SequenceNode):
            raise UsageError(f"{path}:1: `items:` must be a list of prompts or mappings")
        items = []
        lines = text.splitlines()
        for node in sections["items"].value:
            _refuse_swallowed_item(path, node, lines)
            value = loader.construct_object(node, deep=True)
            line = node.start_mark.line + 1
            if isinstance(value, str):
                value = {"prompt": value}
            if not isinstance(value, dict):
                raise UsageError(
                    f"{path}:{line}: an item is a prompt string or a mapping with 'prompt'"
                )
            items.append((line, {**defaults, **value}))
        return items
    except yaml.YAMLError as error:
        raise UsageError(
            f"{path}: not valid YAML ({str(error).splitlines()[0]}); fix the file"
        ) from None
    finally:
        loader.dispose()


def _refuse_swallowed_item(path: Path, node, lines: list[str]) -> None:
    """A `- item` indented deeper than the one above folds into its prompt (plain YAML
    scalars run on over lines): say so, instead of making one clip of two prompts."""
    import yaml

    scalars = [node] if isinstance(node, yaml.ScalarNode) else []
    if isinstance(node, yaml.MappingNode):
        scalars = [value for _, value in node.value if isinstance(value, yaml.ScalarNode)]
    for scalar in scalars:
        if scalar.style is not None:  # quoted or block: the author meant the line breaks
            continue
        for number in range(scalar.start_mark.line + 1, scalar.end_mark.line + 1):
            if number < len(lines) and lines[number].lstrip().startswith("- "):
                raise UsageError(
                    f"{path}:{number + 1}: this '- ' item is indented deeper than the one on "
                    f"line {scalar.start_mark.line + 1}, so YAML reads it as part of that "
                    "prompt; line up the dashes (or quote a prompt that holds ' - ')"
                )


def _checked_item(path: Path, line: int, raw: dict) -> PromptItem:
    where = f"{path}:{line}"
    raw = {key: value for key, value in raw.items() if value is not None}  # null means "not set"
    unknown = [key for key in raw if key not in KNOWN_KEYS]
    if unknown:
        raise UsageError(
            f"{where}: unknown key {unknown[0]!r}; known keys: {', '.join(KNOWN_KEYS)}"
        )
    prompt = raw.get("prompt")
    if not isinstance(prompt, str) or not prompt.strip():
        raise UsageError(f"{where}: key 'prompt' is missing or empty; every item needs a prompt")
    settings: dict = {}
    for key in INT_KEYS:
        if key in raw:
            settings[key] = _whole_number(where, key, raw[key], minimum=0 if key == "seed" else 1)
    for key in FLOAT_KEYS:
        if key in raw:
            settings[key] = _number(where, key, raw[key])
    if SIZE_KEY in raw:
        settings["width"], settings["height"] = _size(where, raw[SIZE_KEY])
    if "negative_prompt" in raw:
        settings["negative_prompt"] = str(raw["negative_prompt"])
    inputs = _inputs(path, where, raw)
    settings.update(inputs)
    out = raw.get("out")
    if out is not None:
        out = _out_name(where, str(out))
    # The images' bytes, not only their names, make the item: a changed image is a new clip.
    hashes = {key: _file_digest(inputs[key]) for key in IMAGE_KEYS if key in inputs}
    if "loras" in inputs:  # ... and so do a LoRA's weights
        from vidgen.lora import local_digests

        hashes["lora_sha256"] = local_digests(inputs["loras"])
    content = json.dumps(
        {"prompt": prompt.strip(), **settings, "out": out, **hashes}, sort_keys=True
    )
    digest = hashlib.sha256(content.encode()).hexdigest()[:10]
    return PromptItem(f"L{line:05d}-{digest}", line, prompt.strip(), settings, out)


def _inputs(path: Path, where: str, raw: dict) -> dict:
    """The item's images (checked to exist, relative to the file) and LoRAs (parsed)."""
    from vidgen.lora import parse_lora

    found: dict = {}
    for key in IMAGE_KEYS:
        if key in raw:
            image = Path(str(raw[key])).expanduser()
            image = image if image.is_absolute() else path.parent / image
            if not image.is_file():
                raise UsageError(
                    f"{where}: key {key!r}: no such file {image}; paths are relative to "
                    f"{path.parent}"
                )
            found[key] = str(image)
    if LORA_KEY in raw:
        value = raw[LORA_KEY]
        specs = value if isinstance(value, list) else [value]
        loras = []
        for spec in specs:
            source, scale = parse_lora(str(spec), f"{where}: key 'lora'")
            # Like images, a local LoRA is relative to the prompt file (a hub id stays as is).
            beside = path.parent / Path(source).expanduser()
            if not Path(source).expanduser().is_absolute() and beside.exists():
                source = str(beside)
            loras.append((source, scale))
        found["loras"] = tuple(loras)
    return found


def _file_digest(path: str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _whole_number(where: str, key: str, value, minimum: int) -> int:
    try:
        number = int(str(value).strip())
    except ValueError:
        raise UsageError(f"{where}: key {key!r} must be a whole number, got {value!r}") from None
    if key == "seed" and not 0 <= number <= MAX_SEED:
        raise UsageError(f"{where}: key 'seed' is {number}; it must be between 0 and {MAX_SEED}")
    if number < minimum:
        raise UsageError(f"{where}: key {key!r} is {number}; it must be at least {minimum}")
    return number


def _number(where: str, key: str, value) -> float:
    try:
        number = float(str(value).strip())
    except ValueError:
        raise UsageError(f"{where}: key {key!r} must be a number, got {value!r}") from None
    if not math.isfinite(number) or number < 0:
        raise UsageError(f"{where}: key {key!r} is {number}; it must be 0 or more")
    return number


def _size(where: str, value) -> tuple[int, int]:
    match = re.fullmatch(r"\s*(\d+)\s*[xX]\s*(\d+)\s*", str(value))
    if not match or 0 in (int(match[1]), int(match[2])):
        raise UsageError(f"{where}: key 'size' must be WIDTHxHEIGHT like 832x480, got {value!r}")
    return int(match[1]), int(match[2])


def _out_name(where: str, name: str) -> str:
    if Path(name).name != name or name in ("", ".", "..") or any(ord(c) < 32 for c in name):
        raise UsageError(f"{where}: key 'out' must be a plain file name (no folders), got {name!r}")
    return name if name.lower().endswith(".mp4") else f"{name}.mp4"


def _refuse_duplicate_names(path: Path, items: list[PromptItem]) -> None:
    # Case-insensitive, and by stem: clip.MP4 and clip.mp4 would share one clip.json.
    seen: dict[str, int] = {}
    for item in items:
        if item.out is None:
            continue
        key = Path(item.out).stem.casefold()
        if key in seen:
            raise UsageError(
                f"{path}:{item.line}: key 'out' {item.out!r} is also used on line {seen[key]} "
                "(names are compared ignoring case); give each item its own name"
            )
        seen[key] = item.line
