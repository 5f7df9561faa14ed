"""One module per `vidgen` command. Each command only parses, calls the library, prints.

Modules here must not import torch, diffusers or transformers at import time.
"""

import importlib

# (module, attribute) of every command, in the order `vidgen --help` lists them.
_COMMAND_SOURCES = [
    ("vidgen.commands.make", "make"),
    ("vidgen.commands.models", "models"),
    ("vidgen.commands.check", "check"),
    ("vidgen.commands.verify", "verify"),
    ("vidgen.commands.world", "world"),
    ("vidgen.commands.train", "train_shapes"),
]


def _load():
    commands = []
    for module_name, attribute in _COMMAND_SOURCES:
        module = importlib.import_module(module_name)
        commands.append(getattr(module, attribute))
    return commands


COMMANDS = _load()
