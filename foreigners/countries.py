"""ISO 3166-1 alpha-3 country codes (with the ICAO travel-document codes for stateless and refugee
holders), for nationality and issuing-country fields."""

from django.core.exceptions import ValidationError
from django.utils.choices import BaseChoiceIterator
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

# Name in English, translated for the interface, which shows the code and the name.
COUNTRIES: dict[str, Promise] = {
    "AFG": _("Afghanistan"),
    "ALB": _("Albania"),
    "DZA": _("Algeria"),
    "AND": _("Andorra"),
    "AGO": _("Angola"),
    "ARG": _("Argentina"),
    "ARM": _("Armenia"),
    "AUS": _("Australia"),
    "AUT": _("Austria"),
    "AZE": _("Azerbaijan"),
    "BHR": _("Bahrain"),
    "BGD": _("Bangladesh"),
    "BLR": _("Belarus"),
    "BEL": _("Belgium"),
    "BTN": _("Bhutan"),
    "BOL": _("Bolivia"),
    "BIH": _("Bosnia and Herzegovina"),
    "BRA": _("Brazil"),
    "BRN": _("Brunei Darussalam"),
    "BGR": _("Bulgaria"),
    "KHM": _("Cambodia"),
    "CMR": _("Cameroon"),
    "CAN": _("Canada"),
    "CHL": _("Chile"),
    "CHN": _("China"),
    "COL": _("Colombia"),
    "COD": _("Congo (Democratic Republic)"),
    "HRV": _("Croatia"),
    "CUB": _("Cuba"),
    "CYP": _("Cyprus"),
    "CZE": _("Czechia"),
    "DNK": _("Denmark"),
    "EGY": _("Egypt"),
    "ERI": _("Eritrea"),
    "EST": _("Estonia"),
    "ETH": _("Ethiopia"),
    "FJI": _("Fiji"),
    "FIN": _("Finland"),
    "FRA": _("France"),
    "GEO": _("Georgia"),
    "DEU": _("Germany"),
    "GHA": _("Ghana"),
    "GRC": _("Greece"),
    "HKG": _("Hong Kong"),
    "HUN": _("Hungary"),
    "ISL": _("Iceland"),
    "IND": _("India"),
    "IDN": _("Indonesia"),
    "IRN": _("Iran"),
    "IRQ": _("Iraq"),
    "IRL": _("Ireland"),
    "ISR": _("Israel"),
    "ITA": _("Italy"),
    "JPN": _("Japan"),
    "JOR": _("Jordan"),
    "KAZ": _("Kazakhstan"),
    "KEN": _("Kenya"),
    "PRK": _("Korea (Democratic People's Republic)"),
    "KOR": _("Korea (Republic)"),
    "KWT": _("Kuwait"),
    "KGZ": _("Kyrgyzstan"),
    "LAO": _("Lao PDR"),
    "LVA": _("Latvia"),
    "LBN": _("Lebanon"),
    "LBY": _("Libya"),
    "LTU": _("Lithuania"),
    "LUX": _("Luxembourg"),
    "MAC": _("Macao"),
    "MDG": _("Madagascar"),
    "MYS": _("Malaysia"),
    "MDV": _("Maldives"),
    "MLI": _("Mali"),
    "MLT": _("Malta"),
    "MEX": _("Mexico"),
    "MNG": _("Mongolia"),
    "MAR": _("Morocco"),
    "MOZ": _("Mozambique"),
    "MMR": _("Myanmar"),
    "NPL": _("Nepal"),
    "NLD": _("Netherlands"),
    "NZL": _("New Zealand"),
    "NGA": _("Nigeria"),
    "NOR": _("Norway"),
    "OMN": _("Oman"),
    "PAK": _("Pakistan"),
    "PSE": _("Palestine"),
    "PNG": _("Papua New Guinea"),
    "PER": _("Peru"),
    "PHL": _("Philippines"),
    "POL": _("Poland"),
    "PRT": _("Portugal"),
    "QAT": _("Qatar"),
    "ROU": _("Romania"),
    "RUS": _("Russian Federation"),
    "SAU": _("Saudi Arabia"),
    "SEN": _("Senegal"),
    "SRB": _("Serbia"),
    "SGP": _("Singapore"),
    "SVK": _("Slovakia"),
    "SVN": _("Slovenia"),
    "SOM": _("Somalia"),
    "ZAF": _("South Africa"),
    "SSD": _("South Sudan"),
    "ESP": _("Spain"),
    "LKA": _("Sri Lanka"),
    "SDN": _("Sudan"),
    "SWE": _("Sweden"),
    "CHE": _("Switzerland"),
    "SYR": _("Syria"),
    "TWN": _("Taiwan"),
    "TJK": _("Tajikistan"),
    "TZA": _("Tanzania"),
    "THA": _("Thailand"),
    "TLS": _("Timor-Leste"),
    "TUN": _("Tunisia"),
    "TUR": _("Türkiye"),
    "TKM": _("Turkmenistan"),
    "UGA": _("Uganda"),
    "UKR": _("Ukraine"),
    "ARE": _("United Arab Emirates"),
    "GBR": _("United Kingdom"),
    "USA": _("United States"),
    "URY": _("Uruguay"),
    "UZB": _("Uzbekistan"),
    "VEN": _("Venezuela"),
    "VNM": _("Viet Nam"),
    "YEM": _("Yemen"),
    "ZMB": _("Zambia"),
    "ZWE": _("Zimbabwe"),
    # ICAO Doc 9303 codes used on travel documents
    "XXA": _("Stateless person"),
    "XXB": _("Refugee (1951 Convention)"),
    "XXC": _("Refugee (other)"),
    "XXX": _("Unspecified nationality"),
}
COUNTRY_CHOICES = sorted(
    (code, format_lazy("{} — {}", code, name)) for code, name in COUNTRIES.items()
)


class FixedChoices(BaseChoiceIterator):
    """Choices that never change, shared by every form field and widget that offers them.

    Django normalises a plain list of choices each time a form field or widget is given it, and
    deep-copies it with every form instance (each filter set and form of a page copies its
    fields): for some 250 countries that was about a millisecond of every list page. Django
    leaves a choice iterator as it is, and these copy as themselves (they are immutable)."""

    def __init__(self, choices):
        self._choices = tuple(choices)

    def __iter__(self):
        return iter(self._choices)

    def __len__(self):
        return len(self._choices)

    def __getitem__(self, index):
        return self._choices[index]

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self


# For forms and filters (model fields keep the plain list, which migrations serialise).
COUNTRY_FORM_CHOICES = FixedChoices(COUNTRY_CHOICES)


def validate_country(value: str) -> None:
    if value not in COUNTRIES:
        raise ValidationError(
            _("%(value)s is not an ISO 3166 alpha-3 country code (e.g. CHN, MYS, USA)."),
            params={"value": value},
            code="invalid_country",
        )
