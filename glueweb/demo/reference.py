"""Fixed vocabularies the generator draws from.

The names and cities deliberately include accents, apostrophes, spaces, a
letter outside Latin-1 (Ł) and a comma ("Washington, D.C.") so
that crawlers, CSV parsers and UI tables meet the awkward cases early.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Country:
    code: str  # ISO 3166-1 alpha-2
    currency: str  # ISO 4217
    weight: float  # share of customers
    cities: tuple[str, ...]
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]


COUNTRIES: tuple[Country, ...] = (
    Country(
        "NL",
        "EUR",
        30,
        ("Amsterdam", "Rotterdam", "Utrecht", "Den Haag", "Eindhoven", "Groningen", "'s-Hertogenbosch"),
        ("Daan", "Sem", "Lucas", "Emma", "Julia", "Sophie", "Fenna", "Noah", "Tess", "Bram", "Anouk", "Zoë"),
        ("de Jong", "Jansen", "de Vries", "van den Berg", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Dekker"),
    ),
    Country(
        "BE",
        "EUR",
        10,
        ("Brussel", "Antwerpen", "Gent", "Liège", "Leuven", "Brugge"),
        ("Lotte", "Arthur", "Louise", "Jules", "Olivia", "Victor", "Marie", "Noé", "Élise", "Wout"),
        ("Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens", "Dubois", "Lambert"),
    ),
    Country(
        "DE",
        "EUR",
        20,
        ("Berlin", "München", "Hamburg", "Köln", "Frankfurt am Main", "Düsseldorf", "Leipzig"),
        ("Lukas", "Mia", "Jonas", "Hannah", "Felix", "Lena", "Jürgen", "Sören", "Anna", "Łukasz"),
        ("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schäfer", "Groß"),
    ),
    Country(
        "FR",
        "EUR",
        15,
        ("Paris", "Lyon", "Marseille", "Saint-Étienne", "Toulouse", "Nantes", "Lille"),
        ("Léa", "Hugo", "Chloé", "Louis", "Camille", "Gabriel", "Zoë", "Théo", "Inès", "Raphaël"),
        ("Martin", "Bernard", "Dubois", "Thomas", "Robert", "Petit", "Durand", "Lefèvre", "Moreau", "Girard"),
    ),
    Country(
        "GB",
        "GBP",
        10,
        ("London", "Manchester", "Edinburgh", "Bristol", "Leeds", "Stratford-upon-Avon"),
        ("Oliver", "Amelia", "George", "Isla", "Harry", "Ava", "Siobhán", "Niamh", "Jack", "Freya"),
        ("Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "O'Brien", "Wilson", "Nowak"),
    ),
    Country(
        "US",
        "USD",
        15,
        ("New York", "San Francisco", "Austin", "Chicago", "Seattle", "Washington, D.C."),
        ("Liam", "Olivia", "José", "Sofía", "Ethan", "Mia", "Łukasz", "Chloe", "Mason", "Aaliyah"),
        ("Johnson", "García", "Miller", "Davis", "Rodríguez", "Martinez", "Nguyen", "Kowalski", "Anderson", "Lee"),
    ),
)

SEGMENTS: tuple[str, ...] = ("consumer", "small_business", "enterprise")
SEGMENT_WEIGHTS: tuple[float, ...] = (80, 15, 5)

# Reserved for documentation (RFC 2606), so no demo address can reach a real inbox.
EMAIL_DOMAINS: tuple[str, ...] = ("example.com", "example.org", "example.net")

ORDER_STATUSES: tuple[str, ...] = ("placed", "shipped", "delivered", "returned", "cancelled")
CHANNELS: tuple[str, ...] = ("web", "mobile", "store")
CHANNEL_WEIGHTS: tuple[float, ...] = (55, 35, 10)

# Catalogue prices; an order's items are drawn from these, so totals look like real baskets.
PRICES: tuple[float, ...] = (4.99, 9.99, 14.95, 19.99, 24.99, 29.95, 39.99, 49.99, 59.00, 79.99, 99.00, 149.99, 199.00)
PRICE_WEIGHTS: tuple[float, ...] = (6, 10, 10, 12, 12, 10, 9, 8, 6, 5, 4, 2, 1)
ITEM_COUNTS: tuple[int, ...] = (1, 2, 3, 4, 5, 6, 8, 12)
ITEM_COUNT_WEIGHTS: tuple[float, ...] = (40, 25, 14, 9, 5, 3, 2, 2)
SHIPPING_FEE = 4.95  # charged on web and mobile orders below FREE_SHIPPING_FROM
FREE_SHIPPING_FROM = 50.0

# Discount code -> percent off. Seasonal codes are only valid in their months.
DISCOUNT_CODES: dict[str, int] = {"WELCOME10": 10, "LOYALTY5": 5, "SPRING15": 15, "SUMMER20": 20, "BLACKFRIDAY25": 25}
SEASONAL_CODE_MONTHS: dict[str, tuple[int, ...]] = {
    "SPRING15": (3, 4, 5),
    "SUMMER20": (6, 7, 8),
    "BLACKFRIDAY25": (11,),
}

PLATFORMS: tuple[str, ...] = ("instagram", "tiktok", "x", "facebook")
PLATFORM_WEIGHTS: tuple[float, ...] = (35, 30, 15, 20)
KINDS: tuple[str, ...] = ("like", "comment", "share", "mention")
KIND_WEIGHTS: tuple[float, ...] = (50, 25, 15, 10)
TAGS: tuple[str, ...] = ("glueshop", "sale", "unboxing", "ootd", "delivery", "newin", "sustainable", "giftideas")

# Post texts by mood; sentiment is drawn from the mood's range so text and score agree.
POSITIVE_TEXTS: tuple[str, ...] = (
    "Love my new sneakers 😍",
    "Fast delivery, great packaging 👍",
    "Très bien, merci !",
    "Super blij met mijn bestelling!",
    "Best customer service ever, thanks @glueshop",
    "Schnelle Lieferung, gerne wieder.",
)
NEUTRAL_TEXTS: tuple[str, ...] = (
    "Does this come in other colours?",
    "Anyone tried the new collection yet?",
    "Is the store in Köln open on Sunday?",
    "Waiting for the sale to start…",
)
NEGATIVE_TEXTS: tuple[str, ...] = (
    "Delivery took forever 😤",
    "Wrong size again, returning it.",
    "Still waiting for my refund @glueshop",
    "Pas content du tout, colis abîmé.",
)
