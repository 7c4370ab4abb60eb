"""Interactive forms for the notebooks; each widget module has a logic module tests drive."""

from .env_form import EnvForm
from .mms_form import MmsForm
from .mms_logic import preview_media
from .sms_form import SmsForm

__all__ = ["EnvForm", "MmsForm", "SmsForm", "preview_media"]
