"""The small core every business area uses: the clock, settings, i18n, who is acting, permission
checks (`access_*`), workspace configuration, the services an operation needs, text helpers."""
