"""What every notification mail shares."""

from django.conf import settings


def site_url() -> str:
    """Where the platform is reached, for links in mails (setting SITE_URL, e.g. https://ip.yantai.gov.cn)."""
    return str(settings.SITE_URL).rstrip("/")
