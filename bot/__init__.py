"""Pipeline Coach: domain logic, rendering, i18n, settings, and the app's entry points."""
