"""Photos for the demo's task steps, drawn here with Pillow: a wall, a floor
and the things of the step in their own shapes and colours (a sink, a cloth,
a cart). Nothing is downloaded. Each goes through photos.attach like a
coach's upload, so the demo shows the real files and sizes."""

import io

from PIL import Image, ImageDraw

W, H = 960, 720
WALLS = ["#d8e6f0", "#f1e4c8", "#e2efd9", "#eadcf0", "#f3d9d4", "#dde3e8"]
FLOOR = "#9a8468"


def _box(d, x, y, w, h, fill, outline="#333333", radius=12):
    d.rounded_rectangle((x, y, x + w, y + h), radius=radius, fill=fill, outline=outline, width=5)


def apron(d):
    d.polygon([(400, 180), (560, 180), (620, 600), (340, 600)], fill="#2f6db5", outline="#1d3557", width=5)
    d.arc((410, 60, 550, 220), 180, 360, fill="#1d3557", width=10)
    _box(d, 420, 380, 120, 80, "#4f8ad1")


def plates(d):
    for i in range(4):
        d.ellipse((300 + i * 20, 420 - i * 40, 660 + i * 20, 520 - i * 40), fill="#ffffff", outline="#555555", width=5)


def sink(d):
    _box(d, 180, 380, 600, 220, "#b8c2cc")
    d.ellipse((260, 410, 700, 560), fill="#8d99a6", outline="#555555", width=5)
    d.rectangle((460, 220, 500, 400), fill="#9aa5b1", outline="#555555", width=4)
    d.rectangle((460, 220, 600, 250), fill="#9aa5b1", outline="#555555", width=4)
    d.line((590, 255, 590, 420), fill="#4aa3df", width=12)


def machine(d):
    _box(d, 260, 200, 440, 420, "#e9ecef")
    _box(d, 300, 300, 360, 280, "#ced4da")
    d.ellipse((600, 220, 660, 280), fill="#2b9348", outline="#333333", width=4)


def green_button(d):
    _box(d, 280, 220, 400, 300, "#e9ecef")
    d.ellipse((380, 270, 580, 470), fill="#2b9348", outline="#1b4332", width=8)


def cloth_and_spray(d):
    d.polygon([(220, 520), (470, 480), (520, 600), (240, 630)], fill="#f4a261", outline="#9c6644", width=5)
    _box(d, 600, 300, 110, 300, "#48cae4", radius=20)
    d.rectangle((620, 230, 690, 300), fill="#f8f9fa", outline="#333333", width=4)
    d.polygon([(690, 240), (760, 250), (690, 270)], fill="#f8f9fa", outline="#333333")


def table(d):
    d.rectangle((180, 380, 780, 420), fill="#a0522d", outline="#5c2e0e", width=5)
    for x in (210, 730):
        d.rectangle((x, 420, x + 25, 620), fill="#8b4513")


def chair(d):
    d.rectangle((620, 250, 650, 620), fill="#6d597a")
    d.rectangle((620, 430, 800, 460), fill="#6d597a")
    d.rectangle((775, 460, 800, 620), fill="#6d597a")


def coffee_maker(d):
    _box(d, 330, 160, 300, 460, "#343a40")
    _box(d, 380, 380, 200, 180, "#adb5bd")
    d.rectangle((400, 420, 560, 540), fill="#6f4518")
    d.ellipse((570, 190, 610, 230), fill="#e63946")


def filter_and_scoop(d):
    d.polygon([(300, 250), (560, 250), (470, 500), (390, 500)], fill="#fefae0", outline="#bc8a5f", width=5)
    d.ellipse((600, 420, 720, 500), fill="#6f4518", outline="#333333", width=4)
    d.line((700, 450, 820, 380), fill="#333333", width=14)


def water(d):
    _box(d, 360, 220, 240, 360, "#caf0f8", radius=30)
    d.rectangle((370, 340, 590, 570), fill="#48cae4")


def parcel(d):
    _box(d, 280, 300, 400, 280, "#c89f6e", radius=6)
    d.rectangle((460, 300, 500, 580), fill="#e9c46a")
    _box(d, 320, 340, 120, 70, "#ffffff", radius=4)


def shelf(d):
    d.rectangle((160, 120, 800, 620), outline="#5c4033", width=10)
    for y in (280, 450):
        d.rectangle((160, y, 800, y + 15), fill="#5c4033")
    colours = ["#e76f51", "#2a9d8f", "#e9c46a", "#264653"]
    for row, y in enumerate((200, 370, 540)):
        for i in range(5):
            d.rectangle((190 + i * 120, y, 280 + i * 120, y + 75), fill=colours[(i + row) % 4], outline="#333333", width=3)


def crates(d):
    for i, colour in enumerate(("#e63946", "#2a9d8f", "#f4a261")):
        _box(d, 150 + i * 230, 400, 200, 200, colour, radius=6)


def broom_and_pan(d):
    d.line((300, 120, 420, 520), fill="#8b5a2b", width=16)
    d.polygon([(360, 500), (500, 480), (520, 620), (330, 630)], fill="#e9c46a", outline="#7f5539", width=5)
    d.polygon([(600, 560), (780, 560), (760, 630), (620, 630)], fill="#e63946", outline="#333333", width=5)


def bin_(d):
    d.polygon([(360, 300), (600, 300), (570, 620), (390, 620)], fill="#495057", outline="#212529", width=6)
    d.rectangle((340, 270, 620, 305), fill="#343a40")


def shirt(d):
    d.polygon(
        [(330, 220), (420, 190), (540, 190), (630, 220), (700, 330), (620, 360), (600, 320), (600, 600), (360, 600), (360, 320), (340, 360), (260, 330)],
        fill="#e76f51",
        outline="#9d0208",
        width=5,
    )


def price_list(d):
    _box(d, 340, 140, 280, 420, "#ffffff", radius=4)
    for i in range(6):
        d.line((370, 200 + i * 55, 590, 200 + i * 55), fill="#6c757d", width=8)


def price_tag(d):
    d.polygon([(420, 300), (640, 300), (700, 390), (640, 480), (420, 480)], fill="#ffd166", outline="#7f5539", width=5)
    d.ellipse((620, 375, 650, 405), fill="#ffffff", outline="#333333")


def rack(d):
    d.line((180, 180, 780, 180), fill="#6c757d", width=14)
    for x in (200, 760):
        d.line((x, 180, x, 620), fill="#6c757d", width=14)
    for i, colour in enumerate(("#e76f51", "#2a9d8f", "#8338ec", "#ffbe0b")):
        d.rectangle((260 + i * 125, 220, 360 + i * 125, 480), fill=colour, outline="#333333", width=3)


def cart(d):
    d.rectangle((240, 330, 700, 520), outline="#495057", width=10)
    for x in range(280, 700, 60):
        d.line((x, 330, x, 520), fill="#adb5bd", width=4)
    d.line((700, 330, 800, 260), fill="#495057", width=10)
    for x in (300, 640):
        d.ellipse((x - 30, 540, x + 30, 600), fill="#212529")


def gloves(d):
    for x in (300, 540):
        _box(d, x, 300, 130, 220, "#ffbe0b", radius=40)
        for i in range(4):
            d.rounded_rectangle((x + 5 + i * 31, 200, x + 30 + i * 31, 320), radius=12, fill="#ffbe0b", outline="#333333", width=3)


def bag(d):
    d.polygon([(360, 300), (600, 300), (640, 620), (320, 620)], fill="#212529")
    d.polygon([(430, 300), (480, 230), (530, 300)], fill="#212529")


def door(d):
    _box(d, 360, 120, 260, 500, "#7f5539", radius=4)
    d.ellipse((570, 370, 600, 400), fill="#ffd166")


def soap_hands(d):
    _box(d, 300, 330, 110, 200, "#90e0ef", radius=20)
    d.rectangle((335, 270, 375, 330), fill="#f8f9fa", outline="#333333", width=3)
    for x in (520, 640):
        d.ellipse((x, 320, x + 110, 520), fill="#f1c27d", outline="#8d5524", width=4)
    for i in range(5):
        d.ellipse((480 + i * 50, 250 - (i % 2) * 30, 520 + i * 50, 290 - (i % 2) * 30), outline="#48cae4", width=5)


def note(d):
    _box(d, 330, 160, 300, 400, "#fffbe6", radius=4)
    for i in range(5):
        d.line((360, 230 + i * 60, 600, 230 + i * 60), fill="#264653", width=8)


def magnifier(d):
    d.ellipse((320, 200, 560, 440), outline="#343a40", width=22)
    d.line((530, 420, 680, 580), fill="#343a40", width=34)


def tape(d):
    parcel(d)
    d.ellipse((620, 200, 780, 360), fill="#dee2e6", outline="#495057", width=14)


def toilet(d):
    _box(d, 520, 200, 140, 200, "#f8f9fa")
    d.ellipse((360, 380, 640, 520), fill="#f8f9fa", outline="#495057", width=6)
    d.polygon([(420, 480), (590, 480), (560, 620), (450, 620)], fill="#f8f9fa", outline="#495057")
    d.line((260, 300, 300, 600), fill="#2a9d8f", width=12)
    d.ellipse((270, 570, 340, 640), fill="#2a9d8f")


def paper_roll(d):
    d.rectangle((360, 300, 600, 500), fill="#ffffff", outline="#adb5bd", width=5)
    d.ellipse((560, 300, 640, 500), fill="#f1f3f5", outline="#adb5bd", width=5)
    d.ellipse((585, 370, 615, 430), fill="#adb5bd")


def mop(d):
    d.line((480, 100, 480, 520), fill="#8b5a2b", width=16)
    d.rectangle((340, 520, 620, 580), fill="#4895ef", outline="#3a0ca3", width=5)


# Each demo step's things, by its words (demo.TASKS and demo.EXAMPLE_TASKS).
SCENES = {
    "Laita esiliina päälle.": [apron],
    "Kerää likaiset astiat.": [plates],
    "Huuhtele astiat.": [sink, plates],
    "Laita astiat koneeseen.": [machine],
    "Paina vihreää nappia.": [green_button],
    "Ota liina ja suihkepullo.": [cloth_and_spray],
    "Suihkuta pöydälle.": [table, cloth_and_spray],
    "Pyyhi pöytä kuivaksi.": [table],
    "Nosta tuolit paikalleen.": [table, chair],
    "Laita suodatinpussi paikalleen.": [filter_and_scoop],
    "Mittaa kuusi mittaa kahvia.": [filter_and_scoop],
    "Kaada vesi keittimeen.": [water],
    "Paina virtanappia.": [coffee_maker],
    "Ota paketti hyllystä.": [shelf],
    "Katso postinumero.": [parcel],
    "Laita paketti oikeaan laatikkoon.": [crates],
    "Ota harja ja rikkalapio.": [broom_and_pan],
    "Lakaise lattia ovelta alkaen.": [door, broom_and_pan],
    "Vie roskat roskikseen.": [bin_],
    "Ota vaate korista.": [shirt],
    "Katso hintalistasta hinta.": [price_list],
    "Kiinnitä hintalappu hihaan.": [shirt, price_tag],
    "Ripusta vaate rekkiin.": [rack],
    "Hae tuotteet varastosta.": [cart],
    "Katso hyllyn hintalappu.": [shelf, price_tag],
    "Siirrä vanhat tuotteet eteen.": [shelf],
    "Laita uudet tuotteet taakse.": [shelf, cart],
    "Vie tyhjä laatikko pois.": [parcel],
    "Laita hanskat käteen.": [gloves],
    "Sido pussi kiinni.": [bag],
    "Vie pussi ulos roskikseen.": [door, bin_],
    "Laita uusi pussi astiaan.": [bin_, bag],
    "Pese kädet.": [soap_hands],
    "Lue lappu.": [note],
    "Hae tavarat hyllystä.": [shelf, magnifier],
    "Laita tavarat laatikkoon.": [parcel],
    "Sulje laatikko teipillä.": [tape],
    "Liimaa osoite laatikon päälle.": [parcel],
    "Vie laatikko oven viereen.": [door, parcel],
    "Pese allas.": [sink],
    "Pese pönttö harjalla.": [toilet],
    "Laita uusi paperi paikalleen.": [paper_roll],
    "Pyyhi lattia.": [mop],
}


def scene(text: str, number: int) -> bytes | None:
    """A step's photo as JPEG bytes, or None for a step with no scene."""
    things = SCENES.get(text)
    if not things:
        return None
    image = Image.new("RGB", (W, H), WALLS[number % len(WALLS)])
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 560, W, H), fill=FLOOR)
    for thing in things:
        thing(draw)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=90)
    return out.getvalue()
