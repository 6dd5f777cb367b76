from django.apps import AppConfig


class BenchConfig(AppConfig):
    """The benchmark's data generator, commands, reference views and query counter.
    Installed by ``moskenes_social.settings.bench`` only: production has none of it."""

    name = "bench"
    verbose_name = "Benchmarks"
