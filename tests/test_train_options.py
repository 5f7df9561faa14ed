"""The training recipe's settings: bad ones refused in one line (from the command line and from
TrainConfig), and the command line's sizes reaching the config."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from tiny_training import tiny_config

from vidgen.shapes_model import TINY_SIZES as TINY

# Tiny torch ops gain nothing from a second thread (conftest.py, one_torch_thread).
pytestmark = pytest.mark.usefixtures("one_torch_thread")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--refit-vae"], "--refit-vae needs --init-from"),
        (["--init-from", ".", "--refit-vae", "--decoder-only"], "exclude each other"),
        (["--vae-full-every", "0"], "--vae-full-every"),
        (["--short-caption-fraction", "1.5"], "--short-caption-fraction"),
        (["--latent-object-weight", "-1"], "--latent-object-weight"),
        (["--uniform-time-fraction", "2"], "--uniform-time-fraction"),
        (["--vae-latent-noise", "0.3"], "--vae-latent-noise needs --decoder-only"),
        (["--resample-fraction", "0.5"], "--resample-fraction needs --decoder-only"),
        (["--resample-fraction", "2"], "--resample-fraction"),
        (["--init-from", ".", "--transformer-width", "64"], "need --fresh-transformer"),
        (["--transformer-width", "100"], "--transformer-width 100"),
        (["--frame-size", "88"], "--frame-size 88: must be a multiple of 16"),
        (["--frame-size", "16"], "--frame-size 16: smaller than the VAE's crop (32)"),
        (
            ["--init-from", ".", "--fresh-transformer", "--transformer-patch", "1", "5", "5"]
            + ["--frame-size", "96"],
            "transformer patch 1 5 5 (--transformer-patch or the --init-from folder's): must "
            "divide the latent grid 5x24x24 (T H W) of 96x96 frames",
        ),
        (
            ["--init-from", str(Path(__file__).parent)],
            "not a diffusers pipeline folder (no model_index.json)",
        ),
    ],
)
def test_train_shapes_refuses_bad_options_in_one_line(tmp_path, args, message):
    from click.testing import CliRunner

    from vidgen.cli import cli

    result = CliRunner().invoke(cli, ["train-shapes", "--out", str(tmp_path / "run"), *args])
    assert result.exit_code == 2
    assert message in result.output
    assert not (tmp_path / "run").exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"profile": "full"}, "staged or simple"),
        ({"uniform_time_fraction": 1.5}, "--uniform-time-fraction"),
        ({"vae_latent_noise": 0.3}, "--vae-latent-noise needs --decoder-only"),
        ({"resample_fraction": 0.5}, "--resample-fraction needs --decoder-only"),
        ({"decoder_only": True, "resample_levels": (0.8, 0.2)}, "--resample-levels"),
        ({"decoder_only": True, "resample_levels": (0.0, 0.5)}, "--resample-levels"),
        ({"grow_layers": 2}, "--grow-layers needs --init-from"),
        ({"grow_layers": -1}, "--grow-layers must be 0 or more"),
        ({"fresh_transformer": True}, "--fresh-transformer needs --init-from"),
        ({"fresh_transformer": True, "grow_layers": 1, "init_from": "."}, "exclude each other"),
        ({"fresh_transformer": True, "refit_vae": True, "init_from": "."}, "exclude each other"),
        ({"sizes": dataclasses.replace(TINY, patch=(1, 3, 3))}, "latent grid 2x8x8"),
    ],
)
def test_train_config_refuses_bad_settings(tmp_path, overrides, message):
    from vidgen.errors import UsageError

    with pytest.raises(UsageError, match=message):
        tiny_config(tmp_path, **overrides)


def test_transformer_sizes_from_the_command_line():
    from vidgen.errors import UsageError
    from vidgen.shapes_model import ModelSizes, transformer_sizes

    assert transformer_sizes(None, None, None) is None  # the recipe's own sizes
    sizes = transformer_sizes((1, 2, 2), 96, 4)
    assert (sizes.patch, sizes.dim, sizes.heads, sizes.ffn_dim, sizes.layers) == (
        (1, 2, 2),
        96,
        3,
        384,
        4,
    )
    assert sizes.vae_z_dim == ModelSizes().vae_z_dim  # the VAE's sizes stay
    with pytest.raises(UsageError, match="--transformer-width 100"):
        transformer_sizes(None, 100, None)


def test_frame_size_sets_the_training_frames_width_and_height(tmp_path, monkeypatch):
    from click.testing import CliRunner

    import vidgen.train
    from vidgen.cli import cli

    seen = []
    monkeypatch.setattr(vidgen.train, "train", lambda config: seen.append(config) or "ckpt")
    out = str(tmp_path / "run")
    result = CliRunner().invoke(cli, ["train-shapes", "--out", out, "--frame-size", "96"])
    assert result.exit_code == 0, result.output
    assert (seen[0].width, seen[0].height) == (96, 96)
    CliRunner().invoke(cli, ["train-shapes", "--out", out])
    assert (seen[1].width, seen[1].height) == (64, 64)  # the recipe's own
