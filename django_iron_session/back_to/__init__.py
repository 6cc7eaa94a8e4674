"""Django's server-side engines, each of which also moves this package's sealed sessions into
its own store once: ``SESSION_ENGINE = "django_iron_session.back_to.db"`` (or ``cached_db``,
``cache``, ``file``) to leave this engine without logging anyone out."""
