"""Django's own user-facing strings that its nb catalogue does not translate (yet).

Listed here so that ``make messages`` keeps them in our catalogue, which takes precedence
over Django's (``LOCALE_PATHS``). Remove an entry when Django's nb catalogue has it.
"""

from django.utils.translation import gettext_noop

DJANGO_STRINGS = [
    # Django 6.1's empty choice of a select (django.db.models.fields.BLANK_CHOICE_LABEL).
    gettext_noop("- Select an option -"),
]
