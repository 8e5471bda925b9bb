"""The certificate is a PDF/A-3a document: what can be checked without a validator.

No PDF/A validator is available as a Python or Debian package (veraPDF is a Java program), so these tests
read the rendered file with pypdf and check the rules of ISO 19005-3 (level a) that show in its objects:
the declaration in the XMP metadata and its agreement with the document information, tagging, language,
output intent, embedded fonts with Unicode maps, no encryption, no scripts or launch actions, a document ID,
pictures without interpolation and without anything outside the file, alt text on every figure, header and
trailer. They cannot check what only a full validator parses: content streams (operators, colour spaces
used there), the font programs themselves and their widths, the XMP schema in every detail, or whether the
structure tree orders the content as it reads.
"""

import io
import xml.etree.ElementTree as ET

import pytest
from django.db import transaction
from django.test import override_settings
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject

from certificates.models import Certificate, CertificateTemplate
from certificates.pdf import render_certificate_pdf
from courses.models import Competence
from tests.certificates.conftest import make_picture
from tests.factories import moment

PDFAID = "{http://www.aiim.org/pdfa/ns/id/}"
RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
DC = "{http://purl.org/dc/elements/1.1/}"
FONT_FILES = ("/FontFile", "/FontFile2", "/FontFile3")
LANGUAGES = ("de", "en")

# Marked so that the test database is set up; the tests themselves only read the rendered files.
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def pdfs(django_db_setup, django_db_blocker, tmp_path_factory) -> dict[str, bytes]:
    """A certificate with both logos, a signature and six competences, rendered once in each language; what
    it needs in the database is rolled back afterwards."""
    media = tmp_path_factory.mktemp("media")
    rendered = {}
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        template = CertificateTemplate.objects.create(
            name="PDF/A",
            signer_name="Dr. Annette Vogelsang",
            signer_title="Leitung der Regionallabore",
            signer_title_en="Head of the Regional Labs",
            text="Gefördert vom Land Niedersachsen",
            text_en="Funded by the State of Lower Saxony",
            district_logo=make_picture("Logo Landkreis", size=(900, 300), colour="#1f4e5f"),
            lab_logo=make_picture("Logo Labor", size=(600, 300), colour="#b05a1f"),
            signature=make_picture("Unterschrift", size=(700, 220), colour="#1a2a6c", transparent=True),
        )
        now = moment()
        certificate = Certificate(
            code="K7QM3XRT9HVD",
            participant_name="Hannelore Schmidt",
            course_title="Sicher online bezahlen",
            lab_name="Regionallabor Hameln",
            competences=[
                {"code": c.code, "name": c.name, "name_en": c.name_en}
                for c in Competence.objects.order_by("code")[:6]
            ],
            first_session=now.date(),
            last_session=now.date(),
            hours=6,
            level=2,
            design=template.design(),
            issued_at=now,
        )
        for language in LANGUAGES:
            rendered[language] = render_certificate_pdf(certificate, language=language)
        transaction.set_rollback(True)
    return rendered


def _reader(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data))


def _objects(reader: PdfReader):
    """Every object of the file, resolved, streams included."""
    for number in range(1, int(reader.trailer["/Size"])):
        try:
            found = reader.get_object(number)
        except Exception:  # noqa: BLE001 - a free entry in the cross-reference table
            continue
        if found is not None:
            yield found


def _dictionaries(reader: PdfReader):
    for found in _objects(reader):
        if isinstance(found, DictionaryObject | StreamObject):
            yield found
            yield from (value for value in found.values() if isinstance(value, DictionaryObject))
        elif isinstance(found, ArrayObject):
            yield from (value for value in found if isinstance(value, DictionaryObject))


def _xmp(reader: PdfReader) -> ET.Element:
    return ET.fromstring(reader.trailer["/Root"]["/Metadata"].get_object().get_data())


def _xmp_value(xmp: ET.Element, name: str) -> str | None:
    """A property written as an attribute (`pdfaid:part="3"`) or as an element."""
    for description in xmp.iter(f"{RDF}Description"):
        if name in description.attrib:
            return description.attrib[name]
        element = description.find(name)
        if element is not None:
            return "".join(element.itertext()).strip()
    return None


def _fonts(reader: PdfReader):
    """Every font the pages use, also inside form XObjects (the QR code is one)."""

    def from_resources(resources, seen):
        resources = resources.get_object() if resources is not None else {}
        for font in (resources.get("/Font") or {}).values():
            yield font.get_object()
        for xobject in (resources.get("/XObject") or {}).values():
            if isinstance(xobject, IndirectObject):
                if xobject.idnum in seen:
                    continue
                seen.add(xobject.idnum)
            xobject = xobject.get_object()
            if xobject.get("/Subtype") == "/Form":
                yield from from_resources(xobject.get("/Resources"), seen)

    for page in reader.pages:
        yield from from_resources(page.get("/Resources"), set())


def _images(reader: PdfReader):
    for found in _objects(reader):
        if isinstance(found, StreamObject) and found.get("/Subtype") == "/Image":
            yield found


def _structure_elements(node):
    node = node.get_object()
    if isinstance(node, ArrayObject):
        for kid in node:
            yield from _structure_elements(kid)
        return
    if not isinstance(node, DictionaryObject) or "/S" not in node:
        return
    yield node
    if "/K" in node:
        yield from _structure_elements(node["/K"])


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_xmp_metadata_declares_pdfa_3a(pdfs, language):
    xmp = _xmp(_reader(pdfs[language]))
    assert _xmp_value(xmp, f"{PDFAID}part") == "3"
    assert _xmp_value(xmp, f"{PDFAID}conformance") == "A"


def test_the_document_information_agrees_with_the_xmp_metadata(pdfs):
    reader = _reader(pdfs["en"])
    xmp = _xmp(reader)
    title = "".join(xmp.find(f".//{DC}title").itertext()).strip()
    creator = "".join(xmp.find(f".//{DC}creator").itertext()).strip()
    assert reader.metadata.title == title == "Certificate for Hannelore Schmidt: Sicher online bezahlen"
    assert reader.metadata.author == creator
    assert "Regionallabor Hameln" in creator


def test_the_document_is_tagged(pdfs):
    reader = _reader(pdfs["de"])
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] is True or root["/MarkInfo"]["/Marked"] == True  # noqa: E712
    tree = root["/StructTreeRoot"].get_object()
    assert "/ParentTree" in tree and "/K" in tree
    assert all("/StructParents" in page for page in reader.pages)
    kinds = {str(element["/S"]) for element in _structure_elements(tree["/K"])}
    assert {"/H1", "/P", "/L", "/LI", "/Figure"} <= kinds


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_document_language_is_the_certificates(pdfs, language):
    assert _reader(pdfs[language]).trailer["/Root"]["/Lang"] == language


def test_the_output_intent_is_pdfa_with_an_rgb_profile(pdfs):
    intents = [intent.get_object() for intent in _reader(pdfs["de"]).trailer["/Root"]["/OutputIntents"]]
    pdfa = [intent for intent in intents if intent["/S"] == "/GTS_PDFA1"]
    assert len(pdfa) == 1
    profile = pdfa[0]["/DestOutputProfile"].get_object()
    assert profile["/N"] == 3
    assert profile.get_data()[36:40] == b"acsp"  # the ICC profile's signature


def test_every_font_is_embedded(pdfs):
    fonts = list(_fonts(_reader(pdfs["de"])))
    assert fonts
    for font in fonts:
        described = [font]
        if font["/Subtype"] == "/Type0":
            described = [descendant.get_object() for descendant in font["/DescendantFonts"]]
        for descendant in described:
            if descendant["/Subtype"] == "/Type3":
                continue  # glyphs drawn in the file itself
            descriptor = descendant["/FontDescriptor"].get_object()
            assert any(key in descriptor for key in FONT_FILES), font.get("/BaseFont")


def test_every_font_maps_its_glyphs_to_unicode(pdfs):
    for font in _fonts(_reader(pdfs["de"])):
        assert "/ToUnicode" in font, font.get("/BaseFont")


def test_the_document_is_not_encrypted(pdfs):
    assert "/Encrypt" not in _reader(pdfs["de"]).trailer


def test_there_are_no_scripts_launch_actions_or_attachments(pdfs):
    reader = _reader(pdfs["de"])
    root = reader.trailer["/Root"]
    assert "/OpenAction" not in root and "/AA" not in root
    names = root.get("/Names", {})
    assert "/JavaScript" not in names and "/EmbeddedFiles" not in names
    for dictionary in _dictionaries(reader):
        assert dictionary.get("/S") not in ("/JavaScript", "/Launch", "/ImportData", "/ResetForm")
        assert "/JS" not in dictionary and "/AA" not in dictionary
        assert dictionary.get("/Type") != "/EmbeddedFile"


def test_links_and_other_annotations_print_and_call_nothing(pdfs):
    for page in _reader(pdfs["de"]).pages:
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            assert int(annotation.get("/F", 0)) & 4, "an annotation must be printed"
            action = annotation.get("/A", {})
            assert action.get("/S") in (None, "/URI", "/GoTo")


def test_the_document_has_an_id(pdfs):
    first, second = _reader(pdfs["de"]).trailer["/ID"]
    assert len(first) >= 16 and len(second) >= 16


def test_pictures_are_not_interpolated_and_reach_nothing_outside_the_file(pdfs):
    reader = _reader(pdfs["de"])
    images = list(_images(reader))
    assert len(images) >= 3  # both logos and the signature; the QR code is drawn as vectors
    for image in images:
        assert image.get("/Interpolate", False) in (False, "false")
        assert "/Alternates" not in image and "/OPI" not in image
        assert "/F" not in image and "/FFilter" not in image  # a stream kept in another file
    for dictionary in _dictionaries(reader):
        assert dictionary.get("/Subtype") != "/PS"
        assert "/Ref" not in dictionary  # a reference XObject: a page of another document
        assert "/URI" not in dictionary or dictionary.get("/S") == "/URI"


def test_the_transparent_signature_keeps_its_soft_mask_inside_the_file(pdfs):
    masked = [image for image in _images(_reader(pdfs["de"])) if "/SMask" in image]
    assert masked, "the signature's transparency"
    for image in masked:
        mask = image["/SMask"].get_object()
        assert mask["/Subtype"] == "/Image" and mask["/ColorSpace"] == "/DeviceGray"
        assert mask.get("/Interpolate", False) in (False, "false")


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_figure_has_alt_text(pdfs, language):
    tree = _reader(pdfs[language]).trailer["/Root"]["/StructTreeRoot"].get_object()
    figures = [element for element in _structure_elements(tree["/K"]) if element["/S"] == "/Figure"]
    assert len(figures) == 4  # two logos, the signature, the QR code
    assert all(str(figure.get("/Alt", "")).strip() for figure in figures)


def test_header_and_end_of_file_are_as_pdfa_asks(pdfs):
    data = pdfs["de"]
    header, comment = data.split(b"\n", 2)[:2]
    assert header.startswith(b"%PDF-1.") and int(header[7:8]) >= 4
    assert comment.startswith(b"%") and sum(byte > 127 for byte in comment[1:5]) == 4
    assert data.rstrip(b"\r\n").endswith(b"%%EOF")
