#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""make_pdf.py - writes small PDF files for the PDF reading tests.

A minimal PDF writer (ISO 32000-1 §7.5: header, objects, cross-reference
table, trailer) so that the tests control exactly how a certificate's code
is stored: as an attached file, as an image XObject of a given kind, or as
vector paths.  Usage:

    make_pdf.py OUT.pdf [--attach FILE] [--count N] [--pages N] PAGE...

Each PAGE is a comma-separated list of items drawn on one A4 page:

    gray:W:H:RAW       8-bit DeviceGray image (FlateDecode), W x H bytes
    mono:W:H:RAW       the same thresholded to 1 bit a pixel
    mask:W:H:RAW       1-bit /ImageMask, drawn in black
    rgb:W:H:RAW        DeviceRGB from grey, FlateDecode with PNG predictors
    indexed:W:H:RAW    /Indexed DeviceRGB with a 2-entry palette, 8 bits
    jpeg:W:H:FILE      a greyscale JPEG file as DCTDecode
    vector:N:RAW:MM    an N x N module matrix (one byte each, < 128 dark)
                       drawn as filled rectangles, MM millimetres wide
    form:ITEM          ITEM (an image) inside a form XObject
    attach:FILE        FILE as a file attachment annotation of the page
    bomb:W:H           an image that claims W x H pixels (no data to speak of)
    blank              nothing

--attach FILE embeds FILE as certseal-token.txt in the document's
EmbeddedFiles and /AF (PDF/A-3 associated file).  --count N writes N as
the page tree's /Count whatever the pages are; --pages N repeats the pages
given until there are N, all sharing their objects.
"""
import sys
import zlib

A4 = (595, 842)


class Writer:
    def __init__(self):
        self.objects = []

    def reserve(self):
        self.objects.append(None)
        return len(self.objects)

    def put(self, num, body):
        self.objects[num - 1] = body

    def add(self, body):
        num = self.reserve()
        self.put(num, body)
        return num

    def stream(self, dictionary, data):
        return self.add(b"<< " + dictionary + b" /Length %d >>\nstream\n" % len(data) + data +
                        b"\nendstream")

    def write(self, path, root):
        out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
        offsets = []
        for i, body in enumerate(self.objects):
            offsets.append(len(out))
            out += b"%d 0 obj\n" % (i + 1) + body + b"\nendobj\n"
        xref = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(self.objects) + 1)
        for off in offsets:
            out += b"%010d 00000 n \n" % off
        out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
            len(self.objects) + 1, root, xref)
        with open(path, "wb") as f:
            f.write(out)


def read(path):
    with open(path, "rb") as f:
        return f.read()


def png_rows(data, width, bpp):
    """Rows with PNG filter bytes, cycling through the five filters."""
    out = bytearray()
    row_len = width * bpp
    prev = bytes(row_len)
    for y in range(len(data) // row_len):
        row = data[y * row_len:(y + 1) * row_len]
        kind = y % 5
        out.append(kind)
        for x in range(row_len):
            a = row[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if kind == 0:
                p = 0
            elif kind == 1:
                p = a
            elif kind == 2:
                p = b
            elif kind == 3:
                p = (a + b) >> 1
            else:
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                p = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
            out.append((row[x] - p) & 0xFF)
        prev = row
    return bytes(out)


def pack_bits(data, width, height):
    out = bytearray()
    for y in range(height):
        byte, n = 0, 0
        for x in range(width):
            byte = (byte << 1) | (1 if data[y * width + x] >= 128 else 0)
            n += 1
            if n == 8:
                out.append(byte)
                byte, n = 0, 0
        if n:
            out.append(byte << (8 - n))
    return bytes(out)


def image(w, kind, args):
    """An image XObject; returns its object number and aspect (w, h)."""
    width, height = int(args[0]), int(args[1])
    if kind == "bomb":
        return w.stream(b"/Type /XObject /Subtype /Image /Width %d /Height %d "
                        b"/ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode" %
                        (width, height), zlib.compress(bytes(4096))), (1, 1)
    data = read(args[2])
    head = b"/Type /XObject /Subtype /Image /Width %d /Height %d " % (width, height)
    if kind == "gray":
        body = head + b"/ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode"
        num = w.stream(body, zlib.compress(data))
    elif kind in ("mono", "mask"):
        bits = pack_bits(data, width, height)
        if kind == "mono":
            body = head + b"/ColorSpace /DeviceGray /BitsPerComponent 1 /Filter /FlateDecode"
        else:  # samples of 0 are painted: dark modules must be 0
            body = head + b"/ImageMask true /Decode [0 1] /Filter /FlateDecode"
        num = w.stream(body, zlib.compress(bits))
    elif kind == "rgb":
        rgb = bytes(v for g in data for v in (g, g, g))
        body = head + (b"/ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /FlateDecode "
                       b"/DecodeParms << /Predictor 15 /Colors 3 /Columns %d >>" % width)
        num = w.stream(body, zlib.compress(png_rows(rgb, width, 3)))
    elif kind == "indexed":
        idx = bytes(1 if g >= 128 else 0 for g in data)
        body = head + (b"/ColorSpace [/Indexed /DeviceRGB 1 <101020F0F0E0>] "
                       b"/BitsPerComponent 8 /Filter /FlateDecode")
        num = w.stream(body, zlib.compress(idx))
    elif kind == "jpeg":
        body = head + b"/ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /DCTDecode"
        num = w.stream(body, data)
    else:
        sys.exit("make_pdf.py: unknown image kind " + kind)
    return num, (width, height)


def vector(args):
    """Content stream drawing a module matrix as rectangles."""
    n, data, mm = int(args[0]), read(args[1]), float(args[2])
    module = mm / 25.4 * 72 / n
    x0, y0 = 60.0, A4[1] - 80.0 - mm / 25.4 * 72
    ops = [b"q 1 1 1 rg 0 0 %d %d re f 0 0 0 rg" % A4]
    for y in range(n):
        for x in range(n):
            if data[y * n + x] < 128:
                ops.append(b"%.3f %.3f %.3f %.3f re" %
                           (x0 + x * module, y0 + (n - 1 - y) * module, module, module))
    ops.append(b"f Q")
    return b"\n".join(ops) + b"\n"


def page(w, spec, pages_num):
    content = bytearray(b"BT /F1 6 Tf 60 40 Td (certificate) Tj ET\n")
    xobjects, annots = [], []
    slot = 0
    for item in spec.split(","):
        parts = item.split(":")
        kind = parts[0]
        if kind == "blank":
            continue
        if kind == "vector":
            content += vector(parts[1:])
            continue
        if kind == "attach":
            data = read(parts[1])
            ef = w.stream(b"/Type /EmbeddedFile /Subtype /text#2Fplain", data)
            fs = w.add(b"<< /Type /Filespec /F (certseal-token.txt) /UF (certseal-token.txt) "
                       b"/EF << /F %d 0 R /UF %d 0 R >> >>" % (ef, ef))
            annots.append(w.add(b"<< /Type /Annot /Subtype /FileAttachment /Rect [500 40 520 60] "
                                b"/FS %d 0 R /Contents (certseal token) >>" % fs))
            continue
        in_form = kind == "form"
        if in_form:
            kind, parts = parts[1], parts[1:]
        num, (iw, ih) = image(w, kind, parts[1:])
        side = 170.0  # points, about 60 mm
        if in_form:
            form = w.stream(b"/Type /XObject /Subtype /Form /BBox [0 0 1 1] "
                            b"/Resources << /XObject << /Im0 %d 0 R >> >>" % num, b"/Im0 Do\n")
            num = form
        name = b"/X%d" % slot
        slot += 1
        xobjects.append(b"%s %d 0 R" % (name, num))
        x, y = 60 + 200 * (slot - 1), A4[1] - 80 - side
        content += b"q %.1f 0 0 %.1f %.1f %.1f cm %s Do Q\n" % (side, side * ih / iw, x, y, name)
    font = w.add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    contents = w.stream(b"/Filter /FlateDecode", zlib.compress(bytes(content)))
    resources = b"<< /Font << /F1 %d 0 R >> /XObject << %s >> >>" % (font, b" ".join(xobjects))
    annot_list = b" /Annots [%s]" % b" ".join(b"%d 0 R" % a for a in annots) if annots else b""
    return w.add(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %d %d] /Resources %s "
                 b"/Contents %d 0 R%s >>" % (pages_num, A4[0], A4[1], resources, contents,
                                             annot_list))


def main(argv):
    out, attach, count, repeat, specs = argv[1], None, None, None, []
    args = iter(argv[2:])
    for a in args:
        if a == "--attach":
            attach = next(args)
        elif a == "--count":
            count = int(next(args))
        elif a == "--pages":
            repeat = int(next(args))
        else:
            specs.append(a)
    w = Writer()
    pages_num = w.reserve()
    kids = [page(w, s, pages_num) for s in specs]
    if repeat:
        kids = [kids[i % len(kids)] for i in range(repeat)]
    w.put(pages_num, b"<< /Type /Pages /Count %d /Kids [%s] >>" %
          (count if count is not None else len(kids), b" ".join(b"%d 0 R" % k for k in kids)))
    extra = b""
    if attach:
        ef = w.stream(b"/Type /EmbeddedFile /Subtype /text#2Fplain /Filter /FlateDecode",
                      zlib.compress(read(attach)))
        fs = w.add(b"<< /Type /Filespec /F (certseal-token.txt) /UF (certseal-token.txt) "
                   b"/AFRelationship /Data /EF << /F %d 0 R /UF %d 0 R >> >>" % (ef, ef))
        extra = b" /Names << /EmbeddedFiles << /Names [(certseal-token.txt) %d 0 R] >> >> " \
                b"/AF [%d 0 R]" % (fs, fs)
    root = w.add(b"<< /Type /Catalog /Pages %d 0 R%s >>" % (pages_num, extra))
    w.write(out, root)


if __name__ == "__main__":
    main(sys.argv)
