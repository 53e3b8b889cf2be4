from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """No models: the app exists so that `manage.py load_demo` lives next to the data it loads."""

    name = "ipcity.demo"
    label = "demo"
    verbose_name = _("Demo data")
