"""The city's taxonomy: plan strategies and priorities, departments and categories."""
