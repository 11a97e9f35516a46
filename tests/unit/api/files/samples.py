"""Small real files for the file tests, made with Pillow: PDFs, images in each accepted format,
and photos carrying location metadata."""

from __future__ import annotations

import io

from PIL import ExifTags, Image, PngImagePlugin

GPS_LATITUDE = (52.0, 31.0, 12.5)
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/'
    b'22-rdf-syntax-ns#"><rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" '
    b'exif:GPSLatitude="52,31.2N"/></rdf:RDF></x:xmpmeta>'
)


def picture(
    size: tuple[int, int] = (24, 16), colour: tuple[int, int, int] = (200, 40, 90)
) -> Image.Image:
    """An image with some structure (a gradient), so lossy formats have real data to code."""
    image = Image.new("RGB", size, colour)
    for x in range(size[0]):
        for y in range(size[1]):
            image.putpixel((x, y), ((colour[0] + 9 * x) % 256, (colour[1] + 13 * y) % 256,
                                    colour[2]))  # fmt: skip
    return image


def pdf_bytes(colour: tuple[int, int, int] = (10, 120, 200)) -> bytes:
    """A one-page PDF (a coloured page); different colours give different files."""
    buffer = io.BytesIO()
    Image.new("RGB", (60, 80), colour).save(buffer, "PDF")
    return buffer.getvalue()


def image_bytes(fmt: str, colour: tuple[int, int, int] = (200, 40, 90), **options: object) -> bytes:
    """An image in Pillow format `fmt` (JPEG, PNG, WEBP, GIF)."""
    buffer = io.BytesIO()
    image = picture(colour=colour)
    if fmt == "GIF":
        image = image.convert("P")
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def located_exif(orientation: int | None = None) -> Image.Exif:
    """EXIF naming a camera and a GPS position (and an orientation when given)."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.Model] = "Phone 15"
    if orientation is not None:
        exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = GPS_LATITUDE
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (13.0, 24.0, 1.0)
    return exif


def located_photo(fmt: str = "JPEG", *, orientation: int | None = None, **options: object) -> bytes:
    """A photo with GPS EXIF, XMP and (JPEG) a comment; PNG also gets text chunks."""
    extra: dict[str, object] = {"exif": located_exif(orientation), **options}
    if fmt in ("JPEG", "WEBP"):
        extra["xmp"] = XMP
    if fmt == "JPEG":
        extra["comment"] = b"taken at home"
    if fmt == "PNG":
        info = PngImagePlugin.PngInfo()
        info.add_text("Location", "52.52 N, 13.40 E")
        info.add_itxt("Author", "Someone Private")
        extra["pnginfo"] = info
    return image_bytes(fmt, **extra)


def pixels(content: bytes) -> bytes:
    with Image.open(io.BytesIO(content)) as image:
        return image.convert("RGB").tobytes()
