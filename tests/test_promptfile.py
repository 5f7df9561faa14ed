"""Prompt files: every format, and a line-numbered error for every bad line."""

from __future__ import annotations

import pytest

from vidgen.errors import UsageError
from vidgen.promptfile import read_prompt_file


def write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_txt_skips_comments_and_blanks(tmp_path):
    items = read_prompt_file(
        write(tmp_path, "p.txt", "# header\n\na red ball\n  \na blue square\n")
    )
    assert [(i.line, i.prompt) for i in items] == [(3, "a red ball"), (5, "a blue square")]


def test_jsonl_csv_yaml_overrides(tmp_path):
    jsonl = read_prompt_file(
        write(
            tmp_path, "p.jsonl", '{"prompt": "a", "seed": 3, "size": "64x32"}\n\n{"prompt": "b"}\n'
        )
    )
    assert jsonl[0].settings == {"seed": 3, "width": 64, "height": 32} and jsonl[1].line == 3
    csv_items = read_prompt_file(
        write(tmp_path, "p.csv", "prompt,steps,guidance,out\nx,4,2.5,clip-x\ny,,,\n")
    )
    assert (
        csv_items[0].settings == {"steps": 4, "guidance": 2.5} and csv_items[0].out == "clip-x.mp4"
    )
    assert csv_items[1].settings == {} and csv_items[1].line == 3
    yaml_items = read_prompt_file(
        write(
            tmp_path,
            "p.yaml",
            "defaults:\n  frames: 13\nitems:\n  - a ball\n  - prompt: b\n    frames: 9\n",
        )
    )
    assert [(i.line, i.settings["frames"]) for i in yaml_items] == [(4, 13), (5, 9)]


def test_ids_are_stable_and_distinct(tmp_path):
    path = write(tmp_path, "p.txt", "same\nsame\n")
    first, second = read_prompt_file(path)
    assert first.id != second.id
    assert [i.id for i in read_prompt_file(path)] == [first.id, second.id]


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        (
            "p.jsonl",
            '{"prompt": "a"}\n{"prompt": "b", "colour": 1}\n',
            "p.jsonl:2: unknown key 'colour'",
        ),
        (
            "p.jsonl",
            '{"prompt": "a"}\n{"prompt": "b", "steps": "many"}\n',
            "p.jsonl:2: key 'steps'",
        ),
        ("p.jsonl", '{"prompt": "a"}\n{"prompt": "b", "frames": 0}\n', "p.jsonl:2: key 'frames'"),
        ("p.jsonl", '{"prompt": "a"}\n{"prompt": \n', "p.jsonl:2: not valid JSON"),
        ("p.jsonl", '{"seed": 1}\n', "p.jsonl:1: key 'prompt'"),
        ("p.csv", "text\nhello\n", "p.csv:1: the CSV header needs a 'prompt' column"),
        ("p.csv", "prompt,guidance\na,1\nb,-3\n", "p.csv:3: key 'guidance'"),
        ("p.csv", "prompt,size\na,big\n", "p.csv:2: key 'size'"),
        ("p.yaml", "items:\n  - a\n  - prompt: b\n    step: 3\n", "p.yaml:3: unknown key 'step'"),
        ("p.yaml", "item:\n  - a\n", "p.yaml:1: unknown section 'item'"),
        ("p.jsonl", '{"prompt": "a", "out": "../x"}\n', "p.jsonl:1: key 'out'"),
        (
            "p.jsonl",
            '{"prompt": "a", "out": "x"}\n{"prompt": "b", "out": "x.mp4"}\n',
            "p.jsonl:2: key 'out'",
        ),
        ("p.txt", "# only a comment\n", "has no prompts"),
        ("p.jsonl", '{"prompt": "a", "seed": 99999999999}\n', "between 0 and 4294967295"),
        ("p.jsonl", '{"prompt": "a", "guidance": "nan"}\n', "p.jsonl:1: key 'guidance'"),
        ("p.toml", "prompt = 'a'\n", "unknown prompt file type .toml"),
    ],
)
def test_bad_files_name_file_line_and_key(tmp_path, name, text, message):
    with pytest.raises(UsageError) as caught:
        read_prompt_file(write(tmp_path, name, text))
    assert message in str(caught.value)


def test_bom_and_null_values_are_read_as_a_user_means_them(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes("\ufeffprompt,steps\na ball,3\n".encode())
    (item,) = read_prompt_file(path)
    assert item.prompt == "a ball" and item.settings == {"steps": 3}
    (item,) = read_prompt_file(
        write(tmp_path, "n.jsonl", '{"prompt": "b", "negative_prompt": null}\n')
    )
    assert item.settings == {}
