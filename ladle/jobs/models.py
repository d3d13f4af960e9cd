from django.db import models


class JobRun(models.Model):
    """The last period (a day, an ISO week) a scheduled job was claimed for. A worker claims a
    job by moving this from an older period to the current one in one UPDATE, so with several
    workers each period's run happens exactly once."""

    name = models.CharField(max_length=40, primary_key=True)
    period = models.CharField(max_length=20, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    result = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        return f"{self.name}: {self.period}"
