"""The team lead's figures (domain.md §4-§5). Pure: plain facts in, figures out; no database.

`reporting.dashboard.queries` loads the facts in a fixed number of queries; this package
counts, one module per section (intake, waiting, activity, outcomes, reach, work, capacity),
`board` puts them together, `facts` holds what the queries hand over and `base` the figure
types and the statistics.
Every figure keeps the rows behind it (`ids`, and `denominator_ids` for a share), so the
drill-down list shows exactly what was counted. Outcomes come from `treatment.outcomes`
(`episode_outcome` per episode, `rates` for the numbers) and are never re-derived here.

Statistics:
- median: the middle value; the mean of the two middle values for an even count.
- 90th percentile: nearest rank, the value at rank ceil(0.9 x n) in ascending order, i.e.
  the smallest value with at least 90 % of the values at or below it.
Times: hours to first contact are elapsed hours (the 48-hour clock's own arithmetic,
`intake.deadlines`); waits in days are calendar days in Norwegian time.
"""
