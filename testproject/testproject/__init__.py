"""A small site that runs on django-iron-session: the demo, and what end-to-end tests drive."""
