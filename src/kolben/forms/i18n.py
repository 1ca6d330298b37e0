"""WTForms' messages in the request's language.

With ``WTF_I18N_ENABLED`` (the default), a form's messages ("This field is
required.") come from the catalogs WTForms ships, in the locale that the
app's Babel integration selects (Flask-Babel's ``get_locale()``, when the
app has one in ``app.extensions["babel"]``), or else the best match for the
request's ``Accept-Language`` among WTForms' languages. English when none
fits.
"""

from __future__ import annotations

import gettext
import os
from collections.abc import Iterable
from functools import lru_cache
from typing import Any, cast

from wtforms.i18n import messages_path

from ..ctx import has_request_context
from ..globals import current_app, g, request

__all__ = ["Translations", "translations"]

_MISSING = object()
#: Where the translations of the current request are kept on ``g``.
_G_KEY = "_kolben_forms_translations"


@lru_cache(maxsize=1)
def available_locales() -> dict[str, str]:
    """Map language tags (``pt-br``) to WTForms' catalog names (``pt_BR``)."""
    root = messages_path()
    found = {}
    for name in os.listdir(root):
        if os.path.isfile(os.path.join(root, name, "LC_MESSAGES", "wtforms.mo")):
            found[name.replace("_", "-").lower()] = name
    return found


@lru_cache(maxsize=64)
def _catalog(locale: str) -> gettext.NullTranslations:
    return gettext.translation("wtforms", messages_path(), [locale], fallback=True)


def _babel_locale() -> str | None:
    """Return the locale the app's Flask-Babel selects, if it has one."""
    if "babel" not in current_app.extensions:
        return None
    try:
        from flask_babel import get_locale
    except ImportError:
        return None
    locale = get_locale()
    return None if locale is None else str(locale)


def select_locale() -> str | None:
    """Return the catalog name for the current request, or ``None``.

    The app's Babel locale wins; else ``Accept-Language`` decides.
    """
    locale = _babel_locale()
    if locale is not None:
        return locale
    return _accepted_locale(request.accept_languages)


def _accepted_locale(accepted: Iterable[tuple[str, float]]) -> str | None:
    """Return the catalog of the best-liked language that has one.

    Each entry, best first, matches its catalog (``pt-br``), else that of
    its language (``fr-ca`` is ``fr``): a French Canadian reads French
    before the English she accepts as well.
    """
    locales = available_locales()
    for value, quality in accepted:
        tag = value.lower()
        if quality <= 0 or tag == "*":
            continue
        found = locales.get(tag) or locales.get(tag.partition("-")[0])
        if found is not None:
            return found
    return None


def _get_translations() -> gettext.NullTranslations | None:
    if not has_request_context():
        return None
    cached = g.get(_G_KEY, _MISSING)
    if cached is _MISSING:
        locale = select_locale()
        cached = None if locale is None else _catalog(locale)
        setattr(g, _G_KEY, cached)
    return cast("gettext.NullTranslations | None", cached)


class Translations:
    """WTForms' translations object: messages in the request's locale."""

    def gettext(self, string: str) -> str:
        """Return ``string`` translated.

        :param string: the message.
        """
        t = _get_translations()
        return string if t is None else t.gettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """Return the singular or plural form for ``n``, translated.

        :param singular: the message for one.
        :param plural: the message for several.
        :param n: the count.
        """
        t = _get_translations()
        if t is None:
            return singular if n == 1 else plural
        return t.ngettext(singular, plural, n)


#: What :class:`~kolben.forms.KolbenForm` translates with.
translations: Any = Translations()
