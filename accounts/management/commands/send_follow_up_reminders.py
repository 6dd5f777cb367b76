from accounts.services import follow_up_reminders_send_due
from moskenes_social.loop import LoopCommand


class Command(LoopCommand):
    help = (
        "Send the follow-up reminders that are due (what the Celery beat entry "
        "accounts-follow-up-reminders does)."
    )

    def run_once(self) -> str:
        return f"Sent {follow_up_reminders_send_due()} follow-up reminder(s)."
