"""`nødkit init --lang da`: the files of a new content folder with Danish comments and
placeholders (the English ones are in init.py; the keys stay English, as the format has them)."""

MARKER = "UDFYLD"

NAME = "<<UDFYLD: organisationens navn, fx Fjordby Kommune>>"
TIMEZONE = "<<UDFYLD: tidszone, fx Europe/Copenhagen>>"

ORGANISATION = """\
# yaml-language-server: $schema=%(schemas)s/organisation.schema.json
# Hvem I er. Erstat hvert "<<UDFYLD: …>>", anførselstegnene med, med den rigtige værdi;
# behold anførselstegn om en værdi med kolon (:) eller #, og om klokkeslæt ("07:00").
# `nødkit check` nævner hver pladsholder, der er tilbage. Formatet: docs/content.md; hele
# vejen herfra til udskrevne kits: docs/adopt.md.

# Organisationens navn: trykt i sidefødderne og sat som PDF'ernes forfatter.
name: %(name)s
# Telefonnumrenes land (to bogstaver): numrene kontrolleres for det og skrives i dets format.
region: %(region)s
# Sproget i al almindelig tekst i disse filer. En tekst kan også gives pr. sprog:
#   title: {%(lang)s: …, en: …}
default_language: %(lang)s
# Tidszonen for datoerne for planlagt nedetid og for kalenderen.
timezone: %(timezone)s
"""

CONTACTS = """\
# yaml-language-server: $schema=%(schemas)s/contacts.schema.json
# Hvem personalet ringer til. En plan viser de kontakter, den nævner (ved id), i sin rækkefølge.
# De korte tekster (call_when, not_when, does_not) står på opslaget og på lommekortet,
# så hold dem på én linje. Telefonnumre skrives, som folk skriver dem.
contacts:
  # Teamet, der driver %(system)s (et systemteam eller leverandørens support).
  - id: system-team                   # små bogstaver, tal og bindestreger; planerne henviser til det
    name: "<<UDFYLD: teamets navn, fx %(system)s-teamet>>"
    phones: ["<<UDFYLD: teamets telefon>>"]          # et eller flere numre
    email: "<<UDFYLD: teamets e-mailadresse>>"    # slet linjen, hvis der ingen er
    # Hvilken boks under opslagets "ring nu": working-hours | outside-hours | always | as-needed
    available: working-hours
    hours:                            # hvornår de svarer; ét punkt pr. række af ugedage
      - days: mon-fri                 # mon tue wed thu fri sat sun, en række (mon-thu) eller en liste (sat,sun)
        open: "<<UDFYLD: åbner kl., TT:MM som 08:00>>"
        close: "<<UDFYLD: lukker kl., TT:MM som 15:30>>"
    call_when: "<<UDFYLD: hvornår man ringer til dem, én kort linje>>"
    # not_when: hvornår man IKKE skal ringe til dem (valgfrit)
    # does_not: hvad de ikke gør, fx glemte adgangskoder (valgfrit)

  # IT-afdelingen, i arbejdstiden.
  - id: it
    name: "<<UDFYLD: IT-afdelingens navn>>"
    phones: ["<<UDFYLD: IT-afdelingens telefon>>"]
    available: working-hours
    call_when: "<<UDFYLD: hvornår man ringer til dem, fx et nedbrud i arbejdstiden>>"

  # Den, der svarer om aftenen, om natten, i weekender og på helligdage.
  - id: it-oncall
    name: "<<UDFYLD: vagtens navn>>"
    phones: ["<<UDFYLD: vagtens telefon>>"]
    available: outside-hours
    call_when: "<<UDFYLD: hvornår man ringer til dem, fx kun når hele netværket er nede>>"
    does_not: "<<UDFYLD: hvad de ikke gør, fx glemte adgangskoder>>"

  # En kontakt uden nummer trykkes uden (`nødkit check` advarer), fx
  # - id: amk
  #   name: AMK
  #   available: as-needed             # "efter behov": kun i den situation, call_when beskriver
  #   call_when: …
"""

PLAN = """\
# yaml-language-server: $schema=%(schemas)s/plan.schema.json
# Jeres beredskabsplan for et nedbrud i %(system)s. En indholdsmappe kan rumme flere planer
# (fx én pr. område): én fil hver i plans/, og hver enhed nævner sin plan.
# I enhver tekst skriver {phone:ID}, {email:ID} og {hours:ID} en kontakts numre, e-mail eller
# åbningstider, og {url:fallback} / {url:password-reset} denne plans adresser:
# skriv hvert faktum én gang, så bliver et ændret nummer ændret alle steder.
id: %(plan)s                             # enhederne nævner den i `plan:`
title: "<<UDFYLD: planens titel, opslagets overskrift, fx IT-nedbrud – %(system)s>>"
system: %(system_q)s                       # systemets navn; "%(system)s i browseren" står under QR-koden
summary: "<<UDFYLD: én linje om, hvad situationen er (under opslagets titel)>>"

# 1 til 9 korte trin i bydeform til opslaget og lommekortet, i rækkefølge.
steps:
  - "<<UDFYLD: trin 1, fx Ring til de andre enheder og hør, hvor stort nedbruddet er>>"
  - "<<UDFYLD: trin 2, fx Ring til kontakterne under 'Ring nu'>>"
  - "<<UDFYLD: trin 3, fx Skriv alt på papirskemaerne>>"

# Kontakternes id'er fra contacts.yaml, i den rækkefølge opslaget viser dem.
contacts: [system-team, it, it-oncall]

# Adressen, der virker, når den sædvanlige vej ind ikke gør: trykt som tekst og som QR-kode.
fallback:
  url: "<<UDFYLD: nødadressen, som begynder med https://>>"
  how: "<<UDFYLD: én sætning om, hvordan den bruges>>"
  # mobile: vejen, når netværket er nede, fx en telefon med SIM-kort (valgfrit)

# Hvor en glemt adgangskode skiftes (valgfrit):
# password_reset:
#   url: https://…
#   how: én sætning, fx Skift din adgangskode på

# Hvad man gør, når der ikke er nogen at ringe til (aften, nat, weekend).
outside_hours: "<<UDFYLD: hvad man gør, når ingen kan kontaktes>>"

# Planlagt nedetid, trykt som de næste datoer på opslaget og skrevet som kalender (valgfrit):
# maintenance:
#   rrule: FREQ=MONTHLY;BYDAY=+4TU     # en iCalendar-RRULE: her den 4. tirsdag i hver måned
#   part_of_day: evening               # morning | daytime | evening | night
#   duration_hours: [1, 2]             # [korteste, længste] forventede nedetid i timer
#   note: planens egen sætning om den

# Planens godkendelse, trykt i hver sidefod. Datoer skrives ÅÅÅÅ-MM-DD.
revision:
  prepared_by: "<<UDFYLD: hvem der har udarbejdet planen>>"
  approved_by: "<<UDFYLD: hvem der har godkendt den, titel og navn>>"
  approved_on: "<<UDFYLD: datoen den blev godkendt, ÅÅÅÅ-MM-DD>>"
  last_updated: "<<UDFYLD: datoen den sidst blev opdateret, ÅÅÅÅ-MM-DD>>"
  editor: "<<UDFYLD: den ansvarlige redaktørs navn>>"

# Hele planen, afsnit for afsnit, til mappen. Et afsnits body er en liste af tekstafsnit
# og punktlister (`- bullets: [...]`). Tilføj så mange afsnit, som planen har.
sections:
  - id: situation                     # små bogstaver, tal og bindestreger
    heading: "<<UDFYLD: afsnittets overskrift, fx Situation>>"
    body:                             # tekstafsnit og punktlister, i rækkefølge
      - "<<UDFYLD: et tekstafsnit: hvad der regnes for et nedbrud>>"

  - id: alerting
    heading: "<<UDFYLD: afsnittets overskrift, fx Alarmering>>"
    body:
      - "<<UDFYLD: hvem der alarmeres og hvordan, fx Ring i arbejdstiden til IT-afdelingen på {phone:it}.>>"
      - bullets:                      # en punktliste: ét punkt pr. linje
          - "<<UDFYLD: et punkt>>"
"""

UNITS = """\
# yaml-language-server: $schema=%(schemas)s/units.schema.json
# Enhederne, der får et kit, én blok hver (kopiér blokken til den næste enhed).
# Har I enhederne i et regneark i stedet? Læg units.xlsx eller units.csv her og slet denne fil;
# kolonnerne står i docs/adopt.md, og `nødkit units export units.xlsx` skriver denne
# fils enheder som et regneark at begynde fra.
units:
  - id: "<<UDFYLD: enhedens id, små bogstaver, tal og bindestreger, fx fjordgaarden>>"
    name: "<<UDFYLD: enhedens navn>>"
    plan: %(plan)s                    # planens id: plans/%(plan)s.yaml
    address: "<<UDFYLD: enhedens adresse>>"
    phone: "<<UDFYLD: enhedens egen telefon>>"
    leader:                           # den lokale leder: trykt i enhedens blok
      name: "<<UDFYLD: lederens navn>>"
      phone: "<<UDFYLD: lederens telefon>>"
    neighbours: []                    # id'er på enheder at ringe til om nedbruddets omfang; deres numre trykkes
    languages: [%(lang)s]                   # sprogene i denne enheds kit
    # copies: {poster-a3: 1, poster-a4: 2}   # kopier pr. dokument-id (`nødkit list`); 1, hvis det ikke nævnes
%(sheets)s    # example: true                   # en opdigtet enhed: trykkes med "EKSEMPEL – ikke til brug" hen over hver side
"""

SHEETS = "    # sheets: [haendelseslog]         # registreringsskemaer; udeladt: alle slags\n"

PROJECT = """\
# nødkits projektfil: `nødkit check` og `nødkit build` i denne mappe (eller en mappe under den)
# læser deres mapper herfra, så der ikke skal skrives --content/--layouts/--out. Stierne er
# i forhold til denne fil; en mulighed på kommandolinjen går forud.
content = {content}
# layouts = "layouts"          # en mappe, hvis filer én for én erstatter standardlayoutene
out = {out}
"""
