#!/usr/bin/env python3
"""Writes the seed corpus tests/fuzz/corpus_npy/: small .npy files as NumPy writes them
(same header bytes as numpy.lib.format, without needing NumPy), plus the layouts rowsort
refuses, so the fuzzer starts from every branch of the parser.
usage: python3 tests/fuzz/make_corpus.py  (rewrites the folder; commit the result)"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "corpus_npy")


def header(descr, shape, fortran=False, version=None, growth=True, align=64, text=None):
    """NumPy's _write_array_header: sorted keys, reprs, 21-digit growth room, aligned."""
    if text is None:
        d = {"descr": descr, "fortran_order": fortran, "shape": tuple(shape)}
        text = "{" + "".join("'%s': %s, " % (k, repr(v)) for k, v in sorted(d.items())) + "}"
        if growth and len(shape) > 0:
            text += " " * (21 - len(repr(shape[-1 if fortran else 0])))
    for ver, fmt in (((1, 0), "<H"), ((2, 0), "<I"), ((3, 0), "<I")):
        if version is not None and ver != version:
            continue
        body = text.encode("utf8" if ver == (3, 0) else "latin1")
        hlen = len(body) + 1
        pad = align - ((8 + struct.calcsize(fmt) + hlen) % align)
        try:
            prefix = b"\x93NUMPY" + bytes(ver) + struct.pack(fmt, hlen + pad)
        except struct.error:
            continue
        return prefix + body + b" " * pad + b"\n"
    raise ValueError("header too long")


def data(count, itemsize):
    return bytes((i * 37 + 11) & 0xFF for i in range(count * itemsize))


def main():
    os.makedirs(OUT, exist_ok=True)
    for name in os.listdir(OUT):
        os.unlink(os.path.join(OUT, name))
    seeds = {
        "f32_2x3.npy": header("<f4", (2, 3)) + data(6, 4),
        "bool_5.npy": header("|b1", (5,)) + bytes([0, 1, 1, 0, 1]),
        "i8_2x2x2.npy": header("<i8", (2, 2, 2)) + data(8, 8),
        "u16_4.npy": header("<u2", (4,)) + data(4, 2),
        "f16_3.npy": header("<f2", (3,)) + data(3, 2),
        "c128_scalar.npy": header("<c16", ()) + data(1, 16),
        "c64_1x2.npy": header("<c8", (1, 2)) + data(2, 8),
        "bf16_V2_2x2.npy": header("<V2", (2, 2)) + data(4, 2),
        "bf16_pipeV2_3.npy": header("|V2", (3,)) + data(3, 2),
        "u8_empty.npy": header("|u1", (0,)),
        "f64_0x5.npy": header("<f8", (0, 5)),
        "i16_v2.npy": header("<i2", (2, 3), version=(2, 0)) + data(6, 2),
        "f64_v3.npy": header("<f8", (2,), version=(3, 0)) + data(2, 8),
        # NumPy < 1.14 (16-byte alignment, no growth room) and Python 2 ('L' suffixes).
        "old_align16.npy": header("<i4", (3,), growth=False, align=16) + data(3, 4),
        "py2_long.npy": header(None, None, text="{'descr': '<f4', 'fortran_order': False, "
                               "'shape': (2L, 3L), }", align=16) + data(6, 4),
        "double_quotes.npy": header(None, None, text='{"shape": (2,), "descr": "<u4", '
                                    '"fortran_order": False}') + data(2, 4),
        # Refused layouts and dtypes.
        "fortran_f8_2x3.npy": header("<f8", (2, 3), fortran=True) + data(6, 8),
        "bigendian_i4_3.npy": header(">i4", (3,)) + data(3, 4),
        "object.npy": header("|O", (2,)) + b"\x80\x04\x95pickled",
        "unicode_U5.npy": header("<U5", (2,)) + data(10, 4),
        "structured.npy": header(None, None, text="{'descr': [('a', '<f4'), ('b', '<i4')], "
                                 "'fortran_order': False, 'shape': (2,), }") + data(2, 8),
        "datetime.npy": header("<M8[ns]", (1,)) + data(1, 8),
        "truncated_data.npy": header("<f4", (4, 4)) + data(3, 4),
        "huge_shape.npy": header("|u1", (4294967296, 4294967296)),
        "too_many_dims.npy": header("|u1", (1,) * 33),
    }
    for name, blob in sorted(seeds.items()):
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(blob)
    print("wrote %d seeds to %s" % (len(seeds), OUT))


if __name__ == "__main__":
    main()
