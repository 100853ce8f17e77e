"""The static part of the demo: names, families, texts. Everything random lives in the seeder."""

from __future__ import annotations

from dataclasses import dataclass

from models import CareType

PASSWORD = "ouderlink-demo"
HOERA = "hoera"
ZONNESTRAAL = "zonnestraal"
DEMO_SLUGS = (HOERA, ZONNESTRAAL)

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
OPENING_HOURS = {day: (["07:00", "18:30"] if i < 5 else None) for i, day in enumerate(WEEKDAYS)}
MONTHS_NL = (
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
)  # fmt: skip


@dataclass(frozen=True)
class PersonSpec:
    first: str
    last: str
    email: str = ""  # empty: first.last@<domain>
    locale: str = "nl"


@dataclass(frozen=True)
class ChildSpec:
    first: str
    group: str  # a key of the groups of the organisation
    care: CareType
    age_months: int | None = None  # None: random within the group's age range
    story: str = ""  # "moved" (from the baby group), "ended" (> 8 weeks ago), "leaving", "turning4"


@dataclass(frozen=True)
class FamilySpec:
    parents: tuple[PersonSpec, ...]
    children: tuple[ChildSpec, ...]

    @property
    def last(self) -> str:
        return self.parents[0].last


def _p(first: str, last: str, email: str = "", locale: str = "nl") -> PersonSpec:
    return PersonSpec(first, last, email, locale)


K, B, FK, FB = CareType.KDV, CareType.BSO, CareType.FLEX_KDV, CareType.FLEX_BSO

# Groups per organisation: key -> (name, location index, care type, capacity, keeps diary,
# ages in months)
HOERA_GROUPS = {
    "baby": ("Boompjes", 0, CareType.KDV, 12, True, (4, 11)),
    "toddler": ("Peuters Appeltjes", 0, CareType.KDV, 16, False, (14, 46)),
    "bso": ("BSO Klavertje Vier", 1, CareType.BSO, 20, False, (50, 140)),
}
ZONNESTRAAL_GROUPS = {"kdv": ("Zonnekinderen", 0, CareType.KDV, 14, False, (8, 40))}

HOERA_LOCATIONS = (
    ("Hoera De Boomgaard", "Kersenboomgaard 14", "3584 AV", "030 231 4455", "deboomgaard"),
    ("Hoera Het Klavertje", "Klaverweide 3", "3544 KP", "030 262 7180", "hetklavertje"),
)
ZONNESTRAAL_LOCATIONS = (
    ("Zonnestraal De Zonnewijzer", "Zonnewijzerlaan 8", "3815 GH", "033 465 2290", "zonnewijzer"),
)

HOERA_FAMILIES = (
    FamilySpec(
        (_p("Sanne", "de Vries", "ouder@hoera.example"), _p("Thomas", "de Vries")),
        (ChildSpec("Noor", "baby", K, 9), ChildSpec("Finn", "toddler", K, 15, "moved")),
    ),
    FamilySpec(
        (_p("Lotte", "Jansen"),),
        (ChildSpec("Daan", "toddler", K), ChildSpec("Julia", "bso", B, 96)),
    ),
    FamilySpec((_p("Mark", "Bakker"), _p("Eva", "Bakker")), (ChildSpec("Sem", "baby", FK, 7),)),
    FamilySpec(
        (_p("Anouk", "Visser"),),
        (ChildSpec("Tess", "baby", K), ChildSpec("Lucas", "bso", FB)),
    ),
    FamilySpec((_p("Jeroen", "Smit"), _p("Yvonne", "Smit")), (ChildSpec("Mila", "toddler", K),)),
    FamilySpec(
        (_p("Fleur", "Meijer"), _p("Bas", "Meijer")),
        (ChildSpec("Liam", "bso", B, 110), ChildSpec("Zoë", "bso", B, 70)),
    ),
    FamilySpec((_p("Iris", "de Boer"),), (ChildSpec("Sophie", "toddler", FK),)),
    FamilySpec((_p("Kim", "Mulder"), _p("Ruben", "Mulder")), (ChildSpec("Levi", "baby", K),)),
    FamilySpec(
        (_p("Laura", "de Groot"),),
        (ChildSpec("Saar", "toddler", K, 36), ChildSpec("Milan", "baby", K, 5)),
    ),
    FamilySpec(
        (_p("Maarten", "Bos"),),
        (ChildSpec("Jesse", "bso", B, 100, "ended"), ChildSpec("Anna", "toddler", K)),
    ),
    FamilySpec(
        (_p("Emily", "Vos", locale="en"), _p("Pieter", "Vos")),
        (ChildSpec("Olivia", "toddler", K),),
    ),
    FamilySpec((_p("James", "Peters", locale="en"),), (ChildSpec("Noah", "bso", B),)),
    FamilySpec((_p("Yara", "Hendriks"),), (ChildSpec("Lieke", "baby", K),)),
    FamilySpec(
        (_p("Sander", "van Leeuwen"), _p("Merel", "van Leeuwen")),
        (ChildSpec("Ties", "toddler", K), ChildSpec("Fenna", "bso", B)),
    ),
    FamilySpec((_p("Romy", "Dekker"),), (ChildSpec("Bram", "bso", FB),)),
    FamilySpec((_p("Nadia", "Brouwer"),), (ChildSpec("Evi", "baby", K),)),
    FamilySpec((_p("Joost", "de Wit"),), (ChildSpec("Guus", "toddler", K, 46, "turning4"),)),
    FamilySpec(
        (_p("Esther", "Dijkstra"),),
        (ChildSpec("Hugo", "bso", B), ChildSpec("Nina", "toddler", K)),
    ),
    FamilySpec((_p("Linda", "Smits"),), (ChildSpec("Siem", "baby", K, 10, "leaving"),)),
    FamilySpec(
        (_p("Youssef", "el Amrani"), _p("Samira", "el Amrani")),
        (ChildSpec("Adam", "bso", B), ChildSpec("Lina", "toddler", K)),
    ),
    FamilySpec((_p("Elif", "Yılmaz", "elif.yilmaz@example.nl"),), (ChildSpec("Ayla", "baby", K),)),
    FamilySpec(
        (_p("Thijs", "van Dam"),),
        (ChildSpec("Roos", "bso", B), ChildSpec("Mees", "toddler", FK)),
    ),
)
ZONNESTRAAL_FAMILIES = (
    FamilySpec(
        (_p("Karin", "Schouten", "ouder@zonnestraal.example"),),
        (ChildSpec("Mats", "kdv", K, 30), ChildSpec("Femke", "kdv", K, 11)),
    ),
    FamilySpec((_p("Dennis", "Vermeulen"),), (ChildSpec("Jip", "kdv", K, 22),)),
)

# Staff: (person, group keys they work in now, group keys they worked in until recently).
# The first one is the demo login.
HOERA_STAFF = (
    (_p("Marieke", "Kok", "medewerker@hoera.example"), ("baby",), ()),
    (_p("Fatima", "Bouzid"), ("baby",), ()),
    (_p("Joyce", "van den Berg"), ("baby",), ("toddler",)),
    (_p("Sabine", "Hoekstra"), ("toddler",), ()),
    (_p("Kevin", "de Jong"), ("toddler",), ()),
    (_p("Ilse", "Willems"), ("toddler", "bso"), ()),
    (_p("Niels", "Verbeek"), ("bso",), ()),
    (_p("Demi", "Koster"), ("bso",), ()),
)
ZONNESTRAAL_STAFF = ((_p("Wendy", "Postma", "medewerker@zonnestraal.example"), ("kdv",), ()),)
HOERA_PLANNER = _p("Petra", "van Dijk", "planner@hoera.example")
HOERA_ADMIN = _p("Ruud", "Prins", "beheer@hoera.example")

# Photo posts: the pool image theme is drawn on the photo, the caption is the post text.
PHOTO_CAPTIONS = {
    "Buiten spelen": "Heerlijk buiten gespeeld vandaag, de wangetjes zijn rood van de buitenlucht!",
    "Knutselen": "We hebben geknutseld met gekleurd papier en lijm. Kijk eens wat een kunstwerken!",
    "Zandbak": "Taartjes bakken in de zandbak. Wie wil er een stukje?",
    "Voorlezen": "Samen voorlezen uit 'Rupsje Nooitgenoeg'. Iedereen luisterde heel goed.",
    "Muziek maken": "Muziekochtend met trommels, sambaballen en veel zingen.",
    "Blokken bouwen": "Wie bouwt de hoogste toren? Het werd een hele stad van blokken.",
    "Verven": "Vandaag mochten we verven met onze vingers. Schorten aan!",
    "Moestuin": "In de moestuin hebben we tuinkers gezaaid en de tomaten water gegeven.",
    "Fruit eten": "Fruitmoment! Vandaag appel, banaan en mandarijn.",
    "Dansen": "Dansfeest in de groep, met de stopdans als favoriet.",
    "Puzzelen": "Geconcentreerd puzzelen aan de grote tafel.",
    "Kleien": "Kleien met zelfgemaakte klei: slangen, koekjes en een heuse taart.",
    "Wandelen": "Een wandeling met de bolderkar naar de eendjes in het park.",
    "Glijbaan": "Van de glijbaan, keer op keer op keer.",
    "Bellen blazen": "Bellen blazen op het plein. Wie vangt de grootste bel?",
    "Verkleden": "Verkleedpartij: we hadden vandaag een brandweerman, een prinses en een draak.",
    "Kastanjes zoeken": "Op zoek naar kastanjes en eikels in het park.",
    "Voetballen": "Voetballen op het grasveld, met een echte scheidsrechter.",
    "Bakken": "We hebben koekjes gebakken. Het hele gebouw ruikt heerlijk!",
    "Schommelen": "Hoger, hoger! Schommelen in de tuin.",
    "Tekenen": "Tekenen met stoepkrijt op het plein.",
    "Waterspelen": "Waterpret met bakjes, gieters en bootjes.",
    "Kinderboerderij": "Uitje naar de kinderboerderij: geitjes aaien en de kippen voeren.",
    "Verjaardag": "Er was een verjaardag in de groep! Hoera, met muts en slingers.",
}

BABY_MEALS = (("fles", "150 ml"), ("fruithapje", "half"), ("groentehapje", "alles"),
              ("rijstwafel", "een beetje"), ("boterham met smeerkaas", "alles"),
              ("fruithapje", "alles"), ("fles", "180 ml"), ("soepstengel", "half"))  # fmt: skip
MOODS = ("vrolijk", "rustig", "ondernemend", "een beetje hangerig", "moe maar tevreden", "vrolijk")
ACTIVITIES = ("buiten spelen", "voorlezen", "muziek maken", "spelen met blokken",
              "wandeling met de bolderkar", "in de box gespeeld", "voelboekjes bekijken",
              "spelen met water", "liedjes zingen", "kruipen op de speelmat")  # fmt: skip
DIARY_OPENINGS = (
    "{name} heeft een fijne dag gehad.",
    "Wat was {name} vandaag {mood}!",
    "{name} kwam vanochtend {mood} binnen.",
    "Vandaag was {name} {mood}.",
)
DIARY_MIDDLES = (
    "Favoriete activiteit vandaag: {activity}.",
    "We zijn samen gaan {activity_verb}.",
    "{name} heeft goed gegeten en lekker geslapen.",
    "{name} lacht veel naar de andere kinderen.",
    "{name} oefent met staan aan de tafel, knap hoor!",
)
DIARY_VERBS = ("buiten spelen", "voorlezen", "zingen", "wandelen", "kruipen")
PARENT_DIARY_TEXTS = (
    "{name} heeft vannacht onrustig geslapen, volgens ons komt er een tandje door. Vanochtend om "
    "06:30 een fles gehad.",
    "Gisteren een fijne dag gehad bij opa en oma. {name} is vanochtend wat eerder wakker "
    "geworden, misschien vandaag iets eerder slapen?",
    "{name} heeft gisteravond voor het eerst zelf een stukje banaan gegeten!",
    "Vannacht goed doorgeslapen. Vanochtend om 07:00 een fles van 180 ml gehad.",
)

# Conversations: (child first name, subject, [(from, text)]) where from is "parent" or "staff".
CONVERSATIONS = (
    ("Noor", "Slecht geslapen", (
        ("parent", "Goedemorgen! Noor heeft vannacht slecht geslapen, ze krijgt tandjes. Ze is "
                   "misschien wat eerder moe vandaag."),
        ("staff", "Dank je wel voor het laten weten, Sanne. We laten haar vandaag wat eerder "
                  "slapen en houden je op de hoogte."),
        ("staff", "Noor heeft van 10:00 tot 11:30 lekker geslapen en is nu weer vrolijk aan het "
                  "spelen."),
        ("parent", "Fijn om te horen, dank jullie wel!"),
        ("staff", "Graag gedaan! Tot vanmiddag."),
    )),
    ("Finn", "Herfstfeest op de groep", (
        ("staff", "Hoi! Volgende week vieren we het herfstfeest op de groep. Willen jullie iets "
                  "gezonds meenemen om samen te delen?"),
        ("parent", "Ja leuk! Wij nemen fruitspiesjes mee. Is dat goed?"),
        ("staff", "Dat is prima. Het feest begint om 10:00, jullie zijn van harte welkom."),
    )),
    ("Julia", "Vandaag opgehaald door oma", (
        ("parent", "Julia wordt vandaag om 17:00 opgehaald door haar oma, mevrouw Jansen."),
        ("staff", "Genoteerd! We geven het door aan de collega's."),
    )),
    ("Sem", "Flesvoeding", (
        ("parent", "Sem drinkt sinds dit weekend opvolgmelk. Ik heb een nieuw blik in zijn tas "
                   "gedaan."),
        ("staff", "Dank je, we zetten het blik in de kast van Sem."),
        ("parent", "Hoeveel heeft hij vandaag gedronken?"),
        ("staff", "Drie flessen van 150 ml, alles netjes leeg."),
        ("parent", "Top, bedankt!"),
    )),
    ("Olivia", "Potty training", (
        ("parent", "Hi! We started potty training with Olivia this weekend. Could you remind "
                   "her to go to the toilet every hour?"),
        ("staff", "Wat leuk! We will remind her. Please bring some extra clothes in her bag."),
        ("staff", "Olivia went to the toilet three times today, she was very proud!"),
    )),
    ("Liam", "Zwemles op donderdag", (
        ("parent", "Liam heeft vanaf volgende week zwemles op donderdag om 16:30. Kunnen jullie "
                   "hem om 16:15 laten gaan? Zijn vriendje Bram gaat met hem mee."),
        ("staff", "Dat kan. Wie haalt Liam op bij de BSO?"),
        ("parent", "De moeder van Bram, mevrouw Dekker. Zij weet er van."),
        ("staff", "Prima. Zullen we het in zijn dossier zetten?"),
        ("parent", "Ja graag, dank je!"),
        ("staff", "Is gebeurd. Veel plezier bij zwemles, Liam!"),
    )),
)  # fmt: skip

# Credits bought for children with contract care: (child, credit type key, hours).
CREDIT_PURCHASES = (("Noor", "kdv", 10), ("Finn", "kdv", 20), ("Hugo", "bso", 10),
                    ("Julia", "fun", 30), ("Liam", "fun", 30), ("Noah", "fun", 30),
                    ("Fenna", "fun", 30))  # fmt: skip
# Extra days: (child, past/ahead, (start, end), status, credit type key or None (invoice),
# requested this many hours earlier, remark of the parent, reason of the planner).
EXTRA_DAYS = (
    ("Noor", "ahead", ("08:00", "17:30"), "requested", None, 0,
     "Wij hebben die dag allebei een cursus. Alvast bedankt!", ""),
    ("Finn", "ahead", ("07:30", "18:00"), "approved", "kdv", 72, "", ""),
    ("Julia", "past", ("08:30", "17:30"), "approved", "fun", 300, "Boswandeling!", ""),
    ("Liam", "ahead", ("14:00", "18:30"), "rejected", None, 36, "",
     "Helaas is de groep op deze dag vol. Wilt u een andere dag proberen?"),
)  # fmt: skip
# Absences: (child, past/ahead/later, number of days, day part, reason, remark).
ABSENCES = (
    ("Noor", "past", 1, "whole_day", "sick", "Noor heeft koorts en blijft thuis."),
    ("Mila", "past", 1, "morning", "other", "Consultatiebureau, ze komt na de lunch."),
    ("Daan", "later", 2, "whole_day", "holiday", "Weekje naar Zeeland!"),
    ("Julia", "ahead", 1, "afternoon", "other", "Tandarts"),
)

NEWS = (
    # (days ago, location index or None, title, body, attach a PDF)
    (
        3,
        None,
        "Sluitingsdagen rond de feestdagen",
        "Rond kerst en oud en nieuw zijn onze locaties gesloten op de officiële feestdagen. In de "
        "bijlage vindt u het overzicht van alle sluitingsdagen van volgend jaar.\n\nWij wensen u "
        "alvast fijne feestdagen!",
        True,
    ),
    (
        12,
        0,
        "Moestuin bij De Boomgaard",
        "De peuters van de Appeltjes hebben met de tuinman een moestuin aangelegd. Binnenkort "
        "oogsten we de eerste radijsjes. Heeft u nog zaadjes of plantjes over? Neem ze gerust mee!",
        False,
    ),
    (
        20,
        1,
        "Herfstvakantieprogramma BSO Klavertje Vier",
        "In de herfstvakantie staat de BSO in het teken van 'Bos en bladeren'. We gaan naar het "
        "Amelisweerd, bakken pompoensoep en bouwen hutten. Vakantiepret-uren kunt u aanvragen via "
        "de app.",
        False,
    ),
    (
        35,
        None,
        "Welkom in de nieuwe OuderApp",
        "Vanaf vandaag gebruiken wij de nieuwe OuderApp. U vindt hier de tijdlijn met foto's, het "
        "dagboek, berichten, de agenda en uw tegoeden. Vragen? Mail naar info@hoera.example.",
        False,
    ),
    (
        55,
        None,
        "Nieuwe tarieven volgend jaar",
        "Per 1 januari worden de uurtarieven aangepast aan de maximale uurprijs van de "
        "kinderopvangtoeslag. U ontvangt hierover binnenkort een persoonlijke brief.",
        False,
    ),
)
NEWS_DRAFT = ("Sinterklaas op bezoek", "Op 5 december komt Sinterklaas langs bij alle groepen.")

NEWSLETTERS = (
    (
        8,
        None,
        "Nieuwsbrief Hoera – najaar",
        """<h2>Het najaar bij Hoera</h2>
<p>De bladeren vallen en bij Hoera wordt er volop <strong>gespeeld, geknutseld en gezongen</strong>.
In deze nieuwsbrief leest u wat er de komende weken op het programma staat.</p>
<ul>
<li><strong>Lampionnen maken</strong> voor Sint-Maarten</li>
<li>Voorleesweek met de bibliotheek</li>
<li>Ouderavond op 12 november</li>
</ul>
<p>Meer informatie vindt u op <a href="https://www.rijksoverheid.nl/onderwerpen/kinderopvang">
de website van de Rijksoverheid</a>.</p>""",
    ),
    (
        40,
        1,
        "Nieuwsbrief BSO Klavertje Vier",
        """<h2>Nieuws van de BSO</h2>
<p>Na de zomervakantie zijn we weer begonnen met de <strong>vaste clubs</strong>:</p>
<ul>
<li>Maandag: sportclub in de gymzaal</li>
<li>Dinsdag: kookclub</li>
<li>Donderdag: techniekclub</li>
</ul>
<p>Inschrijven kan bij de pedagogisch medewerkers. Lees ook de tips van
<a href="https://www.boink.info">BOinK</a>, de belangenvereniging van ouders.</p>""",
    ),
)
