"""Daily PDCA (每日 PDCA, docs/method.md section 6): the morning plan and the evening review.

- `prompts`: the two DMs the scheduler sends (a button opens the form).
- `plan`: the morning form: up to 7 items tagged key project / routine / ad hoc, and the
  planned visits, prefilled with what is already due today.
- `review`: the evening form: the plan beside the visits actually logged today, then what was
  not finished, not done well, not done, the problems met and the countermeasures.
- `days`: streaks (consecutive working days reviewed) and personal time off
  (`/checkin off until 2026-12-05`, `休假到 12月5日`), which pauses every scheduled message.

Operations are `do_*` functions on `(db, actor, …)`; rendering returns plain Block Kit.
"""
