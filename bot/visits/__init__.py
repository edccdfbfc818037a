"""Visit logging (docs/method.md §2–3): the one-line parser (`parse`, `dates`), the operations
(`ops`: log, edit, undo, follow-up, lists), replies (`render`), the visit form (`modal`,
`prefill`) and the state a question's buttons carry (`state`). No Slack here: the listeners
are in `handlers/*/visit.py`."""
