"""A small but valid ICC v2 CMYK output profile, written in pure Python.

Print shops give a CMYK output profile (ISO Coated v2, PSO Uncoated, GRACoL...);
none ships with a Python package, so tests and benchmarks make their own: device
class 'prtr', colour space 'CMYK', PCS 'Lab ', with lut16 A2B0 (CMYK -> Lab), B2A0
(Lab -> CMYK) and gamt tables computed from a simple ink model. Structure as in
ICC.1:2001-04 (version 2.4): header (section 6.1), tag table (6.2), textDescriptionType
(6.5.17), lut16Type (6.5.7, the legacy 16-bit Lab encoding of section 6.5.7 note 2).

The ink model: each of C, M, Y absorbs its complementary sRGB primary, K darkens
all three, none quite to zero (paper and ink are never ideal):

    red reflectance = (1 - 0.92 C) (1 - 0.95 K), green with M, blue with Y,

read as sRGB values (so a 50 % tint looks half as dark) and taken to Lab (D50)
through the Bradford-adapted sRGB matrix. Its inverse separates with partial
grey-component replacement (K takes over part of the neutral darkness), as press
profiles do.
"""

from __future__ import annotations

import itertools
import math
import struct
from pathlib import Path

INK = 0.92  # how much light a solid C, M or Y takes from its primary
BLACK = 0.95  # the same for K, from all three
D50 = (0.9642, 1.0, 0.8249)
# sRGB (linear) to XYZ, Bradford-adapted to D50 (as ICC sRGB profiles carry it).
RGB_TO_XYZ = ((0.4360747, 0.3850649, 0.1430804),
              (0.2225045, 0.7168786, 0.0606169),
              (0.0139322, 0.0971045, 0.7141733))


def write_cmyk_profile(path: Path, description: str = "Outreach test CMYK (coated)",
                       *, grid: int = 9) -> Path:
    """Write the profile to ``path``; its 'desc' tag is ``description``."""
    path.write_bytes(cmyk_profile(description, grid=grid))
    return path


def cmyk_profile(description: str = "Outreach test CMYK (coated)", *, grid: int = 9) -> bytes:
    tags = [
        (b"desc", _text_description(description)),
        (b"cprt", b"text" + bytes(4) + b"No copyright, test data\x00"),
        (b"wtpt", _xyz(D50)),
        (b"A2B0", _lut16(4, 3, grid, _cmyk_to_lab_encoded)),
        (b"B2A0", _lut16(3, 4, 17, _lab_encoded_to_cmyk)),
        (b"gamt", _lut16(3, 1, 2, lambda _lab: (0,))),  # everything counts as in gamut
    ]
    table_size = 4 + 12 * len(tags)
    offset = 128 + table_size
    entries, data = [], b""
    for signature, body in tags:
        entries.append(struct.pack(">4sII", signature, offset + len(data), len(body)))
        data += body + bytes(-len(body) % 4)  # every tag starts on a 4-byte boundary
    size = 128 + table_size + len(data)
    header = struct.pack(
        ">I4sI4s4s4s6H4s4sI4s4sQI12s4s16s28s",
        size, b"lcms", 0x02400000, b"prtr", b"CMYK", b"Lab ",
        2026, 1, 1, 0, 0, 0,
        b"acsp", b"APPL", 0, b"none", b"none", 0, 0,
        b"".join(_s15(v) for v in D50), b"otst", bytes(16), bytes(28))
    assert len(header) == 128
    return header + struct.pack(">I", len(tags)) + b"".join(entries) + data


def _s15(value: float) -> bytes:
    return struct.pack(">i", round(value * 65536))


def _xyz(values: tuple[float, float, float]) -> bytes:
    return b"XYZ " + bytes(4) + b"".join(_s15(v) for v in values)


def _text_description(text: str) -> bytes:
    ascii_text = text.encode("ascii") + b"\x00"
    return (b"desc" + bytes(4) + struct.pack(">I", len(ascii_text)) + ascii_text
            + struct.pack(">II", 0, 0)  # no Unicode description
            + struct.pack(">HB", 0, 0) + bytes(67))  # no ScriptCode description


def _lut16(inputs: int, outputs: int, grid: int, function: object) -> bytes:
    """A lut16Type with identity curves around a ``grid``-point table of ``function``,
    which takes and gives values 0..65535 (the first input varies slowest)."""
    identity = b"".join(struct.pack(">H", v) for v in (0, 65535))
    out = bytearray(b"mft2" + bytes(4) + struct.pack(">BBBB", inputs, outputs, grid, 0))
    for row in range(3):
        out += b"".join(_s15(1.0 if row == column else 0.0) for column in range(3))
    out += struct.pack(">HH", 2, 2)
    out += identity * inputs
    steps = [round(i * 65535 / (grid - 1)) for i in range(grid)]
    for point in itertools.product(steps, repeat=inputs):
        values = function(point)  # type: ignore[operator]
        out += struct.pack(f">{outputs}H", *(max(0, min(65535, round(v))) for v in values))
    out += identity * outputs
    return bytes(out)


def _cmyk_to_lab_encoded(point: tuple[int, ...]) -> tuple[float, float, float]:
    c, m, y, k = (v / 65535 for v in point)
    black = 1 - BLACK * k
    rgb = ((1 - INK * c) * black, (1 - INK * m) * black, (1 - INK * y) * black)
    big_l, a, b = _lab((_decode(rgb[0]), _decode(rgb[1]), _decode(rgb[2])))
    # v2 Lab in 16 bits: L 0..100 as 0..0xFF00, a and b -128..127.996 as 0..0xFFFF.
    return (big_l * 0xFF00 / 100, (a + 128) * 256, (b + 128) * 256)


def _lab_encoded_to_cmyk(point: tuple[int, ...]) -> tuple[float, float, float, float]:
    big_l, a, b = point[0] * 100 / 0xFF00, point[1] / 256 - 128, point[2] / 256 - 128
    rgb = [_encode(min(1.0, max(0.0, v))) for v in _linear_rgb(big_l, a, b)]
    lightest = max(rgb)
    # K carries the square root of the darkness shared by all three: partial GCR.
    keep = max(1 - BLACK, math.sqrt(lightest))
    k = (1 - keep) / BLACK
    cmy = [min(1.0, max(0.0, (1 - min(1.0, v / keep)) / INK)) for v in rgb]
    return (cmy[0] * 65535, cmy[1] * 65535, cmy[2] * 65535, k * 65535)


def _lab(rgb: tuple[float, float, float]) -> tuple[float, float, float]:
    xyz = [sum(RGB_TO_XYZ[row][i] * rgb[i] for i in range(3)) for row in range(3)]
    f = [_f(xyz[i] / D50[i]) for i in range(3)]
    return 116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])


def _linear_rgb(big_l: float, a: float, b: float) -> list[float]:
    fy = (big_l + 16) / 116
    xyz = [D50[0] * _f_inverse(fy + a / 500), D50[1] * _f_inverse(fy),
           D50[2] * _f_inverse(fy - b / 200)]
    return [sum(_XYZ_TO_RGB[row][i] * xyz[i] for i in range(3)) for row in range(3)]


def _decode(v: float) -> float:
    """sRGB's transfer function: an encoded value (0..1) as linear light."""
    return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4


def _encode(v: float) -> float:
    return v * 12.92 if v <= 0.0031308 else 1.055 * v ** (1 / 2.4) - 0.055


def _f(t: float) -> float:
    return t ** (1 / 3) if t > (6 / 29) ** 3 else t / (3 * (6 / 29) ** 2) + 4 / 29


def _f_inverse(t: float) -> float:
    return t ** 3 if t > 6 / 29 else 3 * (6 / 29) ** 2 * (t - 4 / 29)


def _inverse(matrix: tuple[tuple[float, ...], ...]) -> tuple[tuple[float, ...], ...]:
    (a, b, c), (d, e, f), (g, h, i) = matrix
    det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g)
    return ((
        (e * i - f * h) / det, (c * h - b * i) / det, (b * f - c * e) / det),
        ((f * g - d * i) / det, (a * i - c * g) / det, (c * d - a * f) / det),
        ((d * h - e * g) / det, (b * g - a * h) / det, (a * e - b * d) / det))


_XYZ_TO_RGB = _inverse(RGB_TO_XYZ)
