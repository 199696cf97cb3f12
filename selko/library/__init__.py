"""The task library and what a task is made of: photos, recordings, pictures and their storage."""
