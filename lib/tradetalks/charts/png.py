"""The static image of a chart made small: vl-convert's full-colour PNG as a deterministic indexed PNG.

Pillow is not a dependency, so the few PNG operations needed are here: reading the chunks, undoing the
row filters of an 8-bit image, choosing the palette and writing the indexed image.
"""
from __future__ import annotations

import struct
import zlib

#: Colours the static image keeps: a chart has a few flat colours and the shades of its anti-aliased
#: edges and text; an indexed image of them is a fraction of the size of the full-colour one. The most
#: frequent ``COLOURS`` are kept, and every colour that fills at least ``KEEP_PIXELS`` pixels (a
#: small mark's colour is never lost), up to the 256 an indexed PNG can hold.
COLOURS = 48
KEEP_PIXELS = 24


def png_chunks(png: bytes):
    pos = 8
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos:pos + 4])
        yield png[pos + 4:pos + 8], png[pos + 8:pos + 8 + length]
        pos += 12 + length


def unfilter(raw: bytes, width: int, height: int, bpp: int):
    """The pixel rows of a decompressed 8-bit PNG image (undoing each row's filter)."""
    import numpy as np

    stride = width * bpp
    rows = np.frombuffer(raw, dtype=np.uint8).reshape(height, stride + 1)
    out = np.zeros((height, stride), dtype=np.uint8)
    prev = np.zeros(stride, dtype=np.int32)
    for y in range(height):
        kind, line = rows[y, 0], rows[y, 1:].astype(np.int32)
        if kind == 0:
            cur = line
        elif kind == 1:  # Sub: cumulative within each channel
            cur = np.cumsum(line.reshape(width, bpp), axis=0).reshape(-1) & 0xFF
        elif kind == 2:  # Up
            cur = (line + prev) & 0xFF
        else:  # Average (3) and Paeth (4) depend on the pixel just decoded: one pixel at a time
            cur = np.zeros(stride, dtype=np.int32)
            for x in range(stride):
                a = cur[x - bpp] if x >= bpp else 0
                b = prev[x]
                if kind == 3:
                    cur[x] = (line[x] + ((a + b) >> 1)) & 0xFF
                else:
                    c = prev[x - bpp] if x >= bpp else 0
                    p = a + b - c
                    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                    pred = a if pa <= pb and pa <= pc else b if pb <= pc else c
                    cur[x] = (line[x] + pred) & 0xFF
        out[y] = cur
        prev = cur
    return out


def compact_png(png: bytes, colours: int = COLOURS) -> bytes:
    """The same image as an indexed PNG, on white, deterministically: the ``colours`` most frequent
    colours and any filling :data:`KEEP_PIXELS` pixels are kept exactly (256 at most), every other
    pixel takes the nearest of them. Images that are not 8-bit RGB or RGBA are returned unchanged."""
    import numpy as np

    header = dict(png_chunks(png)).get(b"IHDR")
    if header is None:
        return png
    width, height, depth, ctype = struct.unpack(">IIBB", header[:10])
    if depth != 8 or ctype not in (2, 6) or header[12] != 0:
        return png
    bpp = 4 if ctype == 6 else 3
    data = b"".join(body for kind, body in png_chunks(png) if kind == b"IDAT")
    pixels = unfilter(zlib.decompress(data), width, height, bpp).reshape(height, width, bpp).astype(np.int32)
    rgb = pixels[..., :3]
    if bpp == 4:  # over white
        alpha = pixels[..., 3:4]
        rgb = (rgb * alpha + 255 * (255 - alpha) + 127) // 255
    packed = (rgb[..., 0] << 16) | (rgb[..., 1] << 8) | rgb[..., 2]
    values, inverse, counts = np.unique(packed.reshape(-1), return_inverse=True, return_counts=True)
    order = np.lexsort((values, -counts))  # most frequent first; ties by colour
    wanted = max(colours, int((counts >= KEEP_PIXELS).sum()))
    keep = values[order[:min(wanted, 256)]]
    pal = np.stack([(keep >> 16) & 0xFF, (keep >> 8) & 0xFF, keep & 0xFF], axis=1)
    uniq = np.stack([(values >> 16) & 0xFF, (values >> 8) & 0xFF, values & 0xFF], axis=1)
    nearest = np.empty(len(values), dtype=np.uint8)
    for i in range(0, len(values), 4096):
        d = ((uniq[i:i + 4096, None, :] - pal[None, :, :]) ** 2).sum(axis=2)
        nearest[i:i + 4096] = d.argmin(axis=1)
    index = nearest[inverse].reshape(height, width)
    raw = np.concatenate([np.zeros((height, 1), dtype=np.uint8), index], axis=1).tobytes()

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 3, 0, 0, 0))
            + chunk(b"PLTE", pal.astype(np.uint8).tobytes()) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))
