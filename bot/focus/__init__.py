"""The focus keeper: keeps a team's talk on student learning."""
