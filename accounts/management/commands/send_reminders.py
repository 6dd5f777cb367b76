from accounts.posts.reminders import post_reminders_send_due
from moskenes_social.loop import LoopCommand


class Command(LoopCommand):
    help = (
        "Send the reminders about posts not answered by their deadline (what the Celery beat "
        "entry posts-reminders does)."
    )

    def run_once(self) -> str:
        return f"Sent {post_reminders_send_due()} post reminder(s)."
