"""The demo's PDF statement: the organisation's answer to the invitation to visit the camps,
written for this project from the old site's facts, and the small PDF writer that typesets it
when the demo is loaded (no PDF library is a dependency of the site).

Only in English: a Persian PDF needs an embedded font and Arabic-script shaping (joined letter
forms, right to left), which no library of ours does. The Persian campaign page links this one
and says that it is in English.
"""

import zlib

TITLE = "Statement on the invitation to visit the camps"
ORGANISATION = "Iran-Interlink"
# The month of the demo's development that links here: the statement answers that stand.
DATE = "May 2003"
PARAGRAPHS = [
    "Massoud Rajavi, the leader of the Mojahedin-e Khalq, has invited the relatives of the "
    "organisation's members, and anyone worried about a family member inside it, to visit its "
    "camps in Iraq and see for themselves. We welcome the invitation, and we take it at its word.",
    "The families have asked for nothing more than any family expects: to see their sons and "
    "daughters, husbands and wives, and to speak with them freely. In October 2002 relatives "
    "met in Tehran and asked the United Nations to trace the people they had lost touch with. "
    "The organisation answered that they were being used by the Iranian regime. We believe the "
    "families speak for themselves.",
    "From our records of people who have come to us for news of a relative, we have drawn up a "
    "list of fifty people, all of them living outside Iran, who are ready to travel to Iraq to "
    "visit their relatives. We are now working to arrange their visits.",
    "The visits must be safe. We ask for guarantees of the families' safety, and for outside "
    "bodies such as the United Nations and the International Committee of the Red Cross to "
    "supervise the visits for as long as the families are in Iraq.",
    "We ask the leadership of the Mojahedin-e Khalq to confirm its invitation, to acknowledge "
    "the members whose families wish to see them, and to answer the letters we send on the "
    "families' behalf. We ask the Iraqi authorities to let the families travel. Copies of our "
    "letters go to human rights organisations.",
]

# Helvetica's advance widths (thousandths of the font size) for printable ASCII, from its
# Adobe font metrics: lines are broken where they fill the measure, not after a fixed count.
# fmt: off
_WIDTHS = dict(
    zip(
        map(chr, range(32, 127)),
        [
            278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
            556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
            1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
            667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
            333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
            556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
        ],
        strict=True,
    )
)
# fmt: on
# Bold letters are wider; this margin keeps a bold line inside the measure.
_BOLD = 1.1
PAGE_WIDTH, PAGE_HEIGHT, MARGIN = 595, 842, 72  # A4, one-inch margins, in points


def _width(text, size, bold=False):
    return sum(_WIDTHS[c] for c in text) * size / 1000 * (_BOLD if bold else 1)


def _lines(text, size, bold=False):
    """text broken into lines that fit between the margins."""
    measure = PAGE_WIDTH - 2 * MARGIN
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if line and _width(candidate, size, bold) > measure:
            lines.append(line)
            line = word
        else:
            line = candidate
    return [*lines, line] if line else lines


def _string(text):
    return "(" + text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"


def statement_pdf(title=TITLE, organisation=ORGANISATION, date=DATE, paragraphs=PARAGRAPHS):
    """A one-page, tagged-language PDF 1.4 of the statement: title, the organisation and date,
    then the paragraphs, in the PDF's built-in Helvetica (nothing embedded)."""
    for text in [title, organisation, date, *paragraphs]:
        if not set(text) <= _WIDTHS.keys():
            raise ValueError(f"Only printable ASCII can be typeset: {text!r}")
    ops = []
    y = PAGE_HEIGHT - MARGIN

    def put(lines, font, size, leading, after):
        nonlocal y
        for line in lines:
            y -= leading
            ops.append(f"BT /{font} {size} Tf {MARGIN} {y} Td {_string(line)} Tj ET")
        y -= after

    put(_lines(title, 18, bold=True), "F2", 18, 22, 6)
    put([f"{organisation} - {date}"], "F1", 11, 14, 14)
    for paragraph in paragraphs:
        put(_lines(paragraph, 11), "F1", 11, 15, 8)
    if y < MARGIN:
        raise ValueError("The statement no longer fits on one page.")
    stream = zlib.compress("\n".join(ops).encode("latin-1"), 9)
    info = f"<< /Title {_string(title)} /Author {_string(organisation)} >>".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R /Lang (en) >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] " % (PAGE_WIDTH, PAGE_HEIGHT)
        + b"/Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        info,
    ]
    pdf = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")  # the second line: the file is binary
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    pdf += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    pdf += b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        len(objects),
        xref,
    )
    return bytes(pdf)


def plain_text(pdf):
    """The statement's lines as a PDF reader extracts them (for tests and checks): the text
    shown by each Tj of the page's one content stream."""
    start = pdf.index(b"stream\n") + len(b"stream\n")
    end = pdf.index(b"\nendstream", start)
    ops = zlib.decompress(pdf[start:end]).decode("latin-1")
    shown = []
    for op in ops.splitlines():
        text = op[op.index("(") + 1 : op.rindex(")")]
        shown.append(text.replace("\\(", "(").replace("\\)", ")").replace("\\\\", "\\"))
    return shown
