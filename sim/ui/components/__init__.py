"""The app's components, each named for what the planner sees on the page."""
