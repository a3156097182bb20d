"""Analysis over the store: dyad timelines, escalation, red-line alerts, action–reaction.

SQL does the counting (it runs over millions of events); pure functions over records do the
reasoning (ladders, change points, rules, reaction links), so each can be tested alone.
"""
