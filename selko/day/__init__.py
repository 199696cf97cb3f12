"""What happens on a client's day: the schedule, attendance, tasks, help, the self-assessment and the client's presses."""
