"""MobileNetV2's convolutional trunk (its `features`) built from torch alone.

Importing torchvision costs about 2 CPU seconds a process on this project's machine (its
ops module pulls in torch._dynamo), as much again as torch itself, and `vidgen check` used
it for one thing: the architecture its MobileNetV2 weights load into. This module builds
the same layers under the same names, so torchvision's state dict loads into it with
strict=True, and the forward pass runs the same torch operations in the same order: the
same output bits (tests/test_mobilenet_trunk.py compares it with torchvision's model).

The architecture is the published one (Sandler et al. 2018, "MobileNetV2: Inverted
Residuals and Linear Bottlenecks"): a stride-2 3x3 convolution to 32 channels, seventeen
inverted residual blocks, a 1x1 convolution to 1280 channels; every convolution without
bias, followed by batch normalization, and ReLU6 except after a block's projection.
"""

from __future__ import annotations

# (expansion, output channels, blocks, stride of the first block): the paper's table 2.
BLOCKS = (
    (1, 16, 1, 1),
    (6, 24, 2, 2),
    (6, 32, 3, 2),
    (6, 64, 4, 2),
    (6, 96, 3, 1),
    (6, 160, 3, 2),
    (6, 320, 1, 1),
)
STEM = 32
LAST = 1280


def build_trunk():
    """An nn.Sequential whose state dict keys are those of torchvision's
    `mobilenet_v2().features` (without the leading "features.")."""
    import torch
    from torch import nn

    def conv_bn_relu(inp: int, out: int, kernel: int = 3, stride: int = 1, groups: int = 1):
        # torchvision's Conv2dNormActivation: indices 0, 1, 2 name the three layers.
        padding = (kernel - 1) // 2
        return nn.Sequential(
            nn.Conv2d(inp, out, kernel, stride, padding, groups=groups, bias=False),
            nn.BatchNorm2d(out),
            nn.ReLU6(inplace=True),
        )

    class InvertedResidual(nn.Module):
        def __init__(self, inp: int, out: int, stride: int, expansion: int):
            super().__init__()
            hidden = int(round(inp * expansion))
            self.residual = stride == 1 and inp == out
            layers = [conv_bn_relu(inp, hidden, kernel=1)] if expansion != 1 else []
            layers += [
                conv_bn_relu(hidden, hidden, stride=stride, groups=hidden),  # depthwise
                nn.Conv2d(hidden, out, 1, 1, 0, bias=False),  # linear projection
                nn.BatchNorm2d(out),
            ]
            self.conv = nn.Sequential(*layers)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return x + self.conv(x) if self.residual else self.conv(x)

    layers = [conv_bn_relu(3, STEM, stride=2)]
    channels = STEM
    for expansion, out, count, stride in BLOCKS:
        for i in range(count):
            layers.append(InvertedResidual(channels, out, stride if i == 0 else 1, expansion))
            channels = out
    layers.append(conv_bn_relu(channels, LAST, kernel=1))
    return nn.Sequential(*layers)


def load_trunk(state: dict):
    """The trunk with the `features.` entries of torchvision's MobileNetV2 state dict
    `state` loaded strictly (a missing or extra trunk weight raises), in eval mode."""
    trunk = build_trunk()
    prefix = "features."
    own = {k[len(prefix) :]: v for k, v in state.items() if k.startswith(prefix)}
    trunk.load_state_dict(own, strict=True)
    return trunk.eval()
