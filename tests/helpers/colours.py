"""How far apart two colours look, for readers with normal vision and the three kinds of colour blindness.

Used by the tests to keep every categorical palette of the charts distinguishable: colours are
converted to linear RGB, passed through Machado et al.'s (2009) full-severity simulation matrices, and
compared as CIE76 distances in L*a*b*.
"""
from __future__ import annotations

import itertools

import numpy as np

VISION = {
    "normal": np.eye(3),
    "protanopia": np.array([[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]]),
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]]),
    "tritanopia": np.array([[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]]),
}
_RGB_TO_XYZ = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
_WHITE = np.array([0.95047, 1.0, 1.08883])


def _linear_rgb(hex_colour: str) -> np.ndarray:
    v = np.array([int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)])
    return np.where(v <= 0.04045, v / 12.92, ((v + 0.055) / 1.055) ** 2.4)


def _lab(linear_rgb: np.ndarray) -> np.ndarray:
    xyz = (_RGB_TO_XYZ @ np.clip(linear_rgb, 0, 1)) / _WHITE
    f = np.where(xyz > 0.008856, np.cbrt(xyz), 7.787 * xyz + 16 / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def distance(a: str, b: str, vision: str = "normal") -> float:
    """CIE76 distance between two '#rrggbb' colours as seen with ``vision``."""
    m = VISION[vision]
    return float(np.linalg.norm(_lab(m @ _linear_rgb(a)) - _lab(m @ _linear_rgb(b))))


def closest_pair(palette: dict[str, str]) -> tuple[float, str, str, str]:
    """The least distinguishable pair of a palette over every kind of vision: (distance, vision, name, name)."""
    return min((distance(ca, cb, v), v, a, b)
               for v in VISION for (a, ca), (b, cb) in itertools.combinations(palette.items(), 2))
