"""The screening's terms for a guideline version that names none.

Version 1 was adopted before posts were screened, and an adopted version never changes, so
it screens with these. Every version saved since names its own list (the rådmann edits it
with the other parameters), so changing this list would change what version 1 means:
``tests/policy/test_screening_parameters.py`` pins it.

Each entry is a word and its inflections, the headword first; a form ending in ``*``
matches every word that begins with it (compounds: «barnevernet», «barnevernstjenesten»).
They are about a person's health, child welfare, social welfare and abuse: what the
guideline's «sensitive opplysninger» are about. Words that ordinary posts use of services
rather than of a person («sykehjem», «helsestasjon», «legevakt», «fosterhjem», which the
municipality recruits) are left out: they are measured against ordinary posts in ``make
bench`` (docs/performance.md).
"""

DEFAULT_SENSITIVE_TERMS: tuple[tuple[str, ...], ...] = (
    # Health
    ("diagnose", "diagnosen", "diagnoser", "diagnosene", "diagnostisert", "diagnostiserte"),
    ("kreft", "kreften", "kreftsyk", "kreftsyke", "cellegift", "cellegiften"),
    ("psykiatri", "psykiatrien", "psykiatrisk", "psykiatriske"),
    (
        "psykisk syk",
        "psykisk syke",
        "psykisk lidelse",
        "psykiske lidelser",
        "psykisk utviklingshemmet",
    ),
    ("depresjon", "depresjonen", "depresjoner", "deprimert", "deprimerte"),
    ("angstlidelse", "angstlidelsen", "angstlidelser"),
    ("schizofreni", "schizofren", "schizofrene"),
    ("bipolar", "bipolare", "bipolar lidelse"),
    ("autisme", "autismen", "autist", "autisten", "autister", "autistisk", "autistiske"),
    ("adhd",),
    ("epilepsi", "epilepsien", "epileptisk", "epileptiske"),
    ("diabetes", "diabetiker", "diabetikere"),
    ("demens", "demensen", "dement", "demente"),
    ("utviklingshemmet", "utviklingshemmede", "utviklingshemming", "utviklingshemmingen"),
    ("funksjonshemmet", "funksjonshemmede", "funksjonshemning", "funksjonshemningen"),
    ("sykmeldt", "sykmeldte", "sykmelding", "sykmeldingen", "sykemeldt", "sykemeldte"),
    ("pasientjournal", "pasientjournalen", "journalen hennes", "journalen hans"),
    ("legeerklæring", "legeerklæringen", "legeerklæringer"),
    ("abort", "aborten", "aborter"),
    ("hiv", "hiv-positiv", "aids"),
    ("overdose", "overdosen", "overdoser"),
    ("selvmord", "selvmordet", "selvmordsforsøk", "selvmordsfare", "tok sitt eget liv"),
    ("selvskading", "selvskadingen", "skader seg selv"),
    ("spiseforstyrrelse", "spiseforstyrrelsen", "spiseforstyrrelser", "anoreksi", "bulimi"),
    # Drugs and alcohol
    (
        "rusavhengig",
        "rusavhengige",
        "rusavhengighet",
        "rusmisbruk",
        "rusmisbruker",
        "rusmisbrukere",
    ),
    ("rusproblem", "rusproblemer", "rusproblemene", "narkoman", "narkomane", "narkomanen"),
    ("alkoholiker", "alkoholikere", "alkoholikeren", "alkoholisert"),
    # Child welfare
    ("barnevern", "barnevernet", "barnevernssak", "barnevernssaken", "barnevernssaker"),
    ("omsorgsovertakelse", "omsorgsovertakelsen", "omsorgsovertagelse", "omsorgsovertagelsen"),
    ("fosterbarn", "fosterbarnet", "fosterbarna"),
    ("akuttvedtak", "akuttvedtaket", "akuttplassert", "akuttplassering", "akuttplasseringen"),
    ("bekymringsmelding", "bekymringsmeldingen", "bekymringsmeldinger"),
    ("samværsrett", "samværsretten", "foreldretvist", "foreldretvisten", "barnefordeling"),
    # Social welfare
    ("sosialhjelp", "sosialhjelpen", "sosialstønad", "sosialstønaden", "økonomisk sosialhjelp"),
    # Abuse and crime against a person
    ("overgrep", "overgrepet", "overgrepene", "overgriper", "overgriperen"),
    ("voldtekt", "voldtekten", "voldtatt", "voldtekter"),
    ("mishandling", "mishandlingen", "mishandlet", "vold i nære relasjoner"),
)
