"""Interface language: Bahasa Indonesia unless the user chose another with the language switch.

Django's LocaleMiddleware would follow the browser's Accept-Language header, so an office PC or
a phone set up in English would get English. The portal is an Indonesian government service:
its language is Bahasa Indonesia until the user picks English with the switch
(``django.views.i18n.set_language``), whose cookie then keeps the choice.
"""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class LanguageCookieMiddleware(LocaleMiddleware):
    """LocaleMiddleware that reads the language cookie and ignores Accept-Language."""

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        try:
            language = translation.get_supported_language_variant(chosen or "")
        except LookupError:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
