"""The MobileNetV2 trunk built from torch alone is torchvision's, weight for weight and bit
for bit, and building the embedder no longer imports torchvision."""

import subprocess
import sys

import pytest

torch = pytest.importorskip("torch")
torchvision = pytest.importorskip("torchvision")

from checkers.features.mobilenet_trunk import build_trunk, load_trunk  # noqa: E402


def test_the_trunk_has_torchvisions_names_and_shapes():
    theirs = torchvision.models.mobilenet_v2().features.state_dict()
    ours = build_trunk().state_dict()
    assert list(ours) == list(theirs)
    assert all(ours[k].shape == theirs[k].shape for k in theirs)


def test_the_trunk_gives_torchvisions_output_bits():
    torch.manual_seed(0)
    model = torchvision.models.mobilenet_v2().eval()
    # Running statistics away from their defaults, so batch normalization is exercised.
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.running_mean.uniform_(-0.5, 0.5)
                m.running_var.uniform_(0.5, 2.0)
    ours = load_trunk(model.state_dict())
    x = torch.randn(3, 3, 160, 160)
    with torch.no_grad():
        expected = model.features(x).mean(dim=(2, 3))
        got = ours(x).mean(dim=(2, 3))
    assert torch.equal(got, expected)


def test_a_state_dict_missing_a_trunk_weight_is_refused():
    state = torchvision.models.mobilenet_v2().state_dict()
    del state["features.5.conv.1.1.weight"]
    with pytest.raises(RuntimeError):
        load_trunk(state)


def test_the_embedder_is_built_without_importing_torchvision():
    from checkers.features.mobilenet import find_weights

    if find_weights() is None:
        pytest.skip("no MobileNetV2 weights on this machine")
    code = (
        "import sys; from checkers.features.mobilenet import MobileNetEmbedder; "
        "e = MobileNetEmbedder(); "
        "v = e.embed_crops([__import__('numpy').zeros((160, 160, 3), 'uint8')]); "
        "assert v.shape == (1, 1280); print('torchvision' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
